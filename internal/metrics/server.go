package metrics

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Handler serves GET /metrics (Prometheus's text format) and GET /healthz
// (200 or 503, with a JSON Health); every other path is 404. A scrape
// whose store can't be read still answers, with newsbot_database_up 0.
func (m *Metrics) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{
		ErrorLog:      errorLog{m.log},
		ErrorHandling: promhttp.ContinueOnError,
		Registry:      m.reg,
	}))
	mux.HandleFunc("GET /healthz", m.serveHealth)
	return mux
}

// errorLog is promhttp's Logger on slog.
type errorLog struct{ log *slog.Logger }

func (l errorLog) Println(v ...any) { l.log.Warn("metrics: " + fmt.Sprint(v...)) }

// shutdownGrace bounds how long Serve waits for requests in flight when
// its context ends.
const shutdownGrace = 3 * time.Second

// Serve listens on addr (host:port; port 0 picks one) and serves h until
// ctx ends; then it stops within seconds and closes done. It returns the
// address it listens on, and an error naming addr when it can't listen.
func Serve(ctx context.Context, addr string, h http.Handler, log *slog.Logger) (bound net.Addr, done <-chan struct{}, err error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("metrics: listen on %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       time.Minute,
	}
	served := make(chan struct{})
	go func() {
		defer close(served)
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics: server stopped", slog.Any("err", err))
		}
	}()
	stopped := make(chan struct{})
	go func() {
		defer close(stopped)
		<-ctx.Done()
		grace, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		if err := srv.Shutdown(grace); err != nil {
			srv.Close()
		}
		<-served
	}()
	return l.Addr(), stopped, nil
}
