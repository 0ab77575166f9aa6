package metrics

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// A Health is what /healthz answers.
type Health struct {
	// OK is true while the database answers and a getUpdates succeeded
	// within Options.PollWindow (counted from New before the first).
	OK bool `json:"ok"`
	// Reason says what is wrong when OK is false.
	Reason string `json:"reason,omitempty"`
	// LastPoll is when the last successful getUpdates ended; zero before
	// the first.
	LastPoll time.Time `json:"last_poll,omitzero"`
}

// Health checks the bot: the database is open and answers, and a
// getUpdates succeeded within Options.PollWindow. The reason it gives
// holds no secret (no token, no chat ID, no path).
func (m *Metrics) Health() Health {
	m.mu.Lock()
	last, pollErr := m.lastPoll, m.pollErr
	m.mu.Unlock()
	h := Health{OK: true, LastPoll: last}
	if _, err := m.store.Stats(); err != nil {
		m.log.Warn("metrics: health: the database is unreadable", "err", err)
		h.OK, h.Reason = false, "the database does not answer"
		return h
	}
	since := last
	if since.IsZero() {
		since = m.born
	}
	if age := m.opt.Now().Sub(since); age > m.opt.PollWindow {
		h.OK = false
		if last.IsZero() {
			h.Reason = fmt.Sprintf("no successful getUpdates in the %v since the start", age.Round(time.Second))
		} else {
			h.Reason = fmt.Sprintf("no successful getUpdates for %v", age.Round(time.Second))
		}
		if pollErr != "" {
			h.Reason += " (the last one: " + pollErr + ")"
		}
	}
	return h
}

// serveHealth answers /healthz: 200 when healthy, else 503, with the
// Health as JSON.
func (m *Metrics) serveHealth(w http.ResponseWriter, _ *http.Request) {
	h := m.Health()
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	if !h.OK {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(h)
}
