package tgfake

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// newBot is the real client, connected to s, with a request timeout.
func newBot(t *testing.T, s *Server, timeout time.Duration) *tgbotapi.BotAPI {
	t.Helper()
	api, err := tgbotapi.NewBotAPIWithClient(s.Token, s.Endpoint(), &http.Client{Timeout: timeout})
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	return api
}

// apiError is err as a *tgbotapi.Error, or fails the test.
func apiError(t *testing.T, err error) *tgbotapi.Error {
	t.Helper()
	var e *tgbotapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("got error %v (%T), want a *tgbotapi.Error", err, err)
	}
	return e
}

// frozen is a clock that only moves when told.
type frozen struct {
	mu  sync.Mutex
	now time.Time
}

func (c *frozen) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *frozen) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func (c *frozen) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = t
}

func TestWrongTokenIsUnauthorized(t *testing.T) {
	s := New(t, Options{})
	_, err := tgbotapi.NewBotAPIWithClient("999:wrong", s.Endpoint(), &http.Client{Timeout: 5 * time.Second})
	if e := apiError(t, err); e.Code != 401 || e.Message != "Unauthorized" {
		t.Errorf("got %d %q, want 401 Unauthorized", e.Code, e.Message)
	}
}

func TestGetMe(t *testing.T) {
	s := New(t, Options{Username: "my_bot"})
	if got := newBot(t, s, 5*time.Second).Self.UserName; got != "my_bot" {
		t.Errorf("got username %q, want %q", got, "my_bot")
	}
}

func TestSendMessageValidation(t *testing.T) {
	tests := []struct {
		name, text, mode string
		wantErr          string // "" when accepted
	}{
		{"plain", "hello", "", ""},
		{"html", `<b>a</b> &amp; <a href="https://e.com/?a=1&amp;b=2">x</a>`, "HTML", ""},
		{"unsupported tag", "<p>x</p>", "HTML", `Bad Request: can't parse entities: Unsupported start tag "p" at byte offset 0`},
		{"unclosed tag", "<b>x", "HTML", "Bad Request: can't parse entities: Can't find end tag"},
		{"unescaped ampersand", "a & b", "HTML", "Bad Request: can't parse entities"},
		{"too long", strings.Repeat("x", MaxTextLen+1), "", "Bad Request: message is too long"},
		{"too long in UTF-16", strings.Repeat("😀", MaxTextLen/2+1), "", "Bad Request: message is too long"},
		{"markup does not count", "<b>" + strings.Repeat("&lt;", MaxTextLen) + "</b>", "HTML", ""},
		{"empty", "", "", "Bad Request: message text is empty"},
		{"unknown parse mode", "x", "Markdown", "Bad Request: unsupported parse_mode"},
	}
	s := New(t, Options{Unlimited: true})
	api := newBot(t, s, 5*time.Second)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := len(s.Messages())
			msg := tgbotapi.NewMessage(42, tt.text)
			msg.ParseMode = tt.mode
			_, err := api.Send(msg)
			recorded := len(s.Messages()) - before
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("got error %v, want none", err)
				}
				if recorded != 1 {
					t.Errorf("got %d messages recorded, want 1", recorded)
				}
				return
			}
			e := apiError(t, err)
			if e.Code != 400 || !strings.HasPrefix(e.Message, tt.wantErr) {
				t.Errorf("got %d %q, want 400 %q", e.Code, e.Message, tt.wantErr)
			}
			if recorded != 0 {
				t.Errorf("got %d messages recorded, want 0", recorded)
			}
		})
	}
}

func TestSendMessageRecorded(t *testing.T) {
	s := New(t, Options{Unlimited: true})
	api := newBot(t, s, 5*time.Second)
	msg := tgbotapi.NewMessage(42, "<b>hi</b> &amp; bye")
	msg.ParseMode = "HTML"
	msg.DisableWebPagePreview = true
	got, err := api.Send(msg)
	if err != nil {
		t.Fatal(err)
	}
	if got.Chat.ID != 42 || got.Chat.Type != Private || got.Text != "hi & bye" || got.MessageID == 0 {
		t.Errorf("got answer %+v, want chat 42 (private), text %q, a message ID", got, "hi & bye")
	}
	ms := s.MessagesTo(42)
	if len(ms) != 1 {
		t.Fatalf("got %d messages, want 1", len(ms))
	}
	m := ms[0]
	if m.Method != "sendMessage" || m.Text != msg.Text || m.Visible != "hi & bye" || m.ParseMode != "HTML" ||
		!m.DisablePreview || m.MessageID != got.MessageID || m.Time.IsZero() {
		t.Errorf("got record %+v, want the message as sent", m)
	}
}

