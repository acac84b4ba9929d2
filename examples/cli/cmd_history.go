package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/roster"
)

// runHistory writes the history table of the next batch from a ledger
// (publish.HistoryRows): one row per visit of each live draw, updated by
// its results; with --base, the rows of the current history table come
// along, so that the file is the next folder's history.csv as it is.
func runHistory(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	ledger := fs.String("ledger", "", "ledger folder")
	out := fs.String("out", "", "the history CSV to write (a new file; never overwritten)")
	base := fs.String("base", "", "the current history table (CSV), whose rows come first")
	var pubs listFlag
	fs.Var(&pubs, "pub", "verifier key file (PREFIX.pub) whose key must have signed every document, repeatable")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *ledger == "" || *out == "" {
		return usagef("--ledger and --out are required")
	}
	if err := checkNew("--out", *out); err != nil {
		return err
	}
	var baseTable *roster.Table
	if *base != "" {
		f, err := os.Open(*base)
		if err != nil {
			return fmt.Errorf("--base: %w", err)
		}
		baseTable, err = roster.ReadCSV(f, roster.KindHistory, roster.Options{Protocol: roster.ProtocolV2, File: *base})
		f.Close()
		if err != nil {
			return err
		}
	}
	l, err := openReader(*ledger)
	if err != nil {
		return err
	}
	defer l.Close()
	if len(pubs) > 0 {
		if err := checkSignatures(l, pubs); err != nil {
			return err
		}
	}
	rec, err := publish.ReadRecord(l)
	if err != nil {
		return err
	}
	rows := publish.HistoryRows(rec)
	var buf bytes.Buffer
	n, err := publish.WriteHistory(&buf, baseTable, rows)
	if err != nil {
		return err
	}
	if err := createNew("--out", *out, buf.Bytes()); err != nil {
		return err
	}
	inspected := 0
	for _, r := range rows {
		if r.Inspected {
			inspected++
		}
	}
	fmt.Fprintf(stdout, "wrote %s: %d rows from the ledger (%d with results), %d in all\n", *out, n, inspected, n+baseRows(baseTable, rows))
	return nil
}

func baseRows(t *roster.Table, rows []publish.HistoryRow) int {
	if t == nil {
		return 0
	}
	mine := map[string]bool{}
	for _, r := range rows {
		mine[r.ID] = true
	}
	n := 0
	for _, r := range t.Rows() {
		if !mine[r.ID] {
			n++
		}
	}
	return n
}

// checkSignatures checks that every document of l is signed by the keys
// of the verifier files.
func checkSignatures(l publish.Ledger, pubs []string) error {
	verifiers, p, err := loadVerifiers(pubs)
	if err != nil {
		return err
	}
	n, err := l.Len()
	if err != nil {
		return err
	}
	for seq := int64(1); seq <= n; seq++ {
		b, err := l.Read(seq)
		if err != nil {
			return err
		}
		if _, err := p.Open(b, verifiers...); err != nil {
			return &mismatchError{msg: fmt.Sprintf("document %d: %v", seq, err)}
		}
	}
	return nil
}
