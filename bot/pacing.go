package bot

import (
	"context"
	"sync"
	"time"
)

// A pacer keeps every message within Telegram's limits, counted as sliding
// windows (never more than n in any span), which is how Telegram counts
// them: a token bucket's burst on top of its rate is exactly what draws a
// 429, and one 429 costs the whole bot its retry_after.
//
// The limits, for every lane:
//   - the bot-wide ceiling: Telegram's 30 messages a second, counted over a
//     little more than a second (ceilingSpan), and spaced evenly, so that
//     the jitter of the way to Telegram cannot put 31 in one second;
//   - into one chat: at most 2 in any ceilingSpan (a welcome and an
//     article), and into a group or channel at most 20 in any minute.
//
// The broadcast lane also waits for its own rate (RATE_LIMIT, spaced
// evenly) and for ChatSpacing since the chat's last message, so that a
// broadcast never puts two messages into one chat within a second. Answers
// do not take from RATE_LIMIT, so they never queue behind the broadcast:
// the room between RATE_LIMIT and the ceiling is theirs.
//
// A paid broadcast (Telegram's allow_paid_broadcast) is counted by Telegram
// apart from the free 30 a second: its lane skips the ceiling, and RATE_LIMIT
// may go up to 1000.
//
// Every wait reserves its time in all the windows at once, under one lock,
// so that what the windows record is when the message really goes. The
// per-chat windows of chats idle for longer than the longest window are
// dropped.
type pacer struct {
	now func() time.Time

	mu      sync.Mutex
	ceiling limits // every free message
	global  limits // the broadcast lane
	spacing time.Duration
	perMin  int  // group and channel messages a minute; 0 for none
	perChat bool // keep chatAnswers into one chat
	chats   map[int64]*chatWindows
	admits  int

	pause pauseGate
}

// Telegram's bot-wide limit and the span it is counted over here: a little
// more than a second, for the jitter of the way to Telegram.
const (
	ceilingRate = 30
	ceilingSpan = time.Second + 30*time.Millisecond
	// chatAnswers is how many messages may go into one chat in any
	// ceilingSpan: an answer and an article.
	chatAnswers = 2
	// sweepEvery is how many admissions pass between two sweeps of idle
	// chats.
	sweepEvery = 1024
)

// limits are windows that all must admit a message.
type limits []*window

// earliest is the first time at or after now at which every window admits
// one more message.
func (ls limits) earliest(now time.Time) time.Time {
	t := now
	for _, w := range ls {
		t = later(t, w.earliest(now))
	}
	return t
}

func (ls limits) record(at time.Time) {
	for _, w := range ls {
		w.record(at)
	}
}

// chatWindows are one chat's windows.
type chatWindows struct {
	answers limits  // every message: chatAnswers in ceilingSpan, and a group's per minute
	last    *window // the broadcast's spacing: one in ChatSpacing
	seen    time.Time
}

// newPacer returns a pacer for a broadcast of perSecond messages a second,
// at least spacing apart into one chat (0: no spacing) and groupPerMinute
// into one group (0: no limit); with telegram unset, Telegram's bot-wide
// and per-chat limits are not kept (for a fake that has none).
func newPacer(perSecond float64, spacing time.Duration, groupPerMinute int, telegram bool) *pacer {
	p := &pacer{
		now:     time.Now,
		global:  evenly(perSecond, time.Second),
		spacing: spacing,
		perMin:  groupPerMinute,
		chats:   make(map[int64]*chatWindows),
		perChat: telegram,
	}
	if telegram {
		p.ceiling = evenly(ceilingRate, ceilingSpan)
	}
	return p
}

// evenly is at most rate messages in any span, spaced evenly.
func evenly(rate float64, span time.Duration) limits {
	n := max(1, int(rate*span.Seconds()))
	return limits{
		{n: n, per: span},
		{n: 1, per: time.Duration(float64(span) / float64(n))},
	}
}

// isGroup tells groups, supergroups and channels (negative IDs) from
// private chats.
func isGroup(chat int64) bool { return chat < 0 }

// A kind of send, for the pacer.
type sendKind uint8

