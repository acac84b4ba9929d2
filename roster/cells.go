package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"
)

// Cells is a file of rows read as text, for files that are not one of the
// four tables (a results file): the header and the rows, each row as long
// as the header, with the line (CSV) or sheet row (.xlsx) it came from.
// Use [Cells.Errorf] to report a problem at a cell: the error names the
// file, the sheet and the cell as the readers of tables do.
type Cells struct {
	File     string
	Sheet    string   // .xlsx only
	Encoding Encoding // CSV only
	Header   []string
	Rows     [][]string
	// HeaderLine is the line or sheet row of the header; Lines[i] that
	// of Rows[i].
	HeaderLine int
	Lines      []int
}

// ReadCells reads a CSV file (UTF-8, UTF-8 with BOM, GBK or GB18030, see
// [Encoding]) or, when opt.File ends in .xlsx, a workbook's sheet
// (Options.Sheet, or the first), as text, with the rules of [ReadCSV] and
// [ReadXLSX]: the first line or row that is not empty is the header;
// empty lines and rows are skipped; a CSV row has as many fields as the
// header; bytes that do not decode are errors; workbook cells are read as
// the workbook stores them, merged cells refused. In a workbook, the
// numbers of the columns whose header is one of dateColumns are read as
// Excel serial dates (YYYY-MM-DD); text is left as it is (see
// [ParseInputDate]). Headers are not mapped or checked. Every problem is
// returned, as an *[ErrorList].
func ReadCells(r io.Reader, opt Options, dateColumns ...string) (c *Cells, err error) {
	data, err := readAll(r)
	if err != nil {
		return nil, &RowError{File: opt.File, Err: err}
	}
	if strings.EqualFold(filepath.Ext(opt.File), ".xlsx") {
		defer func() {
			if p := recover(); p != nil {
				c, err = nil, &RowError{File: opt.File, Err: fmt.Errorf("%w: the workbook cannot be read (%v)", ErrSyntax, p)}
			}
		}()
		return readCellsXLSX(data, opt, dateColumns)
	}
	return readCellsCSV(data, opt)
}

// Errorf returns the error of a cell: row is an index of Rows (-1 for the
// header), col an index of Header (-1 for the whole row).
func (c *Cells) Errorf(row, col int, value string, err error) *RowError {
	e := &RowError{File: c.File, Sheet: c.Sheet, Value: value, Err: err}
	switch {
	case row < 0:
		e.Line = c.HeaderLine
	case row < len(c.Lines):
		e.Line = c.Lines[row]
	}
	if col >= 0 && col < len(c.Header) {
		e.Column = col + 1
		e.Field = c.Header[col]
	}
	return e
}

func readCellsCSV(data []byte, opt Options) (*Cells, error) {
	enc := opt.Encoding
	if enc == EncodingAuto {
		enc = detectEncoding(data, true)
	}
	c := &Cells{File: opt.File, Encoding: enc}
	errs := newErrorList(opt)
	data = bytes.TrimPrefix(data, bom)
	var text strings.Builder
	n := 0
	for line := range bytes.Lines(data) {
		n++
		dec, ok := line, utf8.Valid(line)
		if enc == EncodingGBK {
			dec, ok = decodeGBK(line)
		}
		if !ok {
			errs.add(&RowError{File: opt.File, Line: n, Value: strings.ToValidUTF8(strings.TrimRight(string(dec), "\r\n"), "\uFFFD"),
				Err: fmt.Errorf("%w: bytes that are not %s on this line", ErrEncoding, map[Encoding]string{EncodingUTF8: "UTF-8", EncodingGBK: "GBK (GB18030)"}[enc])})
		}
		text.Write(dec)
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	cr := csv.NewReader(strings.NewReader(text.String()))
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				line, _ := cr.FieldPos(0)
				errs.add(&RowError{File: opt.File, Line: line, Value: strings.Join(rec, ","),
					Err: fmt.Errorf("%w: %d fields, the header has %d", ErrFieldCount, len(rec), len(c.Header))})
				continue
			}
			if errors.As(err, &pe) {
				errs.add(&RowError{File: opt.File, Line: pe.Line, Err: fmt.Errorf("%w: %v", ErrSyntax, pe.Err)})
				break
			}
			return nil, &RowError{File: opt.File, Err: err}
		}
		line, _ := cr.FieldPos(0)
		if c.Header == nil {
			c.Header, c.HeaderLine = slices.Clone(rec), line
			continue
		}
		c.Rows = append(c.Rows, slices.Clone(rec))
		c.Lines = append(c.Lines, line)
	}
	if c.Header == nil && len(errs.Errs) == 0 {
		errs.add(&RowError{File: opt.File, Line: 1, Err: fmt.Errorf("%w: no header row", ErrSyntax)})
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	return c, nil
}
