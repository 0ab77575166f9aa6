package content

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Parse reads one seed document from r and summarizes it. It reads at most
// MaxSize+1 bytes.
//
// The errors it returns read "content: REASON" and wrap ErrTooLarge,
// ErrEmpty, ErrBinary, ErrNotUTF8, ErrNoTime, ErrNoHeadline, ErrEmptyHeadline
// or ErrNoRule when the document is refused, or r's error when reading
// fails. Held in a FileError, one reads "content: PATH: REASON". The HTML
// body itself never makes Parse fail: it is read leniently.
func Parse(r io.Reader) (*Article, error) {
	data, err := readDoc(r, -1)
	if err == nil {
		var a *Article
		if a, err = parseDoc(data); err == nil {
			return a, nil
		}
	}
	return nil, &parseError{err}
}

// ParseBytes is Parse of a document already in memory, as package ingest
// has it: it saves Parse's copy of the document. data is neither changed
// nor kept. Its errors are Parse's.
func ParseBytes(data []byte) (*Article, error) {
	if len(data) > MaxSize {
		return nil, &parseError{fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxSize)}
	}
	a, err := parseDoc(data)
	if err != nil {
		return nil, &parseError{err}
	}
	return a, nil
}

// ParseFile reads and summarizes the seed document at path. A file larger
// than MaxSize is refused without being read.
//
// Its errors are *FileError naming path; they wrap the errors Parse
// returns, or the os package's error when the file can't be opened or read,
// or say that path is not a regular file.
func ParseFile(path string) (*Article, error) {
	a, err := parseFile(path)
	if err != nil {
		// The path is said once, by FileError: "content: x.txt: open:
		// no such file or directory".
		if pe, ok := err.(*fs.PathError); ok {
			err = fmt.Errorf("%s: %w", pe.Op, pe.Err)
		}
		return nil, &FileError{Path: path, Err: err}
	}
	return a, nil
}

func parseFile(path string) (*Article, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("not a regular file")
	}
	if fi.Size() > MaxSize {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrTooLarge, fi.Size(), MaxSize)
	}
	data, err := readDoc(f, fi.Size())
	if err != nil {
		return nil, err
	}
	return parseDoc(data)
}

// readDoc reads at most MaxSize+1 bytes of r; size, when not negative, is
// the expected length, read into one buffer of that size.
func readDoc(r io.Reader, size int64) ([]byte, error) {
	if size < 0 {
		if l, ok := r.(interface{ Len() int }); ok {
			size = int64(l.Len())
		}
	}
	if size < 0 || size > MaxSize {
		size = 32 << 10
	}
	buf := make([]byte, 0, size+1) // +1: EOF is seen without growing
	for {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(cap(buf), MaxSize+1-len(buf)))
		}
		n, err := r.Read(buf[len(buf):min(cap(buf), MaxSize+1)])
		buf = buf[:len(buf)+n]
		if len(buf) > MaxSize {
			return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxSize)
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return nil, fmt.Errorf("read: %w", err)
		}
	}
}

// parseDoc checks that data is a text document, reads its three header
// lines and extracts the article from the HTML that follows.
func parseDoc(data []byte) (*Article, error) {
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	data = trimPartialRune(data)
	if err := checkText(data); err != nil {
		return nil, err
	}
	rest := data
	line1, rest := nextLine(rest)
	line2, rest := nextLine(rest)
	line3, body := nextLine(rest)
	if !utf8.ValidString(line1) || !utf8.ValidString(line2) || !utf8.ValidString(line3) {
		return nil, notText(data)
	}

	feed, err := feedTime(line1)
	if err != nil {
		return nil, err
	}
	headline, target, err := headlineLink(line2)
	if err != nil {
		return nil, err
	}
	if !isRule(line3) {
		return nil, ErrNoRule
	}
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || strings.Trim(u.Hostname(), ".") == "" {
		return nil, fmt.Errorf("%w: link target %q is not an http(s) URL", ErrNoHeadline, target)
	}
	a := &Article{
		ID:        articleID(u),
		Headline:  headline,
		URL:       target,
		Published: feed,
		FeedTime:  feed,
	}
	a.Outlet, a.Source = outletOf(u.Hostname())
	if !extract(a, u, outletZone(u.Hostname()), body) {
		return nil, notText(data)
	}
	return a, nil
}

