package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/state"
)

// shellEnv is the environment of a shell command: a seeds folder holding the
// repository's seed document, from 2023 and so with no ingest horizon, and a
// database path in a temporary folder.
func shellEnv(t *testing.T) map[string]string {
	t.Helper()
	dir := seedFolder(t)
	os.Remove(filepath.Join(dir, "b.txt"))
	return map[string]string{"SEEDS_DIR": dir, "DB_PATH": filepath.Join(t.TempDir(), "data", "bot.db"), "INGEST_MAX_AGE": "0"}
}

// checkShellCommands runs ingest, stats and backup and checks what they say.
func checkShellCommands(t *testing.T, vars map[string]string) {
	t.Helper()
	stdout, _, err := runCmd(t, vars, "ingest")
	if err != nil || !strings.Contains(stdout, "1 files seen, 1 read, 1 parsed: 1 added") {
		t.Errorf("ingest: got %q, %v; want 1 added", stdout, err)
	}
	stdout, _, err = runCmd(t, vars, "stats")
	if err != nil || !strings.Contains(stdout, "Articles: 1\n") {
		t.Errorf("stats: got %q, %v; want 1 article", stdout, err)
	}
	stdout, _, err = runCmd(t, vars, "stats", "-json")
	var r statsReport
	if err != nil || json.Unmarshal([]byte(stdout), &r) != nil || r.Articles != 1 || r.Subscribers["active"] != 0 {
		t.Errorf("stats -json: got %q, %v; want JSON with 1 article", stdout, err)
	}

	dst := filepath.Join(t.TempDir(), "copy.db")
	stdout, _, err = runCmd(t, vars, "backup", dst)
	if err != nil || !strings.Contains(stdout, "bytes written to "+dst) {
		t.Fatalf("backup: got %q, %v", stdout, err)
	}
	copy, err := state.Open(dst)
	if err != nil {
		t.Fatalf("open the backup: %v", err)
	}
	defer copy.Close()
	if st, err := copy.Stats(); err != nil || st.Articles != 1 {
		t.Errorf("backup holds %+v, %v; want 1 article", st, err)
	}
}

func TestShellCommandsWithoutService(t *testing.T) {
	checkShellCommands(t, shellEnv(t))
}

func TestShellCommandsThroughService(t *testing.T) {
	vars := shellEnv(t)
	store, err := state.Open(vars["DB_PATH"]) // held, as the service holds it
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	ctx, cancel := context.WithCancel(context.Background())
	o := &storeOps{store: store, library: ingest.NewLibrary(vars["SEEDS_DIR"], store)}
	done, err := serveControl(ctx, socketPath(vars["DB_PATH"]), o, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { cancel(); <-done }()

	fi, err := os.Stat(socketPath(vars["DB_PATH"]))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("control socket: got %v, %v; want mode 0600", fi.Mode(), err)
	}
	checkShellCommands(t, vars)

	// Errors of the service reach the shell.
	_, _, err = runCmd(t, vars, "backup", filepath.Join(t.TempDir(), "no", "such", "folder", "x.db"))
	if err == nil {
		t.Error("backup into a missing folder: got no error")
	}
}

func TestShellCommandDatabaseHeldWithoutSocket(t *testing.T) {
	vars := shellEnv(t)
	store, err := state.Open(vars["DB_PATH"])
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	_, _, err = runCmd(t, vars, "stats")
	if !errors.Is(err, state.ErrLocked) || !strings.Contains(err.Error(), "control socket") {
		t.Errorf("got %v, want ErrLocked saying the control socket does not answer", err)
	}
}

func TestShellCommandStaleSocket(t *testing.T) {
	vars := shellEnv(t)
	os.MkdirAll(filepath.Dir(vars["DB_PATH"]), 0o755)
	l, err := net.Listen("unix", socketPath(vars["DB_PATH"]))
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close() // the file stays, as after a crash
	if _, err := os.Stat(socketPath(vars["DB_PATH"])); err != nil {
		t.Fatalf("socket file: %v", err)
	}
	checkShellCommands(t, vars)
}

func TestBackupUsage(t *testing.T) {
	_, stderr, err := runCmd(t, shellEnv(t), "backup")
	if !errors.Is(err, errUsage) || !strings.Contains(stderr, "Usage: bot backup FILE") {
		t.Errorf("got %v, %q; want the usage", err, stderr)
	}
}
