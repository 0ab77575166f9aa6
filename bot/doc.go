// Package bot talks to Telegram: a Client over the Bot API, the polling loop
// that feeds readers' updates to a handler, the classification of
// Telegram's errors into what a sender does about them, and the rendering of
// articles into Telegram messages.
//
// # Basics
//
// New connects with a token and a Bot API base URL (Config), checks the
// token (getMe) and deletes any webhook. Client.Poll delivers updates in
// order until its context ends, then acknowledges the last one handled.
// Client.Send, Client.Request, Client.MakeRequest and Client.ChatMember take
// a context and return *Error values: their Class says what to do (see
// ClassOf) — wait RetryAfter, deactivate a Forbidden chat, move a Migrated
// group, try another photo, send the plain form, retry a Transient failure,
// and never resend an UnknownOutcome.
//
// RenderCaption and RenderText turn a content.Article into the HTML of a
// sendPhoto caption or a sendMessage text, within Telegram's limits;
// RenderPlain is the form to send without a parse mode when Telegram refuses
// the HTML, and RenderAnnouncement escapes an admin's text.
//
// # Caveats
//
// The token never appears in an error's text or in a log line written by
// this package: a *url.Error (whose URL holds the token) is rewritten before
// anything can print it, and any other error text holding it is replaced.
//
// tgbotapi v5.5.1 is frozen at Bot API 5.5: use Client.MakeRequest for newer
// parameters. Its own logging and GetUpdatesChan are not used.
//
// A send that timed out, or whose connection broke after the request was
// written, may have reached the chat; so may one that reused a kept-alive
// connection the server had just closed. All of those are
// ClassUnknownOutcome.
package bot
