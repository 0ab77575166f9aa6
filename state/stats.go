package state

import (
	"encoding/binary"
	"fmt"

	"go.etcd.io/bbolt"
)

// Stats are the figures /stats shows.
type Stats struct {
	// Subscribers counts chats by status: Active and each inactive reason.
	Subscribers map[Status]int
	// Articles is the number of stored articles.
	Articles int
	// Deliveries counts ledger entries by state. Folded entries are no
	// longer counted.
	Deliveries map[EntryState]int
	// Announcements counts the announcements waiting for the next plan.
	Announcements int
	// LastBroadcast is the unfinished broadcast, else the last one
	// finished; nil when there was none.
	LastBroadcast *Broadcast
}

// Stats returns the store's counts. They are kept up to date by every write,
// so Stats costs the same however large the store is.
func (s *Store) Stats() (Stats, error) {
	var st Stats
	err := s.db.View(func(tx *bbolt.Tx) error {
		t, err := loadTally(tx)
		if err != nil {
			return err
		}
		st.Subscribers = make(map[Status]int)
		for status := Active; status < numStatus; status++ {
			st.Subscribers[status] = int(t.subs[status])
		}
		st.Articles = int(t.articles)
		st.Deliveries = make(map[EntryState]int)
		for state := Pending; state < numStates; state++ {
			st.Deliveries[state] = int(t.entries[state])
		}
		st.Announcements = int(tx.Bucket(bucketAnnouncements).Sequence() - getUint64(tx.Bucket(bucketMeta).Get(keyAnnouncedUpTo)))
		if k, v := tx.Bucket(bucketBroadcasts).Cursor().Last(); k != nil {
			b, err := decodeBroadcast(getUint64(k), v)
			if err != nil {
				return err
			}
			st.LastBroadcast = &b
		}
		return nil
	})
	if err != nil {
		return Stats{}, fmt.Errorf("state: stats: %w", err)
	}
	return st, nil
}

// maxStates bounds the entry states the tally has room for.
const maxStates = 8

// A tally holds the counters behind Stats, kept in the meta bucket and
// updated in the same transaction as the records they count.
type tally struct {
	articles int64
	subs     [numStatus]int64
	entries  [maxStates]int64
}

func loadTally(tx *bbolt.Tx) (tally, error) {
	var t tally
	v := tx.Bucket(bucketMeta).Get(keyTally)
	if v == nil {
		return t, nil
	}
	d := decoder{b: v}
	t.articles = d.varint()
	for i := range t.subs {
		t.subs[i] = d.varint()
	}
	for i := range t.entries {
		t.entries[i] = d.varint()
	}
	if d.err != nil {
		return tally{}, fmt.Errorf("tally: %w", d.err)
	}
	return t, nil
}

func (t *tally) save(tx *bbolt.Tx) error {
	v := make([]byte, 0, 64)
	v = binary.AppendVarint(v, t.articles)
	for _, n := range t.subs {
		v = binary.AppendVarint(v, n)
	}
	for _, n := range t.entries {
		v = binary.AppendVarint(v, n)
	}
	return tx.Bucket(bucketMeta).Put(keyTally, v)
}
