package state

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// The crash test runs the test binary again as a child that records
// batches and is killed with SIGKILL in the middle of them.
const (
	crashEnv     = "STATE_CRASH_CHILD_DB" // the database the child writes
	crashChats   = 3000
	crashBatch   = 10 // chats per batch
	crashKillAt  = 40 // confirmed batches before the kill
	crashArticle = "crash-article"
)

// crashChats returns the chats of batch i.
func crashBatchChats(i int) []int64 {
	var chats []int64
	for c := i * crashBatch; c < (i+1)*crashBatch && c < crashChats; c++ {
		chats = append(chats, int64(c+1))
	}
	return chats
}

// TestCrashChild is the child's part: batch i starts sending to the chats
// of batch i and records the chats of batch i-1 as sent, in one Record
// call, then prints "confirmed i". It runs until killed.
func TestCrashChild(t *testing.T) {
	path := os.Getenv(crashEnv)
	if path == "" {
		t.Skip("runs only as the child of TestCrashKeepsConfirmedBatches")
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Article(crashArticle)
	if err != nil {
		t.Fatal(err)
	}
	it := Item{Kind: ArticleItem, Seq: a.Seq}
	for i := 0; i*crashBatch < crashChats; i++ {
		var changes []Change
		for _, c := range crashBatchChats(i) {
			changes = append(changes, Change{Chat: c, Item: it, State: Sending})
		}
		if i > 0 {
			for _, c := range crashBatchChats(i - 1) {
				changes = append(changes, Change{Chat: c, Item: it, State: Sent, MessageID: int(c)})
			}
		}
		rejected, err := s.Record(changes)
		if err != nil || rejected != nil {
			t.Fatalf("batch %d: %v %v", i, rejected, err)
		}
		fmt.Printf("confirmed %d\n", i)
	}
	time.Sleep(time.Minute) // wait for the kill
}

func TestCrashKeepsConfirmedBatches(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	path := filepath.Join(t.TempDir(), "bot.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	fillSubscribers(t, s, crashChats)
	ingest(t, s, t0, crashArticle)
	b, err := s.PlanBroadcast(t0, opt3)
	if err != nil || b.Pending != crashChats {
		t.Fatalf("got %+v %v, want %d pending", b, err, crashChats)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	last := -1
	killed := false
	lines := bufio.NewScanner(out)
	for lines.Scan() {
		n, ok := strings.CutPrefix(lines.Text(), "confirmed ")
		if !ok {
			continue
		}
		if last, err = strconv.Atoi(n); err != nil {
			t.Fatal(err)
		}
		if last == crashKillAt && !killed {
			// Land the kill anywhere in the next commits.
			time.Sleep(time.Duration(rand.IntN(5000)) * time.Microsecond)
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
	}
	werr := cmd.Wait()
	if !killed {
		t.Fatalf("child ended after %d batches without being killed: %v\n%s", last, werr, stderr.String())
	}
	t.Logf("child killed after confirming batch %d: %v", last, werr)

	s = openTestStore(t, path)
	checkLedger(t, s)
	it := itemOf(t, s, crashArticle)
	state := func(c int64) EntryState {
		e, err := s.Entry(c, it)
		if err != nil {
			t.Fatal(err)
		}
		return e.State
	}
	// Batches before the last confirmed one: sent. The last confirmed
	// batch: unknown (it was sending), or sent if one more batch committed
	// before the kill, in which case that batch's chats are unknown.
	for i := 0; i < last; i++ {
		for _, c := range crashBatchChats(i) {
			if got := state(c); got != Sent {
				t.Fatalf("batch %d chat %d: got %v, want sent", i, c, got)
			}
		}
	}
	extra := state(crashBatchChats(last)[0]) == Sent
	t.Logf("a batch committed but not confirmed: %v", extra)
	for _, c := range crashBatchChats(last) {
		want := Unknown
		if extra {
			want = Sent
		}
		if got := state(c); got != want {
			t.Errorf("last batch %d chat %d: got %v, want %v", last, c, got, want)
		}
	}
	for i := last + 1; i*crashBatch < crashChats; i++ {
		want := Pending
		if extra && i == last+1 {
			want = Unknown
		}
		for _, c := range crashBatchChats(i) {
			if got := state(c); got != want {
				t.Fatalf("batch %d chat %d: got %v, want %v", i, c, got, want)
			}
		}
	}
	b, err = s.CurrentBroadcast()
	if err != nil {
		t.Fatal(err)
	}
	if b.Sending != 0 || b.Pending+b.Sent+b.Unknown != crashChats {
		t.Errorf("got %+v, want no sending and %d entries", b, crashChats)
	}
}
