package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/newsbot/newsbot/bot"
	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/bot/telegraph"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/internal/metrics"
	"github.com/newsbot/newsbot/state"
)

// foldEvery is how often the ledger is folded by RETENTION.
const foldEvery = time.Hour

// A service is the running bot: the database, the seeds library, the
// Telegram side, and the housekeeping around them.
type service struct {
	cfg     *config
	log     *slog.Logger
	store   *state.Store
	lib     *ingest.Library
	bot     *bot.Bot
	metrics *metrics.Metrics // nil without METRICS_ADDR
}

func runService(ctx context.Context, args []string, env *environ) error {
	fs := newFlagSet(env, "run", "",
		"Runs the bot: ingests SEEDS_DIR, answers readers and admins in Telegram and\n"+
			"broadcasts, until SIGINT or SIGTERM. Settings come from the environment and .env.")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	cfg, err := loadConfig(env.getenv, true)
	if err != nil {
		return err
	}
	log := newLogger(cfg, env.stderr)

	store, err := state.Open(cfg.DBPath)
	if errors.Is(err, state.ErrLocked) {
		return fmt.Errorf("another instance of the bot is running: %w", err)
	}
	if err != nil {
		return err
	}
	defer store.Close()
	svc := &service{cfg: cfg, log: log, store: store, lib: ingest.NewLibrary(cfg.SeedsDir, store, ingest.MaxAge(cfg.IngestMaxAge))}
	tgCfg := telegram.Config{Token: cfg.Token, APIEndpoint: cfg.Endpoint, Logger: log}
	opts, err := botOptions(cfg, log)
	if err != nil {
		return err
	}
	if cfg.MetricsAddr != "" {
		svc.metrics = metrics.New(store, metrics.Options{RateLimit: cfg.RateLimit, Logger: log})
		tgCfg.Observe = svc.metrics.ObserveCall
		opts.Events = svc.metrics
	}

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	client, err := telegram.New(ctx, tgCfg)
	if err != nil {
		return err
	}
	svc.bot = bot.NewBot(client, store, svc.lib, opts)
	svc.logStart(client.Self().UserName)

	// SIGHUP is caught from here on: its default would end the process.
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	// The seeds are scanned in the background: the first scan of a large
	// tree must not keep the bot from answering.
	wg.Go(func() { svc.scans(ctx, hup) })

	metricsDone, err := svc.serveMetrics(ctx)
	if err != nil {
		return err
	}
	ctlDone, err := serveControl(ctx, socketPath(cfg.DBPath), &storeOps{store: store, library: svc.lib,
		broadcast: svc.broadcast, channels: svc.bot.Channels, scanned: svc.afterScan}, log)
	if err != nil {
		return err
	}
	wg.Go(func() { svc.housekeeping(ctx) })

	err = svc.bot.Run(ctx)
	cancel()
	wg.Wait()
	<-ctlDone
	<-metricsDone
	if err != nil {
		return err
	}
	log.Info("bot stopped")
	return nil
}

// logStart writes the start-up summary: never the token, only the
// endpoint's host.
func (s *service) logStart(username string) {
	attrs := []any{slog.String("username", username), slog.String("endpoint", endpointHost(s.cfg.Endpoint)),
		slog.Bool("telegraph", s.cfg.Telegraph)}
	if st, err := s.store.Stats(); err == nil {
		attrs = append(attrs, slog.Int("articles", st.Articles), slog.Int("subscribers", st.Subscribers[state.Active]))
		if b := st.LastBroadcast; b != nil && b.Finished.IsZero() {
			attrs = append(attrs, slog.Uint64("resuming_broadcast", b.ID))
		}
	}
	s.log.Info("bot started", attrs...)
}

func endpointHost(endpoint string) string {
	if u, err := url.Parse(endpoint); err == nil {
		return u.Host
	}
	return "?"
}

// scans keeps the store in step with the seeds folder until ctx ends: a
// scan at start, then the watcher's scans of the folders where files
// change, and a scan of the whole tree every SCAN_INTERVAL and on SIGHUP,
// the safety net for missed events.
func (s *service) scans(ctx context.Context, hup <-chan os.Signal) {
	if w, err := s.lib.Watch(); err != nil {
		s.log.Warn("seeds folder not watched: new files wait for the next scan", slog.Any("err", err))
	} else {
		var wg sync.WaitGroup
		defer wg.Wait()
		wg.Go(func() {
			w.Run(ctx, func(res ingest.ScanResult, err error) { s.logScan(ctx, "watch", res, err) })
		})
	}
	s.scan(ctx, "start")
	tick := ticker(s.cfg.ScanInterval)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			s.scan(ctx, "SIGHUP")
		case <-tick:
			s.scan(ctx, "timer")
		}
	}
}

// serveMetrics serves /metrics and /healthz on METRICS_ADDR until ctx ends,
// and closes the returned channel when the server has stopped: at once
// without METRICS_ADDR.
func (s *service) serveMetrics(ctx context.Context) (<-chan struct{}, error) {
	if s.metrics == nil {
		done := make(chan struct{})
		close(done)
		return done, nil
	}
	addr, done, err := metrics.Serve(ctx, s.cfg.MetricsAddr, s.metrics.Handler(), s.log)
	if err != nil {
		return nil, fmt.Errorf("METRICS_ADDR=%s: %w", s.cfg.MetricsAddr, err)
	}
	s.log.Info("metrics: serving /metrics and /healthz", slog.String("addr", addr.String()))
	return done, nil
}

