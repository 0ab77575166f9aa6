package state

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

func TestAddChannel(t *testing.T) {
	const ch = -1001000000001
	s := newTestStore(t)
	ingest(t, s, t0, "a", "b")
	steps := []struct {
		name      string
		do        func() (Subscriber, bool, error)
		wantAdded bool
		want      Subscriber
	}{
		{"new", func() (Subscriber, bool, error) { return s.AddChannel(ch, "news_cn", "新闻", t0) },
			true, Subscriber{Chat: ch, Kind: Channel, Status: Active, Subscribed: t0, StatusChanged: t0, Watermark: 2, Username: "news_cn", Title: "新闻"}},
		{"again: renamed", func() (Subscriber, bool, error) { return s.AddChannel(ch, "news_zh", "新聞", t0.Add(time.Hour)) },
			false, Subscriber{Chat: ch, Kind: Channel, Status: Active, Subscribed: t0, StatusChanged: t0, Watermark: 2, Username: "news_zh", Title: "新聞"}},
		{"removed, then back: no backlog, its choice kept", func() (Subscriber, bool, error) {
			if _, err := s.ChooseOutlets(ch, t0, only("rfi")); err != nil {
				return Subscriber{}, false, err
			}
			if _, err := s.Deactivate(ch, Unsubscribed, t0); err != nil {
				return Subscriber{}, false, err
			}
			ingest(t, s, t0, "c")
			return s.AddChannel(ch, "news_zh", "新聞", t0.Add(2*time.Hour))
		}, true, Subscriber{Chat: ch, Kind: Channel, Status: Active, Subscribed: t0.Add(2 * time.Hour), StatusChanged: t0.Add(2 * time.Hour),
			Watermark: 3, Outlets: []string{"rfi"}, OutletsSeq: 2, Username: "news_zh", Title: "新聞"}},
	}
	for _, step := range steps {
		got, added, err := step.do()
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if added != step.wantAdded {
			t.Errorf("%s: got added %v, want %v", step.name, added, step.wantAdded)
		}
		stored, err := s.Subscriber(ch)
		if err != nil {
			t.Fatal(err)
		}
		for _, sub := range []Subscriber{got, stored} {
			if !reflect.DeepEqual(sub, step.want) {
				t.Errorf("%s: got %+v, want %+v", step.name, sub, step.want)
			}
		}
	}

	mustSubscribe(t, s, -1001000000002) // a supergroup
	for _, chat := range []int64{-5, 7, -1001000000002} {
		if _, _, err := s.AddChannel(chat, "", "", t0); !errors.Is(err, ErrInvalid) {
			t.Errorf("AddChannel(%d): got %v, want ErrInvalid", chat, err)
		}
	}
}

func TestChannelsAndKinds(t *testing.T) {
	s := newTestStore(t)
	mustSubscribe(t, s, 1, 2, 3, -5, -1001000000009)
	for _, ch := range []int64{-1001000000001, -1001000000002, -1001000000003} {
		if _, _, err := s.AddChannel(ch, "", "Channel", t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Deactivate(-1001000000002, NoRights, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deactivate(3, Blocked, t0); err != nil {
		t.Fatal(err)
	}
	chs, err := s.Channels()
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, c := range chs {
		ids = append(ids, c.Chat)
	}
	if want := []int64{-1001000000003, -1001000000002, -1001000000001}; !reflect.DeepEqual(ids, want) {
		t.Errorf("Channels: got %v, want %v", ids, want)
	}
	st, err := s.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if want := map[Kind]int{Private: 2, Group: 2, Channel: 2}; !reflect.DeepEqual(st.Kinds, want) {
		t.Errorf("Kinds: got %v, want %v", st.Kinds, want)
	}
	if len(st.Channels) != 3 || st.Channels[1].Status != NoRights {
		t.Errorf("Stats.Channels: got %+v, want the 3 channels, the second without rights", st.Channels)
	}
	if st.Subscribers[Active] != 6 || st.Subscribers[NoRights] != 1 {
		t.Errorf("Subscribers: got %v, want 6 active, 1 without rights", st.Subscribers)
	}
}
