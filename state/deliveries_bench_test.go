package state

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"go.etcd.io/bbolt"
)

// BenchmarkRecord measures durable records per second through Record with
// the batches a 1,000 msgs/s sender produces: each send is recorded twice
// (Sending at its start, its outcome at its end), so the broadcaster's
// recorder gathers 2,000 records a second and commits whatever arrived
// while the previous commit ran. A 10 ms window makes batches of 20, a
// 50 ms window batches of 100. Each batch starts the next sends and ends
// the previous ones, in round order as the broadcaster goes.
func BenchmarkRecord(b *testing.B) {
	for _, batch := range []int{20, 100} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			s := newBenchStore(b)
			fillSubscribers(b, s, 20_000)
			var pending []Entry
			inFlight := make([]Change, 0, batch/2)
			changes := make([]Change, 0, batch)
			records, commits := 0, 0
			var ingested int
			for b.Loop() {
				changes = changes[:0]
				if len(pending) < batch/2 {
					// End the last sends, then plan the next broadcast.
					for _, c := range inFlight {
						c.State, c.MessageID = Sent, 1
						changes = append(changes, c)
					}
					inFlight = inFlight[:0]
					if rejected, err := s.Record(changes); err != nil || rejected != nil {
						b.Fatal(rejected, err)
					}
					records += len(changes)
					commits++
					b.StopTimer()
					pending = replan(b, s, &ingested)
					b.StartTimer()
					continue
				}
				for _, c := range inFlight {
					c.State, c.MessageID = Sent, 1
					changes = append(changes, c)
				}
				inFlight = inFlight[:0]
				for _, e := range pending[:batch/2] {
					c := Change{Chat: e.Chat, Item: e.Item, State: Sending}
					changes = append(changes, c)
					inFlight = append(inFlight, c)
				}
				pending = pending[batch/2:]
				rejected, err := s.Record(changes)
				if err != nil || rejected != nil {
					b.Fatal(rejected, err)
				}
				records += len(changes)
				commits++
			}
			b.ReportMetric(float64(records)/b.Elapsed().Seconds(), "records/s")
			b.ReportMetric(float64(records)/float64(commits), "records/commit")
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(commits), "ms/commit")
		})
	}
}

