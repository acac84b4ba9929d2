package main

import (
	"flag"
	"io"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCommandTable checks every entry of the command table against the
// command's flags, so that the help cannot drift from the code: names in
// order, one-line summaries, every flag defined named in the usage with
// its argument (and no other), and an example that parses and gives what
// one of the forms requires.
func TestCommandTable(t *testing.T) {
	require.True(t, slices.IsSortedFunc(commands, func(a, b command) int { return strings.Compare(a.name, b.name) }), "commands not in alphabetical order")
	for i, c := range commands {
		t.Run(c.name, func(t *testing.T) {
			if i > 0 {
				require.NotEqual(t, commands[i-1].name, c.name, "command listed twice")
			}
			require.NotEmpty(t, c.summary)
			require.NotContains(t, c.summary, "\n")
			require.NotEmpty(t, c.usage, "no usage")
			require.NotNil(t, c.run)

			fs := newFlagSet(c)
			defined := map[string]bool{}
			fs.VisitAll(func(f *flag.Flag) { defined[f.Name] = true })
			named := map[string]bool{}
			var forms []synopsis
			for _, form := range strings.Split(c.usage, "\n") {
				syn := parseSynopsis(form)
				forms = append(forms, syn)
				for _, sf := range syn.flags {
					f := fs.Lookup(sf.name)
					require.NotNil(t, f, "usage names --%s, which %s does not define", sf.name, c.name)
					named[sf.name] = true
					if isBool(f) {
						require.Empty(t, sf.arg, "--%s takes no argument", sf.name)
					} else {
						require.NotEmpty(t, sf.arg, "--%s needs the name of its argument in the usage", sf.name)
					}
				}
			}
			for name := range defined {
				require.True(t, named[name], "--%s is not in the usage", name)
			}

			require.True(t, strings.HasPrefix(c.example, "cli "+c.name+" "), "example %q", c.example)
			ex := flag.NewFlagSet(c.name, flag.ContinueOnError)
			ex.SetOutput(io.Discard)
			given := map[string]bool{}
			// Define the flags as c does, then parse the example with them.
			c.run(ex, []string{"-h"}, io.Discard)
			words := splitWords(strings.TrimPrefix(c.example, "cli "+c.name+" "))
			for i, w := range words {
				words[i] = strings.Trim(w, `"`)
			}
			require.NoError(t, ex.Parse(words), "example %q", c.example)
			require.Zero(t, ex.NArg(), "example %q has stray arguments", c.example)
			ex.Visit(func(f *flag.Flag) { given["--"+f.Name] = true })
			ok := slices.ContainsFunc(forms, func(s synopsis) bool {
				for _, m := range s.must {
					if !given[m] {
						return false
					}
				}
				for _, g := range s.oneOf {
					if !slices.ContainsFunc(g, func(f string) bool { return given[f] }) {
						return false
					}
				}
				return true
			})
			require.True(t, ok, "example %q lacks a required flag", c.example)
		})
	}
}

func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// TestHelp: "cli help CMD" and "cli CMD -h" print the same help to
// stdout and exit 0; the help says what the command does, what it
// requires and shows the example.
func TestHelp(t *testing.T) {
	for _, c := range commands {
		code, out, errs := runCLI(t, "help", c.name)
		require.Equal(t, 0, code, errs)
		require.Empty(t, errs)
		require.True(t, strings.HasPrefix(out, "cli "+c.name+": "+c.summary+"\n"), out)
		require.Contains(t, out, "\nrequired: ")
		require.Contains(t, out, "\nexample:\n  "+c.example+"\n")
		for _, h := range []string{"-h", "--help", "-help"} {
			code, out2, errs := runCLI(t, c.name, h)
			require.Equal(t, 0, code, errs)
			require.Empty(t, errs)
			require.Equal(t, out, out2)
		}
	}
	code, out, errs := runCLI(t, "help")
	require.Equal(t, 0, code)
	require.Empty(t, errs)
	for _, c := range commands {
		require.Regexp(t, "\n  "+regexp.QuoteMeta(c.name)+" +"+regexp.QuoteMeta(c.summary)+"\n", out)
	}
}

// TestSubcommands: a two-word name ("witness cosign") is a command of
// its own for running, -h and help; its first word alone lists them.
func TestSubcommands(t *testing.T) {
	saved := commands
	t.Cleanup(func() { commands = saved })
	demo := func(word string) command {
		return command{
			name: "demo " + word, summary: "the " + word + " demo", usage: "--x X", example: "cli demo " + word + " --x 1",
			run: func(fs *flag.FlagSet, args []string, stdout io.Writer) error {
				x := fs.String("x", "", "a value")
				if err := parse(fs, args); err != nil {
					return err
				}
				if *x == "" {
					return usagef("--x is required")
				}
				_, err := io.WriteString(stdout, word+" "+*x+"\n")
				return err
			},
		}
	}
	commands = append(slices.Clone(saved), demo("one"), demo("two"))

	code, out, errs := runCLI(t, "demo", "two", "--x", "7")
	require.Equal(t, 0, code, errs)
	require.Equal(t, "two 7\n", out)
	code, _, errs = runCLI(t, "demo", "one")
	require.Equal(t, 2, code)
	require.Equal(t, "demo one: --x is required\nrun \"cli demo one -h\" for its usage\n", errs)
	code, out, _ = runCLI(t, "demo", "one", "-h")
	require.Equal(t, 0, code)
	require.True(t, strings.HasPrefix(out, "cli demo one: the one demo\n\nusage:\n  cli demo one --x X\n"), out)
	code, out2, _ := runCLI(t, "help", "demo", "one")
	require.Equal(t, 0, code)
	require.Equal(t, out, out2)
	code, out, _ = runCLI(t, "help")
	require.Equal(t, 0, code)
	require.Regexp(t, "\n  demo one +the one demo\n", out)
	code, _, errs = runCLI(t, "demo")
	require.Equal(t, 2, code)
	require.Equal(t, "cli: \"demo\" needs a sub-command: demo one, demo two\nrun \"cli help\" for the list of commands\n", errs)
	code, _, errs = runCLI(t, "demo", "three")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "needs a sub-command")
}

func TestParseSynopsis(t *testing.T) {
	for _, tc := range []struct {
		form, required string
		args           map[string]string
	}{
		{"--dir DIR [--strict]", "--dir", map[string]string{"dir": "DIR", "strict": ""}},
		{"[--x X]", "nothing", map[string]string{"x": "X"}},
		{"--dir DIR (--seed-dice DIGITS | --seed-hex HEX) [--view FILE]", "--dir and one of --seed-dice or --seed-hex",
			map[string]string{"dir": "DIR", "seed-dice": "DIGITS", "seed-hex": "HEX", "view": "FILE"}},
		{`--a A --b B (--c "W, X" | --d D... | --e)... [--f F]...`, "--a, --b and at least one of --c, --d or --e",
			map[string]string{"a": "A", "b": "B", "c": `"W, X"`, "d": "D", "e": "", "f": "F"}},
		{"--pub PREFIX.pub... [--dir DIR]", "--pub", map[string]string{"pub": "PREFIX.pub", "dir": "DIR"}},
	} {
		s := parseSynopsis(tc.form)
		require.Equal(t, tc.required, s.required, tc.form)
		got := map[string]string{}
		for _, f := range s.flags {
			got[f.name] = f.arg
		}
		require.Equal(t, tc.args, got, tc.form)
	}
}
