package state

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// EntryState is where a ledger entry stands.
type EntryState uint8

// The states of a ledger entry. An entry starts Pending, becomes Sending
// when a send starts and ends Sent, Failed, Unknown or back to Pending (not
// delivered, left for the next broadcast). Skipped entries were never sent:
// over a broadcast's cap, or dropped when the chat became inactive.
const (
	Pending EntryState = iota + 1
	Sending
	Sent
	Failed
	Skipped
	Unknown
	numStates
)

// String returns the state in words, as /stats shows it.
func (s EntryState) String() string {
	switch s {
	case Pending:
		return "pending"
	case Sending:
		return "sending"
	case Sent:
		return "sent"
	case Failed:
		return "failed"
	case Skipped:
		return "skipped"
	case Unknown:
		return "unknown"
	}
	return fmt.Sprintf("EntryState(%d)", uint8(s))
}

// allowed reports whether Record may move an entry from one state to another.
func allowed(from, to EntryState) bool {
	switch from {
	case Pending:
		return to == Sending || to == Failed || to == Skipped
	case Sending:
		return to == Sent || to == Failed || to == Unknown || to == Pending
	}
	return false
}

// ItemKind tells what a ledger entry delivers.
type ItemKind uint8

// The kinds of items.
const (
	ArticleItem      ItemKind = iota + 1 // an article, by its Seq
	AnnouncementItem                     // an admin's announcement, by its ID
)

// An Item is what a ledger entry delivers.
type Item struct {
	Kind ItemKind
	// Seq is the article's Seq or the announcement's ID.
	Seq uint64
}

// An Entry is the ledger's record of one item for one chat.
type Entry struct {
	Chat int64
	Item Item
	// ArticleID is the article's ID for an ArticleItem, else empty.
	ArticleID string
	State     EntryState
	// Broadcast is the ID of the broadcast that planned the entry, 0 for
	// one claimed by ClaimLatest.
	Broadcast uint64
	// Round is the entry's place among its chat's entries in that
	// broadcast: 0 for the first item, 1 for the second, and so on.
	Round int
	// Attempts counts the requests made to Telegram for the entry, over
	// every send recorded as ended.
	Attempts int
	// MessageID is Telegram's ID of the message, for a Sent entry.
	MessageID int
	// At is when the state last changed (to second precision).
	At time.Time
	// Reason says why an entry failed, was skipped, is unknown or went
	// back to pending.
	Reason string
	// Origin says how the entry came into the ledger.
	Origin Origin
	// MovedFrom is the chat the entry belonged to before MoveChat moved it
	// (a group that became a supergroup), else 0. A sender whose send to
	// that chat was refused because the group moved resends only an entry
	// that moved from it: any other entry of the new chat is another
	// sender's.
	MovedFrom int64
}

// An Origin says how a ledger entry came into the ledger.
type Origin uint8

// The origins of entries.
const (
	// Planned: a broadcast planned it.
	Planned Origin = iota
	// Claimed: a /latest answer claimed an article that no broadcast would
	// have sent the chat; if it is not delivered, the entry goes.
	Claimed
	// ClaimedDue: a /latest answer claimed an article that was due to the
	// chat; if it is not delivered, it waits for the next broadcast.
	ClaimedDue
)

// A Change moves one ledger entry to a new state; see Record.
type Change struct {
	Chat  int64
	Item  Item
	State EntryState
	// MessageID is Telegram's message ID, for State Sent.
	MessageID int
	// Attempts is, for the end of a send, how many requests it took (the
	// sender retries 429s and 5xx within one send); 0 counts as 1. It is
	// added to the entry's Attempts.
	Attempts int
	// Reason is kept with the entry: why it failed, was skipped, is
	// unknown or went back to pending.
	Reason string
	// At is when it happened; the zero time means now.
	At time.Time
}

// Keys: deliveries are chat (8) | kind (1) | seq (8), so one chat's history
// is contiguous. The queue holds the pending and sending entries: one
// nested bucket per round (4-byte key) mapping the entry key to its state,
// so iterating it gives every chat's first item before any chat's second,
// and a plan appends to each round in chat order instead of inserting into
// the middle of one huge node.
const entryKeyLen = 17

func entryKey(chat int64, it Item) []byte {
	k := make([]byte, 0, entryKeyLen)
	k = appendInt64Key(k, chat)
	k = append(k, byte(it.Kind))
	return binary.BigEndian.AppendUint64(k, it.Seq)
}

