package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// How long a Watcher waits before it scans: until no event came for settle,
// and never more than maxDelay after the first, so that a git pull that
// writes 500 files is one scan, and a new file is stored within about a
// second.
const (
	settle   = 300 * time.Millisecond
	maxDelay = time.Second
)

// A Watcher scans the files and folders of a Library's tree that appear,
// change or go, soon after they do, and only those. It learns which from file-system events
// (inotify, kqueue, …), watching every folder of the tree, new folders
// included. Events can be missed (a queue overflow, a network file system),
// so a periodic Scan stays the safety net; an overflow makes the Watcher
// scan the whole tree.
type Watcher struct {
	l       *Library
	root    string // the seeds folder, resolved
	fsw     *fsnotify.Watcher
	watched map[string]bool // folders watched, by path
	errs    []error         // from watching, not reported yet
}

// Watch starts watching every folder of the tree and returns when the
// watches are in place; Watcher.Run then scans as files change. Its error
// wraps the os package's when the seeds folder can't be read, or says
// that the system gives no file-system events; a subfolder that can't be
// watched is reported by Run.
func (l *Library) Watch() (*Watcher, error) {
	root, err := resolveRoot(l.dir)
	if err != nil {
		return nil, fmt.Errorf("ingest: watch %s: %w", l.dir, err)
	}
	fsw, err := fsnotify.NewWatcher()
	if err != nil {
		return nil, fmt.Errorf("ingest: watch %s: %w", l.dir, err)
	}
	w := &Watcher{l: l, root: root, fsw: fsw, watched: make(map[string]bool)}
	if err := w.addTree(l.dir); err != nil && !w.watched[l.dir] {
		fsw.Close()
		return nil, fmt.Errorf("ingest: watch %s: %w", l.dir, err)
	}
	return w, nil
}

// addTree watches the folder at path and every folder under it.
func (w *Watcher) addTree(path string) error {
	var errs []error
	err := walkFolders(w.root, path, func(p string, _ []entry) bool {
		if w.watched[p] {
			return true
		}
		if err := w.fsw.Add(p); err != nil {
			errs = append(errs, fmt.Errorf("ingest: watch %s: %w", p, err))
			return false
		}
		w.watched[p] = true
		return true
	})
	if err != nil {
		errs = append(errs, err)
	}
	w.errs = append(w.errs, errs...)
	return errors.Join(errs...)
}

// Run scans what changed, once the events have settled, and
// passes each scan's result, or an error of a scan or of watching, to
// report, until ctx ends; then it stops watching. A change that a Scan
// started after its event has read anyway is not scanned again.
func (w *Watcher) Run(ctx context.Context, report func(ScanResult, error)) {
	defer w.fsw.Close()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var (
		pending = make(map[string]bool) // paths of the files and folders to scan
		full    bool                    // scan the whole tree: events were lost
		first   time.Time               // of the pending events
		since   uint64                  // full scans started before the last event
	)
	arm := func() {
		now := time.Now()
		if first.IsZero() {
			first = now
		}
		since = w.l.fullScans.Load()
		timer.Reset(max(0, min(settle, maxDelay-now.Sub(first))))
	}
	for {
		w.flushErrs(report)
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-w.fsw.Events:
			if !ok {
				return
			}
			if w.note(ev, pending) {
				arm()
			}
		case err, ok := <-w.fsw.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				full = true
				arm()
				continue
			}
			report(ScanResult{}, fmt.Errorf("ingest: watch %s: %w", w.l.dir, err))
		case <-timer.C:
			paths := make([]string, 0, len(pending))
			for p := range pending {
				paths = append(paths, p)
			}
			clear(pending)
			first = time.Time{}
			if w.l.fullScans.Load() != since {
				full = false
				continue // a Scan that started after the last event read it all
			}
			var res ScanResult
			var err error
			if full {
				full = false
				res, err = w.l.Scan(ctx)
			} else {
				res, err = w.l.scanPaths(ctx, paths)
			}
			if ctx.Err() != nil {
				return
			}
			report(res, err)
			w.sync()
		}
	}
}

// note takes in one event: the file or folder it names is to be scanned,
// and a new folder is watched at once, before its files are read. It
// reports whether the event calls for a scan.
func (w *Watcher) note(ev fsnotify.Event, pending map[string]bool) bool {
	if hidden(filepath.Base(ev.Name)) || ev.Op == fsnotify.Chmod {
		// Hidden files are not read, and a change of mode or time alone
		// does not change an article.
		return false
	}
	if ev.Has(fsnotify.Create) && w.isFolder(ev.Name) {
		w.addTree(ev.Name)
	}
	pending[ev.Name] = true
	return true
}

// isFolder reports whether path is a folder of the tree: a folder, or a
// link to one inside the seeds folder.
func (w *Watcher) isFolder(path string) bool {
	fi, err := os.Lstat(path)
	if err == nil && fi.Mode()&os.ModeSymlink != 0 {
		_, fi, err = follow(w.root, path)
	}
	return err == nil && fi.IsDir()
}

// sync watches the folders a scan found that are not watched yet, and
// forgets those that are gone.
func (w *Watcher) sync() {
	paths := w.l.folderPaths()
	now := make(map[string]bool, len(paths))
	for _, p := range paths {
		now[p] = true
		if !w.watched[p] {
			w.addTree(p)
		}
	}
	for p := range w.watched {
		if !now[p] {
			w.fsw.Remove(p) // the system dropped the watch of a removed folder already
			delete(w.watched, p)
		}
	}
}

func (w *Watcher) flushErrs(report func(ScanResult, error)) {
	for _, err := range w.errs {
		report(ScanResult{}, err)
	}
	w.errs = nil
}

// Close stops watching; Run does it when its ctx ends.
func (w *Watcher) Close() error { return w.fsw.Close() }
