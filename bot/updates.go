package bot

import (
	"slices"
	"sync"
)

// An updateBook keeps the Bot's account of Telegram updates across runs.
// An update counts as handled once its handling has begun: confirming it
// then (as the next poll does) means that a crash mid-answer does not
// answer it twice. Telegram confirms updates only below an offset: when a
// run ends with an update still waiting behind a slow chat, that update and
// every later one are delivered again to the next run. The book remembers
// which of the later ones were handled, so that the next run skips them: an
// update is answered once, and none is lost.
type updateBook struct {
	mu      sync.Mutex
	skip    map[int]bool // handled by an earlier run
	waiting map[int]bool // queued behind a chat's earlier work, not begun
	done    []int        // begun while an older update was waiting, in order
}

func newUpdateBook(handledBefore []int) *updateBook {
	b := &updateBook{skip: make(map[int]bool, len(handledBefore)), waiting: make(map[int]bool)}
	for _, id := range handledBefore {
		b.skip[id] = true
	}
	return b
}

// queue records that update id waits for its chat; it reports false for an
// update an earlier run handled already.
func (b *updateBook) queue(id int) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.skip[id] {
		return false
	}
	b.waiting[id] = true
	return true
}

// begin records that the handling of update id has begun.
func (b *updateBook) begin(id int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	delete(b.waiting, id)
	if len(b.waiting) == 0 {
		b.done = b.done[:0] // everything handled is confirmed by the next poll
		return
	}
	b.done = append(b.done, id)
	if len(b.done) > 4*len(b.waiting)+64 {
		b.done = b.handledAfterWaiting()
	}
}

// handledAfterWaiting is the updates handled after the oldest one still
// waiting: those the next run must skip. b.mu is held.
func (b *updateBook) handledAfterWaiting() []int {
	if len(b.waiting) == 0 {
		return nil
	}
	oldest := -1
	for id := range b.waiting {
		if oldest < 0 || id < oldest {
			oldest = id
		}
	}
	kept := slices.DeleteFunc(slices.Clone(b.done), func(id int) bool { return id < oldest })
	slices.Sort(kept)
	return kept
}

// unconfirmed is what the next run must skip.
func (b *updateBook) unconfirmed() []int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.handledAfterWaiting()
}
