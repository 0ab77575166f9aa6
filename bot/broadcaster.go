package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/state"
)

// A Report is where a broadcast's report message goes: an admin's private
// chat, in the admin's language (LangZH or LangEN). The zero Report sends
// none.
type Report struct {
	Chat int64
	Lang string
}

// A Broadcaster delivers broadcasts planned in the store's ledger
// (PRODUCT.md, "Delivery"): at RATE_LIMIT messages a second at most, at
// least ChatSpacing apart into one chat and within a group's 20 a minute,
// with at most Senders sends in flight; a 429 pauses every send, the bot's
// answers included; a send that was not delivered is retried, then left
// pending; one whose outcome is unknown is never sent again; blocked and
// vanished chats are deactivated and migrated groups moved. One broadcast
// runs at a time.
//
// A Broadcaster is safe for concurrent use. Start, Announce, Progress and
// Wait may be called from anywhere (a control socket); Run, or RunOnce,
// does the sending.
type Broadcaster struct {
	store *state.Store
	out   *outbox
	opt   Options
	log   *slog.Logger
	wake  chan struct{}

	mu        sync.Mutex
	reports   map[uint64][]*reportMsg // by broadcast ID
	resumed   uint64                  // the broadcast a previous process left unfinished, until reported
	next      Report                  // for the broadcast of queued announcements
	summaries map[uint64]state.Broadcast
	changed   chan struct{} // closed and replaced when a broadcast finishes
}

// reportMsg is a broadcast's report message; ID 0 until it is sent.
type reportMsg struct {
	Report
	ID int
}

// NewBroadcaster returns a Broadcaster that sends through c and keeps its
// ledger in store, for use without a Bot (the shell's "bot broadcast" when
// the service is not running). A Bot has one of its own: Bot.Broadcaster.
func NewBroadcaster(c *telegram.Client, store *state.Store, opt Options) *Broadcaster {
	opt = opt.withDefaults()
	return newBroadcaster(store, newOutbox(c, opt), opt)
}

func newBroadcaster(store *state.Store, out *outbox, opt Options) *Broadcaster {
	// What is unfinished now was planned by a previous process: nothing
	// can plan through this Broadcaster yet.
	var resumed uint64
	if cur, err := store.CurrentBroadcast(); err == nil {
		resumed = cur.ID
	}
	return &Broadcaster{
		resumed:   resumed,
		store:     store,
		out:       out,
		opt:       opt,
		log:       opt.Logger,
		wake:      make(chan struct{}, 1),
		reports:   make(map[uint64][]*reportMsg),
		summaries: make(map[uint64]state.Broadcast),
		changed:   make(chan struct{}),
	}
}

// Run delivers broadcasts until ctx ends: first the unfinished one a
// previous run left, with its frozen selection; then every one that Start
// or Announce plans, and one more for announcements queued while a
// broadcast ran. When ctx ends, sends already started get Options.Grace to
// finish and be recorded; the broadcast stays unfinished, for the next Run.
//
// It returns nil after ctx ended, an *telegram.Error matching telegram.ErrUnauthorized when
// Telegram refuses the token, and the store's error when the ledger can't
// be read or written.
func (bc *Broadcaster) Run(ctx context.Context) error {
	for {
		cur, err := bc.store.CurrentBroadcast()
		switch {
		case err == nil:
			if _, err := bc.deliver(ctx, cur); err != nil {
				return err
			}
			if ctx.Err() != nil {
				return nil
			}
			continue
		case !errors.Is(err, state.ErrNotFound):
			return fmt.Errorf("bot: broadcaster: %w", err)
		}
		st, err := bc.store.Stats()
		if err != nil {
			return fmt.Errorf("bot: broadcaster: %w", err)
		}
		if st.Announcements > 0 {
			bc.mu.Lock()
			r := bc.next
			bc.next = Report{}
			bc.mu.Unlock()
			p, started, err := bc.start(ctx, r, true)
			if err != nil {
				return err
			}
			if started || !p.Finished.IsZero() {
				continue
			}
			// Another plan is being written: its broadcast runs first,
			// and the announcements wait for it.
			bc.mu.Lock()
			if bc.next == (Report{}) {
				bc.next = r
			}
			bc.mu.Unlock()
			if !sleep(ctx, 100*time.Millisecond) {
				return nil
			}
			continue
		}
		select {
		case <-ctx.Done():
			return nil
		case <-bc.wake:
		}
	}
}

