module github.com/newsbot/newsbot

go 1.26.0

require (
	github.com/PuerkitoBio/goquery v1.13.0
	github.com/fsnotify/fsnotify v1.10.1
	github.com/go-telegram-bot-api/telegram-bot-api/v5 v5.5.1
	github.com/joho/godotenv v1.5.1
	go.etcd.io/bbolt v1.5.0
	golang.org/x/net v0.62.0
	golang.org/x/time v0.16.0
)

require (
	github.com/andybalholm/cascadia v1.3.4 // indirect
	golang.org/x/sys v0.49.0 // indirect
)
