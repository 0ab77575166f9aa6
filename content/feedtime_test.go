package content

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestFeedTime(t *testing.T) {
	long := strings.Repeat("x", HeadSize)
	tests := []struct {
		name string
		doc  string
		want time.Time
		err  error
	}{
		{"seed document", seedDoc("1680874744000", "https://example.com/a", "A"), time.UnixMilli(1680874744000).UTC(), nil},
		{"CRLF, BOM and spaces", "\ufeff <!-- 1680874744000 --> \r\n[A](https://example.com/a)\r\n", time.UnixMilli(1680874744000).UTC(), nil},
		{"line 1 only", "<!--1680874744000-->", time.UnixMilli(1680874744000).UTC(), nil},
		{"README", "# The archive\n\nArticles by outlet.\n", time.Time{}, ErrNoTime},
		{"no number", "<!--soon-->\n", time.Time{}, ErrNoTime},
		{"line 1 longer than the head", "<!--1680874744000" + long + "-->\n", time.Time{}, ErrNoTime},
		{"empty", " \n\t\n", time.Time{}, ErrEmpty},
		{"long and blank", strings.Repeat(" ", 2*HeadSize), time.Time{}, ErrNoTime},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", time.Time{}, ErrBinary},
		{"GBK", "\xc4\xe3\xba\xc3\xa3\xac\xca\xc0\xbd\xe7\n", time.Time{}, ErrNotUTF8},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FeedTime(head([]byte(tt.doc)))
			if !errors.Is(err, tt.err) || !got.Equal(tt.want) {
				t.Errorf("got %v, %v; want %v, %v", got, err, tt.want, tt.err)
			}
		})
	}
}

// head is what a caller of FeedTime reads of doc.
func head(doc []byte) []byte { return doc[:min(len(doc), HeadSize)] }

// TestFeedTimeAgreesWithParse checks FeedTime against Parse on the
// repository's seeds and, when CORPUS_DIR is set, the corpus.
func TestFeedTimeAgreesWithParse(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(seedsDir, "*"))
	if dir := os.Getenv("CORPUS_DIR"); dir != "" {
		more, _ := filepath.Glob(filepath.Join(dir, "*.md"))
		files = append(files, more...)
	}
	if len(files) == 0 {
		t.Fatal("no seed files")
	}
	for _, f := range files {
		doc, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		checkFeedTime(t, doc)
	}
}

func FuzzFeedTime(f *testing.F) {
	f.Add([]byte(seedDoc("1680874744000", "https://example.com/a", "A")))
	f.Add([]byte("\ufeff<!--1-->\r\n[A](http://a.b)\r\n---\r\n<p>x</p>"))
	f.Add([]byte("<!--1680874744000-->"))
	f.Fuzz(func(t *testing.T, doc []byte) {
		checkFeedTime(t, doc)
	})
}

// checkFeedTime checks that FeedTime finds Parse's feed time in every
// document that Parse accepts, and never panics on the others.
func checkFeedTime(t *testing.T, doc []byte) {
	t.Helper()
	got, err := FeedTime(head(doc))
	a, perr := Parse(bytes.NewReader(doc))
	if perr != nil {
		return
	}
	if err != nil || !got.Equal(a.FeedTime) {
		t.Errorf("FeedTime: got %v, %v; want Parse's %v", got, err, a.FeedTime)
	}
}

// seedDoc returns a small seed document.
func seedDoc(feedMS, url, headline string) string {
	return "<!--" + feedMS + "-->\n[" + headline + "](" + url + ")\n------\n\n<p>" + headline + "的正文。</p>\n"
}
