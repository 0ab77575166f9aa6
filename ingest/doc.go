// Package ingest keeps the store's articles in step with the seeds folder:
// a Library scans the folder, parses new and changed seed documents with
// package content, and upserts their articles into a state.Store, in the
// encoding that EncodeArticle writes and DecodeArticle reads. It knows
// nothing of Telegram.
//
// # Basics
//
// NewLibrary binds a folder to a store; Library.Scan brings the store up to
// date and says what it found (ScanResult). Two files of one URL are one
// article: the one with the newer feed time wins. A file that is not a seed
// document is reported, and the rest of the folder is still read.
//
// # Caveats
//
// A removed file never deletes an article: what was delivered stays on
// record. Scans run one at a time.
package ingest
