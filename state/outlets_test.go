package state

import (
	"reflect"
	"slices"
	"testing"
	"time"
)

// ingestFrom stores one article per id, of outlet, published an hour
// apart from pub.
func ingestFrom(t testing.TB, s *Store, outlet string, pub time.Time, ids ...string) {
	t.Helper()
	var as []Article
	for i, id := range ids {
		as = append(as, Article{ID: id, Published: pub.Add(time.Duration(i) * time.Hour), Data: []byte(id), Outlet: outlet})
	}
	if _, err := s.UpsertArticles(as); err != nil {
		t.Fatal(err)
	}
}

func TestOutlets(t *testing.T) {
	s := newTestStore(t)
	week := t0.Add(-7 * 24 * time.Hour)
	ingestFrom(t, s, "rfi", week.Add(-time.Hour), "r-old")
	ingestFrom(t, s, "voa", t0, "v1", "v2")
	ingestFrom(t, s, "rfi", t0, "r1")
	ingestFrom(t, s, "", t0, "nowhere") // no outlet known: not listed

	got, err := s.Outlets(week)
	if err != nil {
		t.Fatal(err)
	}
	want := []Outlet{{Key: "rfi", First: 1, Articles: 2, Recent: 1}, {Key: "voa", First: 2, Articles: 2, Recent: 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}

	// An article that moves to another outlet is counted there; an outlet
	// left without articles is gone.
	if _, err := s.UpsertArticles([]Article{{ID: "r-old", Published: week.Add(-time.Hour), Data: []byte("r-old"), Outlet: "dw"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpsertArticles([]Article{{ID: "r1", Published: t0, Data: []byte("r1"), Outlet: "dw"}}); err != nil {
		t.Fatal(err)
	}
	got, err = s.Outlets(week)
	if err != nil {
		t.Fatal(err)
	}
	want = []Outlet{{Key: "dw", First: 1, Articles: 2, Recent: 1}, {Key: "voa", First: 2, Articles: 2, Recent: 2}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("after the moves: got %+v, want %+v", got, want)
	}
	if a, err := s.Article("r1"); err != nil || a.Outlet != "dw" {
		t.Errorf("Article: got %+v, %v; want outlet dw", a, err)
	}
}

// An article stored before outlets were kept gets its outlet when it is
// upserted again unchanged: it stays unchanged, with no new Seq.
func TestUpsertGivesAnOldArticleItsOutlet(t *testing.T) {
	s := newTestStore(t)
	ingestFrom(t, s, "", t0, "a")
	res, err := s.UpsertArticles([]Article{{ID: "a", Published: t0, Data: []byte("a"), Outlet: "rfi"}})
	if err != nil || !reflect.DeepEqual(res, []Upserted{ArticleUnchanged}) {
		t.Fatalf("got %v, %v; want unchanged", res, err)
	}
	a, err := s.Article("a")
	if err != nil || a.Outlet != "rfi" || a.Seq != 1 {
		t.Errorf("got %+v, %v; want Seq 1 of rfi", a, err)
	}
	before := lastTxID(t, s)
	if _, err := s.UpsertArticles([]Article{{ID: "a", Published: t0, Data: []byte("a"), Outlet: "rfi"}}); err != nil {
		t.Fatal(err)
	}
	if after := lastTxID(t, s); after != before {
		t.Errorf("got %d write transactions for an unchanged article, want none", after-before)
	}
}

func TestNewestFrom(t *testing.T) {
	s := newTestStore(t)
	ingestFrom(t, s, "rfi", t0, "r0", "r1")
	ingestFrom(t, s, "voa", t0.Add(30*time.Minute), "v0", "v1", "v2")
	ingestFrom(t, s, "", t0.Add(10*time.Hour), "x")
	tests := []struct {
		outlets []string
		n       int
		want    []string
	}{
		{nil, 3, []string{"x", "v2", "v1"}},
		{[]string{"rfi"}, 5, []string{"r1", "r0"}},
		{[]string{"rfi", "voa"}, 3, []string{"v2", "v1", "r1"}},
		{[]string{"dw"}, 1, nil},
	}
	for _, tt := range tests {
		got, err := s.NewestFrom(tt.outlets, tt.n)
		if err != nil {
			t.Fatal(err)
		}
		if ids := articleIDs(got); !slices.Equal(ids, tt.want) {
			t.Errorf("NewestFrom(%q, %d): got %v, want %v", tt.outlets, tt.n, ids, tt.want)
		}
		for _, a := range got {
			if tt.outlets != nil && !slices.Contains(tt.outlets, a.Outlet) {
				t.Errorf("NewestFrom(%q): got %s of %q", tt.outlets, a.ID, a.Outlet)
			}
		}
	}
}
