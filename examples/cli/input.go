package main

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// tableFlags say how to read the tables of a draw folder.
type tableFlags struct {
	encoding string
	strict   bool
	sheet    string
	columns  string
	// stderr receives the load summary (mapped headers, warnings); nil
	// means os.Stderr.
	stderr io.Writer
}

func (f *tableFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.encoding, "encoding", "auto", "encoding of the CSV files: auto, utf-8 or gbk (GBK is read as GB18030)")
	fs.BoolVar(&f.strict, "strict", false, "treat a warning (a bad unified social credit code check character) as an error")
	fs.StringVar(&f.sheet, "sheet", "", "the sheet of .xlsx tables to read (default: the first)")
	fs.StringVar(&f.columns, "columns", "", "a column-mapping `FILE` (CSV: table,header,attribute) for headers the built-in table does not know")
	f.stderr = stderrFor(fs)
}

// stderrs holds the standard error of each running command's flag set
// (run sets it), for what a command prints beside its output, such as
// the load summary. The flag set's own output is discarded: run prints
// errors itself, once.
var stderrs sync.Map // *flag.FlagSet → io.Writer

// stderrFor returns the standard error of the command parsing fs;
// os.Stderr when run did not set one.
func stderrFor(fs *flag.FlagSet) io.Writer {
	if w, ok := stderrs.Load(fs); ok {
		return w.(io.Writer)
	}
	return os.Stderr
}

func (f tableFlags) options() (roster.Options, error) {
	enc := roster.EncodingAuto
	if f.encoding != "" {
		var err error
		if enc, err = roster.ParseEncoding(f.encoding); err != nil {
			return roster.Options{}, usagef("%v", err)
		}
	}
	opt := roster.Options{Encoding: enc, Strict: f.strict, Sheet: f.sheet}
	if f.columns != "" {
		m, err := roster.LoadColumnMap(f.columns)
		if err != nil {
			return roster.Options{}, fmt.Errorf("--columns: %w", err)
		}
		opt.Columns = m
	}
	return opt, nil
}

// maxWarnings is how many warnings a command prints; the load summary
// counts the rest.
const maxWarnings = 50

// report prints what loading the tables did that a person should see:
// headers mapped, sheets and encodings read, warnings.
func (f tableFlags) report(set *roster.Set) {
	w := f.stderr
	if w == nil {
		w = os.Stderr
	}
	set.Report().WriteSummary(w, maxWarnings)
}

// loadSet reads the tables of a draw folder.
func loadSet(dir string, f tableFlags) (*roster.Set, error) {
	opt, err := f.options()
	if err != nil {
		return nil, err
	}
	set, err := roster.LoadDir(dir, opt)
	if err != nil {
		return nil, err
	}
	f.report(set)
	return set, nil
}

// loadDir reads a draw folder's plan and tables.
func loadDir(dir string, f tableFlags) (*random.Plan, *roster.Set, error) {
	opt, err := f.options()
	if err != nil {
		return nil, nil, err
	}
	plan, err := random.LoadPlan(filepath.Join(dir, "plan.json"))
	if err != nil {
		return nil, nil, err
	}
	set, err := roster.LoadDir(dir, opt)
	if err != nil {
		return nil, nil, err
	}
	f.report(set)
	return plan, set, nil
}

// seedFlags give a seed directly, as dice digits or as hex.
type seedFlags struct {
	dice, hex string
}

func (f *seedFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.dice, "seed-dice", "", "the seed as the dice digits read at the ceremony (white space is removed)")
	fs.StringVar(&f.hex, "seed-hex", "", "the seed as hex (1 to 1024 bytes), e.g. a beacon's randomness")
}

// seed returns the seed given by exactly one of the two flags.
func (f seedFlags) seed() ([]byte, error) {
	if (f.dice == "") == (f.hex == "") {
		return nil, usagef("give exactly one of --seed-dice and --seed-hex")
	}
	if f.dice != "" {
		seed, err := random.DiceSeed(f.dice)
		if err != nil {
			return nil, fmt.Errorf("--seed-dice %q: %w", f.dice, err)
		}
		return seed, nil
	}
	seed, err := hex.DecodeString(f.hex)
	if err != nil {
		return nil, fmt.Errorf("--seed-hex %q: not hex: %v", f.hex, err)
	}
	if len(seed) < 1 || len(seed) > random.MaxSeedSize {
		return nil, fmt.Errorf("--seed-hex %q: %d bytes, want 1..%d", f.hex, len(seed), random.MaxSeedSize)
	}
	return seed, nil
}

// createNew writes b to the file name given by the flag named, and never
// replaces what a file holds: views, notices, rows and proofs are
// evidence. A missing file is created; an empty one (as mktemp leaves
// it) is filled; one that already holds exactly b is left alone; any
// other is refused.
func createNew(flagName, name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, os.ErrExist) {
		old, rerr := os.ReadFile(name)
		switch {
		case rerr != nil:
			return fmt.Errorf("%s %s: %v", flagName, name, rerr)
		case bytes.Equal(old, b):
			return nil
		case len(old) > 0:
			return fmt.Errorf("%s %s: the file exists and holds something else; refusing to overwrite it", flagName, name)
		}
		f, err = os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	}
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// checkNew refuses early a file that createNew might refuse later.
func checkNew(flagName, name string) error {
	if fi, err := os.Stat(name); err == nil && fi.Size() > 0 {
		return fmt.Errorf("%s %s: the file exists and is not empty; refusing to overwrite it", flagName, name)
	}
	return nil
}
