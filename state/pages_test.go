package state

import (
	"errors"
	"reflect"
	"testing"
)

func TestPages(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.Page("a1"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("no page yet: got %v, want ErrNotFound", err)
	}
	first := Page{Path: "Title-04-07", URL: "https://telegra.ph/Title-04-07", Hash: "h1", Updated: t0}
	edited := first
	edited.Hash, edited.Updated = "h2", t0.Add(1)
	tests := []struct {
		name    string
		id      string
		put     Page
		wantErr error
	}{
		{"create", "a1", first, nil},
		{"edit", "a1", edited, nil},
		{"another", "b2", Page{Path: "p", URL: "https://telegra.ph/p"}, nil},
		{"empty ID", "", first, ErrInvalid},
		{"no URL", "c3", Page{Path: "p"}, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.PutPage(tt.id, tt.put)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("PutPage: got %v, want %v", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			got, err := s.Page(tt.id)
			if err != nil || !reflect.DeepEqual(got, tt.put) {
				t.Errorf("got %+v, %v; want %+v", got, err, tt.put)
			}
		})
	}
	s = reopen(t, s)
	if got, err := s.Page("a1"); err != nil || !reflect.DeepEqual(got, edited) {
		t.Errorf("after reopening: got %+v, %v; want %+v", got, err, edited)
	}
	ids, err := s.PagedArticles()
	if err != nil || !reflect.DeepEqual(ids, []string{"a1", "b2"}) {
		t.Errorf("PagedArticles: got %q, %v; want [a1 b2]", ids, err)
	}
}

func TestTelegraphToken(t *testing.T) {
	s := newTestStore(t)
	steps := []struct {
		set, want string
	}{
		{"", ""},
		{"tok1", "tok1"},
		{"tok2", "tok2"},
		{"", ""},
	}
	for _, st := range steps {
		if err := s.SetTelegraphToken(st.set); err != nil {
			t.Fatal(err)
		}
		if got, err := s.TelegraphToken(); err != nil || got != st.want {
			t.Errorf("after SetTelegraphToken(%q): got %q, %v; want %q", st.set, got, err, st.want)
		}
	}
	if err := s.SetTelegraphToken("kept"); err != nil {
		t.Fatal(err)
	}
	s = reopen(t, s)
	if got, _ := s.TelegraphToken(); got != "kept" {
		t.Errorf("after reopening: got %q, want kept", got)
	}
}
