package bot

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/newsbot/newsbot/bot/telegraph"
	"github.com/newsbot/newsbot/content"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/state"
)

// Defaults of the Instant View options, and the bounds of a page's retries.
const (
	defaultPageWait  = 2 * time.Second
	defaultPageRetry = time.Minute
	// maxPageRetry is the longest wait before a page is tried again.
	maxPageRetry = time.Hour
	// pageShrinks is how many times a page Telegraph finds too big is cut
	// further, by a quarter each time.
	pageShrinks = 3
	// pageLang is the language of the pages' own words: one page serves
	// every reader.
	pageLang = langZH
)

// A pageBook publishes articles as Telegraph pages, which Telegram opens in
// Instant View, and keeps them in the store: one page per article, created
// before the article's first send, edited when the article changes.
//
// One worker (run) makes every Telegraph call, one at a time, so that a
// page is never created twice and a FLOOD_WAIT pauses them all. Senders
// only ask (prepare) and read what is stored (url): Telegraph failing,
// slow or flood-limiting never holds a message back for more than
// Options.PageWait, once, and the message then goes without the page's
// link; the page is tried again later (Options.PageRetry, doubling, up to
// an hour). A pageBook without a Telegraph client (TELEGRAPH off) does
// nothing, and so does a nil one.
type pageBook struct {
	tg        *telegraph.Client
	fixed     bool // tg has its token (TELEGRAPH_TOKEN): never replaced
	store     *state.Store
	log       *slog.Logger
	wait      time.Duration
	retry     time.Duration
	shortName string // of the account created on first use
	now       func() time.Time

	wake chan struct{} // work was queued (buffered: one wake-up is enough)

	mu          sync.Mutex
	authed      *telegraph.Client // with the account's token, once known
	jobs        map[string]*pageJob
	queue       []*pageJob // the jobs in order of arrival
	pausedUntil time.Time  // a FLOOD_WAIT: no call before
	downUntil   time.Time  // after a failure: sends don't wait for a page
	recheck     bool       // compare every page with its article
	running     bool
}

// A pageJob is an article whose page is to be created or brought up to
// date.
type pageJob struct {
	id    string
	tries int       // failed attempts so far
	due   time.Time // no attempt before
	// busy is set while the worker publishes the page; again when it was
	// asked for meanwhile, as the article may have changed since it was
	// read.
	busy, again bool
	// settled is closed when the first attempt ends, whatever its outcome:
	// what a send waits for; open says it is not yet.
	settled chan struct{}
	open    bool
}

// newPageBook returns the pageBook of o.Telegraph; without one it does
// nothing.
func newPageBook(store *state.Store, username string, o Options) *pageBook {
	if o.Telegraph == nil {
		return nil
	}
	short := username
	if short == "" || len(short) > 32 {
		short = "newsbot"
	}
	p := &pageBook{
		tg:        o.Telegraph,
		fixed:     o.Telegraph.HasToken(),
		store:     store,
		log:       o.Logger,
		wait:      o.PageWait,
		retry:     o.PageRetry,
		shortName: short,
		now:       time.Now,
		wake:      make(chan struct{}, 1),
		jobs:      make(map[string]*pageJob),
	}
	if p.fixed {
		p.authed = o.Telegraph
	}
	return p
}

// url is the URL of the article's page, "" when it has none (yet).
func (p *pageBook) url(id string) string {
	if p == nil {
		return ""
	}
	rec, err := p.store.Page(id)
	if err != nil {
		if !errors.Is(err, state.ErrNotFound) {
			p.log.Error("bot: read an article's page", slog.String("article_id", id), slog.Any("err", err))
		}
		return ""
	}
	return rec.URL
}

// prepare asks for the pages of arts before they are sent: a page to create
// for an article without one, an edit for one whose article changed. It
// waits, at most Options.PageWait and not at all while Telegraph is down or
// flood-limited, for the pages to create; edits are not waited for, as the
// page's URL stays the same.
func (p *pageBook) prepare(ctx context.Context, arts ...content.Article) {
	if p == nil {
		return
	}
	var waits []chan struct{}
	for _, a := range arts {
		hash := InstantViewHash(InstantViewPage(a, pageLang))
		rec, err := p.store.Page(a.ID)
		switch {
		case err == nil && rec.Hash == hash:
		case err == nil:
			p.enqueue(a.ID)
		case errors.Is(err, state.ErrNotFound):
			if ch := p.enqueue(a.ID); ch != nil {
				waits = append(waits, ch)
			}
		default:
			p.log.Error("bot: read an article's page", slog.String("article_id", a.ID), slog.Any("err", err))
		}
	}
	if len(waits) == 0 {
		return
	}
	p.mu.Lock()
	now := p.now()
	skip := now.Before(p.pausedUntil) || now.Before(p.downUntil)
	p.mu.Unlock()
	if skip {
		return
	}
	t := time.NewTimer(p.wait)
	defer t.Stop()
	for _, ch := range waits {
		select {
		case <-ch:
		case <-t.C:
			p.log.Warn("bot: Telegraph is slow: sending without the Instant View page", slog.Duration("waited", p.wait))
			p.mu.Lock()
			p.downUntil = p.now().Add(p.retry)
			p.mu.Unlock()
			return
		case <-ctx.Done():
			return
		}
	}
}

