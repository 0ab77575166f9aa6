package bot

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/bot/telegraph"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/internal/telegraphfake"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// The tests of this file broadcast as fast as the fake allows: they do not
// run in parallel with the others, whose pacing is timed against the fake's
// windows and would meet a busier CPU.

// newPagesHarness is a harness whose bot publishes Telegraph pages to a
// fake Telegraph server, with fast retries; o.PageWait and the client's
// timeout may be set by the caller (telegraphTimeout: 0 for the default).
func newPagesHarness(t *testing.T, to telegraphfake.Options, token string, telegraphTimeout time.Duration, o Options) (*harness, *telegraphfake.Server) {
	t.Helper()
	tf := telegraphfake.New(t, to)
	tg, err := telegraph.New(telegraph.Config{Endpoint: tf.URL, Token: token, Timeout: telegraphTimeout})
	if err != nil {
		t.Fatal(err)
	}
	fo, fast := fastOptions()
	fast.Telegraph = tg
	fast.PageRetry = 50 * time.Millisecond
	fast.PageWait = o.PageWait
	return newHarness(t, fo, fast), tf
}

// pagesArticles are three articles with photos, published an hour apart.
func pagesArticles() []content.Article {
	pub := time.Now().Add(-3 * time.Hour)
	var arts []content.Article
	for i, id := range []string{"a0", "a1", "a2"} {
		a := article(id, pub.Add(time.Duration(i)*time.Hour), &content.Photo{URL: "https://news.example/" + id + ".jpg", Caption: "Photo " + id})
		a.Paragraphs = []string{a.Lead, "Second paragraph of " + id + "."}
		arts = append(arts, a)
	}
	return arts
}

// pageURL is the stored page URL of the article id, "" for none.
func (h *harness) pageURL(id string) string {
	p, err := h.store.Page(id)
	if err != nil {
		return ""
	}
	return p.URL
}

// checkArticleMessage checks an article message's buttons and links:
// always the full-text button, and the Instant View button and link when
// page is not "".
func checkArticleMessage(t *testing.T, h *harness, m tgfake.Message, id, page string) {
	t.Helper()
	words := map[string]bool{catalogFor(langZH).InstantView: true, catalogFor(LangEN).InstantView: true}
	b := buttons(m)
	want := 1
	if page != "" {
		want = 2
	}
	if len(b) != want {
		t.Fatalf("chat %d: got buttons %+v, want %d", m.ChatID, b, want)
	}
	if b[0].URL != fullTextLink(h.bot.self, id) {
		t.Errorf("chat %d: got full-text button %+v, want the deep link of %s", m.ChatID, b[0], id)
	}
	hasLink := strings.Contains(m.Text, `href="`+page+`">`+b[len(b)-1].Text+"</a>")
	switch {
	case page != "" && (b[1].URL != page || !words[b[1].Text] || !hasLink):
		t.Errorf("chat %d: got %+v and text %q, want the Instant View button and link to %s", m.ChatID, b[1], m.Text, page)
	case page == "" && strings.Contains(m.Text, "telegra.ph"):
		t.Errorf("chat %d: got text %q, want no Instant View link", m.ChatID, m.Text)
	}
}

// TestPagesOnePerArticle: a broadcast to many chats makes one page per
// article, before the first send, and every message links to it.
func TestPagesOnePerArticle(t *testing.T) {
	h, tf := newPagesHarness(t, telegraphfake.Options{}, "", 0, Options{})
	chats := chatIDs(60)
	h.subscribe(chats...)
	arts := pagesArticles()
	h.putArticles(arts...)
	h.run()
	if sum := h.broadcast(); sum.Sent != 180 {
		t.Fatalf("got %+v, want 180 sent", sum)
	}
	if got := tf.Creates(); got != 3 {
		t.Errorf("got %d pages created, want 3 (one per article)", got)
	}
	if got := tf.Calls("createAccount"); got != 1 {
		t.Errorf("got %d createAccount calls, want 1", got)
	}
	if tok, err := h.store.TelegraphToken(); err != nil || tok == "" {
		t.Errorf("got token %q, %v; want the account's token kept", tok, err)
	}
	checkOnce(t, received(h.fake.Messages(), []string{"Headline a0", "Headline a1", "Headline a2"}), chats,
		[]string{"Headline a0", "Headline a1", "Headline a2"})
	for _, m := range h.fake.Messages() {
		id := strings.TrimPrefix(strings.SplitN(m.Visible, "\n", 2)[0], "Headline ")
		checkArticleMessage(t, h, m, id, h.pageURL(id))
		if h.pageURL(id) == "" {
			t.Fatalf("article %s has no page", id)
		}
	}
	for _, p := range tf.Pages() {
		if p.AuthorName != "News" || !strings.HasPrefix(p.AuthorURL, "https://news.example/") {
			t.Errorf("page %s: got author %q %q, want the outlet and the original", p.Path, p.AuthorName, p.AuthorURL)
		}
	}

	// /latest reuses the pages.
	reader := user(9001, "zh")
	h.fake.PostPrivate(reader, "/latest 3")
	for i, m := range h.waitMessages(t, reader.ID, 3) {
		checkArticleMessage(t, h, m, arts[i].ID, h.pageURL(arts[i].ID))
	}
	if got := tf.Creates(); got != 3 {
		t.Errorf("after /latest: got %d pages created, want still 3", got)
	}
}

