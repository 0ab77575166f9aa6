package main

import (
	"context"
	"fmt"
	"time"
)

// broadcastPollEvery is how often a waiting "bot broadcast" reads the
// running broadcast's counts.
const broadcastPollEvery = 200 * time.Millisecond

// A progressLine shows a long task's progress: a *progress, or a test's
// own.
type progressLine interface {
	Update(done, total int, unit, detail string)
	Done()
}

// followBroadcast asks o for a broadcast (see ops.Broadcast) and, until
// it answers, shows the running broadcast's progress on pr, read from
// o.Stats every poll: messages done of planned, with the sent, failed and
// unknown among them. It returns Broadcast's answer.
func followBroadcast(ctx context.Context, o ops, wait bool, pr progressLine, poll time.Duration) (broadcastReport, error) {
	type result struct {
		r   broadcastReport
		err error
	}
	answered := make(chan result, 1)
	go func() {
		r, err := o.Broadcast(ctx, wait)
		answered <- result{r, err}
	}()
	defer pr.Done()
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case res := <-answered:
			return res.r, res.err
		case <-tick.C:
		}
		st, err := o.Stats(ctx)
		if err != nil || st.LastBroadcast == nil || !st.LastBroadcast.Finished.IsZero() {
			continue // not planned yet, or over: the answer is on its way
		}
		b := st.LastBroadcast
		done := b.Sent + b.Failed + b.Unknown
		pr.Update(done, done+b.Pending+b.Sending, "messages",
			fmt.Sprintf("%d sent, %d failed, %d unknown, to %d chats", b.Sent, b.Failed, b.Unknown, b.Chats))
	}
}
