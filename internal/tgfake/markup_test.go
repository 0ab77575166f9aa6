package tgfake

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// buttons is a raw inline keyboard of n URL buttons, in rows of 8.
func buttons(n int) string {
	var rows []string
	for i := 0; i < n; i += 8 {
		var row []string
		for j := i; j < min(i+8, n); j++ {
			row = append(row, fmt.Sprintf(`{"text":"%d","callback_data":"b%d"}`, j, j))
		}
		rows = append(rows, "["+strings.Join(row, ",")+"]")
	}
	return `{"inline_keyboard":[` + strings.Join(rows, ",") + `]}`
}

// button is a raw inline keyboard of one button with the given fields.
func button(fields string) string { return `{"inline_keyboard":[[{` + fields + `}]]}` }

func TestReplyMarkup(t *testing.T) {
	zh21, zh22 := strings.Repeat("全", 21), strings.Repeat("全", 22) // 63 and 66 bytes
	tests := []struct {
		name, markup string
		want         [][]Button
		wantErr      string // the whole description, "" when accepted
	}{
		{"URL button", button(`"text":"全文","url":"https://t.me/newsbot_test_bot?start=a1"`),
			[][]Button{{{Text: "全文", URL: "https://t.me/newsbot_test_bot?start=a1"}}}, ""},
		{"callback button", button(`"text":"RFI ✅","callback_data":"src:rfi"`),
			[][]Button{{{Text: "RFI ✅", CallbackData: "src:rfi"}}}, ""},
		{"tg:// URL", button(`"text":"x","url":"tg://resolve?domain=newsbot_test_bot"`),
			[][]Button{{{Text: "x", URL: "tg://resolve?domain=newsbot_test_bot"}}}, ""},
		{"http URL", button(`"text":"x","url":"http://example.com/a"`),
			[][]Button{{{Text: "x", URL: "http://example.com/a"}}}, ""},
		{"switch_inline_query, empty", button(`"text":"share","switch_inline_query":""`),
			[][]Button{{{Text: "share"}}}, ""},
		{"rows", `{"inline_keyboard":[[{"text":"a","callback_data":"1"},{"text":"b","callback_data":"2"}],[{"text":"c","url":"https://e.com"}]]}`,
			[][]Button{{{Text: "a", CallbackData: "1"}, {Text: "b", CallbackData: "2"}}, {{Text: "c", URL: "https://e.com"}}}, ""},
		{"text of 64 bytes", button(`"text":"` + strings.Repeat("x", 64) + `","callback_data":"1"`),
			[][]Button{{{Text: strings.Repeat("x", 64), CallbackData: "1"}}}, ""},
		{"text of 63 bytes in 21 characters", button(`"text":"` + zh21 + `","callback_data":"1"`),
			[][]Button{{{Text: zh21, CallbackData: "1"}}}, ""},
		{"callback_data of 64 bytes", button(`"text":"x","callback_data":"` + strings.Repeat("d", 64) + `"`),
			[][]Button{{{Text: "x", CallbackData: strings.Repeat("d", 64)}}}, ""},
		{"100 buttons", buttons(100), nil, ""},
		{"a reply keyboard stays with the chat", `{"keyboard":[[{"text":"/latest"}]],"resize_keyboard":true}`, nil, ""},
		{"remove_keyboard", `{"remove_keyboard":true}`, nil, ""},

		{"not JSON", `{inline_keyboard:`, nil, "Bad Request: can't parse reply keyboard markup JSON object"},
		{"not an array of arrays", `{"inline_keyboard":[{"text":"x","callback_data":"1"}]}`, nil,
			`Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays`},
		{"not an array", `{"inline_keyboard":{"text":"x"}}`, nil,
			`Bad Request: field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays`},
		{"text not a string", button(`"text":7,"callback_data":"1"`), nil,
			`Bad Request: can't parse inline keyboard button: Field "text" must be of type String`},
		{"no text", button(`"callback_data":"1"`), nil,
			`Bad Request: can't parse inline keyboard button: Field "text" must be of type String`},
		{"empty text", button(`"text":"","callback_data":"1"`), nil,
			"Bad Request: can't parse inline keyboard button: Text must be non-empty"},
		{"text of 65 bytes", button(`"text":"` + strings.Repeat("x", 65) + `","callback_data":"1"`), nil,
			"Bad Request: can't parse inline keyboard button: Text must be at most 64 bytes long"},
		{"text of 66 bytes in 22 characters", button(`"text":"` + zh22 + `","callback_data":"1"`), nil,
			"Bad Request: can't parse inline keyboard button: Text must be at most 64 bytes long"},
		{"text only", button(`"text":"x"`), nil,
			"Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"},
		{"empty callback_data is none", button(`"text":"x","callback_data":""`), nil,
			"Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"},
		{"url and callback_data", button(`"text":"x","url":"https://e.com","callback_data":"1"`), nil,
			"Bad Request: can't parse inline keyboard button: exactly one of the optional fields must be used"},
		{"callback_data of 65 bytes", button(`"text":"x","callback_data":"` + strings.Repeat("d", 65) + `"`), nil,
			"Bad Request: BUTTON_DATA_INVALID"},
		{"callback_data of 66 bytes in 22 characters", button(`"text":"x","callback_data":"` + zh22 + `"`), nil,
			"Bad Request: BUTTON_DATA_INVALID"},
		{"url not a string", button(`"text":"x","url":5`), nil,
			`Bad Request: can't parse inline keyboard button: Field "url" must be of type String`},
		{"ftp URL", button(`"text":"x","url":"ftp://e.com/a"`), nil,
			"Bad Request: inline keyboard button URL 'ftp://e.com/a' is invalid: Unsupported URL protocol"},
		{"javascript URL", button(`"text":"x","url":"javascript:alert(1)"`), nil,
			"Bad Request: inline keyboard button URL 'javascript:alert(1)' is invalid: Unsupported URL protocol"},
		{"URL without a scheme", button(`"text":"x","url":"t.me/newsbot_test_bot"`), nil,
			"Bad Request: inline keyboard button URL 't.me/newsbot_test_bot' is invalid: Wrong HTTP URL"},
		{"URL without a host", button(`"text":"x","url":"https:///a"`), nil,
			"Bad Request: inline keyboard button URL 'https:///a' is invalid: Wrong HTTP URL"},
		{"URL with a space", button(`"text":"x","url":"https://e.com/a b"`), nil,
			"Bad Request: inline keyboard button URL 'https://e.com/a b' is invalid: Wrong HTTP URL"},
		{"101 buttons", buttons(101), nil, "Bad Request: reply markup is too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, Options{Unlimited: true})
			api := newBot(t, s, 5*time.Second)
			sends := []struct {
				method string
				params tgbotapi.Params
			}{
				{"sendMessage", tgbotapi.Params{"chat_id": "42", "text": "x"}},
				{"sendPhoto", tgbotapi.Params{"chat_id": "42", "photo": "https://img.example/a.jpg"}},
			}
			for _, send := range sends {
				send.params["reply_markup"] = tt.markup
				_, err := api.MakeRequest(send.method, send.params)
				if tt.wantErr != "" {
					if e := apiError(t, err); e.Code != 400 || e.Message != tt.wantErr {
						t.Errorf("%s: got %d %q, want 400 %q", send.method, e.Code, e.Message, tt.wantErr)
					}
					continue
				}
				if err != nil {
					t.Fatalf("%s: got %v, want it accepted", send.method, err)
				}
			}
			ms := s.Messages()
			if tt.wantErr != "" {
				if len(ms) != 0 {
					t.Errorf("got %d messages recorded, want none", len(ms))
				}
				return
			}
			for _, m := range ms {
				if tt.want != nil && !reflect.DeepEqual(m.Buttons, tt.want) {
					t.Errorf("%s: got buttons %+v, want %+v", m.Method, m.Buttons, tt.want)
				}
				if m.ReplyMarkup != tt.markup {
					t.Errorf("%s: got reply_markup %q, want it as sent", m.Method, m.ReplyMarkup)
				}
			}
		})
	}
}

