package state

import (
	"math"
	"runtime"
	"testing"

	"go.etcd.io/bbolt"
)

// BenchmarkUpsertArticles adds 10,000 new articles per iteration in one call,
// as an ingest of a large seeds folder does.
func BenchmarkUpsertArticles(b *testing.B) {
	s := newBenchStore(b)
	const n = 10_000
	batch := 0
	for b.Loop() {
		if _, err := s.UpsertArticles(manyArticles(n, batch*n, t0)); err != nil {
			b.Fatal(err)
		}
		batch++
	}
	b.ReportMetric(float64(batch*n)/b.Elapsed().Seconds(), "articles/s")
}

// BenchmarkUpsertUnchanged re-upserts 10,000 stored articles unchanged, as
// every periodic re-scan of the seeds folder does: reads only.
func BenchmarkUpsertUnchanged(b *testing.B) {
	s := newBenchStore(b)
	const n = 10_000
	in := manyArticles(n, 0, t0)
	if _, err := s.UpsertArticles(in); err != nil {
		b.Fatal(err)
	}
	before := lastTxID(b, s)
	rounds := 0
	for b.Loop() {
		if _, err := s.UpsertArticles(in); err != nil {
			b.Fatal(err)
		}
		rounds++
	}
	if after := lastTxID(b, s); after != before {
		b.Errorf("got %d write transactions, want none", after-before)
	}
	b.ReportMetric(float64(rounds*n)/b.Elapsed().Seconds(), "articles/s")
}

// BenchmarkActiveSubscribers iterates 1,000,000 active subscribers page by
// page and reports the peak Go heap seen between pages.
func BenchmarkActiveSubscribers(b *testing.B) {
	if testing.Short() {
		b.Skip("builds a 1,000,000 subscriber fixture")
	}
	const n = 1_000_000
	s := newBenchStore(b)
	fillSubscribers(b, s, n)
	runtime.GC()
	var peak uint64
	var ms runtime.MemStats
	for b.Loop() {
		count := 0
		after := int64(math.MinInt64)
		for {
			page, err := s.ActiveSubscribers(after, 1000)
			if err != nil {
				b.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			count += len(page)
			after = page[len(page)-1].Chat
			if count%50_000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		if count != n {
			b.Fatalf("got %d subscribers, want %d", count, n)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "heap-MB")
	b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "subscribers/s")
	if peak > 50<<20 {
		b.Errorf("got a peak heap of %d MB, want under 50 MB", peak>>20)
	}
}

// fillSubscribers adds n active subscribers, chats 1 to n, in large write
// transactions: much faster than n calls to Subscribe. Their watermark is
// the newest article, as Subscribe would set it.
func fillSubscribers(b testing.TB, s *Store, n int) {
	b.Helper()
	const batch = 100_000
	for from := 1; from <= n; from += batch {
		err := s.db.Update(func(tx *bbolt.Tx) error {
			t, err := loadTally(tx)
			if err != nil {
				return err
			}
			bk := tx.Bucket(bucketSubscribers)
			bk.FillPercent = 1
			wm := tx.Bucket(bucketArticles).Sequence()
			for c := from; c < from+batch && c <= n; c++ {
				sub := Subscriber{Chat: int64(c), Language: "zh-hans", Status: Active, Subscribed: t0, StatusChanged: t0, Watermark: wm}
				if err := bk.Put(chatKey(sub.Chat), encodeSubscriber(sub)); err != nil {
					return err
				}
				t.subs[Active]++
			}
			return t.save(tx)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}
