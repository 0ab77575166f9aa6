package bot

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

func TestReaderCommandsPrivate(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{}).run()
	heads := h.addArticles("p", 6, recent())
	zh, en := catalogFor(langZH), catalogFor(LangEN)
	cmds := newCommandIndex(commandTable())
	zhHelp, enHelp := cmds.helpText(langZH, false), cmds.helpText(LangEN, false)
	newest := heads[5]

	tests := []struct {
		name     string
		lang     string
		texts    []string
		want     []string // each reply contains this, in order
		wantSubd bool
	}{
		{"help", "zh-hans", []string{"/help"}, []string{zhHelp}, false},
		{"help in English", "en-GB", []string{"/help"}, []string{enHelp}, false},
		{"start", "", []string{"/start"}, []string{zh.Welcome + "\n" + zh.Subscribed, newest}, true},
		{"start again", "en", []string{"/start", "/start"},
			[]string{en.Subscribed, newest, en.AlreadySubscribed, newest}, true},
		{"subscribe twice", "zh", []string{"/subscribe", "/subscribe"}, []string{zh.Subscribed, zh.AlreadySubscribed}, true},
		{"unsubscribe", "zh", []string{"/subscribe", "/unsubscribe"}, []string{zh.Subscribed, zh.Unsubscribed}, false},
		{"stop", "en", []string{"/subscribe", "/stop"}, []string{en.Subscribed, en.Unsubscribed}, false},
		{"unsubscribe unsubscribed", "en", []string{"/unsubscribe"}, []string{en.NotSubscribed}, false},
		{"latest", "zh", []string{"/latest"}, []string{newest}, false},
		{"latest 3, newest last", "zh", []string{"/latest 3"}, []string{heads[3], heads[4], heads[5]}, false},
		{"latest 9 is 5", "zh", []string{"/latest 9"}, []string{heads[1], heads[2], heads[3], heads[4], heads[5]}, false},
		{"latest x", "en", []string{"/latest x"}, []string{en.LatestUsage}, false},
		{"latest for us", "en", []string{"/latest@newsbot_test_bot"}, []string{newest}, false},
		{"plain text", "zh", []string{"hello"}, []string{zh.Hint}, false},
		{"unknown command", "en", []string{"/weather"}, []string{en.Hint}, false},
		{"another bot's command", "en", []string{"/latest@OtherBot", "/help"}, []string{enHelp}, false},
		{"not allowed", "en", []string{"/broadcast", "/stats", "/reload", "/announce hi"},
			[]string{en.NotAllowed, en.NotAllowed, en.NotAllowed, en.NotAllowed}, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := user(int64(1000+i), tt.lang)
			for _, text := range tt.texts {
				h.fake.PostPrivate(u, text)
			}
			got := visible(h.waitMessages(t, u.ID, len(tt.want)))
			if len(got) != len(tt.want) {
				t.Fatalf("got %d replies %q, want %d", len(got), got, len(tt.want))
			}
			for j := range got {
				if !contains(got[j], tt.want[j]) {
					t.Errorf("reply %d: got %q, want it to contain %q", j, got[j], tt.want[j])
				}
			}
			if got := isSubscribed(t, h.store, u.ID); got != tt.wantSubd {
				t.Errorf("got subscribed %v, want %v", got, tt.wantSubd)
			}
		})
	}
	h.settle()
	for i, tt := range tests {
		if got, want := len(h.fake.MessagesTo(int64(1000+i))), len(tt.want); got != want {
			t.Errorf("%s: got %d replies in all, want %d", tt.name, got, want)
		}
	}
}

