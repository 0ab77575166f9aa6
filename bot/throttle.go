package bot

import (
	"sync"
	"time"
)

// A throttle bounds how many commands of one chat get an answer in a
// rolling window: a chat that sends more gets no answer until the window
// moves on. Telegram's own limit on messages into a group (20 a minute) is
// the pacer's; the throttle keeps one chat from using the bot's capacity.
type throttle struct {
	limit  int
	window time.Duration

	mu    sync.Mutex
	seen  map[int64][]time.Time // answered commands in the window, oldest first
	calls int
}

func newThrottle(limit int, window time.Duration) *throttle {
	return &throttle{limit: limit, window: window, seen: make(map[int64][]time.Time)}
}

// allow reports whether chat may get an answer at now, and counts it if so.
func (t *throttle) allow(chat int64, now time.Time) bool {
	if t.limit <= 0 {
		return true
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	t.calls++
	if t.calls%1024 == 0 {
		t.sweep(now)
	}
	times := t.recent(chat, now)
	if len(times) >= t.limit {
		t.seen[chat] = times
		return false
	}
	t.seen[chat] = append(times, now)
	return true
}

// recent is chat's answers still inside the window at now; t.mu is held.
func (t *throttle) recent(chat int64, now time.Time) []time.Time {
	times := t.seen[chat]
	i := 0
	for i < len(times) && now.Sub(times[i]) >= t.window {
		i++
	}
	return times[i:]
}

// sweep forgets chats with no answer in the window; t.mu is held.
func (t *throttle) sweep(now time.Time) {
	for chat := range t.seen {
		if len(t.recent(chat, now)) == 0 {
			delete(t.seen, chat)
		}
	}
}
