package ingest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// The tree benchmarks scan a synthetic clone of the archive: files seed
// documents in 10 outlet folders, benchRecent of them inside the horizon,
// the others older. INGEST_BENCH_FILES lists the sizes (default 20000; the
// figures of the issue are for 50000 and 200000, whose trees take about
// 0.2 and 0.8 GB of disk and a minute to write):
//
//	INGEST_BENCH_FILES=50000,200000 go test -run '^$' -bench Tree -benchtime 3x -timeout 1h ./ingest
//
// Each size's tree is written once, in the benchmark's temporary folder.
// The metrics: the first scan of the tree into an empty store (s/scan, the
// peak heap while it runs, the heap the Library keeps after it); a rescan
// of the unchanged tree; 500 files added, then a full rescan, and the
// Watcher's scan of their folders, each until their articles are stored.

const (
	benchFolders = 10
	benchRecent  = 2000
)

func BenchmarkTree(b *testing.B) {
	sizes := os.Getenv("INGEST_BENCH_FILES")
	if sizes == "" {
		sizes = "20000"
	}
	for _, s := range strings.Split(sizes, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < benchRecent {
			b.Fatalf("INGEST_BENCH_FILES=%q: want sizes of at least %d files, comma-separated", sizes, benchRecent)
		}
		b.Run(fmt.Sprintf("files=%d", n), func(b *testing.B) { benchTree(b, n) })
	}
}

func benchTree(b *testing.B, files int) {
	dir := b.TempDir()
	writeBenchTree(b, dir, 0, files, benchRecent)

	b.Run("first", func(b *testing.B) {
		var peak, kept uint64
		for b.Loop() {
			b.StopTimer()
			l := newHorizonLibrary(b, dir, newTestStore(b))
			runtime.GC()
			base := heapBytes()
			stop := samplePeakHeap(&peak)
			b.StartTimer()
			res, err := l.Scan(context.Background())
			b.StopTimer()
			stop()
			if err != nil || res.Added != benchRecent || res.Files != files {
				b.Fatalf("first scan: %+v, %v", res, err)
			}
			peak -= min(peak, base)
			runtime.GC()
			kept = heapBytes() - min(heapBytes(), base)
			runtime.KeepAlive(l)
			b.StartTimer()
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/scan")
		b.ReportMetric(float64(peak)/1e6, "peak-heap-MB")
		b.ReportMetric(float64(kept)/1e6, "kept-heap-MB")
	})

	l := newHorizonLibrary(b, dir, newTestStore(b))
	if _, err := l.Scan(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.Run("rescan", func(b *testing.B) {
		for b.Loop() {
			res, err := l.Scan(context.Background())
			if err != nil || res.Read != 0 || res.Seen != files {
				b.Fatalf("rescan: %+v, %v", res, err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/scan")
		b.ReportMetric(float64(files*b.N)/b.Elapsed().Seconds(), "files/s")
	})

	next := files // the next file's number
	b.Run("add500-rescan", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			writeBenchTree(b, dir, next, 500, 500)
			next += 500
			b.StartTimer()
			res, err := l.Scan(context.Background())
			if err != nil || res.Added != 500 {
				b.Fatalf("rescan after 500 added: %+v, %v", res, err)
			}
		}
		b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/scan")
	})

	b.Run("add500-watch", func(b *testing.B) {
		w, err := l.Watch()
		if err != nil {
			b.Fatal(err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		results := make(chan ScanResult, 16)
		var wg sync.WaitGroup
		wg.Go(func() {
			w.Run(ctx, func(res ScanResult, err error) {
				if err != nil {
					b.Error(err)
				}
				results <- res
			})
		})
		defer func() { cancel(); wg.Wait() }()
		var wait, scan time.Duration
		for b.Loop() {
			writeBenchTree(b, dir, next, 500, 500)
			next += 500
			written := time.Now()
			added := 0
			for added < 500 {
				select {
				case res := <-results:
					added += res.Added
					scan += res.Took
				case <-time.After(time.Minute):
					b.Fatalf("the watcher stored %d of 500 files in a minute", added)
				}
			}
			wait += time.Since(written)
		}
		// From the last file written to the articles stored: the settling
		// of events, then the scan of the folders where they came.
		b.ReportMetric(wait.Seconds()/float64(b.N), "s-to-stored")
		b.ReportMetric(scan.Seconds()/float64(b.N), "s/scan")
	})
}

// writeBenchTree writes n seed files numbered from first into dir's outlet
// folders, the first recent of them inside the horizon of
// newHorizonLibrary, the others a year older.
func writeBenchTree(b *testing.B, dir string, first, n, recent int) {
	b.Helper()
	for i := range benchFolders {
		if err := os.MkdirAll(filepath.Join(dir, "articles", fmt.Sprintf("outlet%d", i)), 0o755); err != nil {
			b.Fatal(err)
		}
	}
	body := strings.Repeat("<p>一段新闻正文，说明发生了什么、在哪里、为什么重要。The text of the article goes on.</p>", 12)
	for i := first; i < first+n; i++ {
		feed := now.Add(-time.Duration(i%1000) * time.Minute)
		if i-first >= recent {
			feed = feed.Add(-365 * 24 * time.Hour)
		}
		doc := fmt.Sprintf("<!--%d-->\n[第 %d 条新闻的标题](https://news.example.com/a/%d.html)\n------\n\n<div><i>%s</i></div><img src=\"https://images.example.com/%d_w900.jpg\"><div><small>图片说明</small></div>%s\n",
			feed.UnixMilli(), i, i, feed.Format(time.RFC1123), i, body)
		name := filepath.Join(dir, "articles", fmt.Sprintf("outlet%d", i%benchFolders), fmt.Sprintf("%07d_第%d条新闻的标题.md", i, i))
		if err := os.WriteFile(name, []byte(doc), 0o644); err != nil {
			b.Fatal(err)
		}
	}
}

// heapBytes is the memory in heap objects, live or not yet swept, read
// without stopping the world.
func heapBytes() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// samplePeakHeap records the largest heapBytes into peak every
// millisecond until the returned function is called.
func samplePeakHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	*peak = 0
	wg.Go(func() {
		t := time.NewTicker(time.Millisecond)
		defer t.Stop()
		for {
			*peak = max(*peak, heapBytes())
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	})
	return func() { close(done); wg.Wait() }
}
