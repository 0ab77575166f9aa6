package bot

import (
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// verbs are the fmt verbs of a format string, in order.
func verbs(s string) []string { return regexp.MustCompile(`%[a-z]`).FindAllString(s, -1) }

// Every string of the catalogue is there in each language, with the same
// formatting verbs in the same order.
func TestCatalogComplete(t *testing.T) {
	langs := []string{langZH, langZHHant, LangEN}
	cats := make([]reflect.Value, len(langs))
	for i, l := range langs {
		cats[i] = reflect.ValueOf(catalogFor(l))
	}
	typ := cats[0].Type()
	for f := range typ.NumField() {
		name := typ.Field(f).Name
		zh := cats[0].Field(f).String()
		for i, l := range langs {
			s := cats[i].Field(f).String()
			if s == "" {
				t.Errorf("%s in %s is empty", name, l)
			}
			if !slices.Equal(verbs(s), verbs(zh)) {
				t.Errorf("%s in %s: got the verbs %v, want %v as in zh", name, l, verbs(s), verbs(zh))
			}
		}
		// A short word can be the same in both scripts (全文); a sentence
		// hardly is.
		if zh == cats[1].Field(f).String() && utf8.RuneCountInString(zh) > 4 &&
			strings.ContainsFunc(zh, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
			t.Errorf("%s: the Traditional string is the Simplified one, %q", name, zh)
		}
	}
	for _, c := range commandTable() {
		for _, tx := range []text{c.menu, c.help} {
			if tx == (text{}) && tx == c.help {
				continue // an alias, not in /help
			}
			if tx.zh == "" || tx.hant == "" || tx.en == "" {
				t.Errorf("/%s: got %+v, want every language", c.name, tx)
			}
		}
	}
}

// A reader's /lang choice wins over Telegram's language_code, for answers
// and articles; a reader from Taiwan gets Traditional Chinese unasked.
func TestLangChoice(t *testing.T) {
	t.Parallel()
	fo, o := fastOptions()
	h := newHarness(t, fo, o).run()
	hant, en := catalogFor(langZHHant), catalogFor(LangEN)
	h.addArticles("a", 1, recent())
	reader, taiwan := user(8501, "en"), user(8502, "zh-TW")
	h.fake.PostPrivate(taiwan, "/subscribe")
	if got := h.waitMessages(t, taiwan.ID, 1)[0].Visible; got != hant.Subscribed {
		t.Errorf("zh-TW: got %q, want %q", got, hant.Subscribed)
	}
	h.fake.PostPrivate(reader, "/subscribe")
	h.fake.PostPrivate(reader, "/lang")
	lk := h.keyboardOf(t, reader.ID, 2)
	if lk.Visible != en.Lang || button(lk, "✅ English") == "" || button(lk, "⬜") != "" {
		t.Errorf("/lang: got %q %v, want %q with English marked", lk.Visible, lk.Buttons, en.Lang)
	}
	if got := h.press(t, reader, reader.ID, lk.MessageID, "繁體中文", true); got != hant.LangSet {
		t.Errorf("choosing 繁體中文: got %q, want %q", got, hant.LangSet)
	}
	if button(h.fake.MessagesTo(reader.ID)[1], "✅ 繁體中文") == "" {
		t.Errorf("the edited keyboard: got %v, want 繁體中文 marked", h.fake.MessagesTo(reader.ID)[1].Buttons)
	}
	// Pressing the language already chosen changes nothing, and says so.
	if got := h.press(t, reader, reader.ID, lk.MessageID, "繁體中文", false); got != hant.LangSet {
		t.Errorf("choosing it again: got %q, want %q", got, hant.LangSet)
	}
	h.fake.PostPrivate(reader, "/help")
	if got, want := h.waitMessages(t, reader.ID, 3)[2].Visible, newCommandIndex(commandTable()).helpText(langZHHant, false); got != want {
		t.Errorf("/help after the choice: got %q, want %q", got, want)
	}
	heads := h.addArticles("due", 1, recent())
	h.broadcast()
	for _, chat := range []int64{reader.ID, taiwan.ID} {
		msgs := h.fake.MessagesTo(chat)
		if last := msgs[len(msgs)-1].Visible; !strings.HasPrefix(last, heads[0]) || !strings.Contains(last, hant.ReadArticle) {
			t.Errorf("chat %d: got %q, want the article in Traditional Chinese", chat, last)
		}
	}
	if sub, err := h.store.Subscriber(reader.ID); err != nil || sub.Lang != langZHHant || sub.Status != state.Active {
		t.Errorf("got %+v, %v; want an active subscriber with zh-Hant", sub, err)
	}
	h.settle()
	checkAllAnswered(t, h.fake)
}

// The menus stay in two languages: setMyCommands takes two-letter codes.
func TestMenusWithoutTraditional(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{}).run()
	h.fake.Await(t, "menus", func() bool { return len(h.fake.Commands("chat", adminID, LangEN)) > 0 })
	for _, m := range h.fake.Menus() {
		if m.Lang != "" && m.Lang != LangEN {
			t.Errorf("got a menu for %q, want only the default and en", m.Lang)
		}
	}
	h.settle()
}
