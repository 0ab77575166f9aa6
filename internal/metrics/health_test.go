package metrics

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/internal/tgfake"
)

// TestHealthFollowsPolls polls the fake Bot API and checks /healthz: 200
// while polls succeed, 503 once none has for a minute (the fake answers
// 502s; the clock is moved on), 200 again when the fake answers again.
func TestHealthFollowsPolls(t *testing.T) {
	store := newTestStore(t)
	fake := tgfake.New(t, tgfake.Options{})
	clk := &clock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	m := New(store, Options{Now: clk.Now, Logger: quiet})
	client := newClient(t, fake, m)
	h := m.Handler()

	if code, body := health(h); code != http.StatusOK {
		t.Fatalf("at the start: got %d %s, want 200", code, body)
	}
	ctx, cancel := context.WithCancel(context.Background())
	polled := make(chan error, 1)
	go func() {
		polled <- client.Poll(ctx, func(_ context.Context, _ tgbotapi.Update, done func()) { done() }, nil)
	}()
	t.Cleanup(func() {
		cancel()
		<-polled
	})
	fake.PostPrivate(tgbotapi.User{ID: 1, FirstName: "R"}, "/start")
	fake.Await(t, "a successful poll", func() bool { return !m.Health().LastPoll.IsZero() })

	// The fake stops answering as a Bot API does.
	fake.Inject("getUpdates", 0, tgfake.BadGateway(), 0)
	calls := fake.Calls("getUpdates")
	// The second failed call starts after the first one's answer was seen.
	fake.Await(t, "two failed polls", func() bool { return fake.Calls("getUpdates") >= calls+2 })
	if code, body := health(h); code != http.StatusOK {
		t.Errorf("a failed poll within the minute: got %d %s, want 200", code, body)
	}
	clk.add(DefaultPollWindow + time.Second)
	code, body := health(h)
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "no successful getUpdates for 1m1s") ||
		!strings.Contains(body, "not delivered, HTTP 502") {
		t.Errorf("after a minute of 502s: got %d %s, want 503 saying so", code, body)
	}
	var got Health
	if err := json.Unmarshal([]byte(body), &got); err != nil || got.OK || got.LastPoll.IsZero() {
		t.Errorf("body: got %+v, %v; want JSON with ok false and the last poll", got, err)
	}

	fake.ClearFaults()
	fake.Await(t, "/healthz 200 again", func() bool { code, _ := health(h); return code == http.StatusOK })
}

func TestHealthBeforeTheFirstPoll(t *testing.T) {
	store := newTestStore(t)
	clk := &clock{now: time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)}
	m := New(store, Options{Now: clk.Now, PollWindow: 10 * time.Second, Logger: quiet})
	clk.add(9 * time.Second)
	if code, body := health(m.Handler()); code != http.StatusOK {
		t.Errorf("9 s after the start: got %d %s, want 200", code, body)
	}
	clk.add(2 * time.Second)
	if code, body := health(m.Handler()); code != http.StatusServiceUnavailable || !strings.Contains(body, "since the start") {
		t.Errorf("11 s after the start: got %d %s, want 503", code, body)
	}
}

func TestHealthNeedsTheDatabase(t *testing.T) {
	store := newTestStore(t)
	m := New(store, Options{Logger: quiet})
	store.Close()
	code, body := health(m.Handler())
	if code != http.StatusServiceUnavailable || !strings.Contains(body, "database") {
		t.Errorf("database closed: got %d %s, want 503 naming the database", code, body)
	}
	fams, _ := scrape(t, m.Handler())
	if got := value(t, fams, "newsbot_database_up"); got != 0 {
		t.Errorf("newsbot_database_up: got %v, want 0", got)
	}
}

func TestServe(t *testing.T) {
	store := newTestStore(t)
	m := New(store, Options{Logger: quiet})
	ctx, cancel := context.WithCancel(context.Background())
	addr, done, err := Serve(ctx, "127.0.0.1:0", m.Handler(), quiet)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path string
		want int
	}{
		{"/metrics", http.StatusOK},
		{"/healthz", http.StatusOK},
		{"/", http.StatusNotFound},
	} {
		resp, err := http.Get("http://" + addr.String() + c.path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != c.want {
			t.Errorf("GET %s: got %d, want %d", c.path, resp.StatusCode, c.want)
		}
	}
	if _, _, err := Serve(ctx, addr.String(), m.Handler(), quiet); err == nil || !strings.Contains(err.Error(), addr.String()) {
		t.Errorf("a second server on %s: got %v, want an error naming the address", addr, err)
	}
	cancel()
	<-done
	if _, err := http.Get("http://" + addr.String() + "/metrics"); err == nil {
		t.Errorf("the server still answers after its context ended")
	}
}
