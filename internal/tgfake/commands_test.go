package tgfake

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func cmd(name, desc string) tgbotapi.BotCommand {
	return tgbotapi.BotCommand{Command: name, Description: desc}
}

func many(n int) []tgbotapi.BotCommand {
	var out []tgbotapi.BotCommand
	for i := range n {
		out = append(out, cmd(fmt.Sprintf("c%d", i), "x"))
	}
	return out
}

func TestSetMyCommandsValidation(t *testing.T) {
	tests := []struct {
		name    string
		params  tgbotapi.Params // with commands
		cmds    []tgbotapi.BotCommand
		wantErr string
	}{
		{"one", nil, []tgbotapi.BotCommand{cmd("start", "开始")}, ""},
		{"digits and underscores", nil, []tgbotapi.BotCommand{cmd("add_channel2", "x")}, ""},
		{"32 characters", nil, []tgbotapi.BotCommand{cmd(strings.Repeat("a", 32), "x")}, ""},
		{"a description of 256", nil, []tgbotapi.BotCommand{cmd("a", strings.Repeat("说", 256))}, ""},
		{"100 commands", nil, many(100), ""},
		{"a language", tgbotapi.Params{"language_code": "zh"}, []tgbotapi.BotCommand{cmd("a", "x")}, ""},
		{"a chat_member scope", tgbotapi.Params{"scope": `{"type":"chat_member","chat_id":-42,"user_id":7}`}, []tgbotapi.BotCommand{cmd("a", "x")}, ""},

		{"upper case", nil, []tgbotapi.BotCommand{cmd("Start", "x")}, "Bad Request: BOT_COMMAND_INVALID"},
		{"a slash", nil, []tgbotapi.BotCommand{cmd("/start", "x")}, "Bad Request: BOT_COMMAND_INVALID"},
		{"a hyphen", nil, []tgbotapi.BotCommand{cmd("add-channel", "x")}, "Bad Request: BOT_COMMAND_INVALID"},
		{"33 characters", nil, []tgbotapi.BotCommand{cmd(strings.Repeat("a", 33), "x")}, "Bad Request: BOT_COMMAND_INVALID"},
		{"no name", nil, []tgbotapi.BotCommand{cmd("", "x")}, "Bad Request: BOT_COMMAND_INVALID"},
		{"no description", nil, []tgbotapi.BotCommand{cmd("a", "")}, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"},
		{"a description of 257", nil, []tgbotapi.BotCommand{cmd("a", strings.Repeat("x", 257))}, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID"},
		{"101 commands", nil, many(101), "Bad Request: too many commands"},
		{"a region in the language", tgbotapi.Params{"language_code": "zh-hans"}, []tgbotapi.BotCommand{cmd("a", "x")}, "Bad Request: language code is invalid"},
		{"an upper-case language", tgbotapi.Params{"language_code": "ZH"}, []tgbotapi.BotCommand{cmd("a", "x")}, "Bad Request: language code is invalid"},
		{"an unknown scope", tgbotapi.Params{"scope": `{"type":"everyone"}`}, []tgbotapi.BotCommand{cmd("a", "x")}, "Bad Request: unsupported bot command scope type"},
		{"a chat scope without a chat", tgbotapi.Params{"scope": `{"type":"chat"}`}, []tgbotapi.BotCommand{cmd("a", "x")}, "Bad Request: chat not found"},
		{"a scope that is not JSON", tgbotapi.Params{"scope": `chat`}, []tgbotapi.BotCommand{cmd("a", "x")}, "Bad Request: can't parse BotCommandScope JSON object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := New(t, Options{})
			api := newBot(t, s, 5*time.Second)
			params := tgbotapi.Params{}
			for k, v := range tt.params {
				params[k] = v
			}
			if err := params.AddInterface("commands", tt.cmds); err != nil {
				t.Fatal(err)
			}
			_, err := api.MakeRequest("setMyCommands", params)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("got %v, want the menu set", err)
				}
				if ms := s.Menus(); len(ms) != 1 || !reflect.DeepEqual(ms[0].Commands, tt.cmds) {
					t.Errorf("got menus %+v, want the one set", ms)
				}
				return
			}
			if e := apiError(t, err); e.Code != 400 || e.Message != tt.wantErr {
				t.Errorf("got %d %q, want 400 %q", e.Code, e.Message, tt.wantErr)
			}
			if ms := s.Menus(); len(ms) != 0 {
				t.Errorf("got menus %+v, want none", ms)
			}
		})
	}
}

