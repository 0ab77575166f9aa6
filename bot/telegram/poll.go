package telegram

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Poll long-polls getUpdates and calls handle with each update, one at a
// time, in order, until ctx ends. Before returning it acknowledges the last
// update handle returned from (a short getUpdates with the next offset), so
// that a restart does not see it again; updates fetched but not yet handed
// to handle when ctx ends are left for the next run. A handle that only
// queues work (as Bot's does, answering each chat in turn) must finish it
// itself: Poll counts the update as handled once handle returns.
//
// Failures that may pass (5xx, network errors, 429) are logged and retried
// after a back-off that ctx cancels; a 409 caused by a webhook is fixed by
// deleting the webhook. Poll returns nil when ctx ends and the last update
// was acknowledged, an *Error matching ErrUnauthorized (401) or ErrConflict
// (409, another instance) when Telegram refuses to serve it, and an *Error
// when the final acknowledgement fails.
func (c *Client) Poll(ctx context.Context, handle func(context.Context, tgbotapi.Update)) error {
	var (
		offset  int // the next update ID wanted
		acked   int // the offset Telegram has seen
		backoff = c.cfg.MinBackoff
	)
	seconds := max(1, int(c.cfg.PollTimeout/time.Second))
	for ctx.Err() == nil {
		api, st := c.bind(ctx, c.cfg.PollTimeout+pollMargin)
		updates, err := api.GetUpdates(tgbotapi.UpdateConfig{Offset: offset, Timeout: seconds})
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
		backoff = c.cfg.MinBackoff
		acked = offset
		for _, u := range updates {
			if u.UpdateID < offset {
				continue // already handled
			}
			if ctx.Err() != nil {
				break
			}
			handle(ctx, u)
			offset = u.UpdateID + 1
		}
	}
	if offset == 0 || offset == acked {
		return nil
	}
	return c.ack(ctx, offset)
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
