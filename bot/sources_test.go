package bot

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// Outlets' article URLs, as the content table knows them.
const (
	rfiURL = "https://www.rfi.fr/cn/%s/%d"
	voaURL = "https://www.voachinese.com/a/%s-%d.html"
	dwURL  = "https://www.dw.com/zh/%s/a-%d"
)

// addFrom writes n seed documents of the outlet whose article URLs are
// urlf (rfiURL…), published an hour apart from pub, and scans them in; it
// returns their headlines, oldest first.
func (h *harness) addFrom(urlf, prefix string, n int, pub time.Time) []string {
	h.t.Helper()
	var heads []string
	for i := range n {
		head := fmt.Sprintf("%s headline %d", prefix, i)
		p := pub.Add(time.Duration(i) * time.Hour)
		writeFile(h.t, h.dir, fmt.Sprintf("%s-%d.txt", prefix, i),
			seedDoc(fmt.Sprintf(urlf, prefix, i), head, p, p, "Lead of "+head+"."))
		heads = append(heads, head)
	}
	if _, err := h.lib.Scan(context.Background()); err != nil {
		h.t.Fatalf("Scan: %v", err)
	}
	return heads
}

// keyboardOf waits for the n-th message to chat (from 1) and returns it:
// one with an inline keyboard.
func (h *harness) keyboardOf(t testing.TB, chat int64, n int) tgfake.Message {
	t.Helper()
	m := h.waitMessages(t, chat, n)[n-1]
	if len(m.Buttons) == 0 {
		t.Fatalf("message %d to %d: got %q without a keyboard, want one", n, chat, m.Visible)
	}
	return m
}

// button is the text of the button of m that shows label ("法广",
// "English"…), "" if none.
func button(m tgfake.Message, label string) string {
	for _, row := range m.Buttons {
		for _, b := range row {
			if strings.Contains(b.Text, label) {
				return b.Text
			}
		}
	}
	return ""
}

// press presses the button of the message msgID in chat that shows
// label, as from, and waits for the answer, which it returns; then for
// the keyboard's edit, when edited.
func (h *harness) press(t testing.TB, from tgbotapi.User, chat int64, msgID int, label string, edited bool) string {
	t.Helper()
	var m tgfake.Message
	for _, mm := range h.fake.MessagesTo(chat) {
		if mm.MessageID == msgID {
			m = mm
		}
	}
	text := button(m, label)
	if text == "" {
		t.Fatalf("message %d in %d: no button %q in %v", msgID, chat, label, m.Buttons)
	}
	id, err := h.fake.Press(from, chat, msgID, text)
	if err != nil {
		t.Fatal(err)
	}
	return h.answered(t, id, chat, msgID, m.Edits, edited)
}

// answered waits for the answer to the callback query id, which it
// returns, and then, when edited, for the message msgID in chat to have
// more than edits edits.
func (h *harness) answered(t testing.TB, id string, chat int64, msgID, edits int, edited bool) string {
	t.Helper()
	var a tgfake.CallbackAnswer
	h.fake.Await(t, "the callback's answer", func() bool {
		var ok bool
		a, ok = h.fake.CallbackAnswer(id)
		return ok
	})
	if edited {
		h.fake.Await(t, "the keyboard's edit", func() bool {
			for _, m := range h.fake.MessagesTo(chat) {
				if m.MessageID == msgID && m.Edits > edits {
					return true
				}
			}
			return false
		})
	}
	return a.Text
}

// checkAllAnswered checks that the bot answered every callback query.
func checkAllAnswered(t *testing.T, fake *tgfake.Server) {
	t.Helper()
	if qs := fake.Unanswered(); len(qs) > 0 {
		t.Errorf("got %d callback queries never answered: %+v", len(qs), qs)
	}
}

func outletsOf(t testing.TB, s *state.Store, chat int64) []string {
	t.Helper()
	sub, err := s.Subscriber(chat)
	if err != nil {
		t.Fatal(err)
	}
	return sub.Outlets
}

