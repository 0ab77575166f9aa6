package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/state"
)

// stepClock is a clock that moves on by step each time it is read.
type stepClock struct {
	t    time.Time
	step time.Duration
}

func (c *stepClock) now() time.Time { c.t = c.t.Add(c.step); return c.t }

// newStepProgress is a progress on a buffer, on a terminal or not,
// whose clock moves on 6 s at each read: every Update is shown.
func newStepProgress(tty bool) (*progress, *bytes.Buffer) {
	var out bytes.Buffer
	p := newProgress(&out, "broadcast", func(io.Writer) bool { return tty })
	c := &stepClock{t: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC), step: 6 * time.Second}
	p.now, p.start = c.now, c.t
	return p, &out
}

// scriptedOps is an ops whose Stats show a broadcast advancing through
// progress, one step a call; Broadcast answers sum once Stats has shown
// them all.
type scriptedOps struct {
	ops
	mu       sync.Mutex
	progress []state.Broadcast
	sum      state.Broadcast
	shown    chan struct{} // closed when every step was shown
}

func (o *scriptedOps) Stats(context.Context) (state.Stats, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if len(o.progress) == 0 {
		return state.Stats{LastBroadcast: &o.sum}, nil
	}
	b := o.progress[0]
	o.progress = o.progress[1:]
	if len(o.progress) == 0 {
		close(o.shown)
	}
	return state.Stats{LastBroadcast: &b}, nil
}

func (o *scriptedOps) Broadcast(ctx context.Context, wait bool) (broadcastReport, error) {
	<-o.shown
	return broadcastReport{Started: true, Broadcast: o.sum}, nil
}

func TestFollowBroadcastShowsProgress(t *testing.T) {
	running := func(sent, failed, pending int) state.Broadcast {
		return state.Broadcast{ID: 4, Chats: 10, Sent: sent, Failed: failed, Pending: pending}
	}
	for _, c := range []struct {
		tty  bool
		want string
	}{
		{false, "broadcast: 10/30 messages (33%), 10 sent, 0 failed, 0 unknown, to 10 chats, 6s, ETA 12s\n" +
			"broadcast: 20/30 messages (66%), 19 sent, 1 failed, 0 unknown, to 10 chats, 12s, ETA 6s\n" +
			"broadcast: 30/30 messages (100%), 29 sent, 1 failed, 0 unknown, to 10 chats, 18s\n"},
		{true, "\rbroadcast [########----------------] 10/30 messages (33%), 10 sent, 0 failed, 0 unknown, to 10 chats, 6s, ETA 12s\x1b[K" +
			"\rbroadcast [################--------] 20/30 messages (66%), 19 sent, 1 failed, 0 unknown, to 10 chats, 12s, ETA 6s\x1b[K" +
			"\rbroadcast [########################] 30/30 messages (100%), 29 sent, 1 failed, 0 unknown, to 10 chats, 18s\x1b[K" +
			"\r\x1b[K"},
	} {
		sum := running(29, 1, 0)
		sum.Finished = time.Now()
		o := &scriptedOps{progress: []state.Broadcast{running(10, 0, 20), running(19, 1, 10), running(29, 1, 0)},
			sum: sum, shown: make(chan struct{})}
		pr, out := newStepProgress(c.tty)
		r, err := followBroadcast(context.Background(), o, true, pr, time.Millisecond)
		if err != nil || r.Broadcast != sum {
			t.Errorf("tty %v: got %+v, %v; want the summary", c.tty, r, err)
		}
		if got := out.String(); got != c.want {
			t.Errorf("tty %v: got\n%q\nwant\n%q", c.tty, got, c.want)
		}
	}
}

// TestBroadcastWaitShowsProgress runs "bot broadcast -wait" through the
// running service: without a terminal the output is the summary alone (the
// broadcast takes less than the 5 s of a plain line); with one, the
// progress is drawn while it runs (three messages into one chat take two
// seconds at least: one a second) and cleared before the summary.
func TestBroadcastWaitShowsProgress(t *testing.T) {
	rs := startService(t, nil)
	reader := tgbotapi.User{ID: 4101, FirstName: "Reader"}
	rs.fake.PostPrivate(reader, "/subscribe")
	rs.fake.Await(t, "the subscription", func() bool { return len(rs.fake.MessagesTo(reader.ID)) >= 1 })
	add := func(prefix string) {
		for _, n := range []string{"1", "2", "3"} {
			writeSeed(t, rs.vars["SEEDS_DIR"], prefix+n+".txt", "https://example.com/"+prefix+"/"+n, prefix+" article "+n)
		}
		if _, _, err := runCmd(t, rs.vars, "ingest"); err != nil {
			t.Fatal(err)
		}
	}

	add("plain")
	stdout, stderr, err := runCmd(t, rs.vars, "broadcast", "-wait")
	if err != nil || !strings.Contains(stdout, "sent 3,") {
		t.Fatalf("broadcast -wait: got %q, %v; want 3 sent", stdout, err)
	}
	if strings.Contains(stderr, "broadcast") || strings.Contains(stdout, "\r") {
		t.Errorf("broadcast -wait without a terminal: got stderr %q, stdout %q; want the summary alone", stderr, stdout)
	}

	add("tty")
	c, err := dialControl(context.Background(), socketPath(rs.vars["DB_PATH"]))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	pr := newProgress(&out, "broadcast", func(io.Writer) bool { return true })
	r, err := followBroadcast(context.Background(), c, true, pr, 20*time.Millisecond)
	if err != nil || r.Broadcast.Sent != 3 {
		t.Fatalf("followBroadcast: got %+v, %v; want 3 sent", r, err)
	}
	got := out.String()
	if !strings.HasPrefix(got, "\rbroadcast [") || !strings.Contains(got, "/3 messages") || !strings.HasSuffix(got, "\r\x1b[K") {
		t.Errorf("on a terminal: got %q, want bars of 3 messages, then the line cleared", got)
	}
}
