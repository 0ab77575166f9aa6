package ingest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/state"
)

// batchSize is how many articles a scan stores in one transaction: one
// fsync for many articles, and a bounded number of parsed articles held.
const batchSize = 500

// A scan is one run of Library.scan, holding l.mu.
type scan struct {
	l       *Library
	ctx     context.Context
	res     ScanResult
	visited map[string]bool // folders walked by this scan
	links   []link          // folders reached by a link, walked after the others
	head    [content.HeadSize]byte

	batch    []state.Article
	inBatch  map[string]int // article ID → index in batch
	unstored []fileRef      // the files whose articles are in batch
	stored   int            // articles added or changed
	ticks    int            // files since progress was last published
}

type link struct {
	path, real string
	deep       bool
}

type fileRef struct {
	f         *folder
	dir, name string
}

// run walks the whole tree (full), or the folders at paths.
func (s *scan) run(full bool, paths []string) error {
	l := s.l
	if full {
		root, err := resolveRoot(l.dir)
		if err != nil {
			return err
		}
		if l.root != "" && root != l.root {
			// SEEDS_DIR is a link that now leads elsewhere: every
			// resolved path changed.
			l.reset()
		}
		l.root = root
		if err := s.walk(l.dir, root, true); err != nil {
			return err
		}
	} else if err := s.paths(paths); err != nil {
		return err
	}
	// A folder reached by a link comes after the others: when it is also
	// reached without one, that path is the one kept.
	for len(s.links) > 0 {
		lk := s.links[0]
		s.links = s.links[1:]
		if owner, ok := l.reals[lk.real]; (ok && owner != lk.path) || s.visited[lk.path] || (!lk.deep && l.folders[lk.path] != nil) {
			continue
		}
		if err := s.walk(lk.path, lk.real, lk.deep); err != nil {
			if s.ctx.Err() != nil {
				return err
			}
			s.lost(lk.path, err)
		}
	}
	return nil
}

// paths scans the files and folders at paths: those that went first, so
// that a file renamed is no rival of its new name.
func (s *scan) paths(paths []string) error {
	l := s.l
	slices.Sort(paths)
	paths = slices.Compact(paths)
	type change struct {
		path  string
		e     entry
		there bool
	}
	changes := make([]change, 0, len(paths))
	for _, p := range paths {
		p = filepath.Clean(p)
		if p == l.dir {
			continue
		}
		e, there := entryAt(l.root, p)
		if !there {
			l.gone(p)
			continue
		}
		changes = append(changes, change{p, e, there})
	}
	for i, c := range changes {
		if i%256 == 0 {
			if err := s.ctx.Err(); err != nil {
				return err
			}
		}
		dir := filepath.Dir(c.path)
		f := l.folders[dir]
		switch {
		case s.visited[dir]:
			// Walked whole in this scan: a new folder.
		case f == nil:
			// In a folder not known yet: walk the highest such folder.
			if err := s.newFolder(l.highestUnknown(dir)); err != nil {
				return err
			}
		case c.e.dir:
			if err := s.newFolder(c.path); err != nil {
				return err
			}
		default:
			if l.folders[c.path] != nil {
				l.dropTree(c.path) // a folder that is now a file
			}
			if err := s.file(f, dir, c.e); err != nil {
				return err
			}
		}
	}
	return nil
}

// gone forgets the file or folder at path, which is not in the tree any
// more.
func (l *Library) gone(path string) {
	if f := l.folders[filepath.Dir(path)]; f != nil {
		if st, ok := f.files[filepath.Base(path)]; ok {
			l.forget(f, filepath.Dir(path), filepath.Base(path), st)
		}
	}
	if l.folders[path] != nil {
		l.dropTree(path)
	}
}

// highestUnknown is the folder on the way from the tree's root to dir, not
// known yet, whose parent is known.
func (l *Library) highestUnknown(dir string) string {
	for {
		parent := filepath.Dir(dir)
		if l.folders[parent] != nil || parent == dir {
			return dir
		}
		dir = parent
	}
}

