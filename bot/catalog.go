package bot

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/state"
)

// A catalog holds every string a reader or an admin sees, in one language.
// catalogFor returns it; nothing else in the package writes reader-facing
// text.
type catalog struct {
	// ReadArticle is the words of the link to the article, in messages.
	ReadArticle string
	// FullTextButton is the text of the button that opens an article's
	// full text in Telegram (at most 64 bytes, as every button text).
	FullTextButton string
	// InstantView is the words of the link to an article's Telegraph
	// page, in messages and as a button.
	InstantView string
	// ArticleNotFound answers a full-text link of an unknown article.
	ArticleNotFound string
	// FullTextLater answers a chat that asked for more full texts in a
	// minute than it may.
	FullTextLater string
	// SubscribeOffer ends a full text sent to a chat that is not
	// subscribed.
	SubscribeOffer string

	Welcome           string
	Subscribed        string
	AlreadySubscribed string
	Unsubscribed      string
	NotSubscribed     string
	GroupAdminsOnly   string
	Hint              string
	NoArticles        string
	// NoChosenArticles answers /latest when the outlets a chat chose have
	// no article.
	NoChosenArticles string
	LatestUsage      string
	// TryLater answers a reader whose article could not be sent now.
	TryLater   string
	NotAllowed string
	Failed     string

	// Sources heads the /sources keyboard; SourcesOf (%s: the channel) a
	// channel's; SourcesNew (%s: their names) lists outlets that came
	// after the choice. SourcesAll is the button of every outlet.
	Sources, SourcesOf, SourcesNew, SourcesAll string
	// Callback answers: an outlet toggled on or off (%s: its name), every
	// outlet chosen, an empty choice refused, a keyboard out of date, a
	// button that is not ours, a group member who is not its admin.
	SourceOn, SourceOff, SourcesEvery, PickOne, Stale, BadButton, AdminsOnly string
	// Lang heads the /lang keyboard, LangOf (%s: the channel) a
	// channel's; LangSet answers the choice, in the language chosen.
	Lang, LangOf, LangSet string

	// Channels: /addchannel and /removechannel answers. %s is the channel
	// as the admin wrote it, or its name.
	AddChannelUsage, RemoveChannelUsage string
	ChannelNotFound, NotAChannel        string
	ChannelNotAdmin, ChannelNoPost      string
	ChannelAdded                        string // %s name, %d ID, %s the name for /sources
	ChannelAlready, ChannelRemoved      string
	NotOurChannel                       string

	AnnounceUsage   string
	AnnounceQueued  string // %d: the running broadcast's ID
	BroadcastNone   string
	BroadcastFailed string
	ReloadFailed    string
	// Progress (%d ID, %d chats, %s counts, %s elapsed) and Summary (the
	// same) head the report message.
	Progress, Summary, Running string
	// Counts: sent, failed, deactivated, pending, unknown.
	Counts string
	// Stats (%s subscribers, %d articles, %s deliveries, %s last
	// broadcast).
	Stats, StatsNoBroadcast string
	// Kinds follows the active subscribers in /stats: private chats,
	// groups, channels.
	Kinds string
	// Channels heads the channels in /stats; Members (%d) and
	// MembersUnknown say a channel's audience.
	Channels, Members, MembersUnknown string
	// Reload: files, added, changed, refused.
	Reload string
	// SeedsScanning (%d seen, %s SeedsOf, %d parsed, %d stored, %s
	// running for), SeedsDone (%d files, %d outside the horizon, %d refused,
	// %s ago, %s taken) and SeedsNone are /stats's line on the seeds folder.
	SeedsScanning, SeedsOf, SeedsDone, SeedsNone string
}

