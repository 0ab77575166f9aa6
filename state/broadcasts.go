package state

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"math"
	"slices"
	"sort"
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

// PlanOptions are the selection rules of PRODUCT.md's "Delivery".
type PlanOptions struct {
	// MaxAge leaves out articles published longer ago than this; 0 means
	// no limit.
	MaxAge time.Duration
	// MaxPerBroadcast is how many of a chat's due articles, the newest by
	// publication, a broadcast selects; 0 means no limit.
	MaxPerBroadcast int
	// AnnouncementsOnly plans the queued announcements (and the entries
	// left pending) but no articles, and leaves the watermarks alone: for
	// an /announce that should not also deliver the due articles.
	AnnouncementsOnly bool
}

// PlanBroadcast starts a broadcast by freezing, in one durable transaction,
// what it sends to every active subscriber:
//
//   - the articles ingested after the chat's watermark and published within
//     MaxAge of now, of which the newest MaxPerBroadcast by publication are
//     selected; those already in the chat's ledger (sent by /latest) count
//     toward the cap but are not sent again; the older ones are recorded
//     Skipped;
//   - the entries an earlier broadcast left pending;
//   - every announcement queued since the last plan, never skipped nor
//     counted toward the cap.
//
// Each chat's entries are Pending, leftovers first, then articles oldest
// first, then announcements, numbered by Round. Every planned chat's
// watermark moves to the newest Seq, so nothing selected or passed over now
// can be selected again. A plan with nothing to send is finished at once
// (Finished is set).
//
// Only one broadcast is unfinished at a time: while one is, PlanBroadcast
// changes nothing and returns it with ErrBroadcastRunning, so the caller can
// report its progress.
//
// The cost grows with the number of subscribers and of articles ingested
// after their watermarks, not with the number of articles stored.
func (s *Store) PlanBroadcast(now time.Time, opt PlanOptions) (Broadcast, error) {
	var b Broadcast
	var running bool
	err := s.db.Update(func(tx *bbolt.Tx) error {
		l, err := openLedger(tx)
		if err != nil {
			return err
		}
		if l.cur.ID != 0 {
			b, running = l.cur, true
			return nil
		}
		p, err := newPlanner(tx, l, now, opt)
		if err != nil {
			return err
		}
		if err := p.run(); err != nil {
			return err
		}
		b = l.cur
		if b.Pending == 0 {
			b.Finished = now
			l.cur = Broadcast{}
			if err := putBroadcast(tx, b); err != nil {
				return err
			}
		} else if err := tx.Bucket(bucketMeta).Put(keyCurrent, putUint64(b.ID)); err != nil {
			return err
		}
		return l.save()
	})
	if err != nil {
		return Broadcast{}, fmt.Errorf("state: plan broadcast: %w", err)
	}
	if running {
		return b, fmt.Errorf("state: plan broadcast: broadcast %d started %v: %w", b.ID, b.Started.Format(time.RFC3339), ErrBroadcastRunning)
	}
	return b, nil
}

// A candidate is an article a plan may select.
type candidate struct {
	seq uint64
	pub int64
	id  []byte
}

// A selection is what a plan does for every chat with one watermark.
type selection struct {
	send []Item // the newest MaxPerBroadcast, oldest first
	skip []Item // the rest
}

type planner struct {
	tx      *bbolt.Tx
	l       *ledger
	now     time.Time
	opt     PlanOptions
	lastSeq uint64
	cutoff  int64 // published nanos below which articles are too old

	// cands holds the articles with Seq above loadedAfter, in Seq order:
	// loaded lazily down to the lowest watermark seen.
	cands       []candidate
	loadedAfter uint64
	selections  map[uint64]selection

	leftovers     map[int64][]Entry
	announcements []Item
}

