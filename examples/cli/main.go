// Command cli is the auditor's tool for doublerandom: it computes table
// roots, replays draws, checks priorities, runs the election-audit
// samplers, and publishes and verifies ledgers.
//
// Usage:
//
//	go run ./examples/cli COMMAND [flags]
//
// Run "go run ./examples/cli help" for the list of commands and
// "go run ./examples/cli help COMMAND" (or "COMMAND -h") for what one
// does, its flags, which of them are required, and an example.
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

// A command is one subcommand of the tool: one entry of [commands].
type command struct {
	// name is one word, or two for the sub-commands of one tool
	// ("witness keygen", "witness cosign"): "cli witness keygen -h" and
	// "cli help witness keygen" then work like any command's.
	name string
	// summary says what the command does, in one line (for "cli help"
	// and as the first line of "cli NAME -h").
	summary string
	// usage lists the command's forms, one a line, each as typed after
	// "cli NAME": required flags bare, optional ones in [brackets],
	// "(a | b)" for exactly one of a and b, "(a | b)..." for at least
	// one of them, "FLAG ARG..." for a repeatable flag. Every flag the
	// command defines appears in it, with the name of its argument;
	// TestCommandTable checks both.
	usage string
	// example is one invocation, starting "cli NAME ".
	example string
	// run parses args with fs and does the work, writing results to
	// stdout. It returns a *mismatchError when a verification finds a
	// difference and a usage or input error otherwise; it never prints
	// an error itself.
	run func(fs *flag.FlagSet, args []string, stdout io.Writer) error
}

