package main

import (
	"encoding/json"
	"errors"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/bot"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// End-to-end tests: the real binary, as a child process, against the fake
// Bot API. Skipped under -short. Every child's output is checked for the
// token when its test ends (startBot).

func TestE2EBroadcastResumesAfterSIGTERM(t *testing.T) {
	t.Parallel()
	testInterruptedBroadcast(t, syscall.SIGTERM)
}

func TestE2EBroadcastAfterSIGKILLLosesOnlyInFlight(t *testing.T) {
	t.Parallel()
	testInterruptedBroadcast(t, syscall.SIGKILL)
}

// testInterruptedBroadcast has 50 readers /start, one ask /latest, one
// more keep only RFI with /sources, the admin add a channel and then
// /broadcast; stops the bot with sig mid-broadcast, restarts it on the same
// database, and checks through the fake's record and the ledger that the
// broadcast completed with every due article delivered once (to the
// chooser, the RFI one only): after SIGTERM every one received; after
// SIGKILL every one received or, for the sends in flight at the kill,
// recorded unknown.
func testInterruptedBroadcast(t *testing.T, sig syscall.Signal) {
	// Sends are slow, so that some are in flight when the signal lands.
	fake := e2eFake(t, tgfake.Options{RequestLatency: 100 * time.Millisecond, AnswerLatency: 100 * time.Millisecond})
	const channel = -1001000000777
	if err := fake.AddChannel(tgfake.ChannelConfig{ID: channel, Username: "e2e_channel", Title: "E2E news", Members: 2500,
		BotStatus: "administrator", CanPostMessages: true}); err != nil {
		t.Fatal(err)
	}
	seeds := t.TempDir()
	now := time.Now()
	alpha := articleAt("Alpha", now, 3*time.Hour, true)
	alpha.write(t, seeds)
	// RATE_LIMIT 20: the broadcast of about 150 messages takes ~7 s.
	vars := e2eEnv(t, fake, seeds, map[string]string{"RATE_LIMIT": "20"})
	first := startE2EService(t, fake, vars)

	// 50 readers subscribe, and get the latest article, Alpha; so does the
	// chooser.
	us := readers(2001, 50)
	startReaders(t, fake, us, alpha)
	chooser := tgbotapi.User{ID: 2999, FirstName: "Chooser", LanguageCode: "en"}
	startReaders(t, fake, []tgbotapi.User{chooser}, alpha)

	// The admin adds a channel: from now on it is a subscriber.
	admin := tgbotapi.User{ID: e2eAdmin, FirstName: "Admin", LanguageCode: "en"}
	fake.PostPrivate(admin, "/addchannel @e2e_channel")
	fake.Await(t, "the channel added", func() bool {
		m := fake.MessagesTo(e2eAdmin)
		return len(m) == 1 && strings.HasPrefix(m[0].Visible, "Added @e2e_channel")
	})
	if out, _, code := runBot(t, vars, "channels"); code != 0 || !strings.Contains(out, "@e2e_channel (-1001000000777) active, 2500 members") {
		t.Errorf("channels through the service: got %q, exit %d", out, code)
	}

	// Three articles arrive after the subscriptions: due to everyone;
	// Charlie is RFI's.
	due := []seedArticle{
		articleAt("Bravo", now, 2*time.Hour, true),
		articleAt("Charlie", now, time.Hour, false),
		articleAt("Delta", now, 10*time.Minute, true),
	}
	due[1].url = "https://www.rfi.fr/cn/e2e/charlie.html"
	for _, a := range due {
		a.write(t, seeds)
	}
	if out, _, code := runBot(t, vars, "ingest"); code != 0 || !strings.Contains(out, "3 added") {
		t.Fatalf("ingest: got %q, exit %d; want 3 added", out, code)
	}
	// The chooser switches the other outlet off: it keeps RFI only.
	chooseOnlyRFI(t, fake, chooser)
	// One reader asks /latest and gets Delta, which the broadcast must not
	// send again.
	asker := us[0]
	fake.PostPrivate(asker, "/latest")
	fake.Await(t, "the /latest answer", func() bool { return received(fake, due[2])[asker.ID][due[2].headline] == 1 })
	// The ledger holds the answers to /start (Alpha) and to /latest.
	fake.Await(t, "the /latest answer in the ledger", func() bool { return e2eStats(t, vars).Deliveries["sent"] == len(us)+2 })

	// deliveredDue counts the broadcast's messages the fake accepted: to
	// the readers but the /latest answer, to the channel, and to the
	// chooser its one RFI article.
	total := len(us)*len(due) - 1 + len(due) + 1
	deliveredDue := func() int {
		n := -1 // the /latest answer
		for _, hs := range received(fake, due...) {
			for _, k := range hs {
				n += k
			}
		}
		return n
	}
	fake.PostPrivate(admin, "/broadcast")
	fake.Await(t, "a fifth of the broadcast", func() bool { return deliveredDue() >= total/5 })

	atSignal := deliveredDue()
	start := time.Now()
	first.signal(t, sig)
	code := first.wait(t, 10*time.Second)
	exitAfter := time.Since(start)
	afterStop := deliveredDue()
	switch {
	case sig == syscall.SIGTERM && code != 0:
		t.Errorf("exit code after SIGTERM: got %d, want 0", code)
	case sig == syscall.SIGKILL && code != -1:
		t.Errorf("exit code after SIGKILL: got %d, want -1 (killed)", code)
	}
	if afterStop >= total {
		t.Fatalf("the broadcast finished before the %v landed: %d of %d messages", sig, afterStop, total)
	}
	t.Logf("%v: %d of %d broadcast messages accepted at the signal, %d when the process had exited %v later",
		sig, atSignal, total, afterStop, exitAfter.Round(time.Millisecond))
	if sig == syscall.SIGTERM {
		for _, msg := range []string{"bot: broadcast interrupted; the next run resumes it", "bot stopped"} {
			if first.logged(msg) != 1 {
				t.Errorf("the log after SIGTERM lacks %q", msg)
			}
		}
	}

	// The restart resumes the broadcast and completes it.
	second := startE2EService(t, fake, vars)
	// The shell reaches the restarted service, also past the socket file
	// a killed one left.
	if r := e2eStats(t, vars); r.LastBroadcast == nil {
		t.Errorf("stats through the restarted service: got no broadcast")
	}
	fake.Await(t, "the resumed broadcast to finish", func() bool { return second.logged("bot: broadcast done") > 0 })
	t.Logf("the restarted service exited %v after SIGTERM", second.stop(t).Round(time.Millisecond))
	if out, _, code := runBot(t, vars, "channels"); code != 0 || !strings.Contains(out, "@e2e_channel (-1001000000777) active, 2500 members") {
		t.Errorf("channels without the service: got %q, exit %d", out, code)
	}

	store, err := state.Open(vars["DB_PATH"])
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	arts := storedArticles(t, store)
	all := append(slices.Clip(due), alpha)
	got := received(fake, all...)
	var unknown, unknownReceived, lost, doubled int
	for _, u := range us {
		if n := got[u.ID][alpha.headline]; n != 1 {
			t.Errorf("chat %d got %s %d times, want once (the answer to /start)", u.ID, alpha.file, n)
		}
		for _, a := range due {
			n := got[u.ID][a.headline]
			e, err := store.Entry(u.ID, state.Item{Kind: state.ArticleItem, Seq: arts[a.headline].Seq})
			if err != nil {
				t.Errorf("chat %d, %s: ledger: %v", u.ID, a.file, err)
				continue
			}
			switch {
			case n > 1:
				doubled++
				t.Errorf("chat %d got %s %d times, want at most once", u.ID, a.file, n)
			case e.State == state.Unknown:
				unknown++
				unknownReceived += n
			case n == 0:
				lost++
				t.Errorf("chat %d never got %s, and its entry is %v, not unknown", u.ID, a.file, e.State)
			case e.State != state.Sent || e.MessageID != messageID(fake, u.ID, a):
				t.Errorf("chat %d, %s: ledger has %v, message %d; want sent, message %d",
					u.ID, a.file, e.State, e.MessageID, messageID(fake, u.ID, a))
			}
		}
	}
	// The channel got every due article once, the chooser RFI's only:
	// each received, or recorded unknown.
	for _, want := range []struct {
		chat int64
		as   []seedArticle
	}{{channel, due}, {chooser.ID, due[1:2]}} {
		for _, a := range want.as {
			n := got[want.chat][a.headline]
			e, err := store.Entry(want.chat, state.Item{Kind: state.ArticleItem, Seq: arts[a.headline].Seq})
			switch {
			case err != nil:
				t.Errorf("chat %d, %s: ledger: %v", want.chat, a.file, err)
			case e.State == state.Unknown && n <= 1:
				unknown++
				unknownReceived += n
			case n != 1 || e.State != state.Sent:
				t.Errorf("chat %d got %s %d times, entry %v; want once, sent", want.chat, a.file, n, e.State)
			}
		}
	}
	for _, a := range []seedArticle{due[0], due[2]} {
		if n := got[chooser.ID][a.headline]; n != 0 {
			t.Errorf("the chooser got %s %d times, want never: it keeps RFI only", a.file, n)
		}
		if _, err := store.Entry(chooser.ID, state.Item{Kind: state.ArticleItem, Seq: arts[a.headline].Seq}); !errors.Is(err, state.ErrNotFound) {
			t.Errorf("the chooser's entry of %s: got %v, want none", a.file, err)
		}
	}
	t.Logf("%v: unknown %d (%d of them received), lost %d, doubled %d", sig, unknown, unknownReceived, lost, doubled)
	// The articles with a photo went out as photos, the other as text.
	for _, m := range fake.Messages() {
		for _, a := range all {
			if strings.Contains(m.Visible, a.headline) && (m.Method == "sendPhoto") != (a.photo != "") {
				t.Errorf("chat %d got %s by %s; its photo is %q", m.ChatID, a.file, m.Method, a.photo)
			}
		}
	}
	if sig == syscall.SIGTERM && unknown != 0 {
		t.Errorf("after SIGTERM: got %d unknown entries, want 0: the sends in flight finish and are recorded", unknown)
	}
	if unknown > bot.DefaultSenders {
		t.Errorf("got %d unknown entries, want at most %d, the senders in flight", unknown, bot.DefaultSenders)
	}

	st, err := store.Stats()
	if err != nil {
		t.Fatal(err)
	}
	b := st.LastBroadcast
	if b == nil || b.Finished.IsZero() || b.Pending != 0 || b.Sending != 0 || b.Sent+b.Unknown != total {
		t.Errorf("last broadcast: got %+v, want finished with %d sent or unknown, none pending", b, total)
	}
	if sig == syscall.SIGTERM {
		// The updates were acknowledged: the restart answered none again.
		if n := received(fake, due[2])[asker.ID][due[2].headline]; n != 1 {
			t.Errorf("the /latest asker got Delta %d times, want once", n)
		}
		// The admin got the answer to /addchannel, the report of
		// /broadcast, then, after the restart, the resumed broadcast's
		// report, edited into its summary; /broadcast was not answered
		// again.
		if m := fake.MessagesTo(e2eAdmin); len(m) != 3 || m[2].Edits == 0 {
			t.Errorf("the admin got %+v, want the channel's answer and 2 reports, the last edited into the summary", m)
		}
	}
}

// TestE2ENewSeedFileDelivered drops a seed file into the folder of a running
// bot: the next scan, by SCAN_INTERVAL or by SIGHUP, picks it up and the
// broadcast of BROADCAST_INTERVAL delivers it.
func TestE2ENewSeedFileDelivered(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		scan    string
		sighup  bool
		trigger string
	}{
		{"SCAN_INTERVAL", "200ms", false, "timer"},
		{"SIGHUP", "1h", true, "SIGHUP"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			fake := e2eFake(t, tgfake.Options{})
			seeds := t.TempDir()
			now := time.Now()
			alpha := articleAt("Alpha", now, time.Hour, false)
			alpha.write(t, seeds)
			vars := e2eEnv(t, fake, seeds, map[string]string{"SCAN_INTERVAL": tc.scan, "BROADCAST_INTERVAL": "1s"})
			svc := startE2EService(t, fake, vars)
			us := readers(3001, 5)
			startReaders(t, fake, us, alpha)

			echo := articleAt("Echo", now, time.Minute, true)
			echo.write(t, seeds)
			if tc.sighup {
				svc.signal(t, syscall.SIGHUP)
			}
			fake.Await(t, "the dropped article delivered to every reader", func() bool {
				got := received(fake, echo)
				for _, u := range us {
					if got[u.ID][echo.headline] == 0 {
						return false
					}
				}
				return true
			})
			svc.stop(t)

			got := received(fake, alpha, echo)
			for _, u := range us {
				for _, a := range []seedArticle{alpha, echo} {
					if n := got[u.ID][a.headline]; n != 1 {
						t.Errorf("chat %d got %s %d times, want once", u.ID, a.file, n)
					}
				}
			}
			if want := `"trigger":"` + tc.trigger + `","files":2,"added":1`; !strings.Contains(svc.stderr.String(), want) {
				t.Errorf("the log lacks the scan that found the file, %s", want)
			}
		})
	}
}

