package ingest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/state"
)

// now is the clock of the tests with a horizon: a month after day0.
var now = day0.Add(30 * 24 * time.Hour)

// newHorizonLibrary is a Library of dir with a 720h horizon before now.
func newHorizonLibrary(t testing.TB, dir string, store *state.Store) *Library {
	t.Helper()
	l := NewLibrary(dir, store, MaxAge(720*time.Hour))
	l.now = func() time.Time { return now }
	return l
}

// recentDoc is a seed document seen by the feed an hour before now.
func recentDoc(url, headline string) string {
	return seedDoc(url, headline, now.Add(-time.Hour), now.Add(-2*time.Hour), "Lead of "+headline+".")
}

// storedHeadlines are the headlines of the store's articles, sorted.
func storedHeadlines(t testing.TB, store *state.Store) []string {
	t.Helper()
	got, err := store.ArticlesAfter(0, 1<<20)
	if err != nil {
		t.Fatal(err)
	}
	var heads []string
	for _, sa := range got {
		a, err := DecodeArticle(sa)
		if err != nil {
			t.Fatal(err)
		}
		heads = append(heads, a.Headline)
	}
	slices.Sort(heads)
	return heads
}

// refusedPaths are the paths of res.Refused, relative to dir.
func refusedPaths(t testing.TB, dir string, res ScanResult) []string {
	t.Helper()
	var paths []string
	for _, err := range res.Refused {
		var fe *content.FileError
		if !errors.As(err, &fe) {
			t.Fatalf("refused: got %v, want a *content.FileError", err)
		}
		rel, _ := filepath.Rel(dir, fe.Path)
		paths = append(paths, filepath.ToSlash(rel))
	}
	return paths
}

// TestScanArchiveClone scans a clone of the archive: a README, .git and
// .github, outlet folders, an image, old items and a link out of the tree.
// Exactly the recent seed documents are stored.
func TestScanArchiveClone(t *testing.T) {
	dir, outside := t.TempDir(), t.TempDir()
	old := now.Add(-800 * time.Hour)
	writeTree(t, outside, map[string]string{"elsewhere.md": recentDoc("https://example.com/outside", "Outside")})
	writeTree(t, dir, map[string]string{
		"README.md":                        "# The archive\n\nItems by outlet.\n",
		".git/HEAD":                        "ref: refs/heads/main\n",
		".git/objects/ab/cdef":             recentDoc("https://example.com/git", "In .git"),
		".github/workflows/fetch.yml":      "on: schedule\n",
		"articles/voa/7040511.md":          recentDoc("https://www.voachinese.com/a/7040511.html", "VOA"),
		"articles/voa/7040512_美日韩特使.md":    recentDoc("https://www.voachinese.com/a/7040512.html", "VOA titled"),
		"articles/rfi/2023/09/abc_标题.md":   recentDoc("https://www.rfi.fr/cn/abc", "RFI nested"),
		"articles/dw/a-1.md":               seedDoc("https://www.dw.com/zh/a-1", "DW old", old, old, "Old lead."),
		"articles/dw/a-2.md":               seedDoc("https://www.dw.com/zh/a-2", "DW recent", now.Add(-719*time.Hour), old, "Lead."),
		"articles/dw/logo.png":             "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
		"articles/bbc/.draft.md":           recentDoc("https://www.bbc.com/zhongwen/draft", "Hidden"),
		"articles/bbc/empty-headline.md":   "<!--" + fmt.Sprint(now.UnixMilli()) + "-->\n[](https://www.bbc.com/x)\n---\n",
		"articles/bbc/old-and-broken.md":   "<!--" + fmt.Sprint(old.UnixMilli()) + "-->\nnot a link\n",
		"articles/voa/duplicate-older.md":  seedDoc("https://www.voachinese.com/a/7040511.html", "VOA older copy", now.Add(-2*time.Hour), now.Add(-2*time.Hour), "Older."),
		"articles/voa/duplicate-newest.md": seedDoc("https://www.voachinese.com/a/7040512.html", "VOA titled, newer copy", now, now, "Newer."),
	})
	symlink(t, filepath.Join(outside, "elsewhere.md"), filepath.Join(dir, "articles", "voa", "link-out.md"))
	symlink(t, outside, filepath.Join(dir, "articles", "outside"))
	symlink(t, filepath.Join(dir, "articles"), filepath.Join(dir, "articles", "rfi", "loop"))

	store := newTestStore(t)
	l := newHorizonLibrary(t, dir, store)
	res := mustScan(t, l)
	want := []string{"DW recent", "RFI nested", "VOA", "VOA titled, newer copy"}
	if got := storedHeadlines(t, store); !slices.Equal(got, want) {
		t.Errorf("stored: got %q, want %q", got, want)
	}
	wantRefused := map[string]int{
		content.ErrNoTime.Error():        1, // the README
		content.ErrBinary.Error():        1, // the logo
		content.ErrEmptyHeadline.Error(): 1,
		ErrOutside.Error():               2, // a file and a folder
	}
	if !maps.Equal(res.RefusedBy, wantRefused) {
		t.Errorf("refused by reason: got %v, want %v", res.RefusedBy, wantRefused)
	}
	wantPaths := []string{"README.md", "articles/bbc/empty-headline.md", "articles/dw/logo.png", "articles/outside", "articles/voa/link-out.md"}
	if got := refusedPaths(t, dir, res); !slices.Equal(got, wantPaths) {
		t.Errorf("refused: got %q, want %q", got, wantPaths)
	}
	// 13 files: 6 seed documents (two of them older copies), 2 old, 5
	// refused (the link to a folder out of the tree among them).
	if res.Files != 13 || res.Old != 2 || res.Parsed != 6 || res.Added != 4 || res.RefusedTotal() != 5 {
		t.Errorf("first scan: got %+v, want 13 files, 2 old, 6 parsed, 4 added, 5 refused", res)
	}

	// Unchanged: nothing read, nothing reported, the same counts.
	again := mustScan(t, l)
	if again.Read != 0 || len(again.Refused) != 0 || again.Files != res.Files || again.Old != res.Old || !maps.Equal(again.RefusedBy, res.RefusedBy) {
		t.Errorf("rescan: got %+v, want nothing read or reported and the counts of %+v", again, res)
	}

	// An edited README is read again, and not reported again.
	writeTree(t, dir, map[string]string{"README.md": "# The archive, edited\n"})
	if again := mustScan(t, l); again.Read != 1 || len(again.Refused) != 0 || again.RefusedTotal() != 5 {
		t.Errorf("README edited: got %+v, want 1 read, nothing reported", again)
	}
	// A refused file that becomes a seed document is stored.
	writeTree(t, dir, map[string]string{"articles/bbc/empty-headline.md": recentDoc("https://www.bbc.com/x", "BBC fixed")})
	if again := mustScan(t, l); again.Added != 1 || again.RefusedTotal() != 4 {
		t.Errorf("refused file fixed: got %+v, want 1 added, 4 refused", again)
	}
}