// commands is the command table, in alphabetical order. To add a
// command, write its run function in cmd_NAME.go and add one entry here.
var commands = []command{
	{
		name:    "amend",
		summary: "publish an amendment: replace an inspector on a team, or void a draw (--redraw)",
		usage: `--ledger LEDGER --key PREFIX.key --reason TEXT --dir DIR --premises ID --out INSPECTOR [--conflict] [--draw DIGEST] [--blinding-key FILE] [--witness-key FILE]... [--at TIME]
--ledger LEDGER --key PREFIX.key --reason TEXT --redraw [--draw DIGEST] [--witness-key FILE]... [--at TIME]`,
		example: `cli amend --ledger ledger --key agency.key --dir county --premises 91371727HD841G735N --out WJ3717270021 --reason 病假`,
		run:     runAmend,
	},
	{
		name:    "announce",
		summary: "publish the announcement of a folder's plan and tables into a ledger",
		usage:   `--dir DIR --ledger LEDGER --key PREFIX.key (--dice-ceremony "WHEN, WHERE" | --commit NAME=HEX... | --beacon ROUND)... [--beacon-chain CHAIN] [--name NAME] [--accept-problems] [--blinding-key FILE] [--witness-key FILE]... [--at TIME]`,
		example: `cli announce --dir county --ledger ledger --key agency.key --dice-ceremony "2026-11-22T09:30:00+08:00, 县卫生健康局三楼会议室"`,
		run:     runAnnounce,
	},
	{
		name:    "bundle",
		summary: "write the public bundle: the ledger and each announcement's tables, for anyone to replay",
		usage:   `--ledger LEDGER (--dir DIR | --tables ANNOUNCEMENT=DIR)... --out BUNDLE [--blinding-key FILE | --published] [--encoding ENC] [--strict] [--sheet NAME] [--columns FILE]`,
		example: `cli bundle --ledger ledger --dir 2026Q3 --dir 2026Q4 --out bundle`,
		run:     runBundle,
	},
	{
		name:    "consistent",
		summary: "Rivest's consistent_sampler: the first K ids of a file in ticket order",
		usage:   `--seed SEED --ids FILE --take K`,
		example: `cli consistent --seed 314159 --ids ids.txt --take 4`,
		run:     runConsistent,
	},
	{
		name:    "draw",
		summary: "compute the draw of a folder's plan and tables (protocol §§2–7), or publish it into a ledger",
		usage: `--dir DIR (--seed-dice DIGITS | --seed-hex HEX) [--view FILE] [--blinding-key FILE] [--published] [--encoding ENC] [--strict] [--sheet NAME] [--columns FILE]
--dir DIR (--seed-dice DIGITS | --seed-hex HEX) --stream [--stream-mem BYTES] [--stream-tmp DIR] [--view FILE] [--encoding ENC] [--strict] [--sheet NAME] [--columns FILE]
--dir DIR --ledger LEDGER --key PREFIX.key [--seed-dice DIGITS] [--reveal NAME=SECRET]... [--beacon-json FILE] [--view FILE] [--witness-key FILE]... [--at TIME] [--encoding ENC] [--strict] [--sheet NAME] [--columns FILE] [--blinding-key FILE]
--dir DIR --ledger LEDGER --key PREFIX.key --sealed FILE [--seed-dice DIGITS] [--reveal NAME=SECRET]... [--beacon-json FILE] [--witness-key FILE]... [--at TIME] [--encoding ENC] [--strict] [--sheet NAME] [--columns FILE]`,
		example: `cli draw --dir testdata/dr1-county-7 --seed-dice "2023 7331 1281 5921 1123" --view view.json`,
		run:     runDraw,
	},
	{
		name:    "explain",
		summary: "say in plain words why a premises (or an inspector for it) was or was not drawn",
		usage:   `--dir DIR (--seed-dice DIGITS | --seed-hex HEX) --id ID [--inspector ID] [--encoding ENC] [--strict] [--sheet NAME] [--columns FILE] [--blinding-key FILE] [--published]`,
		example: `cli explain --dir testdata/dr1-county-7 --seed-dice "2023 7331 1281 5921 1123" --id 91371727B23C6F5DAF`,
		run:     runExplain,
	},
	{
		name:    "history",
		summary: "write the next batch's history table from a ledger: one row per visit drawn, updated by its results",
		usage:   `--ledger LEDGER --out FILE [--base FILE] [--pub PREFIX.pub]...`,
		example: `cli history --ledger ledger --base county/history.csv --pub agency.pub --out next/history.csv`,
		run:     runHistory,
	},
	{
		name:    "keygen",
		summary: "make a signing key pair: PREFIX.key (secret) and PREFIX.pub",
		usage:   `--name NAME --out PREFIX`,
		example: `cli keygen --name example.gov.cn/wjw --out agency`,
		run:     runKeygen,
	},
	{
		name:    "notice",
		summary: "write the public notice (公示) of a ledger's draws and results as CSV, XLSX or HTML",
		usage:   `--ledger LEDGER --dir DIR --out FILE [--format csv|xlsx|html] --pub PREFIX.pub... [--authority NAME] [--bundle-url URL] [--labels FILE] [--private] [--blinding-key FILE] [--published]`,
		example: `cli notice --ledger ledger --dir county --pub agency.pub --format html --out notice.html`,
		run:     runNotice,
	},
	{
		name:    "preflight",
		summary: "check a folder's plan against its tables before the seed exists",
		usage:   `--dir DIR [--check] [--encoding ENC] [--strict] [--sheet NAME] [--columns FILE]`,
		example: `cli preflight --dir testdata/dr1-county-12 --check`,
		run:     runPreflight,
	},
	{
		name:    "priority",
		summary: "print a premises' priority under a draw key (protocol §4)",
		usage:   `--key HEX --id ID [--weight W]`,
		example: `cli priority --key 4730068ff4de32c7ada5bde673866566de11d35a2aa6ac15123ebc7fa4095956 --id 91371727B23C6F5DAF`,
		run:     runPriority,
	},
	{
		name:    "prove",
		summary: "write one premises row and its inclusion proof, for the business's self-check",
		usage:   `--dir DIR --id ID --row FILE --proof FILE [--blinding-key FILE] [--published]`,
		example: `cli prove --dir county --id 91371727HD841G735N --row row.json --proof proof.json`,
		run:     runProve,
	},
	{
		name:    "results",
		summary: "publish inspection results (抽查结果公示) from a CSV or .xlsx file",
		usage:   `--ledger LEDGER --key PREFIX.key --file RESULTS [--draw DIGEST] [--authority NAME] [--inspection-type TYPE] [--encoding ENC] [--sheet NAME] [--witness-key FILE]... [--at TIME]`,
		example: `cli results --ledger ledger --key agency.key --file results.csv`,
		run:     runResults,
	},
	{
		name:    "rivest",
		summary: "Rivest's sampler.py (2011): K picks from 1..N, one a line",
		usage:   `--seed SEED --total N --count K [--unique]`,
		example: `cli rivest --seed 1 --total 100 --count 5`,
		run:     runRivest,
	},
	{
		name:    "roots",
		summary: "print the roots of a folder's tables (protocol §1)",
		usage:   `--dir DIR [--blinding-key FILE] [--published] [--encoding ENC] [--strict] [--sheet NAME] [--columns FILE]`,
		example: `cli roots --dir testdata/dr1-county-7`,
		run:     runRoots,
	},
	{
		name:    "selfcheck",
		summary: "check whether one premises was rightly selected or not, from its row and proof",
		usage: `--ledger LEDGER --row FILE --proof FILE [--draw DIGEST] [--pub PREFIX.pub]...
--bundle BUNDLE --id ID [--draw DIGEST] [--pub PREFIX.pub]...`,
		example: `cli selfcheck --ledger ledger --row row.json --proof proof.json --pub agency.pub`,
		run:     runSelfcheck,
	},
	{
		name:    "simulate",
		summary: "draw a v2 folder's plan under N made-up seeds: quotas, shortfalls, unstaffed visits, loads, pair and selection frequencies",
		usage:   `--dir DIR --runs N [--seed-base HEX] [--top K] [--encoding ENC] [--strict] [--sheet NAME] [--columns FILE] [--blinding-key FILE] [--published]`,
		example: `cli simulate --dir testdata/v2/dr2-county-c --runs 1000`,
		run:     runSimulate,
	},
	{
		name:    "site",
		summary: "write the static public page that verifies a bundle in the browser (WebAssembly; run inside the module)",
		usage:   `--bundle BUNDLE --out SITE [--pub PREFIX.pub]... [--witness W.pub]... [--quorum N] [--wasm FILE]`,
		example: `cli site --bundle bundle --out site --pub agency.pub`,
		run:     runSite,
	},
	{
		name:    "unseal",
		summary: "publish a sealed draw (draw --sealed) when the inspections are done; the ledger takes only the draw its seal committed to",
		usage:   `--ledger LEDGER --key PREFIX.key --file FILE [--witness-key FILE]... [--at TIME]`,
		example: `cli unseal --ledger ledger --key agency.key --file sealed-2026Q4.json`,
		run:     runUnseal,
	},
	{
		name:    "verify",
		summary: "verify a ledger: signatures, chain, seed timing (from witnesses with --witness), roots, replay of every draw and amendment",
		usage: `--ledger LEDGER --pub PREFIX.pub... [--dir DIR]... [--calendar FILE] [--checkpoint FILE] [--witness W.pub]... [--quorum N] [--cosigned FILE]... [--at TIME] [--blinding-key FILE] [--published]
--bundle BUNDLE --pub PREFIX.pub... [--calendar FILE] [--checkpoint FILE] [--witness W.pub]... [--quorum N] [--cosigned FILE]... [--at TIME]`,
		example: `cli verify --ledger ledger --dir county --pub agency.pub`,
		run:     runVerify,
	},
	{
		name:    "withdraw",
		summary: "withdraw the open announcement (signed, with its reason); it stays in the ledger",
		usage:   `--ledger LEDGER --key PREFIX.key --reason TEXT [--announcement DIGEST] [--witness-key FILE]... [--at TIME]`,
		example: `cli withdraw --ledger ledger --key agency.key --reason "名录库数据有误，重新公告"`,
		run:     runWithdraw,
	},
	{
		name:    "witness cosign",
		summary: "as an independent witness, check a ledger's latest checkpoint against the last one cosigned and cosign it with the witness's own time",
		usage:   `--key PREFIX.key --ledger LEDGER --state DIR --log-pub AGENCY.pub [--at TIME]`,
		example: `cli witness cosign --key w1.key --ledger ledger --state w1-state --log-pub agency.pub`,
		run:     runWitnessCosign,
	},
	{
		name:    "witness keygen",
		summary: "write a witness key pair (Ed25519, C2SP cosignature/v1): PREFIX.key (secret) and PREFIX.pub",
		usage:   `--name NAME --out PREFIX`,
		example: `cli witness keygen --name witness.example.org/w1 --out w1`,
		run:     runWitnessKeygen,
	},
}

