package telegram

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"path"
	"strings"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// DefaultAPIEndpoint is Telegram's Bot API.
const DefaultAPIEndpoint = "https://api.telegram.org"

// Defaults of Config.
const (
	DefaultSendTimeout = 30 * time.Second
	DefaultPollTimeout = 50 * time.Second
	DefaultMinBackoff  = time.Second
	DefaultMaxBackoff  = 30 * time.Second
	// DefaultMinPollInterval keeps Poll from spinning against a server
	// that answers getUpdates at once.
	DefaultMinPollInterval = time.Second
)

// pollMargin is how much longer than the long poll the HTTP request may
// take.
const pollMargin = 10 * time.Second

// ackTimeout bounds the getUpdates that acknowledges the last update at
// shutdown.
const ackTimeout = 5 * time.Second

// Config configures a Client. Only Token is required.
type Config struct {
	// Token is the bot's token from @BotFather.
	Token string
	// APIEndpoint is the Bot API's base URL; default DefaultAPIEndpoint.
	// Any server speaking the Bot API works: http://127.0.0.1:8081.
	APIEndpoint string
	// Transport makes the HTTP requests; default a clone of
	// http.DefaultTransport that keeps more idle connections per host.
	Transport http.RoundTripper
	// SendTimeout bounds every call but getUpdates; default
	// DefaultSendTimeout.
	SendTimeout time.Duration
	// PollTimeout is getUpdates' long-poll timeout (whole seconds); default
	// DefaultPollTimeout. The HTTP request may take 10 s longer.
	PollTimeout time.Duration
	// MinBackoff and MaxBackoff bound Poll's waits after failures; default
	// DefaultMinBackoff and DefaultMaxBackoff.
	MinBackoff, MaxBackoff time.Duration
	// MinPollInterval is the least time between the starts of two polls
	// when the first brought nothing new; default DefaultMinPollInterval.
	MinPollInterval time.Duration
	// Logger gets the client's log lines; default slog.Default().
	Logger *slog.Logger
	// Observe, if set, is called after every Bot API request, from the
	// goroutine that made it, with what the request did: for metrics and
	// health checks. It must not block.
	Observe func(Call)
}

// A Call is what one Bot API request did, as Config.Observe sees it. It
// holds no chat ID and no token.
type Call struct {
	// Method is the Bot API method ("sendMessage", "getUpdates").
	Method string
	// Class is the outcome: ClassNone when Telegram answered ok.
	Class Class
	// Code is the HTTP status or Telegram's error_code; 0 when no answer
	// came.
	Code int
	// Duration is the time from the request's start to its answer read.
	Duration time.Duration
	// RetryAfter is the flood-control wait of a ClassRetryAfter answer.
	RetryAfter time.Duration
}

// A Client talks to the Bot API through tgbotapi with an HTTP client of its
// own: every call takes a context and has a timeout, and every error is an
// *Error, classified, with the token removed. It is safe for concurrent
// use.
type Client struct {
	bot    *tgbotapi.BotAPI // bound to no call: copied per call
	http   *http.Client
	redact redactor
	log    *slog.Logger
	cfg    Config
}

