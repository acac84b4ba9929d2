//go:build !js

package roster

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/xuri/excelize/v2"
)

// ErrPrecision is the warning for a number cell of an .xlsx file with
// more than 15 significant digits: Excel keeps only 15, so a code typed
// into Excel as a number may have lost its last digits.
var ErrPrecision = errors.New("number beyond Excel's 15 significant digits")

// ReadXLSX reads a table from an Excel workbook (.xlsx): the sheet
// Options.Sheet names, or the first one. The sheet is read as a CSV file
// is (see [ReadCSV] and [ColumnMap]): its first row that is not empty is
// the header, one name per column; each later row that is not empty is
// a row of the table; Line is the row's number in the sheet, and errors
// name the file, sheet and cell ("premises.xlsx: sheet 名录: cell C5").
//
// Cells are read as the workbook stores them, not as Excel displays them:
//
//   - text as it is (a code stored as text keeps its leading zeros);
//   - a number as its exact decimal text, without exponent or rounding
//     (913717270282400001, not 9.13717E+17); a number of more than 15
//     significant digits is also a warning (see [ErrPrecision]);
//   - a number in a cell with a date format as its day, YYYY-MM-DD (with
//     " HH:MM:SS" when it has a time of day); a number in a date
//     attribute's column (inspectors credential_expires, history date)
//     as an Excel serial date (see [ExcelSerialDate]) whatever its format;
//   - TRUE and FALSE for booleans; a formula as its stored result;
//   - an error value (#N/A, #REF!, …) is an error.
//
// Merged cells are refused, in the header ("header cell A1:B1 is
// merged": one name per column) and in the rows (a merged range holds its
// value in its first cell only). A cell with a value right of the
// header's last column is an error. Hidden rows and columns are read like
// the others.
func ReadXLSX(r io.Reader, kind Kind, opt Options) (t *Table, err error) {
	if !kind.valid() {
		return nil, fmt.Errorf("roster: unknown table kind %d", uint8(kind))
	}
	data, err := readAll(r)
	if err != nil {
		return nil, &RowError{File: opt.File, Err: err}
	}
	defer func() {
		// The workbook's parts are third-party code's to parse; a file
		// that makes it panic is bad input, not a crash.
		if p := recover(); p != nil {
			t, err = nil, &RowError{File: opt.File, Err: fmt.Errorf("%w: the workbook cannot be read (%v)", ErrSyntax, p)}
		}
	}()
	x, err := openXLSX(data, kind, opt)
	if err != nil {
		return nil, err
	}
	defer x.f.Close()
	return x.read()
}

// openXLSX opens a workbook (the caller closes x.f).
func openXLSX(data []byte, kind Kind, opt Options) (*xlsxReader, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, &RowError{File: opt.File, Err: fmt.Errorf("%w: not an .xlsx workbook (%v)", ErrSyntax, err)}
	}
	return &xlsxReader{f: f, opt: opt, kind: kind, numFmts: map[int]fmtKind{}}, nil
}

type fmtKind uint8

const (
	fmtNumber fmtKind = iota
	fmtDate           // a date, or a date and time
	fmtTime           // a time of day or a duration only
)

type xlsxReader struct {
	f        *excelize.File
	opt      Options
	kind     Kind
	sheet    string
	date1904 bool
	numFmts  map[int]fmtKind // by style index
}

func (x *xlsxReader) fail(row, col int, field, value string, err error) *RowError {
	return &RowError{File: x.opt.File, Sheet: x.sheet, Line: row, Column: col, Field: field, Value: value, Err: err}
}

