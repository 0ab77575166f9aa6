package content

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// maxSrcsetFallbacks is how many srcset candidates, largest first, a photo
// keeps as fallbacks.
const maxSrcsetFallbacks = 2

// image considers img as the article's photo: the first content image wins.
// The caption is the <small> right after the image (VOA's <div><small>,
// NYT's <p><img><small>), else the image's alt text.
func (x *extractor) image(img *html.Node) {
	if x.photo != nil {
		return
	}
	p, alt := x.photoOf(img)
	if p == nil {
		return
	}
	p.Caption = captionAfter(img)
	if p.Caption == "" {
		p.Caption = alt
	}
	x.photo = p
}

// photoOf returns img as a Photo without its caption, and its cleaned alt
// text; nil when img is not a content image (a pixel, an icon, an emoji, a
// separator, an avatar, a social-media placeholder) or has no usable URL.
func (x *extractor) photoOf(img *html.Node) (*Photo, string) {
	var src, lazy, srcset, alt, class string
	var width, height = -1, -1
	for _, a := range img.Attr {
		switch a.Key {
		case "src":
			src = a.Val
		case "data-src", "data-original", "data-lazy-src", "data-url", "data-orig-file":
			if lazy == "" {
				lazy = a.Val
			}
		case "srcset", "data-srcset", "data-lazy-srcset":
			if srcset == "" || a.Key == "srcset" && strings.Contains(a.Val, "://") {
				srcset = a.Val
			}
		case "alt":
			alt = a.Val
		case "class":
			class = a.Val
		case "width":
			width = dimension(a.Val)
		case "height":
			height = dimension(a.Val)
		}
	}
	if width >= 0 && width < 50 || height >= 0 && height < 50 {
		return nil, "" // a pixel or an icon
	}
	// An alt text names a non-content image only when it is a short
	// label ("grey line", "avatar"): a caption may speak of a logo.
	if hasNonContentWord(class) || len(strings.Fields(alt)) <= 3 && hasNonContentWord(alt) {
		return nil, ""
	}
	raw := strings.TrimSpace(src)
	if raw == "" || strings.HasPrefix(raw, "data:") {
		raw = strings.TrimSpace(lazy)
	}
	cands := parseSrcset(srcset)
	if raw == "" || strings.HasPrefix(raw, "data:") {
		if len(cands) == 0 {
			return nil, ""
		}
		raw = cands[0].url
	}
	u := x.resolve(raw)
	if u == "" || skipImageURL(u) {
		return nil, ""
	}
	p := &Photo{URL: u}
	if o := weservOrigin(u); o != "" {
		p.Fallbacks = append(p.Fallbacks, o)
	}
	n := 0
	for _, c := range cands {
		if n == maxSrcsetFallbacks {
			break
		}
		f := x.resolve(c.url)
		if f == "" || f == u || slices.Contains(p.Fallbacks, f) || skipImageURL(f) {
			continue
		}
		p.Fallbacks = append(p.Fallbacks, f)
		n++
	}
	return p, clean(alt)
}

// dimension reads a width or height attribute in pixels; -1 when it isn't
// a plain number ("100%").
func dimension(s string) int {
	s = strings.TrimSuffix(strings.TrimSpace(s), "px")
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// resolve makes ref absolute against the article's URL; "" unless the
// result is an http(s) URL.
func (x *extractor) resolve(ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "data:") {
		return ""
	}
	if plainAbsURL(ref) {
		return ref // what url.Parse and String would give back
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		u = x.base.ResolveReference(u)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}

// nonContentWord reports a word that, in an image's URL, class or alt
// text, marks a non-content image: a pixel, an icon, an emoji, a separator
// ("grey line"), an avatar, a logo. prev is the word before. The outlets'
// placeholder images are in their rows of outlets.
func nonContentWord(w, prev string) bool {
	switch w {
	case "emoji", "emojis", "smiley", "smilies", "avatar", "avatars", "gravatar", "icon", "icons",
		"favicon", "pixel", "spacer", "blank", "1x1", "separator", "divider", "greyline", "grayline",
		"logo", "logos", "beacon", "tracking", "feedburner":
		return true
	case "line":
		return prev == "grey" || prev == "gray"
	}
	return false
}

// hasNonContentWord reads s as words of ASCII letters and digits, in lower
// case, and reports whether one marks a non-content image.
func hasNonContentWord(s string) bool {
	var buf, prevBuf [16]byte
	w, prev := buf[:0], prevBuf[:0]
	for i := 0; i <= len(s); i++ {
		var c byte
		if i < len(s) {
			c = s[i]
		}
		switch {
		case 'a' <= c && c <= 'z' || '0' <= c && c <= '9':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		default:
			if len(w) > 0 && len(w) <= len(buf) && nonContentWord(string(w), string(prev)) {
				return true
			}
			if len(w) > 0 {
				prev = append(prev[:0], w[:min(len(w), len(prevBuf))]...)
			}
			w = w[:0]
			continue
		}
		if len(w) < cap(w) {
			w = append(w, c)
		} else {
			w = w[:cap(w)] // a long word: no match
		}
	}
	return false
}

// plainAbsURL reports an absolute http(s) URL with a host, written in
// printable ASCII without spaces, quotes, angle brackets or backslashes,
// and without a fragment or "/." path segments: one that url.Parse and
// String would give back unchanged.
func plainAbsURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(s, "http://"); !ok {
			return false
		}
	}
	if rest == "" || rest[0] == '/' || rest[0] == '?' || rest[0] == ':' || rest[0] == '@' || rest[0] == '[' {
		return false
	}
	for i := 0; i < len(rest); i++ {
		c := rest[i]
		if c <= ' ' || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '#' || c == '`' || c == '{' || c == '}' || c == '|' || c == '^' {
			return false
		}
		if c == '%' && (i+2 >= len(rest) || !isHex(rest[i+1]) || !isHex(rest[i+2])) {
			return false
		}
		if c == '@' || c == '/' && i+1 < len(rest) && rest[i+1] == '.' {
			return false
		}
	}
	host, _, _ := strings.Cut(rest, "/")
	host, _, _ = strings.Cut(host, "?")
	return host != "" && strings.ToLower(host) == host && !strings.Contains(host, ":")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// skipImageURL reports URLs of non-content images: a word of
// nonContentWord, or an outlet's placeholder.
func skipImageURL(u string) bool {
	if hasNonContentWord(u) {
		return true
	}
	for _, p := range allRules().placeholders {
		if containsFold(u, p) {
			return true
		}
	}
	return false
}

// containsFold reports whether s holds sub, in lower case, with its ASCII
// letters in any case.
func containsFold(s, sub string) bool {
	if sub == "" {
		return true
	}
	for i := 0; i+len(sub) <= len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c == sub[0] && strings.EqualFold(s[i:i+len(sub)], sub) {
			return true
		}
	}
	return false
}
