package roster

import (
	"crypto/sha256"
	"fmt"
)

// Set is the four tables of one draw. A nil table is an empty one.
type Set struct {
	Premises   *Table
	Inspectors *Table
	Conflicts  *Table
	History    *Table
}

// NewSet checks that the tables are of the right kinds and that every
// reference resolves: each conflict names a known inspector and premises,
// each inspection a known premises and known inspectors. Missing tables
// (nil) become empty ones. All unresolved references are returned as an
// *[ErrorList].
func NewSet(premises, inspectors, conflicts, history *Table) (*Set, error) {
	s := &Set{Premises: premises, Inspectors: inspectors, Conflicts: conflicts, History: history}
	for i, t := range s.tables() {
		if *t == nil {
			*t = &Table{kind: Kinds[i]}
		} else if (*t).kind != Kinds[i] {
			return nil, fmt.Errorf("roster: a %s table given as the %s table", (*t).kind, Kinds[i])
		}
	}
	var errs ErrorList
	ref := func(t *Table, r Row, field, id string, in *Table) {
		if in.Index(id) < 0 {
			errs.add(&RowError{File: t.file, Line: r.Line, Column: t.column(field), Field: field, Value: id,
				Err: fmt.Errorf("%w: no %s with this id", ErrUnknownRef, in.kind)})
		}
	}
	for _, r := range s.Conflicts.rows {
		ref(s.Conflicts, r, AttrInspector, r.Get(AttrInspector), s.Inspectors)
		ref(s.Conflicts, r, AttrPremises, r.Get(AttrPremises), s.Premises)
	}
	for _, r := range s.History.rows {
		ref(s.History, r, AttrPremises, r.Get(AttrPremises), s.Premises)
		for _, id := range SplitList(r.Get(AttrInspectors)) {
			ref(s.History, r, AttrInspectors, id, s.Inspectors)
		}
	}
	if err := errs.err(); err != nil {
		sortErrors(errs.Errs)
		return nil, err
	}
	return s, nil
}

func (s *Set) tables() [4]**Table {
	return [4]**Table{&s.Premises, &s.Inspectors, &s.Conflicts, &s.History}
}

// Table returns the table of the given kind.
func (s *Set) Table(k Kind) *Table {
	for i, t := range s.tables() {
		if Kinds[i] == k {
			return *t
		}
	}
	return nil
}

// Roots are the roots of the four tables.
type Roots struct {
	Premises   Hash `json:"premises"`
	Inspectors Hash `json:"inspectors"`
	Conflicts  Hash `json:"conflicts"`
	History    Hash `json:"history"`
}

// Counts are the numbers of rows of the four tables.
type Counts struct {
	Premises   int `json:"premises"`
	Inspectors int `json:"inspectors"`
	Conflicts  int `json:"conflicts"`
	History    int `json:"history"`
}

// Roots returns the root of each table.
func (s *Set) Roots() Roots {
	return Roots{s.Premises.Root(), s.Inspectors.Root(), s.Conflicts.Root(), s.History.Root()}
}

// Counts returns the row count of each table.
func (s *Set) Counts() Counts {
	return Counts{s.Premises.Len(), s.Inspectors.Len(), s.Conflicts.Len(), s.History.Len()}
}

// Inputs returns the inputs digest of protocol §3:
// H("doublerandom/v1/inputs" || planDigest || the four roots).
func (r Roots) Inputs(planDigest Hash) Hash {
	h := sha256.New()
	h.Write([]byte("doublerandom/v1/inputs"))
	h.Write(planDigest[:])
	h.Write(r.Premises[:])
	h.Write(r.Inspectors[:])
	h.Write(r.Conflicts[:])
	h.Write(r.History[:])
	var out Hash
	h.Sum(out[:0])
	return out
}
