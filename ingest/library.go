package ingest

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/state"
)

// A Library keeps the store's articles in step with the seeds folder's tree.
// Scan stats every file; it reads only the files whose size or modification
// time changed, and of those only the first bytes when the feed time on
// line 1 is older than the horizon (MaxAge); it parses only the files inside
// the horizon whose bytes changed. A removed file never deletes an article:
// what was delivered stays on record.
//
// A Library is safe for concurrent use; scans run one at a time.
type Library struct {
	dir    string
	store  *state.Store
	maxAge time.Duration
	now    func() time.Time

	mu      sync.Mutex // held by a scan; guards the fields up to tally
	root    string     // dir, absolute and with its links resolved
	folders map[string]*folder
	reals   map[string]string    // a folder's resolved path → its path: a folder reached twice is walked once
	seeds   map[string]*seedFile // by path: the files read as seed documents
	ids     map[string][]string  // article ID → paths of its seed files
	broken  map[string]bool      // folders that could not be read, reported once
	tally   tally

	// fullScans counts the full scans started: a Watcher need not scan
	// what one that started after an event reads anyway.
	fullScans atomic.Uint64

	pmu      sync.Mutex // guards progress
	progress Progress
}

// A folder is what the last scans learned of one folder of the tree.
type folder struct {
	real    string               // resolved path
	files   map[string]fileState // by name
	subdirs []string             // names of the subfolders walked
}

// A fileState is what the last scan learned of one file: little, as a tree
// holds a million of them.
type fileState struct {
	size int64
	mod  int64 // modification time, Unix nanoseconds
	kind fileKind
	why  reason // for a refused file
}

type fileKind uint8

const (
	seedKind    fileKind = iota + 1 // a seed document (see Library.seeds)
	oldKind                         // outside the horizon: neither parsed nor stored
	refusedKind                     // not a seed document
)

// A seedFile is what deciding between two files of one URL needs.
type seedFile struct {
	id   string
	feed time.Time
	sum  [sha256.Size]byte // of the bytes last parsed
}

// reason is why a file is refused, for counting by reason.
type reason uint8

// reasons are the reasons a file is refused, in the order summaries list
// them; any other error (a file that can't be read) is otherReason.
func reasons() []error {
	return []error{content.ErrNoTime, content.ErrNoHeadline, content.ErrEmptyHeadline, content.ErrNoRule,
		content.ErrEmpty, content.ErrBinary, content.ErrNotUTF8, content.ErrTooLarge, ErrOutside}
}

const (
	numReasons  = 10
	otherReason = numReasons - 1
)

func reasonOf(err error) reason {
	for i, r := range reasons() {
		if errors.Is(err, r) {
			return reason(i)
		}
	}
	return otherReason
}

// String is the reason's key in ScanResult.RefusedBy: the sentinel's text,
// or "unreadable".
func (r reason) String() string {
	if rs := reasons(); int(r) < len(rs) {
		return rs[r].Error()
	}
	return "unreadable"
}

// A tally counts the files of the tree.
type tally struct {
	files, old int
	refused    [numReasons]int
}

func (t *tally) count(f fileState, n int) {
	t.files += n
	switch f.kind {
	case oldKind:
		t.old += n
	case refusedKind:
		t.refused[f.why] += n
	}
}

// An Option sets up a Library.
type Option func(*Library)

// MaxAge sets the horizon: a file whose feed time (line 1) is more than d
// before the scan is neither parsed nor stored, and is not read again until
// it changes. 0, the default, reads every file.
func MaxAge(d time.Duration) Option {
	return func(l *Library) { l.maxAge = d }
}

// NewLibrary returns a Library of the seed documents in the tree at dir,
// kept in store.
func NewLibrary(dir string, store *state.Store, opts ...Option) *Library {
	l := &Library{
		dir:     filepath.Clean(dir),
		store:   store,
		now:     time.Now,
		folders: make(map[string]*folder),
		reals:   make(map[string]string),
		seeds:   make(map[string]*seedFile),
		ids:     make(map[string][]string),
		broken:  make(map[string]bool),
	}
	for _, o := range opts {
		o(l)
	}
	return l
}

// Dir is the seeds folder.
func (l *Library) Dir() string { return l.dir }

// A ScanResult says what a scan did, and what the tree holds after it.
type ScanResult struct {
	// Files is the number of files in the tree (hidden ones left out);
	// Old of them are outside the horizon, and RefusedBy counts, by reason,
	// those that are not seed documents (see RefusedTotal). These are the
	// whole tree's, whatever the scan looked at.
	Files, Old int
	RefusedBy  map[string]int `json:",omitempty"`
	// Seen is the number of files the scan looked at: all of them, but for
	// a Watcher's scan, which looks where files changed. Read of them were
	// new or changed and so opened, and Parsed of those were inside the
	// horizon and held new bytes.
	Seen, Read, Parsed int
	// Added, Changed and Unchanged count the articles stored, by what the
	// store made of them.
	Added, Changed, Unchanged int
	// Refused holds a *content.FileError for each file found in this scan
	// not to be a seed document, in path order, but for those reported
	// before for the same reason: a README is reported once, not at every
	// scan.
	Refused []error `json:"-"`
	// Horizon is the feed time before which files were left out; zero
	// when every file is read.
	Horizon time.Time
	// Started is when the scan started, and Took how long it took.
	Started time.Time
	Took    time.Duration
}