// newFolder walks the folder at path, whole when it is new, and makes it a
// subfolder of its parent, which is known.
func (s *scan) newFolder(path string) error {
	l := s.l
	parent := l.folders[filepath.Dir(path)]
	if parent == nil || s.visited[path] {
		return nil
	}
	e, ok := entryAt(l.root, path)
	if !ok || !e.dir {
		return nil
	}
	name := e.name
	if i, found := slices.BinarySearch(parent.subdirs, name); !found {
		parent.subdirs = slices.Insert(parent.subdirs, i, name)
	}
	r := e.childReal(parent.real)
	if owner, ok := l.reals[r]; ok && owner != path {
		return nil
	}
	if err := s.walk(path, r, l.folders[path] == nil); err != nil {
		if s.ctx.Err() != nil {
			return err
		}
		s.lost(path, err)
	}
	return nil
}

// walk scans the folder at path, whose resolved path is real: its files,
// and its subfolders: all of them when deep is set, else only those new to
// the library.
func (s *scan) walk(path, real string, deep bool) error {
	l := s.l
	s.visited[path] = true
	es, err := entries(l.root, path, true)
	if err != nil {
		return err
	}
	f := l.folders[path]
	if f == nil {
		f = &folder{real: real, files: make(map[string]fileState)}
		l.folders[path] = f
		l.reals[real] = path
	}
	delete(l.broken, path)

	// Files that are gone go first: a file renamed within the folder is
	// then no rival of its new name.
	known := 0 // files of es that f knows
	var subdirs []string
	for _, e := range es {
		if e.dir {
			subdirs = append(subdirs, e.name)
		} else if _, ok := f.files[e.name]; ok {
			known++
		}
	}
	if known < len(f.files) {
		s.removeGone(f, path, es)
	}
	for _, name := range f.subdirs {
		if _, found := slices.BinarySearch(subdirs, name); !found {
			l.dropTree(filepath.Join(path, name))
		}
	}
	f.subdirs = subdirs
	for i, e := range es {
		if i%256 == 0 {
			if err := s.ctx.Err(); err != nil {
				return err
			}
		}
		if !e.dir {
			if err := s.file(f, path, e); err != nil {
				return err
			}
		}
	}

	for _, e := range es {
		if !e.dir {
			continue
		}
		child, r := filepath.Join(path, e.name), e.childReal(real)
		if e.real != "" {
			s.links = append(s.links, link{child, r, deep})
			continue
		}
		if owner, ok := l.reals[r]; (ok && owner != child) || s.visited[child] || (!deep && l.folders[child] != nil) {
			continue
		}
		if err := s.walk(child, r, deep); err != nil {
			if s.ctx.Err() != nil {
				return err
			}
			s.lost(child, err)
		}
	}
	return nil
}

// removeGone forgets the files of f that are not among es any more.
func (s *scan) removeGone(f *folder, path string, es []entry) {
	names := make(map[string]bool, len(es))
	for _, e := range es {
		if !e.dir {
			names[e.name] = true
		}
	}
	for name, st := range f.files {
		if !names[name] {
			s.l.forget(f, path, name, st)
		}
	}
}

// lost deals with a folder that could not be walked: one that vanished is
// forgotten; one that can't be read is reported, once, and what is known
// of it kept.
func (s *scan) lost(path string, err error) {
	if errors.Is(err, fs.ErrNotExist) {
		s.l.dropTree(path)
		return
	}
	if !s.l.broken[path] {
		s.l.broken[path] = true
		s.res.Refused = append(s.res.Refused, &content.FileError{Path: path, Err: stripPath(err)})
	}
}

// file scans one file of f, the folder at dir. Its error is the store's.
func (s *scan) file(f *folder, dir string, e entry) error {
	s.res.Seen++
	s.tick()
	old, known := f.files[e.name]
	if e.err != nil {
		s.refuse(f, e.name, filepath.Join(dir, e.name), old, known, fileState{}, e.err)
		return nil
	}
	st := fileState{size: e.fi.Size(), mod: e.fi.ModTime().UnixNano()}
	if known && old.size == st.size && old.mod == st.mod {
		return nil
	}
	path := filepath.Join(dir, e.name)
	s.res.Read++
	data, err := s.read(path, st.size)
	switch {
	case err != nil:
		s.refuse(f, e.name, path, old, known, st, err)
	case data == nil:
		st.kind = oldKind
		s.l.set(f, e.name, path, old, known, st)
	default:
		return s.seed(f, e.name, path, old, known, st, data)
	}
	return nil
}