// checkText refuses empty and binary data. UTF-8 is checked where it
// matters, and where the bytes are read anyway: the header lines in
// parseDoc, the article's text as extract copies it.
func checkText(data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return ErrEmpty
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return ErrBinary
	}
	return nil
}

// notText says why data, found to hold bytes that are not UTF-8, is
// refused: binary data, or text in another encoding (GBK, Big5, …).
func notText(data []byte) error {
	// Control characters other than white space are rare in text, in
	// any encoding; in quantity they mean binary data.
	head := data[:min(len(data), 4096)]
	ctrl := 0
	for _, c := range head {
		if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != '\v') || c == 0x7f {
			ctrl++
		}
	}
	if ctrl*20 > len(head) {
		return ErrBinary
	}
	return ErrNotUTF8
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of data: a
// truncated document is still read.
func trimPartialRune(data []byte) []byte {
	for i := len(data) - 1; i >= 0 && i >= len(data)-utf8.UTFMax; i-- {
		if utf8.RuneStart(data[i]) {
			if !utf8.FullRune(data[i:]) {
				return data[:i]
			}
			break
		}
	}
	return data
}

// nextLine splits off the first line of data, without its line ending.
func nextLine(data []byte) (line string, rest []byte) {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		return string(bytes.TrimSuffix(data, []byte("\r"))), nil
	}
	return string(bytes.TrimSuffix(data[:i], []byte("\r"))), data[i+1:]
}

// feedTime reads line 1: "<!--1680874744000-->", a Unix time in
// milliseconds.
func feedTime(line string) (time.Time, error) {
	s := strings.TrimSpace(line)
	inner, ok := strings.CutPrefix(s, "<!--")
	if ok {
		inner, ok = strings.CutSuffix(inner, "-->")
	}
	if !ok {
		return time.Time{}, ErrNoTime
	}
	ms, err := strconv.ParseInt(strings.TrimSpace(inner), 10, 64)
	if err != nil || ms <= 0 {
		return time.Time{}, fmt.Errorf("%w: %q is not a time in milliseconds", ErrNoTime, strings.TrimSpace(inner))
	}
	return time.UnixMilli(ms).UTC(), nil
}

// headlineLink reads line 2: "[headline](url)". The headline has its
// markdown escapes and HTML entities decoded and its white space collapsed.
func headlineLink(line string) (headline, target string, err error) {
	s := strings.TrimSpace(line)
	if !strings.HasPrefix(s, "[") || !strings.HasSuffix(s, ")") {
		return "", "", ErrNoHeadline
	}
	i := strings.LastIndex(s, "](")
	if i < 0 {
		return "", "", ErrNoHeadline
	}
	text, target := s[1:i], strings.TrimSpace(s[i+2:len(s)-1])
	// [text](<url> "title")
	if t, _, ok := strings.Cut(target, " "); ok {
		target = t
	}
	target = strings.TrimSuffix(strings.TrimPrefix(target, "<"), ">")
	if target == "" {
		return "", "", ErrNoHeadline
	}
	headline = clean(html.UnescapeString(unescapeMarkdown(text)))
	if !hasLetter(headline) {
		return "", "", ErrEmptyHeadline
	}
	return headline, target, nil
}

// unescapeMarkdown drops the backslash of markdown escapes ("\[", "\*").
func unescapeMarkdown(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_{}[]()#+-.!<>|~\"'", s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// isRule reports line 3: three or more dashes (or "=" signs) and nothing
// else.
func isRule(line string) bool {
	s := strings.TrimSpace(line)
	return len(s) >= 3 && (strings.Trim(s, "-") == "" || strings.Trim(s, "=") == "")
}
