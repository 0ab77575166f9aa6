package bot

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/tgfake"
)

// A storm of 429s and 502s, then Telegram recovering: the sends the
// broadcast left pending are retried by themselves, and every reader gets
// every article once, with no admin action.
func TestStormPassesWithoutAnAdmin(t *testing.T) {
	t.Parallel()
	fo, o := fastOptions()
	o.RetryBackoff = 200 * time.Millisecond
	h := newHarness(t, fo, o)
	const n = 60
	chats := chatIDs(n)
	h.subscribe(chats...)
	heads := h.putThree(time.Now().Add(-3 * time.Hour))
	var storm atomic.Bool
	storm.Store(true)
	h.fake.InjectFunc(func(c tgfake.Call) *tgfake.Fault {
		if !storm.Load() || c.Method != "sendMessage" {
			return nil
		}
		switch {
		case c.ChatID == 7: // this chat's sends fail past every retry
			f := tgfake.BadGateway()
			return &f
		case c.N%10 == 3:
			f := tgfake.BadGateway()
			return &f
		case c.N%40 == 1:
			f := tgfake.TooMany(1)
			return &f
		}
		return nil
	})
	h.run()
	first := h.broadcast()
	if first.Pending == 0 {
		t.Fatalf("summary of the storm: %+v; want sends left pending", first)
	}
	storm.Store(false) // Telegram recovers
	h.fake.Await(t, "every reader to have every article", func() bool {
		got := received(h.fake.Messages(), heads)
		for _, c := range chats {
			for _, head := range heads {
				if got[c][head] < 1 {
					return false
				}
			}
		}
		return true
	})
	h.settle()
	checkOnce(t, received(h.fake.Messages(), heads), chats, heads)
}

// A paid broadcast sends its messages with allow_paid_broadcast, past the
// free 30 a second; readers' answers stay free.
func TestPaidBroadcast(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{PaidBroadcast: true, RateLimit: 200})
	const n = 40
	h.subscribe(chatIDs(n)...)
	h.putArticles(article("paid", recent(), nil))
	h.run()
	h.fake.PostPrivate(user(9999, "en"), "/help")
	h.waitMessages(t, 9999, 1)
	sum := h.broadcast()
	h.settle()
	if sum.Sent != n {
		t.Errorf("summary: %+v, want %d sent", sum, n)
	}
	for _, m := range h.fake.Messages() {
		if want := m.ChatID != 9999; m.Paid != want {
			t.Errorf("chat %d: paid %v, want %v", m.ChatID, m.Paid, want)
		}
	}
	if n := h.fake.TooManyRequests(); n != 0 {
		t.Errorf("got %d 429s, want none", n)
	}
}
