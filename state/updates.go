package state

import (
	"encoding/binary"
	"fmt"

	"go.etcd.io/bbolt"
)

// keyHandledUpdates holds the IDs of Telegram updates handled but not yet
// confirmed to Telegram, in the meta bucket.
var keyHandledUpdates = []byte("handled_updates")

// maxHandledUpdates bounds what SetHandledUpdates keeps: more than a poll
// of updates is never waiting.
const maxHandledUpdates = 1000

// HandledUpdates returns the IDs of the Telegram updates that the last run
// handled but could not acknowledge: Telegram confirms updates only below
// an offset, and an older one was still waiting when the run ended. Telegram
// delivers them again; the bot skips them, so that none is answered twice.
// It returns the store's error.
func (s *Store) HandledUpdates() ([]int, error) {
	var ids []int
	err := s.db.View(func(tx *bbolt.Tx) error {
		d := decoder{b: tx.Bucket(bucketMeta).Get(keyHandledUpdates)}
		for len(d.b) > 0 && d.err == nil {
			ids = append(ids, int(d.varint()))
		}
		return d.err
	})
	if err != nil {
		return nil, fmt.Errorf("state: handled updates: %w", err)
	}
	return ids, nil
}

// SetHandledUpdates replaces the IDs HandledUpdates returns (at most the
// last 1000). It returns the store's error.
func (s *Store) SetHandledUpdates(ids []int) error {
	ids = ids[max(0, len(ids)-maxHandledUpdates):]
	var v []byte
	for _, id := range ids {
		v = binary.AppendVarint(v, int64(id))
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if len(v) == 0 {
			return meta.Delete(keyHandledUpdates)
		}
		return meta.Put(keyHandledUpdates, v)
	})
	if err != nil {
		return fmt.Errorf("state: keep handled updates: %w", err)
	}
	return nil
}
