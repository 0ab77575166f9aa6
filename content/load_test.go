package content

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// seedDoc returns a small seed document.
func seedDoc(feedMS, url, headline string) string {
	return "<!--" + feedMS + "-->\n[" + headline + "](" + url + ")\n------\n\n<p>" + headline + "的正文。</p>\n"
}

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

func TestLoadDir(t *testing.T) {
	const (
		u1 = "https://www.voachinese.com/a/one/1.html"
		u2 = "https://www.dw.com/zh/two/a-2"
	)
	tests := []struct {
		name      string
		files     map[string]string
		headlines []string // of the articles, in order
		bad       []string // files refused
	}{
		{
			name:      "bad files don't stop the folder",
			files:     map[string]string{"1.txt": seedDoc("1700000000000", u1, "第一篇"), "2.txt": "", "3.txt": "\xc4\xe3\xba\xc3", "4.txt": seedDoc("1700000000000", u2, "第二篇")},
			headlines: []string{"第一篇", "第二篇"},
			bad:       []string{"2.txt", "3.txt"},
		},
		{
			name:      "same URL: the newer feed time wins, later file",
			files:     map[string]string{"1.txt": seedDoc("1700000000000", u1, "旧版"), "2.txt": seedDoc("1700000009000", u1, "新版")},
			headlines: []string{"新版"},
		},
		{
			name:      "same URL: the newer feed time wins, earlier file",
			files:     map[string]string{"1.txt": seedDoc("1700000009000", u1, "新版"), "2.txt": seedDoc("1700000000000", u1+"#comments", "旧版")},
			headlines: []string{"新版"},
		},
		{
			name:      "same URL and feed time: the later file wins",
			files:     map[string]string{"1.txt": seedDoc("1700000000000", u1, "甲"), "2.txt": seedDoc("1700000000000", u1, "乙")},
			headlines: []string{"乙"},
		},
		{
			name:  "empty folder",
			files: map[string]string{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, tt.files)
			articles, errs := LoadDir(dir)
			var got []string
			for _, a := range articles {
				got = append(got, a.Headline)
			}
			if !slices.Equal(got, tt.headlines) {
				t.Errorf("got headlines %q, want %q", got, tt.headlines)
			}
			var bad []string
			for _, err := range errs {
				var fe *FileError
				if !errors.As(err, &fe) {
					t.Fatalf("got error %v, want a *FileError", err)
				}
				bad = append(bad, filepath.Base(fe.Path))
			}
			if !slices.Equal(bad, tt.bad) {
				t.Errorf("got refused %q, want %q", bad, tt.bad)
			}
		})
	}
}

func TestLoadDirMissing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nope")
	articles, errs := LoadDir(dir)
	if len(articles) != 0 || len(errs) != 1 {
		t.Fatalf("got %d articles and %d errors, want 0 and 1", len(articles), len(errs))
	}
	var fe *FileError
	if !errors.As(errs[0], &fe) || fe.Path != dir || !errors.Is(errs[0], os.ErrNotExist) {
		t.Errorf("got %v, want a *FileError for %s wrapping os.ErrNotExist", errs[0], dir)
	}
}
