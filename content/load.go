package content

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// SeedFiles returns the paths of the candidate seed documents in dir,
// sorted by name: its regular files (or links to them), without hidden
// files (names starting with ".") or folders.
//
// Its error wraps the os package's error when dir can't be read.
func SeedFiles(dir string) ([]string, error) {
	files, err := seedFiles(dir)
	if err != nil {
		return nil, fmt.Errorf("content: %w", err)
	}
	return files, nil
}

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
