package state

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Errors returned by the store, checked with errors.Is. Each is wrapped with
// the operation that failed and, where it helps, the chat, article or file.
var (
	// ErrNotFound is returned when an article, subscriber, ledger entry,
	// announcement or broadcast does not exist.
	ErrNotFound = errors.New("not found")
	// ErrLocked is returned by Open when another process holds the
	// database file: bbolt lets one process at a time open it.
	ErrLocked = errors.New("another process holds the database")
	// ErrSchema is returned by Open when the file was written by a newer
	// version of this program.
	ErrSchema = errors.New("database schema is newer than this program knows")
	// ErrConflict is returned for a ledger change that the entry's current
	// state does not allow, such as starting to send an entry that was
	// skipped because its chat unsubscribed.
	ErrConflict = errors.New("entry's state does not allow the change")
	// ErrBroadcastRunning is returned by PlanBroadcast while an earlier
	// broadcast is unfinished; the earlier one is returned with it.
	ErrBroadcastRunning = errors.New("a broadcast is unfinished")
	// ErrInvalid is returned for arguments the store refuses: an empty
	// article ID, a status that is not a reason to deactivate, an unknown
	// entry state.
	ErrInvalid = errors.New("invalid argument")
)

// schemaVersion is the layout this code reads and writes. Open records it in
// a new file and refuses a file with a higher one.
const schemaVersion = 1

// Bucket names, all top level.
var (
	bucketMeta          = []byte("meta")
	bucketArticles      = []byte("articles")      // id → seq | published | data
	bucketArticleSeq    = []byte("article_seq")   // seq → published | id
	bucketArticlePub    = []byte("article_pub")   // published | id → seq
	bucketSubscribers   = []byte("subscribers")   // chat → subscriber
	bucketDeliveries    = []byte("deliveries")    // chat | item → entry
	bucketQueue         = []byte("queue")         // round → (chat | item → state), pending and sending entries
	bucketAnnouncements = []byte("announcements") // id → announcement
	bucketBroadcasts    = []byte("broadcasts")    // id → broadcast
	bucketMoves         = []byte("moves")         // chat → the chat it moved to
	allBuckets          = [][]byte{bucketMeta, bucketArticles, bucketArticleSeq, bucketArticlePub, bucketSubscribers, bucketDeliveries, bucketQueue, bucketAnnouncements, bucketBroadcasts,
		bucketMoves, bucketShortIDs, bucketPages, bucketArticleOutlet, bucketOutlets}
)

// Keys in the meta bucket.
var (
	keySchema        = []byte("schema")         // uint64
	keyTally         = []byte("tally")          // counters, see tally.go
	keyCurrent       = []byte("current")        // id of the unfinished broadcast, absent when none
	keyAnnouncedUpTo = []byte("announced_upto") // highest announcement id already planned
	keyPlanning      = []byte("planning")       // the plan in progress, see plan.go
)

// A Store keeps articles, subscribers and the delivery ledger in one bbolt
// file. Its methods are safe for concurrent use.
type Store struct {
	db        *bbolt.DB
	path      string
	planning  sync.Mutex // held by PlanBroadcast
	planChunk int        // see PlanBroadcast
	foldChunk int        // see Fold
}

// Open opens the database at path, creating missing folders and the file. It
// waits about a second for the file lock and then fails with ErrLocked,
// naming the file. It fails with ErrSchema when the file was written by a
// newer version. Ledger entries that a crash left in state Sending become
// Unknown: they may have been delivered, so they are never sent again. A
// broadcast plan that a crash interrupted is completed.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second})
	if errors.Is(err, bolterrors.ErrTimeout) {
		return nil, fmt.Errorf("state: open %s: %w (is the bot already running?)", path, ErrLocked)
	}
	if err != nil {
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	s := &Store{db: db, path: path, planChunk: defaultPlanChunk, foldChunk: defaultFoldChunk}
	if err := db.Update(s.prepare); err != nil {
		db.Close()
		return nil, fmt.Errorf("state: open %s: %w", path, err)
	}
	if _, err := s.completePlan(); err != nil {
		db.Close()
		return nil, fmt.Errorf("state: open %s: complete the interrupted plan: %w", path, err)
	}
	return s, nil
}

// prepare creates the buckets, checks the schema version, completes the
// short ID index and turns entries left in Sending into Unknown.
func (s *Store) prepare(tx *bbolt.Tx) error {
	meta := tx.Bucket(bucketMeta)
	if meta != nil {
		if v := meta.Get(keySchema); v != nil {
			got := getUint64(v)
			if got > schemaVersion {
				return fmt.Errorf("%w: the file has schema %d, this program knows up to %d; run a newer version", ErrSchema, got, schemaVersion)
			}
		}
	}
	for _, name := range allBuckets {
		if _, err := tx.CreateBucketIfNotExists(name); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	meta = tx.Bucket(bucketMeta)
	if err := meta.Put(keySchema, putUint64(schemaVersion)); err != nil {
		return err
	}
	if err := rebuildShortIDs(tx); err != nil {
		return err
	}
	return recoverSending(tx, time.Now())
}

// Close closes the database. It waits for running transactions to end.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("state: close %s: %w", s.path, err)
	}
	return nil
}
