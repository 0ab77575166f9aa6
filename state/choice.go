package state

import (
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"go.etcd.io/bbolt"
)

// Kind is the kind of chat a subscriber is.
type Kind uint8

// The kinds of chat.
const (
	Private Kind = iota + 1 // a user's private chat with the bot
	Group                   // a group or a supergroup
	Channel                 // a channel, where the bot posts as an administrator
	numKinds
)

// String returns the kind in words, as /stats shows it: "private",
// "group", "channel".
func (k Kind) String() string {
	switch k {
	case Private:
		return "private"
	case Group:
		return "group"
	case Channel:
		return "channel"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// kindOf is the kind of a chat that subscribed by a command: private for a
// user's ID, else a group (channels are added by AddChannel).
func kindOf(chat int64) Kind {
	if chat > 0 {
		return Private
	}
	return Group
}

// Receives reports whether the subscriber chose the outlet: any outlet
// when it chose all of them.
func (s Subscriber) Receives(outlet string) bool {
	if s.Outlets == nil {
		return true
	}
	_, found := slices.BinarySearch(s.Outlets, outlet)
	return found
}

// A choice is encoded as 0 for every outlet, else the number of outlets
// plus one and their keys.
func appendChoice(v []byte, outlets []string) []byte {
	if outlets == nil {
		return append(v, 0)
	}
	v = binary.AppendUvarint(v, uint64(len(outlets))+1)
	for _, o := range outlets {
		v = appendString(v, o)
	}
	return v
}

func (d *decoder) choice() []string {
	n := d.uvarint()
	if n == 0 || d.err != nil {
		return nil
	}
	if n-1 > uint64(len(d.b)) {
		d.err = errCorrupt
		return nil
	}
	out := make([]string, 0, n-1)
	for range n - 1 {
		out = append(out, d.string())
	}
	return out
}

// ChooseOutlets sets the outlets chat receives to what choose returns when
// given the current choice (nil: every outlet), in one transaction, so
// that two changes never undo each other: nil chooses every outlet, those
// that appear later included; a set of keys only those (see
// Subscriber.Outlets). A chat without a record gets one, inactive
// (Unsubscribed), so that the choice holds once it subscribes. It returns
// the subscriber; an error wrapping choose's, which changes nothing; or
// one wrapping ErrInvalid when choose returns an empty set.
func (s *Store) ChooseOutlets(chat int64, now time.Time, choose func(current []string) ([]string, error)) (Subscriber, error) {
	sub, err := s.choose(chat, now, func(tx *bbolt.Tx, sub *Subscriber) (bool, error) {
		next, err := choose(slices.Clone(sub.Outlets))
		if err != nil {
			return false, err
		}
		if next != nil {
			next = slices.Compact(slices.Sorted(slices.Values(next)))
			if len(next) == 0 {
				return false, fmt.Errorf("an empty choice of outlets: %w", ErrInvalid)
			}
		}
		if (next == nil) == (sub.Outlets == nil) && slices.Equal(next, sub.Outlets) {
			return false, nil
		}
		sub.Outlets, sub.OutletsSeq = next, tx.Bucket(bucketArticles).Sequence()
		return true, nil
	})
	if err != nil {
		return Subscriber{}, fmt.Errorf("state: choose outlets of %d: %w", chat, err)
	}
	return sub, nil
}

// SetLang sets the reply language chat chose (see Subscriber.Lang); ""
// follows Telegram's language code again. A chat without a record gets
// one, inactive (Unsubscribed), as with ChooseOutlets. It returns the
// subscriber, or the store's error.
func (s *Store) SetLang(chat int64, lang string, now time.Time) (Subscriber, error) {
	sub, err := s.choose(chat, now, func(_ *bbolt.Tx, sub *Subscriber) (bool, error) {
		changed := sub.Lang != lang
		sub.Lang = lang
		return changed, nil
	})
	if err != nil {
		return Subscriber{}, fmt.Errorf("state: set the language of %d: %w", chat, err)
	}
	return sub, nil
}

// choose changes chat's record with change, which reports whether it
// changed it; a chat without a record gets one, inactive.
func (s *Store) choose(chat int64, now time.Time, change func(*bbolt.Tx, *Subscriber) (bool, error)) (Subscriber, error) {
	var sub Subscriber
	err := s.db.Update(func(tx *bbolt.Tx) error {
		var found bool
		var err error
		if sub, found, err = getSubscriber(tx, chat); err != nil {
			return err
		}
		if !found {
			sub = Subscriber{Chat: chat, Kind: kindOf(chat), Status: Unsubscribed, StatusChanged: now,
				Watermark: tx.Bucket(bucketArticles).Sequence()}
		}
		changed, err := change(tx, &sub)
		if err != nil || !changed {
			return err
		}
		if !found {
			t, err := loadTally(tx)
			if err != nil {
				return err
			}
			t.subs[Unsubscribed]++
			if err := t.save(tx); err != nil {
				return err
			}
		}
		return putSubscriber(tx, sub)
	})
	return sub, err
}
