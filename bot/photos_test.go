package bot

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

func TestIsPublic(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"93.184.216.34", true},
		{"2606:2800:220:1:248:1893:25c8:1946", true},
		{"127.0.0.1", false},
		{"127.8.9.10", false},
		{"::1", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"fe80::1", false},
		{"fd00::1", false},
		{"0.0.0.0", false},
		{"::", false},
		{"224.0.0.1", false},
		{"ff02::1", false},
		{"100.64.0.1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:169.254.169.254", false},
		{"64:ff9b::a9fe:a9fe", false}, // NAT64 of 169.254.169.254
		{"255.255.255.255", false},
	}
	for _, tt := range tests {
		if got := isPublic(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("isPublic(%s): got %v, want %v", tt.addr, got, tt.want)
		}
	}
}

func TestCheckPhotoRedirect(t *testing.T) {
	req := func(u string) *http.Request {
		r, err := http.NewRequest(http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	via := []*http.Request{req("https://img.example/a.jpg")}
	if err := checkPhotoRedirect(req("https://img.example/b.jpg"), via); err != nil {
		t.Errorf("one redirect: %v", err)
	}
	if err := checkPhotoRedirect(req("file:///etc/passwd"), via); err == nil {
		t.Error("a redirect to file://: got no error")
	}
	for range maxPhotoRedirects {
		via = append(via, req("https://img.example/c.jpg"))
	}
	if err := checkPhotoRedirect(req("https://img.example/d.jpg"), via); err == nil {
		t.Errorf("redirect %d: got no error, want at most %d", len(via), maxPhotoRedirects)
	}
}

// By default the bot fetches nothing inside: a seed whose photo URLs name
// loopback (directly, or as an image proxy's origin) gets the text form,
// and the server there is never asked.
func TestPhotoGuardIsOnByDefault(t *testing.T) {
	var asked atomic.Int64
	inside := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		asked.Add(1)
		w.Header().Set("Content-Type", "image/png")
		w.Write(pngBytes(t))
	}))
	t.Cleanup(inside.Close)
	h := newHarness(t, tgfake.Options{}, Options{})
	h.subscribe(1)
	photo := inside.URL + "/admin.jpg"
	h.fake.SetUnfetchable(photo) // Telegram cannot: the bot would download it
	h.putArticles(article("a0", recent(), &content.Photo{URL: photo}))
	h.run()
	h.broadcast()
	h.settle()
	msgs := h.fake.MessagesTo(1)
	if len(msgs) != 1 || msgs[0].Method != "sendMessage" {
		t.Fatalf("got %d messages %+v, want the text form", len(msgs), msgs)
	}
	if n := asked.Load(); n != 0 {
		t.Errorf("the server on loopback was asked %d times, want never", n)
	}
	if err := dialPublic("tcp", strings.TrimPrefix(inside.URL, "http://"), nil); !errors.Is(err, errNotPublic) {
		t.Errorf("dialPublic(%s): got %v, want errNotPublic", inside.URL, err)
	}
}

// A photo send that times out is not tried again for the other readers of
// the broadcast, and they don't wait for it: they get the text form.
func TestSlowPhotoURLStallsNoBroadcast(t *testing.T) {
	h := newHarness(t, tgfake.Options{}, Options{})
	first := true
	h.fake.InjectFunc(func(c tgfake.Call) *tgfake.Fault {
		if c.Method == "sendPhoto" && first {
			first = false
			f := tgfake.Timeout(false)
			return &f
		}
		return nil
	})
	const n = 8
	chats := chatIDs(n)
	h.subscribe(chats...)
	h.putArticles(article("slow", recent(), &content.Photo{URL: "https://img.example/slow.jpg"}))
	h.run()
	sum := h.broadcast()
	h.settle()
	if sum.Unknown != 1 || sum.Sent != n-1 || sum.Failed != 0 {
		t.Errorf("summary: got %+v, want 1 unknown (the timed-out send) and %d sent", sum, n-1)
	}
	if got := h.fake.Calls("sendPhoto"); got != 1 {
		t.Errorf("sendPhoto was called %d times, want once: the slow URL is not tried again", got)
	}
}

