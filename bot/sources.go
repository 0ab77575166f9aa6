package bot

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/state"
)

// recentSpan is the span /sources counts each outlet's articles over.
const recentSpan = 7 * 24 * time.Hour

// maxOutletButtons bounds the outlets of a /sources keyboard: Telegram
// takes about 100 buttons, and one is the button of every outlet.
const maxOutletButtons = 98

// sourcesPerRow is how many outlets a row of the keyboard holds.
const sourcesPerRow = 2

// sources answers /sources with the outlets as a keyboard of toggles;
// "/sources @channel" shows a channel's, for a bot admin.
func (b *Bot) sources(ctx context.Context, r request) {
	c := catalogFor(r.lang)
	sub, name, ok := b.choiceTarget(ctx, r)
	if !ok {
		return
	}
	view, err := b.sourcesView(sub, r.lang)
	if err != nil {
		b.log.Error("bot: /sources", slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.Failed)
		return
	}
	if len(view.outlets) == 0 {
		b.out.reply(ctx, r.chat, c.NoArticles)
		return
	}
	b.sendKeyboard(ctx, r.chat, view.text(c, name), view.keyboard(c))
}

// A sourcesView is what /sources shows a chat: the outlets, in order,
// and the chat's choice.
type sourcesView struct {
	sub     state.Subscriber
	lang    string
	outlets []state.Outlet
}

// sourcesView reads the outlets for sub's keyboard, named in lang: the
// store's, and those sub chose that have no article any more. Outlets of
// the content table come first, in its order, then the others by key.
func (b *Bot) sourcesView(sub state.Subscriber, lang string) (sourcesView, error) {
	outs, err := b.store.Outlets(time.Now().Add(-recentSpan))
	if err != nil {
		return sourcesView{}, err
	}
	for _, key := range sub.Outlets {
		if !slices.ContainsFunc(outs, func(o state.Outlet) bool { return o.Key == key }) {
			outs = append(outs, state.Outlet{Key: key})
		}
	}
	known := content.Outlets()
	rank := func(key string) int {
		if i := slices.Index(known, key); i >= 0 {
			return i
		}
		return len(known)
	}
	slices.SortFunc(outs, func(a, b state.Outlet) int {
		return cmp.Or(cmp.Compare(rank(a.Key), rank(b.Key)), cmp.Compare(a.Key, b.Key))
	})
	if len(outs) > maxOutletButtons {
		outs = outs[:maxOutletButtons]
	}
	return sourcesView{sub: sub, lang: lang, outlets: outs}, nil
}

// isNew reports whether o appeared after the chat chose some outlets, and
// so is not among them.
func (v sourcesView) isNew(o state.Outlet) bool {
	return v.sub.Outlets != nil && o.First > v.sub.OutletsSeq && !v.sub.Receives(o.Key)
}

// text is the message above the keyboard: what it does, and the outlets
// new since the choice. name is a channel's, "" for the chat's own.
func (v sourcesView) text(c catalog, name string) string {
	head := c.Sources
	if name != "" {
		head = fmt.Sprintf(c.SourcesOf, name)
	}
	var fresh []string
	for _, o := range v.outlets {
		if v.isNew(o) {
			fresh = append(fresh, content.OutletName(o.Key, v.lang))
		}
	}
	if len(fresh) > 0 {
		head += "\n" + fmt.Sprintf(c.SourcesNew, strings.Join(fresh, ", "))
	}
	return head
}

// keyboard is the toggles: ✅ for an outlet the chat receives, ⬜ for one
// it does not (🆕 when it is new), the articles of the last week beside
// each; then the button of every outlet.
func (v sourcesView) keyboard(c catalog) tgbotapi.InlineKeyboardMarkup {
	stamp := choiceStamp(v.sub.Outlets)
	button := func(label, value string) tgbotapi.InlineKeyboardButton {
		p := press{kind: pressSources, chat: v.sub.Chat, stamp: stamp, value: value}
		return tgbotapi.NewInlineKeyboardButtonData(label, p.data())
	}
	var rows [][]tgbotapi.InlineKeyboardButton
	var row []tgbotapi.InlineKeyboardButton
	for _, o := range v.outlets {
		mark := "⬜ "
		if v.sub.Receives(o.Key) {
			mark = "✅ "
		} else if v.isNew(o) {
			mark += "🆕 "
		}
		count := " · " + strconv.Itoa(o.Recent)
		name := cutBytes(content.OutletName(o.Key, v.lang), 64-len(mark)-len(count))
		if row = append(row, button(mark+name+count, outletData(o.Key))); len(row) == sourcesPerRow {
			rows, row = append(rows, row), nil
		}
	}
	if row != nil {
		rows = append(rows, row)
	}
	mark := "⬜ "
	if v.sub.Outlets == nil {
		mark = "✅ "
	}
	rows = append(rows, []tgbotapi.InlineKeyboardButton{button(mark+c.SourcesAll, "*")})
	return tgbotapi.NewInlineKeyboardMarkup(rows...)
}