func TestScanHorizonOff(t *testing.T) {
	dir := t.TempDir()
	old := now.Add(-10000 * time.Hour)
	writeTree(t, dir, map[string]string{"a/old.md": seedDoc("https://example.com/old", "Old", old, old, "Lead.")})
	store := newTestStore(t)
	l := NewLibrary(dir, store)
	if res := mustScan(t, l); res.Added != 1 || res.Old != 0 || !res.Horizon.IsZero() {
		t.Errorf("got %+v, want the old file added without a horizon", res)
	}
}

// TestScanFolderChanges renames, moves and removes folders between scans.
func TestScanFolderChanges(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a/1.md":   recentDoc("https://example.com/1", "One"),
		"a/b/2.md": recentDoc("https://example.com/2", "Two"),
		"c/3.md":   "notes",
	})
	store := newTestStore(t)
	l := newHorizonLibrary(t, dir, store)
	if res := mustScan(t, l); res.Files != 3 || res.Added != 2 || res.RefusedTotal() != 1 {
		t.Fatalf("first scan: got %+v", res)
	}
	// A renamed folder is the same articles; a removed one takes its
	// files off the count; a new nested one is read.
	if err := os.Rename(filepath.Join(dir, "a"), filepath.Join(dir, "z")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "c")); err != nil {
		t.Fatal(err)
	}
	writeTree(t, dir, map[string]string{"n/e/w/4.md": recentDoc("https://example.com/4", "Four")})
	res := mustScan(t, l)
	if res.Files != 3 || res.Parsed != 3 || res.Added != 1 || res.Unchanged != 2 || res.RefusedTotal() != 0 {
		t.Errorf("after the moves: got %+v, want 3 files, 1 added, 2 unchanged, none refused", res)
	}
	if got := len(l.folders); got != 6 { // the root, z, z/b, n, n/e, n/e/w
		t.Errorf("got %d folders known, want 6", got)
	}
}