func roundKey(round int) []byte { return binary.BigEndian.AppendUint32(nil, uint32(round)) }

// A queued entry, as the queue holds it.
type queued struct {
	round int
	key   []byte // the entry's key
	state EntryState
}

// queuedEntries returns the queued entries in state st, in round order.
func queuedEntries(q *bbolt.Bucket, st EntryState) []queued {
	var out []queued
	c := q.Cursor()
	for rk, _ := c.First(); rk != nil; rk, _ = c.Next() {
		rb := q.Bucket(rk)
		if rb == nil {
			continue
		}
		round := int(binary.BigEndian.Uint32(rk))
		rc := rb.Cursor()
		for k, v := rc.First(); k != nil; k, v = rc.Next() {
			if EntryState(v[0]) == st {
				out = append(out, queued{round: round, key: bytes.Clone(k), state: st})
			}
		}
	}
	return out
}

func parseEntryKey(k []byte) (int64, Item) {
	return getInt64Key(k), Item{Kind: ItemKind(k[8]), Seq: binary.BigEndian.Uint64(k[9:])}
}

// Entry values: state (1) | broadcast | round | attempts | message ID | at
// (Unix seconds) | reason | origin (1) | moved from, varints. A sent entry takes about 30 bytes of
// key and value.
func encodeEntry(e Entry) []byte {
	v := make([]byte, 0, 24+len(e.Reason))
	v = append(v, byte(e.State))
	v = binary.AppendUvarint(v, e.Broadcast)
	v = binary.AppendUvarint(v, uint64(e.Round))
	v = binary.AppendUvarint(v, uint64(e.Attempts))
	v = binary.AppendVarint(v, int64(e.MessageID))
	v = binary.AppendVarint(v, seconds(e.At))
	v = appendString(v, e.Reason)
	v = append(v, byte(e.Origin))
	return binary.AppendVarint(v, e.MovedFrom)
}

func decodeEntry(k, v []byte) (Entry, error) {
	var e Entry
	e.Chat, e.Item = parseEntryKey(k)
	d := decoder{b: v}
	e.State = EntryState(d.byte())
	e.Broadcast = d.uvarint()
	e.Round = int(d.uvarint())
	e.Attempts = int(d.uvarint())
	e.MessageID = int(d.varint())
	e.At = fromSeconds(d.varint())
	e.Reason = d.string()
	// Origin and MovedFrom came later: older entries end before them.
	if len(d.b) > 0 {
		e.Origin = Origin(d.byte())
	} else {
		e.Origin = legacyOrigin(e.Reason)
	}
	if len(d.b) > 0 {
		e.MovedFrom = d.varint()
	}
	if d.err != nil || e.State == 0 || e.State >= numStates || e.Origin > ClaimedDue {
		return Entry{}, fmt.Errorf("entry of chat %d item %v: %w", e.Chat, e.Item, errCorrupt)
	}
	return e, nil
}

