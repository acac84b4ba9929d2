package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/roster"
)

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
	calendar := fs.String("calendar", "", "working-day calendar file (date,kind,name) adding years (or replacing them) to the State Council schedules built in (2025, 2026)")
	checkpoint := fs.String("checkpoint", "", "an older signed checkpoint of the ledger that it must extend")
	at := fs.String("at", "", "time of the verification, like 2026-12-02 10:00 (China Standard Time) or RFC 3339 (default: now)")
	var witnesses, cosigned listFlag
	fs.Var(&witnesses, "witness", "a witness's verifier key file (W.pub from witness keygen) whose cosignatures count, repeatable")
	quorum := fs.Int("quorum", 1, "how many distinct witnesses must have cosigned for a time to count, with --witness")
	fs.Var(&cosigned, "cosigned", "a cosigned checkpoint got elsewhere (e.g. from a witness), besides LEDGER/cosigned/, repeatable")
	var vf v2Flags
	vf.define(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*ledger == "") == (*bundle == "") || len(pubs) == 0 || (*bundle != "" && len(dirs) > 0) {
		return usagef("--pub and one of --ledger (with --dir) and --bundle are required")
	}
	var opt publish.Options
	verifiers, policy, err := loadVerifiers(pubs)
	if err != nil {
		return err
	}
	opt.Policy = policy
	if *calendar != "" {
		cal, err := publish.LoadCalendar(*calendar)
		if err != nil {
			return err
		}
		opt.Calendar = publish.Official().With(cal)
	}
	if *checkpoint != "" {
		b, err := os.ReadFile(*checkpoint)
		if err != nil {
			return err
		}
		opt.Checkpoint = b
	}
	if err := witnessOptions(&opt, witnesses, *quorum, cosigned); err != nil {
		return err
	}
	if opt.Now, err = actionTime(*at); err != nil {
		return err
	}
	if *at != "" {
		fmt.Fprintf(stderrFor(fs), "at: %s\n", publish.FormatTime(opt.Now))
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
			tb, err := loadTables(d, tableFlags{}, vf, "", false, stderrFor(fs)) // v1 or v2: publish_v2.go
			if err != nil {
				return err
			}
			sets = append(sets, tb.set)
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
		// The report on stdout lists the problems; say so once here.
		return &mismatchError{msg: fmt.Sprintf("%s: verification failed, %d problems (see the report)", *ledger, len(rep.Problems))}
	}
	return nil
}

// witnessOptions reads --witness, --quorum and --cosigned into opt.
func witnessOptions(opt *publish.Options, witnesses []string, quorum int, cosigned []string) error {
	for _, f := range witnesses {
		w, err := publish.LoadCosignatureVerifier(f)
		if err != nil {
			return err
		}
		opt.Witnesses = append(opt.Witnesses, w)
	}
	if len(witnesses) > 0 && (quorum < 1 || quorum > len(witnesses)) {
		return usagef("--quorum %d: want 1 to %d (the number of --witness keys)", quorum, len(witnesses))
	}
	opt.Quorum = quorum
	for _, f := range cosigned {
		b, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		opt.Cosigned = append(opt.Cosigned, b)
	}
	return nil
}