// TestReplyMarkupRoundTrip checks markups built by tgbotapi: accepted,
// recorded as buttons, and answered back in the message.
func TestReplyMarkupRoundTrip(t *testing.T) {
	s := New(t, Options{Unlimited: true})
	api := newBot(t, s, 5*time.Second)
	kb := tgbotapi.NewInlineKeyboardMarkup(
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL("全文", "https://t.me/newsbot_test_bot?start=a1")),
		tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("✅ RFI", "src:rfi"), tgbotapi.NewInlineKeyboardButtonData("⬜ VOA", "src:voa")),
	)
	msg := tgbotapi.NewMessage(42, "headline")
	msg.ReplyMarkup = kb
	got, err := api.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	if got.ReplyMarkup == nil || !reflect.DeepEqual(*got.ReplyMarkup, kb) {
		t.Errorf("got reply_markup %+v in the answer, want %+v", got.ReplyMarkup, kb)
	}
	want := [][]Button{{{Text: "全文", URL: "https://t.me/newsbot_test_bot?start=a1"}},
		{{Text: "✅ RFI", CallbackData: "src:rfi"}, {Text: "⬜ VOA", CallbackData: "src:voa"}}}
	if b := s.MessagesTo(42)[0].Buttons; !reflect.DeepEqual(b, want) {
		t.Errorf("got buttons %+v, want %+v", b, want)
	}

	// An edit takes only an inline keyboard, and one without removes it.
	edit := tgbotapi.NewEditMessageText(42, got.MessageID, "headline, edited")
	if _, err := api.Send(edit); err != nil {
		t.Fatal(err)
	}
	if b := s.MessagesTo(42)[0].Buttons; b != nil {
		t.Errorf("after an edit without reply_markup: got buttons %+v, want none", b)
	}
	_, err = api.MakeRequest("editMessageText", tgbotapi.Params{"chat_id": "42", "message_id": fmt.Sprint(got.MessageID),
		"text": "again", "reply_markup": `{"keyboard":[[{"text":"a"}]]}`})
	if e := apiError(t, err); e.Code != 400 {
		t.Errorf("an edit with a reply keyboard: got %d %q, want 400", e.Code, e.Message)
	}
}

