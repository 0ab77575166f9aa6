package content

import (
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	paris := outletZone("www.rfi.fr")
	shanghai := outletZone("cn.nytimes.com")
	tests := []struct {
		in      string
		zone    *time.Location
		want    string // RFC 3339 in UTC; "" when s is not a date
		dayOnly bool
	}{
		{"Fri, 07 Apr 2023 13:08:07 GMT", time.UTC, "2023-04-07T13:08:07Z", false},
		{"Fri, 07 Apr 2023 13:08:07 +0200", time.UTC, "2023-04-07T11:08:07Z", false},
		{"23/09/2023 - 19:18", paris, "2023-09-23T17:18:00Z", false},
		{"22/01/2023 - 09:05", paris, "2023-01-22T08:05:00Z", false},
		{"2023-04-13T10:47:01.285Z", paris, "2023-04-13T10:47:01.285Z", false},
		{"2024-03-01 09:11:39", shanghai, "2024-03-01T01:11:39Z", false},
		{"2024-03-01 09:11:39", time.UTC, "2024-03-01T09:11:39Z", false},
		{"2024-03-01T09:11:39+08:00", time.UTC, "2024-03-01T01:11:39Z", false},
		{"2020-10-12", time.UTC, "2020-10-12T00:00:00Z", true},
		{"  2020-10-12  ", time.UTC, "2020-10-12T00:00:00Z", true},
		{"24 分钟前", time.UTC, "", false},
		{"资料照：2023年4月7日", time.UTC, "", false},
		{"Darko Janjevic", time.UTC, "", false},
		{"1850-01-01", time.UTC, "", false},
		{"99/99/9999 - 99:99", paris, "", false},
		{"2023-13-45 25:61:00", time.UTC, "", false},
		{"", time.UTC, "", false},
	}
	for _, tt := range tests {
		got, dayOnly, ok := parseDate(tt.in, tt.zone)
		switch {
		case tt.want == "" && ok:
			t.Errorf("parseDate(%q): got %v, want no date", tt.in, got)
		case tt.want != "" && (!ok || got.Format(time.RFC3339Nano) != tt.want || dayOnly != tt.dayOnly):
			t.Errorf("parseDate(%q): got %v (day only %v, ok %v), want %s (day only %v)", tt.in, got.Format(time.RFC3339Nano), dayOnly, ok, tt.want, tt.dayOnly)
		}
	}
}

func TestOnDay(t *testing.T) {
	feed := time.Date(2020, 10, 12, 9, 45, 25, 0, time.UTC)
	day := time.Date(2020, 10, 12, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		day  time.Time
		text string
		want time.Time
	}{
		{day, "24 分钟前", feed.Add(-24 * time.Minute)},
		{day, "1 小时前", feed.Add(-time.Hour)},
		{day, "12 小時前", feed}, // before the day: the feed time
		{day, "刚刚", feed},
		{day.AddDate(0, 0, -3), "", day.AddDate(0, 0, -3)},
	}
	for _, tt := range tests {
		x := &extractor{feed: feed}
		if got := x.onDay(tt.day, tt.text); !got.Equal(tt.want) {
			t.Errorf("onDay(%v, %q): got %v, want %v", tt.day, tt.text, got, tt.want)
		}
	}
}
