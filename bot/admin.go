package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// The bot admins' commands. The dispatch lets only bot admins, in their
// private chat, reach them.

// broadcast starts a broadcast of every due article, or reports the one
// running.
func (b *Bot) broadcast(ctx context.Context, r request) {
	c := catalogFor(r.lang)
	report := ReportTo{Chat: r.chat, Lang: r.lang}
	p, started, err := b.bc.Start(ctx, report)
	switch {
	case err != nil:
		b.log.Error("bot: /broadcast", slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.BroadcastFailed)
	case started:
		// The broadcaster sends the report message.
	case !p.Finished.IsZero():
		b.out.reply(ctx, r.chat, c.BroadcastNone)
	default:
		b.out.reply(ctx, r.chat, c.Running+c.report(p, time.Now()))
	}
}

// announce queues an admin's text for every active subscriber.
func (b *Bot) announce(ctx context.Context, r request) {
	c := catalogFor(r.lang)
	report := ReportTo{Chat: r.chat, Lang: r.lang}
	if r.args == "" {
		b.out.reply(ctx, r.chat, c.AnnounceUsage)
		return
	}
	p, started, err := b.bc.Announce(ctx, r.args, report)
	switch {
	case err != nil:
		b.log.Error("bot: /announce", slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.BroadcastFailed)
	case started:
	case !p.Finished.IsZero():
		b.out.reply(ctx, r.chat, c.BroadcastNone)
	default:
		b.out.reply(ctx, r.chat, fmt.Sprintf(c.AnnounceQueued, p.ID)+"\n"+c.report(p, time.Now()))
	}
}

// stats answers /stats, with the channels' member counts.
func (b *Bot) stats(ctx context.Context, r request) {
	c := catalogFor(r.lang)
	s, err := b.store.Stats()
	if err != nil {
		b.log.Error("bot: /stats", slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.Failed)
		return
	}
	text := c.stats(s, memberCounts(ctx, b.client, s.Channels), time.Now())
	if b.lib != nil {
		text += "\n" + c.seeds(b.lib.Progress(), time.Now())
	}
	b.out.reply(ctx, r.chat, text)
}

// reload re-scans the seeds folder.
func (b *Bot) reload(ctx context.Context, r request) {
	c := catalogFor(r.lang)
	if b.lib == nil {
		b.out.reply(ctx, r.chat, c.ReloadFailed)
		return
	}
	res, err := b.lib.Scan(ctx)
	if err != nil {
		b.log.Error("bot: /reload", slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.ReloadFailed)
		return
	}
	for _, e := range res.Refused {
		b.log.Warn("bot: seed file refused", slog.Any("err", e))
	}
	if res.Changed > 0 {
		b.ArticlesChanged()
	}
	b.out.reply(ctx, r.chat, c.reload(res))
}
