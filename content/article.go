package content

import "time"

// An Article is the summary of one seed document.
type Article struct {
	// ID is stable across re-reads and renames of the file: it is derived
	// from the article's URL.
	ID string
	// Headline is the link text, entities decoded, white space collapsed.
	Headline string
	// URL is the link target.
	URL string
	// Published is the article's own time when the body's date block
	// parses, else FeedTime.
	Published time.Time
	// FeedTime is the time in the document's leading comment: when the feed
	// saw the item.
	FeedTime time.Time
	// Lead is the first paragraph of article text; empty when the article
	// has none.
	Lead string
	// Photo is the first content image, or nil.
	Photo *Photo
	// Paragraphs are the article's text paragraphs in order; Lead is the
	// first of them.
	Paragraphs []string
	// Source is the outlet's display name (美国之音, 法广, …; else the host).
	Source string
}

// A Photo is an article's first content image.
type Photo struct {
	// URL is absolute.
	URL string
	// Caption is the caption element's text without its credit, else the
	// image's alt text; it may be empty.
	Caption string
	// Fallbacks are further URLs of the same image to try when URL fails,
	// in order: the origin behind an image proxy, then the largest srcset
	// candidates.
	Fallbacks []string
}
