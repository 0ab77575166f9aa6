package main

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/newsbot/newsbot/bot/telegram"
	"github.com/newsbot/newsbot/internal/tgfake"
)

func TestExitCode(t *testing.T) {
	tests := []struct {
		err  error
		want int
	}{
		{nil, exitOK},
		{errUsage, exitUsage},
		{fmt.Errorf("run: %w", &telegram.Error{Method: "getUpdates", Class: telegram.ClassUnauthorized}), exitUnauthorized},
		{&telegram.Error{Method: "getUpdates", Class: telegram.ClassConflict, Reason: telegram.ReasonOtherPoller}, exitConflict},
		{errors.New("disk full"), exitFailure},
	}
	for _, tt := range tests {
		if got := exitCode(tt.err); got != tt.want {
			t.Errorf("exitCode(%v): got %d, want %d", tt.err, got, tt.want)
		}
	}
}

// The systemd unit does not restart the bot in a loop on a refused token
// or a second poller.
func TestServiceUnitPreventsRestartOnRefusal(t *testing.T) {
	unit, err := os.ReadFile("../../deploy/newsbot.service")
	if err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("RestartPreventExitStatus=%d %d", exitUnauthorized, exitConflict)
	if !strings.Contains(string(unit), want) {
		t.Errorf("deploy/newsbot.service: want a line %q", want)
	}
}

// The binary exits with its own status when Telegram refuses the token.
func TestE2ERefusedTokenExitStatus(t *testing.T) {
	fake := e2eFake(t, tgfake.Options{})
	vars := e2eEnv(t, fake, t.TempDir(), map[string]string{"TELEGRAM_BOT_TOKEN": "111:refused-token"})
	_, stderr, code := runBot(t, vars, "run")
	if code != exitUnauthorized {
		t.Errorf("exit status %d, want %d; stderr:\n%s", code, exitUnauthorized, lastLines(stderr, 5))
	}
}
