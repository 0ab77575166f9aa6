package bot

import (
	"context"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"golang.org/x/time/rate"

	"github.com/newsbot/newsbot/internal/tgfake"
)

// TestPacerBuckets checks that a chat's buckets stay one token inside
// Telegram's: 1 a second with a burst of 5 in private chats, 3 in groups,
// and 20 a minute in groups.
func TestPacerBuckets(t *testing.T) {
	p := newPacer(25, time.Second, 20)
	tests := []struct {
		chat  int64
		burst int
		group bool
	}{
		{1, privateBurst, false},
		{-5, groupBurst, true},
		{-1000000000001, groupBurst, true},
	}
	for _, tt := range tests {
		c := p.chat(tt.chat)
		if got := c.burst.Burst(); got != tt.burst {
			t.Errorf("chat %d: got burst %d, want %d", tt.chat, got, tt.burst)
		}
		if got, want := c.burst.Limit(), rate.Limit(1); got != want {
			t.Errorf("chat %d: got %v a second, want %v", tt.chat, got, want)
		}
		if (c.group != nil) != tt.group {
			t.Fatalf("chat %d: got group limiter %v, want %v", tt.chat, c.group != nil, tt.group)
		}
		if c.group != nil && (c.group.n != 20 || c.group.per != time.Minute) {
			t.Errorf("chat %d: got %d in %v, want 20 in a minute", tt.chat, c.group.n, c.group.per)
		}
	}
	if got := p.global.Limit(); got != 25 {
		t.Errorf("got a global limit of %v, want 25", got)
	}
	if got := p.ceiling.Limit(); got != ceilingRate {
		t.Errorf("got a ceiling of %v, want %v", got, ceilingRate)
	}
	if got := newPacer(1000, time.Second, 20).ceiling.Limit(); got != 1000 {
		t.Errorf("RATE_LIMIT 1000: got a ceiling of %v, want 1000", got)
	}
}

// TestWindow checks that a window never reserves more than n events in
// any span of per, and that a wait cut short by its context says so.
func TestWindow(t *testing.T) {
	w := &window{n: 3, per: 100 * time.Millisecond}
	var reserved []time.Time
	for range 7 {
		if err := w.wait(context.Background()); err != nil {
			t.Fatal(err)
		}
		reserved = append(reserved, w.at[len(w.at)-1])
	}
	for i := 3; i < len(reserved); i++ {
		if d := reserved[i].Sub(reserved[i-3]); d < w.per {
			t.Errorf("events %d and %d: reserved %v apart, want at least %v", i-3, i, d, w.per)
		}
	}
	full := &window{n: 1, per: time.Hour}
	if err := full.wait(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := full.wait(ctx); err != context.Canceled {
		t.Errorf("a full window and an ended context: got %v, want context.Canceled", err)
	}
}

// TestPauseStopsAllSends checks that a 429 for one chat pauses the sends
// to every chat, readers' answers included, for retry_after, and that the
// refused message is sent again.
func TestPauseStopsAllSends(t *testing.T) {
	h := newHarness(t, tgfake.Options{}, Options{})
	h.fake.Inject("sendMessage", 1, tgfake.TooMany(1), 1)
	start := time.Now()
	done := make(chan error, 1)
	go func() {
		_, err := h.bot.out.send(lane{ctx: context.Background(), send: context.Background(), global: true},
			1, tgbotapi.NewMessage(1, "broadcast"))
		done <- err
	}()
	h.fake.Await(t, "the 429", func() bool { return h.fake.TooManyRequests() == 1 })
	if _, err := h.bot.out.reply(context.Background(), 2, "answer"); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	for _, chat := range []int64{1, 2} {
		msgs := h.fake.MessagesTo(chat)
		if len(msgs) != 1 {
			t.Fatalf("chat %d: got %d messages, want 1", chat, len(msgs))
		}
		if waited := msgs[0].Time.Sub(start); waited < time.Second {
			t.Errorf("chat %d: sent %v after the first try, want after the 1s pause", chat, waited)
		}
	}
}