func TestReaderCommandsGroup(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{CommandsPerMinute: -1}).run()
	heads := h.addArticles("g", 2, recent())
	zh, en := catalogFor(langZH), catalogFor(LangEN)
	zhHelp := newCommandIndex(commandTable()).helpText(langZH, false)
	const group = -5001
	admin, member := user(7001, "en"), user(7002, "zh")
	h.fake.SetMember(group, admin.ID, "administrator")

	tests := []struct {
		name     string
		post     func()
		want     string
		wantSubd bool
	}{
		{"member may not subscribe", func() { h.fake.PostGroup(group, member, "/subscribe@newsbot_test_bot") }, zh.GroupAdminsOnly, false},
		{"member may not start", func() { h.fake.PostGroup(group, member, "/start") }, zh.GroupAdminsOnly, false},
		{"admin subscribes", func() { h.fake.PostGroup(group, admin, "/subscribe@newsbot_test_bot") }, en.Subscribed, true},
		{"member may not unsubscribe", func() { h.fake.PostGroup(group, member, "/unsubscribe") }, zh.GroupAdminsOnly, true},
		{"member asks latest", func() { h.fake.PostGroup(group, member, "/latest@newsbot_test_bot") }, heads[1], true},
		{"another bot's latest and plain text ignored", func() {
			h.fake.PostGroup(group, member, "/latest@OtherBot")
			h.fake.PostGroup(group, member, "hello everyone")
			h.fake.PostGroup(group, member, "/weather")
			h.fake.PostGroup(group, member, "/help")
		}, zhHelp, true},
		{"admin stops", func() { h.fake.PostGroup(group, admin, "/stop@newsbot_test_bot") }, en.Unsubscribed, false},
		{"anonymous admin subscribes", func() { h.fake.PostAnonymousAdmin(group, "/subscribe") }, zh.Subscribed, true},
		{"admin commands not in groups", func() { h.fake.PostGroup(group, user(adminID, "en"), "/stats@newsbot_test_bot") }, en.NotAllowed, true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.post()
			got := h.waitMessages(t, group, i+1)
			if len(got) != i+1 {
				t.Fatalf("got %d messages %q, want %d", len(got), visible(got), i+1)
			}
			if last := got[i].Visible; !contains(last, tt.want) {
				t.Errorf("got %q, want it to contain %q", last, tt.want)
			}
			if got := isSubscribed(t, h.store, group); got != tt.wantSubd {
				t.Errorf("got subscribed %v, want %v", got, tt.wantSubd)
			}
		})
	}
	h.settle()
	if got, want := len(h.fake.MessagesTo(group)), len(tests); got != want {
		t.Errorf("got %d messages in all %q, want %d", got, visible(h.fake.MessagesTo(group)), want)
	}
}

func TestAdminCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{}).run()
	zh, en := catalogFor(langZH), catalogFor(LangEN)
	admin := user(adminID, "en")
	say := func(text string) string {
		t.Helper()
		n := len(h.fake.MessagesTo(adminID))
		h.fake.PostPrivate(admin, text)
		return h.waitMessages(t, adminID, n+1)[n].Visible
	}

	if got := say("/broadcast"); got != en.BroadcastNone {
		t.Errorf("/broadcast with nothing due: got %q, want %q", got, en.BroadcastNone)
	}
	if got := say("/announce"); got != en.AnnounceUsage {
		t.Errorf("/announce without text: got %q, want %q", got, en.AnnounceUsage)
	}
	writeFile(t, h.dir, "a.txt", seedDoc("https://news.example/a", "A", recent(), recent(), "Lead."))
	writeFile(t, h.dir, "bad.txt", "not a seed document")
	if got, want := say("/reload"), "2 files, 1 new articles, 0 changed, 1 refused"; !contains(got, want) {
		t.Errorf("/reload: got %q, want it to contain %q", got, want)
	}
	if got := say("/stats"); !contains(got, "Articles: 1") || !contains(got, "active 0") {
		t.Errorf("/stats: got %q, want 1 article and 0 active subscribers", got)
	}

	// A reader subscribes and is refused /broadcast. An article arrives; its
	// send to the reader hangs until the client gives up (outcome unknown),
	// which keeps the admin's broadcast running meanwhile: a second
	// /broadcast gets its progress, an /announce is queued behind it and
	// goes out in a broadcast of its own.
	reader := user(9001, "zh")
	h.fake.PostPrivate(reader, "/subscribe")
	h.fake.PostPrivate(reader, "/broadcast")
	if got := h.waitMessages(t, reader.ID, 2)[1].Visible; got != zh.NotAllowed {
		t.Errorf("reader's /broadcast: got %q, want %q", got, zh.NotAllowed)
	}
	h.addArticles("b", 1, recent())
	h.fake.Inject("sendMessage", reader.ID, tgfake.Timeout(false), 1)
	first := len(h.fake.MessagesTo(adminID))
	if got, want := say("/broadcast"), "Broadcast #2 to 1 chats: running"; !contains(got, want) {
		t.Errorf("/broadcast with an article due: got %q, want a report containing %q", got, want)
	}
	if got, want := say("/broadcast"), en.Running+"Broadcast #2"; !contains(got, want) {
		t.Errorf("second /broadcast: got %q, want it to contain %q", got, want)
	}
	if got, want := say("/announce Hello <all> & more"), fmt.Sprintf(en.AnnounceQueued, 2); !contains(got, want) {
		t.Errorf("/announce during a broadcast: got %q, want it to contain %q", got, want)
	}
	msgs := h.waitMessages(t, reader.ID, 3)
	if got, want := msgs[2].Visible, "Hello <all> & more"; got != want {
		t.Errorf("announcement: got %q, want %q", got, want)
	}
	h.fake.Await(t, "the summaries", func() bool {
		m := h.fake.MessagesTo(adminID)
		return len(m) >= first+4 && contains(m[first].Visible, "done") && contains(m[first+3].Visible, "done")
	})
	m := h.fake.MessagesTo(adminID)
	if got, want := m[first].Visible, "Broadcast #2 to 1 chats: done"; !contains(got, want) || !contains(got, "unknown 1") {
		t.Errorf("first summary: got %q, want %q and unknown 1", got, want)
	}
	if got, want := m[first+3].Visible, "Broadcast #3 to 1 chats: done"; !contains(got, want) || !contains(got, "sent 1") {
		t.Errorf("announcement's summary: got %q, want %q and sent 1", got, want)
	}
}

