// Package ingest keeps the store's articles in step with the seeds folder:
// a Library scans the folder's tree, parses new and changed seed documents
// with package content, and upserts their articles into a state.Store, in
// the encoding that EncodeArticle writes and DecodeArticle reads. It knows
// nothing of Telegram.
//
// # Basics
//
// NewLibrary binds a folder to a store; Library.Scan brings the store up to
// date and says what it found (ScanResult). The folder may be a clone of the
// whole archive (articles/<outlet>/<id>.md beside a README, .git and
// .github): it is read recursively, hidden files and folders left out, and
// links followed only when they resolve inside it. File names and folders
// mean nothing: an article's ID comes from its URL. Two files of one URL
// are one article: the one with the newer feed time wins.
//
// With MaxAge, a file whose feed time (line 1, read with a short read, see
// content.FeedTime) is older than the horizon is neither parsed nor stored,
// and is not read again until it changes: a million old files cost a
// million stats. A file that is not a seed document is reported once, and
// counted by reason at every scan; the rest of the tree is still read.
//
// Library.Watch returns a Watcher, whose Run scans the folders where files
// change within about a second, from file-system events; one scan takes in
// a burst of changes such as a git pull. Library.Progress says how far a
// running scan got, for a first scan of a large tree that runs while the
// bot answers.
//
// # Caveats
//
// A removed file never deletes an article: what was delivered stays on
// record. Scans run one at a time. File-system events can be missed (a full
// queue, a network file system): a periodic Scan is the safety net. The
// Library keeps a few dozen bytes per file in memory, with its name.
package ingest
