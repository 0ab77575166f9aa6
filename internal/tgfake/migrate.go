package tgfake

import (
	"fmt"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// UpgradeGroup upgrades the group from to the supergroup to, as Telegram
// does when a group's owner makes it public or it grows: the supergroup
// gets the group's title, members, administrators, member count and the
// bot's status; from then on every request naming from answers 400 "group
// chat was upgraded to a supergroup chat" with migrate_to_chat_id; and two
// service messages are queued, one in the old group with
// migrate_to_chat_id, then one in the supergroup with
// migrate_from_chat_id, both from the group's creator (a stand-in when none
// was set). It returns an error wrapping ErrBadChat, changing nothing, when
// from is not a group or to is not a new supergroup ID.
//
// Migrate, by contrast, only injects the 400 answers.
func (s *Server) UpgradeGroup(from, to int64) error {
	if to > minSupergroupID {
		return fmt.Errorf("%w: upgrade %d: %d is not a supergroup ID (-100…)", ErrBadChat, from, to)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old := s.chats[from]
	if old == nil && from < 0 && from > minSupergroupID {
		old = s.chatLocked(from)
	}
	switch {
	case old == nil || old.typ != Group:
		return fmt.Errorf("%w: upgrade %d: not a group", ErrBadChat, from)
	case old.migratedTo != 0:
		return fmt.Errorf("%w: upgrade %d: already upgraded to %d", ErrBadChat, from, old.migratedTo)
	case s.chats[to] != nil:
		return fmt.Errorf("%w: upgrade %d: chat %d exists", ErrBadChat, from, to)
	}
	sup := s.chatLocked(to)
	sup.title, sup.memberCount = old.title, old.memberCount
	var owner *tgbotapi.User
	for id, st := range old.members {
		sup.members[id] = st
		if st == "creator" {
			owner = s.userLocked(id)
		}
	}
	if owner == nil {
		owner = &tgbotapi.User{ID: 1000, FirstName: "Group Owner"}
	}
	old.migratedTo = to

	date := int(s.now().Unix())
	s.addUpdateLocked(tgbotapi.Update{Message: &tgbotapi.Message{
		MessageID: old.nextMsgID, From: owner, Date: date, Chat: old.api(), MigrateToChatID: to}})
	old.nextMsgID++
	s.addUpdateLocked(tgbotapi.Update{Message: &tgbotapi.Message{
		MessageID: sup.nextMsgID, From: owner, Date: date, Chat: sup.api(), MigrateFromChatID: from}})
	sup.nextMsgID++
	return nil
}
