package main

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/newsbot/newsbot/internal/tgfake"
)

// metricsAddr is the address the service's log says /metrics is served on.
func (rs *runningService) metricsAddr(t *testing.T) string {
	t.Helper()
	re := regexp.MustCompile(`metrics: serving /metrics and /healthz" addr=(\S+)`)
	var addr string
	rs.fake.Await(t, "the metrics server", func() bool {
		m := re.FindStringSubmatch(rs.log.String())
		if m != nil {
			addr = m[1]
		}
		return m != nil
	})
	return addr
}

// get answers GET url: the status and the body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// sample is the value of the family name whose labels include the pairs of
// want, summed over the matching series (0 when the family is missing).
func sample(fams map[string]*dto.MetricFamily, name string, want ...string) float64 {
	var sum float64
series:
	for _, m := range fams[name].GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(want); i += 2 {
			if labels[want[i]] != want[i+1] {
				continue series
			}
		}
		sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
	}
	return sum
}

// TestServiceServesMetrics runs the service with METRICS_ADDR, broadcasts
// through the fake with a 429 and a 502 injected, and checks that /metrics
// agrees with the ledger and the fake, that /healthz and "bot healthcheck"
// say healthy, and that the metrics hold neither the token nor a chat ID.
func TestServiceServesMetrics(t *testing.T) {
	rs := startService(t, map[string]string{"METRICS_ADDR": "127.0.0.1:0"})
	addr := rs.metricsAddr(t)
	readers := []int64{3101, 3102, 3103}
	for _, id := range readers {
		rs.fake.PostPrivate(tgbotapi.User{ID: id, FirstName: "Reader"}, "/subscribe")
	}
	rs.fake.Await(t, "the subscriptions", func() bool {
		for _, id := range readers {
			if len(rs.fake.MessagesTo(id)) == 0 {
				return false
			}
		}
		return true
	})
	writeSeed(t, rs.vars["SEEDS_DIR"], "m.txt", "https://example.com/news/m", "Metrics article")
	if _, _, err := runCmd(t, rs.vars, "ingest"); err != nil {
		t.Fatal(err)
	}
	rs.fake.Inject("sendMessage", 0, tgfake.BadGateway(), 1)
	rs.fake.Inject("sendMessage", 0, tgfake.TooMany(1), 1)
	stdout, _, err := runCmd(t, rs.vars, "broadcast", "-wait")
	if err != nil || !strings.Contains(stdout, "sent 3,") {
		t.Fatalf("broadcast -wait: got %q, %v; want 3 sent", stdout, err)
	}
	stdout, _, err = runCmd(t, rs.vars, "stats", "-json")
	var st statsReport
	if err != nil || json.Unmarshal([]byte(stdout), &st) != nil {
		t.Fatalf("stats -json: got %q, %v", stdout, err)
	}

	code, body := get(t, "http://"+addr+"/metrics")
	if code != http.StatusOK {
		t.Fatalf("/metrics: got %d %s", code, body)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v", err)
	}
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"newsbot_telegram_requests_total", []string{"method", "sendMessage"}, float64(rs.fake.Calls("sendMessage"))},
		{"newsbot_telegram_requests_total", []string{"method", "sendMessage", "class", "ok"}, float64(len(rs.fake.Messages()))},
		{"newsbot_telegram_requests_total", []string{"method", "sendMessage", "class", "not_delivered"}, 1},
		{"newsbot_telegram_too_many_requests_total", nil, float64(rs.fake.TooManyRequests())},
		{"newsbot_deliveries_total", []string{"state", "sent"}, 3},
		{"newsbot_ledger_entries", []string{"state", "sent"}, float64(st.Deliveries["sent"])},
		{"newsbot_subscribers", []string{"kind", "private", "status", "active"}, float64(st.Subscribers["active"])},
		{"newsbot_articles", nil, float64(st.Articles)},
		{"newsbot_broadcasts_finished_total", nil, 1},
		{"newsbot_rate_limit_messages_per_second", nil, 25},
		{"newsbot_database_up", nil, 1},
	} {
		if got := sample(fams, c.name, c.labels...); got != c.want {
			t.Errorf("%s%v: got %v, want %v", c.name, c.labels, got, c.want)
		}
	}
	// At the start, for "bot ingest", and maybe for the watcher's event.
	if got := sample(fams, "newsbot_scans_total", "result", "ok"); got < 2 {
		t.Errorf("newsbot_scans_total{result=ok}: got %v, want at least 2", got)
	}
	if strings.Contains(body, testToken) || strings.Contains(body, "example.com") {
		t.Errorf("/metrics holds the token or an article's URL")
	}
	// No label holds a chat ID (a figure may hold the digits by chance).
	for _, f := range fams {
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				for _, id := range readers {
					if strings.Contains(l.GetValue(), strconv.FormatInt(id, 10)) {
						t.Errorf("%s: label %s=%q holds chat %d", f.GetName(), l.GetName(), l.GetValue(), id)
					}
				}
			}
		}
	}

	if code, body := get(t, "http://"+addr+"/healthz"); code != http.StatusOK || !strings.Contains(body, `"ok":true`) {
		t.Errorf("/healthz: got %d %s, want 200 ok", code, body)
	}
	vars := map[string]string{"METRICS_ADDR": addr}
	if stdout, _, err := runCmd(t, vars, "healthcheck"); err != nil || !strings.Contains(stdout, `"ok":true`) {
		t.Errorf("healthcheck: got %q, %v; want healthy", stdout, err)
	}
	rs.stop(t)
	if _, _, err := runCmd(t, vars, "healthcheck"); err == nil {
		t.Errorf("healthcheck of a stopped service: got no error")
	}
}

func TestHealthcheckWithoutMetrics(t *testing.T) {
	if _, _, err := runCmd(t, nil, "healthcheck"); !errors.Is(err, errNoMetrics) {
		t.Errorf("got %v, want errNoMetrics", err)
	}
}

func TestDialAddr(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{":9464", "127.0.0.1:9464"},
		{"0.0.0.0:9464", "127.0.0.1:9464"},
		{"[::]:9464", "[::1]:9464"},
		{"127.0.0.1:9464", "127.0.0.1:9464"},
		{"metrics.internal:9464", "metrics.internal:9464"},
	} {
		if got := dialAddr(c.in); got != c.want {
			t.Errorf("dialAddr(%q): got %q, want %q", c.in, got, c.want)
		}
	}
}
