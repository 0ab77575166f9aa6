// Package tgfake is a fake Telegram Bot API for tests: an httptest server
// that speaks Telegram's HTTP API at /bot<token>/<method> (form, JSON and
// multipart bodies) and refuses what Telegram refuses, so that tests going
// through the real tgbotapi client fail where Telegram would. Its rules come
// from Telegram (the Bot API documentation, the Bot FAQ, TELEGRAM.md), not
// from the bot under test.
//
// # Basics
//
// New starts a Server for a test; point the client at Server.URL (or use
// Server.Endpoint with tgbotapi directly). It answers getMe, deleteWebhook,
// getUpdates (long polling, offsets, allowed_updates, 409 for a second
// poller or a webhook), sendMessage, sendPhoto (URL, file_id, upload),
// editMessageText, editMessageReplyMarkup, answerCallbackQuery,
// setMyCommands, getMyCommands, deleteMyCommands, getChat, getChatMember and
// getChatMemberCount. A chat_id is a numeric ID or an "@username".
//
// Readers are simulated with PostPrivate, PostGroup and PostAnonymousAdmin,
// which queue updates; SetMember makes a user an administrator;
// FollowStartLink opens a deep link (https://t.me/<bot>?start=<payload>) as
// Telegram does, queueing "/start <payload>" in the user's private chat.
// What the bot sent is in Messages and MessagesTo, with each message's
// inline keyboard as Buttons; Wait blocks until a condition on them holds.
//
// Text, captions and HTML are validated as Telegram does (ParseHTML,
// CheckText and CheckCaption are exported so that rendering tests check
// their output against the same rules), and so is a reply_markup: an
// inline keyboard is an array of arrays of at most 100 buttons in all, each
// with a text of 1–64 bytes and one of url (http, https or tg://) and
// callback_data (1–64 bytes), or another action. setMyCommands takes at
// most 100 commands named with 1–32 lowercase letters, digits and
// underscores, each described in 1–256 characters; Commands and Menus read
// the menus back per scope and language.
//
// # Rate limits
//
// The limits are sliding windows, as TELEGRAM.md counts them, not token
// buckets: no more than 30 sends by the bot in any second, 2 into one chat
// in any second, 20 into one group, supergroup or channel in any minute.
// Every send counts (sendMessage, sendPhoto and the edits);
// answerCallbackQuery and the getters do not. A send over a limit answers
// 429 "Too Many Requests: retry after N" with retry_after N, the whole
// seconds until every window admits it. A send with allow_paid_broadcast
// counts against a bot-wide window of 1000 a second instead of the 30
// (Message.Paid records it). Options changes the limits or turns them off
// (Unlimited, for benchmarks) and Options.Now freezes their clock;
// RateLimited counts the 429s and Sends tells when each send into a chat
// was accepted.
//
// # Channels, callback queries, migrations
//
// Channels are declared with AddChannel (an ID -100…, a username, a member
// count, the bot's status and can_post_messages). A send into a channel
// needs the bot to be an administrator that may post: otherwise it answers
// 403 "bot is not a member of the channel chat" or 400 "need administrator
// rights in the channel chat"; after KickBot, 403 "bot was kicked from the
// channel chat". PostChannel queues a channel_post. SetBotStatus and
// KickBot work on groups too.
//
// Press and PostCallback queue a callback_query on a message the bot sent;
// answerCallbackQuery answers each once (a second answer, or an unknown ID,
// is "query is too old…"), and Unanswered lists the queries never answered.
// An edit of a message the bot did not send is "message to edit not
// found", one that changes nothing "message is not modified".
//
// UpgradeGroup upgrades a group to a supergroup as Telegram does: members
// and administrators move over, every request naming the old ID answers 400
// "group chat was upgraded to a supergroup chat" with migrate_to_chat_id,
// and the two service messages (migrate_to_chat_id in the old chat,
// migrate_from_chat_id in the new) are queued.
//
// # Failures
//
// Failures are injected with Inject (by method, chat and count), InjectFunc
// (decided per call), Block, Migrate (the 400 answers of a migration,
// without the rest) and SetUnfetchable; the constructors Blocked, Kicked,
// ChatNotFound, TooMany, BadGateway, Timeout… build Telegram's answers.
// Options.RequestLatency and AnswerLatency make every send slow, so that a
// client stopped mid-request leaves sends in flight.
//
// Options.NotImplemented and IgnorePollTimeout make the server behave like a
// third-party Bot API emulator rather than Telegram: the methods named
// answer a bare HTTP 500 that is not JSON, and getUpdates answers at once
// whatever its timeout. Calls and EmptyPolls show a client spinning.
//
// # Caveats
//
// The HTML validator is stricter than Telegram in one way: a bare "&" or ">"
// in text is refused (Telegram keeps it), because accepting it would hide
// escaping bugs.
//
// Telegram publishes neither its exact limits nor how it counts edits: the
// fake counts an edit against its chat's windows as a message. Paid
// messages are counted, not charged.
//
// A few refusals have no description known from Telegram and are worded by
// the fake under Telegram's prefix: an empty or too long button text, a
// button with both url and callback_data, an unknown command scope type, a
// bad language code.
//
// A chat needs no declaring for a send: positive IDs are private chats, IDs
// at or below -1000000000000 supergroups, other negative IDs groups, and
// getChatMember and getChatMemberCount take such IDs too. getChat knows
// only the chats declared or seen (an update, a send); a channel must be
// declared. Injected faults match a numeric chat_id, not an @username.
// Callback queries do not expire.
//
// The package is internal to this module: the tests of bot and cmd/bot use
// it, nothing outside can.
package tgfake
