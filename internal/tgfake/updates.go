package tgfake

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Chat types.
const (
	Private    = "private"
	Group      = "group"
	Supergroup = "supergroup"
	Channel    = "channel"
)

// GroupAnonymousBotID is the user Telegram shows as the sender of an
// anonymous group administrator's messages.
const GroupAnonymousBotID = 1087968824

// chat is a chat the server knows.
type chat struct {
	id        int64
	typ       string
	title     string
	members   map[int64]string // user ID → status
	nextMsgID int
	perSecond *window // ChatPerSecond
	perMinute *window // GroupPerMinute, for groups
	sends     []Send
}

// groupLimited reports whether c takes the group limit (GroupPerMinute):
// groups, supergroups and channels do.
func (c *chat) groupLimited() bool { return c.typ != Private }

func (c *chat) api() *tgbotapi.Chat {
	return &tgbotapi.Chat{ID: c.id, Type: c.typ, Title: c.title}
}

// chatLocked returns the chat id, creating it when needed with the type its
// ID implies: positive IDs are private chats, -100… supergroups, other
// negative IDs groups. s.mu must be held.
func (s *Server) chatLocked(id int64) *chat {
	c := s.chats[id]
	if c == nil {
		typ := Private
		switch {
		case id <= -1000000000000:
			typ = Supergroup
		case id < 0:
			typ = Group
		}
		c = &chat{id: id, typ: typ, members: map[int64]string{}, nextMsgID: 1}
		if typ != Private {
			c.title = "Group " + strconv.FormatInt(id, 10)
		}
		s.chats[id] = c
	}
	return c
}

// AddChat declares a chat with a type (Private, Group or Supergroup) and a
// title. Chats need no declaration: an ID's sign implies a type.
func (s *Server) AddChat(id int64, typ, title string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(id)
	c.typ, c.title = typ, title
}

// SetMember sets a user's status in a chat, as getChatMember answers it:
// "creator", "administrator", "member", "left"… Users default to "member".
func (s *Server) SetMember(chatID, userID int64, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatLocked(chatID).members[userID] = status
}

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
		c.title = from.FirstName
	}
	m := &tgbotapi.Message{
		MessageID: c.nextMsgID,
		From:      from,
		Date:      int(time.Now().Unix()),
		Chat:      c.api(),
		Text:      text,
	}
	c.nextMsgID++
	if c.typ == Private {
		m.Chat.FirstName, m.Chat.UserName = from.FirstName, from.UserName
	}
	if senderChat != nil {
		m.SenderChat = c.api()
	}
	if strings.HasPrefix(text, "/") {
		end := strings.IndexAny(text, " \n\t")
		if end < 0 {
			end = len(text)
		}
		m.Entities = []tgbotapi.MessageEntity{{Type: "bot_command", Offset: 0,
			Length: len(utf16.Encode([]rune(text[:end])))}}
	}
	return s.addUpdateLocked(tgbotapi.Update{Message: m})
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

// getUpdates confirms the updates below offset, then answers the queued
// ones, waiting up to timeout seconds for one to come. A newer getUpdates
// ends a waiting one with 409, as Telegram does.
func (s *Server) getUpdates(ctx context.Context, p params) (any, *Fault) {
	offset, _ := strconv.Atoi(p.get("offset"))
	limit, _ := strconv.Atoi(p.get("limit"))
	if limit <= 0 || limit > 100 {
		limit = 100
	}
	timeout, _ := strconv.Atoi(p.get("timeout"))
	deadline := time.NewTimer(time.Duration(max(timeout, 0)) * time.Second)
	defer deadline.Stop()

	s.mu.Lock()
	if s.webhook != "" {
		s.mu.Unlock()
		return nil, &Fault{Code: http.StatusConflict,
			Description: "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first"}
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
		if len(s.updates) > 0 || timeout <= 0 {
			n := min(limit, len(s.updates))
			out := append([]tgbotapi.Update{}, s.updates[:n]...)
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

func (s *Server) getChatMember(p params) (any, *Fault) {
	chatID, err := strconv.ParseInt(p.get("chat_id"), 10, 64)
	if err != nil {
		return nil, badRequest("chat not found")
	}
	userID, err := strconv.ParseInt(p.get("user_id"), 10, 64)
	if err != nil || userID == 0 {
		return nil, badRequest("user not found")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	status := c.members[userID]
	if status == "" {
		status = "member"
	}
	user := &tgbotapi.User{ID: userID, FirstName: "User " + strconv.FormatInt(userID, 10)}
	if userID == GroupAnonymousBotID {
		user.FirstName, user.UserName, user.IsBot = "Group", "GroupAnonymousBot", true
	}
	return tgbotapi.ChatMember{User: user, Status: status}, nil
}
