package bot

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/state"
)

// Limits on what Telegram accepts, in UTF-16 code units of the text that
// remains after entity parsing.
const (
	// captionLimit is the longest photo caption.
	captionLimit = 1024
	// textLimit is the longest text message.
	textLimit = 4096
)

// Languages a reader can get; every other language code falls back to
// langZH.
const (
	langZH     = "zh"
	langZHHant = "zh-Hant" // Traditional Chinese: Taiwan, Hong Kong, Macao
	LangEN     = "en"
)

// parseModeHTML is the parse mode of every HTML string this package renders.
const parseModeHTML = "HTML"

// ellipsis marks a cut: one UTF-16 unit.
const ellipsis = "…"

// langOf picks the reply language for a Telegram language_code: LangEN when
// it names English ("en", "en-GB"), langZHHant when it names Traditional
// Chinese ("zh-Hant", "zh-TW", "zh-HK", "zh-MO"), else langZH.
func langOf(languageCode string) string {
	code := strings.ReplaceAll(strings.ToLower(languageCode), "_", "-")
	switch {
	case code == "en" || strings.HasPrefix(code, "en-"):
		return LangEN
	case !strings.HasPrefix(code, "zh-"), strings.Contains(code, "-hans"):
		return langZH
	}
	for _, sub := range strings.Split(code, "-")[1:] {
		switch sub {
		case "hant", "tw", "hk", "mo":
			return langZHHant
		}
	}
	return langZH
}

// Text that is not UTF-8 (content never yields any) is rendered with U+FFFD
// in place of the invalid bytes, so that Telegram accepts it.

// articleLinks are what an article's message links to besides the
// original article: the full text in Telegram and the Instant View page.
type articleLinks struct {
	// fullText is the deep link that asks the bot for the full text
	// (fullTextLink), "" for none.
	fullText string
	// page is the URL of the article's Telegraph page, "" for none.
	page string
}

// fullTextLink is the deep link that opens the bot called username with
// "/start <the article's ShortID>" (see Bot.fullText); "" without a
// username. It works from private chats, groups and channels alike.
func fullTextLink(username, articleID string) string {
	if username == "" {
		return ""
	}
	return "https://t.me/" + username + "?start=" + state.ShortID(articleID)
}

// articleMarkup is the inline keyboard of an article's message: the
// full-text button, and the Instant View button when the article has a
// page, in one row. It reports false when there is no button.
func articleMarkup(lang string, ln articleLinks) (tgbotapi.InlineKeyboardMarkup, bool) {
	c := catalogFor(lang)
	var row []tgbotapi.InlineKeyboardButton
	if ln.fullText != "" {
		row = append(row, tgbotapi.NewInlineKeyboardButtonURL(c.FullTextButton, ln.fullText))
	}
	if ln.page != "" {
		row = append(row, tgbotapi.NewInlineKeyboardButtonURL(c.InstantView, ln.page))
	}
	if len(row) == 0 {
		return tgbotapi.InlineKeyboardMarkup{}, false
	}
	return tgbotapi.NewInlineKeyboardMarkup(row), true
}

// renderCaption renders an article as the HTML caption of a sendPhoto: the
// headline in bold, the lead, then the date, the source, a link to the
// article and, when page is not "", a link to its Instant View page, in at
// most captionLimit units after entity parsing. lang is langZH, langZHHant
// or LangEN (see langOf); it sets the date's form and the links' words.
func renderCaption(a content.Article, lang, page string) string {
	return renderArticle(a, lang, page, captionLimit, true)
}

// renderText renders an article as the HTML text of a sendMessage, for an
// article without a usable photo: the same parts as renderCaption in at most
// textLimit units.
func renderText(a content.Article, lang, page string) string {
	return renderArticle(a, lang, page, textLimit, true)
}

// renderPlain renders an article as plain text, to be sent without a parse
// mode when Telegram refuses the HTML form: the same parts, the links
// written out as URLs, in at most limit UTF-16 units (captionLimit or
// textLimit).
func renderPlain(a content.Article, lang, page string, limit int) string {
	return renderArticle(a, lang, page, limit, false)
}

// articlePhoto is the sendPhoto of an article to a chat: photo (a
// tgbotapi.FileURL, FileID or FileBytes) with renderCaption's caption and
// articleMarkup's buttons.
func articlePhoto(chatID int64, a content.Article, lang string, ln articleLinks, photo tgbotapi.RequestFileData) tgbotapi.PhotoConfig {
	p := tgbotapi.NewPhoto(chatID, photo)
	p.Caption, p.ParseMode = renderCaption(a, lang, ln.page), parseModeHTML
	if kb, ok := articleMarkup(lang, ln); ok {
		p.ReplyMarkup = kb
	}
	return p
}

