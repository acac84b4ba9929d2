package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/doublerandom/doublerandom/publish"
)

// runNotice writes the notice to a new file: CSV (UTF-8 with BOM,
// Chinese headers; the default), an Excel workbook or a static web page.
// With --pub it first verifies the ledger with those keys and refuses to
// write a notice of a ledger that does not verify; the keys are printed
// in the notice's section on verification. --private adds the
// inspectors, for the copy sent to the inspected business.
func runNotice(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	ledger := fs.String("ledger", "", "ledger folder")
	dir := fs.String("dir", "", "folder with the tables (for names, regions and categories)")
	out := fs.String("out", "", "file to write (must not exist; - for stdout)")
	format := fs.String("format", "csv", "csv, xlsx or html")
	var pubs listFlag
	fs.Var(&pubs, "pub", "verifier key file (PREFIX.pub): verify the ledger first and show the key in the notice (repeatable)")
	authority := fs.String("authority", "", "issuing authority (发布机关) named at the top, e.g. 某县卫生健康局 (default: the ledger's name)")
	bundleURL := fs.String("bundle-url", "", "where the public bundle is published, shown in the section 如何核验")
	labelsFile := fs.String("labels", "", "labels table (CSV kind,code,label) naming region codes, categories and tasks")
	private := fs.Bool("private", false, "include the inspectors (not for the public notice)")
	var vf v2Flags
	vf.define(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *ledger == "" || *dir == "" || *out == "" {
		return usagef("--ledger, --dir and --out are required")
	}
	if len(pubs) == 0 {
		return usagef("--pub is required: the agency's verifier key (PREFIX.pub), so that nothing unsigned is shown as the agency's")
	}
	f, err := publish.ParseNoticeFormat(*format)
	if err != nil {
		return usagef("--format %q: want csv, xlsx or html", *format)
	}
	if *out != "-" {
		if err := checkNew("--out", *out); err != nil {
			return err
		}
	}
	opt := publish.NoticeOptions{Private: *private, Format: f, Authority: *authority, BundleURL: *bundleURL}
	if *labelsFile != "" {
		if opt.Labels, err = publish.LoadLabels(*labelsFile); err != nil {
			return fmt.Errorf("--labels: %w", err)
		}
	}
	// Every --pub key must have signed every document; signatures by
	// other keys (witnesses) are allowed. LoadVerifier refuses a signer key.
	verifiers, policy, err := loadVerifiers(pubs)
	if err != nil {
		return fmt.Errorf("--pub: %w", err)
	}
	for _, file := range pubs {
		b, err := os.ReadFile(file)
		if err != nil {
			return fmt.Errorf("--pub: %w", err)
		}
		opt.VerifierKeys = append(opt.VerifierKeys, strings.TrimSpace(string(b)))
	}
	tb, err := loadTables(*dir, tableFlags{}, vf, "", false, nil) // v1 or v2: publish_v2.go (names only: no roots)
	if err != nil {
		return err
	}
	set := tb.set
	l, err := openReader(*ledger)
	if err != nil {
		return err
	}
	defer l.Close()
	{
		rep, err := publish.Verify(l, set, verifiers, publish.Options{Policy: policy})
		if err != nil {
			return err
		}
		if !rep.OK() {
			return &mismatchError{msg: "the ledger does not verify; no notice written:\n" + rep.String()}
		}
	}
	var buf bytes.Buffer
	if err := publish.WriteNotice(&buf, l, set, opt); err != nil {
		return err
	}
	if *out == "-" {
		_, err := stdout.Write(buf.Bytes())
		return err
	}
	if err := createNew("--out", *out, buf.Bytes()); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%s)\n", *out, f)
	return nil
}