// An announcement goes out alone: the articles due stay due for the next
// /broadcast.
func TestAnnounceSendsOnlyTheAnnouncement(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{}).run()
	reader := user(9002, "en")
	h.fake.PostPrivate(reader, "/subscribe")
	h.waitMessages(t, reader.ID, 1)
	h.addArticles("due", 1, recent())

	h.fake.PostPrivate(user(adminID, "en"), "/announce Maintenance tonight")
	if got := h.waitMessages(t, reader.ID, 2)[1].Visible; got != "Maintenance tonight" {
		t.Errorf("announcement: got %q, want the announcement alone", got)
	}
	h.fake.Await(t, "the announcement's broadcast to finish", func() bool {
		_, err := h.store.CurrentBroadcast()
		return errors.Is(err, state.ErrNotFound)
	})
	h.fake.PostPrivate(user(adminID, "en"), "/broadcast")
	msgs := h.waitMessages(t, reader.ID, 3)
	if got := msgs[2].Visible; !contains(got, "due headline 0") {
		t.Errorf("after the announcement: got %q, want the due article delivered by /broadcast", got)
	}
	h.settle()
	if n := len(h.fake.MessagesTo(reader.ID)); n != 3 {
		t.Errorf("reader got %d messages, want 3", n)
	}
}

func TestMenus(t *testing.T) {
	h := newHarness(t, tgfake.Options{}, Options{AdminIDs: []int64{adminID, 43}}).run()
	names := func(cmds []tgbotapi.BotCommand) []string {
		var out []string
		for _, c := range cmds {
			out = append(out, c.Command)
		}
		return out
	}
	cmds := newCommandIndex(commandTable())
	readers := []string{"start", "latest", "subscribe", "unsubscribe", "stop", "sources", "lang", "help"}
	admins := append(slices.Clone(readers), "broadcast", "announce", "addchannel", "removechannel", "stats", "reload")
	h.fake.Await(t, "menus", func() bool { return len(h.fake.Commands("chat", 43, LangEN)) > 0 })
	tests := []struct {
		scope string
		chat  int64
		lang  string
		want  []string
	}{
		{"default", 0, "", readers},
		{"default", 0, LangEN, readers},
		{"chat", adminID, "", admins},
		{"chat", 43, LangEN, admins},
	}
	for _, tt := range tests {
		got := h.fake.Commands(tt.scope, tt.chat, tt.lang)
		if !slices.Equal(names(got), tt.want) {
			t.Errorf("%s %d %q: got %v, want %v", tt.scope, tt.chat, tt.lang, names(got), tt.want)
		}
	}
	if got, want := h.fake.Commands("default", 0, LangEN)[0].Description, cmds.lookup("start").menu.in(LangEN); got != want {
		t.Errorf("English menu: got %q, want %q", got, want)
	}
}