func TestSendPhoto(t *testing.T) {
	s := New(t, Options{Unlimited: true})
	api := newBot(t, s, 5*time.Second)
	const url, bad = "https://img.example/a.jpg", "https://img.example/broken.jpg"
	s.SetUnfetchable(bad)

	byURL := tgbotapi.NewPhoto(42, tgbotapi.FileURL(url))
	byURL.Caption, byURL.ParseMode = "<b>x</b>", "HTML"
	m, err := api.Send(byURL)
	if err != nil {
		t.Fatalf("by URL: %v", err)
	}
	if len(m.Photo) == 0 || m.Caption != "x" {
		t.Fatalf("got %+v, want a photo with caption %q", m, "x")
	}
	fileID := m.Photo[len(m.Photo)-1].FileID

	if _, err := api.Send(tgbotapi.NewPhoto(43, tgbotapi.FileID(fileID))); err != nil {
		t.Errorf("by file_id: %v", err)
	}
	up, err := api.Send(tgbotapi.NewPhoto(44, tgbotapi.FileBytes{Name: "a.jpg", Bytes: []byte("JPEG")}))
	if err != nil {
		t.Errorf("upload: %v", err)
	} else if len(up.Photo) == 0 {
		t.Errorf("upload: got no photo in the answer")
	}

	refused := []struct {
		name    string
		photo   tgbotapi.RequestFileData
		caption string
		want    string
	}{
		{"unknown file_id", tgbotapi.FileID("nope"), "", "Bad Request: wrong file identifier/HTTP URL specified"},
		{"unfetchable URL", tgbotapi.FileURL(bad), "", "Bad Request: failed to get HTTP URL content"},
		{"caption too long", tgbotapi.FileURL(url), strings.Repeat("x", MaxCaptionLen+1), "Bad Request: message caption is too long"},
		{"caption HTML", tgbotapi.FileURL(url), "<br>", "Bad Request: can't parse entities"},
		{"empty upload", tgbotapi.FileBytes{Name: "empty.jpg"}, "", "Bad Request: file must be non-empty"},
	}
	for _, tt := range refused {
		p := tgbotapi.NewPhoto(42, tt.photo)
		p.Caption, p.ParseMode = tt.caption, "HTML"
		_, err := api.Send(p)
		if e := apiError(t, err); !strings.HasPrefix(e.Message, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, e.Message, tt.want)
		}
	}

	ms := s.Messages()
	if len(ms) != 3 {
		t.Fatalf("got %d messages, want 3", len(ms))
	}
	if ms[0].Photo != url || ms[1].Photo != fileID || ms[2].Photo != "upload:a.jpg" || ms[1].FileID != ms[0].FileID {
		t.Errorf("got photos %q %q %q (file_ids %q %q), want the URL, the file_id, the upload",
			ms[0].Photo, ms[1].Photo, ms[2].Photo, ms[0].FileID, ms[1].FileID)
	}
	if got := s.PhotoRequests(bad); got != 1 {
		t.Errorf("got %d requests for the unfetchable URL, want 1", got)
	}
}

