package state

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestHandledUpdatesSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bot.db")
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if ids, err := s.HandledUpdates(); err != nil || len(ids) != 0 {
		t.Fatalf("new store: got %v, %v; want none", ids, err)
	}
	want := []int{1_000_003, 1_000_005, 1_000_009}
	if err := s.SetHandledUpdates(want); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if s, err = Open(path); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.HandledUpdates()
	if err != nil || !slices.Equal(got, want) {
		t.Errorf("after reopening: got %v, %v; want %v", got, err, want)
	}
	if err := s.SetHandledUpdates(nil); err != nil {
		t.Fatal(err)
	}
	if got, err := s.HandledUpdates(); err != nil || len(got) != 0 {
		t.Errorf("after clearing: got %v, %v; want none", got, err)
	}
}
