// Package content reads seed documents — archived RSS items, one news article
// per file — and summarizes each into an Article: a headline, a lead
// paragraph, a photo and the article's text.
//
// # Basics
//
// A seed document starts with three lines: an HTML comment holding the Unix
// time in milliseconds at which the feed saw the item, a markdown link whose
// text is the headline and whose target is the article's URL, and a line of
// dashes. The outlet's HTML follows. Parse reads one document; LoadDir reads a
// folder and reports, per file, the documents it had to refuse.
//
// # Caveats
//
// The HTML is parsed leniently, as a browser would: a truncated body is still
// read. The package imports nothing else from this module.
package content
