module github.com/newsbot/newsbot

go 1.26
