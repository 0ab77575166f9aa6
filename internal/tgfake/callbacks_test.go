package tgfake

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const tooOld = "Bad Request: query is too old and response timeout expired or query ID is invalid"

// sources is a keyboard of two toggles and a link.
var sources = tgbotapi.NewInlineKeyboardMarkup(
	tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("✅ RFI", "src:rfi"), tgbotapi.NewInlineKeyboardButtonData("⬜ VOA", "src:voa")),
	tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL("全文", "https://t.me/newsbot_test_bot?start=a1")),
)

// sendKeyboard sends a message with kb into chat and returns its ID.
func sendKeyboard(t *testing.T, api *tgbotapi.BotAPI, chat int64, kb tgbotapi.InlineKeyboardMarkup) int {
	t.Helper()
	msg := tgbotapi.NewMessage(chat, "sources")
	msg.ReplyMarkup = kb
	m, err := api.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	return m.MessageID
}

func TestCallbackQuery(t *testing.T) {
	s := New(t, Options{})
	api := newBot(t, s, 5*time.Second)
	alice := tgbotapi.User{ID: 7, FirstName: "Alice"}
	msgID := sendKeyboard(t, api, alice.ID, sources)

	id, err := s.Press(alice, alice.ID, msgID, "⬜ VOA")
	if err != nil {
		t.Fatal(err)
	}
	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(ups) != 1 || ups[0].CallbackQuery == nil {
		t.Fatalf("got %+v, %v, want one callback query", ups, err)
	}
	q := ups[0].CallbackQuery
	if q.ID != id || q.Data != "src:voa" || q.From.ID != alice.ID || q.Message == nil ||
		q.Message.MessageID != msgID || q.Message.Chat.ID != alice.ID || q.Message.ReplyMarkup == nil {
		t.Errorf("got %+v, want Alice's press on message %d with its keyboard, data src:voa", q, msgID)
	}
	if got := s.Unanswered(); len(got) != 1 || got[0].ID != id {
		t.Errorf("got unanswered %+v, want the query", got)
	}
	if _, ok := s.CallbackAnswer(id); ok {
		t.Errorf("got an answer before the bot answered")
	}

	if _, err := api.Request(tgbotapi.NewCallback(id, "VOA on")); err != nil {
		t.Fatalf("answer: %v", err)
	}
	if a, ok := s.CallbackAnswer(id); !ok || a.Text != "VOA on" || a.ShowAlert {
		t.Errorf("got answer %+v, %v, want the notification %q", a, ok, "VOA on")
	}
	if got := s.Unanswered(); len(got) != 0 {
		t.Errorf("got unanswered %+v, want none", got)
	}

	refused := []struct {
		name string
		cfg  tgbotapi.CallbackConfig
	}{
		{"answered twice", tgbotapi.NewCallback(id, "again")},
		{"unknown ID", tgbotapi.NewCallback("4217", "")},
		{"no ID", tgbotapi.NewCallback("", "")},
	}
	for _, tt := range refused {
		_, err := api.Request(tt.cfg)
		if e := apiError(t, err); e.Code != 400 || e.Message != tooOld {
			t.Errorf("%s: got %d %q, want 400 %q", tt.name, e.Code, e.Message, tooOld)
		}
	}
	if a, _ := s.CallbackAnswer(id); a.Text != "VOA on" {
		t.Errorf("got answer %q after the refused ones, want the first", a.Text)
	}
}

