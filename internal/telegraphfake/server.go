package telegraphfake

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"
)

// DefaultPageBase is where the pages' URLs point when Options.PageBase is
// empty.
const DefaultPageBase = "https://telegra.ph"

// Options configure a Server. The zero value behaves like Telegraph.
type Options struct {
	// Token, when set, is the access token of an account that exists from
	// the start, as one given in TELEGRAPH_TOKEN.
	Token string
	// PageBase is the base of the pages' URLs; default DefaultPageBase.
	PageBase string
	// Now dates the pages' paths (Title-MM-DD); default time.Now.
	Now func() time.Time
}

// A Page is a page the server keeps.
type Page struct {
	Path       string
	URL        string
	Title      string
	AuthorName string
	AuthorURL  string
	// Content is the content parameter as received: a JSON array of nodes.
	Content json.RawMessage
	// Edits counts the editPage calls that changed this page.
	Edits int
	// Token is the access token of the account that owns the page.
	Token string
}

// account is a Telegraph account.
type account struct {
	ShortName   string `json:"short_name"`
	AuthorName  string `json:"author_name"`
	AuthorURL   string `json:"author_url"`
	AccessToken string `json:"access_token,omitempty"`
	AuthURL     string `json:"auth_url,omitempty"`
	PageCount   int    `json:"page_count"`
}

// A Server is a fake Telegraph API. Its methods are safe for concurrent use.
type Server struct {
	// URL is the API's base URL, to use where https://api.telegra.ph goes.
	URL string

	base string
	now  func() time.Time
	srv  *httptest.Server
	done chan struct{}
	stop sync.Once

	mu       sync.Mutex
	changed  chan struct{} // closed and replaced whenever state changes
	accounts map[string]*account
	pages    map[string]*Page
	creates  int
	edits    int
	calls    map[string]int
	rules    []*rule
	faulted  int
}

// New starts a Server; it is closed when the test ends.
func New(tb testing.TB, o Options) *Server {
	tb.Helper()
	if o.PageBase == "" {
		o.PageBase = DefaultPageBase
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{
		base:     strings.TrimRight(o.PageBase, "/"),
		now:      o.Now,
		done:     make(chan struct{}),
		changed:  make(chan struct{}),
		accounts: map[string]*account{},
		pages:    map[string]*Page{},
		calls:    map[string]int{},
	}
	if o.Token != "" {
		s.accounts[o.Token] = &account{ShortName: "test"}
	}
	s.srv = httptest.NewServer(s)
	s.URL = s.srv.URL
	tb.Cleanup(s.Close)
	return s
}

// Close stops the server: hanging requests are aborted.
func (s *Server) Close() {
	s.stop.Do(func() {
		close(s.done)
		s.srv.CloseClientConnections()
		s.srv.Close()
	})
}

// AddAccount creates an account, as createAccount does, and returns its
// access token.
func (s *Server) AddAccount(shortName string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addAccountLocked(&account{ShortName: shortName})
}

func (s *Server) addAccountLocked(a *account) string {
	b := make([]byte, 30)
	_, _ = rand.Read(b)
	token := hex.EncodeToString(b)
	s.accounts[token] = a
	s.notifyLocked()
	return token
}

// Revoke makes token invalid: calls with it answer ACCESS_TOKEN_INVALID.
func (s *Server) Revoke(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.accounts, token)
}

// Accounts is how many accounts exist.
func (s *Server) Accounts() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.accounts)
}

// Creates is how many pages createPage created.
func (s *Server) Creates() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.creates
}

// Edits is how many times editPage changed a page.
func (s *Server) Edits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.edits
}

// Calls is how many requests named method, faulted ones included.
func (s *Server) Calls(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[method]
}

// Pages are the pages, by path.
func (s *Server) Pages() []Page {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Page, 0, len(s.pages))
	for _, p := range s.pages {
		out = append(out, *p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// Page is the page at path.
func (s *Server) Page(path string) (Page, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pages[path]
	if !ok {
		return Page{}, false
	}
	return *p, true
}

// Wait blocks until cond holds, checking it whenever an account or a page
// changes; it returns ctx's error, or an error when the server closes.
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
			return errors.New("telegraphfake: server closed")
		}
	}
}

func (s *Server) notifyLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

// answer is Telegraph's answer envelope.
type answer struct {
	OK     bool   `json:"ok"`
	Result any    `json:"result,omitempty"`
	Error  string `json:"error,omitempty"`
}

func writeAnswer(w http.ResponseWriter, status int, a answer) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(a)
}

