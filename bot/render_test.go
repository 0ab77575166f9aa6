package bot

import (
	"context"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/internal/tgfake"
)

func testArticle() content.Article {
	return content.Article{
		ID:        "a1",
		Headline:  "美日韩特使呼吁国际社会联手切断朝鲜导弹核武项目的经费来源",
		URL:       "https://www.voachinese.com/a/7040511.html",
		Published: time.Date(2023, 4, 7, 13, 8, 7, 0, time.UTC),
		Lead:      "美国、日本和韩国的特使周五呼吁国际社会采取行动。他们说，朝鲜的非法网络活动为其武器项目提供了资金。",
		Photo:     &content.Photo{URL: "https://example.com/a.jpg"},
		Source:    "美国之音",
	}
}

func TestRender(t *testing.T) {
	long := strings.Repeat("这是一个句子。", 1500) // 10,500 characters
	emojiLead := strings.Repeat("😀", 2000)  // surrogate pairs only, no sentence end
	tests := []struct {
		name     string
		edit     func(*content.Article)
		lang     string
		page     string   // the Instant View page's URL, if any
		contains []string // in the HTML caption
		absent   []string
		cut      bool // the caption's lead must end with "…"
	}{
		{name: "plain", lang: langZH, contains: []string{
			"<b>美日韩特使", "2023年4月7日 · 美国之音 · ", `<a href="https://www.voachinese.com/a/7040511.html">阅读原文</a>`}},
		{name: "english date", lang: LangEN, contains: []string{"7 Apr 2023 · 美国之音", ">Read the article</a>"}},
		{name: "markup in headline lead and URL", lang: langZH, edit: func(a *content.Article) {
			a.Headline = `<p>Tom & "Jerry" > Spike</p>`
			a.Lead = `1 < 2 && 3 > 2 "quoted" <script>alert(1)</script>`
			a.URL = `https://example.com/?a=1&b="2"<x>`
		}, contains: []string{
			"<b>&lt;p&gt;Tom &amp; &quot;Jerry&quot; &gt; Spike&lt;/p&gt;</b>",
			"1 &lt; 2 &amp;&amp; 3 &gt; 2",
			`href="https://example.com/?a=1&amp;b=&quot;2&quot;&lt;x&gt;"`,
		}},
		{name: "ten thousand character lead", lang: langZH, edit: func(a *content.Article) { a.Lead = long },
			contains: []string{"这是一个句子。…"}, cut: true},
		{name: "instant view link counts", lang: langZH, page: "https://telegra.ph/Title-04-07",
			edit: func(a *content.Article) { a.Lead = long }, contains: []string{
				"这是一个句子。…", `阅读原文</a> · <a href="https://telegra.ph/Title-04-07">⚡ 即时预览</a>`}, cut: true},
		{name: "instant view link in english", lang: LangEN, page: "https://telegra.ph/T?a=1&b=2",
			contains: []string{`Read the article</a> · <a href="https://telegra.ph/T?a=1&amp;b=2">⚡ Instant View</a>`}},
		{name: "emoji at the cut", lang: LangEN, edit: func(a *content.Article) { a.Lead = emojiLead }, cut: true},
		{name: "emoji ZWJ sequences at the cut", lang: LangEN, edit: func(a *content.Article) {
			a.Lead = strings.Repeat("👩‍👩‍👧‍👦👍🏽🇯🇵", 300)
		}, cut: true},
		{name: "entities near the cut", lang: LangEN, edit: func(a *content.Article) {
			a.Lead = strings.Repeat("a<b&c>\"d ", 300)
		}, cut: true},
		{name: "english sentences", lang: LangEN, edit: func(a *content.Article) {
			a.Lead = strings.Repeat("The U.S. said 3.5 percent. ", 60)
		}, contains: []string{"percent.…"}, cut: true},
		{name: "closing quote after the stop", lang: langZH, edit: func(a *content.Article) {
			a.Lead = strings.Repeat("他说：“我们会来。”", 150)
		}, contains: []string{"。”…"}, cut: true},
		{name: "headline longer than the caption", lang: langZH, edit: func(a *content.Article) {
			a.Headline = strings.Repeat("标题&", 600)
		}, contains: []string{"…</b>", "阅读原文</a>"}, absent: []string{"他们说"}},
		{name: "no lead", lang: langZH, edit: func(a *content.Article) { a.Lead = "" },
			contains: []string{"</b>\n\n2023年4月7日"}},
		{name: "no photo", lang: langZH, edit: func(a *content.Article) { a.Photo = nil }},
		{name: "no date, no source, no URL", lang: langZH, edit: func(a *content.Article) {
			a.Published, a.Source, a.URL = time.Time{}, "", ""
		}, absent: []string{"<a ", "年"}},
		{name: "feed time when no published time", lang: langZH, edit: func(a *content.Article) {
			a.Published = time.Time{}
			a.FeedTime = time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
		}, contains: []string{"2024年1月2日"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testArticle()
			if tt.edit != nil {
				tt.edit(&a)
			}
			caption := renderCaption(a, tt.lang, tt.page)
			if err := tgfake.CheckCaption(caption, parseModeHTML); err != nil {
				t.Fatalf("caption refused: %v\n%s", err, caption)
			}
			text := renderText(a, tt.lang, tt.page)
			if err := tgfake.CheckText(text, parseModeHTML); err != nil {
				t.Fatalf("text refused: %v\n%s", err, text)
			}
			for _, limit := range []int{captionLimit, textLimit} {
				plain := renderPlain(a, tt.lang, tt.page, limit)
				if !utf8.ValidString(plain) {
					t.Errorf("plain form (%d) is not valid UTF-8", limit)
				}
				if got := tgfake.UTF16Len(plain); got > limit {
					t.Errorf("plain form: got %d units, want at most %d", got, limit)
				}
				if a.URL != "" && !strings.Contains(plain, a.URL) {
					t.Errorf("plain form (%d): got %q, want the URL in it", limit, plain)
				}
				if tt.page != "" && !strings.Contains(plain, tt.page) {
					t.Errorf("plain form (%d): got %q, want the page's URL in it", limit, plain)
				}
			}
			for _, s := range tt.contains {
				if !strings.Contains(caption, s) {
					t.Errorf("got caption %q, want it to contain %q", caption, s)
				}
			}
			for _, s := range tt.absent {
				if strings.Contains(caption, s) {
					t.Errorf("got caption %q, want it without %q", caption, s)
				}
			}
			if tt.cut {
				visible, _ := tgfake.ParseHTML(caption)
				lead := strings.Split(visible, "\n\n")[1]
				if !strings.HasSuffix(lead, "…") {
					t.Errorf("got lead ending %q, want it cut with …", lastRunes(lead, 10))
				}
				if got := tgfake.UTF16Len(visible); got < captionLimit*3/4 {
					t.Errorf("got %d units, want the cut lead to use most of the %d", got, captionLimit)
				}
			}
		})
	}
}

