package state

import (
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

func TestUpsertArticles(t *testing.T) {
	s := newTestStore(t)
	steps := []struct {
		name     string
		in       []Article
		want     []Upserted
		wantSeqs map[string]uint64
	}{
		{"add two", []Article{{ID: "a", Published: t0, Data: []byte("A")}, {ID: "b", Published: t0, Data: []byte("B")}},
			[]Upserted{ArticleAdded, ArticleAdded}, map[string]uint64{"a": 1, "b": 2}},
		{"again unchanged", []Article{{ID: "a", Published: t0, Data: []byte("A")}, {ID: "b", Published: t0, Data: []byte("B")}},
			[]Upserted{ArticleUnchanged, ArticleUnchanged}, map[string]uint64{"a": 1, "b": 2}},
		{"data changed keeps seq", []Article{{ID: "a", Published: t0, Data: []byte("A2")}},
			[]Upserted{ArticleChanged}, map[string]uint64{"a": 1}},
		{"published changed keeps seq", []Article{{ID: "b", Published: t0.Add(time.Hour), Data: []byte("B")}},
			[]Upserted{ArticleChanged}, map[string]uint64{"b": 2}},
		{"mixed", []Article{{ID: "c", Published: t0, Data: []byte("C")}, {ID: "a", Published: t0, Data: []byte("A2")}},
			[]Upserted{ArticleAdded, ArticleUnchanged}, map[string]uint64{"c": 3, "a": 1}},
		{"seq given by caller ignored", []Article{{ID: "d", Seq: 99, Published: t0}},
			[]Upserted{ArticleAdded}, map[string]uint64{"d": 4}},
		{"same id twice in a batch", []Article{{ID: "e", Data: []byte("1")}, {ID: "e", Data: []byte("2")}},
			[]Upserted{ArticleAdded, ArticleChanged}, map[string]uint64{"e": 5}},
	}
	for _, step := range steps {
		got, err := s.UpsertArticles(step.in)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if !reflect.DeepEqual(got, step.want) {
			t.Errorf("%s: got %v, want %v", step.name, got, step.want)
		}
		for id, seq := range step.wantSeqs {
			a, err := s.Article(id)
			if err != nil {
				t.Fatalf("%s: Article(%s): %v", step.name, id, err)
			}
			if a.Seq != seq {
				t.Errorf("%s: %s got seq %d, want %d", step.name, id, a.Seq, seq)
			}
		}
	}
	a, err := s.Article("b")
	if err != nil {
		t.Fatal(err)
	}
	if !a.Published.Equal(t0.Add(time.Hour)) || string(a.Data) != "B" {
		t.Errorf("got %v %q, want %v %q", a.Published, a.Data, t0.Add(time.Hour), "B")
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Articles != 5 {
		t.Errorf("got %d articles in stats, want 5", st.Articles)
	}
}

func TestUpsertUnchangedWritesNothing(t *testing.T) {
	s := newTestStore(t)
	in := manyArticles(100, 0, t0)
	if _, err := s.UpsertArticles(in); err != nil {
		t.Fatal(err)
	}
	before := lastTxID(t, s)
	got, err := s.UpsertArticles(in)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range got {
		if u != ArticleUnchanged {
			t.Fatalf("article %d: got %v, want unchanged", i, u)
		}
	}
	// Every committed write transaction bumps the transaction ID.
	if after := lastTxID(t, s); after != before {
		t.Errorf("got transaction ID %d after re-upserting, want %d (no write)", after, before)
	}
}

func lastTxID(t testing.TB, s *Store) int {
	t.Helper()
	var id int
	if err := s.db.View(func(tx *bbolt.Tx) error { id = tx.ID(); return nil }); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestUpsertRefusesEmptyID(t *testing.T) {
	s := newTestStore(t)
	_, err := s.UpsertArticles([]Article{{ID: "a"}, {ID: ""}})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("got %v, want ErrInvalid", err)
	}
	if _, err := s.Article("a"); !errors.Is(err, ErrNotFound) {
		t.Errorf("got %v, want nothing stored (ErrNotFound)", err)
	}
}

func TestArticleNotFound(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.Article("nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
}

func TestNewestAndArticlesAfter(t *testing.T) {
	s := newTestStore(t)
	// Ingested in an order different from their publication.
	in := []Article{
		{ID: "x", Published: t0.Add(2 * time.Hour)},
		{ID: "y", Published: t0},
		{ID: "z", Published: t0.Add(3 * time.Hour)},
		{ID: "w", Published: t0.Add(time.Hour)},
	}
	if _, err := s.UpsertArticles(in); err != nil {
		t.Fatal(err)
	}
	// Moving z back in time must move it in Newest too.
	if _, err := s.UpsertArticles([]Article{{ID: "z", Published: t0.Add(-time.Hour)}}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		n    int
		want []string
	}{
		{0, nil},
		{1, []string{"x"}},
		{3, []string{"x", "w", "y"}},
		{10, []string{"x", "w", "y", "z"}},
	} {
		got, err := s.Newest(tc.n)
		if err != nil {
			t.Fatal(err)
		}
		if ids := articleIDs(got); !reflect.DeepEqual(ids, tc.want) {
			t.Errorf("Newest(%d): got %v, want %v", tc.n, ids, tc.want)
		}
	}
	for _, tc := range []struct {
		after uint64
		limit int
		want  []string
	}{
		{0, 10, []string{"x", "y", "z", "w"}},
		{2, 10, []string{"z", "w"}},
		{1, 1, []string{"y"}},
		{4, 10, nil},
	} {
		got, err := s.ArticlesAfter(tc.after, tc.limit)
		if err != nil {
			t.Fatal(err)
		}
		if ids := articleIDs(got); !reflect.DeepEqual(ids, tc.want) {
			t.Errorf("ArticlesAfter(%d, %d): got %v, want %v", tc.after, tc.limit, ids, tc.want)
		}
	}
}

func articleIDs(as []Article) []string {
	var ids []string
	for _, a := range as {
		ids = append(ids, a.ID)
	}
	return ids
}

// benchOutlets are the outlets of manyArticles, in turn.
var benchOutlets = []string{"voa", "rfi", "dw", "nyt", "bbc", "rfa", "cdt"}

// manyArticles are n articles numbered from from, published a second
// apart from published, of the benchOutlets in turn.
func manyArticles(n, from int, published time.Time) []Article {
	as := make([]Article, n)
	for i := range as {
		as[i] = Article{
			ID:        fmt.Sprintf("article-%08d", from+i),
			Published: published.Add(time.Duration(from+i) * time.Second),
			Data:      []byte(fmt.Sprintf(`{"headline":"Headline %d","lead":"A lead paragraph of a typical length for a news article, some two hundred bytes of text in all."}`, from+i)),
			Outlet:    benchOutlets[(from+i)%len(benchOutlets)],
		}
	}
	return as
}
