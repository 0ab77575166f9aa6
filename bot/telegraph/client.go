package telegraph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DefaultEndpoint is Telegraph's API.
const DefaultEndpoint = "https://api.telegra.ph"

// DefaultTimeout bounds each call when Config.Timeout is zero.
const DefaultTimeout = 15 * time.Second

// maxAnswer bounds the answer read: a page with its content is under 64 KB
// of nodes, plus its fields.
const maxAnswer = 1 << 20

// Config configures a Client. The zero value talks to DefaultEndpoint
// without a token, which allows CreateAccount and GetPage only.
type Config struct {
	// Endpoint is the API's base URL; default DefaultEndpoint. Any server
	// speaking Telegraph's API works (a mirror, a test's fake).
	Endpoint string
	// Token is the account's access token, from CreateAccount.
	Token string
	// Transport makes the HTTP requests; default http.DefaultTransport.
	Transport http.RoundTripper
	// Timeout bounds every call; default DefaultTimeout.
	Timeout time.Duration
}

// A Client calls Telegraph's API. Every call takes a context and has a
// timeout, and every error is an *Error, classified, without the token. It
// is safe for concurrent use.
type Client struct {
	base    string // endpoint without a trailing slash
	token   string
	timeout time.Duration
	http    *http.Client
	redact  redactor
}

// New makes a Client. It returns an error for an Endpoint that is not an
// http or https URL; it makes no call.
func New(cfg Config) (*Client, error) {
	base := cfg.Endpoint
	if base == "" {
		base = DefaultEndpoint
	}
	u, err := url.Parse(base)
	if err != nil {
		return nil, fmt.Errorf("telegraph: endpoint %q: %w", base, err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("telegraph: endpoint %q: want an http or https URL such as %s", base, DefaultEndpoint)
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = DefaultTimeout
	}
	if cfg.Transport == nil {
		cfg.Transport = http.DefaultTransport
	}
	return &Client{
		base:    strings.TrimRight(base, "/"),
		token:   cfg.Token,
		timeout: cfg.Timeout,
		// No redirect is followed: a 307 or 308 would post the form,
		// access token and all, to wherever it points.
		http: &http.Client{Transport: cfg.Transport, CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		}},
		redact: redactor{token: cfg.Token},
	}, nil
}

// WithToken is a copy of c that uses token, e.g. the one CreateAccount
// returned.
func (c *Client) WithToken(token string) *Client {
	d := *c
	d.token, d.redact = token, redactor{token: token}
	return &d
}

// HasToken reports whether c has an access token.
func (c *Client) HasToken() bool { return c.token != "" }

// An Account is a Telegraph account (createAccount's answer).
type Account struct {
	ShortName  string `json:"short_name"`
	AuthorName string `json:"author_name"`
	AuthorURL  string `json:"author_url"`
	// AccessToken authorizes CreatePage and EditPage: keep it secret.
	AccessToken string `json:"access_token,omitempty"`
	// AuthURL logs a browser into the account, once, for a few minutes.
	AuthURL   string `json:"auth_url,omitempty"`
	PageCount int    `json:"page_count,omitempty"`
}

// A Page is a Telegraph page: what CreatePage and EditPage send (Title,
// AuthorName, AuthorURL, Content) and what Telegraph answers (Path, URL…).
type Page struct {
	// Path identifies the page: https://telegra.ph/<Path>.
	Path string `json:"path,omitempty"`
	// URL is the page's address, which Telegram opens in Instant View.
	URL         string `json:"url,omitempty"`
	Title       string `json:"title"`
	Description string `json:"description,omitempty"`
	AuthorName  string `json:"author_name,omitempty"`
	AuthorURL   string `json:"author_url,omitempty"`
	ImageURL    string `json:"image_url,omitempty"`
	// Content is the page's body; Telegraph returns it only when asked.
	Content []Node `json:"content,omitempty"`
	Views   int    `json:"views,omitempty"`
	CanEdit bool   `json:"can_edit,omitempty"`
}

// CreateAccount creates an account and returns it with its AccessToken;
// use it with WithToken. shortName (1–32 characters) is shown only to the
// account's owner; authorName is the default author. Errors are *Error.
func (c *Client) CreateAccount(ctx context.Context, shortName, authorName string) (Account, error) {
	var a Account
	err := c.call(ctx, "createAccount", url.Values{
		"short_name":  {shortName},
		"author_name": {authorName},
	}, &a)
	return a, err
}