// ServeHTTP answers /<method> and /<method>/<path>, GET or POST, with
// parameters in the query or a form body.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method, path, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if err := r.ParseForm(); err != nil {
		writeAnswer(w, http.StatusOK, answer{Error: "BAD_REQUEST"})
		return
	}
	if path == "" {
		path = r.Form.Get("path")
	}
	s.mu.Lock()
	s.calls[method]++
	f := s.faultFor(method)
	s.mu.Unlock()
	if f != nil {
		s.fail(w, r, f)
		return
	}
	var (
		result any
		code   string
	)
	switch method {
	case "createAccount":
		result, code = s.createAccount(r.Form)
	case "createPage":
		result, code = s.createPage(r.Form)
	case "editPage":
		result, code = s.editPage(path, r.Form)
	case "getPage":
		result, code = s.getPage(path, r.Form)
	default:
		code = UnknownMethod
	}
	if code != "" {
		writeAnswer(w, http.StatusOK, answer{Error: code})
		return
	}
	writeAnswer(w, http.StatusOK, answer{OK: true, Result: result})
}

func (s *Server) createAccount(form url.Values) (any, string) {
	a := &account{
		ShortName:  form.Get("short_name"),
		AuthorName: form.Get("author_name"),
		AuthorURL:  form.Get("author_url"),
	}
	switch {
	case strings.TrimSpace(a.ShortName) == "":
		return nil, ShortNameRequired
	case utf8.RuneCountInString(a.ShortName) > MaxShortName:
		return nil, ShortNameTooLong
	case utf8.RuneCountInString(a.AuthorName) > MaxAuthorName:
		return nil, AuthorNameTooLong
	case utf8.RuneCountInString(a.AuthorURL) > MaxAuthorURL:
		return nil, AuthorURLTooLong
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	token := s.addAccountLocked(a)
	out := *a
	out.AccessToken = token
	out.AuthURL = s.base + "/auth/" + token[:20]
	return out, ""
}

// checkSave validates createPage's and editPage's parameters.
func checkSave(form url.Values) string {
	if code := checkPage(form.Get("title"), form.Get("author_name"), form.Get("author_url")); code != "" {
		return code
	}
	return CheckContent(form.Get("content"))
}

func (s *Server) createPage(form url.Values) (any, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	token := form.Get("access_token")
	if s.accounts[token] == nil {
		return nil, AccessTokenInvalid
	}
	if code := checkSave(form); code != "" {
		return nil, code
	}
	p := &Page{Token: token}
	fill(p, form)
	p.Path = s.pathLocked(p.Title)
	p.URL = s.base + "/" + url.PathEscape(p.Path)
	s.pages[p.Path] = p
	s.accounts[token].PageCount++
	s.creates++
	s.notifyLocked()
	return s.result(p, form), ""
}

func (s *Server) editPage(path string, form url.Values) (any, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	token := form.Get("access_token")
	if s.accounts[token] == nil {
		return nil, AccessTokenInvalid
	}
	p, ok := s.pages[path]
	if !ok {
		return nil, PageNotFound
	}
	if p.Token != token {
		return nil, PageAccessDenied
	}
	if code := checkSave(form); code != "" {
		return nil, code
	}
	fill(p, form)
	p.Edits++
	s.edits++
	s.notifyLocked()
	return s.result(p, form), ""
}

func (s *Server) getPage(path string, form url.Values) (any, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	p, ok := s.pages[path]
	if !ok {
		return nil, PageNotFound
	}
	return s.result(p, form), ""
}

// fill sets p's fields from a createPage or editPage form.
func fill(p *Page, form url.Values) {
	p.Title = form.Get("title")
	p.AuthorName = form.Get("author_name")
	p.AuthorURL = form.Get("author_url")
	p.Content = json.RawMessage(form.Get("content"))
}

// pageResult is Telegraph's Page object.
type pageResult struct {
	Path       string          `json:"path"`
	URL        string          `json:"url"`
	Title      string          `json:"title"`
	AuthorName string          `json:"author_name,omitempty"`
	AuthorURL  string          `json:"author_url,omitempty"`
	Content    json.RawMessage `json:"content,omitempty"`
	Views      int             `json:"views"`
	CanEdit    bool            `json:"can_edit,omitempty"`
}

func (s *Server) result(p *Page, form url.Values) pageResult {
	r := pageResult{Path: p.Path, URL: p.URL, Title: p.Title, AuthorName: p.AuthorName,
		AuthorURL: p.AuthorURL, CanEdit: form.Get("access_token") == p.Token}
	if ok, _ := strconv.ParseBool(form.Get("return_content")); ok {
		r.Content = p.Content
	}
	return r
}

// pathLocked is a new page's path, as Telegraph makes it: the title's
// letters and digits joined by "-", then the month and day, then "-N" when
// taken.
func (s *Server) pathLocked(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range title {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			if b.Len() >= 100 {
				break
			}
		} else {
			dash = true
		}
	}
	if b.Len() == 0 {
		b.WriteString("Untitled")
	}
	base := fmt.Sprintf("%s-%s", b.String(), s.now().Format("01-02"))
	path := base
	for n := 2; s.pages[path] != nil; n++ {
		path = base + "-" + strconv.Itoa(n)
	}
	return path
}