// TestPagesChangedArticleEdits: a changed article edits its page, found
// either by ArticlesChanged (after a scan) or by the next send.
func TestPagesChangedArticleEdits(t *testing.T) {
	h, tf := newPagesHarness(t, telegraphfake.Options{}, "", 0, Options{})
	h.subscribe(1, 2)
	arts := pagesArticles()
	h.putArticles(arts...)
	h.run()
	h.broadcast()
	if got := tf.Creates(); got != 3 {
		t.Fatalf("got %d pages, want 3", got)
	}
	first, err := h.store.Page("a1")
	if err != nil {
		t.Fatal(err)
	}

	waitEdits := func(n int) {
		t.Helper()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := tf.Wait(ctx, func() bool { return tf.Edits() >= n }); err != nil {
			t.Fatalf("waiting for %d edits: %v (got %d)", n, err, tf.Edits())
		}
	}
	texts := func(id string) string {
		p, _ := h.store.Page(id)
		page, _ := tf.Page(p.Path)
		return strings.Join(telegraphfake.Texts(page.Content), "|")
	}

	steps := []struct {
		name    string
		lead    string
		trigger func()
	}{
		{"after a scan", "A new lead.", h.bot.ArticlesChanged},
		{"at the next send", "Another lead.", func() { h.fake.PostPrivate(user(9002, "en"), "/latest 3") }},
	}
	for i, st := range steps {
		a := arts[1]
		a.Lead = st.lead
		a.Paragraphs = []string{st.lead, "Second paragraph of a1."}
		h.putArticles(a)
		st.trigger()
		waitEdits(i + 1)
		if got := tf.Edits(); got != i+1 {
			t.Errorf("%s: got %d edits, want %d", st.name, got, i+1)
		}
		if got := tf.Creates(); got != 3 {
			t.Errorf("%s: got %d pages created, want still 3", st.name, got)
		}
		if got := texts("a1"); !strings.Contains(got, st.lead) {
			t.Errorf("%s: got page texts %q, want the new lead", st.name, got)
		}
		h.fake.Await(t, "the edit kept", func() bool { rec, _ := h.store.Page("a1"); return rec.Hash != first.Hash })
		rec, err := h.store.Page("a1")
		if err != nil || rec.URL != first.URL || rec.Hash == first.Hash {
			t.Errorf("%s: got %+v, %v; want the same URL, a new hash", st.name, rec, err)
		}
		first = rec
	}
	if got := texts("a0"); !strings.Contains(got, "Lead of a0.") {
		t.Errorf("unchanged article: got page texts %q", got)
	}
}

