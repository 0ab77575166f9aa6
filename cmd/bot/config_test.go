package main

import (
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/bot/telegraph"
)

func TestLoadConfigDefaults(t *testing.T) {
	c, err := loadConfig(env(map[string]string{"TELEGRAM_BOT_TOKEN": "123:abc"}), true)
	if err != nil {
		t.Fatalf("loadConfig: %v", err)
	}
	want := &config{
		Token:             "123:abc",
		SeedsDir:          "./seeds",
		DBPath:            "./data/bot.db",
		Endpoint:          telegram.DefaultAPIEndpoint,
		RateLimit:         25,
		MaxPerBroadcast:   3,
		MaxAge:            168 * time.Hour,
		ScanInterval:      time.Minute,
		IngestMaxAge:      720 * time.Hour,
		BroadcastInterval: 0,
		Retention:         720 * time.Hour,
		LogLevel:          slog.LevelInfo,
		LogFormat:         "text",
		TelegraphEndpoint: telegraph.DefaultEndpoint,
	}
	if !reflect.DeepEqual(c, want) {
		t.Errorf("got %+v, want %+v", c, want)
	}
}

func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name    string
		vars    map[string]string
		check   func(*config) bool
		wantErr string // substring; "" means no error
	}{
		{"admins", map[string]string{"ADMIN_IDS": "12345, 678;9"},
			func(c *config) bool { return reflect.DeepEqual(c.AdminIDs, []int64{12345, 678, 9}) }, ""},
		{"username as admin", map[string]string{"ADMIN_IDS": "@alice"}, nil,
			`ADMIN_IDS="@alice": want numeric Telegram user IDs`},
		{"endpoint trailing slash", map[string]string{"TELEGRAM_API_ENDPOINT": "http://127.0.0.1:8081/"},
			func(c *config) bool { return c.Endpoint == "http://127.0.0.1:8081" }, ""},
		{"endpoint without scheme", map[string]string{"TELEGRAM_API_ENDPOINT": "127.0.0.1:8081"}, nil,
			"TELEGRAM_API_ENDPOINT"},
		{"rate", map[string]string{"RATE_LIMIT": "28.5"},
			func(c *config) bool { return c.RateLimit == 28.5 }, ""},
		{"rate zero", map[string]string{"RATE_LIMIT": "0"}, nil, "RATE_LIMIT"},
		{"rate above the free limit", map[string]string{"RATE_LIMIT": "100"}, nil, "PAID_BROADCAST=true lifts it"},
		{"paid broadcast", map[string]string{"RATE_LIMIT": "1000", "PAID_BROADCAST": "true"},
			func(c *config) bool { return c.RateLimit == 1000 && c.PaidBroadcast }, ""},
		{"paid broadcast, not a bool", map[string]string{"PAID_BROADCAST": "yes please"}, nil, "PAID_BROADCAST"},
		{"cap", map[string]string{"MAX_PER_BROADCAST": "0"}, nil, "MAX_PER_BROADCAST"},
		{"max age off", map[string]string{"MAX_AGE": "0"},
			func(c *config) bool { return c.MaxAge == 0 }, ""},
		{"ingest horizon off", map[string]string{"INGEST_MAX_AGE": "0"},
			func(c *config) bool { return c.IngestMaxAge == 0 }, ""},
		{"ingest horizon in days", map[string]string{"INGEST_MAX_AGE": "30d"}, nil, "INGEST_MAX_AGE"},
		{"duration without unit", map[string]string{"SCAN_INTERVAL": "60"}, nil,
			`SCAN_INTERVAL="60": want a Go duration`},
		{"negative duration", map[string]string{"RETENTION": "-1h"}, nil, "RETENTION"},
		{"log level", map[string]string{"LOG_LEVEL": "DEBUG", "LOG_FORMAT": "JSON"},
			func(c *config) bool { return c.LogLevel == slog.LevelDebug && c.LogFormat == "json" }, ""},
		{"bad log format", map[string]string{"LOG_FORMAT": "xml"}, nil, "LOG_FORMAT"},
		{"metrics", map[string]string{"METRICS_ADDR": "127.0.0.1:9464"},
			func(c *config) bool { return c.MetricsAddr == "127.0.0.1:9464" }, ""},
		{"metrics on every interface", map[string]string{"METRICS_ADDR": ":9464"},
			func(c *config) bool { return c.MetricsAddr == ":9464" }, ""},
		{"metrics without a port", map[string]string{"METRICS_ADDR": "localhost"}, nil,
			`METRICS_ADDR="localhost": want host:port`},
		{"metrics with a URL", map[string]string{"METRICS_ADDR": "http://127.0.0.1:9464"}, nil, "METRICS_ADDR"},
		{"telegraph on", map[string]string{"TELEGRAPH": "ON", "TELEGRAPH_TOKEN": " tok ", "TELEGRAPH_ENDPOINT": "http://127.0.0.1:9/"},
			func(c *config) bool {
				return c.Telegraph && c.TelegraphToken == "tok" && c.TelegraphEndpoint == "http://127.0.0.1:9"
			}, ""},
		{"telegraph true", map[string]string{"TELEGRAPH": "true"}, func(c *config) bool { return c.Telegraph }, ""},
		{"telegraph off", map[string]string{"TELEGRAPH": "off"}, func(c *config) bool { return !c.Telegraph }, ""},
		{"telegraph maybe", map[string]string{"TELEGRAPH": "maybe"}, nil, `TELEGRAPH="maybe": want on or off`},
		{"telegraph endpoint without scheme", map[string]string{"TELEGRAPH_ENDPOINT": "api.telegra.ph"}, nil,
			"TELEGRAPH_ENDPOINT"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.vars["TELEGRAM_BOT_TOKEN"] = "123:abc"
			c, err := loadConfig(env(tt.vars), true)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("got error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("loadConfig: %v", err)
			}
			if !tt.check(c) {
				t.Errorf("got %+v", c)
			}
		})
	}
}

