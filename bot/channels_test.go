package bot

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// addChannel declares a channel in the fake.
func addChannel(t testing.TB, fake *tgfake.Server, cfg tgfake.ChannelConfig) {
	t.Helper()
	if err := fake.AddChannel(cfg); err != nil {
		t.Fatal(err)
	}
}

// say posts text in the admin's private chat and returns the answer.
func (h *harness) say(t testing.TB, text string) string {
	t.Helper()
	n := len(h.fake.MessagesTo(adminID))
	h.fake.PostPrivate(user(adminID, "en"), text)
	return h.waitMessages(t, adminID, n+1)[n].Visible
}

// A channel the admin adds gets every article of a broadcast once, from
// then on; /stats lists it with its audience; /removechannel ends it.
func TestChannelAddedGetsEveryArticleOnce(t *testing.T) {
	t.Parallel()
	fo, o := fastOptions()
	h := newHarness(t, fo, o).run()
	en := catalogFor(LangEN)
	const ch = -1001000009001
	addChannel(t, h.fake, tgfake.ChannelConfig{ID: ch, Username: "news_feed_cn", Title: "News feed", Members: 4321,
		BotStatus: "administrator", CanPostMessages: true})
	h.addArticles("before", 2, recent()) // no backlog
	if got, want := h.say(t, "/addchannel @News_Feed_CN"), fmt.Sprintf(en.ChannelAdded, "@news_feed_cn", ch, "@news_feed_cn"); got != want {
		t.Errorf("/addchannel: got %q, want %q", got, want)
	}
	if got, want := h.say(t, "/addchannel "+fmt.Sprint(ch)), fmt.Sprintf(en.ChannelAlready, "@news_feed_cn"); got != want {
		t.Errorf("/addchannel again: got %q, want %q", got, want)
	}
	readers := chatIDs(3)
	h.subscribe(readers...)
	heads := h.addArticles("due", 3, recent().Add(time.Hour))
	h.broadcast()
	checkOnce(t, received(h.fake.Messages(), heads), append(readers, ch), heads)
	for _, m := range h.fake.MessagesTo(ch) {
		if !strings.Contains(m.Visible, "阅读原文") {
			t.Errorf("channel message %q: want it in Chinese, the channel's default", m.Visible)
		}
	}

	stats := h.say(t, "/stats")
	for _, want := range []string{"active 4 (private 3, groups 0, channels 1)", en.Channels + "\n@news_feed_cn (-1001000009001) active, 4321 members"} {
		if !strings.Contains(stats, want) {
			t.Errorf("/stats: got %q, want it to contain %q", stats, want)
		}
	}
	if got, want := h.say(t, "/removechannel news_feed_cn"), fmt.Sprintf(en.ChannelRemoved, "@news_feed_cn"); got != want {
		t.Errorf("/removechannel: got %q, want %q", got, want)
	}
	more := h.addArticles("after", 1, recent().Add(5*time.Hour))
	h.broadcast()
	if got := received(h.fake.MessagesTo(ch), more); len(got) != 0 {
		t.Errorf("after /removechannel the channel got %v, want nothing", got)
	}
	h.settle()
}

// A channel where the bot can't post is refused, with what to fix; so is
// what is no channel, and an admin command from anyone else.
func TestAddChannelRefused(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{}).run()
	en := catalogFor(LangEN)
	for _, cfg := range []tgfake.ChannelConfig{
		{ID: -1001000009101, Username: "bot_is_member", BotStatus: "member"},
		{ID: -1001000009102, Username: "bot_cant_post", BotStatus: "administrator"},
		{ID: -1001000009103, Username: "bot_left", BotStatus: "left"},
		{ID: -1001000009104, Title: "Private, bot not in it"},
	} {
		addChannel(t, h.fake, cfg)
	}
	const group = -5201
	h.fake.PostGroup(group, user(9201, "en"), "hello") // the fake knows the group now
	tests := []struct{ text, want string }{
		{"/addchannel @bot_is_member", fmt.Sprintf(en.ChannelNotAdmin, "@bot_is_member")},
		{"/addchannel @bot_cant_post", fmt.Sprintf(en.ChannelNoPost, "@bot_cant_post")},
		{"/addchannel https://t.me/bot_left", fmt.Sprintf(en.ChannelNotAdmin, "@bot_left")},
		{"/addchannel -1001000009104", fmt.Sprintf(en.ChannelNotFound, "-1001000009104")},
		{"/addchannel @nobody_has_this", fmt.Sprintf(en.ChannelNotFound, "@nobody_has_this")},
		{"/addchannel " + fmt.Sprint(group), fmt.Sprintf(en.NotAChannel, fmt.Sprint(group))},
		{"/addchannel", en.AddChannelUsage},
		{"/addchannel two words", en.AddChannelUsage},
		{"/addchannel 12345", en.AddChannelUsage},
		{"/removechannel @bot_is_member", fmt.Sprintf(en.NotOurChannel, "@bot_is_member")},
		{"/removechannel", en.RemoveChannelUsage},
		{"/sources @bot_is_member", fmt.Sprintf(en.NotOurChannel, "@bot_is_member")},
	}
	for _, tt := range tests {
		if got := h.say(t, tt.text); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.text, got, tt.want)
		}
	}
	reader := user(9202, "en")
	h.fake.PostPrivate(reader, "/addchannel @bot_is_member")
	h.fake.PostPrivate(reader, "/sources @bot_is_member")
	for i, m := range h.waitMessages(t, reader.ID, 2) {
		if m.Visible != en.NotAllowed {
			t.Errorf("a reader's command %d: got %q, want %q", i, m.Visible, en.NotAllowed)
		}
	}
	h.settle()
	if chs, err := h.store.Channels(); err != nil || len(chs) != 0 {
		t.Errorf("got channels %+v, %v; want none", chs, err)
	}
}

