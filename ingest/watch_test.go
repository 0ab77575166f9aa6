package ingest

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// watching runs a Watcher of l until the test ends; its scans arrive on
// the returned channel.
func watching(t *testing.T, l *Library) <-chan ScanResult {
	t.Helper()
	w, err := l.Watch()
	if err != nil {
		t.Fatalf("Watch: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	results := make(chan ScanResult, 100)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx, func(res ScanResult, err error) {
			if err != nil {
				t.Errorf("watcher: %v", err)
				return
			}
			results <- res
		})
	}()
	t.Cleanup(func() { cancel(); <-done })
	return results
}

// nextScan waits for the watcher's next scan, at most within.
func nextScan(t *testing.T, results <-chan ScanResult, within time.Duration, what string) ScanResult {
	t.Helper()
	select {
	case res := <-results:
		return res
	case <-time.After(within):
		t.Fatalf("no scan within %v of %s", within, what)
		return ScanResult{}
	}
}

func TestWatcherNewFileInNewFolder(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"articles/voa/1.md": recentDoc("https://example.com/1", "One")})
	store := newTestStore(t)
	l := newHorizonLibrary(t, dir, store)
	mustScan(t, l)
	results := watching(t, l)

	writeTree(t, dir, map[string]string{"articles/rfi/2026/2.md": recentDoc("https://example.com/2", "Two")})
	res := nextScan(t, results, 2*time.Second, "a file written in a new folder")
	if res.Added != 1 || res.Files != 2 {
		t.Errorf("got %+v, want the new file added", res)
	}

	// The new folder is watched: a file written into it later is found.
	writeTree(t, dir, map[string]string{"articles/rfi/2026/3.md": recentDoc("https://example.com/3", "Three")})
	if res := nextScan(t, results, 2*time.Second, "a file in the folder made before"); res.Added != 1 || res.Seen != 1 {
		t.Errorf("got %+v, want the file added, alone looked at", res)
	}
}

// TestWatcherOneScanForManyFiles writes 500 files at once, as a git pull
// does: one scan stores them all.
func TestWatcherOneScanForManyFiles(t *testing.T) {
	dir := t.TempDir()
	writeTree(t, dir, map[string]string{"articles/voa/0.md": recentDoc("https://example.com/0", "Zero")})
	store := newTestStore(t)
	l := newHorizonLibrary(t, dir, store)
	mustScan(t, l)
	results := watching(t, l)

	files := make(map[string]string)
	for i := range 500 {
		folder := []string{"articles/voa", "articles/new"}[i%2]
		files[fmt.Sprintf("%s/%d.md", folder, i+1)] = recentDoc(fmt.Sprintf("https://example.com/%d", i+1), fmt.Sprint("H", i+1))
	}
	writeTree(t, dir, files)
	res := nextScan(t, results, 2*time.Second, "500 files written")
	if res.Added != 500 || res.Files != 501 {
		t.Errorf("got %+v, want one scan adding all 500", res)
	}
	select {
	case res := <-results:
		t.Errorf("a second scan: %+v", res)
	default:
	}
}

// TestWatcherRefusedOnce: a file that is not a seed document is reported
// by the scan that finds it, and not when it changes again.
func TestWatcherRefusedOnce(t *testing.T) {
	dir := t.TempDir()
	l := newHorizonLibrary(t, dir, newTestStore(t))
	mustScan(t, l)
	results := watching(t, l)

	writeTree(t, dir, map[string]string{"README.md": "# The archive\n"})
	if res := nextScan(t, results, 2*time.Second, "a README written"); len(res.Refused) != 1 || res.RefusedTotal() != 1 {
		t.Errorf("README written: got %+v, want it reported", res)
	}
	writeTree(t, dir, map[string]string{"README.md": "# The archive, edited\n"})
	if res := nextScan(t, results, 2*time.Second, "the README edited"); res.Read != 1 || len(res.Refused) != 0 || res.RefusedTotal() != 1 {
		t.Errorf("README edited: got %+v, want it read, counted and not reported", res)
	}
}

func TestWatchMissingFolder(t *testing.T) {
	l := NewLibrary(filepath.Join(t.TempDir(), "missing"), newTestStore(t))
	if _, err := l.Watch(); err == nil {
		t.Error("got no error for a missing folder")
	}
}
