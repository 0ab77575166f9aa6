package tgfake

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Limits Telegram enforces on message text and photo captions, counted in
// UTF-16 code units of the text that remains after entity parsing.
const (
	MaxTextLen    = 4096
	MaxCaptionLen = 1024
)

// allowedTag reports whether Telegram's HTML parse mode accepts the tag.
func allowedTag(name string) bool {
	switch name {
	case "b", "strong", "i", "em", "u", "ins", "s", "strike", "del",
		"span", "tg-spoiler", "a", "tg-emoji", "code", "pre", "blockquote":
		return true
	}
	return false
}

// UTF16Len is the length of s in UTF-16 code units, the unit Telegram counts
// message lengths in.
func UTF16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// ParseHTML parses s as Telegram's HTML parse mode does and returns the text a
// reader sees (tags removed, entities decoded). The error, when there is one,
// is the description Telegram answers with, "Bad Request: can't parse
// entities: …".
//
// It is stricter than Telegram in one respect: a bare "&" or ">" outside a tag
// is refused (Telegram keeps it as text), because the documentation asks for
// them to be escaped and accepting them would hide escaping bugs.
func ParseHTML(s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", errors.New("Bad Request: text must be encoded in UTF-8")
	}
	var (
		out   strings.Builder
		stack []string
	)
	fail := func(format string, args ...any) (string, error) {
		return "", fmt.Errorf("Bad Request: can't parse entities: "+format, args...)
	}
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '&':
			r, n, ok := decodeEntity(s[i:])
			if !ok {
				return fail(`Character "&" must be escaped as "&amp;" at byte offset %d`, i)
			}
			out.WriteRune(r)
			i += n
		case '>':
			return fail(`Character ">" must be escaped as "&gt;" at byte offset %d`, i)
		case '<':
			start := i
			if strings.HasPrefix(s[i:], "</") {
				end := strings.IndexByte(s[i:], '>')
				if end < 0 {
					return fail("Unclosed end tag at byte offset %d", start)
				}
				name := strings.ToLower(strings.TrimSpace(s[i+2 : i+end]))
				if len(stack) == 0 {
					return fail("Unexpected end tag at byte offset %d", start)
				}
				if top := stack[len(stack)-1]; name != top {
					return fail(`Unmatched end tag at byte offset %d, expected "</%s>", found "</%s>"`, start, top, name)
				}
				stack = stack[:len(stack)-1]
				i += end + 1
				continue
			}
			i++
			j := i
			for j < len(s) && isNameByte(s[j]) {
				j++
			}
			name := strings.ToLower(s[i:j])
			if name == "" {
				return fail("Empty tag name at byte offset %d", start)
			}
			if !allowedTag(name) {
				return fail(`Unsupported start tag "%s" at byte offset %d`, name, start)
			}
			i = j
			attrs := map[string]string{}
			for {
				for i < len(s) && isSpace(s[i]) {
					i++
				}
				if i >= len(s) {
					return fail(`Unclosed start tag "%s" at byte offset %d`, name, start)
				}
				if s[i] == '>' {
					i++
					break
				}
				k := i
				for i < len(s) && isNameByte(s[i]) {
					i++
				}
				attr := strings.ToLower(s[k:i])
				if attr == "" {
					return fail(`Empty attribute name in the tag "%s" at byte offset %d`, name, start)
				}
				for i < len(s) && isSpace(s[i]) {
					i++
				}
				if i >= len(s) || s[i] != '=' {
					return fail(`Expected equal sign in declaration of an attribute of the tag "%s" at byte offset %d`, name, start)
				}
				i++
				for i < len(s) && isSpace(s[i]) {
					i++
				}
				if i >= len(s) {
					return fail(`Unclosed start tag "%s" at byte offset %d`, name, start)
				}
				var raw string
				if q := s[i]; q == '"' || q == '\'' {
					end := strings.IndexByte(s[i+1:], q)
					if end < 0 {
						return fail(`Unclosed start tag "%s" at byte offset %d`, name, start)
					}
					raw = s[i+1 : i+1+end]
					i += end + 2
				} else {
					k := i
					for i < len(s) && !isSpace(s[i]) && s[i] != '>' {
						i++
					}
					raw = s[k:i]
				}
				val, ok := decodeEntities(raw)
				if !ok {
					return fail(`Character "&" must be escaped as "&amp;" in an attribute of the tag "%s" at byte offset %d`, name, start)
				}
				attrs[attr] = val
			}
			if name == "span" && attrs["class"] != "tg-spoiler" {
				return fail(`Tag "span" must have class "tg-spoiler" at byte offset %d`, start)
			}
			stack = append(stack, name)
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			out.WriteRune(r)
			i += n
		}
	}
	if len(stack) > 0 {
		return fail(`Can't find end tag corresponding to start tag "%s"`, stack[len(stack)-1])
	}
	return out.String(), nil
}

// CheckText validates the text of a sendMessage or editMessageText call as
// Telegram does: parse mode "" or "HTML", at most MaxTextLen UTF-16 units after
// entity parsing, not empty. The error is Telegram's description.
func CheckText(text, parseMode string) error {
	plain, err := visible(text, parseMode)
	if err != nil {
		return err
	}
	if strings.TrimSpace(plain) == "" {
		return errors.New("Bad Request: message text is empty")
	}
	if UTF16Len(plain) > MaxTextLen {
		return errors.New("Bad Request: message is too long")
	}
	return nil
}

// CheckCaption validates a photo caption as Telegram does: parse mode "" or
// "HTML", at most MaxCaptionLen UTF-16 units after entity parsing. The error is
// Telegram's description.
func CheckCaption(caption, parseMode string) error {
	plain, err := visible(caption, parseMode)
	if err != nil {
		return err
	}
	if UTF16Len(plain) > MaxCaptionLen {
		return errors.New("Bad Request: message caption is too long")
	}
	return nil
}

func visible(s, parseMode string) (string, error) {
	switch parseMode {
	case "":
		if !utf8.ValidString(s) {
			return "", errors.New("Bad Request: text must be encoded in UTF-8")
		}
		return s, nil
	case "HTML", "html":
		return ParseHTML(s)
	default:
		return "", errors.New("Bad Request: unsupported parse_mode")
	}
}

// decodeEntity decodes the entity at the start of s ("&lt;", "&#128512;",
// "&#x1F600;") and returns the rune and the entity's length in bytes.
func decodeEntity(s string) (rune, int, bool) {
	end := strings.IndexByte(s, ';')
	if end < 0 || end > 12 {
		return 0, 0, false
	}
	body := s[1:end]
	switch body {
	case "lt":
		return '<', end + 1, true
	case "gt":
		return '>', end + 1, true
	case "amp":
		return '&', end + 1, true
	case "quot":
		return '"', end + 1, true
	}
	if !strings.HasPrefix(body, "#") || len(body) < 2 {
		return 0, 0, false
	}
	var (
		v   uint64
		err error
	)
	if body[1] == 'x' || body[1] == 'X' {
		v, err = strconv.ParseUint(body[2:], 16, 32)
	} else {
		v, err = strconv.ParseUint(body[1:], 10, 32)
	}
	if err != nil || v == 0 || v > utf8.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
		return 0, 0, false
	}
	return rune(v), end + 1, true
}

func decodeEntities(s string) (string, bool) {
	if !strings.Contains(s, "&") {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '&' {
			b.WriteByte(s[i])
			i++
			continue
		}
		r, n, ok := decodeEntity(s[i:])
		if !ok {
			return "", false
		}
		b.WriteRune(r)
		i += n
	}
	return b.String(), true
}

func isNameByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_'
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r'
}
