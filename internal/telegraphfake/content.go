package telegraphfake

import (
	"encoding/json"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Telegraph's limits (https://telegra.ph/api), as the server applies them.
const (
	// MaxContentBytes is the largest content parameter: 64 KB of JSON.
	MaxContentBytes = 64 << 10
	// MaxTitle, MaxAuthorName, MaxAuthorURL and MaxShortName are lengths in
	// characters.
	MaxTitle      = 256
	MaxAuthorName = 128
	MaxAuthorURL  = 512
	MaxShortName  = 32
)

// Telegraph's error strings. TagNotAllowed and AttrNotAllowed are this
// fake's spelling: Telegraph documents the rule, not the string.
const (
	AccessTokenInvalid  = "ACCESS_TOKEN_INVALID"
	ShortNameRequired   = "SHORT_NAME_REQUIRED"
	ShortNameTooLong    = "SHORT_NAME_TOO_LONG"
	AuthorNameTooLong   = "AUTHOR_NAME_TOO_LONG"
	AuthorURLTooLong    = "AUTHOR_URL_TOO_LONG"
	TitleRequired       = "TITLE_REQUIRED"
	TitleTooLong        = "TITLE_TOO_LONG"
	ContentRequired     = "CONTENT_REQUIRED"
	ContentTextRequired = "CONTENT_TEXT_REQUIRED"
	ContentTooBig       = "CONTENT_TOO_BIG"
	ContentInvalid      = "CONTENT_FORMAT_INVALID"
	TagNotAllowed       = "TAG_NOT_ALLOWED"
	AttrNotAllowed      = "ATTR_NOT_ALLOWED"
	PageNotFound        = "PAGE_NOT_FOUND"
	PageAccessDenied    = "PAGE_ACCESS_DENIED"
	UnknownMethod       = "UNKNOWN_METHOD"
)

// tags are the tags Telegraph's content format allows.
var tags = map[string]bool{
	"a": true, "aside": true, "b": true, "blockquote": true, "br": true, "code": true,
	"em": true, "figcaption": true, "figure": true, "h3": true, "h4": true, "hr": true,
	"i": true, "iframe": true, "img": true, "li": true, "ol": true, "p": true,
	"pre": true, "s": true, "strong": true, "u": true, "ul": true, "video": true,
}

// CheckContent validates a content parameter as Telegraph does and returns
// Telegraph's error string, or "" when it is accepted: a JSON array of
// nodes, each a string or an object {tag, attrs, children} with an allowed
// tag, attributes href and src only (string values), children an array of
// nodes; some text somewhere; at most MaxContentBytes bytes as received.
func CheckContent(content string) string {
	if strings.TrimSpace(content) == "" {
		return ContentRequired
	}
	if len(content) > MaxContentBytes {
		return ContentTooBig
	}
	dec := json.NewDecoder(strings.NewReader(content))
	dec.UseNumber()
	var nodes any
	if err := dec.Decode(&nodes); err != nil || dec.More() {
		return ContentInvalid
	}
	list, ok := nodes.([]any)
	if !ok {
		return ContentInvalid
	}
	if len(list) == 0 {
		return ContentRequired
	}
	text := false
	if code := checkNodes(list, &text); code != "" {
		return code
	}
	if !text {
		return ContentTextRequired
	}
	return ""
}

func checkNodes(nodes []any, text *bool) string {
	for _, n := range nodes {
		switch n := n.(type) {
		case string:
			if strings.IndexFunc(n, func(r rune) bool { return !unicode.IsSpace(r) }) >= 0 {
				*text = true
			}
		case map[string]any:
			tag, ok := n["tag"].(string)
			if !ok {
				return ContentInvalid
			}
			if !tags[tag] {
				return TagNotAllowed
			}
			if a, ok := n["attrs"]; ok {
				attrs, ok := a.(map[string]any)
				if !ok {
					return ContentInvalid
				}
				for k, v := range attrs {
					if k != "href" && k != "src" {
						return AttrNotAllowed
					}
					if _, ok := v.(string); !ok {
						return ContentInvalid
					}
				}
			}
			if c, ok := n["children"]; ok {
				children, ok := c.([]any)
				if !ok {
					return ContentInvalid
				}
				if code := checkNodes(children, text); code != "" {
					return code
				}
			}
		default:
			return ContentInvalid
		}
	}
	return ""
}

// checkPage validates createPage's and editPage's other parameters.
func checkPage(title, authorName, authorURL string) string {
	switch {
	case strings.TrimSpace(title) == "":
		return TitleRequired
	case utf8.RuneCountInString(title) > MaxTitle:
		return TitleTooLong
	case utf8.RuneCountInString(authorName) > MaxAuthorName:
		return AuthorNameTooLong
	case utf8.RuneCountInString(authorURL) > MaxAuthorURL:
		return AuthorURLTooLong
	}
	return ""
}

// Texts are the texts of content (a valid content parameter), in order.
func Texts(content json.RawMessage) []string {
	var nodes []any
	if err := json.Unmarshal(content, &nodes); err != nil {
		return nil
	}
	var out []string
	var walk func([]any)
	walk = func(ns []any) {
		for _, n := range ns {
			switch n := n.(type) {
			case string:
				out = append(out, n)
			case map[string]any:
				if c, ok := n["children"].([]any); ok {
					walk(c)
				}
			}
		}
	}
	walk(nodes)
	return out
}