// sheetRows selects the sheet and returns its rows (raw values) and the
// index of the header row (the first that is not empty), refusing merged
// cells from the header on.
func (x *xlsxReader) sheetRows() (rows [][]string, headerRow int, err error) {
	sheets := x.f.GetSheetList()
	switch {
	case x.opt.Sheet != "":
		if !slices.Contains(sheets, x.opt.Sheet) {
			return nil, 0, &RowError{File: x.opt.File, Err: fmt.Errorf("%w: no sheet %q (the workbook has %s)", ErrSyntax, x.opt.Sheet, quoteList(sheets))}
		}
		x.sheet = x.opt.Sheet
	case len(sheets) == 0:
		return nil, 0, &RowError{File: x.opt.File, Err: fmt.Errorf("%w: the workbook has no sheet", ErrSyntax)}
	default:
		x.sheet = sheets[0]
	}
	if props, err := x.f.GetWorkbookProps(); err == nil && props.Date1904 != nil {
		x.date1904 = *props.Date1904
	}
	rows, err = x.f.GetRows(x.sheet, excelize.Options{RawCellValue: true})
	if err != nil {
		return nil, 0, x.fail(0, 0, "", "", fmt.Errorf("%w: %v", ErrSyntax, err))
	}
	headerRow = slices.IndexFunc(rows, nonEmpty)
	if headerRow < 0 {
		return nil, 0, x.fail(0, 0, "", "", fmt.Errorf("%w: no header row (the sheet is empty)", ErrSyntax))
	}
	if err := x.checkMerged(headerRow + 1); err != nil {
		return nil, 0, err
	}
	return rows, headerRow, nil
}

func nonEmpty(cells []string) bool {
	return slices.ContainsFunc(cells, func(c string) bool { return c != "" })
}

func (x *xlsxReader) read() (*Table, error) {
	rows, headerRow, err := x.sheetRows()
	if err != nil {
		return nil, err
	}

	c := newCollector(x.opt)
	s := newCSVScanner(nil, x.kind, c.opt)
	s.sheet = x.sheet
	s.intern = map[string]string{}

	// The header: its cells up to the last one that is not empty.
	raw := rows[headerRow]
	for len(raw) > 0 && raw[len(raw)-1] == "" {
		raw = raw[:len(raw)-1]
	}
	header := make([]string, len(raw))
	for i, v := range raw {
		cv, err := x.cell(headerRow+1, i+1, v, false)
		if err != nil {
			c.errs.add(x.fail(headerRow+1, i+1, "", v, err))
		}
		header[i] = cv.text
	}
	if len(c.errs.Errs) > 0 {
		return nil, &c.errs
	}
	if !s.checkHeader(header, func(int) int { return headerRow + 1 }, c.yield) {
		return nil, &c.errs
	}
	dateCol := make([]bool, len(header))
	for i, name := range s.header {
		dateCol[i] = x.kind.isDateAttr(name)
	}

	c.rows = make([]Row, 0, len(rows)-headerRow)
	dates := 0
	rec := make([]string, len(header))
	for i := headerRow + 1; i < len(rows); i++ {
		line := i + 1
		cells := rows[i]
		if !nonEmpty(cells) {
			continue // an empty row, as an empty line of a CSV file
		}
		clear(rec)
		bad := false
		for j, v := range cells {
			if v == "" {
				continue
			}
			if j >= len(header) {
				c.errs.add(x.fail(line, j+1, "", v, fmt.Errorf("%w: a value right of the header's last column (%s)", ErrFieldCount, ColumnLetters(len(header)))))
				bad = true
				continue
			}
			cv, err := x.cell(line, j+1, v, dateCol[j])
			if err != nil {
				e := x.fail(line, j+1, s.header[j], v, err)
				s.annotate(e)
				c.errs.add(e)
				bad = true
				continue
			}
			if cv.date && dateCol[j] {
				dates++
			}
			if cv.digits > 15 {
				w := x.fail(line, j+1, s.header[j], cv.text, fmt.Errorf("%w (%d): Excel keeps 15, so a code typed into Excel as a number may have lost its last digits; store codes as text", ErrPrecision, cv.digits))
				s.annotate(w)
				if x.opt.Strict {
					c.errs.add(w)
					bad = true
				} else {
					c.opt.Warn(w)
				}
			}
			rec[j] = cv.text
		}
		if bad {
			continue
		}
		s.row(line, rec, c.yield)
	}
	t, err := c.table(x.kind, s.header)
	if err != nil {
		return nil, s.annotateAll(err)
	}
	t.source = &tableSource{format: "xlsx", sheet: x.sheet, columns: s.cols, dates: dates + s.dates}
	return t, nil
}

