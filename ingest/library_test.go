package ingest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/state"
)

// newTestStore opens a store in a temporary folder, closed at the test's end.
func newTestStore(t testing.TB) *state.Store {
	t.Helper()
	s, err := state.Open(filepath.Join(t.TempDir(), "bot.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// seedDoc is a seed document for the article at url, seen by the feed at
// feed and published at pub, whose lead is lead.
func seedDoc(url, headline string, feed, pub time.Time, lead string) string {
	return fmt.Sprintf("<!--%d-->\n[%s](%s)\n------\n\n<div><i>%s</i></div><p>%s</p>\n",
		feed.UnixMilli(), headline, url, pub.UTC().Format(time.RFC1123), lead)
}

func writeFile(t testing.TB, dir, name, data string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

var day0 = time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)

func mustScan(t *testing.T, l *Library) ScanResult {
	t.Helper()
	res, err := l.Scan(context.Background())
	if err != nil {
		t.Fatalf("Scan: %v", err)
	}
	return res
}

func TestLibraryScan(t *testing.T) {
	dir := t.TempDir()
	store := newTestStore(t)
	l := NewLibrary(dir, store)

	// Written newest first: ingestion must still follow publication.
	writeFile(t, dir, "a.txt", seedDoc("https://example.com/a", "A", day0, day0.Add(3*time.Hour), "Lead A."))
	writeFile(t, dir, "b.txt", seedDoc("https://example.com/b", "B", day0, day0.Add(2*time.Hour), "Lead B."))
	writeFile(t, dir, "c.txt", seedDoc("https://example.com/c", "C", day0, day0.Add(1*time.Hour), "Lead C."))
	bad := writeFile(t, dir, "notes.txt", "not a seed document\n")

	res := mustScan(t, l)
	if res.Files != 4 || res.Read != 4 || res.Parsed != 3 || res.Added != 3 {
		t.Errorf("first scan: got %+v, want 4 files read, 3 parsed and added", res)
	}
	if len(res.Refused) != 1 {
		t.Fatalf("got %d refused, want 1", len(res.Refused))
	}
	var fe *content.FileError
	if !errors.As(res.Refused[0], &fe) || fe.Path != bad || !errors.Is(fe, content.ErrNoTime) {
		t.Errorf("refused: got %v, want a FileError naming %s", res.Refused[0], bad)
	}
	got, err := store.ArticlesAfter(0, 10)
	if err != nil {
		t.Fatal(err)
	}
	var order string
	for _, a := range got {
		d, err := DecodeArticle(a)
		if err != nil {
			t.Fatal(err)
		}
		order += d.Headline
	}
	if order != "CBA" {
		t.Errorf("ingestion order: got %s, want CBA (oldest published first)", order)
	}

	// Nothing changed: nothing is read, the refused file is counted but
	// not reported again.
	res = mustScan(t, l)
	if res.Read != 0 || res.Parsed != 0 || res.Added+res.Changed+res.Unchanged != 0 || len(res.Refused) != 0 || res.RefusedTotal() != 1 {
		t.Errorf("rescan: got %+v, want nothing read and the refused file counted, not reported", res)
	}
}

func TestLibraryRescanRules(t *testing.T) {
	dir := t.TempDir()
	store := newTestStore(t)
	l := NewLibrary(dir, store)
	a := writeFile(t, dir, "a.txt", seedDoc("https://example.com/a", "A", day0, day0, "Lead A."))
	writeFile(t, dir, "b.txt", seedDoc("https://example.com/b", "B", day0, day0, "Lead B."))
	mustScan(t, l)
	before, err := store.Article(mustParse(t, a).ID)
	if err != nil {
		t.Fatal(err)
	}

	// Touched, same bytes: read and hashed, not parsed.
	later := time.Now().Add(time.Minute)
	if err := os.Chtimes(a, later, later); err != nil {
		t.Fatal(err)
	}
	if res := mustScan(t, l); res.Read != 1 || res.Parsed != 0 {
		t.Errorf("touched: got %+v, want 1 read, 0 parsed", res)
	}

	// New text: parsed and changed in place, keeping its Seq.
	writeFile(t, dir, "a.txt", seedDoc("https://example.com/a", "A", day0, day0, "Lead A, corrected."))
	if res := mustScan(t, l); res.Parsed != 1 || res.Changed != 1 {
		t.Errorf("edited: got %+v, want 1 parsed, 1 changed", res)
	}
	after, err := store.Article(before.ID)
	if err != nil {
		t.Fatal(err)
	}
	if after.Seq != before.Seq {
		t.Errorf("edited article: got Seq %d, want %d kept", after.Seq, before.Seq)
	}

	// Renamed: the same article, unchanged.
	if err := os.Rename(a, filepath.Join(dir, "a-renamed.txt")); err != nil {
		t.Fatal(err)
	}
	if res := mustScan(t, l); res.Parsed != 1 || res.Unchanged != 1 || res.Added != 0 {
		t.Errorf("renamed: got %+v, want 1 parsed and unchanged", res)
	}

	// Removed: the article stays on record.
	if err := os.Remove(filepath.Join(dir, "b.txt")); err != nil {
		t.Fatal(err)
	}
	if res := mustScan(t, l); res.Files != 1 {
		t.Errorf("removed: got %+v, want 1 file", res)
	}
	if n, _ := store.ArticlesAfter(0, 10); len(n) != 2 {
		t.Errorf("removed: got %d articles stored, want 2", len(n))
	}

	// New file: added.
	writeFile(t, dir, "c.txt", seedDoc("https://example.com/c", "C", day0, day0, "Lead C."))
	if res := mustScan(t, l); res.Read != 1 || res.Added != 1 {
		t.Errorf("new file: got %+v, want 1 read and added", res)
	}
}

func TestLibrarySameURLNewerFeedWins(t *testing.T) {
	dir := t.TempDir()
	store := newTestStore(t)
	l := NewLibrary(dir, store)
	url := "https://example.com/same"
	// The newer feed time is in the file that sorts first.
	writeFile(t, dir, "1.txt", seedDoc(url, "Newer", day0.Add(time.Hour), day0, "Newer lead."))
	writeFile(t, dir, "2.txt", seedDoc(url, "Older", day0, day0, "Older lead."))
	if res := mustScan(t, l); res.Added != 1 {
		t.Fatalf("got %+v, want one article added", res)
	}
	got, err := store.Newest(5)
	if err != nil || len(got) != 1 {
		t.Fatalf("Newest: got %d articles, %v; want 1", len(got), err)
	}
	if a, _ := DecodeArticle(got[0]); a.Headline != "Newer" {
		t.Errorf("got %q, want the file with the newer feed time", a.Headline)
	}

	// Editing the older file does not overwrite the newer one.
	writeFile(t, dir, "2.txt", seedDoc(url, "Older, edited", day0, day0, "Older lead."))
	if res := mustScan(t, l); res.Added+res.Changed != 0 {
		t.Errorf("edited older duplicate: got %+v, want nothing stored", res)
	}
}

func TestLibraryScanErrors(t *testing.T) {
	l := NewLibrary(filepath.Join(t.TempDir(), "missing"), newTestStore(t))
	if _, err := l.Scan(context.Background()); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing folder: got %v, want os.ErrNotExist", err)
	}
	dir := t.TempDir()
	writeFile(t, dir, "a.txt", seedDoc("https://example.com/a", "A", day0, day0, "Lead."))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := NewLibrary(dir, newTestStore(t)).Scan(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: got %v, want context.Canceled", err)
	}
}

func TestArticleCodecRoundTrip(t *testing.T) {
	a := &content.Article{
		ID: "x", Headline: "H", URL: "https://example.com/x", Published: day0, FeedTime: day0,
		Lead: "L", Paragraphs: []string{"L", "M"}, Source: "S",
		Photo: &content.Photo{URL: "https://example.com/p.jpg", Caption: "C", Fallbacks: []string{"https://example.com/q.jpg"}},
	}
	data, err := EncodeArticle(a)
	if err != nil {
		t.Fatal(err)
	}
	got, err := DecodeArticle(state.Article{ID: "x", Data: data})
	if err != nil {
		t.Fatal(err)
	}
	if got.Headline != a.Headline || !got.Published.Equal(a.Published) || got.Photo == nil || got.Photo.Fallbacks[0] != a.Photo.Fallbacks[0] {
		t.Errorf("got %+v, want %+v", got, a)
	}
	if _, err := DecodeArticle(state.Article{ID: "y", Data: []byte("{")}); err == nil {
		t.Error("got no error for broken data")
	}
}

func mustParse(t *testing.T, path string) *content.Article {
	t.Helper()
	a, err := content.ParseFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// BenchmarkRescanUnchanged rescans a folder of 10,000 seed files none of
// which changed: the cost of SCAN_INTERVAL when nothing arrives.
func BenchmarkRescanUnchanged(b *testing.B) {
	const files = 10000
	dir := b.TempDir()
	for i := range files {
		writeFile(b, dir, fmt.Sprintf("%05d.txt", i),
			seedDoc(fmt.Sprintf("https://example.com/%d", i), fmt.Sprintf("Headline %d", i), day0, day0.Add(time.Duration(i)*time.Second), "A lead paragraph that says something."))
	}
	l := NewLibrary(dir, newTestStore(b))
	if res, err := l.Scan(context.Background()); err != nil || res.Added != files {
		b.Fatalf("first scan: %+v, %v", res, err)
	}
	b.ResetTimer()
	for b.Loop() {
		res, err := l.Scan(context.Background())
		if err != nil || res.Read != 0 {
			b.Fatalf("rescan: %+v, %v", res, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/scan")
	b.ReportMetric(float64(files*b.N)/b.Elapsed().Seconds(), "files/s")
}
