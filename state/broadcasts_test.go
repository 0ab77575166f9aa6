package state

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// plannedItems returns, per chat, the names of the pending entries in
// round order, read through Pending one entry at a time.
func plannedItems(t testing.TB, s *Store) map[int64][]string {
	t.Helper()
	got := make(map[int64][]string)
	var after *Entry
	for {
		page, err := s.PendingEntries(after, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return got
		}
		e := page[0]
		got[e.Chat] = append(got[e.Chat], entryName(e))
		after = &e
	}
}

// sendAll records every pending entry as sending and then sent.
func sendAll(t testing.TB, s *Store, at time.Time) {
	t.Helper()
	var changes []Change
	for {
		page, err := s.PendingEntries(nil, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		changes = changes[:0]
		for _, e := range page {
			changes = append(changes, Change{Chat: e.Chat, Item: e.Item, State: Sending, At: at})
		}
		record(t, s, changes)
		for i := range changes {
			changes[i].State, changes[i].MessageID = Sent, i+1
		}
		record(t, s, changes)
	}
	checkLedger(t, s)
}

// record is mustRecord without the consistency check.
func record(t testing.TB, s *Store, changes []Change) {
	t.Helper()
	rejected, err := s.Record(changes)
	if err != nil {
		t.Fatal(err)
	}
	for i, err := range rejected {
		if err != nil {
			t.Fatalf("change %d %+v: %v", i, changes[i], err)
		}
	}
}

// finish finishes the unfinished broadcast, if any.
func finish(t testing.TB, s *Store, at time.Time) {
	t.Helper()
	b, err := s.CurrentBroadcast()
	if errors.Is(err, ErrNotFound) {
		return
	}
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FinishBroadcast(b.ID, at); err != nil {
		t.Fatal(err)
	}
	checkLedger(t, s)
}

// broadcastAll plans a broadcast, sends everything and finishes it.
func broadcastAll(t testing.TB, s *Store, at time.Time, opt PlanOptions) {
	t.Helper()
	mustPlan(t, s, at, opt)
	sendAll(t, s, at)
	finish(t, s, at)
}

func TestPlanSelection(t *testing.T) {
	day := 24 * time.Hour
	now := t0.Add(30 * day)
	recent := now.Add(-10 * time.Hour) // published within MAX_AGE
	tests := []struct {
		name string
		// setup prepares the store; the test then plans with opt at now.
		setup       func(t *testing.T, s *Store)
		opt         PlanOptions
		want        map[int64][]string // pending, per chat, in round order
		wantSkipped map[int64][]string
		check       func(t *testing.T, s *Store) // more checks after the plan
	}{
		{
			name: "subscription mid-stream gets no backlog",
			setup: func(t *testing.T, s *Store) {
				mustSubscribe(t, s, 1)
				ingest(t, s, recent, "a", "b")
				mustSubscribe(t, s, 2)
				ingest(t, s, recent.Add(2*time.Hour), "c")
			},
			opt:  opt3,
			want: map[int64][]string{1: {"a", "b", "c"}, 2: {"c"}},
		},
		{
			name: "newest three by published, oldest first; older skipped",
			setup: func(t *testing.T, s *Store) {
				mustSubscribe(t, s, 1)
				// Ingested in an order unlike their publication.
				ingest(t, s, recent, "p3", "p1", "p5", "p2", "p4")
				for id, h := range map[string]int{"p1": 1, "p2": 2, "p3": 3, "p4": 4, "p5": 5} {
					if _, err := s.UpsertArticles([]Article{{ID: id, Published: recent.Add(time.Duration(h) * time.Minute), Data: []byte(id)}}); err != nil {
						t.Fatal(err)
					}
				}
			},
			opt:         opt3,
			want:        map[int64][]string{1: {"p3", "p4", "p5"}},
			wantSkipped: map[int64][]string{1: {"p1", "p2"}},
		},
		{
			name: "cap with /latest in between",
			setup: func(t *testing.T, s *Store) {
				mustSubscribe(t, s, 1, 2)
				ingest(t, s, recent, "a", "b", "c", "d")
				// Chat 1 asked /latest: it got d, the newest.
				if err := recordLatest(s, 1, recent, []string{"d"}, []int{100}); err != nil {
					t.Fatal(err)
				}
			},
			opt:         opt3,
			want:        map[int64][]string{1: {"b", "c"}, 2: {"b", "c", "d"}},
			wantSkipped: map[int64][]string{1: {"a"}, 2: {"a"}},
		},
		{
			name: "MAX_AGE leaves old articles out without entries",
			setup: func(t *testing.T, s *Store) {
				mustSubscribe(t, s, 1)
				ingest(t, s, now.Add(-200*time.Hour), "old1", "old2")
				ingest(t, s, recent, "new")
			},
			opt:  opt3,
			want: map[int64][]string{1: {"new"}},
		},
		{
			name: "MAX_AGE 0 is no limit, cap 0 is no cap",
			setup: func(t *testing.T, s *Store) {
				mustSubscribe(t, s, 1)
				ingest(t, s, now.Add(-2000*time.Hour), "old1", "old2")
				ingest(t, s, recent, "n1", "n2", "n3", "n4")
			},
			opt:  PlanOptions{},
			want: map[int64][]string{1: {"old1", "old2", "n1", "n2", "n3", "n4"}},
		},
		{
			name: "announcements go to every active chat, never skipped, not counted",
			setup: func(t *testing.T, s *Store) {
				mustSubscribe(t, s, 1, 2, 3)
				ingest(t, s, recent, "a", "b", "c", "d")
				s.Deactivate(3, Blocked, recent)
				if _, err := s.QueueAnnouncement("hello", recent); err != nil {
					t.Fatal(err)
				}
				if _, err := s.QueueAnnouncement("again", recent); err != nil {
					t.Fatal(err)
				}
			},
			opt:         opt3,
			want:        map[int64][]string{1: {"b", "c", "d", "ann1", "ann2"}, 2: {"b", "c", "d", "ann1", "ann2"}},
			wantSkipped: map[int64][]string{1: {"a"}, 2: {"a"}},
		},
		{
			name: "announcements only: articles stay due",
			setup: func(t *testing.T, s *Store) {
				mustSubscribe(t, s, 1)
				ingest(t, s, recent, "a")
				if _, err := s.QueueAnnouncement("hello", recent); err != nil {
					t.Fatal(err)
				}
				b := mustPlan(t, s, recent, PlanOptions{AnnouncementsOnly: true})
				if got, want := plannedItems(t, s), map[int64][]string{1: {"ann1"}}; !reflect.DeepEqual(got, want) || b.Pending != 1 {
					t.Errorf("announcement plan: got %v (%d pending), want %v", got, b.Pending, want)
				}
				sendAll(t, s, recent)
				finish(t, s, recent)
			},
			opt:  opt3,
			want: map[int64][]string{1: {"a"}},
		},
		{
			name: "announcement queued while a broadcast runs waits for the next",
			setup: func(t *testing.T, s *Store) {
				mustSubscribe(t, s, 1)
				ingest(t, s, recent, "a")
				mustPlan(t, s, recent, opt3)
				if _, err := s.QueueAnnouncement("later", recent); err != nil {
					t.Fatal(err)
				}
				sendAll(t, s, recent)
				finish(t, s, recent)
			},
			opt:  opt3,
			want: map[int64][]string{1: {"ann1"}},
		},
		{
			name: "unsubscribe and resubscribe replays nothing",
			setup: func(t *testing.T, s *Store) {
				mustSubscribe(t, s, 1, 2)
				ingest(t, s, recent, "a", "b")
				mustPlan(t, s, recent, opt3)
				// Chat 1 leaves mid-broadcast: its pending entries are dropped.
				if _, err := s.Deactivate(1, Unsubscribed, recent); err != nil {
					t.Fatal(err)
				}
				sendAll(t, s, recent)
				finish(t, s, recent)
				ingest(t, s, recent.Add(time.Minute), "c")
				mustSubscribe(t, s, 1)
				ingest(t, s, recent.Add(2*time.Minute), "d")
			},
			opt:  opt3,
			want: map[int64][]string{1: {"d"}, 2: {"c", "d"}},
		},
		{
			name: "a group migrated mid-broadcast keeps its history and pending entries",
			setup: func(t *testing.T, s *Store) {
				mustSubscribe(t, s, -100)
				ingest(t, s, recent, "a", "b")
				mustPlan(t, s, recent, opt3)
				page, _ := s.PendingEntries(nil, 1)
				mustRecord(t, s, Change{Chat: -100, Item: page[0].Item, State: Sending}, Change{Chat: -100, Item: page[0].Item, State: Sent})
				if err := s.MoveChat(-100, -200); err != nil {
					t.Fatal(err)
				}
				if err := recordLatest(s, -200, recent, []string{"b"}, []int{5}); err != nil {
					t.Fatal(err)
				}
				sendAll(t, s, recent)
				finish(t, s, recent)
				ingest(t, s, recent.Add(time.Minute), "c")
			},
			opt:  opt3,
			want: map[int64][]string{-200: {"c"}},
		},
		{
			name: "entries left pending join the next plan first",
			setup: func(t *testing.T, s *Store) {
				mustSubscribe(t, s, 1, 2)
				ingest(t, s, recent, "a", "b")
				mustPlan(t, s, recent, opt3)
				a := itemOf(t, s, "a")
				// a: 5xx for chat 1, left for next time; chat 2 got everything.
				mustRecord(t, s, Change{Chat: 1, Item: a, State: Sending}, Change{Chat: 1, Item: a, State: Pending, Reason: "502"})
				if _, err := s.Record([]Change{{Chat: 1, Item: itemOf(t, s, "b"), State: Sending}, {Chat: 1, Item: itemOf(t, s, "b"), State: Sent}}); err != nil {
					t.Fatal(err)
				}
				for _, id := range []string{"a", "b"} {
					mustRecord(t, s, Change{Chat: 2, Item: itemOf(t, s, id), State: Sending}, Change{Chat: 2, Item: itemOf(t, s, id), State: Sent})
				}
				finish(t, s, recent)
				ingest(t, s, recent.Add(time.Minute), "c")
			},
			opt:  opt3,
			want: map[int64][]string{1: {"a", "c"}, 2: {"c"}},
		},
		{
			name: "inactive chats' leftovers are skipped, not planned",
			setup: func(t *testing.T, s *Store) {
				mustSubscribe(t, s, 1)
				ingest(t, s, recent, "a")
				b := mustPlan(t, s, recent, opt3)
				if _, err := s.FinishBroadcast(b.ID, recent); err != nil { // a left pending
					t.Fatal(err)
				}
				// Made inactive without its pending entries being skipped,
				// as Deactivate would: the plan must not send them.
				err := s.db.Update(func(tx *bbolt.Tx) error {
					l, err := openLedger(tx)
					if err != nil {
						return err
					}
					sub, _, err := getSubscriber(tx, 1)
					if err != nil {
						return err
					}
					sub.Status = Kicked
					l.t.subs[Active]--
					l.t.subs[Kicked]++
					if err := putSubscriber(tx, sub); err != nil {
						return err
					}
					return l.save()
				})
				if err != nil {
					t.Fatal(err)
				}
				checkLedger(t, s)
				if got, want := statesOf(t, s, 1), []string{"a:pending"}; !reflect.DeepEqual(got, want) {
					t.Fatalf("got %v, want %v", got, want)
				}
			},
			opt:  opt3,
			want: map[int64][]string{},
			check: func(t *testing.T, s *Store) {
				if got, want := statesOf(t, s, 1), []string{"a:skipped"}; !reflect.DeepEqual(got, want) {
					t.Errorf("got %v, want %v", got, want)
				}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestStore(t)
			tc.setup(t, s)
			b := mustPlan(t, s, now, tc.opt)
			got := plannedItems(t, s)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("planned %v, want %v", got, tc.want)
			}
			gotSkipped := make(map[int64][]string)
			for chat := range tc.want {
				for _, e := range chatEntries(t, s, chat) {
					if e.State == Skipped && e.Broadcast == b.ID {
						gotSkipped[chat] = append(gotSkipped[chat], entryName(e))
					}
				}
			}
			want := tc.wantSkipped
			if want == nil {
				want = map[int64][]string{}
			}
			if !reflect.DeepEqual(gotSkipped, want) {
				t.Errorf("skipped %v, want %v", gotSkipped, want)
			}
			if tc.check != nil {
				tc.check(t, s)
			}
			n := 0
			for _, items := range tc.want {
				n += len(items)
			}
			if b.Pending != n || b.Chats != len(tc.want) {
				t.Errorf("got %d pending for %d chats, want %d for %d", b.Pending, b.Chats, n, len(tc.want))
			}
			// Every active chat's watermark moved to the newest article.
			page, err := s.ActiveSubscribers(math.MinInt64, 100)
			if err != nil {
				t.Fatal(err)
			}
			last, _ := s.ArticlesAfter(0, 1<<30)
			for _, sub := range page {
				if len(last) > 0 && sub.Watermark != last[len(last)-1].Seq {
					t.Errorf("chat %d: got watermark %d, want %d", sub.Chat, sub.Watermark, last[len(last)-1].Seq)
				}
			}
			// Planning again selects nothing new.
			sendAll(t, s, now)
			finish(t, s, now)
			again := mustPlan(t, s, now, tc.opt)
			if got := plannedItems(t, s); len(got) != 0 || again.Finished.IsZero() {
				t.Errorf("second plan: got %v (finished %v), want nothing", got, again.Finished)
			}
		})
	}
}

