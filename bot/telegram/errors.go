package telegram

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Sentinel errors. Errors of a Client also match them with errors.Is:
// an *Error of ClassUnauthorized is ErrUnauthorized, one of ClassConflict is
// ErrConflict.
var (
	// ErrNoToken is returned by New when Config.Token is empty.
	ErrNoToken = errors.New("telegram: no Telegram bot token (set TELEGRAM_BOT_TOKEN to the token @BotFather gave)")
	// ErrUnauthorized means Telegram refused the token (401).
	ErrUnauthorized = errors.New("telegram: Telegram refused the token (401 Unauthorized): check TELEGRAM_BOT_TOKEN")
	// ErrConflict means another process polls updates with the same token
	// (409).
	ErrConflict = errors.New("telegram: another instance is polling Telegram with this token (409 Conflict)")
)

// A Class says what a sender does about a failed call.
type Class int

// The classes of Telegram's answers and of transport failures: each says
// what a sender does next.
const (
	// ClassNone is the class of a nil error.
	ClassNone Class = iota
	// ClassRetryAfter is flood control (429): stop all sending for
	// Error.RetryAfter, then send the same message again.
	ClassRetryAfter
	// ClassForbidden (403, and the 400 saying the bot lacks the rights to
	// post there) is permanent for the chat: deactivate it, for
	// Error.Reason.
	ClassForbidden
	// ClassChatNotFound (400) is permanent: deactivate the chat.
	ClassChatNotFound
	// ClassMigrated (400): the group moved to the supergroup Error.MigrateTo;
	// resend there.
	ClassMigrated
	// ClassBadPhoto (400): Telegram could not fetch or use the photo; try the
	// next candidate, an upload, or the text form.
	ClassBadPhoto
	// ClassBadRequest (400 and other 4xx) is our bug: unparsable entities, a
	// message too long; log it, send the plain form.
	ClassBadRequest
	// ClassTransient was not delivered: a 5xx, a refused connection, a DNS
	// failure, a request never written. Retry with back-off.
	ClassTransient
	// ClassUnknownOutcome may have been delivered: a timeout or a broken
	// connection after the request was written, or an answer that could not
	// be read. Never resend.
	ClassUnknownOutcome
	// ClassUnauthorized (401): the token is wrong. Stop.
	ClassUnauthorized
	// ClassConflict (409): another instance polls, or a webhook is set.
	ClassConflict
)

// String names the class for log lines: "retry after", "outcome unknown"…
func (c Class) String() string {
	switch c {
	case ClassNone:
		return "none"
	case ClassRetryAfter:
		return "retry after"
	case ClassForbidden:
		return "forbidden"
	case ClassChatNotFound:
		return "chat not found"
	case ClassMigrated:
		return "migrated"
	case ClassBadPhoto:
		return "bad photo"
	case ClassBadRequest:
		return "bad request"
	case ClassTransient:
		return "not delivered"
	case ClassUnknownOutcome:
		return "outcome unknown"
	case ClassUnauthorized:
		return "unauthorized"
	case ClassConflict:
		return "conflict"
	}
	return fmt.Sprintf("Class(%d)", int(c))
}

// Reasons of a ClassForbidden or ClassConflict error.
const (
	ReasonBlocked      = "blocked"       // the user blocked the bot
	ReasonKicked       = "kicked"        // the bot was removed from the group or channel, or is not in it
	ReasonDeactivated  = "deactivated"   // the user's account was deleted
	ReasonCantInitiate = "cant_initiate" // the user never started the bot
	ReasonNoRights     = "no_rights"     // 400: the bot may not post there (a channel's member, not its posting admin)
	ReasonForbidden    = "forbidden"     // any other 403
	ReasonWebhook      = "webhook"       // 409: a webhook is set
	ReasonOtherPoller  = "other_poller"  // 409: another getUpdates
)

// An Error is a failed Bot API call, classified. Its text never holds the
// token.
type Error struct {
	// Method is the Bot API method ("sendMessage").
	Method string
	Class  Class
	// Code is the HTTP status or Telegram's error_code; 0 when no answer
	// came.
	Code int
	// Description is Telegram's description, when it answered with one.
	Description string
	// RetryAfter is how long to stop sending, for ClassRetryAfter.
	RetryAfter time.Duration
	// MigrateTo is the supergroup's ID, for ClassMigrated.
	MigrateTo int64
	// Reason details ClassForbidden and ClassConflict (ReasonBlocked…).
	Reason string
	// Err is the underlying error, with the token removed.
	Err error

	body string // the start of the answer, when it said nothing more
}