// A channel that removed the bot, or took its right to post, is
// deactivated with the reason by the next broadcast; the others still get
// it.
func TestChannelDeactivated(t *testing.T) {
	t.Parallel()
	fo, o := fastOptions()
	h := newHarness(t, fo, o).run()
	const kicked, demoted, left, fine = -1001000009201, -1001000009202, -1001000009203, -1001000009204
	for i, id := range []int64{kicked, demoted, left, fine} {
		addChannel(t, h.fake, tgfake.ChannelConfig{ID: id, Username: fmt.Sprintf("channel_%d", i), BotStatus: "administrator", CanPostMessages: true})
		if got := h.say(t, fmt.Sprintf("/addchannel @channel_%d", i)); !strings.HasPrefix(got, "Added") {
			t.Fatalf("/addchannel: got %q", got)
		}
	}
	h.fake.KickBot(kicked)
	h.fake.SetBotStatus(demoted, "member", false)
	h.fake.SetBotStatus(left, "left", false)
	heads := h.addArticles("due", 2, recent())
	sum := h.broadcast()
	if sum.Deactivated != 3 || sum.Sent != 2 {
		t.Errorf("broadcast: got %+v, want 3 deactivated, 2 sent", sum)
	}
	checkOnce(t, received(h.fake.Messages(), heads), []int64{fine}, heads)
	for chat, want := range map[int64]state.Status{kicked: state.Kicked, demoted: state.NoRights, left: state.Kicked, fine: state.Active} {
		if sub, err := h.store.Subscriber(chat); err != nil || sub.Status != want {
			t.Errorf("channel %d: got %+v, %v; want %v", chat, sub, err, want)
		}
	}
	h.settle()
}

// Channel posts never run commands: a channel's admins act through a bot
// admin.
func TestChannelPostsRunNoCommands(t *testing.T) {
	t.Parallel()
	h := newHarness(t, tgfake.Options{}, Options{}).run()
	const ch = -1001000009301
	addChannel(t, h.fake, tgfake.ChannelConfig{ID: ch, Username: "posting_here", BotStatus: "administrator", CanPostMessages: true})
	for _, text := range []string{"/start", "/subscribe@newsbot_test_bot", "/stats", "/help", "hello"} {
		if _, err := h.fake.PostChannel(ch, text); err != nil {
			t.Fatal(err)
		}
	}
	h.settle()
	if got := h.fake.MessagesTo(ch); len(got) != 0 {
		t.Errorf("got %q in the channel, want nothing", visible(got))
	}
	if _, err := h.store.Subscriber(ch); err == nil {
		t.Errorf("the channel subscribed itself")
	}
}

// A bot admin chooses a channel's outlets and language from the private
// chat; the channel's next broadcast follows them.
func TestChannelChoiceByBotAdmin(t *testing.T) {
	t.Parallel()
	fo, o := fastOptions()
	h := newHarness(t, fo, o).run()
	en := catalogFor(LangEN)
	const ch = -1001000009401
	addChannel(t, h.fake, tgfake.ChannelConfig{ID: ch, Username: "choosy_channel", BotStatus: "administrator", CanPostMessages: true})
	h.addFrom(rfiURL, "rfi", 1, recent())
	h.addFrom(voaURL, "voa", 1, recent())
	h.say(t, "/addchannel @choosy_channel")
	admin := user(adminID, "en")

	if got, want := h.say(t, "/sources @choosy_channel"), fmt.Sprintf(en.SourcesOf, "@choosy_channel"); got != want {
		t.Errorf("/sources @channel: got %q, want %q", got, want)
	}
	kb := h.keyboardOf(t, adminID, len(h.fake.MessagesTo(adminID)))
	if got, want := h.press(t, admin, adminID, kb.MessageID, "RFI", true), fmt.Sprintf(en.SourceOff, "RFI"); got != want {
		t.Errorf("the admin's press: got %q, want %q", got, want)
	}
	if got := outletsOf(t, h.store, ch); !slices.Equal(got, []string{"voa"}) {
		t.Errorf("the channel's choice: got %q, want voa", got)
	}
	if sub, err := h.store.Subscriber(adminID); err == nil {
		t.Errorf("the admin's own record: got %+v, want none", sub)
	}
	if got, want := h.say(t, "/lang @choosy_channel"), fmt.Sprintf(en.LangOf, "@choosy_channel"); got != want {
		t.Errorf("/lang @channel: got %q, want %q", got, want)
	}
	lk := h.keyboardOf(t, adminID, len(h.fake.MessagesTo(adminID)))
	if button(lk, "✅ 简体中文") == "" {
		t.Errorf("/lang @channel: got %v, want the channel's Chinese marked", lk.Buttons)
	}
	if got := h.press(t, admin, adminID, lk.MessageID, "English", true); got != en.LangSet {
		t.Errorf("the admin's /lang press: got %q, want %q", got, en.LangSet)
	}

	rfi := h.addFrom(rfiURL, "rfi-due", 1, recent().Add(time.Hour))
	voa := h.addFrom(voaURL, "voa-due", 1, recent().Add(time.Hour))
	h.broadcast()
	got := received(h.fake.MessagesTo(ch), append(rfi, voa...))
	if want := map[string]int{voa[0]: 1}; !mapsEqual(got[ch], want) {
		t.Errorf("the channel got %v, want %v", got[ch], want)
	}
	for _, m := range h.fake.MessagesTo(ch) {
		if !strings.Contains(m.Visible, en.ReadArticle) {
			t.Errorf("channel message %q: want it in English", m.Visible)
		}
	}
	h.settle()
	checkAllAnswered(t, h.fake)
}
