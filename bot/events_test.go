package bot

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// eventLog is an Events that keeps what it hears.
type eventLog struct {
	mu        sync.Mutex
	delivered map[state.EntryState]int
	fallbacks map[string]int
	paused    time.Duration
	started   []uint64
	finished  []state.Broadcast
}

func newEventLog() *eventLog {
	return &eventLog{delivered: map[state.EntryState]int{}, fallbacks: map[string]int{}}
}

func (l *eventLog) Delivered(s state.EntryState) { l.mu.Lock(); l.delivered[s]++; l.mu.Unlock() }
func (l *eventLog) PhotoFallback(step string)    { l.mu.Lock(); l.fallbacks[step]++; l.mu.Unlock() }
func (l *eventLog) Paused(d time.Duration)       { l.mu.Lock(); l.paused += d; l.mu.Unlock() }
func (l *eventLog) BroadcastStarted(b state.Broadcast) {
	l.mu.Lock()
	l.started = append(l.started, b.ID)
	l.mu.Unlock()
}
func (l *eventLog) BroadcastFinished(b state.Broadcast) {
	l.mu.Lock()
	l.finished = append(l.finished, b)
	l.mu.Unlock()
}

func TestEventsOfABroadcast(t *testing.T) {
	fo, o := fastOptions()
	o.Tries = 10
	events := newEventLog()
	o.Events = events
	h := newHarness(t, fo, o)
	chats := chatIDs(12)
	h.subscribe(chats...)
	h.putThree(time.Now().Add(-3 * time.Hour))
	h.fake.Block(3, tgfake.Blocked())
	h.fake.Inject("sendMessage", 0, tgfake.TooMany(1), 2)
	h.fake.Inject("sendMessage", 0, tgfake.BadGateway(), 3)
	h.run()
	sum := h.broadcast()

	events.mu.Lock()
	defer events.mu.Unlock()
	if sum.Failed == 0 || sum.Sent == 0 {
		t.Fatalf("summary: got %+v, want some sent and some failed", sum)
	}
	for st, want := range map[state.EntryState]int{state.Sent: sum.Sent, state.Failed: sum.Failed,
		state.Unknown: sum.Unknown, state.Sending: 0} {
		if got := events.delivered[st]; got != want {
			t.Errorf("Delivered(%v): got %d, want %d (the summary's)", st, got, want)
		}
	}
	if events.paused <= 0 || events.paused > 2*time.Second {
		t.Errorf("Paused: got %v in all, want about 1 s (two 429s of 1 s, overlapping or not)", events.paused)
	}
	if len(events.started) != 1 || events.started[0] != sum.ID {
		t.Errorf("BroadcastStarted: got %v, want [%d]", events.started, sum.ID)
	}
	if len(events.finished) != 1 || events.finished[0] != sum {
		t.Errorf("BroadcastFinished: got %+v, want [%+v]", events.finished, sum)
	}
}

func TestEventsOfPhotoFallbacks(t *testing.T) {
	img := pngBytes(t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok.jpg" {
			w.Header().Set("Content-Type", "image/png")
			w.Write(img)
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	fo, o := fastOptions()
	o.PhotoClient = srv.Client() // the photos are on loopback: no address guard
	events := newEventLog()
	o.Events = events
	h := newHarness(t, fo, o)
	chats := chatIDs(4)
	h.subscribe(chats...)
	for _, p := range []string{"/ok.jpg", "/gone.jpg"} {
		h.fake.SetUnfetchable(srv.URL + p)
	}
	pub := time.Now().Add(-3 * time.Hour)
	h.putArticles(
		// Telegram can't fetch it; the bot uploads it.
		article("upload", pub, &content.Photo{URL: srv.URL + "/ok.jpg"}),
		// Nothing works: text, for every chat.
		article("text", pub.Add(time.Hour), &content.Photo{URL: srv.URL + "/gone.jpg"}),
	)
	h.run()
	if sum := h.broadcast(); sum.Sent != 8 {
		t.Fatalf("summary: got %+v, want 8 sent", sum)
	}
	events.mu.Lock()
	defer events.mu.Unlock()
	want := map[string]int{FallbackURL: 2, FallbackUpload: 1, FallbackText: len(chats)}
	for step, n := range want {
		if got := events.fallbacks[step]; got != n {
			t.Errorf("PhotoFallback(%q): got %d, want %d", step, got, n)
		}
	}
	if len(events.fallbacks) != len(want) {
		t.Errorf("PhotoFallback: got %v, want %v", events.fallbacks, want)
	}
}
