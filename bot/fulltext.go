package bot

import (
	"context"
	"errors"
	"html"
	"log/slog"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/state"
)

// defaultFullTextsPerMinute is how many full texts one chat gets in a
// minute by default.
const defaultFullTextsPerMinute = 3

// A fullText is an article's whole text as the bot sends it into a private
// chat: the photo with the headline, date, outlet and the photo's caption,
// then the paragraphs in messages of at most textLimit units, the link to
// the original at the end.
type fullText struct {
	// photo are the photo's URLs, the best first; none: no photo message.
	photo []string
	// caption is the photo's caption; header the headline, date and outlet
	// alone, sent as text when no photo URL works.
	caption, header fullMessage
	// texts are the text messages, in order.
	texts []fullMessage
}

// A fullMessage is one message of a full text, in its HTML form and its
// plain form (links written out), the fallback when Telegram refuses the
// HTML.
type fullMessage struct {
	html, plain string
}

// part is a piece of a full text's message: what the reader sees, its HTML
// and its plain form.
type part struct {
	visible, html, plain string
}

func plainPart(s string) part { return part{visible: s, html: escape(s), plain: s} }

// renderFullText renders a as the full text in lang; offer adds the
// one-line invitation to subscribe at the end.
func renderFullText(a content.Article, lang string, offer bool) fullText {
	c := catalogFor(lang)
	headline := clean(a.Headline)
	if headline == "" {
		headline = clean(a.URL)
	}
	meta := metaLine(content.Article{Published: a.Published, FeedTime: a.FeedTime, Source: clean(a.Source)}, lang)
	// header is the headline in bold and, on the next line, the date and
	// outlet, in at most limit units; an absurd outlet name is left out.
	header := func(limit int) part {
		m := meta
		if utf16Len(m) > limit/2 {
			m = ""
		}
		switch {
		case headline == "":
			return plainPart(m)
		case m == "":
			return plainBold(cutTo(headline, limit))
		}
		h := cutTo(headline, limit-utf16Len(m)-1) // "\n" before the date
		return part{visible: h + "\n" + m, html: "<b>" + escape(h) + "</b>\n" + escape(m), plain: h + "\n" + m}
	}

	var ft fullText
	var parts []part
	if a.Photo != nil && webURL(a.Photo.URL) != "" {
		for _, u := range append([]string{a.Photo.URL}, a.Photo.Fallbacks...) {
			if webURL(u) != "" {
				ft.photo = append(ft.photo, u)
			}
		}
		head := header(captionLimit / 2)
		ft.header = firstOf(pack([]part{head}, textLimit))
		capParts := []part{head}
		if pc := clean(a.Photo.Caption); pc != "" {
			if room := captionLimit - utf16Len(head.visible) - 2; room > 0 {
				if pc = cutTo(pc, room); pc != "" {
					capParts = append(capParts, part{visible: pc, html: "<i>" + escape(pc) + "</i>", plain: pc})
				}
			}
		}
		ft.caption = firstOf(pack(capParts, captionLimit))
	} else {
		parts = append(parts, header(textLimit/2))
	}

	paragraphs := a.Paragraphs
	if len(paragraphs) == 0 && strings.TrimSpace(a.Lead) != "" {
		paragraphs = []string{a.Lead}
	}
	for _, p := range paragraphs {
		for _, piece := range splitText(clean(p), textLimit) {
			parts = append(parts, plainPart(piece))
		}
	}
	if u := clean(a.URL); u != "" {
		parts = append(parts, part{
			visible: c.ReadArticle,
			html:    `<a href="` + escape(u) + `">` + escape(c.ReadArticle) + "</a>",
			plain:   c.ReadArticle + ": " + u,
		})
	}
	if offer {
		parts = append(parts, plainPart(c.SubscribeOffer))
	}
	ft.texts = pack(parts, textLimit)
	return ft
}

// firstOf is the first of msgs, the zero fullMessage (which is not sent)
// when there is none.
func firstOf(msgs []fullMessage) fullMessage {
	if len(msgs) == 0 {
		return fullMessage{}
	}
	return msgs[0]
}

func plainBold(s string) part {
	return part{visible: s, html: "<b>" + escape(s) + "</b>", plain: s}
}

