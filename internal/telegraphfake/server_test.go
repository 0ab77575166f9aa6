package telegraphfake

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// reply is a decoded answer.
type reply struct {
	OK     bool            `json:"ok"`
	Result json.RawMessage `json:"result"`
	Error  string          `json:"error"`
}

// post calls method on s with form and decodes the answer.
func post(t *testing.T, s *Server, method string, form url.Values) reply {
	t.Helper()
	resp, err := http.PostForm(s.URL+"/"+method, form)
	if err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: got HTTP %d, want 200", method, resp.StatusCode)
	}
	var r reply
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		t.Fatalf("%s: decode: %v", method, err)
	}
	return r
}

// paragraph is content of one p holding text.
func paragraph(text string) string {
	b, _ := json.Marshal([]any{map[string]any{"tag": "p", "children": []any{text}}})
	return string(b)
}

// sized is valid content of exactly n bytes.
func sized(n int) string {
	overhead := len(paragraph(""))
	return paragraph(strings.Repeat("x", n-overhead))
}

func pageForm(token, title, content string) url.Values {
	return url.Values{"access_token": {token}, "title": {title}, "author_name": {"VOA"},
		"author_url": {"https://www.voachinese.com/a/1.html"}, "content": {content}}
}

func TestCreateAccount(t *testing.T) {
	s := New(t, Options{})
	tests := []struct {
		name, shortName, want string
	}{
		{"ok", "newsbot", ""},
		{"no short name", "", ShortNameRequired},
		{"short name too long", strings.Repeat("n", 33), ShortNameTooLong},
		{"short name of 32", strings.Repeat("n", 32), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, s, "createAccount", url.Values{"short_name": {tt.shortName}, "author_name": {"News"}})
			if r.Error != tt.want {
				t.Fatalf("got error %q, want %q", r.Error, tt.want)
			}
			if tt.want != "" {
				return
			}
			var a struct {
				AccessToken string `json:"access_token"`
			}
			if err := json.Unmarshal(r.Result, &a); err != nil || a.AccessToken == "" {
				t.Fatalf("got result %s (%v), want an access_token", r.Result, err)
			}
			// The token works.
			if r := post(t, s, "createPage", pageForm(a.AccessToken, "T", paragraph("hi"))); !r.OK {
				t.Fatalf("createPage with the new token: got %q", r.Error)
			}
		})
	}
}

func TestCreatePageValidates(t *testing.T) {
	s := New(t, Options{Token: "tok"})
	tests := []struct {
		name    string
		form    url.Values
		want    string
		created bool
	}{
		{"ok", pageForm("tok", "Title", paragraph("text")), "", true},
		{"figure, link, br", pageForm("tok", "T", `[{"tag":"figure","children":[{"tag":"img","attrs":{"src":"https://x/y.jpg"}},{"tag":"figcaption","children":["cap"]}]},{"tag":"p","children":[{"tag":"a","attrs":{"href":"https://x"},"children":["link"]},{"tag":"br"}]}]`), "", true},
		{"no token", pageForm("", "T", paragraph("x")), AccessTokenInvalid, false},
		{"wrong token", pageForm("other", "T", paragraph("x")), AccessTokenInvalid, false},
		{"no title", pageForm("tok", "", paragraph("x")), TitleRequired, false},
		{"blank title", pageForm("tok", "  ", paragraph("x")), TitleRequired, false},
		{"title of 256", pageForm("tok", strings.Repeat("标", 256), paragraph("x")), "", true},
		{"title of 257", pageForm("tok", strings.Repeat("标", 257), paragraph("x")), TitleTooLong, false},
		{"author name too long", func() url.Values {
			f := pageForm("tok", "T", paragraph("x"))
			f.Set("author_name", strings.Repeat("a", 129))
			return f
		}(), AuthorNameTooLong, false},
		{"author url too long", func() url.Values {
			f := pageForm("tok", "T", paragraph("x"))
			f.Set("author_url", "https://x/"+strings.Repeat("a", 503))
			return f
		}(), AuthorURLTooLong, false},
		{"no content", pageForm("tok", "T", ""), ContentRequired, false},
		{"empty content", pageForm("tok", "T", "[]"), ContentRequired, false},
		{"no text", pageForm("tok", "T", `[{"tag":"p","children":[" \n"]},{"tag":"hr"}]`), ContentTextRequired, false},
		{"div", pageForm("tok", "T", `[{"tag":"div","children":["x"]}]`), TagNotAllowed, false},
		{"nested h1", pageForm("tok", "T", `[{"tag":"p","children":[{"tag":"h1","children":["x"]}]}]`), TagNotAllowed, false},
		{"class attribute", pageForm("tok", "T", `[{"tag":"p","attrs":{"class":"lead"},"children":["x"]}]`), AttrNotAllowed, false},
		{"number attribute", pageForm("tok", "T", `[{"tag":"a","attrs":{"href":1},"children":["x"]}]`), ContentInvalid, false},
		{"not JSON", pageForm("tok", "T", `<p>x</p>`), ContentInvalid, false},
		{"not an array", pageForm("tok", "T", `{"tag":"p"}`), ContentInvalid, false},
		{"number node", pageForm("tok", "T", `["x",1]`), ContentInvalid, false},
		{"children not an array", pageForm("tok", "T", `[{"tag":"p","children":"x"}]`), ContentInvalid, false},
		{"64 KB", pageForm("tok", "T", sized(MaxContentBytes)), "", true},
		{"64 KB and one byte", pageForm("tok", "T", sized(MaxContentBytes+1)), ContentTooBig, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := s.Creates()
			r := post(t, s, "createPage", tt.form)
			if r.Error != tt.want || r.OK != (tt.want == "") {
				t.Fatalf("got ok %v, error %q; want error %q", r.OK, r.Error, tt.want)
			}
			if got := s.Creates() - before; got != map[bool]int{true: 1}[tt.created] {
				t.Fatalf("got %d pages created, want created %v", got, tt.created)
			}
			if !tt.created {
				return
			}
			var p struct{ Path, URL, Title string }
			if err := json.Unmarshal(r.Result, &p); err != nil {
				t.Fatal(err)
			}
			kept, ok := s.Page(p.Path)
			if !ok || kept.Title != tt.form.Get("title") || string(kept.Content) != tt.form.Get("content") {
				t.Fatalf("page %q: got %+v, want the title and content sent", p.Path, kept)
			}
			if p.URL != DefaultPageBase+"/"+url.PathEscape(p.Path) {
				t.Fatalf("got URL %q for path %q", p.URL, p.Path)
			}
		})
	}
}

