package bot

import (
	"fmt"
	"strings"
	"testing"
	"unicode"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// longArticle is an article whose paragraphs make several messages: n
// paragraphs of about 900 characters each, told apart by their numbers.
func longArticle(id string, n int, photo *content.Photo) content.Article {
	a := article(id, recent(), photo)
	for i := range n {
		p := fmt.Sprintf("第%d段：", i+1) + strings.Repeat(fmt.Sprintf("这是第%d段的一个句子，有 <b> 和 & 符号。", i+1), 30)
		a.Paragraphs = append(a.Paragraphs, p)
	}
	a.Lead = a.Paragraphs[0]
	return a
}

// squeeze drops the white space of s: a paragraph split between two
// messages loses the spaces at the cut.
func squeeze(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// checkParagraphs checks that texts, read in order, hold every paragraph
// of a exactly once, in order.
func checkParagraphs(t *testing.T, a content.Article, texts []string) {
	t.Helper()
	all := squeeze(strings.Join(texts, ""))
	at := 0
	for i, p := range a.Paragraphs {
		p = squeeze(p)
		if p == "" {
			continue
		}
		if n := strings.Count(all, p); n != 1 {
			t.Errorf("paragraph %d: got it %d times, want once", i, n)
			continue
		}
		j := strings.Index(all, p)
		if j < at {
			t.Errorf("paragraph %d: got it before paragraph %d, want the order kept", i, i-1)
		}
		at = j + len(p)
	}
}

func TestRenderFullText(t *testing.T) {
	photo := &content.Photo{URL: "https://news.example/p.jpg", Caption: "A caption & more",
		Fallbacks: []string{"https://origin.example/p.jpg", "not a URL"}}
	huge := strings.Repeat("This is one sentence of a paragraph that never ends. ", 200) // 10,600 units
	tests := []struct {
		name      string
		a         content.Article
		lang      string
		offer     bool
		photos    int // photo URLs
		minTexts  int
		wantFirst string // the first text message's visible text starts so
	}{
		{name: "short, no photo", a: article("s1", recent(), nil), lang: langZH, offer: true,
			minTexts: 1, wantFirst: "Headline s1\n"},
		{name: "long with photo", a: longArticle("l1", 12, photo), lang: LangEN, offer: true,
			photos: 2, minTexts: 3, wantFirst: "第1段："},
		{name: "paragraph longer than a message", lang: LangEN, a: func() content.Article {
			a := article("h1", recent(), nil)
			a.Paragraphs = []string{"Before.", huge, "After."}
			return a
		}(), minTexts: 3, wantFirst: "Headline h1\n"},
		{name: "chinese paragraph longer than a message", lang: langZH, a: func() content.Article {
			a := article("h2", recent(), nil)
			a.Paragraphs = []string{strings.Repeat("这是一个没有空格的句子。", 1000)}
			return a
		}(), offer: true, minTexts: 3, wantFirst: "Headline h2\n"},
		{name: "headline only", a: func() content.Article {
			a := article("e1", recent(), nil)
			a.Lead, a.Paragraphs = "", nil
			return a
		}(), lang: langZH, minTexts: 1, wantFirst: "Headline e1\n"},
		{name: "lead without paragraphs", a: article("e2", recent(), nil), lang: langZH,
			minTexts: 1, wantFirst: "Headline e2\n"},
		{name: "absurd headline", a: func() content.Article {
			a := longArticle("e3", 2, photo)
			a.Headline = strings.Repeat("标题&", 3000)
			return a
		}(), lang: langZH, photos: 2, minTexts: 1, wantFirst: "第1段："},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := catalogFor(tt.lang)
			ft := renderFullText(tt.a, tt.lang, tt.offer)
			if len(ft.photo) != tt.photos {
				t.Errorf("got photo URLs %q, want %d", ft.photo, tt.photos)
			}
			if tt.photos > 0 {
				if err := tgfake.CheckCaption(ft.caption.html, parseModeHTML); err != nil {
					t.Errorf("caption refused: %v", err)
				}
				if err := tgfake.CheckText(ft.header.html, parseModeHTML); err != nil {
					t.Errorf("header refused: %v", err)
				}
				caption, _ := tgfake.ParseHTML(ft.caption.html)
				if !strings.HasPrefix(tt.a.Headline, strings.TrimSuffix(strings.Split(caption, "\n")[0], "…")) {
					t.Errorf("got caption %q, want the headline first", caption)
				}
				if tt.a.Photo.Caption != "" && !strings.Contains(caption, tt.a.Photo.Caption) && len(tt.a.Headline) < 100 {
					t.Errorf("got caption %q, want the photo's caption in it", caption)
				}
			}
			if len(ft.texts) < tt.minTexts {
				t.Fatalf("got %d text messages, want at least %d", len(ft.texts), tt.minTexts)
			}
			var texts []string
			for i, m := range ft.texts {
				if err := tgfake.CheckText(m.html, parseModeHTML); err != nil {
					t.Fatalf("message %d refused: %v", i, err)
				}
				if err := tgfake.CheckText(m.plain, ""); err != nil {
					t.Fatalf("message %d's plain form refused: %v", i, err)
				}
				v, _ := tgfake.ParseHTML(m.html)
				if v != visibleText(m.html) {
					t.Errorf("message %d: visibleText %q, Telegram shows %q", i, visibleText(m.html), v)
				}
				texts = append(texts, v)
			}
			if !strings.HasPrefix(texts[0], tt.wantFirst) {
				t.Errorf("got first message %q…, want it to start %q", lastRunes(texts[0][:min(len(texts[0]), 80)], 40), tt.wantFirst)
			}
			checkParagraphs(t, tt.a, texts)
			last := texts[len(texts)-1]
			wantEnd := c.ReadArticle
			if tt.offer {
				wantEnd += "\n\n" + c.SubscribeOffer
			}
			if !strings.HasSuffix(last, wantEnd) {
				t.Errorf("got last message ending %q, want %q", lastRunes(last, 60), wantEnd)
			}
			if !strings.Contains(ft.texts[len(ft.texts)-1].plain, tt.a.URL) {
				t.Errorf("the plain form of the last message lacks the URL")
			}
		})
	}
}