// A reader who keeps only RFI gets only RFI articles, in the next
// broadcast and from /latest; the articles of the other outlets are not
// counted toward the cap.
func TestReaderKeepsOnlyRFI(t *testing.T) {
	t.Parallel()
	fo, o := fastOptions()
	o.MaxPerBroadcast = 2
	h := newHarness(t, fo, o).run()
	zh := catalogFor(langZH)
	h.addFrom(rfiURL, "rfi-old", 1, recent().Add(-2*time.Hour))
	h.addFrom(voaURL, "voa-old", 1, recent().Add(-time.Hour))
	reader, other := user(8001, "zh-hans"), user(8002, "en")
	for _, u := range []tgbotapi.User{reader, other} {
		h.fake.PostPrivate(u, "/subscribe")
		h.waitMessages(t, u.ID, 1)
	}

	h.fake.PostPrivate(reader, "/sources")
	kb := h.keyboardOf(t, reader.ID, 2)
	if kb.Visible != zh.Sources {
		t.Errorf("/sources: got %q, want %q", kb.Visible, zh.Sources)
	}
	for _, want := range []string{"✅ 法广 · 1", "✅ 美国之音 · 1", "✅ " + zh.SourcesAll} {
		if button(kb, want) == "" {
			t.Errorf("/sources: no button %q in %v", want, kb.Buttons)
		}
	}
	if got, want := h.press(t, reader, reader.ID, kb.MessageID, "美国之音", true), fmt.Sprintf(zh.SourceOff, "美国之音"); got != want {
		t.Errorf("switching VOA off: got the answer %q, want %q", got, want)
	}
	if got := outletsOf(t, h.store, reader.ID); !slices.Equal(got, []string{"rfi"}) {
		t.Errorf("stored choice: got %q, want only rfi", got)
	}
	kb = h.fake.MessagesTo(reader.ID)[1]
	if button(kb, "⬜ 美国之音") == "" || button(kb, "✅ 法广") == "" || button(kb, "⬜ "+zh.SourcesAll) == "" {
		t.Errorf("the edited keyboard: got %v, want VOA and all off, RFI on", kb.Buttons)
	}
	// The last outlet can't be switched off.
	if got := h.press(t, reader, reader.ID, kb.MessageID, "法广", false); got != zh.PickOne {
		t.Errorf("switching the last outlet off: got %q, want %q", got, zh.PickOne)
	}

	// Three VOA articles and two of RFI come out, VOA's the newest.
	rfi := h.addFrom(rfiURL, "rfi-new", 3, recent().Add(time.Hour))
	voa := h.addFrom(voaURL, "voa-new", 3, recent().Add(5*time.Hour))
	sum := h.broadcast()
	if sum.Sent != 4 || sum.Skipped != 1+4 {
		t.Errorf("broadcast: got %+v, want 4 sent (2 each), 5 skipped (1 RFI to the reader, 4 to the other)", sum)
	}
	got := received(h.fake.Messages(), append(rfi, voa...))
	if want := map[string]int{rfi[1]: 1, rfi[2]: 1}; !mapsEqual(got[reader.ID], want) {
		t.Errorf("the reader got %v, want %v: the two newest RFI articles", got[reader.ID], want)
	}
	if want := map[string]int{voa[1]: 1, voa[2]: 1}; !mapsEqual(got[other.ID], want) {
		t.Errorf("the other reader got %v, want %v: the two newest articles", got[other.ID], want)
	}

	// /latest: the newest RFI article, not VOA's newer one.
	n := len(h.fake.MessagesTo(reader.ID))
	h.fake.PostPrivate(reader, "/latest 2")
	msgs := h.waitMessages(t, reader.ID, n+2)
	if !strings.HasPrefix(msgs[n].Visible, rfi[1]) || !strings.HasPrefix(msgs[n+1].Visible, rfi[2]) {
		t.Errorf("/latest 2: got %q, %q; want %q, %q", msgs[n].Visible, msgs[n+1].Visible, rfi[1], rfi[2])
	}

	// Every outlet again: the next VOA article reaches the reader too.
	kb = h.fake.MessagesTo(reader.ID)[1]
	if got := h.press(t, reader, reader.ID, kb.MessageID, zh.SourcesAll, true); got != zh.SourcesEvery {
		t.Errorf("every outlet: got %q, want %q", got, zh.SourcesEvery)
	}
	if got := outletsOf(t, h.store, reader.ID); got != nil {
		t.Errorf("stored choice: got %q, want every outlet (nil)", got)
	}
	h.settle()
	checkAllAnswered(t, h.fake)
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// An outlet that appears after a reader chose is not sent to it, and is
// shown as new in /sources.
func TestNewOutletAnnouncedNotSent(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{}).run()
	en := catalogFor(LangEN)
	h.addFrom(rfiURL, "rfi", 1, recent())
	h.addFrom(voaURL, "voa", 1, recent())
	reader := user(8101, "en")
	h.fake.PostPrivate(reader, "/start")
	h.waitMessages(t, reader.ID, 2)
	h.fake.PostPrivate(reader, "/sources")
	kb := h.keyboardOf(t, reader.ID, 3)
	h.press(t, reader, reader.ID, kb.MessageID, "VOA", true)

	dw := h.addFrom(dwURL, "dw", 1, recent().Add(time.Hour))
	rfi := h.addFrom(rfiURL, "rfi-2", 1, recent().Add(time.Hour))
	h.broadcast()
	got := received(h.fake.MessagesTo(reader.ID), append(dw, rfi...))
	if got[reader.ID][dw[0]] != 0 || got[reader.ID][rfi[0]] != 1 {
		t.Errorf("got %v, want the RFI article and not the new outlet's", got[reader.ID])
	}
	h.fake.PostPrivate(reader, "/sources")
	kb = h.keyboardOf(t, reader.ID, 5)
	if want := en.Sources + "\n" + fmt.Sprintf(en.SourcesNew, "DW"); kb.Visible != want {
		t.Errorf("/sources: got %q, want %q", kb.Visible, want)
	}
	if button(kb, "⬜ 🆕 DW · 1") == "" {
		t.Errorf("/sources: got %v, want DW off and marked new", kb.Buttons)
	}
	// Switching it on: it is no longer new, and the text says so.
	h.press(t, reader, reader.ID, kb.MessageID, "DW", true)
	if m := h.fake.MessagesTo(reader.ID)[4]; m.Visible != en.Sources || button(m, "✅ DW") == "" {
		t.Errorf("after switching DW on: got %q %v", m.Visible, m.Buttons)
	}
	h.settle()
	checkAllAnswered(t, h.fake)
}