// A file_id that Telegram refuses (learned by another send meanwhile) ends
// in the next candidate, never in a failed delivery.
func TestRefusedFileIDFallsBack(t *testing.T) {
	h := newHarness(t, tgfake.Options{}, Options{})
	h.fake.InjectFunc(func(c tgfake.Call) *tgfake.Fault {
		// Every send of a known file_id is refused, as after Telegram
		// dropped it.
		if c.Method == "sendPhoto" && c.N > 1 {
			f := tgfake.Fault{Code: 400, Description: "Bad Request: wrong file identifier/HTTP URL specified"}
			return &f
		}
		return nil
	})
	const n = 4
	chats := chatIDs(n)
	h.subscribe(chats...)
	h.putArticles(article("fid", recent(), &content.Photo{URL: "https://img.example/fid.jpg"}))
	h.run()
	sum := h.broadcast()
	h.settle()
	if sum.Sent != n || sum.Failed != 0 {
		t.Errorf("summary: got %+v, want all %d sent, none failed", sum, n)
	}
	for _, c := range chats {
		if len(h.fake.MessagesTo(c)) != 1 {
			t.Errorf("chat %d got %d messages, want 1", c, len(h.fake.MessagesTo(c)))
		}
	}
	e, err := h.store.Entry(chats[n-1], state.Item{Kind: state.ArticleItem, Seq: 1})
	if err != nil || e.State != state.Sent {
		t.Errorf("ledger: %+v, %v; want sent", e, err)
	}
}

// Against a Bot API server that can't send photos (a bare 500 to every
// sendPhoto), /latest answers with the text form; when even that fails,
// the reader is told to try again.
func TestLatestOnAServerWithoutPhotos(t *testing.T) {
	h := newHarness(t, tgfake.Options{NotImplemented: []string{"sendPhoto", "setMyCommands"}}, Options{})
	h.putArticles(article("p0", recent(), &content.Photo{URL: "https://img.example/p0.jpg"}))
	h.run()
	reader, unlucky := user(8101, "en"), user(8102, "en")
	h.fake.PostPrivate(reader, "/latest")
	got := h.waitMessages(t, reader.ID, 1)
	if got[0].Method != "sendMessage" || !strings.HasPrefix(got[0].Visible, "Headline p0") {
		t.Errorf("got %s %q, want the article as text", got[0].Method, got[0].Visible)
	}
	h.fake.Inject("sendMessage", unlucky.ID, tgfake.ServerError(), defaultTries)
	h.fake.PostPrivate(unlucky, "/latest")
	got = h.waitMessages(t, unlucky.ID, 1)
	if want := catalogFor(LangEN).TryLater; got[0].Visible != want {
		t.Errorf("got %q, want %q", got[0].Visible, want)
	}
	h.settle()
}

// The photo states of articles no longer sent are dropped at a broadcast's
// start once idle for photoIdle, however many there were.
func TestPhotoBookForgetsIdleArticles(t *testing.T) {
	b := newPhotoBook(http.DefaultClient)
	now := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	b.now = func() time.Time { return now }
	for i := range 100_000 {
		b.state("article-" + strconv.Itoa(i))
	}
	now = now.Add(photoIdle - time.Hour)
	b.state("recent")
	now = now.Add(time.Hour)
	b.forget()
	if got := len(b.articles); got != 1 {
		t.Errorf("after %v idle: %d photo states kept, want 1 (the one used since)", photoIdle, got)
	}
}

// The senders waiting for another's first try at a photo don't wait for a
// slow one: while the first sendPhoto is held, the others' text messages
// arrive.
func TestPhotoWaitersDoNotWaitForASlowSend(t *testing.T) {
	hold := newHold(0) // the broadcast's first send is a sendPhoto
	h := newHarness(t, tgfake.Options{}, Options{}, func(c *telegram.Config) { c.Transport = hold })
	const n = 8
	h.subscribe(chatIDs(n)...)
	h.putArticles(article("held", recent(), &content.Photo{URL: "https://img.example/held.jpg"}))
	h.run()
	bc := h.bot.Broadcaster()
	p, started, err := bc.Start(t.Context(), ReportTo{})
	if err != nil || !started {
		t.Fatalf("Start: %+v, %v, %v", p, started, err)
	}
	<-hold.held
	h.fake.Await(t, "the others' texts while the photo is held", func() bool {
		texts := 0
		for _, m := range h.fake.Messages() {
			if m.Method == "sendMessage" {
				texts++
			}
		}
		return texts == n-1
	})
	close(hold.release)
	sum, err := bc.Wait(t.Context(), p.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.settle()
	if sum.Sent != n {
		t.Errorf("summary: %+v, want all %d sent", sum, n)
	}
	if got := h.fake.Calls("sendPhoto"); got != 1 {
		t.Errorf("sendPhoto called %d times, want once", got)
	}
}
