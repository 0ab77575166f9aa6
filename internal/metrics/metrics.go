package metrics

import (
	"log/slog"
	"runtime/debug"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/state"
)

// DefaultPollWindow is how recent the last successful getUpdates must be
// for /healthz to answer 200: longer than a long poll (50 s).
const DefaultPollWindow = time.Minute

// Options configure a Metrics. The zero value works.
type Options struct {
	// RateLimit is the broadcast's RATE_LIMIT, served as
	// newsbot_rate_limit_messages_per_second for dashboards; 0 leaves it
	// out.
	RateLimit float64
	// PollWindow is how recent the last successful getUpdates must be for
	// /healthz to answer 200; default DefaultPollWindow.
	PollWindow time.Duration
	// Now is the health check's clock; default time.Now.
	Now func() time.Time
	// Logger gets the errors of scrapes; default slog.Default().
	Logger *slog.Logger
}

// A Metrics keeps the bot's counters and reads its store's figures when
// Prometheus scrapes. It is safe for concurrent use.
type Metrics struct {
	store *state.Store
	opt   Options
	reg   *prometheus.Registry
	log   *slog.Logger
	born  time.Time // before the first poll, health counts from here

	requests     *prometheus.CounterVec   // method, class
	latency      *prometheus.HistogramVec // method
	tooMany      prometheus.Counter
	retryAfter   prometheus.Counter
	paused       prometheus.Counter
	deliveries   *prometheus.CounterVec // state
	started      prometheus.Counter
	finished     prometheus.Counter
	fallbacks    *prometheus.CounterVec // step
	scans        *prometheus.CounterVec // result
	scanArticles *prometheus.CounterVec // result: added, changed
	seedFiles    prometheus.Gauge
	refused      *prometheus.GaugeVec // reason
	lastScan     prometheus.Gauge

	mu       sync.Mutex
	lastPoll time.Time // the last successful getUpdates
	pollErr  string    // what the last failed getUpdates got, for /healthz
}