// In a group only its administrators change its choice; a member's press
// changes nothing and is answered "only admins".
func TestGroupChoiceAdminsOnly(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{CommandsPerMinute: -1}).run()
	zh := catalogFor(langZH)
	h.addFrom(rfiURL, "rfi", 1, recent())
	h.addFrom(voaURL, "voa", 1, recent())
	const group = -5101
	admin, member := user(8201, "zh"), user(8202, "zh")
	h.fake.SetMember(group, admin.ID, "administrator")
	h.fake.PostGroup(group, admin, "/subscribe")
	h.fake.PostGroup(group, member, "/sources@newsbot_test_bot") // anyone may look
	kb := h.keyboardOf(t, group, 2)

	if got := h.press(t, member, group, kb.MessageID, "法广", false); got != zh.AdminsOnly {
		t.Errorf("a member's press: got %q, want %q", got, zh.AdminsOnly)
	}
	if got := outletsOf(t, h.store, group); got != nil {
		t.Errorf("after a member's press: got the choice %q, want every outlet still", got)
	}
	if got, want := h.press(t, admin, group, kb.MessageID, "法广", true), fmt.Sprintf(zh.SourceOff, "法广"); got != want {
		t.Errorf("the admin's press: got %q, want %q", got, want)
	}
	if got := outletsOf(t, h.store, group); !slices.Equal(got, []string{"voa"}) {
		t.Errorf("after the admin's press: got %q, want voa", got)
	}
	// A member's /lang press changes nothing either.
	h.fake.PostGroup(group, member, "/lang")
	lk := h.keyboardOf(t, group, 3)
	if got := h.press(t, member, group, lk.MessageID, "English", false); got != zh.AdminsOnly {
		t.Errorf("a member's /lang press: got %q, want %q", got, zh.AdminsOnly)
	}
	if sub, err := h.store.Subscriber(group); err != nil || sub.Lang != "" {
		t.Errorf("after a member's /lang press: got %+v, %v; want no language chosen", sub, err)
	}
	h.settle()
	checkAllAnswered(t, h.fake)
}

