package bot

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// fastOptions lift Telegram's per-chat and global limits in the fake, and
// scale the bot's pacing to match, so that a broadcast to hundreds of chats
// takes a second or two.
func fastOptions() (tgfake.Options, Options) {
	return tgfake.Options{GlobalPerSecond: 1000, GlobalBurst: 50, ChatPerSecond: 50},
		Options{RateLimit: 400, ChatSpacing: 25 * time.Millisecond, Unpaced: true}
}

// subscribe makes the chats active subscribers, directly in the store.
func (h *harness) subscribe(chats ...int64) {
	h.t.Helper()
	for _, c := range chats {
		lang := "zh"
		if c%2 == 0 {
			lang = "en"
		}
		if _, _, err := h.store.Subscribe(c, lang, time.Now()); err != nil {
			h.t.Fatal(err)
		}
	}
}

// putArticles stores articles as the ingest.Library would, oldest first.
func (h *harness) putArticles(arts ...content.Article) {
	h.t.Helper()
	var batch []state.Article
	for i := range arts {
		data, err := ingest.EncodeArticle(&arts[i])
		if err != nil {
			h.t.Fatal(err)
		}
		batch = append(batch, state.Article{ID: arts[i].ID, Published: arts[i].Published, Data: data})
	}
	if _, err := h.store.UpsertArticles(batch); err != nil {
		h.t.Fatal(err)
	}
}

// putThree stores the articles a0, a1 and a2, published at pub and an hour
// and two later, and returns their headlines.
func (h *harness) putThree(pub time.Time) []string {
	h.t.Helper()
	h.putArticles(article("a0", pub, nil), article("a1", pub.Add(time.Hour), nil), article("a2", pub.Add(2*time.Hour), nil))
	return []string{"Headline a0", "Headline a1", "Headline a2"}
}

// chatIDs are the chats 1 to n.
func chatIDs(n int) []int64 {
	var chats []int64
	for i := range n {
		chats = append(chats, int64(i+1))
	}
	return chats
}

func article(id string, pub time.Time, photo *content.Photo) content.Article {
	return content.Article{ID: id, Headline: "Headline " + id, URL: "https://news.example/" + id,
		Published: pub, Lead: "Lead of " + id + ".", Source: "News", Photo: photo}
}

