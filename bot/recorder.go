package bot

import (
	"github.com/newsbot/newsbot/state"
)

// maxBatch bounds the changes of one Record transaction.
const maxBatch = 512

// A recorder gathers the ledger changes of concurrent senders into batched
// Record calls: one durable transaction carries every change that arrived
// while the previous one was being written, so many senders cost one fsync.
// record returns once its change is durable.
type recorder struct {
	store  *state.Store
	events Events
	reqs   chan recordReq
	done   chan struct{}
}

type recordReq struct {
	change state.Change
	res    chan error
}

func newRecorder(store *state.Store, events Events) *recorder {
	r := &recorder{store: store, events: events, reqs: make(chan recordReq), done: make(chan struct{})}
	go r.loop()
	return r
}

// record applies c durably. It returns nil, an error wrapping
// state.ErrConflict or state.ErrNotFound when the change was not allowed
// (the chat unsubscribed, or moved), or the transaction's error. Call it
// only before close.
func (r *recorder) record(c state.Change) error {
	res := make(chan error, 1)
	r.reqs <- recordReq{change: c, res: res}
	return <-res
}

// close stops the recorder once the changes sent to it are recorded.
func (r *recorder) close() {
	close(r.reqs)
	<-r.done
}

func (r *recorder) loop() {
	defer close(r.done)
	batch := make([]recordReq, 0, maxBatch)
	changes := make([]state.Change, 0, maxBatch)
	for req := range r.reqs {
		batch = append(batch[:0], req)
	gather:
		for len(batch) < maxBatch {
			select {
			case more, ok := <-r.reqs:
				if !ok {
					break gather
				}
				batch = append(batch, more)
			default:
				break gather
			}
		}
		changes = changes[:0]
		for _, q := range batch {
			changes = append(changes, q.change)
		}
		refused, err := r.store.Record(changes)
		for i, q := range batch {
			switch {
			case err != nil:
				q.res <- err
			case refused != nil:
				q.res <- refused[i]
			default:
				q.res <- nil
			}
			if err == nil && (refused == nil || refused[i] == nil) && q.change.State != state.Sending {
				r.events.Delivered(q.change.State)
			}
		}
	}
}