func newPlanner(tx *bbolt.Tx, l *ledger, now time.Time, opt PlanOptions) (*planner, error) {
	id, err := tx.Bucket(bucketBroadcasts).NextSequence()
	if err != nil {
		return nil, err
	}
	l.cur = Broadcast{ID: id, Started: now}
	p := &planner{
		tx:         tx,
		l:          l,
		now:        now,
		opt:        opt,
		lastSeq:    tx.Bucket(bucketArticles).Sequence(),
		cutoff:     math.MinInt64,
		selections: make(map[uint64]selection),
		leftovers:  make(map[int64][]Entry),
	}
	p.loadedAfter = p.lastSeq
	if opt.MaxAge > 0 {
		p.cutoff = now.Add(-opt.MaxAge).UnixNano()
	}
	// Entries an earlier broadcast left pending join this one.
	for _, q := range queuedEntries(l.queue, Pending) {
		e, err := decodeEntry(q.key, l.deliveries.Get(q.key))
		if err != nil {
			return nil, err
		}
		p.leftovers[e.Chat] = append(p.leftovers[e.Chat], e)
	}
	for _, es := range p.leftovers {
		slices.SortStableFunc(es, func(a, b Entry) int { return cmp.Compare(a.Broadcast, b.Broadcast) })
		for i := range es {
			if err := l.remove(&es[i]); err != nil {
				return nil, err
			}
		}
	}
	// Announcements queued since the last plan.
	meta := tx.Bucket(bucketMeta)
	upTo := getUint64(meta.Get(keyAnnouncedUpTo))
	ac := tx.Bucket(bucketAnnouncements).Cursor()
	for k, _ := ac.Seek(putUint64(upTo + 1)); k != nil; k, _ = ac.Next() {
		upTo = getUint64(k)
		p.announcements = append(p.announcements, Item{Kind: AnnouncementItem, Seq: upTo})
	}
	if err := meta.Put(keyAnnouncedUpTo, putUint64(upTo)); err != nil {
		return nil, err
	}
	return p, nil
}

// run plans every subscriber, a chunk at a time: bbolt cursors must be
// repositioned after their bucket changes.
func (p *planner) run() error {
	subs := p.tx.Bucket(bucketSubscribers)
	const chunk = 1000
	var after []byte
	for {
		var batch []Subscriber
		c := subs.Cursor()
		k, v := c.First()
		if after != nil {
			k, v = c.Seek(after)
			if k != nil && bytes.Equal(k, after) {
				k, v = c.Next()
			}
		}
		for ; k != nil && len(batch) < chunk; k, v = c.Next() {
			after = bytes.Clone(k)
			if len(v) == 0 || Status(v[0]) != Active {
				continue
			}
			sub, err := decodeSubscriber(getInt64Key(k), v)
			if err != nil {
				return err
			}
			batch = append(batch, sub)
		}
		for _, sub := range batch {
			if err := p.plan(sub); err != nil {
				return err
			}
		}
		if k == nil {
			break
		}
	}
	// Leftovers of chats that are no longer active are dropped.
	for _, es := range p.leftovers {
		for i := range es {
			es[i].State = Skipped
			es[i].At, es[i].Reason = p.now, "chat inactive"
			if err := p.l.add(&es[i]); err != nil {
				return err
			}
		}
	}
	return nil
}

