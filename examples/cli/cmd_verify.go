package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

func init() {
	register(command{
		name:    "verify",
		summary: "verify a ledger: signatures, chain, seed timing, roots, replay of every draw and amendment",
		run:     runVerify,
	})
}

// runVerify audits a ledger against the tables of DIR and prints the
// report. Every key given with --pub must have signed every document
// (other signatures, such as unknown witnesses, are tolerated). Exit 1
// when anything disagrees.
func runVerify(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	ledger := fs.String("ledger", "", "ledger folder")
	var dirs listFlag
	fs.Var(&dirs, "dir", "folder with tables announced, repeatable: each announcement gets the one whose roots it announced (without any, draws are not replayed)")
	bundle := fs.String("bundle", "", "a public bundle (from the bundle command): verify it alone, instead of --ledger and --dir")
	var pubs listFlag
	fs.Var(&pubs, "pub", "verifier key file (PREFIX.pub) whose key must have signed every document, repeatable")
	calendar := fs.String("calendar", "", "working-day calendar file (date,kind,name); default Monday to Friday")
	checkpoint := fs.String("checkpoint", "", "an older signed checkpoint of the ledger that it must extend")
	at := fs.String("at", "", "time of the verification, RFC 3339 (default: now)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*ledger == "") == (*bundle == "") || len(pubs) == 0 || (*bundle != "" && len(dirs) > 0) {
		return usagef("--pub and one of --ledger (with --dir) and --bundle are required")
	}
	var opt publish.Options
	var verifiers []note.Verifier
	for _, f := range pubs {
		v, err := publish.LoadVerifier(f)
		if err != nil {
			return err
		}
		verifiers = append(verifiers, v)
		opt.Policy.Require = append(opt.Policy.Require, v.Name())
	}
	opt.Policy.AllowUnknown = true
	if *calendar != "" {
		cal, err := publish.LoadCalendar(*calendar)
		if err != nil {
			return err
		}
		opt.Calendar = cal
	}
	if *checkpoint != "" {
		b, err := os.ReadFile(*checkpoint)
		if err != nil {
			return err
		}
		opt.Checkpoint = b
	}
	var err error
	if opt.Now, err = actionTime(*at); err != nil {
		return err
	}
	var rep *publish.Report
	if *bundle != "" {
		if rep, err = verifyBundle(*bundle, verifiers, opt); err != nil {
			return err
		}
		*ledger = *bundle
	} else {
		var sets []*roster.Set
		for _, d := range dirs {
			_, set, err := loadDir(d, tableFlags{})
			if err != nil {
				return err
			}
			sets = append(sets, set)
		}
		if len(sets) > 0 {
			opt.Tables = publish.TablesByRoots(sets...)
		}
		l, err := openReader(*ledger)
		if err != nil {
			return err
		}
		defer l.Close()
		if rep, err = publish.Verify(l, nil, verifiers, opt); err != nil {
			return ledgerError(err)
		}
	}
	fmt.Fprint(stdout, rep.String())
	fmt.Fprint(stdout, rootsHint(rep, len(dirs)))
	if !rep.OK() {
		msg := fmt.Sprintf("%s: %d problems", *ledger, len(rep.Problems))
		for _, p := range rep.Problems {
			msg += "\n  " + p.String()
		}
		return &mismatchError{msg: msg}
	}
	return nil
}