func TestRenderShortLeadUncut(t *testing.T) {
	a := testArticle()
	got, _ := tgfake.ParseHTML(renderCaption(a, langZH, ""))
	want := a.Headline + "\n\n" + a.Lead + "\n\n2023年4月7日 · 美国之音 · 阅读原文"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestRenderAnnouncement(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"hello", "hello"},
		{" <b>Tom & \"Jerry\"</b> ", "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;"},
	}
	for _, tt := range tests {
		if got := renderAnnouncement(tt.in); got != tt.want {
			t.Errorf("RenderAnnouncement(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
	long := renderAnnouncement(strings.Repeat("&😀", 3000))
	if err := tgfake.CheckText(long, parseModeHTML); err != nil {
		t.Errorf("long announcement refused: %v", err)
	}
}

func TestLang(t *testing.T) {
	tests := []struct{ code, want string }{
		{"", langZH}, {"zh-hans", langZH}, {"en", LangEN}, {"en-GB", LangEN}, {"EN", LangEN}, {"eo", langZH},
		{"zh", langZH}, {"zh-CN", langZH}, {"zh-SG", langZH}, {"zh-Hans-HK", langZH}, {"zh-hant", langZHHant},
		{"zh-TW", langZHHant}, {"zh_HK", langZHHant}, {"zh-MO", langZHHant}, {"zh-Hant-TW", langZHHant}, {"zht", langZH},
	}
	for _, tt := range tests {
		if got := langOf(tt.code); got != tt.want {
			t.Errorf("Lang(%q): got %q, want %q", tt.code, got, tt.want)
		}
	}
}

func lastRunes(s string, n int) string {
	r := []rune(s)
	if len(r) > n {
		r = r[len(r)-n:]
	}
	return string(r)
}

func TestCutText(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		max       int
		sentences bool
		want      string
	}{
		{"sentence end", "One two. Three four five six.", 16, true, "One two.…"},
		{"early sentence end ignored", "One two. Three four five six.", 24, true, "One two. Three four…"},
		{"decimal point is no sentence end", "Rates rose 3.5 percent today", 14, true, "Rates rose…"},
		{"chinese stop", "第一句。第二句很长很长很长", 9, true, "第一句。…"},
		{"no sentence end falls back to a space", "aaaa bbbb cccc dddd", 12, true, "aaaa bbbb…"},
		{"surrogate pair not split", "ab😀cd", 4, false, "ab…"},
		{"skin tone kept with its emoji", "ab👍🏽cd", 6, false, "ab…"},
		{"flag pair kept whole", "ab🇯🇵🇫🇷", 8, false, "ab🇯🇵…"},
		{"nothing fits", "abc", 1, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := cutText(tt.in, tt.max, tt.sentences)
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if n := utf16Len(got); n > tt.max {
				t.Errorf("got %d units, want at most %d", n, tt.max)
			}
		})
	}
}