// CreatePage publishes p and returns the page (Path, URL; not its content).
// p is checked with ValidatePage first: what it refuses is never sent.
// Errors are *Error: ErrNoToken without a token, the sentinels of the
// validators and of Telegraph's answers, ErrFlood.
func (c *Client) CreatePage(ctx context.Context, p Page) (Page, error) {
	return c.savePage(ctx, "createPage", "", p)
}

// EditPage replaces the page at path with p (title, author, content) and
// returns it. Like CreatePage, it validates p first. Errors are *Error:
// those of CreatePage, and ErrPageNotFound or ErrPageAccessDenied for a
// path the account does not own.
func (c *Client) EditPage(ctx context.Context, path string, p Page) (Page, error) {
	if path == "" {
		return Page{}, &Error{Method: "editPage", Class: ClassBadRequest, Err: ErrPageNotFound}
	}
	return c.savePage(ctx, "editPage", path, p)
}

// GetPage returns the page at path, its Content too when withContent. It
// needs no token. Errors are *Error: ErrPageNotFound for an unknown path.
func (c *Client) GetPage(ctx context.Context, path string, withContent bool) (Page, error) {
	var p Page
	err := c.call(ctx, "getPage", url.Values{
		"path":           {path},
		"return_content": {strconv.FormatBool(withContent)},
	}, &p)
	return p, err
}

func (c *Client) savePage(ctx context.Context, method, path string, p Page) (Page, error) {
	if c.token == "" {
		return Page{}, &Error{Method: method, Class: ClassBadRequest, Err: ErrNoToken}
	}
	if err := checkPage(p); err != nil {
		return Page{}, &Error{Method: method, Class: ClassBadRequest, Err: err}
	}
	content, err := EncodeContent(p.Content)
	if err != nil {
		return Page{}, &Error{Method: method, Class: ClassBadRequest, Err: err}
	}
	form := url.Values{
		"access_token":   {c.token},
		"title":          {p.Title},
		"author_name":    {p.AuthorName},
		"author_url":     {p.AuthorURL},
		"content":        {string(content)},
		"return_content": {"false"},
	}
	if path != "" {
		form.Set("path", path)
	}
	var out Page
	err = c.call(ctx, method, form, &out)
	return out, err
}

// answer is the envelope of every Telegraph answer.
type answer struct {
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  string          `json:"error"`
}

// call POSTs form to method and decodes the result into out. The token
// travels in the body, never in the URL; errors are *Error, redacted.
func (c *Client) call(ctx context.Context, method string, form url.Values, out any) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.base+"/"+method,
		strings.NewReader(form.Encode()))
	if err != nil {
		return &Error{Method: method, Class: ClassBadRequest, Err: c.redact.Error(err)}
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := c.http.Do(req)
	if err != nil {
		return &Error{Method: method, Class: ClassTransient, Err: c.redact.Error(err)}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	if err != nil {
		return &Error{Method: method, Class: ClassTransient, Status: resp.StatusCode,
			Err: c.redact.Error(fmt.Errorf("read answer: %w", err))}
	}
	var a answer
	if len(body) > maxAnswer {
		err = fmt.Errorf("answer over %d bytes", maxAnswer)
	} else {
		err = json.Unmarshal(body, &a)
	}
	if err != nil || !a.OK && a.Error == "" {
		if err == nil {
			err = errors.New("answer without ok or error")
		}
		e := &Error{Method: method, Class: statusClass(resp.StatusCode), Status: resp.StatusCode,
			Err: fmt.Errorf("not a Telegraph answer (%s): %w", resp.Header.Get("Content-Type"), c.redact.Error(err))}
		if e.Class == ClassFlood {
			e.RetryAfter = time.Second
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
				e.RetryAfter = time.Duration(s) * time.Second
			}
		}
		return e
	}
	if !a.OK {
		return answerError(method, resp.StatusCode, c.redact.String(a.Error))
	}
	if err := json.Unmarshal(a.Result, out); err != nil {
		return &Error{Method: method, Class: ClassTransient, Status: resp.StatusCode,
			Err: fmt.Errorf("decode result: %w", c.redact.Error(err))}
	}
	return nil
}