func TestJSONBody(t *testing.T) {
	s := New(t, Options{Unlimited: true})
	body := `{"chat_id": 42, "text": "<i>json</i>", "parse_mode": "HTML", "disable_web_page_preview": true}`
	resp, err := http.Post(s.URL+"/bot"+s.Token+"/sendMessage", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var got tgbotapi.APIResponse
	if err := json.NewDecoder(resp.Body).Decode(&got); err != nil || !got.Ok {
		t.Fatalf("got %+v, %v, want ok", got, err)
	}
	if ms := s.Messages(); len(ms) != 1 || ms[0].Visible != "json" || !ms[0].DisablePreview {
		t.Errorf("got %+v, want one message %q without preview", ms, "json")
	}
}

func TestUnknownMethod(t *testing.T) {
	s := New(t, Options{})
	resp, err := http.Post(s.URL+"/bot"+s.Token+"/sendTelegram", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("got status %d, want 404", resp.StatusCode)
	}
}

func TestEditMessageText(t *testing.T) {
	s := New(t, Options{Unlimited: true})
	api := newBot(t, s, 5*time.Second)
	m, err := api.Send(tgbotapi.NewMessage(42, "progress 1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.Send(tgbotapi.NewEditMessageText(42, m.MessageID, "progress 2")); err != nil {
		t.Fatalf("edit: %v", err)
	}
	if got := s.MessagesTo(42)[0]; got.Text != "progress 2" || got.Edits != 1 {
		t.Errorf("got %q after %d edits, want %q after 1", got.Text, got.Edits, "progress 2")
	}
	refused := []struct {
		name string
		edit tgbotapi.EditMessageTextConfig
		want string
	}{
		{"not modified", tgbotapi.NewEditMessageText(42, m.MessageID, "progress 2"), "Bad Request: message is not modified"},
		{"not found", tgbotapi.NewEditMessageText(42, m.MessageID+7, "x"), "Bad Request: message to edit not found"},
		{"other chat", tgbotapi.NewEditMessageText(43, m.MessageID, "x"), "Bad Request: message to edit not found"},
		{"bad HTML", func() tgbotapi.EditMessageTextConfig {
			e := tgbotapi.NewEditMessageText(42, m.MessageID, "<div>x</div>")
			e.ParseMode = "HTML"
			return e
		}(), "Bad Request: can't parse entities"},
	}
	for _, tt := range refused {
		_, err := api.Send(tt.edit)
		if e := apiError(t, err); !strings.HasPrefix(e.Message, tt.want) {
			t.Errorf("%s: got %q, want %q", tt.name, e.Message, tt.want)
		}
	}
}

func TestGetChatMember(t *testing.T) {
	s := New(t, Options{})
	api := newBot(t, s, 5*time.Second)
	const group = -1001234
	s.SetMember(group, 1, "creator")
	s.SetMember(group, 2, "administrator")
	tests := []struct {
		user int64
		want string
	}{{1, "creator"}, {2, "administrator"}, {3, "member"}}
	for _, tt := range tests {
		m, err := api.GetChatMember(tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: group, UserID: tt.user}})
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != tt.want || m.User.ID != tt.user {
			t.Errorf("user %d: got %q (user %d), want %q", tt.user, m.Status, m.User.ID, tt.want)
		}
	}
}

func TestInjectedFaults(t *testing.T) {
	tests := []struct {
		name       string
		fault      Fault
		code       int
		desc       string
		retryAfter int
		migrateTo  int64
	}{
		{"blocked", Blocked(), 403, "Forbidden: bot was blocked by the user", 0, 0},
		{"kicked", Kicked(), 403, "Forbidden: bot was kicked from the group chat", 0, 0},
		{"deactivated", Deactivated(), 403, "Forbidden: user is deactivated", 0, 0},
		{"can't initiate", CantInitiate(), 403, "Forbidden: bot can't initiate conversation with a user", 0, 0},
		{"chat not found", ChatNotFound(), 400, "Bad Request: chat not found", 0, 0},
		{"migrated", Migrated(-1009), 400, "Bad Request: group chat was upgraded to a supergroup chat", 0, -1009},
		{"too many", TooMany(7), 429, "Too Many Requests: retry after 7", 7, 0},
		{"server error", ServerError(), 500, "Internal Server Error", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, Options{Unlimited: true})
			api := newBot(t, s, 5*time.Second)
			s.Inject("sendMessage", 42, tt.fault, 1)
			_, err := api.Send(tgbotapi.NewMessage(42, "x"))
			e := apiError(t, err)
			if e.Code != tt.code || e.Message != tt.desc || e.RetryAfter != tt.retryAfter || e.MigrateToChatID != tt.migrateTo {
				t.Errorf("got %d %q retry_after %d migrate_to %d, want %d %q %d %d",
					e.Code, e.Message, e.RetryAfter, e.MigrateToChatID, tt.code, tt.desc, tt.retryAfter, tt.migrateTo)
			}
			if _, err := api.Send(tgbotapi.NewMessage(43, "x")); err != nil {
				t.Errorf("other chat: got %v, want it unaffected", err)
			}
			if _, err := api.Send(tgbotapi.NewMessage(42, "x")); err != nil {
				t.Errorf("after one injected fault: got %v, want the send accepted", err)
			}
			if got := len(s.Messages()); got != 2 {
				t.Errorf("got %d messages recorded, want 2", got)
			}
		})
	}
}

