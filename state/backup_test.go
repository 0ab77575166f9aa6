package state

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

func TestBackupOpensWithTheSameData(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.UpsertArticles(manyArticles(50, 0, t0)); err != nil {
		t.Fatal(err)
	}
	for c := int64(1); c <= 20; c++ {
		if _, _, err := s.Subscribe(c, "en", t0); err != nil {
			t.Fatal(err)
		}
	}
	ingest(t, s, t0, "new")
	mustPlan(t, s, t0, opt3)
	sendAll(t, s, t0)
	want := dump(t, s)
	var buf bytes.Buffer
	n, err := s.Backup(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if n != int64(buf.Len()) || n == 0 {
		t.Errorf("got %d bytes reported, %d written", n, buf.Len())
	}
	path := filepath.Join(t.TempDir(), "backup.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	// The store stays in use (and open) while the copy is opened.
	if _, _, err := s.Subscribe(21, "en", t0); err != nil {
		t.Fatal(err)
	}
	b := openTestStore(t, path)
	if got := dump(t, b); got != want {
		t.Errorf("backup got\n%s\nwant\n%s", got, want)
	}
}
