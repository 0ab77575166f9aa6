package tgfake

import (
	"slices"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// TestAllowedUpdates checks that getUpdates delivers only the types
// allowed_updates names, keeps the setting until the next one, and
// delivers every type but chat_member by default.
func TestAllowedUpdates(t *testing.T) {
	tests := []struct {
		name    string
		allowed [][]string // one getUpdates call each, nil for none given
		want    []string   // the types delivered by the last call
	}{
		{"default", [][]string{nil}, []string{"message", "callback_query", "channel_post", "my_chat_member"}},
		{"messages only", [][]string{{"message"}}, []string{"message"}},
		{"kept until changed", [][]string{{"message", "callback_query"}, nil}, []string{"message", "callback_query"}},
		{"[] restores the default", [][]string{{"message"}, {}}, []string{"message", "callback_query", "channel_post", "my_chat_member"}},
		{"chat_member asked for", [][]string{{"chat_member", "message"}}, []string{"message", "chat_member"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := channels(t, Options{})
			api := newBot(t, s, 5*time.Second)
			alice := tgbotapi.User{ID: 7, FirstName: "Alice"}
			for _, allowed := range tt.allowed[:len(tt.allowed)-1] {
				if _, err := api.GetUpdates(tgbotapi.UpdateConfig{AllowedUpdates: allowed}); err != nil {
					t.Fatal(err)
				}
			}
			s.PostPrivate(alice, "/sources")
			msgID := sendKeyboard(t, api, alice.ID, sources)
			if _, err := s.Press(alice, alice.ID, msgID, "✅ RFI"); err != nil {
				t.Fatal(err)
			}
			if _, err := s.PostChannel(newsChannel, "news"); err != nil {
				t.Fatal(err)
			}
			s.AddUpdate(tgbotapi.Update{MyChatMember: &tgbotapi.ChatMemberUpdated{Chat: tgbotapi.Chat{ID: -42}}})
			s.AddUpdate(tgbotapi.Update{ChatMember: &tgbotapi.ChatMemberUpdated{Chat: tgbotapi.Chat{ID: -42}}})

			ups, err := api.GetUpdates(tgbotapi.UpdateConfig{AllowedUpdates: tt.allowed[len(tt.allowed)-1]})
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, u := range ups {
				got = append(got, updateType(u))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if s.Pending() != len(tt.want) {
				t.Errorf("got %d pending, want %d: the others are dropped", s.Pending(), len(tt.want))
			}
		})
	}
}