func TestFollowStartLink(t *testing.T) {
	alice := tgbotapi.User{ID: 7, FirstName: "Alice"}
	tests := []struct {
		name, link string
		want       string // the message queued, "" for none (ErrBadLink)
	}{
		{"t.me", "https://t.me/newsbot_test_bot?start=a1_B-2", "/start a1_B-2"},
		{"username in another case", "https://t.me/Newsbot_Test_Bot?start=x", "/start x"},
		{"telegram.me", "https://telegram.me/newsbot_test_bot?start=x", "/start x"},
		{"tg://resolve", "tg://resolve?domain=newsbot_test_bot&start=x", "/start x"},
		{"64 characters", "https://t.me/newsbot_test_bot?start=" + strings.Repeat("z", 64), "/start " + strings.Repeat("z", 64)},
		{"another bot", "https://t.me/other_bot?start=x", ""},
		{"no start", "https://t.me/newsbot_test_bot", ""},
		{"empty start", "https://t.me/newsbot_test_bot?start=", ""},
		{"65 characters", "https://t.me/newsbot_test_bot?start=" + strings.Repeat("z", 65), ""},
		{"a dot", "https://t.me/newsbot_test_bot?start=a.b", ""},
		{"an escaped space", "https://t.me/newsbot_test_bot?start=a%20b", ""},
		{"not Telegram", "https://example.com/newsbot_test_bot?start=x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, Options{})
			api := newBot(t, s, 5*time.Second)
			id, err := s.FollowStartLink(alice, tt.link)
			if tt.want == "" {
				if !errors.Is(err, ErrBadLink) || s.Pending() != 0 {
					t.Errorf("got %v with %d updates queued, want ErrBadLink and none", err, s.Pending())
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			ups, err := api.GetUpdates(tgbotapi.UpdateConfig{})
			if err != nil || len(ups) != 1 || ups[0].UpdateID != id {
				t.Fatalf("got %+v, %v, want update %d", ups, err, id)
			}
			m := ups[0].Message
			if m.Text != tt.want || m.Chat.ID != alice.ID || m.Chat.Type != Private || m.Command() != "start" {
				t.Errorf("got %q in chat %d (%s), want %q from Alice in her private chat", m.Text, m.Chat.ID, m.Chat.Type, tt.want)
			}
		})
	}
}