// checkMerged refuses merged cells from the header row on.
func (x *xlsxReader) checkMerged(headerRow int) error {
	merged, err := x.f.GetMergeCells(x.sheet, true)
	if err != nil {
		return x.fail(0, 0, "", "", fmt.Errorf("%w: %v", ErrSyntax, err))
	}
	errs := newErrorList(x.opt)
	for _, m := range merged {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		_, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			errs.add(x.fail(0, 0, "", m[0], fmt.Errorf("%w: bad merged range", ErrSyntax)))
			continue
		}
		ref := m.GetStartAxis() + ":" + m.GetEndAxis()
		switch {
		case r2 < headerRow:
			// Above the header (empty cells): nothing is read there.
		case r1 <= headerRow:
			errs.add(x.fail(0, 0, "", "", fmt.Errorf("header cell %s is %w (the header must be one row with one name per column: unmerge it, and delete any title rows above it)", ref, ErrMergedCell)))
		default:
			errs.add(x.fail(r1, c1, "", "", fmt.Errorf("cells %s are %w (only the first holds the value: unmerge them and fill every cell)", ref, ErrMergedCell)))
		}
	}
	sortErrors(errs.Errs)
	return errs.err()
}

// cellValue is the text of a cell, and what it was made from.
type cellValue struct {
	text string
	// date: the text is the day of a serial date (a number cell).
	date bool
	// digits: the significant digits of a number cell holding a whole
	// number (0 otherwise).
	digits int
}

// cell returns the text of a cell whose raw value (as excelize reads it
// without number formats) is v; asDate says the cell is in a date
// attribute's column.
func (x *xlsxReader) cell(row, col int, v string, asDate bool) (cellValue, error) {
	if v == "" {
		return cellValue{}, nil
	}
	ref, err := excelize.CoordinatesToCellName(col, row)
	if err != nil {
		return cellValue{}, err
	}
	typ, err := x.f.GetCellType(x.sheet, ref)
	if err != nil {
		return cellValue{}, err
	}
	switch typ {
	case excelize.CellTypeSharedString, excelize.CellTypeInlineString, excelize.CellTypeFormula:
		return cellValue{text: v}, nil
	case excelize.CellTypeBool:
		switch v {
		case "1":
			return cellValue{text: "TRUE"}, nil
		case "0":
			return cellValue{text: "FALSE"}, nil
		}
		return cellValue{}, fmt.Errorf("%w: boolean cell holds %q", ErrBadValue, v)
	case excelize.CellTypeError:
		return cellValue{}, fmt.Errorf("%w: the cell holds the error value %s", ErrBadValue, v)
	case excelize.CellTypeDate:
		// An ISO 8601 date and time (rare: Excel writes numbers).
		day, clock, _ := strings.Cut(strings.TrimSuffix(v, "Z"), "T")
		d, err := ParseDate(day)
		if err != nil {
			return cellValue{}, err
		}
		if clock == "" || midnight(clock) {
			return cellValue{text: d.String(), date: true}, nil
		}
		return cellValue{text: d.String() + " " + clock, date: true}, nil
	}
	// A number.
	kind := fmtNumber
	if style, err := x.f.GetCellStyle(x.sheet, ref); err == nil {
		kind = x.numFmt(style)
	}
	if asDate || kind == fmtDate {
		d, secs, err := ExcelSerialDate(v, x.date1904)
		switch {
		case err == nil:
			text := d.String()
			if secs != 0 {
				text += fmt.Sprintf(" %02d:%02d:%02d", secs/3600, secs/60%60, secs%60)
			}
			return cellValue{text: text, date: true}, nil
		case asDate:
			return cellValue{}, err
		}
	}
	text, sig, ok := plainDecimal(v)
	if !ok {
		return cellValue{}, fmt.Errorf("%w: number cell holds %q", ErrBadValue, v)
	}
	if strings.Contains(text, ".") {
		sig = 0 // not a code: no warning
	}
	return cellValue{text: text, digits: sig}, nil
}

// numFmt says whether the style's number format shows dates or times.
func (x *xlsxReader) numFmt(style int) fmtKind {
	if k, ok := x.numFmts[style]; ok {
		return k
	}
	k := fmtNumber
	if st, err := x.f.GetStyle(style); err == nil && st != nil {
		switch {
		case st.CustomNumFmt != nil:
			k = formatKind(*st.CustomNumFmt)
		case builtinDateFormat(st.NumFmt):
			k = fmtDate
		case builtinTimeFormat(st.NumFmt):
			k = fmtTime
		}
	}
	x.numFmts[style] = k
	return k
}

