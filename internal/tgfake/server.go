package tgfake

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// DefaultToken is the token a Server accepts when Options.Token is empty.
const DefaultToken = "123456:TEST-fake-token_abcdefghijklmnop"

// Options configure a Server. The zero value behaves like Telegram.
type Options struct {
	// Token is the bot token the server accepts; others get 401.
	// Default DefaultToken.
	Token string
	// Username is the bot's username (getMe). Default "newsbot_test_bot".
	Username string
	// Unlimited turns every rate limit off, for benchmarks.
	Unlimited bool
	// GlobalPerSecond is how many messages the whole bot may send in any
	// one second: default DefaultGlobalPerSecond (30). Every send counts
	// (sendMessage, sendPhoto, editMessageText, editMessageReplyMarkup);
	// answerCallbackQuery and the getters do not. Negative turns the limit
	// off.
	GlobalPerSecond int
	// GlobalBurst is ignored: Telegram's limits are windows, which have no
	// burst on top of their rate.
	//
	// Deprecated: set GlobalPerSecond alone.
	GlobalBurst int
	// PaidPerSecond is how many messages sent with allow_paid_broadcast
	// the whole bot may send in any one second, counted apart from
	// GlobalPerSecond: default DefaultPaidPerSecond (1000). Negative turns
	// the limit off.
	PaidPerSecond int
	// ChatPerSecond is how many messages one chat (private, group or
	// channel) may get in any one second: default DefaultChatPerSecond
	// (2). Negative turns the limit off.
	ChatPerSecond int
	// GroupPerMinute is how many messages one group, supergroup or
	// channel may get in any one minute: default DefaultGroupPerMinute
	// (20). Negative turns the limit off.
	GroupPerMinute int
	// Now is the clock of the rate limits; default time.Now. Tests that
	// check a limit freeze it.
	Now func() time.Time
	// RequestLatency and AnswerLatency slow every send (sendMessage,
	// sendPhoto, editMessageText, editMessageReplyMarkup), as a long way
	// to Telegram does: the server waits RequestLatency before it acts on
	// a request (a client that hangs up meanwhile cancels it: nothing is
	// delivered), and AnswerLatency after, before it answers (a client
	// that hangs up meanwhile cannot know that its message was
	// delivered). Default 0.
	RequestLatency, AnswerLatency time.Duration

	// NotImplemented lists methods ("sendPhoto", "setMyCommands") that the
	// server answers as a third-party Bot API emulator lacking them does:
	// a bare HTTP 500 whose body is not JSON. Telegram never answers so.
	NotImplemented []string
	// IgnorePollTimeout makes getUpdates ignore its timeout and answer at
	// once, with no updates when none are queued, as some emulators do: a
	// client that polls again at once spins (see Calls and EmptyPolls).
	IgnorePollTimeout bool
}

// A Server is a fake Telegram Bot API. Its methods are safe for concurrent
// use.
type Server struct {
	// URL is the base URL of the API, e.g. http://127.0.0.1:PORT, to use
	// where the Bot API's https://api.telegram.org would go.
	URL string
	// Token is the token the server accepts.
	Token string

	username string
	now      func() time.Time
	latency  [2]time.Duration // RequestLatency, AnswerLatency
	srv      *httptest.Server
	done     chan struct{}
	stop     sync.Once
	missing  map[string]bool // Options.NotImplemented
	noWait   bool            // Options.IgnorePollTimeout

	mu            sync.Mutex
	changed       chan struct{} // closed and replaced whenever state changes
	limits        limits
	chats         map[int64]*chat
	usernames     map[string]*chat // lower-case username → chat
	users         map[int64]tgbotapi.User
	updates       []tgbotapi.Update // not yet confirmed
	nextUpdateID  int
	offset        int // highest getUpdates offset received
	pollGen       int
	webhook       string
	allowed       map[string]bool // allowed_updates; nil: the default
	messages      []Message
	msgIndex      map[msgKey]int // index in messages
	callbacks     []*callback
	callbackIndex map[string]int    // index in callbacks
	files         map[string]bool   // known file_ids
	urlFiles      map[string]string // photo URL → file_id
	unfetchable   map[string]bool
	urlRequests   map[string]int
	nextFile      int
	rules         []*rule
	hook          func(Call) *Fault
	calls         map[string]int
	rateLimited   int
	tooMany       int
	emptyPolls    int
	commands      map[menuKey][]tgbotapi.BotCommand
}

