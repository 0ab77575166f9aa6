package content

import (
	"bytes"
	"cmp"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	xhtml "golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// corpusFacts are short facts about files of ../shared/corpus that the
// generic rules of TestCorpus can't know. There are no known gaps: every
// file must satisfy every rule.
var corpusFacts = map[string]struct {
	noPhoto   bool // the item has no content image
	noCaption bool // the photo has neither a caption element nor alt text
	noDate    bool // the body has no date block: published is the feed time
	noText    bool // a photo post: no text paragraph
}{
	"017_rfi.md": {noCaption: true},
	"018_rfi.md": {noCaption: true},
	"019_rfi.md": {noCaption: true},
	"020_rfi.md": {noPhoto: true},
	"021_rfi.md": {noCaption: true},
	"022_rfi.md": {noPhoto: true}, // only RFI's social-media placeholder, RFI_FB.png
	"028_dw.md":  {noCaption: true},
	"032_nyt.md": {noPhoto: true},
	"037_rfa.md": {noDate: true},
	"038_rfa.md": {noDate: true},
	"039_rfa.md": {noDate: true},
	"040_cdt.md": {noDate: true, noText: true},
}

// corpusSources are the display names by the outlet in a file's name.
var corpusSources = map[string]string{
	"voa": "美国之音", "rfi": "法广", "dw": "德国之声", "nyt": "纽约时报",
	"bbc": "BBC", "rfa": "自由亚洲", "cdt": "中国数字时代",
}

// TestCorpus checks the extraction rules on real items of every outlet. It
// runs only when CORPUS_DIR names a folder of them (../shared/corpus).
func TestCorpus(t *testing.T) {
	dir := os.Getenv("CORPUS_DIR")
	if dir == "" {
		t.Skip("CORPUS_DIR not set")
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no *.md files in %s", dir)
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) { checkCorpusFile(t, f) })
	}
}

func checkCorpusFile(t *testing.T, file string) {
	name := filepath.Base(file)
	facts := corpusFacts[name]
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	a, err := ParseFile(file)
	if err != nil {
		t.Fatalf("got %v, want the item parsed", err)
	}
	checkInvariants(t, a)
	d := readCorpusDoc(t, raw)

	// ID: the same however the document is read.
	if b, err := Parse(bytes.NewReader(raw)); err != nil || b.ID != a.ID {
		t.Errorf("got ID %q reading the bytes, want %q as from the file", b.ID, a.ID)
	}

	// Headline: the link text.
	if a.Headline != d.linkText {
		t.Errorf("got headline %q, want the link text %q", a.Headline, d.linkText)
	}

	// Source and Outlet: the outlet in the file's name.
	outlet := strings.TrimSuffix(name[strings.LastIndex(name, "_")+1:], ".md")
	if want := corpusSources[outlet]; a.Source != want {
		t.Errorf("got source %q, want %q", a.Source, want)
	}
	if a.Outlet != outlet {
		t.Errorf("got outlet %q, want %q", a.Outlet, outlet)
	}

	// Published: the date block, a little before the feed saw the item;
	// else the feed time.
	switch {
	case facts.noDate && !a.Published.Equal(a.FeedTime):
		t.Errorf("got published %v, want the feed time %v", a.Published, a.FeedTime)
	case !facts.noDate && (a.Published.Equal(a.FeedTime) || a.Published.After(a.FeedTime) || a.FeedTime.Sub(a.Published) > 48*time.Hour):
		t.Errorf("got published %v, want the date block's time, within two days before the feed time %v", a.Published, a.FeedTime)
	}

	// Lead and paragraphs.
	if facts.noText {
		if a.Lead != "" || len(a.Paragraphs) != 0 {
			t.Errorf("got lead %q and %d paragraphs, want none", a.Lead, len(a.Paragraphs))
		}
	} else {
		if utf8.RuneCountInString(a.Lead) < 10 {
			t.Errorf("got lead %q, want a paragraph of text", a.Lead)
		}
		if len(a.Paragraphs) < 2 {
			t.Errorf("got %d paragraphs, want the article's text", len(a.Paragraphs))
		}
	}
	for i, p := range a.Paragraphs {
		what := "paragraph " + strconv.Itoa(i)
		if i == 0 {
			what = "lead"
		}
		if reason := d.notText(p); reason != "" {
			t.Errorf("%s %q: got %s, want article text", what, p, reason)
		}
	}

	// Photo: the first content image, with its own caption.
	if facts.noPhoto {
		if a.Photo != nil {
			t.Errorf("got photo %q, want none", a.Photo.URL)
		}
		return
	}
	if a.Photo == nil {
		t.Fatalf("got no photo, want the first content image %q", d.firstImage())
	}
	if want := d.firstImage(); a.Photo.URL != want {
		t.Errorf("got photo %q, want the first content image %q", a.Photo.URL, want)
	}
	if o := weservTarget(a.Photo.URL); o != "" && (len(a.Photo.Fallbacks) == 0 || a.Photo.Fallbacks[0] != o) {
		t.Errorf("got fallbacks %q, want the proxy's origin %q first", a.Photo.Fallbacks, o)
	}
	c := a.Photo.Caption
	switch {
	case facts.noCaption && c != "":
		t.Errorf("got caption %q, want none", c)
	case !facts.noCaption && c == "":
		t.Errorf("got no caption, want the photo's")
	case c != "" && !d.captionOf(a.Photo.URL, c):
		t.Errorf("got caption %q, want text between the photo and the next image, or its alt text", c)
	case c != "" && creditRE.MatchString(c):
		t.Errorf("got caption %q, want no credit", c)
	}
}

