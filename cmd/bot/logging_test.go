package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
)

func TestLoggerRedactsToken(t *testing.T) {
	const token = "123456:SECRET-token"
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			var buf bytes.Buffer
			log := newLogger(&config{Token: token, LogFormat: format, LogLevel: slog.LevelInfo}, &buf)
			log.Info("call failed "+token,
				slog.String("url", "https://api.example/bot"+token+"/getMe"),
				slog.Any("err", errors.New("Post https://api.example/bot"+token+"/sendMessage: refused")))
			log.Debug("hidden below the level")
			out := buf.String()
			if strings.Contains(out, token) || strings.Contains(out, "SECRET") {
				t.Errorf("the token reached the log: %s", out)
			}
			if !strings.Contains(out, "[token]") {
				t.Errorf("got %s, want [token] in place of the token", out)
			}
			if format == "text" && !strings.Contains(out, "time=20") {
				t.Errorf("got %s, want the time in its own form", out)
			}
			if strings.Contains(out, "hidden") {
				t.Errorf("got %s, want debug lines dropped at level info", out)
			}
			if format == "json" && json.Unmarshal(buf.Bytes(), new(map[string]any)) != nil {
				t.Errorf("got %s, want one JSON object", out)
			}
		})
	}
}
