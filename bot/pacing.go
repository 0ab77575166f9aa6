package bot

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// A pacer keeps every message within Telegram's limits: about 30 messages
// a second for the whole bot, about one a second into one chat, 20 a minute
// into one group. Both lanes — readers' answers and the broadcast — share its
// per-chat buckets, its 429 pause and the bot-wide ceiling; only the
// broadcast takes from the global limiter (RATE_LIMIT), so that answers
// never queue behind broadcast traffic: the room between RATE_LIMIT and the
// ceiling is theirs, and a burst of answers (a crowd sending /start) is
// paced under the ceiling instead of earning a 429 that pauses everything.
//
// The per-chat buckets mirror Telegram's (about 1 a second, a short burst)
// with one token of margin, so that a request that arrives early after a
// slow one is still within Telegram's bucket. A group's 20 a minute is a
// sliding window: never more than that in any minute.
type pacer struct {
	global  *rate.Limiter
	ceiling *rate.Limiter // every send: Telegram's bot-wide limit
	spacing time.Duration // per chat; also the refill period of its bucket
	perMin  int           // group messages a minute; 0 for none

	pause pauseGate

	mu    sync.Mutex
	chats map[int64]*chatPace
}

// chatPace is one chat's buckets.
type chatPace struct {
	burst *rate.Limiter // ~1/s with a short burst
	group *window       // groups: per minute; nil for private chats
}

// ceilingRate is Telegram's limit of about 30 messages a second for one bot,
// less one of margin; a RATE_LIMIT above it (paid broadcasts) raises it.
const ceilingRate = 29

// Bursts Telegram tolerates into one chat, less one token of margin.
const (
	privateBurst = 4
	groupBurst   = 2
)

func newPacer(perSecond float64, spacing time.Duration, groupPerMinute int) *pacer {
	burst := max(1, int(perSecond/10))
	ceiling := max(perSecond, ceilingRate)
	return &pacer{
		global:  rate.NewLimiter(rate.Limit(perSecond), burst),
		ceiling: rate.NewLimiter(rate.Limit(ceiling), max(5, int(ceiling/10))),
		spacing: spacing,
		perMin:  groupPerMinute,
		chats:   make(map[int64]*chatPace),
	}
}

// isGroup tells groups and supergroups (negative IDs) from private chats.
func isGroup(chat int64) bool { return chat < 0 }

func (p *pacer) chat(id int64) *chatPace {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.chats[id]
	if c == nil {
		c = &chatPace{}
		if p.spacing > 0 {
			b := privateBurst
			if isGroup(id) {
				b = groupBurst
			}
			c.burst = rate.NewLimiter(rate.Every(p.spacing), b)
		}
		if isGroup(id) && p.perMin > 0 {
			c.group = &window{n: p.perMin, per: time.Minute}
		}
		p.chats[id] = c
	}
	return c
}

// waitChat waits until a message may go into chat, taking its tokens. It
// returns ctx's error when ctx ends first.
func (p *pacer) waitChat(ctx context.Context, chat int64) error {
	c := p.chat(chat)
	if c.burst != nil {
		if err := c.burst.Wait(ctx); err != nil {
			return err
		}
	}
	if c.group != nil {
		if err := c.group.wait(ctx); err != nil {
			return err
		}
	}
	return nil
}

// A window lets at most n events happen in any span of per.
type window struct {
	n   int
	per time.Duration

	mu sync.Mutex
	at []time.Time // the last n events' times, oldest first; some may be reserved in the future
}

// wait reserves the earliest time at which one more event keeps the window
// and sleeps until then. It returns ctx's error when ctx ends first; the
// reservation is then left unused, which only errs on the safe side.
func (w *window) wait(ctx context.Context) error {
	w.mu.Lock()
	at := time.Now()
	if len(w.at) == w.n {
		at = later(at, w.at[0].Add(w.per))
		w.at = w.at[1:]
	}
	w.at = append(w.at, at)
	w.mu.Unlock()
	if !sleep(ctx, time.Until(at)) {
		return ctx.Err()
	}
	return nil
}

func later(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// waitCeiling waits for a token of the bot-wide ceiling. It returns ctx's
// error when ctx ends first.
func (p *pacer) waitCeiling(ctx context.Context) error {
	return p.ceiling.Wait(ctx)
}

// waitGlobal waits for a broadcast token. It returns ctx's error when ctx
// ends first.
func (p *pacer) waitGlobal(ctx context.Context) error {
	return p.global.Wait(ctx)
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
