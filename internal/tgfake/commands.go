package tgfake

import (
	"cmp"
	"encoding/json"
	"slices"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Limits of command menus (Bot API, BotCommand and setMyCommands).
const (
	// MaxCommands is how many commands one menu may have.
	MaxCommands = 100
	// MaxCommandLen is the longest command name.
	MaxCommandLen = 32
	// MaxCommandDescription is the longest description, in characters
	// (counted, as Telegram counts text, in UTF-16 code units).
	MaxCommandDescription = 256
)

// A Menu is a command menu set with setMyCommands: the commands shown to
// the users of a scope who speak a language.
type Menu struct {
	// Scope is the menu's scope; its Type is "default" when none was
	// given.
	Scope tgbotapi.BotCommandScope
	// Lang is the language_code, "" for every language.
	Lang     string
	Commands []tgbotapi.BotCommand
}

// menuKey names a menu: its scope and language.
type menuKey struct {
	scope      string
	chat, user int64
	lang       string
}

// Commands returns the command menu set by setMyCommands for a scope
// ("default", "all_private_chats", "chat"…, with chatID for the scopes of
// one chat) and a language code ("" for all), nil if none. Menus lists
// every menu, chat_member ones included.
func (s *Server) Commands(scope string, chatID int64, lang string) []tgbotapi.BotCommand {
	if scope == "" {
		scope = "default"
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.commands[menuKey{scope: scope, chat: chatID, lang: lang}])
}

// Menus returns every command menu set, ordered by scope, chat, user and
// language.
func (s *Server) Menus() []Menu {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Menu
	for k, cmds := range s.commands {
		out = append(out, Menu{Scope: tgbotapi.BotCommandScope{Type: k.scope, ChatID: k.chat, UserID: k.user},
			Lang: k.lang, Commands: slices.Clone(cmds)})
	}
	slices.SortFunc(out, func(a, b Menu) int {
		return cmp.Or(cmp.Compare(a.Scope.Type, b.Scope.Type), cmp.Compare(a.Scope.ChatID, b.Scope.ChatID),
			cmp.Compare(a.Scope.UserID, b.Scope.UserID), cmp.Compare(a.Lang, b.Lang))
	})
	return out
}

// validCommand reports whether Telegram accepts name as a bot command:
// 1–32 lowercase letters, digits and underscores.
func validCommand(name string) bool {
	if len(name) < 1 || len(name) > MaxCommandLen {
		return false
	}
	for _, c := range []byte(name) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// validLang reports whether Telegram accepts code as a menu's
// language_code: "" or a two-letter ISO 639-1 code.
func validLang(code string) bool {
	return code == "" || len(code) == 2 && code[0] >= 'a' && code[0] <= 'z' && code[1] >= 'a' && code[1] <= 'z'
}

// menuFor resolves the scope and language_code of a *MyCommands call. The
// descriptions of an unknown scope type and a bad language code are the
// fake's wording.
func menuFor(p params) (menuKey, *Fault) {
	var scope tgbotapi.BotCommandScope
	if raw := p.get("scope"); raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &scope); err != nil {
			return menuKey{}, badRequest("can't parse BotCommandScope JSON object")
		}
	}
	if scope.Type == "" {
		scope.Type = "default"
	}
	k := menuKey{scope: scope.Type, lang: p.get("language_code")}
	switch scope.Type {
	case "default", "all_private_chats", "all_group_chats", "all_chat_administrators":
	case "chat", "chat_administrators", "chat_member":
		if scope.ChatID == 0 {
			return menuKey{}, badRequest("chat not found")
		}
		k.chat = scope.ChatID
		if scope.Type == "chat_member" {
			if scope.UserID == 0 {
				return menuKey{}, badRequest("user not found")
			}
			k.user = scope.UserID
		}
	default:
		return menuKey{}, badRequest("unsupported bot command scope type")
	}
	if !validLang(k.lang) {
		return menuKey{}, badRequest("language code is invalid")
	}
	return k, nil
}

// setMyCommands sets the menu of a scope and language: at most 100
// commands, each named as validCommand says, with a description of 1–256
// characters. An empty list removes the menu.
func (s *Server) setMyCommands(p params) (any, *Fault) {
	var cmds []tgbotapi.BotCommand
	if err := json.Unmarshal([]byte(p.get("commands")), &cmds); err != nil {
		return nil, badRequest("can't parse commands JSON object")
	}
	if len(cmds) > MaxCommands {
		return nil, badRequest("too many commands")
	}
	for _, c := range cmds {
		if !validCommand(c.Command) {
			return nil, badRequest("BOT_COMMAND_INVALID")
		}
		if n := UTF16Len(c.Description); n < 1 || n > MaxCommandDescription {
			return nil, badRequest("BOT_COMMAND_DESCRIPTION_INVALID")
		}
	}
	k, f := menuFor(p)
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(cmds) == 0 {
		delete(s.commands, k)
	} else {
		s.commands[k] = cmds
	}
	s.notify()
	return true, nil
}

// getMyCommands answers the menu of exactly that scope and language,
// empty if none is set.
func (s *Server) getMyCommands(p params) (any, *Fault) {
	k, f := menuFor(p)
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]tgbotapi.BotCommand{}, s.commands[k]...), nil
}

// deleteMyCommands removes the menu of a scope and language: the users get
// the menu of a broader scope again.
func (s *Server) deleteMyCommands(p params) (any, *Fault) {
	k, f := menuFor(p)
	if f != nil {
		return nil, f
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.commands, k)
	s.notify()
	return true, nil
}
