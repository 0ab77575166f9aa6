package tgfake

import (
	"math"
	"time"
)

// bucket is a token bucket: rate tokens a second, at most burst of them.
type bucket struct {
	rate   float64
	burst  float64
	tokens float64
	last   time.Time
}

func newBucket(rate float64, burst int) *bucket {
	if rate <= 0 {
		return nil
	}
	if burst < 1 {
		burst = 1
	}
	return &bucket{rate: rate, burst: float64(burst), tokens: float64(burst)}
}

// wait is how long until a token is available at now (0: one is).
func (b *bucket) wait(now time.Time) time.Duration {
	if b == nil {
		return 0
	}
	b.refill(now)
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / b.rate * float64(time.Second))
}

func (b *bucket) take(now time.Time) {
	if b == nil {
		return
	}
	b.refill(now)
	b.tokens--
}

func (b *bucket) refill(now time.Time) {
	if !b.last.IsZero() {
		b.tokens = math.Min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
}

// A window admits at most n sends in any span of per: Telegram's 20 a
// minute into a group, read as strictly as it can be.
type window struct {
	n   int
	per time.Duration
	at  []time.Time // the sends inside the span, oldest first
}

// wait is how long until a send is admitted at now (0: it is).
func (w *window) wait(now time.Time) time.Duration {
	if w == nil {
		return 0
	}
	for len(w.at) > 0 && now.Sub(w.at[0]) >= w.per {
		w.at = w.at[1:]
	}
	if len(w.at) < w.n {
		return 0
	}
	return w.at[0].Add(w.per).Sub(now)
}

func (w *window) take(now time.Time) {
	if w != nil {
		w.at = append(w.at, now)
	}
}

// A limiter is a bucket or a window.
type limiter interface {
	wait(now time.Time) time.Duration
	take(now time.Time)
}

// limits are the rate limits of Options, resolved.
type limits struct {
	global         *bucket
	chatRate       float64
	chatBurst      int
	groupBurst     int
	groupPerMinute int
}

func newLimits(o Options) limits {
	if o.Unlimited {
		return limits{}
	}
	def := func(v, d float64) float64 {
		if v == 0 {
			return d
		}
		return v
	}
	l := limits{
		chatRate:       def(o.ChatPerSecond, 1),
		chatBurst:      o.ChatBurst,
		groupBurst:     o.GroupBurst,
		groupPerMinute: int(def(float64(o.GroupPerMinute), 20)),
	}
	if l.chatBurst == 0 {
		l.chatBurst = 5
	}
	if l.groupBurst == 0 {
		l.groupBurst = 3
	}
	gb := o.GlobalBurst
	if gb == 0 {
		gb = 30
	}
	l.global = newBucket(def(o.GlobalPerSecond, 30), gb)
	return l
}

// admit applies the rate limits to a send into c at now: it takes a token
// from each bucket and returns 0, or takes none and returns how long to wait.
// globalOnly says whether only the bot-wide limit applies (edits). s.mu must be
// held.
func (s *Server) admit(c *chat, now time.Time, globalOnly bool) time.Duration {
	buckets := []limiter{s.limits.global}
	if !globalOnly {
		if c.perChat == nil && s.limits.chatRate > 0 {
			burst := s.limits.chatBurst
			if c.isGroup() {
				burst = s.limits.groupBurst
			}
			c.perChat = newBucket(s.limits.chatRate, burst)
		}
		buckets = append(buckets, c.perChat)
		if c.isGroup() && c.perGroup == nil && s.limits.groupPerMinute > 0 {
			c.perGroup = &window{n: s.limits.groupPerMinute, per: time.Minute}
		}
		if c.isGroup() {
			buckets = append(buckets, c.perGroup)
		}
	}
	var wait time.Duration
	for _, b := range buckets {
		wait = max(wait, b.wait(now))
	}
	if wait > 0 {
		return wait
	}
	for _, b := range buckets {
		b.take(now)
	}
	return 0
}

// retryAfter is a wait in whole seconds, as Telegram gives it: at least 1.
func retryAfter(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
