package bot

import (
	"context"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// A request is one message to the bot, as the handlers see it.
type request struct {
	msg     *tgbotapi.Message
	chat    int64
	group   bool
	lang    string // reply language: LangZH or LangEN
	code    string // the sender's language_code, kept with a subscription
	args    string // the command's arguments
	private bool
}

// dispatch routes an update to its handler. Each chat's messages are
// handled in order, one at a time; chats are handled in parallel, so that
// one chat's slow answer (a group's /latest 5 paced at 1 a second) keeps no
// other chat waiting. ctx is the answers' context.
func (b *Bot) dispatch(ctx context.Context, u tgbotapi.Update) {
	m := u.Message
	if m == nil || m.Chat == nil {
		return
	}
	b.chats.push(m.Chat.ID, func() { b.handle(ctx, m) })
}

// handle answers one message: commands for us in private chats and groups,
// a hint for anything else in a private chat, nothing in a group.
func (b *Bot) handle(ctx context.Context, m *tgbotapi.Message) {
	r := request{msg: m, chat: m.Chat.ID, private: m.Chat.IsPrivate(),
		group: m.Chat.IsGroup() || m.Chat.IsSuperGroup()}
	if !r.private && !r.group {
		return // channels
	}
	if m.From != nil {
		r.code = m.From.LanguageCode
	}
	r.lang = Lang(r.code)
	c := catalogFor(r.lang)

	name, mine := b.command(m)
	if !mine {
		if r.private && !m.IsCommand() && b.limit.allow(r.chat, time.Now()) {
			b.out.reply(ctx, r.chat, c.Hint)
		}
		return
	}
	if !r.private && !known(name) {
		return // no answer, so not counted
	}
	r.args = strings.TrimSpace(m.CommandArguments())
	admin := r.private && m.From != nil && b.admins[m.From.ID]
	if !admin && !b.limit.allow(r.chat, time.Now()) {
		b.log.Debug("bot: command throttled", slog.Int64("chat_id", r.chat), slog.String("command", name))
		return
	}
	b.log.Debug("bot: command", slog.Int64("chat_id", r.chat), slog.String("command", name))
	switch name {
	case cmdStart:
		b.start(ctx, r)
	case cmdSubscribe:
		b.subscribe(ctx, r)
	case cmdUnsubscribe, cmdStop:
		b.unsubscribe(ctx, r)
	case cmdLatest:
		b.latestCommand(ctx, r)
	case cmdHelp:
		b.out.reply(ctx, r.chat, c.Help)
	case cmdBroadcast, cmdAnnounce, cmdStats, cmdReload:
		if !admin {
			b.out.reply(ctx, r.chat, c.NotAllowed)
			return
		}
		b.admin(ctx, name, r)
	default:
		if r.private {
			b.out.reply(ctx, r.chat, c.Hint)
		}
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

// known reports whether name is one of the bot's commands.
func known(name string) bool {
	return slices.Contains(readerCommands(), name) || slices.Contains(adminCommands(), name)
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

// push queues f behind chat's earlier work.
func (q *chatQueues) push(chat int64, f func()) {
	q.mu.Lock()
	queued, running := q.queues[chat]
	q.queues[chat] = append(queued, f)
	q.mu.Unlock()
	if !running {
		q.wg.Go(func() { q.drain(chat) })
	}
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