func TestPaths(t *testing.T) {
	now := func() time.Time { return time.Date(2025, 3, 7, 12, 0, 0, 0, time.UTC) }
	s := New(t, Options{Token: "tok", Now: now})
	var paths []string
	for _, title := range []string{"Hello, world!", "Hello, world!", "美国 之音", "!!!"} {
		r := post(t, s, "createPage", pageForm("tok", title, paragraph("x")))
		var p struct{ Path string }
		_ = json.Unmarshal(r.Result, &p)
		paths = append(paths, p.Path)
	}
	want := []string{"Hello-world-03-07", "Hello-world-03-07-2", "美国-之音-03-07", "Untitled-03-07"}
	if fmt.Sprint(paths) != fmt.Sprint(want) {
		t.Fatalf("got paths %q, want %q", paths, want)
	}
}

func TestEditPage(t *testing.T) {
	s := New(t, Options{Token: "tok"})
	other := s.AddAccount("other")
	r := post(t, s, "createPage", pageForm("tok", "First", paragraph("one")))
	var p struct{ Path string }
	_ = json.Unmarshal(r.Result, &p)
	theirs := post(t, s, "createPage", pageForm(other, "Theirs", paragraph("x")))
	var q struct{ Path string }
	_ = json.Unmarshal(theirs.Result, &q)

	tests := []struct {
		name, method string
		form         url.Values
		want         string
	}{
		{"path in the URL", "editPage/" + p.Path, pageForm("tok", "Second", paragraph("two")), ""},
		{"path as a parameter", "editPage", func() url.Values {
			f := pageForm("tok", "Third", paragraph("three"))
			f.Set("path", p.Path)
			return f
		}(), ""},
		{"unknown path", "editPage/Nope-01-01", pageForm("tok", "T", paragraph("x")), PageNotFound},
		{"no path", "editPage", pageForm("tok", "T", paragraph("x")), PageNotFound},
		{"another account's page", "editPage/" + q.Path, pageForm("tok", "T", paragraph("x")), PageAccessDenied},
		{"wrong token", "editPage/" + p.Path, pageForm("nope", "T", paragraph("x")), AccessTokenInvalid},
		{"bad content", "editPage/" + p.Path, pageForm("tok", "T", `[{"tag":"div"}]`), TagNotAllowed},
		{"too big", "editPage/" + p.Path, pageForm("tok", "T", sized(MaxContentBytes+1)), ContentTooBig},
	}
	edits := 0
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := post(t, s, tt.method, tt.form)
			if r.Error != tt.want {
				t.Fatalf("got error %q, want %q", r.Error, tt.want)
			}
			if tt.want == "" {
				edits++
			}
			if got := s.Edits(); got != edits {
				t.Fatalf("got %d edits, want %d", got, edits)
			}
		})
	}
	kept, _ := s.Page(p.Path)
	if kept.Title != "Third" || fmt.Sprint(Texts(kept.Content)) != "[three]" || kept.Edits != 2 {
		t.Fatalf("got page %+v, want the last edit", kept)
	}
	if s.Creates() != 2 || len(s.Pages()) != 2 {
		t.Fatalf("got %d creates, %d pages; want 2, 2", s.Creates(), len(s.Pages()))
	}
}

