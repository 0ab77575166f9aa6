package content

import (
	"strings"
	"time"
	_ "time/tzdata" // the outlets' zones, on machines without zoneinfo
)

// outlets are the news outlets the package knows, one row each: the hosts
// of their article URLs, their names, the zone of their date blocks and the
// forms of their items that the generic rules don't know. A new outlet is a
// new row, with fixtures of its forms in testdata/.
//
// A row's names and zone are the outlet's alone. Its forms — date layouts,
// furniture, footers, classes, placeholder images — are read in every
// document: outlets repost one another (China Digital Times republishes
// whole articles, their furniture with them), and an unknown host more often
// than not runs one of the same systems.
var outlets = [...]outlet{
	{
		key:   "voa",
		hosts: []string{"voachinese.com", "voanews.com"},
		names: names{"美国之音", "美國之音", "VOA"},
		// <div><i>Fri, 07 Apr 2023 13:08:07 GMT</i></div>
		dates: []string{time.RFC1123},
	},
	{
		key:   "rfi",
		hosts: []string{"rfi.fr"},
		names: names{"法广", "法廣", "RFI"},
		zone:  "Europe/Paris",
		// <div>23/09/2023 - 19:18</div>, in Paris time
		dates:       []string{"02/01/2006 - 15:04"},
		boilerplate: []string{"~. Fin .~"},
		// <div data-selfpromo-newsletter>, <div data-selfpromo-app>
		skipAttrs: []attrRule{{prefix: "data-selfpromo"}},
		// the image it sets for link previews, not the article's:
		// static.rfi.fr/meta_og_twcards/RFI_FB.png
		placeholders: []string{"/meta_og_twcards/"},
	},
	{
		key:   "dw",
		hosts: []string{"dw.com"},
		names: names{"德国之声", "德國之聲", "DW"},
		// <div><i>Darko Janjevic<br>2023-04-13T10:47:01.285Z</i></div>
		dates: []string{time.RFC3339Nano},
		// the disclaimer closing its Chinese articles
		boilerplate: []string{"德国之声致力于", "德國之聲致力於"},
	},
	{
		key:   "nyt",
		hosts: []string{"nytimes.com"},
		names: names{"纽约时报", "紐約時報", "NYT"},
		// Its Chinese edition writes Beijing time: its times precede the
		// feed's by minutes only when read so.
		zone:      "Asia/Shanghai",
		zoneHosts: []string{"cn.nytimes.com"},
		// <address>…</address><time datetime="2024-03-01 09:11:39">
		dates:       []string{"2006-01-02 15:04:05"},
		boilerplate: []string{"点击查看本文英文版", "點擊查看本文英文版"},
	},
	{
		key:   "bbc",
		hosts: []string{"bbc.com", "bbc.co.uk"},
		names: names{"BBC", "BBC", "BBC"},
		// <time dateTime="2020-10-12">24 分钟前</time>: the day, and the
		// article's age when the feed saw it (see extractor.onDay)
		dates:       []string{"2006-01-02"},
		skipClasses: []string{"dotcom-ad"},
		skipAttrs:   []attrRule{{prefix: "data-e2e", val: "advertisement"}},
	},
	{
		key:   "rfa",
		hosts: []string{"rfa.org"},
		names: names{"自由亚洲", "自由亞洲", "RFA"},
		// <div class="image-richtext image-inline captioned">
		figureClasses: []string{"image-richtext"},
	},
	{
		key:   "cdt",
		hosts: []string{"chinadigitaltimes.net"},
		names: names{"中国数字时代", "中國數字時代", "CDT"},
		// The archive card (title, author, date, source, copyright
		// note) and the copyright note end the article.
		footers: []string{
			"CDT 档案卡", "CDT档案卡", "CDT 檔案卡", "CDT檔案卡",
			"版权说明：该作品版权归原作者所有", "版權說明：該作品版權歸原作者所有",
		},
	},
}

