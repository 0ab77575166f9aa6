package bot

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/state"
)

// maxLatest is the most articles /latest sends.
const maxLatest = 5

// start welcomes, subscribes and sends the latest article. In a private
// chat, "/start <payload>" (an article's full-text button) sends that
// article's full text instead, and subscribes no one.
func (b *Bot) start(ctx context.Context, r request) {
	if r.private && r.args != "" {
		b.fullText(ctx, r)
		return
	}
	c := catalogFor(r.lang)
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

// help lists the commands the sender may use.
func (b *Bot) help(ctx context.Context, r request) {
	b.out.reply(ctx, r.chat, b.cmds.helpText(r.lang, r.admin))
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
		n = min(v, maxLatest)
	}
	b.latest(ctx, r, n)
}

// latest sends the n newest articles among the outlets the chat chose,
// the newest last. For an active subscriber it claims them in the ledger
// first and records the outcome, so that no broadcast sends them too; one
// a broadcast is sending right now is left to it.
func (b *Bot) latest(ctx context.Context, r request, n int) {
	c := catalogFor(r.lang)
	stored, chose, err := b.newest(r.chat, n)
	if err != nil {
		b.log.Error("bot: newest articles", slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.Failed)
		return
	}
	if len(stored) == 0 {
		if chose {
			b.out.reply(ctx, r.chat, c.NoChosenArticles)
		} else {
			b.out.reply(ctx, r.chat, c.NoArticles)
		}
		return
	}
	var arts []content.Article
	var ids []string
	var items []state.Item
	for i := len(stored) - 1; i >= 0; i-- {
		a, err := ingest.DecodeArticle(stored[i])
		if err != nil {
			b.log.Error("bot: stored article unreadable", slog.Any("err", err))
			continue
		}
		arts, ids = append(arts, a), append(ids, a.ID)
		items = append(items, state.Item{Kind: state.ArticleItem, Seq: stored[i].Seq})
	}
	b.out.pages.prepare(ctx, arts...)
	claims, err := b.store.ClaimLatest(r.chat, time.Now(), ids)
	if err != nil {
		b.log.Error("bot: claim /latest", slog.Int64("chat_id", r.chat), slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.Failed)
		return
	}
	var outcomes []state.Change
	var deactivate state.Status
	var failed error
	for i, a := range arts {
		if claims[i] == state.ClaimBusy {
			continue // the broadcast is delivering it now
		}
		if failed != nil {
			// Not attempted: the claim is released.
			if claims[i] == state.ClaimRecord {
				outcomes = append(outcomes, state.Change{Chat: r.chat, Item: items[i], State: state.Pending,
					Reason: "not sent: an earlier answer failed"})
			}
			continue
		}
		msg, err := b.out.article(readerLane(ctx), r.chat, a, r.lang)
		if err != nil {
			failed = err
			b.log.Warn("bot: /latest answer failed", slog.Int64("chat_id", r.chat),
				slog.String("article_id", a.ID), slog.Any("err", err))
		}
		c, why := outcome(r.chat, items[i], msg, err)
		if why != 0 {
			deactivate = why
		}
		if claims[i] == state.ClaimRecord {
			outcomes = append(outcomes, c)
		}
	}
	if len(outcomes) > 0 {
		rejected, err := b.store.Record(outcomes)
		if err != nil || errors.Join(rejected...) != nil {
			b.log.Error("bot: record /latest", slog.Int64("chat_id", r.chat), slog.Any("err", errors.Join(err, errors.Join(rejected...))))
		}
		for i, c := range outcomes {
			if err == nil && (rejected == nil || rejected[i] == nil) {
				b.opt.Events.Delivered(c.State)
			}
		}
	}
	if deactivate != 0 {
		if _, err := b.store.Deactivate(r.chat, deactivate, time.Now()); err != nil && !errors.Is(err, state.ErrNotFound) {
			b.log.Error("bot: deactivate", slog.Int64("chat_id", r.chat), slog.Any("err", err))
		}
	}
	if telegram.ClassOf(failed) == telegram.ClassTransient {
		// Not delivered, even as text: say so, if that goes through.
		b.out.reply(ctx, r.chat, c.TryLater)
	}
}
