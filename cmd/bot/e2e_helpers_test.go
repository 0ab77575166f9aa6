package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// The end-to-end tests build the bot once and run it as child processes
// against the fake Bot API, as an operator runs it.

const (
	// e2eToken is the bot token of the end-to-end tests. Its secret part,
	// after the colon, must appear in no child's output.
	e2eToken  = "5550001:AAE2e-secret-Part_never-printed"
	e2eSecret = "AAE2e-secret-Part_never-printed"
	// e2eAdmin is the admin's user ID (ADMIN_IDS).
	e2eAdmin = 7
)

// e2eBinary is the bot built for the end-to-end tests, once per test binary;
// TestMain removes its folder.
var e2eBinary struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if e2eBinary.dir != "" {
		os.RemoveAll(e2eBinary.dir)
	}
	os.Exit(code)
}

// botBinary builds ./cmd/bot (the package under test) once and returns the
// executable's path. It skips the test under -short. Under -race the child
// is built with -race too: the race-built packages of the test binary are
// in the build cache already (on a fresh machine a plain build would compile
// everything again), and a race in the real process fails its test.
func botBinary(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test: builds and runs the binary")
	}
	b := &e2eBinary
	b.once.Do(func() {
		if b.dir, b.err = os.MkdirTemp("", "newsbot-e2e-"); b.err != nil {
			return
		}
		path := filepath.Join(b.dir, "bot")
		args := []string{"build", "-o", path}
		if raceEnabled() {
			args = append(args, "-race")
		}
		out, err := exec.Command("go", append(args, ".")...).CombinedOutput()
		if err != nil {
			b.err = fmt.Errorf("go build: %w\n%s", err, out)
			return
		}
		b.path = path
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// raceEnabled reports whether this test binary was built with -race.
func raceEnabled() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// A child is one run of the bot binary.
type child struct {
	name   string
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{} // closed when the process has exited
	err    error         // Wait's, once done is closed
}

// startBot starts the bot binary with args, in a folder of its own (so that
// no stray .env is read) and with exactly the environment vars (and HOME and
// PATH). When the test ends the process is killed if it still runs, and its
// output is checked for the token.
func startBot(t *testing.T, vars map[string]string, args ...string) *child {
	t.Helper()
	dir := t.TempDir()
	cmd := exec.Command(botBinary(t), args...)
	cmd.Dir = dir
	// A race-built child would otherwise sleep a second before it exits.
	cmd.Env = []string{"HOME=" + dir, "PATH=" + os.Getenv("PATH"), "GORACE=atexit_sleep_ms=0"}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	c := &child{name: strings.Join(append([]string{"bot"}, args...), " "), cmd: cmd,
		stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.stdout, c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", c.name, err)
	}
	go func() {
		c.err = cmd.Wait()
		close(c.done)
	}()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			cmd.Process.Kill()
			<-c.done
		}
		if c.leaked() {
			t.Errorf("%s: the token's secret appears in its output", c.name)
		}
		if t.Failed() {
			t.Logf("%s: stdout:\n%s\nstderr (last lines):\n%s", c.name, c.stdout, lastLines(c.stderr.String(), 30))
		}
	})
	return c
}

// leaked reports whether the token's secret appears in the child's output.
func (c *child) leaked() bool {
	return strings.Contains(c.stdout.String(), e2eSecret) || strings.Contains(c.stderr.String(), e2eSecret)
}

// signal sends sig to the process.
func (c *child) signal(t *testing.T, sig os.Signal) {
	t.Helper()
	if err := c.cmd.Process.Signal(sig); err != nil {
		t.Fatalf("%s: signal %v: %v", c.name, sig, err)
	}
}

// wait waits up to limit for the process to exit and returns its exit code,
// -1 when a signal ended it.
func (c *child) wait(t *testing.T, limit time.Duration) int {
	t.Helper()
	select {
	case <-c.done:
	case <-time.After(limit):
		t.Fatalf("%s still running after %v", c.name, limit)
	}
	var ee *exec.ExitError
	switch {
	case c.err == nil:
		return 0
	case errors.As(c.err, &ee):
		return ee.ExitCode()
	}
	t.Fatalf("%s: %v", c.name, c.err)
	return 0
}

