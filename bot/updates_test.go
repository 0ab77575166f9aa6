package bot

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/internal/tgfake"
)

// stallTransport holds every sendMessage into chat until the request's
// context ends, as a chat Telegram is slow to answer for.
type stallTransport struct {
	chat  int64
	stuck chan struct{} // closed at the first held request
}

func (s *stallTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasSuffix(r.URL.Path, "/sendMessage") && sendChat(r) == s.chat {
		select {
		case <-s.stuck:
		default:
			close(s.stuck)
		}
		<-r.Context().Done()
		return nil, r.Context().Err()
	}
	return http.DefaultTransport.RoundTrip(r)
}

// An update queued behind a slow chat when the grace period ends is left
// for the next run, and the updates handled after it are not answered
// again: each reader gets one answer.
func TestUpdatesLeftAtStopAreHandledOnceByTheNextRun(t *testing.T) {
	t.Parallel()
	const slow, quick = 6001, 6002
	stall := &stallTransport{chat: slow, stuck: make(chan struct{})}
	h := newHarness(t, tgfake.Options{}, Options{Grace: 200 * time.Millisecond},
		func(c *telegram.Config) { c.Transport = stall }).run()
	h.fake.PostPrivate(user(slow, "en"), "/help")
	<-stall.stuck
	h.fake.PostPrivate(user(slow, "en"), "/help") // queued behind the first
	h.fake.PostPrivate(user(quick, "en"), "/help")
	h.waitMessages(t, quick, 1)
	if err := h.shutdown(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := h.fake.Pending(); got != 2 {
		t.Errorf("after the stop: %d updates unconfirmed, want 2 (the queued one and the one after it)", got)
	}

	c := newTestClient(t, h.fake, nil)
	next := NewBot(c, h.store, h.lib, Options{AdminIDs: []int64{adminID}, Logger: testConfig(h.fake, h.log).Logger})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- next.Run(ctx) }()
	h.waitMessages(t, slow, 1)
	h.fake.Await(t, "the updates confirmed", func() bool { return h.fake.Pending() == 0 })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("the next Run: %v", err)
	}
	if got := len(h.fake.MessagesTo(quick)); got != 1 {
		t.Errorf("the quick reader got %d answers, want 1", got)
	}
	if got := len(h.fake.MessagesTo(slow)); got != 1 {
		t.Errorf("the slow reader got %d answers, want 1 (the queued /help, from the next run)", got)
	}
}