func TestGetPage(t *testing.T) {
	s := New(t, Options{Token: "tok"})
	r := post(t, s, "createPage", pageForm("tok", "T", paragraph("body")))
	var p struct{ Path string }
	_ = json.Unmarshal(r.Result, &p)
	for _, withContent := range []bool{false, true} {
		r := post(t, s, "getPage/"+p.Path, url.Values{"return_content": {fmt.Sprint(withContent)}})
		var got struct {
			Path    string
			Content json.RawMessage
		}
		_ = json.Unmarshal(r.Result, &got)
		if got.Path != p.Path || (got.Content != nil) != withContent {
			t.Fatalf("return_content=%v: got %s", withContent, r.Result)
		}
	}
	if r := post(t, s, "getPage/None-01-01", nil); r.Error != PageNotFound {
		t.Fatalf("unknown path: got %q, want %q", r.Error, PageNotFound)
	}
	if r := post(t, s, "deletePage", nil); r.Error != UnknownMethod {
		t.Fatalf("unknown method: got %q, want %q", r.Error, UnknownMethod)
	}
}

func TestFloodWait(t *testing.T) {
	s := New(t, Options{Token: "tok"})
	s.FloodWait(7, 2)
	for i, want := range []string{"FLOOD_WAIT_7", "FLOOD_WAIT_7", ""} {
		r := post(t, s, "createPage", pageForm("tok", "T", paragraph("x")))
		if r.Error != want {
			t.Fatalf("call %d: got %q, want %q", i+1, r.Error, want)
		}
	}
	if s.Creates() != 1 || s.Faulted() != 2 || s.Calls("createPage") != 3 {
		t.Fatalf("got %d creates, %d faulted, %d calls; want 1, 2, 3", s.Creates(), s.Faulted(), s.Calls("createPage"))
	}
}

func TestFailByMethod(t *testing.T) {
	s := New(t, Options{Token: "tok"})
	s.Fail("createPage", Answer("PAGE_SAVE_FAILED"), 1)
	if r := post(t, s, "getPage/x", nil); r.Error != PageNotFound {
		t.Fatalf("getPage: got %q, want the fault to skip it", r.Error)
	}
	if r := post(t, s, "createPage", pageForm("tok", "T", paragraph("x"))); r.Error != "PAGE_SAVE_FAILED" {
		t.Fatalf("createPage: got %q, want PAGE_SAVE_FAILED", r.Error)
	}
}

func TestOutage(t *testing.T) {
	tests := []struct {
		name  string
		fault Fault
		check func(*http.Response, error) error
	}{
		{"bad gateway", BadGateway(), func(r *http.Response, err error) error {
			if err != nil {
				return err
			}
			defer r.Body.Close()
			b, _ := io.ReadAll(r.Body)
			if r.StatusCode != http.StatusBadGateway || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") {
				return fmt.Errorf("got %d %q %q, want a 502 HTML page", r.StatusCode, r.Header.Get("Content-Type"), b)
			}
			return nil
		}},
		{"reset", Reset(), func(r *http.Response, err error) error {
			if err == nil {
				r.Body.Close()
				return fmt.Errorf("got HTTP %d, want no answer", r.StatusCode)
			}
			return nil
		}},
		{"hang", Hang(), func(r *http.Response, err error) error {
			if !errors.Is(err, context.DeadlineExceeded) {
				return fmt.Errorf("got %v, want the client's deadline", err)
			}
			return nil
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, Options{Token: "tok"})
			s.Outage(tt.fault)
			for range 2 {
				ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/createPage",
					strings.NewReader(pageForm("tok", "T", paragraph("x")).Encode()))
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				resp, err := http.DefaultClient.Do(req)
				cancel()
				if err := tt.check(resp, err); err != nil {
					t.Fatal(err)
				}
			}
			s.ClearFaults()
			if r := post(t, s, "createPage", pageForm("tok", "T", paragraph("x"))); !r.OK {
				t.Fatalf("after the outage: got %q", r.Error)
			}
			if s.Creates() != 1 {
				t.Fatalf("got %d creates, want only the one after the outage", s.Creates())
			}
		})
	}
}

func TestConcurrentCreates(t *testing.T) {
	s := New(t, Options{Token: "tok"})
	const n = 20
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			resp, err := http.PostForm(s.URL+"/createPage", pageForm("tok", "Same title", paragraph(fmt.Sprint(i))))
			if err == nil {
				resp.Body.Close()
			}
		})
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.Wait(ctx, func() bool { return s.Creates() == n }); err != nil {
		t.Fatalf("waiting for %d creates: %v (got %d)", n, err, s.Creates())
	}
	wg.Wait()
	if got := len(s.Pages()); got != n {
		t.Fatalf("got %d pages, want %d distinct paths", got, n)
	}
}
