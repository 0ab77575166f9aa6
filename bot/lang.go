package bot

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/state"
)

// A langChoice is a reply language of /lang, named in its own script.
type langChoice struct{ code, name string }

// langChoices are the languages a chat may choose, in the keyboard's
// order.
func langChoices() []langChoice {
	return []langChoice{{langZH, "简体中文"}, {langZHHant, "繁體中文"}, {LangEN, "English"}}
}

// isLang reports whether code is one of langChoices.
func isLang(code string) bool {
	return code == langZH || code == langZHHant || code == LangEN
}

// subscriberLang is the language the bot writes to a subscriber in: the
// one it chose with /lang, else the one of its Telegram language_code.
func subscriberLang(sub state.Subscriber) string {
	if isLang(sub.Lang) {
		return sub.Lang
	}
	return langOf(sub.Language)
}

// chatLang is the language of an answer in chat to a user whose Telegram
// language_code is code: the chat's choice of /lang, else code's.
func (b *Bot) chatLang(chat int64, code string) string {
	sub, err := b.store.Subscriber(chat)
	if err == nil && isLang(sub.Lang) {
		return sub.Lang
	}
	return langOf(code)
}

// lang answers /lang with a keyboard of the languages; "/lang @channel"
// sets a channel's, for a bot admin.
func (b *Bot) lang(ctx context.Context, r request) {
	c := catalogFor(r.lang)
	sub, name, ok := b.choiceTarget(ctx, r)
	if !ok {
		return
	}
	head, current := c.Lang, r.lang
	if name != "" {
		head, current = fmt.Sprintf(c.LangOf, name), subscriberLang(sub)
	} else if isLang(sub.Lang) {
		current = sub.Lang
	}
	b.sendKeyboard(ctx, r.chat, head, langKeyboard(sub, current))
}

// langKeyboard is the /lang keyboard of sub's language, current marked.
func langKeyboard(sub state.Subscriber, current string) tgbotapi.InlineKeyboardMarkup {
	stamp := sub.Lang
	if !isLang(stamp) {
		stamp = "-"
	}
	var row []tgbotapi.InlineKeyboardButton
	for _, l := range langChoices() {
		label := l.name
		if l.code == current {
			label = "✅ " + label
		}
		p := press{kind: pressLang, chat: sub.Chat, stamp: stamp, value: l.code}
		row = append(row, tgbotapi.NewInlineKeyboardButtonData(label, p.data()))
	}
	return tgbotapi.NewInlineKeyboardMarkup(row)
}

// pressLang sets the language a press on a /lang keyboard chose, and
// answers in it; a keyboard out of date is refreshed and changes nothing.
func (b *Bot) pressLang(ctx context.Context, q *tgbotapi.CallbackQuery, p press, sub state.Subscriber, lang string) {
	sub.Chat = p.chat
	showing := lang
	if sub.Kind == state.Channel || isLang(sub.Lang) {
		showing = subscriberLang(sub)
	}
	stamp := sub.Lang
	if !isLang(stamp) {
		stamp = "-"
	}
	if p.stamp != stamp {
		b.answer(ctx, q, catalogFor(lang).Stale)
		b.editKeyboard(ctx, q, "", langKeyboard(sub, showing))
		return
	}
	if p.value == sub.Lang {
		b.answer(ctx, q, catalogFor(p.value).LangSet)
		return
	}
	sub, err := b.store.SetLang(p.chat, p.value, time.Now())
	if err != nil {
		b.log.Error("bot: set the language", slog.Int64("chat_id", p.chat), slog.Any("err", err))
		b.answer(ctx, q, catalogFor(lang).Failed)
		return
	}
	b.log.Info("bot: language chosen", slog.Int64("chat_id", p.chat), slog.String("lang", p.value))
	b.answer(ctx, q, catalogFor(p.value).LangSet)
	b.editKeyboard(ctx, q, "", langKeyboard(sub, p.value))
}

// sendKeyboard sends text with an inline keyboard into chat, as an
// answer; a failure is logged.
func (b *Bot) sendKeyboard(ctx context.Context, chat int64, text string, kb tgbotapi.InlineKeyboardMarkup) {
	m := tgbotapi.NewMessage(chat, text)
	m.ReplyMarkup = kb
	if _, err := b.out.send(readerLane(ctx), chat, m); err != nil && ctx.Err() == nil {
		b.log.Warn("bot: reply failed", slog.Int64("chat_id", chat), slog.Any("err", err))
	}
}