// RefusedTotal is the number of files in the tree that are not seed
// documents.
func (r ScanResult) RefusedTotal() int {
	n := 0
	for _, c := range r.RefusedBy {
		n += c
	}
	return n
}

// Scan brings the store up to date with the seeds folder's tree. Articles
// new to the store are added oldest first by publication within each batch
// of a few hundred, so their ingestion order follows the news; a large
// tree's articles are stored batch by batch while the scan goes on. Two
// files of one URL are one article: the one with the newer feed time wins,
// then the later path. A file that is not a seed document is reported once
// in ScanResult.Refused, and the rest of the tree is still read; so is a
// folder that can't be read.
//
// Progress says how far a running scan got.
//
// Scan returns an error wrapping the os package's when the folder can't be
// read, ctx's error when ctx ends, and the store's error when storing fails;
// then the files whose articles were not stored are read again by the next
// scan.
func (l *Library) Scan(ctx context.Context) (ScanResult, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.fullScans.Add(1)
	return l.scan(ctx, nil)
}

// scanPaths is Scan of what changed at paths only, for a Watcher: each is
// a file or folder that appeared, changed or went. A file is looked at
// alone, a new folder is walked whole.
func (l *Library) scanPaths(ctx context.Context, paths []string) (ScanResult, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.scan(ctx, paths)
}

// scan scans what changed at paths (see scanPaths), or the whole tree when
// paths is nil.
func (l *Library) scan(ctx context.Context, paths []string) (ScanResult, error) {
	s := &scan{l: l, ctx: ctx, visited: make(map[string]bool)}
	start := time.Now()
	s.res.Started = l.now()
	if l.maxAge > 0 {
		s.res.Horizon = s.res.Started.Add(-l.maxAge)
	}
	full := paths == nil || l.root == ""
	expect := 0
	if full {
		expect = l.tally.files
	}
	l.setProgress(func(p *Progress) {
		*p = Progress{Running: true, Started: s.res.Started, Expect: expect, Last: p.Last}
	})

	err := s.run(full, paths)
	if err == nil {
		err = s.flush()
	}
	if err != nil {
		s.forgetUnstored()
	}
	s.res.Files, s.res.Old = l.tally.files, l.tally.old
	for i, n := range l.tally.refused {
		if n > 0 {
			if s.res.RefusedBy == nil {
				s.res.RefusedBy = make(map[string]int)
			}
			s.res.RefusedBy[reason(i).String()] = n
		}
	}
	slices.SortFunc(s.res.Refused, func(a, b error) int {
		return strings.Compare(a.(*content.FileError).Path, b.(*content.FileError).Path)
	})
	s.res.Took = time.Since(start)
	res := s.res
	l.setProgress(func(p *Progress) {
		p.Running = false
		s.publish(p)
		if err == nil {
			last := res
			last.Refused = nil
			p.Last = &last
		}
	})
	if err != nil && ctx.Err() == nil {
		err = fmt.Errorf("ingest: scan seeds: %w", err)
	}
	return res, err
}

// A Progress says how far the running scan got, or what the last one did.
type Progress struct {
	// Running is set while a scan runs; Started is when it, or the last
	// one, started.
	Running bool
	Started time.Time
	// Seen, Read and Parsed count the files so far (see ScanResult), and
	// Stored the articles added or changed.
	Seen, Read, Parsed, Stored int
	// Expect is, for a scan of the whole tree, the number of files known
	// when it started: about how many it will see. It is 0 for the first
	// scan, whose total is unknown, and for a Watcher's scans.
	Expect int
	// Last is the last scan that finished without error, without its
	// Refused list; nil before the first.
	Last *ScanResult `json:",omitempty"`
}

// Progress returns how far the running scan got, or what the last one
// did; it does not wait for a scan.
func (l *Library) Progress() Progress {
	l.pmu.Lock()
	defer l.pmu.Unlock()
	p := l.progress
	if p.Last != nil {
		last := *p.Last
		last.RefusedBy = maps.Clone(last.RefusedBy)
		p.Last = &last
	}
	return p
}

func (l *Library) setProgress(f func(*Progress)) {
	l.pmu.Lock()
	defer l.pmu.Unlock()
	f(&l.progress)
}

// folderPaths returns the paths of the tree's folders as of the last scan.
func (l *Library) folderPaths() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	paths := make([]string, 0, len(l.folders))
	for p := range l.folders {
		paths = append(paths, p)
	}
	return paths
}
