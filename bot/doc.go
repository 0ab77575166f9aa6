// Package bot talks to Telegram: a Client over the Bot API, the polling loop
// that feeds readers' updates to a handler, the classification of
// Telegram's errors into what a sender does about them, the rendering of
// articles into Telegram messages, the Bot that answers readers' and
// admins' commands, and the Broadcaster that delivers the ledger's plans.
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
// NewBot builds a Bot from a Client, a state.Store and a Library; Bot.Run
// publishes the command menus, resumes an unfinished broadcast and answers
// updates until its context ends, then lets the sends in flight finish and
// be recorded. Bot.Broadcaster is for starting a broadcast and following
// it from outside Telegram (Start, Wait, Progress, Announce); a process
// without a Bot uses NewBroadcaster and Broadcaster.RunOnce.
//
// Every message goes through one pacer: Telegram's per-chat buckets and a
// 429 pause are shared by readers' answers and the broadcast, while only
// the broadcast takes from the global RATE_LIMIT, so answers never queue
// behind it. The reader-facing strings, in Chinese and English, are all in
// catalog.go.
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
// ClassUnknownOutcome, and the Broadcaster never sends them again.
//
// A broadcast records each send as Sending, durably, before the request
// goes out: a crash costs at most the sends in flight (Options.Senders),
// which the store turns into Unknown when it is opened again.
//
// RATE_LIMIT counts broadcast messages only: readers' answers and the
// report's edits come on top, so keep it below Telegram's 30 a second.
package bot
