package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/roster"
)

// runSelfcheck answers a business owner: with the ledger, their row and
// its inclusion proof (from the prove command), was their premises
// rightly selected or not? Exit 1 when the record contradicts the row.
func runSelfcheck(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	ledger := fs.String("ledger", "", "ledger folder")
	bundle := fs.String("bundle", "", "a public bundle: give --id instead of --row and --proof")
	id := fs.String("id", "", "with --bundle: the premises id (统一社会信用代码); its row and proof come from the bundle")
	drawRef := fs.String("draw", "", "digest of the draw to check against (default: the last draw no redraw voided)")
	rowFile := fs.String("row", "", "the premises row (one JSON object of strings, from prove)")
	proofFile := fs.String("proof", "", "its inclusion proof (from prove)")
	var pubs listFlag
	fs.Var(&pubs, "pub", "verifier key file whose key must have signed (repeatable; without it signatures are not checked)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *bundle != "" {
		if *ledger != "" || *rowFile != "" || *proofFile != "" || *id == "" {
			return usagef("with --bundle give --id, and no --ledger, --row or --proof")
		}
	} else if *ledger == "" || *rowFile == "" || *proofFile == "" || *id != "" {
		return usagef("--ledger, --row and --proof are required (or --bundle and --id)")
	}
	var opt publish.SelfCheckOptions
	if *drawRef != "" {
		d, err := publish.ParseDigest(*drawRef)
		if err != nil {
			return usagef("--draw %q: %v", *drawRef, err)
		}
		opt.Draw = d
	}
	verifiers, policy, err := loadVerifiers(pubs)
	if err != nil {
		return err
	}
	opt.Policy = policy
	if *bundle != "" {
		b, err := publish.OpenBundle(os.DirFS(*bundle))
		if err != nil {
			return err
		}
		res, err := publish.SelfCheckBundle(b, verifiers, *id, opt)
		var mm *publish.MismatchError
		if errors.As(err, &mm) {
			// The bundle's table is not the one announced.
			return &mismatchError{msg: err.Error()}
		}
		if err != nil {
			return err
		}
		return printSelfCheck(stdout, res)
	}
	row, err := readRow(*rowFile)
	if err != nil {
		return err
	}
	pb, err := os.ReadFile(*proofFile)
	if err != nil {
		return err
	}
	var proof roster.Proof
	if err := json.Unmarshal(pb, &proof); err != nil {
		return fmt.Errorf("%s: %w", *proofFile, err)
	}
	l, err := openReader(*ledger)
	if err != nil {
		return err
	}
	defer l.Close()
	res, err := publish.SelfCheck(l, verifiers, row, proof, opt)
	if err != nil {
		return err
	}
	return printSelfCheck(stdout, res)
}

// notCheckedWarning is printed, first and last, when no key was given.
const notCheckedWarning = "WARNING: SIGNATURES NOT CHECKED (no --pub): anyone could have written this ledger; this answer means nothing until you give --pub with the agency's key"

// printSelfCheck prints the answer; exit 1 when the record contradicts
// the row.
func printSelfCheck(stdout io.Writer, res *publish.SelfCheckResult) error {
	if !res.SignaturesChecked {
		fmt.Fprintln(stdout, notCheckedWarning)
	}
	fmt.Fprintf(stdout, "premises %s, draw %s\npriority %016x, stratum %v\nverdict: %s\n%s\n", res.Premises, res.Draw, res.Priority, res.Stratum, res.Verdict, res.Explanation)
	if !res.SignaturesChecked {
		fmt.Fprintln(stdout, notCheckedWarning)
	}
	if res.Verdict == publish.VerdictWrong || res.Verdict == publish.VerdictNotInRoster {
		// The explanation is on stdout; say so once here.
		return &mismatchError{msg: fmt.Sprintf("verdict %s (see the explanation)", res.Verdict)}
	}
	return nil
}

// readRow reads one premises row: a JSON object whose values are
// strings, on one line or several.
func readRow(file string) (roster.Row, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return roster.Row{}, err
	}
	var c bytes.Buffer
	if err := json.Compact(&c, bytes.TrimPrefix(b, []byte("\uFEFF"))); err != nil {
		return roster.Row{}, fmt.Errorf("%s: %w", file, err)
	}
	c.WriteByte('\n')
	t, err := roster.ReadJSONL(&c, roster.KindPremises, roster.Options{File: file})
	if err != nil {
		return roster.Row{}, err
	}
	if t.Len() != 1 {
		return roster.Row{}, fmt.Errorf("%s: want one row, have %d", file, t.Len())
	}
	return t.At(0), nil
}
