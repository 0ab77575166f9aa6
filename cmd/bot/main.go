// Command bot runs the news bot and its operator tools.
//
// Usage:
//
//	bot [command] [flags]
//
// Run "bot -h" for the commands.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/newsbot/newsbot/bot/telegram"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	getenv, err := withDotenv(os.Getenv, ".env")
	if err == nil {
		err = run(ctx, os.Args[1:], getenv, os.Stdout, os.Stderr)
	}
	stop()
	if err != nil && !errors.Is(err, errUsage) {
		fmt.Fprintln(os.Stderr, err)
	}
	os.Exit(exitCode(err))
}

// Exit statuses. Those of a refusal by Telegram tell a supervisor not to
// restart the bot until someone fixes the cause: deploy/newsbot.service
// lists them in RestartPreventExitStatus.
const (
	exitOK           = 0
	exitFailure      = 1
	exitUsage        = 2
	exitUnauthorized = 3 // Telegram refused the token (401)
	exitConflict     = 4 // another process polls with this token (409)
)

// exitCode is the exit status for run's error.
func exitCode(err error) int {
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, errUsage):
		return exitUsage
	case errors.Is(err, telegram.ErrUnauthorized):
		return exitUnauthorized
	case errors.Is(err, telegram.ErrConflict):
		return exitConflict
	}
	return exitFailure
}
