// Package bot is the bot's behaviour in Telegram: the Bot that answers
// readers' and admins' commands, the Broadcaster that delivers the ledger's
// plans, the pacing that keeps every message within Telegram's limits, and
// the rendering of articles into Telegram messages. It talks to Telegram
// through package telegram, keeps its subscribers and ledger in package
// state, and reads articles that package ingest stored.
//
// # Basics
//
// NewBot builds a Bot from a telegram.Client, a state.Store and an
// ingest.Library; Bot.Run publishes the command menus, resumes an
// unfinished broadcast and answers updates until its context ends, then
// lets the sends in flight finish and be recorded. Bot.Broadcaster is for
// starting a broadcast and following it from outside Telegram (Start, Wait,
// Progress, Announce); a process without a Bot uses NewBroadcaster and
// Broadcaster.RunOnce.
//
// Every article message carries an inline keyboard with a full-text
// button: a deep link that brings "/start <the article's state.ShortID>"
// into the reader's private chat, answered with the whole article, paced
// as answers (fulltext.go). With Options.Telegraph, each article also gets
// one Telegraph page (InstantViewPage), published by one background worker
// before the article's first send and edited when it changes (pages.go);
// its messages link to the page, which Telegram opens in Instant View.
// ArticleMessages renders all of an article's messages, for a preview.
//
// Every message goes through one pacer: Telegram's per-chat limits and a
// 429 pause are shared by readers' answers and the broadcast, while only
// the broadcast takes from the global RATE_LIMIT, so answers never queue
// behind it. The reader-facing strings are all in catalog.go, in
// Simplified Chinese, Traditional Chinese and English; the commands are
// one table, in commands.go.
//
// Subscribers are private chats, groups and channels. A bot admin adds a
// channel (/addchannel, channels.go) once Telegram confirms the bot may
// post there. Each subscriber chooses its outlets (/sources, sources.go)
// and reply language (/lang, lang.go) on inline keyboards; their callback
// queries wait in the chat's queue like its messages and are each
// answered (callbacks.go). Broadcasts and /latest honour the choice.
//
// # Caveats
//
// A broadcast records each send as Sending, durably, before the request
// goes out: a crash costs at most the sends in flight (Options.Senders),
// which the store turns into Unknown when it is opened again. A send whose
// outcome is unknown (telegram.ClassUnknownOutcome) is never sent again.
//
// Telegraph never holds a message back for more than Options.PageWait,
// once: while it is down, slow or flood-limited, messages go without the
// page's link and the page is tried again later. A createPage that timed
// out may have made a page all the same; the next try makes another.
//
// RATE_LIMIT counts broadcast messages only: readers' answers and the
// report's edits come on top, under the bot-wide ceiling.
//
// The data of the bot's keyboard buttons comes back from the client and
// is never trusted: a press names the chat whose choice it changes and
// the choice the keyboard showed, and is checked against who pressed
// where; one that does not fit changes nothing.
package bot
