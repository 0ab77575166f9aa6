package content

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the parser's output")

// golden is what a testdata/*.golden file holds: the article's fields, or
// the error that refused the document.
type golden struct {
	Error      string       `json:"error,omitempty"`
	ID         string       `json:"id,omitempty"`
	Headline   string       `json:"headline,omitempty"`
	URL        string       `json:"url,omitempty"`
	Published  string       `json:"published,omitempty"`
	FeedTime   string       `json:"feed_time,omitempty"`
	Source     string       `json:"source,omitempty"`
	Outlet     string       `json:"outlet,omitempty"`
	Lead       string       `json:"lead,omitempty"`
	Photo      *goldenPhoto `json:"photo,omitempty"`
	Paragraphs []string     `json:"paragraphs,omitempty"`
}

type goldenPhoto struct {
	URL       string   `json:"url"`
	Caption   string   `json:"caption"`
	Fallbacks []string `json:"fallbacks,omitempty"`
}

func toGolden(a *Article, err error) golden {
	if err != nil {
		return golden{Error: err.Error()}
	}
	g := golden{
		ID:         a.ID,
		Headline:   a.Headline,
		URL:        a.URL,
		Published:  a.Published.Format(time.RFC3339),
		FeedTime:   a.FeedTime.Format(time.RFC3339),
		Source:     a.Source,
		Outlet:     a.Outlet,
		Lead:       a.Lead,
		Paragraphs: a.Paragraphs,
	}
	if a.Photo != nil {
		g.Photo = &goldenPhoto{URL: a.Photo.URL, Caption: a.Photo.Caption, Fallbacks: a.Photo.Fallbacks}
	}
	return g
}

// TestGolden parses every testdata/*.txt and compares the result with the
// .golden file beside it, checked by hand.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no testdata/*.txt")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			a, err := ParseFile(file)
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(toGolden(a, err)); err != nil {
				t.Fatal(err)
			}
			got := buf.Bytes()
			gf := strings.TrimSuffix(file, ".txt") + ".golden"
			if *update {
				if err := os.WriteFile(gf, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(gf)
			if err != nil {
				t.Fatalf("%v (run go test -run Golden -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s: got\n%s\nwant\n%s", file, got, want)
			}
		})
	}
}

// TestParseFileRefuses checks the reason and the file name of each refusal.
func TestParseFileRefuses(t *testing.T) {
	tests := []struct {
		file string
		want error
	}{
		{"bad_empty.txt", ErrEmpty},
		{"bad_binary.txt", ErrBinary},
		{"bad_gbk.txt", ErrNotUTF8},
		{"bad_gbk_body.txt", ErrNotUTF8},
		{"bad_no_time.txt", ErrNoTime},
		{"bad_no_link.txt", ErrNoHeadline},
		{"bad_relative_link.txt", ErrNoHeadline},
		{"bad_empty_headline.txt", ErrEmptyHeadline},
		{"bad_no_rule.txt", ErrNoRule},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			path := filepath.Join("testdata", tt.file)
			a, err := ParseFile(path)
			if a != nil {
				t.Errorf("got article %q, want none", a.Headline)
			}
			if !errors.Is(err, tt.want) {
				t.Fatalf("got error %v, want %v", err, tt.want)
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.Path != path {
				t.Fatalf("got error %#v, want a *FileError for %s", err, path)
			}
			if want := "content: " + path + ": "; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("got message %q, want it to start with %q", err, want)
			}
		})
	}
}

// TestParseRefusesHosts checks link targets without a usable host.
func TestParseRefusesHosts(t *testing.T) {
	for _, target := range []string{"http://.", "http://..", "https://", "http://:80/a", "ftp://example.org/a"} {
		_, err := Parse(strings.NewReader("<!--1-->\n[标题](" + target + ")\n---\n"))
		if !errors.Is(err, ErrNoHeadline) {
			t.Errorf("%s: got %v, want %v", target, err, ErrNoHeadline)
		}
	}
}

// TestParseErrorPrefix checks that Parse's errors name the package once.
func TestParseErrorPrefix(t *testing.T) {
	_, err := Parse(strings.NewReader("<!--1-->\nno link\n---\n"))
	if got, want := err.Error(), "content: no headline link on line 2"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestFileErrorOfParse checks that a FileError holding an error of Parse,
// as a caller that reads the file itself builds it, names the package once.
func TestFileErrorOfParse(t *testing.T) {
	_, err := Parse(strings.NewReader("no comment\n[标题](https://example.org/a)\n---\n"))
	fe := &FileError{Path: "seeds/a.txt", Err: err}
	if got, want := fe.Error(), "content: seeds/a.txt: no feed time comment on line 1"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if !errors.Is(fe, ErrNoTime) {
		t.Errorf("got %v, want it to wrap %v", fe, ErrNoTime)
	}
}

// fiveMB returns a seed document of 5 MB: a valid header and a long body.
func fiveMB() []byte {
	head := "<!--1700000000000-->\n[很长的文件](https://www.voachinese.com/a/big/1.html)\n------\n\n"
	return append([]byte(head), bytes.Repeat([]byte("<p>一段重复的文字。</p>\n"), 5<<20/30)...)
}

func TestTooLarge(t *testing.T) {
	doc := fiveMB()
	if len(doc) < 5<<20 {
		t.Fatalf("got a %d-byte document, want 5 MB", len(doc))
	}
	t.Run("ParseFile", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "big.txt")
		if err := os.WriteFile(path, doc, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := ParseFile(path)
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("got %v, want %v", err, ErrTooLarge)
		}
		var fe *FileError
		if !errors.As(err, &fe) || fe.Path != path {
			t.Errorf("got %v, want a *FileError for %s", err, path)
		}
	})
	t.Run("Parse", func(t *testing.T) {
		r := &countingReader{r: bytes.NewReader(doc)}
		_, err := Parse(onlyReader{r})
		if !errors.Is(err, ErrTooLarge) {
			t.Fatalf("got %v, want %v", err, ErrTooLarge)
		}
		if r.n > MaxSize+1 {
			t.Errorf("got %d bytes read, want at most %d", r.n, MaxSize+1)
		}
	})
	t.Run("exactly MaxSize", func(t *testing.T) {
		a, err := Parse(bytes.NewReader(doc[:MaxSize]))
		if err != nil {
			t.Fatalf("got %v, want a document of MaxSize bytes accepted", err)
		}
		if a.Lead != "一段重复的文字。" {
			t.Errorf("got lead %q, want %q", a.Lead, "一段重复的文字。")
		}
	})
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// onlyReader hides every method but Read.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestParseReadError(t *testing.T) {
	_, err := Parse(failingReader{})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") || !strings.HasPrefix(err.Error(), "content: ") {
		t.Errorf("got %v, want the reader's error, prefixed", err)
	}
}

func TestParseFileMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.txt")
	_, err := ParseFile(path)
	var fe *FileError
	if !errors.As(err, &fe) || fe.Path != path || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want a *FileError wrapping os.ErrNotExist", err)
	}
}
