package state

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"

	"go.etcd.io/bbolt"
)

// shortIDBytes is how many bytes of an ID's SHA-256 a ShortID encodes: 96
// bits, so that two of a few million articles share one with a chance
// below one in 10^15.
const shortIDBytes = 12

// ShortIDLen is the length of every ShortID.
const ShortIDLen = (shortIDBytes*8 + 5) / 6

// bucketShortIDs indexes the articles by ShortID: short ID → article ID.
var bucketShortIDs = []byte("article_short") // short ID → id

// ShortID is a short, stable name of the article ID id, for links that must
// carry it in few characters of a narrow alphabet (a Telegram start
// parameter: at most 64 of A-Za-z0-9_-): the unpadded base64url encoding
// of the first 12 bytes of id's SHA-256, ShortIDLen characters. The same
// id always gets the same ShortID; ArticleByShortID finds the article.
func ShortID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return base64.RawURLEncoding.EncodeToString(sum[:shortIDBytes])
}

// ArticleByShortID returns the article whose ID has the ShortID short, in
// one read of the index. It returns ErrNotFound for a short ID of no
// stored article, a malformed one included, and the store's error.
func (s *Store) ArticleByShortID(short string) (Article, error) {
	var a Article
	err := s.db.View(func(tx *bbolt.Tx) error {
		if len(short) != ShortIDLen {
			return ErrNotFound
		}
		id := tx.Bucket(bucketShortIDs).Get([]byte(short))
		if id == nil {
			return ErrNotFound
		}
		v := tx.Bucket(bucketArticles).Get(id)
		if v == nil {
			return ErrNotFound
		}
		var err error
		a, err = decodeArticle(string(id), v)
		return err
	})
	if err != nil {
		return Article{}, fmt.Errorf("state: article by short ID %q: %w", short, err)
	}
	return a, nil
}

// indexShortID adds the article id to the short ID index.
func indexShortID(tx *bbolt.Tx, id string) error {
	return tx.Bucket(bucketShortIDs).Put([]byte(ShortID(id)), []byte(id))
}

// rebuildShortIDs indexes every article when the index does not hold as
// many entries as there are articles: in a file written before the index
// existed, or by a version that did not keep it.
func rebuildShortIDs(tx *bbolt.Tx) error {
	arts, index := tx.Bucket(bucketArticles), tx.Bucket(bucketShortIDs)
	if arts.Stats().KeyN == index.Stats().KeyN {
		return nil
	}
	return arts.ForEach(func(k, _ []byte) error {
		if err := indexShortID(tx, string(k)); err != nil {
			return fmt.Errorf("index article %q by short ID: %w", k, err)
		}
		return nil
	})
}
