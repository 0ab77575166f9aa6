package tgfake

import (
	"net/http"
	"strconv"
)

// A Fault is a failure the server answers with instead of doing what was
// asked: an error answer (Code, Description and the parameters), a non-JSON
// 502 page (HTML), or no answer at all (Hang).
type Fault struct {
	// Code is the HTTP status and error_code of an error answer.
	Code int
	// Description is the error's description ("Forbidden: bot was blocked
	// by the user").
	Description string
	// RetryAfter is parameters.retry_after, in seconds.
	RetryAfter int
	// MigrateTo is parameters.migrate_to_chat_id.
	MigrateTo int64
	// HTML answers 502 with an HTML page, as a proxy in front of the Bot API
	// does.
	HTML bool
	// Hang never answers: the request waits until the client gives up.
	Hang bool
	// Deliver, with Hang, first does what was asked (a message is recorded
	// as delivered): the client cannot tell whether it arrived.
	Deliver bool
}

// Blocked is Telegram's answer for a user who blocked the bot.
func Blocked() Fault { return forbidden("bot was blocked by the user") }

// Kicked is Telegram's answer for a group the bot was removed from.
func Kicked() Fault { return forbidden("bot was kicked from the group chat") }

// Deactivated is Telegram's answer for a deleted account.
func Deactivated() Fault { return forbidden("user is deactivated") }

// CantInitiate is Telegram's answer to a first message to a user who never
// started the bot.
func CantInitiate() Fault { return forbidden("bot can't initiate conversation with a user") }

// ChatNotFound is Telegram's answer for a chat that does not exist.
func ChatNotFound() Fault {
	return Fault{Code: http.StatusBadRequest, Description: "Bad Request: chat not found"}
}

// Migrated is Telegram's answer for a group upgraded to the supergroup to.
func Migrated(to int64) Fault {
	return Fault{Code: http.StatusBadRequest, MigrateTo: to,
		Description: "Bad Request: group chat was upgraded to a supergroup chat"}
}

// TooMany is a flood-control answer: 429 with retry_after seconds.
func TooMany(retryAfter int) Fault {
	return Fault{Code: http.StatusTooManyRequests, RetryAfter: retryAfter,
		Description: "Too Many Requests: retry after " + strconv.Itoa(retryAfter)}
}

// ServerError is a JSON 500 answer from Telegram.
func ServerError() Fault {
	return Fault{Code: http.StatusInternalServerError, Description: "Internal Server Error"}
}

// BadGateway is a non-JSON 502: an HTML page from a proxy.
func BadGateway() Fault { return Fault{HTML: true} }

// Timeout never answers; with delivered, the message is recorded first.
func Timeout(delivered bool) Fault { return Fault{Hang: true, Deliver: delivered} }

// Conflict is the answer to getUpdates while another instance polls.
func Conflict() Fault {
	return Fault{Code: http.StatusConflict,
		Description: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running"}
}

// Unauthorized is the answer to a wrong token.
func Unauthorized() Fault {
	return Fault{Code: http.StatusUnauthorized, Description: "Unauthorized"}
}

func forbidden(why string) Fault {
	return Fault{Code: http.StatusForbidden, Description: "Forbidden: " + why}
}

// A Call is one request, as an injection function sees it.
type Call struct {
	Method string
	// ChatID is the request's chat_id, 0 when it has none.
	ChatID int64
	// N counts the calls of Method, from 1.
	N int
}

// rule is an injected fault.
type rule struct {
	method string // "" for every method
	chatID int64  // 0 for every chat
	fault  Fault
	left   int // calls left; <= 0 for every call
	always bool
}

// Inject makes calls of method ("" for every method) to chatID (0 for every
// chat, and for calls without one) answer with f: the next n of them, or
// every one when n <= 0. The rule injected last is tried first.
func (s *Server) Inject(method string, chatID int64, f Fault, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = append(s.rules, &rule{method: method, chatID: chatID, fault: f, left: n, always: n <= 0})
}

// InjectFunc lets fn decide each call's fault (nil for none), e.g. to fail a
// fraction of sends; it is consulted after the rules of Inject. fn is called
// with the server's lock held: it must not call the Server.
func (s *Server) InjectFunc(fn func(Call) *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hook = fn
}

// ClearFaults removes every injected fault, and Migrate's.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules, s.hook = nil, nil
}

// Block makes every send to chatID answer 403 with f (Blocked, Kicked,
// Deactivated…).
func (s *Server) Block(chatID int64, f Fault) { s.Inject("", chatID, f, 0) }

// Migrate makes every request naming the group from answer Migrated(to),
// and to exist as a supergroup: the answers of a migration the bot missed
// the service messages of, removed by ClearFaults. UpgradeGroup is the
// whole migration.
func (s *Server) Migrate(from, to int64) {
	s.mu.Lock()
	s.chatLocked(to).typ = "supergroup"
	s.mu.Unlock()
	s.Inject("", from, Migrated(to), 0)
}

// faultFor is the fault to answer c with, or nil; s.mu must be held.
func (s *Server) faultFor(c Call) *Fault {
	for i := len(s.rules) - 1; i >= 0; i-- {
		r := s.rules[i]
		if r.method != "" && r.method != c.Method || r.chatID != 0 && r.chatID != c.ChatID {
			continue
		}
		f := r.fault
		if !r.always {
			r.left--
			if r.left <= 0 {
				s.rules = append(s.rules[:i], s.rules[i+1:]...)
			}
		}
		return &f
	}
	if s.hook != nil {
		return s.hook(c)
	}
	return nil
}