// New starts a Server; it is closed when the test ends.
func New(tb testing.TB, o Options) *Server {
	tb.Helper()
	if o.Token == "" {
		o.Token = DefaultToken
	}
	if o.Username == "" {
		o.Username = "newsbot_test_bot"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{
		now:           o.Now,
		latency:       [2]time.Duration{o.RequestLatency, o.AnswerLatency},
		Token:         o.Token,
		username:      o.Username,
		done:          make(chan struct{}),
		changed:       make(chan struct{}),
		limits:        newLimits(o),
		chats:         map[int64]*chat{},
		usernames:     map[string]*chat{},
		users:         map[int64]tgbotapi.User{},
		msgIndex:      map[msgKey]int{},
		callbackIndex: map[string]int{},
		nextUpdateID:  1000,
		files:         map[string]bool{},
		urlFiles:      map[string]string{},
		unfetchable:   map[string]bool{},
		urlRequests:   map[string]int{},
		calls:         map[string]int{},
		commands:      map[menuKey][]tgbotapi.BotCommand{},
	}
	s.missing = map[string]bool{}
	for _, m := range o.NotImplemented {
		s.missing[m] = true
	}
	s.noWait = o.IgnorePollTimeout
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server: hanging requests and long polls are aborted.
func (s *Server) Close() {
	s.stop.Do(func() {
		close(s.done)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// Endpoint is the URL format string tgbotapi.NewBotAPIWithClient takes.
func (s *Server) Endpoint() string { return s.URL + "/bot%s/%s" }

// notify wakes everyone waiting for a change; s.mu must be held.
func (s *Server) notify() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// Wait blocks until cond returns true, the context ends or the server
// closes; cond is called again after every change (a message recorded, an
// update queued or confirmed). It returns ctx.Err() or an error when the
// server closed.
func (s *Server) Wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ch := s.changed
		s.mu.Unlock()
		if cond() {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		case <-s.done:
			return fmt.Errorf("tgfake: server closed")
		}
	}
}

// ServeHTTP answers /bot<token>/<method>.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/bot")
	token, method, ok2 := strings.Cut(rest, "/")
	if !ok || !ok2 {
		writeError(w, &Fault{Code: http.StatusNotFound, Description: "Not Found"})
		return
	}
	if token != s.Token {
		writeError(w, &Fault{Code: http.StatusUnauthorized, Description: "Unauthorized"})
		return
	}
	p, err := readParams(r)
	if err != nil {
		writeError(w, badRequest(err.Error()))
		return
	}
	chatID, _ := strconv.ParseInt(p.get("chat_id"), 10, 64)

	s.mu.Lock()
	s.calls[method]++
	if s.missing[method] {
		s.mu.Unlock()
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	f := s.faultFor(Call{Method: method, ChatID: chatID, N: s.calls[method]})
	s.mu.Unlock()
	if f != nil && !(f.Hang && f.Deliver) {
		s.fail(w, r, f)
		return
	}

	slow := isSend(method)
	if slow && !s.pause(r, s.latency[0]) {
		return // the client hung up: nothing was done
	}
	var (
		result any
		ferr   *Fault
	)
	switch method {
	case "getMe":
		result = s.me()
	case "deleteWebhook":
		result, ferr = s.deleteWebhook(p)
	case "getUpdates":
		result, ferr = s.getUpdates(r.Context(), p)
	case "sendMessage":
		result, ferr = s.sendMessage(p)
	case "sendPhoto":
		result, ferr = s.sendPhoto(p)
	case "editMessageText":
		result, ferr = s.editMessageText(p)
	case "editMessageReplyMarkup":
		result, ferr = s.editMessageReplyMarkup(p)
	case "answerCallbackQuery":
		result, ferr = s.answerCallbackQuery(p)
	case "setMyCommands":
		result, ferr = s.setMyCommands(p)
	case "getMyCommands":
		result, ferr = s.getMyCommands(p)
	case "deleteMyCommands":
		result, ferr = s.deleteMyCommands(p)
	case "getChat":
		result, ferr = s.getChat(p)
	case "getChatMember":
		result, ferr = s.getChatMember(p)
	case "getChatMemberCount", "getChatMembersCount": // tgbotapi v5.5.1 uses the old name
		result, ferr = s.getChatMemberCount(p)
	default:
		ferr = &Fault{Code: http.StatusNotFound, Description: "Not Found"}
	}
	if slow {
		s.pause(r, s.latency[1])
	}
	if f != nil { // a timeout after the message went through
		s.fail(w, r, f)
		return
	}
	if ferr != nil {
		s.fail(w, r, ferr)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "result": result})
}

// isSend reports whether method sends or edits a message: the calls
// Options.RequestLatency and AnswerLatency slow.
func isSend(method string) bool {
	switch method {
	case "sendMessage", "sendPhoto", "editMessageText", "editMessageReplyMarkup":
		return true
	}
	return false
}

// pause waits d, and reports whether it did: false when the client hung up
// or the server closed first.
func (s *Server) pause(r *http.Request, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
	case <-s.done:
	}
	return false
}

// fail answers with f: an error, an HTML page, or no answer at all.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, f *Fault) {
	switch {
	case f.Hang:
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		panic(http.ErrAbortHandler) // no answer: the connection is dropped
	case f.HTML:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		fmt.Fprint(w, badGatewayPage)
	default:
		if f.Code == http.StatusTooManyRequests {
			s.mu.Lock()
			s.tooMany++
			s.mu.Unlock()
		}
		writeError(w, f)
	}
}

