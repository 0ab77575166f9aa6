package state

import (
	"encoding/binary"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// only is a choose function of ChooseOutlets that picks outlets; only()
// picks every outlet.
func only(outlets ...string) func([]string) ([]string, error) {
	return func([]string) ([]string, error) { return outlets, nil }
}

func TestChooseOutlets(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, 1)
	ingestFrom(t, s, "rfi", t0, "r0")
	errNo := errors.New("no")
	tests := []struct {
		name    string
		choose  func([]string) ([]string, error)
		want    []string
		wantErr error
	}{
		{"one", only("rfi"), []string{"rfi"}, nil},
		{"sorted, once each", only("voa", "rfi", "voa"), []string{"rfi", "voa"}, nil},
		{"empty refused", only([]string{}...), []string{"rfi", "voa"}, ErrInvalid},
		{"choose's error", func([]string) ([]string, error) { return nil, errNo }, []string{"rfi", "voa"}, errNo},
		{"toggle one off", func(cur []string) ([]string, error) {
			return slices.DeleteFunc(cur, func(o string) bool { return o == "voa" }), nil
		}, []string{"rfi"}, nil},
		{"all again", only(), nil, nil},
	}
	for _, tt := range tests {
		sub, err := s.ChooseOutlets(1, t0, tt.choose)
		if !errors.Is(err, tt.wantErr) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.wantErr)
		}
		stored, serr := s.Subscriber(1)
		if serr != nil {
			t.Fatal(serr)
		}
		if !reflect.DeepEqual(stored.Outlets, tt.want) {
			t.Errorf("%s: stored %q, want %q", tt.name, stored.Outlets, tt.want)
		}
		if err == nil && !reflect.DeepEqual(sub.Outlets, tt.want) {
			t.Errorf("%s: returned %q, want %q", tt.name, sub.Outlets, tt.want)
		}
		if stored.Status != Active || stored.OutletsSeq != 1 {
			t.Errorf("%s: got status %v, outlets seq %d; want active, 1", tt.name, stored.Status, stored.OutletsSeq)
		}
	}
}

// A chat that chooses before it subscribes gets an inactive record, and
// keeps its choices when it subscribes, and when it comes back.
func TestChoicesBeforeSubscribing(t *testing.T) {
	s := newTestStore(t)
	if _, err := s.ChooseOutlets(5, t0, only("rfi")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SetLang(-77, "zh-Hant", t0); err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if st.Subscribers[Unsubscribed] != 2 || st.Subscribers[Active] != 0 {
		t.Errorf("got %v, want 2 unsubscribed", st.Subscribers)
	}
	mustSubscribe(t, s, 5, -77)
	if _, err := s.Deactivate(5, Unsubscribed, t0); err != nil {
		t.Fatal(err)
	}
	mustSubscribe(t, s, 5)
	for _, want := range []Subscriber{
		{Chat: 5, Kind: Private, Status: Active, Outlets: []string{"rfi"}},
		{Chat: -77, Kind: Group, Status: Active, Lang: "zh-Hant"},
	} {
		got, err := s.Subscriber(want.Chat)
		if err != nil {
			t.Fatal(err)
		}
		if got.Kind != want.Kind || got.Status != want.Status || !reflect.DeepEqual(got.Outlets, want.Outlets) || got.Lang != want.Lang {
			t.Errorf("got %+v, want %+v", got, want)
		}
	}
	if st, err = s.Stats(); err != nil || st.Subscribers[Active] != 2 || st.Subscribers[Unsubscribed] != 0 {
		t.Errorf("got %v, %v; want 2 active", st.Subscribers, err)
	}
}

func TestSetLang(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, 1)
	for _, lang := range []string{"zh-Hant", "en", ""} {
		if _, err := s.SetLang(1, lang, t0); err != nil {
			t.Fatal(err)
		}
		if sub, err := s.Subscriber(1); err != nil || sub.Lang != lang || sub.Language != "en" {
			t.Errorf("got %+v, %v; want Lang %q, Language en", sub, err, lang)
		}
	}
}

