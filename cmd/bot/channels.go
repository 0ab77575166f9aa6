package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/newsbot/newsbot/bot"
	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/state"
)

// Channels lists the store's channels: through the service's bot, with
// their member counts; else with the counts Telegram gives when this
// process can ask it (see channelsHere).
func (o *storeOps) Channels(ctx context.Context) ([]bot.Channel, error) {
	if o.channels != nil {
		return o.channels(ctx)
	}
	return bot.ChannelsOf(ctx, nil, o.store)
}

// channelsHere lists the channels of store for "bot channels" when no
// service runs: with their member counts when a token is configured and
// Telegram answers, else without (the failure is logged).
func channelsHere(ctx context.Context, cfg *config, store *state.Store, log *slog.Logger) ([]bot.Channel, error) {
	var client *telegram.Client
	if cfg.Token != "" {
		c, err := telegram.New(ctx, telegram.Config{Token: cfg.Token, APIEndpoint: cfg.Endpoint, Logger: log})
		if err != nil {
			log.Warn("channels: Telegram can't be asked the member counts", slog.Any("err", err))
		} else {
			client = c
		}
	}
	return bot.ChannelsOf(ctx, client, store)
}

func runChannels(ctx context.Context, args []string, env *environ) error {
	fs := newFlagSet(env, "channels", "[-json]",
		"Lists the channels the bot publishes to (added with /addchannel), active or not,\n"+
			"with their member counts when Telegram can be asked.")
	asJSON := fs.Bool("json", false, "print JSON, for scripts")
	if help, err := parseFlags(fs, args); help || err != nil {
		return err
	}
	return shellCommand(ctx, env, func(o ops) error {
		chs, err := o.Channels(ctx)
		if err != nil {
			return fmt.Errorf("channels: %w", err)
		}
		if *asJSON {
			rs := make([]channelReport, 0, len(chs))
			for _, ch := range chs {
				rs = append(rs, newChannelReport(ch))
			}
			enc := json.NewEncoder(env.stdout)
			enc.SetIndent("", "  ")
			return enc.Encode(rs)
		}
		if len(chs) == 0 {
			_, err = fmt.Fprintln(env.stdout, "No channels. A bot admin adds one with /addchannel @name in a private chat with the bot.")
			return err
		}
		_, err = fmt.Fprintln(env.stdout, bot.ChannelsText(chs, bot.LangEN))
		return err
	})
}

// channelReport is a channel for "channels -json".
type channelReport struct {
	ID       int64    `json:"id"`
	Username string   `json:"username,omitempty"`
	Title    string   `json:"title,omitempty"`
	Status   string   `json:"status"`
	Since    string   `json:"since"`
	Members  *int     `json:"members"`           // null when unknown
	Outlets  []string `json:"outlets,omitempty"` // absent: every outlet
	Lang     string   `json:"lang,omitempty"`
}

func newChannelReport(ch bot.Channel) channelReport {
	r := channelReport{ID: ch.Chat, Username: ch.Username, Title: ch.Title, Status: ch.Status.String(),
		Since: ch.StatusChanged.Format(time.RFC3339), Outlets: ch.Outlets, Lang: ch.Lang}
	if ch.Members >= 0 {
		n := ch.Members
		r.Members = &n
	}
	return r
}