// TestMenus checks that menus are kept per scope and language, and that
// getMyCommands and deleteMyCommands find them.
func TestMenus(t *testing.T) {
	s := New(t, Options{})
	api := newBot(t, s, 5*time.Second)
	set := func(scope *tgbotapi.BotCommandScope, lang string, cmds ...tgbotapi.BotCommand) {
		t.Helper()
		cfg := tgbotapi.NewSetMyCommands(cmds...)
		cfg.Scope, cfg.LanguageCode = scope, lang
		if _, err := api.Request(cfg); err != nil {
			t.Fatalf("set %+v %q: %v", scope, lang, err)
		}
	}
	admins, member := tgbotapi.NewBotCommandScopeChatAdministrators(-42), tgbotapi.NewBotCommandScopeChatMember(-42, 7)
	private, chat := tgbotapi.NewBotCommandScopeAllPrivateChats(), tgbotapi.NewBotCommandScopeChat(7)
	set(nil, "", cmd("start", "start"))
	set(nil, "zh", cmd("start", "开始"))
	set(&private, "en", cmd("latest", "latest"))
	set(&chat, "", cmd("broadcast", "send"))
	set(&admins, "", cmd("sources", "outlets"))
	set(&member, "", cmd("stats", "stats"))

	want := []Menu{
		{tgbotapi.BotCommandScope{Type: "all_private_chats"}, "en", []tgbotapi.BotCommand{cmd("latest", "latest")}},
		{tgbotapi.BotCommandScope{Type: "chat", ChatID: 7}, "", []tgbotapi.BotCommand{cmd("broadcast", "send")}},
		{tgbotapi.BotCommandScope{Type: "chat_administrators", ChatID: -42}, "", []tgbotapi.BotCommand{cmd("sources", "outlets")}},
		{tgbotapi.BotCommandScope{Type: "chat_member", ChatID: -42, UserID: 7}, "", []tgbotapi.BotCommand{cmd("stats", "stats")}},
		{tgbotapi.BotCommandScope{Type: "default"}, "", []tgbotapi.BotCommand{cmd("start", "start")}},
		{tgbotapi.BotCommandScope{Type: "default"}, "zh", []tgbotapi.BotCommand{cmd("start", "开始")}},
	}
	if got := s.Menus(); !reflect.DeepEqual(got, want) {
		t.Errorf("got menus\n%+v\nwant\n%+v", got, want)
	}
	lookups := []struct {
		scope string
		chat  int64
		lang  string
		want  string // the first command, "" for none
	}{
		{"default", 0, "", "start"},
		{"", 0, "", "start"},
		{"default", 0, "zh", "start"},
		{"default", 0, "en", ""},
		{"all_private_chats", 0, "en", "latest"},
		{"chat", 7, "", "broadcast"},
		{"chat", 8, "", ""},
		{"chat_administrators", -42, "", "sources"},
	}
	for _, tt := range lookups {
		got := s.Commands(tt.scope, tt.chat, tt.lang)
		var first string
		if len(got) > 0 {
			first = got[0].Command
		}
		if first != tt.want {
			t.Errorf("Commands(%q, %d, %q): got %+v, want %q", tt.scope, tt.chat, tt.lang, got, tt.want)
		}
	}

	got, err := api.GetMyCommandsWithConfig(tgbotapi.GetMyCommandsConfig{LanguageCode: "zh"})
	if err != nil || len(got) != 1 || got[0].Description != "开始" {
		t.Errorf("getMyCommands zh: got %+v, %v, want the Chinese menu", got, err)
	}
	if _, err := api.Request(tgbotapi.NewDeleteMyCommandsWithScopeAndLanguage(tgbotapi.NewBotCommandScopeDefault(), "zh")); err != nil {
		t.Fatal(err)
	}
	got, err = api.GetMyCommandsWithConfig(tgbotapi.GetMyCommandsConfig{LanguageCode: "zh"})
	if err != nil || len(got) != 0 {
		t.Errorf("getMyCommands zh after deleteMyCommands: got %+v, %v, want none", got, err)
	}
	set(&chat, "") // an empty list removes the menu too
	if got := s.Commands("chat", 7, ""); got != nil {
		t.Errorf("after an empty list: got %+v, want no menu", got)
	}
	if n := len(s.Menus()); n != 4 {
		t.Errorf("got %d menus, want 4", n)
	}
}
