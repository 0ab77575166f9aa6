package content

import (
	"net/url"
	"testing"
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
