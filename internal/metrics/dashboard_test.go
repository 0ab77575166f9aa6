package metrics

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/state"
)

// dashboardPath is the Grafana dashboard of deploy/.
var dashboardPath = filepath.Join("..", "..", "deploy", "grafana-dashboard.json")

// grafanaPanel is what the test reads of a dashboard's panel.
type grafanaPanel struct {
	ID      int                     `json:"id"`
	Type    string                  `json:"type"`
	Title   string                  `json:"title"`
	Targets []struct{ Expr string } `json:"targets"`
	Panels  []grafanaPanel          `json:"panels"` // a row's
}

// TestDashboardQueriesNameServedMetrics checks that every query of the
// Grafana dashboard names metrics that /metrics serves, so that the two
// can't drift apart.
func TestDashboardQueriesNameServedMetrics(t *testing.T) {
	data, err := os.ReadFile(dashboardPath)
	if err != nil {
		t.Fatal(err)
	}
	var dash struct {
		Panels []grafanaPanel `json:"panels"`
	}
	if err := json.Unmarshal(data, &dash); err != nil {
		t.Fatalf("%s: %v", dashboardPath, err)
	}
	served := servedFamilies(t)
	ids := map[int]string{}
	queries := 0
	var walk func([]grafanaPanel)
	walk = func(panels []grafanaPanel) {
		for _, p := range panels {
			if prev, ok := ids[p.ID]; ok {
				t.Errorf("panels %q and %q share the id %d", prev, p.Title, p.ID)
			}
			ids[p.ID] = p.Title
			walk(p.Panels)
			if p.Type == "row" {
				continue
			}
			if len(p.Targets) == 0 {
				t.Errorf("panel %q has no query", p.Title)
			}
			for _, tg := range p.Targets {
				queries++
				names := metricNames(tg.Expr)
				if len(names) == 0 {
					t.Errorf("panel %q: query %q names no metric", p.Title, tg.Expr)
				}
				for _, n := range names {
					if !isServed(served, n) {
						t.Errorf("panel %q: query %q names %s, which /metrics does not serve", p.Title, tg.Expr, n)
					}
				}
			}
		}
	}
	walk(dash.Panels)
	if queries < 10 {
		t.Errorf("the dashboard has %d queries, want the panels an operator looks at", queries)
	}
}

// servedFamilies scrapes a Metrics that every hook has told something,
// so that every family it can serve is there.
func servedFamilies(t *testing.T) map[string]*dto.MetricFamily {
	t.Helper()
	m := New(newTestStore(t), Options{RateLimit: 25, Logger: quiet})
	m.ObserveCall(telegram.Call{Method: "sendMessage", Duration: time.Millisecond})
	m.ObserveCall(telegram.Call{Method: "getUpdates", Duration: time.Second})
	m.ObserveCall(telegram.Call{Method: "sendMessage", Class: telegram.ClassRetryAfter, Code: 429, RetryAfter: time.Second})
	m.Delivered(state.Sent)
	m.PhotoFallback("text")
	m.Paused(time.Second)
	m.BroadcastStarted(state.Broadcast{})
	m.BroadcastFinished(state.Broadcast{})
	m.ObserveScan(ingest.ScanResult{Files: 1, Added: 1}, nil)
	fams, _ := scrape(t, m.Handler())
	return fams
}

// isServed reports whether name is a served family, or a histogram's
// _bucket, _sum or _count series.
func isServed(fams map[string]*dto.MetricFamily, name string) bool {
	if _, ok := fams[name]; ok {
		return true
	}
	for _, suffix := range []string{"_bucket", "_sum", "_count"} {
		if base, ok := strings.CutSuffix(name, suffix); ok {
			if f, ok := fams[base]; ok && (f.GetType() == dto.MetricType_HISTOGRAM || f.GetType() == dto.MetricType_SUMMARY) {
				return true
			}
		}
	}
	return false
}

var (
	promString   = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)
	promMatchers = regexp.MustCompile(`\{[^}]*\}`)
	promRange    = regexp.MustCompile(`\[[^\]]*\]`)
	promGrouping = regexp.MustCompile(`\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)`)
	promIdent    = regexp.MustCompile(`[A-Za-z_:][A-Za-z0-9_:]*`)
	promKeywords = map[string]bool{"by": true, "without": true, "on": true, "ignoring": true, "group_left": true,
		"group_right": true, "bool": true, "and": true, "or": true, "unless": true, "offset": true, "inf": true, "nan": true}
)

// metricNames are the metric names a PromQL query names: its identifiers
// that are neither functions, keywords, label names nor inside strings,
// label matchers or ranges.
func metricNames(expr string) []string {
	e := promString.ReplaceAllString(expr, `""`)
	e = promMatchers.ReplaceAllString(e, " ")
	e = promRange.ReplaceAllString(e, " ")
	e = promGrouping.ReplaceAllString(e, " ")
	var names []string
	for _, loc := range promIdent.FindAllStringIndex(e, -1) {
		id := e[loc[0]:loc[1]]
		rest := strings.TrimLeft(e[loc[1]:], " \t\n")
		if promKeywords[strings.ToLower(id)] || strings.HasPrefix(rest, "(") {
			continue // a keyword or a function
		}
		if loc[0] > 0 && (e[loc[0]-1] >= '0' && e[loc[0]-1] <= '9' || e[loc[0]-1] == '.') {
			continue // part of a number, such as 1e9
		}
		names = append(names, id)
	}
	return names
}

func TestMetricNames(t *testing.T) {
	for _, c := range []struct {
		expr string
		want string
	}{
		{`sum by (class) (rate(newsbot_telegram_requests_total{method!="getUpdates"}[5m]))`, "newsbot_telegram_requests_total"},
		{`histogram_quantile(0.95, sum by (le) (rate(x_bucket{a="b"}[5m])))`, "x_bucket"},
		{`sum(a{state=~"sent|failed"}) / clamp_min(sum(b), 1)`, "a b"},
		{`time() - max(c)`, "c"},
		{`max by (version, revision) (newsbot_build_info)`, "newsbot_build_info"},
		{`vector(30)`, ""},
		{`d * 1e3 + 2.5`, "d"},
	} {
		if got := strings.Join(metricNames(c.expr), " "); got != c.want {
			t.Errorf("metricNames(%q): got %q, want %q", c.expr, got, c.want)
		}
	}
}
