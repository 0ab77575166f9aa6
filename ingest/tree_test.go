package ingest

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// writeTree creates files (slash-separated path → content) under dir.
func writeTree(t testing.TB, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		path := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func symlink(t testing.TB, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestSeedFiles(t *testing.T) {
	dir := t.TempDir()
	outside := t.TempDir()
	writeTree(t, outside, map[string]string{"x.md": "x", "sub/y.md": "y"})
	writeTree(t, dir, map[string]string{
		"README.md":              "x",
		"b.txt":                  "x",
		".hidden.txt":            "x",
		".git/config":            "x",
		".github/workflows/a.y":  "x",
		"articles/voa/1.md":      "x",
		"articles/voa/2_标题.md":   "x",
		"articles/rfi/deep/3.md": "x",
		"articles/.cache/4.md":   "x",
	})
	symlink(t, filepath.Join(dir, "b.txt"), filepath.Join(dir, "c-link.txt"))        // inside: followed
	symlink(t, filepath.Join(outside, "x.md"), filepath.Join(dir, "d-out.md"))       // out of the tree
	symlink(t, filepath.Join(outside, "sub"), filepath.Join(dir, "articles", "out")) // a folder out of the tree
	symlink(t, filepath.Join(dir, "missing"), filepath.Join(dir, "e-dangling.txt"))  // broken
	symlink(t, "..", filepath.Join(dir, "articles", "voa", "loop"))                  // a loop
	got, err := SeedFiles(dir)
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, n := range []string{
		"README.md", "articles/rfi/deep/3.md", "articles/voa/1.md",
		"articles/voa/2_标题.md", "b.txt", "c-link.txt",
	} {
		want = append(want, filepath.Join(dir, filepath.FromSlash(n)))
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q,\nwant %q", got, want)
	}
}

func TestSeedFilesMissingDir(t *testing.T) {
	_, err := SeedFiles(filepath.Join(t.TempDir(), "nope"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want an error wrapping os.ErrNotExist", err)
	}
}
