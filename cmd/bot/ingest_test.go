package main

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/ingest"
)

func TestPrintIngestReport(t *testing.T) {
	var out bytes.Buffer
	printIngestReport(&out, ingestReport{
		Files: 13, Seen: 13, Read: 13, Parsed: 6, Added: 4, Unchanged: 2, Old: 2,
		Horizon:   time.Date(2026, 10, 2, 8, 0, 0, 0, time.UTC),
		RefusedBy: map[string]int{"binary data, not a text document": 1, "link leads out of the seeds folder": 2, "no feed time comment on line 1": 1},
		Took:      1234567 * time.Microsecond,
	})
	want := "seeds: 13 files seen, 13 read, 6 parsed: 4 added, 0 changed, 2 unchanged\n" +
		"  outside the horizon (feed time before 2026-10-02 08:00 UTC): 2\n" +
		"  refused, not seed documents: 4 (link leads out of the seeds folder: 2; binary data, not a text document: 1; no feed time comment on line 1: 1)\n" +
		"  took 1.235s\n"
	if got := out.String(); got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}

// TestIngestHorizon: with the default INGEST_MAX_AGE, the 2023 seed is
// outside the horizon and the README is refused, once.
func TestIngestHorizon(t *testing.T) {
	vars := shellEnv(t)
	delete(vars, "INGEST_MAX_AGE")
	if err := os.WriteFile(filepath.Join(vars["SEEDS_DIR"], "README.md"), []byte("# Seeds\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runCmd(t, vars, "ingest")
	if err != nil || !strings.Contains(stdout, "2 files seen, 2 read, 0 parsed: 0 added") ||
		!strings.Contains(stdout, "outside the horizon (feed time before ") || !strings.Contains(stdout, "): 1\n") ||
		!strings.Contains(stdout, "refused, not seed documents: 1 (no feed time comment on line 1: 1)") {
		t.Errorf("ingest: got %q, %v; want 1 outside the horizon, 1 refused", stdout, err)
	}
	if !strings.Contains(stderr, "refused: content: "+filepath.Join(vars["SEEDS_DIR"], "README.md")) {
		t.Errorf("stderr: got %q, want the README refused", stderr)
	}
}

// progressOps is an ops whose Ingest reports progress twice.
type progressOps struct{ *storeOps }

func (progressOps) Ingest(_ context.Context, progress func(ingest.Progress)) (ingestReport, error) {
	progress(ingest.Progress{Running: true, Seen: 10})
	progress(ingest.Progress{Running: true, Seen: 20, Expect: 40, Parsed: 3})
	return ingestReport{Files: 40, Added: 3}, nil
}

func TestIngestProgressThroughSocket(t *testing.T) {
	vars := shellEnv(t)
	os.MkdirAll(filepath.Dir(vars["DB_PATH"]), 0o755)
	ctx, cancel := context.WithCancel(context.Background())
	sock := socketPath(vars["DB_PATH"])
	done, err := serveControl(ctx, sock, progressOps{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); <-done }()

	c, err := dialControl(context.Background(), sock)
	if err != nil {
		t.Fatal(err)
	}
	var seen []int
	r, err := c.Ingest(context.Background(), func(p ingest.Progress) { seen = append(seen, p.Seen) })
	if err != nil || r.Files != 40 || r.Added != 3 {
		t.Errorf("got %+v, %v; want the report", r, err)
	}
	if len(seen) != 2 || seen[0] != 10 || seen[1] != 20 {
		t.Errorf("progress: got %v, want 10 then 20", seen)
	}
}

// failingOps is an ops whose Ingest fails.
type failingOps struct{ *storeOps }

func (failingOps) Ingest(context.Context, func(ingest.Progress)) (ingestReport, error) {
	return ingestReport{}, errors.New("the seeds folder is gone")
}

func TestIngestErrorThroughSocket(t *testing.T) {
	vars := shellEnv(t)
	ctx, cancel := context.WithCancel(context.Background())
	os.MkdirAll(filepath.Dir(vars["DB_PATH"]), 0o755)
	sock := socketPath(vars["DB_PATH"])
	done, err := serveControl(ctx, sock, failingOps{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); <-done }()
	c, err := dialControl(context.Background(), sock)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Ingest(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "the seeds folder is gone") {
		t.Errorf("got %v, want the service's error", err)
	}
}
