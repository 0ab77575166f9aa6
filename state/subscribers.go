package state

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// Status tells whether a subscriber is active and, if not, why.
type Status uint8

// A subscriber's status. Every status but Active is a reason to be inactive.
const (
	Active       Status = iota + 1
	Unsubscribed        // the chat sent /unsubscribe or /stop
	Blocked             // Telegram said the user blocked the bot or is deactivated
	ChatNotFound        // Telegram said "chat not found"
	Kicked              // the bot was removed from the group or channel
	NoRights            // Telegram said the bot may not post there (a channel's member, not its posting admin)
	numStatus
)

// String returns the status in words, as /stats shows it.
func (s Status) String() string {
	switch s {
	case Active:
		return "active"
	case Unsubscribed:
		return "unsubscribed"
	case Blocked:
		return "blocked"
	case ChatNotFound:
		return "not found"
	case Kicked:
		return "kicked"
	case NoRights:
		return "no rights"
	}
	return fmt.Sprintf("Status(%d)", uint8(s))
}

// A Subscriber is a chat that subscribed, whether it still is or not.
type Subscriber struct {
	// Chat is the Telegram chat ID: positive for users, negative for
	// groups and channels.
	Chat int64
	// Language is the language code Telegram reported, for replies.
	Language string
	// Status is Active or the reason the chat is inactive.
	Status Status
	// Subscribed is when the chat last subscribed.
	Subscribed time.Time
	// StatusChanged is when Status last changed.
	StatusChanged time.Time
	// Watermark is the ingestion sequence number up to which articles have
	// been dealt with for this chat: set at subscription (no backlog) and
	// moved by every broadcast planned for it.
	Watermark uint64
	// Kind is the kind of chat. Records written before kinds were kept
	// read as Private for a positive ID, else Group.
	Kind Kind
	// Outlets are the keys of the outlets the chat chose (see
	// ChooseOutlets), sorted; nil is every outlet, those that appear
	// later included. It is never empty.
	Outlets []string
	// OutletsSeq is the newest ingestion Seq when Outlets was last set:
	// an outlet whose First is above it is new to the chat.
	OutletsSeq uint64
	// Lang is the reply language the chat chose (see SetLang); "" follows
	// Language. The store does not interpret it.
	Lang string
	// Username and Title are a channel's public username (without "@";
	// "" for a private channel) and title, as Telegram gave them when it
	// was added (see AddChannel).
	Username, Title string
}

// Subscriber records end with the fields added since the first layout,
// in order, written only when one of them is not its default: a record
// without them (an older one, or a chat that chose nothing) decodes with
// their defaults. A Kind of 0 is stored as the kind the chat ID implies.
func encodeSubscriber(s Subscriber) []byte {
	v := make([]byte, 0, 40+len(s.Language)+len(s.Lang)+len(s.Username)+len(s.Title))
	v = append(v, byte(s.Status))
	v = binary.AppendUvarint(v, s.Watermark)
	v = appendTime(v, s.Subscribed)
	v = appendTime(v, s.StatusChanged)
	v = appendString(v, s.Language)
	kind := s.Kind
	if kind == 0 {
		kind = kindOf(s.Chat)
	}
	if kind == kindOf(s.Chat) && s.Outlets == nil && s.OutletsSeq == 0 && s.Lang == "" && s.Username == "" && s.Title == "" {
		return v
	}
	v = append(v, byte(kind))
	v = appendChoice(v, s.Outlets)
	v = binary.AppendUvarint(v, s.OutletsSeq)
	v = appendString(v, s.Lang)
	v = appendString(v, s.Username)
	return appendString(v, s.Title)
}

func decodeSubscriber(chat int64, v []byte) (Subscriber, error) {
	d := decoder{b: v}
	s := Subscriber{Chat: chat}
	s.Status = Status(d.byte())
	s.Watermark = d.uvarint()
	s.Subscribed = d.time()
	s.StatusChanged = d.time()
	s.Language = d.string()
	s.Kind = kindOf(chat)
	if d.err == nil && len(d.b) > 0 {
		s.Kind = Kind(d.byte())
		s.Outlets = d.choice()
		s.OutletsSeq = d.uvarint()
		s.Lang = d.string()
		s.Username = d.string()
		s.Title = d.string()
		if s.Kind == 0 || s.Kind >= numKinds { // never written
			d.err = errCorrupt
		}
	}
	if d.err != nil {
		return Subscriber{}, fmt.Errorf("subscriber %d: %w", chat, d.err)
	}
	return s, nil
}