const (
	answerSend    sendKind = iota // a reader's answer, a report
	broadcastSend                 // a broadcast's message
	paidSend                      // a paid broadcast's message
	editSend                      // an edit of a message sent already
)

// wait returns when a message of kind may go into chat, with its time
// recorded in every window that counts it. It returns ctx's error when ctx
// ends first.
func (p *pacer) wait(ctx context.Context, chat int64, kind sendKind) error {
	for {
		if err := p.pause.wait(ctx); err != nil {
			return err
		}
		d := p.reserve(chat, kind)
		if d <= 0 {
			return nil
		}
		if !sleep(ctx, d) {
			return ctx.Err()
		}
	}
}

// reserve records a message of kind into chat now and returns 0 if every
// window admits it, else how long to wait before trying again.
func (p *pacer) reserve(chat int64, kind sendKind) time.Duration {
	now := p.now()
	p.mu.Lock()
	defer p.mu.Unlock()
	var ls limits
	if kind != paidSend {
		ls = append(ls, p.ceiling...)
	}
	if kind == broadcastSend || kind == paidSend {
		ls = append(ls, p.global...)
	}
	var c *chatWindows
	if kind != editSend {
		c = p.chat(chat, now)
		ls = append(ls, c.answers...)
		if kind != answerSend && c.last != nil {
			ls = append(ls, c.last)
		}
	}
	if t := ls.earliest(now); t.After(now) {
		return t.Sub(now)
	}
	ls.record(now)
	if c != nil {
		if c.last != nil && kind == answerSend {
			c.last.record(now) // answers count toward the broadcast's spacing
		}
		c.seen = now
	}
	if p.admits++; p.admits%sweepEvery == 0 {
		p.sweep(now)
	}
	return 0
}

// chat is the windows of a chat; p.mu is held.
func (p *pacer) chat(id int64, now time.Time) *chatWindows {
	c := p.chats[id]
	if c == nil {
		c = &chatWindows{}
		if p.perChat {
			c.answers = limits{{n: chatAnswers, per: ceilingSpan}}
		}
		if isGroup(id) && p.perMin > 0 {
			c.answers = append(c.answers, &window{n: p.perMin, per: time.Minute})
		}
		if p.spacing > 0 {
			c.last = &window{n: 1, per: p.spacing}
		}
		c.seen = now
		p.chats[id] = c
	}
	return c
}

// idleAfter is how long a chat's windows are kept after its last message:
// the longest window.
func (p *pacer) idleAfter() time.Duration {
	return max(time.Minute, p.spacing, ceilingSpan)
}

// sweep drops the windows of chats idle for idleAfter; p.mu is held.
func (p *pacer) sweep(now time.Time) {
	for id, c := range p.chats {
		if now.Sub(c.seen) >= p.idleAfter() {
			delete(p.chats, id)
		}
	}
}

// chatsTracked is how many chats have windows.
func (p *pacer) chatsTracked() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.chats)
}

// A window admits at most n events in any span of per.
type window struct {
	n   int
	per time.Duration
	at  []time.Time // the last n events' times, oldest first
}

// earliest is the first time at or after now at which the window admits
// one more event.
func (w *window) earliest(now time.Time) time.Time {
	if len(w.at) < w.n {
		return now
	}
	return later(now, w.at[len(w.at)-w.n].Add(w.per))
}

func (w *window) record(at time.Time) {
	if len(w.at) == w.n {
		copy(w.at, w.at[1:])
		w.at = w.at[:w.n-1]
	}
	w.at = append(w.at, at)
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// A pauseGate stops all sending until a time, after a 429.
type pauseGate struct {
	mu    sync.Mutex
	until time.Time
}

// pauseFor stops sending for d from now, unless a longer pause runs. It
// returns the time the pause added.
func (g *pauseGate) pauseFor(d time.Duration) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	now := time.Now()
	t := now.Add(d)
	if !t.After(g.until) {
		return 0
	}
	added := t.Sub(later(now, g.until))
	g.until = t
	return added
}

// wait returns when no pause runs, or ctx's error when ctx ends first.
func (g *pauseGate) wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		d := time.Until(g.until)
		g.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		if !sleep(ctx, d) {
			return ctx.Err()
		}
	}
}

// sleep waits for d or until ctx ends; it reports whether d passed.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
