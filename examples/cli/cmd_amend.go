package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
)

// runAmend publishes a substitution (an inspector leaves a premises'
// team; the replacement follows protocol §6) or, with --redraw, a redraw
// amendment that voids the draw: the next announcement answers it.
func runAmend(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	var wf writerFlags
	wf.define(fs, "ledger folder", "time of the amendment")
	dir := fs.String("dir", "", "folder with plan.json and the tables announced (for a substitution)")
	premises := fs.String("premises", "", "the selected premises whose team changes")
	out := fs.String("out", "", "the inspector who leaves the team")
	reason := fs.String("reason", "", "why (published)")
	conflict := fs.Bool("conflict", false, "the inspector leaves for a conflict of interest (回避), declared by the amendment")
	redraw := fs.Bool("redraw", false, "void the draw instead; a new announcement and draw follow")
	drawFlag := fs.String("draw", "", "digest of the draw to amend (default: the last draw not voided)")
	var vf v2Flags
	defineBlinding(fs, &vf)
	if err := parse(fs, args); err != nil {
		return err
	}
	if wf.ledger == "" || wf.key == "" || strings.TrimSpace(*reason) == "" {
		return usagef("--ledger, --key and --reason are required")
	}
	if *redraw && (*premises != "" || *out != "" || *conflict) {
		return usagef("--redraw takes no --premises, --out or --conflict")
	}
	if !*redraw && (*dir == "" || *premises == "" || *out == "") {
		return usagef("a substitution needs --dir, --premises and --out")
	}
	l, signers, when, rec, err := wf.openRecord()
	if err != nil {
		return err
	}
	defer l.Close()
	draw, err := lastLiveDraw(rec, *drawFlag)
	if err != nil {
		return err
	}
	if *redraw {
		d, err := publish.Redraw(l, signers, draw, *reason, when)
		if err != nil {
			return err
		}
		published(stdout, l, "voided the draw:", d)
		fmt.Fprintln(stdout, "the next announcement answers this redraw")
		return nil
	}
	tb, err := loadTables(*dir, tableFlags{}, vf, wf.key, false, stderrFor(fs)) // v1 or v2: publish_v2.go
	if err != nil {
		return err
	}
	reps, d, err := publish.Substitute(context.Background(), l, signers, draw, tb.set,
		[]random.Substitution{{Premises: *premises, Out: *out, Reason: *reason, Conflict: *conflict}}, when)
	if err != nil {
		return fmt.Errorf("--premises %q --out %q: %w", *premises, *out, err)
	}
	for _, r := range reps {
		in := r.In
		if in == "" && len(r.Team) == 0 {
			in = "nobody (no eligible inspector left: the visit is now unstaffed)"
		} else if in == "" {
			in = "nobody (no eligible inspector left; the team is short)"
		}
		fmt.Fprintf(stdout, "%s: %s out, %s in; team %s\n", r.Premises, r.Out, in, strings.Join(r.Team, " "))
	}
	published(stdout, l, "published", d)
	return nil
}