// catalogFor returns the strings of lang (langZH, langZHHant or LangEN;
// see langOf).
func catalogFor(lang string) catalog {
	switch lang {
	case LangEN:
		return catalog{
			ReadArticle:       "Read the article",
			FullTextButton:    "Full text",
			InstantView:       "⚡ Instant View",
			ArticleNotFound:   "Sorry, that article was not found. /latest shows the newest ones.",
			FullTextLater:     "That is a lot of reading! Please ask again in a minute.",
			SubscribeOffer:    "/subscribe to get new articles.",
			Welcome:           "Welcome! This bot sends you summaries of news articles as they come out.",
			Subscribed:        "Subscribed: new articles will come here.",
			AlreadySubscribed: "Already subscribed.",
			Unsubscribed:      "Unsubscribed: no more articles will come. /subscribe to start again.",
			NotSubscribed:     "Not subscribed.",
			GroupAdminsOnly:   "Only the group's administrators can subscribe or unsubscribe it.",
			Hint:              "I only understand commands. /help lists them.",
			NoArticles:        "No articles yet.",
			NoChosenArticles:  "No articles from the outlets you chose yet. /sources changes the choice.",
			LatestUsage:       "Usage: /latest or /latest n, with n from 1 to 5.",
			TryLater:          "Couldn't send it now. Please try again in a minute.",
			NotAllowed:        "Not allowed.",
			Failed:            "Something went wrong. Please try again later.",

			Sources:      "Choose the outlets you get: tap one to switch it on or off. The numbers are the articles of the last week.",
			SourcesOf:    "The outlets %s gets: tap one to switch it on or off. The numbers are the articles of the last week.",
			SourcesNew:   "New since the choice: %s.",
			SourcesAll:   "All outlets, new ones included",
			SourceOn:     "%s: on",
			SourceOff:    "%s: off",
			SourcesEvery: "Every outlet, new ones included.",
			PickOne:      "Pick at least one outlet.",
			Stale:        "That keyboard was out of date; here is the current one.",
			BadButton:    "That button does nothing.",
			AdminsOnly:   "Only the group's admins can change this.",
			Lang:         "The language of my replies:",
			LangOf:       "The language of %s:",
			LangSet:      "Replies in English from now on.",

			AddChannelUsage:    "Usage: /addchannel @channel, or the channel's numeric ID (-100…).",
			RemoveChannelUsage: "Usage: /removechannel @channel, or the channel's numeric ID (-100…).",
			ChannelNotFound:    "I can't find the channel %s. A public channel is written @name; for a private one, add me as an admin first and give its numeric ID (-100…).",
			NotAChannel:        "%s is not a channel.",
			ChannelNotAdmin:    "I am not an administrator of %s. Add me as an admin with “Post messages” in the channel's settings, then try again.",
			ChannelNoPost:      "I am an administrator of %s but may not post. Turn on “Post messages” in my admin rights there, then try again.",
			ChannelAdded:       "Added %s (ID %d): new articles go there from now on, with no backlog. /sources %s chooses its outlets.",
			ChannelAlready:     "%s already gets the articles.",
			ChannelRemoved:     "%s gets no more articles.",
			NotOurChannel:      "%s is not one of the channels I publish to.",

			AnnounceUsage:   "Usage: /announce text",
			AnnounceQueued:  "Announcement queued: it goes out after broadcast #%d.",
			BroadcastNone:   "Nothing to send: no subscriber has a due article or announcement.",
			BroadcastFailed: "The broadcast could not start; see the log.",
			ReloadFailed:    "Reading the seeds folder failed; see the log.",
			Progress:        "Broadcast #%d to %d chats: running for %s\n%s",
			Summary:         "Broadcast #%d to %d chats: done in %s\n%s",
			Running:         "A broadcast is already running.\n",
			Counts:          "sent %d, failed %d, deactivated %d, pending %d, unknown %d",
			Stats: "Subscribers: %s\nArticles: %d\nDeliveries: %s\nAnnouncements waiting: %d\n" +
				"Last broadcast: %s",
			StatsNoBroadcast: "none",
			Kinds:            " (private %d, groups %d, channels %d)",
			Channels:         "Channels:",
			Members:          "%d members",
			MembersUnknown:   "members unknown",
			Reload:           "Seeds: %d files, %d new articles, %d changed, %d refused.",
			SeedsScanning:    "Seeds: scanning, %d files seen%s, %d parsed, %d stored, for %s",
			SeedsOf:          " of about %d",
			SeedsDone:        "Seeds: %d files, %d outside the horizon, %d refused; scanned %s ago in %s",
			SeedsNone:        "Seeds: not scanned yet",
		}
	case langZHHant:
		return catalog{
			ReadArticle:       "閱讀原文",
			FullTextButton:    "全文",
			InstantView:       "⚡ 即時預覽",
			ArticleNotFound:   "抱歉，找不到這篇文章。傳送 /latest 查看最新文章。",
			FullTextLater:     "請求太頻繁了，請過一分鐘再試。",
			SubscribeOffer:    "傳送 /subscribe 訂閱新文章。",
			Welcome:           "歡迎！本機器人會把新聞文章的摘要推送給你。",
			Subscribed:        "已訂閱：新文章會傳到這裡。",
			AlreadySubscribed: "已經訂閱了。",
			Unsubscribed:      "已取消訂閱：不會再收到文章。傳送 /subscribe 即可重新訂閱。",
			NotSubscribed:     "尚未訂閱。",
			GroupAdminsOnly:   "只有群組管理員可以為本群組訂閱或取消訂閱。",
			Hint:              "我只看得懂指令。傳送 /help 查看指令列表。",
			NoArticles:        "目前還沒有文章。",
			NoChosenArticles:  "你選擇的來源目前還沒有文章。傳送 /sources 可以更改選擇。",
			LatestUsage:       "用法：/latest 或 /latest n（n 為 1 到 5）。",
			TryLater:          "現在傳送不了，請過一分鐘再試。",
			NotAllowed:        "你沒有權限使用這個指令。",
			Failed:            "出了點問題，請稍後再試。",

			Sources:      "選擇要接收的來源：點一下即可開啟或關閉。數字是最近一週的文章數。",
			SourcesOf:    "%s 接收的來源：點一下即可開啟或關閉。數字是最近一週的文章數。",
			SourcesNew:   "選擇之後新增的來源：%s。",
			SourcesAll:   "全部來源（含日後新增的）",
			SourceOn:     "已開啟 %s",
			SourceOff:    "已關閉 %s",
			SourcesEvery: "接收全部來源，含日後新增的。",
			PickOne:      "請至少選擇一個來源。",
			Stale:        "這個按鈕已經過期，已換成最新的選項。",
			BadButton:    "這個按鈕無效。",
			AdminsOnly:   "只有群組管理員可以更改。",
			Lang:         "我回覆時使用的語言：",
			LangOf:       "%s 使用的語言：",
			LangSet:      "之後會以繁體中文回覆。",

			AddChannelUsage:    "用法：/addchannel @頻道，或頻道的數字 ID（-100…）。",
			RemoveChannelUsage: "用法：/removechannel @頻道，或頻道的數字 ID（-100…）。",
			ChannelNotFound:    "找不到頻道 %s。公開頻道請寫 @名稱；私人頻道請先把我設為管理員，再提供它的數字 ID（-100…）。",
			NotAChannel:        "%s 不是頻道。",
			ChannelNotAdmin:    "我還不是 %s 的管理員。請在頻道設定中把我加為管理員，並開啟「發布訊息」（Post messages）權限，然後再試一次。",
			ChannelNoPost:      "我是 %s 的管理員，但沒有發文權限。請在我的管理員權限中開啟「發布訊息」（Post messages），然後再試一次。",
			ChannelAdded:       "已加入 %s（ID %d）：從現在起新文章會發到那裡，不補發舊文章。用 /sources %s 選擇它的來源。",
			ChannelAlready:     "%s 已經在接收文章了。",
			ChannelRemoved:     "%s 不會再收到文章。",
			NotOurChannel:      "%s 不是我發布文章的頻道。",

			AnnounceUsage:   "用法：/announce 文字",
			AnnounceQueued:  "公告已排入佇列：會在第 %d 次推送結束後發出。",
			BroadcastNone:   "沒有要傳送的內容：沒有訂閱者有待發的文章或公告。",
			BroadcastFailed: "推送無法開始，請查看日誌。",
			ReloadFailed:    "讀取種子資料夾失敗，請查看日誌。",
			Progress:        "第 %d 次推送，共 %d 個聊天：已進行 %s\n%s",
			Summary:         "第 %d 次推送，共 %d 個聊天：已完成，耗時 %s\n%s",
			Running:         "已有推送正在進行。\n",
			Counts:          "已傳送 %d，失敗 %d，已停用 %d，待傳送 %d，結果不明 %d",
			Stats: "訂閱者：%s\n文章：%d\n投遞：%s\n待發公告：%d\n" +
				"上次推送：%s",
			StatsNoBroadcast: "無",
			Kinds:            "（私人聊天 %d，群組 %d，頻道 %d）",
			Channels:         "頻道：",
			Members:          "%d 位成員",
			MembersUnknown:   "成員數不明",
			Reload:           "種子：%d 個檔案，新文章 %d 篇，更新 %d 篇，拒收 %d 個。",
			SeedsScanning:    "種子：掃描中，已看過 %d 個檔案%s，解析 %d 個，存入 %d 篇，已進行 %s",
			SeedsOf:          "（共約 %d 個）",
			SeedsDone:        "種子：%d 個檔案，%d 個超出時限，拒收 %d 個；%s前掃描，用時 %s",
			SeedsNone:        "種子：尚未掃描",
		}
	}
	return catalog{
		ReadArticle:       "阅读原文",
		FullTextButton:    "全文",
		InstantView:       "⚡ 即时预览",
		ArticleNotFound:   "抱歉，没有找到这篇文章。发送 /latest 查看最新文章。",
		FullTextLater:     "请求太频繁了，请一分钟后再试。",
		SubscribeOffer:    "发送 /subscribe 订阅新文章。",
		Welcome:           "欢迎！本机器人会把新闻文章的摘要推送给你。",
		Subscribed:        "已订阅：新文章会发到这里。",
		AlreadySubscribed: "已经订阅了。",
		Unsubscribed:      "已退订：不会再收到文章。发送 /subscribe 可重新订阅。",
		NotSubscribed:     "尚未订阅。",
		GroupAdminsOnly:   "只有群管理员可以为本群订阅或退订。",
		Hint:              "我只懂命令。发送 /help 查看命令列表。",
		NoArticles:        "还没有文章。",
		NoChosenArticles:  "你选择的来源还没有文章。发送 /sources 可更改选择。",
		LatestUsage:       "用法：/latest 或 /latest n（n 为 1 到 5）。",
		TryLater:          "现在发送不了，请一分钟后再试。",
		NotAllowed:        "无权执行此命令。",
		Failed:            "出错了，请稍后再试。",

		Sources:      "选择要接收的来源：点按即可打开或关闭。数字是最近一周的文章数。",
		SourcesOf:    "%s 接收的来源：点按即可打开或关闭。数字是最近一周的文章数。",
		SourcesNew:   "选择之后新增的来源：%s。",
		SourcesAll:   "全部来源（包括以后新增的）",
		SourceOn:     "已打开 %s",
		SourceOff:    "已关闭 %s",
		SourcesEvery: "接收全部来源，包括以后新增的。",
		PickOne:      "请至少选择一个来源。",
		Stale:        "这个键盘已过期，已换成最新的。",
		BadButton:    "这个按钮无效。",
		AdminsOnly:   "只有群管理员可以更改。",
		Lang:         "我回复时使用的语言：",
		LangOf:       "%s 使用的语言：",
		LangSet:      "以后用简体中文回复。",

		AddChannelUsage:    "用法：/addchannel @频道，或频道的数字 ID（-100…）。",
		RemoveChannelUsage: "用法：/removechannel @频道，或频道的数字 ID（-100…）。",
		ChannelNotFound:    "找不到频道 %s。公开频道请写 @名称；私密频道请先把我设为管理员，再给出它的数字 ID（-100…）。",
		NotAChannel:        "%s 不是频道。",
		ChannelNotAdmin:    "我还不是 %s 的管理员。请在频道设置里把我添加为管理员，并打开“发布消息”（Post messages）权限，然后再试一次。",
		ChannelNoPost:      "我是 %s 的管理员，但没有发布权限。请在我的管理员权限里打开“发布消息”（Post messages），然后再试一次。",
		ChannelAdded:       "已添加 %s（ID %d）：从现在起新文章会发到那里，不补发旧文章。用 /sources %s 选择它的来源。",
		ChannelAlready:     "%s 已经在接收文章了。",
		ChannelRemoved:     "%s 不会再收到文章。",
		NotOurChannel:      "%s 不是我发布文章的频道。",

		AnnounceUsage:   "用法：/announce 文本",
		AnnounceQueued:  "公告已排队：将在第 %d 次推送结束后发出。",
		BroadcastNone:   "没有要发送的内容：没有订阅者有待发的文章或公告。",
		BroadcastFailed: "推送无法开始，请查看日志。",
		ReloadFailed:    "读取种子文件夹失败，请查看日志。",
		Progress:        "第 %d 次推送，共 %d 个聊天：已进行 %s\n%s",
		Summary:         "第 %d 次推送，共 %d 个聊天：完成，用时 %s\n%s",
		Running:         "已有推送正在进行。\n",
		Counts:          "已发送 %d，失败 %d，已停用 %d，待发 %d，结果未知 %d",
		Stats: "订阅者：%s\n文章：%d\n投递：%s\n待发公告：%d\n" +
			"上次推送：%s",
		StatsNoBroadcast: "无",
		Kinds:            "（私聊 %d，群组 %d，频道 %d）",
		Channels:         "频道：",
		Members:          "%d 位成员",
		MembersUnknown:   "成员数未知",
		Reload:           "种子：%d 个文件，新文章 %d 篇，更新 %d 篇，拒收 %d 个。",
		SeedsScanning:    "种子：扫描中，已看过 %d 个文件%s，解析 %d 个，存入 %d 篇，已进行 %s",
		SeedsOf:          "（共约 %d 个）",
		SeedsDone:        "种子：%d 个文件，%d 个超出时限，拒收 %d 个；%s前扫描，用时 %s",
		SeedsNone:        "种子：尚未扫描",
	}
}

