package content

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// The rules that keep a piece of text out of an article's paragraphs.

// maxHeading is the length, in runes, under which a wholly bold line that
// doesn't end a sentence is taken for a subheading.
const maxHeading = 60

// isHeading reports a wholly bold line that reads as a subheading: short and
// not ending with a full stop ("只是另一场营销宣传？", "--肯尼亚将军表示…-").
// A bold summary paragraph ending with "。" is text.
func isHeading(s string, runes int) bool {
	return runes < maxHeading && !endsWithStop(s, false)
}

// maxPlainHeading is the length, in runes, under which a line in plain
// type with no sentence in it is taken for a subheading.
const maxPlainHeading = 40

// isPlainHeading reports a subheading set in plain type: short, with no
// sentence stop anywhere, in the "speaker: topic" form of the outlets'
// kickers ("评论：中国以军工企业应对…"). A short line without a colon, such as
// the last of a truncated body or a note in brackets, is text.
func isPlainHeading(s string, runes int) bool {
	if runes >= maxPlainHeading || strings.Contains(s, ". ") || endsWithStop(s, true) {
		return false
	}
	colon := -1 // in runes
	n := 0
	for _, r := range s {
		switch r {
		case '。', '！', '？', '!', '?', '；', ';':
			return false
		case '：':
			if colon < 0 {
				colon = n
			}
		}
		n++
	}
	return colon > 0 && colon <= 10
}

// bylineRoles start a byline or a credit line: "作者：…", "记者：… 责编：…",
// "（翻译和编辑：…）", "文 / …".
var bylineRoles = [...]string{
	"作者", "记者", "記者", "编辑", "編輯", "责编", "責編", "翻译", "翻譯",
	"撰稿", "撰文", "网编", "網編", "摄影", "攝影", "编译", "編譯", "校对",
	"来源", "來源", "文字", "文",
}

// isByline reports a short line naming the author, reporter, editor or
// translator, with no sentence in it: a role, then a colon ("作者：",
// "翻译和编辑：") or a slash ("文 / 周远", "撰稿/ 李四").
func isByline(s string, runes int) bool {
	// RFI wraps its translator line in dots: ".（翻译编辑：…）."
	s = strings.Trim(s, " .")
	if runes > 60 || endsWithStop(s, true) {
		return false
	}
	s = strings.TrimLeft(s, "。·（(【[")
	for _, role := range bylineRoles {
		rest, ok := strings.CutPrefix(s, role)
		if !ok {
			continue
		}
		// The separator right after the role, or after a space.
		switch r, _ := utf8.DecodeRuneInString(strings.TrimLeft(rest, " ")); r {
		case '/', '／', '：', ':':
			return true
		}
		if utf8.RuneCountInString(role) == 1 {
			continue // "文章：…" is no byline
		}
		// "翻译和编辑：": a colon within a few runes.
		for i, r := range rest {
			if r == '：' || r == ':' {
				return true
			}
			if i > 12 {
				break
			}
		}
	}
	return false
}

// creditPrefixes start a photo credit or a copyright line.
var creditPrefixes = [...]string{
	"©", "Ⓒ", "(c)", "(C)", "Copyright", "copyright", "版权所有", "版權所有", "版权声明", "版權聲明",
	"图像来源", "圖像來源", "图片来源", "圖片來源", "Image source", "Getty Images",
}

// isCredit reports a photo credit or a copyright line.
func isCredit(s string) bool { return hasPrefixIn(s, creditPrefixes[:]) }

// feedBoilerplate starts a paragraph that is the feed's furniture rather
// than the article: the feedx footer, and the footer that WordPress feed
// plugins append to each item ("Feed enhanced by Better Feed from …").
// The outlets' furniture is in their rows of outlets.
var feedBoilerplate = [...]string{"获取更多RSS", "獲取更多RSS", "Feed enhanced by"}

// isBoilerplate reports furniture of the outlet or the feed, by its start:
// article paragraphs are long, and reading them whole is costly.
func isBoilerplate(s string) bool {
	return isCredit(s) || hasPrefixIn(s, allRules().boilerplate)
}

// feedFooters start a footer after which nothing is article text: the
// feedx footer. The outlets' footers are in their rows of outlets.
var feedFooters = [...]string{"获取更多RSS", "獲取更多RSS"}

// isFooter reports the start of a footer.
func isFooter(s string) bool {
	return hasPrefixIn(strings.TrimLeft(s, "【[ "), allRules().footers)
}

// hasPrefixIn reports whether s starts with one of prefixes.
func hasPrefixIn(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// furnitureOpeners are the brackets and dots that may open a byline, a
// credit, boilerplate or a footer.
const furnitureOpeners = " .。·（(【["

// mayBeFurniture is a quick test before isByline, isBoilerplate and
// isFooter: most paragraphs start with a character none of their patterns
// starts with, after the brackets and dots that may open them.
func mayBeFurniture(s string) bool {
	for _, r := range s {
		switch r {
		case ' ', '.', '。', '·', '（', '(', '【', '[': // furnitureOpeners
			continue
		}
		return allRules().furnitureStarts.has(r)
	}
	return false
}

// A runeSet is a set of characters.
type runeSet struct {
	ascii [utf8.RuneSelf]bool
	other []rune // sorted
}

func (s *runeSet) add(r rune) {
	if r < utf8.RuneSelf {
		s.ascii[r] = true
	} else if i, found := slices.BinarySearch(s.other, r); !found {
		s.other = slices.Insert(s.other, i, r)
	}
}

func (s *runeSet) has(r rune) bool {
	if r < utf8.RuneSelf {
		return r >= 0 && s.ascii[r]
	}
	_, found := slices.BinarySearch(s.other, r)
	return found
}

// maxLinkLine is the length, in runes, under which a line that is all link
// text is taken for a related-article link.
const maxLinkLine = 40

// runeCount is utf8.RuneCountInString, named for the call sites.
func runeCount(s string) int { return utf8.RuneCountInString(s) }