func seconds(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

func fromSeconds(s int64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(s, 0).UTC()
}

// A ledger bundles what a write transaction on the ledger needs: the
// buckets, the counters and the unfinished broadcast, whose counters follow
// its entries. Call save before the transaction commits.
type ledger struct {
	tx         *bbolt.Tx
	deliveries *bbolt.Bucket
	queue      *bbolt.Bucket
	t          tally
	cur        Broadcast // ID 0 when no broadcast is unfinished
}

func openLedger(tx *bbolt.Tx) (*ledger, error) {
	l := &ledger{tx: tx, deliveries: tx.Bucket(bucketDeliveries), queue: tx.Bucket(bucketQueue)}
	var err error
	if l.t, err = loadTally(tx); err != nil {
		return nil, err
	}
	if id := getUint64(tx.Bucket(bucketMeta).Get(keyCurrent)); id != 0 {
		if l.cur, err = getBroadcast(tx, id); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func (l *ledger) save() error {
	if l.cur.ID != 0 {
		if err := putBroadcast(l.tx, l.cur); err != nil {
			return err
		}
	}
	return l.t.save(l.tx)
}

func (l *ledger) get(chat int64, it Item) (Entry, bool, error) {
	k := entryKey(chat, it)
	v := l.deliveries.Get(k)
	if v == nil {
		return Entry{}, false, nil
	}
	e, err := decodeEntry(k, v)
	return e, err == nil, err
}

// count adds delta entries in state st to the counters, and to the
// unfinished broadcast's if e belongs to it.
func (l *ledger) count(e *Entry, st EntryState, delta int) {
	l.t.entries[st] += int64(delta)
	if e.Broadcast != 0 && e.Broadcast == l.cur.ID {
		l.cur.add(st, delta)
	}
}

// put stores e and keeps the queue in step: pending and sending entries are
// queued at their round, others are not.
func (l *ledger) put(e *Entry) error {
	if err := l.deliveries.Put(entryKey(e.Chat, e.Item), encodeEntry(*e)); err != nil {
		return err
	}
	return l.queueAs(e, e.State)
}

// queueAs queues e in state st, or unqueues it when st is neither Pending
// nor Sending.
func (l *ledger) queueAs(e *Entry, st EntryState) error {
	rk := roundKey(e.Round)
	k := entryKey(e.Chat, e.Item)
	if st == Pending || st == Sending {
		rb, err := l.queue.CreateBucketIfNotExists(rk)
		if err != nil {
			return err
		}
		return rb.Put(k, []byte{byte(st)})
	}
	if rb := l.queue.Bucket(rk); rb != nil {
		return rb.Delete(k)
	}
	return nil
}

// add stores a new entry and counts it.
func (l *ledger) add(e *Entry) error {
	l.count(e, e.State, 1)
	return l.put(e)
}

// move changes e's state and stores it. Leaving Sending ends a send, which
// took attempts requests (at least one).
func (l *ledger) move(e *Entry, to EntryState, at time.Time, reason string, attempts int) error {
	l.count(e, e.State, -1)
	l.count(e, to, 1)
	if e.State == Sending {
		e.Attempts += max(attempts, 1)
	}
	e.State, e.At, e.Reason = to, at, reason
	return l.put(e)
}

// remove deletes e and uncounts it.
func (l *ledger) remove(e *Entry) error {
	l.count(e, e.State, -1)
	if err := l.queueAs(e, 0); err != nil {
		return err
	}
	return l.deliveries.Delete(entryKey(e.Chat, e.Item))
}

// Record applies many changes to ledger entries in one durable write
// transaction: the broadcaster records the start (Sending) and the end of
// every send through it, batching the changes of concurrent senders. The
// allowed changes are Pending → Sending, Failed or Skipped, and Sending →
// Sent, Failed, Unknown or Pending (not delivered, left for the next
// broadcast). A change not allowed from the entry's current state is not
// applied; this is how a send learns that its chat unsubscribed meanwhile
// (its entry was Skipped, and Pending → Sending for an inactive chat is
// refused too). A send of an inactive chat that was not delivered becomes
// Skipped instead of Pending: it waits for no one. The first result is nil when every change was
// applied, else it holds, at the index of each change not applied, an error
// wrapping ErrConflict or ErrNotFound (no such entry), or ErrInvalid (an
// unknown state). The second result is the transaction's error: when it is
// not nil nothing was recorded.
func (s *Store) Record(changes []Change) ([]error, error) {
	if len(changes) == 0 {
		return nil, nil
	}
	var rejected []error
	reject := func(i int, err error) {
		if rejected == nil {
			rejected = make([]error, len(changes))
		}
		rejected[i] = err
	}
	now := time.Now()
	err := s.db.Update(func(tx *bbolt.Tx) error {
		rejected = nil
		l, err := openLedger(tx)
		if err != nil {
			return err
		}
		activeChats := make(map[int64]bool)
		isActive := func(chat int64) (bool, error) {
			if a, ok := activeChats[chat]; ok {
				return a, nil
			}
			sub, found, err := getSubscriber(tx, chat)
			activeChats[chat] = found && sub.Status == Active
			return activeChats[chat], err
		}
		for i, c := range changes {
			if c.State == 0 || c.State >= numStates {
				reject(i, fmt.Errorf("state: record chat %d item %v: state %v: %w", c.Chat, c.Item, c.State, ErrInvalid))
				continue
			}
			e, found, err := l.get(c.Chat, c.Item)
			if err != nil {
				return err
			}
			if !found && c.State != Sending {
				// The outcome of a send in flight while its group moved
				// to a supergroup: the entry moved with the group.
				if v := tx.Bucket(bucketMoves).Get(chatKey(c.Chat)); len(v) == 8 {
					me, ok, err := l.get(getInt64Key(v), c.Item)
					if err != nil {
						return err
					}
					if ok && me.MovedFrom == c.Chat && me.State == Sending {
						e, found, c.Chat = me, true, me.Chat
					}
				}
			}
			if !found {
				reject(i, fmt.Errorf("state: record chat %d item %v: %w", c.Chat, c.Item, ErrNotFound))
				continue
			}
			if !allowed(e.State, c.State) {
				reject(i, fmt.Errorf("state: record chat %d item %v: %v to %v: %w", c.Chat, c.Item, e.State, c.State, ErrConflict))
				continue
			}
			to, reason := c.State, c.Reason
			if to == Pending || to == Sending {
				// Deactivate skipped the chat's waiting entries; one whose
				// send was in flight meanwhile must not wait again.
				active, err := isActive(c.Chat)
				if err != nil {
					return err
				}
				if !active && to == Sending {
					reject(i, fmt.Errorf("state: record chat %d item %v: chat inactive: %w", c.Chat, c.Item, ErrConflict))
					continue
				}
				if !active {
					to, reason = Skipped, "chat inactive"
				}
			}
			if to == Pending && e.Broadcast == 0 && e.Origin == Claimed {
				if err := l.remove(&e); err != nil {
					return err
				}
				continue
			}
			at := c.At
			if at.IsZero() {
				at = now
			}
			if to == Sent {
				e.MessageID = c.MessageID
			}
			if err := l.move(&e, to, at, reason, c.Attempts); err != nil {
				return err
			}
		}
		return l.save()
	})
	if err != nil {
		return nil, fmt.Errorf("state: record %d changes: %w", len(changes), err)
	}
	return rejected, nil
}

// reasonLatest is the reason of the entries ClaimLatest makes.
const reasonLatest = "latest"

// legacyOrigin is the origin of an entry written before entries had one:
// ClaimLatest told its claims by their reason.
func legacyOrigin(reason string) Origin {
	switch reason {
	case "latest":
		return Claimed
	case "latest, due":
		return ClaimedDue
	}
	return Planned
}

// A Claim says what a /latest answer may do with one article; see
// ClaimLatest.
type Claim uint8

// The claims ClaimLatest makes.
const (
	// ClaimRecord: the chat's entry is now Sending; send the article and
	// Record the outcome (Sent, Pending when it was not delivered, Unknown
	// when it may have been).
	ClaimRecord Claim = iota + 1
	// ClaimFree: no broadcast can send the article to the chat (it is not
	// an active subscriber, or the entry is done with); send it, and
	// record nothing.
	ClaimFree
	// ClaimBusy: a broadcast is sending the article to the chat right now;
	// don't send it again.
	ClaimBusy
)

// ClaimLatest claims the articles for an answer to /latest in chat, before
// it is sent, so that a broadcast cannot send them too: for an active
// subscriber, an article with no entry gets one in state Sending, and a
// Pending entry becomes Sending, taken from its broadcast (a broadcaster's
// own Pending → Sending then fails with ErrConflict). The answer still
// counts toward a broadcast's cap. When Record is then told the answer was
// not delivered (Pending), the entry waits for the next broadcast if the
// article was due to the chat, and is dropped if it was not: no broadcast
// would have sent it. It returns one Claim per article, and ErrNotFound for an unknown
// article; then nothing is claimed. A crash before the outcome is recorded
// leaves the entry Unknown, like any send in flight.
func (s *Store) ClaimLatest(chat int64, now time.Time, articleIDs []string) ([]Claim, error) {
	claims := make([]Claim, len(articleIDs))
	err := s.db.Update(func(tx *bbolt.Tx) error {
		for i := range claims {
			claims[i] = ClaimFree
		}
		sub, found, err := getSubscriber(tx, chat)
		if err != nil || !found || sub.Status != Active {
			return err
		}
		l, err := openLedger(tx)
		if err != nil {
			return err
		}
		arts := tx.Bucket(bucketArticles)
		for i, id := range articleIDs {
			v := arts.Get([]byte(id))
			if v == nil {
				return fmt.Errorf("article %q: %w", id, ErrNotFound)
			}
			it := Item{Kind: ArticleItem, Seq: getUint64(v)}
			e, found, err := l.get(chat, it)
			if err != nil {
				return err
			}
			switch {
			case !found:
				claims[i] = ClaimRecord
				origin := Claimed
				if it.Seq > sub.Watermark {
					origin = ClaimedDue
				}
				e = Entry{Chat: chat, Item: it, State: Sending, At: now, Reason: reasonLatest, Origin: origin}
				err = l.add(&e)
			case e.State == Pending:
				// The answer takes the entry from its broadcast: the
				// broadcast no longer sends it nor counts it.
				claims[i] = ClaimRecord
				l.count(&e, Pending, -1)
				e.Broadcast = 0
				l.count(&e, Pending, 1)
				e.Origin = ClaimedDue
				err = l.move(&e, Sending, now, reasonLatest, 0)
			case e.State == Sending:
				claims[i] = ClaimBusy
			}
			if err != nil {
				return err
			}
		}
		return l.save()
	})
	if err != nil {
		return nil, fmt.Errorf("state: claim latest for %d: %w", chat, err)
	}
	return claims, nil
}

// Entry returns the ledger entry of item for chat, or ErrNotFound.
func (s *Store) Entry(chat int64, it Item) (Entry, error) {
	var e Entry
	err := s.db.View(func(tx *bbolt.Tx) error {
		k := entryKey(chat, it)
		v := tx.Bucket(bucketDeliveries).Get(k)
		if v == nil {
			return ErrNotFound
		}
		var err error
		if e, err = decodeEntry(k, v); err != nil {
			return err
		}
		e.ArticleID = articleIDBySeq(tx, e.Item)
		return nil
	})
	if err != nil {
		return Entry{}, fmt.Errorf("state: entry of chat %d item %v: %w", chat, it, err)
	}
	return e, nil
}

// articleIDBySeq returns the ID of an article item, "" for other items.
func articleIDBySeq(tx *bbolt.Tx, it Item) string {
	if it.Kind != ArticleItem {
		return ""
	}
	v := tx.Bucket(bucketArticleSeq).Get(putUint64(it.Seq))
	if len(v) < 8 {
		return ""
	}
	return string(v[8:])
}

// chatEntries returns every entry of chat.
func (l *ledger) chatEntries(chat int64) ([]Entry, error) {
	var out []Entry
	prefix := chatKey(chat)
	c := l.deliveries.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		e, err := decodeEntry(k, v)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// skipWaiting turns chat's pending entries into Skipped: the chat became
// inactive.
func skipWaiting(l *ledger, chat int64, why Status, now time.Time) error {
	entries, err := l.chatEntries(chat)
	if err != nil {
		return err
	}
	for i := range entries {
		if entries[i].State == Pending {
			if err := l.move(&entries[i], Skipped, now, why.String(), 0); err != nil {
				return err
			}
		}
	}
	return nil
}

// moveEntries moves every entry of chat from to chat to. Where to already
// has an entry for the same item, the one that may have reached the chat
// (Sent, Unknown, Sending) stays, else to's.
// moveEntries moves the ledger entries of from to to. Of two entries of
// one item the one that may have arrived wins (to's, when both may have);
// else, for a chat still active, a Pending one wins over one skipped or
// failed, so that what the chat is owed is sent; else to's.
func moveEntries(l *ledger, from, to int64, active bool) error {
	entries, err := l.chatEntries(from)
	if err != nil {
		return err
	}
	for i := range entries {
		e := &entries[i]
		if err := l.remove(e); err != nil {
			return err
		}
		other, found, err := l.get(to, e.Item)
		if err != nil {
			return err
		}
		if found {
			owed := active && e.State == Pending && other.State != Pending
			if mayHaveArrived(other.State) || !mayHaveArrived(e.State) && !owed {
				continue
			}
			if err := l.remove(&other); err != nil {
				return err
			}
		}
		e.Chat, e.MovedFrom = to, from
		if err := l.add(e); err != nil {
			return err
		}
	}
	return nil
}

func mayHaveArrived(st EntryState) bool { return st == Sent || st == Unknown || st == Sending }

// recoverSending turns entries left in Sending into Unknown: the process
// stopped while they were in flight, so they may have been delivered.
func recoverSending(tx *bbolt.Tx, now time.Time) error {
	l, err := openLedger(tx)
	if err != nil {
		return err
	}
	stuck := queuedEntries(l.queue, Sending)
	if len(stuck) == 0 {
		return nil
	}
	for _, q := range stuck {
		e, err := decodeEntry(q.key, l.deliveries.Get(q.key))
		if err != nil {
			return err
		}
		if err := l.move(&e, Unknown, now, "in flight when the process stopped", 0); err != nil {
			return err
		}
	}
	return l.save()
}
