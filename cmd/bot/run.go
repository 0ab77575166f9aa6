package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
)

// errUsage reports a command line that could not be understood; the
// explanation has already been printed.
var errUsage = errors.New("usage")

// A command is one subcommand of the bot binary.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env *environ) error
}

// environ is what every command gets from the process: its environment and
// its output streams.
type environ struct {
	getenv func(string) string
	stdout io.Writer
	stderr io.Writer
}

func commands() []command {
	return []command{
		{"run", "run the bot: poll Telegram and deliver articles (the default)", runService},
		{"preview", "show the summaries readers will get from seed files, offline", runPreview},
		{"broadcast", "deliver every due article to every active subscriber", runBroadcast},
		{"ingest", "read new and changed seed files into the database", runIngest},
		{"stats", "show subscribers, articles, deliveries and the last broadcast", runStats},
		{"channels", "list the channels the bot publishes to, with their member counts", runChannels},
		{"backup", "write a consistent copy of the database to a file", runBackup},
		{"healthcheck", "ask the running service's /healthz (METRICS_ADDR); exit 0 when healthy", runHealthcheck},
	}
}

// run is the whole program but for the process: main passes os.Args[1:],
// os.Getenv and the standard streams, and tests pass their own.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	env := &environ{getenv: getenv, stdout: stdout, stderr: stderr}
	name := "run"
	if len(args) > 0 {
		switch args[0] {
		case "-h", "-help", "--help", "help":
			usage(stdout)
			return nil
		}
		if len(args[0]) > 0 && args[0][0] != '-' {
			name, args = args[0], args[1:]
		}
	}
	for _, c := range commands() {
		if c.name == name {
			return c.run(ctx, args, env)
		}
	}
	fmt.Fprintf(stderr, "bot: unknown command %q\n\n", name)
	usage(stderr)
	return errUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Usage: bot [command] [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"bot COMMAND -h\" for a command's flags.")
}

// newFlagSet returns a flag set for a command that prints its usage to the
// command's stderr and reports errors instead of exiting.
func newFlagSet(env *environ, name, args, about string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: bot %s %s\n\n%s\n", name, args, about)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args into fs, turning -h into a clean exit and any other
// flag error into errUsage.
func parseFlags(fs *flag.FlagSet, args []string) (help bool, err error) {
	switch err := fs.Parse(args); {
	case errors.Is(err, flag.ErrHelp):
		return true, nil
	case err != nil:
		return false, errUsage
	}
	return false, nil
}