func TestE2EShellWhileServiceRuns(t *testing.T) {
	t.Parallel()
	fake := e2eFake(t, tgfake.Options{})
	seeds := t.TempDir()
	now := time.Now()
	as := []seedArticle{articleAt("Alpha", now, 2*time.Hour, true), articleAt("Bravo", now, time.Hour, false)}
	for _, a := range as {
		a.write(t, seeds)
	}
	vars := e2eEnv(t, fake, seeds, nil)
	svc := startE2EService(t, fake, vars)
	startReaders(t, fake, readers(4001, 3), as[1])

	// The service holds the database: the shell goes through its socket.
	out, _, code := runBot(t, vars, "stats")
	if code != 0 || !strings.Contains(out, "Articles: 2\n") || !strings.Contains(out, "active 3") {
		t.Errorf("stats: got %q, exit %d; want 2 articles, 3 active subscribers", out, code)
	}
	if r := e2eStats(t, vars); r.Articles != 2 || r.Subscribers["active"] != 3 {
		t.Errorf("stats -json: got %+v; want 2 articles, 3 active subscribers", r)
	}
	dst := filepath.Join(t.TempDir(), "backup.db")
	out, _, code = runBot(t, vars, "backup", dst)
	if code != 0 || !strings.Contains(out, "bytes written to "+dst) {
		t.Fatalf("backup: got %q, exit %d", out, code)
	}
	select {
	case <-svc.done:
		t.Fatalf("the service exited: %v", svc.err)
	default:
	}
	svc.stop(t)

	backup, err := state.Open(dst)
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer backup.Close()
	arts := storedArticles(t, backup)
	for _, a := range as {
		if _, ok := arts[a.headline]; !ok {
			t.Errorf("the backup lacks %s; it holds %d articles", a.file, len(arts))
		}
	}
	if st, err := backup.Stats(); err != nil || st.Subscribers[state.Active] != 3 {
		t.Errorf("the backup's stats: got %+v, %v; want 3 active subscribers", st, err)
	}
}

