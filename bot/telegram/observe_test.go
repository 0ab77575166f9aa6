package telegram

import (
	"context"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/internal/tgfake"
)

// observed collects what Config.Observe is told.
type observed struct {
	mu    sync.Mutex
	calls []Call
}

func (o *observed) add(c Call) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, c)
}

func (o *observed) all() []Call {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]Call(nil), o.calls...)
}

func TestObserveSeesEveryRequest(t *testing.T) {
	s := tgfake.New(t, tgfake.Options{})
	var obs observed
	cfg := testConfig(s, nil)
	cfg.Observe = obs.add
	c, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Inject("sendMessage", 0, tgfake.TooMany(7), 1)
	s.Inject("sendMessage", 0, tgfake.BadGateway(), 1)
	s.Inject("sendMessage", 0, tgfake.Blocked(), 1)
	for range 4 {
		c.Send(context.Background(), tgbotapi.NewMessage(5, "hello"))
	}

	got := obs.all()
	want := []struct {
		method     string
		class      Class
		code       int
		retryAfter time.Duration
	}{
		{"getMe", ClassNone, 200, 0},
		{"deleteWebhook", ClassNone, 200, 0},
		// Rules injected last are tried first.
		{"sendMessage", ClassForbidden, 403, 0},
		{"sendMessage", ClassTransient, 502, 0},
		{"sendMessage", ClassRetryAfter, 429, 7 * time.Second},
		{"sendMessage", ClassNone, 200, 0},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d calls %+v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		g := got[i]
		if g.Method != w.method || g.Class != w.class || g.Code != w.code || g.RetryAfter != w.retryAfter {
			t.Errorf("call %d: got %+v, want %s %v %d retry after %v", i, g, w.method, w.class, w.code, w.retryAfter)
		}
		if g.Duration <= 0 {
			t.Errorf("call %d: got duration %v, want > 0", i, g.Duration)
		}
	}
}

func TestObserveSeesPolls(t *testing.T) {
	s := tgfake.New(t, tgfake.Options{})
	var obs observed
	cfg := testConfig(s, nil)
	cfg.Observe = obs.add
	c, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Inject("getUpdates", 0, tgfake.BadGateway(), 2)
	p := startPoll(c)
	s.PostPrivate(tgbotapi.User{ID: 9, FirstName: "R"}, "/start")
	s.Await(t, "a poll after the two failures", func() bool {
		ok := 0
		for _, call := range obs.all() {
			if call.Method == "getUpdates" && call.Class == ClassNone {
				ok++
			}
		}
		return ok > 0
	})
	p.stop()
	if err := p.wait(t); err != nil {
		t.Fatal(err)
	}
	failed := 0
	for _, call := range obs.all() {
		if call.Method == "getUpdates" && call.Class == ClassTransient {
			failed++
		}
	}
	if failed != 2 {
		t.Errorf("got %d failed polls observed, want 2", failed)
	}
}