// stop ends a service with SIGTERM and checks that it exits 0 within 10 s.
// It returns how long that took.
func (c *child) stop(t *testing.T) time.Duration {
	t.Helper()
	start := time.Now()
	c.signal(t, syscall.SIGTERM)
	if code := c.wait(t, 10*time.Second); code != 0 {
		t.Errorf("%s: exit code after SIGTERM: got %d, want 0", c.name, code)
	}
	return time.Since(start)
}

// logged counts the JSON log lines (LOG_FORMAT=json) whose message is msg.
func (c *child) logged(msg string) int {
	n := 0
	for line := range strings.Lines(c.stderr.String()) {
		var rec struct {
			Msg string `json:"msg"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == msg {
			n++
		}
	}
	return n
}

// runBot runs the bot binary with args to its end, within 30 s, and returns
// its output and exit code.
func runBot(t *testing.T, vars map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	c := startBot(t, vars, args...)
	code = c.wait(t, 30*time.Second)
	return c.stdout.String(), c.stderr.String(), code
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// e2eFake starts the fake Bot API for the end-to-end tests' token.
func e2eFake(t *testing.T, o tgfake.Options) *tgfake.Server {
	o.Token, o.Username = e2eToken, "e2e_news_bot"
	return tgfake.New(t, o)
}

// e2eEnv is the environment of a bot talking to fake, reading seeds, with a
// new database; extra adds or overrides variables.
func e2eEnv(t *testing.T, fake *tgfake.Server, seeds string, extra map[string]string) map[string]string {
	t.Helper()
	vars := map[string]string{
		"TELEGRAM_BOT_TOKEN":    e2eToken,
		"TELEGRAM_API_ENDPOINT": fake.URL,
		"ADMIN_IDS":             itoa(e2eAdmin),
		"SEEDS_DIR":             seeds,
		"DB_PATH":               filepath.Join(t.TempDir(), "data", "bot.db"),
		"LOG_FORMAT":            "json",
		"LOG_LEVEL":             "debug",
	}
	for k, v := range extra {
		vars[k] = v
	}
	return vars
}

// startE2EService starts "bot run" and waits until it polls Telegram.
func startE2EService(t *testing.T, fake *tgfake.Server, vars map[string]string) *child {
	t.Helper()
	polls := fake.Calls("getUpdates")
	c := startBot(t, vars, "run")
	fake.Await(t, "the service to poll", func() bool {
		select {
		case <-c.done:
			t.Fatalf("the service exited: %v", c.err)
		default:
		}
		return fake.Calls("getUpdates") > polls
	})
	return c
}

// A seedArticle is a seed document for the end-to-end tests.
type seedArticle struct {
	file      string
	headline  string // unique, and no part of another's
	url       string
	published time.Time
	photo     string // the photo's URL; "" for none
}

// articleAt is the seed article named name (a word), published ago before
// now, with a photo or not.
func articleAt(name string, now time.Time, ago time.Duration, photo bool) seedArticle {
	a := seedArticle{
		file:      strings.ToLower(name) + ".txt",
		headline:  name + " headline of the end-to-end test",
		url:       "https://news.example.com/a/" + strings.ToLower(name) + ".html",
		published: now.Add(-ago).UTC(),
	}
	if photo {
		a.photo = "https://images.example.com/" + strings.ToLower(name) + "_w900.jpg"
	}
	return a
}

// write writes the seed document into dir: into a file beside it first,
// then renamed, so that a scan never reads half of it.
func (a seedArticle) write(t *testing.T, dir string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "<!--%d-->\n[%s](%s)\n------\n\n<div><i>%s</i></div>", a.published.UnixMilli(), a.headline, a.url,
		a.published.Format(time.RFC1123))
	if a.photo != "" {
		fmt.Fprintf(&b, `<img src="%s" width="100%%"><div><small>A caption of %s</small></div>`, a.photo, a.file)
	}
	fmt.Fprintf(&b, "<p>%s: the lead paragraph, which says what happened.</p><p>A second paragraph.</p>\n", a.headline)
	tmp := filepath.Join(t.TempDir(), a.file)
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, a.file)); err != nil {
		t.Fatal(err)
	}
}

// readers are n private chats, IDs from first on, half of them in English.
func readers(first int64, n int) []tgbotapi.User {
	us := make([]tgbotapi.User, n)
	for i := range us {
		us[i] = tgbotapi.User{ID: first + int64(i), FirstName: "Reader"}
		if i%2 == 0 {
			us[i].LanguageCode = "en"
		}
	}
	return us
}

// startReaders sends /start from every reader and waits until each has the
// welcome and the latest article, latest. The readers come ten at a time:
// fifty at once would exceed Telegram's 30 messages a second, and the 429
// pauses would only slow the test down.
func startReaders(t *testing.T, fake *tgfake.Server, us []tgbotapi.User, latest seedArticle) {
	t.Helper()
	for len(us) > 0 {
		wave := us[:min(10, len(us))]
		us = us[len(wave):]
		for _, u := range wave {
			fake.PostPrivate(u, "/start")
		}
		fake.Await(t, "every reader's welcome and latest article", func() bool {
			got := received(fake, latest)
			for _, u := range wave {
				if got[u.ID][latest.headline] < 1 || len(fake.MessagesTo(u.ID)) < 2 {
					return false
				}
			}
			return true
		})
	}
}

// received counts, per chat and headline, the messages of the fake's
// record that show one of the articles.
func received(fake *tgfake.Server, as ...seedArticle) map[int64]map[string]int {
	got := make(map[int64]map[string]int)
	for _, m := range fake.Messages() {
		for _, a := range as {
			if strings.Contains(m.Visible, a.headline) {
				if got[m.ChatID] == nil {
					got[m.ChatID] = make(map[string]int)
				}
				got[m.ChatID][a.headline]++
			}
		}
	}
	return got
}

// messageID is the ID of the first message to chat showing a, 0 if none.
func messageID(fake *tgfake.Server, chat int64, a seedArticle) int {
	for _, m := range fake.MessagesTo(chat) {
		if strings.Contains(m.Visible, a.headline) {
			return m.MessageID
		}
	}
	return 0
}

// storedArticles maps the headlines of the store's articles to them.
func storedArticles(t *testing.T, store *state.Store) map[string]state.Article {
	t.Helper()
	page, err := store.ArticlesAfter(0, 1000)
	if err != nil {
		t.Fatal(err)
	}
	byHeadline := make(map[string]state.Article)
	for _, sa := range page {
		a, err := ingest.DecodeArticle(sa)
		if err != nil {
			t.Fatalf("stored article %s: %v", sa.ID, err)
		}
		byHeadline[a.Headline] = sa
	}
	return byHeadline
}

// chooseOnlyRFI has the reader, who has every outlet, open /sources and
// switch every outlet but RFI off, and waits until each press is answered
// and its keyboard edited.
func chooseOnlyRFI(t *testing.T, fake *tgfake.Server, reader tgbotapi.User) {
	t.Helper()
	n := len(fake.MessagesTo(reader.ID))
	fake.PostPrivate(reader, "/sources")
	fake.Await(t, "the /sources keyboard", func() bool { return len(fake.MessagesTo(reader.ID)) > n })
	kb := fake.MessagesTo(reader.ID)[n]
	for _, row := range kb.Buttons {
		for _, b := range row {
			if !strings.HasPrefix(b.Text, "✅ ") || strings.Contains(b.Text, "RFI") || strings.Contains(b.Text, "All outlets") {
				continue
			}
			edits := fake.MessagesTo(reader.ID)[n].Edits
			id, err := fake.Press(reader, reader.ID, kb.MessageID, b.Text)
			if err != nil {
				t.Fatal(err)
			}
			fake.Await(t, "the press answered and the keyboard edited", func() bool {
				_, answered := fake.CallbackAnswer(id)
				return answered && fake.MessagesTo(reader.ID)[n].Edits > edits
			})
		}
	}
	var on []string
	for _, row := range fake.MessagesTo(reader.ID)[n].Buttons {
		for _, b := range row {
			if strings.HasPrefix(b.Text, "✅ ") {
				on = append(on, b.Text)
			}
		}
	}
	if len(on) != 1 || !strings.HasPrefix(on[0], "✅ RFI") {
		t.Fatalf("the keyboard after the presses: got %q on, want RFI alone", on)
	}
	if qs := fake.Unanswered(); len(qs) > 0 {
		t.Errorf("callback queries never answered: %+v", qs)
	}
}