// TestE2ETokenNeverPrinted makes the bot fail where an error could carry the
// token: a request URL holds it.
func TestE2ETokenNeverPrinted(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String() // nothing listens there any more
	l.Close()
	other := tgfake.New(t, tgfake.Options{}) // accepts another token
	seeds := t.TempDir()
	articleAt("Alpha", time.Now(), time.Hour, false).write(t, seeds)

	t.Run("run, Telegram goes away while running", func(t *testing.T) {
		fake := e2eFake(t, tgfake.Options{})
		seeds := t.TempDir()
		alpha := articleAt("Alpha", time.Now(), time.Hour, false)
		alpha.write(t, seeds)
		svc := startE2EService(t, fake, e2eEnv(t, fake, seeds, nil))
		startReaders(t, fake, readers(5101, 1), alpha)
		fake.Close()
		fake.Await(t, "a failed poll in the log", func() bool { return svc.logged("bot: getUpdates failed") > 0 })
		svc.signal(t, syscall.SIGTERM)
		code := svc.wait(t, 10*time.Second)
		t.Logf("exit %d: %s", code, lastLines(svc.stderr.String(), 1))
		if svc.leaked() {
			t.Errorf("the token's secret is in the output:\n%s", svc.stderr)
		}
	})
	for _, tc := range []struct {
		name     string
		endpoint string
		args     []string
	}{
		{"run, endpoint refuses connections", closed, []string{"run"}},
		{"run, token refused", other.URL, []string{"run"}},
		{"shell broadcast without a service, endpoint refuses connections", closed, []string{"broadcast"}},
		{"shell broadcast without a service, token refused", other.URL, []string{"broadcast"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := e2eEnv(t, other, seeds, map[string]string{"TELEGRAM_API_ENDPOINT": tc.endpoint})
			out, errOut, code := runBot(t, vars, tc.args...)
			if code == 0 || errOut == "" {
				t.Errorf("got exit %d, stderr %q; want a failure explained", code, errOut)
			}
			t.Logf("exit %d: %s", code, lastLines(errOut, 1))
			if strings.Contains(out+errOut, e2eSecret) {
				t.Errorf("the token's secret is in the output:\n%s%s", out, errOut)
			}
		})
	}
}

