package content

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// captionAfter returns the caption that follows img: a <small>, or a block
// holding only a <small> (VOA's <div><small style="color: #999;">).
func captionAfter(img *html.Node) string {
	cur := img
	for nextElement(cur) == nil && cur.Parent != nil {
		switch cur.Parent.DataAtom {
		case atom.A, atom.Picture, atom.Span:
			cur = cur.Parent
			continue
		}
		break
	}
	next := nextElement(cur)
	if next == nil {
		return ""
	}
	if next.DataAtom == atom.Small {
		t, _ := textOf(next, nil, 0)
		return t
	}
	switch next.DataAtom {
	case atom.Div, atom.P, atom.Span:
		c := firstElement(next)
		if c != nil && c.DataAtom == atom.Small && nextElement(c) == nil {
			t, _ := textOf(next, nil, 0)
			return t
		}
	}
	return ""
}

// captionSmall reports a <small> caption right after an image, inside a
// paragraph.
func captionSmall(n *html.Node) bool {
	if n.DataAtom != atom.Small {
		return false
	}
	for p := n.PrevSibling; p != nil; p = p.PrevSibling {
		switch p.Type {
		case html.TextNode:
			if strings.TrimSpace(p.Data) != "" {
				return false
			}
		case html.ElementNode:
			return p.DataAtom == atom.Img || p.DataAtom == atom.Picture || p.DataAtom == atom.A && hasImage(p)
		}
	}
	return false
}

// nextElement returns n's next sibling element, skipping white space; nil
// when text or nothing comes first.
func nextElement(n *html.Node) *html.Node {
	for s := n.NextSibling; s != nil; s = s.NextSibling {
		switch s.Type {
		case html.ElementNode:
			return s
		case html.TextNode:
			if strings.TrimSpace(s.Data) != "" {
				return nil
			}
		}
	}
	return nil
}

// firstElement returns n's first child element, skipping white space; nil
// when text comes first.
func firstElement(n *html.Node) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.ElementNode:
			return c
		case html.TextNode:
			if strings.TrimSpace(c.Data) != "" {
				return nil
			}
		}
	}
	return nil
}

// hasImage reports whether n's subtree holds an image.
func hasImage(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && (isImg(c) || c.DataAtom == atom.Picture || hasImage(c)) {
			return true
		}
	}
	return false
}

// isImg reports an <img>, or the element a missing space makes of one in
// RFI's markup (<imgsrc="data:…" … srcset="…">).
func isImg(n *html.Node) bool {
	return n.DataAtom == atom.Img || n.DataAtom == 0 && strings.HasPrefix(n.Data, "img") && attr(n, "srcset") != ""
}

// maxFigureNodes is the most nodes a figure block holds; a larger block is
// read as ordinary content. It also bounds the work on nested blocks.
const maxFigureNodes = 200

// figure handles a figure block: a <figure>, a WordPress wp-caption, or a
// block whose class names a figure, holding an image. Its first content
// image may be the photo, captioned from the block: the <figcaption>
// without its <cite> credit, WordPress's wp-caption-text, or a <p> of the
// block that isn't a credit; else the alt text. Nothing in the block is a
// paragraph. It reports false, and does nothing, for a block without an
// image or with too many paragraphs to be a figure.
func (x *extractor) figure(block *html.Node) bool {
	var buf [4]*html.Node
	imgs := buf[:0] // the first images, candidates for the photo
	media, paras, nodes := false, 0, 0
	for n := block.FirstChild; n != nil; n = nextInTree(n, block) {
		if nodes++; nodes > maxFigureNodes {
			return false
		}
		if n.Type != html.ElementNode {
			continue
		}
		switch {
		case isImg(n):
			media = true
			if len(imgs) < cap(imgs) {
				imgs = append(imgs, n)
			}
		case n.DataAtom == atom.P:
			paras++
		case n.DataAtom == atom.Iframe || n.DataAtom == atom.Video:
			media = true // a media block: no paragraphs
		}
	}
	if !media || paras > 3 {
		return false
	}
	if x.photo != nil {
		return true
	}
	for _, img := range imgs {
		p, alt := x.photoOf(img)
		if p == nil {
			continue
		}
		p.Caption = figureCaption(block)
		if p.Caption == "" {
			p.Caption = captionAfter(img)
		}
		if p.Caption == "" {
			p.Caption = alt
		}
		x.photo = p
		break
	}
	return true
}

// nextInTree returns the node after n in a depth-first walk of root's
// subtree, or nil at its end.
func nextInTree(n, root *html.Node) *html.Node {
	if n.FirstChild != nil {
		return n.FirstChild
	}
	for ; n != nil && n != root; n = n.Parent {
		if n.NextSibling != nil {
			return n.NextSibling
		}
	}
	return nil
}

// figureCaption finds the caption of a figure block.
func figureCaption(block *html.Node) string {
	s := goquery.NewDocumentFromNode(block).Selection
	if fc := s.Find("figcaption").First(); fc.Length() > 0 {
		if t, _ := textOf(fc.Nodes[0], isCaptionCredit, 0); hasLetter(t) {
			return t
		}
	}
	if wc := s.Find(".wp-caption-text, .caption, .image-caption").First(); wc.Length() > 0 {
		if t, _ := textOf(wc.Nodes[0], isCaptionCredit, 0); hasLetter(t) {
			return t
		}
	}
	caption := ""
	s.Find("p, small").EachWithBreak(func(_ int, p *goquery.Selection) bool {
		n := p.Nodes[0]
		if isCaptionCredit(n) {
			return true
		}
		t, _ := textOf(n, isCaptionCredit, 0)
		if hasLetter(t) && !isCredit(t) {
			caption = t
			return false
		}
		return true
	})
	return caption
}

// isCaptionCredit reports the credit inside a caption: <cite>, an element
// classed as a credit or copyright, or one whose text starts with "©" or
// "图像来源".
func isCaptionCredit(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	if n.DataAtom == atom.Cite {
		return true
	}
	c := strings.ToLower(attr(n, "class"))
	for _, w := range [...]string{"credit", "copyright", "visuallyhidden", "visually-hidden", "sr-only", "screen-reader"} {
		if strings.Contains(c, w) {
			return true // credits, and labels for screen readers ("图像加注文字，")
		}
	}
	if n.DataAtom == atom.Span || n.DataAtom == atom.Small || n.DataAtom == atom.P {
		t, ok := textOf(n, nil, 200)
		return ok && isCredit(t)
	}
	return false
}