func TestBlockAndMigrate(t *testing.T) {
	s := New(t, Options{Unlimited: true})
	api := newBot(t, s, 5*time.Second)
	s.Block(42, Blocked())
	s.Migrate(-5, -1005)
	for range 2 {
		if _, err := api.Send(tgbotapi.NewMessage(42, "x")); apiError(t, err).Code != 403 {
			t.Errorf("blocked chat: got %v, want 403 every time", err)
		}
		_, err := api.Send(tgbotapi.NewMessage(-5, "x"))
		if e := apiError(t, err); e.MigrateToChatID != -1005 {
			t.Errorf("migrated group: got %v, want migrate_to_chat_id -1005 every time", err)
		}
	}
	m, err := api.Send(tgbotapi.NewMessage(-1005, "x"))
	if err != nil || m.Chat.Type != Supergroup {
		t.Errorf("new supergroup: got %+v, %v, want accepted into a supergroup", m.Chat, err)
	}
	s.ClearFaults()
	if _, err := api.Send(tgbotapi.NewMessage(42, "x")); err != nil {
		t.Errorf("after ClearFaults: %v", err)
	}
}

func TestInjectFunc(t *testing.T) {
	s := New(t, Options{Unlimited: true})
	api := newBot(t, s, 5*time.Second)
	s.InjectFunc(func(c Call) *Fault {
		if c.Method == "sendMessage" && c.N%2 == 0 {
			f := ServerError()
			return &f
		}
		return nil
	})
	var failed int
	for range 6 {
		if _, err := api.Send(tgbotapi.NewMessage(42, "x")); err != nil {
			failed++
		}
	}
	if failed != 3 {
		t.Errorf("got %d failed, want 3", failed)
	}
}

