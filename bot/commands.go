package bot

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/newsbot/newsbot/state"
)

// MaxLatest is the most articles /latest sends.
const MaxLatest = 5

// start welcomes, subscribes and sends the latest article.
func (b *Bot) start(ctx context.Context, r request) {
	c := catalogFor(r.lang)
	if !b.mayManage(ctx, r) {
		return
	}
	added, err := b.subscribeChat(r)
	if err != nil {
		b.out.reply(ctx, r.chat, c.Failed)
		return
	}
	status := c.Subscribed
	if !added {
		status = c.AlreadySubscribed
	}
	b.out.reply(ctx, r.chat, c.Welcome+"\n"+status)
	b.latest(ctx, r, 1)
}

// subscribe subscribes the chat, saying so if it already was.
func (b *Bot) subscribe(ctx context.Context, r request) {
	c := catalogFor(r.lang)
	if !b.mayManage(ctx, r) {
		return
	}
	added, err := b.subscribeChat(r)
	switch {
	case err != nil:
		b.out.reply(ctx, r.chat, c.Failed)
	case added:
		b.out.reply(ctx, r.chat, c.Subscribed)
	default:
		b.out.reply(ctx, r.chat, c.AlreadySubscribed)
	}
}

func (b *Bot) subscribeChat(r request) (bool, error) {
	_, added, err := b.store.Subscribe(r.chat, r.code, time.Now())
	if err != nil {
		b.log.Error("bot: subscribe failed", slog.Int64("chat_id", r.chat), slog.Any("err", err))
		return false, err
	}
	if added {
		b.log.Info("bot: subscribed", slog.Int64("chat_id", r.chat))
	}
	return added, nil
}

// unsubscribe makes the chat inactive: its waiting entries are skipped
// at once, even mid-broadcast.
func (b *Bot) unsubscribe(ctx context.Context, r request) {
	c := catalogFor(r.lang)
	if !b.mayManage(ctx, r) {
		return
	}
	was, err := b.store.Deactivate(r.chat, state.Unsubscribed, time.Now())
	switch {
	case errors.Is(err, state.ErrNotFound) || err == nil && !was:
		b.out.reply(ctx, r.chat, c.NotSubscribed)
	case err != nil:
		b.log.Error("bot: unsubscribe failed", slog.Int64("chat_id", r.chat), slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.Failed)
	default:
		b.log.Info("bot: unsubscribed", slog.Int64("chat_id", r.chat))
		b.out.reply(ctx, r.chat, c.Unsubscribed)
	}
}

// mayManage reports whether the sender may subscribe or unsubscribe the
// chat: anyone in a private chat; in a group its administrators, including
// an anonymous one posting as the group. It answers a refusal itself.
func (b *Bot) mayManage(ctx context.Context, r request) bool {
	if !r.group {
		return true
	}
	c := catalogFor(r.lang)
	m := r.msg
	switch {
	case m.SenderChat != nil:
		if m.SenderChat.ID == r.chat {
			return true // an anonymous administrator
		}
	case m.From != nil:
		member, err := b.client.ChatMember(ctx, r.chat, m.From.ID)
		if err != nil {
			b.log.Warn("bot: getChatMember failed", slog.Int64("chat_id", r.chat), slog.Any("err", err))
			b.out.reply(ctx, r.chat, c.Failed)
			return false
		}
		if member.IsCreator() || member.IsAdministrator() {
			return true
		}
	}
	b.out.reply(ctx, r.chat, c.GroupAdminsOnly)
	return false
}

// latestCommand answers /latest [n].
func (b *Bot) latestCommand(ctx context.Context, r request) {
	n := 1
	if r.args != "" {
		v, err := strconv.Atoi(strings.Fields(r.args)[0])
		if err != nil || v < 1 {
			b.out.reply(ctx, r.chat, catalogFor(r.lang).LatestUsage)
			return
		}
		n = min(v, MaxLatest)
	}
	b.latest(ctx, r, n)
}

// latest sends the n newest articles, the newest last, and records them for
// an active subscriber, each before it goes, so that no broadcast sends them
// again: not even one whose answer was in flight at a crash or timed out.
func (b *Bot) latest(ctx context.Context, r request, n int) {
	c := catalogFor(r.lang)
	arts, err := b.store.Newest(n)
	if err != nil {
		b.log.Error("bot: newest articles", slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.Failed)
		return
	}
	if len(arts) == 0 {
		b.out.reply(ctx, r.chat, c.NoArticles)
		return
	}
	var ids []string
	var msgIDs []int
	for i := len(arts) - 1; i >= 0; i-- {
		a, err := DecodeArticle(arts[i])
		if err != nil {
			b.log.Error("bot: stored article unreadable", slog.Any("err", err))
			continue
		}
		// Recorded before it goes, as a broadcast's send is: an answer in
		// flight at a crash or a timeout may arrive, and no broadcast may
		// send it again. Its message ID is recorded after.
		if err := b.store.RecordLatest(r.chat, time.Now(), []string{a.ID}, []int{0}); err != nil {
			b.log.Error("bot: record /latest", slog.Int64("chat_id", r.chat), slog.Any("err", err))
		}
		msg, err := b.out.article(readerLane(ctx), r.chat, a, r.lang)
		if err != nil {
			b.log.Warn("bot: /latest answer failed", slog.Int64("chat_id", r.chat),
				slog.String("article_id", a.ID), slog.Any("err", err))
			break
		}
		ids, msgIDs = append(ids, a.ID), append(msgIDs, msg.MessageID)
	}
	if len(ids) == 0 {
		return
	}
	if err := b.store.RecordLatest(r.chat, time.Now(), ids, msgIDs); err != nil {
		b.log.Error("bot: record /latest", slog.Int64("chat_id", r.chat), slog.Any("err", err))
	}
}
