package metrics

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// newTestStore opens a store in a temporary folder, closed when the test
// ends unless the test closed it.
func newTestStore(t *testing.T) *state.Store {
	t.Helper()
	s, err := state.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newClient connects to the fake with short timeouts, telling m of every
// request.
func newClient(t *testing.T, fake *tgfake.Server, m *Metrics) *telegram.Client {
	t.Helper()
	c, err := telegram.New(context.Background(), telegram.Config{
		Token:       fake.Token,
		APIEndpoint: fake.URL,
		SendTimeout: 5 * time.Second,
		PollTimeout: time.Second,
		MinBackoff:  10 * time.Millisecond,
		MaxBackoff:  50 * time.Millisecond,
		Logger:      quiet,
		Observe:     m.ObserveCall,
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// putArticles stores n articles published in the last hours.
func putArticles(t *testing.T, s *state.Store, n int) {
	t.Helper()
	var batch []state.Article
	for i := range n {
		pub := time.Now().Add(-time.Duration(n-i) * time.Hour)
		a := content.Article{ID: fmt.Sprintf("a%d", i), Headline: fmt.Sprintf("Headline %d", i),
			URL: fmt.Sprintf("https://news.example/%d", i), Published: pub, Lead: "A lead.", Source: "News"}
		data, err := ingest.EncodeArticle(&a)
		if err != nil {
			t.Fatal(err)
		}
		batch = append(batch, state.Article{ID: a.ID, Published: pub, Data: data})
	}
	if _, err := s.UpsertArticles(batch); err != nil {
		t.Fatal(err)
	}
}

// scrape gets /metrics from h and parses it with Prometheus's text parser.
func scrape(t *testing.T, h http.Handler) (map[string]*dto.MetricFamily, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("/metrics: got %d %s", rec.Code, rec.Body)
	}
	body := rec.Body.String()
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(strings.NewReader(body))
	if err != nil {
		t.Fatalf("/metrics does not parse: %v\n%s", err, body)
	}
	return fams, body
}

// value sums the samples of the family name whose labels include want: a
// counter's or a gauge's value, a histogram's count. It fails the test
// when the family is missing.
func value(t *testing.T, fams map[string]*dto.MetricFamily, name string, want ...string) float64 {
	t.Helper()
	f, ok := fams[name]
	if !ok {
		t.Fatalf("/metrics lacks %s", name)
	}
	var sum float64
metrics:
	for _, m := range f.GetMetric() {
		labels := map[string]string{}
		for _, l := range m.GetLabel() {
			labels[l.GetName()] = l.GetValue()
		}
		for i := 0; i+1 < len(want); i += 2 {
			if labels[want[i]] != want[i+1] {
				continue metrics
			}
		}
		switch {
		case m.Counter != nil:
			sum += m.GetCounter().GetValue()
		case m.Gauge != nil:
			sum += m.GetGauge().GetValue()
		case m.Histogram != nil:
			sum += float64(m.GetHistogram().GetSampleCount())
		case m.Untyped != nil:
			sum += m.GetUntyped().GetValue()
		}
	}
	return sum
}

// health gets /healthz from h.
func health(h http.Handler) (int, string) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/healthz", nil))
	return rec.Code, rec.Body.String()
}

// clock is a settable clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
