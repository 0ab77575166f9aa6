package tgfake

import (
	"errors"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestUpgradeGroup(t *testing.T) {
	const group, super = -42, -1000000000042
	s := New(t, Options{Unlimited: true})
	api := newBot(t, s, 5*time.Second)
	owner, admin := tgbotapi.User{ID: 7, FirstName: "Olga"}, tgbotapi.User{ID: 8, FirstName: "Ahmed"}
	s.AddChat(group, Group, "Readers")
	s.PostGroup(group, owner, "hello")
	s.SetMember(group, owner.ID, "creator")
	s.SetMember(group, admin.ID, "administrator")
	s.SetMemberCount(group, 30)
	old, err := api.Send(tgbotapi.NewMessage(group, "before"))
	if err != nil {
		t.Fatal(err)
	}
	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 {
		t.Fatalf("got %d updates, %v, want the greeting", len(ups), err)
	}
	next := ups[0].UpdateID + 1

	if err := s.UpgradeGroup(group, super); err != nil {
		t.Fatal(err)
	}

	// The two service messages, old chat first.
	ups, err = api.GetUpdates(tgbotapi.UpdateConfig{Offset: next})
	if err != nil || len(ups) != 2 {
		t.Fatalf("got %d updates, %v, want the two service messages", len(ups), err)
	}
	if m := ups[0].Message; m == nil || m.Chat.ID != group || m.Chat.Type != Group || m.MigrateToChatID != super || m.From.ID != owner.ID {
		t.Errorf("got %+v, want migrate_to_chat_id %d in the group, from its creator", m, super)
	}
	if m := ups[1].Message; m == nil || m.Chat.ID != super || m.Chat.Type != Supergroup || m.Chat.Title != "Readers" || m.MigrateFromChatID != group {
		t.Errorf("got %+v, want migrate_from_chat_id %d in the supergroup", m, group)
	}

	// Whatever names the old group answers the migration.
	photo := tgbotapi.NewPhoto(group, tgbotapi.FileURL("https://img.example/a.jpg"))
	for _, tt := range []struct {
		name string
		req  tgbotapi.Chattable
	}{
		{"sendMessage", tgbotapi.NewMessage(group, "after")},
		{"sendPhoto", photo},
		{"editMessageText", tgbotapi.NewEditMessageText(group, old.MessageID, "edited")},
		{"getChat", chatByID(group)},
		{"getChatMember", member(group, admin.ID)},
		{"getChatMemberCount", tgbotapi.ChatMemberCountConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: group}}},
	} {
		_, err := api.Request(tt.req)
		if e := apiError(t, err); e.Code != 400 || e.Message != "Bad Request: group chat was upgraded to a supergroup chat" || e.MigrateToChatID != super {
			t.Errorf("%s: got %d %q migrate_to %d, want 400 upgraded, migrate_to %d", tt.name, e.Code, e.Message, e.MigrateToChatID, super)
		}
	}

	// The supergroup has the group's members and takes sends.
	if _, err := api.Send(tgbotapi.NewMessage(super, "after")); err != nil {
		t.Errorf("send to the supergroup: %v", err)
	}
	for _, tt := range []struct {
		user int64
		want string
	}{{owner.ID, "creator"}, {admin.ID, "administrator"}, {9, "member"}} {
		m, err := api.GetChatMember(member(super, tt.user))
		if err != nil || m.Status != tt.want {
			t.Errorf("user %d in the supergroup: got %q, %v, want %q", tt.user, m.Status, err, tt.want)
		}
	}
	if n, err := api.GetChatMembersCount(tgbotapi.ChatMemberCountConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: super}}); err != nil || n != 30 {
		t.Errorf("supergroup member count: got %d, %v, want 30", n, err)
	}
	if c, err := api.GetChat(chatByID(super)); err != nil || c.Type != Supergroup || c.Title != "Readers" {
		t.Errorf("getChat of the supergroup: got %+v, %v, want the supergroup Readers", c, err)
	}
}

func TestUpgradeGroupCarriesTheBotsStatus(t *testing.T) {
	s := New(t, Options{})
	api := newBot(t, s, 5*time.Second)
	s.KickBot(-42)
	if err := s.UpgradeGroup(-42, -1000000000042); err != nil {
		t.Fatal(err)
	}
	_, err := api.Send(tgbotapi.NewMessage(-1000000000042, "x"))
	if e := apiError(t, err); e.Code != 403 || e.Message != "Forbidden: bot was kicked from the supergroup chat" {
		t.Errorf("got %d %q, want 403 kicked from the supergroup", e.Code, e.Message)
	}
}

func TestUpgradeGroupErrors(t *testing.T) {
	tests := []struct {
		name     string
		from, to int64
	}{
		{"twice", -42, -1000000000043},
		{"a supergroup", -1000000000042, -1000000000044},
		{"a private chat", 7, -1000000000044},
		{"to a group ID", -43, -44},
		{"to a chat that exists", -43, -1000000000042},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, Options{})
			if err := s.UpgradeGroup(-42, -1000000000042); err != nil {
				t.Fatal(err)
			}
			s.PostPrivate(tgbotapi.User{ID: 7}, "hi")
			pending := s.Pending()
			if err := s.UpgradeGroup(tt.from, tt.to); !errors.Is(err, ErrBadChat) {
				t.Errorf("got %v, want ErrBadChat", err)
			}
			if s.Pending() != pending {
				t.Errorf("got %d updates queued, want %d", s.Pending(), pending)
			}
		})
	}
}
