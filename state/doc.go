// Package state keeps the bot's articles, subscribers and delivery ledger in
// one bbolt file.
//
// # Basics
//
// Open the file with Open and Close it when done; one process at a time can
// hold it. Articles are stored by ID with an ingestion sequence number (Seq)
// that the store assigns when an article is first added: UpsertArticles tells
// added, changed and unchanged articles apart and writes nothing when all are
// unchanged. The article's content is the caller's own encoding, kept as
// bytes, so the package depends on nothing else in this module.
//
// Each article may name its outlet (Article.Outlet), kept in an index
// beside it: Outlets lists the outlets with their articles counted,
// NewestFrom the newest articles of some.
//
// Subscribers are chats: private chats and groups, which subscribe by
// command (Subscribe), and channels, which a bot admin adds (AddChannel).
// Each has a status (Active or the reason it is not) and a watermark: the
// Seq up to which articles have been dealt with for it. Subscribing sets
// the watermark to the newest Seq, so a new subscriber gets no backlog.
// Each keeps its choices: the outlets it receives (ChooseOutlets; every
// outlet by default, those that appear later included) and its reply
// language (SetLang).
//
// The ledger holds one Entry per item and chat, an item being an article or
// an announcement. PlanBroadcast freezes a broadcast's selection as Pending
// entries and moves the watermarks, in one transaction. The broadcaster
// reads the entries with Pending, round by round, and records each send's
// start (Sending) and end (Sent, Failed, Unknown, or back to Pending) with
// Record, many changes per transaction; CurrentBroadcast shows the progress
// and FinishBroadcast ends it. ClaimLatest claims a /latest answer before it
// is sent, and Record records its outcome, so that no broadcast repeats it.
// Fold deletes old Sent and Skipped entries that the
// watermarks cover.
//
// Every article also has a ShortID, a short name for links (a Telegram start
// parameter), and ArticleByShortID finds it in one read of an index that
// UpsertArticles keeps and Open completes. Page and PutPage keep where an
// article was published outside Telegram (its Telegraph page: path, URL
// and the hash of what was published), TelegraphToken and
// SetTelegraphToken the account's access token.
//
// Stats gives the counts /stats shows, Channels the channels, and Backup
// writes a consistent copy of the file while the store is in use.
//
// # Caveats
//
// Delivery is at most once: Open turns entries a crash left Sending into
// Unknown, and nothing moves an entry out of Sent, Failed, Skipped or
// Unknown. A crash costs at most the sends in flight.
//
// bbolt locks the file for one process, also for reading: a second Open fails
// with ErrLocked after about a second. A long read transaction, such as a
// Backup, keeps the file from reusing pages freed meanwhile. The file never
// shrinks: pages freed by deletions, such as Fold's, are reused by later
// writes.
//
// PlanBroadcast plans subscribers in transactions of a bounded size, so its
// memory stays flat; entries an earlier broadcast left pending are gathered
// in memory, though, in the plan's first transaction. Older articles over
// the cap are recorded Skipped, one entry per chat: a long time between
// broadcasts with many articles ingested makes a large plan.
package state
