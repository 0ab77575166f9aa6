package state

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// newTestStore opens a store on a fresh file in t.TempDir and closes it when
// the test ends.
func newTestStore(t testing.TB) *Store {
	t.Helper()
	return openTestStore(t, filepath.Join(t.TempDir(), "data", "bot.db"))
}

// openTestStore opens the store at path and closes it when the test ends,
// unless the test closed it first. Plans and folds go in tiny
// transactions, so that every test goes through their resumption.
func openTestStore(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(path)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	s.planChunk, s.foldChunk = 3, 3
	t.Cleanup(func() {
		if err := s.db.Close(); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return s
}

// reopen closes s and opens its file again.
func reopen(t testing.TB, s *Store) *Store {
	t.Helper()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return openTestStore(t, s.path)
}

// newBenchStore is newTestStore with transactions of the normal size.
func newBenchStore(b testing.TB) *Store {
	s := newTestStore(b)
	s.planChunk, s.foldChunk = defaultPlanChunk, defaultFoldChunk
	return s
}

var t0 = time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)

func TestOpenCreatesFoldersAndFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b", "bot.db")
	s := openTestStore(t, path)
	if s.path != path {
		t.Errorf("got path %s, want %s", s.path, path)
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Articles != 0 || st.Subscribers[Active] != 0 {
		t.Errorf("got %+v, want an empty store", st)
	}
}

func TestSecondOpenFailsClearly(t *testing.T) {
	s := newTestStore(t)
	start := time.Now()
	_, err := Open(s.path)
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("got error %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), s.path) || !strings.Contains(err.Error(), "another process") {
		t.Errorf("got message %q, want it to name %s and another process", err, s.path)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("got failure after %v, want it within 5s", d)
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	s := newTestStore(t)
	err := s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketMeta).Put(keySchema, putUint64(schemaVersion+1))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Open(s.path)
	if !errors.Is(err, ErrSchema) {
		t.Fatalf("got error %v, want ErrSchema", err)
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Errorf("got message %q, want it to say the file is newer", err)
	}
	s.db, _ = bbolt.Open(s.path, 0o600, nil) // for the cleanup
}

func TestReopenKeepsEverything(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.UpsertArticles([]Article{
		{ID: "a", Published: t0, Data: []byte("A")},
		{ID: "b", Published: t0.Add(time.Hour), Data: []byte("B")},
	}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Subscribe(1, "en", t0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Subscribe(2, "zh", t0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Subscribe(3, "zh", t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.QueueAnnouncement("hello", t0); err != nil {
		t.Fatal(err)
	}
	ingest(t, s, t0, "c")
	mustPlan(t, s, t0, opt3)
	c := itemOf(t, s, "c")
	mustRecord(t, s, Change{Chat: 1, Item: c, State: Sending}, Change{Chat: 1, Item: c, State: Sent, MessageID: 5})
	if err := recordLatest(s, 3, t0, []string{"a"}, []int{6}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deactivate(2, Blocked, t0); err != nil {
		t.Fatal(err)
	}
	before := dump(t, s)
	s = reopen(t, s)
	if after := dump(t, s); after != before {
		t.Errorf("after reopen got\n%s\nwant\n%s", after, before)
	}
}

// dump renders every bucket's keys and values, for comparing two stores.
func dump(t testing.TB, s *Store) string {
	t.Helper()
	var b strings.Builder
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.ForEach(func(name []byte, bk *bbolt.Bucket) error {
			b.WriteString(string(name) + "\n")
			return bk.ForEach(func(k, v []byte) error {
				b.WriteString("  " + string(k) + " = " + string(v) + "\n")
				return nil
			})
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}
