package state

import (
	"errors"
	"reflect"
	"sync"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// planSetup gives a store 10 chats with different histories: entries left
// pending, a /latest answer, an inactive chat, an announcement.
func planSetup(t *testing.T, s *Store) {
	t.Helper()
	mustSubscribe(t, s, 1, 2, 3, 4)
	ingest(t, s, t0, "a", "b")
	b := mustPlan(t, s, t0, opt3)
	// Chat 1 got nothing: a and b are left pending.
	for _, c := range []int64{2, 3, 4} {
		for _, id := range []string{"a", "b"} {
			mustRecord(t, s, Change{Chat: c, Item: itemOf(t, s, id), State: Sending}, Change{Chat: c, Item: itemOf(t, s, id), State: Sent})
		}
	}
	if _, err := s.FinishBroadcast(b.ID, t0); err != nil {
		t.Fatal(err)
	}
	mustSubscribe(t, s, 5, 6, 7, 8, 9, 10)
	ingest(t, s, t0.Add(time.Hour), "c", "d", "e", "f")
	if err := recordLatest(s, 6, t0, []string{"f"}, []int{1}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deactivate(7, Kicked, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.QueueAnnouncement("hi", t0); err != nil {
		t.Fatal(err)
	}
}

// planOutcome renders everything a plan decides, to compare two plans.
func planOutcome(t *testing.T, s *Store) (map[int64][]string, map[int64][]string, Broadcast) {
	t.Helper()
	entries := make(map[int64][]string)
	for c := int64(1); c <= 10; c++ {
		sub, err := s.Subscriber(c)
		if err != nil {
			t.Fatal(err)
		}
		entries[c] = append(statesOf(t, s, c), "watermark "+itoa(int64(sub.Watermark)))
	}
	cur, err := s.CurrentBroadcast()
	if err != nil {
		t.Fatal(err)
	}
	return plannedItems(t, s), entries, cur
}

func TestOpenCompletesAnInterruptedPlan(t *testing.T) {
	now := t0.Add(2 * time.Hour)
	want := newTestStore(t)
	planSetup(t, want)
	mustPlan(t, want, now, opt3)
	wantPlanned, wantEntries, wantB := planOutcome(t, want)
	if len(wantPlanned) != 9 {
		t.Fatalf("the setup plans %d chats, want 9", len(wantPlanned))
	}

	for _, chunks := range []int{0, 1, 2, 3} {
		s := newTestStore(t)
		planSetup(t, s)
		// Start the plan and do a few chunks of it, then "crash".
		startPlanOnly(t, s, now)
		for range chunks {
			if _, _, err := s.planSome(); err != nil {
				t.Fatal(err)
			}
		}
		// Meanwhile an article arrives: it is not part of this plan.
		ingest(t, s, now, "late")
		s = reopen(t, s)
		checkLedger(t, s)
		planned, entries, b := planOutcome(t, s)
		if !reflect.DeepEqual(planned, wantPlanned) {
			t.Errorf("%d chunks before the crash: planned %v, want %v", chunks, planned, wantPlanned)
		}
		if !reflect.DeepEqual(entries, wantEntries) {
			t.Errorf("%d chunks before the crash: entries %v, want %v", chunks, entries, wantEntries)
		}
		if b != wantB {
			t.Errorf("%d chunks before the crash: got %+v, want %+v", chunks, b, wantB)
		}
	}
}

func TestPlanBroadcastCompletesAnUnfinishedPlan(t *testing.T) {
	now := t0.Add(2 * time.Hour)
	s := newTestStore(t)
	planSetup(t, s)
	startPlanOnly(t, s, now)
	if _, _, err := s.planSome(); err != nil {
		t.Fatal(err)
	}
	b, err := s.PlanBroadcast(now.Add(time.Hour), PlanOptions{})
	if err != nil {
		t.Fatalf("got %v, want the unfinished plan completed", err)
	}
	checkLedger(t, s)
	if !b.Started.Equal(now) || b.Chats != 9 {
		t.Errorf("got %+v, want the plan started at %v for 9 chats", b, now)
	}
	if _, err := s.PlanBroadcast(now, opt3); !errors.Is(err, ErrBroadcastRunning) {
		t.Errorf("got %v, want ErrBroadcastRunning", err)
	}
}

func TestConcurrentPlansMakeOneBroadcast(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, 1, 2, 3, 4, 5, 6, 7)
	ingest(t, s, t0, "a", "b")
	var wg sync.WaitGroup
	errs := make([]error, 4)
	ids := make([]uint64, 4)
	for i := range errs {
		wg.Go(func() {
			b, err := s.PlanBroadcast(t0, opt3)
			errs[i], ids[i] = err, b.ID
		})
	}
	wg.Wait()
	ok := 0
	for i, err := range errs {
		switch {
		case err == nil:
			ok++
		case !errors.Is(err, ErrBroadcastRunning):
			t.Errorf("plan %d: got %v, want nil or ErrBroadcastRunning", i, err)
		}
	}
	if ok != 1 {
		t.Errorf("got %d plans made, want 1 (errors %v)", ok, errs)
	}
	checkLedger(t, s)
	cur, err := s.CurrentBroadcast()
	if err != nil {
		t.Fatal(err)
	}
	if cur.ID != 1 || cur.Pending != 14 {
		t.Errorf("got %+v, want broadcast 1 with 14 pending", cur)
	}
}

// startPlanOnly starts a plan and writes none of it, as a crash right after
// PlanBroadcast's first transaction leaves it.
func startPlanOnly(t *testing.T, s *Store, now time.Time) {
	t.Helper()
	err := s.db.Update(func(tx *bbolt.Tx) error {
		l, err := openLedger(tx)
		if err != nil {
			return err
		}
		return startPlan(tx, l, now, opt3)
	})
	if err != nil {
		t.Fatal(err)
	}
}
