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

// PlanOptions are the rules by which PlanBroadcast selects each chat's
// articles.
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

// defaultPlanChunk is how many subscriber records one plan transaction
// goes through: it bounds the memory a plan holds before it commits.
const defaultPlanChunk = 10_000

// PlanBroadcast starts a broadcast by freezing, durably, what it sends to
// every active subscriber:
//
//   - the articles ingested after the chat's watermark, published within
//     MaxAge of now and of the outlets the chat chose (Subscriber.Outlets),
//     of which the newest MaxPerBroadcast by publication are selected;
//     those already in the chat's ledger (sent by /latest) count toward
//     the cap but are not sent again; the older ones are recorded Skipped;
//     the articles of other outlets are passed over, with no entry;
//   - the entries an earlier broadcast left pending;
//   - every announcement queued since the last plan, never skipped nor
//     counted toward the cap.
//
// Each chat's entries are Pending, leftovers first, then articles oldest
// first, then announcements, numbered by Round. Every planned chat's
// watermark moves to the newest Seq as of the start of the plan, so
// nothing selected or passed over can be selected again. A plan with
// nothing to send is finished at once (Finished is set).
//
// Subscribers are planned in transactions of a bounded size, so memory
// stays flat however many there are; the choices are fixed when the plan
// starts and recorded, and Open completes a plan a crash interrupted.
//
// Only one broadcast is unfinished at a time: while one is (or is being
// planned), PlanBroadcast returns it with ErrBroadcastRunning, so the
// caller can report its progress.
//
// The cost grows with the number of subscribers and of articles ingested
// after their watermarks, not with the number of articles stored.
func (s *Store) PlanBroadcast(now time.Time, opt PlanOptions) (Broadcast, error) {
	if !s.planning.TryLock() {
		b, _ := s.currentBroadcast(true)
		return b, fmt.Errorf("state: plan broadcast: %w", ErrBroadcastRunning)
	}
	defer s.planning.Unlock()
	var b Broadcast
	var running bool
	err := s.db.Update(func(tx *bbolt.Tx) error {
		l, err := openLedger(tx)
		if err != nil {
			return err
		}
		if l.cur.ID != 0 {
			// An unfinished plan (a transaction failed) is completed below.
			b, running = l.cur, tx.Bucket(bucketMeta).Get(keyPlanning) == nil
			return nil
		}
		return startPlan(tx, l, now, opt)
	})
	if err != nil {
		return Broadcast{}, fmt.Errorf("state: plan broadcast: %w", err)
	}
	if running {
		return b, fmt.Errorf("state: plan broadcast: broadcast %d started %v: %w", b.ID, b.Started.Format(time.RFC3339), ErrBroadcastRunning)
	}
	if b, err = s.completePlan(); err != nil {
		return Broadcast{}, fmt.Errorf("state: plan broadcast: %w", err)
	}
	return b, nil
}

// A planState is a plan in progress: what it decided when it started and
// how far it got. It stays in the meta bucket until every subscriber is
// planned.
type planState struct {
	id             uint64
	now            time.Time
	opt            PlanOptions
	lastSeq        uint64 // articles up to this Seq are selected from
	annFrom, annTo uint64 // announcements with IDs in (annFrom, annTo]
	rounds         int    // the most leftover entries one chat got
	after          []byte // the last subscriber key planned; nil at first
}

func (ps planState) encode() []byte {
	v := binary.AppendUvarint(nil, ps.id)
	v = appendTime(v, ps.now)
	v = binary.AppendVarint(v, int64(ps.opt.MaxAge))
	v = binary.AppendVarint(v, int64(ps.opt.MaxPerBroadcast))
	annOnly := byte(0)
	if ps.opt.AnnouncementsOnly {
		annOnly = 1
	}
	v = append(v, annOnly)
	v = binary.AppendUvarint(v, ps.lastSeq)
	v = binary.AppendUvarint(v, ps.annFrom)
	v = binary.AppendUvarint(v, ps.annTo)
	v = binary.AppendUvarint(v, uint64(ps.rounds))
	return appendString(v, string(ps.after))
}

func decodePlanState(v []byte) (planState, error) {
	d := decoder{b: v}
	ps := planState{id: d.uvarint(), now: d.time()}
	ps.opt.MaxAge = time.Duration(d.varint())
	ps.opt.MaxPerBroadcast = int(d.varint())
	ps.opt.AnnouncementsOnly = d.byte() == 1
	ps.lastSeq = d.uvarint()
	ps.annFrom = d.uvarint()
	ps.annTo = d.uvarint()
	ps.rounds = int(d.uvarint())
	if after := d.string(); after != "" {
		ps.after = []byte(after)
	}
	if d.err != nil {
		return planState{}, fmt.Errorf("plan state: %w", d.err)
	}
	return ps, nil
}