// enqueue queues the article id for the worker, unless it is queued
// already, and wakes the worker. It returns the job's settled channel while
// its first attempt is still to end, else nil.
func (p *pageBook) enqueue(id string) chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	j := p.jobs[id]
	switch {
	case j == nil:
		j = &pageJob{id: id, due: p.now(), settled: make(chan struct{}), open: true}
		p.jobs[id] = j
		p.queue = append(p.queue, j)
		p.signal()
	case j.busy:
		j.again = true
	}
	if !j.open {
		return nil
	}
	return j.settled
}

// changed asks the worker to compare every page with its article, and to
// edit the pages of the articles that changed.
func (p *pageBook) changed() {
	if p == nil {
		return
	}
	p.mu.Lock()
	p.recheck = true
	p.mu.Unlock()
	p.signal()
}

func (p *pageBook) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// run is the worker: it compares the stored pages with their articles,
// then creates and edits pages as prepare and changed ask, one call at a
// time, until ctx ends. A second run while one runs returns at once.
func (p *pageBook) run(ctx context.Context) {
	if p == nil {
		return
	}
	p.mu.Lock()
	if p.running {
		p.mu.Unlock()
		return
	}
	p.running, p.recheck = true, true
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.running = false
		p.mu.Unlock()
	}()
	for ctx.Err() == nil {
		j, recheck, wait := p.next()
		switch {
		case recheck:
			p.compare()
		case j != nil:
			p.attempt(ctx, j)
		default:
			p.idle(ctx, wait)
		}
	}
}

// idle waits until ctx ends, the worker is woken, or wait (0: no limit)
// has passed.
func (p *pageBook) idle(ctx context.Context, wait time.Duration) {
	var timer <-chan time.Time
	if wait > 0 {
		t := time.NewTimer(wait)
		defer t.Stop()
		timer = t.C
	}
	select {
	case <-ctx.Done():
	case <-p.wake:
	case <-timer:
	}
}

// next is the worker's next task: a recheck, the first job that is due, or
// how long to wait for one (0: until woken).
func (p *pageBook) next() (*pageJob, bool, time.Duration) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.recheck {
		p.recheck = false
		return nil, true, 0
	}
	now := p.now()
	if now.Before(p.pausedUntil) {
		return nil, false, p.pausedUntil.Sub(now)
	}
	var soonest time.Time
	for _, j := range p.queue {
		if !j.due.After(now) {
			return j, false, 0
		}
		if soonest.IsZero() || j.due.Before(soonest) {
			soonest = j.due
		}
	}
	if soonest.IsZero() {
		return nil, false, 0
	}
	return nil, false, soonest.Sub(now)
}

// compare queues an edit for every page whose article changed.
func (p *pageBook) compare() {
	ids, err := p.store.PagedArticles()
	if err != nil {
		p.log.Error("bot: list the Telegraph pages", slog.Any("err", err))
		return
	}
	for _, id := range ids {
		a, err := p.article(id)
		if err != nil {
			p.log.Error("bot: compare a Telegraph page", slog.String("article_id", id), slog.Any("err", err))
			continue
		}
		rec, err := p.store.Page(id)
		if err == nil && rec.Hash != InstantViewHash(InstantViewPage(a, pageLang)) {
			p.enqueue(id)
		}
	}
}

// attempt publishes one job's page and settles what follows from the
// outcome: done, a pause for a FLOOD_WAIT, or a retry later.
func (p *pageBook) attempt(ctx context.Context, j *pageJob) {
	log := p.log.With(slog.String("article_id", j.id))
	p.mu.Lock()
	j.busy, j.again = true, false
	p.mu.Unlock()
	err := p.publish(ctx, log, j.id)
	p.mu.Lock()
	defer p.mu.Unlock()
	j.busy = false
	if err != nil && ctx.Err() != nil {
		return // stopping: the job stays queued, unsettled
	}
	if j.open {
		close(j.settled)
		j.open = false
	}
	now := p.now()
	switch telegraph.ClassOf(err) {
	case telegraph.ClassNone:
		if j.again {
			j.tries, j.due = 0, now // once more, for the change
			return
		}
		p.drop(j)
		return
	case telegraph.ClassFlood:
		wait := telegraph.RetryAfter(err)
		log.Warn("bot: Telegraph flood control: pausing its calls", slog.Duration("retry_after", wait))
		p.pausedUntil = now.Add(wait)
		return
	case telegraph.ClassTransient:
		p.downUntil = now.Add(p.retry)
	}
	wait := p.retry << min(j.tries, 10)
	if wait <= 0 || wait > maxPageRetry {
		wait = maxPageRetry
	}
	j.tries++
	j.due = now.Add(wait)
	log.Warn("bot: Telegraph page failed; trying again later", slog.Any("err", err),
		slog.Int("tries", j.tries), slog.Duration("retry_in", wait))
}