// A corpusDoc is what the test reads of an item itself, with x/net/html.
type corpusDoc struct {
	linkText string
	body     string   // the HTML after the header lines
	pTexts   []string // the text of each <p>
	notes    []string // captions, alt texts, headings, list items, date blocks
	images   []corpusImage
}

type corpusImage struct {
	url, alt string
	pos      int // of the URL in body
}

var (
	creditRE      = regexp.MustCompile(`^(©|图像来源|圖像來源|Getty Images|Copyright)`)
	bylineRE      = regexp.MustCompile(`^[.（(]*(作者|记者|記者|编辑|責編|责编|翻译|翻譯|译者)[^。，]{0,6}[：:]`)
	boilerplateRE = regexp.MustCompile(`获取更多RSS|版权声明|版權聲明|点击查看|~\. Fin \.~|CDT ?档案卡|德国之声致力于|纽约时报中文网`)
	dateRE        = regexp.MustCompile(`^(\w{3}, \d{2} \w{3} \d{4}|\d{2}/\d{2}/\d{4} - \d{2}:\d{2}|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d+ (分钟|小时)前)`)
	nonContentRE  = regexp.MustCompile(`(?i)icon|RFI_FB|meta_og|pixel|emoji|avatar`)
)

func norm(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u200b", "")), " ")
}

func readCorpusDoc(t *testing.T, raw []byte) *corpusDoc {
	t.Helper()
	lines := strings.SplitN(string(raw), "\n", 4)
	if len(lines) < 4 {
		t.Fatal("got fewer than four lines, want a seed document")
	}
	link := strings.TrimSpace(lines[1])
	d := &corpusDoc{
		linkText: norm(html.UnescapeString(link[1:strings.LastIndex(link, "](")])),
		body:     lines[3],
	}
	root, err := xhtml.ParseWithOptions(strings.NewReader(d.body), xhtml.ParseOptionEnableScripting(false))
	if err != nil {
		t.Fatal(err)
	}
	var walk func(n *xhtml.Node, inFigure bool)
	walk = func(n *xhtml.Node, inFigure bool) {
		if n.Type == xhtml.ElementNode {
			class := strings.ToLower(attr(n, "class"))
			if n.DataAtom == atom.Figure || strings.Contains(class, "figure") || strings.Contains(class, "caption") {
				inFigure = true
			}
			switch n.DataAtom {
			case atom.P:
				if inFigure {
					d.notes = append(d.notes, nodeText(n))
				} else {
					d.pTexts = append(d.pTexts, nodeText(n))
				}
			case atom.Small, atom.Figcaption, atom.H1, atom.H2, atom.H3, atom.H4, atom.Li, atom.Address, atom.Time, atom.I:
				d.notes = append(d.notes, nodeText(n))
			case atom.Img:
				d.notes = append(d.notes, norm(attr(n, "alt")))
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inFigure)
		}
	}
	walk(root, false)
	d.images = findImages(d.body)
	return d
}