// mismatchError reports a verification that found a difference (exit 1).
type mismatchError struct{ msg string }

func (e *mismatchError) Error() string { return e.msg }

// usageError reports bad flags or arguments (exit 2, with a pointer to
// the command's help).
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run runs the command line args and returns the exit status. Help that
// was asked for goes to stdout; errors go to stderr, once each, as
// "NAME: message", and a usage error adds one line pointing to the
// command's help rather than printing all of it.
func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		printHelp(stderr)
		return 2
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		if len(args) == 1 || args[0] != "help" || args[1] == "help" {
			printHelp(stdout)
			return 0
		}
		c, n, err := lookup(args[1:])
		if err != nil {
			fmt.Fprintf(stderr, "cli: %v\n", err)
			return 2
		}
		if len(args) > 1+n {
			fmt.Fprintf(stderr, "cli: help takes one command name, not %q\n", strings.Join(args[1:], " "))
			return 2
		}
		printCommandHelp(stdout, c, newFlagSet(c))
		return 0
	}
	c, n, err := lookup(args)
	if err != nil {
		fmt.Fprintf(stderr, "cli: %v\n", err)
		return 2
	}
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	// The flag package would print its errors and the whole usage to
	// fs.Output(); parse returns them instead and run prints them once.
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	stderrs.Store(fs, stderr)
	defer stderrs.Delete(fs)
	err = c.run(fs, args[n:], stdout)
	var mm *mismatchError
	var ue *usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		printCommandHelp(stdout, c, fs)
		return 0
	case errors.As(err, &mm):
		fmt.Fprintf(stderr, "%s: %v\n", c.name, err)
		return 1
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "%s: %v\nrun \"cli %s -h\" for its usage\n", c.name, err, c.name)
		return 2
	default:
		fmt.Fprintf(stderr, "%s: %v\n", c.name, err)
		return 2
	}
}

