package content

import (
	"net/url"
	"slices"
	"strings"
	"testing"
)

func TestWeservOrigin(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://images.weserv.nl?url=gdb.voanews.com/a_w900.jpg", "https://gdb.voanews.com/a_w900.jpg"},
		{"https://images.weserv.nl/?url=static.dw.com/image/1_303.jpg", "https://static.dw.com/image/1_303.jpg"},
		{"https://images.weserv.nl/?w=800&url=ssl:example.org/a.jpg", "https://example.org/a.jpg"},
		{"https://wsrv.nl/?url=//example.org/a.jpg", "https://example.org/a.jpg"},
		{"https://images.weserv.nl/?url=http%3A%2F%2Fexample.org%2Fa%20b.jpg", "http://example.org/a%20b.jpg"},
		{"https://images.weserv.nl/?w=800", ""},
		{"https://example.org/?url=other.org/a.jpg", ""},
		{"https://notweserv.nl/?url=other.org/a.jpg", ""},
		{"https://images.weserv.nl/?url=", ""},
	}
	for _, tt := range tests {
		if got := weservOrigin(tt.in); got != tt.want {
			t.Errorf("weservOrigin(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseSrcset(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"a.jpg 240w, b.jpg 800w, c.jpg 480w", []string{"b.jpg", "c.jpg", "a.jpg"}},
		{"a.jpg 2x, b.jpg 3x, c.jpg", []string{"b.jpg", "a.jpg", "c.jpg"}},
		{"https://s.example/w:1280,h:720/a.jpg 1280w, https://s.example/w:640/a.jpg 640w", []string{"https://s.example/w:1280,h:720/a.jpg", "https://s.example/w:640/a.jpg"}},
		{"single.jpg", []string{"single.jpg"}},
		{"a.jpg,b.jpg", []string{"a.jpg,b.jpg"}},
		{" , ,", nil},
		{"", nil},
	}
	for _, tt := range tests {
		var got []string
		for _, c := range parseSrcset(tt.in) {
			got = append(got, c.url)
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("parseSrcset(%q): got %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSkipImageURL(t *testing.T) {
	tests := []struct {
		url  string
		skip bool
	}{
		{"https://images.weserv.nl?url=gdb.voanews.com/01000000-0aff_r1_s_w900.jpg", false},
		{"https://s.rfi.fr/media/display/x/w:1280/p:16x9/IMG_2875.jpg", false},
		{"https://example.org/silicon-valley.jpg", false},
		{"https://example.org/logistics.jpg", false},
		{"https://static.rfi.fr/meta_og_twcards/RFI_FB.png", true},
		{"https://www.rfa.org/++plone++rfa-resources/img/icon-zoom.png", true},
		{"https://s.w.org/images/core/emoji/14.0.0/72x72/1f642.png", true},
		{"https://secure.gravatar.com/avatar/abc?s=96", true},
		{"https://example.org/images/grey_line.png", true},
		{"https://example.org/img/gray-line.gif", true},
		{"https://example.org/pixel.gif?id=1", true},
		{"https://example.org/assets/logo.png", true},
		{"https://feeds.feedburner.com/~r/x/~4/abc", true},
	}
	for _, tt := range tests {
		if got := skipImageURL(tt.url); got != tt.skip {
			t.Errorf("skipImageURL(%q): got %v, want %v", tt.url, got, tt.skip)
		}
	}
}

func TestPhotoOfSkips(t *testing.T) {
	tests := []struct {
		img  string
		skip bool
	}{
		{`<img src="https://example.org/a.jpg">`, false},
		{`<img src="https://example.org/a.jpg" width="100%">`, false},
		{`<img src="https://example.org/a.jpg" width="1" height="1">`, true},
		{`<img src="https://example.org/a.jpg" width="32">`, true},
		{`<img src="https://example.org/a.jpg" class="wp-smiley">`, true},
		{`<img src="https://example.org/a.jpg" alt="grey line">`, true},
		{`<img src="https://example.org/a.jpg" alt="The new logo of the company on its headquarters">`, false},
		{`<img src="data:image/gif;base64,R0lGODlh">`, true},
		{`<img src="data:image/gif;base64,R0lGODlh" data-src="/a.jpg">`, false},
		{`<img src="data:image/gif;base64,R0lGODlh" srcset="/a.jpg 1x">`, false},
		{`<img alt="no source">`, true},
		{`<img src="javascript:alert(1)">`, true},
	}
	for _, tt := range tests {
		a, err := Parse(strings.NewReader("<!--1700000000000-->\n[t](https://example.org/n)\n---\n<p>正文。</p>" + tt.img))
		if err != nil {
			t.Fatal(err)
		}
		if got := a.Photo == nil; got != tt.skip {
			t.Errorf("%s: got skipped %v, want %v", tt.img, got, tt.skip)
		}
	}
}

// TestPlainAbsURL checks that the shortcut gives what url.Parse would.
func TestPlainAbsURL(t *testing.T) {
	base, _ := url.Parse("https://www.example.org/news/a.html")
	x := &extractor{base: base}
	for _, ref := range []string{
		"https://images.weserv.nl?url=gdb.voanews.com/a_w900.jpg",
		"https://images.weserv.nl/?url=static.dw.com/image/1_303.jpg",
		"https://s.rfi.fr/media/display/x/w:1280/p:16x9/IMG_2875.jpg",
		"https://s.rfi.fr/media/display/x/EACRF%20Commander.jpg",
		"https://s.rfi.fr/media/display/x/bad%2.jpg",
		"https://s.rfi.fr/media/display/x/bad%zz.jpg",
		"https://www.rfa.org/mandarin/a.html/2aa.jpg/@@images/b.jpeg",
		"http://Example.ORG/a.jpg",
		"https://example.org:8080/a.jpg",
		"https://example.org/a b.jpg",
		"https://example.org/城市.jpg",
		"https://example.org/a.jpg#frag",
		"https://example.org/./a/../b.jpg",
		"https://user@example.org/a.jpg",
		"https:///a.jpg",
		"https://example.org",
		"https://example.org?x=1",
		"https://example.org/a.jpg?x=1&y=a%20b",
		"https://example.org/a\\b.jpg",
		"https://example.org/a|b.jpg",
	} {
		want := ""
		if u, err := url.Parse(ref); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			want = u.String()
		}
		if got := x.resolve(ref); got != want {
			t.Errorf("resolve(%q): got %q, want %q (plain %v)", ref, got, want, plainAbsURL(ref))
		}
	}
}
