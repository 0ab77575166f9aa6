package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/bot/telegraph"
)

// config is the bot's configuration, read once from the environment.
type config struct {
	Token             string
	AdminIDs          []int64
	SeedsDir          string
	DBPath            string
	Endpoint          string
	RateLimit         float64
	PaidBroadcast     bool
	MaxPerBroadcast   int
	MaxAge            time.Duration
	ScanInterval      time.Duration
	IngestMaxAge      time.Duration
	BroadcastInterval time.Duration
	Retention         time.Duration
	LogLevel          slog.Level
	LogFormat         string
	MetricsAddr       string // host:port of /metrics and /healthz; "" for none
	// Telegraph publishes an Instant View page of every article
	// (TELEGRAPH=on), with TelegraphToken's account when it is given, at
	// TelegraphEndpoint.
	Telegraph         bool
	TelegraphToken    string
	TelegraphEndpoint string
}

// defaults are the value of every variable that has one; .env.example
// repeats them, and a test keeps the two in step.
var defaults = map[string]string{
	"SEEDS_DIR":             "./seeds",
	"DB_PATH":               "./data/bot.db",
	"TELEGRAM_API_ENDPOINT": telegram.DefaultAPIEndpoint,
	"RATE_LIMIT":            "25",
	"PAID_BROADCAST":        "false",
	"MAX_PER_BROADCAST":     "3",
	"MAX_AGE":               "168h",
	"SCAN_INTERVAL":         "1m",
	"INGEST_MAX_AGE":        "720h",
	"BROADCAST_INTERVAL":    "0",
	"RETENTION":             "720h",
	"LOG_LEVEL":             "info",
	"LOG_FORMAT":            "text",
	"METRICS_ADDR":          "",
	"TELEGRAPH":             "off",
	"TELEGRAPH_ENDPOINT":    telegraph.DefaultEndpoint,
}

// errNoToken explains how to get a token; it is returned when a command that
// talks to Telegram runs without one.
var errNoToken = errors.New(`TELEGRAM_BOT_TOKEN is not set.
  1. In Telegram, talk to @BotFather, send /newbot and follow its questions;
     it answers with a token like 123456789:AAH...
  2. Put it in a file named .env in this folder (copy .env.example):
         TELEGRAM_BOT_TOKEN=123456789:AAH...
     or export it in the environment.`)

// withDotenv returns a getenv that reads the environment first and the
// variables of the .env file at path second. A missing file is no error.
func withDotenv(getenv func(string) string, path string) (func(string) string, error) {
	vars, err := godotenv.Read(path)
	if errors.Is(err, os.ErrNotExist) {
		return getenv, nil
	}
	if err != nil {
		// godotenv quotes the offending values, the token among them.
		return nil, fmt.Errorf("read %s: a line is malformed: check its quotes and escapes (values are not shown, as they may be secret)", path)
	}
	return func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return vars[k]
	}, nil
}

// loadConfig reads the configuration through getenv. The token is only
// checked when needToken is set: offline commands run without one. Errors
// name the variable and what it expects.
func loadConfig(getenv func(string) string, needToken bool) (*config, error) {
	p := parser{getenv: getenv}
	c := &config{
		Token:             strings.TrimSpace(getenv("TELEGRAM_BOT_TOKEN")),
		AdminIDs:          p.ids("ADMIN_IDS"),
		SeedsDir:          p.str("SEEDS_DIR"),
		DBPath:            p.str("DB_PATH"),
		Endpoint:          p.endpoint("TELEGRAM_API_ENDPOINT"),
		RateLimit:         p.rate("RATE_LIMIT"),
		PaidBroadcast:     p.boolean("PAID_BROADCAST"),
		MaxPerBroadcast:   p.positive("MAX_PER_BROADCAST"),
		MaxAge:            p.duration("MAX_AGE"),
		ScanInterval:      p.duration("SCAN_INTERVAL"),
		IngestMaxAge:      p.duration("INGEST_MAX_AGE"),
		BroadcastInterval: p.duration("BROADCAST_INTERVAL"),
		Retention:         p.duration("RETENTION"),
		LogLevel:          p.level("LOG_LEVEL"),
		LogFormat:         p.oneOf("LOG_FORMAT", "text", "json"),
		Telegraph:         p.onOff("TELEGRAPH"),
		TelegraphToken:    strings.TrimSpace(getenv("TELEGRAPH_TOKEN")),
		TelegraphEndpoint: p.webBase("TELEGRAPH_ENDPOINT", "the base URL of a Telegraph API server, like "+telegraph.DefaultEndpoint),
		MetricsAddr:       p.addr("METRICS_ADDR"),
	}
	if c.RateLimit > freeRate && !c.PaidBroadcast {
		p.fail("RATE_LIMIT", p.str("RATE_LIMIT"), fmt.Sprintf("at most %d: Telegram lets a bot send about 30 messages a second for free "+
			"(PAID_BROADCAST=true lifts it to 1000, at a cost in Stars)", freeRate))
	}
	if needToken && c.Token == "" {
		p.errs = append([]error{errNoToken}, p.errs...)
	}
	if err := errors.Join(p.errs...); err != nil {
		return nil, fmt.Errorf("configuration: %w", err)
	}
	return c, nil
}