func TestPlanWhileRunningReturnsTheRunningOne(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, 1)
	ingest(t, s, t0, "a", "b")
	first := mustPlan(t, s, t0, opt3)
	if !first.Finished.IsZero() || first.Pending != 2 {
		t.Fatalf("got %+v, want an unfinished broadcast with 2 pending", first)
	}
	mustRecord(t, s, Change{Chat: 1, Item: itemOf(t, s, "a"), State: Sending})
	ingest(t, s, t0, "c")
	got, err := s.PlanBroadcast(t0.Add(time.Minute), opt3)
	if !errors.Is(err, ErrBroadcastRunning) {
		t.Fatalf("got %v, want ErrBroadcastRunning", err)
	}
	if got.ID != first.ID || got.Pending != 1 || got.Sending != 1 {
		t.Errorf("got %+v, want broadcast %d with 1 pending and 1 sending", got, first.ID)
	}
	if got := plannedItems(t, s); !reflect.DeepEqual(got, map[int64][]string{1: {"b"}}) {
		t.Errorf("got %v, want only b still pending", got)
	}
	cur, err := s.CurrentBroadcast()
	if err != nil || cur.ID != first.ID {
		t.Errorf("got %+v %v, want broadcast %d", cur, err, first.ID)
	}
	mustRecord(t, s, Change{Chat: 1, Item: itemOf(t, s, "a"), State: Sent})
	sendAll(t, s, t0)
	done, err := s.FinishBroadcast(first.ID, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if done.Sent != 2 || !done.Finished.Equal(t0.Add(time.Hour)) {
		t.Errorf("got %+v, want 2 sent, finished", done)
	}
	again, err := s.FinishBroadcast(first.ID, t0.Add(2*time.Hour))
	if err != nil || again != done {
		t.Errorf("finishing again: got %+v %v, want %+v", again, err, done)
	}
	if _, err := s.CurrentBroadcast(); !errors.Is(err, ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
	if _, err := s.FinishBroadcast(99, t0); !errors.Is(err, ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
	next := mustPlan(t, s, t0.Add(time.Hour), opt3)
	if next.ID == first.ID || next.Pending != 1 {
		t.Errorf("got %+v, want a new broadcast with c", next)
	}
}

func TestPendingRoundOrderAndResume(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, 3, -1, 2)
	ingest(t, s, t0, "a", "b")
	mustSubscribe(t, s, 4)
	ingest(t, s, t0.Add(time.Hour), "c")
	b := mustPlan(t, s, t0.Add(2*time.Hour), opt3)
	var got []string
	var after *Entry
	for {
		page, err := s.PendingEntries(after, 2)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		for _, e := range page {
			if e.Broadcast != b.ID || e.State != Pending {
				t.Errorf("got %+v, want pending in broadcast %d", e, b.ID)
			}
			got = append(got, entryName(e)+"@"+string(rune('0'+e.Round))+":"+itoa(e.Chat))
		}
		after = &page[len(page)-1]
	}
	want := []string{"a@0:-1", "a@0:2", "a@0:3", "c@0:4", "b@1:-1", "b@1:2", "b@1:3", "c@2:-1", "c@2:2", "c@2:3"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// After a restart the same selection is resumed, minus what was done.
	mustRecord(t, s, Change{Chat: -1, Item: itemOf(t, s, "a"), State: Sending})
	mustRecord(t, s, Change{Chat: -1, Item: itemOf(t, s, "a"), State: Sent})
	mustRecord(t, s, Change{Chat: 2, Item: itemOf(t, s, "a"), State: Sending})
	s = reopen(t, s)
	checkLedger(t, s)
	wantAfter := map[int64][]string{-1: {"b", "c"}, 2: {"b", "c"}, 3: {"a", "b", "c"}, 4: {"c"}}
	if got := plannedItems(t, s); !reflect.DeepEqual(got, wantAfter) {
		t.Errorf("after reopen got %v, want %v", got, wantAfter)
	}
	e, err := s.Entry(2, itemOf(t, s, "a"))
	if err != nil || e.State != Unknown {
		t.Errorf("got %+v %v, want the in-flight send unknown", e, err)
	}
	cur, err := s.CurrentBroadcast()
	if err != nil {
		t.Fatal(err)
	}
	if cur.ID != b.ID || cur.Sent != 1 || cur.Unknown != 1 || cur.Pending != 8 || cur.Sending != 0 {
		t.Errorf("got %+v, want broadcast %d: 1 sent, 1 unknown, 8 pending", cur, b.ID)
	}
}

func itoa(n int64) string {
	if n < 0 {
		return "-" + itoa(-n)
	}
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + itoa(n%10)
}

func TestBroadcastCountsDeactivationsAndSkips(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, 1, 2, 3)
	ingest(t, s, t0, "a", "b")
	b := mustPlan(t, s, t0, opt3)
	a := itemOf(t, s, "a")
	// Chat 1: blocked on its first send; chat 2 unsubscribes; chat 3: a
	// fails permanently, b's outcome is unknown.
	mustRecord(t, s, Change{Chat: 1, Item: a, State: Sending}, Change{Chat: 1, Item: a, State: Failed, Reason: "403"})
	if _, err := s.Deactivate(1, Blocked, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deactivate(2, Unsubscribed, t0); err != nil {
		t.Fatal(err)
	}
	bi := itemOf(t, s, "b")
	mustRecord(t, s, Change{Chat: 3, Item: a, State: Sending}, Change{Chat: 3, Item: a, State: Failed, Reason: "400"},
		Change{Chat: 3, Item: bi, State: Sending}, Change{Chat: 3, Item: bi, State: Unknown, Reason: "timeout"})
	done, err := s.FinishBroadcast(b.ID, t0)
	if err != nil {
		t.Fatal(err)
	}
	want := Broadcast{ID: b.ID, Started: t0, Finished: t0, Chats: 3, Failed: 2, Skipped: 3, Unknown: 1, Deactivated: 1}
	if done != want {
		t.Errorf("got %+v, want %+v", done, want)
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	wantDeliveries := map[EntryState]int{Pending: 0, Sending: 0, Sent: 0, Failed: 2, Skipped: 3, Unknown: 1}
	if !reflect.DeepEqual(st.Deliveries, wantDeliveries) {
		t.Errorf("got %v, want %v", st.Deliveries, wantDeliveries)
	}
	if st.LastBroadcast == nil || *st.LastBroadcast != want {
		t.Errorf("got last broadcast %+v, want %+v", st.LastBroadcast, want)
	}
	if _, err := s.QueueAnnouncement("x", t0); err != nil {
		t.Fatal(err)
	}
	if st, _ := s.Stats(); st.Announcements != 1 {
		t.Errorf("got %d queued announcements, want 1", st.Announcements)
	}
	ann, err := s.Announcement(1)
	if err != nil || ann.Text != "x" || !ann.Queued.Equal(t0) {
		t.Errorf("got %+v %v, want announcement 1 \"x\"", ann, err)
	}
	if _, err := s.Announcement(2); !errors.Is(err, ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
}

// A broadcast becomes current only once its whole plan is written: a
// broadcaster that resumed a half-written plan would find too little to send
// and finish it, dropping the rest.
func TestPlanInProgressIsNotCurrent(t *testing.T) {
	s := newTestStore(t) // plans a few subscribers per transaction
	var chats []int64
	for c := int64(1); c <= 300; c++ {
		chats = append(chats, c)
	}
	mustSubscribe(t, s, chats...)
	if _, err := s.UpsertArticles([]Article{
		{ID: "a", Published: time.Now().Add(-time.Hour), Data: []byte("a")},
		{ID: "b", Published: time.Now(), Data: []byte("b")},
	}); err != nil {
		t.Fatal(err)
	}

	stop := make(chan struct{})
	seen := make(chan Broadcast, 1)
	go func() {
		defer close(seen)
		for {
			select {
			case <-stop:
				return
			default:
			}
			if b, err := s.CurrentBroadcast(); err == nil {
				seen <- b
				return
			}
		}
	}()
	b, err := s.PlanBroadcast(time.Now(), PlanOptions{})
	close(stop)
	if err != nil {
		t.Fatal(err)
	}
	if b.Pending != 600 {
		t.Fatalf("plan: got %d pending, want 600", b.Pending)
	}
	if got, ok := <-seen; ok && got.Pending != b.Pending {
		t.Errorf("CurrentBroadcast during planning: got %d pending, want none or the whole plan's %d", got.Pending, b.Pending)
	}
}
