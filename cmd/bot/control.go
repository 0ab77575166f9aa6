package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/newsbot/newsbot/bot"
	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/state"
)

// The control socket lets the shell commands reach a running service: bbolt
// lets only one process open the database. It speaks HTTP over a Unix socket
// beside the database, readable and writable by its owner only:
//
//	POST /ingest     rescan the seeds folder; answers JSON lines: {"progress":…} while
//	                 it runs, then {"report":…} (an ingestReport) or {"error":"…"}
//	POST /broadcast  start a broadcast (or report the running one); answers a broadcastReport,
//	                 with ?wait=1 once it has finished
//	GET  /stats      answers the state.Stats
//	GET  /channels   answers the []bot.Channel, with their member counts
//	GET  /backup     answers the database file, with the trailer Backup-Error
//	                 set when the copy failed part way
//
// Errors are answered with a status other than 200 and a one-line text.

// socketPath is the control socket of the database at dbPath.
func socketPath(dbPath string) string { return dbPath + ".sock" }

// ops are what the shell commands do, whether the service does them for
// them or they do them on a database of their own.
type ops interface {
	// Ingest scans the seeds folder, passing the scan's progress to
	// progress now and then while it runs.
	Ingest(ctx context.Context, progress func(ingest.Progress)) (ingestReport, error)
	// Broadcast starts a broadcast, or reports the running one; with wait
	// it returns once that broadcast has finished.
	Broadcast(ctx context.Context, wait bool) (broadcastReport, error)
	Stats(ctx context.Context) (state.Stats, error)
	// Seeds says how far the running scan of the seeds folder got, or
	// what the last one found.
	Seeds(ctx context.Context) (ingest.Progress, error)
	Channels(ctx context.Context) ([]bot.Channel, error)
	Backup(ctx context.Context, w io.Writer) (int64, error)
}

// serveControl serves o on a Unix socket at path until ctx ends, and closes
// the returned channel when it has stopped, within seconds. A socket file
// left by a process that died is replaced: the caller holds the database,
// so no other service can be listening there.
func serveControl(ctx context.Context, path string, o ops, log *slog.Logger) (done <-chan struct{}, err error) {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	l, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("control socket: %w", err)
	}
	if err := os.Chmod(path, 0o600); err != nil {
		l.Close()
		return nil, fmt.Errorf("control socket: %w", err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /ingest", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/jsonl")
		enc := json.NewEncoder(w)
		rc := http.NewResponseController(w)
		v, err := o.Ingest(r.Context(), func(p ingest.Progress) {
			enc.Encode(ingestLine{Progress: &p})
			rc.Flush()
		})
		if err != nil {
			log.Error("control: ingest failed", slog.Any("err", err))
			enc.Encode(ingestLine{Error: err.Error()})
			return
		}
		enc.Encode(ingestLine{Report: &v})
	})
	mux.HandleFunc("POST /broadcast", func(w http.ResponseWriter, r *http.Request) {
		v, err := o.Broadcast(r.Context(), r.URL.Query().Get("wait") != "")
		answer(w, log, "broadcast", v, err)
	})
	mux.HandleFunc("GET /stats", func(w http.ResponseWriter, r *http.Request) {
		v, err := o.Stats(r.Context())
		answer(w, log, "stats", v, err)
	})
	mux.HandleFunc("GET /seeds", func(w http.ResponseWriter, r *http.Request) {
		v, err := o.Seeds(r.Context())
		answer(w, log, "seeds", v, err)
	})
	mux.HandleFunc("GET /channels", func(w http.ResponseWriter, r *http.Request) {
		v, err := o.Channels(r.Context())
		answer(w, log, "channels", v, err)
	})
	mux.HandleFunc("GET /backup", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Trailer", "Backup-Error")
		if _, err := o.Backup(r.Context(), w); err != nil {
			log.Error("control: backup failed", slog.Any("err", err))
			w.Header().Set("Backup-Error", err.Error())
		}
	})
	// Handlers see ctx end: a broadcast -wait stops waiting.
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return ctx },
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("control socket stopped", slog.Any("err", err))
		}
	}()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		// A backup still streaming after the grace is cut off: its read
		// transaction would keep the database from closing.
		grace, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		if err := srv.Shutdown(grace); err != nil {
			srv.Close()
		}
		<-served
		os.Remove(path)
	}()
	return stopped, nil
}

// answer writes a result as JSON, or its error as a 500 with the error's text.
func answer(w http.ResponseWriter, log *slog.Logger, op string, v any, err error) {
	if err != nil {
		log.Error("control: "+op+" failed", slog.Any("err", err))
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// controlClient reaches a running service through its control socket.
type controlClient struct {
	path string
	http *http.Client
}

// dialControl connects to the service listening at path. It returns an error
// when nothing listens there: no service runs, or one died and left its file.
func dialControl(ctx context.Context, path string) (*controlClient, error) {
	dial := func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "unix", path)
	}
	conn, err := dial(ctx, "", "")
	if err != nil {
		return nil, err
	}
	conn.Close()
	return &controlClient{path: path, http: &http.Client{Transport: &http.Transport{DialContext: dial}}}, nil
}

func (c *controlClient) do(ctx context.Context, method, path string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, "http://bot"+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("control socket %s: %w", c.path, err)
	}
	if resp.StatusCode != http.StatusOK {
		defer resp.Body.Close()
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, fmt.Errorf("the running service: %s", strings.TrimRight(string(msg), "\r\n"))
	}
	return resp, nil
}

func callJSON[T any](ctx context.Context, c *controlClient, method, path string) (T, error) {
	var v T
	resp, err := c.do(ctx, method, path)
	if err != nil {
		return v, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return v, fmt.Errorf("control socket %s: %w", c.path, err)
	}
	return v, nil
}