// plan freezes one subscriber's entries and moves its watermark.
func (p *planner) plan(sub Subscriber) error {
	l := p.l
	id := l.cur.ID
	round := 0
	for _, e := range p.leftovers[sub.Chat] {
		e.Broadcast, e.Round = id, round
		if err := l.add(&e); err != nil {
			return err
		}
		round++
	}
	delete(p.leftovers, sub.Chat)
	var sel selection
	if !p.opt.AnnouncementsOnly {
		var err error
		if sel, err = p.selection(sub.Watermark); err != nil {
			return err
		}
	}
	for _, it := range sel.send {
		if _, found, err := l.get(sub.Chat, it); err != nil || found {
			if err != nil {
				return err
			}
			continue // sent by /latest: counted, not sent again
		}
		e := Entry{Chat: sub.Chat, Item: it, State: Pending, Broadcast: id, Round: round, At: p.now}
		if err := l.add(&e); err != nil {
			return err
		}
		round++
	}
	for _, it := range sel.skip {
		if _, found, err := l.get(sub.Chat, it); err != nil || found {
			if err != nil {
				return err
			}
			continue
		}
		e := Entry{Chat: sub.Chat, Item: it, State: Skipped, Broadcast: id, At: p.now, Reason: "over the cap"}
		if err := l.add(&e); err != nil {
			return err
		}
	}
	for _, it := range p.announcements {
		e := Entry{Chat: sub.Chat, Item: it, State: Pending, Broadcast: id, Round: round, At: p.now}
		if err := l.add(&e); err != nil {
			return err
		}
		round++
	}
	if round > 0 {
		l.cur.Chats++
	}
	if sub.Watermark < p.lastSeq && !p.opt.AnnouncementsOnly {
		sub.Watermark = p.lastSeq
		return putSubscriber(p.tx, sub)
	}
	return nil
}

// selection returns what to do for chats whose watermark is wm.
func (p *planner) selection(wm uint64) (selection, error) {
	if sel, ok := p.selections[wm]; ok {
		return sel, nil
	}
	if wm < p.loadedAfter {
		var older []candidate
		c := p.tx.Bucket(bucketArticleSeq).Cursor()
		for k, v := c.Seek(putUint64(wm + 1)); k != nil && getUint64(k) <= p.loadedAfter; k, v = c.Next() {
			older = append(older, candidate{seq: getUint64(k), pub: getInt64Key(v), id: bytes.Clone(v[8:])})
		}
		p.cands = append(older, p.cands...)
		p.loadedAfter = wm
	}
	i := sort.Search(len(p.cands), func(i int) bool { return p.cands[i].seq > wm })
	var due []candidate
	for _, c := range p.cands[i:] {
		if c.pub >= p.cutoff {
			due = append(due, c)
		}
	}
	// Newest first, ties by ID as Newest orders them.
	slices.SortFunc(due, func(a, b candidate) int {
		if c := cmp.Compare(b.pub, a.pub); c != 0 {
			return c
		}
		return bytes.Compare(b.id, a.id)
	})
	n := len(due)
	if p.opt.MaxPerBroadcast > 0 {
		n = min(n, p.opt.MaxPerBroadcast)
	}
	var sel selection
	for j := n - 1; j >= 0; j-- {
		sel.send = append(sel.send, Item{Kind: ArticleItem, Seq: due[j].seq})
	}
	for _, c := range due[n:] {
		sel.skip = append(sel.skip, Item{Kind: ArticleItem, Seq: c.seq})
	}
	p.selections[wm] = sel
	return sel, nil
}

// Pending returns up to limit entries waiting to be sent, in round order:
// every chat's first entry before any chat's second, which spaces the sends
// to one chat. Pass nil to start and the last entry returned to go on; an
// empty result is the end. Entries being sent are left out, and so is an
// entry put back to Pending behind the position reached: it waits for the
// next broadcast. After a restart, iterating from nil resumes the
// unfinished broadcast with its frozen selection.
func (s *Store) Pending(after *Entry, limit int) ([]Entry, error) {
	var out []Entry
	err := s.db.View(func(tx *bbolt.Tx) error {
		deliveries := tx.Bucket(bucketDeliveries)
		q := tx.Bucket(bucketQueue)
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
// ErrNotFound when none is.
func (s *Store) CurrentBroadcast() (Broadcast, error) {
	var b Broadcast
	err := s.db.View(func(tx *bbolt.Tx) error {
		id := getUint64(tx.Bucket(bucketMeta).Get(keyCurrent))
		if id == 0 {
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
		for _, q := range queuedEntries(l.queue, Sending) {
			e, err := decodeEntry(q.key, l.deliveries.Get(q.key))
			if err != nil {
				return err
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
