package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/state"
)

// pageSize is how many pending entries a delivery reads at a time.
const pageSize = 256

// A delivery sends one broadcast's pending entries: a dispatcher reads them
// in round order and hands them to a bounded pool of senders. Every send is
// recorded around the HTTP request: Sending, durably, right before it (a
// refusal means the chat unsubscribed meanwhile: nothing is sent), then its
// outcome.
type delivery struct {
	bc    *Broadcaster
	id    uint64
	rec   *recorder
	ctx   context.Context // ends the waits: no new send starts after it
	send  context.Context // ends the HTTP requests, Grace after ctx
	fatal context.CancelCauseFunc

	inflight atomic.Int64
	finished chan struct{} // a send finished (buffered, best effort)

	mu       sync.Mutex
	moved    map[int64]int64 // migrated groups: old ID → new
	articles map[uint64]content.Article
	texts    map[uint64]string // announcements
}

// A turn orders one chat's sends: a send waits for the chat's previous one
// to end; the pacer then spaces them.
type turn struct {
	prev *turn
	done chan struct{}
}

type job struct {
	e    state.Entry
	turn *turn
}

// run delivers the pending entries until none is left and no send is in
// flight, or ctx ends. It returns the error that stopped the broadcast
// (Telegram refusing the token, the store failing), else nil.
func (d *delivery) run(ctx context.Context) error {
	ctx, d.fatal = context.WithCancelCause(ctx)
	defer d.fatal(nil)
	sendCtx, stopSends := graceContext(ctx, d.bc.opt.Grace)
	defer stopSends()
	d.ctx, d.send = ctx, sendCtx

	jobs := make(chan job)
	var wg sync.WaitGroup
	for range d.bc.opt.Senders {
		wg.Go(func() {
			for j := range jobs {
				d.deliver(j)
				d.inflight.Add(-1)
				select {
				case d.finished <- struct{}{}:
				default:
				}
			}
		})
	}
	err := d.dispatch(ctx, jobs)
	close(jobs)
	wg.Wait()
	d.rec.close()
	if err != nil {
		return err
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return nil
}

// dispatch hands out the pending entries in round order.
func (d *delivery) dispatch(ctx context.Context, jobs chan<- job) error {
	turns := make(map[int64]*turn)
	var after *state.Entry
	for ctx.Err() == nil {
		page, err := d.bc.store.PendingEntries(after, pageSize)
		if err != nil {
			return fmt.Errorf("bot: broadcast %d: %w", d.id, err)
		}
		if len(page) == 0 {
			if d.inflight.Load() == 0 {
				return nil
			}
			// A send in flight may still add entries (a migrated group's).
			select {
			case <-d.finished:
			case <-ctx.Done():
			}
			continue
		}
		for _, e := range page {
			t := &turn{prev: turns[e.Chat], done: make(chan struct{})}
			turns[e.Chat] = t
			d.inflight.Add(1)
			select {
			case jobs <- job{e: e, turn: t}:
			case <-ctx.Done():
				d.inflight.Add(-1)
				return nil
			}
		}
		after = &page[len(page)-1]
	}
	return nil
}

// deliver sends one entry and records its outcome.
func (d *delivery) deliver(j job) {
	t := j.turn
	defer close(t.done)
	if p := t.prev; p != nil {
		select {
		case <-p.done:
		case <-d.ctx.Done():
			return
		}
	}
	e := j.e
	chat := d.target(e.Chat)
	log := d.bc.log.With(slog.Uint64("broadcast", d.id), slog.Int64("chat_id", chat),
		slog.Any("item", e.Item))
	send, err := d.prepare(e)
	if err != nil {
		log.Error("bot: broadcast: unreadable item", slog.Any("err", err))
		c := state.Change{Chat: chat, Item: e.Item, State: state.Failed, Reason: "unreadable item"}
		if err := d.rec.record(c); err != nil {
			log.Error("bot: broadcast: record the failure", slog.Any("err", err))
		}
		return
	}
	var started bool
	l := lane{ctx: d.ctx, send: d.send, kind: d.bc.kind, before: func() error {
		if started {
			return nil
		}
		if err := d.rec.record(state.Change{Chat: chat, Item: e.Item, State: state.Sending}); err != nil {
			return errNotStarted{err}
		}
		started = true
		return nil
	}}
	for hop := 0; ; hop++ {
		msg, err := send(l, chat)
		if !started {
			switch {
			case err == nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
			case errors.Is(err, state.ErrNotFound) && hop < 2:
				// The entry is gone from the chat: if the chat moved (its
				// service message was handled meanwhile), it is there.
				if to, moved, merr := d.bc.store.MovedTo(chat); merr == nil && moved {
					d.moveTo(chat, to)
					chat = to
					log = log.With(slog.Int64("moved_to", to))
					continue
				}
				log.Debug("bot: broadcast: not sent: the chat unsubscribed or moved", slog.Any("err", err))
			case errors.Is(err, state.ErrConflict), errors.Is(err, state.ErrNotFound):
				log.Debug("bot: broadcast: not sent: the chat unsubscribed or moved", slog.Any("err", err))
			default:
				log.Error("bot: broadcast: not sent", slog.Any("err", err))
			}
			return
		}
		var te *telegram.Error
		if errors.As(err, &te) && te.Class == telegram.ClassMigrated && te.MigrateTo != 0 && hop < 2 {
			if to, ok := d.migrate(log, chat, te.MigrateTo, e.Item); ok {
				chat = to
				continue
			}
			return
		}
		d.finish(log, chat, e.Item, msg, err)
		return
	}
}

// errNotStarted is a send that never went out because its start could not
// be recorded.
type errNotStarted struct{ err error }

func (e errNotStarted) Error() string { return "bot: send not started: " + e.err.Error() }
func (e errNotStarted) Unwrap() error { return e.err }

// prepare reads what an entry delivers, once per broadcast, and returns
// the function that sends it into a chat. It returns an error naming the
// item when the item can't be read.
func (d *delivery) prepare(e state.Entry) (func(l lane, chat int64) (tgbotapi.Message, error), error) {
	if e.Item.Kind == state.AnnouncementItem {
		text, err := d.announcement(e.Item.Seq)
		if err != nil {
			return nil, err
		}
		return func(l lane, chat int64) (tgbotapi.Message, error) {
			return d.bc.out.announcement(l, chat, text)
		}, nil
	}
	a, err := d.article(e)
	if err != nil {
		return nil, err
	}
	return func(l lane, chat int64) (tgbotapi.Message, error) {
		lang, err := d.language(chat)
		if err != nil {
			return tgbotapi.Message{}, err
		}
		return d.bc.out.article(l, chat, a, lang)
	}, nil
}

// finish records a send's outcome and deactivates a chat Telegram refuses.
func (d *delivery) finish(log *slog.Logger, chat int64, it state.Item, msg tgbotapi.Message, err error) {
	c, deactivate := outcome(chat, it, msg, err)
	if telegram.ClassOf(err) == telegram.ClassUnauthorized {
		d.fatal(err)
	}
	if err != nil {
		log.Info("bot: broadcast: send failed", slog.String("state", c.State.String()), slog.Any("err", err))
	}
	if rerr := d.rec.record(c); rerr != nil {
		log.Error("bot: broadcast: record the outcome", slog.String("state", c.State.String()), slog.Any("err", rerr))
	}
	if deactivate != 0 {
		if _, err := d.bc.store.Deactivate(chat, deactivate, time.Now()); err != nil {
			log.Error("bot: broadcast: deactivate", slog.Any("err", err))
		} else {
			log.Info("bot: chat deactivated", slog.String("reason", deactivate.String()))
		}
	}
}

// migrate moves a group that became a supergroup, and reports whether the
// entry being sent moved with it, still Sending, to be sent there. An entry
// of the supergroup that did not come from the group is another sender's
// (the supergroup's own send, or a /latest answer there): it is not sent
// again.
func (d *delivery) migrate(log *slog.Logger, from, to int64, it state.Item) (int64, bool) {
	log.Info("bot: group moved to a supergroup", slog.Int64("to", to))
	if err := d.bc.store.MoveChat(from, to); err != nil && !errors.Is(err, state.ErrNotFound) {
		log.Error("bot: broadcast: move chat", slog.Any("err", err))
		// Telegram did not deliver it: it waits for the next broadcast.
		c := state.Change{Chat: from, Item: it, State: state.Pending, Reason: "group migration failed"}
		if err := d.rec.record(c); err != nil {
			log.Error("bot: broadcast: record the outcome", slog.Any("err", err))
		}
		return 0, false
	}
	d.moveTo(from, to)
	e, err := d.bc.store.Entry(to, it)
	if err != nil || e.State != state.Sending || e.MovedFrom != from {
		log.Info("bot: broadcast: the supergroup has this item from another send", slog.Any("err", err))
		return 0, false
	}
	return to, true
}

// moveTo sends the rest of the broadcast for chat from to the chat to.
func (d *delivery) moveTo(from, to int64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.moved[from] = to
}

// target is where a chat's messages go: its new ID when it moved.
func (d *delivery) target(chat int64) int64 {
	d.mu.Lock()
	defer d.mu.Unlock()
	if to, ok := d.moved[chat]; ok {
		return to
	}
	return chat
}

// language is the reply language of a subscriber.
func (d *delivery) language(chat int64) (string, error) {
	sub, err := d.bc.store.Subscriber(chat)
	if err != nil {
		return "", fmt.Errorf("bot: broadcast %d: %w", d.id, err)
	}
	return subscriberLang(sub), nil
}

// article is the entry's article, read once per broadcast, with its
// Telegraph page asked for (pageBook.prepare).
func (d *delivery) article(e state.Entry) (content.Article, error) {
	d.mu.Lock()
	a, ok := d.articles[e.Item.Seq]
	d.mu.Unlock()
	if ok {
		return a, nil
	}
	sa, err := d.bc.store.Article(e.ArticleID)
	if err != nil {
		return a, fmt.Errorf("bot: broadcast %d: article %q: %w", d.id, e.ArticleID, err)
	}
	if a, err = ingest.DecodeArticle(sa); err != nil {
		return a, err
	}
	// Before the article's first send: its Telegraph page.
	d.bc.out.pages.prepare(d.ctx, a)
	d.mu.Lock()
	d.articles[e.Item.Seq] = a
	d.mu.Unlock()
	return a, nil
}

// announcement is an announcement's text, read once per broadcast.
func (d *delivery) announcement(id uint64) (string, error) {
	d.mu.Lock()
	text, ok := d.texts[id]
	d.mu.Unlock()
	if ok {
		return text, nil
	}
	an, err := d.bc.store.Announcement(id)
	if err != nil {
		return "", fmt.Errorf("bot: broadcast %d: %w", d.id, err)
	}
	d.mu.Lock()
	d.texts[id] = an.Text
	d.mu.Unlock()
	return an.Text, nil
}

// outcome is the ledger change that ends a send to chat of item it, which
// Telegram answered with msg or err, and the status to deactivate the chat
// with (0 for none).
func outcome(chat int64, it state.Item, msg tgbotapi.Message, err error) (state.Change, state.Status) {
	c := state.Change{Chat: chat, Item: it}
	var te *telegram.Error
	switch {
	case err == nil:
		c.State, c.MessageID = state.Sent, msg.MessageID
		return c, 0
	case !errors.As(err, &te):
		// The wait after a 429 or a failure ended: the last request was
		// not delivered.
		c.State, c.Reason = state.Pending, "stopped: "+err.Error()
		return c, 0
	}
	c.Reason = te.Class.String()
	switch te.Class {
	case telegram.ClassTransient, telegram.ClassUnauthorized, telegram.ClassMigrated:
		// Not delivered; a migrated group's sender moves the entry first.
		c.State = state.Pending
	case telegram.ClassForbidden:
		c.State, c.Reason = state.Failed, te.Reason
		switch te.Reason {
		case telegram.ReasonKicked:
			return c, state.Kicked
		case telegram.ReasonNoRights:
			return c, state.NoRights
		}
		return c, state.Blocked
	case telegram.ClassChatNotFound:
		c.State = state.Failed
		return c, state.ChatNotFound
	case telegram.ClassUnknownOutcome:
		c.State = state.Unknown
	default:
		c.State = state.Failed
	}
	return c, 0
}