// An outlet is one row of outlets.
type outlet struct {
	// key names the outlet to other packages, in Article.Outlet.
	key string
	// hosts are the domains of its article URLs; their subdomains count.
	hosts []string
	// names are what readers call it.
	names names
	// zone is the IANA zone in which its date blocks write a time
	// without a zone; "" for UTC. When zoneHosts are set, only those
	// domains write in zone.
	zone      string
	zoneHosts []string

	// The outlet's forms, read in every document (see outlets).

	// dates are the layouts (of package time) of its date block's text;
	// see parseDate.
	dates []string
	// boilerplate are the starts of paragraphs that are its furniture:
	// disclaimers, end marks, links to other editions.
	boilerplate []string
	// footers are the starts of a footer: nothing after one is text.
	footers []string
	// skipClasses name, in part, the classes of its blocks that hold
	// neither text nor the photo; skipAttrs are attributes that mark them.
	skipClasses []string
	skipAttrs   []attrRule
	// figureClasses name, in part, the classes of its figure blocks.
	figureClasses []string
	// placeholders are parts, in lower case, of the URLs of images that
	// are not an article's photo.
	placeholders []string
}

// names are an outlet's display names: in simplified Chinese (the name
// Article.Source holds), in traditional Chinese and in English.
type names struct{ hans, hant, en string }

// An attrRule marks a block by an attribute: one whose name starts with
// prefix and, when val is set, whose value is val.
type attrRule struct{ prefix, val string }

// Outlets returns the keys of the outlets the package knows by name, in a
// stable order: "voa", "rfi", "dw", "nyt", "bbc", "rfa", "cdt". Another
// article's Outlet is its host (see Article.Outlet). The slice is the
// caller's.
func Outlets() []string {
	keys := make([]string, len(outlets))
	for i := range outlets {
		keys[i] = outlets[i].key
	}
	return keys
}

// OutletName returns the display name of the outlet whose key is key, in
// lang: "zh" (simplified Chinese, as Article.Source), "zh-Hant"
// (traditional Chinese) or "en"; any other lang reads as "zh". For a key
// that is not one of Outlets — the host of an unknown outlet — it returns
// key.
func OutletName(key, lang string) string {
	for i := range outlets {
		if o := &outlets[i]; o.key == key {
			switch lang {
			case "zh-Hant":
				return o.names.hant
			case "en":
				return o.names.en
			}
			return o.names.hans
		}
	}
	return key
}

// lookupOutlet returns the outlet whose domain host is under, or nil, and
// host in lower case, without a port or a trailing dot.
func lookupOutlet(host string) (*outlet, string) {
	if h, _, ok := strings.Cut(host, ":"); ok && strings.Count(host, ":") == 1 {
		host = h // a port; an IPv6 address has more colons
	}
	host = strings.TrimRight(strings.ToLower(host), ".")
	for i := range outlets {
		if underAny(host, outlets[i].hosts) {
			return &outlets[i], host
		}
	}
	return nil, host
}

// outletOf returns the key and the display name (Article.Outlet and
// Source) of the outlet of a URL's host: its row's, else the host as
// readers see it, without "www.".
func outletOf(host string) (key, name string) {
	o, host := lookupOutlet(host)
	if o != nil {
		return o.key, o.names.hans
	}
	if s := strings.TrimPrefix(host, "www."); s != "" {
		host = s
	}
	return host, host
}

// outletZone returns the zone of times written without one in the date
// blocks of host's outlet: its row's zone, else UTC.
func outletZone(host string) *time.Location {
	o, host := lookupOutlet(host)
	if o == nil || o.zone == "" {
		return time.UTC
	}
	if len(o.zoneHosts) > 0 && !underAny(host, o.zoneHosts) {
		return time.UTC
	}
	return allRules().zones[o.key]
}

// underDomain reports whether host is domain or one of its subdomains.
func underDomain(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// underAny reports whether host is under one of domains.
func underAny(host string, domains []string) bool {
	for _, d := range domains {
		if underDomain(host, d) {
			return true
		}
	}
	return false
}
