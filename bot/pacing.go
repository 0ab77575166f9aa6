package bot

import (
	"context"
	"slices"
	"sync"
	"time"
)

// A pacer keeps every message within Telegram's limits, counted as sliding
// windows (never more than n in any span), which is how Telegram counts
// them: a token bucket's burst on top of its rate is exactly what draws a
// 429, and one 429 costs the whole bot its retry_after.
//
// A message counts in a window from when it is let go until its answer
// has come back: Telegram received it somewhere in between, so a message
// whose answer came more than a span ago cannot share a span with one let
// go now, whatever the jitter of the way there. The limits, for every
// lane:
//   - the bot-wide ceiling: Telegram's 30 messages a second, spaced
//     evenly;
//   - into one chat: at most 2 in any second (a welcome and an article),
//     and into a group or channel at most 20 in any minute.
//
// The broadcast lane also keeps its own rate (RATE_LIMIT, spaced evenly)
// and leaves ChatSpacing after the chat's last message, so that a
// broadcast never puts two messages into one chat within a second. Answers
// do not take from RATE_LIMIT, so they never queue behind the broadcast:
// the room between RATE_LIMIT and the ceiling is theirs.
//
// A paid broadcast (Telegram's allow_paid_broadcast) is counted by Telegram
// apart from the free 30 a second: its lane skips the ceiling, and RATE_LIMIT
// may go up to 1000.
//
// Every wait reserves its message in all the windows that count it at
// once, under one lock. The per-chat windows of chats idle for longer than
// the longest window are dropped.
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
	// answers is closed and replaced when a message's answer comes back:
	// a wait for messages in flight ends then.
	answers chan struct{}

	pause pauseGate
}

// Telegram's limits, as the pacer keeps them.
const (
	ceilingRate = 30
	// chatAnswers is how many messages may go into one chat in any
	// second: an answer and an article.
	chatAnswers = 2
	// sweepEvery is how many admissions pass between two sweeps of idle
	// chats.
	sweepEvery = 1024
)

// A message is one message in the windows: let go at start, answered at
// end (zero while in flight).
type message struct {
	start, end time.Time
}

// inFlight is a wait with no end known: until an answer comes back.
const inFlight = time.Duration(1<<63 - 1)

// limits are windows that all must admit a message.
type limits []*window

// earliest is how long after now every window admits one more message:
// 0 when they do now, inFlight when one waits for an answer.
func (ls limits) earliest(now time.Time) time.Duration {
	var d time.Duration
	for _, w := range ls {
		d = max(d, w.wait(now))
	}
	return d
}

func (ls limits) record(m *message) {
	for _, w := range ls {
		w.msgs = append(w.msgs, m)
	}
}

// chatWindows are one chat's windows.
type chatWindows struct {
	answers limits  // every message: chatAnswers a second, and a group's per minute
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
		global:  evenly(perSecond),
		spacing: spacing,
		perMin:  groupPerMinute,
		chats:   make(map[int64]*chatWindows),
		perChat: telegram,
		answers: make(chan struct{}),
	}
	if telegram {
		p.ceiling = evenly(ceilingRate)
	}
	return p
}

// evenly is at most rate messages in any second, spaced evenly.
func evenly(rate float64) limits {
	n := max(1, int(rate))
	return limits{
		{n: n, per: time.Second},
		{n: 1, per: time.Duration(float64(time.Second) / rate), fromStart: true},
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

// wait returns when a message of kind may go into chat, reserved in every
// window that counts it; call answered with the returned message once its
// answer came back (or it was not sent after all). It returns ctx's error
// when ctx ends first.
func (p *pacer) wait(ctx context.Context, chat int64, kind sendKind) (*message, error) {
	for {
		if err := p.pause.wait(ctx); err != nil {
			return nil, err
		}
		m, d, answered := p.reserve(chat, kind)
		if m != nil {
			return m, nil
		}
		if err := waitFor(ctx, d, answered); err != nil {
			return nil, err
		}
	}
}

// waitFor waits d (inFlight: for ever) or until answered closes. It
// returns ctx's error when ctx ends first.
func waitFor(ctx context.Context, d time.Duration, answered <-chan struct{}) error {
	var timer <-chan time.Time
	if d != inFlight {
		t := time.NewTimer(d)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-timer:
	case <-answered:
	case <-ctx.Done():
		return ctx.Err()
	}
	return nil
}

// answered records that m's answer came back.
func (p *pacer) answered(m *message) {
	if m == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	m.end = p.now()
	close(p.answers)
	p.answers = make(chan struct{})
}

// reserve records a message of kind into chat now and returns it if every
// window admits it; else how long to wait before trying again (inFlight:
// until the returned channel closes).
func (p *pacer) reserve(chat int64, kind sendKind) (*message, time.Duration, <-chan struct{}) {
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
		if c.last != nil && kind != answerSend {
			ls = append(ls, c.last)
		}
	}
	if d := ls.earliest(now); d > 0 {
		return nil, d, p.answers
	}
	m := &message{start: now}
	ls.record(m)
	if c != nil {
		if c.last != nil && kind == answerSend {
			c.last.msgs = append(c.last.msgs, m) // answers count toward the broadcast's spacing
		}
		c.seen = now
	}
	if p.admits++; p.admits%sweepEvery == 0 {
		p.sweep(now)
	}
	return m, 0, nil
}

// chat is the windows of a chat; p.mu is held.
func (p *pacer) chat(id int64, now time.Time) *chatWindows {
	c := p.chats[id]
	if c == nil {
		c = &chatWindows{}
		if p.perChat {
			c.answers = limits{{n: chatAnswers, per: time.Second}}
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
	return max(time.Minute, p.spacing)
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

// A window admits a message when fewer than n of its messages may have
// reached Telegram within per of it: those in flight, and those answered
// less than per ago. With fromStart, a message counts from its start
// instead, for spacing messages evenly.
type window struct {
	n         int
	per       time.Duration
	fromStart bool
	msgs      []*message
}

// wait is how long after now the window admits one more message (inFlight
// when it waits for an answer); it drops the messages that no longer count.
func (w *window) wait(now time.Time) time.Duration {
	kept := w.msgs[:0]
	for _, m := range w.msgs {
		if t := w.at(m); t.IsZero() || now.Sub(t) < w.per {
			kept = append(kept, m)
		}
	}
	clear(w.msgs[len(kept):])
	w.msgs = kept
	if len(w.msgs) < w.n {
		return 0
	}
	// One more may go when all but n-1 of them no longer count.
	var ends []time.Time
	for _, m := range w.msgs {
		if t := w.at(m); !t.IsZero() {
			ends = append(ends, t)
		}
	}
	must := len(w.msgs) - w.n + 1
	if len(ends) < must {
		return inFlight
	}
	slices.SortFunc(ends, time.Time.Compare)
	return ends[must-1].Add(w.per).Sub(now)
}

// at is when m stops being possibly on its way, as this window counts it:
// zero while it is in flight.
func (w *window) at(m *message) time.Time {
	if w.fromStart {
		return m.start
	}
	return m.end
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
	from := now
	if g.until.After(now) {
		from = g.until
	}
	g.until = t
	return t.Sub(from)
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
