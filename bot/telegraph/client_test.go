package telegraph

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/internal/telegraphfake"
)

const testToken = "s3cret-token-0123456789abcdef"

func newTestClient(t *testing.T, endpoint, token string) *Client {
	t.Helper()
	c, err := New(Config{Endpoint: endpoint, Token: token, Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func testPage(title string, text ...string) Page {
	p := Page{Title: title, AuthorName: "美国之音", AuthorURL: "https://www.voachinese.com/a/1.html"}
	for _, s := range text {
		p.Content = append(p.Content, Elem("p", Text(s)))
	}
	return p
}

func TestNewEndpoint(t *testing.T) {
	tests := []struct {
		endpoint string
		ok       bool
	}{
		{"", true},
		{"http://127.0.0.1:8080/", true},
		{"api.telegra.ph", false},
		{"ftp://api.telegra.ph", false},
		{"http://%zz", false},
	}
	for _, tt := range tests {
		_, err := New(Config{Endpoint: tt.endpoint})
		if (err == nil) != tt.ok {
			t.Errorf("%q: got %v, want ok %v", tt.endpoint, err, tt.ok)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	s := telegraphfake.New(t, telegraphfake.Options{})
	ctx := context.Background()
	anon := newTestClient(t, s.URL, "")
	acc, err := anon.CreateAccount(ctx, "newsbot", "News")
	if err != nil {
		t.Fatal(err)
	}
	if acc.AccessToken == "" || acc.ShortName != "newsbot" {
		t.Fatalf("got account %+v, want newsbot with a token", acc)
	}
	if _, err := anon.CreatePage(ctx, testPage("T", "x")); !errors.Is(err, ErrNoToken) {
		t.Fatalf("without a token: got %v, want ErrNoToken", err)
	}
	c := anon.WithToken(acc.AccessToken)
	if !c.HasToken() || anon.HasToken() {
		t.Fatal("WithToken changed the original, or gave no token")
	}

	want := testPage("标题 <一>", "第一段 a < b & c", "第二段")
	want.Content = append(want.Content, Elem("figure", Image("https://i.example/1.jpg"), Elem("figcaption", Text("图"))))
	p, err := c.CreatePage(ctx, want)
	if err != nil {
		t.Fatal(err)
	}
	if p.Path == "" || p.URL != telegraphfake.DefaultPageBase+"/"+url.PathEscape(p.Path) {
		t.Fatalf("got page %+v, want a path and URL", p)
	}
	got, err := c.GetPage(ctx, p.Path, true)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != want.Title || got.AuthorName != want.AuthorName || got.AuthorURL != want.AuthorURL ||
		!reflect.DeepEqual(got.Content, want.Content) {
		t.Fatalf("got %+v, want %+v", got, want)
	}
	kept, _ := s.Page(p.Path)
	if b, _ := EncodeContent(want.Content); string(kept.Content) != string(b) {
		t.Fatalf("server kept %s, want %s", kept.Content, b)
	}

	edited := testPage("New title", "changed")
	if _, err := c.EditPage(ctx, p.Path, edited); err != nil {
		t.Fatal(err)
	}
	if got, _ := c.GetPage(ctx, p.Path, true); got.Title != "New title" || !reflect.DeepEqual(got.Content, edited.Content) {
		t.Fatalf("after the edit: got %+v", got)
	}
	if s.Creates() != 1 || s.Edits() != 1 {
		t.Fatalf("got %d creates, %d edits; want 1, 1", s.Creates(), s.Edits())
	}
}

func TestAnswerErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name       string
		setup      func(*telegraphfake.Server) (token, path string)
		edit       bool
		class      Class
		is         error
		retryAfter time.Duration
	}{
		{"flood", func(s *telegraphfake.Server) (string, string) {
			s.FloodWait(7, 1)
			return testToken, ""
		}, false, ClassFlood, ErrFlood, 7 * time.Second},
		{"token invalid", func(s *telegraphfake.Server) (string, string) {
			return "wrong", ""
		}, false, ClassBadRequest, ErrAccessTokenInvalid, 0},
		{"page not found", func(s *telegraphfake.Server) (string, string) {
			return testToken, "Nope-01-01"
		}, true, ClassBadRequest, ErrPageNotFound, 0},
		{"page of another account", func(s *telegraphfake.Server) (string, string) {
			other := s.AddAccount("other")
			p, err := newTestClient(t, s.URL, other).CreatePage(ctx, testPage("T", "x"))
			if err != nil {
				t.Fatal(err)
			}
			return testToken, p.Path
		}, true, ClassBadRequest, ErrPageAccessDenied, 0},
		{"save failed", func(s *telegraphfake.Server) (string, string) {
			s.Fail("createPage", telegraphfake.Answer("PAGE_SAVE_FAILED"), 1)
			return testToken, ""
		}, false, ClassTransient, nil, 0},
		{"content too big, as Telegraph counts", func(s *telegraphfake.Server) (string, string) {
			s.Fail("createPage", telegraphfake.Answer("CONTENT_TOO_BIG"), 1)
			return testToken, ""
		}, false, ClassBadRequest, ErrContentTooBig, 0},
		{"bad gateway", func(s *telegraphfake.Server) (string, string) {
			s.Outage(telegraphfake.BadGateway())
			return testToken, ""
		}, false, ClassTransient, nil, 0},
		{"reset", func(s *telegraphfake.Server) (string, string) {
			s.Outage(telegraphfake.Reset())
			return testToken, ""
		}, false, ClassTransient, nil, 0},
		{"hang", func(s *telegraphfake.Server) (string, string) {
			s.Outage(telegraphfake.Hang())
			return testToken, ""
		}, false, ClassTransient, context.DeadlineExceeded, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := telegraphfake.New(t, telegraphfake.Options{Token: testToken})
			token, path := tt.setup(s)
			c, err := New(Config{Endpoint: s.URL, Token: token, Timeout: 300 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			if tt.edit {
				_, err = c.EditPage(ctx, path, testPage("T", "x"))
			} else {
				_, err = c.CreatePage(ctx, testPage("T", "x"))
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %v (%T), want an *Error", err, err)
			}
			if ClassOf(err) != tt.class || tt.is != nil && !errors.Is(err, tt.is) || RetryAfter(err) != tt.retryAfter {
				t.Fatalf("got %v: class %v, retry after %v; want %v, is %v, %v", err, ClassOf(err), RetryAfter(err), tt.class, tt.is, tt.retryAfter)
			}
			if strings.Contains(err.Error(), token) {
				t.Fatalf("the token is in %q", err)
			}
		})
	}
}

func TestValidatesBeforeSending(t *testing.T) {
	s := telegraphfake.New(t, telegraphfake.Options{Token: testToken})
	c := newTestClient(t, s.URL, testToken)
	p := testPage("T", "x")
	p.Content = append(p.Content, Elem("div", Text("y")))
	_, err := c.CreatePage(context.Background(), p)
	if !errors.Is(err, ErrTagNotAllowed) || ClassOf(err) != ClassBadRequest {
		t.Fatalf("got %v, want ErrTagNotAllowed, a bad request", err)
	}
	if _, err := c.EditPage(context.Background(), "", testPage("T", "x")); !errors.Is(err, ErrPageNotFound) {
		t.Fatalf("editPage without a path: got %v, want ErrPageNotFound", err)
	}
	if n := s.Calls("createPage") + s.Calls("editPage"); n != 0 {
		t.Fatalf("got %d calls, want none", n)
	}
}

func TestTransportFailures(t *testing.T) {
	refused := func() string {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := l.Addr().String()
		l.Close()
		return "http://" + addr
	}()
	serve := func(status int, contentType, body string) string {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", contentType)
			w.WriteHeader(status)
			_, _ = io.WriteString(w, body)
		}))
		t.Cleanup(srv.Close)
		return srv.URL
	}
	tests := []struct {
		name     string
		endpoint string
		class    Class
	}{
		{"connection refused", refused, ClassTransient},
		{"500 text", serve(500, "text/plain", "oops"), ClassTransient},
		{"200 not JSON", serve(200, "text/html", "<html>"), ClassTransient},
		{"200 JSON without ok", serve(200, "application/json", `{"result":1}`), ClassTransient},
		{"429 without JSON", serve(429, "text/plain", "slow down"), ClassFlood},
		{"404 page", serve(404, "text/html", "not here"), ClassBadRequest},
		{"error echoing the token", serve(200, "application/json", `{"ok":false,"error":"BAD `+testToken+`"}`), ClassBadRequest},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestClient(t, tt.endpoint, testToken)
			_, err := c.CreatePage(context.Background(), testPage("T", "x"))
			if ClassOf(err) != tt.class || tt.class == ClassFlood && RetryAfter(err) != time.Second {
				t.Fatalf("got %v, class %v; want %v", err, ClassOf(err), tt.class)
			}
			if strings.Contains(fmt.Sprintf("%v %+v", err, err), testToken) {
				t.Fatalf("the token is in %q", err)
			}
		})
	}
}

// echoTransport fails with an error that quotes the request body.
type echoTransport struct{}

func (echoTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(r.Body)
	return nil, fmt.Errorf("proxy refused %s", b)
}

func TestTokenRedacted(t *testing.T) {
	c, err := New(Config{Endpoint: "http://127.0.0.1:1", Token: testToken, Transport: echoTransport{}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreatePage(context.Background(), testPage("T", "x"))
	if err == nil || strings.Contains(err.Error(), testToken) || !strings.Contains(err.Error(), "<token>") {
		t.Fatalf("got %v, want the token replaced", err)
	}
}

func TestContextCanceled(t *testing.T) {
	s := telegraphfake.New(t, telegraphfake.Options{Token: testToken})
	s.Outage(telegraphfake.Hang())
	c := newTestClient(t, s.URL, testToken)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := c.CreatePage(ctx, testPage("T", "x"))
	if !errors.Is(err, context.Canceled) || ClassOf(err) != ClassTransient {
		t.Fatalf("got %v, want context.Canceled, transient", err)
	}
}