func TestAnswerCallbackQueryValidation(t *testing.T) {
	tests := []struct {
		name    string
		cfg     func(id string) tgbotapi.CallbackConfig
		wantErr string
	}{
		{"no text", func(id string) tgbotapi.CallbackConfig { return tgbotapi.NewCallback(id, "") }, ""},
		{"200 characters", func(id string) tgbotapi.CallbackConfig {
			return tgbotapi.NewCallback(id, strings.Repeat("只", 200))
		}, ""},
		{"an alert", func(id string) tgbotapi.CallbackConfig { return tgbotapi.NewCallbackWithAlert(id, "only admins") }, ""},
		{"a start link", func(id string) tgbotapi.CallbackConfig {
			c := tgbotapi.NewCallback(id, "")
			c.URL = "t.me/newsbot_test_bot?start=a1"
			return c
		}, ""},
		{"201 characters", func(id string) tgbotapi.CallbackConfig {
			return tgbotapi.NewCallback(id, strings.Repeat("x", 201))
		}, "Bad Request: MESSAGE_TOO_LONG"},
		{"counted in UTF-16", func(id string) tgbotapi.CallbackConfig {
			return tgbotapi.NewCallback(id, strings.Repeat("😀", 101))
		}, "Bad Request: MESSAGE_TOO_LONG"},
		{"another URL", func(id string) tgbotapi.CallbackConfig {
			c := tgbotapi.NewCallback(id, "")
			c.URL = "https://example.com/"
			return c
		}, "Bad Request: URL_INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, Options{})
			api := newBot(t, s, 5*time.Second)
			alice := tgbotapi.User{ID: 7, FirstName: "Alice"}
			id, err := s.PostCallback(alice, alice.ID, sendKeyboard(t, api, alice.ID, sources), "src:rfi")
			if err != nil {
				t.Fatal(err)
			}
			cfg := tt.cfg(id)
			_, err = api.Request(cfg)
			a, answered := s.CallbackAnswer(id)
			if tt.wantErr != "" {
				if e := apiError(t, err); e.Code != 400 || e.Message != tt.wantErr {
					t.Errorf("got %d %q, want 400 %q", e.Code, e.Message, tt.wantErr)
				}
				if answered || len(s.Unanswered()) != 1 {
					t.Errorf("got the query answered, want it still unanswered")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if want := (CallbackAnswer{Text: cfg.Text, ShowAlert: cfg.ShowAlert, URL: cfg.URL}); !answered || a != want {
				t.Errorf("got %+v, %v, want %+v", a, answered, want)
			}
		})
	}
}

func TestPostCallbackErrors(t *testing.T) {
	s := New(t, Options{})
	api := newBot(t, s, 5*time.Second)
	alice := tgbotapi.User{ID: 7, FirstName: "Alice"}
	msgID := sendKeyboard(t, api, alice.ID, sources)

	if _, err := s.PostCallback(alice, alice.ID, msgID+1, "x"); !errors.Is(err, ErrNoMessage) {
		t.Errorf("no such message: got %v, want ErrNoMessage", err)
	}
	if _, err := s.PostCallback(alice, 8, msgID, "x"); !errors.Is(err, ErrNoMessage) {
		t.Errorf("another chat: got %v, want ErrNoMessage", err)
	}
	if _, err := s.Press(alice, alice.ID, msgID, "BBC"); !errors.Is(err, ErrNoButton) {
		t.Errorf("no such button: got %v, want ErrNoButton", err)
	}
	if _, err := s.Press(alice, alice.ID, msgID, "全文"); !errors.Is(err, ErrNoButton) {
		t.Errorf("a URL button: got %v, want ErrNoButton", err)
	}
	if s.Pending() != 0 {
		t.Errorf("got %d updates queued, want none", s.Pending())
	}
	// A client may send data no button carries.
	if _, err := s.PostCallback(alice, alice.ID, msgID, "src:all;drop"); err != nil {
		t.Errorf("forged data: got %v, want it queued", err)
	}
}

func TestEditMessageReplyMarkup(t *testing.T) {
	toggled := tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("✅ RFI", "src:rfi"), tgbotapi.NewInlineKeyboardButtonData("✅ VOA", "src:voa")))
	tests := []struct {
		name    string
		edit    func(msgID int) tgbotapi.Chattable
		want    [][]Button // the buttons after it
		wantErr string
	}{
		{"a new keyboard", func(id int) tgbotapi.Chattable { return tgbotapi.NewEditMessageReplyMarkup(42, id, toggled) },
			[][]Button{{{Text: "✅ RFI", CallbackData: "src:rfi"}, {Text: "✅ VOA", CallbackData: "src:voa"}}}, ""},
		{"none removes it", func(id int) tgbotapi.Chattable {
			return tgbotapi.EditMessageReplyMarkupConfig{BaseEdit: tgbotapi.BaseEdit{ChatID: 42, MessageID: id}}
		}, nil, ""},
		{"the same keyboard", func(id int) tgbotapi.Chattable { return tgbotapi.NewEditMessageReplyMarkup(42, id, sources) },
			nil, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"},
		{"no such message", func(id int) tgbotapi.Chattable { return tgbotapi.NewEditMessageReplyMarkup(42, id+9, toggled) },
			nil, "Bad Request: message to edit not found"},
		{"another chat", func(id int) tgbotapi.Chattable { return tgbotapi.NewEditMessageReplyMarkup(43, id, toggled) },
			nil, "Bad Request: message to edit not found"},
		{"an invalid keyboard", func(id int) tgbotapi.Chattable {
			return tgbotapi.NewEditMessageReplyMarkup(42, id, tgbotapi.NewInlineKeyboardMarkup(
				tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("x", strings.Repeat("d", 65)))))
		}, nil, "Bad Request: BUTTON_DATA_INVALID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, Options{Unlimited: true})
			api := newBot(t, s, 5*time.Second)
			msgID := sendKeyboard(t, api, 42, sources)
			before := s.MessagesTo(42)[0]
			got, err := api.Send(tt.edit(msgID))
			after := s.MessagesTo(42)[0]
			if tt.wantErr != "" {
				if e := apiError(t, err); e.Code != 400 || e.Message != tt.wantErr {
					t.Errorf("got %d %q, want 400 %q", e.Code, e.Message, tt.wantErr)
				}
				if after.Edits != 0 || !reflect.DeepEqual(after.Buttons, before.Buttons) {
					t.Errorf("got the message changed to %+v, want it as it was", after)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(after.Buttons, tt.want) || after.Edits != 1 || after.Text != before.Text {
				t.Errorf("got %+v after %d edits, want buttons %+v after 1, the text unchanged", after.Buttons, after.Edits, tt.want)
			}
			if (got.ReplyMarkup != nil) != (tt.want != nil) || got.EditDate == 0 {
				t.Errorf("got answer %+v, want the edited message", got)
			}
		})
	}

	t.Run("a photo's keyboard", func(t *testing.T) {
		s := New(t, Options{Unlimited: true})
		api := newBot(t, s, 5*time.Second)
		p := tgbotapi.NewPhoto(42, tgbotapi.FileURL("https://img.example/a.jpg"))
		p.ReplyMarkup = sources
		m, err := api.Send(p)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := api.Send(tgbotapi.NewEditMessageReplyMarkup(42, m.MessageID, toggled)); err != nil {
			t.Errorf("got %v, want the keyboard edited", err)
		}
	})

	t.Run("the text edited, the keyboard changed", func(t *testing.T) {
		s := New(t, Options{Unlimited: true})
		api := newBot(t, s, 5*time.Second)
		msgID := sendKeyboard(t, api, 42, sources)
		same := tgbotapi.NewEditMessageText(42, msgID, "sources")
		same.ReplyMarkup = &sources
		if _, err := api.Send(same); err == nil || !strings.Contains(err.Error(), "message is not modified") {
			t.Errorf("same text and keyboard: got %v, want not modified", err)
		}
		same.ReplyMarkup = &toggled
		if _, err := api.Send(same); err != nil {
			t.Errorf("same text, another keyboard: got %v, want it edited", err)
		}
	})
}
