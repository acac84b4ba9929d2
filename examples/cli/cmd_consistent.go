package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/doublerandom/doublerandom/random"
)

// maxIDsFile bounds the size of an --ids file.
const maxIDsFile = 1 << 30

// runConsistent prints the first K ids of FILE in the order of Rivest's
// consistent_sampler tickets (sampling without replacement), one a line.
//
// FILE holds one id a line, UTF-8, lines ending in LF or CRLF; a UTF-8
// byte order mark at the start is skipped and the last line may lack its
// newline. Ids are used byte for byte (spaces included). An empty line
// (other than the end of the file), invalid UTF-8 or a repeated id is
// an error naming FILE:LINE (for a repeated id, both lines).
func runConsistent(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	seed := fs.String("seed", "", "the seed, used byte for byte")
	idsFile := fs.String("ids", "", "file of ids, one a line")
	take := fs.Int("take", -1, "K: how many ids to print (all when K is at least the number of ids)")
	if err := parse(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["seed"] || *idsFile == "" || !set["take"] {
		return usagef("--seed, --ids and --take are required")
	}
	if *take < 0 {
		return fmt.Errorf("--take %d: must be at least 0", *take)
	}
	ids, err := readIDs(*idsFile)
	if err != nil {
		return err
	}
	got, err := random.ConsistentSample(*seed, ids, *take)
	if se, ok := err.(*random.SamplerError); ok && se.Arg == "ids" && se.Reason == "duplicate id" {
		// Name the lines: id i is on line i+1 (readIDs allows no blank line).
		first := slices.Index(ids, se.Value)
		again := first + 1 + slices.Index(ids[first+1:], se.Value)
		return fmt.Errorf("%s:%d: id %q repeats line %d", *idsFile, again+1, se.Value, first+1)
	}
	if err != nil {
		return samplerFlagError(err)
	}
	var b strings.Builder
	for _, id := range got {
		b.WriteString(id)
		b.WriteByte('\n')
	}
	_, err = io.WriteString(stdout, b.String())
	return err
}

// readIDs reads an --ids file (see runConsistent).
func readIDs(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxIDsFile+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(b) > maxIDsFile {
		return nil, fmt.Errorf("%s: larger than %d bytes", name, maxIDsFile)
	}
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if len(b) == 0 {
		return nil, nil
	}
	b = bytes.TrimSuffix(b, []byte("\n"))
	lines := strings.Split(string(b), "\n")
	ids := make([]string, 0, len(lines))
	for i, line := range lines {
		n := i + 1
		line = strings.TrimSuffix(line, "\r")
		switch {
		case line == "":
			return nil, fmt.Errorf("%s:%d: empty line (one id a line, no blank lines)", name, n)
		case !utf8.ValidString(line):
			return nil, fmt.Errorf("%s:%d: id %q: not valid UTF-8", name, n, line)
		}
		ids = append(ids, line) // a repeated id is found by the sampler's sort

	}
	return ids, nil
}
