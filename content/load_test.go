package content

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// writeFiles creates files (name → content) in a new folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestSeedFiles(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"b.txt":         "x",
		"a.txt":         "x",
		"c.md":          "x",
		".hidden.txt":   "x",
		"sub/inner.txt": "x",
		".git/config":   "x",
	})
	if err := os.Symlink(filepath.Join(dir, "a.txt"), filepath.Join(dir, "d-link.txt")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(filepath.Join(dir, "missing"), filepath.Join(dir, "e-dangling.txt")); err != nil {
		t.Fatal(err)
	}
	got, err := SeedFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, n := range []string{"a.txt", "b.txt", "c.md", "d-link.txt"} {
		want = append(want, filepath.Join(dir, n))
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestSeedFilesMissingDir(t *testing.T) {
	_, err := SeedFiles(filepath.Join(t.TempDir(), "nope"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want an error wrapping os.ErrNotExist", err)
	}
}