// report is the text of a broadcast's report message: its progress while
// it runs, its summary once Finished is set.
func (c catalog) report(b state.Broadcast, now time.Time) string {
	counts := fmt.Sprintf(c.Counts, b.Sent, b.Failed, b.Deactivated, b.Pending+b.Sending, b.Unknown)
	if !b.Finished.IsZero() {
		return fmt.Sprintf(c.Summary, b.ID, b.Chats, b.Finished.Sub(b.Started).Round(time.Second), counts)
	}
	return fmt.Sprintf(c.Progress, b.ID, b.Chats, now.Sub(b.Started).Round(time.Second), counts)
}

// stats is the answer to /stats. members holds the channels' member
// counts, -1 for one Telegram did not give; with members nil the counts
// are not shown.
func (c catalog) stats(s state.Stats, members map[int64]int, now time.Time) string {
	var subs []string
	for st := state.Active; st <= state.NoRights; st++ {
		if n := s.Subscribers[st]; n > 0 || st == state.Active {
			sub := fmt.Sprintf("%s %d", st, n)
			if st == state.Active && s.Kinds != nil {
				sub += fmt.Sprintf(c.Kinds, s.Kinds[state.Private], s.Kinds[state.Group], s.Kinds[state.Channel])
			}
			subs = append(subs, sub)
		}
	}
	var dels []string
	for st := state.Pending; st <= state.Unknown; st++ {
		if n := s.Deliveries[st]; n > 0 {
			dels = append(dels, fmt.Sprintf("%s %d", st, n))
		}
	}
	if len(dels) == 0 {
		dels = []string{"0"}
	}
	last := c.StatsNoBroadcast
	if s.LastBroadcast != nil {
		last = c.report(*s.LastBroadcast, now)
	}
	text := fmt.Sprintf(c.Stats, strings.Join(subs, ", "), s.Articles, strings.Join(dels, ", "), s.Announcements, last)
	if len(s.Channels) > 0 {
		text += "\n" + c.Channels
		for _, ch := range s.Channels {
			text += "\n" + c.channelLine(ch, members)
		}
	}
	return text
}

