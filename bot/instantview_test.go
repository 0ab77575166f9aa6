package bot

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/newsbot/newsbot/bot/telegraph"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/internal/telegraphfake"
)

func instantViewArticle() content.Article {
	return content.Article{
		ID:         "iv1",
		Headline:   "  美国 <特使> & 日本  ",
		URL:        "https://www.voachinese.com/a/7040511.html",
		Published:  time.Date(2023, 4, 7, 13, 8, 7, 0, time.UTC),
		Lead:       "第一段。",
		Photo:      &content.Photo{URL: "https://gdb.voanews.com/1.jpg", Caption: " 图片说明 "},
		Paragraphs: []string{"第一段。", "  ", "第二段 a < b & \"c\"。", "第三段。"},
		Source:     "美国之音",
	}
}

// Pieces of the expected content, as JSON.
const (
	ivFigure     = `{"tag":"figure","children":[{"tag":"img","attrs":{"src":"https://gdb.voanews.com/1.jpg"}},{"tag":"figcaption","children":["图片说明"]}]}`
	ivParagraphs = `{"tag":"p","children":["第一段。"]},{"tag":"p","children":["第二段 a < b & \"c\"。"]},{"tag":"p","children":["第三段。"]}`
	ivLinkZH     = `{"tag":"p","children":[{"tag":"a","attrs":{"href":"https://www.voachinese.com/a/7040511.html"},"children":["阅读原文"]}]}`
)