func getSubscriber(tx *bbolt.Tx, chat int64) (Subscriber, bool, error) {
	v := tx.Bucket(bucketSubscribers).Get(chatKey(chat))
	if v == nil {
		return Subscriber{}, false, nil
	}
	sub, err := decodeSubscriber(chat, v)
	return sub, err == nil, err
}

func putSubscriber(tx *bbolt.Tx, s Subscriber) error {
	return tx.Bucket(bucketSubscribers).Put(chatKey(s.Chat), encodeSubscriber(s))
}

// Subscribe makes chat an active subscriber and returns it. It is idempotent:
// for a chat that is already active it only updates the language and reports
// false. A new or returning subscriber gets the current ingestion sequence as
// its watermark, so it receives no backlog, and the call reports true; a
// returning one keeps its choices (Outlets, Lang). A new one is Private for
// a positive chat ID, else a Group: channels are added with AddChannel.
func (s *Store) Subscribe(chat int64, language string, now time.Time) (Subscriber, bool, error) {
	var sub Subscriber
	var added bool
	err := s.db.Update(func(tx *bbolt.Tx) error {
		old, found, err := getSubscriber(tx, chat)
		if err != nil {
			return err
		}
		if found && old.Status == Active {
			sub = old
			if old.Language == language {
				return nil
			}
			sub.Language = language
			return putSubscriber(tx, sub)
		}
		t, err := loadTally(tx)
		if err != nil {
			return err
		}
		sub = Subscriber{Chat: chat, Kind: kindOf(chat)}
		if found {
			t.subs[old.Status]--
			sub = old // its kind and choices stay
		}
		t.subs[Active]++
		added = true
		sub.Language, sub.Status, sub.Subscribed, sub.StatusChanged = language, Active, now, now
		sub.Watermark = tx.Bucket(bucketArticles).Sequence()
		if err := putSubscriber(tx, sub); err != nil {
			return err
		}
		return t.save(tx)
	})
	if err != nil {
		return Subscriber{}, false, fmt.Errorf("state: subscribe %d: %w", chat, err)
	}
	return sub, added, nil
}

// Deactivate makes chat inactive for the reason why (Unsubscribed for
// /unsubscribe and /stop; Blocked, ChatNotFound, Kicked or NoRights for
// Telegram's answers) and reports whether it was active. Its ledger entries still
// waiting to be sent become Skipped at once, so the change takes effect
// before the chat's next send, even mid-broadcast. A chat already inactive
// keeps its first reason. It returns ErrNotFound for a chat that never
// subscribed and ErrInvalid when why is not a reason to be inactive.
func (s *Store) Deactivate(chat int64, why Status, now time.Time) (bool, error) {
	if why <= Active || why >= numStatus {
		return false, fmt.Errorf("state: deactivate %d: status %v: %w", chat, why, ErrInvalid)
	}
	var was bool
	err := s.db.Update(func(tx *bbolt.Tx) error {
		sub, found, err := getSubscriber(tx, chat)
		if err != nil {
			return err
		}
		if !found {
			return ErrNotFound
		}
		if sub.Status != Active {
			return nil
		}
		was = true
		l, err := openLedger(tx)
		if err != nil {
			return err
		}
		l.t.subs[Active]--
		l.t.subs[why]++
		if l.cur.ID != 0 && why != Unsubscribed {
			l.cur.Deactivated++
		}
		sub.Status, sub.StatusChanged = why, now
		if err := putSubscriber(tx, sub); err != nil {
			return err
		}
		if err := skipWaiting(l, chat, why, now); err != nil {
			return err
		}
		return l.save()
	})
	if err != nil {
		return false, fmt.Errorf("state: deactivate %d: %w", chat, err)
	}
	return was, nil
}

// Subscriber returns the subscriber record of chat, active or not, or
// ErrNotFound.
func (s *Store) Subscriber(chat int64) (Subscriber, error) {
	var sub Subscriber
	err := s.db.View(func(tx *bbolt.Tx) error {
		var found bool
		var err error
		sub, found, err = getSubscriber(tx, chat)
		if err == nil && !found {
			err = ErrNotFound
		}
		return err
	})
	if err != nil {
		return Subscriber{}, fmt.Errorf("state: subscriber %d: %w", chat, err)
	}
	return sub, nil
}