// New connects to the Bot API: it checks the token (getMe) and deletes any
// webhook, so that Poll can work. It returns ErrNoToken without a token, an
// error for an unusable APIEndpoint, and an *Error when a call fails (one
// matching ErrUnauthorized for a wrong token).
func New(ctx context.Context, cfg Config) (*Client, error) {
	if cfg.Token == "" {
		return nil, ErrNoToken
	}
	endpoint, err := endpointFormat(cfg.APIEndpoint)
	if err != nil {
		return nil, err
	}
	if cfg.Transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = 64
		// Drop idle connections before a server would: a send on a
		// connection the server is closing has an unknown outcome.
		t.IdleConnTimeout = 30 * time.Second
		cfg.Transport = t
	}
	if cfg.SendTimeout <= 0 {
		cfg.SendTimeout = DefaultSendTimeout
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = DefaultPollTimeout
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = DefaultMinBackoff
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(DefaultMaxBackoff, cfg.MinBackoff)
	}
	if cfg.MinPollInterval <= 0 {
		cfg.MinPollInterval = DefaultMinPollInterval
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	c := &Client{
		http:   &http.Client{Transport: cfg.Transport},
		redact: redactor{token: cfg.Token},
		log:    cfg.Logger,
		cfg:    cfg,
	}
	st := c.newCall(ctx, cfg.SendTimeout)
	api, err := tgbotapi.NewBotAPIWithClient(cfg.Token, endpoint, st)
	if err != nil {
		e := classify("getMe", c.redact.Error(err), st)
		c.observe(st, e)
		if e.Class == ClassUnauthorized {
			return nil, e
		}
		host := "?"
		if u, perr := url.Parse(cfg.APIEndpoint); perr == nil && u.Host != "" {
			host = u.Host
		} else if cfg.APIEndpoint == "" {
			host = strings.TrimPrefix(DefaultAPIEndpoint, "https://")
		}
		return nil, fmt.Errorf("telegram: %s did not answer getMe like a Bot API server: %w", host, e)
	}
	c.observe(st, nil)
	c.bot = api
	if _, err := c.Request(ctx, tgbotapi.DeleteWebhookConfig{}); err != nil {
		return nil, err
	}
	c.log.Info("bot: connected to Telegram", slog.String("username", api.Self.UserName),
		slog.String("endpoint", strings.TrimSuffix(endpoint, "/bot%s/%s")))
	return c, nil
}

// endpointFormat turns a base URL into tgbotapi's endpoint format string.
func endpointFormat(base string) (string, error) {
	if base == "" {
		base = DefaultAPIEndpoint
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("telegram: API endpoint %q: %w", base, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", fmt.Errorf("telegram: API endpoint %q: want an http or https URL such as %s", base, DefaultAPIEndpoint)
	}
	base = strings.TrimRight(base, "/")
	return strings.ReplaceAll(base, "%", "%%") + "/bot%s/%s", nil
}

// Self is the bot's own user, from getMe.
func (c *Client) Self() tgbotapi.User { return c.bot.Self }

// Send sends a Chattable whose answer is a Message (sendMessage, sendPhoto,
// editMessageText). Errors are *Error.
func (c *Client) Send(ctx context.Context, m tgbotapi.Chattable, opts ...SendOption) (tgbotapi.Message, error) {
	api, st := c.bind(ctx, c.cfg.SendTimeout)
	for _, o := range opts {
		o(st)
	}
	msg, err := api.Send(m)
	if err != nil {
		return msg, c.fail(st, err)
	}
	c.observe(st, nil)
	return msg, nil
}

// A SendOption adds to a request a parameter that tgbotapi v5.5.1 does not
// know. It travels in the URL's query, which the Bot API reads like the
// body, so that it works for uploads too.
type SendOption func(*call)

// AllowPaidBroadcast sets allow_paid_broadcast (Bot API 7.11): Telegram
// lets the message past the bot-wide limit of about 30 a second, up to 1000,
// and charges the bot's Stars for it.
func AllowPaidBroadcast() SendOption {
	return func(c *call) { c.query = append(c.query, [2]string{"allow_paid_broadcast", "true"}) }
}

// Request makes a call whose answer is not a Message (setMyCommands,
// deleteWebhook, getChatMember) and returns the raw answer. Errors are
// *Error.
func (c *Client) Request(ctx context.Context, m tgbotapi.Chattable) (*tgbotapi.APIResponse, error) {
	api, st := c.bind(ctx, c.cfg.SendTimeout)
	resp, err := api.Request(m)
	if err != nil {
		return resp, c.fail(st, err)
	}
	c.observe(st, nil)
	return resp, nil
}

// MakeRequest calls a Bot API method by name with raw parameters, for
// what tgbotapi v5.5.1 lacks (link_preview_options, allow_paid_broadcast).
// Errors are *Error.
func (c *Client) MakeRequest(ctx context.Context, method string, params tgbotapi.Params) (*tgbotapi.APIResponse, error) {
	api, st := c.bind(ctx, c.cfg.SendTimeout)
	resp, err := api.MakeRequest(method, params)
	if err != nil {
		return resp, c.fail(st, err)
	}
	c.observe(st, nil)
	return resp, nil
}

// ChatMember answers getChatMember: the user's status in the chat
// ("creator", "administrator", "member"…). Errors are *Error.
func (c *Client) ChatMember(ctx context.Context, chatID, userID int64) (tgbotapi.ChatMember, error) {
	resp, err := c.Request(ctx, tgbotapi.GetChatMemberConfig{
		ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: chatID, UserID: userID}})
	if err != nil {
		return tgbotapi.ChatMember{}, err
	}
	var m tgbotapi.ChatMember
	if err := json.Unmarshal(resp.Result, &m); err != nil {
		return m, &Error{Method: "getChatMember", Class: ClassBadRequest, Code: http.StatusOK, Err: err}
	}
	return m, nil
}