// cutTo is s when it fits in limit units, else s cut at a sentence end or
// a space with "…".
func cutTo(s string, limit int) string {
	if utf16Len(s) <= limit {
		return s
	}
	return cutText(s, limit, true)
}

// pack puts parts into messages of at most limit units of visible text,
// separated by a blank line, in order; a part is never split (splitText
// makes parts that fit). A plain form longer than limit (a long link
// written out) is cut.
func pack(parts []part, limit int) []fullMessage {
	var (
		out         []fullMessage
		vis         int
		html, plain []string
	)
	flush := func() {
		if len(html) == 0 {
			return
		}
		p := strings.Join(plain, "\n\n")
		if utf16Len(p) > limit {
			p = cutText(p, limit, false)
		}
		out = append(out, fullMessage{html: strings.Join(html, "\n\n"), plain: p})
		html, plain, vis = nil, nil, 0
	}
	for _, p := range parts {
		if p.visible == "" {
			continue
		}
		n := utf16Len(p.visible)
		if len(html) > 0 && vis+2+n > limit {
			flush()
		}
		if len(html) > 0 {
			vis += 2
		}
		vis += n
		html, plain = append(html, p.html), append(plain, p.plain)
	}
	flush()
	return out
}

// splitText cuts s into pieces of at most limit UTF-16 units, in order and
// losing nothing but the white space at the cuts: at the last sentence end
// that leaves a piece of at least half the limit, else at the last space
// that leaves two thirds, else between two characters.
func splitText(s string, limit int) []string {
	var out []string
	for utf16Len(s) > limit {
		end, units := 0, 0
		for i, r := range s {
			n := utf16.RuneLen(r)
			if units+n > limit {
				break
			}
			units += n
			end = i + utf8.RuneLen(r)
		}
		if e := clusterStart(s, end); e > 0 {
			end = e // else a cluster longer than the limit: cut inside it
		}
		cut := end
		if se := lastSentenceEnd(s, end); se > 0 && utf16Len(s[:se]) >= limit/2 {
			cut = se
		} else if sp := strings.LastIndexFunc(s[:end], unicode.IsSpace); sp > 0 && utf16Len(s[:sp]) >= limit*2/3 {
			cut = sp
		}
		if piece := strings.TrimRightFunc(s[:cut], unicode.IsSpace); piece != "" {
			out = append(out, piece)
		}
		s = strings.TrimLeftFunc(s[cut:], unicode.IsSpace)
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}

// fullText answers "/start <payload>" in a private chat, the payload being
// an article's ShortID (from its full-text button): the article's full text,
// paced as answers, with an invitation to subscribe when the chat is not
// subscribed; it subscribes no one. An unknown payload gets "article not
// found", a chat over its full texts a minute a request to wait.
func (b *Bot) fullText(ctx context.Context, r request) {
	c := catalogFor(r.lang)
	sa, err := b.store.ArticleByShortID(r.args)
	if errors.Is(err, state.ErrNotFound) {
		b.out.reply(ctx, r.chat, c.ArticleNotFound)
		return
	}
	var a content.Article
	if err == nil {
		a, err = ingest.DecodeArticle(sa)
	}
	if err != nil {
		b.log.Error("bot: full text", slog.String("payload", r.args), slog.Any("err", err))
		b.out.reply(ctx, r.chat, c.Failed)
		return
	}
	if !b.full.allow(r.chat, time.Now()) {
		b.log.Debug("bot: full text throttled", slog.Int64("chat_id", r.chat), slog.String("article_id", a.ID))
		b.out.reply(ctx, r.chat, c.FullTextLater)
		return
	}
	sub, err := b.store.Subscriber(r.chat)
	offer := err != nil || sub.Status != state.Active
	if err := b.out.fullText(readerLane(ctx), r.chat, renderFullText(a, r.lang, offer)); err != nil && ctx.Err() == nil {
		b.log.Warn("bot: full text failed", slog.Int64("chat_id", r.chat), slog.String("article_id", a.ID), slog.Any("err", err))
	}
}

// fullText sends ft into chat: the photo with its caption (the next URL
// when Telegram can't fetch one; the header as text when none works), then
// the text messages, without link previews; each in its plain form when
// Telegram refuses the HTML. It stops at the first other error and returns
// it (see send).
func (o *outbox) fullText(l lane, chat int64, ft fullText) error {
	photoSent := len(ft.photo) == 0
	for _, u := range ft.photo {
		p := tgbotapi.NewPhoto(chat, tgbotapi.FileURL(u))
		p.Caption, p.ParseMode = ft.caption.html, parseModeHTML
		_, err := o.send(l, chat, p)
		switch telegram.ClassOf(err) {
		case telegram.ClassNone:
			photoSent = true
		case telegram.ClassBadPhoto:
			continue
		case telegram.ClassBadRequest:
			o.log.Error("bot: Telegram refused a full text's caption", slog.Int64("chat_id", chat), slog.Any("err", err))
		default:
			return err
		}
		break
	}
	texts := ft.texts
	if !photoSent {
		texts = append([]fullMessage{ft.header}, texts...)
	}
	for _, m := range texts {
		if m.html == "" {
			continue
		}
		t := tgbotapi.NewMessage(chat, m.html)
		t.ParseMode, t.DisableWebPagePreview = parseModeHTML, true
		_, err := o.send(l, chat, t)
		if telegram.ClassOf(err) == telegram.ClassBadRequest {
			o.log.Error("bot: Telegram refused a full text's HTML; sending the plain form", slog.Int64("chat_id", chat), slog.Any("err", err))
			t = tgbotapi.NewMessage(chat, m.plain)
			t.DisableWebPagePreview = true
			_, err = o.send(l, chat, t)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// A Message is one message of the bot's, as a reader gets it.
type Message struct {
	// Method is "sendPhoto" or "sendMessage".
	Method string `json:"method"`
	// Photo is the photo's URL, for a sendPhoto.
	Photo string `json:"photo,omitempty"`
	// HTML is the text or the caption as sent, in Telegram's HTML.
	HTML string `json:"html"`
	// Text is what the reader sees: HTML's text, without the markup.
	Text string `json:"text"`
	// Buttons are the inline keyboard's URL buttons, in order.
	Buttons []Button `json:"buttons,omitempty"`
}

// A Button is a URL button of a message's inline keyboard.
type Button struct {
	Text string `json:"text"`
	URL  string `json:"url"`
}

// ArticleMessages renders a in lang as the bot sends it, for showing
// offline: summary is the message of a broadcast or /latest, with the
// full-text button of the bot called botUsername and, when pageURL is not
// "", the link and button of the article's Instant View page; fullText is
// the answer to the full-text button, as it comes to a reader who is not
// subscribed, the photo first when there is one. It returns no error: every
// article renders.
func ArticleMessages(a content.Article, lang, botUsername, pageURL string) (summary Message, fullText []Message) {
	ln := articleLinks{fullText: fullTextLink(botUsername, a.ID), page: pageURL}
	if a.Photo != nil && a.Photo.URL != "" {
		summary = newMessage("sendPhoto", a.Photo.URL, renderCaption(a, lang, pageURL))
	} else {
		summary = newMessage("sendMessage", "", renderText(a, lang, pageURL))
	}
	if kb, ok := articleMarkup(lang, ln); ok {
		for _, row := range kb.InlineKeyboard {
			for _, b := range row {
				summary.Buttons = append(summary.Buttons, Button{Text: b.Text, URL: *b.URL})
			}
		}
	}
	ft := renderFullText(a, lang, true)
	if len(ft.photo) > 0 {
		fullText = append(fullText, newMessage("sendPhoto", ft.photo[0], ft.caption.html))
	}
	for _, m := range ft.texts {
		fullText = append(fullText, newMessage("sendMessage", "", m.html))
	}
	return summary, fullText
}

func newMessage(method, photo, htmlText string) Message {
	return Message{Method: method, Photo: photo, HTML: htmlText, Text: visibleText(htmlText)}
}

// visibleText is what Telegram shows of the HTML this package renders: the
// text without its tags, the entities decoded. (Escaped text holds no "<"
// or ">", in attributes neither.)
func visibleText(s string) string {
	var b strings.Builder
	in := false
	for _, r := range s {
		switch {
		case r == '<':
			in = true
		case r == '>' && in:
			in = false
		case !in:
			b.WriteRune(r)
		}
	}
	return html.UnescapeString(b.String())
}
