package bot

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// adminID is the admin of every harness.
const adminID = 42

// A harness runs a Bot against the fake Bot API, with a store and a seeds
// folder of its own.
type harness struct {
	t     testing.TB
	fake  *tgfake.Server
	store *state.Store
	dir   string
	lib   *ingest.Library
	bot   *Bot
	log   *syncBuffer

	stop context.CancelFunc
	done chan error
}

// newHarness builds a Bot (run starts it) with the admin adminID, a short
// back-off, and the log in h.log.
func newHarness(t testing.TB, fo tgfake.Options, o Options, config ...func(*telegram.Config)) *harness {
	t.Helper()
	h := &harness{t: t, fake: tgfake.New(t, fo), store: newTestStore(t), dir: t.TempDir(), log: &syncBuffer{}}
	h.lib = ingest.NewLibrary(h.dir, h.store)
	cfg := testConfig(h.fake, h.log)
	for _, f := range config {
		f(&cfg)
	}
	c, err := telegram.New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if o.AdminIDs == nil {
		o.AdminIDs = []int64{adminID}
	}
	if o.Backoff == 0 {
		o.Backoff = 10 * time.Millisecond
	}
	if o.Logger == nil {
		o.Logger = testConfig(h.fake, h.log).Logger
	}
	h.bot = NewBot(c, h.store, h.lib, o)
	return h
}

// run starts the bot; it is stopped when the test ends.
func (h *harness) run() *harness {
	ctx, cancel := context.WithCancel(context.Background())
	h.stop, h.done = cancel, make(chan error, 1)
	go func() { h.done <- h.bot.Run(ctx) }()
	h.t.Cleanup(func() { h.shutdown() })
	return h
}

// shutdown stops the bot and waits for Run to return.
func (h *harness) shutdown() error {
	h.t.Helper()
	if h.stop == nil {
		return nil
	}
	h.stop()
	h.stop = nil
	select {
	case err := <-h.done:
		return err
	case <-time.After(30 * time.Second):
		h.t.Fatal("Run did not return")
		return nil
	}
}

// settle waits until the bot has taken every queued update, then stops it:
// every answer has been sent when it returns.
func (h *harness) settle() {
	h.t.Helper()
	h.fake.Await(h.t, "updates confirmed", func() bool { return h.fake.Pending() == 0 })
	if err := h.shutdown(); err != nil {
		h.t.Fatalf("Run: %v", err)
	}
}

// waitMessages waits until chat got at least n messages and returns them.
func (h *harness) waitMessages(t testing.TB, chat int64, n int) []tgfake.Message {
	t.Helper()
	h.fake.Await(t, fmt.Sprintf("%d messages to %d", n, chat), func() bool { return len(h.fake.MessagesTo(chat)) >= n })
	return h.fake.MessagesTo(chat)
}

// addArticles writes n seed documents published an hour apart from pub and
// scans them in; it returns their headlines, oldest first.
func (h *harness) addArticles(prefix string, n int, pub time.Time) []string {
	h.t.Helper()
	var heads []string
	for i := range n {
		head := fmt.Sprintf("%s headline %d", prefix, i)
		p := pub.Add(time.Duration(i) * time.Hour)
		writeFile(h.t, h.dir, fmt.Sprintf("%s-%d.txt", prefix, i),
			seedDoc(fmt.Sprintf("https://news.example/%s/%d", prefix, i), head, p, p, "Lead of "+head+"."))
		heads = append(heads, head)
	}
	if _, err := h.lib.Scan(context.Background()); err != nil {
		h.t.Fatalf("Scan: %v", err)
	}
	return heads
}

func user(id int64, lang string) tgbotapi.User {
	return tgbotapi.User{ID: id, FirstName: fmt.Sprintf("User%d", id), LanguageCode: lang}
}

// visible is the texts of msgs as readers see them.
func visible(msgs []tgfake.Message) []string {
	var out []string
	for _, m := range msgs {
		out = append(out, m.Visible)
	}
	return out
}

func isSubscribed(t testing.TB, s *state.Store, chat int64) bool {
	t.Helper()
	sub, err := s.Subscriber(chat)
	return err == nil && sub.Status == state.Active
}

// now is a publication time within any MaxAge.
func recent() time.Time { return time.Now().Add(-24 * time.Hour).Truncate(time.Second) }

func contains(s, sub string) bool { return strings.Contains(s, sub) }
