package state

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// A Broadcast is one delivery run: its frozen plan is in the ledger, and
// its record keeps the counts of its entries by state. While it is
// unfinished the counts follow every change; once finished they are the
// summary.
type Broadcast struct {
	ID       uint64
	Started  time.Time
	Finished time.Time // zero while the broadcast is unfinished
	// Chats is the number of chats the plan has something to send to.
	Chats int
	// The broadcast's entries by state. Skipped counts the articles over
	// the cap and the entries of chats that became inactive; Pending
	// after the end counts what was left for the next broadcast.
	Pending, Sending, Sent, Failed, Skipped, Unknown int
	// Deactivated counts the chats made inactive while the broadcast ran,
	// other than by unsubscribing.
	Deactivated int
}

func (b *Broadcast) add(st EntryState, delta int) {
	switch st {
	case Pending:
		b.Pending += delta
	case Sending:
		b.Sending += delta
	case Sent:
		b.Sent += delta
	case Failed:
		b.Failed += delta
	case Skipped:
		b.Skipped += delta
	case Unknown:
		b.Unknown += delta
	}
}

func putBroadcast(tx *bbolt.Tx, b Broadcast) error {
	v := make([]byte, 0, 48)
	v = appendTime(v, b.Started)
	v = appendTime(v, b.Finished)
	for _, n := range []int{b.Chats, b.Pending, b.Sending, b.Sent, b.Failed, b.Skipped, b.Unknown, b.Deactivated} {
		v = binary.AppendVarint(v, int64(n))
	}
	return tx.Bucket(bucketBroadcasts).Put(putUint64(b.ID), v)
}

func getBroadcast(tx *bbolt.Tx, id uint64) (Broadcast, error) {
	v := tx.Bucket(bucketBroadcasts).Get(putUint64(id))
	if v == nil {
		return Broadcast{}, fmt.Errorf("broadcast %d: %w", id, ErrNotFound)
	}
	return decodeBroadcast(id, v)
}

func decodeBroadcast(id uint64, v []byte) (Broadcast, error) {
	d := decoder{b: v}
	b := Broadcast{ID: id, Started: d.time(), Finished: d.time()}
	for _, p := range []*int{&b.Chats, &b.Pending, &b.Sending, &b.Sent, &b.Failed, &b.Skipped, &b.Unknown, &b.Deactivated} {
		*p = int(d.varint())
	}
	if d.err != nil {
		return Broadcast{}, fmt.Errorf("broadcast %d: %w", id, d.err)
	}
	return b, nil
}