// TestLatestRecorded checks that a /latest answer to a subscriber is in the
// ledger, so that the next broadcast does not send it again.
func TestLatestRecorded(t *testing.T) {
	h := newHarness(t, tgfake.Options{}, Options{}).run()
	u := user(3001, "zh")
	h.fake.PostPrivate(u, "/subscribe")
	h.waitMessages(t, u.ID, 1)
	h.addArticles("l", 2, recent())
	h.fake.PostPrivate(u, "/latest")
	h.waitMessages(t, u.ID, 2)
	h.settle()

	newest, err := h.store.Newest(2)
	if err != nil {
		t.Fatal(err)
	}
	e, err := h.store.Entry(u.ID, state.Item{Kind: state.ArticleItem, Seq: newest[0].Seq})
	if err != nil || e.State != state.Sent {
		t.Fatalf("got entry %+v, %v; want it sent", e, err)
	}
	p, err := h.store.PlanBroadcast(time.Now(), state.PlanOptions{MaxPerBroadcast: 3})
	if err != nil {
		t.Fatal(err)
	}
	if p.Pending != 1 {
		t.Errorf("got %d entries planned, want 1 (the article /latest did not send)", p.Pending)
	}
}

// TestResubscribeReplaysNothing checks that a chat that unsubscribes and
// subscribes again gets none of what came out meanwhile.
func TestResubscribeReplaysNothing(t *testing.T) {
	h := newHarness(t, tgfake.Options{}, Options{}).run()
	u := user(3002, "en")
	h.fake.PostPrivate(u, "/subscribe")
	h.waitMessages(t, u.ID, 1)
	h.fake.PostPrivate(u, "/unsubscribe")
	h.waitMessages(t, u.ID, 2)
	h.addArticles("r", 3, recent())
	h.fake.PostPrivate(u, "/subscribe")
	h.waitMessages(t, u.ID, 3)
	h.settle()
	p, err := h.store.PlanBroadcast(time.Now(), state.PlanOptions{MaxPerBroadcast: 3})
	if err != nil {
		t.Fatal(err)
	}
	if p.Chats != 0 || p.Finished.IsZero() {
		t.Errorf("got a plan for %d chats (finished %v), want nothing to send", p.Chats, !p.Finished.IsZero())
	}
}

func TestThrottle(t *testing.T) {
	h := newHarness(t, tgfake.Options{}, Options{CommandsPerMinute: 3}).run()
	u := user(3003, "en")
	for range 5 {
		h.fake.PostPrivate(u, "/help")
	}
	for range 5 {
		h.fake.PostPrivate(user(adminID, "en"), "/help")
	}
	h.settle()
	if got := len(h.fake.MessagesTo(u.ID)); got != 3 {
		t.Errorf("reader: got %d answers to 5 commands, want 3", got)
	}
	if got := len(h.fake.MessagesTo(adminID)); got != 5 {
		t.Errorf("admin: got %d answers to 5 commands, want 5", got)
	}
}

func TestThrottleWindow(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	th := newThrottle(2, time.Minute)
	tests := []struct {
		chat int64
		at   time.Duration
		want bool
	}{
		{1, 0, true},
		{1, time.Second, true},
		{1, 2 * time.Second, false},
		{2, 2 * time.Second, true},
		{1, 59 * time.Second, false},
		{1, 60 * time.Second, true},
		{1, 61 * time.Second, true},
		{1, 62 * time.Second, false},
	}
	for _, tt := range tests {
		if got := th.allow(tt.chat, t0.Add(tt.at)); got != tt.want {
			t.Errorf("chat %d at %v: got %v, want %v", tt.chat, tt.at, got, tt.want)
		}
	}
}

