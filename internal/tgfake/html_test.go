package tgfake

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestParseHTML(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    string // the visible text, when accepted
		wantErr string // a part of the description, when refused
	}{
		{name: "plain", in: "hello", want: "hello"},
		{name: "allowed tags", in: `<b>b</b><strong>s</strong><i>i</i><em>e</em><u>u</u><ins>n</ins><s>s</s><strike>k</strike><del>d</del><code>c</code><pre>p</pre><blockquote>q</blockquote><tg-spoiler>x</tg-spoiler>`, want: "bsieunskdcpqx"},
		{name: "link", in: `<a href="https://e.com/?a=1&amp;b=&quot;2&quot;">go</a>`, want: "go"},
		{name: "single quoted attribute", in: `<a href='x'>go</a>`, want: "go"},
		{name: "spoiler span", in: `<span class="tg-spoiler">x</span>`, want: "x"},
		{name: "named entities", in: "&lt;&gt;&amp;&quot;", want: `<>&"`},
		{name: "numeric entities", in: "&#60;&#x1F600;&#X41;", want: "<😀A"},
		{name: "nested", in: "<b><i>x</i></b>", want: "x"},
		{name: "upper case tag", in: "<B>x</B>", want: "x"},
		{name: "unsupported tag", in: "ab<p>x</p>", wantErr: `can't parse entities: Unsupported start tag "p" at byte offset 2`},
		{name: "br", in: "a<br>b", wantErr: `Unsupported start tag "br" at byte offset 1`},
		{name: "img", in: `<img src="x">`, wantErr: `Unsupported start tag "img"`},
		{name: "unclosed", in: "<b>x", wantErr: `Can't find end tag corresponding to start tag "b"`},
		{name: "crossed", in: "<b><i>x</b></i>", wantErr: `Unmatched end tag at byte offset 7, expected "</i>", found "</b>"`},
		{name: "end tag without start", in: "x</b>", wantErr: "Unexpected end tag at byte offset 1"},
		{name: "unclosed start tag", in: "<b", wantErr: `Unclosed start tag "b"`},
		{name: "empty tag name", in: "a < b", wantErr: "Empty tag name at byte offset 2"},
		{name: "bare ampersand", in: "Tom & Jerry", wantErr: `Character "&" must be escaped`},
		{name: "unknown named entity", in: "&nbsp;", wantErr: `Character "&" must be escaped`},
		{name: "bad numeric entity", in: "&#xD800;", wantErr: `Character "&" must be escaped`},
		{name: "bare greater-than", in: "a > b", wantErr: `Character ">" must be escaped`},
		{name: "quote inside href", in: `<a href="a"b">x</a>`, wantErr: "Expected equal sign"},
		{name: "bare ampersand in href", in: `<a href="?a=1&b=2">x</a>`, wantErr: `in an attribute of the tag "a"`},
		{name: "span without spoiler class", in: `<span>x</span>`, wantErr: `Tag "span" must have class "tg-spoiler"`},
		{name: "invalid UTF-8", in: "a\xffb", wantErr: "UTF-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseHTML(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				if !strings.HasPrefix(err.Error(), "Bad Request: ") {
					t.Errorf("got %q, want a description starting with %q", err, "Bad Request: ")
				}
				return
			}
			if err != nil {
				t.Fatalf("got error %v, want none", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestLengthLimits(t *testing.T) {
	emoji := "😀" // two UTF-16 units
	tests := []struct {
		name     string
		check    func(string, string) error
		in, mode string
		wantErr  string
	}{
		{"text at the limit", CheckText, strings.Repeat("a", MaxTextLen), "", ""},
		{"text over the limit", CheckText, strings.Repeat("a", MaxTextLen+1), "", "message is too long"},
		{"text counted in UTF-16", CheckText, strings.Repeat(emoji, MaxTextLen/2+1), "", "message is too long"},
		{"text counted after entity parsing", CheckText, "<b>" + strings.Repeat("&amp;", MaxTextLen) + "</b>", "HTML", ""},
		{"empty text", CheckText, "", "", "message text is empty"},
		{"blank text", CheckText, "<b> </b>", "HTML", "message text is empty"},
		{"unsupported parse mode", CheckText, "x", "MarkdownV2", "unsupported parse_mode"},
		{"caption at the limit", CheckCaption, strings.Repeat(emoji, MaxCaptionLen/2), "", ""},
		{"caption over the limit", CheckCaption, strings.Repeat("a", MaxCaptionLen+1), "", "message caption is too long"},
		{"caption counted after entity parsing", CheckCaption, strings.Repeat("&lt;", MaxCaptionLen), "HTML", ""},
		{"caption HTML checked", CheckCaption, "<p>x</p>", "HTML", "can't parse entities"},
		{"empty caption", CheckCaption, "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.check(tt.in, tt.mode)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("got error %v, want none", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("got error %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// FuzzParseHTML checks that no input makes the validator panic, and that
// what it accepts yields valid UTF-8 no longer than the input.
func FuzzParseHTML(f *testing.F) {
	f.Add(`<b>x</b><a href="y">&lt;&#128512;</a>`)
	f.Add(`<span class='tg-spoiler'>a</span></b>`)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseHTML(s)
		if err != nil {
			return
		}
		if !utf8.ValidString(got) || len(got) > len(s) {
			t.Errorf("got %q from %q", got, s)
		}
	})
}
