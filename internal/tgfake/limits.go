package tgfake

import (
	"math"
	"time"
)

// Telegram's message limits, counted as sliding windows (TELEGRAM.md,
// Limits): no more than N sends in any span, never a bucket with a burst
// on top of its rate.
const (
	// DefaultGlobalPerSecond is how many messages the whole bot may send in
	// any one second (Bot FAQ: "about 30 messages per second").
	DefaultGlobalPerSecond = 30
	// DefaultPaidPerSecond is the same for messages sent with
	// allow_paid_broadcast (Bot API 7.11: "up to 1000 messages per second").
	DefaultPaidPerSecond = 1000
	// DefaultChatPerSecond is how many messages one chat may get in any one
	// second: "about 1 per second; short bursts tolerated".
	DefaultChatPerSecond = 2
	// DefaultGroupPerMinute is how many messages one group, supergroup or
	// channel may get in any one minute (Bot FAQ: 20 a minute).
	DefaultGroupPerMinute = 20
)

// A window admits at most n sends in any span of per: a send at now is
// admitted when fewer than n accepted sends lie in (now-per, now].
type window struct {
	n   int
	per time.Duration
	at  []time.Time // the accepted sends inside the span, oldest first
}

// newWindow is a window of n sends per span, or nil (no limit) when n <= 0.
func newWindow(n int, per time.Duration) *window {
	if n <= 0 {
		return nil
	}
	return &window{n: n, per: per}
}

// wait is how long until the window admits a send at now (0: it does).
func (w *window) wait(now time.Time) time.Duration {
	if w == nil {
		return 0
	}
	i := 0
	for i < len(w.at) && now.Sub(w.at[i]) >= w.per {
		i++
	}
	if i > 0 {
		w.at = append(w.at[:0], w.at[i:]...)
	}
	if len(w.at) < w.n {
		return 0
	}
	return w.at[len(w.at)-w.n].Add(w.per).Sub(now)
}

func (w *window) take(now time.Time) {
	if w != nil {
		w.at = append(w.at, now)
	}
}

// limits are the rate limits of Options, resolved: window sizes, 0 for none.
type limits struct {
	global, paid   *window
	chatPerSecond  int
	groupPerMinute int
}

func newLimits(o Options) limits {
	if o.Unlimited {
		return limits{}
	}
	n := func(v, def int) int {
		switch {
		case v == 0:
			return def
		case v < 0:
			return 0
		}
		return v
	}
	return limits{
		global:         newWindow(n(o.GlobalPerSecond, DefaultGlobalPerSecond), time.Second),
		paid:           newWindow(n(o.PaidPerSecond, DefaultPaidPerSecond), time.Second),
		chatPerSecond:  n(o.ChatPerSecond, DefaultChatPerSecond),
		groupPerMinute: n(o.GroupPerMinute, DefaultGroupPerMinute),
	}
}

// A Send is one message or edit the server accepted, as the rate limits
// counted it.
type Send struct {
	ChatID    int64
	MessageID int
	// Method is the method that sent it: "sendMessage", "sendPhoto",
	// "editMessageText", "editMessageReplyMarkup".
	Method string
	// Time is when it was accepted, by the clock of Options.Now.
	Time time.Time
	// Paid says whether it was sent with allow_paid_broadcast, and so
	// counted against the paid window instead of the free one.
	Paid bool
}

// admit applies the rate limits to a send into c at now: when every window
// admits it, it is counted in each and admit returns 0; otherwise nothing
// is counted and admit returns how long until every window would admit it.
// Every send counts into its chat's windows and one bot-wide window: the
// paid one when paid, else the free one. s.mu must be held.
func (s *Server) admit(c *chat, now time.Time, paid bool) time.Duration {
	if c.perSecond == nil {
		c.perSecond = newWindow(s.limits.chatPerSecond, time.Second)
	}
	if c.perMinute == nil && c.groupLimited() {
		c.perMinute = newWindow(s.limits.groupPerMinute, time.Minute)
	}
	bot := s.limits.global
	if paid {
		bot = s.limits.paid
	}
	windows := []*window{bot, c.perSecond}
	if c.groupLimited() {
		windows = append(windows, c.perMinute)
	}
	var wait time.Duration
	for _, w := range windows {
		wait = max(wait, w.wait(now))
	}
	if wait > 0 {
		return wait
	}
	for _, w := range windows {
		w.take(now)
	}
	return 0
}

// retryAfter is a wait in whole seconds, as Telegram gives it: at least 1.
func retryAfter(d time.Duration) int {
	return max(1, int(math.Ceil(d.Seconds())))
}