// seeds is the line of /stats about the seeds folder: how far the running
// scan got, or what the last one found (files, those outside the horizon,
// those refused by reason, when and how long).
func (c catalog) seeds(p ingest.Progress, now time.Time) string {
	switch {
	case p.Running:
		of := ""
		if p.Expect > 0 {
			of = fmt.Sprintf(c.SeedsOf, p.Expect)
		}
		return fmt.Sprintf(c.SeedsScanning, p.Seen, of, p.Parsed, p.Stored, now.Sub(p.Started).Round(time.Second))
	case p.Last == nil:
		return c.SeedsNone
	}
	r := p.Last
	var refused []string
	for _, why := range slices.Sorted(maps.Keys(r.RefusedBy)) {
		refused = append(refused, fmt.Sprintf("%s %d", why, r.RefusedBy[why]))
	}
	line := fmt.Sprintf(c.SeedsDone, r.Files, r.Old, r.RefusedTotal(), now.Sub(r.Started).Round(time.Second),
		r.Took.Round(time.Millisecond))
	if len(refused) > 0 {
		line += " (" + strings.Join(refused, ", ") + ")"
	}
	return line
}

// channelLine is a channel in a list: its name, ID and status, and its
// member count when members is not nil.
func (c catalog) channelLine(ch state.Subscriber, members map[int64]int) string {
	line := fmt.Sprintf("%s (%d) %s", channelName(ch), ch.Chat, ch.Status)
	if members == nil {
		return line
	}
	if n, ok := members[ch.Chat]; ok && n >= 0 {
		return line + ", " + fmt.Sprintf(c.Members, n)
	}
	return line + ", " + c.MembersUnknown
}

// reload is the answer to /reload.
func (c catalog) reload(r ingest.ScanResult) string {
	return fmt.Sprintf(c.Reload, r.Files, r.Added, r.Changed, len(r.Refused))
}

// ReportText is the text of a broadcast's report in lang ("zh", "zh-Hant"
// or LangEN): its progress while it runs, its summary once Finished is
// set; for printing a broadcast from the shell.
func ReportText(b state.Broadcast, lang string, now time.Time) string {
	return catalogFor(lang).report(b, now)
}

// StatsText is the answer to /stats in lang, for printing from the shell:
// the channels without their member counts (see ChannelsText).
func StatsText(s state.Stats, lang string, now time.Time) string {
	return catalogFor(lang).stats(s, nil, now)
}

// SeedsText is /stats's line on the seeds folder in lang, for printing
// from the shell: how far the running scan got, or what the last one
// found.
func SeedsText(p ingest.Progress, lang string, now time.Time) string {
	return catalogFor(lang).seeds(p, now)
}
