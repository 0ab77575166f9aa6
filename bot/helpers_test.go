package bot

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// syncBuffer is a log destination that tests read while the bot writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// testConfig is a client configuration for s with short timeouts.
func testConfig(s *tgfake.Server, log io.Writer) telegram.Config {
	if log == nil {
		log = io.Discard
	}
	return telegram.Config{
		Token:       s.Token,
		APIEndpoint: s.URL,
		SendTimeout: 5 * time.Second,
		PollTimeout: time.Second,
		MinBackoff:  10 * time.Millisecond,
		MaxBackoff:  50 * time.Millisecond,
		Logger:      slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

// newTestStore opens a store in a temporary folder, closed at the test's end.
func newTestStore(t testing.TB) *state.Store {
	t.Helper()
	s, err := state.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// seedDoc is a seed document for the article at url, seen by the feed at
// feed and published at pub, whose lead is lead.
func seedDoc(url, headline string, feed, pub time.Time, lead string) string {
	return fmt.Sprintf("<!--%d-->\n[%s](%s)\n------\n\n<div><i>%s</i></div><p>%s</p>\n",
		feed.UnixMilli(), headline, url, pub.UTC().Format(time.RFC1123), lead)
}

func writeFile(t testing.TB, dir, name, data string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func newTestClient(t *testing.T, s *tgfake.Server, log io.Writer) *telegram.Client {
	t.Helper()
	c, err := telegram.New(context.Background(), testConfig(s, log))
	if err != nil {
		t.Fatalf("telegram.New: %v", err)
	}
	return c
}

// sendChat is the chat_id of a request whose body is a form (a sendMessage,
// or a sendPhoto by URL), 0 for others; it leaves the body to be read again.
func sendChat(r *http.Request) int64 {
	if r.Body == nil {
		return 0
	}
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil {
		return 0
	}
	form, _ := url.ParseQuery(string(body))
	chat, _ := strconv.ParseInt(form.Get("chat_id"), 10, 64)
	return chat
}

// holdTransport holds Telegram's answer to the first message sent (into
// chat, unless it is 0) until release is closed, after closing held: the
// message has arrived, and its sender does not know yet.
type holdTransport struct {
	chat          int64
	once          sync.Once
	held, release chan struct{}
}

func newHold(chat int64) *holdTransport {
	return &holdTransport{chat: chat, held: make(chan struct{}), release: make(chan struct{})}
}

func (h *holdTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	send := strings.HasSuffix(r.URL.Path, "/sendMessage") || strings.HasSuffix(r.URL.Path, "/sendPhoto")
	mine := send && (h.chat == 0 || sendChat(r) == h.chat)
	resp, err := http.DefaultTransport.RoundTrip(r)
	if mine {
		first := false
		h.once.Do(func() { first = true })
		if first {
			close(h.held)
			<-h.release
		}
	}
	return resp, err
}
