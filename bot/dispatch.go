package bot

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	"github.com/newsbot/newsbot/state"
)

// A request is one message to the bot, as the handlers see it.
type request struct {
	msg     *tgbotapi.Message
	chat    int64
	group   bool
	lang    string // reply language: the chat's choice, else the sender's (see langOf)
	code    string // the sender's language_code, kept with a subscription
	args    string // the command's arguments
	private bool
	admin   bool // a bot admin, in a private chat
}

// dispatch routes an update to its handler. Each chat's messages are
// handled in order, one at a time; chats are handled in parallel, so that
// one chat's slow answer (a group's /latest 5 paced at 1 a second) keeps no
// other chat waiting. ctx is the answers' context; done is called when the
// update's handling begins, so that the next poll confirms it. An update
// still queued when ctx ends is dropped without done: it is left for the
// next run.
func (b *Bot) dispatch(ctx context.Context, u tgbotapi.Update, done func()) {
	m := u.Message // a channel_post is not one: channels run no commands
	handle := func() { b.handle(ctx, m) }
	if q := u.CallbackQuery; q != nil {
		m, handle = queuedAs(q), func() { b.callback(ctx, q) } // see callbacks.go
	}
	if m == nil || m.Chat == nil || !b.updates.queue(u.UpdateID) {
		done()
		return
	}
	var once sync.Once
	begin := func() {
		once.Do(func() {
			b.updates.begin(u.UpdateID)
			done()
		})
	}
	idle := b.chats.push(m.Chat.ID, func() {
		if ctx.Err() != nil {
			return
		}
		begin()
		handle()
	})
	if idle {
		begin() // the chat's work starts now
	}
}

// handle answers one message: commands for us in private chats and groups,
// as the command table says; a hint for anything else in a private chat,
// nothing in a group.
func (b *Bot) handle(ctx context.Context, m *tgbotapi.Message) {
	switch {
	case m.MigrateToChatID != 0:
		b.moveChat(m.Chat.ID, m.MigrateToChatID)
		return
	case m.MigrateFromChatID != 0:
		b.moveChat(m.MigrateFromChatID, m.Chat.ID)
		return
	}
	r := request{msg: m, chat: m.Chat.ID, private: m.Chat.IsPrivate(),
		group: m.Chat.IsGroup() || m.Chat.IsSuperGroup()}
	if !r.private && !r.group {
		return // channels
	}
	if m.From != nil {
		r.code = m.From.LanguageCode
	}
	r.lang = b.chatLang(r.chat, r.code)
	r.admin = r.private && m.From != nil && b.admins[m.From.ID]
	c := catalogFor(r.lang)

	name, mine := b.command(m)
	if !mine {
		if r.private && !m.IsCommand() && b.limit.allow(r.chat, time.Now()) {
			b.out.reply(ctx, r.chat, c.Hint)
		}
		return
	}
	cmd := b.cmds.lookup(name)
	if cmd == nil && !r.private {
		return // no answer, so not counted
	}
	if !r.admin && !b.limit.allow(r.chat, time.Now()) {
		b.log.Debug("bot: command throttled", slog.Int64("chat_id", r.chat), slog.String("command", name))
		return
	}
	b.log.Debug("bot: command", slog.Int64("chat_id", r.chat), slog.String("command", name))
	switch {
	case cmd == nil:
		b.out.reply(ctx, r.chat, c.Hint)
		return
	case cmd.access == forBotAdmins:
		if !r.admin {
			b.out.reply(ctx, r.chat, c.NotAllowed)
			return
		}
	case r.group && cmd.places&inGroup == 0, r.private && cmd.places&inPrivate == 0:
		if r.private {
			b.out.reply(ctx, r.chat, c.Hint)
		}
		return
	case cmd.access == forChatAdmins:
		if !b.mayManage(ctx, r) {
			return
		}
	}
	r.args = strings.TrimSpace(m.CommandArguments())
	cmd.handle(b, ctx, r)
}

// moveChat moves a group that became a supergroup, as soon as Telegram's
// service message says so (one comes in each chat; the second finds nothing
// left to move): its subscription, watermark and ledger, before any send
// learns of the move from a refusal.
func (b *Bot) moveChat(from, to int64) {
	err := b.store.MoveChat(from, to)
	switch {
	case errors.Is(err, state.ErrNotFound):
	case err != nil:
		b.log.Error("bot: move a group to its supergroup", slog.Int64("chat_id", from), slog.Int64("to", to), slog.Any("err", err))
	default:
		b.log.Info("bot: group moved to a supergroup", slog.Int64("chat_id", from), slog.Int64("to", to))
	}
}

// command returns the lowercased name of m's command and whether it is
// meant for us: "/latest" and "/latest@OurBot" are, "/latest@OtherBot" is
// not, and neither is a message that is no command.
func (b *Bot) command(m *tgbotapi.Message) (string, bool) {
	if !m.IsCommand() {
		return "", false
	}
	name, to, addressed := strings.Cut(m.CommandWithAt(), "@")
	if addressed && !strings.EqualFold(to, b.self) {
		return "", false
	}
	return strings.ToLower(name), true
}

// chatQueues runs each chat's work in order, one at a time, and different
// chats' work in parallel.
type chatQueues struct {
	mu     sync.Mutex
	queues map[int64][]func() // a chat is present while its goroutine runs
	wg     sync.WaitGroup
}

func newChatQueues() *chatQueues {
	return &chatQueues{queues: make(map[int64][]func())}
}

// push queues f behind chat's earlier work. It reports whether the chat had
// none, so that f starts at once.
func (q *chatQueues) push(chat int64, f func()) bool {
	q.mu.Lock()
	queued, running := q.queues[chat]
	q.queues[chat] = append(queued, f)
	q.mu.Unlock()
	if !running {
		q.wg.Go(func() { q.drain(chat) })
	}
	return !running
}

func (q *chatQueues) drain(chat int64) {
	for {
		q.mu.Lock()
		fs := q.queues[chat]
		if len(fs) == 0 {
			delete(q.queues, chat)
			q.mu.Unlock()
			return
		}
		f := fs[0]
		q.queues[chat] = fs[1:]
		q.mu.Unlock()
		f()
	}
}

// wait returns when every queued piece of work has run. Call it after the
// last push.
func (q *chatQueues) wait() { q.wg.Wait() }
