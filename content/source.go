package content

import (
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // the outlets' zones, on machines without zoneinfo
)

// articleID derives an article's ID from its URL: the first 16 hex digits of
// the SHA-256 of the normalized URL (trimmed, scheme and host in lower case,
// no fragment). It doesn't depend on the file's name, so it is stable across
// re-reads and renames.
func articleID(u *url.URL) string {
	n := *u
	n.Scheme = strings.ToLower(n.Scheme)
	n.Host = strings.ToLower(n.Host)
	n.Fragment = ""
	n.RawFragment = ""
	sum := sha256.Sum256([]byte(n.String()))
	return hex.EncodeToString(sum[:8])
}

// outlets maps a host (or the domain it is under) to the outlet's display
// name.
var outlets = [...]struct{ domain, name string }{
	{"voachinese.com", "美国之音"},
	{"voanews.com", "美国之音"},
	{"rfi.fr", "法广"},
	{"dw.com", "德国之声"},
	{"nytimes.com", "纽约时报"},
	{"bbc.com", "BBC"},
	{"bbc.co.uk", "BBC"},
	{"rfa.org", "自由亚洲"},
	{"chinadigitaltimes.net", "中国数字时代"},
}

// sourceName returns the outlet's display name for a URL host, else the host
// without "www.".
func sourceName(host string) string {
	if h, _, ok := strings.Cut(host, ":"); ok {
		host = h
	}
	host = strings.TrimRight(strings.ToLower(host), ".")
	for _, o := range outlets {
		if underDomain(host, o.domain) {
			return o.name
		}
	}
	if name := strings.TrimPrefix(host, "www."); name != "" {
		return name
	}
	return host
}

// underDomain reports whether host is domain or one of its subdomains.
func underDomain(host, domain string) bool {
	return host == domain || strings.HasSuffix(host, "."+domain)
}

// The zones in which outlets write a time without a zone: RFI writes Paris
// time; the Chinese edition of the New York Times writes Beijing time (its
// times precede the feed's by minutes only when read so). Others write UTC.
var (
	parisZone    = sync.OnceValue(func() *time.Location { return loadZone("Europe/Paris") })
	shanghaiZone = sync.OnceValue(func() *time.Location { return loadZone("Asia/Shanghai") })
)

func loadZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		// Unreachable: time/tzdata embeds the database.
		return time.UTC
	}
	return loc
}

// outletZone returns the zone of zoneless times in the outlet's date block.
func outletZone(host string) *time.Location {
	host = strings.ToLower(host)
	switch {
	case underDomain(host, "rfi.fr"):
		return parisZone()
	case underDomain(host, "cn.nytimes.com"):
		return shanghaiZone()
	}
	return time.UTC
}
