package main

import (
	"flag"
	"io"
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
			// A command with subcommands (witness keygen, witness
			// cosign): the example's first word picks the forms.
			if len(words) > 0 && !strings.HasPrefix(words[0], "-") {
				sub := words[0]
				words = words[1:]
				var picked []synopsis
				for i, form := range strings.Split(c.usage, "\n") {
					if strings.HasPrefix(form, sub+" ") {
						picked = append(picked, forms[i])
					}
				}
				require.NotEmpty(t, picked, "example %q: no form of subcommand %q", c.example, sub)
				forms = picked
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
		require.Contains(t, out, "\n  "+c.name+strings.Repeat(" ", max(1, 12-len(c.name)))+c.summary+"\n")
	}
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
