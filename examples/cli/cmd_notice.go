package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"

	"github.com/doublerandom/doublerandom/publish"
)

func init() {
	register(command{
		name:    "notice",
		summary: "write the public notice (公示) of a ledger's draws and results as CSV",
		run:     runNotice,
	})
}

// runNotice writes the notice CSV (UTF-8 with BOM, Chinese headers) to a
// new file; --private adds the inspectors, for the copy sent to the
// inspected business.
func runNotice(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	ledger := fs.String("ledger", "", "ledger folder")
	dir := fs.String("dir", "", "folder with the tables (for names, regions and categories)")
	out := fs.String("out", "", "CSV file to write (must not exist; - for stdout)")
	private := fs.Bool("private", false, "include the inspectors (not for the public notice)")
	var pubs listFlag
	fs.Var(&pubs, "pub", "verifier key file (PREFIX.pub) whose key must have signed every document, repeatable (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *ledger == "" || *dir == "" || *out == "" {
		return usagef("--ledger, --dir and --out are required")
	}
	_, set, err := loadDir(*dir, tableFlags{})
	if err != nil {
		return err
	}
	l, err := openReader(*ledger)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := checkLedgerSignatures(l, pubs); err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := publish.WriteNotice(&buf, l, set, publish.NoticeOptions{Private: *private}); err != nil {
		return err
	}
	if *out == "-" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	if err := createNew("--out", *out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s\n", *out)
	return nil
}
