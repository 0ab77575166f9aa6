package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// healthTimeout bounds the health check's request.
const healthTimeout = 5 * time.Second

// errNoMetrics is returned by the health check without METRICS_ADDR.
var errNoMetrics = errors.New("healthcheck: METRICS_ADDR is empty, so the service serves no /healthz: set it (e.g. 127.0.0.1:9464) to use the health check")

// runHealthcheck asks the running service's /healthz, for Docker's
// HEALTHCHECK in an image without a shell or curl: it prints the answer
// and succeeds on 200.
func runHealthcheck(ctx context.Context, args []string, env *environ) error {
	fs := newFlagSet(env, "healthcheck", "",
		"Asks the running service's http://METRICS_ADDR/healthz and exits 0 when it answers 200,\n"+
			"1 otherwise (for Docker's HEALTHCHECK and other supervisors).")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	cfg, err := loadConfig(env.getenv, false)
	if err != nil {
		return err
	}
	if cfg.MetricsAddr == "" {
		return errNoMetrics
	}
	u := "http://" + dialAddr(cfg.MetricsAddr) + "/healthz"
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("healthcheck: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if err != nil {
		return fmt.Errorf("healthcheck: %s: %w", u, err)
	}
	text := strings.TrimSpace(string(body))
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("healthcheck: unhealthy: %s: %s", resp.Status, text)
	}
	fmt.Fprintln(env.stdout, text)
	return nil
}

// dialAddr is where to reach a server listening on addr: an address on
// every interface (":9464", "0.0.0.0:9464", "[::]:9464") is reached on
// loopback.
func dialAddr(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	switch host {
	case "", "0.0.0.0":
		host = "127.0.0.1"
	case "::":
		host = "::1"
	}
	return net.JoinHostPort(host, port)
}