// read reads the file at path, of size bytes: its first bytes, and all of
// it when its feed time is inside the horizon. It returns nil for a file
// outside the horizon, and the reason for one that is not a seed document.
func (s *scan) read(path string, size int64) ([]byte, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, stripPath(err)
	}
	defer file.Close()
	n, err := io.ReadFull(file, s.head[:])
	if err != nil && err != io.EOF && err != io.ErrUnexpectedEOF {
		return nil, stripPath(err)
	}
	feed, err := content.FeedTime(s.head[:n])
	if err != nil {
		return nil, err
	}
	if feed.Before(s.res.Horizon) {
		return nil, nil
	}
	tooLarge := fmt.Errorf("%w: %d bytes, more than %d", content.ErrTooLarge, size, content.MaxSize)
	if size > content.MaxSize {
		return nil, tooLarge
	}
	buf := bytes.NewBuffer(make([]byte, 0, size+1))
	buf.Write(s.head[:n])
	if n == len(s.head) {
		if _, err := buf.ReadFrom(io.LimitReader(file, content.MaxSize+1-int64(n))); err != nil {
			return nil, stripPath(err)
		}
	}
	if buf.Len() > content.MaxSize {
		return nil, tooLarge
	}
	return buf.Bytes(), nil
}

// seed parses the file at path, inside the horizon, whose bytes are data,
// and queues its article to be stored when it is the URL's winner. Its
// error is the store's.
func (s *scan) seed(f *folder, name, path string, old fileState, known bool, st fileState, data []byte) error {
	l := s.l
	sum := sha256.Sum256(data)
	if sf := l.seeds[path]; sf != nil && known && old.kind == seedKind && sf.sum == sum {
		// Touched, the same bytes: not parsed again.
		st.kind = seedKind
		l.set(f, name, path, old, known, st)
		return nil
	}
	a, err := content.ParseBytes(data)
	var enc []byte
	if err == nil {
		enc, err = EncodeArticle(a)
	} else if inner := errors.Unwrap(err); inner != nil {
		err = inner // without Parse's "content: ", which FileError says
	}
	if err != nil {
		s.refuse(f, name, path, old, known, st, err)
		return nil
	}
	s.res.Parsed++
	st.kind = seedKind
	l.set(f, name, path, old, known, st)
	l.setSeed(path, &seedFile{id: a.ID, feed: a.FeedTime, sum: sum})
	if s.winner(a.ID) != path {
		return nil
	}
	ref := fileRef{f, filepath.Dir(path), name}
	art := state.Article{ID: a.ID, Published: a.Published, Data: enc, Outlet: a.Outlet}
	if i, ok := s.inBatch[a.ID]; ok {
		s.batch[i] = art
		s.unstored = append(s.unstored, ref)
		return nil
	}
	if s.inBatch == nil {
		s.inBatch = make(map[string]int)
	}
	s.inBatch[a.ID] = len(s.batch)
	s.batch = append(s.batch, art)
	s.unstored = append(s.unstored, ref)
	if len(s.batch) >= batchSize {
		return s.flush()
	}
	return nil
}

// refuse records the file at path as not a seed document, for err, and
// reports it unless it was refused for the same reason before.
func (s *scan) refuse(f *folder, name, path string, old fileState, known bool, st fileState, err error) {
	st.kind, st.why = refusedKind, reasonOf(err)
	if !known || old.kind != refusedKind || old.why != st.why {
		s.res.Refused = append(s.res.Refused, &content.FileError{Path: path, Err: err})
	}
	s.l.set(f, name, path, old, known, st)
}

