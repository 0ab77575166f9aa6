package telegraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Limits of Telegraph's createPage and editPage (https://telegra.ph/api).
const (
	// MaxTitle is the longest title, in characters; the shortest is 1.
	MaxTitle = 256
	// MaxAuthorName is the longest author_name, in characters.
	MaxAuthorName = 128
	// MaxAuthorURL is the longest author_url, in characters.
	MaxAuthorURL = 512
	// MaxContentSize is the largest content, in bytes of its JSON encoding
	// (see ContentSize).
	MaxContentSize = 64 << 10
)

// allowedTags are the only tags Telegraph accepts in a page's content.
var allowedTags = map[string]bool{
	"a": true, "aside": true, "b": true, "blockquote": true, "br": true, "code": true,
	"em": true, "figcaption": true, "figure": true, "h3": true, "h4": true, "hr": true,
	"i": true, "iframe": true, "img": true, "li": true, "ol": true, "p": true,
	"pre": true, "s": true, "strong": true, "u": true, "ul": true, "video": true,
}

// allowedAttrs are the only attributes Telegraph accepts on an element.
var allowedAttrs = map[string]bool{"href": true, "src": true}

// AllowedTag reports whether Telegraph accepts tag in a page's content.
func AllowedTag(tag string) bool { return allowedTags[tag] }

// AllowedAttr reports whether Telegraph accepts the attribute name on an
// element.
func AllowedAttr(name string) bool { return allowedAttrs[name] }

// A Node is one piece of a page's content, as Telegraph's Node type: a text
// when Tag is empty, else an element with its attributes and children. It is
// encoded as Telegraph encodes it: a text as a JSON string, an element as
// {"tag", "attrs", "children"}.
type Node struct {
	// Text is a text node's text; an element's is ignored.
	Text string
	// Tag names an element ("p", "a", "img"…); empty for a text.
	Tag string
	// Attrs are an element's attributes: Telegraph allows href and src only.
	Attrs map[string]string
	// Children are an element's content.
	Children []Node
}

// Text is a text node.
func Text(s string) Node { return Node{Text: s} }

// Elem is an element without attributes.
func Elem(tag string, children ...Node) Node { return Node{Tag: tag, Children: children} }

// Link is an "a" element that links to href.
func Link(href string, children ...Node) Node {
	return Node{Tag: "a", Attrs: map[string]string{"href": href}, Children: children}
}

// Image is an "img" element showing src.
func Image(src string) Node { return Node{Tag: "img", Attrs: map[string]string{"src": src}} }

// element is an element's JSON form.
type element struct {
	Tag      string            `json:"tag"`
	Attrs    map[string]string `json:"attrs,omitempty"`
	Children []Node            `json:"children,omitempty"`
}

// MarshalJSON encodes n as Telegraph does, without escaping <, > and &
// (which would only make the content bigger).
func (n Node) MarshalJSON() ([]byte, error) {
	if n.Tag == "" {
		return encode(n.Text)
	}
	return encode(element{Tag: n.Tag, Attrs: n.Attrs, Children: n.Children})
}

// UnmarshalJSON decodes a Telegraph Node: a string or an element. It returns
// an error for anything else.
func (n *Node) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '"' {
		*n = Node{}
		return json.Unmarshal(b, &n.Text)
	}
	if len(b) == 0 || b[0] != '{' {
		return fmt.Errorf("telegraph: decode node: want a string or an object, got %.20q", b)
	}
	var e element
	if err := json.Unmarshal(b, &e); err != nil {
		return fmt.Errorf("telegraph: decode node: %w", err)
	}
	*n = Node{Tag: e.Tag, Attrs: e.Attrs, Children: e.Children}
	return nil
}

// EncodeContent is content as the JSON array that Telegraph's content
// parameter takes, <, > and & unescaped. It returns an error only for
// content that JSON cannot encode (none built of Nodes).
func EncodeContent(content []Node) ([]byte, error) {
	if content == nil {
		content = []Node{}
	}
	b, err := encode(content)
	if err != nil {
		return nil, fmt.Errorf("telegraph: encode content: %w", err)
	}
	return b, nil
}

// ContentSize is the size Telegraph counts against MaxContentSize: the bytes
// of EncodeContent's JSON, UTF-8, markup included.
func ContentSize(content []Node) int {
	b, err := EncodeContent(content)
	if err != nil {
		return 0
	}
	return len(b)
}

// encode is json.Marshal without HTML escaping.
func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// ValidateContent checks content as Telegraph does: it returns an error
// matching ErrContentRequired for no content, ErrTagNotAllowed or
// ErrAttrNotAllowed (naming the node, as "2.1" for the first child of the
// second node), ErrContentTextRequired when no node holds text, and
// ErrContentTooBig beyond MaxContentSize.
func ValidateContent(content []Node) error {
	return prefix(checkContent(content))
}

// prefix puts the package's name before a validator's error.
func prefix(err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("telegraph: %w", err)
}

// checkContent is ValidateContent without the package's name.
func checkContent(content []Node) error {
	if len(content) == 0 {
		return fmt.Errorf("content: %w", ErrContentRequired)
	}
	text := false
	if err := validateNodes(content, "", &text); err != nil {
		return err
	}
	if !text {
		return fmt.Errorf("content: %w", ErrContentTextRequired)
	}
	if n := ContentSize(content); n > MaxContentSize {
		return fmt.Errorf("content of %d bytes: %w", n, ErrContentTooBig)
	}
	return nil
}

func validateNodes(nodes []Node, at string, text *bool) error {
	for i, n := range nodes {
		where := fmt.Sprint(i + 1)
		if at != "" {
			where = at + "." + where
		}
		if n.Tag == "" {
			if strings.IndexFunc(n.Text, func(r rune) bool { return !unicode.IsSpace(r) }) >= 0 {
				*text = true
			}
			continue
		}
		if !AllowedTag(n.Tag) {
			return fmt.Errorf("content node %s: tag %q: %w", where, n.Tag, ErrTagNotAllowed)
		}
		for name := range n.Attrs {
			if !AllowedAttr(name) {
				return fmt.Errorf("content node %s: %s attribute %q: %w", where, n.Tag, name, ErrAttrNotAllowed)
			}
		}
		if err := validateNodes(n.Children, where, text); err != nil {
			return err
		}
	}
	return nil
}

// ValidatePage checks what createPage and editPage check of p: it returns
// an error matching ErrTitleRequired or ErrTitleTooLong (1–MaxTitle
// characters), ErrAuthorNameTooLong, ErrAuthorURLTooLong, or one of
// ValidateContent's.
func ValidatePage(p Page) error { return prefix(checkPage(p)) }

// checkPage is ValidatePage without the package's name.
func checkPage(p Page) error {
	switch n := utf8.RuneCountInString(p.Title); {
	case strings.TrimSpace(p.Title) == "":
		return fmt.Errorf("title: %w", ErrTitleRequired)
	case n > MaxTitle:
		return fmt.Errorf("title of %d characters: %w", n, ErrTitleTooLong)
	}
	if n := utf8.RuneCountInString(p.AuthorName); n > MaxAuthorName {
		return fmt.Errorf("author name of %d characters: %w", n, ErrAuthorNameTooLong)
	}
	if n := utf8.RuneCountInString(p.AuthorURL); n > MaxAuthorURL {
		return fmt.Errorf("author URL of %d characters: %w", n, ErrAuthorURLTooLong)
	}
	return checkContent(p.Content)
}