// lookup finds the command that args start with and returns it with
// the number of words its name takes.
func lookup(args []string) (command, int, error) {
	if len(args) >= 2 {
		if i := slices.IndexFunc(commands, func(c command) bool { return c.name == args[0]+" "+args[1] }); i >= 0 {
			return commands[i], 2, nil
		}
	}
	if i := slices.IndexFunc(commands, func(c command) bool { return c.name == args[0] }); i >= 0 {
		return commands[i], 1, nil
	}
	var subs []string
	for _, c := range commands {
		if first, _, ok := strings.Cut(c.name, " "); ok && first == args[0] {
			subs = append(subs, c.name)
		}
	}
	if len(subs) > 0 {
		return command{}, 0, fmt.Errorf("%q needs a sub-command: %s\nrun \"cli help\" for the list of commands", args[0], strings.Join(subs, ", "))
	}
	return command{}, 0, fmt.Errorf("unknown command %q\nrun \"cli help\" for the list of commands", args[0])
}

// newFlagSet returns c's flags, defined by running c with -h (every
// command defines its flags before parsing).
func newFlagSet(c command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	c.run(fs, []string{"-h"}, io.Discard)
	return fs
}

// printHelp writes the list of commands.
func printHelp(w io.Writer) {
	fmt.Fprintf(w, "usage: cli COMMAND [flags]\n\ncommands:\n")
	width := 11
	for _, c := range commands {
		width = max(width, len(c.name))
	}
	for _, c := range commands {
		fmt.Fprintf(w, "  %-*s %s\n", width, c.name, c.summary)
	}
	fmt.Fprintf(w, "\n"+
		"\"cli help COMMAND\" (or \"cli COMMAND -h\") says what a command does, which flags\n"+
		"it requires, and shows an example.\n"+
		"Exit status: 0 success, 1 a verification found a difference, 2 bad usage or input.\n")
}