func (c *controlClient) Ingest(ctx context.Context, progress func(ingest.Progress)) (ingestReport, error) {
	resp, err := c.do(ctx, http.MethodPost, "/ingest")
	if err != nil {
		return ingestReport{}, err
	}
	defer resp.Body.Close()
	dec := json.NewDecoder(resp.Body)
	for {
		var line ingestLine
		if err := dec.Decode(&line); err != nil {
			return ingestReport{}, fmt.Errorf("control socket %s: %w", c.path, err)
		}
		switch {
		case line.Error != "":
			return ingestReport{}, fmt.Errorf("the running service: %s", line.Error)
		case line.Report != nil:
			return *line.Report, nil
		case line.Progress != nil && progress != nil:
			progress(*line.Progress)
		}
	}
}

// ingestLine is one line of the answer to POST /ingest.
type ingestLine struct {
	Progress *ingest.Progress `json:"progress,omitempty"`
	Report   *ingestReport    `json:"report,omitempty"`
	Error    string           `json:"error,omitempty"`
}

func (c *controlClient) Broadcast(ctx context.Context, wait bool) (broadcastReport, error) {
	path := "/broadcast"
	if wait {
		path += "?wait=1"
	}
	return callJSON[broadcastReport](ctx, c, http.MethodPost, path)
}

func (c *controlClient) Stats(ctx context.Context) (state.Stats, error) {
	return callJSON[state.Stats](ctx, c, http.MethodGet, "/stats")
}

func (c *controlClient) Seeds(ctx context.Context) (ingest.Progress, error) {
	return callJSON[ingest.Progress](ctx, c, http.MethodGet, "/seeds")
}

func (c *controlClient) Channels(ctx context.Context) ([]bot.Channel, error) {
	return callJSON[[]bot.Channel](ctx, c, http.MethodGet, "/channels")
}

func (c *controlClient) Backup(ctx context.Context, w io.Writer) (int64, error) {
	resp, err := c.do(ctx, http.MethodGet, "/backup")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	n, err := io.Copy(w, resp.Body)
	if err != nil {
		return n, fmt.Errorf("control socket %s: %w", c.path, err)
	}
	if msg := resp.Trailer.Get("Backup-Error"); msg != "" {
		return n, fmt.Errorf("the running service: %s", msg)
	}
	return n, nil
}

// ingestReport is what a rescan of the seeds folder did, and what the
// folder holds (see ingest.ScanResult).
type ingestReport struct {
	Files     int            `json:"files"`
	Seen      int            `json:"seen"`
	Read      int            `json:"read"`
	Parsed    int            `json:"parsed"`
	Added     int            `json:"added"`
	Changed   int            `json:"changed"`
	Unchanged int            `json:"unchanged"`
	Old       int            `json:"outside_horizon"`
	Horizon   time.Time      `json:"horizon,omitzero"`
	RefusedBy map[string]int `json:"refused_by,omitempty"`
	// Refused are the files this scan found not to be seed documents, each
	// reported once: not again by the next scan.
	Refused []string      `json:"refused,omitempty"`
	Took    time.Duration `json:"took"`
}

func newIngestReport(r ingest.ScanResult) ingestReport {
	rep := ingestReport{
		Files: r.Files, Seen: r.Seen, Read: r.Read, Parsed: r.Parsed,
		Added: r.Added, Changed: r.Changed, Unchanged: r.Unchanged,
		Old: r.Old, Horizon: r.Horizon, RefusedBy: r.RefusedBy, Took: r.Took,
	}
	for _, err := range r.Refused {
		rep.Refused = append(rep.Refused, err.Error())
	}
	return rep
}

// statsReport is state.Stats with names for its keys, for "stats -json".
type statsReport struct {
	Subscribers   map[string]int   `json:"subscribers"`
	Articles      int              `json:"articles"`
	Deliveries    map[string]int   `json:"deliveries"`
	Announcements int              `json:"announcements_queued"`
	LastBroadcast *state.Broadcast `json:"last_broadcast,omitempty"`
	// ActiveByKind counts the active subscribers by kind: private, group,
	// channel.
	ActiveByKind map[string]int `json:"active_by_kind"`
	// Channels are the channels, without their member counts (see "bot
	// channels").
	Channels []channelReport `json:"channels"`
	// Seeds is the running scan's progress, or the last scan's figures;
	// absent when this process knows of none (no service runs).
	Seeds *ingest.Progress `json:"seeds,omitempty"`
}

func newStatsReport(st state.Stats) statsReport {
	r := statsReport{
		Subscribers:   make(map[string]int),
		Articles:      st.Articles,
		Deliveries:    make(map[string]int),
		Announcements: st.Announcements,
		LastBroadcast: st.LastBroadcast,
	}
	for k, v := range st.Subscribers {
		r.Subscribers[k.String()] = v
	}
	for k, v := range st.Deliveries {
		r.Deliveries[k.String()] = v
	}
	r.ActiveByKind = make(map[string]int)
	for k, v := range st.Kinds {
		r.ActiveByKind[k.String()] = v
	}
	r.Channels = make([]channelReport, 0, len(st.Channels))
	for _, ch := range st.Channels {
		r.Channels = append(r.Channels, newChannelReport(bot.Channel{Subscriber: ch, Members: -1}))
	}
	return r
}

// broadcastReport says what a broadcast trigger did.
type broadcastReport struct {
	// Started is false when a broadcast was already running: Broadcast is
	// then that one's progress.
	Started   bool            `json:"started"`
	Broadcast state.Broadcast `json:"broadcast"`
}
