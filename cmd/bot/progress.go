package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// A progress shows how far a long task of a shell command got. On a
// terminal it redraws one line in place, at most every redrawEvery: a bar,
// the counts and an ETA when the total is known, the counts and the time so
// far when it is not. Elsewhere (a pipe, a file, a log) it writes a plain
// line at most every plainEvery, so that a log is not flooded and a quick
// task prints nothing.
type progress struct {
	w     io.Writer
	label string
	tty   bool
	now   func() time.Time

	start, last time.Time
	drawn       bool // a terminal line is showing
}

const (
	redrawEvery = 100 * time.Millisecond
	plainEvery  = 5 * time.Second
	barWidth    = 24
)

// newProgress returns a progress labelled label ("seeds") on w;
// isTerminal says whether w is a terminal (isTerminal, or a test's own).
func newProgress(w io.Writer, label string, isTerminal func(io.Writer) bool) *progress {
	p := &progress{w: w, label: label, tty: isTerminal(w), now: time.Now}
	p.start = p.now()
	return p
}

// Update shows that done of total units ("files") are done; total is 0 or
// less when it is unknown, and may be exceeded. detail follows the counts
// ("12 parsed, 3 stored").
func (p *progress) Update(done, total int, unit, detail string) {
	now := p.now()
	every := plainEvery
	if p.tty {
		every = redrawEvery
	}
	if now.Sub(p.last) < every || (!p.tty && now.Sub(p.start) < every) {
		return
	}
	p.last = now
	line := p.line(done, total, unit, detail, now)
	if p.tty {
		fmt.Fprintf(p.w, "\r%s\x1b[K", line)
		p.drawn = true
	} else {
		fmt.Fprintf(p.w, "%s\n", line)
	}
}

// Done clears the terminal line, for the summary that follows.
func (p *progress) Done() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

func (p *progress) line(done, total int, unit, detail string, now time.Time) string {
	elapsed := now.Sub(p.start)
	var b strings.Builder
	b.WriteString(p.label)
	if p.tty {
		b.WriteString(" ")
	} else {
		b.WriteString(": ")
	}
	known := total > 0 && done <= total
	if known {
		if p.tty {
			fill := barWidth * done / total
			fmt.Fprintf(&b, "[%s%s] ", strings.Repeat("#", fill), strings.Repeat("-", barWidth-fill))
		}
		fmt.Fprintf(&b, "%d/%d %s (%d%%)", done, total, unit, 100*done/total)
	} else {
		fmt.Fprintf(&b, "%d %s", done, unit)
	}
	if detail != "" {
		fmt.Fprintf(&b, ", %s", detail)
	}
	fmt.Fprintf(&b, ", %s", round(elapsed))
	if known && done > 0 && done < total {
		eta := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
		fmt.Fprintf(&b, ", ETA %s", round(eta))
	}
	return b.String()
}

// round shortens d for a person: seconds under ten minutes, else minutes.
func round(d time.Duration) time.Duration {
	if d < 10*time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(time.Minute)
}

// isTerminal reports whether w is a terminal (a character device).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