// builtinDateFormat reports whether a built-in number format id shows a
// date: 14–17 and 22 (m/d/yyyy, d-mmm-yy, …), and the East Asian date
// formats 27–31, 34–36, 50–58 (yyyy"年"m"月"d"日", …).
func builtinDateFormat(id int) bool {
	return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 31) || (id >= 34 && id <= 36) || (id >= 50 && id <= 58)
}

// builtinTimeFormat reports whether a built-in number format id shows a
// time only: 18–21, 32, 33, 45–47.
func builtinTimeFormat(id int) bool {
	return (id >= 18 && id <= 21) || id == 32 || id == 33 || (id >= 45 && id <= 47)
}

// formatKind reads a custom number format code: a date when it has a
// year or day token (y, d), a time when it has only hours, minutes or
// seconds. Text in quotes, escaped characters, "General", exponents
// (E+, E-) and bracketed parts ([Red], [$-804]) do not count, but [h],
// [m], [s] (elapsed time) do.
func formatKind(code string) fmtKind {
	date, clock := false, false
	for i := 0; i < len(code); i++ {
		c := code[i]
		switch {
		case c == '"':
			j := strings.IndexByte(code[i+1:], '"')
			if j < 0 {
				return fmtNumber
			}
			i += j + 1
		case c == '\\' || c == '_' || c == '*':
			i++ // the next character is literal (or padding)
		case c == '[':
			j := strings.IndexByte(code[i+1:], ']')
			if j < 0 {
				return fmtNumber
			}
			inner := strings.ToLower(code[i+1 : i+1+j])
			if inner != "" && strings.Trim(inner, "hms") == "" {
				clock = true
			}
			i += j + 1
		case len(code)-i >= 7 && strings.EqualFold(code[i:i+7], "general"):
			i += 6
		case c|0x20 == 'e' && i+1 < len(code) && (code[i+1] == '+' || code[i+1] == '-'):
			i++
		case c|0x20 == 'y' || c|0x20 == 'd':
			date = true
		case c|0x20 == 'h' || c|0x20 == 's':
			clock = true
		}
	}
	switch {
	case date:
		return fmtDate
	case clock:
		return fmtTime
	}
	return fmtNumber
}

func quoteList(s []string) string {
	q := make([]string, len(s))
	for i, v := range s {
		q[i] = fmt.Sprintf("%q", v)
	}
	return strings.Join(q, ", ")
}

// readCellsXLSX is ReadCells of an .xlsx workbook.
func readCellsXLSX(data []byte, opt Options, dateColumns []string) (*Cells, error) {
	x, err := openXLSX(data, 0, opt)
	if err != nil {
		return nil, err
	}
	defer x.f.Close()
	rows, headerRow, err := x.sheetRows()
	if err != nil {
		return nil, err
	}
	c := &Cells{File: opt.File, Sheet: x.sheet, HeaderLine: headerRow + 1}
	errs := newErrorList(opt)
	raw := rows[headerRow]
	for len(raw) > 0 && raw[len(raw)-1] == "" {
		raw = raw[:len(raw)-1]
	}
	for i, v := range raw {
		cv, err := x.cell(headerRow+1, i+1, v, false)
		if err != nil {
			errs.add(x.fail(headerRow+1, i+1, "", v, err))
		}
		c.Header = append(c.Header, cv.text)
	}
	for i := headerRow + 1; i < len(rows); i++ {
		if !nonEmpty(rows[i]) {
			continue
		}
		rec := make([]string, len(c.Header))
		for j, v := range rows[i] {
			if v == "" {
				continue
			}
			if j >= len(c.Header) {
				errs.add(x.fail(i+1, j+1, "", v, fmt.Errorf("%w: a value right of the header's last column (%s)", ErrFieldCount, ColumnLetters(len(c.Header)))))
				continue
			}
			cv, err := x.cell(i+1, j+1, v, slices.Contains(dateColumns, c.Header[j]))
			if err != nil {
				errs.add(x.fail(i+1, j+1, c.Header[j], v, err))
				continue
			}
			rec[j] = cv.text
		}
		c.Rows = append(c.Rows, rec)
		c.Lines = append(c.Lines, i+1)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return c, nil
}
