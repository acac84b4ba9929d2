package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// runExplain replays the draw of DIR with the given seed and explains
// one premises: out of scope, cooling down, its stratum, rank, priority
// against the threshold, its mark and team. With --inspector it
// explains that inspector's eligibility for the premises instead.
func runExplain(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	dir := fs.String("dir", "", "folder with plan.json, premises, inspectors and optionally conflicts and history")
	var sf seedFlags
	sf.define(fs)
	id := fs.String("id", "", "the premises id, exactly as in the roster")
	inspector := fs.String("inspector", "", "an inspector id: explain their eligibility for the premises")
	var tf tableFlags
	tf.define(fs)
	var vf v2Flags
	vf.define(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" || *id == "" {
		return usagef("--dir and --id are required")
	}
	seed, err := sf.seed()
	if err != nil {
		return err
	}
	if proto, err := folderProtocol(*dir); err != nil {
		return err
	} else if proto == random.ProtocolV2 {
		return explainV2(*dir, tf, vf, seed, *id, *inspector, stderrFor(fs), stdout) // publish_v2.go
	} else if vf.used() {
		return usagef("--blinding-key and --published apply to v2 plans")
	}
	plan, set, err := loadDir(*dir, tf)
	if err != nil {
		return err
	}
	res, err := random.Draw(context.Background(), plan, set, seed, random.Options{})
	if err != nil {
		return err
	}
	var text fmt.Stringer
	if *inspector != "" {
		text, err = res.ExplainInspector(*id, *inspector)
	} else {
		text, err = res.Explain(*id)
	}
	return writeExplanation(stdout, res.Set, text, err)
}

// writeExplanation writes the text of an explanation (either protocol)
// to stdout, or returns err; an id that is not in the tables is named
// with its flag and file.
func writeExplanation(stdout io.Writer, set *roster.Set, text fmt.Stringer, err error) error {
	var le *random.LookupError
	if errors.As(err, &le) {
		flagName, file := "--id", set.Premises.File()
		if le.Kind == roster.KindInspectors {
			flagName, file = "--inspector", set.Inspectors.File()
		}
		return fmt.Errorf("%s %q: %v (%s)", flagName, le.ID, le.Err, file)
	}
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, text.String())
	return err
}
