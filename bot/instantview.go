package bot

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"unicode/utf8"

	"github.com/newsbot/newsbot/bot/telegraph"
	"github.com/newsbot/newsbot/content"
)

// InstantViewPage is article a as a Telegraph page, which Telegram opens in
// Instant View: the headline as the title (cut to 256 characters), the
// outlet as the author, linked to the original article; the photo as a
// figure with its caption, every paragraph, and a last line that links to
// the original. Content over 64 KB is cut at a paragraph end, and the last
// line then starts with "…". lang (langZH or LangEN) is the page's
// language: one page serves every reader, so the bot passes its default,
// langZH. The page passes telegraph.ValidatePage for any article with a
// headline and an http(s) URL, as content.Parse makes them.
func InstantViewPage(a content.Article, lang string) telegraph.Page {
	return pageOf(a, lang, telegraph.MaxContentSize)
}

// InstantViewHash identifies what InstantViewPage published: the hash of
// the page's title, author and content. Kept beside the page's path, it
// tells a changed article (edit the page) from an unchanged one (leave it).
func InstantViewHash(p telegraph.Page) string {
	h := sha256.New()
	for _, s := range []string{p.Title, p.AuthorName, p.AuthorURL} {
		h.Write([]byte(s))
		h.Write([]byte{0})
	}
	b, _ := telegraph.EncodeContent(p.Content) // Nodes always encode
	h.Write(b)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// cutMark starts the last line of a page that was cut: the words are the
// catalogue's ReadArticle, as on an uncut page.
const cutMark = ellipsis + " "

// pageOf is InstantViewPage with at most budget bytes of content (as
// telegraph.ContentSize counts), so that a caller refused with
// CONTENT_TOO_BIG can try again with less.
func pageOf(a content.Article, lang string, budget int) telegraph.Page {
	p := telegraph.Page{
		Title:      cutRunes(clean(a.Headline), telegraph.MaxTitle),
		AuthorName: cutRunes(clean(a.Source), telegraph.MaxAuthorName),
	}
	if p.Title == "" {
		p.Title = cutRunes(a.URL, telegraph.MaxTitle)
	}
	link := webURL(a.URL)
	if utf8.RuneCountInString(link) <= telegraph.MaxAuthorURL {
		p.AuthorURL = link
	}

	var figure *telegraph.Node
	if a.Photo != nil && webURL(a.Photo.URL) != "" {
		fig := telegraph.Elem("figure", telegraph.Image(a.Photo.URL))
		if c := clean(a.Photo.Caption); c != "" {
			fig.Children = append(fig.Children, telegraph.Elem("figcaption", telegraph.Text(c)))
		}
		figure = &fig
	}
	var body []telegraph.Node
	for _, para := range a.Paragraphs {
		if para = clean(para); para != "" {
			body = append(body, telegraph.Elem("p", telegraph.Text(para)))
		}
	}
	read := catalogFor(lang).ReadArticle
	end := lastLine(link, "", read)
	cutEnd := lastLine(link, cutMark, read)

	// The encoded content is "[" + nodes joined by "," + "]": each node
	// takes its size plus one byte.
	size := func(nodes ...telegraph.Node) int { return telegraph.ContentSize(nodes) - 1 }
	used := 1 // "["
	add := func(n telegraph.Node, size int) { p.Content = append(p.Content, n); used += size }
	if figure != nil {
		if n := size(*figure); used+n+size(cutEnd...) <= budget {
			add(*figure, n)
		}
	}
	sizes, total := make([]int, len(body)), 0
	for i, n := range body {
		sizes[i] = size(n)
		total += sizes[i]
	}
	if used+total+size(end...) <= budget {
		for i, n := range body {
			add(n, sizes[i])
		}
		p.Content = append(p.Content, end...)
		return p
	}
	paras := 0
	for i, n := range body {
		if used+sizes[i]+size(cutEnd...) > budget {
			break
		}
		add(n, sizes[i])
		paras++
	}
	if paras == 0 && len(body) > 0 {
		// Not even the first paragraph fits: take what does of it.
		room := budget - used - size(cutEnd...) - size(telegraph.Elem("p", telegraph.Text("…")))
		p.Content = append(p.Content, telegraph.Elem("p", telegraph.Text(fitText(body[0].Children[0].Text, room)+"…")))
	}
	p.Content = append(p.Content, cutEnd...)
	return p
}

// lastLine is the line that links to the original: words, then the link.
// Without a link it is the words alone, or nothing.
func lastLine(link, words, read string) []telegraph.Node {
	var line telegraph.Node
	switch {
	case link != "":
		line = telegraph.Elem("p")
		if words != "" {
			line.Children = append(line.Children, telegraph.Text(words))
		}
		line.Children = append(line.Children, telegraph.Link(link, telegraph.Text(read)))
	case words != "":
		line = telegraph.Elem("p", telegraph.Text(strings.TrimSpace(words)))
	default:
		return nil
	}
	return []telegraph.Node{line}
}

// fitText is the longest prefix of s, cut at a rune, whose JSON encoding
// (quotes excluded) takes at most room bytes. JSON escapes rune by rune, so
// the prefix's size is the sum of its runes'.
func fitText(s string, room int) string {
	used := 0
	for i, r := range s {
		used += telegraph.ContentSize([]telegraph.Node{telegraph.Text(string(r))}) - len(`[""]`)
		if used > room {
			return s[:i]
		}
	}
	return s
}

// clean is s trimmed, with U+FFFD for any bytes that are not UTF-8, so that
// fitText's rune-by-rune count is the encoded size.
func clean(s string) string {
	return strings.TrimSpace(strings.ToValidUTF8(s, "\uFFFD"))
}

// webURL is u when it is an absolute http or https URL, else "".
func webURL(u string) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" || p.Scheme != "http" && p.Scheme != "https" {
		return ""
	}
	return u
}

// cutRunes is s, cut to at most n characters with "…" as the last one when
// it is cut.
func cutRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + ellipsis
}
