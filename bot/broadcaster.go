package bot

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/state"
)

// A ReportTo is where a broadcast's report message goes: an admin's private
// chat, in the admin's language (langZH or LangEN). The zero ReportTo sends
// none.
type ReportTo struct {
	Chat int64
	Lang string
}

// A Broadcaster delivers broadcasts planned in the store's ledger: at
// RATE_LIMIT messages a second at most, at least ChatSpacing apart into one
// chat and within a group's 20 a minute, with at most Senders sends in
// flight; a 429 pauses every send, the bot's answers included; a send that
// was not delivered is retried, then left pending; one whose outcome is
// unknown is never sent again; blocked and vanished chats are deactivated
// and migrated groups moved. One broadcast runs at a time.
//
// A Broadcaster is safe for concurrent use. Start, Announce, Progress and
// Wait may be called from anywhere (a control socket); Run, or RunOnce,
// plans and does the sending: Start and Announce only queue a request and
// wake Run.
type Broadcaster struct {
	store *state.Store
	out   *outbox
	opt   Options
	log   *slog.Logger
	kind  sendKind      // broadcastSend, or paidSend with Options.PaidBroadcast
	wake  chan struct{} // a request was queued (buffered: one wake-up is enough)

	mu         sync.Mutex
	queue      []*planRequest          // for Run to plan, in order of arrival
	delivering uint64                  // the broadcast Run is delivering; 0 while it plans or waits
	reports    map[uint64][]*reportMsg // by broadcast ID
	resumed    uint64                  // the broadcast a previous process left unfinished, until reported
	summaries  map[uint64]state.Broadcast
	changed    chan struct{} // closed and replaced when a broadcast finishes
}

// A planRequest asks Run for a broadcast: of everything due, or of the
// queued announcements only. Its report goes to to; its answer to reply.
type planRequest struct {
	to                ReportTo
	announcementsOnly bool
	reply             chan planResult // buffered: Run never waits for the asker
}

// answer gives the asker res, unless it had an answer already (a request
// of announcements is answered when it must wait for a running broadcast,
// and planned later).
func (r *planRequest) answer(res planResult) {
	select {
	case r.reply <- res:
	default:
	}
}

type planResult struct {
	b       state.Broadcast
	started bool
	err     error
}

// NewBroadcaster returns a Broadcaster that sends through c and keeps its
// ledger in store, for use without a Bot (the shell's "bot broadcast" when
// the service is not running). A Bot has one of its own: Bot.Broadcaster.
func NewBroadcaster(c *telegram.Client, store *state.Store, opt Options) *Broadcaster {
	opt = opt.withDefaults()
	return newBroadcaster(store, newOutbox(c, store, opt), opt)
}