// broadcast starts a broadcast on the running bot and waits for its summary.
func (h *harness) broadcast() state.Broadcast {
	h.t.Helper()
	bc := h.bot.Broadcaster()
	p, started, err := bc.Start(context.Background(), ReportTo{})
	if err != nil || !started {
		h.t.Fatalf("Start: got %+v, %v, %v; want a broadcast started", p, started, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	sum, err := bc.Wait(ctx, p.ID)
	if err != nil {
		h.t.Fatalf("Wait: %v", err)
	}
	return sum
}

// received counts the fake's messages by chat and headline.
func received(msgs []tgfake.Message, heads []string) map[int64]map[string]int {
	got := make(map[int64]map[string]int)
	for _, m := range msgs {
		for _, head := range heads {
			if strings.HasPrefix(m.Visible, head+"\n") {
				if got[m.ChatID] == nil {
					got[m.ChatID] = make(map[string]int)
				}
				got[m.ChatID][head]++
			}
		}
	}
	return got
}

// checkOnce checks that each chat of want got each headline exactly once,
// and that no other chat got any.
func checkOnce(t *testing.T, got map[int64]map[string]int, want []int64, heads []string) {
	t.Helper()
	wanted := make(map[int64]bool)
	for _, c := range want {
		wanted[c] = true
		for _, head := range heads {
			if n := got[c][head]; n != 1 {
				t.Errorf("chat %d got %q %d times, want once", c, head, n)
			}
		}
	}
	for c, m := range got {
		if !wanted[c] {
			t.Errorf("chat %d got %v, want nothing", c, m)
		}
	}
}

func TestBroadcast(t *testing.T) {
	t.Parallel()
	fo, o := fastOptions()
	testBroadcast(t, 300, fo, o)
}

// TestBroadcastAtTelegramLimits is TestBroadcast against the fake at
// Telegram's limits (30/s, 1/s per chat, 20/min per group) with the bot at
// its own defaults but RATE_LIMIT 28: 900 messages take about 35 s, so it
// runs in parallel with the other tests, and not with -short.
func TestBroadcastAtTelegramLimits(t *testing.T) {
	if testing.Short() {
		t.Skip("900 messages at Telegram's pace take about 35 s")
	}
	t.Parallel()
	testBroadcast(t, 300, tgfake.Options{}, Options{RateLimit: 28})
}

// testBroadcast broadcasts 3 due articles to n subscribers, among them
// chats that blocked the bot, vanished or migrated, and a reader who asks
// /latest meanwhile.
func testBroadcast(t *testing.T, n int, fo tgfake.Options, o Options) {
	h := newHarness(t, fo, o)
	const groups = 10
	var chats []int64
	for i := range n - groups {
		chats = append(chats, int64(i+1))
	}
	for i := range groups {
		chats = append(chats, -int64(i+1))
	}
	h.subscribe(chats...)
	const migrated, to = -4, -1000000000004
	failing := map[int64]state.Status{5: state.Blocked, 6: state.Blocked, 7: state.Blocked, 8: state.ChatNotFound, -3: state.Kicked}
	h.fake.Block(5, tgfake.Blocked())
	h.fake.Block(6, tgfake.CantInitiate())
	h.fake.Block(7, tgfake.Deactivated())
	h.fake.Inject("", 8, tgfake.ChatNotFound(), 0)
	h.fake.Block(-3, tgfake.Kicked())
	h.fake.Migrate(migrated, to)
	pub := time.Now().Add(-3 * time.Hour)
	heads := h.putThree(pub)
	h.run()

	// A reader's /latest while the broadcast runs is answered promptly.
	bc := h.bot.Broadcaster()
	admin := int64(n + 2000)
	p, started, err := bc.Start(context.Background(), ReportTo{Chat: admin, Lang: LangEN})
	if err != nil || !started {
		t.Fatalf("Start: got %+v, %v, %v", p, started, err)
	}
	h.fake.Await(t, "the broadcast under way", func() bool { return len(h.fake.Messages()) >= 30 })
	asked := time.Now()
	reader := user(int64(n+1000), "en")
	h.fake.PostPrivate(reader, "/latest")
	h.waitMessages(t, reader.ID, 1)
	answered := time.Since(asked)
	if cur, err := h.store.CurrentBroadcast(); err == nil {
		t.Logf("/latest answered in %v, with %d of %d messages still pending", answered, cur.Pending, p.Pending)
	}
	if answered > 5*time.Second {
		t.Errorf("/latest during the broadcast: answered in %v, want within 5s", answered)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	sum, err := bc.Wait(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}

	var want []int64
	for _, c := range chats {
		switch {
		case c == migrated:
			want = append(want, to)
		case failing[c] == 0:
			want = append(want, c)
		}
	}
	got := received(h.fake.Messages(), heads)
	if got[reader.ID][heads[2]] != 1 || len(got[reader.ID]) != 1 {
		t.Errorf("reader got %v, want the newest article once", got[reader.ID])
	}
	delete(got, reader.ID)
	delete(got, admin)
	checkOnce(t, got, want, heads)
	for c, st := range failing {
		sub, err := h.store.Subscriber(c)
		if err != nil || sub.Status != st {
			t.Errorf("chat %d: got %v, %v; want %v", c, sub.Status, err, st)
		}
	}
	if _, err := h.store.Subscriber(migrated); err == nil {
		t.Errorf("group %d still has a record, want it moved to %d", migrated, to)
	}
	if !isSubscribed(t, h.store, to) {
		t.Errorf("supergroup %d not subscribed, want the moved subscription", to)
	}
	if got, want := sum.Sent, 3*(n-len(failing)); got != want {
		t.Errorf("summary: got %d sent, want %d", got, want)
	}
	if sum.Failed != len(failing) || sum.Deactivated != len(failing) || sum.Pending != 0 || sum.Unknown != 0 {
		t.Errorf("summary: got %+v, want %d failed and deactivated, nothing pending or unknown", sum, len(failing))
	}
	if got := h.fake.RateLimited(); got != 0 {
		t.Errorf("the fake answered %d 429s for pacing, want 0", got)
	}
	// The admin's report ends as the summary.
	h.fake.Await(t, "the report's summary", func() bool {
		m := h.fake.MessagesTo(admin)
		return len(m) == 1 && contains(m[0].Visible, "done")
	})
	if got, want := h.fake.MessagesTo(admin)[0].Visible, fmt.Sprintf("sent %d, failed %d, deactivated %d, pending 0, unknown 0",
		sum.Sent, sum.Failed, sum.Deactivated); !contains(got, want) {
		t.Errorf("report: got %q, want it to contain %q", got, want)
	}
}

// TestBroadcastUnsubscribeMidway checks that /stop takes effect before the
// chat's next send, even mid-broadcast.
func TestBroadcastUnsubscribeMidway(t *testing.T) {
	fo, o := fastOptions()
	h := newHarness(t, fo, o)
	h.subscribe(1, 2)
	pub := time.Now().Add(-3 * time.Hour)
	h.putThree(pub)
	// When chat 1's first message is sent, the reader unsubscribes.
	store := h.store
	h.fake.InjectFunc(func(c tgfake.Call) *tgfake.Fault {
		if c.Method == "sendMessage" && c.ChatID == 1 {
			if _, err := store.Deactivate(1, state.Unsubscribed, time.Now()); err != nil {
				t.Error(err)
			}
		}
		return nil
	})
	h.run()
	sum := h.broadcast()
	if got := len(h.fake.MessagesTo(1)); got != 1 {
		t.Errorf("chat 1 got %d messages, want 1 (it unsubscribed during the first)", got)
	}
	if got := len(h.fake.MessagesTo(2)); got != 3 {
		t.Errorf("chat 2 got %d messages, want 3", got)
	}
	if sum.Sent != 4 || sum.Skipped != 2 {
		t.Errorf("summary: got %+v, want 4 sent, 2 skipped", sum)
	}
}

// TestBroadcastFaults injects 429s and non-JSON 502s into 20% of sends:
// every message still arrives exactly once.
func TestBroadcastFaults(t *testing.T) {
	t.Parallel()
	fo, o := fastOptions()
	o.Tries = 10 // a message unlucky three times in a row is not lost
	h := newHarness(t, fo, o)
	const n = 40
	chats := chatIDs(n)
	h.subscribe(chats...)
	pub := time.Now().Add(-3 * time.Hour)
	heads := h.putThree(pub)
	var injected429, injected502 atomic.Int64
	h.fake.InjectFunc(func(c tgfake.Call) *tgfake.Fault {
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
	h.run()
	sum := h.broadcast()
	checkOnce(t, received(h.fake.Messages(), heads), chats, heads)
	if sum.Sent != 3*n || sum.Pending != 0 || sum.Unknown != 0 || sum.Failed != 0 {
		t.Errorf("summary: got %+v, want %d sent and nothing else", sum, 3*n)
	}
	if injected429.Load() == 0 || injected502.Load() == 0 {
		t.Errorf("injected %d 429s and %d 502s, want some of each", injected429.Load(), injected502.Load())
	}
	if got := h.fake.RateLimited(); got != 0 {
		t.Errorf("the fake answered %d 429s for pacing, want 0", got)
	}
	t.Logf("%d sends for %d messages: %d 429s, %d 502s injected", h.fake.Calls("sendMessage"), 3*n,
		injected429.Load(), injected502.Load())
}

// TestBroadcastNotDelivered checks that a chat whose sends keep failing
// with 5xx is left pending for the next broadcast, which delivers it.
func TestBroadcastNotDelivered(t *testing.T) {
	fo, o := fastOptions()
	o.Tries = 2
	h := newHarness(t, fo, o)
	h.subscribe(1, 2)
	pub := time.Now().Add(-3 * time.Hour)
	h.putArticles(article("a0", pub, nil), article("a1", pub.Add(time.Hour), nil))
	h.fake.Inject("", 1, tgfake.ServerError(), 0)
	h.run()
	if sum := h.broadcast(); sum.Sent != 2 || sum.Pending != 2 {
		t.Errorf("first broadcast: got %+v, want 2 sent, 2 pending", sum)
	}
	if got, want := h.fake.Calls("sendMessage"), 2+2*2; got != want {
		t.Errorf("got %d sends, want %d (2 tries of each of chat 1's)", got, want)
	}
	h.fake.ClearFaults()
	if sum := h.broadcast(); sum.Sent != 2 || sum.Pending != 0 {
		t.Errorf("second broadcast: got %+v, want chat 1's 2 sent", sum)
	}
	checkOnce(t, received(h.fake.Messages(), []string{"Headline a0", "Headline a1"}), []int64{1, 2},
		[]string{"Headline a0", "Headline a1"})
}

// TestBroadcastTimeouts checks that sends whose outcome is unknown are
// recorded so, never sent again, and counted in the summary.
func TestBroadcastTimeouts(t *testing.T) {
	fo, o := fastOptions()
	h := newHarness(t, fo, o, func(c *telegram.Config) { c.SendTimeout = time.Second })
	chats := []int64{1, 2, 3, 4, 5, 6}
	h.subscribe(chats...)
	pub := time.Now().Add(-3 * time.Hour)
	h.putArticles(article("a0", pub, nil), article("a1", pub.Add(time.Hour), nil))
	heads := []string{"Headline a0", "Headline a1"}
	// Chats 1 and 2 get their first message, but no answer comes; chat 3's
	// first send hangs before it is delivered.
	h.fake.Inject("sendMessage", 1, tgfake.Timeout(true), 1)
	h.fake.Inject("sendMessage", 2, tgfake.Timeout(true), 1)
	h.fake.Inject("sendMessage", 3, tgfake.Timeout(false), 1)
	h.run()
	sum := h.broadcast()
	if sum.Unknown != 3 || sum.Sent != 9 || sum.Pending != 0 {
		t.Errorf("summary: got %+v, want 3 unknown, 9 sent", sum)
	}
	got := received(h.fake.Messages(), heads)
	for _, c := range chats {
		for _, head := range heads {
			want := 1
			if c == 3 && head == heads[0] {
				want = 0
			}
			if got[c][head] != want {
				t.Errorf("chat %d got %q %d times, want %d", c, head, got[c][head], want)
			}
		}
	}
	seq := newestSeq(t, h.store, "a0")
	for _, c := range []int64{1, 2, 3} {
		if e, err := h.store.Entry(c, state.Item{Kind: state.ArticleItem, Seq: seq}); err != nil || e.State != state.Unknown {
			t.Errorf("chat %d: got entry %+v, %v; want unknown", c, e, err)
		}
	}
	// Nothing unknown is planned again.
	if p, _, err := h.bot.Broadcaster().Start(context.Background(), ReportTo{}); err != nil || p.Finished.IsZero() {
		t.Errorf("next broadcast: got %+v, %v; want nothing to send", p, err)
	}
}

func newestSeq(t *testing.T, s *state.Store, id string) uint64 {
	t.Helper()
	a, err := s.Article(id)
	if err != nil {
		t.Fatal(err)
	}
	return a.Seq
}

// pngBytes is a small PNG image.
func pngBytes(t testing.TB) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 8, 8))
	img.Set(1, 1, color.RGBA{R: 255, A: 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestBroadcastPhotos checks the photo rules: a file_id reused once
// Telegram has a photo; an unfetchable URL asked at most once per
// broadcast, then the next candidate, then an upload, then text.
func TestBroadcastPhotos(t *testing.T) {
	img := pngBytes(t)
	var downloads atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		downloads.Add(1)
		switch r.URL.Path {
		case "/proxy.jpg", "/fine.jpg":
			w.Header().Set("Content-Type", "image/png")
			w.Write(img)
		case "/page.jpg":
			w.Write([]byte("<html>not an image</html>"))
		case "/huge.jpg":
			w.Write(make([]byte, maxUpload+1))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	u := func(p string) string { return srv.URL + p }

	fo, o := fastOptions()
	o.PhotoClient = srv.Client() // the photos are on loopback: no address guard
	h := newHarness(t, fo, o)
	var chats []int64
	for i := range 20 {
		chats = append(chats, int64(i+1))
	}
	h.subscribe(chats...)
	for _, p := range []string{"/proxy.jpg", "/origin.jpg", "/gone.jpg", "/page.jpg", "/huge.jpg"} {
		h.fake.SetUnfetchable(u(p))
	}
	pub := time.Now().Add(-3 * time.Hour)
	h.putArticles(
		// Telegram fetches it: one request by URL, then file_ids.
		article("fine", pub, &content.Photo{URL: u("/fine.jpg")}),
		// Neither URL fetchable: the first is downloaded and uploaded.
		article("upload", pub.Add(time.Hour), &content.Photo{URL: u("/proxy.jpg"), Fallbacks: []string{u("/origin.jpg")}}),
		// Nothing works: text.
		article("text", pub.Add(2*time.Hour), &content.Photo{URL: u("/gone.jpg"), Fallbacks: []string{u("/page.jpg"), u("/huge.jpg")}}),
	)
	h.run()
	sum := h.broadcast()
	if sum.Sent != 60 {
		t.Errorf("summary: got %+v, want 60 sent", sum)
	}
	heads := []string{"Headline fine", "Headline upload", "Headline text"}
	checkOnce(t, received(h.fake.Messages(), heads), chats, heads)
	for _, p := range []string{"/fine.jpg", "/proxy.jpg", "/origin.jpg", "/gone.jpg", "/page.jpg", "/huge.jpg"} {
		if got := h.fake.PhotoRequests(u(p)); got != 1 {
			t.Errorf("Telegram was asked for %s %d times, want once", p, got)
		}
	}
	byMethod := map[string]int{}
	uploads := 0
	for _, m := range h.fake.Messages() {
		byMethod[m.Method+" "+strings.SplitN(m.Visible, "\n", 2)[0]]++
		if strings.HasPrefix(m.Photo, "upload:") {
			uploads++
		}
	}
	for k, want := range map[string]int{"sendPhoto Headline fine": 20, "sendPhoto Headline upload": 20, "sendMessage Headline text": 20} {
		if byMethod[k] != want {
			t.Errorf("got %d of %q, want %d", byMethod[k], k, want)
		}
	}
	if uploads != 1 {
		t.Errorf("got %d uploads, want 1", uploads)
	}
	// downloads: proxy.jpg (uploaded), then for "text": gone, page, huge.
	if got := downloads.Load(); got != 4 {
		t.Errorf("got %d downloads, want 4", got)
	}
}

// TestBroadcastResume interrupts a broadcast and resumes it on the same
// store: every message arrives exactly once.
func TestBroadcastResume(t *testing.T) {
	t.Parallel()
	fo, o := fastOptions()
	o.RateLimit = 100
	h := newHarness(t, fo, o)
	const n = 100
	chats := chatIDs(n)
	h.subscribe(chats...)
	pub := time.Now().Add(-3 * time.Hour)
	heads := h.putThree(pub)

	bc := NewBroadcaster(h.bot.client, h.store, h.bot.opt)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		h.fake.Wait(ctx, func() bool { return len(h.fake.Messages()) >= 100 })
		cancel()
	}()
	p, err := bc.RunOnce(ctx)
	if err == nil {
		t.Fatalf("RunOnce: got %+v, nil; want it interrupted", p)
	}
	if p.Sending != 0 || p.Sent < 100 || p.Sent >= 3*n {
		t.Errorf("interrupted: got %+v, want some sent and none left sending", p)
	}
	if got := len(h.fake.Messages()); got != p.Sent {
		t.Errorf("interrupted: the fake got %d messages, the ledger says %d sent", got, p.Sent)
	}

	// The admin, chat 42, is a subscriber too: its reports are the rest.
	reportsTo := func(chat int64) []tgfake.Message {
		var out []tgfake.Message
		for _, m := range h.fake.MessagesTo(chat) {
			if !strings.HasPrefix(m.Visible, "Headline ") {
				out = append(out, m)
			}
		}
		return out
	}
	if got := reportsTo(adminID); len(got) != 0 {
		t.Errorf("a broadcast planned here without a report: the admin got %d reports, want none", len(got))
	}

	bc = NewBroadcaster(h.bot.client, h.store, h.bot.opt)
	sum, err := bc.RunOnce(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sum.ID != p.ID || sum.Sent != 3*n || sum.Unknown != 0 {
		t.Errorf("resumed: got %+v, want broadcast %d with %d sent", sum, p.ID, 3*n)
	}
	checkOnce(t, received(h.fake.Messages(), heads), chats, heads)
	// Planned by an earlier process: the admin hears that it went on, in
	// one report message that ends as the summary.
	reports := reportsTo(adminID)
	if len(reports) != 1 || reports[0].Edits == 0 || !strings.Contains(reports[0].Visible, fmt.Sprint(3*n)) {
		t.Errorf("resumed: the admin got %+v, want one report edited into the summary", reports)
	}
}

// TestRunStopsMidBroadcast stops a Bot mid-broadcast, with a send hanging:
// Run returns once the sends in flight are recorded (the hanging one as
// unknown, after the grace), the last update is acknowledged, and a new Bot
// on the same store finishes the broadcast with nothing sent twice.
func TestRunStopsMidBroadcast(t *testing.T) {
	fo, o := fastOptions()
	o.RateLimit, o.Grace = 100, 300*time.Millisecond
	h := newHarness(t, fo, o)
	const n = 100
	chats := chatIDs(n)
	h.subscribe(chats...)
	pub := time.Now().Add(-3 * time.Hour)
	heads := h.putThree(pub)
	h.fake.Inject("sendMessage", 7, tgfake.Timeout(true), 1)
	h.run()
	p, started, err := h.bot.Broadcaster().Start(context.Background(), ReportTo{})
	if err != nil || !started {
		t.Fatalf("Start: got %+v, %v, %v", p, started, err)
	}
	update := h.fake.PostPrivate(user(5000, "en"), "/help")
	h.waitMessages(t, 5000, 1)
	h.fake.Await(t, "a third of the broadcast", func() bool { return len(h.fake.Messages()) >= n })
	if err := h.shutdown(); err != nil {
		t.Fatalf("Run: %v", err)
	}
	if got := h.fake.Offset(); got <= update {
		t.Errorf("got offset %d, want the update %d acknowledged", got, update)
	}
	cur, err := h.store.CurrentBroadcast()
	if err != nil {
		t.Fatalf("CurrentBroadcast: %v", err)
	}
	if cur.Sending != 0 || cur.Unknown != 1 || cur.Pending == 0 {
		t.Errorf("stopped: got %+v, want nothing sending, 1 unknown, some pending", cur)
	}
	if got, want := len(h.fake.Messages())-1, cur.Sent+1; got != want {
		t.Errorf("stopped: the fake got %d broadcast messages, want %d (the sent and the unknown one)", got, want)
	}

	h.bot = NewBot(h.bot.client, h.store, h.lib, h.bot.opt)
	h.run()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	sum, err := h.bot.Broadcaster().Wait(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if sum.Sent != 3*n-1 || sum.Unknown != 1 {
		t.Errorf("resumed: got %+v, want %d sent, 1 unknown", sum, 3*n-1)
	}
	checkOnce(t, received(h.fake.Messages(), heads), chats, heads)
}

// TestBroadcastUnreadableArticle checks that an article the bot can't
// decode fails for each chat instead of staying pending forever.
func TestBroadcastUnreadableArticle(t *testing.T) {
	fo, o := fastOptions()
	h := newHarness(t, fo, o)
	h.subscribe(1, 2)
	pub := time.Now().Add(-3 * time.Hour)
	h.putArticles(article("a0", pub, nil))
	if _, err := h.store.UpsertArticles([]state.Article{{ID: "bad", Published: pub.Add(time.Hour), Data: []byte("{")}}); err != nil {
		t.Fatal(err)
	}
	h.run()
	if sum := h.broadcast(); sum.Sent != 2 || sum.Failed != 2 || sum.Pending != 0 {
		t.Errorf("summary: got %+v, want 2 sent, 2 failed", sum)
	}
}

func TestQuarterDone(t *testing.T) {
	tests := []struct {
		b    state.Broadcast
		want int
	}{
		{state.Broadcast{}, 0},
		{state.Broadcast{Pending: 100}, 0},
		{state.Broadcast{Sent: 24, Pending: 76}, 0},
		{state.Broadcast{Sent: 20, Failed: 3, Unknown: 2, Pending: 70, Sending: 5}, 1},
		{state.Broadcast{Sent: 74, Pending: 26}, 2},
		{state.Broadcast{Sent: 99, Sending: 1}, 3},
		{state.Broadcast{Sent: 90, Failed: 10, Skipped: 50}, 4},
	}
	for _, tt := range tests {
		if got := quarterDone(tt.b); got != tt.want {
			t.Errorf("quarterDone(%+v): got %d, want %d", tt.b, got, tt.want)
		}
	}
}
