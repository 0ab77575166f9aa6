package content

import (
	"net/url"
	"testing"
	"time"
)

func TestArticleID(t *testing.T) {
	const want = "https://www.voachinese.com/a/x/1.html"
	tests := []struct {
		url  string
		same bool // same ID as want
	}{
		{"https://www.voachinese.com/a/x/1.html", true},
		{"HTTPS://WWW.VOAChinese.com/a/x/1.html", true},
		{"https://www.voachinese.com/a/x/1.html#comments", true},
		{"http://www.voachinese.com/a/x/1.html", false},
		{"https://www.voachinese.com/a/X/1.html", false},
		{"https://www.voachinese.com/a/x/1.html?page=2", false},
	}
	wu, _ := url.Parse(want)
	wantID := articleID(wu)
	for _, tt := range tests {
		u, err := url.Parse(tt.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := articleID(u); (got == wantID) != tt.same {
			t.Errorf("articleID(%s) = %s, ID of %s = %s: got same %v, want %v", tt.url, got, want, wantID, !tt.same, tt.same)
		}
	}
	if len(wantID) != 16 {
		t.Errorf("got ID %q, want 16 hex digits", wantID)
	}
}

func TestSourceName(t *testing.T) {
	tests := []struct{ host, want string }{
		{"www.voachinese.com", "美国之音"},
		{"www.voanews.com", "美国之音"},
		{"www.rfi.fr", "法广"},
		{"www.dw.com", "德国之声"},
		{"cn.nytimes.com", "纽约时报"},
		{"www.nytimes.com", "纽约时报"},
		{"www.bbc.com", "BBC"},
		{"www.bbc.co.uk", "BBC"},
		{"www.rfa.org", "自由亚洲"},
		{"chinadigitaltimes.net", "中国数字时代"},
		{"WWW.RFA.ORG", "自由亚洲"},
		{"www.example.org", "example.org"},
		{"news.example.org:8080", "news.example.org"},
		{"notdw.com", "notdw.com"},
		{"www", "www"},
		{"www..", "www"},
		{"example.org.", "example.org"},
	}
	for _, tt := range tests {
		if got := sourceName(tt.host); got != tt.want {
			t.Errorf("sourceName(%q): got %q, want %q", tt.host, got, tt.want)
		}
	}
}

func TestOutletZone(t *testing.T) {
	tests := []struct{ host, want string }{
		{"www.rfi.fr", "Europe/Paris"},
		{"cn.nytimes.com", "Asia/Shanghai"},
		{"www.voachinese.com", "UTC"},
	}
	for _, tt := range tests {
		if got := outletZone(tt.host).String(); got != tt.want {
			t.Errorf("outletZone(%q): got %s, want %s", tt.host, got, tt.want)
		}
	}
	// The zone has its rules even without the system's zoneinfo.
	summer := time.Date(2023, 7, 1, 12, 0, 0, 0, outletZone("www.rfi.fr"))
	if _, off := summer.Zone(); off != 2*3600 {
		t.Errorf("Paris in July: got offset %d, want %d", off, 2*3600)
	}
}
