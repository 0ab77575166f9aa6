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
	// Kinds counts the active subscribers by kind: Private, Group,
	// Channel.
	Kinds map[Kind]int
	// Channels are the channels ever added, active or not, in chat ID
	// order.
	Channels []Subscriber
}

// Stats returns the store's counts. They are kept up to date by every
// write, except those by kind: Stats reads the records of groups and
// channels for them, so its cost grows with those, not with the private
// chats, the articles or the ledger.
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
		if st.Kinds, st.Channels, err = countKinds(tx, int(t.subs[Active])); err != nil {
			return err
		}
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

// firstStatuses is how many subscriber counters the first layout of the
// tally holds (the zero status and Active to Kicked); the counters of
// later statuses follow the entries' and read as 0 when absent.
const firstStatuses = int(Kicked) + 1

func loadTally(tx *bbolt.Tx) (tally, error) {
	var t tally
	v := tx.Bucket(bucketMeta).Get(keyTally)
	if v == nil {
		return t, nil
	}
	d := decoder{b: v}
	t.articles = d.varint()
	for i := range t.subs[:firstStatuses] {
		t.subs[i] = d.varint()
	}
	for i := range t.entries {
		t.entries[i] = d.varint()
	}
	for i := firstStatuses; i < len(t.subs) && d.err == nil && len(d.b) > 0; i++ {
		t.subs[i] = d.varint()
	}
	if d.err != nil {
		return tally{}, fmt.Errorf("tally: %w", d.err)
	}
	return t, nil
}

func (t *tally) save(tx *bbolt.Tx) error {
	v := make([]byte, 0, 64)
	v = binary.AppendVarint(v, t.articles)
	for _, n := range t.subs[:firstStatuses] {
		v = binary.AppendVarint(v, n)
	}
	for _, n := range t.entries {
		v = binary.AppendVarint(v, n)
	}
	for _, n := range t.subs[firstStatuses:] {
		v = binary.AppendVarint(v, n)
	}
	return tx.Bucket(bucketMeta).Put(keyTally, v)
}