// articleText is the sendMessage of an article without a usable photo:
// renderText's text, the article's link previewed, articleMarkup's buttons.
func articleText(chatID int64, a content.Article, lang string, ln articleLinks) tgbotapi.MessageConfig {
	m := tgbotapi.NewMessage(chatID, renderText(a, lang, ln.page))
	m.ParseMode = parseModeHTML
	if kb, ok := articleMarkup(lang, ln); ok {
		m.ReplyMarkup = kb
	}
	return m
}

// articlePlain is the sendMessage to fall back on when Telegram refuses the
// HTML of articlePhoto or articleText (an *telegram.Error of telegram.ClassBadRequest): the
// plain form, without a parse mode, with the same buttons.
func articlePlain(chatID int64, a content.Article, lang string, ln articleLinks) tgbotapi.MessageConfig {
	m := tgbotapi.NewMessage(chatID, renderPlain(a, lang, ln.page, textLimit))
	if kb, ok := articleMarkup(lang, ln); ok {
		m.ReplyMarkup = kb
	}
	return m
}

// renderAnnouncement renders an admin's announcement as HTML: the text
// escaped, cut with "…" to textLimit units when it is longer.
func renderAnnouncement(text string) string {
	return escape(plainAnnouncement(text))
}

// plainAnnouncement is an admin's text as Telegram takes it without a parse
// mode: valid UTF-8, trimmed, cut with "…" to textLimit units.
func plainAnnouncement(text string) string {
	text = strings.TrimSpace(strings.ToValidUTF8(text, "\uFFFD"))
	if utf16Len(text) > textLimit {
		text = cutText(text, textLimit, false)
	}
	return text
}

// piece is one part of a message: what the reader sees and its markup.
type piece struct {
	plain, html string
}

func renderArticle(a content.Article, lang, page string, limit int, asHTML bool) string {
	a.Headline = strings.ToValidUTF8(a.Headline, "\uFFFD")
	a.Lead = strings.ToValidUTF8(a.Lead, "\uFFFD")
	a.Source = strings.ToValidUTF8(a.Source, "\uFFFD")
	a.URL = strings.ToValidUTF8(a.URL, "\uFFFD")
	headline := strings.TrimSpace(a.Headline)
	lead := strings.TrimSpace(a.Lead)
	tail := footer(a, lang, strings.ToValidUTF8(page, "\uFFFD"), asHTML)

	// The footer is kept whole when it fits in half the message; else (an
	// absurd source name or URL) it is dropped, the headline goes first.
	tailCost := 0
	if tail.plain != "" {
		tailCost = utf16Len(tail.plain) + 2 // "\n\n" before it
		if tailCost > limit/2 {
			tail, tailCost = piece{}, 0
		}
	}
	if utf16Len(headline) > limit-tailCost {
		headline = cutText(headline, limit-tailCost, false)
	}
	budget := limit - tailCost - utf16Len(headline) - 2 // "\n\n" before the lead
	if utf16Len(lead) > budget {
		lead = cutText(lead, budget, true)
	}

	var b strings.Builder
	if asHTML {
		b.WriteString("<b>" + escape(headline) + "</b>")
	} else {
		b.WriteString(headline)
	}
	if lead != "" {
		b.WriteString("\n\n")
		if asHTML {
			b.WriteString(escape(lead))
		} else {
			b.WriteString(lead)
		}
	}
	if tail.plain != "" {
		b.WriteString("\n\n")
		if asHTML {
			b.WriteString(tail.html)
		} else {
			b.WriteString(tail.plain)
		}
	}
	return b.String()
}

// footer is the line after the lead: date · source · link, and the link to
// the Instant View page when page is not "".
func footer(a content.Article, lang, page string, asHTML bool) piece {
	meta := metaLine(a, lang)
	c := catalogFor(lang)
	var p piece
	switch {
	case a.URL == "":
		p = piece{plain: meta, html: escape(meta)}
	case !asHTML:
		p.plain = join(meta, a.URL)
		p.html = p.plain
	default:
		p.plain = join(meta, c.ReadArticle)
		p.html = join(escape(meta), `<a href="`+escape(a.URL)+`">`+escape(c.ReadArticle)+"</a>")
	}
	switch {
	case page == "":
	case !asHTML:
		p.plain = join(p.plain, c.InstantView+" "+page)
		p.html = p.plain
	default:
		p.plain = join(p.plain, c.InstantView)
		p.html = join(p.html, `<a href="`+escape(page)+`">`+escape(c.InstantView)+"</a>")
	}
	return p
}

// metaLine is an article's date and source: "2023年4月7日 · 美国之音".
func metaLine(a content.Article, lang string) string {
	var parts []string
	when := a.Published
	if when.IsZero() {
		when = a.FeedTime
	}
	if !when.IsZero() {
		if lang == LangEN {
			parts = append(parts, fmt.Sprintf("%d %s %d", when.Day(), when.Month().String()[:3], when.Year()))
		} else {
			parts = append(parts, fmt.Sprintf("%d年%d月%d日", when.Year(), int(when.Month()), when.Day()))
		}
	}
	if src := strings.TrimSpace(a.Source); src != "" {
		parts = append(parts, src)
	}
	return strings.Join(parts, " · ")
}

