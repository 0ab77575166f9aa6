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
// Subscribers are chats. Each has a status (Active or the reason it is not)
// and a watermark: the Seq up to which articles have been dealt with for it.
// Subscribing sets the watermark to the newest Seq, so a new subscriber gets
// no backlog.
//
// Stats gives the counts /stats shows, and Backup writes a consistent copy of
// the file while the store is in use.
//
// # Caveats
//
// bbolt locks the file for one process, also for reading: a second Open fails
// with ErrLocked after about a second. A long read transaction, such as a
// Backup, keeps the file from reusing pages freed meanwhile. The file never
// shrinks: pages freed by deletions are reused by later writes.
package state
