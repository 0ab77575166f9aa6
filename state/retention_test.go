package state

import (
	"context"
	"errors"
	"os"
	"reflect"
	"testing"
	"time"
)

func TestFold(t *testing.T) {
	const retention = 720 * time.Hour
	day := 24 * time.Hour
	old := t0                        // older than RETENTION at fold time
	fresh := t0.Add(29 * day)        // younger
	foldAt := t0.Add(31 * day)       // old + 31 days
	recent := foldAt.Add(-time.Hour) // publication time within MAX_AGE of foldAt
	s := newTestStore(t)
	mustSubscribe(t, s, 1, 2, 3)
	ingest(t, s, recent, "a", "b", "c", "d", "e")
	if _, err := s.QueueAnnouncement("hi", old); err != nil {
		t.Fatal(err)
	}
	// Broadcast 1 at `old`: c, d, e and the announcement; a, b skipped.
	mustPlan(t, s, old, opt3)
	var changes []Change
	for _, chat := range []int64{1, 2, 3} {
		for _, id := range []string{"c", "d"} {
			changes = append(changes, Change{Chat: chat, Item: itemOf(t, s, id), State: Sending, At: old},
				Change{Chat: chat, Item: itemOf(t, s, id), State: Sent, At: old})
		}
		changes = append(changes, Change{Chat: chat, Item: Item{AnnouncementItem, 1}, State: Sending, At: old},
			Change{Chat: chat, Item: Item{AnnouncementItem, 1}, State: Sent, At: old})
	}
	e := itemOf(t, s, "e")
	changes = append(changes,
		Change{Chat: 1, Item: e, State: Sending, At: old}, Change{Chat: 1, Item: e, State: Sent, At: fresh},
		Change{Chat: 2, Item: e, State: Sending, At: old}, Change{Chat: 2, Item: e, State: Unknown, At: old},
		Change{Chat: 3, Item: e, State: Sending, At: old}, Change{Chat: 3, Item: e, State: Failed, At: old})
	mustRecord(t, s, changes...)
	finish(t, s, old)
	// After the broadcast: f arrives; chat 1 gets it by /latest long ago
	// (above its watermark), chat 2 too and then leaves.
	ingest(t, s, recent, "f")
	if err := recordLatest(s, 1, old, []string{"f"}, []int{1}); err != nil {
		t.Fatal(err)
	}
	if err := recordLatest(s, 2, old, []string{"f"}, []int{1}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deactivate(2, Unsubscribed, old); err != nil {
		t.Fatal(err)
	}

	n, err := s.Fold(context.Background(), foldAt, retention)
	if err != nil {
		t.Fatal(err)
	}
	checkLedger(t, s)
	want := map[int64][]string{
		// Kept: e sent recently, f above the watermark of an active chat.
		1: {"e:sent", "f:sent"},
		// Kept: unknown; folded: f, the chat being inactive.
		2: {"e:unknown"},
		// Kept: failed.
		3: {"e:failed"},
	}
	for chat, w := range want {
		if got := statesOf(t, s, chat); !reflect.DeepEqual(got, w) {
			t.Errorf("chat %d: got %v, want %v", chat, got, w)
		}
	}
	// Folded: per chat a, b skipped, c, d, ann1 sent = 15, and chat 2's f.
	if n != 16 {
		t.Errorf("got %d folded, want 16", n)
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	wantCounts := map[EntryState]int{Pending: 0, Sending: 0, Sent: 2, Failed: 1, Skipped: 0, Unknown: 1}
	if !reflect.DeepEqual(st.Deliveries, wantCounts) {
		t.Errorf("got %v, want %v", st.Deliveries, wantCounts)
	}

	// Nothing folded is ever selected again, nor is f resent; only chat 3,
	// which never got f, gets it.
	mustSubscribe(t, s, 2)
	mustPlan(t, s, foldAt, PlanOptions{})
	if got, want := plannedItems(t, s), map[int64][]string{3: {"f"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("plan after folding: got %v, want %v", got, want)
	}
	// Once the plan moved chat 1's watermark past f, f folds too.
	if n, err := s.Fold(context.Background(), foldAt, retention); err != nil || n != 1 {
		t.Errorf("second fold: got %d %v, want 1 folded", n, err)
	}
	checkLedger(t, s)
}

// TestFoldReusesPages records and folds the same amount of deliveries over
// and over: the freed pages are reused, so the file stops growing, while
// the same cycles without folding keep growing it.
func TestFoldReusesPages(t *testing.T) {
	const chats, cycles = 1000, 6
	run := func(fold bool) []int64 {
		s := newTestStore(t)
		s.planChunk = 500
		fillSubscribers(t, s, chats)
		var sizes []int64
		now := t0
		for cycle := range cycles {
			c := itoa(int64(cycle))
			ingest(t, s, now, "a"+c, "b"+c, "c"+c)
			broadcastAll(t, s, now, opt3)
			now = now.Add(31 * 24 * time.Hour)
			if fold {
				n, err := s.Fold(context.Background(), now, 720*time.Hour)
				if err != nil {
					t.Fatal(err)
				}
				if n != 3*chats {
					t.Fatalf("cycle %d: got %d folded, want %d", cycle, n, 3*chats)
				}
			}
			fi, err := os.Stat(s.path)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, fi.Size())
		}
		checkLedger(t, s)
		return sizes
	}
	folded, kept := run(true), run(false)
	t.Logf("file sizes with folding %v, without %v", folded, kept)
	if folded[cycles-1] != folded[1] {
		t.Errorf("with folding got file sizes %v, want them flat after the first cycles", folded)
	}
	if kept[cycles-1] <= folded[cycles-1] {
		t.Errorf("without folding got %d bytes, want more than the %d with folding", kept[cycles-1], folded[cycles-1])
	}
}

func TestFoldStopsWhenContextEnds(t *testing.T) {
	s := newTestStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Fold(ctx, t0, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}
