package tgfake

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Limits of inline keyboards (TELEGRAM.md, Limits; Bot API,
// InlineKeyboardButton).
const (
	// MaxButtonText is the longest button text, in bytes.
	MaxButtonText = 64
	// MaxCallbackData is the longest callback_data, in bytes.
	MaxCallbackData = 64
	// MaxButtons is how many buttons an inline keyboard may have in all.
	MaxButtons = 100
	// MaxStartPayload is the longest start parameter of a deep link.
	MaxStartPayload = 64
)

// A Button is a button of a message's inline keyboard, as the bot sent it.
type Button struct {
	Text string
	// URL is the link of a URL button, "" for other buttons.
	URL string
	// CallbackData is the data of a callback button, "" for other buttons.
	CallbackData string
}

// keyboard is a reply_markup as Telegram keeps it with a message.
type keyboard struct {
	buttons [][]Button
	// canon is the inline keyboard re-encoded, "" for none: two markups
	// are the same when their canon is.
	canon string
}

// api is the keyboard as a Message's reply_markup, nil for none.
func (k keyboard) api() *tgbotapi.InlineKeyboardMarkup {
	if k.canon == "" {
		return nil
	}
	var m tgbotapi.InlineKeyboardMarkup
	_ = json.Unmarshal([]byte(k.canon), &m)
	return &m
}

// buttonActions are the optional fields of an InlineKeyboardButton other
// than url and callback_data; a button needs one action.
var buttonActions = []string{"web_app", "login_url", "switch_inline_query",
	"switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "copy_text",
	"callback_game", "pay"}

// parseMarkup validates a reply_markup as Telegram does and returns the
// inline keyboard it holds (none for a reply keyboard, remove_keyboard or
// force_reply, which stay with the chat, not the message). inlineOnly
// refuses the other kinds, as the edit methods do.
//
// The descriptions are Telegram's, except for three cases the fake words
// itself, under Telegram's "can't parse inline keyboard button" prefix: an
// empty or too long button text, and a button with both url and
// callback_data.
func parseMarkup(raw string, inlineOnly bool) (keyboard, *Fault) {
	raw = strings.TrimSpace(raw)
	if raw == "" || raw == "null" {
		return keyboard{}, nil
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &top); err != nil {
		return keyboard{}, badRequest("can't parse reply keyboard markup JSON object")
	}
	rawRows, ok := top["inline_keyboard"]
	if !ok {
		if inlineOnly {
			return keyboard{}, badRequest("can't parse inline keyboard markup JSON object")
		}
		return keyboard{}, nil
	}
	notArrays := badRequest(`field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays`)
	var rows []json.RawMessage
	if err := json.Unmarshal(rawRows, &rows); err != nil || rows == nil {
		return keyboard{}, notArrays
	}
	var (
		k     keyboard
		count int
	)
	for _, rawRow := range rows {
		var row []json.RawMessage
		if err := json.Unmarshal(rawRow, &row); err != nil || row == nil {
			return keyboard{}, notArrays
		}
		var out []Button
		for _, rawButton := range row {
			if count++; count > MaxButtons {
				return keyboard{}, badRequest("reply markup is too long")
			}
			b, f := parseButton(rawButton)
			if f != nil {
				return keyboard{}, f
			}
			out = append(out, b)
		}
		k.buttons = append(k.buttons, out)
	}
	var m tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal(rawRows, &m.InlineKeyboard); err != nil {
		return keyboard{}, notArrays
	}
	canon, _ := json.Marshal(m)
	k.canon = string(canon)
	return k, nil
}

// parseButton validates one InlineKeyboardButton.
func parseButton(raw json.RawMessage) (Button, *Fault) {
	bad := func(why string) (Button, *Fault) {
		return Button{}, badRequest("can't parse inline keyboard button: " + why)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil || fields == nil {
		return bad("InlineKeyboardButton must be an Object")
	}
	str := func(name string) (string, bool, bool) { // value, present, a string
		v, ok := fields[name]
		if !ok || string(v) == "null" {
			return "", false, true
		}
		var s string
		err := json.Unmarshal(v, &s)
		return s, true, err == nil
	}
	var b Button
	text, ok, isString := str("text")
	switch {
	case !ok || !isString:
		return bad(`Field "text" must be of type String`)
	case text == "":
		return bad("Text must be non-empty")
	case len(text) > MaxButtonText:
		return bad(fmt.Sprintf("Text must be at most %d bytes long", MaxButtonText))
	}
	b.Text = text
	u, hasURL, isString := str("url")
	if !isString {
		return bad(`Field "url" must be of type String`)
	}
	data, hasData, isString := str("callback_data")
	if !isString {
		return bad(`Field "callback_data" must be of type String`)
	}
	hasURL, hasData = hasURL && u != "", hasData && data != "" // empty is absent
	other := false
	for _, name := range buttonActions {
		if v, ok := fields[name]; ok && string(v) != "null" && string(v) != "false" {
			other = true
		}
	}
	switch {
	case hasURL && hasData:
		return bad("exactly one of the optional fields must be used")
	case !hasURL && !hasData && !other:
		return bad("Text buttons are unallowed in the inline keyboard")
	}
	if hasData && len(data) > MaxCallbackData {
		return Button{}, badRequest("BUTTON_DATA_INVALID")
	}
	if hasURL {
		if why := checkButtonURL(u); why != "" {
			return Button{}, badRequest(fmt.Sprintf("inline keyboard button URL '%s' is invalid: %s", u, why))
		}
	}
	b.URL, b.CallbackData = u, data
	return b, nil
}

// checkButtonURL says what is wrong with a URL button's link, "" if
// nothing: Telegram opens http(s) and tg:// links only.
func checkButtonURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || strings.ContainsAny(raw, " \t\n") {
		return "Wrong HTTP URL"
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Hostname() == "" {
			return "Wrong HTTP URL"
		}
	case "tg":
		if u.Host == "" && u.Opaque == "" {
			return "Wrong URL"
		}
	case "":
		return "Wrong HTTP URL"
	default:
		return "Unsupported URL protocol"
	}
	return ""
}

// startPayload returns the start parameter of link if it is a deep link
// that opens this bot (https://t.me/<username>?start=<payload>, also
// telegram.me and tg://resolve?domain=<username>&start=<payload>).
func (s *Server) startPayload(link string) (string, error) {
	u, err := url.Parse(link)
	if err != nil {
		return "", fmt.Errorf("%w: %q: %w", ErrBadLink, link, err)
	}
	var user string
	switch {
	case (u.Scheme == "https" || u.Scheme == "http") && (u.Host == "t.me" || u.Host == "telegram.me"):
		user = strings.TrimPrefix(u.Path, "/")
	case u.Scheme == "tg" && u.Host == "resolve":
		user = u.Query().Get("domain")
	default:
		return "", fmt.Errorf("%w: %q is not a t.me link", ErrBadLink, link)
	}
	if !strings.EqualFold(user, s.username) {
		return "", fmt.Errorf("%w: %q opens %q, not this bot (%q)", ErrBadLink, link, user, s.username)
	}
	q := u.Query()
	if !q.Has("start") {
		return "", fmt.Errorf("%w: %q has no start parameter", ErrBadLink, link)
	}
	payload := q.Get("start")
	if !validPayload(payload) {
		return "", fmt.Errorf("%w: %q: the start parameter must be 1-%d of A-Za-z0-9_-", ErrBadLink, link, MaxStartPayload)
	}
	return payload, nil
}

// validPayload reports whether Telegram passes p as a start parameter:
// 1–64 characters of A-Za-z0-9_-.
func validPayload(p string) bool {
	if len(p) < 1 || len(p) > MaxStartPayload {
		return false
	}
	for _, c := range []byte(p) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// FollowStartLink does what Telegram does when the user from opens link, a
// deep link to the bot (https://t.me/<bot username>?start=<payload>, as a
// URL button carries it) and presses Start: it queues "/start <payload>"
// from them in their private chat with the bot, and returns the update ID.
// It returns an error wrapping ErrBadLink, and queues nothing, when the
// link names another bot, has no start parameter, or one that is not 1–64
// of A-Za-z0-9_-.
func (s *Server) FollowStartLink(from tgbotapi.User, link string) (int, error) {
	payload, err := s.startPayload(link)
	if err != nil {
		return 0, err
	}
	return s.PostPrivate(from, "/start "+payload), nil
}