// nodeText is the text of n's subtree, <br> as a space.
func nodeText(n *xhtml.Node) string {
	var b strings.Builder
	var walk func(*xhtml.Node)
	walk = func(n *xhtml.Node) {
		switch {
		case n.Type == xhtml.TextNode:
			b.WriteString(n.Data)
		case n.Type == xhtml.ElementNode && n.DataAtom == atom.Br:
			b.WriteByte(' ')
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return norm(b.String())
}

// imgTagRE finds image tags, including RFI's "<imgsrc=" without a space;
// srcRE the image URLs of one: src first, then lazy and srcset ones.
var (
	imgTagRE = regexp.MustCompile(`(?is)<img[^>]*>`)
	srcRE    = regexp.MustCompile(`(?i)\b(src|data-src|srcset|data-srcset)="([^"]*)"`)
)

// findImages lists the content images of the raw HTML, in order, each by
// its preferred URL: src, else data-src, else the first srcset candidate.
func findImages(body string) []corpusImage {
	var imgs []corpusImage
	for _, m := range imgTagRE.FindAllStringIndex(body, -1) {
		tag := body[m[0]:m[1]]
		found := map[string]string{}
		for _, a := range srcRE.FindAllStringSubmatch(tag, -1) {
			v := strings.Fields(html.UnescapeString(a[2]))
			if k := strings.ToLower(a[1]); found[k] == "" && len(v) > 0 && (strings.HasPrefix(v[0], "http://") || strings.HasPrefix(v[0], "https://")) {
				found[k] = strings.TrimSuffix(v[0], ",")
			}
		}
		u := cmp.Or(found["src"], found["data-src"], found["srcset"], found["data-srcset"])
		if u == "" || nonContentRE.MatchString(u) {
			continue
		}
		imgs = append(imgs, corpusImage{url: u, pos: m[0]})
	}
	return imgs
}

func (d *corpusDoc) firstImage() string {
	if len(d.images) == 0 {
		return ""
	}
	return d.images[0].url
}

// captionOf reports whether caption is text of the document between the
// image at url and the next different image, or url's alt text.
func (d *corpusDoc) captionOf(u, caption string) bool {
	for i, img := range d.images {
		if img.url != u {
			continue
		}
		end := len(d.body)
		for _, next := range d.images[i+1:] {
			if sameImage(next.url, u) {
				continue
			}
			end = next.pos
			break
		}
		region := d.body[img.pos:end]
		if alt := regexp.MustCompile(`alt="([^"]*)"`).FindStringSubmatch(region); alt != nil && norm(html.UnescapeString(alt[1])) == caption {
			return true
		}
		text := norm(html.UnescapeString(regexp.MustCompile(`<[^>]*>`).ReplaceAllString(region, " ")))
		return strings.Contains(strings.ReplaceAll(text, " ", ""), strings.ReplaceAll(caption, " ", ""))
	}
	return false
}

// sameImage reports two URLs of one image (a lazy image and its <noscript>
// twin, a srcset candidate).
func sameImage(a, b string) bool {
	base := func(s string) string { return s[strings.LastIndex(s, "/")+1:] }
	return a == b || base(a) == base(b)
}

// notText returns why p is not article text, or "".
func (d *corpusDoc) notText(p string) string {
	switch {
	case !hasLetter(p):
		return "a spacer"
	case creditRE.MatchString(p):
		return "a credit"
	case bylineRE.MatchString(p) && utf8.RuneCountInString(p) < 60:
		return "a byline"
	case boilerplateRE.MatchString(p):
		return "boilerplate"
	case dateRE.MatchString(p):
		return "a date"
	}
	for _, n := range d.notes {
		if n != "" && (n == p || strings.Contains(n, p)) {
			return "a caption, heading, list item or date block"
		}
	}
	body := p
	if i := strings.Index(p, "— "); i > 0 && i < 40 {
		body = p[i+len("— "):] // a dateline written before the first <p>
		if !strings.Contains(norm(d.body), p[:i]) {
			return "a dateline not in the document"
		}
	}
	for _, t := range d.pTexts {
		if strings.Contains(t, body) {
			return ""
		}
	}
	return "text of no <p> of the document"
}

// weservTarget is the test's reading of an images.weserv.nl URL's origin.
func weservTarget(u string) string {
	pu, err := url.Parse(u)
	if err != nil || !strings.HasSuffix(pu.Host, "weserv.nl") {
		return ""
	}
	return "https://" + pu.Query().Get("url")
}