func join(a, b string) string {
	if a == "" {
		return b
	}
	return a + " · " + b
}

// escape escapes text for Telegram's HTML, in text and in attribute values:
// the named entities Telegram knows, for &, <, > and ".
func escape(s string) string {
	if !strings.ContainsAny(s, `&<>"`) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 16)
	for _, r := range s {
		switch r {
		case '&':
			b.WriteString("&amp;")
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '"':
			b.WriteString("&quot;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// utf16Len is the length of s in UTF-16 code units.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// cutText shortens s to at most max UTF-16 units, "…" included. With
// sentences, it ends at the last sentence end that fits when there is one in
// the second half of the budget; else it ends at the last space that fits, or
// between two characters. It never splits a surrogate pair or a user-perceived
// character (emoji with modifiers, ZWJ sequences, flags, combining marks). It
// returns "" when not even one character and "…" fit.
func cutText(s string, max int, sentences bool) string {
	room := max - utf16Len(ellipsis)
	if room <= 0 {
		return ""
	}
	// end is the largest byte offset whose prefix fits in room units.
	end, units := 0, 0
	for i, r := range s {
		n := utf16.RuneLen(r)
		if units+n > room {
			break
		}
		units += n
		end = i + utf8.RuneLen(r)
	}
	end = clusterStart(s, end)
	if end == 0 {
		return ""
	}
	if sentences {
		if cut := lastSentenceEnd(s, end); cut > 0 && utf16Len(s[:cut]) >= room/2 {
			return strings.TrimRightFunc(s[:cut], unicode.IsSpace) + ellipsis
		}
	}
	if sp := strings.LastIndexFunc(s[:end], unicode.IsSpace); sp > 0 && utf16Len(s[:sp]) >= room*2/3 {
		end = sp
	}
	prefix := strings.TrimRightFunc(s[:end], unicode.IsSpace)
	if prefix == "" {
		return ""
	}
	return prefix + ellipsis
}

// lastSentenceEnd is the byte offset just after the last sentence end within
// s[:limit] (。！？ or .!?, then any closing quotes), judged with what follows
// in s, or 0. A Latin stop counts only before a space and not before a lowercase
// word, nor after an initial, so "3.5", "U.S. said" and "U.S. Army" don't end
// a sentence.
func lastSentenceEnd(s string, limit int) int {
	best := 0
	for i, r := range s[:limit] {
		if !isStop(r) {
			continue
		}
		j := i + utf8.RuneLen(r)
		for j < len(s) {
			q, n := utf8.DecodeRuneInString(s[j:])
			if !isClosing(q) && !isStop(q) {
				break
			}
			j += n
		}
		if j > limit {
			break
		}
		if r < utf8.RuneSelf && j < len(s) {
			next, _ := utf8.DecodeRuneInString(s[j:])
			if !unicode.IsSpace(next) {
				continue
			}
			after := strings.TrimLeftFunc(s[j:], unicode.IsSpace)
			if first, _ := utf8.DecodeRuneInString(after); unicode.IsLower(first) {
				continue // "U.S. said", "approx. five"
			}
			if r == '.' && i >= 2 && s[i-2] == '.' {
				continue // "the U.S. Army"
			}
		}
		best = j
	}
	return best
}

func isStop(r rune) bool {
	switch r {
	case '。', '！', '？', '.', '!', '?':
		return true
	}
	return false
}

func isClosing(r rune) bool {
	switch r {
	case '”', '’', '」', '』', '"', '\'', '）', ')', '》':
		return true
	}
	return false
}

// clusterStart moves a cut at byte offset end back until it falls between
// two user-perceived characters.
func clusterStart(s string, end int) int {
	for end > 0 && end < len(s) {
		next, _ := utf8.DecodeRuneInString(s[end:])
		prev, _ := utf8.DecodeLastRuneInString(s[:end])
		switch {
		case isExtender(next), prev == '\u200d':
		case isRegional(next) && isRegional(prev) && regionalRun(s[:end])%2 == 1:
		default:
			return end
		}
		_, n := utf8.DecodeLastRuneInString(s[:end])
		end -= n
	}
	return end
}

// isExtender reports whether r attaches to the character before it.
func isExtender(r rune) bool {
	return r == '\u200d' || // zero width joiner
		(r >= 0xfe00 && r <= 0xfe0f) || // variation selectors
		(r >= 0x1f3fb && r <= 0x1f3ff) || // skin tones
		(r >= 0xe0020 && r <= 0xe007f) || // tags
		unicode.In(r, unicode.Mn, unicode.Me)
}

func isRegional(r rune) bool { return r >= 0x1f1e6 && r <= 0x1f1ff }

// regionalRun counts the regional indicators that end s.
func regionalRun(s string) int {
	n := 0
	for len(s) > 0 {
		r, size := utf8.DecodeLastRuneInString(s)
		if !isRegional(r) {
			break
		}
		n++
		s = s[:len(s)-size]
	}
	return n
}
