package content

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A textBuf accumulates text with white space collapsed: runs of Unicode
// white space (including U+00A0 and U+3000) become one ASCII space, leading
// and trailing space is dropped, zero-width characters are removed.
type textBuf struct {
	b       []byte
	pending bool // a space is due before the next non-space rune
	runes   int  // non-space runes written
	bad     bool // bytes that are not UTF-8 were met (and dropped); reset keeps it
}

func (t *textBuf) reset() {
	t.b = t.b[:0]
	t.pending = false
	t.runes = 0
}

// space records a break between words.
func (t *textBuf) space() { t.pending = len(t.b) > 0 }

// write appends s and returns the number of non-space runes written.
func (t *textBuf) write(s string) int {
	b, pending, n := t.b, t.pending, 0
	for i := 0; i < len(s); {
		// A run of plain characters, copied at once: valid UTF-8 that
		// is neither white space nor invisible (see plainAt).
		j, runes := i, 0
		for j < len(s) {
			// The commonest cases inline: ASCII; CJK ideographs and
			// punctuation, full-width forms (U+3001–U+FFFF but the
			// surrogates' block and U+FEFF); Latin letters.
			c := s[j]
			if ' ' < c && c < 0x7f {
				j++
				runes++
				continue
			}
			if 0xe3 <= c && c <= 0xef && c != 0xed && j+2 < len(s) && s[j+1]&0xc0 == 0x80 && s[j+2]&0xc0 == 0x80 {
				if c == 0xe3 && s[j+1] == 0x80 && s[j+2] == 0x80 || c == 0xef && s[j+1] == 0xbb && s[j+2] == 0xbf {
					break // U+3000, U+FEFF
				}
				j += 3
				runes++
				continue
			}
			if 0xc3 <= c && c <= 0xdf && j+1 < len(s) && s[j+1]&0xc0 == 0x80 {
				j += 2
				runes++
				continue
			}
			size := plainAt(s, j)
			if size == 0 {
				break
			}
			j += size
			runes++
		}
		if j > i {
			if pending {
				b = append(b, ' ')
				pending = false
			}
			b = append(b, s[i:j]...)
			n += runes
			i = j
			continue
		}
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
				pending = len(b) > 0
				continue
			case c < 0x20 || c == 0x7f:
				continue
			}
			if pending {
				b = append(b, ' ')
				pending = false
			}
			b = append(b, c)
			n++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		// Scripts above U+3000 hold no white space nor invisible
		// characters, but U+FEFF.
		if r <= 0x3000 || r >= 0xfe00 {
			switch {
			case r == utf8.RuneError && size == 1:
				t.bad = true
				i++
				continue
			case unicode.IsSpace(r):
				pending = len(b) > 0
				i += size
				continue
			case isInvisible(r):
				i += size
				continue
			}
		}
		if pending {
			b = append(b, ' ')
			pending = false
		}
		b = append(b, s[i:i+size]...)
		i += size
		n++
	}
	t.b, t.pending = b, pending
	t.runes += n
	return n
}

// plainAt returns the length of the character at s[i] when it is a plain
// one, 0 otherwise. Plain: printable ASCII but the space; valid two-byte
// characters but U+0085, U+00A0 and U+00AD; valid three-byte characters of
// U+2010–U+2027 (dashes, quotes, ellipsis) and U+2080–U+FFFF but the
// surrogates' block, U+3000 and U+FEFF. Other characters take the slow
// path, which knows white space, invisible characters and invalid bytes.
func plainAt(s string, i int) int {
	c := s[i]
	switch {
	case ' ' < c && c < 0x7f:
		return 1
	case c < 0xc2 || c > 0xef:
		return 0
	case c <= 0xdf:
		if i+1 >= len(s) || s[i+1]&0xc0 != 0x80 {
			return 0
		}
		if c == 0xc2 && (s[i+1] == 0x85 || s[i+1] == 0xa0 || s[i+1] == 0xad) {
			return 0
		}
		return 2
	}
	if i+2 >= len(s) || s[i+1]&0xc0 != 0x80 || s[i+2]&0xc0 != 0x80 {
		return 0
	}
	c1, c2 := s[i+1], s[i+2]
	switch c {
	case 0xe0, 0xe1, 0xed:
		return 0
	case 0xe2:
		if c1 == 0x80 && 0x90 <= c2 && c2 <= 0xa7 || c1 >= 0x82 {
			return 3
		}
		return 0
	case 0xe3:
		if c1 == 0x80 && c2 == 0x80 {
			return 0 // U+3000
		}
	case 0xef:
		if c1 == 0xbb && c2 == 0xbf {
			return 0 // U+FEFF
		}
	}
	return 3
}