// flush stores the queued articles, oldest published first.
func (s *scan) flush() error {
	if len(s.batch) == 0 {
		return nil
	}
	slices.SortStableFunc(s.batch, func(a, b state.Article) int { return a.Published.Compare(b.Published) })
	ups, err := s.l.store.UpsertArticles(s.batch)
	if err != nil {
		return err
	}
	for _, u := range ups {
		switch u {
		case state.ArticleAdded:
			s.res.Added++
		case state.ArticleChanged:
			s.res.Changed++
		default:
			s.res.Unchanged++
		}
	}
	s.stored = s.res.Added + s.res.Changed
	s.batch, s.unstored = s.batch[:0], s.unstored[:0]
	clear(s.inBatch)
	s.l.setProgress(s.publish)
	return nil
}

// forgetUnstored forgets the files whose articles a failed scan did not
// store, so that the next scan reads them again.
func (s *scan) forgetUnstored() {
	for _, u := range s.unstored {
		if st, ok := u.f.files[u.name]; ok {
			s.l.forget(u.f, u.dir, u.name, st)
		}
	}
	s.unstored = nil
}

// tick publishes the scan's progress every few files.
func (s *scan) tick() {
	if s.ticks++; s.ticks >= 64 {
		s.ticks = 0
		s.l.setProgress(s.publish)
	}
}

func (s *scan) publish(p *Progress) {
	p.Seen, p.Read, p.Parsed, p.Stored = s.res.Seen, s.res.Read, s.res.Parsed, s.stored
}

// set records st for the file name of f, at path, whose state was old
// when known.
func (l *Library) set(f *folder, name, path string, old fileState, known bool, st fileState) {
	if known {
		l.tally.count(old, -1)
		if old.kind == seedKind && st.kind != seedKind {
			l.dropSeed(path)
		}
	}
	l.tally.count(st, 1)
	f.files[name] = st
}

// forget forgets the file name of the folder f at dir, whose state is st.
func (l *Library) forget(f *folder, dir, name string, st fileState) {
	l.tally.count(st, -1)
	if st.kind == seedKind {
		l.dropSeed(filepath.Join(dir, name))
	}
	delete(f.files, name)
}

// dropTree forgets the folder at path and everything under it.
func (l *Library) dropTree(path string) {
	prefix := path + string(filepath.Separator)
	for p, f := range l.folders {
		if p != path && !strings.HasPrefix(p, prefix) {
			continue
		}
		for name, st := range f.files {
			l.forget(f, p, name, st)
		}
		if l.reals[f.real] == p {
			delete(l.reals, f.real)
		}
		delete(l.folders, p)
		delete(l.broken, p)
	}
}

// reset forgets the whole tree.
func (l *Library) reset() {
	clear(l.folders)
	clear(l.reals)
	clear(l.seeds)
	clear(l.ids)
	clear(l.broken)
	l.tally = tally{}
}

func (l *Library) setSeed(path string, sf *seedFile) {
	old := l.seeds[path]
	if old != nil && old.id != sf.id {
		l.unlinkID(old.id, path)
	}
	if old == nil || old.id != sf.id {
		l.ids[sf.id] = append(l.ids[sf.id], path)
	}
	l.seeds[path] = sf
}

func (l *Library) dropSeed(path string) {
	if sf := l.seeds[path]; sf != nil {
		l.unlinkID(sf.id, path)
		delete(l.seeds, path)
	}
}

func (l *Library) unlinkID(id, path string) {
	paths := slices.DeleteFunc(l.ids[id], func(p string) bool { return p == path })
	if len(paths) == 0 {
		delete(l.ids, id)
	} else {
		l.ids[id] = paths
	}
}

// winner is the path of the seed file that stands for the article id: the
// newest feed time, then the later path. A rival in a folder this scan has
// not walked yet counts only if it is still there.
func (s *scan) winner(id string) string {
	l := s.l
	best := ""
	for _, p := range l.ids[id] {
		if best != "" && !(l.seeds[p].feed.After(l.seeds[best].feed) || (l.seeds[p].feed.Equal(l.seeds[best].feed) && p > best)) {
			continue
		}
		if len(l.ids[id]) > 1 && !s.visited[filepath.Dir(p)] {
			if _, err := os.Lstat(p); errors.Is(err, fs.ErrNotExist) {
				continue
			}
		}
		best = p
	}
	return best
}
