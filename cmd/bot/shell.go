package main

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/newsbot/newsbot/bot"
	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/state"
)

// The shell commands work whether or not the service runs: they ask a
// running service through its control socket, else open the database
// themselves.

// storeOps does the shell commands on an open store: the service's own, or
// one a shell command opened.
type storeOps struct {
	store     *state.Store
	library   *ingest.Library
	broadcast func(ctx context.Context, wait bool) (broadcastReport, error)
	// channels lists the channels with their member counts; nil: without
	// them (see Channels).
	channels func(ctx context.Context) ([]bot.Channel, error)
	// scanned, if set, is told of every scan (the service's metrics).
	scanned func(ingest.ScanResult, error)
}

// Ingest scans the seeds folder; while it runs, progress gets the scan's
// progress now and then (when the service is already scanning, that scan's
// first).
func (o *storeOps) Ingest(ctx context.Context, progress func(ingest.Progress)) (ingestReport, error) {
	type result struct {
		res ingest.ScanResult
		err error
	}
	done := make(chan result, 1)
	go func() {
		res, err := o.library.Scan(ctx)
		done <- result{res, err}
	}()
	tick := time.NewTicker(progressEvery)
	defer tick.Stop()
	for {
		select {
		case r := <-done:
			if o.scanned != nil {
				o.scanned(r.res, r.err)
			}
			if r.err != nil {
				return ingestReport{}, r.err
			}
			return newIngestReport(r.res), nil
		case <-tick.C:
			if p := o.library.Progress(); p.Running && progress != nil {
				progress(p)
			}
		}
	}
}

// progressEvery is how often a running ingest's progress is passed on.
const progressEvery = 100 * time.Millisecond

func (o *storeOps) Broadcast(ctx context.Context, wait bool) (broadcastReport, error) {
	return o.broadcast(ctx, wait)
}

func (o *storeOps) Stats(context.Context) (state.Stats, error) {
	return o.store.Stats()
}

func (o *storeOps) Seeds(context.Context) (ingest.Progress, error) {
	return o.library.Progress(), nil
}

func (o *storeOps) Backup(_ context.Context, w io.Writer) (int64, error) {
	return o.store.Backup(w)
}

// openOps reaches the running service, or else opens the database. The
// returned function releases what was opened.
func openOps(ctx context.Context, cfg *config, log *slog.Logger) (ops, func(), error) {
	sock := socketPath(cfg.DBPath)
	if c, err := dialControl(ctx, sock); err == nil {
		return c, func() {}, nil
	}
	store, err := state.Open(cfg.DBPath)
	if errors.Is(err, state.ErrLocked) {
		return nil, nil, fmt.Errorf("%w, and its control socket %s does not answer: is the service starting or stopping? Try again in a moment", err, sock)
	}
	if err != nil {
		return nil, nil, err
	}
	o := &storeOps{store: store, library: ingest.NewLibrary(cfg.SeedsDir, store, ingest.MaxAge(cfg.IngestMaxAge))}
	o.broadcast = func(ctx context.Context, _ bool) (broadcastReport, error) {
		return broadcastHere(ctx, cfg, store, log)
	}
	o.channels = func(ctx context.Context) ([]bot.Channel, error) {
		return channelsHere(ctx, cfg, store, log)
	}
	return o, func() { store.Close() }, nil
}

// broadcastHere delivers a broadcast from this process, for "bot broadcast"
// when no service runs: it resumes the unfinished one or plans a new one,
// and returns when it has finished. Readers' commands wait for the service.
func broadcastHere(ctx context.Context, cfg *config, store *state.Store, log *slog.Logger) (broadcastReport, error) {
	if cfg.Token == "" {
		return broadcastReport{}, errNoToken
	}
	client, err := telegram.New(ctx, telegram.Config{Token: cfg.Token, APIEndpoint: cfg.Endpoint, Logger: log})
	if err != nil {
		return broadcastReport{}, err
	}
	opt, err := botOptions(cfg, log)
	if err != nil {
		return broadcastReport{}, err
	}
	b, err := bot.NewBroadcaster(client, store, opt).RunOnce(ctx)
	if err != nil {
		return broadcastReport{}, err
	}
	return broadcastReport{Started: true, Broadcast: b}, nil
}

// shellCommand runs do with the ops of the configuration: the running
// service's, or its own on the database.
func shellCommand(ctx context.Context, env *environ, do func(ops) error) error {
	cfg, err := loadConfig(env.getenv, false)
	if err != nil {
		return err
	}
	o, release, err := openOps(ctx, cfg, newLogger(cfg, env.stderr))
	if err != nil {
		return err
	}
	defer release()
	return do(o)
}