// afterScan counts a scan in the metrics, when they are on, and tells the
// bot of articles that changed, so that their Telegraph pages are edited.
func (s *service) afterScan(res ingest.ScanResult, err error) {
	if s.metrics != nil && !errors.Is(err, context.Canceled) {
		s.metrics.ObserveScan(res, err)
	}
	if err == nil && res.Changed > 0 {
		s.bot.ArticlesChanged()
	}
}

// scan re-reads the seeds folder and logs what it found. why says what
// asked for it.
func (s *service) scan(ctx context.Context, why string) {
	res, err := s.lib.Scan(ctx)
	s.logScan(ctx, why, res, err)
}

// logScan logs a scan's result: the files it refused, each once, and the
// counts; routine scans that found nothing new at debug level.
func (s *service) logScan(ctx context.Context, why string, res ingest.ScanResult, err error) {
	s.afterScan(res, err)
	switch {
	case err != nil && res.Started.IsZero():
		s.log.Warn("seeds watch", slog.Any("err", err))
		return
	case err != nil:
		if ctx.Err() == nil {
			s.log.Error("seeds scan failed", slog.String("trigger", why), slog.Any("err", err))
		}
		return
	}
	for _, err := range res.Refused {
		s.log.Warn("seed file refused", slog.Any("err", err))
	}
	level := slog.LevelDebug
	if res.Added+res.Changed > 0 || (why != "timer" && why != "watch") {
		level = slog.LevelInfo
	}
	s.log.Log(ctx, level, "seeds scanned", slog.String("trigger", why), slog.Int("files", res.Files),
		slog.Int("added", res.Added), slog.Int("changed", res.Changed), slog.Int("refused", res.RefusedTotal()),
		slog.Int("outside_horizon", res.Old), slog.Duration("took", res.Took))
}

// housekeeping broadcasts every BROADCAST_INTERVAL when new articles
// arrived, and folds the ledger by RETENTION, until ctx ends.
func (s *service) housekeeping(ctx context.Context) {
	broadcastTick := ticker(s.cfg.BroadcastInterval)
	foldTick := ticker(foldEvery)
	if s.cfg.Retention > 0 {
		s.fold(ctx)
	} else {
		foldTick = nil
	}
	// lastSeq is the newest article when the last automatic broadcast
	// started; the first tick broadcasts whatever is due.
	var lastSeq uint64
	for {
		select {
		case <-ctx.Done():
			return
		case <-broadcastTick:
			seq, err := s.newestSeqAfter(lastSeq)
			if err != nil || seq == lastSeq {
				continue
			}
			r, err := s.broadcast(ctx, false)
			if err != nil {
				s.log.Error("automatic broadcast failed", slog.Any("err", err))
				continue
			}
			// While another broadcast runs, the new articles wait for
			// the next tick.
			if r.Started || !r.Broadcast.Finished.IsZero() {
				lastSeq = seq
			}
		case <-foldTick:
			s.fold(ctx)
		}
	}
}

// newestSeqAfter is the ingestion sequence of the newest article ingested
// after seq, or seq when there is none. It reads only those articles.
func (s *service) newestSeqAfter(seq uint64) (uint64, error) {
	for {
		page, err := s.store.ArticlesAfter(seq, 1000)
		if err != nil || len(page) == 0 {
			return seq, err
		}
		seq = page[len(page)-1].Seq
	}
}

func (s *service) fold(ctx context.Context) {
	n, err := s.store.Fold(ctx, time.Now(), s.cfg.Retention)
	if err != nil {
		if ctx.Err() == nil {
			s.log.Error("ledger fold failed", slog.Any("err", err))
		}
		return
	}
	if n > 0 {
		s.log.Info("ledger folded", slog.Int("entries", n), slog.Duration("retention", s.cfg.Retention))
	}
}

// broadcast starts a broadcast, or reports the running one; with wait, it
// returns when that broadcast has finished.
func (s *service) broadcast(ctx context.Context, wait bool) (broadcastReport, error) {
	bc := s.bot.Broadcaster()
	b, started, err := bc.Start(ctx, bot.ReportTo{})
	if err != nil {
		return broadcastReport{}, err
	}
	if wait && b.Finished.IsZero() {
		if b, err = bc.Wait(ctx, b.ID); err != nil {
			return broadcastReport{}, err
		}
	}
	return broadcastReport{Started: started, Broadcast: b}, nil
}

// botOptions are the bot's settings of the configuration. It returns
// telegraph.New's error for an unusable TELEGRAPH_ENDPOINT.
func botOptions(cfg *config, log *slog.Logger) (bot.Options, error) {
	o := bot.Options{
		AdminIDs:        cfg.AdminIDs,
		MaxAge:          cfg.MaxAge,
		MaxPerBroadcast: cfg.MaxPerBroadcast,
		RateLimit:       cfg.RateLimit,
		PaidBroadcast:   cfg.PaidBroadcast,
		Logger:          log,
	}
	if cfg.Telegraph {
		tg, err := telegraph.New(telegraph.Config{Endpoint: cfg.TelegraphEndpoint, Token: cfg.TelegraphToken})
		if err != nil {
			return o, fmt.Errorf("TELEGRAPH_ENDPOINT: %w", err)
		}
		o.Telegraph = tg
	}
	return o, nil
}

// ticker ticks every d; a nil channel, which never ticks, when d is 0.
func ticker(d time.Duration) <-chan time.Time {
	if d <= 0 {
		return nil
	}
	return time.NewTicker(d).C
}
