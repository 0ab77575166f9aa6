package content

import (
	"bytes"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// An extractor walks an article's HTML once, in document order, picking up
// the date block, the photo and its caption, and the paragraphs; a second
// time, for text outside <p>, only when the first walk found no paragraph.
type extractor struct {
	base      *url.URL
	rules     *rules
	zone      *time.Location // of date blocks written without a zone
	feed      time.Time
	published time.Time
	dated     bool
	photo     *Photo
	paras     []string
	dateline  string               // "华盛顿 —": text before the first paragraph
	done      bool                 // a footer was reached: no more paragraphs
	loose     bool                 // reading text outside <p>: see looseParagraphs
	dateNode  *html.Node           // the date block, not text
	seg       segment              // the paragraph being read
	classes   map[string]classKind // what a class attribute says, by value
	lower     []byte               // scratch for lower-casing a class
}

// classKind is what a class attribute says of its element.
type classKind uint8

const (
	classSkip   classKind = 1 << iota // share buttons, promotions, embeds, …
	classFigure                       // a figure block
)

// extract fills a's Published, Lead, Photo and Paragraphs from body; zone
// is the outlet's, for date blocks written without one. It reports false
// when the article's text is not UTF-8. (Elsewhere, in captions for
// instance, bytes that are not UTF-8 are dropped.)
func extract(a *Article, base *url.URL, zone *time.Location, body []byte) bool {
	root, err := html.ParseWithOptions(bytes.NewReader(body), html.ParseOptionEnableScripting(false))
	if err != nil {
		// x/net/html fails only when the reader does; a bytes.Reader
		// doesn't.
		return true
	}
	doc := goquery.NewDocumentFromNode(root)
	x := &extractor{base: base, rules: allRules(), zone: zone, feed: a.FeedTime}
	x.seg.text.b = make([]byte, 0, 1024)
	for _, n := range doc.Nodes {
		x.walk(n)
	}
	if len(x.paras) == 0 && !x.done {
		for _, n := range doc.Nodes {
			x.looseParagraphs(n)
		}
	}
	if x.dated {
		a.Published = x.published
	}
	a.Photo = x.photo
	if len(x.paras) > 0 {
		a.Paragraphs = x.paras
		a.Lead = x.paras[0]
	}
	return !x.seg.text.bad
}

// walk visits n's children.
func (x *extractor) walk(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.ElementNode:
			x.element(c)
		case html.TextNode:
			x.looseText(c)
		case html.DocumentNode:
			x.walk(c)
		}
	}
}

func (x *extractor) element(n *html.Node) {
	if x.skipped(n) {
		return
	}
	if !x.dated && len(x.paras) == 0 && x.dateBlock(n) {
		return
	}
	switch n.DataAtom {
	case atom.P:
		x.paragraph(n)
		return
	case atom.Img:
		x.image(n)
		return
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		// Headings are never article text, but their images count:
		// WordPress centres images in them (<h3><img></h3>).
		x.images(n)
		return
	case atom.Address:
		// Author blocks are never article text.
		return
	case atom.Noscript:
		// Images only: the text of a <noscript> is a message to browsers.
		x.images(n)
		return
	case atom.Figure:
		if x.figure(n) {
			return
		}
	case atom.Div, atom.Section, atom.Span:
		if x.classOf(n)&classFigure != 0 && x.figure(n) {
			return
		}
	case 0:
		if isImg(n) {
			x.image(n)
			return
		}
	}
	x.walk(n)
}

// images considers the images of n's subtree as the photo.
func (x *extractor) images(n *html.Node) {
	for c := n.FirstChild; c != nil && x.photo == nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			if isImg(c) {
				x.image(c)
			} else {
				x.images(c)
			}
		}
	}
}

// looseText keeps a dateline written outside the paragraphs ("华盛顿 — "
// before VOA's first <p>): it opens the first paragraph. Other text
// outside paragraphs (RFI's stray "Array") is dropped.
func (x *extractor) looseText(n *html.Node) {
	if len(x.paras) > 0 || x.dateline != "" || n.Parent == nil {
		return
	}
	switch n.Parent.DataAtom {
	case atom.Body, atom.Div, atom.Section, atom.Article, atom.Main:
	default:
		return
	}
	t := clean(n.Data)
	if t == "" || len(t) > 80 {
		return
	}
	head, ok := strings.CutSuffix(t, "—")
	if !ok {
		head, ok = strings.CutSuffix(t, "–")
	}
	if !ok {
		head, ok = strings.CutSuffix(t, " -")
	}
	if ok && hasLetter(head) && runeCount(head) <= 20 {
		x.dateline = t
	}
}

