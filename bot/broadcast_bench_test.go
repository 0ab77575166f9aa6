package bot

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// BenchmarkBroadcast measures whole broadcasts, ledger durable (bbolt
// fsyncs every Record), through the real client: each iteration plans one
// new article for every subscriber and delivers it with RunOnce.
//
//   - unlimited: RATE_LIMIT 1000 against the fake with its limits off and
//     10,000 subscribers, an HTTP transport tuned for many connections
//     (target ≥ 900 msgs/s);
//   - telegram: RATE_LIMIT 29 against the fake enforcing Telegram's 30 in
//     any second as a sliding window, 300 subscribers (target ≥ 0.97 × 29,
//     and no 429);
//   - ceiling: as unlimited, but with no RATE_LIMIT to speak of: what the
//     sending and the durable ledger allow on this machine.
func BenchmarkBroadcast(b *testing.B) {
	b.Run("unlimited", func(b *testing.B) {
		benchBroadcast(b, 10000, tgfake.Options{Unlimited: true},
			Options{RateLimit: 1000, Senders: 64, ChatSpacing: -1, GroupPerMinute: -1, Unpaced: true})
	})
	b.Run("ceiling", func(b *testing.B) {
		benchBroadcast(b, 10000, tgfake.Options{Unlimited: true},
			Options{RateLimit: 1e6, Senders: 64, ChatSpacing: -1, GroupPerMinute: -1, Unpaced: true})
	})
	b.Run("telegram", func(b *testing.B) {
		benchBroadcast(b, 300, tgfake.Options{}, Options{RateLimit: 29})
	})
}

func benchBroadcast(b *testing.B, subscribers int, fo tgfake.Options, o Options) {
	fake := tgfake.New(b, fo)
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConns = 0
	transport.MaxIdleConnsPerHost = 2 * max(o.Senders, DefaultSenders)
	transport.IdleConnTimeout = 30 * time.Second
	c, err := telegram.New(context.Background(), telegram.Config{Token: fake.Token, APIEndpoint: fake.URL,
		SendTimeout: 10 * time.Second, Transport: transport, Logger: discardLogger()})
	if err != nil {
		b.Fatal(err)
	}
	store := newTestStore(b)
	for i := range subscribers {
		if _, _, err := store.Subscribe(int64(i+1), "zh", time.Now()); err != nil {
			b.Fatal(err)
		}
	}
	o.Logger = discardLogger()
	bc := NewBroadcaster(c, store, o)
	pub := time.Now().Add(-time.Hour)

	var sent int
	var took time.Duration
	b.ResetTimer()
	for i := range b.N {
		b.StopTimer()
		a := article(fmt.Sprintf("bench%d", i), pub.Add(time.Duration(i)*time.Second), nil)
		data, err := ingest.EncodeArticle(&a)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := store.UpsertArticles([]state.Article{{ID: a.ID, Published: a.Published, Data: data}}); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		sum, err := bc.RunOnce(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		took += time.Since(start)
		sent += sum.Sent
		if sum.Sent != subscribers {
			b.Fatalf("got %d sent, want %d", sum.Sent, subscribers)
		}
	}
	b.ReportMetric(float64(sent)/took.Seconds(), "msgs/s")
	b.ReportMetric(float64(fake.RateLimited()), "429s")
	if n := fake.RateLimited(); n > 0 {
		b.Errorf("the fake answered %d 429s for pacing, want 0", n)
	}
}
