package content

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// seedFiles returns the paths of the candidate seed documents in dir,
// sorted by name: its regular files (or links to them), without hidden
// files (names starting with ".") or folders.
func seedFiles(dir string) ([]string, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	var files []string
	for _, e := range entries {
		name := e.Name()
		if strings.HasPrefix(name, ".") {
			continue
		}
		path := filepath.Join(dir, name)
		mode := e.Type()
		if mode&os.ModeSymlink != 0 {
			fi, err := os.Stat(path)
			if err != nil {
				continue // a dangling link
			}
			mode = fi.Mode()
		}
		if mode.IsRegular() {
			files = append(files, path)
		}
	}
	slices.Sort(files)
	return files, nil
}

// LoadDir parses the seed documents of dir: its regular files and links to
// them, not hidden ones, not its subfolders (package ingest reads a tree).
// A file that can't be parsed is reported, and the rest of the folder still
// loads. Two files with the same URL, so the same ID, are one article: the
// one with the newer feed time wins (on a tie, the later file by name). The
// articles come in the order in which their URLs first appear among the
// files.
//
// The errors are one *FileError per refused file (see ParseFile), or a
// single *FileError naming dir when the folder can't be read.
func LoadDir(dir string) ([]*Article, []error) {
	files, err := seedFiles(dir)
	if err != nil {
		return nil, []error{&FileError{Path: dir, Err: err}}
	}
	var (
		articles []*Article
		errs     []error
		byID     = make(map[string]int) // ID → index in articles
	)
	for _, f := range files {
		a, err := ParseFile(f)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if i, ok := byID[a.ID]; ok {
			if !a.FeedTime.Before(articles[i].FeedTime) {
				articles[i] = a
			}
			continue
		}
		byID[a.ID] = len(articles)
		articles = append(articles, a)
	}
	return articles, errs
}
