package state

import (
	"bytes"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// maxGroupID is the highest chat ID of a group or a channel: every
// negative ID is one. Channel IDs (and supergroup IDs) are at or below
// maxChannelID, -100 followed by ten digits or more.
const (
	maxGroupID   = -1
	maxChannelID = -1000000000000
)

// AddChannel makes the channel chat an active subscriber from now on, with
// the channel's public username (without "@"; "" for none) and title, and
// reports whether it was not active before. A new or returning channel
// gets the current ingestion sequence as its watermark, as Subscribe
// gives one: no backlog. A returning one keeps its choices. For a channel
// already active it only updates the username and title. It returns an
// error wrapping ErrInvalid when chat is not a channel's ID (-100…) or is
// a subscriber of another kind.
func (s *Store) AddChannel(chat int64, username, title string, now time.Time) (Subscriber, bool, error) {
	if chat > maxChannelID {
		return Subscriber{}, false, fmt.Errorf("state: add channel %d: not a channel ID: %w", chat, ErrInvalid)
	}
	var sub Subscriber
	var added bool
	err := s.db.Update(func(tx *bbolt.Tx) error {
		old, found, err := getSubscriber(tx, chat)
		if err != nil {
			return err
		}
		if found && old.Kind != Channel {
			return fmt.Errorf("the chat is a subscriber of kind %v: %w", old.Kind, ErrInvalid)
		}
		sub = old
		sub.Username, sub.Title = username, title
		if found && old.Status == Active {
			if old.Username == username && old.Title == title {
				return nil
			}
			return putSubscriber(tx, sub)
		}
		t, err := loadTally(tx)
		if err != nil {
			return err
		}
		if found {
			t.subs[old.Status]--
		}
		t.subs[Active]++
		added = true
		sub.Chat, sub.Kind, sub.Status, sub.Subscribed, sub.StatusChanged = chat, Channel, Active, now, now
		sub.Watermark = tx.Bucket(bucketArticles).Sequence()
		if err := putSubscriber(tx, sub); err != nil {
			return err
		}
		return t.save(tx)
	})
	if err != nil {
		return Subscriber{}, false, fmt.Errorf("state: add channel %d: %w", chat, err)
	}
	return sub, added, nil
}

// Channels returns the channels ever added, active or not, in chat ID
// order. It reads the records of channels and supergroups only. It returns
// the store's error, wrapped.
func (s *Store) Channels() ([]Subscriber, error) {
	var out []Subscriber
	err := s.db.View(func(tx *bbolt.Tx) error {
		end := chatKey(maxChannelID)
		c := tx.Bucket(bucketSubscribers).Cursor()
		for k, v := c.First(); k != nil && bytes.Compare(k, end) <= 0; k, v = c.Next() {
			sub, err := decodeSubscriber(getInt64Key(k), v)
			if err != nil {
				return err
			}
			if sub.Kind == Channel {
				out = append(out, sub)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: channels: %w", err)
	}
	return out, nil
}

// countKinds counts the active subscribers by kind, of which there are
// active in all, and lists the channels. It reads the records of groups
// and channels only: the active subscribers that are neither are private
// chats.
func countKinds(tx *bbolt.Tx, active int) (map[Kind]int, []Subscriber, error) {
	kinds := map[Kind]int{Private: active, Group: 0, Channel: 0}
	var channels []Subscriber
	end := chatKey(maxGroupID)
	c := tx.Bucket(bucketSubscribers).Cursor()
	for k, v := c.First(); k != nil && bytes.Compare(k, end) <= 0; k, v = c.Next() {
		sub, err := decodeSubscriber(getInt64Key(k), v)
		if err != nil {
			return nil, nil, err
		}
		if sub.Kind == Channel {
			channels = append(channels, sub)
		}
		if sub.Status == Active {
			kinds[sub.Kind]++
			kinds[Private]--
		}
	}
	return kinds, channels, nil
}
