package state

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// checkLedger fails the test unless the store is consistent: every queued
// key matches a pending or sending entry at the same round and back, every
// state is a real one, and the counters behind Stats and the unfinished
// broadcast match what a full scan finds.
func checkLedger(t testing.TB, s *Store) {
	t.Helper()
	err := s.db.View(func(tx *bbolt.Tx) error {
		var entries [maxStates]int64
		var cur [maxStates]int
		curID := getUint64(tx.Bucket(bucketMeta).Get(keyCurrent))
		q := tx.Bucket(bucketQueue)
		err := tx.Bucket(bucketDeliveries).ForEach(func(k, v []byte) error {
			e, err := decodeEntry(k, v)
			if err != nil {
				return err
			}
			entries[e.State]++
			if e.Broadcast == curID && curID != 0 {
				cur[e.State]++
			}
			var qv []byte
			if rb := q.Bucket(roundKey(e.Round)); rb != nil {
				qv = rb.Get(k)
			}
			queued := e.State == Pending || e.State == Sending
			if queued != (qv != nil) || (queued && EntryState(qv[0]) != e.State) {
				return fmt.Errorf("entry %+v: queue holds %v", e, qv)
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = q.ForEach(func(rk, _ []byte) error {
			return q.Bucket(rk).ForEach(func(k, v []byte) error {
				dv := tx.Bucket(bucketDeliveries).Get(k)
				if dv == nil || dv[0] != v[0] {
					return fmt.Errorf("queue round %x key %x: entry %x", rk, k, dv)
				}
				e, err := decodeEntry(k, dv)
				if err != nil || roundKey(e.Round) == nil || !bytes.Equal(roundKey(e.Round), rk) {
					return fmt.Errorf("queue round %x key %x: entry %+v %v", rk, k, e, err)
				}
				return nil
			})
		})
		if err != nil {
			return err
		}
		tl, err := loadTally(tx)
		if err != nil {
			return err
		}
		if tl.entries != entries {
			return fmt.Errorf("entry counters %v, scan %v", tl.entries, entries)
		}
		var subs [numStatus]int64
		tx.Bucket(bucketSubscribers).ForEach(func(k, v []byte) error { subs[v[0]]++; return nil })
		if tl.subs != subs {
			return fmt.Errorf("subscriber counters %v, scan %v", tl.subs, subs)
		}
		if n := int64(tx.Bucket(bucketArticles).Stats().KeyN); tl.articles != n {
			return fmt.Errorf("article counter %d, scan %d", tl.articles, n)
		}
		if curID != 0 {
			b, err := getBroadcast(tx, curID)
			if err != nil {
				return err
			}
			got := [maxStates]int{Pending: b.Pending, Sending: b.Sending, Sent: b.Sent, Failed: b.Failed, Skipped: b.Skipped, Unknown: b.Unknown}
			if got != cur {
				return fmt.Errorf("broadcast %d counters %v, scan %v", curID, got, cur)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("ledger inconsistent: %v", err)
	}
}

// chatEntries returns every entry of chat, by item.
func chatEntries(t testing.TB, s *Store, chat int64) []Entry {
	t.Helper()
	var out []Entry
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		l := &ledger{deliveries: tx.Bucket(bucketDeliveries)}
		out, err = l.chatEntries(chat)
		for i := range out {
			out[i].ArticleID = articleIDBySeq(tx, out[i].Item)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// entryName names an entry's item for comparisons: the article ID, or
// "ann1" for announcement 1.
func entryName(e Entry) string {
	if e.Item.Kind == AnnouncementItem {
		return fmt.Sprintf("ann%d", e.Item.Seq)
	}
	return e.ArticleID
}

// statesOf renders chat's entries as "id:state", in item order.
func statesOf(t testing.TB, s *Store, chat int64) []string {
	t.Helper()
	var out []string
	for _, e := range chatEntries(t, s, chat) {
		out = append(out, entryName(e)+":"+e.State.String())
	}
	return out
}

// ingest stores articles with the given IDs, published an hour apart in
// the order given, starting at pub.
func ingest(t testing.TB, s *Store, pub time.Time, ids ...string) {
	t.Helper()
	var as []Article
	for i, id := range ids {
		as = append(as, Article{ID: id, Published: pub.Add(time.Duration(i) * time.Hour), Data: []byte(id)})
	}
	if _, err := s.UpsertArticles(as); err != nil {
		t.Fatal(err)
	}
}

func itemOf(t testing.TB, s *Store, id string) Item {
	t.Helper()
	a, err := s.Article(id)
	if err != nil {
		t.Fatal(err)
	}
	return Item{Kind: ArticleItem, Seq: a.Seq}
}

func mustPlan(t testing.TB, s *Store, now time.Time, opt PlanOptions) Broadcast {
	t.Helper()
	b, err := s.PlanBroadcast(now, opt)
	if err != nil {
		t.Fatalf("PlanBroadcast: %v", err)
	}
	checkLedger(t, s)
	return b
}

func mustRecord(t testing.TB, s *Store, changes ...Change) {
	t.Helper()
	record(t, s, changes)
	checkLedger(t, s)
}

func mustSubscribe(t testing.TB, s *Store, chats ...int64) {
	t.Helper()
	for _, c := range chats {
		if _, _, err := s.Subscribe(c, "en", t0); err != nil {
			t.Fatal(err)
		}
	}
}

var opt3 = PlanOptions{MaxAge: 168 * time.Hour, MaxPerBroadcast: 3}

func TestRecordTransitions(t *testing.T) {
	all := []EntryState{Pending, Sending, Sent, Failed, Skipped, Unknown}
	allowedTo := map[EntryState][]EntryState{
		Pending: {Sending, Failed, Skipped},
		Sending: {Pending, Sent, Failed, Unknown},
	}
	// paths leads an entry from Pending to each state.
	paths := map[EntryState][]EntryState{
		Pending: nil,
		Sending: {Sending},
		Sent:    {Sending, Sent},
		Failed:  {Sending, Failed},
		Skipped: {Skipped},
		Unknown: {Sending, Unknown},
	}
	for _, from := range all {
		for _, to := range all {
			t.Run(from.String()+"_to_"+to.String(), func(t *testing.T) {
				s := newTestStore(t)
				mustSubscribe(t, s, 1)
				ingest(t, s, t0, "a")
				mustPlan(t, s, t0, opt3)
				it := itemOf(t, s, "a")
				for _, st := range paths[from] {
					mustRecord(t, s, Change{Chat: 1, Item: it, State: st, MessageID: 9, Reason: "r"})
				}
				rejected, err := s.Record([]Change{{Chat: 1, Item: it, State: to, MessageID: 42, Reason: "why"}})
				if err != nil {
					t.Fatal(err)
				}
				checkLedger(t, s)
				want := contains(allowedTo[from], to)
				e, err := s.Entry(1, it)
				if err != nil {
					t.Fatal(err)
				}
				if want {
					if rejected != nil {
						t.Fatalf("got rejected %v, want applied", rejected)
					}
					if e.State != to || e.Reason != "why" {
						t.Errorf("got %v %q, want %v %q", e.State, e.Reason, to, "why")
					}
					if to == Sent && e.MessageID != 42 {
						t.Errorf("got message %d, want 42", e.MessageID)
					}
					return
				}
				if len(rejected) != 1 || !errors.Is(rejected[0], ErrConflict) {
					t.Fatalf("got rejected %v, want ErrConflict", rejected)
				}
				if e.State != from {
					t.Errorf("got state %v after a refused change, want %v", e.State, from)
				}
			})
		}
	}
}

func contains(states []EntryState, st EntryState) bool {
	for _, s := range states {
		if s == st {
			return true
		}
	}
	return false
}

func TestRecordBatchRejectsSomeAppliesTheRest(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, 1, 2, 3)
	ingest(t, s, t0, "a")
	b := mustPlan(t, s, t0, opt3)
	it := itemOf(t, s, "a")
	if _, err := s.Deactivate(2, Unsubscribed, t0); err != nil {
		t.Fatal(err)
	}
	at := t0.Add(time.Minute)
	rejected, err := s.Record([]Change{
		{Chat: 1, Item: it, State: Sending, At: at},
		{Chat: 2, Item: it, State: Sending, At: at}, // skipped by the unsubscribe
		{Chat: 9, Item: it, State: Sending, At: at}, // no such entry
		{Chat: 3, Item: it, State: 0, At: at},       // no such state
		{Chat: 3, Item: it, State: Sending, At: at},
		{Chat: 3, Item: it, State: Sent, MessageID: 7, At: at}, // same batch, in order
	})
	if err != nil {
		t.Fatal(err)
	}
	checkLedger(t, s)
	wantErrs := []error{nil, ErrConflict, ErrNotFound, ErrInvalid, nil, nil}
	if len(rejected) != len(wantErrs) {
		t.Fatalf("got %d results, want %d", len(rejected), len(wantErrs))
	}
	for i, want := range wantErrs {
		if !errors.Is(rejected[i], want) || (want == nil) != (rejected[i] == nil) {
			t.Errorf("change %d: got %v, want %v", i, rejected[i], want)
		}
	}
	for chat, want := range map[int64]EntryState{1: Sending, 2: Skipped, 3: Sent} {
		e, err := s.Entry(chat, it)
		if err != nil {
			t.Fatal(err)
		}
		if e.State != want {
			t.Errorf("chat %d: got %v, want %v", chat, e.State, want)
		}
	}
	e, _ := s.Entry(3, it)
	if e.Attempts != 1 || e.MessageID != 7 || !e.At.Equal(at) || e.ArticleID != "a" || e.Broadcast != b.ID {
		t.Errorf("got %+v, want 1 attempt, message 7, at %v, article a, broadcast %d", e, at, b.ID)
	}
	cur, err := s.CurrentBroadcast()
	if err != nil {
		t.Fatal(err)
	}
	if cur.Sending != 1 || cur.Sent != 1 || cur.Skipped != 1 || cur.Pending != 0 || cur.Deactivated != 0 {
		t.Errorf("got %+v, want 1 sending, 1 sent, 1 skipped", cur)
	}
}

// recordLatest records an answer to /latest as the bot does: it claims the
// articles, then records them sent as the messages msgIDs, at at.
func recordLatest(s *Store, chat int64, at time.Time, ids []string, msgIDs []int) error {
	claims, err := s.ClaimLatest(chat, at, ids)
	if err != nil {
		return err
	}
	var changes []Change
	for i, c := range claims {
		if c != ClaimRecord {
			continue
		}
		a, err := s.Article(ids[i])
		if err != nil {
			return err
		}
		changes = append(changes, Change{Chat: chat, Item: Item{Kind: ArticleItem, Seq: a.Seq}, State: Sent, MessageID: msgIDs[i], At: at})
	}
	rejected, err := s.Record(changes)
	return errors.Join(err, errors.Join(rejected...))
}

func TestLatestAnswerRecorded(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, 1)
	ingest(t, s, t0, "a", "b")
	if err := recordLatest(s, 1, t0, []string{"b"}, []int{11}); err != nil {
		t.Fatal(err)
	}
	checkLedger(t, s)
	e, err := s.Entry(1, itemOf(t, s, "b"))
	if err != nil {
		t.Fatal(err)
	}
	if e.State != Sent || e.MessageID != 11 || e.Broadcast != 0 {
		t.Errorf("got %+v, want sent as message 11 outside any broadcast", e)
	}
	tests := []struct {
		name    string
		chat    int64
		ids     []string
		msgs    []int
		wantErr error
	}{
		{"not a subscriber: nothing recorded", 2, []string{"a"}, []int{1}, nil},
		{"unknown article", 1, []string{"a", "zzz"}, []int{1, 2}, ErrNotFound},
	}
	for _, tc := range tests {
		if err := recordLatest(s, tc.chat, t0, tc.ids, tc.msgs); !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: got %v, want %v", tc.name, err, tc.wantErr)
		}
		if got := statesOf(t, s, tc.chat); tc.chat == 1 && !reflect.DeepEqual(got, []string{"b:sent"}) || tc.chat == 2 && got != nil {
			t.Errorf("%s: got entries %v", tc.name, got)
		}
	}
	checkLedger(t, s)
	// During a broadcast: a pending entry answered by /latest is sent.
	ingest(t, s, t0.Add(time.Hour), "c")
	mustPlan(t, s, t0.Add(time.Hour), opt3)
	if err := recordLatest(s, 1, t0, []string{"c"}, []int{12}); err != nil {
		t.Fatal(err)
	}
	checkLedger(t, s)
	if got, want := statesOf(t, s, 1), []string{"a:pending", "b:sent", "c:sent"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestMoveChatMovesLedger(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, -100)
	ingest(t, s, t0, "a", "b", "c")
	b := mustPlan(t, s, t0, opt3)
	a, bi := itemOf(t, s, "a"), itemOf(t, s, "b")
	mustRecord(t, s, Change{Chat: -100, Item: a, State: Sending}, Change{Chat: -100, Item: a, State: Sent, MessageID: 1})
	// b is in flight when Telegram answers that the group moved.
	mustRecord(t, s, Change{Chat: -100, Item: bi, State: Sending})
	if err := s.MoveChat(-100, -200); err != nil {
		t.Fatal(err)
	}
	checkLedger(t, s)
	if got, want := statesOf(t, s, -200), []string{"a:sent", "b:sending", "c:pending"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := statesOf(t, s, -100); got != nil {
		t.Errorf("old chat: got %v, want nothing", got)
	}
	if got, want := plannedItems(t, s), map[int64][]string{-200: {"c"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	// The outcome of the send in flight, recorded under the old ID, lands
	// on the entry that moved; other changes under the old ID find nothing.
	// Here the send was refused because the group moved, and is sent again
	// at the new ID.
	if rejected, err := s.Record([]Change{{Chat: -100, Item: a, State: Sent}}); err != nil || !errors.Is(rejected[0], ErrNotFound) {
		t.Errorf("an entry that moved done: got %v %v, want ErrNotFound", rejected, err)
	}
	mustRecord(t, s,
		Change{Chat: -100, Item: bi, State: Pending, Reason: "migrated"},
		Change{Chat: -200, Item: bi, State: Sending},
		Change{Chat: -200, Item: bi, State: Sent, MessageID: 2, Attempts: 2})
	e, err := s.Entry(-200, bi)
	if err != nil {
		t.Fatal(err)
	}
	if e.State != Sent || e.Attempts != 3 || e.Broadcast != b.ID {
		t.Errorf("got %+v, want sent after 3 requests in broadcast %d", e, b.ID)
	}

	// Merging onto a chat with its own history: what may have arrived wins.
	tests := []struct {
		from, to EntryState
		want     EntryState
	}{
		{Sent, Pending, Sent},
		{Pending, Sent, Sent},
		{Unknown, Skipped, Unknown},
		{Pending, Skipped, Pending}, // the merged chat is active: it is owed the article
		{Sent, Unknown, Unknown},
	}
	for _, tc := range tests {
		t.Run(tc.from.String()+"_onto_"+tc.to.String(), func(t *testing.T) {
			s := newTestStore(t)
			mustSubscribe(t, s, 1, 2)
			ingest(t, s, t0, "a")
			mustPlan(t, s, t0, opt3)
			it := itemOf(t, s, "a")
			paths := map[EntryState][]EntryState{Pending: nil, Sent: {Sending, Sent}, Unknown: {Sending, Unknown}, Skipped: {Skipped}}
			for chat, st := range map[int64]EntryState{1: tc.from, 2: tc.to} {
				for _, step := range paths[st] {
					mustRecord(t, s, Change{Chat: chat, Item: it, State: step})
				}
			}
			if err := s.MoveChat(1, 2); err != nil {
				t.Fatal(err)
			}
			checkLedger(t, s)
			e, err := s.Entry(2, it)
			if err != nil {
				t.Fatal(err)
			}
			if e.State != tc.want {
				t.Errorf("got %v, want %v", e.State, tc.want)
			}
		})
	}
}

func TestClaimLatest(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, 1, 2)
	recent := t0.Add(-time.Hour)
	if _, err := s.UpsertArticles([]Article{
		{ID: "a", Published: recent, Data: []byte("a")},
		{ID: "b", Published: recent.Add(time.Minute), Data: []byte("b")},
		{ID: "c", Published: recent.Add(2 * time.Minute), Data: []byte("c")},
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PlanBroadcast(t0, opt3); err != nil {
		t.Fatal(err)
	}
	a, b := itemOf(t, s, "a"), itemOf(t, s, "b")
	// The broadcast is sending a to chat 1; b waits; c is done with.
	record(t, s, []Change{{Chat: 1, Item: a, State: Sending}})
	c := itemOf(t, s, "c")
	record(t, s, []Change{{Chat: 1, Item: c, State: Sending}, {Chat: 1, Item: c, State: Sent, MessageID: 9}})

	claims, err := s.ClaimLatest(1, t0, []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []Claim{ClaimBusy, ClaimRecord, ClaimFree}; !slices.Equal(claims, want) {
		t.Errorf("claims: got %v, want %v", claims, want)
	}
	// The broadcaster can no longer start b: /latest is sending it.
	rejected, err := s.Record([]Change{{Chat: 1, Item: b, State: Sending}})
	if err != nil || rejected == nil || !errors.Is(rejected[0], ErrConflict) {
		t.Errorf("broadcaster's start of a claimed entry: got %v, %v; want ErrConflict", rejected, err)
	}
	record(t, s, []Change{{Chat: 1, Item: b, State: Sent, MessageID: 10}})

	// Not a subscriber: nothing to protect.
	if claims, err := s.ClaimLatest(99, t0, []string{"a"}); err != nil || !slices.Equal(claims, []Claim{ClaimFree}) {
		t.Errorf("not subscribed: got %v, %v; want free", claims, err)
	}
	if _, err := s.ClaimLatest(2, t0, []string{"a", "nope"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown article: got %v, want ErrNotFound", err)
	}
	if e, err := s.Entry(2, a); err != nil || e.State != Pending {
		t.Errorf("after a refused claim: got %+v, %v; want chat 2's entry still pending", e, err)
	}
	checkLedger(t, s)
}

// A send in flight when its chat unsubscribed, and then not delivered, is
// skipped: it does not wait for a broadcast after the chat subscribes again.
func TestNotDeliveredToInactiveChatIsSkipped(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, 1)
	if _, err := s.UpsertArticles([]Article{{ID: "a", Published: t0.Add(-time.Hour), Data: []byte("a")}}); err != nil {
		t.Fatal(err)
	}
	p, err := s.PlanBroadcast(t0, opt3)
	if err != nil {
		t.Fatal(err)
	}
	a := itemOf(t, s, "a")
	record(t, s, []Change{{Chat: 1, Item: a, State: Sending}})
	if _, err := s.Deactivate(1, Unsubscribed, t0); err != nil {
		t.Fatal(err)
	}
	record(t, s, []Change{{Chat: 1, Item: a, State: Pending, Reason: "502"}})
	if e, err := s.Entry(1, a); err != nil || e.State != Skipped {
		t.Errorf("got %+v, %v; want skipped", e, err)
	}
	if _, err := s.FinishBroadcast(p.ID, t0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Subscribe(1, "en", t0); err != nil {
		t.Fatal(err)
	}
	if next, err := s.PlanBroadcast(t0, opt3); err != nil || next.Pending != 0 {
		t.Errorf("plan after resubscribing: got %+v, %v; want nothing to send", next, err)
	}
	checkLedger(t, s)
}

// A /latest claim is the answer's, not a broadcast's: finishing a broadcast
// leaves it to its sender, a running broadcast does not hand it out, and an
// answer that was not delivered waits for a broadcast only if the article
// was due to the chat.
func TestClaimLatestOutcomes(t *testing.T) {
	s := newTestStore(t)
	ingest(t, s, t0.Add(-48*time.Hour), "old") // before the subscription: never due
	mustSubscribe(t, s, 1)
	ingest(t, s, t0.Add(-time.Hour), "a", "b")
	p := mustPlan(t, s, t0, opt3) // a and b pending for chat 1
	old, a, b := itemOf(t, s, "old"), itemOf(t, s, "a"), itemOf(t, s, "b")

	claims, err := s.ClaimLatest(1, t0, []string{"old", "b"})
	if err != nil || !slices.Equal(claims, []Claim{ClaimRecord, ClaimRecord}) {
		t.Fatalf("claims: got %v, %v", claims, err)
	}
	checkLedger(t, s)
	// The broadcast hands out a alone, and no longer counts b.
	pending, err := s.PendingEntries(nil, 10)
	if err != nil || len(pending) != 1 || pending[0].Item != a {
		t.Errorf("the broadcast's pending entries: got %+v, %v; want a alone", pending, err)
	}
	if cur, err := s.CurrentBroadcast(); err != nil || cur.Pending != 1 {
		t.Errorf("broadcast: got %+v, %v; want 1 pending", cur, err)
	}
	record(t, s, []Change{{Chat: 1, Item: a, State: Sending}, {Chat: 1, Item: a, State: Sent, MessageID: 1}})
	if _, err := s.FinishBroadcast(p.ID, t0); err != nil {
		t.Fatal(err)
	}
	for _, it := range []Item{old, b} {
		if e, err := s.Entry(1, it); err != nil || e.State != Sending {
			t.Errorf("after the broadcast finished: got %+v, %v; want the claim still sending", e, err)
		}
	}
	// Neither answer was delivered: old was never due and is forgotten;
	// b was, and waits for the next broadcast.
	record(t, s, []Change{{Chat: 1, Item: old, State: Pending, Reason: "502"}, {Chat: 1, Item: b, State: Pending, Reason: "502"}})
	if _, err := s.Entry(1, old); !errors.Is(err, ErrNotFound) {
		t.Errorf("undelivered claim of an article never due: got %v, want it gone", err)
	}
	next := mustPlan(t, s, t0, opt3)
	if next.Pending != 1 {
		t.Errorf("next plan: got %+v, want b alone", next)
	}
	if e, err := s.Entry(1, b); err != nil || e.State != Pending || e.Broadcast != next.ID {
		t.Errorf("b: got %+v, %v; want pending in broadcast %d", e, err, next.ID)
	}
	checkLedger(t, s)
}

// A send in flight while its group moves to a supergroup records its
// outcome under the old ID; it lands on the entry that moved, so a later
// /latest there is not kept waiting by an entry left Sending for ever.
func TestOutcomeOfASendInFlightFollowsTheMove(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, -300)
	ingest(t, s, t0, "a")
	a := itemOf(t, s, "a")
	claims, err := s.ClaimLatest(-300, t0, []string{"a"})
	if err != nil || claims[0] != ClaimRecord {
		t.Fatalf("ClaimLatest: %v, %v", claims, err)
	}
	if err := s.MoveChat(-300, -400); err != nil {
		t.Fatal(err)
	}
	mustRecord(t, s, Change{Chat: -300, Item: a, State: Sent, MessageID: 9})
	e, err := s.Entry(-400, a)
	if err != nil || e.State != Sent || e.MessageID != 9 {
		t.Errorf("got %+v, %v; want the moved entry sent, message 9", e, err)
	}
	checkLedger(t, s)
}

// A group and its supergroup both subscribed (someone ran /start in the
// supergroup before the move was known): the merged chat is owed what the
// group was, and the next plan sends it.
func TestMoveChatKeepsWhatTheGroupWasOwed(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, -1001)
	ingest(t, s, t0, "a", "b")
	mustSubscribe(t, s, -1002) // its watermark is after a and b
	if err := s.MoveChat(-1001, -1002); err != nil {
		t.Fatal(err)
	}
	checkLedger(t, s)
	mustPlan(t, s, t0, opt3)
	if got, want := plannedItems(t, s), map[int64][]string{-1002: {"a", "b"}}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v: the group's due articles", got, want)
	}
}