// Presses the bot did not make, or on a keyboard out of date, change
// nothing, and each is answered.
func TestForgedAndStaleCallbacks(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{CommandsPerMinute: -1}).run()
	en := catalogFor(LangEN)
	h.addFrom(rfiURL, "rfi", 1, recent())
	h.addFrom(voaURL, "voa", 1, recent())
	reader, victim := user(8301, "en"), user(8302, "en")
	if _, err := h.store.ChooseOutlets(victim.ID, time.Now(), func([]string) ([]string, error) { return []string{"voa"}, nil }); err != nil {
		t.Fatal(err)
	}
	const channel = -1001000008300
	if _, _, err := h.store.AddChannel(channel, "victim_channel", "Victim", time.Now()); err != nil {
		t.Fatal(err)
	}
	h.fake.PostPrivate(reader, "/sources")
	kb := h.keyboardOf(t, reader.ID, 1)
	h.fake.PostPrivate(reader, "/lang")
	lk := h.keyboardOf(t, reader.ID, 2)

	data := func(label string, m tgfake.Message) string {
		for _, row := range m.Buttons {
			for _, b := range row {
				if strings.Contains(b.Text, label) {
					return b.CallbackData
				}
			}
		}
		t.Fatalf("no button %q", label)
		return ""
	}
	toggleRFI := data("RFI", kb)
	p, ok := parsePress(toggleRFI)
	if !ok {
		t.Fatalf("the bot's own data %q does not parse", toggleRFI)
	}
	other := func(chat int64) string { q := p; q.chat = chat; return q.data() }
	tests := []struct {
		name string
		msg  int
		data string
		want string
	}{
		{"garbage", kb.MessageID, "hello", en.BadButton},
		{"an unknown version", kb.MessageID, strings.Replace(toggleRFI, "s1|", "s9|", 1), en.BadButton},
		{"too many fields", kb.MessageID, toggleRFI + "|x", en.BadButton},
		{"an outlet that is none", kb.MessageID, strings.Replace(toggleRFI, "|rfi", "|bbc", 1), en.BadButton},
		{"another reader's choice", kb.MessageID, other(victim.ID), en.BadButton},
		{"a channel's choice, not a bot admin", kb.MessageID, other(channel), en.BadButton},
		{"a chat ID that is no number", kb.MessageID, "s1|!!|" + p.stamp + "|rfi", en.BadButton},
		{"a stale keyboard", kb.MessageID, strings.Replace(toggleRFI, "|"+p.stamp+"|", "|zzzz|", 1), en.Stale},
		{"a language that is none", lk.MessageID, strings.Replace(data("English", lk), "|en", "|fr", 1), en.BadButton},
		{"a stale language keyboard", lk.MessageID, strings.Replace(data("English", lk), "|-|", "|zh|", 1), en.Stale},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			id, err := h.fake.PostCallback(reader, reader.ID, tt.msg, tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if got := h.answered(t, id, reader.ID, tt.msg, 0, false); got != tt.want {
				t.Errorf("got the answer %q, want %q", got, tt.want)
			}
		})
	}
	h.settle()
	checkAllAnswered(t, h.fake)
	for _, chat := range []int64{reader.ID, channel} {
		if sub, err := h.store.Subscriber(chat); err == nil && (sub.Outlets != nil || sub.Lang != "") {
			t.Errorf("chat %d: got %+v, want no choice", chat, sub)
		}
	}
	if got := outletsOf(t, h.store, victim.ID); !slices.Equal(got, []string{"voa"}) {
		t.Errorf("the victim's choice: got %q, want voa still", got)
	}
}

func TestPressData(t *testing.T) {
	long := strings.Repeat("very-long-host-name.", 4) + "example"
	tests := []press{
		{kind: pressSources, chat: -1009999999999999, stamp: choiceStamp([]string{"rfi", "voa"}), value: outletData(long)},
		{kind: pressSources, chat: 123456789, stamp: choiceStamp(nil), value: "*"},
		{kind: pressSources, chat: 1, stamp: choiceStamp(nil), value: outletData("a|b")},
		{kind: pressLang, chat: -5, stamp: "-", value: langZHHant},
	}
	for _, p := range tests {
		d := p.data()
		if len(d) > tgfake.MaxCallbackData {
			t.Errorf("%+v: got %d bytes of data %q, want at most %d", p, len(d), d, tgfake.MaxCallbackData)
		}
		if got, ok := parsePress(d); !ok || got != p {
			t.Errorf("parsePress(%q): got %+v, %v; want %+v", d, got, ok, p)
		}
	}
	if outletData(long) == outletData(long+"x") || outletData("rfi") != "rfi" {
		t.Errorf("outletData: got %q for a long key, %q for rfi", outletData(long), outletData("rfi"))
	}
}

// FuzzParsePress feeds callback data as any client may send it: parsePress
// never panics, and what it accepts encodes back to the same data.
func FuzzParsePress(f *testing.F) {
	for _, p := range []press{
		{kind: pressSources, chat: -1009999999999999, stamp: choiceStamp([]string{"rfi", "voa"}), value: "rfi"},
		{kind: pressLang, chat: -5, stamp: "-", value: langZHHant},
	} {
		f.Add(p.data())
	}
	f.Add("s1||||")
	f.Add("l1|x|y|z")
	f.Fuzz(func(t *testing.T, data string) {
		p, ok := parsePress(data)
		if !ok {
			return
		}
		if again, ok := parsePress(p.data()); !ok || again != p {
			t.Errorf("parsePress(%q) = %+v, whose data %q parses as %+v, %v", data, p, p.data(), again, ok)
		}
	})
}
