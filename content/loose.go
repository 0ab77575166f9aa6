package content

import (
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// minLooseText is the length, in runes, under which text outside <p> is
// not taken for a paragraph: stray words ("Array") and labels.
const minLooseText = 10

// looseParagraphs reads the text of a document that has no paragraph in a
// <p>: the runs of text and inline elements that blocks (<div>, <body>, …)
// hold directly, each a paragraph, or several where "<br /><br />"
// separates them. The same rules as for <p> keep out captions, figure
// blocks, headings, the date block, bylines and boilerplate.
func (x *extractor) looseParagraphs(root *html.Node) {
	x.loose = true
	x.dateline = "" // it is text here, read in its place
	x.flush()
	x.looseBlock(root)
	x.flush()
}

func (x *extractor) looseBlock(n *html.Node) {
	for c := n.FirstChild; c != nil && !x.done; c = c.NextSibling {
		if c.Type == html.ElementNode && !isImg(c) && !inline(c) && c.DataAtom != atom.Br {
			x.flush()
			if !x.skipped(c) && c != x.dateNode && !x.notText(c) {
				x.looseBlock(c)
			}
			x.flush()
			continue
		}
		if c != x.dateNode {
			x.phrase(c, false, false)
		}
	}
}

// notText reports blocks whose text is not the article's: headings, the
// author block, <noscript>, figure blocks and the caption block after an
// image.
func (x *extractor) notText(n *html.Node) bool {
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Address, atom.Noscript, atom.Figure,
		atom.Head, atom.Title:
		return true
	}
	if x.classOf(n)&classFigure != 0 && hasImage(n) {
		return true
	}
	return isCaptionBlock(n)
}

// isCaptionBlock reports a block holding only a <small>, right after an
// image: VOA's <img><div><small>caption</small></div>.
func isCaptionBlock(n *html.Node) bool {
	c := firstElement(n)
	if c == nil || c.DataAtom != atom.Small || nextElement(c) != nil {
		return false
	}
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		switch p.Type {
		case html.ElementNode:
			return isImg(p) || p.DataAtom == atom.Picture || p.DataAtom == atom.Audio || p.DataAtom == atom.Video
		case html.TextNode:
			if !isBlank(p.Data) {
				return false
			}
		}
	}
	return false
}

// isBlank reports text of white space only.
func isBlank(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case ' ', '\n', '\t', '\r', '\f':
		default:
			return false
		}
	}
	return true
}
