package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"math"
	"strings"
)

// ReadCSV reads a table from CSV (RFC 4180) with a header row naming the
// attributes. See [ScanCSV] for the rules; ReadCSV also rejects duplicate
// ids and, with EncodingAuto, decides the encoding on the whole input. It
// returns every problem found (up to Options.MaxErrors) as an
// *[ErrorList]. [Table.Report] says how the file was read (encoding,
// header mappings, dates rewritten).
func ReadCSV(r io.Reader, kind Kind, opt Options) (*Table, error) {
	if !kind.valid() {
		return nil, fmt.Errorf("roster: unknown table kind %d", uint8(kind))
	}
	data, err := readAll(r)
	if err != nil {
		return nil, &RowError{File: opt.File, Err: err}
	}
	if t, ok := tryCSVFast(data, kind, opt); ok {
		return t, nil
	}
	return readCSVSlow(data, kind, opt)
}

// readCSVSlow is ReadCSV on the whole input, read with encoding/csv.
func readCSVSlow(data []byte, kind Kind, opt Options) (*Table, error) {
	if opt.Encoding == EncodingAuto {
		opt.Encoding = detectEncoding(data, true)
	}
	c := newCollector(opt)
	// One row per line at most: size the rows once, not by doubling.
	c.rows = make([]Row, 0, bytes.Count(data, []byte{'\n'})+1)
	s := newCSVScanner(bytes.NewReader(data), kind, c.opt)
	s.intern = map[string]string{}
	s.run(c.yield)
	t, err := c.table(kind, s.header)
	if err != nil {
		return nil, s.annotateAll(err)
	}
	t.source = &tableSource{format: "csv", encoding: opt.Encoding, columns: s.cols, dates: s.dates}
	return t, nil
}

// readAll reads r to the end, into a buffer of the file's size when r
// can say it (a file), so a large input is not copied while it grows.
func readAll(r io.Reader) ([]byte, error) {
	st, ok := r.(interface{ Stat() (fs.FileInfo, error) })
	if !ok {
		return io.ReadAll(r)
	}
	fi, err := st.Stat()
	if err != nil || !fi.Mode().IsRegular() || fi.Size() <= 0 || fi.Size() >= math.MaxInt {
		return io.ReadAll(r)
	}
	// One byte more than the size, so that reaching the end takes no
	// growth.
	buf := make([]byte, 0, int(fi.Size())+1)
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // the file grew
		}
	}
}

// collector gathers the rows, errors and warnings of a scan into a table.
type collector struct {
	opt   Options
	errs  ErrorList
	rows  []Row
	warns []*RowError
}

func newCollector(opt Options) *collector {
	c := &collector{opt: opt, errs: newErrorList(opt)}
	c.opt.Warn = func(e *RowError) {
		c.warns = append(c.warns, e)
		if opt.Warn != nil {
			opt.Warn(e)
		}
	}
	return c
}

func (c *collector) yield(r Row, err error) bool {
	if err != nil {
		c.errs.addErr(c.opt.File, err)
	} else {
		c.rows = append(c.rows, r)
	}
	return true
}

func (c *collector) table(kind Kind, header []string) (*Table, error) {
	return buildTable(kind, c.rows, c.warns, header, c.opt, &c.errs)
}

// ScanCSV returns the rows of a CSV table one at a time, each checked
// against protocol §1 and the rules of kind, with Line set, so that files
// larger than memory can be read. A row with problems is not yielded; its
// problems are, one *[RowError] each, and the scan goes on. Problems with
// the header, and read errors, end the scan. ScanCSV does not see
// duplicate ids (see [ReadCSV] and [RootBuilder]); warnings go to
// Options.Warn.
//
// The rules: a header row is required and names the columns, each header
// read as an attribute name through the column mappings (see
// [ColumnMap]: the built-in table of Chinese headers applies when no
// column is named "id"); names follow the rules of ids and may not repeat;
// one column is "id", except in the conflicts table, where a row without
// an id (no column, or an empty cell) gets inspector + " " + premises.
// Every row has as many fields as the header. Quotes follow RFC 4180
// strictly. Empty lines are skipped (they hold no row); a line of spaces
// is a row. Empty cells are absent attributes. Date attributes are read
// with [ParseInputDate] and stored as YYYY-MM-DD. The text is UTF-8 (a
// byte order mark is dropped), GBK or GB18030 (see [Encoding]); bytes that
// are not valid in it are errors, never replaced.
func ScanCSV(r io.Reader, kind Kind, opt Options) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		if !kind.valid() {
			yield(Row{}, fmt.Errorf("roster: unknown table kind %d", uint8(kind)))
			return
		}
		newCSVScanner(r, kind, opt).run(yield)
	}
}

