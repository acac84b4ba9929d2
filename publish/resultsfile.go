package publish

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/roster"
)

// ResultsTable is a results file read into cells: the header row and
// the data rows, as a CSV reader or a spreadsheet reader gives them.
type ResultsTable struct {
	// File names the file in errors.
	File string
	// Header holds the column names.
	Header []string
	// Rows hold the data rows. Empty rows (every cell empty) are skipped.
	Rows [][]string
	// Lines holds the line (or spreadsheet row) number of each row, for
	// errors; nil means Rows[i] is on line i+2 (a header on line 1).
	Lines []int
}

// ResultsOptions configure [ParseResults] and [ReadResults].
type ResultsOptions struct {
	// Outcomes is the registry outcomes are looked up in; nil means
	// [Standard].
	Outcomes *Outcomes
	// Authority and InspectionType are the implementing authority and
	// the inspection type (code or Chinese) of rows that give none.
	Authority      string
	InspectionType string
	// Encoding of the file for [ReadResults]; the zero value detects
	// UTF-8 (with or without byte order mark) or GBK/GB18030.
	Encoding roster.Encoding
}

// ResultsColumns lists the columns of a results file: the protocol's
// name, then the Chinese headers read as the same column. The first four
// are required.
var ResultsColumns = [][]string{
	{"premises", "统一社会信用代码", "统一社会信用代码/注册号", "统一社会信用代码/许可证号", "检查对象代码"},
	{"outcome", "检查结果", "抽查结果", "抽查检查结果"},
	{"date", "检查日期", "抽查日期", "检查时间", "inspected"},
	{"inspectors", "检查人员", "执法人员", "检查人员执法证号"},
	{"note", "备注"},
	{"follow_up", "后续处置状态", "后续处置"},
	{"authority", "实施机关", "检查实施机关", "检查机关"},
	{"inspection_type", "检查类型", "抽查类型"},
}

const resultsRequired = 4

// maxResultsErrors bounds the errors collected from one results file.
const maxResultsErrors = 20

// ResultsFileError reports a bad cell (or row, or header) of a results
// file: the file, the line, the column (number from 1 and its letter as
// a spreadsheet shows it), its name and the value.
type ResultsFileError struct {
	File   string
	Line   int
	Column int    // 0 when the error is about the whole row or file
	Field  string // the column's protocol name, or "header" / "line"
	Value  string
	Err    error
}

func (e *ResultsFileError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ": line %d", e.Line)
	}
	b.WriteString(": ")
	if e.Field != "" {
		fmt.Fprintf(&b, "%s %q", e.Field, e.Value)
		if e.Column > 0 {
			fmt.Fprintf(&b, " (column %s)", ColumnName(e.Column))
		}
		b.WriteString(": ")
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *ResultsFileError) Unwrap() error { return e.Err }

// badCell is the error of a bad cell: its message, wrapping ErrMalformed
// without repeating its text.
type badCell string

func (e badCell) Error() string { return string(e) }
func (e badCell) Unwrap() error { return ErrMalformed }

// ColumnName returns the spreadsheet name of the n-th column (from 1):
// A, B, ..., Z, AA, ...
func ColumnName(n int) string {
	s := ""
	for n > 0 {
		n--
		s = string(rune('A'+n%26)) + s
		n /= 26
	}
	return s
}

// ReadResults reads a results CSV file as exported by a spreadsheet:
// UTF-8 with or without byte order mark, GBK or GB18030 (decoded with
// [roster.DecodeText]), then [ParseResults].
func ReadResults(file string, data []byte, opt ResultsOptions) ([]ResultEntry, error) {
	text, _, err := roster.DecodeText(file, data, opt.Encoding)
	if err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text))
	cr.FieldsPerRecord = -1
	tab := ResultsTable{File: file}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvFileError(file, err)
		}
		line, _ := cr.FieldPos(0)
		if tab.Header == nil {
			tab.Header = slices.Clone(rec)
			continue
		}
		tab.Rows = append(tab.Rows, slices.Clone(rec))
		tab.Lines = append(tab.Lines, line)
	}
	return ParseResults(tab, opt)
}