// Error is Telegram's description, or the transport failure, after the
// package and method names.
func (e *Error) Error() string {
	var hint string
	switch {
	case e.Class == ClassUnauthorized:
		hint = " (Telegram refused the bot token: check TELEGRAM_BOT_TOKEN)"
	case e.Class == ClassConflict && e.Reason == ReasonOtherPoller:
		hint = " (another process is polling with this token: stop it first)"
	}
	if e.Description != "" {
		return fmt.Sprintf("telegram: %s: %s%s", e.Method, e.Description, hint)
	}
	var what string
	switch {
	case e.Err != nil && e.Err.Error() != "":
		what = e.Err.Error()
	case e.Code != 0:
		what = fmt.Sprintf("HTTP %d %s: %s", e.Code, http.StatusText(e.Code), quoteBody(e.body))
	default:
		what = "no answer"
	}
	return fmt.Sprintf("telegram: %s: %s: %s%s", e.Method, e.Class, what, hint)
}

// Unwrap returns the underlying error, which holds no token.
func (e *Error) Unwrap() error { return e.Err }

// Is matches ErrUnauthorized and ErrConflict by class.
func (e *Error) Is(target error) bool {
	return target == ErrUnauthorized && e.Class == ClassUnauthorized ||
		target == ErrConflict && e.Class == ClassConflict
}

// ClassOf is the class of an error returned by a Client: ClassNone for nil.
// An error that does not come from a Client is ClassUnknownOutcome, the
// class that is never resent.
func ClassOf(err error) Class {
	if err == nil {
		return ClassNone
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Class
	}
	return ClassUnknownOutcome
}

// statusError is an HTTP answer that is not the Bot API's JSON: a proxy's
// error page, or a server that is not a Bot API server.
type statusError struct {
	code        int
	contentType string
	body        string // the start of the body, as printable text
}

func (e *statusError) Error() string {
	ct := e.contentType
	if ct == "" {
		ct = "no content type"
	}
	return fmt.Sprintf("HTTP %d %s (%s, not a Bot API answer): %s", e.code, http.StatusText(e.code), ct, quoteBody(e.body))
}

// snippet is the start of an answer's body as one line of printable text,
// cut at a sensible length.
func snippet(b []byte) string {
	const keep = 200
	s := strings.ToValidUTF8(string(b), "�")
	s = strings.Join(strings.Fields(strings.Map(func(r rune) rune {
		if r < ' ' || r == 0x7f {
			return ' '
		}
		return r
	}, s)), " ")
	if r := []rune(s); len(r) > keep {
		s = string(r[:keep]) + "…"
	}
	return s
}

func quoteBody(s string) string {
	if s == "" {
		return "empty body"
	}
	return strconv.Quote(s)
}

// classify turns the error of one tgbotapi call into an *Error; st is what
// the HTTP layer saw of that call. err must be redacted already.
func classify(method string, err error, st *call) *Error {
	e := &Error{Method: method, Err: err, Code: st.status}
	var (
		te *tgbotapi.Error
		se *statusError
	)
	switch {
	case errors.As(err, &te):
		if te.Code != 0 { // uploads leave it 0: keep the HTTP status
			e.Code = te.Code
		}
		e.Description = te.Message
		if te.Message == "" {
			e.body = st.redact.String(snippet(st.head))
		}
		e.MigrateTo = te.MigrateToChatID
		e.RetryAfter = time.Duration(te.RetryAfter) * time.Second
		e.Class, e.Reason = classifyAnswer(e.Code, te.Message, te.ResponseParameters)
	case errors.As(err, &se):
		e.Code = se.code
		e.Class = classifyStatus(se.code)
	case !st.called:
		e.Class = ClassBadRequest // the request could not be built: nothing was sent
	case st.status == 0:
		// No answer. Before the request was written nothing can have
		// arrived; after, it may have.
		if st.wrote.Load() {
			e.Class = ClassUnknownOutcome
		} else {
			e.Class = ClassTransient
		}
	default:
		// An answer came but could not be read or decoded.
		e.Class = classifyStatus(st.status)
		e.Err = fmt.Errorf("HTTP %d %s, unreadable as a Bot API answer (%w): %s", st.status,
			http.StatusText(st.status), err, quoteBody(st.redact.String(snippet(st.head))))
	}
	if e.Class == ClassRetryAfter && e.RetryAfter <= 0 {
		e.RetryAfter = time.Second
	}
	return e
}

