package main

import (
	"flag"
	"io"

	"github.com/doublerandom/doublerandom/random"
)

// runPreflight prints what can be known of DIR's draw before a seed
// exists: strata and quotas, strata without a quota rule, team rules
// nobody can staff, worst-case capacity, premises with too few eligible
// inspectors. With --check it exits 1 when the report finds something
// to fix.
func runPreflight(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	dir := fs.String("dir", "", "folder with plan.json, premises, inspectors and optionally conflicts and history")
	check := fs.Bool("check", false, "exit 1 when the report finds something to fix")
	var tf tableFlags
	tf.define(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("--dir is required")
	}
	plan, set, err := loadDir(*dir, tf)
	if err != nil {
		return err
	}
	rep, err := random.Preflight(plan, set)
	if err != nil {
		return err
	}
	if _, err := io.WriteString(stdout, rep.String()); err != nil {
		return err
	}
	if *check && !rep.OK() {
		return &mismatchError{msg: "the plan has problems to fix before the announcement (see the report)"}
	}
	return nil
}
