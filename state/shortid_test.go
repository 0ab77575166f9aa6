package state

import (
	"errors"
	"fmt"
	"regexp"
	"testing"

	"go.etcd.io/bbolt"
)

func TestShortID(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)
	seen := map[string]string{}
	for i := range 1000 {
		id := fmt.Sprintf("%016x", i*7919)
		got := ShortID(id)
		if len(got) != ShortIDLen || !valid.MatchString(got) {
			t.Fatalf("ShortID(%q) = %q: want %d of A-Za-z0-9_-", id, got, ShortIDLen)
		}
		if again := ShortID(id); again != got {
			t.Fatalf("ShortID(%q): got %q, then %q: want it stable", id, got, again)
		}
		if other, ok := seen[got]; ok {
			t.Fatalf("ShortID(%q) = ShortID(%q) = %q", id, other, got)
		}
		seen[got] = id
	}
}

func TestArticleByShortID(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.UpsertArticles([]Article{
		{ID: "a1", Published: t0, Data: []byte("one")},
		{ID: "a2", Published: t0, Data: []byte("two")},
	}); err != nil {
		t.Fatal(err)
	}
	// A changed article keeps its short ID.
	if _, err := s.UpsertArticles([]Article{{ID: "a1", Published: t0, Data: []byte("one, edited")}}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, short string
		want        string // article ID; "" for ErrNotFound
		wantData    string
	}{
		{"first", ShortID("a1"), "a1", "one, edited"},
		{"second", ShortID("a2"), "a2", "two"},
		{"no such article", ShortID("a3"), "", ""},
		{"empty", "", "", ""},
		{"too short", ShortID("a1")[:8], "", ""},
		{"too long", ShortID("a1") + "A", "", ""},
		{"not base64url", "!!!!!!!!!!!!!!!!", "", ""},
		{"the article ID itself", "a1", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := s.ArticleByShortID(tt.short)
			if tt.want == "" {
				if !errors.Is(err, ErrNotFound) {
					t.Fatalf("got %+v, %v; want ErrNotFound", a, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if a.ID != tt.want || string(a.Data) != tt.wantData {
				t.Errorf("got %s %q, want %s %q", a.ID, a.Data, tt.want, tt.wantData)
			}
		})
	}
}

// TestShortIDIndexRebuilt opens a file whose articles are not indexed, as
// one written before the index existed.
func TestShortIDIndexRebuilt(t *testing.T) {
	s := newTestStore(t)
	var arts []Article
	for i := range 20 {
		arts = append(arts, Article{ID: fmt.Sprintf("id%d", i), Published: t0, Data: []byte("x")})
	}
	if _, err := s.UpsertArticles(arts); err != nil {
		t.Fatal(err)
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		if err := tx.DeleteBucket(bucketShortIDs); err != nil {
			return err
		}
		_, err := tx.CreateBucket(bucketShortIDs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.ArticleByShortID(ShortID("id3")); !errors.Is(err, ErrNotFound) {
		t.Fatalf("before reopening: got %v, want ErrNotFound", err)
	}
	s = reopen(t, s)
	for _, a := range arts {
		got, err := s.ArticleByShortID(ShortID(a.ID))
		if err != nil || got.ID != a.ID {
			t.Errorf("%s: got %q, %v; want it found", a.ID, got.ID, err)
		}
	}
}
