package content

import (
	"bytes"
	"time"
	"unicode/utf8"
)

// HeadSize is how much of a document FeedTime needs: its first HeadSize
// bytes, or the whole document when it is shorter. Line 1 of a seed
// document ("<!--1680874744000-->") is far shorter.
const HeadSize = 256

// FeedTime reads the feed time on line 1 of a seed document from head, the
// document's first HeadSize bytes (all of it when it is shorter), without
// reading the rest: it lets a caller skip old documents for the cost of a
// short read. For a document that Parse accepts it returns Parse's
// Article.FeedTime.
//
// Its errors wrap ErrEmpty (head is shorter than HeadSize and blank),
// ErrBinary, ErrNotUTF8 or ErrNoTime. A nil error does not make the
// document a seed document: only Parse says that.
func FeedTime(head []byte) (time.Time, error) {
	whole := len(head) < HeadSize
	head = bytes.TrimPrefix(head, []byte("\ufeff"))
	if whole && len(bytes.TrimSpace(head)) == 0 {
		return time.Time{}, ErrEmpty
	}
	if bytes.IndexByte(head, 0) >= 0 {
		return time.Time{}, ErrBinary
	}
	i := bytes.IndexByte(head, '\n')
	if i < 0 && !whole {
		// Line 1 goes on past the head: not a time comment.
		return time.Time{}, ErrNoTime
	}
	line := head
	if i >= 0 {
		line = head[:i]
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	if !utf8.Valid(line) {
		return time.Time{}, notText(head)
	}
	return feedTime(string(line))
}
