package bot

import (
	"context"
	"errors"
	"log/slog"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/content"
)

// An outbox sends messages through the pacer: it waits out a 429 pause and
// the chat's buckets, sends, and on a 429 pauses all sending and tries the
// same message again. Transient failures (not delivered) are retried with
// back-off a few times.
type outbox struct {
	client  *telegram.Client
	self    string // the bot's username, for the full-text deep links
	pace    *pacer
	photos  *photoBook
	pages   *pageBook // nil without Telegraph
	log     *slog.Logger
	events  Events
	backoff time.Duration // first wait after a transient failure
	tries   int           // sends of one message at most, 429s not counted
}

// A lane says how one message waits before it goes: ctx bounds the waits,
// send bounds the HTTP request (it may outlive ctx by a grace period, so
// that a request already written is answered and recorded), and kind says
// which of the pacer's limits apply. before, if set, is called right
// before every HTTP request; an error from it stops the send and is
// returned.
type lane struct {
	ctx    context.Context
	send   context.Context
	kind   sendKind
	before func() error
}

// readerLane is the lane of readers' answers: one context, no broadcast
// rate (the bot-wide ceiling and the chat's limits apply).
func readerLane(ctx context.Context) lane { return lane{ctx: ctx, send: ctx} }

// send sends m into chat. It returns the final error: an *telegram.Error whose class
// is not telegram.ClassRetryAfter, Transient only after the last try, the lane's
// context error when it ended during a wait (then m was not sent by the
// last try), or the error of the lane's before.
func (o *outbox) send(l lane, chat int64, m tgbotapi.Chattable) (tgbotapi.Message, error) {
	backoff := o.backoff
	for try := 1; ; {
		paced, err := o.pace.wait(l.ctx, chat, l.kind)
		if err != nil {
			return tgbotapi.Message{}, err
		}
		if l.before != nil {
			if err := l.before(); err != nil {
				o.pace.answered(paced)
				return tgbotapi.Message{}, err
			}
		}
		var opts []telegram.SendOption
		if l.kind == paidSend {
			opts = append(opts, telegram.AllowPaidBroadcast())
		}
		msg, err := o.client.Send(l.send, m, opts...)
		o.pace.answered(paced)
		var e *telegram.Error
		if err == nil || !errors.As(err, &e) {
			return msg, err
		}
		switch e.Class {
		case telegram.ClassRetryAfter:
			o.log.Warn("bot: flood control: pausing all sends", slog.Int64("chat_id", chat),
				slog.Duration("retry_after", e.RetryAfter))
			o.events.Paused(o.pace.pause.pauseFor(e.RetryAfter))
			continue
		case telegram.ClassTransient:
			if try >= o.tries || l.ctx.Err() != nil {
				return msg, err
			}
			o.log.Debug("bot: send not delivered; retrying", slog.Int64("chat_id", chat),
				slog.Any("err", err), slog.Duration("retry_in", backoff))
			if !sleep(l.ctx, backoff) {
				return msg, err
			}
			backoff *= 2
			try++
			continue
		}
		return msg, err
	}
}

// reply sends a plain text answer and logs a failure.
func (o *outbox) reply(ctx context.Context, chat int64, text string) (tgbotapi.Message, error) {
	msg, err := o.send(readerLane(ctx), chat, tgbotapi.NewMessage(chat, text))
	if err != nil && ctx.Err() == nil {
		o.log.Warn("bot: reply failed", slog.Int64("chat_id", chat), slog.Any("err", err))
	}
	return msg, err
}

// edit replaces the text of the message id in chat, as an answer: paced
// under the bot-wide ceiling, waiting out a 429. Errors are those of send.
func (o *outbox) edit(ctx context.Context, chat int64, id int, text string) (tgbotapi.Message, error) {
	l := readerLane(ctx)
	l.kind = editSend
	return o.send(l, chat, tgbotapi.NewEditMessageText(chat, id, text))
}

// article sends an article into chat in lang: with its photo when one
// works (see photoBook), else as text; the plain form when Telegram refuses
// the HTML. The message has the full-text button and, when the article has
// a Telegraph page already, the Instant View link and button. Errors are
// those of send.
//
// An answer (not a broadcast, whose failures wait for a retry) whose photo
// fails past the retries with a 5xx goes as text: a server that can't send
// photos still answers the reader.
func (o *outbox) article(l lane, chat int64, a content.Article, lang string) (tgbotapi.Message, error) {
	ln := articleLinks{fullText: fullTextLink(o.self, a.ID), page: o.pages.url(a.ID)}
	if a.Photo != nil && a.Photo.URL != "" {
		msg, done, err := o.photos.send(l, o, chat, a, lang, ln)
		photoFailed := l.kind == answerSend && telegram.ClassOf(err) == telegram.ClassTransient
		if done && !photoFailed {
			return o.plainOnBadRequest(l, chat, a, lang, ln, msg, err)
		}
		o.events.PhotoFallback(FallbackText)
		if photoFailed {
			o.log.Warn("bot: the photo could not be sent; answering with the text", slog.String("article_id", a.ID), slog.Any("err", err))
		}
	}
	msg, err := o.send(l, chat, articleText(chat, a, lang, ln))
	return o.plainOnBadRequest(l, chat, a, lang, ln, msg, err)
}

// plainOnBadRequest sends the plain form when Telegram refused the HTML.
func (o *outbox) plainOnBadRequest(l lane, chat int64, a content.Article, lang string, ln articleLinks, msg tgbotapi.Message, err error) (tgbotapi.Message, error) {
	if telegram.ClassOf(err) != telegram.ClassBadRequest {
		return msg, err
	}
	o.log.Error("bot: Telegram refused an article's HTML; sending the plain form",
		slog.String("article_id", a.ID), slog.Any("err", err))
	return o.send(l, chat, articlePlain(chat, a, lang, ln))
}

// announcement sends an admin's announcement into chat: escaped HTML, or
// the text as it is when Telegram refuses the HTML.
func (o *outbox) announcement(l lane, chat int64, text string) (tgbotapi.Message, error) {
	m := tgbotapi.NewMessage(chat, renderAnnouncement(text))
	m.ParseMode = parseModeHTML
	msg, err := o.send(l, chat, m)
	if telegram.ClassOf(err) == telegram.ClassBadRequest {
		o.log.Error("bot: Telegram refused an announcement's HTML; sending it plain", slog.Any("err", err))
		return o.send(l, chat, tgbotapi.NewMessage(chat, plainAnnouncement(text)))
	}
	return msg, err
}