// printCommandHelp writes what c does, its forms, the flags each form
// requires, an example and every flag of fs.
func printCommandHelp(w io.Writer, c command, fs *flag.FlagSet) {
	forms := strings.Split(c.usage, "\n")
	fmt.Fprintf(w, "cli %s: %s\n\nusage:\n", c.name, c.summary)
	for _, f := range forms {
		fmt.Fprintf(w, "  cli %s %s\n", c.name, f)
	}
	fmt.Fprintln(w)
	args := map[string]string{}
	for i, f := range forms {
		syn := parseSynopsis(f)
		for _, sf := range syn.flags {
			if sf.arg != "" {
				args[sf.name] = sf.arg
			}
		}
		label := "required:"
		if i > 0 {
			label = "      or:"
		}
		fmt.Fprintf(w, "%s %s\n", label, syn.required)
	}
	fmt.Fprintf(w, "(flags in [ ] are optional; FLAG ARG... may be repeated)\n\nexample:\n  %s\n", c.example)
	header := false
	fs.VisitAll(func(f *flag.Flag) {
		if !header {
			fmt.Fprintf(w, "\nflags:\n")
			header = true
		}
		name := "--" + f.Name
		if a := args[f.Name]; a != "" {
			name += " " + a
		}
		fmt.Fprintf(w, "  %s\n    \t%s", name, f.Usage)
		switch f.DefValue {
		case "", "0", "false":
		default:
			fmt.Fprintf(w, " (default %q)", f.DefValue)
		}
		fmt.Fprintln(w)
	})
}

// A synopsis is one form of a command's usage, parsed.
type synopsis struct {
	flags    []synopsisFlag // every flag named, in order
	must     []string       // the flags the form requires
	oneOf    [][]string     // groups of flags of which the form requires one
	required string         // what the form requires, in words
}

type synopsisFlag struct {
	name string // without the dashes
	arg  string // the name of its argument; empty for a boolean flag
}

// parseSynopsis reads one form of a command's usage (see
// command.usage).
func parseSynopsis(form string) synopsis {
	var s synopsis
	var required, group []string
	square, paren := 0, 0
	inGroup := false
	last := -1 // the flag that may take the next word as its argument
	for _, tok := range splitWords(form) {
		for strings.HasPrefix(tok, "[") {
			square++
			tok = tok[1:]
		}
		for strings.HasPrefix(tok, "(") {
			if square == 0 && paren == 0 {
				inGroup, group = true, nil
			}
			paren++
			tok = tok[1:]
		}
		core := tok
		if !strings.HasPrefix(core, `"`) {
			core = strings.TrimRight(tok, "]).")
		}
		suffix := tok[len(core):]
		switch {
		case core == "|":
			last = -1
		case strings.HasPrefix(core, "--"):
			s.flags = append(s.flags, synopsisFlag{name: core[2:]})
			last = len(s.flags) - 1
			switch {
			case square > 0:
			case inGroup:
				group = append(group, core)
			default:
				required = append(required, core)
				s.must = append(s.must, core)
			}
		case core != "" && last >= 0:
			s.flags[last].arg = core
			last = -1
		}
		for i, r := range suffix {
			switch r {
			case ']':
				square--
			case ')':
				paren--
				if paren == 0 && square == 0 && inGroup {
					inGroup = false
					s.oneOf = append(s.oneOf, group)
					if strings.HasPrefix(suffix[i+1:], "...") {
						required = append(required, "at least one of "+orList(group))
					} else {
						required = append(required, "one of "+orList(group))
					}
				}
			}
		}
	}
	switch len(required) {
	case 0:
		s.required = "nothing"
	case 1:
		s.required = required[0]
	default:
		s.required = strings.Join(required[:len(required)-1], ", ") + " and " + required[len(required)-1]
	}
	return s
}

// orList writes "a", "a or b", "a, b or c".
func orList(items []string) string {
	if len(items) < 2 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " or " + items[len(items)-1]
}

// splitWords splits a usage form at spaces, keeping a double-quoted
// argument name ("WHEN, WHERE") as one word.
func splitWords(s string) []string {
	var words []string
	var b strings.Builder
	quoted := false
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			b.WriteRune(r)
		case r == ' ' && !quoted:
			if b.Len() > 0 {
				words = append(words, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() > 0 {
		words = append(words, b.String())
	}
	return words
}

// parse parses flags and rejects stray arguments.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		// The flag package names flags with one dash; these docs and
		// messages use two.
		msg := err.Error()
		for _, p := range []string{"not defined: -", "for flag -", "an argument: -"} {
			msg = strings.Replace(msg, p, p+"-", 1)
		}
		return &usageError{msg: msg}
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	return nil
}
