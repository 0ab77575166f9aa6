package bot

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// A pacer keeps every message within Telegram's limits (TELEGRAM.md,
// "Limits"). Both lanes — readers' answers and the broadcast — share its
// per-chat buckets and its 429 pause; only the broadcast takes from the
// global limiter, so that answers never queue behind broadcast traffic (the
// room between RATE_LIMIT and Telegram's 30/s is theirs).
//
// The per-chat buckets mirror Telegram's (about 1 a second, a short burst;
// 20 a minute in groups) with one token of margin, so that a request that
// arrives early after a slow one is still within Telegram's bucket.
type pacer struct {
	global  *rate.Limiter
	spacing time.Duration // per chat; also the refill period of its bucket
	perMin  int           // group messages a minute; 0 for none

	pause pauseGate

	mu    sync.Mutex
	chats map[int64]*chatPace
}

// chatPace is one chat's buckets.
type chatPace struct {
	burst *rate.Limiter // ~1/s with a short burst
	group *rate.Limiter // groups: per minute; nil for private chats
}

// Bursts Telegram tolerates into one chat, less one token of margin.
const (
	privateBurst = 4
	groupBurst   = 2
)

func newPacer(perSecond float64, spacing time.Duration, groupPerMinute int) *pacer {
	burst := max(1, int(perSecond/10))
	return &pacer{
		global:  rate.NewLimiter(rate.Limit(perSecond), burst),
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
			// 20 a minute with a burst of 20 at Telegram: keep one in hand.
			c.group = rate.NewLimiter(rate.Every(time.Minute/time.Duration(p.perMin)), max(1, p.perMin-1))
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
		if err := c.group.Wait(ctx); err != nil {
			return err
		}
	}
	return nil
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

// pauseFor stops sending for d from now, unless a longer pause runs.
func (g *pauseGate) pauseFor(d time.Duration) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if t := time.Now().Add(d); t.After(g.until) {
		g.until = t
	}
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