// replan finishes the running broadcast, ingests three articles and plans
// the next one, returning its pending entries.
func replan(b testing.TB, s *Store, ingested *int) []Entry {
	if cur, err := s.CurrentBroadcast(); err == nil {
		if _, err := s.FinishBroadcast(cur.ID, t0); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := s.UpsertArticles(manyArticles(3, *ingested, t0)); err != nil {
		b.Fatal(err)
	}
	*ingested += 3
	if _, err := s.PlanBroadcast(t0, opt3); err != nil {
		b.Fatal(err)
	}
	var all []Entry
	var after *Entry
	for {
		page, err := s.PendingEntries(after, 10_000)
		if err != nil {
			b.Fatal(err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = &page[len(page)-1]
	}
}

// BenchmarkPlan plans a broadcast of 3 new articles for 100,000
// subscribers with 1,000 and with 100,000 articles stored before them: the
// plan reads only the articles after the watermarks, so the two should
// cost about the same. With chose=half, every other subscriber chose two
// outlets, one of which has one of the 3 articles. Each iteration plans on
// a fresh copy of the fixture. It also reports the peak Go heap during the
// plan.
func BenchmarkPlan(b *testing.B) {
	if testing.Short() {
		b.Skip("builds fixtures of 100,000 subscribers")
	}
	const subscribers = 100_000
	for _, tc := range []struct {
		stored int
		chose  bool
	}{{1_000, false}, {100_000, false}, {1_000, true}} {
		stored := tc.stored
		name := fmt.Sprintf("stored=%d", stored)
		wantPending := 3 * subscribers
		if tc.chose {
			name += "/chose=half"
			wantPending = 3*subscribers/2 + subscribers/2
		}
		b.Run(name, func(b *testing.B) {
			dir := b.TempDir()
			fixture := filepath.Join(dir, "fixture.db")
			s, err := Open(fixture)
			if err != nil {
				b.Fatal(err)
			}
			for i := 0; i < stored; i += 10_000 {
				if _, err := s.UpsertArticles(manyArticles(min(10_000, stored-i), i, t0)); err != nil {
					b.Fatal(err)
				}
			}
			fillSubscribers(b, s, subscribers)
			if tc.chose {
				// The 3 new articles' outlets are the stored-th and the
				// two after it of benchOutlets.
				outlets := []string{benchOutlets[stored%len(benchOutlets)], "none"}
				for c := int64(2); c <= subscribers; c += 2 {
					if _, err := s.ChooseOutlets(c, t0, func([]string) ([]string, error) { return outlets, nil }); err != nil {
						b.Fatal(err)
					}
				}
			}
			if _, err := s.UpsertArticles(manyArticles(3, stored, t0.Add(200*time.Hour))); err != nil {
				b.Fatal(err)
			}
			if err := s.Close(); err != nil {
				b.Fatal(err)
			}
			now := t0.Add(201 * time.Hour) // the stored articles are beyond MAX_AGE too
			b.ReportAllocs()
			var peak uint64
			for b.Loop() {
				b.StopTimer()
				path := filepath.Join(dir, "copy.db")
				copyFile(b, fixture, path)
				s, err = Open(path)
				if err != nil {
					b.Fatal(err)
				}
				runtime.GC()
				b.StartTimer()
				var bc Broadcast
				peak = max(peak, peakHeap(func() { bc, err = s.PlanBroadcast(now, opt3) }))
				b.StopTimer()
				if err != nil || bc.Pending != wantPending {
					b.Fatalf("got %+v %v, want %d pending", bc, err, wantPending)
				}
				if err := s.Close(); err != nil {
					b.Fatal(err)
				}
				os.Remove(path)
				b.StartTimer()
			}
			b.ReportMetric(float64(subscribers)*float64(b.N)/b.Elapsed().Seconds(), "subscribers/s")
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// peakHeap runs fn and returns the highest Go heap in use seen while it
// ran, sampled every 10 ms.
func peakHeap(fn func()) uint64 {
	done := make(chan struct{})
	result := make(chan uint64)
	go func() {
		var peak uint64
		var ms runtime.MemStats
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-done:
				result <- peak
				return
			case <-tick.C:
			}
		}
	}()
	fn()
	close(done)
	return <-result
}

func copyFile(b testing.TB, from, to string) {
	in, err := os.Open(from)
	if err != nil {
		b.Fatal(err)
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := io.Copy(out, in); err != nil {
		b.Fatal(err)
	}
	if err := out.Close(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkLedgerBytes reports the bytes on disk per recorded delivery:
// 20,000 chats get 3 articles each, recorded as sent in batches of 1,000 records.
// file-B/delivery is the file's growth, used-B/delivery the growth of the
// pages in use; after folding, the pages in use drop back, and recording as
// many deliveries again grows the file by refill-B/delivery (0 when the
// freed pages are reused).
func BenchmarkLedgerBytes(b *testing.B) {
	const chats = 20_000
	s := newBenchStore(b)
	fillSubscribers(b, s, chats)
	var fileBefore, usedBefore, fileAfter, usedAfter, usedFolded, fileRefill int64
	for b.Loop() {
		fileBefore, usedBefore = diskUse(b, s)
		now := t0
		deliver := func() {
			ingest(b, s, now, "x"+now.String(), "y"+now.String(), "z"+now.String())
			mustPlan(b, s, now, opt3)
			for {
				page, err := s.PendingEntries(nil, 500)
				if err != nil {
					b.Fatal(err)
				}
				if len(page) == 0 {
					break
				}
				var changes []Change
				for _, e := range page {
					changes = append(changes, Change{Chat: e.Chat, Item: e.Item, State: Sending, At: now},
						Change{Chat: e.Chat, Item: e.Item, State: Sent, MessageID: 12345, At: now})
				}
				record(b, s, changes)
			}
			finish(b, s, now)
		}
		deliver()
		fileAfter, usedAfter = diskUse(b, s)
		now = now.Add(31 * 24 * time.Hour)
		n, err := s.Fold(context.Background(), now, 720*time.Hour)
		if err != nil || n != 3*chats {
			b.Fatalf("got %d folded, %v; want %d", n, err, 3*chats)
		}
		_, usedFolded = diskUse(b, s)
		deliver()
		fileRefill, _ = diskUse(b, s)
	}
	per := func(n int64) float64 { return float64(n) / (3 * chats) }
	b.ReportMetric(per(fileAfter-fileBefore), "file-B/delivery")
	b.ReportMetric(per(usedAfter-usedBefore), "used-B/delivery")
	b.ReportMetric(per(usedFolded-usedBefore), "used-after-fold-B/delivery")
	b.ReportMetric(per(fileRefill-fileAfter), "refill-B/delivery")
}

// diskUse returns the file's size and the bytes of its pages in use.
func diskUse(b testing.TB, s *Store) (file, used int64) {
	fi, err := os.Stat(s.path)
	if err != nil {
		b.Fatal(err)
	}
	st := s.db.Stats()
	err = s.db.View(func(tx *bbolt.Tx) error {
		used = tx.Size() - int64(st.FreePageN+st.PendingPageN)*int64(s.db.Info().PageSize)
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return fi.Size(), used
}
