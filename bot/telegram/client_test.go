package telegram

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/internal/tgfake"
)

// syncBuffer is a log destination that tests read while the client writes.
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
func testConfig(s *tgfake.Server, log io.Writer) Config {
	if log == nil {
		log = io.Discard
	}
	return Config{
		Token:       s.Token,
		APIEndpoint: s.URL,
		SendTimeout: 5 * time.Second,
		PollTimeout: time.Second,
		MinBackoff:  10 * time.Millisecond,
		MaxBackoff:  50 * time.Millisecond,
		Logger:      slog.New(slog.NewTextHandler(log, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
}

func newTestClient(t *testing.T, s *tgfake.Server, log io.Writer) *Client {
	t.Helper()
	c, err := New(context.Background(), testConfig(s, log))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return c
}

// poller runs Poll in the background, collecting update IDs.
type poller struct {
	mu   sync.Mutex
	ids  []int
	done chan error
	stop context.CancelFunc
}

func startPoll(c *Client) *poller {
	ctx, cancel := context.WithCancel(context.Background())
	p := &poller{done: make(chan error, 1), stop: cancel}
	go func() {
		p.done <- c.Poll(ctx, func(_ context.Context, u tgbotapi.Update, done func()) {
			p.mu.Lock()
			defer p.mu.Unlock()
			p.ids = append(p.ids, u.UpdateID)
			done()
		}, nil)
	}()
	return p
}

func (p *poller) got() []int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]int(nil), p.ids...)
}

// wait waits for Poll to return, with a generous bound.
func (p *poller) wait(t *testing.T) error {
	t.Helper()
	select {
	case err := <-p.done:
		return err
	case <-time.After(20 * time.Second):
		t.Fatal("Poll did not return")
		return nil
	}
}

func TestNewDeletesWebhook(t *testing.T) {
	s := tgfake.New(t, tgfake.Options{Username: "news_bot"})
	s.SetWebhook("https://old.example/hook")
	c := newTestClient(t, s, nil)
	if got := s.Webhook(); got != "" {
		t.Errorf("got webhook %q, want it deleted", got)
	}
	if got := c.Self().UserName; got != "news_bot" {
		t.Errorf("got username %q, want %q", got, "news_bot")
	}
}

func TestNewConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want error // nil: any error
	}{
		{"no token", Config{}, ErrNoToken},
		{"not a URL", Config{Token: "1:x", APIEndpoint: "127.0.0.1:8081"}, nil},
		{"ftp", Config{Token: "1:x", APIEndpoint: "ftp://example.com"}, nil},
	}
	for _, tt := range tests {
		_, err := New(context.Background(), tt.cfg)
		if err == nil || tt.want != nil && !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestEndpointFormat(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", DefaultAPIEndpoint + "/bot%s/%s"},
		{"http://127.0.0.1:8081", "http://127.0.0.1:8081/bot%s/%s"},
		{"http://127.0.0.1:8081/", "http://127.0.0.1:8081/bot%s/%s"},
		{"https://proxy.example/tg%20api", "https://proxy.example/tg%%20api/bot%s/%s"},
	}
	for _, tt := range tests {
		got, err := endpointFormat(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("endpointFormat(%q): got %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
}

func TestPollDeliversInOrderAndAcknowledges(t *testing.T) {
	s := tgfake.New(t, tgfake.Options{})
	c := newTestClient(t, s, nil)
	alice := tgbotapi.User{ID: 7, FirstName: "Alice"}
	var want []int
	for i := range 5 {
		want = append(want, s.PostPrivate(alice, fmt.Sprintf("message %d", i)))
	}
	p := startPoll(c)
	s.Await(t, "the first updates", func() bool { return len(p.got()) == 5 })
	// More come while Poll waits in a long poll.
	for i := range 3 {
		want = append(want, s.PostPrivate(alice, fmt.Sprintf("late %d", i)))
	}
	s.Await(t, "the late updates", func() bool { return len(p.got()) == 8 })
	p.stop()
	if err := p.wait(t); err != nil {
		t.Fatalf("Poll: got %v, want nil", err)
	}
	if got := fmt.Sprint(p.got()); got != fmt.Sprint(want) {
		t.Errorf("got updates %s, want %v", got, want)
	}
	last := want[len(want)-1]
	if got := s.Offset(); got != last+1 {
		t.Errorf("got offset %d acknowledged, want %d", got, last+1)
	}
	if got := s.Pending(); got != 0 {
		t.Errorf("got %d updates still pending, want 0", got)
	}
}

func TestPollStopsPromptlyDuringLongPoll(t *testing.T) {
	s := tgfake.New(t, tgfake.Options{})
	cfg := testConfig(s, nil)
	cfg.PollTimeout = time.Minute // far longer than the wait below
	c, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	id := s.PostPrivate(tgbotapi.User{ID: 7}, "hi")
	p := startPoll(c)
	s.Await(t, "the update", func() bool { return len(p.got()) == 1 })
	s.Await(t, "the next long poll", func() bool { return s.Offset() == id+1 && s.Calls("getUpdates") >= 2 })
	p.stop()
	if err := p.wait(t); err != nil {
		t.Fatalf("Poll: got %v, want nil", err)
	}
}

func TestPollAcknowledgesOnlyHandledUpdates(t *testing.T) {
	s := tgfake.New(t, tgfake.Options{})
	c := newTestClient(t, s, nil)
	first := s.PostPrivate(tgbotapi.User{ID: 7}, "one")
	s.PostPrivate(tgbotapi.User{ID: 7}, "two")
	ctx, cancel := context.WithCancel(context.Background())
	err := c.Poll(ctx, func(_ context.Context, _ tgbotapi.Update, done func()) { cancel(); done() }, nil) // stop inside the first
	if err != nil {
		t.Fatalf("Poll: got %v, want nil", err)
	}
	if got := s.Offset(); got != first+1 {
		t.Errorf("got offset %d, want %d: the second update is not handled", got, first+1)
	}
	if got := s.Pending(); got != 1 {
		t.Errorf("got %d pending, want 1", got)
	}
}

func TestPollStops(t *testing.T) {
	tests := []struct {
		name  string
		fault tgfake.Fault
		want  error
		hint  string
	}{
		{"401", tgfake.Unauthorized(), ErrUnauthorized, "check TELEGRAM_BOT_TOKEN"},
		{"409 other instance", tgfake.Conflict(), ErrConflict, "another process is polling"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tgfake.New(t, tgfake.Options{})
			c := newTestClient(t, s, nil)
			s.Inject("getUpdates", 0, tt.fault, 0)
			err := startPoll(c).wait(t)
			if !errors.Is(err, tt.want) {
				t.Errorf("got %v, want %v", err, tt.want)
			}
			if err != nil && (!strings.Contains(err.Error(), "getUpdates") || !strings.Contains(err.Error(), tt.hint)) {
				t.Errorf("got %q, want the error to name getUpdates and say %q", err, tt.hint)
			}
		})
	}
}

func TestPollRecovers(t *testing.T) {
	tests := []struct {
		name   string
		inject func(*tgfake.Server)
	}{
		{"5xx, non-JSON 502, 429", func(s *tgfake.Server) {
			s.Inject("getUpdates", 0, tgfake.ServerError(), 1)
			s.Inject("getUpdates", 0, tgfake.BadGateway(), 1)
			s.Inject("getUpdates", 0, tgfake.TooMany(1), 1)
		}},
		{"webhook set while running", func(s *tgfake.Server) { s.SetWebhook("https://x.example/hook") }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tgfake.New(t, tgfake.Options{})
			c := newTestClient(t, s, nil)
			tt.inject(s)
			id := s.PostPrivate(tgbotapi.User{ID: 7}, "hi")
			p := startPoll(c)
			s.Await(t, "the update", func() bool { return len(p.got()) == 1 })
			p.stop()
			if err := p.wait(t); err != nil {
				t.Fatalf("Poll: got %v, want nil", err)
			}
			if got := p.got(); got[0] != id {
				t.Errorf("got %v, want [%d]", got, id)
			}
		})
	}
}

func TestPollBackoffIsCancellable(t *testing.T) {
	s := tgfake.New(t, tgfake.Options{})
	cfg := testConfig(s, nil)
	cfg.MinBackoff, cfg.MaxBackoff = time.Hour, time.Hour
	c, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	s.Inject("getUpdates", 0, tgfake.ServerError(), 0)
	p := startPoll(c)
	s.Await(t, "a failed getUpdates", func() bool { return s.Calls("getUpdates") >= 1 })
	p.stop()
	if err := p.wait(t); err != nil {
		t.Errorf("got %v, want nil", err)
	}
}

// resetServer answers sendMessage by closing the connection after reading
// the request, and forwards everything else to the fake.
func resetServer(t *testing.T, s *tgfake.Server, answer string) *httptest.Server {
	rs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/sendMessage") {
			s.ServeHTTP(w, r)
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		if answer != "" {
			w.Header().Set("Content-Type", "application/json")
			_, _ = io.WriteString(w, answer)
			return
		}
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(rs.Close)
	return rs
}

func TestErrorClasses(t *testing.T) {
	const chat = 42
	// channel is a channel where the bot's status is a row's channelBot,
	// without the right to post.
	const channel = -1001000000077
	upload := tgbotapi.NewPhoto(chat, tgbotapi.FileBytes{Name: "a.jpg", Bytes: []byte("JPEG")})
	tests := []struct {
		name       string
		inject     func(*tgfake.Server)
		channelBot string
		endpoint   func(*testing.T, *tgfake.Server) string // default the fake
		sendTO     time.Duration
		send       tgbotapi.Chattable // default a message to chat
		class      Class
		reason     string
		code       int
		retryAfter time.Duration
		migrateTo  int64
	}{
		{name: "429", inject: func(s *tgfake.Server) { s.Inject("sendMessage", chat, tgfake.TooMany(3), 1) },
			class: ClassRetryAfter, code: 429, retryAfter: 3 * time.Second},
		{name: "blocked", inject: func(s *tgfake.Server) { s.Block(chat, tgfake.Blocked()) },
			class: ClassForbidden, reason: ReasonBlocked, code: 403},
		{name: "kicked", inject: func(s *tgfake.Server) { s.Block(chat, tgfake.Kicked()) },
			class: ClassForbidden, reason: ReasonKicked, code: 403},
		{name: "deactivated", inject: func(s *tgfake.Server) { s.Block(chat, tgfake.Deactivated()) },
			class: ClassForbidden, reason: ReasonDeactivated, code: 403},
		{name: "can't initiate", inject: func(s *tgfake.Server) { s.Block(chat, tgfake.CantInitiate()) },
			class: ClassForbidden, reason: ReasonCantInitiate, code: 403},
		{name: "blocked, upload (Code 0 in tgbotapi)", inject: func(s *tgfake.Server) { s.Block(chat, tgfake.Blocked()) },
			send: upload, class: ClassForbidden, reason: ReasonBlocked, code: 403},
		{name: "channel, bot kicked", channelBot: "kicked", send: tgbotapi.NewMessage(channel, "hello"),
			class: ClassForbidden, reason: ReasonKicked, code: 403},
		{name: "channel, bot not a member", channelBot: "left", send: tgbotapi.NewMessage(channel, "hello"),
			class: ClassForbidden, reason: ReasonKicked, code: 403},
		{name: "channel, bot a member only", channelBot: "member", send: tgbotapi.NewMessage(channel, "hello"),
			class: ClassForbidden, reason: ReasonNoRights, code: 400},
		{name: "channel, bot an admin that may not post", channelBot: "administrator", send: tgbotapi.NewMessage(channel, "hello"),
			class: ClassForbidden, reason: ReasonNoRights, code: 400},
		{name: "chat not found", inject: func(s *tgfake.Server) { s.Block(chat, tgfake.ChatNotFound()) },
			class: ClassChatNotFound, code: 400},
		{name: "migrated", inject: func(s *tgfake.Server) { s.Migrate(chat, -1001234567890) },
			class: ClassMigrated, code: 400, migrateTo: -1001234567890},
		{name: "unfetchable photo", inject: func(s *tgfake.Server) { s.SetUnfetchable("https://img.example/x.jpg") },
			send: tgbotapi.NewPhoto(chat, tgbotapi.FileURL("https://img.example/x.jpg")), class: ClassBadPhoto, code: 400},
		{name: "unknown file_id", send: tgbotapi.NewPhoto(chat, tgbotapi.FileID("nope")), class: ClassBadPhoto, code: 400},
		{name: "bad HTML", send: func() tgbotapi.Chattable {
			m := tgbotapi.NewMessage(chat, "<p>x</p>")
			m.ParseMode = "HTML"
			return m
		}(), class: ClassBadRequest, code: 400},
		{name: "too long", send: tgbotapi.NewMessage(chat, strings.Repeat("x", 5000)), class: ClassBadRequest, code: 400},
		{name: "JSON 500", inject: func(s *tgfake.Server) { s.Inject("sendMessage", 0, tgfake.ServerError(), 1) },
			class: ClassTransient, code: 500},
		{name: "non-JSON 502", inject: func(s *tgfake.Server) { s.Inject("sendMessage", 0, tgfake.BadGateway(), 1) },
			class: ClassTransient, code: 502},
		{name: "non-JSON 502, upload", inject: func(s *tgfake.Server) { s.Inject("sendPhoto", 0, tgfake.BadGateway(), 1) },
			send: upload, class: ClassTransient, code: 502},
		{name: "timeout, delivered", inject: func(s *tgfake.Server) { s.Inject("sendMessage", 0, tgfake.Timeout(true), 1) },
			sendTO: 200 * time.Millisecond, class: ClassUnknownOutcome},
		{name: "timeout, not delivered", inject: func(s *tgfake.Server) { s.Inject("sendMessage", 0, tgfake.Timeout(false), 1) },
			sendTO: 200 * time.Millisecond, class: ClassUnknownOutcome},
		{name: "connection reset after write", endpoint: func(t *testing.T, s *tgfake.Server) string {
			return resetServer(t, s, "").URL
		}, class: ClassUnknownOutcome},
		{name: "unreadable answer", endpoint: func(t *testing.T, s *tgfake.Server) string {
			return resetServer(t, s, `{"ok":true,"result":"not a message"}`).URL
		}, class: ClassUnknownOutcome, code: 200},
		{name: "401", inject: func(s *tgfake.Server) { s.Inject("sendMessage", 0, tgfake.Unauthorized(), 1) },
			class: ClassUnauthorized, code: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tgfake.New(t, tgfake.Options{Unlimited: true})
			cfg := testConfig(s, nil)
			if tt.endpoint != nil {
				cfg.APIEndpoint = tt.endpoint(t, s)
			}
			if tt.sendTO > 0 {
				cfg.SendTimeout = tt.sendTO
			}
			c, err := New(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			if tt.inject != nil {
				tt.inject(s)
			}
			if tt.channelBot != "" {
				if err := s.AddChannel(tgfake.ChannelConfig{ID: channel, BotStatus: tt.channelBot}); err != nil {
					t.Fatal(err)
				}
			}
			send := tt.send
			if send == nil {
				send = tgbotapi.NewMessage(chat, "hello")
			}
			_, err = c.Send(context.Background(), send)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v (%T), want an *Error", err, err)
			}
			if e.Class != tt.class || e.Reason != tt.reason || e.Code != tt.code ||
				e.RetryAfter != tt.retryAfter || e.MigrateTo != tt.migrateTo {
				t.Errorf("got class %v reason %q code %d retry %v migrate %d (%v), want %v %q %d %v %d",
					e.Class, e.Reason, e.Code, e.RetryAfter, e.MigrateTo, err,
					tt.class, tt.reason, tt.code, tt.retryAfter, tt.migrateTo)
			}
			if ClassOf(err) != tt.class {
				t.Errorf("ClassOf: got %v, want %v", ClassOf(err), tt.class)
			}
			if strings.Contains(fmt.Sprintf("%v %+v %#v", err, err, err), s.Token) {
				t.Errorf("got the token in %q", err)
			}
		})
	}
}

