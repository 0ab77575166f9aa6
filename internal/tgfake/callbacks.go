package tgfake

import (
	"fmt"
	"strconv"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// MaxCallbackAnswer is the longest text of an answerCallbackQuery, in
// UTF-16 code units (Bot API: "0-200 characters").
const MaxCallbackAnswer = 200

// A CallbackAnswer is what the bot answered a callback query with
// (answerCallbackQuery).
type CallbackAnswer struct {
	// Text is the notification shown to the user, "" for none.
	Text string
	// ShowAlert says whether it is shown as an alert.
	ShowAlert bool
	// URL is a link the client opens, "" for none.
	URL string
}

// callback is a callback query the server queued, and its answer.
type callback struct {
	query    tgbotapi.CallbackQuery
	answered bool
	answer   CallbackAnswer
}

// PostCallback queues a callback_query update, as Telegram does when the
// user from presses a callback button carrying data on the bot's message
// messageID in chatID, and returns the query's ID. data is not checked
// against the message's buttons: it comes from the client, and a client
// may send what it likes. It returns an error wrapping ErrNoMessage, and
// queues nothing, when the bot sent no such message.
func (s *Server) PostCallback(from tgbotapi.User, chatID int64, messageID int, data string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m := s.chats[chatID], s.messageLocked(chatID, messageID)
	if c == nil || m == nil {
		return "", fmt.Errorf("%w: message %d in chat %d", ErrNoMessage, messageID, chatID)
	}
	return s.postCallbackLocked(from, c, m, data), nil
}

// Press queues the callback_query of the callback button labelled text on
// the bot's message messageID in chatID, pressed by from, and returns the
// query's ID. It returns an error wrapping ErrNoMessage or ErrNoButton,
// and queues nothing, when there is no such message or callback button (a
// URL button opens its link instead: see FollowStartLink).
func (s *Server) Press(from tgbotapi.User, chatID int64, messageID int, text string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m := s.chats[chatID], s.messageLocked(chatID, messageID)
	if c == nil || m == nil {
		return "", fmt.Errorf("%w: message %d in chat %d", ErrNoMessage, messageID, chatID)
	}
	for _, row := range m.Buttons {
		for _, b := range row {
			if b.Text == text && b.CallbackData != "" {
				return s.postCallbackLocked(from, c, m, b.CallbackData), nil
			}
		}
	}
	return "", fmt.Errorf("%w: no callback button %q on message %d in chat %d", ErrNoButton, text, messageID, chatID)
}

// postCallbackLocked queues a callback query on m; s.mu must be held.
func (s *Server) postCallbackLocked(from tgbotapi.User, c *chat, m *Message, data string) string {
	msg := s.apiMessage(c, m)
	q := tgbotapi.CallbackQuery{
		ID:           strconv.FormatInt(4217000000000000000+int64(len(s.callbacks)), 10),
		From:         &from,
		Message:      &msg,
		ChatInstance: strconv.FormatInt(-c.id*7919, 10),
		Data:         data,
	}
	s.callbackIndex[q.ID] = len(s.callbacks)
	s.callbacks = append(s.callbacks, &callback{query: q})
	s.addUpdateLocked(tgbotapi.Update{CallbackQuery: &q})
	return q.ID
}

// CallbackAnswer returns the bot's answer to the callback query id, and
// whether it answered it.
func (s *Server) CallbackAnswer(id string) (CallbackAnswer, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if i, ok := s.callbackIndex[id]; ok && s.callbacks[i].answered {
		return s.callbacks[i].answer, true
	}
	return CallbackAnswer{}, false
}

// Unanswered returns the callback queries the bot has not answered, oldest
// first: on Telegram, the user's client shows a spinner on each.
func (s *Server) Unanswered() []tgbotapi.CallbackQuery {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []tgbotapi.CallbackQuery
	for _, cb := range s.callbacks {
		if !cb.answered {
			out = append(out, cb.query)
		}
	}
	return out
}

// answerCallbackQuery answers a callback query once: a second answer, or
// one to an ID Telegram never gave, is refused.
func (s *Server) answerCallbackQuery(p params) (any, *Fault) {
	a := CallbackAnswer{Text: p.get("text"), ShowAlert: p.get("show_alert") == "true", URL: p.get("url")}
	if UTF16Len(a.Text) > MaxCallbackAnswer {
		return nil, badRequest("MESSAGE_TOO_LONG")
	}
	if a.URL != "" {
		// Only a game's URL, or a link that starts this bot.
		link := a.URL
		if !strings.Contains(link, "://") {
			link = "https://" + link
		}
		if _, err := s.startPayload(link); err != nil {
			return nil, badRequest("URL_INVALID")
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i, ok := s.callbackIndex[p.get("callback_query_id")]
	if !ok || s.callbacks[i].answered {
		return nil, badRequest("query is too old and response timeout expired or query ID is invalid")
	}
	s.callbacks[i].answered, s.callbacks[i].answer = true, a
	s.notify()
	return true, nil
}

// editMessageReplyMarkup replaces a message's inline keyboard (none
// removes it).
func (s *Server) editMessageReplyMarkup(p params) (any, *Fault) {
	kb, f := parseMarkup(p.get("reply_markup"), true)
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, m, f := s.editTarget(p)
	if f != nil {
		return nil, f
	}
	if m.keyboard == kb.canon {
		return nil, notModified()
	}
	now, f := s.limit(c, false)
	if f != nil {
		return nil, f
	}
	return s.edited(c, m, "editMessageReplyMarkup", now, p.get("reply_markup"), kb), nil
}