func (t *textBuf) String() string { return string(t.b) }

// isInvisible reports zero-width and formatting characters that carry no
// text: zero-width space and joiners, word joiner, byte order mark, soft
// hyphen.
func isInvisible(r rune) bool {
	switch r {
	case '\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad':
		return true
	}
	return false
}

// clean collapses the white space of s (already entity-decoded).
func clean(s string) string {
	var t textBuf
	t.write(s)
	return t.String()
}

// textOf returns the cleaned text of n's subtree; <br> counts as a space and
// subtrees for which skip returns true are left out. It stops once the text
// is longer than limit bytes when limit > 0, returning "" and false.
func textOf(n *html.Node, skip func(*html.Node) bool, limit int) (string, bool) {
	var t textBuf
	if !appendText(&t, n, skip, limit) {
		return "", false
	}
	return t.String(), true
}

func appendText(t *textBuf, n *html.Node, skip func(*html.Node) bool, limit int) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			t.write(c.Data)
			if limit > 0 && len(t.b) > limit {
				return false
			}
		case html.ElementNode:
			if skip != nil && skip(c) {
				continue
			}
			switch c.DataAtom {
			case atom.Br:
				t.space()
				continue
			case atom.Script, atom.Style, atom.Template:
				continue
			}
			if !inline(c) {
				t.space()
			}
			if !appendText(t, c, skip, limit) {
				return false
			}
			if !inline(c) {
				t.space()
			}
		}
	}
	return true
}

// inline reports elements that don't break a line of text.
func inline(n *html.Node) bool {
	switch n.DataAtom {
	case atom.A, atom.Abbr, atom.B, atom.Bdi, atom.Bdo, atom.Cite, atom.Code,
		atom.Data, atom.Dfn, atom.Em, atom.Font, atom.I, atom.Kbd, atom.Mark,
		atom.Q, atom.Rp, atom.Rt, atom.Ruby, atom.S, atom.Samp, atom.Small,
		atom.Span, atom.Strike, atom.Strong, atom.Sub, atom.Sup, atom.Time,
		atom.Tt, atom.U, atom.Var, atom.Wbr, atom.Ins, atom.Del, atom.Label:
		return true
	}
	return false
}

// attr returns the value of n's attribute key (lower case), or "".
func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

// hasLetter reports whether s holds a letter or a digit: text that is only
// punctuation or symbols ("."、"…"、"”") is a spacer.
func hasLetter(s string) bool {
	if s != "" {
		// The commonest first characters: ASCII letters and digits,
		// CJK ideographs (U+4E00–U+9FFF).
		if c := s[0] | 0x20; 'a' <= c && c <= 'z' || '0' <= s[0] && s[0] <= '9' {
			return true
		}
		if 0xe4 <= s[0] && s[0] <= 0xe9 && len(s) >= 3 && (s[0] != 0xe4 || s[1] >= 0xb8) {
			return true
		}
	}
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return true
		}
	}
	return false
}

// trimClosers drops trailing white space and closing quotes and brackets.
func trimClosers(s string) string {
	return strings.TrimRightFunc(s, func(r rune) bool {
		switch r {
		case '”', '’', '"', '\'', '」', '』', '）', ')', '】', '》', '〉', ']', ' ', '*', '_':
			return true
		}
		return false
	})
}

// endsWithStop reports whether s ends a sentence with a full stop or an
// exclamation mark (after closing quotes and brackets); with questions also
// with a question mark or an ellipsis.
func endsWithStop(s string, questions bool) bool {
	s = trimClosers(s)
	r, _ := utf8.DecodeLastRuneInString(s)
	switch r {
	case '。', '.', '！', '!', '．':
		return true
	case '？', '?', '…':
		return questions
	}
	return false
}