type csvScanner struct {
	r     io.Reader
	kind  Kind
	opt   Options
	check checker
	// header is the attribute name of each column ("" for a column left
	// out), sources the header as the file has it; cols says what
	// mapping made one of the other.
	header  []string
	sources []string
	cols    []ColumnReport
	idCol   int // -1 when none
	gbk     *gbkReader
	// sheet is the worksheet of an .xlsx input, for error messages.
	sheet string
	// dates counts the date values read from another form than
	// YYYY-MM-DD.
	dates int

	// attrs is a chunk of attributes that the rows' Attrs are cut from,
	// so that a row costs no allocation of its own.
	attrs []Attr
	// errs collects the errors of the row being checked; report appends
	// to it.
	errs   []*RowError
	report func(e *RowError, warn bool)
	// intern, when set (a whole table kept in memory), holds one copy
	// of each short attribute value seen, so that rows share them.
	intern map[string]string
}

// Interning: values of up to maxInterned bytes, up to maxInterns of them
// per table. Short values (status, category, risk, region codes) repeat
// across many rows.
const (
	maxInterned = 32
	maxInterns  = 1 << 15
)

// share makes the row's short values copies shared with other rows, and
// when every value is shared, gives the row its own copy of the id, so
// that the record's string (all fields in one, as encoding/csv returns
// them) can be freed: the row then holds only its id.
func (s *csvScanner) share(r *Row) {
	all := true
	for k := range r.Attrs {
		v := r.Attrs[k].Value
		if w, ok := s.intern[v]; ok {
			r.Attrs[k].Value = w
			continue
		}
		if len(v) <= maxInterned && len(s.intern) < maxInterns {
			w := strings.Clone(v)
			s.intern[w] = w
			r.Attrs[k].Value = w
			continue
		}
		all = false
	}
	if all {
		r.ID = strings.Clone(r.ID)
	}
}

// attrChunk is how many attributes one allocation holds.
const attrChunk = 4096

func newCSVScanner(r io.Reader, kind Kind, opt Options) *csvScanner {
	s := &csvScanner{r: r, kind: kind, opt: opt, idCol: -1}
	s.check = checker{kind: kind, opt: opt, column: s.column, owned: true, inputDates: true, dates: &s.dates, annotate: s.annotate}
	s.report = func(e *RowError, warn bool) {
		if !warn {
			s.errs = append(s.errs, e)
		}
	}
	return s
}

func (s *csvScanner) errorf(line, col int, field, value string, err error) *RowError {
	e := &RowError{File: s.opt.File, Line: line, Column: col, Field: field, Value: value, Err: err}
	s.annotate(e)
	return e
}

// annotateAll annotates the errors of the table built from the scan
// (duplicate ids), which the scanner did not make.
func (s *csvScanner) annotateAll(err error) error {
	var l *ErrorList
	if errors.As(err, &l) {
		for _, e := range l.Errs {
			if e.File == s.opt.File {
				s.annotate(e)
			}
		}
	}
	return err
}

// annotate adds the sheet, and the header of the column when a mapping
// made it the field, to an error about this input.
func (s *csvScanner) annotate(e *RowError) {
	e.Sheet = s.sheet
	if e.Column > 0 && e.Column <= len(s.sources) && e.Field != "" && s.sources[e.Column-1] != e.Field {
		e.Header = s.sources[e.Column-1]
	}
}

// source strips a byte order mark, settles the encoding and returns the
// text to parse.
func (s *csvScanner) source() (io.Reader, error) {
	br := bufio.NewReaderSize(s.r, detectPrefix)
	prefix, err := br.Peek(detectPrefix)
	atEOF := err != nil
	if atEOF && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, err
	}
	enc := s.opt.Encoding
	if enc == EncodingAuto {
		enc = detectEncoding(prefix, atEOF)
	}
	switch enc {
	case EncodingUTF8:
		if bytes.HasPrefix(prefix, bom) {
			if _, err := br.Discard(len(bom)); err != nil {
				return nil, err
			}
		}
		return br, nil
	case EncodingGBK:
		s.gbk = &gbkReader{src: &lineReader{r: br}}
		return s.gbk, nil
	}
	return nil, fmt.Errorf("roster: unknown encoding %v", enc)
}

// undecodable reports the lines up to last that did not decode (GBK
// input), and whether any of them is at or after first.
func (s *csvScanner) undecodable(first, last int, yield func(Row, error) bool) (hit, stop bool) {
	if s.gbk == nil {
		return false, false
	}
	for len(s.gbk.bad) > 0 && (last < 0 || s.gbk.bad[0].line <= last) {
		b := s.gbk.bad[0]
		s.gbk.bad = s.gbk.bad[1:]
		if b.line >= first {
			hit = true
		}
		if !yield(Row{}, s.errorf(b.line, 0, "", b.text, fmt.Errorf("%w: bytes that are not GBK (GB18030) on this line", ErrEncoding))) {
			return hit, true
		}
	}
	return hit, false
}