// TestRenderFullTextEmpty: an article with nothing in it (content never
// makes one) renders without a panic, and nothing empty is sent.
func TestRenderFullTextEmpty(t *testing.T) {
	for _, a := range []content.Article{
		{},
		{Photo: &content.Photo{URL: "https://news.example/p.jpg"}},
		{Source: "News", Photo: &content.Photo{URL: "https://news.example/p.jpg", Caption: "c"}},
	} {
		ft := renderFullText(a, langZH, false)
		if err := tgfake.CheckCaption(ft.caption.html, parseModeHTML); err != nil {
			t.Errorf("%+v: caption refused: %v", a, err)
		}
		for _, m := range append([]fullMessage{ft.header}, ft.texts...) {
			if m.html == "" {
				continue
			}
			if err := tgfake.CheckText(m.html, parseModeHTML); err != nil {
				t.Errorf("%+v: %q refused: %v", a, m.html, err)
			}
		}
	}
}

func TestSplitText(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		limit int
		want  []string
	}{
		{"fits", "One. Two.", 20, []string{"One. Two."}},
		{"at a sentence end", "One two three. Four five six. Seven.", 20, []string{"One two three.", "Four five six.", "Seven."}},
		{"at a space", "aaaa bbbb cccc dddd eeee", 12, []string{"aaaa bbbb", "cccc dddd", "eeee"}},
		{"chinese", "第一句。第二句。第三句。", 8, []string{"第一句。第二句。", "第三句。"}},
		{"no break", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"surrogate pairs", "😀😀😀", 4, []string{"😀😀", "😀"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := splitText(tt.in, tt.limit)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			for _, p := range got {
				if n := utf16Len(p); n > tt.limit {
					t.Errorf("piece %q: %d units, want at most %d", p, n, tt.limit)
				}
			}
		})
	}
}

// TestFullTextButton follows the full-text button of a broadcast message,
// as a reader who never subscribed, through the fake Bot API.
func TestFullTextButton(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{}).run()
	photo := &content.Photo{URL: "https://news.example/p.jpg", Caption: "The caption"}
	a := longArticle("ft1", 12, photo)
	h.subscribe(1)
	h.putArticles(a)
	if sum := h.broadcast(); sum.Sent != 1 {
		t.Fatalf("got %+v, want 1 sent", sum)
	}
	got := h.fake.MessagesTo(1)
	if len(got) != 1 {
		t.Fatalf("got %d messages to the subscriber, want 1", len(got))
	}
	link := fullTextLink(h.bot.self, a.ID)
	if b := buttons(got[0]); len(b) != 1 || b[0].Text != catalogFor(langZH).FullTextButton || b[0].URL != link {
		t.Fatalf("got buttons %+v, want one %q to %s", b, catalogFor(langZH).FullTextButton, link)
	}

	reader := user(5000, "en")
	if _, err := h.fake.FollowStartLink(reader, buttons(got[0])[0].URL); err != nil {
		t.Fatalf("FollowStartLink: %v", err)
	}
	ft := renderFullText(a, LangEN, true)
	want := 1 + len(ft.texts)
	msgs := h.waitMessages(t, reader.ID, want)
	h.settle()
	msgs = h.fake.MessagesTo(reader.ID)
	if len(msgs) != want {
		t.Fatalf("got %d messages, want %d (a photo and %d texts)", len(msgs), want, len(ft.texts))
	}
	if msgs[0].Method != "sendPhoto" || msgs[0].Photo != photo.URL || !strings.HasPrefix(msgs[0].Visible, a.Headline+"\n") ||
		!strings.Contains(msgs[0].Visible, "The caption") {
		t.Errorf("got first message %s %q %q, want the photo with the headline and the caption", msgs[0].Method, msgs[0].Photo, msgs[0].Visible)
	}
	var texts []string
	for i, m := range msgs[1:] {
		if m.Method != "sendMessage" || !m.DisablePreview {
			t.Errorf("message %d: got %s, preview disabled %v; want a text without preview", i+1, m.Method, m.DisablePreview)
		}
		if n := tgfake.UTF16Len(m.Visible); n > textLimit {
			t.Errorf("message %d: %d units, want at most %d", i+1, n, textLimit)
		}
		texts = append(texts, m.Visible)
	}
	checkParagraphs(t, a, texts)
	last := texts[len(texts)-1]
	if en := catalogFor(LangEN); !strings.HasSuffix(last, en.ReadArticle+"\n\n"+en.SubscribeOffer) {
		t.Errorf("got the last message ending %q, want the link and the offer", lastRunes(last, 80))
	}
	if !strings.Contains(msgs[len(msgs)-1].Text, `href="`+a.URL+`"`) {
		t.Errorf("the last message does not link to the original")
	}
	if isSubscribed(t, h.store, reader.ID) {
		t.Errorf("the reader got subscribed, want not")
	}
	if _, err := h.store.Subscriber(reader.ID); err == nil {
		t.Errorf("the reader is in the store, want no subscriber made")
	}
}

