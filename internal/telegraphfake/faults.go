package telegraphfake

import (
	"net/http"
	"strconv"
)

// A Fault is what the server answers instead of doing what was asked:
// Telegraph's error answer (Error), a proxy's 502 page (BadGateway), a
// connection closed without an answer (Reset), or no answer at all (Hang).
type Fault struct {
	// Error is the error string of an {"ok":false} answer ("FLOOD_WAIT_5").
	Error string
	// Status is that answer's HTTP status; default 200, as Telegraph's.
	Status int
	// BadGateway answers 502 with an HTML page.
	BadGateway bool
	// Reset closes the connection without answering.
	Reset bool
	// Hang never answers: the request waits until the client gives up or
	// the server closes.
	Hang bool
}

// FloodWait is Telegraph's flood control: FLOOD_WAIT_<seconds>.
func FloodWait(seconds int) Fault { return Fault{Error: "FLOOD_WAIT_" + strconv.Itoa(seconds)} }

// BadGateway is a proxy's 502 HTML page, as when Telegraph is down.
func BadGateway() Fault { return Fault{BadGateway: true} }

// Reset is a connection closed before any answer.
func Reset() Fault { return Fault{Reset: true} }

// Hang is a request never answered.
func Hang() Fault { return Fault{Hang: true} }

// Answer is Telegraph's error answer code, e.g. PAGE_SAVE_FAILED.
func Answer(code string) Fault { return Fault{Error: code} }

// rule is an injected fault.
type rule struct {
	method string // "" for every method
	fault  Fault
	left   int // calls left; <= 0 for every call
}

// Fail makes the calls of method ("" for every method) answer with f: the
// next n of them, or every one until ClearFaults when n <= 0. The rule
// injected last is tried first. A call answered with a fault changes
// nothing.
func (s *Server) Fail(method string, f Fault, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = append(s.rules, &rule{method: method, fault: f, left: n})
}

// Outage makes every call fail with f (BadGateway, Reset, Hang) until
// ClearFaults.
func (s *Server) Outage(f Fault) { s.Fail("", f, 0) }

// FloodWait makes the next n calls, of any method, answer FLOOD_WAIT_<seconds>.
func (s *Server) FloodWait(seconds, n int) { s.Fail("", FloodWait(seconds), n) }

// ClearFaults removes every injected fault: the outage is over.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = nil
}

// Faulted is how many calls were answered with a fault.
func (s *Server) Faulted() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faulted
}

// faultFor is the fault to answer a call of method with, or nil; s.mu must
// be held.
func (s *Server) faultFor(method string) *Fault {
	for i := len(s.rules) - 1; i >= 0; i-- {
		r := s.rules[i]
		if r.method != "" && r.method != method {
			continue
		}
		if r.left > 0 {
			r.left--
			if r.left == 0 {
				s.rules = append(s.rules[:i], s.rules[i+1:]...)
			}
		}
		s.faulted++
		f := r.fault
		return &f
	}
	return nil
}

// fail answers with f.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, f *Fault) {
	switch {
	case f.Hang:
		select {
		case <-r.Context().Done():
		case <-s.done:
		}
		abort(w)
	case f.Reset:
		abort(w)
	case f.BadGateway:
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadGateway)
		_, _ = w.Write([]byte("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>\n"))
	default:
		status := f.Status
		if status == 0 {
			status = http.StatusOK
		}
		writeAnswer(w, status, answer{Error: f.Error})
	}
}

// abort closes the request's connection without an answer.
func abort(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
