package bot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash/fnv"
	"log/slog"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/state"
)

// The bot's inline keyboards (/sources, /lang) carry callback data of
// its own, compact and versioned, and come back from the client: nothing
// in it is trusted. Each press names the chat whose choice it changes and
// the state the keyboard showed, so that a forged value, a press meant for
// another chat, or a press on a keyboard out of date changes nothing.
//
//	s1|<chat>|<stamp>|<outlet>  switch an outlet on or off ("*": every
//	                            outlet) in the choice the keyboard showed
//	                            (stamp: choiceStamp)
//	l1|<chat>|<lang>|<new>      the reply language, from lang ("-": none
//	                            chosen) to new
//
// <chat> is the chat ID in base 36. An outlet key too long for the 64
// bytes of callback_data, or one holding "|", travels as "#" and a hash.
const (
	pressSources = "s1"
	pressLang    = "l1"
	// maxCallbackData is Telegram's limit on callback_data, in bytes.
	maxCallbackData = 64
	// maxKeyInData is the longest outlet key written as it is: the rest of
	// the data takes at most 3+14+1+7+1 bytes.
	maxKeyInData = maxCallbackData - 26
)

// Why a press changed nothing.
var (
	errStale   = errors.New("bot: the keyboard is out of date")
	errPickOne = errors.New("bot: no outlet would be left")
)

// A press is a callback query's data, parsed.
type press struct {
	kind  string // pressSources or pressLang
	chat  int64  // whose choice it changes
	stamp string // the choice the keyboard showed
	value string // an outlet's data form, "*", or a language
}

func (p press) data() string {
	return p.kind + "|" + strconv.FormatInt(p.chat, 36) + "|" + p.stamp + "|" + p.value
}

// parsePress reads callback data, and reports whether it is a press the
// bot could have made.
func parsePress(data string) (press, bool) {
	parts := strings.Split(data, "|")
	if len(data) > maxCallbackData || len(parts) != 4 {
		return press{}, false
	}
	p := press{kind: parts[0], stamp: parts[2], value: parts[3]}
	chat, err := strconv.ParseInt(parts[1], 36, 64)
	if err != nil || chat == 0 || p.stamp == "" || len(p.stamp) > 7 || p.value == "" {
		return press{}, false
	}
	p.chat = chat
	switch p.kind {
	case pressSources:
		return p, true
	case pressLang:
		return p, (p.stamp == "-" || isLang(p.stamp)) && isLang(p.value)
	}
	return press{}, false
}

// choiceStamp names a choice of outlets (nil: every outlet) in a few
// characters, for a keyboard to say which choice it showed.
func choiceStamp(outlets []string) string {
	h := fnv.New32a()
	if outlets == nil {
		h.Write([]byte("*"))
	}
	for _, o := range outlets {
		h.Write([]byte(o))
		h.Write([]byte{0})
	}
	return strconv.FormatUint(uint64(h.Sum32()), 36)
}

