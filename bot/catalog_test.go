package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/state"
)

func TestReportAndStatsText(t *testing.T) {
	t0 := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	running := state.Broadcast{ID: 3, Started: t0, Chats: 10, Pending: 4, Sending: 1, Sent: 3, Failed: 1, Deactivated: 1, Unknown: 1}
	done := running
	done.Finished, done.Pending, done.Sending = t0.Add(90*time.Second), 0, 0
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"running en", ReportText(running, LangEN, t0.Add(5*time.Second)),
			"Broadcast #3 to 10 chats: running for 5s\nsent 3, failed 1, deactivated 1, pending 5, unknown 1"},
		{"done zh", ReportText(done, langZH, t0),
			"第 3 次推送，共 10 个聊天：完成，用时 1m30s\n已发送 3，失败 1，已停用 1，待发 0，结果未知 1"},
		{"stats en", StatsText(state.Stats{
			Subscribers: map[state.Status]int{state.Active: 5, state.Blocked: 2},
			Articles:    7,
			Deliveries:  map[state.EntryState]int{state.Sent: 9, state.Unknown: 1},
		}, LangEN, t0), "Subscribers: active 5, blocked 2\nArticles: 7\nDeliveries: sent 9, unknown 1\nAnnouncements waiting: 0\nLast broadcast: none"},
		{"stats with kinds and channels, zh-Hant", StatsText(state.Stats{
			Subscribers: map[state.Status]int{state.Active: 5, state.NoRights: 1},
			Kinds:       map[state.Kind]int{state.Private: 3, state.Group: 1, state.Channel: 1},
			Channels: []state.Subscriber{{Chat: -1001, Username: "news_cn", Status: state.Active},
				{Chat: -1002, Title: "私人頻道", Status: state.NoRights}},
		}, langZHHant, t0), "訂閱者：active 5（私人聊天 3，群組 1，頻道 1）, no rights 1\n文章：0\n投遞：0\n待發公告：0\n上次推送：無\n" +
			"頻道：\n@news_cn (-1001) active\n私人頻道 (-1002) no rights"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, tt.got, tt.want)
		}
	}
	if !strings.Contains(StatsText(state.Stats{LastBroadcast: &done}, langZH, t0), "上次推送：第 3 次推送") {
		t.Errorf("stats: the last broadcast is missing")
	}
}

func TestSeedsText(t *testing.T) {
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		p    ingest.Progress
		want string
	}{
		{"running, total unknown", ingest.Progress{Running: true, Started: now.Add(-3 * time.Second), Seen: 1200, Parsed: 40, Stored: 38},
			"Seeds: scanning, 1200 files seen, 40 parsed, 38 stored, for 3s"},
		{"running, total known", ingest.Progress{Running: true, Started: now.Add(-time.Second), Seen: 10, Expect: 200000},
			"Seeds: scanning, 10 files seen of about 200000, 0 parsed, 0 stored, for 1s"},
		{"done", ingest.Progress{Last: &ingest.ScanResult{Files: 200000, Old: 198000, Started: now.Add(-time.Minute),
			Took: 2500 * time.Millisecond, RefusedBy: map[string]int{"no headline link": 2, "binary": 1}}},
			"Seeds: 200000 files, 198000 outside the horizon, 3 refused; scanned 1m0s ago in 2.5s (binary 1, no headline link 2)"},
		{"never", ingest.Progress{}, "Seeds: not scanned yet"},
	}
	for _, tt := range tests {
		if got := SeedsText(tt.p, LangEN, now); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.name, got, tt.want)
		}
	}
}
