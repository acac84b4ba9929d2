package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/roster"
)

// runResults publishes the outcomes of a results file (see
// publish.ParseResults for its columns): CSV in UTF-8, UTF-8 with BOM,
// GBK or GB18030, or the first (or --sheet) sheet of an .xlsx file.
// It echoes on stderr the publication time it understood.
func runResults(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	var wf writerFlags
	wf.define(fs, "ledger folder", "publication time")
	file := fs.String("file", "", "results file (.csv or .xlsx) with the columns premises,outcome,date,inspectors and optionally note,follow_up,authority,inspection_type (or their Chinese headers: 统一社会信用代码,检查结果,检查日期,检查人员,备注,后续处置状态,实施机关,检查类型)")
	drawFlag := fs.String("draw", "", "digest of the draw (default: the last draw not voided)")
	authority := fs.String("authority", "", "implementing authority (实施机关) of rows that give none")
	itype := fs.String("inspection-type", "", "inspection type (检查类型) of rows that give none: random (双随机抽查), targeted (定向抽查) or joint (联合抽查)")
	encoding := fs.String("encoding", "auto", "encoding of a CSV file: auto, utf-8 or gbk (GB18030)")
	sheet := fs.String("sheet", "", "sheet of an .xlsx file (default: the first)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if wf.ledger == "" || wf.key == "" || *file == "" {
		return usagef("--ledger, --key and --file are required")
	}
	enc, err := roster.ParseEncoding(*encoding)
	if err != nil {
		return usagef("--encoding: %v", err)
	}
	if wf.at != "" {
		t, err := publish.ParseTime(wf.at)
		if err != nil {
			return usagef("--at: %v", err)
		}
		wf.at = publish.FormatTime(t)
	}
	outcomes := publish.Standard()
	opt := publish.ResultsOptions{Outcomes: outcomes, Authority: *authority, InspectionType: *itype, Encoding: enc}
	var entries []publish.ResultEntry
	if strings.EqualFold(filepath.Ext(*file), ".xlsx") {
		tab, err := readXLSXTable(*file, *sheet)
		if err != nil {
			return err
		}
		entries, err = publish.ParseResults(tab, opt)
		if err != nil {
			return err
		}
	} else {
		if *sheet != "" {
			return usagef("--sheet is for .xlsx files")
		}
		data, err := os.ReadFile(*file)
		if err != nil {
			return err
		}
		if entries, err = publish.ReadResults(*file, data, opt); err != nil {
			return err
		}
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

// readXLSXTable reads a sheet of an .xlsx results file with roster's
// reader of agency files (roster.ReadCells: merged header cells refused,
// numbers as stored, the date column's serial numbers as dates), for
// publish.ParseResults.
func readXLSXTable(file, sheet string) (publish.ResultsTable, error) {
	f, err := os.Open(file)
	if err != nil {
		return publish.ResultsTable{}, err
	}
	defer f.Close()
	c, err := roster.ReadCells(f, roster.Options{File: file, Sheet: sheet}, publish.ResultsColumns[2]...)
	if err != nil {
		return publish.ResultsTable{}, err
	}
	return publish.ResultsTable{File: file + " (sheet " + c.Sheet + ")", Header: c.Header, Rows: c.Rows, Lines: c.Lines}, nil
}
