package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/roster"
)

// runResults publishes the outcomes in a CSV file with the header
// premises,outcome,date,inspectors,note: the outcome as a code
// (no_issue, corrected, ...) or its Chinese text, the day inspected,
// the inspectors who went separated by ';'.
func runResults(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	var wf writerFlags
	wf.define(fs, "ledger folder", "publication time")
	file := fs.String("file", "", "results CSV: premises,outcome,date,inspectors,note")
	drawFlag := fs.String("draw", "", "digest of the draw (default: the last draw not voided)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if wf.ledger == "" || wf.key == "" || *file == "" {
		return usagef("--ledger, --key and --file are required")
	}
	outcomes := publish.Standard()
	entries, err := readResults(*file, outcomes)
	if err != nil {
		return err
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
	d, err := publish.PublishResults(l, signers, draw, outcomes, entries, when)
	if err != nil {
		return fmt.Errorf("%s: %w", *file, err)
	}
	fmt.Fprintf(stdout, "%d results\n", len(entries))
	published(stdout, l, "published", d)
	return nil
}

// readResults reads a results CSV; errors name the file, line, field and
// value.
func readResults(file string, outcomes *publish.Outcomes) ([]publish.ResultEntry, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(data, []byte("\uFEFF"))))
	cr.FieldsPerRecord = -1
	header, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("%s: line 1: %v", file, err)
	}
	want := []string{"premises", "outcome", "date", "inspectors", "note"}
	if strings.Join(header, ",") != strings.Join(want, ",") {
		return nil, fmt.Errorf("%s: line 1: header %q, want %q", file, strings.Join(header, ","), strings.Join(want, ","))
	}
	var out []publish.ResultEntry
	var errs []error
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		bad := func(field, value, format string, args ...any) {
			errs = append(errs, fmt.Errorf("%s: line %d: %s %q: %s", file, line, field, value, fmt.Sprintf(format, args...)))
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %v", file, err))
			break
		}
		if len(rec) != len(want) {
			bad("line", strings.Join(rec, ","), "want %d fields, have %d", len(want), len(rec))
			continue
		}
		e := publish.ResultEntry{Premises: rec[0], Note: rec[4]}
		if e.Premises == "" {
			bad("premises", rec[0], "empty")
		}
		if o, ok := outcomes.Lookup(rec[1]); ok {
			e.Outcome = o.Code
		} else if o, ok := outcomes.LookupZh(rec[1]); ok {
			e.Outcome = o.Code
		} else {
			bad("outcome", rec[1], "not a known outcome code or text (e.g. no_issue, 未发现问题)")
		}
		if e.Inspected, err = roster.ParseDate(rec[2]); err != nil {
			bad("date", rec[2], "want YYYY-MM-DD")
		}
		e.Inspectors = roster.SplitList(rec[3])
		if len(e.Inspectors) == 0 || slices.ContainsFunc(e.Inspectors, func(id string) bool { return id == "" || strings.TrimSpace(id) != id }) {
			bad("inspectors", rec[3], "want the ids of the inspectors who went, separated by ';'")
		}
		out = append(out, e)
		if len(errs) >= 20 {
			break
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no results", file)
	}
	return out, nil
}
