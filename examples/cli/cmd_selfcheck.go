package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// runSelfcheck answers a business owner: with the ledger, their row and
// its inclusion proof (from the prove command), was their premises
// rightly selected or not? Exit 1 when the record contradicts the row.
func runSelfcheck(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	ledger := fs.String("ledger", "", "ledger folder")
	rowFile := fs.String("row", "", "the premises row (one JSON object of strings, from prove)")
	proofFile := fs.String("proof", "", "its inclusion proof (from prove)")
	var pubs listFlag
	fs.Var(&pubs, "pub", "verifier key file whose key must have signed (repeatable; without it signatures are not checked)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *ledger == "" || *rowFile == "" || *proofFile == "" {
		return usagef("--ledger, --row and --proof are required")
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
	var opt publish.SelfCheckOptions
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
	l, err := openReader(*ledger)
	if err != nil {
		return err
	}
	defer l.Close()
	res, err := publish.SelfCheck(l, verifiers, row, proof, opt)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "premises %s, draw %s\npriority %016x, stratum %v\nverdict: %s\n%s\n", res.Premises, res.Draw, res.Priority, res.Stratum, res.Verdict, res.Explanation)
	if !res.SignaturesChecked {
		fmt.Fprintln(stdout, "signatures not checked: give --pub with the agency's key")
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