// New returns a Metrics reading store's figures. It registers every
// collector on a registry of its own; it returns no error.
func New(store *state.Store, opt Options) *Metrics {
	if opt.PollWindow <= 0 {
		opt.PollWindow = DefaultPollWindow
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.Logger == nil {
		opt.Logger = slog.Default()
	}
	m := &Metrics{
		store: store,
		opt:   opt,
		reg:   prometheus.NewRegistry(),
		log:   opt.Logger,
		born:  opt.Now(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_telegram_requests_total",
			Help: "Bot API requests by method and outcome class (ok, retry_after, forbidden, not_delivered, unknown_outcome, ...).",
		}, []string{"method", "class"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "newsbot_telegram_request_duration_seconds",
			Help:    "Time from a Bot API request's start to its answer read, by method (getUpdates long-polls).",
			Buckets: []float64{0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60},
		}, []string{"method"}),
		tooMany: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsbot_telegram_too_many_requests_total",
			Help: "429 Too Many Requests answers received.",
		}),
		retryAfter: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsbot_telegram_retry_after_seconds_total",
			Help: "Seconds of retry_after that 429 answers asked for.",
		}),
		paused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsbot_send_paused_seconds_total",
			Help: "Seconds all sending was paused by 429 answers (overlapping pauses counted once).",
		}),
		deliveries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_deliveries_total",
			Help: "Outcomes of sends recorded in the ledger (broadcasts and /latest), by state: sent, failed, pending (retried by the next broadcast), unknown.",
		}, []string{"state"}),
		started: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsbot_broadcasts_started_total",
			Help: "Broadcasts whose delivery began in this process, planned or resumed.",
		}),
		finished: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "newsbot_broadcasts_finished_total",
			Help: "Broadcasts finished in this process.",
		}),
		fallbacks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_photo_fallbacks_total",
			Help: "Failed steps of sending an article's photo (file_id, url, upload), and articles sent as text because no photo worked (text).",
		}, []string{"step"}),
		scans: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_scans_total",
			Help: "Scans of the seeds folder, by result (ok, error).",
		}, []string{"result"}),
		scanArticles: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "newsbot_scan_articles_total",
			Help: "Articles scans stored, by what the store made of them (added, changed).",
		}, []string{"result"}),
		seedFiles: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "newsbot_seed_files",
			Help: "Seed files in the folder at the last successful scan.",
		}),
		refused: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "newsbot_seed_files_refused",
			Help: "Files of the seeds folder that are not seed documents, at the last successful scan, by reason.",
		}, []string{"reason"}),
		lastScan: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "newsbot_scan_last_success_timestamp_seconds",
			Help: "When the last successful scan of the seeds folder ended, in Unix seconds.",
		}),
	}
	for _, st := range deliveryStates {
		m.deliveries.WithLabelValues(st.String())
	}
	for _, step := range fallbackSteps {
		m.fallbacks.WithLabelValues(step)
	}
	for _, r := range []string{"ok", "error"} {
		m.scans.WithLabelValues(r)
	}
	for _, r := range []string{"added", "changed"} {
		m.scanArticles.WithLabelValues(r)
	}
	for _, r := range refusals {
		m.refused.WithLabelValues(r.name)
	}
	m.refused.WithLabelValues(otherRefusal)

	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfo(),
		m.requests, m.latency, m.tooMany, m.retryAfter, m.paused, m.deliveries, m.started, m.finished,
		m.fallbacks, m.scans, m.scanArticles, m.seedFiles, m.refused, m.lastScan,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "newsbot_telegram_last_poll_success_timestamp_seconds",
			Help: "When the last successful getUpdates ended, in Unix seconds; 0 before the first.",
		}, m.lastPollSeconds),
		&storeCollector{m: m},
	)
	if opt.RateLimit > 0 {
		m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "newsbot_rate_limit_messages_per_second",
			Help: "The broadcast's RATE_LIMIT: broadcast messages a second at most.",
		}, func() float64 { return opt.RateLimit }))
	}
	return m
}

// buildInfo is newsbot_build_info: 1, labelled with the version, the VCS
// revision (when the build recorded one) and the Go version.
func buildInfo() prometheus.Collector {
	version, revision, goVersion := "unknown", "unknown", "unknown"
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && s.Value != "" {
				revision = s.Value
			}
		}
	}
	return prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name:        "newsbot_build_info",
		Help:        "1, labelled with the bot's version, VCS revision and Go version.",
		ConstLabels: prometheus.Labels{"version": version, "revision": revision, "go_version": goVersion},
	}, func() float64 { return 1 })
}

// deliveryStates are the outcomes Delivered counts.
var deliveryStates = []state.EntryState{state.Sent, state.Failed, state.Pending, state.Unknown}

// fallbackSteps are the steps PhotoFallback counts.
var fallbackSteps = []string{"file_id", "url", "upload", "text"}

// ObserveCall counts one Bot API request: use it as telegram.Config.Observe.
// A successful getUpdates is the poll /healthz looks for.
func (m *Metrics) ObserveCall(c telegram.Call) {
	m.requests.WithLabelValues(c.Method, className(c.Class)).Inc()
	m.latency.WithLabelValues(c.Method).Observe(c.Duration.Seconds())
	if c.Class == telegram.ClassRetryAfter {
		m.tooMany.Inc()
		m.retryAfter.Add(c.RetryAfter.Seconds())
	}
	if c.Method != "getUpdates" {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if c.Class == telegram.ClassNone {
		m.lastPoll, m.pollErr = m.opt.Now(), ""
		return
	}
	m.pollErr = c.Class.String()
	if c.Code != 0 {
		m.pollErr += ", HTTP " + strconv.Itoa(c.Code)
	}
}

func (m *Metrics) lastPollSeconds() float64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.lastPoll.IsZero() {
		return 0
	}
	return float64(m.lastPoll.UnixNano()) / 1e9
}