// outletData is an outlet key as a press carries it.
func outletData(key string) string {
	if len(key) <= maxKeyInData && !strings.ContainsAny(key, "|#*") {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "#" + hex.EncodeToString(sum[:6])
}

// queuedAs is the message whose chat's queue a callback query waits in:
// the keyboard's message, or for a query without one (the bot sends no
// inline messages, but a client may say so) a stand-in in the presser's
// private chat; nil for a query from no one.
func queuedAs(q *tgbotapi.CallbackQuery) *tgbotapi.Message {
	switch {
	case q.Message != nil && q.Message.Chat != nil:
		return q.Message
	case q.From != nil:
		return &tgbotapi.Message{Chat: &tgbotapi.Chat{ID: q.From.ID, Type: "private"}}
	}
	return nil
}

// callback answers a press on one of the bot's inline keyboards. It runs
// in the queue of the keyboard's chat, as that chat's messages do. Every
// query is answered (the client shows a spinner until it is): with what
// changed, or briefly with why nothing did.
func (b *Bot) callback(ctx context.Context, q *tgbotapi.CallbackQuery) {
	code := ""
	if q.From != nil {
		code = q.From.LanguageCode
	}
	m := q.Message
	if m == nil || m.Chat == nil || q.From == nil || m.From != nil && m.From.ID != b.client.Self().ID {
		b.answer(ctx, q, catalogFor(langOf(code)).BadButton)
		return
	}
	lang := b.chatLang(m.Chat.ID, code)
	c := catalogFor(lang)
	p, ok := parsePress(q.Data)
	if !ok {
		b.log.Debug("bot: a press with data the bot never made", slog.Int64("chat_id", m.Chat.ID),
			slog.Int64("user_id", q.From.ID), slog.String("data", q.Data))
		b.answer(ctx, q, c.BadButton)
		return
	}
	sub, why := b.mayChoose(ctx, q, p.chat)
	if why != nil {
		b.answer(ctx, q, why(c))
		return
	}
	switch p.kind {
	case pressSources:
		b.pressSources(ctx, q, p, sub, lang)
	case pressLang:
		b.pressLang(ctx, q, p, sub, lang)
	}
}

// A refusal picks the words of a refused press from a catalog.
type refusal func(catalog) string

func badButton(c catalog) string  { return c.BadButton }
func adminsOnly(c catalog) string { return c.AdminsOnly }
func failed(c catalog) string     { return c.Failed }

// mayChoose checks that the presser may change target's choices from the
// keyboard's chat: in a private chat, its own, or a channel's for a bot
// admin; in a group, the group's, for its administrators. It returns
// target's record (the zero Subscriber when it has none), or why not.
func (b *Bot) mayChoose(ctx context.Context, q *tgbotapi.CallbackQuery, target int64) (state.Subscriber, refusal) {
	chat := q.Message.Chat
	sub, err := b.store.Subscriber(target)
	switch {
	case err == nil:
	case errors.Is(err, state.ErrNotFound):
		sub = state.Subscriber{Chat: target}
	default:
		b.log.Error("bot: callback: read the subscriber", slog.Int64("chat_id", target), slog.Any("err", err))
		return sub, failed
	}
	switch {
	case chat.IsPrivate() && target == chat.ID:
		return sub, nil
	case chat.IsPrivate():
		if b.admins[q.From.ID] && q.From.ID == chat.ID && sub.Kind == state.Channel {
			return sub, nil
		}
	case (chat.IsGroup() || chat.IsSuperGroup()) && target == chat.ID:
		member, err := b.client.ChatMember(ctx, chat.ID, q.From.ID)
		if err != nil {
			b.log.Warn("bot: getChatMember failed", slog.Int64("chat_id", chat.ID), slog.Any("err", err))
			return sub, failed
		}
		if member.IsCreator() || member.IsAdministrator() {
			return sub, nil
		}
		return sub, adminsOnly
	}
	b.log.Debug("bot: a press for another chat", slog.Int64("chat_id", chat.ID), slog.Int64("user_id", q.From.ID),
		slog.Int64("target", target))
	return sub, badButton
}

// answer answers a callback query with a short notification ("" for
// none); a failure is logged.
func (b *Bot) answer(ctx context.Context, q *tgbotapi.CallbackQuery, text string) {
	if _, err := b.client.Request(ctx, tgbotapi.NewCallback(q.ID, text)); err != nil && ctx.Err() == nil {
		b.log.Warn("bot: answerCallbackQuery failed", slog.Any("err", err))
	}
}

// editKeyboard replaces the inline keyboard of the message a press came
// from, and its text when text is not "" and differs, paced as an answer
// into its chat. A message that is already so is fine.
func (b *Bot) editKeyboard(ctx context.Context, q *tgbotapi.CallbackQuery, text string, kb tgbotapi.InlineKeyboardMarkup) {
	m := q.Message
	var edit tgbotapi.Chattable = tgbotapi.NewEditMessageReplyMarkup(m.Chat.ID, m.MessageID, kb)
	if text != "" && text != m.Text {
		edit = tgbotapi.NewEditMessageTextAndMarkup(m.Chat.ID, m.MessageID, text, kb)
	}
	_, err := b.out.send(readerLane(ctx), m.Chat.ID, edit)
	var te *telegram.Error
	if err != nil && ctx.Err() == nil && !(errors.As(err, &te) && strings.Contains(te.Description, "message is not modified")) {
		b.log.Warn("bot: edit a keyboard failed", slog.Int64("chat_id", m.Chat.ID), slog.Any("err", err))
	}
}
