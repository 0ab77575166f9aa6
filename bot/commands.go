package bot

import (
	"context"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// A command is one row of the bot's command table: what it is called, who
// may use it and where, its menu entry and /help line in each language, and
// its handler. The menus (setMyCommands), /help and the dispatch are all
// derived from the table, so adding a command is one row and one handler.
type command struct {
	name string
	// args is how the arguments are written in /help: "[n]".
	args   string
	access access
	places place
	// menu is the description in the command menu.
	menu text
	// help is the /help line after the command; empty: the command is not
	// listed (an alias).
	help   text
	handle func(b *Bot, ctx context.Context, r request)
}

// access says who may use a command.
type access uint8

const (
	// forAnyone: every member of a chat where the command is offered.
	forAnyone access = iota
	// forChatAdmins: the reader in a private chat; in a group only its
	// administrators, an anonymous one posting as the group included.
	// Others are told so.
	forChatAdmins
	// forBotAdmins: the user IDs of Options.AdminIDs, in their private
	// chat with the bot. Anyone else, or anywhere else, is told "not
	// allowed".
	forBotAdmins
)

// place is a set of the kinds of chat a command is offered in. Channel
// posts never run commands: a channel is managed by a bot admin.
type place uint8

const (
	inPrivate place = 1 << iota
	inGroup
)

// A text is one string in each language the bot replies in: Simplified
// Chinese, Traditional Chinese, English.
type text struct{ zh, hant, en string }

// in is t in lang (see langOf).
func (t text) in(lang string) string {
	switch lang {
	case LangEN:
		return t.en
	case langZHHant:
		return t.hant
	}
	return t.zh
}

// commandTable is the bot's commands, in menu order.
func commandTable() []command {
	return []command{
		{name: "start", access: forChatAdmins, places: inPrivate | inGroup,
			menu:   text{"订阅并获取最新文章", "訂閱並取得最新文章", "Subscribe and get the latest article"},
			help:   text{"订阅并获取最新文章", "訂閱並取得最新文章", "subscribe and get the latest article"},
			handle: (*Bot).start},
		{name: "latest", args: "[n]", access: forAnyone, places: inPrivate | inGroup,
			menu:   text{"最新文章：/latest [n]", "最新文章：/latest [n]", "The newest articles: /latest [n]"},
			help:   text{"最新一篇文章，或最新的 n 篇（n ≤ 5）", "最新一篇文章，或最新的 n 篇（n ≤ 5）", "the newest article, or the n newest (n ≤ 5)"},
			handle: (*Bot).latestCommand},
		{name: "subscribe", access: forChatAdmins, places: inPrivate | inGroup,
			menu:   text{"订阅新文章", "訂閱新文章", "Get new articles"},
			help:   text{"订阅新文章", "訂閱新文章", "get new articles as they come out"},
			handle: (*Bot).subscribe},
		{name: "unsubscribe", access: forChatAdmins, places: inPrivate | inGroup,
			menu:   text{"退订", "取消訂閱", "No more articles"},
			help:   text{"退订（也可用 /stop）", "取消訂閱（也可用 /stop）", "no more articles (also /stop)"},
			handle: (*Bot).unsubscribe},
		{name: "stop", access: forChatAdmins, places: inPrivate | inGroup,
			menu:   text{"退订", "取消訂閱", "No more articles"},
			handle: (*Bot).unsubscribe},
		{name: "sources", access: forAnyone, places: inPrivate | inGroup,
			menu:   text{"选择接收哪些来源", "選擇接收哪些來源", "Choose the outlets you get"},
			help:   text{"选择接收哪些来源（群里只有管理员可以更改）", "選擇接收哪些來源（群組裡只有管理員可以更改）", "choose the outlets you get (in a group, its admins do)"},
			handle: (*Bot).sources},
		{name: "lang", access: forAnyone, places: inPrivate | inGroup,
			menu:   text{"回复语言：简体中文、繁體中文、English", "回覆語言：简体中文、繁體中文、English", "Reply language: 简体中文, 繁體中文, English"},
			help:   text{"选择回复语言", "選擇回覆語言", "choose the replies' language"},
			handle: (*Bot).lang},
		{name: "help", access: forAnyone, places: inPrivate | inGroup,
			menu:   text{"命令列表", "指令列表", "The commands"},
			help:   text{"命令列表", "指令列表", "this list"},
			handle: (*Bot).help},
		{name: "broadcast", access: forBotAdmins, places: inPrivate,
			menu:   text{"把待发文章推送给所有订阅者", "把待發文章推送給所有訂閱者", "Send due articles to every subscriber"},
			help:   text{"把待发文章推送给所有订阅者", "把待發文章推送給所有訂閱者", "send due articles to every subscriber"},
			handle: (*Bot).broadcast},
		{name: "announce", args: "text", access: forBotAdmins, places: inPrivate,
			menu:   text{"向所有订阅者发送一条公告", "向所有訂閱者發送一則公告", "Send a text to every subscriber"},
			help:   text{"向所有订阅者发送一条公告", "向所有訂閱者發送一則公告", "send a text to every subscriber"},
			handle: (*Bot).announce},
		{name: "addchannel", args: "@channel", access: forBotAdmins, places: inPrivate,
			menu: text{"向一个频道发布文章", "向一個頻道發布文章", "Publish to a channel"},
			help: text{"向频道发布文章（我须是频道管理员，并有“发布消息”权限）；/sources @频道 和 /lang @频道 设定它的来源和语言",
				"向頻道發布文章（我須是頻道管理員，並有「發布訊息」權限）；/sources @頻道 和 /lang @頻道 設定它的來源和語言",
				"publish to a channel (I must be its admin, allowed to post messages); /sources @channel and /lang @channel set its outlets and language"},
			handle: (*Bot).addChannel},
		{name: "removechannel", args: "@channel", access: forBotAdmins, places: inPrivate,
			menu:   text{"停止向频道发布", "停止向頻道發布", "Stop publishing to a channel"},
			help:   text{"停止向频道发布文章", "停止向頻道發布文章", "stop publishing to a channel"},
			handle: (*Bot).removeChannel},
		{name: "stats", access: forBotAdmins, places: inPrivate,
			menu:   text{"订阅者、文章和投递统计", "訂閱者、文章與投遞統計", "Subscribers, articles, deliveries"},
			help:   text{"订阅者、频道、文章和投递统计", "訂閱者、頻道、文章與投遞統計", "subscribers, channels, articles, deliveries"},
			handle: (*Bot).stats},
		{name: "reload", access: forBotAdmins, places: inPrivate,
			menu:   text{"重新读取种子文件夹", "重新讀取種子資料夾", "Re-read the seeds folder"},
			help:   text{"重新读取种子文件夹", "重新讀取種子資料夾", "re-read the seeds folder"},
			handle: (*Bot).reload},
	}
}

// commandIndex finds a command of the table by name.
type commandIndex struct {
	all    []command
	byName map[string]*command
}

func newCommandIndex(cmds []command) commandIndex {
	ix := commandIndex{all: cmds, byName: make(map[string]*command, len(cmds))}
	for i := range cmds {
		ix.byName[cmds[i].name] = &cmds[i]
	}
	return ix
}

// lookup returns the command called name, or nil.
func (ix commandIndex) lookup(name string) *command { return ix.byName[name] }

// menu is the command menu in lang: the readers' commands, and with admin
// the bot admins' too.
func (ix commandIndex) menu(lang string, admin bool) []tgbotapi.BotCommand {
	var menu []tgbotapi.BotCommand
	for _, c := range ix.all {
		if c.access == forBotAdmins && !admin {
			continue
		}
		menu = append(menu, tgbotapi.BotCommand{Command: c.name, Description: c.menu.in(lang)})
	}
	return menu
}

// helpText is the answer to /help in lang: a line per listed command, the
// bot admins' commands only for an admin.
func (ix commandIndex) helpText(lang string, admin bool) string {
	var lines []string
	for _, c := range ix.all {
		if c.help == (text{}) || c.access == forBotAdmins && !admin {
			continue
		}
		usage := "/" + c.name
		if c.args != "" {
			usage += " " + c.args
		}
		lines = append(lines, usage+" – "+c.help.in(lang))
	}
	return strings.Join(lines, "\n")
}