// startPlan creates the broadcast, fixes the plan's choices and moves the
// entries left pending into it; completePlan then plans the subscribers.
func startPlan(tx *bbolt.Tx, l *ledger, now time.Time, opt PlanOptions) error {
	id, err := tx.Bucket(bucketBroadcasts).NextSequence()
	if err != nil {
		return err
	}
	l.cur = Broadcast{ID: id, Started: now}
	meta := tx.Bucket(bucketMeta)
	ps := planState{
		id:      id,
		now:     now,
		opt:     opt,
		lastSeq: tx.Bucket(bucketArticles).Sequence(),
		annFrom: getUint64(meta.Get(keyAnnouncedUpTo)),
		annTo:   tx.Bucket(bucketAnnouncements).Sequence(),
	}
	if err := meta.Put(keyAnnouncedUpTo, putUint64(ps.annTo)); err != nil {
		return err
	}
	// Entries an earlier broadcast left pending join this one, first in
	// their chat's order; an inactive chat's are skipped.
	leftovers := make(map[int64][]Entry)
	for _, q := range queuedEntries(l.queue, Pending) {
		e, err := decodeEntry(q.key, l.deliveries.Get(q.key))
		if err != nil {
			return err
		}
		leftovers[e.Chat] = append(leftovers[e.Chat], e)
	}
	for chat, es := range leftovers {
		sub, found, err := getSubscriber(tx, chat)
		if err != nil {
			return err
		}
		active := found && sub.Status == Active
		// queuedEntries gave them in round order; keep it within a broadcast.
		slices.SortStableFunc(es, func(a, b Entry) int { return cmp.Compare(a.Broadcast, b.Broadcast) })
		for i := range es {
			e := &es[i]
			if !active {
				if err := l.move(e, Skipped, now, "chat inactive", 0); err != nil {
					return err
				}
				continue
			}
			if err := l.remove(e); err != nil {
				return err
			}
			e.Broadcast, e.Round = id, i
			if err := l.add(e); err != nil {
				return err
			}
		}
		if active {
			l.cur.Chats++
			ps.rounds = max(ps.rounds, len(es))
		}
	}
	if err := meta.Put(keyCurrent, putUint64(id)); err != nil {
		return err
	}
	if err := meta.Put(keyPlanning, ps.encode()); err != nil {
		return err
	}
	return l.save()
}

// completePlan plans the subscribers of the plan in progress, if any, a
// chunk per transaction, and returns the broadcast.
func (s *Store) completePlan() (Broadcast, error) {
	for {
		b, done, err := s.planSome()
		if err != nil || done {
			return b, err
		}
	}
}

// planSome plans the subscribers in the next s.planChunk records and
// reports whether the plan is complete.
func (s *Store) planSome() (Broadcast, bool, error) {
	var b Broadcast
	var done bool
	err := s.db.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		v := meta.Get(keyPlanning)
		if v == nil {
			done = true
			if k, v := tx.Bucket(bucketBroadcasts).Cursor().Last(); k != nil {
				var err error
				b, err = decodeBroadcast(getUint64(k), v)
				return err
			}
			return nil
		}
		ps, err := decodePlanState(v)
		if err != nil {
			return err
		}
		l, err := openLedger(tx)
		if err != nil {
			return err
		}
		if l.cur.ID != ps.id {
			return fmt.Errorf("plan of broadcast %d, but broadcast %d is current: %w", ps.id, l.cur.ID, errCorrupt)
		}
		// Read the chunk first: bbolt cursors must not run over a bucket
		// being changed.
		batch := make([]Subscriber, 0, s.planChunk)
		c := tx.Bucket(bucketSubscribers).Cursor()
		k, v := c.First()
		if ps.after != nil {
			k, v = c.Seek(ps.after)
			if k != nil && bytes.Equal(k, ps.after) {
				k, v = c.Next()
			}
		}
		for seen := 0; k != nil && seen < s.planChunk; k, v = c.Next() {
			seen++
			ps.after = bytes.Clone(k)
			if len(v) == 0 || Status(v[0]) != Active {
				continue
			}
			sub, err := decodeSubscriber(getInt64Key(k), v)
			if err != nil {
				return err
			}
			batch = append(batch, sub)
		}
		done = k == nil
		p := newPlanner(tx, l, ps)
		for _, sub := range batch {
			if err := p.plan(sub); err != nil {
				return err
			}
		}
		if !done {
			b = l.cur
			if err := meta.Put(keyPlanning, ps.encode()); err != nil {
				return err
			}
			return l.save()
		}
		if err := meta.Delete(keyPlanning); err != nil {
			return err
		}
		if l.cur.Pending == 0 {
			l.cur.Finished = ps.now
			if err := putBroadcast(tx, l.cur); err != nil {
				return err
			}
			if err := meta.Delete(keyCurrent); err != nil {
				return err
			}
			b, l.cur = l.cur, Broadcast{}
			return l.save()
		}
		b = l.cur
		return l.save()
	})
	if err != nil {
		return Broadcast{}, false, err
	}
	return b, done, nil
}

// A candidate is an article a plan may select.
type candidate struct {
	seq    uint64
	pub    int64
	id     []byte
	outlet string
}

// A selection is what a plan does for every chat with one watermark.
type selection struct {
	send []Item // the newest MaxPerBroadcast, oldest first
	skip []Item // the rest
}