// e2eStats runs "bot stats -json".
func e2eStats(t *testing.T, vars map[string]string) statsReport {
	t.Helper()
	out, _, code := runBot(t, vars, "stats", "-json")
	var r statsReport
	if err := json.Unmarshal([]byte(out), &r); code != 0 || err != nil {
		t.Fatalf("stats -json: got %q, exit %d, %v", out, code, err)
	}
	return r
}

// TestE2ELatestInFlightAtStopNotBroadcast stops the bot while its answer to
// a subscriber's /latest is in flight: delivered, but never answered by
// Telegram. The answer may have arrived, so the broadcast after the restart
// must not send that article to that reader again: neither after SIGKILL nor
// after SIGTERM, when the answer's grace runs out.
func TestE2ELatestInFlightAtStopNotBroadcast(t *testing.T) {
	t.Parallel()
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			t.Parallel()
			fake := e2eFake(t, tgfake.Options{})
			seeds := t.TempDir()
			now := time.Now()
			alpha := articleAt("Alpha", now, time.Hour, false)
			alpha.write(t, seeds)
			vars := e2eEnv(t, fake, seeds, nil)
			first := startE2EService(t, fake, vars)
			reader := readers(6001, 1)[0]
			startReaders(t, fake, []tgbotapi.User{reader}, alpha)

			delta := articleAt("Delta", now, time.Minute, true)
			delta.write(t, seeds)
			if out, _, code := runBot(t, vars, "ingest"); code != 0 || !strings.Contains(out, "1 added") {
				t.Fatalf("ingest: got %q, exit %d; want 1 added", out, code)
			}
			fake.Inject("sendPhoto", reader.ID, tgfake.Timeout(true), 1)
			fake.PostPrivate(reader, "/latest")
			fake.Await(t, "the /latest answer delivered", func() bool { return received(fake, delta)[reader.ID][delta.headline] == 1 })
			start := time.Now()
			first.signal(t, sig)
			code := first.wait(t, 10*time.Second)
			t.Logf("%v: exit %d after %v", sig, code, time.Since(start).Round(time.Millisecond))

			second := startE2EService(t, fake, vars)
			out, _, code := runBot(t, vars, "broadcast", "-wait")
			if code != 0 {
				t.Fatalf("broadcast -wait: got %q, exit %d", out, code)
			}
			second.stop(t)
			if n := received(fake, delta)[reader.ID][delta.headline]; n != 1 {
				t.Errorf("the reader got %s %d times, want once: the broadcast sent the /latest answer again", delta.file, n)
			}
		})
	}
}