// cutBytes cuts s to at most n bytes, between two characters.
func cutBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// pressSources applies a press on a /sources keyboard: an outlet switched
// on or off, or every outlet; then answers with what changed and edits the
// keyboard in place. A keyboard out of date is refreshed and changes
// nothing; a choice left empty is refused.
func (b *Bot) pressSources(ctx context.Context, q *tgbotapi.CallbackQuery, p press, sub state.Subscriber, lang string) {
	c := catalogFor(lang)
	sub.Chat = p.chat
	view, err := b.sourcesView(sub, lang)
	if err != nil {
		b.log.Error("bot: callback: the outlets", slog.Any("err", err))
		b.answer(ctx, q, c.Failed)
		return
	}
	key, all := "", p.value == "*"
	if !all {
		i := slices.IndexFunc(view.outlets, func(o state.Outlet) bool { return outletData(o.Key) == p.value })
		if i < 0 {
			b.log.Debug("bot: a press for no outlet", slog.Int64("chat_id", p.chat), slog.String("data", q.Data))
			b.answer(ctx, q, c.BadButton)
			return
		}
		key = view.outlets[i].Key
	}
	var said string
	sub, err = b.store.ChooseOutlets(p.chat, time.Now(), func(cur []string) ([]string, error) {
		if choiceStamp(cur) != p.stamp {
			return nil, errStale
		}
		switch {
		case all:
			said = c.SourcesEvery
			return nil, nil
		case cur == nil:
			next := make([]string, 0, len(view.outlets))
			for _, o := range view.outlets {
				if o.Key != key {
					next = append(next, o.Key)
				}
			}
			cur = next
		case slices.Contains(cur, key):
			cur = slices.DeleteFunc(cur, func(o string) bool { return o == key })
		default:
			said = fmt.Sprintf(c.SourceOn, content.OutletName(key, lang))
			return append(cur, key), nil
		}
		if len(cur) == 0 {
			return nil, errPickOne
		}
		said = fmt.Sprintf(c.SourceOff, content.OutletName(key, lang))
		return cur, nil
	})
	switch {
	case errors.Is(err, errStale):
		b.answer(ctx, q, c.Stale)
		if sub, err = b.store.Subscriber(p.chat); err != nil {
			return
		}
	case errors.Is(err, errPickOne):
		b.answer(ctx, q, c.PickOne)
		return
	case err != nil:
		b.log.Error("bot: choose outlets", slog.Int64("chat_id", p.chat), slog.Any("err", err))
		b.answer(ctx, q, c.Failed)
		return
	default:
		b.log.Info("bot: outlets chosen", slog.Int64("chat_id", p.chat), slog.Any("outlets", sub.Outlets))
		b.answer(ctx, q, said)
	}
	if view, err = b.sourcesView(sub, lang); err != nil {
		b.log.Error("bot: callback: the outlets", slog.Any("err", err))
		return
	}
	name := ""
	if sub.Kind == state.Channel {
		name = channelName(sub)
	}
	b.editKeyboard(ctx, q, view.text(c, name), view.keyboard(c))
}

// choiceTarget is the subscriber whose choices a /sources or /lang
// changes, and a channel's name ("" for the chat's own): the chat's, or
// with an argument, for a bot admin, the channel it names. It answers a
// refusal itself and then reports false.
func (b *Bot) choiceTarget(ctx context.Context, r request) (state.Subscriber, string, bool) {
	c := catalogFor(r.lang)
	if r.args == "" {
		sub, err := b.store.Subscriber(r.chat)
		switch {
		case errors.Is(err, state.ErrNotFound):
			return state.Subscriber{Chat: r.chat}, "", true
		case err != nil:
			b.log.Error("bot: read the subscriber", slog.Int64("chat_id", r.chat), slog.Any("err", err))
			b.out.reply(ctx, r.chat, c.Failed)
			return sub, "", false
		}
		return sub, "", true
	}
	if !r.admin {
		b.out.reply(ctx, r.chat, c.NotAllowed)
		return state.Subscriber{}, "", false
	}
	ch, found, err := b.findChannel(r.args)
	switch {
	case err != nil:
		b.log.Error("bot: read the channels", slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.Failed)
		return ch, "", false
	case !found:
		b.out.reply(ctx, r.chat, fmt.Sprintf(c.NotOurChannel, strings.Fields(r.args)[0]))
		return ch, "", false
	}
	return ch, channelName(ch), true
}

// newest is the n newest articles among those chat chose, for /latest.
func (b *Bot) newest(chat int64, n int) ([]state.Article, bool, error) {
	sub, err := b.store.Subscriber(chat)
	if err != nil && !errors.Is(err, state.ErrNotFound) {
		return nil, false, err
	}
	arts, err := b.store.NewestFrom(sub.Outlets, n)
	return arts, sub.Outlets != nil, err
}
