package telegram

import (
	"context"
	"testing"

	"github.com/newsbot/newsbot/internal/tgfake"
)

func TestChatAndMemberCount(t *testing.T) {
	s := tgfake.New(t, tgfake.Options{})
	c := newTestClient(t, s, nil)
	const public, private = -1001000000001, -1001000000002
	for _, ch := range []tgfake.ChannelConfig{
		{ID: public, Username: "public_news", Title: "Public news", Members: 1234, BotStatus: "administrator", CanPostMessages: true},
		{ID: private, Title: "Private", Members: 5},
	} {
		if err := s.AddChannel(ch); err != nil {
			t.Fatal(err)
		}
	}
	ctx := context.Background()
	tests := []struct {
		chat    string
		wantID  int64
		wantErr Class
	}{
		{"@public_news", public, ClassNone},
		{"@PUBLIC_NEWS", public, ClassNone},
		{"-1001000000001", public, ClassNone},
		{"@nobody_here", 0, ClassChatNotFound},
		{"-1001000000002", 0, ClassChatNotFound}, // private, and the bot is not in it
	}
	for _, tt := range tests {
		ch, err := c.Chat(ctx, tt.chat)
		if ClassOf(err) != tt.wantErr || ch.ID != tt.wantID {
			t.Errorf("Chat(%q): got %d, %v; want %d, class %v", tt.chat, ch.ID, err, tt.wantID, tt.wantErr)
		}
		if err == nil && (ch.Type != "channel" || ch.UserName != "public_news" || ch.Title != "Public news") {
			t.Errorf("Chat(%q): got %+v, want the channel public_news", tt.chat, ch)
		}
	}
	if n, err := c.MemberCount(ctx, public); err != nil || n != 1234 {
		t.Errorf("MemberCount: got %d, %v; want 1234", n, err)
	}
}
