package state

import (
	"fmt"
	"io"

	"go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the database to w while the store stays
// in use, and returns the number of bytes written. The copy is a bbolt file
// that Open accepts. It runs in one read transaction: while it lasts, the
// file cannot grow into pages freed after it started, so back up to a fast
// writer. It returns the writer's error, wrapped.
func (s *Store) Backup(w io.Writer) (int64, error) {
	var n int64
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		n, err = tx.WriteTo(w)
		return err
	})
	if err != nil {
		return n, fmt.Errorf("state: backup %s: %w", s.path, err)
	}
	return n, nil
}