func TestSubscriberRecords(t *testing.T) {
	full := Subscriber{Chat: -1001000000001, Language: "en", Status: NoRights, Subscribed: t0, StatusChanged: t0.Add(time.Hour),
		Watermark: 9, Kind: Channel, Outlets: []string{"dw", "rfi"}, OutletsSeq: 7, Lang: "zh-Hant", Username: "news_cn", Title: "新闻"}
	got, err := decodeSubscriber(full.Chat, encodeSubscriber(full))
	if err != nil || !reflect.DeepEqual(got, full) {
		t.Errorf("round trip: got %+v, %v; want %+v", got, err, full)
	}

	// A record of the first layout: status, watermark, times, language.
	legacy := func(chat int64) Subscriber {
		v := append([]byte{byte(Active)}, binary.AppendUvarint(nil, 3)...)
		v = appendTime(appendTime(v, t0), t0)
		v = appendString(v, "zh-hans")
		sub, err := decodeSubscriber(chat, v)
		if err != nil {
			t.Fatalf("legacy record of %d: %v", chat, err)
		}
		return sub
	}
	for _, tt := range []struct {
		chat int64
		kind Kind
	}{{5, Private}, {-5, Group}, {-1001000000005, Group}} {
		want := Subscriber{Chat: tt.chat, Language: "zh-hans", Status: Active, Subscribed: t0, StatusChanged: t0, Watermark: 3, Kind: tt.kind}
		if got := legacy(tt.chat); !reflect.DeepEqual(got, want) {
			t.Errorf("legacy %d: got %+v, want %+v", tt.chat, got, want)
		}
	}

	// The fields after the first layout's: a kind, a choice, a Seq and
	// three strings, 6 bytes when empty.
	good := encodeSubscriber(Subscriber{Chat: 1, Outlets: []string{"rfi"}})
	tail := len(good) - len(appendChoice(nil, []string{"rfi"})) - 5
	badKind := append([]byte(nil), good...)
	badKind[tail] = byte(numKinds)
	for _, tt := range []struct {
		name string
		v    []byte
	}{
		{"cut in the choice", good[:tail+2]},
		{"cut after the choice", good[:tail+1+len(appendChoice(nil, []string{"rfi"}))]},
		{"a kind never written", badKind},
	} {
		if _, err := decodeSubscriber(1, tt.v); !errors.Is(err, errCorrupt) {
			t.Errorf("%s: got %v, want errCorrupt", tt.name, err)
		}
	}
}

// A tally of the first layout, without the counters of later statuses,
// still loads; saving it adds them.
func TestLegacyTally(t *testing.T) {
	s := newTestStore(t)
	err := s.db.Update(func(tx *bbolt.Tx) error {
		var v []byte
		for _, n := range []int64{4, 0, 3, 1, 0, 0, 2, 0, 0, 0, 5, 0, 0, 0, 0} { // articles, 6 statuses, 8 states
			v = binary.AppendVarint(v, n)
		}
		return tx.Bucket(bucketMeta).Put(keyTally, v)
	})
	if err != nil {
		t.Fatal(err)
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	want := map[Status]int{Active: 3, Unsubscribed: 1, Blocked: 0, ChatNotFound: 0, Kicked: 2, NoRights: 0}
	if st.Articles != 4 || !reflect.DeepEqual(st.Subscribers, want) || st.Deliveries[Sent] != 5 {
		t.Errorf("got %+v, want 4 articles, subscribers %v, 5 sent", st, want)
	}
	// Deactivating a chat for NoRights saves the tally in the new layout.
	mustSubscribe(t, s, 1)
	if _, err := s.Deactivate(1, NoRights, t0); err != nil {
		t.Fatal(err)
	}
	st, err = s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	want = map[Status]int{Active: 3, Unsubscribed: 1, Blocked: 0, ChatNotFound: 0, Kicked: 2, NoRights: 1}
	if !reflect.DeepEqual(st.Subscribers, want) || st.Deliveries[Sent] != 5 {
		t.Errorf("after NoRights: got %v, %v; want %v, 5 sent", st.Subscribers, st.Deliveries, want)
	}
}

// A broadcast gives a chat the articles of the outlets it chose only, and
// counts only those toward the cap; it passes over the others, with no
// entry, and moves the watermark past them.
func TestPlanHonoursTheChoice(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, 1, 2, 3)
	if _, err := s.ChooseOutlets(2, t0, only("rfi")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ChooseOutlets(3, t0, only("dw")); err != nil {
		t.Fatal(err)
	}
	ingestFrom(t, s, "rfi", t0, "r0", "r1")
	ingestFrom(t, s, "voa", t0.Add(30*time.Minute), "v0", "v1", "v2", "v3")
	ingestFrom(t, s, "", t0.Add(5*time.Hour), "x")
	mustPlan(t, s, t0.Add(6*time.Hour), opt3)
	got := plannedItems(t, s)
	want := map[int64][]string{
		1: {"v2", "v3", "x"},
		2: {"r0", "r1"},
	}
	for chat, ids := range want {
		if !slices.Equal(got[chat], ids) {
			t.Errorf("chat %d: got %v, want %v", chat, got[chat], ids)
		}
	}
	if len(got[3]) != 0 {
		t.Errorf("chat 3 (dw only): got %v, want nothing", got[3])
	}
	if states := statesOf(t, s, 2); len(states) != 2 {
		t.Errorf("chat 2: got entries %v, want the two of rfi only", states)
	}
	for c := int64(1); c <= 3; c++ {
		if sub, err := s.Subscriber(c); err != nil || sub.Watermark != 7 {
			t.Errorf("chat %d: got %+v, %v; want watermark 7", c, sub, err)
		}
	}
}
