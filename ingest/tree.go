package ingest

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// The tree of a seeds folder: every folder under it, recursively, except
// hidden ones (.git, .github); in each, the regular files that are not
// hidden. A link is followed when it resolves inside the folder; a link to
// a folder already reached is not, so a loop is walked once. The same rules
// serve Scan, the Watcher and SeedFiles.

// hidden reports whether a file or folder named name is left out.
func hidden(name string) bool { return strings.HasPrefix(name, ".") }

// resolveRoot returns dir as an absolute path without links: what a link
// must resolve inside of to be followed.
func resolveRoot(dir string) (string, error) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return "", err
	}
	return filepath.Abs(real)
}

// within reports whether the absolute path p is root or inside it.
func within(root, p string) bool {
	return p == root || strings.HasPrefix(p, strings.TrimSuffix(root, string(filepath.Separator))+string(filepath.Separator))
}

// follow resolves the link at path, which must lead inside root: it
// returns the target's absolute path and its FileInfo. Its error is
// ErrOutside, or the os package's error (with the path left out: the
// caller names it) when the link is broken.
func follow(root, path string) (string, fs.FileInfo, error) {
	real, err := filepath.EvalSymlinks(path)
	if err == nil {
		real, err = filepath.Abs(real)
	}
	if err != nil {
		return "", nil, stripPath(err)
	}
	if !within(root, real) {
		return "", nil, ErrOutside
	}
	fi, err := os.Stat(path)
	if err != nil {
		return "", nil, stripPath(err)
	}
	return real, fi, nil
}

// stripPath drops the path from an *fs.PathError, whose path the caller
// says already: "open: permission denied".
func stripPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %w", pe.Op, pe.Err)
	}
	return err
}

// An entry is what the tree makes of one name in a folder.
type entry struct {
	name string
	dir  bool   // a folder, to walk
	real string // a folder's resolved path; "" for a plain folder, whose real path follows from its parent's
	fi   fs.FileInfo
	err  error // why a link is not followed
}

// entries lists the folder at path by the tree's rules, in name order,
// with each file's FileInfo when stat is set. A file that vanished since
// the listing is left out; a link that is not followed comes with its
// reason.
func entries(root, path string, stat bool) ([]entry, error) {
	des, err := os.ReadDir(path)
	if err != nil {
		return nil, err
	}
	out := make([]entry, len(des))
	keep := make([]bool, len(des))
	// A scan is bound by its stat calls, which the kernel serves on every
	// core: a large folder's files are stat'ed in parallel.
	workers := 1
	if stat {
		workers = min(runtime.GOMAXPROCS(0), 1+len(des)/2048)
	}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < len(des); i += workers {
				info := des[i].Info
				if !stat {
					info = func() (fs.FileInfo, error) { return nil, nil }
				}
				out[i], keep[i] = classify(root, path, des[i].Name(), des[i].Type(), info)
			}
		})
	}
	wg.Wait()
	n := 0
	for i := range out {
		if keep[i] {
			out[n] = out[i]
			n++
		}
	}
	return out[:n], nil
}

// entryAt is the entry of the file or folder at path; ok is false when the
// tree has no such entry (hidden, gone, neither a file nor a folder).
func entryAt(root, path string) (e entry, ok bool) {
	fi, err := os.Lstat(path)
	if err != nil {
		return entry{}, false
	}
	return classify(root, filepath.Dir(path), filepath.Base(path), fi.Mode().Type(), func() (fs.FileInfo, error) { return fi, nil })
}

// classify makes an entry of the name in the folder dir, of type typ, whose
// FileInfo (not following a link) info returns.
func classify(root, dir, name string, typ fs.FileMode, info func() (fs.FileInfo, error)) (entry, bool) {
	if hidden(name) {
		return entry{}, false
	}
	switch {
	case typ.IsDir():
		return entry{name: name, dir: true}, true
	case typ.IsRegular():
		fi, err := info()
		if errors.Is(err, fs.ErrNotExist) {
			return entry{}, false
		}
		return entry{name: name, fi: fi, err: stripPath(err)}, true
	case typ&fs.ModeSymlink != 0:
		real, fi, err := follow(root, filepath.Join(dir, name))
		switch {
		case err != nil:
			return entry{name: name, err: err}, true
		case fi.IsDir():
			return entry{name: name, dir: true, real: real}, true
		case fi.Mode().IsRegular():
			return entry{name: name, fi: fi}, true
		}
	}
	return entry{}, false
}

// childReal is the resolved path of the folder e in the folder whose
// resolved path is parent.
func (e entry) childReal(parent string) string {
	if e.real != "" {
		return e.real
	}
	return filepath.Join(parent, e.name)
}

// walkFolders lists every folder of the tree at dir, which is root (see
// resolveRoot) or inside it, parents before children, and calls visit with
// its path and entries; visit returns false to leave the folder's
// subfolders out. A subfolder that can't be listed is left out too, and its
// error joined to the one returned; a folder that vanished meanwhile is no
// error.
func walkFolders(root, dir string, visit func(path string, es []entry) bool) error {
	real, err := filepath.EvalSymlinks(dir)
	if err == nil {
		real, err = filepath.Abs(real)
	}
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	var errs []error
	var walk func(path, real string) error
	walk = func(path, real string) error {
		seen[real] = true
		es, err := entries(root, path, false)
		if err != nil {
			return err
		}
		if !visit(path, es) {
			return nil
		}
		for _, e := range es {
			if r := e.childReal(real); e.dir && !seen[r] {
				if err := walk(filepath.Join(path, e.name), r); err != nil && !errors.Is(err, fs.ErrNotExist) {
					errs = append(errs, err)
				}
			}
		}
		return nil
	}
	if err := walk(filepath.Clean(dir), real); err != nil {
		return err
	}
	return errors.Join(errs...)
}

// SeedFiles returns the paths of the candidate seed documents in the tree
// at dir, sorted: its files, found by the rules of Scan (hidden files and
// folders left out, links followed when they resolve inside dir).
//
// Its error wraps the os package's error when dir or one of its folders
// can't be read.
func SeedFiles(dir string) ([]string, error) {
	var files []string
	root, err := resolveRoot(dir)
	if err == nil {
		err = walkFolders(root, dir, func(path string, es []entry) bool {
			for _, e := range es {
				if !e.dir && e.err == nil {
					files = append(files, filepath.Join(path, e.name))
				}
			}
			return true
		})
	}
	if err != nil {
		return nil, fmt.Errorf("ingest: seed files: %w", err)
	}
	slices.Sort(files)
	return files, nil
}