// ParseResults reads the results of a table. The header names the
// columns of [ResultsColumns] in any order, by protocol name or one of
// the Chinese headers (surrounding space and a byte order mark ignored);
// premises, outcome, date and inspectors are required, and an unknown or
// repeated column is an error. Each row gives:
//
//   - premises: the premises id;
//   - outcome: one or more outcomes, each a code or Chinese text
//     ([Outcomes.Find]), separated by ';' or '；' (a final separator is
//     ignored); the first is the entry's Outcome, the others its More;
//   - date: the day inspected, as YYYY-MM-DD, YYYY/M/D (with one- or
//     two-digit month and day), either followed by a time of day
//     (2026-11-25 00:00:00, 2026/11/25 0:00), or an Excel serial day
//     number (46351 is 2026-11-25);
//   - inspectors: the ids of the inspectors who went, separated by ';'
//     or '；';
//   - note, follow_up (open/done or 未完结/已完结), authority,
//     inspection_type (a code or Chinese text of [InspectionTypes]):
//     optional; an empty authority or inspection type takes the one of
//     opt.
//
// Every problem (up to 20) is reported as a *ResultsFileError naming
// file, line, column and value, joined with [errors.Join].
func ParseResults(tab ResultsTable, opt ResultsOptions) ([]ResultEntry, error) {
	outcomes := opt.Outcomes
	if outcomes == nil {
		outcomes = Standard()
	}
	var errs []error
	add := func(line, col int, field, value, format string, args ...any) {
		if len(errs) < maxResultsErrors {
			errs = append(errs, &ResultsFileError{File: tab.File, Line: line, Column: col, Field: field, Value: value,
				Err: badCell(fmt.Sprintf(format, args...))})
		}
	}
	if tab.Header == nil {
		return nil, &ResultsFileError{File: tab.File, Line: 1, Err: badCell("no header row")}
	}
	col := make([]int, len(ResultsColumns)) // column index of each, -1 when absent
	for i := range col {
		col[i] = -1
	}
	for j, h := range tab.Header {
		name := strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		k := slices.IndexFunc(ResultsColumns, func(names []string) bool { return slices.Contains(names, name) })
		switch {
		case k < 0:
			add(1, j+1, "header", h, "unknown column; the columns are %s", resultsColumnList())
		case col[k] >= 0:
			add(1, j+1, "header", h, "column %s given twice (also column %s)", ResultsColumns[k][0], ColumnName(col[k]+1))
		default:
			col[k] = j
		}
	}
	for k := 0; k < resultsRequired; k++ {
		if col[k] < 0 {
			add(1, 0, "header", strings.Join(tab.Header, ","), "no %s column (%s)", ResultsColumns[k][0], strings.Join(ResultsColumns[k], ", "))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	defType := ""
	if opt.InspectionType != "" {
		t, ok := LookupInspectionType(opt.InspectionType)
		if !ok {
			return nil, fmt.Errorf("inspection type %q: want one of %s", opt.InspectionType, inspectionTypeList())
		}
		defType = t.Code
	}
	var out []ResultEntry
	seen := map[string]int{}
	for i, rec := range tab.Rows {
		line := i + 2
		if tab.Lines != nil {
			line = tab.Lines[i]
		}
		if !slices.ContainsFunc(rec, func(c string) bool { return strings.TrimSpace(c) != "" }) {
			continue
		}
		cell := func(k int) (string, int) {
			j := col[k]
			if j < 0 || j >= len(rec) {
				return "", j + 1
			}
			return strings.TrimSpace(rec[j]), j + 1
		}
		if len(rec) > len(tab.Header) {
			add(line, len(tab.Header)+1, "line", strings.Join(rec, ","), "%d cells, more than the %d columns of the header", len(rec), len(tab.Header))
			continue
		}
		n0 := len(errs)
		e := ResultEntry{}
		v, c := cell(0)
		switch {
		case v == "":
			add(line, c, "premises", v, "empty")
		case seen[v] > 0:
			add(line, c, "premises", v, "given twice (also line %d)", seen[v])
		default:
			e.Premises = v
			seen[v] = line
		}
		v, c = cell(1)
		codes, err := splitOutcomes(outcomes, v)
		if err != nil {
			add(line, c, "outcome", v, "%v", err)
		} else {
			e.Outcome = codes[0]
			for _, m := range codes[1:] {
				e.More = append(e.More, OutcomeText{Code: m})
			}
		}
		v, c = cell(2)
		if e.Inspected, err = ParseDay(v); err != nil {
			add(line, c, "date", v, "%v", err)
		}
		v, c = cell(3)
		if e.Inspectors, err = splitIDs(v); err != nil {
			add(line, c, "inspectors", v, "%v", err)
		}
		e.Note, _ = cell(4)
		if v, c = cell(5); v != "" {
			if e.FollowUp, _ = ParseFollowUp(v); e.FollowUp == "" {
				add(line, c, "follow_up", v, "want 未完结 or 已完结 (open, done)")
			}
		}
		e.Authority, _ = cell(6)
		if e.Authority == "" {
			e.Authority = opt.Authority
		}
		e.InspectionType = defType
		if v, c = cell(7); v != "" {
			if t, ok := LookupInspectionType(v); ok {
				e.InspectionType = t.Code
			} else {
				add(line, c, "inspection_type", v, "want one of %s", inspectionTypeList())
			}
		}
		if len(errs) == n0 {
			out = append(out, e)
		}
		if len(errs) >= maxResultsErrors {
			break
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(out) == 0 {
		return nil, &ResultsFileError{File: tab.File, Err: badCell("no results")}
	}
	return out, nil
}

func resultsColumnList() string {
	var parts []string
	for _, c := range ResultsColumns {
		parts = append(parts, c[0]+" ("+strings.Join(c[1:], ", ")+")")
	}
	return strings.Join(parts, "; ")
}

func inspectionTypeList() string {
	var parts []string
	for _, t := range inspectionTypes {
		parts = append(parts, t.Code+" ("+t.Zh+")")
	}
	return strings.Join(parts, ", ")
}

// splitList splits a cell at ';' and '；', trimming each item; a final
// separator is ignored, an empty item elsewhere is an error.
func splitList(s string) ([]string, error) {
	s = strings.TrimSpace(strings.ReplaceAll(s, "；", ";"))
	s = strings.TrimSpace(strings.TrimSuffix(s, ";"))
	if s == "" {
		return nil, errors.New("empty")
	}
	parts := strings.Split(s, ";")
	for i, p := range parts {
		parts[i] = strings.TrimSpace(p)
		if parts[i] == "" {
			return nil, errors.New("an empty item between separators")
		}
	}
	return parts, nil
}

func splitOutcomes(o *Outcomes, s string) ([]string, error) {
	parts, err := splitList(s)
	if err != nil {
		return nil, fmt.Errorf("%v; want one or more outcome codes or texts separated by ';' (e.g. no_issue, 未发现问题)", err)
	}
	var codes []string
	for _, p := range parts {
		x, ok := o.Find(p)
		if !ok {
			return nil, fmt.Errorf("%q is not a known outcome code or text (e.g. no_issue, 未发现问题, 发现问题待后续处理；注销)", p)
		}
		if slices.Contains(codes, x.Code) {
			return nil, fmt.Errorf("outcome %s (%s) given twice", x.Code, x.Zh)
		}
		codes = append(codes, x.Code)
	}
	if len(codes) > 1 && slices.Contains(codes, OutcomeNoIssue) {
		return nil, errors.New("未发现问题 (no_issue) cannot go with other outcomes")
	}
	return codes, nil
}

func splitIDs(s string) ([]string, error) {
	parts, err := splitList(s)
	if err != nil {
		return nil, fmt.Errorf("%v; want the ids of the inspectors who went, separated by ';'", err)
	}
	for i, p := range parts {
		if slices.Index(parts, p) != i {
			return nil, fmt.Errorf("inspector %q given twice", p)
		}
	}
	return parts, nil
}

// excelEpoch is day 0 of Excel's 1900 date system as it counts after
// 1900-02-28 (its serial 60 is the 29 February 1900 that never was).
var excelEpoch = roster.DateOf(time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC))

// ParseDay reads a day as spreadsheets export it: YYYY-MM-DD, YYYY/M/D,
// either followed by a space and a time of day (HH:MM or HH:MM:SS, the
// hour with one or two digits: 2026/11/25 0:00), or an Excel serial day
// number from 61 (1900-03-01) to 2958465 (9999-12-31) with no fraction.
// Anything else is an error that shows the accepted forms.
func ParseDay(s string) (Date, error) {
	s = strings.TrimSpace(s)
	bad := fmt.Errorf("want a date like 2026-11-25, 2026/11/25, 2026-11-25 00:00:00 or an Excel serial day number")
	if s == "" {
		return 0, fmt.Errorf("empty; %v", bad)
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 61 || n > 2958465 {
			return 0, bad
		}
		return excelEpoch.AddDays(n), nil
	}
	day, clock, hasClock := strings.Cut(s, " ")
	if hasClock {
		f := strings.Split(strings.TrimSpace(clock), ":")
		if len(f) < 2 || len(f) > 3 {
			return 0, bad
		}
		for k, p := range f {
			n, ok := atoiDigits(p)
			lim := 59
			if k == 0 {
				lim = 23
			}
			if !ok || n > lim || len(p) > 2 || (k > 0 && len(p) != 2) {
				return 0, bad
			}
		}
	}
	y, m, d, ok := parseDay(day)
	if !ok {
		return 0, bad
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return 0, fmt.Errorf("%04d-%02d-%02d does not exist", y, m, d)
	}
	return roster.DateOf(t), nil
}

// csvFileError is the error of a CSV file (results, labels) that
// encoding/csv could not read: a *ResultsFileError at the line and
// column of a syntax error, err itself otherwise.
func csvFileError(file string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return &ResultsFileError{File: file, Line: pe.Line, Column: pe.Column, Err: badCell(pe.Err.Error())}
	}
	return err
}
