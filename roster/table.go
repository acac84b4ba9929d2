package roster

import (
	"cmp"
	"fmt"
	"iter"
	"slices"
	"strings"
	"sync"
)

// Kind names one of the four tables of protocol §1.
type Kind uint8

// The tables of a draw.
const (
	KindPremises   Kind = iota + 1 // 检查对象名录库, the premises roster
	KindInspectors                 // 执法检查人员名录库, the inspector roster
	KindConflicts                  // declared conflicts of interest (回避)
	KindHistory                    // past inspections
)

// Kinds lists the tables in the order the protocol hashes their roots.
var Kinds = [...]Kind{KindPremises, KindInspectors, KindConflicts, KindHistory}

// String returns the table's name as used in file names and records:
// premises, inspectors, conflicts, history.
func (k Kind) String() string {
	switch k {
	case KindPremises:
		return "premises"
	case KindInspectors:
		return "inspectors"
	case KindConflicts:
		return "conflicts"
	case KindHistory:
		return "history"
	}
	return fmt.Sprintf("Kind(%d)", uint8(k))
}

// ParseKind is the inverse of Kind.String.
func ParseKind(s string) (Kind, error) {
	for _, k := range Kinds {
		if k.String() == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("roster: unknown table %q (want premises, inspectors, conflicts or history)", s)
}

// MultiValued reports whether the named attribute of this table holds a
// ';'-separated set of values under draw protocol v1, kept in canonical
// form (see [CanonicalList]). [Kind.ListAttr] says it for either
// protocol.
func (k Kind) MultiValued(name string) bool {
	switch k {
	case KindInspectors:
		return name == AttrSpecialties
	case KindHistory:
		return name == AttrInspectors
	}
	return false
}

// Options tune how a table is read and checked. The zero value reads
// UTF-8, GBK or GB18030 (detected) and the first sheet of a workbook,
// maps headers with the built-in table only, warns about bad credit codes
// and keeps up to MaxErrors errors per file.
type Options struct {
	// File names the input in error messages.
	File string
	// Strict turns warnings (a unified social credit code whose check
	// character is wrong) into errors. Real registers contain some bad
	// codes, so the default only warns.
	Strict bool
	// Encoding is the text encoding of CSV input (JSON Lines is always
	// UTF-8). The zero value, EncodingAuto, detects it.
	Encoding Encoding
	// MaxErrors is how many errors of one file are kept; 0 means
	// [MaxErrors]. Errors past the limit are counted, not kept.
	MaxErrors int
	// Warn, when set, receives each warning as it is found. Streaming
	// readers have no table to keep warnings in; tables also keep theirs
	// in Table.Warnings.
	Warn func(*RowError)
	// Protocol is the draw protocol the table is read under; the zero
	// value is v1. Under v2 the list attributes are those of
	// [Kind.ListAttr], and [LoadDir] allows references to missing ids
	// (see [NewSetV2]).
	Protocol Protocol
	// Commitment says how private attributes are committed under
	// protocol v2 (see [NewSetV2]); [LoadDir] gives it to the set. v1
	// ignores it.
	Commitment Commitment
	// Sheet names the worksheet of .xlsx input; "" reads the first one
	// (see [ReadXLSX]).
	Sheet string
	// Columns maps column headers of CSV and .xlsx input to attribute
	// names, beside the built-in table (see [ColumnMap]); nil maps only
	// with the built-in table.
	Columns *ColumnMap
}

// Table is one validated table: rows in ascending order of id bytes, each
// id unique, multi-valued attributes canonical. A Table is immutable and
// safe for concurrent use.
type Table struct {
	kind Kind
	file string
	rows []Row

	// header is the CSV header the table was read from, if any; errors
	// found later (unknown references) use it to name their column.
	header []string

	// Warnings are problems that do not stop a draw (see Options.Strict).
	Warnings []*RowError

	// proto is the protocol the table was read under.
	proto Protocol
	// source says how a CSV or .xlsx file was read (nil otherwise).
	source *tableSource

	rootOnce sync.Once
	root     Hash
	// fileLeaves, when set (v1 tables of ReadCSV's fast path), holds
	// the leaf hash H(0x00 || leaf bytes) of the row read from line
	// leafBase+k at k, hashed while the row was read, in file order;
	// Root uses them and drops them.
	fileLeaves []Hash
	leafBase   int
}

// NewTable checks rows against protocol §1 and the rules of kind,
// canonicalises multi-valued attributes, derives the id of conflict rows
// that lack one (inspector + " " + premises) and sorts the rows by id. It
// returns every problem found (up to Options.MaxErrors) as an
// *[ErrorList]. The rows slice is not modified.
func NewTable(kind Kind, rows []Row, opt Options) (*Table, error) {
	if !kind.valid() {
		return nil, fmt.Errorf("roster: unknown table kind %d", uint8(kind))
	}
	c := checker{kind: kind, opt: opt}
	errs := newErrorList(opt)
	checked := make([]Row, 0, len(rows))
	var warns []*RowError
	for _, r := range rows {
		r, bad := c.check(r, func(e *RowError, warn bool) {
			if warn {
				warns = append(warns, e)
			} else {
				errs.add(e)
			}
		})
		if !bad {
			checked = append(checked, r)
		}
	}
	return buildTable(kind, checked, warns, nil, opt, &errs)
}

// buildTable sorts checked rows by id, reports duplicate ids and returns
// the table, or errs when it holds any error.
func buildTable(kind Kind, rows []Row, warns []*RowError, header []string, opt Options, errs *ErrorList) (*Table, error) {
	t := &Table{kind: kind, file: opt.File, rows: rows, header: header, Warnings: warns, proto: opt.Protocol}
	// Rows in id order, a repeated id in line order. Files written by
	// WriteCSV are in id order already: one pass says so. Otherwise an
	// unstable sort on (id, line) is much quicker than a stable one, and
	// the same: rows are distinct in (id, line) but for rows of NewTable
	// that repeat an id with no lines, which only make an error that
	// reads the same whichever comes first.
	if !slices.IsSortedFunc(t.rows, compareRowsLines) {
		sortRows(t.rows)
	}
	for i := 1; i < len(t.rows); i++ {
		if t.rows[i].ID == t.rows[i-1].ID {
			errs.add(&RowError{File: t.file, Line: t.rows[i].Line, Column: t.column("id"), Field: "id", Value: t.rows[i].ID,
				Err: fmt.Errorf("%w (first on line %d)", ErrDuplicateID, t.rows[i-1].Line)})
		}
	}
	if err := errs.err(); err != nil {
		sortErrors(errs.Errs)
		return nil, err
	}
	return t, nil
}

// compareRowsLines orders rows by id, then line.
func compareRowsLines(a, b Row) int {
	if c := strings.Compare(a.ID, b.ID); c != 0 {
		return c
	}
	return cmp.Compare(a.Line, b.Line)
}

// column returns the 1-based CSV column of the named field, or 0.
func (t *Table) column(field string) int {
	return slices.Index(t.header, field) + 1
}

// Column returns the 1-based column of the named field in the CSV file
// the table was read from, or 0 (no such column, or not read from CSV),
// for error messages that name a row's field.
func (t *Table) Column(field string) int {
	if t == nil {
		return 0
	}
	return t.column(field)
}

// Protocol returns the draw protocol the table was read under.
func (t *Table) Protocol() Protocol {
	if t == nil {
		return ProtocolV1
	}
	return t.proto
}

func (k Kind) valid() bool { return k >= KindPremises && k <= KindHistory }

func sortErrors(errs []*RowError) {
	slices.SortStableFunc(errs, func(a, b *RowError) int {
		if a.File != b.File {
			return strings.Compare(a.File, b.File)
		}
		if a.Line != b.Line {
			return a.Line - b.Line
		}
		return a.Column - b.Column
	})
}

// checker validates rows of one table one at a time.
type checker struct {
	kind Kind
	opt  Options
	// column, when set, gives the column of a field for error messages.
	column func(field string) int
	// owned: the rows' Attrs slices belong to the checker, which may
	// reuse them.
	owned bool
	// plain: the rows come from the CSV fast path, whose text is known
	// to be valid UTF-8 without control characters and whose attribute
	// names come from a checked header, in order; only the rules that
	// do not look at the text itself are left to check.
	plain bool
	// inputDates: the rows come from an agency's file (CSV, .xlsx), whose
	// date attributes are read with ParseInputDate and stored as
	// YYYY-MM-DD; dates, when set, counts the values so rewritten.
	inputDates bool
	dates      *int
	// annotate, when set, adds what the checker does not know (the
	// sheet, the header) to each error.
	annotate func(*RowError)
}

func (c checker) errorf(r Row, field, value string, err error) *RowError {
	e := &RowError{File: c.opt.File, Line: r.Line, Field: field, Value: value, Err: err}
	if c.column != nil {
		e.Column = c.column(field)
	}
	if c.annotate != nil {
		c.annotate(e)
	}
	return e
}

// check validates and canonicalises one row, reporting each problem to
// report (warn marks a warning, which does not make the row bad).
func (c checker) check(r Row, report func(e *RowError, warn bool)) (_ Row, bad bool) {
	fail := func(field, value string, err error) {
		report(c.errorf(r, field, value, err), false)
		bad = true
	}
	if c.kind == KindConflicts && r.ID == "" {
		ins, pre := r.Get(AttrInspector), r.Get(AttrPremises)
		if ins != "" && pre != "" {
			r.ID = ins + " " + pre
		}
	}
	if r.ID == "" && c.kind == KindConflicts {
		// No id to derive it from: checkKind reports the missing
		// inspector or premises.
	} else if err := validName(r.ID, c.plain); err != nil {
		fail("id", r.ID, err)
	}
	if c.plain {
		// The fast path's attributes are in order and not empty: only
		// their lengths and lists are left, changed in place.
		for i := range r.Attrs {
			a := &r.Attrs[i]
			if len(a.Value) > MaxValueLen {
				fail(a.Name, a.Value, ValidValue(a.Value))
				continue
			}
			c.canonical(a, fail)
		}
	} else {
		r.Attrs = c.checkAttrs(r.Attrs, fail)
	}
	if c.inputDates {
		c.inputDate(r.Attrs)
	}
	c.checkKind(r, fail, func(field, value string, err error) {
		e := c.errorf(r, field, value, err)
		if c.opt.Strict {
			report(e, false)
			bad = true
			return
		}
		report(e, true)
		if c.opt.Warn != nil {
			c.opt.Warn(e)
		}
	})
	return r, bad
}

// checkAttrs checks the attributes of a row and returns those to keep:
// valid, not empty, lists canonical. They are filtered into a new slice,
// or into the row's own when the checker owns it (a row just parsed):
// every kept attribute is written at or before the position it is read
// from.
func (c checker) checkAttrs(in []Attr, fail func(field, value string, err error)) []Attr {
	var attrs []Attr
	if c.owned {
		attrs = in[:0]
	} else {
		attrs = make([]Attr, 0, len(in))
	}
	for i, a := range in {
		if err := ValidName(a.Name); err != nil {
			fail(a.Name, a.Name, err)
			continue
		}
		if a.Name == "id" || (i > 0 && in[i-1].Name >= a.Name) {
			fail(a.Name, a.Value, fmt.Errorf("%w: attribute repeated or out of order", ErrBadName))
			continue
		}
		if err := ValidValue(a.Value); err != nil {
			fail(a.Name, a.Value, err)
			continue
		}
		if a.Value == "" {
			continue
		}
		if !c.canonical(&a, fail) {
			continue
		}
		attrs = append(attrs, a)
	}
	return attrs
}

// canonical puts the value of a multi-valued attribute in canonical form
// (see [CanonicalList]), or reports that it has none.
func (c checker) canonical(a *Attr, fail func(field, value string, err error)) bool {
	if !c.kind.ListAttr(c.opt.Protocol, a.Name) {
		return true
	}
	v, err := CanonicalList(a.Value)
	if err != nil {
		fail(a.Name, a.Value, err)
		return false
	}
	if v != a.Value {
		a.Value = v
	}
	return true
}

// inputDate rewrites the date attributes of attrs that ParseInputDate
// reads but are not YYYY-MM-DD as YYYY-MM-DD, in place (the checker owns
// the row's attributes); checkKind reports those it cannot read.
func (c checker) inputDate(attrs []Attr) {
	for i := range attrs {
		a := &attrs[i]
		if !c.kind.isDateAttr(a.Name) {
			continue
		}
		if _, err := ParseDate(a.Value); err == nil {
			continue
		}
		if d, err := ParseInputDate(a.Value); err == nil {
			a.Value = d.String()
			if c.dates != nil {
				*c.dates++
			}
		}
	}
}

// checkKind applies the rules of the table's kind to a row whose
// attributes are already valid text.
func (c checker) checkKind(r Row, fail, warn func(field, value string, err error)) {
	date := func(name string, required bool) {
		v := r.Get(name)
		if v == "" {
			if required {
				fail(name, v, ErrMissingField)
			}
			return
		}
		if _, err := ParseDate(v); err != nil {
			if c.inputDates {
				_, err = ParseInputDate(v) // its error lists the forms
			}
			fail(name, v, err)
		}
	}
	required := func(names ...string) {
		for _, n := range names {
			if r.Get(n) == "" {
				fail(n, "", ErrMissingField)
			}
		}
	}
	switch c.kind {
	case KindPremises:
		if len(r.ID) == 18 {
			if err := CheckUSCC(r.ID); err != nil {
				warn("id", r.ID, err)
			}
		}
	case KindInspectors:
		date(AttrCredentialExpires, false)
		if v := r.Get(AttrCapacity); v != "" {
			if _, err := parseCount(v); err != nil {
				fail(AttrCapacity, v, err)
			}
		}
	case KindConflicts:
		required(AttrInspector, AttrPremises)
	case KindHistory:
		required(AttrPremises)
		date(AttrDate, true)
	}
}

// parseCount reads a non-negative decimal integer without sign or leading
// zeros, at most 9 digits.
func parseCount(s string) (int, error) {
	if s == "" || len(s) > 9 || (len(s) > 1 && s[0] == '0') {
		return 0, fmt.Errorf("%w: %q is not a whole number 0..999999999", ErrBadNumber, s)
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%w: %q is not a whole number 0..999999999", ErrBadNumber, s)
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, nil
}

// Kind returns the table's kind.
func (t *Table) Kind() Kind { return t.kind }

// File returns the name of the input the table was read from, if any.
func (t *Table) File() string { return t.file }

// Len returns the number of rows.
func (t *Table) Len() int {
	if t == nil {
		return 0
	}
	return len(t.rows)
}

// At returns the i'th row in id order.
func (t *Table) At(i int) Row { return t.rows[i] }

// Rows returns the rows in id order. The slice is shared: do not modify it.
func (t *Table) Rows() []Row {
	if t == nil {
		return nil
	}
	return t.rows
}

// All iterates over the rows in id order.
func (t *Table) All() iter.Seq2[int, Row] {
	return func(yield func(int, Row) bool) {
		for i, r := range t.Rows() {
			if !yield(i, r) {
				return
			}
		}
	}
}

// Index returns the position of the row with the given id, or -1.
func (t *Table) Index(id string) int {
	if t == nil {
		return -1
	}
	i, ok := slices.BinarySearchFunc(t.rows, id, func(r Row, id string) int { return strings.Compare(r.ID, id) })
	if !ok {
		return -1
	}
	return i
}

// Lookup returns the row with the given id.
func (t *Table) Lookup(id string) (Row, bool) {
	i := t.Index(id)
	if i < 0 {
		return Row{}, false
	}
	return t.rows[i], true
}

// Root returns the table's root: the RFC 6962 Merkle tree hash over the
// leaf bytes of its rows in id order (protocol §1).
func (t *Table) Root() Hash {
	if t == nil {
		return EmptyRoot
	}
	t.rootOnce.Do(func() {
		if t.fileLeaves != nil {
			t.root = leavesRoot(t.rows, t.fileLeaves, t.leafBase)
			t.fileLeaves = nil
			return
		}
		t.root = rowsRoot(t.rows)
	})
	return t.root
}

// Prove returns the inclusion proof of the row with the given id, which
// [VerifyProof] checks against the table's root.
func (t *Table) Prove(id string) (Proof, error) {
	i := t.Index(id)
	if i < 0 {
		return Proof{}, fmt.Errorf("roster: no row %q in the %s table", id, t.kind)
	}
	return Proof{Index: uint64(i), Size: uint64(len(t.rows)), Path: path(i, leafHashes(t.rows))}, nil
}
