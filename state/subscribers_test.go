package state

import (
	"errors"
	"math"
	"reflect"
	"testing"
	"time"
)

func TestSubscribe(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.UpsertArticles(manyArticles(3, 0, t0)); err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		name      string
		do        func() (Subscriber, bool, error)
		wantAdded bool
		want      Subscriber
	}{
		{"new", func() (Subscriber, bool, error) { return s.Subscribe(7, "en", t0) },
			true, Subscriber{Chat: 7, Language: "en", Status: Active, Subscribed: t0, StatusChanged: t0, Watermark: 3}},
		{"again is idempotent", func() (Subscriber, bool, error) { return s.Subscribe(7, "en", t0.Add(time.Hour)) },
			false, Subscriber{Chat: 7, Language: "en", Status: Active, Subscribed: t0, StatusChanged: t0, Watermark: 3}},
		{"again with a new language", func() (Subscriber, bool, error) { return s.Subscribe(7, "zh-hans", t0.Add(time.Hour)) },
			false, Subscriber{Chat: 7, Language: "zh-hans", Status: Active, Subscribed: t0, StatusChanged: t0, Watermark: 3}},
		{"group", func() (Subscriber, bool, error) { return s.Subscribe(-100123, "", t0) },
			true, Subscriber{Chat: -100123, Status: Active, Subscribed: t0, StatusChanged: t0, Watermark: 3}},
	}
	for _, step := range steps {
		got, added, err := step.do()
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if added != step.wantAdded {
			t.Errorf("%s: got added %v, want %v", step.name, added, step.wantAdded)
		}
		if !sameSubscriber(got, step.want) {
			t.Errorf("%s: got %+v, want %+v", step.name, got, step.want)
		}
		stored, err := s.Subscriber(step.want.Chat)
		if err != nil {
			t.Fatal(err)
		}
		if !sameSubscriber(stored, step.want) {
			t.Errorf("%s: stored %+v, want %+v", step.name, stored, step.want)
		}
	}
}

func sameSubscriber(a, b Subscriber) bool {
	return a.Chat == b.Chat && a.Language == b.Language && a.Status == b.Status &&
		a.Subscribed.Equal(b.Subscribed) && a.StatusChanged.Equal(b.StatusChanged) && a.Watermark == b.Watermark
}

