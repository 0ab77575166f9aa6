package state

import (
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"go.etcd.io/bbolt"
)

// The buckets of the articles' outlets, top level too (see allBuckets).
var (
	bucketArticleOutlet = []byte("article_outlet") // seq → outlet key, for articles whose outlet is known
	bucketOutlets       = []byte("outlets")        // outlet key → first seq | articles
)

// An Outlet is a news outlet the store has articles from.
type Outlet struct {
	// Key is the outlet's key, as Article.Outlet holds it.
	Key string
	// First is the Seq of its first article stored: an outlet whose First
	// is above a subscriber's OutletsSeq appeared after the subscriber
	// chose.
	First uint64
	// Articles counts its stored articles; Recent those published at or
	// after the time given to Outlets.
	Articles, Recent int
}

// outletOf is the outlet key of the article with Seq seq, "" when none is
// known.
func outletOf(tx *bbolt.Tx, seq uint64) string {
	return string(tx.Bucket(bucketArticleOutlet).Get(putUint64(seq)))
}

// setOutlet records that the article with Seq seq is of outlet (none for
// ""), and keeps the outlets' counts.
func setOutlet(tx *bbolt.Tx, seq uint64, outlet string) error {
	bySeq := tx.Bucket(bucketArticleOutlet)
	key := putUint64(seq)
	old := string(bySeq.Get(key))
	if old == outlet {
		return nil
	}
	if old != "" {
		if err := countOutlet(tx, old, seq, -1); err != nil {
			return err
		}
	}
	if outlet == "" {
		return bySeq.Delete(key)
	}
	if err := bySeq.Put(key, []byte(outlet)); err != nil {
		return err
	}
	return countOutlet(tx, outlet, seq, 1)
}

// countOutlet adds delta to the articles of outlet, one of which has Seq
// seq; an outlet left with none is removed.
func countOutlet(tx *bbolt.Tx, outlet string, seq uint64, delta int64) error {
	b := tx.Bucket(bucketOutlets)
	first, n := seq, int64(0)
	if v := b.Get([]byte(outlet)); v != nil {
		d := decoder{b: v}
		first, n = d.uvarint(), d.varint()
		if d.err != nil {
			return fmt.Errorf("outlet %q: %w", outlet, d.err)
		}
	}
	n += delta
	if n <= 0 {
		return b.Delete([]byte(outlet))
	}
	if delta > 0 {
		first = min(first, seq)
	}
	v := binary.AppendUvarint(nil, first)
	return b.Put([]byte(outlet), binary.AppendVarint(v, n))
}

// Outlets returns the outlets the store has articles from, by key, each
// with its articles counted: all of them, and those published at or after
// since. The cost grows with the outlets and the articles published since.
// It returns the store's error, wrapped.
func (s *Store) Outlets(since time.Time) ([]Outlet, error) {
	var out []Outlet
	err := s.db.View(func(tx *bbolt.Tx) error {
		index := make(map[string]int)
		err := tx.Bucket(bucketOutlets).ForEach(func(k, v []byte) error {
			d := decoder{b: v}
			o := Outlet{Key: string(k), First: d.uvarint(), Articles: int(d.varint())}
			if d.err != nil {
				return fmt.Errorf("outlet %q: %w", k, d.err)
			}
			index[o.Key] = len(out)
			out = append(out, o)
			return nil
		})
		if err != nil {
			return err
		}
		c := tx.Bucket(bucketArticlePub).Cursor()
		for k, v := c.Seek(pubKey(nanos(since), "")); k != nil; k, v = c.Next() {
			if i, ok := index[outletOf(tx, getUint64(v))]; ok {
				out[i].Recent++
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: outlets: %w", err)
	}
	return out, nil
}

// NewestFrom returns up to n articles of the outlets, newest Published
// first (ties broken by ID, descending), as Newest does; nil outlets are
// every outlet, and articles of no known outlet with them. The cost grows
// with the articles newer than the n-th of those outlets. It returns the
// store's error, wrapped.
func (s *Store) NewestFrom(outlets []string, n int) ([]Article, error) {
	var out []Article
	err := s.db.View(func(tx *bbolt.Tx) error {
		arts := tx.Bucket(bucketArticles)
		c := tx.Bucket(bucketArticlePub).Cursor()
		for k, v := c.Last(); k != nil && len(out) < n; k, v = c.Prev() {
			outlet := outletOf(tx, getUint64(v))
			if outlets != nil && !slices.Contains(outlets, outlet) {
				continue
			}
			a, err := decodeArticle(string(k[8:]), arts.Get(k[8:]))
			if err != nil {
				return err
			}
			a.Outlet = outlet
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: newest articles of %q: %w", outlets, err)
	}
	return out, nil
}
