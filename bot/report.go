package bot

import (
	"context"
	"log/slog"
	"time"

	"github.com/newsbot/newsbot/state"
)

// A reportMsg is a broadcast's report message in an admin's chat: sent
// when the broadcast starts, edited with its progress every ReportEvery,
// and with its summary at the end.
type reportMsg struct {
	ReportTo
	ID   int    // 0 until it is sent
	text string // what it shows now, so that an edit changes something
}

// report sends r the report message of the broadcast b, which its
// progress edits and its summary then replace.
func (bc *Broadcaster) report(ctx context.Context, r ReportTo, b state.Broadcast) {
	rm := &reportMsg{ReportTo: r}
	bc.mu.Lock()
	bc.reports[b.ID] = append(bc.reports[b.ID], rm)
	bc.mu.Unlock()
	text := catalogFor(r.Lang).report(b, time.Now())
	msg, err := bc.out.reply(ctx, r.Chat, text)
	bc.mu.Lock()
	rm.ID, rm.text = msg.MessageID, text
	sum, done := bc.summaries[b.ID]
	bc.mu.Unlock()
	if err == nil && done {
		bc.edit(ctx, rm, sum)
	}
}

// reportResumed tells every admin that the broadcast b, planned before a
// restart, goes on, in a report message of its own: who asked for it is not
// kept across the restart. Other broadcasts have their reports already.
func (bc *Broadcaster) reportResumed(ctx context.Context, b state.Broadcast) {
	bc.mu.Lock()
	resumed := b.ID == bc.resumed
	bc.resumed = 0
	bc.mu.Unlock()
	if !resumed {
		return
	}
	for _, admin := range bc.opt.AdminIDs {
		lang := langZH
		if sub, err := bc.store.Subscriber(admin); err == nil {
			lang = subscriberLang(sub)
		}
		bc.report(ctx, ReportTo{Chat: admin, Lang: lang}, b)
	}
}

// reportEvery edits the broadcast's report message with its progress
// every ReportEvery, and logs each quarter of the sends done, until the
// returned function is called.
func (bc *Broadcaster) reportEvery(ctx context.Context, id uint64) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(bc.opt.ReportEvery)
		defer tick.Stop()
		logged := 0 // the quarters logged
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			p, err := bc.store.CurrentBroadcast()
			if err != nil || p.ID != id {
				continue
			}
			if q := quarterDone(p); q > logged {
				logged = q
				bc.log.Info("bot: broadcast progress", slog.Uint64("broadcast", id), slog.Int("percent", 25*q),
					slog.Int("sent", p.Sent), slog.Int("failed", p.Failed), slog.Int("unknown", p.Unknown),
					slog.Int("pending", p.Pending))
			}
			bc.mu.Lock()
			rms := bc.reports[id]
			bc.mu.Unlock()
			for _, rm := range rms {
				bc.edit(ctx, rm, p)
			}
		}
	}()
	return func() { cancel(); <-done }
}

// quarterDone is how many quarters of b's sends are done: 0 to 4.
func quarterDone(b state.Broadcast) int {
	done := b.Sent + b.Failed + b.Unknown
	total := done + b.Pending + b.Sending
	if total == 0 {
		return 0
	}
	return 4 * done / total
}

// edit shows b's progress or summary in the report message, unless it
// shows that already.
func (bc *Broadcaster) edit(ctx context.Context, rm *reportMsg, b state.Broadcast) {
	bc.mu.Lock()
	r, id, shown := rm.ReportTo, rm.ID, rm.text
	bc.mu.Unlock()
	text := catalogFor(r.Lang).report(b, time.Now())
	if id == 0 || text == shown {
		return
	}
	if _, err := bc.out.edit(ctx, r.Chat, id, text); err != nil {
		bc.log.Debug("bot: report edit failed", slog.Uint64("broadcast", b.ID), slog.Any("err", err))
		return
	}
	bc.mu.Lock()
	rm.text = text
	bc.mu.Unlock()
}