// TestStartPayload covers the answers to /start with and without a payload.
func TestStartPayload(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{}).run()
	a := article("sp1", recent(), nil)
	a.Paragraphs = []string{"Only paragraph."}
	h.putArticles(a)
	payload := state.ShortID(a.ID)
	zh, en := catalogFor(langZH), catalogFor(LangEN)
	tests := []struct {
		name   string
		lang   string
		texts  []string
		want   []string // each reply contains this, in order
		absent string   // and no reply contains this
		subd   bool
	}{
		{"full text", "en", []string{"/start " + payload},
			[]string{"Headline sp1\n" + metaLine(a, LangEN) + "\n\nOnly paragraph.\n\n" + en.ReadArticle + "\n\n" + en.SubscribeOffer}, "", false},
		{"unknown article", "zh", []string{"/start " + state.ShortID("nothing")}, []string{zh.ArticleNotFound}, "", false},
		{"malformed payload", "en", []string{"/start no such thing!"}, []string{en.ArticleNotFound}, "", false},
		{"payload of the article ID", "en", []string{"/start " + a.ID}, []string{en.ArticleNotFound}, "", false},
		{"no payload", "zh", []string{"/start"}, []string{zh.Welcome, "Headline sp1"}, zh.SubscribeOffer, true},
		{"subscribed: no offer", "en", []string{"/subscribe", "/start " + payload},
			[]string{en.Subscribed, "Only paragraph.\n\n" + en.ReadArticle}, en.SubscribeOffer, true},
		{"a few a minute", "en", []string{"/start " + payload, "/start " + payload, "/start " + payload, "/start " + payload},
			[]string{"Only paragraph.", "Only paragraph.", "Only paragraph.", en.FullTextLater}, "", false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := user(int64(6000+i), tt.lang)
			for _, text := range tt.texts {
				h.fake.PostPrivate(u, text)
			}
			got := visible(h.waitMessages(t, u.ID, len(tt.want)))
			for j := range tt.want {
				if !contains(got[j], tt.want[j]) {
					t.Errorf("reply %d: got %q, want it to contain %q", j, got[j], tt.want[j])
				}
			}
			for j := range got {
				if tt.absent != "" && contains(got[j], tt.absent) {
					t.Errorf("reply %d: got %q, want it without %q", j, got[j], tt.absent)
				}
			}
			if got := isSubscribed(t, h.store, u.ID); got != tt.subd {
				t.Errorf("got subscribed %v, want %v", got, tt.subd)
			}
		})
	}
	h.settle()
	for i, tt := range tests {
		if got, want := len(h.fake.MessagesTo(int64(6000+i))), len(tt.want); got != want {
			t.Errorf("%s: got %d replies in all, want %d", tt.name, got, want)
		}
	}
}

// TestStartPayloadInGroup: in a group, /start with a payload is /start.
func TestStartPayloadInGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{}).run()
	a := article("g1", recent(), nil)
	a.Paragraphs = []string{"Paragraph one.", "Paragraph two."}
	h.putArticles(a)
	const group = -4001
	h.fake.PostAnonymousAdmin(group, "/start "+state.ShortID(a.ID))
	got := visible(h.waitMessages(t, group, 2))
	h.settle()
	got = visible(h.fake.MessagesTo(group))
	zh := catalogFor(langZH)
	if len(got) != 2 || !strings.HasPrefix(got[0], zh.Welcome) || !strings.HasPrefix(got[1], "Headline g1\n") {
		t.Fatalf("got %q, want the welcome and the latest article", got)
	}
	if strings.Contains(got[1], "Paragraph two.") {
		t.Errorf("got the full text in the group, want the summary")
	}
	if !isSubscribed(t, h.store, group) {
		t.Errorf("the group is not subscribed, want it subscribed as by /start")
	}
}

func buttons(m tgfake.Message) []tgfake.Button {
	var out []tgfake.Button
	for _, row := range m.Buttons {
		out = append(out, row...)
	}
	return out
}
