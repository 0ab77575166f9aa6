package main

import (
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// newLogger is the service's logger: text or JSON on w at the configured
// level. Whatever reaches it, the token is replaced by "[token]": the bot
// package already keeps it out of its errors, and this is the second lock.
func newLogger(cfg *config, w io.Writer) *slog.Logger {
	redact := func(s string) string { return s }
	if cfg.Token != "" {
		redact = strings.NewReplacer(cfg.Token, "[token]").Replace
	}
	opts := &slog.HandlerOptions{
		Level: cfg.LogLevel,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			switch a.Value.Kind() {
			case slog.KindString:
				a.Value = slog.StringValue(redact(a.Value.String()))
			case slog.KindAny:
				switch v := a.Value.Any().(type) {
				case error:
					a.Value = slog.StringValue(redact(v.Error()))
				case fmt.Stringer:
					a.Value = slog.StringValue(redact(v.String()))
				}
			}
			return a
		},
	}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if cfg.LogFormat == "json" {
		h = slog.NewJSONHandler(w, opts)
	}
	return slog.New(h)
}