// classifyStatus classifies an HTTP status without a usable body.
func classifyStatus(code int) Class {
	switch {
	case code >= 200 && code < 300:
		return ClassUnknownOutcome // it went through, but we can't tell what happened
	case code == http.StatusTooManyRequests:
		return ClassRetryAfter
	case code == http.StatusUnauthorized:
		return ClassUnauthorized
	case code == http.StatusConflict:
		return ClassConflict
	case code >= 500:
		return ClassTransient
	}
	return ClassBadRequest
}

// classifyAnswer classifies Telegram's error answer.
func classifyAnswer(code int, desc string, p tgbotapi.ResponseParameters) (Class, string) {
	d := strings.ToLower(desc)
	switch {
	case p.MigrateToChatID != 0:
		return ClassMigrated, ""
	case code == http.StatusTooManyRequests || p.RetryAfter > 0:
		return ClassRetryAfter, ""
	case code == http.StatusUnauthorized:
		return ClassUnauthorized, ""
	case code == http.StatusConflict:
		if strings.Contains(d, "webhook") {
			return ClassConflict, ReasonWebhook
		}
		return ClassConflict, ReasonOtherPoller
	case code == http.StatusForbidden:
		switch {
		case strings.Contains(d, "blocked"):
			return ClassForbidden, ReasonBlocked
		case strings.Contains(d, "kicked"), strings.Contains(d, "not a member"):
			return ClassForbidden, ReasonKicked
		case strings.Contains(d, "deactivated"):
			return ClassForbidden, ReasonDeactivated
		case strings.Contains(d, "can't initiate"):
			return ClassForbidden, ReasonCantInitiate
		}
		return ClassForbidden, ReasonForbidden
	case code >= 500:
		return ClassTransient, ""
	case strings.Contains(d, "need administrator rights"),
		strings.Contains(d, "not enough rights to send"),
		strings.Contains(d, "have no rights to send"):
		// A channel where the bot is no admin that may post; a group
		// where it may not write.
		return ClassForbidden, ReasonNoRights
	case strings.Contains(d, "chat not found"):
		return ClassChatNotFound, ""
	case strings.Contains(d, "wrong file identifier"),
		strings.Contains(d, "failed to get http url content"),
		strings.Contains(d, "wrong type of the web page content"),
		strings.Contains(d, "wrong remote file identifier"),
		strings.Contains(d, "image_process_failed"),
		strings.Contains(d, "photo_invalid_dimensions"),
		strings.Contains(d, "photo_save_file_invalid"):
		return ClassBadPhoto, ""
	}
	return ClassBadRequest, ""
}

// redactor removes a token from texts and errors.
type redactor struct{ token string }

// String is s with the token replaced.
func (r redactor) String(s string) string {
	if r.token == "" {
		return s
	}
	s = strings.ReplaceAll(s, r.token, "<token>")
	if esc := url.PathEscape(r.token); esc != r.token {
		s = strings.ReplaceAll(s, esc, "<token>")
	}
	if esc := url.QueryEscape(r.token); esc != r.token {
		s = strings.ReplaceAll(s, esc, "<token>")
	}
	return s
}

// Error is err without the token: a *url.Error gets a redacted URL (its
// inner error is kept for errors.Is and errors.As); any other error whose
// text holds the token is replaced by its redacted text.
func (r redactor) Error(err error) error {
	if err == nil || r.token == "" {
		return err
	}
	if ue, ok := err.(*url.Error); ok {
		inner := ue.Err
		if inner != nil && r.String(inner.Error()) != inner.Error() {
			inner = errors.New(r.String(inner.Error()))
		}
		return &url.Error{Op: ue.Op, URL: r.String(ue.URL), Err: inner}
	}
	if msg := err.Error(); r.String(msg) != msg {
		return errors.New(r.String(msg))
	}
	return err
}
