package main

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"
)

// fakeClock is a clock that the test moves.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func isTTY(tty bool) func(io.Writer) bool    { return func(io.Writer) bool { return tty } }

// newTestProgress is a progress on a buffer, on a terminal or not, with a
// fake clock.
func newTestProgress(tty bool) (*progress, *bytes.Buffer, *fakeClock) {
	var out bytes.Buffer
	p := newProgress(&out, "seeds", isTTY(tty))
	c := &fakeClock{t: time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)}
	p.now, p.start = c.now, c.t
	return p, &out, c
}

func TestProgressTerminal(t *testing.T) {
	p, out, clock := newTestProgress(true)
	p.Update(0, 100, "files", "0 parsed")
	clock.advance(50 * time.Millisecond)
	p.Update(10, 100, "files", "1 parsed") // too soon: not drawn
	clock.advance(10 * time.Second)
	p.Update(50, 100, "files", "5 parsed")
	clock.advance(time.Second)
	p.Update(150, 0, "files", "")
	p.Done()

	draws := strings.Split(out.String(), "\r")
	want := []string{
		"",
		"seeds [------------------------] 0/100 files (0%), 0 parsed, 0s\x1b[K",
		"seeds [############------------] 50/100 files (50%), 5 parsed, 10s, ETA 10s\x1b[K",
		"seeds 150 files, 11s\x1b[K",
		"\x1b[K",
	}
	if len(draws) != len(want) {
		t.Fatalf("got %q, want %q", draws, want)
	}
	for i := range want {
		if draws[i] != want[i] {
			t.Errorf("draw %d: got %q, want %q", i, draws[i], want[i])
		}
	}
}

func TestProgressPlain(t *testing.T) {
	p, out, clock := newTestProgress(false)
	p.Update(10, 0, "files", "1 parsed")
	clock.advance(time.Second)
	p.Update(20, 0, "files", "2 parsed")
	p.Done()
	if out.Len() != 0 {
		t.Errorf("a quick task: got %q, want nothing", out.String())
	}
	clock.advance(5 * time.Second)
	p.Update(30, 60, "files", "3 parsed")
	clock.advance(time.Second)
	p.Update(40, 60, "files", "4 parsed") // within 5 s of the last line
	clock.advance(5 * time.Second)
	p.Update(60, 60, "files", "6 parsed")
	p.Done()
	want := "seeds: 30/60 files (50%), 3 parsed, 6s, ETA 6s\n" +
		"seeds: 60/60 files (100%), 6 parsed, 12s\n"
	if got := out.String(); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestIsTerminal(t *testing.T) {
	if isTerminal(&bytes.Buffer{}) {
		t.Error("a buffer is no terminal")
	}
}
