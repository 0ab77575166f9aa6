package content

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"time"
)

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
	// Source is the outlet's display name in simplified Chinese (美国之音,
	// 法广, …; see OutletName), else the URL's host without "www.".
	Source string
	// Outlet is the outlet's key, stable for other packages to keep: one
	// of Outlets ("voa", "rfi", …), else the URL's host without "www."
	// (the same as Source).
	Outlet string
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

// articleID derives an article's ID from its URL: the first 16 hex digits of
// the SHA-256 of the normalized URL (trimmed, scheme and host in lower case,
// no fragment). It doesn't depend on the file's name, so it is stable across
// re-reads and renames.
func articleID(u *url.URL) string {
	n := *u
	n.Scheme = strings.ToLower(n.Scheme)
	n.Host = strings.ToLower(n.Host)
	n.Fragment = ""
	n.RawFragment = ""
	sum := sha256.Sum256([]byte(n.String()))
	return hex.EncodeToString(sum[:8])
}