func TestInstantViewPage(t *testing.T) {
	tests := []struct {
		name       string
		edit       func(*content.Article)
		lang       string
		title      string
		authorURL  string
		content    string
		titleRunes int
	}{
		{name: "photo, paragraphs, link", lang: langZH, title: "美国 <特使> & 日本",
			authorURL: "https://www.voachinese.com/a/7040511.html",
			content:   "[" + ivFigure + "," + ivParagraphs + "," + ivLinkZH + "]"},
		{name: "english", lang: LangEN, title: "美国 <特使> & 日本",
			authorURL: "https://www.voachinese.com/a/7040511.html",
			content: "[" + ivFigure + "," + ivParagraphs + "," +
				`{"tag":"p","children":[{"tag":"a","attrs":{"href":"https://www.voachinese.com/a/7040511.html"},"children":["Read the article"]}]}]`},
		{name: "no photo", lang: langZH, edit: func(a *content.Article) { a.Photo = nil },
			title: "美国 <特使> & 日本", authorURL: "https://www.voachinese.com/a/7040511.html",
			content: "[" + ivParagraphs + "," + ivLinkZH + "]"},
		{name: "photo without caption", lang: langZH, edit: func(a *content.Article) { a.Photo.Caption = "" },
			title: "美国 <特使> & 日本", authorURL: "https://www.voachinese.com/a/7040511.html",
			content: `[{"tag":"figure","children":[{"tag":"img","attrs":{"src":"https://gdb.voanews.com/1.jpg"}}]},` +
				ivParagraphs + "," + ivLinkZH + "]"},
		{name: "photo that is not a web URL", lang: langZH, edit: func(a *content.Article) { a.Photo.URL = "data:image/png;base64,AAAA" },
			title: "美国 <特使> & 日本", authorURL: "https://www.voachinese.com/a/7040511.html",
			content: "[" + ivParagraphs + "," + ivLinkZH + "]"},
		{name: "no paragraphs", lang: langZH, edit: func(a *content.Article) { a.Paragraphs, a.Photo = nil, nil },
			title: "美国 <特使> & 日本", authorURL: "https://www.voachinese.com/a/7040511.html",
			content: "[" + ivLinkZH + "]"},
		{name: "headline over 256 characters", lang: langZH, edit: func(a *content.Article) {
			a.Headline = strings.Repeat("长", 300)
		}, title: strings.Repeat("长", 255) + "…", authorURL: "https://www.voachinese.com/a/7040511.html",
			content: "[" + ivFigure + "," + ivParagraphs + "," + ivLinkZH + "]"},
		{name: "URL over 512 characters", lang: langZH, edit: func(a *content.Article) {
			a.URL = "https://www.voachinese.com/a/" + strings.Repeat("x", 500)
		}, title: "美国 <特使> & 日本", authorURL: "",
			content: "[" + ivFigure + "," + ivParagraphs + `,{"tag":"p","children":[{"tag":"a","attrs":{"href":"https://www.voachinese.com/a/` +
				strings.Repeat("x", 500) + `"},"children":["阅读原文"]}]}]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := instantViewArticle()
			if tt.edit != nil {
				tt.edit(&a)
			}
			p := InstantViewPage(a, tt.lang)
			if p.Title != tt.title || p.AuthorName != "美国之音" || p.AuthorURL != tt.authorURL {
				t.Fatalf("got title %q, author %q, %q; want %q, 美国之音, %q", p.Title, p.AuthorName, p.AuthorURL, tt.title, tt.authorURL)
			}
			b, err := telegraph.EncodeContent(p.Content)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.content {
				t.Fatalf("got content\n%s\nwant\n%s", b, tt.content)
			}
			if err := telegraph.ValidatePage(p); err != nil {
				t.Fatalf("ValidatePage: %v", err)
			}
		})
	}
}

// hugeArticle has paragraphs worth about 40 times Telegraph's limit.
func hugeArticle(n int) content.Article {
	a := instantViewArticle()
	a.Paragraphs = nil
	for i := range n {
		a.Paragraphs = append(a.Paragraphs, fmt.Sprintf("第%d段：", i+1)+strings.Repeat("新闻内容，", 60))
	}
	return a
}

func TestInstantViewPageCut(t *testing.T) {
	tests := []struct {
		name   string
		a      content.Article
		budget int
	}{
		{"huge article", hugeArticle(3000), telegraph.MaxContentSize},
		{"a little over", hugeArticle(73), telegraph.MaxContentSize},
		{"small budget", hugeArticle(30), 4000},
		{"markup to escape", func() content.Article {
			a := hugeArticle(0)
			for range 2000 {
				a.Paragraphs = append(a.Paragraphs, strings.Repeat(`"\`+"\x01<&>", 20))
			}
			return a
		}(), telegraph.MaxContentSize},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, lang := range []string{langZH, LangEN} {
				p := pageOf(tt.a, lang, tt.budget)
				size := telegraph.ContentSize(p.Content)
				if size > tt.budget {
					t.Fatalf("%s: got %d bytes, want at most %d", lang, size, tt.budget)
				}
				if err := telegraph.ValidatePage(p); err != nil {
					t.Fatalf("%s: ValidatePage: %v", lang, err)
				}
				// A figure, then whole paragraphs in order, then the cut line.
				if p.Content[0].Tag != "figure" {
					t.Fatalf("%s: first node %+v, want the figure", lang, p.Content[0])
				}
				paras := p.Content[1 : len(p.Content)-1]
				if len(paras) == 0 || len(paras) >= len(tt.a.Paragraphs) {
					t.Fatalf("%s: got %d of %d paragraphs, want a cut", lang, len(paras), len(tt.a.Paragraphs))
				}
				for i, n := range paras {
					if want := telegraph.Elem("p", telegraph.Text(strings.TrimSpace(tt.a.Paragraphs[i]))); !reflect.DeepEqual(n, want) {
						t.Fatalf("%s: paragraph %d: got %+v, want %+v", lang, i+1, n, want)
					}
				}
				last := p.Content[len(p.Content)-1]
				want := telegraph.Elem("p", telegraph.Text(cutMark),
					telegraph.Link(tt.a.URL, telegraph.Text(catalogFor(lang).ReadArticle)))
				if !reflect.DeepEqual(last, want) {
					t.Fatalf("%s: last node %+v, want %+v", lang, last, want)
				}
				// The cut is at the last paragraph end that fits.
				next := telegraph.Elem("p", telegraph.Text(strings.TrimSpace(tt.a.Paragraphs[len(paras)])))
				more := append(append(append([]telegraph.Node{}, p.Content[:len(p.Content)-1]...), next), last)
				if n := telegraph.ContentSize(more); n <= tt.budget {
					t.Fatalf("%s: one more paragraph takes %d bytes, within %d: the cut is too early", lang, n, tt.budget)
				}
			}
		})
	}
}

func TestInstantViewPageOneHugeParagraph(t *testing.T) {
	tests := []struct {
		name, text string
		slack      int // bytes the cut may leave unused: less than one rune's
	}{
		{"ascii", strings.Repeat("x", 100000), 0},
		{"chinese", strings.Repeat("长", 40000), 2},
		{"escaped", strings.Repeat("\"\x01", 40000), 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := instantViewArticle()
			a.Photo = nil
			a.Paragraphs = []string{tt.text, "second"}
			p := InstantViewPage(a, langZH)
			size := telegraph.ContentSize(p.Content)
			if size > telegraph.MaxContentSize || size < telegraph.MaxContentSize-tt.slack {
				t.Fatalf("got %d bytes, want %d to %d", size, telegraph.MaxContentSize-tt.slack, telegraph.MaxContentSize)
			}
			if len(p.Content) != 2 {
				t.Fatalf("got %d nodes, want the cut paragraph and the last line", len(p.Content))
			}
			got := p.Content[0].Children[0].Text
			if !strings.HasSuffix(got, "…") || !strings.HasPrefix(tt.text, strings.TrimSuffix(got, "…")) || !utf8.ValidString(got) {
				t.Fatalf("got a paragraph of %d bytes ending %q, want a prefix of the text and …", len(got), got[max(0, len(got)-12):])
			}
			if err := telegraph.ValidatePage(p); err != nil {
				t.Fatalf("ValidatePage: %v", err)
			}
		})
	}
}