// A planner plans subscribers within one transaction.
type planner struct {
	tx     *bbolt.Tx
	l      *ledger
	ps     planState
	cutoff int64 // published nanos below which articles are too old

	// cands holds the articles with Seq in (loadedAfter, ps.lastSeq], in
	// Seq order: loaded lazily down to the lowest watermark seen.
	cands       []candidate
	loadedAfter uint64
	selections  map[selectionKey]selection
}

// A selectionKey names the chats that get one selection: those with one
// watermark and one choice of outlets (see choiceKey).
type selectionKey struct {
	wm     uint64
	choice string
}

// choiceKey names a choice of outlets: "" for every outlet, else the keys
// after a 0 byte each (no key is empty).
func choiceKey(outlets []string) string {
	if outlets == nil {
		return ""
	}
	n := 0
	for _, o := range outlets {
		n += 1 + len(o)
	}
	b := make([]byte, 0, n)
	for _, o := range outlets {
		b = append(append(b, 0), o...)
	}
	return string(b)
}

func newPlanner(tx *bbolt.Tx, l *ledger, ps planState) *planner {
	p := &planner{
		tx:          tx,
		l:           l,
		ps:          ps,
		cutoff:      math.MinInt64,
		loadedAfter: ps.lastSeq,
		selections:  make(map[selectionKey]selection),
	}
	if ps.opt.MaxAge > 0 {
		p.cutoff = ps.now.Add(-ps.opt.MaxAge).UnixNano()
	}
	return p
}

// plan freezes one subscriber's entries and moves its watermark. Items the
// chat's ledger already holds are never planned again.
func (p *planner) plan(sub Subscriber) error {
	l := p.l
	start := p.roundsUsed(sub.Chat)
	round := start
	add := func(it Item, st EntryState, reason string) error {
		if _, found, err := l.get(sub.Chat, it); err != nil || found {
			return err // found: sent by /latest, counted, not sent again
		}
		e := Entry{Chat: sub.Chat, Item: it, State: st, Broadcast: p.ps.id, At: p.ps.now, Reason: reason}
		if st == Pending {
			e.Round = round
			round++
		}
		return l.add(&e)
	}
	if !p.ps.opt.AnnouncementsOnly {
		sel := p.selection(sub)
		for _, it := range sel.send {
			if err := add(it, Pending, ""); err != nil {
				return err
			}
		}
		for _, it := range sel.skip {
			if err := add(it, Skipped, "over the cap"); err != nil {
				return err
			}
		}
	}
	for id := p.ps.annFrom + 1; id <= p.ps.annTo; id++ {
		if err := add(Item{Kind: AnnouncementItem, Seq: id}, Pending, ""); err != nil {
			return err
		}
	}
	if start == 0 && round > 0 {
		l.cur.Chats++
	}
	if sub.Watermark < p.ps.lastSeq && !p.ps.opt.AnnouncementsOnly {
		sub.Watermark = p.ps.lastSeq
		return putSubscriber(p.tx, sub)
	}
	return nil
}

// roundsUsed returns how many rounds chat's leftover entries took.
func (p *planner) roundsUsed(chat int64) int {
	prefix := chatKey(chat)
	for r := p.ps.rounds - 1; r >= 0; r-- {
		rb := p.l.queue.Bucket(roundKey(r))
		if rb == nil {
			continue
		}
		if k, _ := rb.Cursor().Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) {
			return r + 1
		}
	}
	return 0
}

// selection returns what to do for chats with sub's watermark and choice
// of outlets: the articles of other outlets are passed over, neither sent
// nor counted toward the cap.
func (p *planner) selection(sub Subscriber) selection {
	wm := sub.Watermark
	key := selectionKey{wm: wm, choice: choiceKey(sub.Outlets)}
	if sel, ok := p.selections[key]; ok {
		return sel
	}
	if wm < p.loadedAfter {
		var older []candidate
		outlets := p.tx.Bucket(bucketArticleOutlet)
		c := p.tx.Bucket(bucketArticleSeq).Cursor()
		for k, v := c.Seek(putUint64(wm + 1)); k != nil && getUint64(k) <= p.loadedAfter; k, v = c.Next() {
			older = append(older, candidate{seq: getUint64(k), pub: getInt64Key(v), id: bytes.Clone(v[8:]),
				outlet: string(outlets.Get(k))})
		}
		p.cands = append(older, p.cands...)
		p.loadedAfter = wm
	}
	i := sort.Search(len(p.cands), func(i int) bool { return p.cands[i].seq > wm })
	var due []candidate
	for _, c := range p.cands[i:] {
		if c.pub >= p.cutoff && sub.Receives(c.outlet) {
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
	if p.ps.opt.MaxPerBroadcast > 0 {
		n = min(n, p.ps.opt.MaxPerBroadcast)
	}
	var sel selection
	for j := n - 1; j >= 0; j-- {
		sel.send = append(sel.send, Item{Kind: ArticleItem, Seq: due[j].seq})
	}
	for _, c := range due[n:] {
		sel.skip = append(sel.skip, Item{Kind: ArticleItem, Seq: c.seq})
	}
	p.selections[key] = sel
	return sel
}