// TestPagesOutage: whatever Telegraph does during a broadcast, every reader
// gets the article, without the Instant View button; the page is made
// later, once Telegraph is back.
func TestPagesOutage(t *testing.T) {
	tests := []struct {
		name  string
		fault telegraphfake.Fault
	}{
		{"502", telegraphfake.BadGateway()},
		{"reset", telegraphfake.Reset()},
		{"hang", telegraphfake.Hang()},
		{"flood wait", telegraphfake.FloodWait(1)},
		{"save failed", telegraphfake.Answer("PAGE_SAVE_FAILED")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h, tf := newPagesHarness(t, telegraphfake.Options{}, "", time.Second, Options{PageWait: 300 * time.Millisecond})
			chats := chatIDs(20)
			h.subscribe(chats...)
			a := pagesArticles()[0]
			h.putArticles(a)
			tf.Outage(tt.fault)
			h.run()
			if sum := h.broadcast(); sum.Sent != 20 {
				t.Fatalf("got %+v, want 20 sent", sum)
			}
			checkOnce(t, received(h.fake.Messages(), []string{"Headline a0"}), chats, []string{"Headline a0"})
			for _, m := range h.fake.Messages() {
				checkArticleMessage(t, h, m, "a0", "")
			}
			if tf.Creates() != 0 || tf.Faulted() == 0 {
				t.Errorf("got %d pages and %d faulted calls, want none and some", tf.Creates(), tf.Faulted())
			}

			tf.ClearFaults()
			ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
			defer cancel()
			if err := tf.Wait(ctx, func() bool { return tf.Creates() == 1 }); err != nil {
				t.Fatalf("the page was not made once Telegraph was back: %v", err)
			}
			h.fake.Await(t, "the page kept", func() bool { return h.pageURL("a0") != "" })
			reader := user(9003, "zh")
			h.fake.PostPrivate(reader, "/latest")
			checkArticleMessage(t, h, h.waitMessages(t, reader.ID, 1)[0], "a0", h.pageURL("a0"))
			if got := tf.Creates(); got != 1 {
				t.Errorf("got %d pages, want 1", got)
			}
		})
	}
}

// TestPagesToken: a given token is used as it is; a kept token Telegraph
// refuses is replaced by a new account's, whose page replaces the old one.
func TestPagesToken(t *testing.T) {
	t.Run("given", func(t *testing.T) {
		t.Parallel()
		h, tf := newPagesHarness(t, telegraphfake.Options{Token: "given-token"}, "given-token", 0, Options{})
		h.subscribe(1)
		h.putArticles(pagesArticles()[0])
		h.run()
		h.broadcast()
		if tf.Calls("createAccount") != 0 || tf.Creates() != 1 {
			t.Errorf("got %d accounts created and %d pages, want 0 and 1", tf.Calls("createAccount"), tf.Creates())
		}
		if p := tf.Pages(); len(p) != 1 || p[0].Token != "given-token" {
			t.Errorf("got pages %+v, want one of the given token's account", p)
		}
		if tok, _ := h.store.TelegraphToken(); tok != "" {
			t.Errorf("got token %q kept, want none: the given one is configuration", tok)
		}
	})
	t.Run("revoked", func(t *testing.T) {
		t.Parallel()
		h, tf := newPagesHarness(t, telegraphfake.Options{}, "", 0, Options{})
		h.subscribe(1)
		a := pagesArticles()[0]
		h.putArticles(a)
		h.run()
		h.broadcast()
		old, _ := h.store.TelegraphToken()
		first := h.pageURL("a0")
		if old == "" || first == "" {
			t.Fatalf("got token %q and page %q, want both", old, first)
		}
		tf.Revoke(old)
		a.Lead = "Edited."
		a.Paragraphs = []string{"Edited."}
		h.putArticles(a)
		h.bot.ArticlesChanged()
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := tf.Wait(ctx, func() bool { return tf.Creates() == 2 }); err != nil {
			t.Fatalf("no new page: %v", err)
		}
		h.fake.Await(t, "the new page kept", func() bool { return h.pageURL("a0") != first })
		if tok, _ := h.store.TelegraphToken(); tok == old || tok == "" {
			t.Errorf("got token %q, want a new account's", tok)
		}
		if tf.Calls("createAccount") != 2 {
			t.Errorf("got %d accounts created, want 2", tf.Calls("createAccount"))
		}
	})
}

// TestPagesOff: without Telegraph, messages have the full-text button only.
func TestPagesOff(t *testing.T) {
	fo, o := fastOptions()
	h := newHarness(t, fo, o)
	h.subscribe(1, 2)
	h.putArticles(pagesArticles()...)
	h.run()
	h.broadcast()
	for _, m := range h.fake.Messages() {
		id := strings.TrimPrefix(strings.SplitN(m.Visible, "\n", 2)[0], "Headline ")
		checkArticleMessage(t, h, m, id, "")
	}
	if _, err := h.store.Page("a0"); !errors.Is(err, state.ErrNotFound) {
		t.Errorf("got %v, want no page kept", err)
	}
}
