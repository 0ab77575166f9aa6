package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/internal/telegraphfake"
	"github.com/newsbot/newsbot/internal/tgfake"
)

const testToken = "424242:service-test-token"

// syncBuffer is a bytes.Buffer safe for the service's log and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// runningService is the service started by startService.
type runningService struct {
	vars   map[string]string
	fake   *tgfake.Server
	log    *syncBuffer
	cancel context.CancelFunc
	done   chan error
}

// startService runs the service against a fake Bot API until the test ends,
// and waits until it polls.
func startService(t *testing.T, extra map[string]string) *runningService {
	t.Helper()
	fake := tgfake.New(t, tgfake.Options{Token: testToken, Username: "news_test_bot"})
	vars := shellEnv(t)
	vars["TELEGRAM_BOT_TOKEN"] = testToken
	vars["TELEGRAM_API_ENDPOINT"] = fake.URL
	vars["ADMIN_IDS"] = "7"
	for k, v := range extra {
		vars[k] = v
	}
	ctx, cancel := context.WithCancel(context.Background())
	rs := &runningService{vars: vars, fake: fake, log: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	go func() {
		rs.done <- run(ctx, []string{"run"}, env(vars), &bytes.Buffer{}, rs.log)
	}()
	t.Cleanup(func() { rs.stop(t) })
	rs.fake.Await(t, "the service to poll", func() bool { return fake.Calls("getUpdates") > 0 })
	if _, err := os.Stat(socketPath(vars["DB_PATH"])); err != nil {
		t.Fatalf("control socket: %v", err)
	}
	return rs
}

// stop ends the service as SIGTERM does, and checks it stopped cleanly.
func (rs *runningService) stop(t *testing.T) {
	t.Helper()
	if rs.cancel == nil {
		return
	}
	rs.cancel()
	rs.cancel = nil
	select {
	case err := <-rs.done:
		if err != nil {
			t.Errorf("service: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("service still running 10 s after it was told to stop")
	}
}

func TestServiceAnswersReadersAndShellCommands(t *testing.T) {
	rs := startService(t, nil)
	reader := tgbotapi.User{ID: 1001, FirstName: "Reader", LanguageCode: "en"}
	rs.fake.PostPrivate(reader, "/start")
	rs.fake.Await(t, "the welcome and the latest article", func() bool { return len(rs.fake.MessagesTo(reader.ID)) >= 2 })
	if got := rs.fake.MessagesTo(reader.ID)[1]; !strings.Contains(got.Visible, "美日韩特使") {
		t.Errorf("second answer to /start: got %q, want the seed's article", got.Visible)
	}

	stdout, _, err := runCmd(t, rs.vars, "stats")
	if err != nil || !strings.Contains(stdout, "active 1") || !strings.Contains(stdout, "Articles: 1") ||
		!strings.Contains(stdout, "Seeds: 1 files, 0 outside the horizon, 0 refused") {
		t.Errorf("stats through the service: got %q, %v", stdout, err)
	}
	// The article went out as /start's answer, so nothing is due.
	stdout, _, err = runCmd(t, rs.vars, "broadcast", "-wait")
	if err != nil || !strings.Contains(stdout, "Nothing is due") {
		t.Errorf("broadcast: got %q, %v; want nothing due", stdout, err)
	}

	// A new seed file, then SIGHUP: ingested and, on demand, broadcast.
	writeSeed(t, rs.vars["SEEDS_DIR"], "c.txt", "https://example.com/news/2", "Second article")
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	rs.fake.Await(t, "the SIGHUP rescan", func() bool { return strings.Contains(rs.log.String(), "trigger=SIGHUP") })
	stdout, _, err = runCmd(t, rs.vars, "broadcast", "-wait")
	if err != nil || !strings.Contains(stdout, "done in") || !strings.Contains(stdout, "sent 1,") {
		t.Errorf("broadcast -wait: got %q, %v; want 1 sent", stdout, err)
	}
	if n := len(rs.fake.MessagesTo(reader.ID)); n != 3 {
		t.Errorf("reader got %d messages, want 3", n)
	}

	dst := filepath.Join(t.TempDir(), "copy.db")
	if _, _, err := runCmd(t, rs.vars, "backup", dst); err != nil {
		t.Errorf("backup through the service: %v", err)
	}

	rs.stop(t)
	if strings.Contains(rs.log.String(), testToken) {
		t.Errorf("the token reached the log")
	}
	// The first scan runs beside the bot's start: its articles are in the
	// scan's line, not necessarily in the start's.
	for _, want := range []string{"bot started", "endpoint=127.0.0.1:", "trigger=start files=1 added=1", "bot stopped"} {
		if !strings.Contains(rs.log.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, rs.log.String())
		}
	}
}

func TestServiceSecondInstanceExits(t *testing.T) {
	rs := startService(t, nil)
	start := time.Now()
	_, _, err := runCmd(t, rs.vars, "run")
	if err == nil || !strings.Contains(err.Error(), "another instance of the bot is running") {
		t.Errorf("second instance: got %v, want it to say another instance runs", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("second instance took %v to give up", d)
	}
}

func TestServiceBroadcastsNewArticlesAutomatically(t *testing.T) {
	rs := startService(t, map[string]string{"SCAN_INTERVAL": "100ms", "BROADCAST_INTERVAL": "200ms"})
	reader := tgbotapi.User{ID: 1002, FirstName: "Reader"}
	rs.fake.PostPrivate(reader, "/subscribe")
	rs.fake.Await(t, "the subscription", func() bool { return len(rs.fake.MessagesTo(reader.ID)) >= 1 })
	writeSeed(t, rs.vars["SEEDS_DIR"], "d.txt", "https://example.com/news/3", "Third article")
	rs.fake.Await(t, "the new article delivered", func() bool {
		for _, m := range rs.fake.MessagesTo(reader.ID) {
			if strings.Contains(m.Visible, "Third article") {
				return true
			}
		}
		return false
	})
}

func TestServiceNeedsToken(t *testing.T) {
	vars := shellEnv(t)
	_, _, err := runCmd(t, vars, "run")
	if !errors.Is(err, errNoToken) || !strings.Contains(err.Error(), "@BotFather") {
		t.Errorf("got %v, want the explanation of how to get a token", err)
	}
}

// writeSeed writes a seed document for url into dir, published now.
func writeSeed(t *testing.T, dir, name, url, headline string) {
	t.Helper()
	now := time.Now().UTC()
	doc := "<!--" + itoa(now.UnixMilli()) + "-->\n[" + headline + "](" + url + ")\n------\n\n<div><i>" +
		now.Format(time.RFC1123) + "</i></div><p>" + headline + ": the lead paragraph of this article.</p>\n"
	if err := os.WriteFile(filepath.Join(dir, name), []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// An article that arrives while an automatic broadcast runs goes out in the
// next one.
func TestServiceBroadcastsArticlesThatArriveMidBroadcast(t *testing.T) {
	rs := startService(t, map[string]string{"SCAN_INTERVAL": "100ms", "BROADCAST_INTERVAL": "200ms"})
	reader := tgbotapi.User{ID: 1003, FirstName: "Reader"}
	rs.fake.PostPrivate(reader, "/subscribe")
	rs.fake.Await(t, "the subscription", func() bool { return len(rs.fake.MessagesTo(reader.ID)) >= 1 })
	// Three articles for one chat take two seconds at one message a second.
	for i, name := range []string{"e1", "e2", "e3"} {
		writeSeed(t, rs.vars["SEEDS_DIR"], name+".txt", "https://example.com/news/e"+strconv.Itoa(i), "Early "+name)
	}
	received := func(headline string) bool {
		for _, m := range rs.fake.MessagesTo(reader.ID) {
			if strings.Contains(m.Visible, headline) {
				return true
			}
		}
		return false
	}
	rs.fake.Await(t, "the first broadcast's first article", func() bool { return received("Early e1") })
	writeSeed(t, rs.vars["SEEDS_DIR"], "late.txt", "https://example.com/news/late", "Late arrival")
	rs.fake.Await(t, "the late article in a later broadcast", func() bool { return received("Late arrival") })
}

// TestServiceTelegraph: with TELEGRAPH=on, an article's message links to
// its Telegraph page, its full-text button brings the whole article, and
// an edited seed file, ingested through the control socket, edits the page.
func TestServiceTelegraph(t *testing.T) {
	tf := telegraphfake.New(t, telegraphfake.Options{})
	rs := startService(t, map[string]string{"TELEGRAPH": "on", "TELEGRAPH_ENDPOINT": tf.URL})
	// The seeds are scanned in the background: wait for the first scan.
	rs.fake.Await(t, "the first scan", func() bool { return strings.Contains(rs.log.String(), "trigger=start") })
	reader := tgbotapi.User{ID: 1004, FirstName: "Reader", LanguageCode: "en"}
	rs.fake.PostPrivate(reader, "/latest")
	rs.fake.Await(t, "the latest article", func() bool { return len(rs.fake.MessagesTo(reader.ID)) >= 1 })
	m := rs.fake.MessagesTo(reader.ID)[0]
	pages := tf.Pages()
	if len(pages) != 1 || tf.Creates() != 1 {
		t.Fatalf("got pages %+v, want one", pages)
	}
	if len(m.Buttons) != 1 || len(m.Buttons[0]) != 2 ||
		!strings.HasPrefix(m.Buttons[0][0].URL, "https://t.me/news_test_bot?start=") || m.Buttons[0][1].URL != pages[0].URL {
		t.Fatalf("got buttons %+v, want the full text's and the page's %s", m.Buttons, pages[0].URL)
	}
	if !strings.Contains(m.Text, `href="`+pages[0].URL+`"`) {
		t.Errorf("got caption %q, want a link to the page", m.Text)
	}

	other := tgbotapi.User{ID: 1005, FirstName: "Other"}
	if _, err := rs.fake.FollowStartLink(other, m.Buttons[0][0].URL); err != nil {
		t.Fatal(err)
	}
	rs.fake.Await(t, "the full text", func() bool {
		got := rs.fake.MessagesTo(other.ID)
		return len(got) >= 2 && strings.Contains(got[len(got)-1].Visible, "/subscribe")
	})
	if got := rs.fake.MessagesTo(other.ID); got[0].Method != "sendPhoto" ||
		!strings.Contains(got[1].Visible, "（本文依据了美联社和路透社的报道）") {
		t.Errorf("got %d messages, want the photo, then the text to its last paragraph", len(got))
	}

	file := filepath.Join(rs.vars["SEEDS_DIR"], "a.txt")
	seed, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(seed), "（本文依据了美联社和路透社的报道）", "（本文依据了美联社的报道）", 1)
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if stdout, _, err := runCmd(t, rs.vars, "ingest"); err != nil || !strings.Contains(stdout, "1 changed") {
		t.Fatalf("ingest: got %q, %v; want 1 changed", stdout, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := tf.Wait(ctx, func() bool { return tf.Edits() == 1 }); err != nil {
		t.Fatalf("the page was not edited: %v", err)
	}
	p, _ := tf.Page(pages[0].Path)
	if texts := strings.Join(telegraphfake.Texts(p.Content), ""); !strings.Contains(texts, "（本文依据了美联社的报道）") || tf.Creates() != 1 {
		t.Errorf("got %d pages and the texts %q…, want one page, edited", tf.Creates(), texts[:min(len(texts), 60)])
	}
	rs.stop(t)
	if strings.Contains(rs.log.String(), pages[0].Token) {
		t.Errorf("the Telegraph token reached the log")
	}
}
