package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/doublerandom/doublerandom/publish"
)

// runWithdraw publishes a withdrawal of the ledger's open announcement
// (neither drawn nor withdrawn). The announcement is never deleted; its
// seed event cannot serve another announcement, and a withdrawal at or
// after the seed event is reported by verify as a re-roll.
func runWithdraw(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	var wf writerFlags
	wf.define(fs, "ledger folder", "time of the withdrawal")
	reason := fs.String("reason", "", "why the announcement is withdrawn (published)")
	annFlag := fs.String("announcement", "", "digest of the announcement to withdraw (default: the open one)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if wf.ledger == "" || wf.key == "" || strings.TrimSpace(*reason) == "" {
		return usagef("--ledger, --key and --reason are required")
	}
	var ann publish.Digest
	if *annFlag != "" {
		d, err := publish.ParseDigest(*annFlag)
		if err != nil {
			return fmt.Errorf("--announcement %q: %v", *annFlag, err)
		}
		ann = d
	}
	l, signers, when, rec, err := wf.openRecord()
	if err != nil {
		return err
	}
	defer l.Close()
	d, err := publish.Withdraw(l, signers, ann, *reason, when)
	if err != nil {
		if rec.Open() == nil {
			return fmt.Errorf("%w (a drawn announcement is voided with amend --redraw)", err)
		}
		return err
	}
	published(stdout, l, "withdrew "+rec.Open().File+":", d)
	rec, err = publish.ReadRecord(l)
	if err != nil {
		return err
	}
	if w, ok := rec.Lookup(d); ok {
		if f, ok := rec.FateOf(w.Withdrawal.Announcement); ok && (f.ReRoll || f.ReRollUnknown) {
			fmt.Fprintln(stdout, f.String())
		}
	}
	return nil
}