// TestScanPaths scans single files and folders, as the Watcher does.
func TestScanPaths(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{
		"a/1.md": recentDoc("https://example.com/1", "One"),
		"a/2.md": recentDoc("https://example.com/2", "Two"),
		"b/3.md": "notes",
		"c/4.md": recentDoc("https://example.com/4", "Four"),
	})
	store := newTestStore(t)
	l := newHorizonLibrary(t, dir, store)
	mustScan(t, l)
	writeTree(t, dir, map[string]string{
		"a/5.md":          recentDoc("https://example.com/5", "Five"),
		"a/new/deep/6.md": recentDoc("https://example.com/6", "Six"),
		"b/7.md":          recentDoc("https://example.com/7", "Seven"),
		"b/3.md":          "notes, edited",
	})
	if err := os.Rename(filepath.Join(dir, "a", "1.md"), filepath.Join(dir, "a", "0-renamed.md")); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "c")); err != nil {
		t.Fatal(err)
	}
	p := func(rel string) string { return filepath.Join(dir, filepath.FromSlash(rel)) }
	// What the events name: the new and renamed files, the new folder and
	// a file in it, the edited file, the removed folder. b/7.md is not
	// named: it is not looked at.
	res, err := l.scanPaths(context.Background(), []string{
		p("a/5.md"), p("a/1.md"), p("a/0-renamed.md"), p("a/new"), p("a/new/deep/6.md"), p("b/3.md"), p("c"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Seen != 4 || res.Read != 4 || res.Added != 2 || res.Unchanged != 1 || res.Files != 5 || len(res.Refused) != 0 || res.RefusedTotal() != 1 {
		t.Errorf("got %+v, want 4 seen and read, 2 added, 1 unchanged, 5 files, the edited refused file not reported", res)
	}
	// The new folders are known: a file written there later is found
	// by its path alone.
	writeTree(t, dir, map[string]string{"a/new/deep/8.md": recentDoc("https://example.com/8", "Eight")})
	res, err = l.scanPaths(context.Background(), []string{p("a/new/deep/8.md")})
	if err != nil {
		t.Fatal(err)
	}
	if res.Seen != 1 || res.Added != 1 || res.Files != 6 {
		t.Errorf("got %+v, want 1 seen and added, 6 files", res)
	}
	// A full scan agrees, and finds b/7.md.
	if res := mustScan(t, l); res.Files != 7 || res.Added != 1 || res.Read != 1 {
		t.Errorf("full scan: got %+v, want 7 files, b/7.md read and added", res)
	}
}

// TestScanStoreFailsReadAgain: articles a scan could not store are read
// again by the next scan.
func TestScanStoreFailsReadAgain(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"a/1.md": recentDoc("https://example.com/1", "One"), "a/2.md": "notes"})
	store, err := state.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	l := newHorizonLibrary(t, dir, store)
	store.Close()
	if _, err := l.Scan(context.Background()); err == nil {
		t.Fatal("scan into a closed store: got no error")
	}
	f := l.folders[filepath.Join(dir, "a")]
	if _, ok := f.files["1.md"]; ok || len(l.seeds) != 0 || l.tally.files != 1 {
		t.Errorf("after the failed scan: files %v, seeds %v, tally %+v; want only the refused file kept", f.files, l.seeds, l.tally)
	}
}

func TestProgress(t *testing.T) {
	dir := t.TempDir()
	for i := range 100 {
		writeTree(t, dir, map[string]string{fmt.Sprintf("a/%d.md", i): recentDoc(fmt.Sprintf("https://example.com/%d", i), fmt.Sprint("H", i))})
	}
	l := newHorizonLibrary(t, dir, newTestStore(t))
	if p := l.Progress(); p.Running || p.Last != nil {
		t.Errorf("before any scan: got %+v, want nothing", p)
	}
	mustScan(t, l)
	p := l.Progress()
	if p.Running || p.Seen != 100 || p.Parsed != 100 || p.Stored != 100 || p.Expect != 0 || p.Last == nil || p.Last.Files != 100 {
		t.Errorf("after the first scan: got %+v, want 100 seen, parsed and stored, no estimate", p)
	}
	mustScan(t, l)
	if p := l.Progress(); p.Expect != 100 || p.Seen != 100 || p.Stored != 0 {
		t.Errorf("after the second scan: got %+v, want 100 expected and seen", p)
	}
}

func TestReasons(t *testing.T) {
	if got := len(reasons()) + 1; got != numReasons {
		t.Fatalf("numReasons is %d, want %d: one per sentinel and one for the others", numReasons, got)
	}
	for i, err := range append(reasons(), errors.New("open: permission denied")) {
		wrapped := &content.FileError{Path: "x", Err: fmt.Errorf("read: %w", err)}
		if r := reasonOf(wrapped); int(r) != i {
			t.Errorf("reasonOf(%v): got %d (%s), want %d", wrapped, r, r, i)
		}
	}
	if got := reason(otherReason).String(); got != "unreadable" {
		t.Errorf("other reason: got %q, want unreadable", got)
	}
}
