package tgfake

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// TestNotImplemented checks that the methods an emulator lacks answer a
// bare 500 that is not JSON, and that the others work.
func TestNotImplemented(t *testing.T) {
	s := New(t, Options{NotImplemented: []string{"sendPhoto", "setMyCommands"}})
	api := newBot(t, s, 5*time.Second)
	tests := []struct {
		name    string
		req     tgbotapi.Chattable
		missing bool
	}{
		{"sendPhoto", tgbotapi.NewPhoto(42, tgbotapi.FileURL("https://img.example/a.jpg")), true},
		{"sendPhoto, upload", tgbotapi.NewPhoto(42, tgbotapi.FileBytes{Name: "a.jpg", Bytes: []byte("JPEG")}), true},
		{"setMyCommands", tgbotapi.NewSetMyCommands(tgbotapi.BotCommand{Command: "start", Description: "x"}), true},
		{"sendMessage", tgbotapi.NewMessage(42, "x"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := api.Request(tt.req)
			if !tt.missing {
				if err != nil {
					t.Errorf("got %v, want it answered", err)
				}
				return
			}
			var e *tgbotapi.Error
			if err == nil || errors.As(err, &e) && e.Code != 0 {
				t.Errorf("got %v, want a failure to decode the answer (tgbotapi ignores the status)", err)
			}
		})
	}
	resp, err := http.PostForm(s.URL+"/bot"+s.Token+"/sendPhoto", map[string][]string{"chat_id": {"42"}, "photo": {"https://img.example/a.jpg"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 500 || strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") || strings.HasPrefix(string(body), "{") {
		t.Errorf("got %d %q %q, want a bare 500", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	if n := len(s.Messages()); n != 1 {
		t.Errorf("got %d messages, want only the text", n)
	}
	if got := s.Calls("sendPhoto"); got != 3 {
		t.Errorf("got %d sendPhoto calls counted, want 3", got)
	}
}

// TestIgnorePollTimeout checks that an emulator's getUpdates answers at
// once whatever its timeout, and that the empty polls are counted.
func TestIgnorePollTimeout(t *testing.T) {
	s := New(t, Options{IgnorePollTimeout: true})
	// Telegram would hold each of these polls for a minute: the client
	// would give up after 10 s.
	api := newBot(t, s, 10*time.Second)
	for range 3 {
		ups, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 60})
		if err != nil || len(ups) != 0 {
			t.Fatalf("got %d updates, %v, want none at once", len(ups), err)
		}
	}
	if s.EmptyPolls() != 3 || s.Calls("getUpdates") != 3 {
		t.Errorf("got %d empty polls of %d, want 3 of 3", s.EmptyPolls(), s.Calls("getUpdates"))
	}
	s.PostPrivate(tgbotapi.User{ID: 7}, "hi")
	if ups, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 60}); err != nil || len(ups) != 1 {
		t.Errorf("got %d updates, %v, want the one queued", len(ups), err)
	}
	if s.EmptyPolls() != 3 {
		t.Errorf("got %d empty polls, want still 3", s.EmptyPolls())
	}
}