// refusingEndpoint is a base URL where nothing listens.
func refusingEndpoint(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

func TestNotDeliveredBeforeWrite(t *testing.T) {
	tests := []struct {
		name string
		cfg  func(*Config)
	}{
		{"connection refused", func(c *Config) { c.APIEndpoint = refusingEndpoint(t) }},
		{"DNS failure", func(c *Config) {
			c.APIEndpoint = "https://api.telegram.example"
			c.Transport = &http.Transport{DialContext: func(_ context.Context, _, addr string) (net.Conn, error) {
				return nil, &net.DNSError{Err: "no such host", Name: addr, IsNotFound: true}
			}}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := tgfake.New(t, tgfake.Options{})
			cfg := testConfig(s, nil)
			tt.cfg(&cfg)
			_, err := New(context.Background(), cfg)
			var e *Error
			if !errors.As(err, &e) || e.Class != ClassTransient || e.Method != "getMe" {
				t.Fatalf("got %v, want a not-delivered *Error for getMe", err)
			}
			if strings.Contains(err.Error(), s.Token) {
				t.Errorf("got the token in %q", err)
			}
		})
	}
}

func TestTokenNeverLogged(t *testing.T) {
	s := tgfake.New(t, tgfake.Options{})
	var log syncBuffer
	c := newTestClient(t, s, &log)
	s.Close() // from now on, connections are refused
	// A kept-alive connection the server closed would make the next send's
	// outcome unknown (written, then EOF); this test is about refusals.
	c.http.CloseIdleConnections()

	var texts []string
	_, err := c.Send(context.Background(), tgbotapi.NewMessage(42, "x"))
	if ClassOf(err) != ClassTransient {
		t.Errorf("send: got %v (%v), want not delivered", err, ClassOf(err))
	}
	texts = append(texts, chain(err)...)
	_, err = c.MakeRequest(context.Background(), "sendMessage", tgbotapi.Params{"chat_id": "42", "text": "x"})
	texts = append(texts, chain(err)...)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- c.Poll(ctx, func(_ context.Context, _ tgbotapi.Update, done func()) { done() }, nil) }()
	s.Await(t, "logged poll failures", func() bool { return strings.Count(log.String(), "getUpdates failed") >= 3 })
	cancel()
	texts = append(texts, chain(<-done)...)
	texts = append(texts, log.String())

	if !strings.Contains(log.String(), "connect") {
		t.Errorf("got log %q, want the connection failures logged", log.String())
	}
	for _, text := range texts {
		if strings.Contains(text, s.Token) || strings.Contains(text, strings.Split(s.Token, ":")[1]) {
			t.Errorf("got the token in %q", text)
		}
	}
}

// chain is the texts of err and of every error it wraps, in every format.
func chain(err error) []string {
	var out []string
	for err != nil {
		out = append(out, fmt.Sprintf("%v|%+v|%#v", err, err, err))
		err = errors.Unwrap(err)
	}
	return out
}
