package bot

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/internal/tgfake"
)

// BenchmarkSend measures the client against the fake with its limits off:
// the ceiling the broadcaster's own pacing works under.
func BenchmarkSend(b *testing.B) {
	s := tgfake.New(b, tgfake.Options{Unlimited: true})
	c, err := telegram.New(context.Background(), telegram.Config{Token: s.Token, APIEndpoint: s.URL, SendTimeout: 10 * time.Second,
		Logger: discardLogger()})
	if err != nil {
		b.Fatal(err)
	}
	a := testArticle()
	text := renderText(a, langZH, "")
	const workers = 16
	jobs := make(chan int64)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for chat := range jobs {
				m := tgbotapi.NewMessage(chat, text)
				m.ParseMode = parseModeHTML
				if _, err := c.Send(context.Background(), m); err != nil {
					b.Error(err)
				}
			}
		})
	}
	b.ResetTimer()
	start := time.Now()
	for i := range b.N {
		jobs <- int64(i%10000 + 1)
	}
	close(jobs)
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "msgs/s")
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }

// BenchmarkRenderFullText renders a long article's full text: the work of
// one full-text answer before its messages are paced out.
func BenchmarkRenderFullText(b *testing.B) {
	a := longArticle("bench", 40, &content.Photo{URL: "https://news.example/p.jpg", Caption: "A caption"})
	var msgs, units int
	for _, p := range a.Paragraphs {
		units += utf16Len(p)
	}
	b.ResetTimer()
	for b.Loop() {
		msgs = len(renderFullText(a, langZH, true).texts)
	}
	b.ReportMetric(float64(msgs), "msgs/op")
	b.ReportMetric(float64(units)*float64(b.N)/b.Elapsed().Seconds()/1e6, "Munits/s")
}