// RunOnce delivers the unfinished broadcast, or plans one and delivers it,
// in the caller's goroutine, and returns its summary; a plan with nothing
// to send is returned finished at once. It is for a process without Run
// (the shell's "bot broadcast" when the service is not running). When ctx
// ends first it returns the progress and ctx's error; the broadcast stays
// unfinished. Other errors are Run's.
func (bc *Broadcaster) RunOnce(ctx context.Context) (state.Broadcast, error) {
	cur, err := bc.store.CurrentBroadcast()
	if errors.Is(err, state.ErrNotFound) {
		var started bool
		if cur, started, err = bc.Start(ctx, Report{}); err != nil || !started {
			return cur, err
		}
	} else if err != nil {
		return cur, fmt.Errorf("bot: broadcast: %w", err)
	}
	b, err := bc.deliver(ctx, cur)
	if err == nil && b.Finished.IsZero() {
		err = ctx.Err()
	}
	return b, err
}

// Start plans a broadcast of every due article and queued announcement
// (state.Store.PlanBroadcast) for Run to deliver, and sends r its report
// message. It returns the plan and true when one started; the unfinished
// broadcast and false when one is running already (one at a time); a plan
// with Finished set and false when there was nothing to send. It returns
// the store's error when planning fails.
func (bc *Broadcaster) Start(ctx context.Context, r Report) (state.Broadcast, bool, error) {
	return bc.start(ctx, r, false)
}

// start is Start; with announcementsOnly the plan holds the queued
// announcements (and the entries left pending) but no articles.
func (bc *Broadcaster) start(ctx context.Context, r Report, announcementsOnly bool) (state.Broadcast, bool, error) {
	p, err := bc.store.PlanBroadcast(time.Now(), state.PlanOptions{
		MaxAge:            bc.opt.MaxAge,
		MaxPerBroadcast:   bc.opt.MaxPerBroadcast,
		AnnouncementsOnly: announcementsOnly,
	})
	switch {
	case errors.Is(err, state.ErrBroadcastRunning):
		return p, false, nil
	case err != nil:
		return p, false, fmt.Errorf("bot: start broadcast: %w", err)
	}
	if !p.Finished.IsZero() {
		bc.finished(p)
		return p, false, nil
	}
	bc.log.Info("bot: broadcast planned", slog.Uint64("broadcast", p.ID), slog.Int("chats", p.Chats),
		slog.Int("messages", p.Pending))
	select {
	case bc.wake <- struct{}{}:
	default:
	}
	if r.Chat != 0 {
		bc.report(ctx, r, p)
	}
	return p, true, nil
}

// report sends r the report message of the broadcast b, which its
// progress edits and its summary then replace.
func (bc *Broadcaster) report(ctx context.Context, r Report, b state.Broadcast) {
	rm := &reportMsg{Report: r}
	bc.mu.Lock()
	bc.reports[b.ID] = append(bc.reports[b.ID], rm)
	bc.mu.Unlock()
	msg, err := bc.out.reply(ctx, r.Chat, catalogFor(r.Lang).report(b, time.Now()))
	bc.mu.Lock()
	rm.ID = msg.MessageID
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
		lang := LangZH
		if sub, err := bc.store.Subscriber(admin); err == nil {
			lang = Lang(sub.Language)
		}
		bc.report(ctx, Report{Chat: admin, Lang: lang}, b)
	}
}

// Announce queues an announcement for every active subscriber and starts a
// broadcast for it as Start does. While a broadcast runs, the announcement
// waits for it to end and goes out in the next one, whose report goes to r;
// Announce then returns the running broadcast and false. Errors are the
// store's.
func (bc *Broadcaster) Announce(ctx context.Context, text string, r Report) (state.Broadcast, bool, error) {
	if _, err := bc.store.QueueAnnouncement(text, time.Now()); err != nil {
		return state.Broadcast{}, false, fmt.Errorf("bot: announce: %w", err)
	}
	p, started, err := bc.start(ctx, r, true)
	if err == nil && !started && p.Finished.IsZero() {
		bc.mu.Lock()
		bc.next = r
		bc.mu.Unlock()
	}
	return p, started, err
}

