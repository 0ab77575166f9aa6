package content

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxSrcsetFallbacks is how many srcset candidates, largest first, a photo
// keeps as fallbacks.
const maxSrcsetFallbacks = 2

// image considers img as the article's photo: the first content image wins.
// The caption is the <small> right after the image (VOA's <div><small>,
// NYT's <p><img><small>), else the image's alt text.
func (x *extractor) image(img *html.Node) {
	if x.photo != nil {
		return
	}
	p, alt := x.photoOf(img)
	if p == nil {
		return
	}
	p.Caption = captionAfter(img)
	if p.Caption == "" {
		p.Caption = alt
	}
	x.photo = p
}

// photoOf returns img as a Photo without its caption, and its cleaned alt
// text; nil when img is not a content image (a pixel, an icon, an emoji, a
// separator, an avatar, a social-media placeholder) or has no usable URL.
func (x *extractor) photoOf(img *html.Node) (*Photo, string) {
	var src, lazy, srcset, alt, class string
	var width, height = -1, -1
	for _, a := range img.Attr {
		switch a.Key {
		case "src":
			src = a.Val
		case "data-src", "data-original", "data-lazy-src", "data-url", "data-orig-file":
			if lazy == "" {
				lazy = a.Val
			}
		case "srcset", "data-srcset", "data-lazy-srcset":
			if srcset == "" || a.Key == "srcset" && strings.Contains(a.Val, "://") {
				srcset = a.Val
			}
		case "alt":
			alt = a.Val
		case "class":
			class = a.Val
		case "width":
			width = dimension(a.Val)
		case "height":
			height = dimension(a.Val)
		}
	}
	if width >= 0 && width < 50 || height >= 0 && height < 50 {
		return nil, "" // a pixel or an icon
	}
	if hasNonContentWord(class) || hasNonContentWord(alt) {
		return nil, ""
	}
	raw := strings.TrimSpace(src)
	if raw == "" || strings.HasPrefix(raw, "data:") {
		raw = strings.TrimSpace(lazy)
	}
	cands := parseSrcset(srcset)
	if raw == "" || strings.HasPrefix(raw, "data:") {
		if len(cands) == 0 {
			return nil, ""
		}
		raw = cands[0].url
	}
	u := x.resolve(raw)
	if u == "" || skipImageURL(u) {
		return nil, ""
	}
	p := &Photo{URL: u}
	if o := weservOrigin(u); o != "" {
		p.Fallbacks = append(p.Fallbacks, o)
	}
	n := 0
	for _, c := range cands {
		if n == maxSrcsetFallbacks {
			break
		}
		f := x.resolve(c.url)
		if f == "" || f == u || slices.Contains(p.Fallbacks, f) || skipImageURL(f) {
			continue
		}
		p.Fallbacks = append(p.Fallbacks, f)
		n++
	}
	return p, clean(alt)
}

// dimension reads a width or height attribute in pixels; -1 when it isn't
// a plain number ("100%").
func dimension(s string) int {
	s = strings.TrimSuffix(strings.TrimSpace(s), "px")
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// resolve makes ref absolute against the article's URL; "" unless the
// result is an http(s) URL.
func (x *extractor) resolve(ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "data:") {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		u = x.base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// nonContentWord reports a word that, in an image's URL, class or alt
// text, marks a non-content image: a pixel, an icon, an emoji, a separator
// ("grey line"), an avatar, a logo, a social-media placeholder (RFI's
// meta_og_twcards/RFI_FB.png, the image it sets for link previews, not a
// photo of the article). prev is the word before.
func nonContentWord(w, prev string) bool {
	switch w {
	case "emoji", "emojis", "smiley", "smilies", "avatar", "avatars", "gravatar", "icon", "icons",
		"favicon", "pixel", "spacer", "blank", "1x1", "separator", "divider", "greyline", "grayline",
		"logo", "logos", "beacon", "tracking", "feedburner", "twcards":
		return true
	case "line":
		return prev == "grey" || prev == "gray"
	case "fb":
		return prev == "rfi"
	case "og":
		return prev == "meta"
	}
	return false
}

// hasNonContentWord reads s as words of ASCII letters and digits, in lower
// case, and reports whether one marks a non-content image.
func hasNonContentWord(s string) bool {
	var buf, prevBuf [16]byte
	w, prev := buf[:0], prevBuf[:0]
	for i := 0; i <= len(s); i++ {
		var c byte
		if i < len(s) {
			c = s[i]
		}
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		default:
			if len(w) > 0 && len(w) <= len(buf) && nonContentWord(string(w), string(prev)) {
				return true
			}
			if len(w) > 0 {
				prev = append(prev[:0], w[:min(len(w), len(prevBuf))]...)
			}
			w = w[:0]
			continue
		}
		if len(w) < cap(w) {
			w = append(w, c)
		} else {
			w = w[:cap(w)] // a long word: no match
		}
	}
	return false
}

// skipImageURL reports URLs of non-content images.
func skipImageURL(u string) bool { return hasNonContentWord(u) }

// weservOrigin returns the image behind an images.weserv.nl (or wsrv.nl)
// proxy URL, "https://images.weserv.nl?url=host/path" → "https://host/path";
// "" for other URLs.
func weservOrigin(u string) string {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(u, "http://"); !ok {
			return ""
		}
	}
	host, query, ok := strings.Cut(rest, "?")
	if !ok {
		return ""
	}
	host = strings.ToLower(strings.TrimSuffix(host, "/"))
	if !underDomain(host, "weserv.nl") && !underDomain(host, "wsrv.nl") && host != "weserv.nl" && host != "wsrv.nl" {
		return ""
	}
	var o string
	for query != "" {
		var kv string
		kv, query, _ = strings.Cut(query, "&")
		if v, ok := strings.CutPrefix(kv, "url="); ok {
			if o, ok = unescapeQuery(v); !ok {
				return ""
			}
			break
		}
	}
	o = strings.TrimSpace(o)
	switch {
	case o == "":
		return ""
	case strings.HasPrefix(o, "ssl:"):
		o = "https://" + o[len("ssl:"):]
	case strings.HasPrefix(o, "//"):
		o = "https:" + o
	case !strings.Contains(o, "://"):
		o = "https://" + o
	}
	ou, err := url.Parse(o)
	if err != nil || (ou.Scheme != "http" && ou.Scheme != "https") || ou.Host == "" {
		return ""
	}
	return o
}

