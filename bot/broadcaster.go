package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/newsbot/newsbot/state"
)

// A Report is where a broadcast's report message goes: an admin's private
// chat, in the admin's language (LangZH or LangEN). The zero Report sends
// none.
type Report struct {
	Chat int64
	Lang string
}

// A Broadcaster runs broadcasts: it plans them in the store's ledger and
// delivers them in the background.
type Broadcaster struct {
	store *state.Store
	out   *outbox
	opt   Options
}

func newBroadcaster(store *state.Store, out *outbox, opt Options) *Broadcaster {
	return &Broadcaster{store: store, out: out, opt: opt}
}

// Run runs broadcasts until ctx ends.
func (bc *Broadcaster) Run(ctx context.Context) error {
	<-ctx.Done()
	return nil
}

// Start plans a broadcast. It returns the plan and true when one started;
// the running broadcast and false when one is unfinished; a plan with
// Finished set and false when there was nothing to send. Errors are the
// store's.
func (bc *Broadcaster) Start(ctx context.Context, r Report) (state.Broadcast, bool, error) {
	p, err := bc.store.PlanBroadcast(time.Now(), state.PlanOptions{MaxAge: bc.opt.MaxAge, MaxPerBroadcast: bc.opt.MaxPerBroadcast})
	switch {
	case errors.Is(err, state.ErrBroadcastRunning):
		return p, false, nil
	case err != nil:
		return p, false, fmt.Errorf("bot: start broadcast: %w", err)
	}
	if !p.Finished.IsZero() {
		return p, false, nil
	}
	if r.Chat != 0 {
		bc.out.reply(ctx, r.Chat, catalogFor(r.Lang).report(p, time.Now()))
	}
	return p, true, nil
}

// Announce queues an announcement and starts a broadcast for it, as Start
// does; while a broadcast runs, it waits for the next one.
func (bc *Broadcaster) Announce(ctx context.Context, text string, r Report) (state.Broadcast, bool, error) {
	if _, err := bc.store.QueueAnnouncement(text, time.Now()); err != nil {
		return state.Broadcast{}, false, fmt.Errorf("bot: announce: %w", err)
	}
	return bc.Start(ctx, r)
}
