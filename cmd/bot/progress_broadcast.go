package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"
)

// This file is the progress of "bot broadcast". Its waitProgress has the
// shape of the progress writer written for "bot ingest" on another branch
// (newProgress, Update, Done); once that one is on main, followBroadcast
// takes it and this writer goes.

// A waitProgress shows how far a long task of a shell command got. On a
// terminal it redraws one line in place, at most every waitRedrawEvery: a
// bar, the counts and an ETA when the total is known, the counts and the
// time so far when it is not. Elsewhere (a pipe, a file, a log) it writes
// a plain line at most every waitPlainEvery, so that a log is not flooded
// and a quick task prints nothing.
type waitProgress struct {
	w     io.Writer
	label string
	tty   bool
	now   func() time.Time

	start, last time.Time
	drawn       bool // a terminal line is showing
}

const (
	waitRedrawEvery = 100 * time.Millisecond
	waitPlainEvery  = 5 * time.Second
	waitBarWidth    = 24
)

// newWaitProgress returns a waitProgress labelled label ("broadcast") on
// w; isTerminal says whether w is a terminal (isTerminalFile, or a test's
// own).
func newWaitProgress(w io.Writer, label string, isTerminal func(io.Writer) bool) *waitProgress {
	p := &waitProgress{w: w, label: label, tty: isTerminal(w), now: time.Now}
	p.start = p.now()
	return p
}

// Update shows that done of total units ("messages") are done; total is 0
// or less when it is unknown. detail follows the counts.
func (p *waitProgress) Update(done, total int, unit, detail string) {
	now := p.now()
	every := waitPlainEvery
	if p.tty {
		every = waitRedrawEvery
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
func (p *waitProgress) Done() {
	if p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

func (p *waitProgress) line(done, total int, unit, detail string, now time.Time) string {
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
			fill := waitBarWidth * done / total
			fmt.Fprintf(&b, "[%s%s] ", strings.Repeat("#", fill), strings.Repeat("-", waitBarWidth-fill))
		}
		fmt.Fprintf(&b, "%d/%d %s (%d%%)", done, total, unit, 100*done/total)
	} else {
		fmt.Fprintf(&b, "%d %s", done, unit)
	}
	if detail != "" {
		fmt.Fprintf(&b, ", %s", detail)
	}
	fmt.Fprintf(&b, ", %s", forPeople(elapsed))
	if known && done > 0 && done < total {
		eta := time.Duration(float64(elapsed) * float64(total-done) / float64(done))
		fmt.Fprintf(&b, ", ETA %s", forPeople(eta))
	}
	return b.String()
}

// forPeople shortens d for a person: seconds under ten minutes, else
// minutes.
func forPeople(d time.Duration) time.Duration {
	if d < 10*time.Minute {
		return d.Round(time.Second)
	}
	return d.Round(time.Minute)
}

// isTerminalFile reports whether w is a terminal (a character device).
func isTerminalFile(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// broadcastPollEvery is how often a waiting "bot broadcast" reads the
// running broadcast's counts.
const broadcastPollEvery = 200 * time.Millisecond

// A progressLine shows a long task's progress: a waitProgress, or the
// ingest's progress writer.
type progressLine interface {
	Update(done, total int, unit, detail string)
	Done()
}

// followBroadcast asks o for a broadcast (see ops.Broadcast) and, until
// it answers, shows the running broadcast's progress on pr, read from
// o.Stats every poll: messages done of planned, with the sent, failed and
// unknown among them. It returns Broadcast's answer.
func followBroadcast(ctx context.Context, o ops, wait bool, pr progressLine, poll time.Duration) (broadcastReport, error) {
	type result struct {
		r   broadcastReport
		err error
	}
	answered := make(chan result, 1)
	go func() {
		r, err := o.Broadcast(ctx, wait)
		answered <- result{r, err}
	}()
	defer pr.Done()
	tick := time.NewTicker(poll)
	defer tick.Stop()
	for {
		select {
		case res := <-answered:
			return res.r, res.err
		case <-tick.C:
		}
		st, err := o.Stats(ctx)
		if err != nil || st.LastBroadcast == nil || !st.LastBroadcast.Finished.IsZero() {
			continue // not planned yet, or over: the answer is on its way
		}
		b := st.LastBroadcast
		done := b.Sent + b.Failed + b.Unknown
		pr.Update(done, done+b.Pending+b.Sending, "messages",
			fmt.Sprintf("%d sent, %d failed, %d unknown, to %d chats", b.Sent, b.Failed, b.Unknown, b.Chats))
	}
}