// unescapeQuery decodes a query value; most need no decoding.
func unescapeQuery(v string) (string, bool) {
	if !strings.ContainsAny(v, "%+") {
		return v, true
	}
	d, err := url.QueryUnescape(v)
	return d, err == nil
}

// A candidate is one image of a srcset.
type candidate struct {
	url  string
	size float64 // width in pixels, or density × 10000 for "2x"
}

// parseSrcset returns the candidates of a srcset attribute, largest first.
func parseSrcset(s string) []candidate {
	var cs []candidate
	for s != "" {
		s = strings.TrimLeft(s, " \t\n\r\f,")
		if s == "" {
			break
		}
		end := strings.IndexAny(s, " \t\n\r\f")
		if end < 0 {
			end = len(s)
		}
		u := s[:end]
		s = s[end:]
		var desc string
		if strings.HasSuffix(u, ",") {
			u = strings.TrimRight(u, ",")
		} else {
			i := strings.IndexByte(s, ',')
			if i < 0 {
				i = len(s)
			}
			desc, s = strings.TrimSpace(s[:i]), s[i:]
		}
		c := candidate{url: u, size: 1e4}
		if f, err := strconv.ParseFloat(strings.TrimRight(desc, "wx"), 64); err == nil && desc != "" {
			switch desc[len(desc)-1] {
			case 'w':
				c.size = f
			case 'x':
				c.size = f * 1e4
			}
		}
		if u != "" {
			cs = append(cs, c)
		}
	}
	slices.SortStableFunc(cs, func(a, b candidate) int {
		switch {
		case a.size > b.size:
			return -1
		case a.size < b.size:
			return 1
		}
		return 0
	})
	return cs
}

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

// figure handles a figure block: a <figure>, a WordPress wp-caption, or a
// block whose class names a figure, holding an image. Its first content
// image may be the photo, captioned from the block: the <figcaption>
// without its <cite> credit, WordPress's wp-caption-text, or a <p> of the
// block that isn't a credit; else the alt text. Nothing in the block is a
// paragraph. It reports false, and does nothing, for a block without an
// image or with too many paragraphs to be a figure.
func (x *extractor) figure(block *html.Node) bool {
	var imgs []*html.Node
	paras := 0
	var find func(*html.Node)
	find = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch {
			case isImg(c):
				imgs = append(imgs, c)
			case c.DataAtom == atom.P:
				paras++
			case c.DataAtom == atom.Iframe || c.DataAtom == atom.Video:
				imgs = append(imgs, nil) // a media block: no paragraphs
			}
			find(c)
		}
	}
	find(block)
	if len(imgs) == 0 || paras > 3 {
		return false
	}
	if x.photo != nil {
		return true
	}
	for _, img := range imgs {
		if img == nil {
			continue
		}
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
	if strings.Contains(c, "credit") || strings.Contains(c, "copyright") || strings.Contains(c, "visuallyhidden") {
		return true
	}
	if n.DataAtom == atom.Span || n.DataAtom == atom.Small || n.DataAtom == atom.P {
		t, ok := textOf(n, nil, 200)
		return ok && isCredit(t)
	}
	return false
}