// ActiveSubscribers returns up to limit active subscribers whose chat ID is
// greater than after, in chat ID order. Start with math.MinInt64 and pass
// the last chat returned to get the next page; an empty page is the end.
// Each page is read in its own short transaction, so iterating never holds
// all subscribers in memory nor keeps the file from growing.
func (s *Store) ActiveSubscribers(after int64, limit int) ([]Subscriber, error) {
	var out []Subscriber
	err := s.db.View(func(tx *bbolt.Tx) error {
		c := tx.Bucket(bucketSubscribers).Cursor()
		start := chatKey(after)
		k, v := c.Seek(start)
		if k != nil && bytes.Equal(k, start) {
			k, v = c.Next()
		}
		for ; k != nil && len(out) < limit; k, v = c.Next() {
			if len(v) == 0 || Status(v[0]) != Active {
				continue
			}
			sub, err := decodeSubscriber(getInt64Key(k), v)
			if err != nil {
				return err
			}
			out = append(out, sub)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: active subscribers after %d: %w", after, err)
	}
	return out, nil
}

// EachSubscriberStatus calls fn with the kind and status of every
// subscriber, active or not, in chat ID order, in one read transaction: its
// cost grows with the number of subscribers, and fn must not call the
// Store. It returns the transaction's error, or a record's that can't be
// read.
func (s *Store) EachSubscriberStatus(fn func(kind Kind, status Status)) error {
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketSubscribers).ForEach(func(k, v []byte) error {
			sub, err := decodeSubscriber(getInt64Key(k), v)
			if err != nil {
				return err
			}
			fn(sub.Kind, sub.Status)
			return nil
		})
	})
	if err != nil {
		return fmt.Errorf("state: subscriber statuses: %w", err)
	}
	return nil
}

// MovedTo returns the chat that chat moved to (see MoveChat) and true, or
// false when it never moved. It returns the store's error.
func (s *Store) MovedTo(chat int64) (int64, bool, error) {
	var to int64
	var moved bool
	err := s.db.View(func(tx *bbolt.Tx) error {
		if v := tx.Bucket(bucketMoves).Get(chatKey(chat)); len(v) == 8 {
			to, moved = getInt64Key(v), true
		}
		return nil
	})
	if err != nil {
		return 0, false, fmt.Errorf("state: moved chat %d: %w", chat, err)
	}
	return to, moved, nil
}

// MoveChat moves the subscriber from to the chat ID to, as Telegram asks when
// a group becomes a supergroup: the subscription, its watermark and its whole
// ledger history, pending entries included, move with it, and MovedTo
// remembers the move. When to already has a record the two are merged: the
// chat is active if either was, its watermark is the lower of the active
// records' (nothing either was owed is lost), and of two entries of one item
// the one that may have arrived wins (to's, when both may have), else a
// Pending one for an active chat, so that one entry remains. Moved entries keep their state and
// record where they came from (Entry.MovedFrom): a send to the old ID that
// Telegram refused because the group moved stays Sending under the new ID,
// and its sender sends it there and records the outcome — unless to's own
// entry won, which another sender owns. It returns ErrNotFound when from has
// no record.
func (s *Store) MoveChat(from, to int64) error {
	if from == to {
		return nil
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		old, found, err := getSubscriber(tx, from)
		if err != nil {
			return err
		}
		if !found {
			return ErrNotFound
		}
		l, err := openLedger(tx)
		if err != nil {
			return err
		}
		t := &l.t
		moved := old
		moved.Chat = to
		prev, found, err := getSubscriber(tx, to)
		if err != nil {
			return err
		}
		if found {
			t.subs[prev.Status]--
			// The merged chat is owed what either active record was: the
			// lower watermark of the active ones (the ledger, merged
			// below, keeps what either had already from being sent again).
			switch {
			case moved.Status == Active && prev.Status == Active:
				moved.Watermark = min(moved.Watermark, prev.Watermark)
			case prev.Status == Active:
				moved.Watermark = prev.Watermark
			case moved.Status != Active:
				moved.Watermark = max(moved.Watermark, prev.Watermark)
			}
			if prev.Status == Active && moved.Status != Active {
				moved.Status, moved.Subscribed, moved.StatusChanged = Active, prev.Subscribed, prev.StatusChanged
			}
		}
		t.subs[old.Status]--
		t.subs[moved.Status]++
		if err := tx.Bucket(bucketSubscribers).Delete(chatKey(from)); err != nil {
			return err
		}
		if err := putSubscriber(tx, moved); err != nil {
			return err
		}
		if err := moveEntries(l, from, to, moved.Status == Active); err != nil {
			return err
		}
		if err := tx.Bucket(bucketMoves).Put(chatKey(from), chatKey(to)); err != nil {
			return err
		}
		return l.save()
	})
	if err != nil {
		return fmt.Errorf("state: move chat %d to %d: %w", from, to, err)
	}
	return nil
}