// bind returns a copy of the tgbotapi client whose requests carry ctx and
// timeout, and the record of what its one request does.
func (c *Client) bind(ctx context.Context, timeout time.Duration) (*tgbotapi.BotAPI, *call) {
	st := c.newCall(ctx, timeout)
	api := *c.bot
	api.Client = st
	return &api, st
}

func (c *Client) newCall(ctx context.Context, timeout time.Duration) *call {
	return &call{ctx: ctx, timeout: timeout, client: c.http, redact: c.redact}
}

// fail classifies a call's error, and tells Config.Observe.
func (c *Client) fail(st *call, err error) *Error {
	method := st.method
	if method == "" {
		method = "request"
	}
	e := classify(method, c.redact.Error(err), st)
	c.observe(st, e)
	return e
}

// observe tells Config.Observe what the request of st did; e is nil for
// success. A call that made no request is not told.
func (c *Client) observe(st *call, e *Error) {
	if c.cfg.Observe == nil || !st.called {
		return
	}
	o := Call{Method: st.method, Code: st.status, Duration: time.Since(st.start)}
	if e != nil {
		o.Class, o.Code, o.RetryAfter = e.Class, e.Code, e.RetryAfter
	}
	c.cfg.Observe(o)
}

// call is tgbotapi's HTTPClient for one Bot API call: it attaches the
// call's context and timeout, records whether the request was written and
// the HTTP status, and turns a non-JSON answer into a *statusError.
type call struct {
	ctx     context.Context
	timeout time.Duration
	client  *http.Client
	redact  redactor

	// What the request did; read after the call returns.
	query [][2]string // parameters added to the URL

	called bool
	start  time.Time
	method string
	status int
	head   []byte // the answer's first bytes
	wrote  atomic.Bool
}

// Do makes the request. Its errors hold no token.
func (c *call) Do(req *http.Request) (*http.Response, error) {
	c.called = true
	c.start = time.Now()
	c.method = path.Base(req.URL.Path)
	if len(c.query) > 0 {
		q := req.URL.Query()
		for _, kv := range c.query {
			q.Set(kv[0], kv[1])
		}
		req.URL.RawQuery = q.Encode()
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.timeout)
	trace := &httptrace.ClientTrace{WroteRequest: func(info httptrace.WroteRequestInfo) {
		if info.Err == nil {
			c.wrote.Store(true)
		}
	}}
	resp, err := c.client.Do(req.WithContext(httptrace.WithClientTrace(ctx, trace)))
	if err != nil {
		cancel()
		return nil, c.redact.Error(err)
	}
	c.status = resp.StatusCode
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt != "application/json" {
		head, _ := io.ReadAll(io.LimitReader(resp.Body, bodyKept))
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		resp.Body.Close()
		cancel()
		return nil, &statusError{code: resp.StatusCode, contentType: resp.Header.Get("Content-Type"),
			body: c.redact.String(snippet(head))}
	}
	resp.Body = &cancelBody{ReadCloser: resp.Body, cancel: cancel, head: &c.head}
	return resp, nil
}

// bodyKept is how much of an answer a call keeps, to quote it in an error.
const bodyKept = 512

// cancelBody releases a request's context when its body is closed, and
// keeps the first bytes read of it.
type cancelBody struct {
	io.ReadCloser
	cancel context.CancelFunc
	head   *[]byte
}

func (b *cancelBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if room := bodyKept - len(*b.head); room > 0 && n > 0 {
		*b.head = append(*b.head, p[:min(n, room)]...)
	}
	return n, err
}

func (b *cancelBody) Close() error {
	err := b.ReadCloser.Close()
	b.cancel()
	return err
}
