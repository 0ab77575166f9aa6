package tgfake

import (
	"errors"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const (
	newsChannel    = -1001000000001 // @news_channel, the bot an administrator that may post
	draftsChannel  = -1001000000002 // @drafts_channel, the bot an administrator that may not
	privateChannel = -1001000000003 // no username, the bot an administrator that may post
	strangers      = -1001000000004 // @strangers_channel, the bot not a member
	secret         = -1001000000005 // no username, the bot not a member
)

// channels starts a server with the channels above.
func channels(t *testing.T, o Options) *Server {
	t.Helper()
	s := New(t, o)
	for _, c := range []ChannelConfig{
		{ID: newsChannel, Username: "news_channel", Title: "News", Members: 1234, BotStatus: "administrator", CanPostMessages: true},
		{ID: draftsChannel, Username: "drafts_channel", Title: "Drafts", Members: 3, BotStatus: "administrator"},
		{ID: privateChannel, Title: "Private", Members: 12, BotStatus: "administrator", CanPostMessages: true},
		{ID: strangers, Username: "strangers_channel", Title: "Strangers", Members: 99},
		{ID: secret, Title: "Secret", Members: 5, BotStatus: "left"},
	} {
		if err := s.AddChannel(c); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

func chatByName(name string) tgbotapi.ChatInfoConfig {
	return tgbotapi.ChatInfoConfig{ChatConfig: tgbotapi.ChatConfig{SuperGroupUsername: name}}
}

func chatByID(id int64) tgbotapi.ChatInfoConfig {
	return tgbotapi.ChatInfoConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: id}}
}

func TestGetChat(t *testing.T) {
	s := channels(t, Options{})
	api := newBot(t, s, 5*time.Second)
	s.PostGroup(-42, tgbotapi.User{ID: 7, FirstName: "Alice"}, "hi")
	tests := []struct {
		name string
		cfg  tgbotapi.ChatInfoConfig
		want tgbotapi.Chat // ID 0: chat not found
	}{
		{"channel by username", chatByName("@news_channel"), tgbotapi.Chat{ID: newsChannel, Type: Channel, Title: "News", UserName: "news_channel"}},
		{"username in another case", chatByName("@News_Channel"), tgbotapi.Chat{ID: newsChannel, Type: Channel, Title: "News", UserName: "news_channel"}},
		{"channel by ID", chatByID(newsChannel), tgbotapi.Chat{ID: newsChannel, Type: Channel, Title: "News", UserName: "news_channel"}},
		{"a public channel the bot is not in", chatByName("@strangers_channel"), tgbotapi.Chat{ID: strangers, Type: Channel, Title: "Strangers", UserName: "strangers_channel"}},
		{"a private channel the bot administers", chatByID(privateChannel), tgbotapi.Chat{ID: privateChannel, Type: Channel, Title: "Private"}},
		{"a group the bot is in", chatByID(-42), tgbotapi.Chat{ID: -42, Type: Group, Title: "Group -42"}},
		{"a private channel the bot is not in", chatByID(secret), tgbotapi.Chat{}},
		{"unknown username", chatByName("@nobody_here"), tgbotapi.Chat{}},
		{"unknown ID", chatByID(-1009999999999), tgbotapi.Chat{}},
		{"not an ID", chatByName("news_channel"), tgbotapi.Chat{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := api.GetChat(tt.cfg)
			if tt.want.ID == 0 {
				if e := apiError(t, err); e.Code != 400 || e.Message != "Bad Request: chat not found" {
					t.Errorf("got %d %q, want 400 chat not found", e.Code, e.Message)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.ID != tt.want.ID || got.Type != tt.want.Type || got.Title != tt.want.Title || got.UserName != tt.want.UserName {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func member(chat, user int64) tgbotapi.GetChatMemberConfig {
	return tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: chat, UserID: user}}
}

func TestGetChatMemberInChannels(t *testing.T) {
	s := channels(t, Options{})
	api := newBot(t, s, 5*time.Second)
	s.SetMember(newsChannel, 7, "creator")
	tests := []struct {
		name    string
		cfg     tgbotapi.GetChatMemberConfig
		status  string
		canPost bool
		wantErr string
	}{
		{"the bot, posting", member(newsChannel, BotID), "administrator", true, ""},
		{"the bot, not posting", member(draftsChannel, BotID), "administrator", false, ""},
		{"the bot, not a member", member(strangers, BotID), "left", false, ""},
		{"the bot, left", member(secret, BotID), "left", false, ""},
		{"the channel's creator", member(newsChannel, 7), "creator", false, ""},
		{"a reader", member(newsChannel, 8), "left", false, ""},
		{"a user, the bot not an administrator", member(strangers, 7), "", false, "Bad Request: member list is inaccessible"},
		{"by username", tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{SuperGroupUsername: "@news_channel", UserID: BotID}},
			"administrator", true, ""},
		{"unknown username", tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{SuperGroupUsername: "@nobody_here", UserID: BotID}},
			"", false, "Bad Request: chat not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := api.GetChatMember(tt.cfg)
			if tt.wantErr != "" {
				if e := apiError(t, err); e.Code != 400 || e.Message != tt.wantErr {
					t.Errorf("got %d %q, want 400 %q", e.Code, e.Message, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Status != tt.status || m.CanPostMessages != tt.canPost || m.User == nil || m.User.ID != tt.cfg.UserID {
				t.Errorf("got %q can_post_messages %v (user %+v), want %q %v", m.Status, m.CanPostMessages, m.User, tt.status, tt.canPost)
			}
		})
	}

	s.KickBot(newsChannel)
	if m, err := api.GetChatMember(member(newsChannel, BotID)); err != nil || m.Status != "kicked" {
		t.Errorf("kicked: got %+v, %v, want kicked", m, err)
	}
}

func TestGetChatMemberCount(t *testing.T) {
	s := channels(t, Options{})
	api := newBot(t, s, 5*time.Second)
	s.SetMember(-42, 1, "creator")
	s.SetMember(-42, 2, "member")
	s.SetMember(-42, 3, "left")
	s.SetMemberCount(-43, 250)
	tests := []struct {
		name string
		chat tgbotapi.ChatConfig
		want int
	}{
		{"channel", tgbotapi.ChatConfig{ChatID: newsChannel}, 1234},
		{"channel by username", tgbotapi.ChatConfig{SuperGroupUsername: "@news_channel"}, 1234},
		{"group, counted", tgbotapi.ChatConfig{ChatID: -42}, 3},
		{"group, set", tgbotapi.ChatConfig{ChatID: -43}, 250},
		{"private chat", tgbotapi.ChatConfig{ChatID: 7}, 2},
	}
	for _, tt := range tests {
		n, err := api.GetChatMembersCount(tgbotapi.ChatMemberCountConfig{ChatConfig: tt.chat})
		if err != nil || n != tt.want {
			t.Errorf("%s: got %d, %v, want %d", tt.name, n, err, tt.want)
		}
	}
	// The method's current name works too.
	resp, err := api.MakeRequest("getChatMemberCount", tgbotapi.Params{"chat_id": "@news_channel"})
	if err != nil || string(resp.Result) != "1234" {
		t.Errorf("getChatMemberCount: got %v, %v, want 1234", resp, err)
	}
}

func TestSendToChannel(t *testing.T) {
	tests := []struct {
		name    string
		msg     tgbotapi.MessageConfig
		kick    bool
		code    int
		wantErr string
	}{
		{"an administrator that may post", tgbotapi.NewMessage(newsChannel, "x"), false, 0, ""},
		{"by username", tgbotapi.NewMessageToChannel("@news_channel", "x"), false, 0, ""},
		{"an administrator that may not post", tgbotapi.NewMessage(draftsChannel, "x"), false, 400, "Bad Request: need administrator rights in the channel chat"},
		{"not a member", tgbotapi.NewMessage(strangers, "x"), false, 403, "Forbidden: bot is not a member of the channel chat"},
		{"left", tgbotapi.NewMessageToChannel("@strangers_channel", "x"), false, 403, "Forbidden: bot is not a member of the channel chat"},
		{"kicked", tgbotapi.NewMessage(newsChannel, "x"), true, 403, "Forbidden: bot was kicked from the channel chat"},
		{"unknown username", tgbotapi.NewMessageToChannel("@nobody_here", "x"), false, 400, "Bad Request: chat not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := channels(t, Options{})
			api := newBot(t, s, 5*time.Second)
			if tt.kick {
				s.KickBot(newsChannel)
			}
			got, err := api.Send(tt.msg)
			if tt.wantErr != "" {
				if e := apiError(t, err); e.Code != tt.code || e.Message != tt.wantErr {
					t.Errorf("got %d %q, want %d %q", e.Code, e.Message, tt.code, tt.wantErr)
				}
				if n := len(s.Messages()); n != 0 {
					t.Errorf("got %d messages recorded, want none", n)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Chat.ID != newsChannel || got.Chat.Type != Channel || got.From != nil || got.SenderChat == nil || got.SenderChat.ID != newsChannel {
				t.Errorf("got %+v, want a post in the channel signed by it", got)
			}
			if ms := s.MessagesTo(newsChannel); len(ms) != 1 {
				t.Errorf("got %d messages in the channel, want 1", len(ms))
			}
		})
	}
}

// TestChannelTakesTheGroupLimit checks that a channel gets at most 20
// messages a minute.
func TestChannelTakesTheGroupLimit(t *testing.T) {
	clock := &frozen{now: epoch}
	s := channels(t, Options{Now: clock.Now})
	api := newBot(t, s, 5*time.Second)
	for i := range 21 {
		clock.Add(time.Second)
		_, err := api.Send(tgbotapi.NewMessage(newsChannel, "x"))
		if i < 20 && err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if i == 20 {
			if e := apiError(t, err); e.Code != 429 || e.RetryAfter != 40 {
				t.Errorf("21st within the minute: got %d %q retry_after %d, want 429 after 40", e.Code, e.Message, e.RetryAfter)
			}
		}
	}
}

func TestPostChannel(t *testing.T) {
	s := channels(t, Options{})
	api := newBot(t, s, 5*time.Second)
	id, err := s.PostChannel(newsChannel, "/latest")
	if err != nil {
		t.Fatal(err)
	}
	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 || ups[0].UpdateID != id || ups[0].ChannelPost == nil {
		t.Fatalf("got %+v, %v, want one channel post", ups, err)
	}
	p := ups[0].ChannelPost
	if p.From != nil || p.SenderChat == nil || p.SenderChat.ID != newsChannel || p.Chat.Type != Channel || p.Text != "/latest" || !p.IsCommand() {
		t.Errorf("got %+v, want /latest in the channel, signed by it", p)
	}
	// An administrator sees the posts, whether it may post or not.
	if _, err := s.PostChannel(draftsChannel, "x"); err != nil {
		t.Errorf("a channel the bot administers without posting: got %v, want the post queued", err)
	}
	for _, chat := range []int64{strangers, secret, -42, 7} {
		if _, err := s.PostChannel(chat, "x"); !errors.Is(err, ErrBadChat) {
			t.Errorf("chat %d: got %v, want ErrBadChat", chat, err)
		}
	}
}

func TestAddChannelErrors(t *testing.T) {
	s := channels(t, Options{})
	s.PostGroup(-1001000000009, tgbotapi.User{ID: 7}, "hi")
	for _, c := range []ChannelConfig{
		{ID: -42, Title: "not -100"},
		{ID: -1001000000008, Username: "news_channel"},
		{ID: -1001000000008, Username: "NEWS_CHANNEL"},
		{ID: -1001000000008, Username: "abc"},
		{ID: -1001000000008, Username: "1channel"},
		{ID: -1001000000008, Username: "bad-name"},
		{ID: newsChannel},
		{ID: -1001000000009},
	} {
		if err := s.AddChannel(c); !errors.Is(err, ErrBadChat) {
			t.Errorf("%+v: got %v, want ErrBadChat", c, err)
		}
	}
}

func TestBotOutOfGroups(t *testing.T) {
	tests := []struct {
		name string
		chat int64
		set  func(s *Server, chat int64)
		want string
	}{
		{"kicked from a group", -42, func(s *Server, c int64) { s.KickBot(c) }, "Forbidden: bot was kicked from the group chat"},
		{"kicked from a supergroup", -1001234567890, func(s *Server, c int64) { s.KickBot(c) }, "Forbidden: bot was kicked from the supergroup chat"},
		{"left a group", -42, func(s *Server, c int64) { s.SetBotStatus(c, "left", false) }, "Forbidden: bot is not a member of the group chat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, Options{})
			api := newBot(t, s, 5*time.Second)
			tt.set(s, tt.chat)
			_, err := api.Send(tgbotapi.NewMessage(tt.chat, "x"))
			if e := apiError(t, err); e.Code != 403 || e.Message != tt.want {
				t.Errorf("got %d %q, want 403 %q", e.Code, e.Message, tt.want)
			}
			s.SetBotStatus(tt.chat, "member", false)
			if _, err := api.Send(tgbotapi.NewMessage(tt.chat, "x")); err != nil {
				t.Errorf("added back: got %v, want the send accepted", err)
			}
		})
	}
}
