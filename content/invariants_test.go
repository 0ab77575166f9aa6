package content

import (
	"net/url"
	"strings"
	"testing"
	"unicode/utf8"
)

// checkInvariants checks what holds for every article Parse returns.
func checkInvariants(t *testing.T, a *Article) {
	t.Helper()
	if a.Headline == "" || strings.TrimSpace(a.Headline) != a.Headline {
		t.Errorf("got headline %q, want it non-empty and trimmed", a.Headline)
	}
	if len(a.ID) != 16 || strings.Trim(a.ID, "0123456789abcdef") != "" {
		t.Errorf("got ID %q, want 16 hex digits", a.ID)
	}
	if u, err := url.Parse(a.URL); err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		t.Errorf("got URL %q, want an absolute http(s) URL", a.URL)
	}
	if a.FeedTime.IsZero() || a.Published.IsZero() {
		t.Errorf("got feed time %v and published %v, want both set", a.FeedTime, a.Published)
	}
	if a.Source == "" || a.Outlet == "" || OutletName(a.Outlet, "zh") != a.Source {
		t.Errorf("got source %q and outlet %q, want both, the source the outlet's name", a.Source, a.Outlet)
	}
	switch {
	case len(a.Paragraphs) == 0 && a.Lead != "":
		t.Errorf("got lead %q without paragraphs, want none", a.Lead)
	case len(a.Paragraphs) > 0 && a.Lead != a.Paragraphs[0]:
		t.Errorf("got lead %q, want the first paragraph %q", a.Lead, a.Paragraphs[0])
	}
	for i, p := range a.Paragraphs {
		if p == "" || strings.TrimSpace(p) != p || strings.Contains(p, "  ") {
			t.Errorf("paragraph %d: got %q, want it non-empty with white space collapsed", i, p)
		}
	}
	texts := append([]string{a.Headline, a.Lead, a.Source}, a.Paragraphs...)
	if a.Photo != nil {
		texts = append(texts, a.Photo.Caption)
	}
	for _, s := range texts {
		if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < ' ' || r == 0x7f }) {
			t.Errorf("got %q, want valid UTF-8 without control characters", s)
		}
	}
	if a.Photo != nil {
		for _, u := range append([]string{a.Photo.URL}, a.Photo.Fallbacks...) {
			if pu, err := url.Parse(u); err != nil || pu.Host == "" || (pu.Scheme != "http" && pu.Scheme != "https") {
				t.Errorf("got photo URL %q, want an absolute http(s) URL", u)
			}
		}
	}
}
