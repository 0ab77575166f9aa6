package state

import (
	"fmt"
	"time"

	"go.etcd.io/bbolt"
)

// bucketPages holds the articles' published pages: article ID → page.
var bucketPages = []byte("telegraph") // id → page

// keyTelegraphToken holds the access token of the account the pages are
// published with, in the meta bucket.
var keyTelegraphToken = []byte("telegraph_token")

// A Page is where an article was published outside Telegram (a Telegraph
// page, which Telegram opens in Instant View), and what was published.
type Page struct {
	// Path names the page for edits; URL is its address.
	Path, URL string
	// Hash identifies the content published, to tell a changed article
	// from an unchanged one. The store does not interpret it.
	Hash string
	// Updated is when the page was created or last edited.
	Updated time.Time
}

func encodePage(p Page) []byte {
	v := appendString(nil, p.Path)
	v = appendString(v, p.URL)
	v = appendString(v, p.Hash)
	return appendTime(v, p.Updated)
}

func decodePage(id string, v []byte) (Page, error) {
	d := decoder{b: v}
	p := Page{Path: d.string(), URL: d.string(), Hash: d.string(), Updated: d.time()}
	if d.err != nil {
		return Page{}, fmt.Errorf("page of article %q: %w", id, d.err)
	}
	return p, nil
}

// Page returns the page of the article id, or ErrNotFound when it has none,
// and the store's error.
func (s *Store) Page(id string) (Page, error) {
	var p Page
	err := s.db.View(func(tx *bbolt.Tx) error {
		v := tx.Bucket(bucketPages).Get([]byte(id))
		if v == nil {
			return ErrNotFound
		}
		var err error
		p, err = decodePage(id, v)
		return err
	})
	if err != nil {
		return Page{}, fmt.Errorf("state: page of article %q: %w", id, err)
	}
	return p, nil
}

// PutPage records p as the page of the article id, replacing any earlier
// one. It returns ErrInvalid for an empty id or an empty p.URL, and the
// store's error.
func (s *Store) PutPage(id string, p Page) error {
	if id == "" || p.URL == "" {
		return fmt.Errorf("state: put page of article %q: empty article ID or URL: %w", id, ErrInvalid)
	}
	err := s.db.Update(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketPages).Put([]byte(id), encodePage(p))
	})
	if err != nil {
		return fmt.Errorf("state: put page of article %q: %w", id, err)
	}
	return nil
}

// PagedArticles returns the IDs of the articles that have a page, in ID
// order, for checking their pages against the articles. It returns the
// store's error.
func (s *Store) PagedArticles() ([]string, error) {
	var ids []string
	err := s.db.View(func(tx *bbolt.Tx) error {
		return tx.Bucket(bucketPages).ForEach(func(k, _ []byte) error {
			ids = append(ids, string(k))
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("state: paged articles: %w", err)
	}
	return ids, nil
}

// TelegraphToken returns the access token kept with SetTelegraphToken, ""
// when there is none, and the store's error.
func (s *Store) TelegraphToken() (string, error) {
	var token string
	err := s.db.View(func(tx *bbolt.Tx) error {
		token = string(tx.Bucket(bucketMeta).Get(keyTelegraphToken))
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("state: telegraph token: %w", err)
	}
	return token, nil
}

// SetTelegraphToken keeps the access token of the account pages are
// published with; "" removes it. It returns the store's error.
func (s *Store) SetTelegraphToken(token string) error {
	err := s.db.Update(func(tx *bbolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if token == "" {
			return meta.Delete(keyTelegraphToken)
		}
		return meta.Put(keyTelegraphToken, []byte(token))
	})
	if err != nil {
		return fmt.Errorf("state: keep the telegraph token: %w", err)
	}
	return nil
}