func newBroadcaster(store *state.Store, out *outbox, opt Options) *Broadcaster {
	// What is unfinished now was planned by a previous process: nothing
	// can plan through this Broadcaster yet.
	var resumed uint64
	if cur, err := store.CurrentBroadcast(); err == nil {
		resumed = cur.ID
	}
	kind := broadcastSend
	if opt.PaidBroadcast {
		kind = paidSend
	}
	return &Broadcaster{
		kind:      kind,
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

// Run plans and delivers broadcasts until ctx ends: first the unfinished
// one a previous run left, with its frozen selection, and the
// announcements a previous run queued; then one for each batch of requests
// that Start and Announce queue. An announcement queued while a broadcast
// runs goes out in the next one. With Options.Telegraph it also runs the
// worker that publishes the articles' pages, for its answers too. When ctx ends, sends already started get
// Options.Grace to finish and be recorded; the broadcast stays unfinished,
// for the next Run.
//
// It returns nil after ctx ended, an *telegram.Error matching
// telegram.ErrUnauthorized when Telegram refuses the token, and the store's
// error when the ledger can't be read or written.
func (bc *Broadcaster) Run(ctx context.Context) error {
	defer bc.runPages(ctx)()
	st, err := bc.store.Stats()
	if err != nil {
		return fmt.Errorf("bot: broadcaster: %w", err)
	}
	if st.Announcements > 0 {
		bc.enqueue(&planRequest{announcementsOnly: true, reply: make(chan planResult, 1)})
	}
	// A broadcast that left sends pending (not delivered: a storm of 5xx)
	// is followed by a pass that retries them, after a back-off that
	// doubles while passes still leave some, up to maxRetryBackoff.
	var (
		retry   <-chan time.Time
		backoff = bc.opt.RetryBackoff
	)
	for {
		cur, err := bc.store.CurrentBroadcast()
		switch {
		case err == nil:
			sum, err := bc.deliver(ctx, cur)
			if err != nil {
				return err
			}
			if ctx.Err() != nil {
				return nil
			}
			if sum.Pending > 0 {
				bc.log.Info("bot: sends left pending; retrying them", slog.Uint64("broadcast", sum.ID),
					slog.Int("pending", sum.Pending), slog.Duration("retry_in", backoff))
				retry = time.After(backoff)
				backoff = min(2*backoff, maxRetryBackoff)
			} else {
				retry, backoff = nil, bc.opt.RetryBackoff
			}
			continue
		case !errors.Is(err, state.ErrNotFound):
			return fmt.Errorf("bot: broadcaster: %w", err)
		}
		if reqs := bc.takeQueue(); len(reqs) > 0 {
			res := bc.plan(ctx, reqs)
			if res.err != nil {
				return res.err
			}
			if res.started {
				continue
			}
		}
		select {
		case <-ctx.Done():
			return nil
		case <-bc.wake:
		case <-retry:
			// The left-overs, without new articles: those wait for a
			// broadcast someone asks for.
			retry = nil
			bc.enqueue(&planRequest{announcementsOnly: true, reply: make(chan planResult, 1)})
		}
	}
}

// maxRetryBackoff bounds the wait before a pass that retries sends left
// pending: minutes, not hours.
const maxRetryBackoff = 30 * time.Minute

// keptSummaries is how many finished broadcasts' summaries Wait can
// return.
const keptSummaries = 64

// RunOnce delivers the unfinished broadcast, or plans one and delivers it,
// in the caller's goroutine, and returns its summary; a plan with nothing
// to send is returned finished at once. It is for a process without Run
// (the shell's "bot broadcast" when the service is not running). When ctx
// ends first it returns the progress and ctx's error; the broadcast stays
// unfinished. Other errors are Run's. Like Run, it publishes the articles'
// Telegraph pages while it runs.
func (bc *Broadcaster) RunOnce(ctx context.Context) (state.Broadcast, error) {
	defer bc.runPages(ctx)()
	cur, err := bc.store.CurrentBroadcast()
	if errors.Is(err, state.ErrNotFound) {
		res := bc.plan(ctx, []*planRequest{{reply: make(chan planResult, 1)}})
		if res.err != nil || !res.started {
			return res.b, res.err
		}
		cur = res.b
	} else if err != nil {
		return cur, fmt.Errorf("bot: broadcast: %w", err)
	}
	b, err := bc.deliver(ctx, cur)
	if err == nil && b.Finished.IsZero() {
		err = ctx.Err()
	}
	return b, err
}

// runPages runs the Telegraph pages' worker until ctx ends or the returned
// function is called, which waits for it to stop.
func (bc *Broadcaster) runPages(ctx context.Context) func() {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		bc.out.pages.run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}

// Start asks Run for a broadcast of every due article and queued
// announcement (state.Store.PlanBroadcast), with its report message sent to
// r (none for the zero ReportTo). It returns the plan and true when one
// started; the unfinished broadcast and false when one is running already
// (one at a time); a plan with Finished set and false when there was
// nothing to send. It returns the store's error when planning fails, and
// ctx's error when ctx ends before Run answers.
func (bc *Broadcaster) Start(ctx context.Context, r ReportTo) (state.Broadcast, bool, error) {
	req := &planRequest{to: r, reply: make(chan planResult, 1)}
	if b, running, err := bc.enqueueUnlessRunning(req); running {
		return b, false, err
	}
	return bc.await(ctx, req)
}

// Announce queues an announcement for every active subscriber and asks Run
// for a broadcast of it, as Start does. While a broadcast runs, the
// announcement waits for it to end and goes out in the next one, whose
// report goes to r; Announce then returns the running broadcast and false.
// Errors are Start's.
func (bc *Broadcaster) Announce(ctx context.Context, text string, r ReportTo) (state.Broadcast, bool, error) {
	if _, err := bc.store.QueueAnnouncement(text, time.Now()); err != nil {
		return state.Broadcast{}, false, fmt.Errorf("bot: announce: %w", err)
	}
	req := &planRequest{to: r, announcementsOnly: true, reply: make(chan planResult, 1)}
	bc.enqueue(req)
	bc.mu.Lock()
	running := bc.delivering != 0
	bc.mu.Unlock()
	if running {
		// The request stays queued for the next broadcast.
		b, err := bc.store.CurrentBroadcast()
		if err == nil {
			return b, false, nil
		}
	}
	return bc.await(ctx, req)
}

// enqueue queues req for Run and wakes it.
func (bc *Broadcaster) enqueue(req *planRequest) {
	bc.mu.Lock()
	bc.queue = append(bc.queue, req)
	bc.mu.Unlock()
	bc.signal()
}

// enqueueUnlessRunning queues req, unless a broadcast is being delivered:
// then it returns that broadcast and true.
func (bc *Broadcaster) enqueueUnlessRunning(req *planRequest) (state.Broadcast, bool, error) {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if bc.delivering != 0 {
		// Run may have finished it already, and not yet seen the queue.
		cur, err := bc.store.CurrentBroadcast()
		if !errors.Is(err, state.ErrNotFound) {
			return cur, true, err
		}
	}
	bc.queue = append(bc.queue, req)
	bc.signal()
	return state.Broadcast{}, false, nil
}

func (bc *Broadcaster) signal() {
	select {
	case bc.wake <- struct{}{}:
	default:
	}
}

// await waits for Run's answer to req.
func (bc *Broadcaster) await(ctx context.Context, req *planRequest) (state.Broadcast, bool, error) {
	select {
	case res := <-req.reply:
		return res.b, res.started, res.err
	case <-ctx.Done():
		return state.Broadcast{}, false, ctx.Err()
	}
}

// takeQueue returns the queued requests and empties the queue.
func (bc *Broadcaster) takeQueue() []*planRequest {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	reqs := bc.queue
	bc.queue = nil
	return reqs
}

// plan plans one broadcast for reqs (of the announcements only when none
// asks for more), answers each, and sends each its report message.
func (bc *Broadcaster) plan(ctx context.Context, reqs []*planRequest) planResult {
	onlyAnnouncements := true
	for _, r := range reqs {
		onlyAnnouncements = onlyAnnouncements && r.announcementsOnly
	}
	p, err := bc.store.PlanBroadcast(time.Now(), state.PlanOptions{
		MaxAge:            bc.opt.MaxAge,
		MaxPerBroadcast:   bc.opt.MaxPerBroadcast,
		AnnouncementsOnly: onlyAnnouncements,
	})
	var res planResult
	switch {
	case errors.Is(err, state.ErrBroadcastRunning):
		res = planResult{b: p}
	case err != nil:
		res = planResult{err: fmt.Errorf("bot: start broadcast: %w", err)}
	case !p.Finished.IsZero():
		bc.finished(p)
		res = planResult{b: p}
	default:
		bc.log.Info("bot: broadcast planned", slog.Uint64("broadcast", p.ID), slog.Int("chats", p.Chats),
			slog.Int("messages", p.Pending))
		res = planResult{b: p, started: true}
	}
	for _, r := range reqs {
		r.answer(res)
	}
	if res.started {
		for _, r := range reqs {
			if r.to.Chat != 0 {
				bc.report(ctx, r.to, p)
			}
		}
	}
	return res
}

// running marks b as the broadcast being delivered, and answers every
// request queued meanwhile: one is running. Requests of announcements stay
// queued, answered already, for the next broadcast, whose report goes to
// them.
func (bc *Broadcaster) running(b state.Broadcast) {
	bc.mu.Lock()
	bc.delivering = b.ID
	var answer, keep []*planRequest
	for _, r := range bc.queue {
		answer = append(answer, r)
		if r.announcementsOnly {
			keep = append(keep, r)
		}
	}
	bc.queue = keep
	bc.mu.Unlock()
	for _, r := range answer {
		r.answer(planResult{b: b})
	}
}

// idle marks the end of a broadcast's delivery.
func (bc *Broadcaster) idle() {
	bc.mu.Lock()
	bc.delivering = 0
	bc.mu.Unlock()
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
	bc.running(b)
	defer bc.idle()
	bc.opt.Events.BroadcastStarted(b)
	bc.reportResumed(ctx, b)
	bc.out.photos.forget()
	d := &delivery{
		bc:       bc,
		id:       b.ID,
		rec:      newRecorder(bc.store, bc.opt.Events),
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
	// The event goes before Wait's callers wake, so that what they read
	// of the metrics includes this broadcast.
	bc.opt.Events.BroadcastFinished(sum)
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
	for id := range bc.summaries {
		if id+keptSummaries <= sum.ID {
			delete(bc.summaries, id)
		}
	}
	close(bc.changed)
	bc.changed = make(chan struct{})
}
