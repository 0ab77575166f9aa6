// Package telegram is the bot's Telegram wire: a Client over the Bot API
// (through tgbotapi v5.5.1, with an HTTP client of our own), the long-poll
// loop that feeds updates to a handler, and the classification of
// Telegram's answers into what a sender does about them. It knows nothing
// of articles, subscribers or broadcasts.
//
// # Basics
//
// New connects with a token and a Bot API base URL (Config), checks the
// token (getMe) and deletes any webhook. Client.Poll delivers updates in
// order until its context ends, then acknowledges the last one handled.
// Client.Send, Client.Request, Client.ChatMember, Client.Chat and
// Client.MemberCount take a context and return *Error values: their Class
// says what to do (see ClassOf) — wait RetryAfter, deactivate a Forbidden
// chat, move a Migrated group, try another photo, send the plain form,
// retry a Transient failure, and never resend an UnknownOutcome.
//
// # Caveats
//
// The token never appears in an error's text or in a log line written by
// this package: a *url.Error (whose URL holds the token) is rewritten before
// anything can print it, and any other error text holding it is replaced.
//
// tgbotapi v5.5.1 is frozen at Bot API 5.5; its own logging and
// GetUpdatesChan are not used.
//
// A send that timed out, or whose connection broke after the request was
// written, may have reached the chat; so may one that reused a kept-alive
// connection the server had just closed. All of those are
// ClassUnknownOutcome: a caller that must deliver at most once never sends
// them again.
package telegram
