package content

import (
	"errors"
	"testing"
)

func TestHeadlineLink(t *testing.T) {
	tests := []struct {
		line, headline, target string
		err                    error
	}{
		{"[标题](https://example.org/a)", "标题", "https://example.org/a", nil},
		{"  [标题](https://example.org/a)  ", "标题", "https://example.org/a", nil},
		{"[Photo: Untitled (Shanghai), by A](https://example.org/a)", "Photo: Untitled (Shanghai), by A", "https://example.org/a", nil},
		{"[a [b] c](https://example.org/a)", "a [b] c", "https://example.org/a", nil},
		{`[a \[b\] c](https://example.org/a)`, "a [b] c", "https://example.org/a", nil},
		{"[A &amp; B&#8230;](https://example.org/a)", "A & B…", "https://example.org/a", nil},
		{"[标题](<https://example.org/a> \"title\")", "标题", "https://example.org/a", nil},
		{"[](https://example.org/a)", "", "", ErrEmptyHeadline},
		{"[ &nbsp; ](https://example.org/a)", "", "", ErrEmptyHeadline},
		{"[标题]()", "", "", ErrNoHeadline},
		{"标题 https://example.org/a", "", "", ErrNoHeadline},
		{"[标题](https://example.org/a", "", "", ErrNoHeadline},
		{"", "", "", ErrNoHeadline},
	}
	for _, tt := range tests {
		h, u, err := headlineLink(tt.line)
		if !errors.Is(err, tt.err) || h != tt.headline || u != tt.target {
			t.Errorf("headlineLink(%q): got %q, %q, %v; want %q, %q, %v", tt.line, h, u, err, tt.headline, tt.target, tt.err)
		}
	}
}

func TestFeedTimeAndRule(t *testing.T) {
	times := []struct {
		line string
		ms   int64 // 0: refused
	}{
		{"<!--1680874744000-->", 1680874744000},
		{" <!-- 1680874744000 --> ", 1680874744000},
		{"<!--abc-->", 0},
		{"<!--0-->", 0},
		{"<!--1680874744000", 0},
		{"1680874744000", 0},
	}
	for _, tt := range times {
		got, err := feedTime(tt.line)
		switch {
		case tt.ms == 0 && !errors.Is(err, ErrNoTime):
			t.Errorf("feedTime(%q): got %v, %v; want %v", tt.line, got, err, ErrNoTime)
		case tt.ms != 0 && (err != nil || got.UnixMilli() != tt.ms):
			t.Errorf("feedTime(%q): got %v, %v; want %d ms", tt.line, got, err, tt.ms)
		}
	}
	rules := []struct {
		line string
		want bool
	}{
		{"------", true}, {"---", true}, {" ------ ", true}, {"======", true},
		{"--", false}, {"", false}, {"--- x", false}, {"-=-=-=", false},
	}
	for _, tt := range rules {
		if got := isRule(tt.line); got != tt.want {
			t.Errorf("isRule(%q): got %v, want %v", tt.line, got, tt.want)
		}
	}
}