// Progress returns the unfinished broadcast with its counts, else the last
// one finished. It returns an error matching state.ErrNotFound when there
// never was one, and the store's error.
func (bc *Broadcaster) Progress() (state.Broadcast, error) {
	cur, err := bc.store.CurrentBroadcast()
	if !errors.Is(err, state.ErrNotFound) {
		return cur, err
	}
	st, err := bc.store.Stats()
	if err != nil {
		return cur, err
	}
	if st.LastBroadcast == nil {
		return cur, fmt.Errorf("bot: no broadcast yet: %w", state.ErrNotFound)
	}
	return *st.LastBroadcast, nil
}

// Wait blocks until the broadcast id, started by this Broadcaster's
// process, has finished, and returns its summary. It returns ctx's error
// when ctx ends first.
func (bc *Broadcaster) Wait(ctx context.Context, id uint64) (state.Broadcast, error) {
	for {
		bc.mu.Lock()
		sum, ok := bc.summaries[id]
		ch := bc.changed
		bc.mu.Unlock()
		if ok {
			return sum, nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return state.Broadcast{}, ctx.Err()
		}
	}
}

// deliver sends the broadcast b and finishes it, unless ctx ends first.
// It returns the summary, or the progress when ctx ended.
func (bc *Broadcaster) deliver(ctx context.Context, b state.Broadcast) (state.Broadcast, error) {
	log := bc.log.With(slog.Uint64("broadcast", b.ID))
	log.Info("bot: broadcast running", slog.Int("chats", b.Chats), slog.Int("pending", b.Pending),
		slog.Int("sent", b.Sent), slog.Time("started", b.Started))
	bc.reportResumed(ctx, b)
	bc.out.photos.forget()
	d := &delivery{
		bc:       bc,
		id:       b.ID,
		rec:      newRecorder(bc.store),
		finished: make(chan struct{}, 1),
		moved:    make(map[int64]int64),
		articles: make(map[uint64]content.Article),
		texts:    make(map[uint64]string),
	}
	stopReports := bc.reportEvery(ctx, b.ID)
	err := d.run(ctx)
	stopReports()
	if err != nil {
		log.Error("bot: broadcast stopped", slog.Any("err", err))
		return b, err
	}
	if ctx.Err() != nil {
		p, err := bc.store.CurrentBroadcast()
		if err != nil {
			return b, nil
		}
		log.Info("bot: broadcast interrupted; the next run resumes it", slog.Int("pending", p.Pending),
			slog.Int("sent", p.Sent))
		return p, nil
	}
	sum, err := bc.store.FinishBroadcast(b.ID, time.Now())
	if err != nil {
		return b, fmt.Errorf("bot: finish broadcast %d: %w", b.ID, err)
	}
	log.Info("bot: broadcast done", slog.Int("sent", sum.Sent), slog.Int("failed", sum.Failed),
		slog.Int("deactivated", sum.Deactivated), slog.Int("pending", sum.Pending),
		slog.Int("unknown", sum.Unknown), slog.Duration("took", sum.Finished.Sub(sum.Started)))
	bc.finished(sum)
	bc.mu.Lock()
	rms := bc.reports[b.ID]
	delete(bc.reports, b.ID)
	bc.mu.Unlock()
	for _, rm := range rms {
		bc.edit(ctx, rm, sum)
	}
	return sum, nil
}

// finished keeps a summary for Wait.
func (bc *Broadcaster) finished(sum state.Broadcast) {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	bc.summaries[sum.ID] = sum
	close(bc.changed)
	bc.changed = make(chan struct{})
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

// edit shows b's progress or summary in the report message.
func (bc *Broadcaster) edit(ctx context.Context, rm *reportMsg, b state.Broadcast) {
	bc.mu.Lock()
	r, id := rm.Report, rm.ID
	bc.mu.Unlock()
	if id == 0 {
		return
	}
	if err := bc.out.pace.pause.wait(ctx); err != nil {
		return
	}
	_, err := bc.out.client.Send(ctx, tgbotapi.NewEditMessageText(r.Chat, id, catalogFor(r.Lang).report(b, time.Now())))
	var e *telegram.Error
	if errors.As(err, &e) {
		if e.Class == telegram.ClassRetryAfter {
			bc.out.pace.pause.pauseFor(e.RetryAfter)
		}
		bc.log.Debug("bot: report edit failed", slog.Uint64("broadcast", b.ID), slog.Any("err", err))
	}
}
