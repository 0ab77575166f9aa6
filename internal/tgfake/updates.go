package tgfake

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// SetWebhook sets a webhook, as a leftover from another deployment would:
// getUpdates answers 409 until deleteWebhook.
func (s *Server) SetWebhook(url string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = url
}

// Webhook is the webhook's URL, "" when none is set.
func (s *Server) Webhook() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.webhook
}

// Offset is the highest offset a getUpdates call has sent: every update
// below it is confirmed.
func (s *Server) Offset() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.offset
}

// Pending is how many updates are queued and not yet confirmed.
func (s *Server) Pending() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.updates)
}

// AddUpdate queues an update for getUpdates, giving it the next update ID,
// which it returns.
func (s *Server) AddUpdate(u tgbotapi.Update) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addUpdateLocked(u)
}

func (s *Server) addUpdateLocked(u tgbotapi.Update) int {
	s.nextUpdateID++
	u.UpdateID = s.nextUpdateID
	s.updates = append(s.updates, u)
	s.notify()
	return u.UpdateID
}

// PostPrivate queues a message that the user from writes to the bot in
// their private chat (chat ID = user ID); a leading "/command" gets its
// bot_command entity. It returns the update ID.
func (s *Server) PostPrivate(from tgbotapi.User, text string) int {
	return s.post(from.ID, &from, nil, text)
}

// PostGroup queues a message that the user from writes in the group chatID.
// It returns the update ID.
func (s *Server) PostGroup(chatID int64, from tgbotapi.User, text string) int {
	return s.post(chatID, &from, nil, text)
}

// PostAnonymousAdmin queues a message an anonymous administrator writes in
// the group chatID: from GroupAnonymousBot, with sender_chat the group.
// It returns the update ID.
func (s *Server) PostAnonymousAdmin(chatID int64, text string) int {
	anon := tgbotapi.User{ID: GroupAnonymousBotID, IsBot: true, FirstName: "Group", UserName: "GroupAnonymousBot"}
	return s.post(chatID, &anon, &chatID, text)
}

func (s *Server) post(chatID int64, from *tgbotapi.User, senderChat *int64, text string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	if c.typ == Private && c.title == "" {
		c.title, c.username = from.FirstName, from.UserName
	}
	s.users[from.ID] = *from
	m := &tgbotapi.Message{
		MessageID: c.nextMsgID,
		From:      from,
		Date:      int(s.now().Unix()),
		Chat:      c.api(),
		Text:      text,
		Entities:  commandEntities(text),
	}
	c.nextMsgID++
	if senderChat != nil {
		m.SenderChat = c.api()
	}
	return s.addUpdateLocked(tgbotapi.Update{Message: m})
}

// commandEntities are the entities of text: a bot_command for a leading
// "/command".
func commandEntities(text string) []tgbotapi.MessageEntity {
	if !strings.HasPrefix(text, "/") {
		return nil
	}
	end := strings.IndexAny(text, " \n\t")
	if end < 0 {
		end = len(text)
	}
	return []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0, Length: len(utf16.Encode([]rune(text[:end])))}}
}

func (s *Server) deleteWebhook(p params) (any, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.webhook = ""
	if p.get("drop_pending_updates") == "true" {
		s.updates = nil
		s.notify()
	}
	return true, nil
}

// updateType is u's type, as allowed_updates names it.
func updateType(u tgbotapi.Update) string {
	switch {
	case u.Message != nil:
		return "message"
	case u.EditedMessage != nil:
		return "edited_message"
	case u.ChannelPost != nil:
		return "channel_post"
	case u.EditedChannelPost != nil:
		return "edited_channel_post"
	case u.InlineQuery != nil:
		return "inline_query"
	case u.ChosenInlineResult != nil:
		return "chosen_inline_result"
	case u.CallbackQuery != nil:
		return "callback_query"
	case u.ShippingQuery != nil:
		return "shipping_query"
	case u.PreCheckoutQuery != nil:
		return "pre_checkout_query"
	case u.Poll != nil:
		return "poll"
	case u.PollAnswer != nil:
		return "poll_answer"
	case u.MyChatMember != nil:
		return "my_chat_member"
	case u.ChatMember != nil:
		return "chat_member"
	}
	return ""
}

// allowedLocked reports whether an update of type typ is delivered under
// the last allowed_updates: by default every type but chat_member. s.mu
// must be held.
func (s *Server) allowedLocked(typ string) bool {
	if s.allowed == nil {
		return typ != "chat_member"
	}
	return s.allowed[typ]
}

// setAllowedLocked applies a getUpdates call's allowed_updates: absent (or null,
// as tgbotapi sends it when unset) keeps the last setting, [] restores the
// default, a list delivers those types only. s.mu must be held.
func (s *Server) setAllowedLocked(raw string) *Fault {
	if raw == "" || raw == "null" {
		return nil
	}
	var types []string
	if err := json.Unmarshal([]byte(raw), &types); err != nil {
		return badRequest("can't parse allowed_updates JSON array")
	}
	if len(types) == 0 {
		s.allowed = nil
		return nil
	}
	s.allowed = map[string]bool{}
	for _, t := range types {
		s.allowed[t] = true
	}
	return nil
}

// getUpdates confirms the updates below offset, then answers the queued
// ones, waiting up to timeout seconds for one to come; updates of a type
// allowed_updates excludes are dropped, never delivered. A newer
// getUpdates ends a waiting one with 409, as Telegram does.
func (s *Server) getUpdates(ctx context.Context, p params) (any, *Fault) {
	offset, _ := strconv.Atoi(p.get("offset"))
	limit, _ := strconv.Atoi(p.get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p.get("timeout"))
	if s.noWait {
		timeout = 0
	}
	deadline := time.NewTimer(time.Duration(max(timeout, 0)) * time.Second)
	defer deadline.Stop()

	s.mu.Lock()
	if s.webhook != "" {
		s.mu.Unlock()
		return nil, &Fault{Code: http.StatusConflict,
			Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
	}
	if f := s.setAllowedLocked(p.get("allowed_updates")); f != nil {
		s.mu.Unlock()
		return nil, f
	}
	s.pollGen++
	gen := s.pollGen
	if offset > s.offset {
		s.offset = offset
	}
	if offset > 0 {
		kept := s.updates[:0]
		for _, u := range s.updates {
			if u.UpdateID >= offset {
				kept = append(kept, u)
			}
		}
		s.updates = kept
	}
	s.notify()
	for {
		if gen != s.pollGen {
			s.mu.Unlock()
			f := Conflict()
			return nil, &f
		}
		if n := len(s.updates); n > 0 {
			kept := s.updates[:0]
			for _, u := range s.updates {
				if s.allowedLocked(updateType(u)) {
					kept = append(kept, u)
				}
			}
			if s.updates = kept; len(kept) < n {
				s.notify()
			}
		}
		if len(s.updates) > 0 || timeout <= 0 {
			n := min(limit, len(s.updates))
			out := append([]tgbotapi.Update{}, s.updates[:n]...)
			if n == 0 {
				s.emptyPolls++
			}
			s.mu.Unlock()
			return out, nil
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			timeout = 0
		case <-ctx.Done():
			return []tgbotapi.Update{}, nil
		case <-s.done:
			return []tgbotapi.Update{}, nil
		}
		s.mu.Lock()
	}
}
