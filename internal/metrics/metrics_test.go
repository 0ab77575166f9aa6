package metrics

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbot/newsbot/bot"
	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// Metrics is what bot.Options.Events wants.
var _ bot.Events = (*Metrics)(nil)

// TestMetricsOfABroadcast runs a broadcast through the fake Bot API with
// injected 429s and 502s and a chat that blocked the bot, and checks that
// /metrics parses and that its figures are the ledger's and the fake's.
func TestMetricsOfABroadcast(t *testing.T) {
	store := newTestStore(t)
	fake := tgfake.New(t, tgfake.Options{GlobalPerSecond: 1000, GlobalBurst: 50, ChatPerSecond: 50, GroupPerMinute: -1})
	m := New(store, Options{RateLimit: 400, Logger: quiet})
	client := newClient(t, fake, m)

	const (
		private  = 12
		groups   = 3
		channels = 2
		articles = 3
		blocked  = 770005
	)
	var chats []int64
	for i := range private {
		chats = append(chats, 770001+int64(i))
	}
	for i := range groups {
		chats = append(chats, -880001-int64(i))
	}
	for _, c := range chats {
		if _, _, err := store.Subscribe(c, "en", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	for i := range channels {
		c := -1009900000001 - int64(i)
		chats = append(chats, c)
		if _, _, err := store.AddChannel(c, fmt.Sprintf("news%d", i), "News", time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	putArticles(t, store, articles)

	// While a plan waits to be delivered, the gauges show it.
	p, err := store.PlanBroadcast(time.Now(), state.PlanOptions{MaxPerBroadcast: articles})
	if err != nil {
		t.Fatal(err)
	}
	fams, _ := scrape(t, m.Handler())
	planned := float64(len(chats) * articles)
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"newsbot_broadcast_running", nil, 1},
		{"newsbot_broadcast_planned_messages", nil, planned},
		{"newsbot_broadcast_messages", []string{"state", "pending"}, planned},
		{"newsbot_broadcast_messages", []string{"state", "sent"}, 0},
		{"newsbot_broadcast_chats", nil, float64(p.Chats)},
		{"newsbot_ledger_entries", []string{"state", "pending"}, planned},
	} {
		if got := value(t, fams, c.name, c.labels...); got != c.want {
			t.Errorf("planned: %s%v: got %v, want %v", c.name, c.labels, got, c.want)
		}
	}

	fake.Block(blocked, tgfake.Blocked())
	var injected429, injected502 atomic.Int64
	fake.InjectFunc(func(c tgfake.Call) *tgfake.Fault {
		if c.Method != "sendMessage" || c.N%5 != 0 {
			return nil
		}
		if c.N%20 == 0 {
			injected429.Add(1)
			f := tgfake.TooMany(1)
			return &f
		}
		injected502.Add(1)
		f := tgfake.BadGateway()
		return &f
	})
	bc := bot.NewBroadcaster(client, store, bot.Options{
		RateLimit: 400, ChatSpacing: 25 * time.Millisecond, GroupPerMinute: -1,
		Backoff: 10 * time.Millisecond, Tries: 10, Logger: quiet, Events: m,
	})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	sum, err := bc.RunOnce(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent == 0 || sum.Failed != 1 || injected429.Load() == 0 || injected502.Load() == 0 {
		t.Fatalf("summary %+v after %d 429s and %d 502s: want sends, 1 failed, and faults of both kinds",
			sum, injected429.Load(), injected502.Load())
	}
	st, err := store.Stats()
	if err != nil {
		t.Fatal(err)
	}

	fams, body := scrape(t, m.Handler())
	sends := float64(fake.Calls("sendMessage"))
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		// What the fake received.
		{"newsbot_telegram_requests_total", []string{"method", "sendMessage"}, sends},
		{"newsbot_telegram_request_duration_seconds", []string{"method", "sendMessage"}, sends},
		{"newsbot_telegram_requests_total", []string{"method", "sendMessage", "class", "ok"}, float64(len(fake.Messages()))},
		{"newsbot_telegram_requests_total", []string{"class", "retry_after"}, float64(fake.TooManyRequests())},
		{"newsbot_telegram_too_many_requests_total", nil, float64(fake.TooManyRequests())},
		{"newsbot_telegram_retry_after_seconds_total", nil, float64(fake.TooManyRequests())},
		{"newsbot_telegram_requests_total", []string{"method", "sendMessage", "class", "not_delivered"}, float64(injected502.Load())},
		{"newsbot_telegram_requests_total", []string{"method", "sendMessage", "class", "forbidden"}, 1},
		{"newsbot_telegram_requests_total", []string{"method", "getMe", "class", "ok"}, 1},
		// The ledger's figures.
		{"newsbot_deliveries_total", []string{"state", "sent"}, float64(sum.Sent)},
		{"newsbot_deliveries_total", []string{"state", "sent"}, float64(len(fake.Messages()))},
		{"newsbot_deliveries_total", []string{"state", "failed"}, float64(sum.Failed)},
		{"newsbot_deliveries_total", []string{"state", "unknown"}, float64(sum.Unknown)},
		{"newsbot_ledger_entries", []string{"state", "sent"}, float64(st.Deliveries[state.Sent])},
		{"newsbot_ledger_entries", []string{"state", "failed"}, float64(st.Deliveries[state.Failed])},
		{"newsbot_ledger_entries", []string{"state", "skipped"}, float64(st.Deliveries[state.Skipped])},
		{"newsbot_ledger_entries", []string{"state", "pending"}, 0},
		{"newsbot_broadcasts_started_total", nil, 1},
		{"newsbot_broadcasts_finished_total", nil, 1},
		{"newsbot_broadcast_running", nil, 0},
		{"newsbot_broadcast_planned_messages", nil, 0},
		{"newsbot_articles", nil, articles},
		{"newsbot_subscribers", []string{"kind", "private", "status", "active"}, private - 1},
		{"newsbot_subscribers", []string{"kind", "private", "status", "blocked"}, 1},
		{"newsbot_subscribers", []string{"kind", "group", "status", "active"}, groups},
		{"newsbot_subscribers", []string{"kind", "channel", "status", "active"}, channels},
		{"newsbot_subscribers", []string{"status", "active"}, float64(st.Subscribers[state.Active])},
		{"newsbot_database_up", nil, 1},
		{"newsbot_build_info", nil, 1},
		{"newsbot_rate_limit_messages_per_second", nil, 400},
	} {
		if got := value(t, fams, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v: got %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if got := value(t, fams, "newsbot_send_paused_seconds_total"); got <= 0 {
		t.Errorf("newsbot_send_paused_seconds_total: got %v, want > 0 after 429s", got)
	}
	for _, name := range []string{"go_goroutines", "process_cpu_seconds_total"} {
		if _, ok := fams[name]; !ok {
			t.Errorf("/metrics lacks %s", name)
		}
	}
	// No secret, no chat ID, no URL.
	for _, leak := range []string{fake.Token, strconv.Itoa(blocked), "880001", "1009900000001", "news.example"} {
		if strings.Contains(body, leak) {
			t.Errorf("/metrics holds %q", leak)
		}
	}
}

func TestMetricsOfScans(t *testing.T) {
	store := newTestStore(t)
	m := New(store, Options{Logger: quiet})
	dir := t.TempDir()
	write := func(name, text string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("good.txt", "<!--1680874744000-->\n[Headline](https://news.example/1)\n------\n\n<p>The lead.</p>\n")
	write("empty.txt", "  \n")
	write("nolink.txt", "<!--1680874744000-->\nno link here\n------\n")
	lib := ingest.NewLibrary(dir, store)
	res, err := lib.Scan(context.Background())
	m.ObserveScan(res, err)
	m.ObserveScan(ingest.ScanResult{}, errors.New("the folder is gone"))

	fams, _ := scrape(t, m.Handler())
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"newsbot_scans_total", []string{"result", "ok"}, 1},
		{"newsbot_scans_total", []string{"result", "error"}, 1},
		{"newsbot_scan_articles_total", []string{"result", "added"}, 1},
		{"newsbot_seed_files", nil, 3},
		{"newsbot_seed_files_refused", nil, 2},
		{"newsbot_seed_files_refused", []string{"reason", "empty"}, 1},
		{"newsbot_seed_files_refused", []string{"reason", "no_headline"}, 1},
		{"newsbot_articles", nil, 1},
	} {
		if got := value(t, fams, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v: got %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	if got := value(t, fams, "newsbot_scan_last_success_timestamp_seconds"); got <= 0 {
		t.Errorf("newsbot_scan_last_success_timestamp_seconds: got %v, want a time", got)
	}
}

// TestRefusalLabel checks the labels of ingest's refusal reasons: the
// tree's counts are keyed by the sentinels' texts.
func TestRefusalLabel(t *testing.T) {
	for _, c := range []struct {
		key  string
		want string
	}{
		{content.ErrEmpty.Error(), "empty"},
		{content.ErrNotUTF8.Error(), "not_utf8"},
		{content.ErrTooLarge.Error(), "too_large"},
		{ingest.ErrOutside.Error(), "outside"},
		{"unreadable", "unreadable"},
	} {
		if got := refusalLabel(c.key); got != c.want {
			t.Errorf("refusalLabel(%q): got %q, want %q", c.key, got, c.want)
		}
	}
}

func TestClassNamesAreDistinct(t *testing.T) {
	seen := map[string]telegram.Class{}
	for c := telegram.ClassNone; c <= telegram.ClassConflict; c++ {
		name := className(c)
		if name == "other" || strings.ContainsAny(name, " -") {
			t.Errorf("class %v: got label %q, want a snake_case name of its own", c, name)
		}
		if prev, ok := seen[name]; ok {
			t.Errorf("classes %v and %v share the label %q", prev, c, name)
		}
		seen[name] = c
	}
}
