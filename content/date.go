package content

import (
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The date block opens an article's HTML: a time, alone in a block or a
// <time> element, or after an author ("author<br>time"). Its forms are the
// outlets' (the dates of each row of outlets) and commonDateLayouts.

// maxDateText is the longest text, in bytes, and maxDateNodes the most
// nodes, read as a date block.
const (
	maxDateText  = 160
	maxDateNodes = 32
)

// commonDateLayouts are forms of date blocks that no one outlet owns:
// variants of the outlets' forms, with a one-digit day, a numeric zone or
// no seconds. They are tried after the outlets' own.
var commonDateLayouts = [...]string{
	time.RFC1123Z, "Mon, 2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05 -0700",
	"2006-01-02 15:04:05Z07:00", "2006-01-02 15:04:05 -0700",
	"2006-01-02T15:04:05", "2006-01-02 15:04", "2006-01-02T15:04",
	"02/01/2006 15:04", "02/01/2006 - 15:04:05",
}

// A dateLayout is one form of a date block's text.
type dateLayout struct {
	layout string
	// zoned: the text says its zone. A time without one is read in the
	// outlet's zone.
	zoned bool
	// dayOnly: a date without a time of day, read as the day's start in
	// UTC.
	dayOnly bool
}

// The shapes of a date's text, by its first characters: parseDate tries
// only the layouts of the text's shape, since a failed time.Parse
// allocates.
const (
	shapeNamed    = iota // "Fri, 07 Apr 2023 13:08:07 GMT": a capital, and ", "
	shapeDayFirst        // "23/09/2023 - 19:18"
	shapeISODay          // "2020-10-12"
	shapeISOZoned        // "2023-04-13T10:47:01.285Z", "2024-03-01 09:11:39+08:00"
	shapeISO             // "2024-03-01 09:11:39"
	shapeOther
	numShapes
)

// dateShape returns the shape of s: a date's text, or a layout.
func dateShape(s string) int {
	if len(s) < 10 {
		return shapeOther
	}
	c := s[0]
	digit := '0' <= c && c <= '9'
	switch {
	case 'A' <= c && c <= 'Z' && strings.Contains(s, ", "):
		return shapeNamed
	case digit && s[2] == '/':
		return shapeDayFirst
	case digit && s[4] == '-':
		switch {
		case len(s) == 10:
			return shapeISODay
		case strings.HasSuffix(s, "Z") || strings.LastIndexAny(s, "+-") > 10 || strings.Contains(s, "Z07"):
			return shapeISOZoned
		}
		return shapeISO
	}
	return shapeOther
}

// parseDate reads s as a date block's time; zone is the outlet's zone for
// times written without one. A date without a time reads as that day's
// start, with dayOnly set.
func parseDate(s string, zone *time.Location) (t time.Time, dayOnly, ok bool) {
	s = strings.TrimSpace(s)
	if len(s) < 10 || len(s) > 64 {
		return time.Time{}, false, false
	}
	for _, l := range allRules().dates[dateShape(s)] {
		loc := zone
		if l.zoned || l.dayOnly {
			loc = time.UTC
		}
		if tm, err := time.ParseInLocation(l.layout, s, loc); err == nil {
			return plausible(tm.UTC(), l.dayOnly)
		}
	}
	return time.Time{}, false, false
}

func plausible(t time.Time, dayOnly bool) (time.Time, bool, bool) {
	if t.Year() < 1990 || t.Year() > 2200 {
		return time.Time{}, false, false
	}
	return t, dayOnly, true
}

// dateBlock tries n as the article's date block; it reports whether n is
// one, and then sets the published time.
func (x *extractor) dateBlock(n *html.Node) bool {
	if n.DataAtom == atom.Time {
		for _, key := range [...]string{"datetime", "pubdate", "pudate"} {
			if v := attr(n, key); v != "" {
				if t, dayOnly, ok := parseDate(v, x.zone); ok {
					if dayOnly {
						text, _ := textOf(n, nil, maxDateText)
						t = x.onDay(t, text)
					}
					x.setPublished(n, t)
					return true
				}
			}
		}
	}
	if !dateContainer(n) {
		return false
	}
	// The text, in the pieces <br> separates: "author<br>time".
	var pieces []string
	var t textBuf
	ok, nodes := true, 0
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && ok; c = c.NextSibling {
			if nodes++; nodes > maxDateNodes {
				ok = false
				return
			}
			switch c.Type {
			case html.TextNode:
				t.write(c.Data)
				if len(t.b) > maxDateText {
					ok = false
				}
			case html.ElementNode:
				if c.DataAtom == atom.Br {
					pieces = append(pieces, t.String())
					t.reset()
					continue
				}
				if !inline(c) {
					ok = false
					return
				}
				walk(c)
			}
		}
	}
	walk(n)
	if !ok {
		return false
	}
	pieces = append(pieces, t.String())
	for i := len(pieces) - 1; i >= 0; i-- {
		if tm, dayOnly, ok := parseDate(pieces[i], x.zone); ok {
			if dayOnly {
				tm = x.onDay(tm, "")
			}
			x.setPublished(n, tm)
			return true
		}
	}
	return false
}

// dateContainer reports elements that may hold a date block's text.
func dateContainer(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Div, atom.P, atom.I, atom.Span, atom.Em, atom.Small, atom.Time, atom.B, atom.Strong:
		return true
	}
	return false
}

func (x *extractor) setPublished(n *html.Node, t time.Time) {
	x.dateNode = n
	x.published = t
	x.dated = true
}

// onDay refines a date without a time of day. BBC writes the day and the
// article's age when the feed saw it ("24 分钟前", "1 小时前"): the feed time
// less the age, when that falls on the day; else the feed time when it falls
// on the day; else the day's start.
func (x *extractor) onDay(day time.Time, text string) time.Time {
	sameDay := func(t time.Time) bool {
		y1, m1, d1 := t.UTC().Date()
		y2, m2, d2 := day.Date()
		return y1 == y2 && m1 == m2 && d1 == d2
	}
	if age, ok := parseAge(text); ok && sameDay(x.feed.Add(-age)) {
		return x.feed.Add(-age)
	}
	if sameDay(x.feed) {
		return x.feed
	}
	return day
}

// ageUnits are the units of an age in Chinese ("24 分钟前").
var ageUnits = [...]struct {
	name string
	d    time.Duration
}{
	{"秒", time.Second}, {"分钟", time.Minute}, {"分鐘", time.Minute},
	{"小时", time.Hour}, {"小時", time.Hour}, {"天", 24 * time.Hour},
}

// parseAge reads "N 分钟前"-style ages.
func parseAge(s string) (time.Duration, bool) {
	s, ok := strings.CutSuffix(strings.TrimSpace(s), "前")
	if !ok {
		return 0, false
	}
	s = strings.TrimSpace(s)
	for _, u := range ageUnits {
		if num, ok := strings.CutSuffix(s, u.name); ok {
			n, err := strconv.Atoi(strings.TrimSpace(num))
			if err != nil || n < 0 || n > 10000 {
				return 0, false
			}
			return time.Duration(n) * u.d, true
		}
	}
	return 0, false
}
