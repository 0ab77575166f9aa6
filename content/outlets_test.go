package content

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestOutletOf(t *testing.T) {
	tests := []struct{ host, key, name string }{
		{"www.voachinese.com", "voa", "美国之音"},
		{"www.voanews.com", "voa", "美国之音"},
		{"www.rfi.fr", "rfi", "法广"},
		{"www.dw.com", "dw", "德国之声"},
		{"cn.nytimes.com", "nyt", "纽约时报"},
		{"www.nytimes.com", "nyt", "纽约时报"},
		{"www.bbc.com", "bbc", "BBC"},
		{"www.bbc.co.uk", "bbc", "BBC"},
		{"www.rfa.org", "rfa", "自由亚洲"},
		{"chinadigitaltimes.net", "cdt", "中国数字时代"},
		{"WWW.RFA.ORG", "rfa", "自由亚洲"},
		{"www.rfa.org.", "rfa", "自由亚洲"},
		{"www.example.org", "example.org", "example.org"},
		{"news.example.org:8080", "news.example.org", "news.example.org"},
		{"notdw.com", "notdw.com", "notdw.com"},
		{"www", "www", "www"},
		{"www..", "www", "www"},
		{"example.org.", "example.org", "example.org"},
		{"::1", "::1", "::1"},
	}
	for _, tt := range tests {
		if key, name := outletOf(tt.host); key != tt.key || name != tt.name {
			t.Errorf("outletOf(%q): got %q, %q; want %q, %q", tt.host, key, name, tt.key, tt.name)
		}
	}
}

func TestOutletName(t *testing.T) {
	tests := []struct{ key, lang, want string }{
		{"voa", "zh", "美国之音"},
		{"voa", "zh-Hant", "美國之音"},
		{"voa", "en", "VOA"},
		{"voa", "fr", "美国之音"},
		{"voa", "", "美国之音"},
		{"rfi", "zh-Hant", "法廣"},
		{"cdt", "en", "CDT"},
		{"example.org", "en", "example.org"},
		{"", "zh", ""},
	}
	for _, tt := range tests {
		if got := OutletName(tt.key, tt.lang); got != tt.want {
			t.Errorf("OutletName(%q, %q): got %q, want %q", tt.key, tt.lang, got, tt.want)
		}
	}
	keys := Outlets()
	if want := []string{"voa", "rfi", "dw", "nyt", "bbc", "rfa", "cdt"}; !slices.Equal(keys, want) {
		t.Errorf("Outlets(): got %q, want %q", keys, want)
	}
	keys[0] = "changed"
	if Outlets()[0] != "voa" {
		t.Errorf("Outlets(): the slice is shared")
	}
}

// TestOutletsTable checks what every row of outlets must hold: a unique key
// and domains, names in each language, a zone that loads, and date layouts
// that parseDate reads back.
func TestOutletsTable(t *testing.T) {
	keys := make(map[string]bool)
	domains := make(map[string]string)
	when := time.Date(2024, 3, 1, 9, 11, 39, 0, time.UTC)
	for _, o := range outlets {
		if o.key == "" || keys[o.key] || strings.ToLower(o.key) != o.key || strings.Contains(o.key, ".") {
			t.Errorf("outlet %q: want a unique key in lower case, without a dot (a host's)", o.key)
		}
		keys[o.key] = true
		if len(o.hosts) == 0 {
			t.Errorf("%s: no hosts", o.key)
		}
		for _, d := range append(o.hosts[:len(o.hosts):len(o.hosts)], o.zoneHosts...) {
			if strings.ToLower(d) != d || strings.HasPrefix(d, "www.") {
				t.Errorf("%s: domain %q: want it in lower case, without www.", o.key, d)
			}
		}
		for _, d := range o.hosts {
			if k, ok := domains[d]; ok {
				t.Errorf("%s: domain %q is %s's too", o.key, d, k)
			}
			domains[d] = o.key
		}
		for _, d := range o.zoneHosts {
			if !underAny(d, o.hosts) {
				t.Errorf("%s: zone host %q is not under its hosts", o.key, d)
			}
		}
		if o.names.hans == "" || o.names.hant == "" || o.names.en == "" {
			t.Errorf("%s: names %+v: want one in each language", o.key, o.names)
		}
		if o.zone != "" {
			if _, err := time.LoadLocation(o.zone); err != nil {
				t.Errorf("%s: zone: %v", o.key, err)
			}
		}
		for _, l := range o.dates {
			text := when.Format(l)
			got, _, ok := parseDate(text, time.UTC)
			if !ok || !got.Equal(when.Truncate(24*time.Hour)) && !got.Equal(when.Truncate(time.Minute)) && !got.Equal(when) {
				t.Errorf("%s: layout %q: parseDate(%q): got %v, %v; want %v", o.key, l, text, got, ok, when)
			}
		}
		for _, p := range o.placeholders {
			if strings.ToLower(p) != p {
				t.Errorf("%s: placeholder %q: want it in lower case", o.key, p)
			}
		}
	}
}

func TestOutletZone(t *testing.T) {
	tests := []struct{ host, want string }{
		{"www.rfi.fr", "Europe/Paris"},
		{"cn.nytimes.com", "Asia/Shanghai"},
		{"www.voachinese.com", "UTC"},
	}
	for _, tt := range tests {
		if got := outletZone(tt.host).String(); got != tt.want {
			t.Errorf("outletZone(%q): got %s, want %s", tt.host, got, tt.want)
		}
	}
	// The zone has its rules even without the system's zoneinfo.
	summer := time.Date(2023, 7, 1, 12, 0, 0, 0, outletZone("www.rfi.fr"))
	if _, off := summer.Zone(); off != 2*3600 {
		t.Errorf("Paris in July: got offset %d, want %d", off, 2*3600)
	}
}