// PendingEntries returns up to limit entries waiting to be sent, in round order:
// every chat's first entry before any chat's second, which spaces the sends
// to one chat. Pass nil to start and the last entry returned to go on; an
// empty result is the end. Entries being sent are left out, and so is an
// entry put back to Pending behind the position reached: it waits for the
// next broadcast. After a restart, iterating from nil resumes the
// unfinished broadcast with its frozen selection.
func (s *Store) PendingEntries(after *Entry, limit int) ([]Entry, error) {
	var out []Entry
	err := s.db.View(func(tx *bbolt.Tx) error {
		deliveries := tx.Bucket(bucketDeliveries)
		q := tx.Bucket(bucketQueue)
		cur := getUint64(tx.Bucket(bucketMeta).Get(keyCurrent))
		c := q.Cursor()
		rk, _ := c.First()
		if after != nil {
			rk, _ = c.Seek(roundKey(after.Round))
		}
		for ; rk != nil && len(out) < limit; rk, _ = c.Next() {
			rb := q.Bucket(rk)
			if rb == nil {
				continue
			}
			rc := rb.Cursor()
			k, v := rc.First()
			if after != nil && int(binary.BigEndian.Uint32(rk)) == after.Round {
				start := entryKey(after.Chat, after.Item)
				k, v = rc.Seek(start)
				if k != nil && bytes.Equal(k, start) {
					k, v = rc.Next()
				}
			}
			for ; k != nil && len(out) < limit; k, v = rc.Next() {
				if EntryState(v[0]) != Pending {
					continue
				}
				e, err := decodeEntry(k, deliveries.Get(k))
				if err != nil {
					return err
				}
				if cur != 0 && e.Broadcast != cur {
					continue // not this broadcast's: the next plan takes it
				}
				e.ArticleID = articleIDBySeq(tx, e.Item)
				out = append(out, e)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: pending entries: %w", err)
	}
	return out, nil
}

// CurrentBroadcast returns the unfinished broadcast with its counts, or
// ErrNotFound when none is. A broadcast whose plan PlanBroadcast is still
// writing is not current yet.
func (s *Store) CurrentBroadcast() (Broadcast, error) {
	return s.currentBroadcast(false)
}

// currentBroadcast is CurrentBroadcast; a broadcast whose plan is still being
// written counts only with planning set. Until its plan is complete it has
// nothing to deliver, and finishing it would drop the rest of its plan.
func (s *Store) currentBroadcast(planning bool) (Broadcast, error) {
	var b Broadcast
	err := s.db.View(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		id := getUint64(meta.Get(keyCurrent))
		if id == 0 || (!planning && meta.Get(keyPlanning) != nil) {
			return ErrNotFound
		}
		var err error
		b, err = getBroadcast(tx, id)
		return err
	})
	if err != nil {
		return Broadcast{}, fmt.Errorf("state: current broadcast: %w", err)
	}
	return b, nil
}

// FinishBroadcast ends the unfinished broadcast id and returns its summary.
// Call it when no send is in flight: an entry still Sending becomes Unknown.
// Pending entries stay and join the next plan. Finishing a finished
// broadcast returns it unchanged; an unknown id is ErrNotFound.
func (s *Store) FinishBroadcast(id uint64, now time.Time) (Broadcast, error) {
	var b Broadcast
	err := s.db.Update(func(tx *bbolt.Tx) error {
		l, err := openLedger(tx)
		if err != nil {
			return err
		}
		if l.cur.ID != id {
			b, err = getBroadcast(tx, id)
			return err
		}
		if tx.Bucket(bucketMeta).Get(keyPlanning) != nil {
			return fmt.Errorf("broadcast %d is still being planned: %w", id, ErrConflict)
		}
		for _, q := range queuedEntries(l.queue, Sending) {
			e, err := decodeEntry(q.key, l.deliveries.Get(q.key))
			if err != nil {
				return err
			}
			if e.Broadcast != id {
				continue // a /latest answer's: its sender records it
			}
			if err := l.move(&e, Unknown, now, "still sending when the broadcast finished", 0); err != nil {
				return err
			}
		}
		l.cur.Finished = now
		b = l.cur
		if err := tx.Bucket(bucketMeta).Delete(keyCurrent); err != nil {
			return err
		}
		return l.save()
	})
	if err != nil {
		return Broadcast{}, fmt.Errorf("state: finish broadcast %d: %w", id, err)
	}
	return b, nil
}

// An Announcement is an admin's one-off text for every active subscriber.
type Announcement struct {
	ID     uint64
	Text   string
	Queued time.Time
}

// QueueAnnouncement stores text to be sent to every active subscriber by
// the next plan, and returns its ID. An announcement is never skipped and
// does not count toward the cap; one queued while a broadcast runs waits
// for the next plan.
func (s *Store) QueueAnnouncement(text string, now time.Time) (uint64, error) {
	var id uint64
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketAnnouncements)
		var err error
		if id, err = b.NextSequence(); err != nil {
			return err
		}
		return b.Put(putUint64(id), appendString(appendTime(nil, now), text))
	})
	if err != nil {
		return 0, fmt.Errorf("state: queue announcement: %w", err)
	}
	return id, nil
}

// Announcement returns the announcement with the given ID, or ErrNotFound.
func (s *Store) Announcement(id uint64) (Announcement, error) {
	var a Announcement
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketAnnouncements).Get(putUint64(id))
		if v == nil {
			return ErrNotFound
		}
		d := decoder{b: v}
		a = Announcement{ID: id, Queued: d.time(), Text: d.string()}
		return d.err
	})
	if err != nil {
		return Announcement{}, fmt.Errorf("state: announcement %d: %w", id, err)
	}
	return a, nil
}