func runIngest(ctx context.Context, args []string, env *environ) error {
	fs := newFlagSet(env, "ingest", "", "Reads new and changed seed files of SEEDS_DIR into the database, and says what\n"+
		"the folder holds: files, those outside the horizon (INGEST_MAX_AGE), those\n"+
		"refused by reason. Progress goes to stderr while it runs.")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	return shellCommand(ctx, env, func(o ops) error {
		pr := newProgress(env.stderr, "seeds", isTerminal)
		r, err := o.Ingest(ctx, func(p ingest.Progress) {
			pr.Update(p.Seen, p.Expect, "files", fmt.Sprintf("%d parsed, %d stored", p.Parsed, p.Stored))
		})
		pr.Done()
		if err != nil {
			return fmt.Errorf("ingest: %w", err)
		}
		for _, why := range r.Refused {
			fmt.Fprintf(env.stderr, "refused: %s\n", why)
		}
		printIngestReport(env.stdout, r)
		return nil
	})
}

// printIngestReport writes the summary of bot ingest.
func printIngestReport(w io.Writer, r ingestReport) {
	fmt.Fprintf(w, "seeds: %d files seen, %d read, %d parsed: %d added, %d changed, %d unchanged\n",
		r.Seen, r.Read, r.Parsed, r.Added, r.Changed, r.Unchanged)
	if !r.Horizon.IsZero() {
		fmt.Fprintf(w, "  outside the horizon (feed time before %s): %d\n", r.Horizon.UTC().Format("2006-01-02 15:04 MST"), r.Old)
	}
	if len(r.RefusedBy) > 0 {
		reasons := slices.Collect(maps.Keys(r.RefusedBy))
		slices.SortFunc(reasons, func(a, b string) int {
			return cmp.Or(cmp.Compare(r.RefusedBy[b], r.RefusedBy[a]), cmp.Compare(a, b))
		})
		total := 0
		var parts []string
		for _, why := range reasons {
			total += r.RefusedBy[why]
			parts = append(parts, fmt.Sprintf("%s: %d", why, r.RefusedBy[why]))
		}
		fmt.Fprintf(w, "  refused, not seed documents: %d (%s)\n", total, strings.Join(parts, "; "))
	}
	fmt.Fprintf(w, "  took %s\n", r.Took.Round(time.Millisecond))
}

func runBroadcast(ctx context.Context, args []string, env *environ) error {
	fs := newFlagSet(env, "broadcast", "[-wait]",
		"Delivers every due article to every active subscriber. A running service does it in\n"+
			"the background (-wait waits for the summary); without one, this command does it\n"+
			"and returns when it has finished. While it waits, the progress goes to stderr: a\n"+
			"bar with counts and an ETA on a terminal, a plain line every 5 s otherwise.")
	wait := fs.Bool("wait", false, "wait for the running service's broadcast to finish, showing its progress")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	return shellCommand(ctx, env, func(o ops) error {
		pr := newProgress(env.stderr, "broadcast", isTerminal)
		r, err := followBroadcast(ctx, o, *wait, pr, broadcastPollEvery)
		if err != nil {
			return fmt.Errorf("broadcast: %w", err)
		}
		b := r.Broadcast
		switch {
		case !b.Finished.IsZero() && b.Chats == 0:
			fmt.Fprintln(env.stdout, "Nothing is due.")
			return nil
		case b.Finished.IsZero() && !r.Started:
			fmt.Fprintln(env.stdout, "A broadcast is already running.")
		}
		fmt.Fprintln(env.stdout, bot.ReportText(b, bot.LangEN, time.Now()))
		return nil
	})
}

func runStats(ctx context.Context, args []string, env *environ) error {
	fs := newFlagSet(env, "stats", "[-json]", "Shows subscribers, articles, deliveries and the last broadcast.")
	asJSON := fs.Bool("json", false, "print JSON, for scripts")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	return shellCommand(ctx, env, func(o ops) error {
		st, err := o.Stats(ctx)
		if err != nil {
			return fmt.Errorf("stats: %w", err)
		}
		seeds, err := o.Seeds(ctx)
		if err != nil {
			return fmt.Errorf("stats: %w", err)
		}
		known := seeds.Running || seeds.Last != nil
		if *asJSON {
			r := newStatsReport(st)
			if known {
				r.Seeds = &seeds
			}
			enc := json.NewEncoder(env.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(r)
		}
		text := bot.StatsText(st, bot.LangEN, time.Now())
		if known {
			text += "\n" + bot.SeedsText(seeds, bot.LangEN, time.Now())
		}
		_, err = fmt.Fprintln(env.stdout, text)
		return err
	})
}

func runBackup(ctx context.Context, args []string, env *environ) error {
	fs := newFlagSet(env, "backup", "FILE", "Writes a consistent copy of the database to FILE, also while the service runs.\nRestore by stopping the service and putting the copy in DB_PATH's place.")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	dst := fs.Arg(0)
	return shellCommand(ctx, env, func(o ops) error {
		n, err := writeFileAtomic(dst, func(w io.Writer) (int64, error) { return o.Backup(ctx, w) })
		if err != nil {
			return fmt.Errorf("backup: %w", err)
		}
		fmt.Fprintf(env.stdout, "backup: %d bytes written to %s\n", n, dst)
		return nil
	})
}

// writeFileAtomic writes a file through write: in a temporary file beside
// path, synced, then renamed, so path never holds half a copy.
func writeFileAtomic(path string, write func(io.Writer) (int64, error)) (int64, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return 0, err
	}
	n, err := write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return n, err
	}
	return n, nil
}