func TestInstantViewHash(t *testing.T) {
	a := instantViewArticle()
	h := InstantViewHash(InstantViewPage(a, langZH))
	if again := InstantViewHash(InstantViewPage(instantViewArticle(), langZH)); again != h {
		t.Fatalf("same article: got %s then %s", h, again)
	}
	edits := []func(*content.Article){
		func(a *content.Article) { a.Headline += "（更新）" },
		func(a *content.Article) { a.Paragraphs[2] += "补充。" },
		func(a *content.Article) { a.Photo.Caption = "新说明" },
		func(a *content.Article) { a.Source = "VOA" },
	}
	for i, edit := range edits {
		b := instantViewArticle()
		edit(&b)
		if got := InstantViewHash(InstantViewPage(b, langZH)); got == h {
			t.Errorf("edit %d: the hash did not change", i+1)
		}
	}
	// What the page does not show does not count.
	b := instantViewArticle()
	b.Published = b.Published.Add(time.Hour)
	if got := InstantViewHash(InstantViewPage(b, langZH)); got != h {
		t.Errorf("a new date alone changed the hash")
	}
}

// checkNodes fails the test for a node Telegraph would refuse.
func checkNodes(t *testing.T, nodes []telegraph.Node) {
	t.Helper()
	for _, n := range nodes {
		if n.Tag == "" {
			continue
		}
		if !telegraph.AllowedTag(n.Tag) {
			t.Fatalf("tag %q not allowed", n.Tag)
		}
		for k := range n.Attrs {
			if !telegraph.AllowedAttr(k) {
				t.Fatalf("attribute %q on %s not allowed", k, n.Tag)
			}
		}
		checkNodes(t, n.Children)
	}
}

func TestInstantViewPageRoundTrip(t *testing.T) {
	const token = "iv-test-token"
	s := telegraphfake.New(t, telegraphfake.Options{Token: token})
	c, err := telegraph.New(telegraph.Config{Endpoint: s.URL, Token: token, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	articles := []content.Article{instantViewArticle(), hugeArticle(3000), func() content.Article {
		a := instantViewArticle()
		a.Photo, a.Paragraphs = nil, []string{strings.Repeat("长", 40000)}
		return a
	}()}
	var paths []string
	for i, a := range articles {
		p := InstantViewPage(a, langZH)
		checkNodes(t, p.Content)
		got, err := c.CreatePage(ctx, p)
		if err != nil {
			t.Fatalf("article %d: %v", i+1, err)
		}
		paths = append(paths, got.Path)
		kept, ok := s.Page(got.Path)
		if !ok || kept.Title != p.Title || kept.AuthorName != a.Source || kept.AuthorURL != a.URL {
			t.Fatalf("article %d: the server kept %+v", i+1, kept)
		}
		want, _ := telegraph.EncodeContent(p.Content)
		if string(kept.Content) != string(want) {
			t.Fatalf("article %d: the server kept other content", i+1)
		}
		texts := telegraphfake.Texts(kept.Content)
		if i == 0 {
			wantTexts := []string{"图片说明", "第一段。", "第二段 a < b & \"c\"。", "第三段。", "阅读原文"}
			if !reflect.DeepEqual(texts, wantTexts) {
				t.Fatalf("got texts %q, want %q", texts, wantTexts)
			}
		}
	}

	// A changed article edits its page; an unchanged one leaves it.
	a, path := instantViewArticle(), paths[0]
	p := InstantViewPage(a, langZH)
	a.Paragraphs = append(a.Paragraphs, "第四段。")
	if q := InstantViewPage(a, langZH); InstantViewHash(q) != InstantViewHash(p) {
		if _, err := c.EditPage(ctx, path, q); err != nil {
			t.Fatal(err)
		}
	}
	if s.Creates() != len(articles) || s.Edits() != 1 {
		t.Fatalf("got %d creates, %d edits; want %d, 1", s.Creates(), s.Edits(), len(articles))
	}
	kept, _ := s.Page(path)
	if texts := telegraphfake.Texts(kept.Content); texts[len(texts)-2] != "第四段。" {
		t.Fatalf("after the edit: got texts %q", texts)
	}
}