func TestLoadConfigReportsEveryError(t *testing.T) {
	_, err := loadConfig(env(map[string]string{"RATE_LIMIT": "fast", "MAX_AGE": "week"}), true)
	if !errors.Is(err, errNoToken) {
		t.Errorf("got %v, want errNoToken among the errors", err)
	}
	for _, want := range []string{"@BotFather", ".env", "RATE_LIMIT", "MAX_AGE"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q: %v", want, err)
		}
	}
}

func TestLoadConfigOfflineNeedsNoToken(t *testing.T) {
	if _, err := loadConfig(env(nil), false); err != nil {
		t.Errorf("got %v, want no error without a token when none is needed", err)
	}
}

func TestWithDotenv(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	data := "# comment\nTELEGRAM_BOT_TOKEN=\"from-file\"\nexport RATE_LIMIT=10\nMAX_AGE=1h\n"
	if err := os.WriteFile(path, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv, err := withDotenv(env(map[string]string{"MAX_AGE": "2h"}), path)
	if err != nil {
		t.Fatal(err)
	}
	for k, want := range map[string]string{"TELEGRAM_BOT_TOKEN": "from-file", "RATE_LIMIT": "10", "MAX_AGE": "2h", "LOG_LEVEL": ""} {
		if got := getenv(k); got != want {
			t.Errorf("%s: got %q, want %q (the environment wins over .env)", k, got, want)
		}
	}

	if _, err := withDotenv(env(nil), filepath.Join(t.TempDir(), "missing")); err != nil {
		t.Errorf("missing .env: got %v, want no error", err)
	}
}

func TestEnvExampleListsEveryVariable(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", ".env.example"))
	if err != nil {
		t.Fatal(err)
	}
	example := string(data)
	names := []string{"TELEGRAM_BOT_TOKEN", "ADMIN_IDS", "TELEGRAPH_TOKEN"}
	for name := range defaults {
		names = append(names, name)
	}
	for _, name := range names {
		want := name + "=" + defaults[name]
		if !strings.Contains(example, "\n"+want+"\n") {
			t.Errorf(".env.example lacks the line %q", want)
		}
	}
}

func TestWithDotenvHidesValues(t *testing.T) {
	path := filepath.Join(t.TempDir(), ".env")
	if err := os.WriteFile(path, []byte("TELEGRAM_BOT_TOKEN=\"123456:SECRET\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := withDotenv(env(nil), path)
	if err == nil || strings.Contains(err.Error(), "SECRET") || !strings.Contains(err.Error(), path) {
		t.Errorf("got %v, want an error naming the file without its values", err)
	}
}