func TestDeactivateAndResubscribe(t *testing.T) {
	s := newTestStore(t)
	if _, _, err := s.Subscribe(1, "en", t0); err != nil {
		t.Fatal(err)
	}
	t1 := t0.Add(time.Hour)
	tests := []struct {
		name    string
		chat    int64
		why     Status
		wantWas bool
		wantErr error
		want    Status
	}{
		{"unsubscribe", 1, Unsubscribed, true, nil, Unsubscribed},
		{"again keeps the first reason", 1, Blocked, false, nil, Unsubscribed},
		{"unknown chat", 2, Blocked, false, ErrNotFound, 0},
		{"active is no reason", 1, Active, false, ErrInvalid, Unsubscribed},
		{"zero is no reason", 1, 0, false, ErrInvalid, Unsubscribed},
	}
	for _, tc := range tests {
		was, err := s.Deactivate(tc.chat, tc.why, t1)
		if !errors.Is(err, tc.wantErr) {
			t.Errorf("%s: got error %v, want %v", tc.name, err, tc.wantErr)
		}
		if was != tc.wantWas {
			t.Errorf("%s: got was-active %v, want %v", tc.name, was, tc.wantWas)
		}
		if tc.want == 0 {
			continue
		}
		sub, err := s.Subscriber(tc.chat)
		if err != nil {
			t.Fatal(err)
		}
		if sub.Status != tc.want || !sub.StatusChanged.Equal(t1) {
			t.Errorf("%s: got %v changed %v, want %v changed %v", tc.name, sub.Status, sub.StatusChanged, tc.want, t1)
		}
	}
	// Articles arrive while the chat is away: resubscribing starts after them.
	if _, err := s.UpsertArticles(manyArticles(2, 0, t0)); err != nil {
		t.Fatal(err)
	}
	sub, added, err := s.Subscribe(1, "en", t1.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !added || sub.Status != Active || sub.Watermark != 2 || !sub.Subscribed.Equal(t1.Add(time.Hour)) {
		t.Errorf("got %+v added %v, want active again with watermark 2, subscribed now", sub, added)
	}
	if _, err := s.Subscriber(99); !errors.Is(err, ErrNotFound) {
		t.Errorf("got %v, want ErrNotFound", err)
	}
}

func TestActiveSubscribersPages(t *testing.T) {
	s := newTestStore(t)
	chats := []int64{math.MinInt64 + 1, -1001, -5, 1, 2, 3, 40, 500, math.MaxInt64}
	for _, c := range chats {
		if _, _, err := s.Subscribe(c, "", t0); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []int64{-5, 40} {
		if _, err := s.Deactivate(c, Kicked, t0); err != nil {
			t.Fatal(err)
		}
	}
	want := []int64{math.MinInt64 + 1, -1001, 1, 2, 3, 500, math.MaxInt64}
	for _, limit := range []int{1, 2, 3, 100} {
		var got []int64
		after := int64(math.MinInt64)
		for pages := 0; ; pages++ {
			page, err := s.ActiveSubscribers(after, limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(page) > limit {
				t.Fatalf("limit %d: got a page of %d", limit, len(page))
			}
			if len(page) == 0 {
				break
			}
			for _, sub := range page {
				got = append(got, sub.Chat)
			}
			after = page[len(page)-1].Chat
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("limit %d: got %v, want %v", limit, got, want)
		}
	}
}

func TestMoveChat(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(s *Store)
		want   Subscriber
		counts map[Status]int
	}{
		{"to a new id", func(s *Store) {},
			Subscriber{Chat: -1002, Language: "en", Status: Active, Subscribed: t0, StatusChanged: t0, Watermark: 1},
			map[Status]int{Active: 1}},
		{"onto an inactive record", func(s *Store) {
			s.Subscribe(-1002, "zh", t0)
			s.UpsertArticles(manyArticles(2, 10, t0))
			s.Deactivate(-1002, Kicked, t0)
		}, Subscriber{Chat: -1002, Language: "en", Status: Active, Subscribed: t0, StatusChanged: t0, Watermark: 1},
			map[Status]int{Active: 1}},
		{"inactive onto an active record", func(s *Store) {
			s.Deactivate(-1001, Kicked, t0.Add(time.Hour))
			s.UpsertArticles(manyArticles(2, 10, t0))
			s.Subscribe(-1002, "zh", t0.Add(time.Minute))
		}, Subscriber{Chat: -1002, Language: "en", Status: Active, Subscribed: t0.Add(time.Minute), StatusChanged: t0.Add(time.Minute), Watermark: 3},
			map[Status]int{Active: 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestStore(t)
			s.UpsertArticles(manyArticles(1, 0, t0))
			if _, _, err := s.Subscribe(-1001, "en", t0); err != nil {
				t.Fatal(err)
			}
			tc.setup(s)
			if err := s.MoveChat(-1001, -1002); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Subscriber(-1001); !errors.Is(err, ErrNotFound) {
				t.Errorf("old chat: got %v, want ErrNotFound", err)
			}
			got, err := s.Subscriber(-1002)
			if err != nil {
				t.Fatal(err)
			}
			if !sameSubscriber(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
			st, err := s.Stats()
			if err != nil {
				t.Fatal(err)
			}
			for status := Active; status < numStatus; status++ {
				if st.Subscribers[status] != tc.counts[status] {
					t.Errorf("%v: got %d, want %d", status, st.Subscribers[status], tc.counts[status])
				}
			}
		})
	}
	s := newTestStore(t)
	if err := s.MoveChat(1, 2); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown chat: got %v, want ErrNotFound", err)
	}
}

func TestStatsCountsSubscribers(t *testing.T) {
	s := newTestStore(t)
	for c := int64(1); c <= 6; c++ {
		s.Subscribe(c, "", t0)
	}
	s.Deactivate(1, Unsubscribed, t0)
	s.Deactivate(2, Blocked, t0)
	s.Deactivate(3, Blocked, t0)
	s.Deactivate(4, ChatNotFound, t0)
	s.Subscribe(1, "", t0) // back again
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	want := map[Status]int{Active: 3, Unsubscribed: 0, Blocked: 2, ChatNotFound: 1, Kicked: 0, NoRights: 0}
	if !reflect.DeepEqual(st.Subscribers, want) {
		t.Errorf("got %v, want %v", st.Subscribers, want)
	}
}

func TestEachSubscriberStatus(t *testing.T) {
	s := newTestStore(t)
	for _, c := range []int64{5, -7, -1001234567890, 9} {
		if _, _, err := s.Subscribe(c, "", t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Deactivate(9, Blocked, t0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.AddChannel(-1009876543210, "news", "News", t0); err != nil {
		t.Fatal(err)
	}
	got := map[Kind]map[Status]int{}
	if err := s.EachSubscriberStatus(func(k Kind, st Status) {
		if got[k] == nil {
			got[k] = map[Status]int{}
		}
		got[k][st]++
	}); err != nil {
		t.Fatal(err)
	}
	want := map[Kind]map[Status]int{Private: {Active: 1, Blocked: 1}, Group: {Active: 2}, Channel: {Active: 1}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}
