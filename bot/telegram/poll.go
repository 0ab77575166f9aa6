package telegram

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// A HandleFunc takes an update from Poll. The update counts as handled
// once done is called, which the handler may do later, from another
// goroutine (a bot that answers each chat in turn queues the work). An
// update whose done is never called is not acknowledged: Telegram delivers
// it again to the next run.
type HandleFunc func(ctx context.Context, u tgbotapi.Update, done func())

// pollLimit is the most updates one getUpdates returns.
const pollLimit = 100

// Poll long-polls getUpdates and calls handle with each new update, one at
// a time, in order, until ctx ends. Telegram confirms an update when it is
// asked for the ones after it; Poll asks only from the oldest update not
// yet done, so that an update still waiting behind a slow chat is not
// confirmed, and it skips the updates it has handed out already. A poll
// that brings nothing new, answered sooner than Config.MinPollInterval (a
// server that ignores the long-poll timeout, or updates still being
// handled), is followed by a wait: Poll never spins.
//
// When ctx ends Poll calls settle (if not nil), which returns once the
// handlers are done or have given up, and then acknowledges every update
// below the oldest one not done (a short getUpdates), so that a restart
// answers none twice and loses none.
//
// Failures that may pass (5xx, network errors, 429) are logged and retried
// after a back-off that ctx cancels; a 409 caused by a webhook is fixed by
// deleting the webhook. Poll returns nil when ctx ends and the handled
// updates were acknowledged, an *Error matching ErrUnauthorized (401) or
// ErrConflict (409, another instance) when Telegram refuses to serve it,
// and an *Error when the final acknowledgement fails.
func (c *Client) Poll(ctx context.Context, handle HandleFunc, settle func()) error {
	var (
		track   = &inflight{ids: make(map[int]struct{})}
		acked   int // the offset Telegram has seen
		backoff = c.cfg.MinBackoff
	)
	seconds := max(1, int(c.cfg.PollTimeout/time.Second))
	for ctx.Err() == nil {
		offset := track.offset()
		began := time.Now()
		api, st := c.bind(ctx, c.cfg.PollTimeout+pollMargin)
		updates, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Timeout: seconds, Limit: pollLimit})
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			e := c.fail(st, err)
			var wait time.Duration
			switch e.Class {
			case ClassUnauthorized:
				return e
			case ClassConflict:
				if e.Reason != ReasonWebhook {
					return e
				}
				c.log.Warn("bot: a webhook is set; deleting it to poll", slog.Any("err", e))
				if _, err := c.Request(ctx, tgbotapi.DeleteWebhookConfig{}); err == nil {
					continue
				}
				wait = backoff
			case ClassRetryAfter:
				wait = e.RetryAfter
			default:
				wait = backoff
			}
			backoff = min(2*backoff, c.cfg.MaxBackoff)
			c.log.Warn("bot: getUpdates failed", slog.Any("err", e), slog.Duration("retry_in", wait))
			if !sleep(ctx, wait) {
				break
			}
			continue
		}
		c.observe(st, nil)
		backoff = c.cfg.MinBackoff
		acked = offset
		news := 0
		for _, u := range updates {
			if ctx.Err() != nil {
				break
			}
			id, fresh := track.start(u.UpdateID)
			if !fresh {
				continue // handed out already
			}
			news++
			handle(ctx, u, func() { track.done(id) })
		}
		if news == 0 && !sleep(ctx, time.Until(began.Add(c.cfg.MinPollInterval))) {
			break
		}
	}
	if settle != nil {
		settle()
	}
	offset := track.offset()
	if offset == 0 || offset == acked {
		return nil
	}
	return c.ack(ctx, offset)
}

// inflight tracks the updates Poll handed out and which of them are done.
type inflight struct {
	mu   sync.Mutex
	next int              // the update after the newest handed out; 0 before the first
	ids  map[int]struct{} // handed out, not done
}

// start records the update id as handed out, unless it was already.
func (f *inflight) start(id int) (int, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if id < f.next {
		return id, false
	}
	f.next = id + 1
	f.ids[id] = struct{}{}
	return id, true
}

func (f *inflight) done(id int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.ids, id)
}

// offset is the getUpdates offset to ask with: the oldest update not done,
// else the one after the newest handed out. With half a poll's worth of
// updates waiting, it confirms them all instead, so that new updates can
// still arrive: then a crash, or a stop whose grace ends first, loses those
// that were still waiting (Telegram returns at most 100 updates from the
// offset, all of them old while so many wait).
func (f *inflight) offset() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.ids) == 0 || len(f.ids) >= pollLimit/2 {
		return f.next
	}
	return min(f.next, slices.Min(slices.Collect(maps.Keys(f.ids))))
}

// ack confirms every update below offset, after ctx ended.
func (c *Client) ack(ctx context.Context, offset int) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), ackTimeout)
	defer cancel()
	api, st := c.bind(ctx, ackTimeout)
	if _, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Limit: 1}); err != nil {
		e := c.fail(st, err)
		return fmt.Errorf("telegram: acknowledge updates below %d: %w", offset, e)
	}
	c.observe(st, nil)
	c.log.Debug("bot: updates acknowledged", slog.Int("offset", offset))
	return nil
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
