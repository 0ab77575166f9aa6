package content

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// weservOrigin returns the image behind an images.weserv.nl (or wsrv.nl)
// proxy URL, "https://images.weserv.nl?url=host/path" → "https://host/path";
// "" for other URLs.
func weservOrigin(u string) string {
	rest, ok := strings.CutPrefix(u, "https://")
	if !ok {
		if rest, ok = strings.CutPrefix(u, "http://"); !ok {
			return ""
		}
	}
	host, query, ok := strings.Cut(rest, "?")
	if !ok {
		return ""
	}
	host = strings.ToLower(strings.TrimSuffix(host, "/"))
	if !underDomain(host, "weserv.nl") && !underDomain(host, "wsrv.nl") && host != "weserv.nl" && host != "wsrv.nl" {
		return ""
	}
	var o string
	for query != "" {
		var kv string
		kv, query, _ = strings.Cut(query, "&")
		if v, ok := strings.CutPrefix(kv, "url="); ok {
			if o, ok = unescapeQuery(v); !ok {
				return ""
			}
			break
		}
	}
	o = strings.TrimSpace(o)
	switch {
	case o == "":
		return ""
	case strings.HasPrefix(o, "ssl:"):
		o = "https://" + o[len("ssl:"):]
	case strings.HasPrefix(o, "//"):
		o = "https:" + o
	case !strings.Contains(o, "://"):
		o = "https://" + o
	}
	if plainAbsURL(o) {
		return o
	}
	ou, err := url.Parse(o)
	if err != nil || (ou.Scheme != "http" && ou.Scheme != "https") || ou.Host == "" {
		return ""
	}
	return ou.String()
}

// unescapeQuery decodes a query value; most need no decoding.
func unescapeQuery(v string) (string, bool) {
	if !strings.ContainsAny(v, "%+") {
		return v, true
	}
	d, err := url.QueryUnescape(v)
	return d, err == nil
}

// A candidate is one image of a srcset.
type candidate struct {
	url  string
	size float64 // width in pixels, or density × 10000 for "2x"
}

// parseSrcset returns the candidates of a srcset attribute, largest first.
func parseSrcset(s string) []candidate {
	var cs []candidate
	for s != "" {
		s = strings.TrimLeft(s, " \t\n\r\f,")
		if s == "" {
			break
		}
		end := strings.IndexAny(s, " \t\n\r\f")
		if end < 0 {
			end = len(s)
		}
		u := s[:end]
		s = s[end:]
		var desc string
		if strings.HasSuffix(u, ",") {
			u = strings.TrimRight(u, ",")
		} else {
			i := strings.IndexByte(s, ',')
			if i < 0 {
				i = len(s)
			}
			desc, s = strings.TrimSpace(s[:i]), s[i:]
		}
		c := candidate{url: u, size: 1e4}
		if f, err := strconv.ParseFloat(strings.TrimRight(desc, "wx"), 64); err == nil && desc != "" {
			switch desc[len(desc)-1] {
			case 'w':
				c.size = f
			case 'x':
				c.size = f * 1e4
			}
		}
		if u != "" {
			cs = append(cs, c)
		}
	}
	slices.SortStableFunc(cs, func(a, b candidate) int {
		switch {
		case a.size > b.size:
			return -1
		case a.size < b.size:
			return 1
		}
		return 0
	})
	return cs
}