// drop removes a finished job; p.mu is held.
func (p *pageBook) drop(j *pageJob) {
	delete(p.jobs, j.id)
	for i, q := range p.queue {
		if q == j {
			p.queue = append(p.queue[:i], p.queue[i+1:]...)
			break
		}
	}
}

// article is the stored article id.
func (p *pageBook) article(id string) (content.Article, error) {
	sa, err := p.store.Article(id)
	if err != nil {
		return content.Article{}, err
	}
	return ingest.DecodeArticle(sa)
}

// publish brings the page of the article id up to date with the stored
// article: it creates the page when there is none (or the account lost
// it), edits it when the article changed, and keeps what Telegraph
// answered. It returns the store's errors and the Client's (*telegraph.Error).
func (p *pageBook) publish(ctx context.Context, log *slog.Logger, id string) error {
	a, err := p.article(id)
	if err != nil {
		return err
	}
	page := InstantViewPage(a, pageLang)
	hash := InstantViewHash(page)
	rec, err := p.store.Page(id)
	found := err == nil
	if err != nil && !errors.Is(err, state.ErrNotFound) {
		return err
	}
	if found && rec.Hash == hash {
		return nil
	}
	c, err := p.client(ctx)
	if err != nil {
		return err
	}
	var out telegraph.Page
	for shrink, budget := 0, telegraph.MaxContentSize; ; {
		if found {
			out, err = c.EditPage(ctx, rec.Path, page)
			if errors.Is(err, telegraph.ErrPageNotFound) || errors.Is(err, telegraph.ErrPageAccessDenied) {
				log.Warn("bot: the Telegraph page can't be edited; creating a new one", slog.String("path", rec.Path), slog.Any("err", err))
				found = false
				continue // not a shrink
			}
		} else {
			out, err = c.CreatePage(ctx, page)
		}
		if !errors.Is(err, telegraph.ErrContentTooBig) || shrink >= pageShrinks {
			break
		}
		shrink++
		budget = budget * 3 / 4
		page = pageOf(a, pageLang, budget)
	}
	if errors.Is(err, telegraph.ErrAccessTokenInvalid) && !p.fixed {
		log.Warn("bot: the Telegraph token was refused; a new account is made on the next try")
		p.mu.Lock()
		p.authed = nil
		p.mu.Unlock()
		if serr := p.store.SetTelegraphToken(""); serr != nil {
			return serr
		}
	}
	if err != nil {
		return err
	}
	if out.Path == "" {
		out.Path = rec.Path
	}
	if out.URL == "" {
		out.URL = rec.URL
	}
	if err := p.store.PutPage(id, state.Page{Path: out.Path, URL: out.URL, Hash: hash, Updated: p.now()}); err != nil {
		return err
	}
	if found {
		log.Info("bot: Telegraph page edited", slog.String("url", out.URL))
	} else {
		log.Info("bot: Telegraph page created", slog.String("url", out.URL))
	}
	return nil
}

// client is the Telegraph client with the account's token: the one given,
// the one kept in the store, or that of an account created now and kept.
// It returns the store's errors and CreateAccount's.
func (p *pageBook) client(ctx context.Context) (*telegraph.Client, error) {
	p.mu.Lock()
	c := p.authed
	p.mu.Unlock()
	if c != nil {
		return c, nil
	}
	token, err := p.store.TelegraphToken()
	if err != nil {
		return nil, err
	}
	if token == "" {
		acc, err := p.tg.CreateAccount(ctx, p.shortName, "")
		if err != nil {
			return nil, err
		}
		if err := p.store.SetTelegraphToken(acc.AccessToken); err != nil {
			return nil, err
		}
		p.log.Info("bot: Telegraph account created", slog.String("short_name", p.shortName))
		token = acc.AccessToken
	}
	c = p.tg.WithToken(token)
	p.mu.Lock()
	p.authed = c
	p.mu.Unlock()
	return c, nil
}