// FuzzRender checks that whatever the article holds, Telegram accepts every
// rendered form.
func FuzzRender(f *testing.F) {
	f.Add("Tom & \"Jerry\"", "1 < 2. 3 > 2! 😀🇯🇵", "https://e.com/?a=1&b=\"2\"", "VOA")
	f.Add(strings.Repeat("标题", 700), strings.Repeat("句子。", 3000), "", "")
	f.Fuzz(func(t *testing.T, headline, lead, url, source string) {
		a := content.Article{Headline: headline, Lead: lead, URL: url, Source: source,
			Published: time.Date(2023, 4, 7, 0, 0, 0, 0, time.UTC)}
		for _, lang := range []string{langZH, LangEN} {
			if err := tgfake.CheckCaption(renderCaption(a, lang, ""), parseModeHTML); err != nil {
				t.Fatalf("caption: %v", err)
			}
			if s := renderText(a, lang, ""); strings.TrimSpace(headline+lead+source+url) != "" {
				if err := tgfake.CheckText(s, parseModeHTML); err != nil {
					t.Fatalf("text: %v", err)
				}
			}
			for _, limit := range []int{captionLimit, textLimit} {
				if n := tgfake.UTF16Len(renderPlain(a, lang, "", limit)); n > limit {
					t.Fatalf("plain: got %d units, want at most %d", n, limit)
				}
			}
		}
	})
}

// FuzzEscape checks that escaped text reads back unchanged, in text and in
// an href.
func FuzzEscape(f *testing.F) {
	f.Add(`<p>Tom & "Jerry"</p> &amp; &#60;`)
	f.Fuzz(func(t *testing.T, s string) {
		s = strings.ToValidUTF8(s, "\uFFFD")
		got, err := tgfake.ParseHTML(`<a href="` + escape(s) + `">` + escape(s) + "</a>")
		if err != nil {
			t.Fatalf("refused: %v", err)
		}
		if got != s {
			t.Fatalf("got %q, want %q", got, s)
		}
	})
}

// TestArticleMessagesAccepted sends every form of an article through the
// real client to the fake.
func TestArticleMessagesAccepted(t *testing.T) {
	s := tgfake.New(t, tgfake.Options{Unlimited: true})
	c := newTestClient(t, s, nil)
	a := testArticle()
	a.Headline = `<b>"Tom" & Jerry</b>`
	a.Lead = strings.Repeat("一句话里有<>&\"。", 400)
	ln := articleLinks{fullText: fullTextLink(c.Self().UserName, a.ID), page: "https://telegra.ph/Tom-Jerry-04-07"}
	msgs := []tgbotapi.Chattable{
		articlePhoto(1, a, langZH, ln, tgbotapi.FileURL(a.Photo.URL)),
		articlePhoto(2, a, LangEN, ln, tgbotapi.FileBytes{Name: "a.jpg", Bytes: []byte("JPEG")}),
		articleText(3, a, langZH, ln),
		articlePlain(4, a, LangEN, ln),
	}
	for i, m := range msgs {
		if _, err := c.Send(context.Background(), m); err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
	got := s.Messages()
	if len(got) != len(msgs) {
		t.Fatalf("got %d messages, want %d", len(got), len(msgs))
	}
	for _, m := range got {
		if !strings.HasPrefix(m.Visible, `<b>"Tom" & Jerry</b>`) {
			r := []rune(m.Visible)
			t.Errorf("chat %d: got %q…, want the headline as written", m.ChatID, string(r[:min(len(r), 40)]))
		}
	}
	if got[3].ParseMode != "" || !strings.Contains(got[3].Text, a.URL) || !strings.Contains(got[3].Text, ln.page) {
		t.Errorf("plain form: got parse mode %q, want none and the URLs written out", got[3].ParseMode)
	}
	for _, m := range got {
		var urls []string
		for _, row := range m.Buttons {
			for _, b := range row {
				urls = append(urls, b.URL)
			}
		}
		if len(urls) != 2 || urls[0] != ln.fullText || urls[1] != ln.page {
			t.Errorf("chat %d: got buttons %q, want the full text's and the page's", m.ChatID, urls)
		}
	}
}
