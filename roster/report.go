package roster

import (
	"fmt"
	"io"
	"strings"
)

// tableSource is how a table's file was read.
type tableSource struct {
	format   string // csv, xlsx, jsonl
	encoding Encoding
	sheet    string
	columns  []ColumnReport
	dates    int
}

// annotate adds the sheet and header of an error's cell.
func (src *tableSource) annotate(e *RowError) {
	e.Sheet = src.sheet
	if c := e.Column; c > 0 && c <= len(src.columns) && e.Field != "" && src.columns[c-1].Header != e.Field {
		e.Header = src.columns[c-1].Header
	}
}

// TableReport says how one table was read: from which file, in which
// encoding or sheet, what each column became, and the warnings found.
type TableReport struct {
	Kind Kind
	// File is the input's name; "" when the table was absent (empty) or
	// built in Go.
	File string
	// Format is "csv", "xlsx" or "jsonl"; "" when the table was absent
	// or built in Go.
	Format string
	// Encoding is the text encoding a CSV file was read in (detected, or
	// as Options.Encoding said).
	Encoding Encoding
	// Sheet is the worksheet an .xlsx file was read from.
	Sheet string
	// Rows is the number of rows.
	Rows int
	// Columns is each column of a CSV or .xlsx file: its header and the
	// attribute it was read as.
	Columns []ColumnReport
	// Dates is how many date values were read from another form than
	// YYYY-MM-DD (2026/11/25, an Excel serial date, …) and stored as
	// YYYY-MM-DD.
	Dates int
	// Warnings are the table's warnings (see Table.Warnings).
	Warnings []*RowError
}

// Mappings returns the columns that a mapping renamed or dropped.
func (r TableReport) Mappings() []ColumnReport {
	var out []ColumnReport
	for _, c := range r.Columns {
		if c.Mapped() {
			out = append(out, c)
		}
	}
	return out
}

// Report says how the table was read. For a nil table it reports an
// absent one.
func (t *Table) Report() TableReport {
	if t == nil {
		return TableReport{}
	}
	r := TableReport{Kind: t.kind, File: t.file, Rows: len(t.rows), Warnings: t.Warnings}
	if src := t.source; src != nil {
		r.Format = src.format
		r.Encoding = src.encoding
		r.Sheet = src.sheet
		r.Columns = src.columns
		r.Dates = src.dates
	}
	return r
}

// LoadReport says how the tables of a set were read (see [Set.Report]).
type LoadReport struct {
	Tables []TableReport // premises, inspectors, conflicts, history
}

// Report says how the set's tables were read: per table, the file, its
// encoding or sheet, rows, the header mappings applied and the warnings
// (such as unified social credit codes with a wrong check character).
func (s *Set) Report() LoadReport {
	var r LoadReport
	for _, k := range Kinds {
		tr := s.Table(k).Report()
		tr.Kind = k
		r.Tables = append(r.Tables, tr)
	}
	return r
}

// Warnings returns the warnings of every table, in table order.
func (r LoadReport) Warnings() []*RowError {
	var out []*RowError
	for _, t := range r.Tables {
		out = append(out, t.Warnings...)
	}
	return out
}

// WriteSummary writes what a person loading the tables should see: for
// each table read other than as a canonical file (an .xlsx sheet, an
// encoding other than UTF-8, mapped headers, dates read from other
// forms), a line saying how, and one line per mapped column; then the
// warnings, at most maxWarnings of them (all when maxWarnings <= 0) and
// a count of the rest. Tables read as canonical UTF-8 CSV or JSON Lines
// files without warnings write nothing.
func (r LoadReport) WriteSummary(w io.Writer, maxWarnings int) error {
	var b strings.Builder
	for _, t := range r.Tables {
		maps := t.Mappings()
		if t.Format != "xlsx" && len(maps) == 0 && t.Dates == 0 && !(t.Format == "csv" && t.Encoding != EncodingUTF8) {
			continue
		}
		fmt.Fprintf(&b, "%s: read %s", t.Kind, t.File)
		switch t.Format {
		case "xlsx":
			fmt.Fprintf(&b, ", sheet %s", t.Sheet)
		case "csv":
			if t.Encoding == EncodingGBK {
				b.WriteString(" as GBK (GB18030)")
			} else {
				fmt.Fprintf(&b, " as %s", t.Encoding)
			}
		}
		fmt.Fprintf(&b, ", %d rows", t.Rows)
		switch {
		case t.Dates == 1:
			b.WriteString(", 1 date read as YYYY-MM-DD")
		case t.Dates > 1:
			fmt.Fprintf(&b, ", %d dates read as YYYY-MM-DD", t.Dates)
		}
		b.WriteByte('\n')
		for _, c := range maps {
			where := fmt.Sprintf("column %d", c.Column)
			if t.Format == "xlsx" {
				where = "column " + ColumnLetters(c.Column)
			}
			if c.Name == "" {
				fmt.Fprintf(&b, "  %s %q left out (%s)\n", where, c.Header, c.Source)
			} else {
				fmt.Fprintf(&b, "  %s %q read as %s (%s)\n", where, c.Header, c.Name, c.Source)
			}
		}
	}
	warns := r.Warnings()
	for i, e := range warns {
		if maxWarnings > 0 && i == maxWarnings {
			fmt.Fprintf(&b, "(%d more warnings)\n", len(warns)-i)
			break
		}
		fmt.Fprintf(&b, "warning: %v\n", e)
	}
	_, err := io.WriteString(w, b.String())
	return err
}