// A broadcast planned while a subscriber's /latest answer is on its way
// does not send the same article again. The answer is held until the whole
// broadcast is over, so the broadcast runs while it is in flight every time.
func TestLatestDuringBroadcastArrivesOnce(t *testing.T) {
	t.Parallel()
	hold := newHold(0)
	h := newHarness(t, tgfake.Options{}, Options{}, func(c *telegram.Config) { c.Transport = hold })
	const chat, other = 7, 8
	h.subscribe(chat, other)
	h.putArticles(article("a0", recent(), nil))
	h.run()
	h.fake.PostPrivate(user(chat, "en"), "/latest")
	select {
	case <-hold.held:
	case <-time.After(15 * time.Second):
		t.Fatal("the /latest answer was not sent")
	}
	bc := h.bot.Broadcaster()
	p, started, err := bc.Start(context.Background(), ReportTo{})
	if err != nil {
		t.Fatal(err)
	}
	if !started {
		t.Fatalf("no broadcast started; want one for chat %d", other)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if _, err := bc.Wait(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	close(hold.release)
	h.settle()
	got := received(h.fake.Messages(), []string{"Headline a0"})
	for _, c := range []int64{chat, other} {
		if n := got[c]["Headline a0"]; n != 1 {
			t.Errorf("chat %d: the article arrived %d times, want once", c, n)
		}
	}
	item := state.Item{Kind: state.ArticleItem, Seq: 1}
	e, err := h.store.Entry(chat, item)
	if err != nil || e.State != state.Sent || e.MessageID == 0 {
		t.Errorf("ledger: got %+v, %v; want sent with the message ID", e, err)
	}
}

// A crowd of readers at once is answered within Telegram's bot-wide limit,
// with no 429 to pause every send.
func TestCrowdAnsweredWithoutFloodControl(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{}).run()
	const readers = 45
	for i := range readers {
		h.fake.PostPrivate(user(int64(5000+i), "en"), "/help")
	}
	for i := range readers {
		h.waitMessages(t, int64(5000+i), 1)
	}
	if n := h.fake.TooManyRequests(); n != 0 {
		t.Errorf("the fake answered %d 429s, want none", n)
	}
}

// A crowd of 60 readers sending /start within a second, each answered with
// a welcome and the latest article, then a broadcast of 3 articles to them:
// the fake, counting Telegram's limits as sliding windows, answers no 429,
// and no reader gets two broadcast messages within a second.
func TestCrowdThenBroadcastWithinTelegramsWindows(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{RateLimit: 29}).run()
	h.putArticles(article("old", recent().Add(-time.Hour), nil))
	const readers = 60
	for i := range readers {
		h.fake.PostPrivate(user(int64(5200+i), "en"), "/start")
	}
	for i := range readers {
		h.waitMessages(t, int64(5200+i), 2)
	}
	heads := h.putThree(recent())
	h.broadcast()
	h.settle()
	if n := h.fake.TooManyRequests(); n != 0 {
		t.Errorf("the fake answered %d 429s, want none", n)
	}
	for i := range readers {
		chat := int64(5200 + i)
		var times []time.Time
		for _, m := range h.fake.MessagesTo(chat) {
			for _, head := range heads {
				if strings.HasPrefix(m.Visible, head+"\n") {
					times = append(times, m.Time)
				}
			}
		}
		if len(times) != 3 {
			t.Errorf("reader %d got %d broadcast articles, want 3", chat, len(times))
			continue
		}
		for j := 1; j < len(times); j++ {
			if d := times[j].Sub(times[j-1]); d < time.Second {
				t.Errorf("reader %d: two broadcast messages %v apart, want at least a second", chat, d)
			}
		}
	}
}

// When a /latest answer's send times out, the articles after it were never
// sent: their claims are released and the next broadcast delivers them,
// while the one that may have arrived is not sent again.
func TestLatestAfterATimeoutReleasesTheRest(t *testing.T) {
	t.Parallel()
	fo, o := fastOptions()
	h := newHarness(t, fo, o, func(c *telegram.Config) { c.SendTimeout = 300 * time.Millisecond })
	const chat = 9100
	h.subscribe(chat)
	heads := h.putThree(time.Now().Add(-3 * time.Hour))
	h.fake.Inject("sendMessage", chat, tgfake.Timeout(false), 1)
	h.run()
	h.fake.PostPrivate(user(chat, "en"), "/latest 3")
	h.fake.Await(t, "the answer to give up", func() bool {
		e, err := h.store.Entry(chat, state.Item{Kind: state.ArticleItem, Seq: 1})
		return err == nil && e.State == state.Unknown
	})
	h.broadcast()
	h.settle()
	got := received(h.fake.Messages(), heads)[chat]
	if got[heads[0]] != 0 || got[heads[1]] != 1 || got[heads[2]] != 1 {
		t.Errorf("got %v, want the two articles after the timeout once each, and not the one that timed out", got)
	}
}
