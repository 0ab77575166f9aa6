package bot

import (
	"testing"
	"time"

	"golang.org/x/time/rate"
)

// TestPacerBuckets checks that a chat's buckets stay one token inside
// Telegram's: 1 a second with a burst of 5 in private chats, 3 in groups,
// and 20 a minute in groups.
func TestPacerBuckets(t *testing.T) {
	p := newPacer(25, time.Second, 20)
	tests := []struct {
		chat      int64
		burst     int
		group     bool
		groupRate rate.Limit
	}{
		{1, privateBurst, false, 0},
		{-5, groupBurst, true, rate.Every(3 * time.Second)},
		{-1000000000001, groupBurst, true, rate.Every(3 * time.Second)},
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
		if c.group != nil && (c.group.Limit() != tt.groupRate || c.group.Burst() != 19) {
			t.Errorf("chat %d: got %v a second with a burst of %d, want %v and 19", tt.chat, c.group.Limit(), c.group.Burst(), tt.groupRate)
		}
	}
	if got := p.global.Limit(); got != 25 {
		t.Errorf("got a global limit of %v, want 25", got)
	}
}