const badGatewayPage = `<html>
<head><title>502 Bad Gateway</title></head>
<body>
<center><h1>502 Bad Gateway</h1></center>
<hr><center>nginx/1.18.0</center>
</body>
</html>
`

func writeError(w http.ResponseWriter, f *Fault) {
	body := map[string]any{"ok": false, "error_code": f.Code, "description": f.Description}
	params := map[string]any{}
	if f.RetryAfter > 0 {
		params["retry_after"] = f.RetryAfter
	}
	if f.MigrateTo != 0 {
		params["migrate_to_chat_id"] = f.MigrateTo
	}
	if len(params) > 0 {
		body["parameters"] = params
	}
	writeJSON(w, f.Code, body)
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}

func badRequest(desc string) *Fault {
	if !strings.HasPrefix(desc, "Bad Request: ") {
		desc = "Bad Request: " + desc
	}
	return &Fault{Code: http.StatusBadRequest, Description: desc}
}

// params are a request's parameters, from the query, a form, a multipart
// form or a JSON object.
type params struct {
	values map[string]string
	files  map[string]*multipart.FileHeader
}

func (p params) get(k string) string { return p.values[k] }

// paid reports whether a send asks for allow_paid_broadcast.
func (p params) paid() bool { return p.get("allow_paid_broadcast") == "true" }

func readParams(r *http.Request) (params, error) {
	p := params{values: map[string]string{}, files: map[string]*multipart.FileHeader{}}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		dec := json.NewDecoder(r.Body)
		dec.UseNumber()
		var m map[string]any
		if err := dec.Decode(&m); err != nil {
			return p, fmt.Errorf("can't parse JSON encoded request: %v", err)
		}
		for k, v := range m {
			switch v := v.(type) {
			case string:
				p.values[k] = v
			case json.Number:
				p.values[k] = v.String()
			case bool:
				p.values[k] = strconv.FormatBool(v)
			case nil:
			default:
				b, _ := json.Marshal(v)
				p.values[k] = string(b)
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(32 << 20); err != nil {
			return p, fmt.Errorf("can't parse multipart request: %v", err)
		}
		for k, vs := range r.MultipartForm.Value {
			p.values[k] = vs[0]
		}
		for k, fs := range r.MultipartForm.File {
			p.files[k] = fs[0]
		}
		for k, vs := range r.URL.Query() {
			p.values[k] = vs[0]
		}
	default:
		if err := r.ParseForm(); err != nil {
			return p, fmt.Errorf("can't parse request: %v", err)
		}
		for k, vs := range r.Form {
			p.values[k] = vs[0]
		}
	}
	return p, nil
}

func (s *Server) me() tgbotapi.User {
	u := s.botUser()
	u.CanJoinGroups = true
	return *u
}

// botUser is the bot as the sender of its messages.
func (s *Server) botUser() *tgbotapi.User {
	return &tgbotapi.User{ID: BotID, IsBot: true, FirstName: "Newsbot", UserName: s.username}
}

// BotID is the fake bot's user ID, as getMe answers it.
const BotID = 123456

// Calls is how many requests the server got for a method ("sendMessage").
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// EmptyPolls is how many getUpdates calls the server answered with no
// updates: with IgnorePollTimeout, a client polling in a loop without a
// pause drives it up.
func (s *Server) EmptyPolls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.emptyPolls
}

// RateLimited is how many 429s the server answered because a rate limit was
// exceeded (not counting injected ones).
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rateLimited
}

// TooManyRequests is how many 429s the server answered in all, injected ones
// included.
func (s *Server) TooManyRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tooMany
}