// skipped reports subtrees that hold no article text nor its photo:
// scripts, embeds (iframes, tweets, WordPress post embeds), forms, share
// buttons, promotion blocks and related-link lists, ads, footers.
func (x *extractor) skipped(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Template, atom.Iframe, atom.Object, atom.Embed,
		atom.Video, atom.Audio, atom.Svg, atom.Math, atom.Form, atom.Button, atom.Select,
		atom.Textarea, atom.Input, atom.Nav, atom.Footer, atom.Aside, atom.Ul, atom.Ol,
		atom.Head, atom.Title, atom.Canvas, atom.Map:
		return true
	case atom.Blockquote:
		if embedQuote(n) {
			return true
		}
	}
	for _, a := range n.Attr {
		switch {
		case a.Key == "class":
			if x.kindOf(a.Val)&classSkip != 0 {
				return true
			}
		case a.Key == "hidden":
			return true
		case a.Key == "aria-hidden" && a.Val == "true" && n.DataAtom != atom.Img:
			return true
		case a.Key == "role" && (a.Val == "complementary" || a.Val == "navigation"):
			return true
		case a.Key == "style" && strings.Contains(strings.ReplaceAll(a.Val, " ", ""), "display:none"):
			return true
		}
		for _, r := range x.rules.skipAttrs {
			if strings.HasPrefix(a.Key, r.prefix) && (r.val == "" || a.Val == r.val) {
				return true
			}
		}
	}
	return false
}

// embedHosts are the posts whose links mark a <blockquote> as an embedded
// post even without its class (a tweet's "— name (@user) date" link).
var embedHosts = [...]string{
	"twitter.com/", "x.com/", "instagram.com/p/", "facebook.com/", "t.me/", "weibo.com/", "tiktok.com/",
}

// embedQuote reports a <blockquote> that embeds a social-media post: its
// cite or one of its first links points to one.
func embedQuote(n *html.Node) bool {
	post := func(u string) bool {
		for _, h := range embedHosts {
			if i := strings.Index(u, h); i >= 0 && (i == 0 || u[i-1] == '/' || u[i-1] == '.') {
				return true
			}
		}
		return false
	}
	if post(attr(n, "cite")) {
		return true
	}
	nodes := 0
	for c := n.FirstChild; c != nil && nodes < maxFigureNodes; c = nextInTree(c, n) {
		nodes++
		if c.Type == html.ElementNode && c.DataAtom == atom.A && post(attr(c, "href")) {
			return true
		}
	}
	return false
}

// skipClasses name, in part, the classes of blocks skipped skips; the
// outlets' own are in their rows of outlets.
var skipClasses = [...]string{
	"share", "addtoany", "a2a_", "social", "selfpromo", "self-promo", "newsletter",
	"related", "advert", "adcontainer", "promo", "sponsor", "subscribe",
	"twitter-tweet", "instagram-media", "tiktok-embed", "wp-embedded", "embed",
	"byline", "copyright", "comment", "post-tags", "jp-relatedposts",
}

// figureClasses name, in part, the classes of figure blocks: WordPress's
// wp-caption, BBC's "Figure-…"; the outlets' own are in their rows of
// outlets.
var figureClasses = [...]string{"figure", "wp-caption"}

// classOf returns what n's class attribute says.
func (x *extractor) classOf(n *html.Node) classKind {
	return x.kindOf(attr(n, "class"))
}

// kindOf reads a class attribute; the answers are kept by value, since
// pages repeat their classes.
func (x *extractor) kindOf(class string) classKind {
	if class == "" {
		return 0
	}
	if k, ok := x.classes[class]; ok {
		return k
	}
	x.lower = append(x.lower[:0], class...)
	for i, c := range x.lower {
		if 'A' <= c && c <= 'Z' {
			x.lower[i] = c + 'a' - 'A'
		}
	}
	var k classKind
	for _, s := range x.rules.skipClasses {
		if bytes.Contains(x.lower, []byte(s)) {
			k |= classSkip
			break
		}
	}
	for _, s := range x.rules.figureClasses {
		if bytes.Contains(x.lower, []byte(s)) {
			k |= classFigure
			break
		}
	}
	if x.classes == nil {
		x.classes = make(map[string]classKind)
	}
	x.classes[class] = k
	return k
}
