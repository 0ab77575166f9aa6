package metrics

import (
	"errors"
	"strings"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/newsbot/newsbot/state"
)

// The figures read from the store at each scrape.
var (
	descDatabaseUp = prometheus.NewDesc("newsbot_database_up",
		"1 when the database answered the scrape, else 0 (and the store's figures are left out).", nil, nil)
	descSubscribers = prometheus.NewDesc("newsbot_subscribers",
		"Subscribers by kind of chat (private, group, channel) and status (active, unsubscribed, blocked, not_found, kicked, no_rights).",
		[]string{"kind", "status"}, nil)
	descArticles = prometheus.NewDesc("newsbot_articles",
		"Articles stored.", nil, nil)
	descLedger = prometheus.NewDesc("newsbot_ledger_entries",
		"The delivery ledger's entries by state, now (entries folded by RETENTION are not counted).",
		[]string{"state"}, nil)
	descAnnouncements = prometheus.NewDesc("newsbot_announcements_queued",
		"Announcements waiting for the next broadcast.", nil, nil)
	descRunning = prometheus.NewDesc("newsbot_broadcast_running",
		"1 while a broadcast is unfinished, else 0.", nil, nil)
	descPlanned = prometheus.NewDesc("newsbot_broadcast_planned_messages",
		"The running broadcast's messages to send: sent, failed, unknown, sending and pending (0 when none runs).", nil, nil)
	descBroadcastMessages = prometheus.NewDesc("newsbot_broadcast_messages",
		"The running broadcast's entries by state (0 when none runs).", []string{"state"}, nil)
	descBroadcastChats = prometheus.NewDesc("newsbot_broadcast_chats",
		"The chats the running broadcast sends to (0 when none runs).", nil, nil)
)

// chatKinds are the kinds of chat newsbot_subscribers counts.
var chatKinds = []state.Kind{state.Private, state.Group, state.Channel}

// statusName is a subscriber's status as a label value.
func statusName(s state.Status) string { return strings.ReplaceAll(s.String(), " ", "_") }

// allStates and allStatuses are every entry state and subscriber status.
var (
	allStates   = []state.EntryState{state.Pending, state.Sending, state.Sent, state.Failed, state.Skipped, state.Unknown}
	allStatuses = []state.Status{state.Active, state.Unsubscribed, state.Blocked, state.ChatNotFound, state.Kicked, state.NoRights}
)

// storeCollector reads the store's figures when Prometheus scrapes.
type storeCollector struct{ m *Metrics }

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descDatabaseUp, descSubscribers, descArticles, descLedger,
		descAnnouncements, descRunning, descPlanned, descBroadcastMessages, descBroadcastChats} {
		ch <- d
	}
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	store := c.m.store
	st, err := store.Stats()
	if err != nil {
		c.m.log.Warn("metrics: the store's figures are unreadable", "err", err)
		gauge(descDatabaseUp, 0)
		return
	}
	subs := make(map[[2]string]int)
	if err := store.EachSubscriberStatus(func(k state.Kind, s state.Status) {
		subs[[2]string{k.String(), statusName(s)}]++
	}); err != nil {
		c.m.log.Warn("metrics: the subscribers are unreadable", "err", err)
		gauge(descDatabaseUp, 0)
		return
	}
	cur, err := store.CurrentBroadcast()
	if err != nil && !errors.Is(err, state.ErrNotFound) {
		c.m.log.Warn("metrics: the current broadcast is unreadable", "err", err)
		gauge(descDatabaseUp, 0)
		return
	}
	gauge(descDatabaseUp, 1)
	for _, k := range chatKinds {
		kind := k.String()
		for _, s := range allStatuses {
			gauge(descSubscribers, float64(subs[[2]string{kind, statusName(s)}]), kind, statusName(s))
		}
	}
	gauge(descArticles, float64(st.Articles))
	for _, s := range allStates {
		gauge(descLedger, float64(st.Deliveries[s]), s.String())
	}
	gauge(descAnnouncements, float64(st.Announcements))

	running := cur.ID != 0
	gauge(descRunning, b2f(running))
	gauge(descPlanned, float64(cur.Sent+cur.Failed+cur.Unknown+cur.Sending+cur.Pending))
	for _, s := range allStates {
		gauge(descBroadcastMessages, float64(countOf(cur, s)), s.String())
	}
	gauge(descBroadcastChats, float64(cur.Chats))
}

// countOf is b's count of entries in state s.
func countOf(b state.Broadcast, s state.EntryState) int {
	switch s {
	case state.Pending:
		return b.Pending
	case state.Sending:
		return b.Sending
	case state.Sent:
		return b.Sent
	case state.Failed:
		return b.Failed
	case state.Skipped:
		return b.Skipped
	case state.Unknown:
		return b.Unknown
	}
	return 0
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
