package telegram

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// emulator is a Bot API server that is not Telegram: it knows getMe and
// deleteWebhook, and answers sendMessage as send says.
func emulator(t *testing.T, getMe, send http.HandlerFunc) *httptest.Server {
	t.Helper()
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case strings.HasSuffix(r.URL.Path, "/getMe"):
			getMe(w, r)
		case strings.HasSuffix(r.URL.Path, "/deleteWebhook"):
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(`{"ok":true,"result":true}`))
		default:
			send(w, r)
		}
	}))
	t.Cleanup(s.Close)
	return s
}

func okGetMe(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"ok":true,"result":{"id":1,"is_bot":true,"first_name":"Emu","username":"emu_bot"}}`))
}

const emulatorToken = "999:emulator-secret-token"

// Errors say the HTTP status and what the server said, never the token,
// and never end on a dangling colon.
func TestErrorTextsSayWhatTheServerAnswered(t *testing.T) {
	tests := []struct {
		name string
		send http.HandlerFunc
		want []string
	}{
		{"bare 500", func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "sendPhoto is not implemented in this emulator", http.StatusInternalServerError)
		}, []string{"not delivered", "HTTP 500 Internal Server Error", "not implemented in this emulator"}},
		{"empty 500", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusInternalServerError)
		}, []string{"HTTP 500 Internal Server Error", "empty body"}},
		{"JSON without a description", func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			w.Write([]byte(`{"ok":false,"error_code":500}`))
		}, []string{"HTTP 500 Internal Server Error", `error_code`}},
		{"body quoting the token", func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "no route for "+r.URL.Path, http.StatusBadGateway)
		}, []string{"HTTP 502 Bad Gateway", "no route for /bot<token>/sendMessage"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := emulator(t, okGetMe, tt.send)
			c, err := New(context.Background(), Config{Token: emulatorToken, APIEndpoint: s.URL})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.Send(context.Background(), tgbotapi.NewMessage(1, "hi"))
			if err == nil {
				t.Fatal("got no error")
			}
			msg := err.Error()
			for _, w := range tt.want {
				if !strings.Contains(msg, w) {
					t.Errorf("got %q, want it to contain %q", msg, w)
				}
			}
			if strings.Contains(msg, emulatorToken) || strings.Contains(msg, url.PathEscape(emulatorToken)) {
				t.Errorf("got %q: it holds the token", msg)
			}
			if strings.HasSuffix(strings.TrimSpace(msg), ":") {
				t.Errorf("got %q: it ends on a colon", msg)
			}
		})
	}
}

// A server that does not answer getMe like the Bot API is named by its
// host, and the error says so.
func TestNewNamesAnEndpointThatIsNotABotAPIServer(t *testing.T) {
	s := emulator(t, func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body>Welcome to nginx!</body></html>"))
	}, nil)
	_, err := New(context.Background(), Config{Token: emulatorToken, APIEndpoint: s.URL})
	if err == nil {
		t.Fatal("got no error")
	}
	host := strings.TrimPrefix(s.URL, "http://")
	for _, w := range []string{host, "did not answer getMe like a Bot API server", "Welcome to nginx"} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("got %q, want it to contain %q", err, w)
		}
	}
	var e *Error
	if !errors.As(err, &e) || e.Method != "getMe" {
		t.Errorf("got %#v, want an *Error of getMe", err)
	}
}

// Against a server that answers getUpdates at once, ignoring the long-poll
// timeout, Poll keeps MinPollInterval between empty polls.
func TestPollDoesNotSpinOnAnsweredAtOncePolls(t *testing.T) {
	var mu sync.Mutex
	polls := 0
	s := emulator(t, okGetMe, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/getUpdates") {
			mu.Lock()
			polls++
			mu.Unlock()
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true,"result":[]}`))
	})
	c, err := New(context.Background(), Config{Token: emulatorToken, APIEndpoint: s.URL, MinPollInterval: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if err := c.Poll(ctx, func(context.Context, tgbotapi.Update, func()) {}, nil); err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if polls > 6 {
		t.Errorf("got %d getUpdates calls in a second, want at most 6 at one per 200 ms", polls)
	}
}
