// Package bot talks to Telegram: a Client over the Bot API, the polling loop
// that feeds readers' updates to a handler, the classification of Telegram's
// errors into what a sender does about them, and the rendering of articles
// into Telegram messages.
//
// # Basics
//
// New connects with a token and a Bot API base URL, checks the token
// (getMe) and removes any webhook. Client.Poll delivers updates in order
// until its context ends, then acknowledges the last one. Client.Send,
// Client.Request and Client.MakeRequest take a context and return errors
// that carry a Class (see Classify): a 429's retry_after, a blocked chat, a
// migrated group, a photo Telegram could not fetch, a send whose outcome is
// unknown.
//
// RenderCaption and RenderText turn a content.Article into the HTML of a
// sendPhoto caption or a sendMessage text; RenderPlain is the form to send
// when Telegram refuses the HTML.
//
// # Caveats
//
// The token never appears in an error's text or a log line written by this
// package: errors from the HTTP layer (*url.Error, whose URL holds the token)
// are rewritten before they are returned.
//
// A send that timed out or whose connection broke after the request was
// written may have reached the chat; its error has ClassUnknownOutcome and
// must not be retried.
package bot