// className is a class as a label value.
func className(c telegram.Class) string {
	switch c {
	case telegram.ClassNone:
		return "ok"
	case telegram.ClassRetryAfter:
		return "retry_after"
	case telegram.ClassForbidden:
		return "forbidden"
	case telegram.ClassChatNotFound:
		return "chat_not_found"
	case telegram.ClassMigrated:
		return "migrated"
	case telegram.ClassBadPhoto:
		return "bad_photo"
	case telegram.ClassBadRequest:
		return "bad_request"
	case telegram.ClassTransient:
		return "not_delivered"
	case telegram.ClassUnknownOutcome:
		return "unknown_outcome"
	case telegram.ClassUnauthorized:
		return "unauthorized"
	case telegram.ClassConflict:
		return "conflict"
	}
	return "other"
}

// Delivered counts a send's outcome recorded in the ledger (bot.Events).
func (m *Metrics) Delivered(s state.EntryState) {
	m.deliveries.WithLabelValues(s.String()).Inc()
}

// PhotoFallback counts a failed photo step, or an article sent as text
// (bot.Events).
func (m *Metrics) PhotoFallback(step string) {
	for _, s := range fallbackSteps {
		if s == step {
			m.fallbacks.WithLabelValues(step).Inc()
			return
		}
	}
	m.fallbacks.WithLabelValues("other").Inc()
}

// Paused counts the time a 429 paused all sending (bot.Events).
func (m *Metrics) Paused(d time.Duration) { m.paused.Add(d.Seconds()) }

// BroadcastStarted counts a broadcast whose delivery began (bot.Events).
func (m *Metrics) BroadcastStarted(state.Broadcast) { m.started.Inc() }

// BroadcastFinished counts a finished broadcast (bot.Events).
func (m *Metrics) BroadcastFinished(state.Broadcast) { m.finished.Inc() }

// ObserveScan counts a scan of the seeds folder that ended with res and
// err; a successful one sets the seed files' gauges.
func (m *Metrics) ObserveScan(res ingest.ScanResult, err error) {
	if err != nil {
		m.scans.WithLabelValues("error").Inc()
		return
	}
	m.scans.WithLabelValues("ok").Inc()
	m.scanArticles.WithLabelValues("added").Add(float64(res.Added))
	m.scanArticles.WithLabelValues("changed").Add(float64(res.Changed))
	m.seedFiles.Set(float64(res.Files))
	// RefusedBy counts the whole tree's refused files by the sentinel's
	// text; the labels are the table's names.
	counts := make(map[string]int)
	for key, n := range res.RefusedBy {
		counts[refusalLabel(key)] += n
	}
	for _, r := range refusals {
		m.refused.WithLabelValues(r.name).Set(float64(counts[r.name]))
	}
	m.refused.WithLabelValues(otherRefusal).Set(float64(counts[otherRefusal]))
	m.lastScan.Set(float64(m.opt.Now().UnixNano()) / 1e9)
}

// refusals name the reasons a seed file is refused, as label values.
var refusals = []struct {
	err  error
	name string
}{
	{content.ErrEmpty, "empty"},
	{content.ErrBinary, "binary"},
	{content.ErrNotUTF8, "not_utf8"},
	{content.ErrTooLarge, "too_large"},
	{content.ErrNoTime, "no_time"},
	{content.ErrNoHeadline, "no_headline"},
	{content.ErrEmptyHeadline, "empty_headline"},
	{content.ErrNoRule, "no_rule"},
	{ingest.ErrOutside, "outside"},
}

// otherRefusal is the reason of a file refused for any other cause: one
// that could not be read.
const otherRefusal = "unreadable"

// refusalLabel is the label of a key of ingest.ScanResult.RefusedBy.
func refusalLabel(key string) string {
	for _, r := range refusals {
		if r.err.Error() == key {
			return r.name
		}
	}
	return otherRefusal
}
