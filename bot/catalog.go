package bot

import (
	"fmt"
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
	LatestUsage       string
	// TryLater answers a reader whose article could not be sent now.
	TryLater   string
	NotAllowed string
	Failed     string

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
	// Reload: files, added, changed, refused.
	Reload string
}

// catalogFor returns the strings of lang (langZH or LangEN; see lang).
func catalogFor(lang string) catalog {
	if lang == LangEN {
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
			LatestUsage:       "Usage: /latest or /latest n, with n from 1 to 5.",
			TryLater:          "Couldn't send it now. Please try again in a minute.",
			NotAllowed:        "Not allowed.",
			Failed:            "Something went wrong. Please try again later.",
			AnnounceUsage:     "Usage: /announce text",
			AnnounceQueued:    "Announcement queued: it goes out after broadcast #%d.",
			BroadcastNone:     "Nothing to send: no subscriber has a due article or announcement.",
			BroadcastFailed:   "The broadcast could not start; see the log.",
			ReloadFailed:      "Reading the seeds folder failed; see the log.",
			Progress:          "Broadcast #%d to %d chats: running for %s\n%s",
			Summary:           "Broadcast #%d to %d chats: done in %s\n%s",
			Running:           "A broadcast is already running.\n",
			Counts:            "sent %d, failed %d, deactivated %d, pending %d, unknown %d",
			Stats: "Subscribers: %s\nArticles: %d\nDeliveries: %s\nAnnouncements waiting: %d\n" +
				"Last broadcast: %s",
			StatsNoBroadcast: "none",
			Reload:           "Seeds: %d files, %d new articles, %d changed, %d refused.",
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
		LatestUsage:       "用法：/latest 或 /latest n（n 为 1 到 5）。",
		TryLater:          "现在发送不了，请一分钟后再试。",
		NotAllowed:        "无权执行此命令。",
		Failed:            "出错了，请稍后再试。",
		AnnounceUsage:     "用法：/announce 文本",
		AnnounceQueued:    "公告已排队：将在第 %d 次推送结束后发出。",
		BroadcastNone:     "没有要发送的内容：没有订阅者有待发的文章或公告。",
		BroadcastFailed:   "推送无法开始，请查看日志。",
		ReloadFailed:      "读取种子文件夹失败，请查看日志。",
		Progress:          "第 %d 次推送，共 %d 个聊天：已进行 %s\n%s",
		Summary:           "第 %d 次推送，共 %d 个聊天：完成，用时 %s\n%s",
		Running:           "已有推送正在进行。\n",
		Counts:            "已发送 %d，失败 %d，已停用 %d，待发 %d，结果未知 %d",
		Stats: "订阅者：%s\n文章：%d\n投递：%s\n待发公告：%d\n" +
			"上次推送：%s",
		StatsNoBroadcast: "无",
		Reload:           "种子：%d 个文件，新文章 %d 篇，更新 %d 篇，拒收 %d 个。",
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

// stats is the answer to /stats.
func (c catalog) stats(s state.Stats, now time.Time) string {
	var subs []string
	for st := state.Active; st <= state.Kicked; st++ {
		if n := s.Subscribers[st]; n > 0 || st == state.Active {
			subs = append(subs, fmt.Sprintf("%s %d", st, n))
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
	return fmt.Sprintf(c.Stats, strings.Join(subs, ", "), s.Articles, strings.Join(dels, ", "), s.Announcements, last)
}

// reload is the answer to /reload.
func (c catalog) reload(r ingest.ScanResult) string {
	return fmt.Sprintf(c.Reload, r.Files, r.Added, r.Changed, len(r.Refused))
}

// ReportText is the text of a broadcast's report in lang (langZH or
// LangEN): its progress while it runs, its summary once Finished is set;
// for printing a broadcast from the shell.
func ReportText(b state.Broadcast, lang string, now time.Time) string {
	return catalogFor(lang).report(b, now)
}

// StatsText is the answer to /stats in lang, for printing from the shell.
func StatsText(s state.Stats, lang string, now time.Time) string {
	return catalogFor(lang).stats(s, now)
}
