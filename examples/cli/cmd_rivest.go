package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/doublerandom/doublerandom/random"
)

// runRivest prints the picks of Rivest's sampler.py, one a line, so
// that auditors can compare the library with a tool they trust.
func runRivest(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	seed := fs.String("seed", "", "the seed, used byte for byte (\"00\" and \"0\" differ)")
	total := fs.Int("total", 0, "N: picks are from 1..N")
	count := fs.Int("count", 0, "K: the number of picks")
	unique := fs.Bool("unique", false, "skip repeated picks (the counter still advances)")
	if err := parse(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["seed"] || !set["total"] || !set["count"] {
		return usagef("--seed, --total and --count are required")
	}
	picks, err := random.RivestSample(*seed, *total, *count, *unique)
	if err != nil {
		return samplerFlagError(err)
	}
	var b strings.Builder
	for _, p := range picks {
		fmt.Fprintln(&b, p)
	}
	_, err = io.WriteString(stdout, b.String())
	return err
}

// samplerFlagError names the flag of a sampler argument out of range.
func samplerFlagError(err error) error {
	se, ok := err.(*random.SamplerError)
	if !ok {
		return err
	}
	name := map[string]string{"k": "take"}[se.Arg]
	if name == "" {
		name = se.Arg
	}
	return fmt.Errorf("--%s %q: %s", name, se.Value, se.Reason)
}
