// Command cli is the auditor's tool for doublerandom: it computes table
// roots, replays draws, checks priorities, runs the election-audit
// samplers, and publishes and verifies ledgers.
//
// Usage:
//
//	go run ./examples/cli COMMAND [flags]
//
// Run "go run ./examples/cli help" for the list of commands and
// "go run ./examples/cli COMMAND -h" for the flags of one.
//
// Exit status: 0 on success, 1 when a verification finds a difference,
// 2 on bad usage or bad input, with a message on stderr that says what and
// where (file, line, field).
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// A command is one subcommand of the tool. Each lives in its own file and
// registers itself with register.
type command struct {
	name    string
	summary string
	// run parses args with fs and does the work, writing results to
	// stdout. It returns a *mismatchError when a verification finds a
	// difference and a usage or input error otherwise.
	run func(fs *flag.FlagSet, args []string, stdout io.Writer) error
}

var commands []command

func register(c command) { commands = append(commands, c) }

// mismatchError reports a verification that found a difference (exit 1).
type mismatchError struct{ msg string }

func (e *mismatchError) Error() string { return e.msg }

// usageError reports bad flags (exit 2, with the command's usage).
type usageError struct {
	msg      string
	reported bool // the flag package has printed it and the usage already
}

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	slices.SortFunc(commands, func(a, b command) int { return strings.Compare(a.name, b.name) })
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printHelp(stderr)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	i := slices.IndexFunc(commands, func(c command) bool { return c.name == args[0] })
	if i < 0 {
		fmt.Fprintf(stderr, "cli: unknown command %q\n\n", args[0])
		printHelp(stderr)
		return 2
	}
	c := commands[i]
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	err := c.run(fs, args[1:], stdout)
	var mm *mismatchError
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.As(err, &mm):
		fmt.Fprintf(stderr, "%s: %v\n", c.name, err)
		return 1
	case errors.As(err, &ue):
		if !ue.reported {
			fmt.Fprintf(stderr, "%s: %v\n", c.name, err)
			fs.Usage()
		}
		return 2
	default:
		fmt.Fprintf(stderr, "%s: %v\n", c.name, err)
		return 2
	}
}

func printHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: cli COMMAND [flags]\n\ncommands:\n")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
}

// parse parses flags and rejects stray arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{msg: err.Error(), reported: true}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