// freeRate is the highest RATE_LIMIT without paid broadcasts: Telegram's
// limit is about 30 messages a second, and readers' answers need room.
const freeRate = 30

// parser reads variables and collects every error, so one run reports them all.
type parser struct {
	getenv func(string) string
	errs   []error
}

func (p *parser) str(name string) string {
	if v := strings.TrimSpace(p.getenv(name)); v != "" {
		return v
	}
	return defaults[name]
}

func (p *parser) fail(name, v, want string) {
	p.errs = append(p.errs, fmt.Errorf("%s=%q: want %s", name, v, want))
}

func (p *parser) ids(name string) []int64 {
	v := p.str(name)
	var ids []int64
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		id, err := strconv.ParseInt(f, 10, 64)
		if err != nil || id <= 0 {
			p.fail(name, v, "numeric Telegram user IDs separated by commas, like 12345678,87654321 (not @usernames; @userinfobot tells you yours)")
			return nil
		}
		ids = append(ids, id)
	}
	return ids
}

func (p *parser) endpoint(name string) string {
	return p.webBase(name, "the base URL of a Bot API server, like https://api.telegram.org or http://127.0.0.1:8081")
}

// webBase reads an http or https base URL, without a trailing slash.
func (p *parser) webBase(name, want string) string {
	v := strings.TrimRight(p.str(name), "/")
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" {
		p.fail(name, v, want)
	}
	return v
}

// onOff reads a switch: on or off (also true/false, yes/no, 1/0).
func (p *parser) onOff(name string) bool {
	v := strings.ToLower(p.str(name))
	switch v {
	case "on", "true", "yes", "1":
		return true
	case "off", "false", "no", "0":
		return false
	}
	p.fail(name, v, "on or off")
	return false
}

func (p *parser) rate(name string) float64 {
	v := p.str(name)
	r, err := strconv.ParseFloat(v, 64)
	if err != nil || r <= 0 || r > 1000 {
		p.fail(name, v, "messages per second, a number above 0 and at most 1000 (Telegram allows about 30)")
	}
	return r
}

func (p *parser) boolean(name string) bool {
	v := p.str(name)
	b, err := strconv.ParseBool(v)
	if err != nil {
		p.fail(name, v, "true or false")
	}
	return b
}

func (p *parser) positive(name string) int {
	v := p.str(name)
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		p.fail(name, v, "a whole number of at least 1")
	}
	return n
}

func (p *parser) duration(name string) time.Duration {
	v := p.str(name)
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		p.fail(name, v, "a Go duration such as 90s, 1m or 168h (0 to turn it off)")
	}
	return d
}

func (p *parser) level(name string) slog.Level {
	v := p.str(name)
	var l slog.Level
	if err := l.UnmarshalText([]byte(v)); err != nil {
		p.fail(name, v, "debug, info, warn or error")
	}
	return l
}

// addr reads a listening address, host:port; empty is none.
func (p *parser) addr(name string) string {
	v := p.str(name)
	if v == "" {
		return ""
	}
	_, port, err := net.SplitHostPort(v)
	if n, perr := strconv.Atoi(port); err != nil || perr != nil || n < 0 || n > 65535 {
		p.fail(name, v, "host:port to listen on, like 127.0.0.1:9464 (empty: off)")
	}
	return v
}

func (p *parser) oneOf(name string, choices ...string) string {
	v := strings.ToLower(p.str(name))
	for _, c := range choices {
		if v == c {
			return v
		}
	}
	p.fail(name, v, strings.Join(choices, " or "))
	return v
}
