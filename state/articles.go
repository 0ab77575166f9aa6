package state

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// An Article is one stored article. The store does not interpret Data: it is
// the caller's own encoding of the article (the bot stores content.Article as
// JSON), compared byte for byte to tell a changed article from an unchanged
// one.
type Article struct {
	// ID identifies the article; it must not be empty.
	ID string
	// Published orders articles for Newest and for a broadcast's selection.
	Published time.Time
	// Seq is the ingestion sequence number, assigned by the store when the
	// article is first added and kept when it changes. UpsertArticles
	// ignores it.
	Seq uint64
	// Data is the caller's encoding of the article.
	Data []byte
	// Outlet is the key of the article's outlet, by which subscribers
	// choose what they receive (see Subscriber.Outlets); "" for none
	// known. It is kept beside Data, in an index that planning reads.
	Outlet string
}

// Upserted tells what UpsertArticles did with one article.
type Upserted uint8

// What UpsertArticles did with an article.
const (
	ArticleUnchanged Upserted = iota // the stored article has the same Published and Data
	ArticleAdded                     // the article is new and got the next Seq
	ArticleChanged                   // the article was updated in place and kept its Seq
)

// String returns "unchanged", "added" or "changed".
func (u Upserted) String() string {
	switch u {
	case ArticleUnchanged:
		return "unchanged"
	case ArticleAdded:
		return "added"
	case ArticleChanged:
		return "changed"
	}
	return fmt.Sprintf("Upserted(%d)", uint8(u))
}

// article values: seq (8) | published nanos (8, big-endian int64 key) | data.
const articleHeader = 16

func encodeArticle(a Article) []byte {
	v := make([]byte, 0, articleHeader+len(a.Data))
	v = binary.BigEndian.AppendUint64(v, a.Seq)
	v = appendInt64Key(v, nanos(a.Published))
	return append(v, a.Data...)
}

func decodeArticle(id string, v []byte) (Article, error) {
	if len(v) < articleHeader {
		return Article{}, fmt.Errorf("article %q: %w", id, errCorrupt)
	}
	return Article{
		ID:        id,
		Seq:       getUint64(v),
		Published: fromNanos(getInt64Key(v[8:])),
		Data:      bytes.Clone(v[articleHeader:]),
	}, nil
}

// sameArticle reports whether the stored value v holds a's Published and Data.
func sameArticle(v []byte, a Article) bool {
	return len(v) >= articleHeader &&
		getInt64Key(v[8:]) == nanos(a.Published) &&
		bytes.Equal(v[articleHeader:], a.Data)
}

func pubKey(published int64, id string) []byte {
	k := make([]byte, 0, 8+len(id))
	k = appendInt64Key(k, published)
	return append(k, id...)
}

// UpsertArticles stores articles by ID and reports, per article, whether it
// was added, changed or unchanged. A changed article keeps its Seq. An
// article whose Published and Data are unchanged but whose Outlet is new
// (one stored before outlets were kept) gets its Outlet and still counts
// as unchanged. When every article is unchanged no write transaction is
// opened, so re-reading the seeds folder costs only reads. An article with
// an empty ID fails the whole call with ErrInvalid; nothing is stored then.
func (s *Store) UpsertArticles(articles []Article) ([]Upserted, error) {
	results := make([]Upserted, len(articles))
	for _, a := range articles {
		if a.ID == "" {
			return nil, fmt.Errorf("state: upsert articles: empty ID: %w", ErrInvalid)
		}
	}
	dirty := false
	err := s.db.View(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketArticles)
		for _, a := range articles {
			if v := b.Get([]byte(a.ID)); !sameArticle(v, a) || outletOf(tx, getUint64(v)) != a.Outlet {
				dirty = true
				return nil
			}
		}
		return nil
	})
	if err != nil || !dirty {
		if err != nil {
			return nil, fmt.Errorf("state: upsert articles: %w", err)
		}
		return results, nil
	}
	err = s.db.Update(func(tx *bbolt.Tx) error {
		t, err := loadTally(tx)
		if err != nil {
			return err
		}
		arts, bySeq, byPub := tx.Bucket(bucketArticles), tx.Bucket(bucketArticleSeq), tx.Bucket(bucketArticlePub)
		for i, a := range articles {
			old := arts.Get([]byte(a.ID))
			switch {
			case old == nil:
				seq, err := arts.NextSequence()
				if err != nil {
					return err
				}
				a.Seq = seq
				results[i] = ArticleAdded
				t.articles++
				if err := indexShortID(tx, a.ID); err != nil {
					return err
				}
			case sameArticle(old, a):
				results[i] = ArticleUnchanged
				if err := setOutlet(tx, getUint64(old), a.Outlet); err != nil {
					return err
				}
				continue
			default:
				a.Seq = getUint64(old)
				results[i] = ArticleChanged
				if err := byPub.Delete(pubKey(getInt64Key(old[8:]), a.ID)); err != nil {
					return err
				}
			}
			pub := nanos(a.Published)
			if err := arts.Put([]byte(a.ID), encodeArticle(a)); err != nil {
				return err
			}
			if err := byPub.Put(pubKey(pub, a.ID), putUint64(a.Seq)); err != nil {
				return err
			}
			if err := bySeq.Put(putUint64(a.Seq), pubKey(pub, a.ID)); err != nil {
				return err
			}
			if err := setOutlet(tx, a.Seq, a.Outlet); err != nil {
				return err
			}
		}
		return t.save(tx)
	})
	if err != nil {
		return nil, fmt.Errorf("state: upsert articles: %w", err)
	}
	return results, nil
}

// Article returns the article with the given ID, or ErrNotFound.
func (s *Store) Article(id string) (Article, error) {
	var a Article
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketArticles).Get([]byte(id))
		if v == nil {
			return ErrNotFound
		}
		var err error
		a, err = decodeArticle(id, v)
		a.Outlet = outletOf(tx, a.Seq)
		return err
	})
	if err != nil {
		return Article{}, fmt.Errorf("state: article %q: %w", id, err)
	}
	return a, nil
}

// Newest returns up to n articles, newest Published first (ties broken by
// ID, descending).
func (s *Store) Newest(n int) ([]Article, error) {
	var out []Article
	err := s.db.View(func(tx *bbolt.Tx) error {
		arts := tx.Bucket(bucketArticles)
		c := tx.Bucket(bucketArticlePub).Cursor()
		for k, _ := c.Last(); k != nil && len(out) < n; k, _ = c.Prev() {
			id := string(k[8:])
			a, err := decodeArticle(id, arts.Get(k[8:]))
			if err != nil {
				return err
			}
			a.Outlet = outletOf(tx, a.Seq)
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: newest articles: %w", err)
	}
	return out, nil
}

// ArticlesAfter returns up to limit articles whose Seq is greater than seq,
// in Seq order: the articles ingested after seq.
func (s *Store) ArticlesAfter(seq uint64, limit int) ([]Article, error) {
	var out []Article
	err := s.db.View(func(tx *bbolt.Tx) error {
		arts := tx.Bucket(bucketArticles)
		c := tx.Bucket(bucketArticleSeq).Cursor()
		for k, v := c.Seek(putUint64(seq + 1)); k != nil && len(out) < limit; k, v = c.Next() {
			id := v[8:]
			a, err := decodeArticle(string(id), arts.Get(id))
			if err != nil {
				return err
			}
			a.Outlet = outletOf(tx, a.Seq)
			out = append(out, a)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("state: articles after %d: %w", seq, err)
	}
	return out, nil
}
