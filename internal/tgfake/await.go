package tgfake

import (
	"testing"
	"time"
)

// awaitBound is how long Await waits before it fails the test.
const awaitBound = time.Minute

// Await waits until cond holds, and fails tb when it does not within a
// minute. It checks cond whenever the server's state changes and, for
// conditions on other things (a log, a child process, a closed server),
// every 10 ms. Tests wait with it instead of sleeping.
func (s *Server) Await(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.NewTimer(awaitBound)
	defer deadline.Stop()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for {
		s.mu.Lock()
		changed := s.changed
		s.mu.Unlock()
		if cond() {
			return
		}
		select {
		case <-changed:
		case <-tick.C:
		case <-deadline.C:
			tb.Fatalf("gave up waiting %v for %s", awaitBound, what)
			return
		}
	}
}
