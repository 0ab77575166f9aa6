package tgfake

import (
	"fmt"
	"strconv"
	"strings"

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

// minSupergroupID bounds the IDs of supergroups and channels: -100…
const minSupergroupID = -1000000000000

// chat is a chat the server knows.
type chat struct {
	id       int64
	typ      string
	title    string // a private chat's: the user's first name
	username string // without "@"; "" for none
	// members are the statuses of users, the bot's own under BotID:
	// "creator", "administrator", "member", "left", "kicked".
	members map[int64]string
	// botCanPost is the bot's can_post_messages, as a channel's
	// administrator.
	botCanPost  bool
	memberCount int   // getChatMemberCount; 0: counted from members
	migratedTo  int64 // the supergroup a group became; 0 if none
	nextMsgID   int
	perSecond   *window // ChatPerSecond
	perMinute   *window // GroupPerMinute, for groups and channels
	sends       []Send
}

// groupLimited reports whether c takes the group limit (GroupPerMinute):
// groups, supergroups and channels do.
func (c *chat) groupLimited() bool { return c.typ != Private }

// api is c as the Bot API shows it.
func (c *chat) api() *tgbotapi.Chat {
	if c.typ == Private {
		return &tgbotapi.Chat{ID: c.id, Type: c.typ, FirstName: c.title, UserName: c.username}
	}
	return &tgbotapi.Chat{ID: c.id, Type: c.typ, Title: c.title, UserName: c.username}
}

// refusal is Telegram's answer to a send into c that the bot may not
// make there, or nil: a channel takes posts from an administrator with
// can_post_messages only; a group none from a bot that left it or was
// kicked.
func (c *chat) refusal() *Fault {
	st := c.members[BotID]
	switch c.typ {
	case Channel:
		switch {
		case st == "creator" || st == "administrator" && c.botCanPost:
			return nil
		case st == "kicked":
			f := forbidden("bot was kicked from the channel chat")
			return &f
		case st == "administrator" || st == "member" || st == "restricted":
			return badRequest("need administrator rights in the channel chat")
		}
		f := forbidden("bot is not a member of the channel chat")
		return &f
	case Group, Supergroup:
		switch st {
		case "kicked":
			f := forbidden("bot was kicked from the " + c.typ + " chat")
			return &f
		case "left":
			f := forbidden("bot is not a member of the " + c.typ + " chat")
			return &f
		}
	}
	return nil
}

// chatLocked returns the chat id, creating it when needed with the type its
// ID implies: positive IDs are private chats, -100… supergroups, other
// negative IDs groups. s.mu must be held.
func (s *Server) chatLocked(id int64) *chat {
	c := s.chats[id]
	if c == nil {
		typ := Private
		switch {
		case id <= minSupergroupID:
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

// lookupLocked resolves a chat_id parameter, a numeric ID or "@username":
// an unknown username is "chat not found", and so is an unknown ID unless
// create (sends need no declared chat). A group upgraded to a supergroup
// answers Migrated. s.mu must be held.
func (s *Server) lookupLocked(raw string, create bool) (*chat, *Fault) {
	var c *chat
	switch {
	case raw == "":
		return nil, badRequest("chat_id is empty")
	case strings.HasPrefix(raw, "@"):
		c = s.usernames[strings.ToLower(raw[1:])]
	default:
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id == 0 {
			return nil, badRequest("chat not found")
		}
		if c = s.chats[id]; c == nil && create {
			c = s.chatLocked(id)
		}
	}
	if c == nil {
		return nil, badRequest("chat not found")
	}
	if c.migratedTo != 0 {
		f := Migrated(c.migratedTo)
		return nil, &f
	}
	return c, nil
}

// target resolves a send's chat_id and checks that the bot may send there;
// s.mu must be held.
func (s *Server) target(p params) (*chat, *Fault) {
	c, f := s.lookupLocked(p.get("chat_id"), true)
	if f != nil {
		return nil, f
	}
	if f := c.refusal(); f != nil {
		return nil, f
	}
	return c, nil
}

// AddChat declares a chat with a type (Private, Group or Supergroup) and a
// title. Chats need no declaration: an ID's sign implies a type. Channels
// are declared with AddChannel.
func (s *Server) AddChat(id int64, typ, title string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(id)
	c.typ, c.title = typ, title
}

// SetMember sets a user's status in a chat, as getChatMember answers it:
// "creator", "administrator", "member", "left", "kicked". Users default to
// "member" in groups and "left" in channels. For the bot itself, see
// SetBotStatus.
func (s *Server) SetMember(chatID, userID int64, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatLocked(chatID).members[userID] = status
	s.notify()
}

// SetMemberCount sets what getChatMemberCount answers for a chat; by
// default a group counts the users it knows and the bot.
func (s *Server) SetMemberCount(chatID int64, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.chatLocked(chatID).memberCount = n
}

// SetBotStatus sets the bot's own status in a chat ("administrator",
// "member", "left", "kicked") and, as a channel's administrator, whether
// it may post (can_post_messages). Sends follow it: into a channel only
// as an administrator that may post, into a group not once left or
// kicked.
func (s *Server) SetBotStatus(chatID int64, status string, canPostMessages bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chatLocked(chatID)
	c.members[BotID], c.botCanPost = status, canPostMessages
	s.notify()
}

// KickBot removes the bot from a group or channel, as an administrator
// does: sends there answer 403 "bot was kicked from the … chat".
func (s *Server) KickBot(chatID int64) { s.SetBotStatus(chatID, "kicked", false) }

// A ChannelConfig declares a channel for AddChannel.
type ChannelConfig struct {
	// ID is the channel's ID: -100…, at or below -1000000000000.
	ID int64
	// Username is the channel's public username without "@" (5–32
	// letters, digits and underscores, from a letter); "" for a private
	// channel.
	Username string
	Title    string
	// Members is what getChatMemberCount answers.
	Members int
	// BotStatus is the bot's status in the channel: "administrator",
	// "member", "left" or "kicked"; "" is "left".
	BotStatus string
	// CanPostMessages is the bot's right to post, as an administrator.
	CanPostMessages bool
}

// AddChannel declares a channel. It returns an error wrapping ErrBadChat
// when the ID is not a channel's, the ID is already a chat, or the
// username is invalid or taken.
func (s *Server) AddChannel(cfg ChannelConfig) error {
	if cfg.ID > minSupergroupID {
		return fmt.Errorf("%w: channel ID %d is not -100…", ErrBadChat, cfg.ID)
	}
	if cfg.Username != "" && !validUsername(cfg.Username) {
		return fmt.Errorf("%w: channel username %q", ErrBadChat, cfg.Username)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.chats[cfg.ID] != nil {
		return fmt.Errorf("%w: chat %d exists", ErrBadChat, cfg.ID)
	}
	if cfg.Username != "" && s.usernames[strings.ToLower(cfg.Username)] != nil {
		return fmt.Errorf("%w: username %q is taken", ErrBadChat, cfg.Username)
	}
	c := s.chatLocked(cfg.ID)
	c.typ, c.title, c.username, c.memberCount = Channel, cfg.Title, cfg.Username, cfg.Members
	c.members[BotID], c.botCanPost = cfg.BotStatus, cfg.CanPostMessages
	if cfg.Username != "" {
		s.usernames[strings.ToLower(cfg.Username)] = c
	}
	s.notify()
	return nil
}

// validUsername reports whether Telegram accepts u as a public username:
// 5–32 letters, digits and underscores, starting with a letter.
func validUsername(u string) bool {
	if len(u) < 5 || len(u) > 32 || !(u[0] >= 'a' && u[0] <= 'z' || u[0] >= 'A' && u[0] <= 'Z') {
		return false
	}
	for _, c := range []byte(u) {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// PostChannel queues a channel_post update: a message in the channel
// chatID, signed by the channel (sender_chat, no from), as the bot gets it
// when it is one of the channel's administrators. It returns the update
// ID, or an error wrapping ErrBadChat, queueing nothing, when chatID is not
// a channel or the bot is not its administrator (Telegram would not
// deliver the post).
func (s *Server) PostChannel(chatID int64, text string) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chats[chatID]
	switch {
	case c == nil || c.typ != Channel:
		return 0, fmt.Errorf("%w: %d is not a channel", ErrBadChat, chatID)
	case c.members[BotID] != "administrator" && c.members[BotID] != "creator":
		return 0, fmt.Errorf("%w: the bot is not an administrator of channel %d", ErrBadChat, chatID)
	}
	m := &tgbotapi.Message{
		MessageID:  c.nextMsgID,
		SenderChat: c.api(),
		Date:       int(s.now().Unix()),
		Chat:       c.api(),
		Text:       text,
		Entities:   commandEntities(text),
	}
	c.nextMsgID++
	return s.addUpdateLocked(tgbotapi.Update{ChannelPost: m}), nil
}

// getChat answers a chat the bot knows, by ID or @username. A private
// channel the bot is not in is not found.
func (s *Server) getChat(p params) (any, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, f := s.lookupLocked(p.get("chat_id"), false)
	if f != nil {
		return nil, f
	}
	if st := c.members[BotID]; c.typ == Channel && c.username == "" && (st == "" || st == "left" || st == "kicked") {
		return nil, badRequest("chat not found")
	}
	return c.api(), nil
}

// getChatMember answers a user's status in a chat. The bot's own is
// always known; other users' in a channel only to its administrators.
func (s *Server) getChatMember(p params) (any, *Fault) {
	userID, err := strconv.ParseInt(p.get("user_id"), 10, 64)
	if err != nil || userID == 0 {
		return nil, badRequest("user not found")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, f := s.lookupLocked(p.get("chat_id"), true)
	if f != nil {
		return nil, f
	}
	bot := c.members[BotID]
	switch {
	case userID == BotID:
	case c.typ == Channel && bot != "administrator" && bot != "creator":
		return nil, badRequest("member list is inaccessible")
	case c.typ == Group || c.typ == Supergroup:
		if f := c.refusal(); f != nil {
			return nil, f
		}
	}
	m := tgbotapi.ChatMember{User: s.userLocked(userID), Status: c.members[userID]}
	if m.Status == "" {
		m.Status = "member"
		if c.typ == Channel {
			m.Status = "left"
		}
	}
	if userID == BotID && c.typ == Channel && m.Status == "administrator" {
		m.CanPostMessages, m.CanEditMessages, m.CanManageChat = c.botCanPost, c.botCanPost, true
	}
	return m, nil
}

// userLocked is the user userID as the server knows them: the bot, a user
// who wrote, or a stand-in. s.mu must be held.
func (s *Server) userLocked(userID int64) *tgbotapi.User {
	switch u, ok := s.users[userID]; {
	case userID == BotID:
		return s.botUser()
	case userID == GroupAnonymousBotID:
		return &tgbotapi.User{ID: userID, IsBot: true, FirstName: "Group", UserName: "GroupAnonymousBot"}
	case ok:
		return &u
	}
	return &tgbotapi.User{ID: userID, FirstName: "User " + strconv.FormatInt(userID, 10)}
}

// getChatMemberCount answers a chat's member count: a private chat has
// two, a group the users it knows (not left or kicked) and the bot unless
// SetMemberCount said otherwise.
func (s *Server) getChatMemberCount(p params) (any, *Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, f := s.lookupLocked(p.get("chat_id"), true)
	if f != nil {
		return nil, f
	}
	if c.typ == Group || c.typ == Supergroup {
		if f := c.refusal(); f != nil {
			return nil, f
		}
	}
	switch {
	case c.memberCount > 0:
		return c.memberCount, nil
	case c.typ == Private:
		return 2, nil
	}
	n := 0
	if _, ok := c.members[BotID]; !ok {
		n++ // the bot
	}
	for _, st := range c.members {
		if st != "left" && st != "kicked" {
			n++
		}
	}
	return n, nil
}
