package content

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// A segment is the paragraph being read: a <p>, or the part of one between
// two "<br /><br />".
type segment struct {
	text  textBuf
	bold  int // runes inside <b>, <strong> or a heading
	link  int // runes inside <a>
	brs   int // <br>s since the last text
	total int // runes
}

// paragraph reads a <p>: one paragraph, or several where "<br /><br />"
// separates them. Images inside it are considered for the photo, and a
// <small> right after an image is its caption, not text.
func (x *extractor) paragraph(p *html.Node) {
	x.flush()
	x.inline(p, false, false)
	x.flush()
}

// inline reads the phrasing content of a paragraph.
func (x *extractor) inline(n *html.Node, bold, link bool) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		x.phrase(c, bold, link)
	}
}

// phrase reads one node of phrasing content.
func (x *extractor) phrase(c *html.Node, bold, link bool) {
	switch c.Type {
	case html.TextNode:
		x.text(c.Data, bold, link)
		return
	case html.ElementNode:
	default:
		return
	}
	if x.skipped(c) {
		return
	}
	switch c.DataAtom {
	case atom.Br:
		x.seg.brs++
	case atom.Img:
		x.image(c)
	case atom.Picture, atom.Noscript:
		x.images(c)
	case atom.Small:
		if !captionSmall(c) {
			x.inline(c, bold, link)
		}
	case atom.B, atom.Strong, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		x.inline(c, true, link)
	case atom.A:
		x.inline(c, bold, true)
	default:
		if isImg(c) {
			x.image(c)
			return
		}
		x.inline(c, bold, link)
	}
}

// text adds the text of a text node to the segment; after two <br>s or
// more it starts a new segment, after one it adds a space.
func (x *extractor) text(t string, bold, link bool) {
	s := &x.seg
	for i := 0; i < len(t); i++ {
		if c := t[i]; c != ' ' && c != '\n' && c != '\t' && c != '\r' && c != '\f' {
			break
		}
		if i == len(t)-1 {
			// White space only: it doesn't separate <br>s.
			s.text.space()
			return
		}
	}
	switch {
	case s.brs >= 2:
		x.flush()
	case s.brs == 1:
		s.text.space()
	}
	s.brs = 0
	n := s.text.write(t)
	s.total += n
	if bold {
		s.bold += n
	}
	if link {
		s.link += n
	}
}

// flush ends the segment: it becomes a paragraph unless it is a spacer, a
// subheading, a byline, a credit, boilerplate, a related-article link or
// the start of a footer.
func (x *extractor) flush() {
	s := &x.seg
	defer func() {
		s.text.reset()
		s.bold, s.link, s.brs, s.total = 0, 0, 0, 0
	}()
	if x.done || s.total == 0 || x.loose && s.total < minLooseText {
		return
	}
	t := s.text.String()
	furniture := mayBeFurniture(t)
	switch {
	case !hasLetter(t):
		return
	case furniture && isFooter(t):
		x.done = true
		return
	case s.bold == s.total && isHeading(t, s.total), isPlainHeading(t, s.total):
		return
	case s.link == s.total && s.total < maxLinkLine:
		return
	case furniture && (isByline(t, s.total) || isBoilerplate(t)):
		return
	}
	if len(x.paras) == 0 {
		if _, _, ok := parseDate(t, x.zone); ok {
			return // a date block written as a paragraph
		}
		if x.dateline != "" {
			t = x.dateline + " " + t
		}
	}
	x.paras = append(x.paras, t)
}