func TestBadGatewayIsNotJSON(t *testing.T) {
	s := New(t, Options{})
	newBot(t, s, 5*time.Second)
	s.Inject("sendMessage", 0, BadGateway(), 1)
	resp, err := http.PostForm(s.URL+"/bot"+s.Token+"/sendMessage", map[string][]string{"chat_id": {"1"}, "text": {"x"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 502 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		t.Errorf("got %d %q, want 502 text/html", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if len(s.Messages()) != 0 {
		t.Errorf("got a message recorded, want none")
	}
}

func TestTimeouts(t *testing.T) {
	for _, delivered := range []bool{false, true} {
		s := New(t, Options{Unlimited: true})
		api := newBot(t, s, 5*time.Second)
		api.Client = &http.Client{Timeout: 100 * time.Millisecond}
		s.Inject("sendMessage", 42, Timeout(delivered), 1)
		_, err := api.Send(tgbotapi.NewMessage(42, "x"))
		if err == nil {
			t.Fatalf("delivered=%v: got no error, want the client to time out", delivered)
		}
		if got := len(s.Messages()) == 1; got != delivered {
			t.Errorf("delivered=%v: got recorded %v", delivered, got)
		}
	}
}

func TestGetUpdates(t *testing.T) {
	s := New(t, Options{})
	api := newBot(t, s, 10*time.Second)
	alice := tgbotapi.User{ID: 7, FirstName: "Alice", LanguageCode: "en"}
	first := s.PostPrivate(alice, "/start")
	s.PostGroup(-42, alice, "/latest@newsbot_test_bot 3")
	s.PostAnonymousAdmin(-1001234567890, "/subscribe")

	ups, err := api.GetUpdates(tgbotapi.UpdateConfig{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(ups) != 2 || ups[0].UpdateID != first || ups[1].UpdateID != first+1 {
		t.Fatalf("got %d updates, want 2 from %d", len(ups), first)
	}
	m := ups[0].Message
	if m.Chat.ID != 7 || m.Chat.Type != Private || m.From.LanguageCode != "en" || !m.IsCommand() || m.Command() != "start" {
		t.Errorf("got %+v, want /start from Alice in her private chat", m)
	}
	if g := ups[1].Message; g.Chat.Type != Group || g.CommandWithAt() != "latest@newsbot_test_bot" || g.CommandArguments() != "3" {
		t.Errorf("got %+v, want /latest@newsbot_test_bot 3 in a group", g)
	}

	// Offset confirms what came before; the anonymous admin's message is next.
	ups, err = api.GetUpdates(tgbotapi.UpdateConfig{Offset: first + 2})
	if err != nil || len(ups) != 1 {
		t.Fatalf("got %d updates, %v, want 1", len(ups), err)
	}
	if a := ups[0].Message; a.SenderChat == nil || a.SenderChat.ID != -1001234567890 || a.From.ID != GroupAnonymousBotID || a.Chat.Type != Supergroup {
		t.Errorf("got %+v, want an anonymous admin's message with sender_chat", a)
	}
	if s.Offset() != first+2 || s.Pending() != 1 {
		t.Errorf("got offset %d, %d pending, want %d and 1", s.Offset(), s.Pending(), first+2)
	}

	// A long poll returns as soon as an update comes.
	done := make(chan []tgbotapi.Update)
	go func() {
		ups, _ := api.GetUpdates(tgbotapi.UpdateConfig{Offset: first + 3, Timeout: 30})
		done <- ups
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.Wait(ctx, func() bool { return s.Offset() == first+3 })
	late := s.PostPrivate(alice, "hello")
	select {
	case ups := <-done:
		if len(ups) != 1 || ups[0].UpdateID != late {
			t.Errorf("got %+v, want update %d", ups, late)
		}
	case <-ctx.Done():
		t.Fatal("long poll did not return when an update came")
	}

	// With nothing queued, a long poll returns empty at its timeout.
	ups, err = api.GetUpdates(tgbotapi.UpdateConfig{Offset: late + 1, Timeout: 1})
	if err != nil || len(ups) != 0 {
		t.Errorf("got %d updates, %v, want none", len(ups), err)
	}
}

func TestGetUpdatesConflicts(t *testing.T) {
	s := New(t, Options{})
	api := newBot(t, s, 10*time.Second)
	s.SetWebhook("https://example.com/hook")
	_, err := api.GetUpdates(tgbotapi.UpdateConfig{})
	if e := apiError(t, err); e.Code != 409 || !strings.Contains(e.Message, "webhook is active") {
		t.Errorf("got %d %q, want 409 about the webhook", e.Code, e.Message)
	}
	if _, err := api.Request(tgbotapi.DeleteWebhookConfig{}); err != nil || s.Webhook() != "" {
		t.Fatalf("deleteWebhook: %v, webhook %q", err, s.Webhook())
	}

	// A second poller ends the first with 409.
	first := make(chan error)
	go func() {
		_, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 30})
		first <- err
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	s.Wait(ctx, func() bool { return s.Calls("getUpdates") == 2 })
	if _, err := api.GetUpdates(tgbotapi.UpdateConfig{Timeout: 0}); err != nil {
		t.Fatalf("second poller: %v", err)
	}
	select {
	case err := <-first:
		if e := apiError(t, err); e.Code != 409 || !strings.HasPrefix(e.Message, "Conflict: terminated by other getUpdates request") {
			t.Errorf("got %d %q, want 409 Conflict", e.Code, e.Message)
		}
	case <-ctx.Done():
		t.Fatal("first poller was not ended")
	}
}

// postSend sends a message to chat 42 with ctx, as a client that may hang up.
func postSend(ctx context.Context, s *Server) error {
	body := strings.NewReader("chat_id=42&text=x")
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/bot"+s.Token+"/sendMessage", body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return errors.New(resp.Status)
	}
	return nil
}

func TestLatency(t *testing.T) {
	t.Run("answered", func(t *testing.T) {
		s := New(t, Options{Unlimited: true, RequestLatency: 10 * time.Millisecond, AnswerLatency: 10 * time.Millisecond})
		if err := postSend(context.Background(), s); err != nil {
			t.Fatalf("send: %v", err)
		}
		if n := len(s.Messages()); n != 1 {
			t.Errorf("got %d messages recorded, want 1", n)
		}
	})
	t.Run("client hangs up before the request is acted on", func(t *testing.T) {
		s := New(t, Options{Unlimited: true, RequestLatency: time.Minute})
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- postSend(ctx, s) }()
		deadline := time.Now().Add(10 * time.Second)
		for s.Calls("sendMessage") == 0 {
			if time.Now().After(deadline) {
				t.Fatal("the request never reached the server")
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		if err := <-errc; err == nil {
			t.Error("send: got no error, want the client's")
		}
		s.Close() // waits for the handler to return
		if n := len(s.Messages()); n != 0 {
			t.Errorf("got %d messages recorded, want 0", n)
		}
	})
	t.Run("client hangs up before the answer", func(t *testing.T) {
		s := New(t, Options{Unlimited: true, AnswerLatency: time.Minute})
		ctx, cancel := context.WithCancel(context.Background())
		errc := make(chan error, 1)
		go func() { errc <- postSend(ctx, s) }()
		wctx, wcancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer wcancel()
		if err := s.Wait(wctx, func() bool { return len(s.Messages()) == 1 }); err != nil {
			t.Fatalf("waiting for the message to be recorded: %v", err)
		}
		cancel()
		if err := <-errc; err == nil {
			t.Error("send: got no error, want the client's")
		}
	})
}
