package main

import (
	"encoding/json"
	"flag"
	"io"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// runRoots prints {"premises": HEX, "inspectors": HEX, "conflicts": HEX,
// "history": HEX}, indented with one space like the test vectors. A
// folder whose plan.json is a v2 plan gets the v2 roots (protocol v2 §1).
func runRoots(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	dir := fs.String("dir", "", "folder with premises, inspectors and optionally conflicts and history (.csv or .jsonl)")
	var tf tableFlags
	tf.define(fs)
	var vf v2Flags
	vf.define(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("--dir is required")
	}
	proto, err := folderProtocol(*dir)
	if err != nil {
		return err
	}
	var roots roster.Roots
	if proto == random.ProtocolV2 {
		// v2 roots commit private attributes: the plan names them.
		plan, set, err := loadDirV2(*dir, tf, vf, stderrFor(fs))
		if err != nil {
			return err
		}
		if roots, err = set.RootsV2(plan.Private); err != nil {
			return err
		}
	} else {
		if vf.used() {
			return usagef("--blinding-key and --published apply to v2 plans")
		}
		set, err := loadSet(*dir, tf)
		if err != nil {
			return err
		}
		roots = set.Roots()
	}
	b, err := json.MarshalIndent(roots, "", " ")
	if err != nil {
		return err
	}
	_, err = stdout.Write(append(b, '\n'))
	return err
}
