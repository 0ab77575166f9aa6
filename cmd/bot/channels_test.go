package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/newsbot/newsbot/ingest"
	"github.com/newsbot/newsbot/internal/tgfake"
	"github.com/newsbot/newsbot/state"
)

// addChannels gives the database of vars two channels, one no longer
// active.
func addChannels(t *testing.T, vars map[string]string) {
	t.Helper()
	store, err := state.Open(vars["DB_PATH"])
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	for _, ch := range []struct {
		id              int64
		username, title string
	}{{-1001000000001, "news_cn", "News"}, {-1001000000002, "", "Private news"}} {
		if _, _, err := store.AddChannel(ch.id, ch.username, ch.title, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.Deactivate(-1001000000002, state.Kicked, time.Now()); err != nil {
		t.Fatal(err)
	}
}

func TestChannelsCommand(t *testing.T) {
	fake := tgfake.New(t, tgfake.Options{})
	if err := fake.AddChannel(tgfake.ChannelConfig{ID: -1001000000001, Username: "news_cn", Members: 321,
		BotStatus: "administrator", CanPostMessages: true}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		token bool
		want  []string // lines, in ID order
	}{
		{"without a token", false, []string{"Private news (-1001000000002) kicked, members unknown",
			"@news_cn (-1001000000001) active, members unknown"}},
		{"with Telegram", true, []string{"Private news (-1001000000002) kicked, ",
			"@news_cn (-1001000000001) active, 321 members"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vars := shellEnv(t)
			if out, _, err := runCmd(t, vars, "channels"); err != nil || !strings.HasPrefix(out, "No channels.") {
				t.Errorf("no channels: got %q, %v", out, err)
			}
			addChannels(t, vars)
			if tt.token {
				vars["TELEGRAM_BOT_TOKEN"], vars["TELEGRAM_API_ENDPOINT"] = fake.Token, fake.URL
			}
			out, _, err := runCmd(t, vars, "channels")
			lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			if err != nil || len(lines) != len(tt.want) {
				t.Fatalf("channels: got %q, %v; want %d lines", out, err, len(tt.want))
			}
			for i, want := range tt.want {
				if !strings.HasPrefix(lines[i], want) {
					t.Errorf("channels, line %d: got %q, want %q", i, lines[i], want)
				}
			}
			out, _, err = runCmd(t, vars, "channels", "-json")
			var rs []channelReport
			if err != nil || json.Unmarshal([]byte(out), &rs) != nil || len(rs) != 2 ||
				rs[1].Username != "news_cn" || rs[1].Status != "active" || (rs[1].Members != nil) != tt.token ||
				rs[1].Members != nil && *rs[1].Members != 321 {
				t.Errorf("channels -json: got %q, %v", out, err)
			}
		})
	}
}

func TestChannelsThroughService(t *testing.T) {
	vars := shellEnv(t)
	addChannels(t, vars)
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
	out, _, err := runCmd(t, vars, "channels")
	if err != nil || !strings.Contains(out, "@news_cn (-1001000000001) active") || !strings.Contains(out, "Private news") {
		t.Errorf("channels through the service: got %q, %v", out, err)
	}
	out, _, err = runCmd(t, vars, "stats", "-json")
	var r statsReport
	if err != nil || json.Unmarshal([]byte(out), &r) != nil || r.ActiveByKind["channel"] != 1 || len(r.Channels) != 2 ||
		r.Channels[1].Username != "news_cn" || r.Channels[1].Members != nil {
		t.Errorf("stats -json through the service: got %q, %v", out, err)
	}
	out, _, err = runCmd(t, vars, "stats")
	if err != nil || !strings.Contains(out, "active 1 (private 0, groups 0, channels 1), kicked 1") ||
		!strings.Contains(out, "Channels:\nPrivate news (-1001000000002) kicked\n@news_cn (-1001000000001) active\n") {
		t.Errorf("stats through the service: got %q, %v", out, err)
	}
}
