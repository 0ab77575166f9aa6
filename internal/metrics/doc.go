// Package metrics serves the bot's figures to Prometheus and its health to
// supervisors: /metrics in Prometheus's text format, and /healthz, 200 or
// 503 with a short JSON body. Neither carries a secret: no token, no chat
// ID, no URL; every label takes one of a few values fixed by the code.
//
// # Basics
//
// New builds a Metrics on a state.Store. Most figures are read from the
// store when Prometheus scrapes (subscribers by kind of chat and status,
// articles stored, the ledger's entries by state, the running broadcast's
// progress); the rest come from three hooks that the caller wires:
// Metrics.ObserveCall as telegram.Config.Observe (requests by method and
// outcome, latency, 429s, and the last successful poll for /healthz),
// Metrics itself as bot.Options.Events (deliveries, photo fallbacks, 429
// pauses, broadcasts), and Metrics.ObserveScan after each scan of the seeds
// folder. Metrics.Handler serves both endpoints; Serve runs an HTTP server
// with it until a context ends.
//
// Metric names start with newsbot_; counters end in _total; times are in
// seconds. The Go runtime's and the process's collectors are included, and
// newsbot_build_info carries the version.
//
// # Caveats
//
// A chat's kind (private, group, channel) is the one the store keeps: a
// supergroup is a group. Counting subscribers by kind and status visits
// every subscriber's record at each scrape, in one read transaction: cheap,
// but it grows with their number.
//
// Counters start at zero with the process; Prometheus's rate() and
// increase() take the restarts in their stride.
package metrics
