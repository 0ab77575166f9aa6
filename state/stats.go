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