func (s *csvScanner) run(yield func(Row, error) bool) {
	src, err := s.source()
	if err != nil {
		yield(Row{}, s.errorf(0, 0, "", "", err))
		return
	}
	cr := csv.NewReader(src)
	cr.ReuseRecord = true
	header, err := cr.Read()
	if err != nil {
		if _, stop := s.undecodable(1, -1, yield); stop {
			return
		}
		if errors.Is(err, io.EOF) {
			yield(Row{}, s.errorf(1, 0, "", "", fmt.Errorf("%w: no header row", ErrSyntax)))
			return
		}
		yield(Row{}, s.readError(err, nil))
		return
	}
	if !s.checkHeader(header, func(i int) int { line, _ := cr.FieldPos(i); return line }, yield) {
		return
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			s.undecodable(0, -1, yield)
			return
		}
		if err != nil && !isFieldCount(err) {
			var pe *csv.ParseError
			errors.As(err, &pe)
			line := 0
			if pe != nil {
				line = pe.Line
			}
			if _, stop := s.undecodable(0, line, yield); stop {
				return
			}
			if !yield(Row{}, s.readError(err, rec)) || pe == nil {
				return
			}
			continue
		}
		first, _ := cr.FieldPos(0)
		last, _ := cr.FieldPos(len(rec) - 1)
		last += strings.Count(rec[len(rec)-1], "\n")
		hit, stop := s.undecodable(first, last, yield)
		if stop {
			return
		}
		if hit {
			continue // the row's text is not what the file holds
		}
		if err != nil {
			if !yield(Row{}, s.fieldCount(first, rec)) {
				return
			}
			continue
		}
		if !s.row(first, rec, yield) {
			return
		}
	}
}

// isFieldCount reports whether err is a csv.ParseError for a wrong
// number of fields.
func isFieldCount(err error) bool {
	var pe *csv.ParseError
	return errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount)
}

// checkHeader maps the header's names to attributes (see [ColumnMap])
// and checks them; line gives the line of a header field. False means the
// scan is over.
func (s *csvScanner) checkHeader(header []string, line func(i int) int, yield func(Row, error) bool) bool {
	if s.gbk != nil {
		hit, stop := s.undecodable(1, line(len(header)-1), yield)
		if stop || hit {
			return false
		}
	}
	s.sources = append([]string(nil), header...)
	ok, more := true, true
	var names []string
	names, s.cols, s.idCol = mapHeader(s.kind, s.sources, s.opt.Columns, func(i int, field, value string, err error) {
		ok = false
		if more {
			more = yield(Row{}, s.errorf(line(i), i+1, field, value, err))
		}
	})
	s.header = names
	if !more {
		return false
	}
	if s.idCol < 0 && s.kind != KindConflicts {
		yield(Row{}, s.errorf(line(0), 0, "id", strings.Join(s.sources, ","), noIDError(s.kind)))
		return false
	}
	return ok
}

// readError turns a csv error into a RowError.
func (s *csvScanner) readError(err error, rec []string) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return s.errorf(pe.Line, 0, "", "", fmt.Errorf("%w: %v (byte %d of the line)", ErrSyntax, pe.Err, pe.Column))
	}
	return s.errorf(0, 0, "", "", err)
}

// fieldCount reports a row with too few or too many fields: Column is the
// first missing or extra field.
func (s *csvScanner) fieldCount(line int, rec []string) *RowError {
	err := fmt.Errorf("%w: %d fields, the header has %d", ErrFieldCount, len(rec), len(s.header))
	if len(rec) < len(s.header) {
		return s.errorf(line, len(rec)+1, s.header[len(rec)], "", err)
	}
	return s.errorf(line, len(s.header)+1, "", rec[len(s.header)], err)
}

// row builds and checks the row of one record; false means stop.
func (s *csvScanner) row(line int, rec []string, yield func(Row, error) bool) bool {
	if n := len(rec) - 1; cap(s.attrs) < n || s.attrs == nil {
		s.attrs = make([]Attr, 0, max(attrChunk, n))
	}
	r := Row{Line: line, Attrs: s.attrs[:0]}
	for i, v := range rec {
		if i == s.idCol {
			r.ID = v
		} else if v != "" && s.header[i] != "" {
			r.Attrs = append(r.Attrs, Attr{s.header[i], v})
		}
	}
	sortAttrs(r.Attrs)
	s.errs = s.errs[:0]
	r, bad := s.check.check(r, s.report)
	if bad {
		// The chunk's attributes are free again.
		for _, e := range s.errs {
			if !yield(Row{}, e) {
				return false
			}
		}
		return true
	}
	// The row keeps what it uses (capacity cut to its length, so that an
	// append to it cannot reach the next row's); the rest of the chunk
	// goes on.
	n := len(r.Attrs)
	r.Attrs = r.Attrs[:n:n]
	if s.intern != nil {
		s.share(&r)
	}
	s.attrs = s.attrs[n:n]
	return yield(r, nil)
}

// column returns the 1-based column of the named field, or 0.
func (s *csvScanner) column(field string) int {
	for i, h := range s.header {
		if h == field {
			return i + 1
		}
	}
	return 0
}
