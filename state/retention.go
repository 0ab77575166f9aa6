package state

import (
	"bytes"
	"context"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// defaultFoldChunk bounds the entries one Fold transaction examines, so
// that a large ledger is folded in many short transactions.
const defaultFoldChunk = 20_000

// Fold deletes the Sent and Skipped entries whose state changed longer ago
// than retention, when the chat's watermark already covers them: their
// article's Seq is at or below the watermark (the chat's record stands for
// them from now on), or the chat is inactive (subscribing again moves the
// watermark past every stored article), or the item is an announcement
// (announcements are selected only by the plan after they are queued). So
// nothing folded can ever be selected again. An entry of an article above
// an active chat's watermark, recorded by /latest, waits for the next plan
// to move the watermark. Failed and Unknown entries are kept for /stats.
//
// The ledger is folded in transactions of a bounded size; the freed pages
// are reused by later writes, so the file stops growing once the ledger
// holds about RETENTION's worth of entries. Fold returns how many entries
// it deleted, and ctx's error when ctx ends between two transactions: what
// was folded stays folded, and the next Fold goes on.
func (s *Store) Fold(ctx context.Context, now time.Time, retention time.Duration) (int, error) {
	cutoff := now.Add(-retention)
	folded := 0
	var after []byte
	for {
		if err := ctx.Err(); err != nil {
			return folded, fmt.Errorf("state: fold: %w", err)
		}
		n, next, err := s.foldSome(after, cutoff)
		folded += n
		if err != nil {
			return folded, fmt.Errorf("state: fold: %w", err)
		}
		if next == nil {
			return folded, nil
		}
		after = next
	}
}

// foldSome folds up to s.foldChunk entries after the key after and returns
// the last key it examined, nil at the end of the ledger.
func (s *Store) foldSome(after []byte, cutoff time.Time) (int, []byte, error) {
	var n int
	var next []byte
	err := s.db.Update(func(tx *bbolt.Tx) error {
		n, next = 0, nil
		l, err := openLedger(tx)
		if err != nil {
			return err
		}
		var doomed []Entry
		var chat []byte
		var sub Subscriber
		var found bool
		c := l.deliveries.Cursor()
		k, v := c.First()
		if after != nil {
			k, v = c.Seek(after)
			if k != nil && bytes.Equal(k, after) {
				k, v = c.Next()
			}
		}
		for seen := 0; k != nil; k, v = c.Next() {
			if seen == s.foldChunk {
				next = after
				break
			}
			seen++
			after = bytes.Clone(k)
			if st := EntryState(v[0]); st != Sent && st != Skipped {
				continue
			}
			e, err := decodeEntry(k, v)
			if err != nil {
				return err
			}
			if !e.At.Before(cutoff) {
				continue
			}
			if !bytes.Equal(k[:8], chat) {
				chat = bytes.Clone(k[:8])
				if sub, found, err = getSubscriber(tx, e.Chat); err != nil {
					return err
				}
			}
			covered := e.Item.Kind == AnnouncementItem || !found || sub.Status != Active || e.Item.Seq <= sub.Watermark
			if covered {
				doomed = append(doomed, e)
			}
		}
		for i := range doomed {
			if err := l.remove(&doomed[i]); err != nil {
				return err
			}
		}
		n = len(doomed)
		return l.save()
	})
	return n, next, err
}
