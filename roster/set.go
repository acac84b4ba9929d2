package roster

import (
	"cmp"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync/atomic"
)

// Set is the four tables of one draw. A nil table is an empty one.
type Set struct {
	Premises   *Table
	Inspectors *Table
	Conflicts  *Table
	History    *Table

	// inspections is built by NewSet, which checks the references.
	inspections *Inspections

	// v2 (NewSetV2): the protocol, how private attributes are
	// committed, and the rows of the conflicts and history tables that
	// name a missing id.
	proto   Protocol
	commit  Commitment
	unknown [2]int
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
	if s.refsResolve() {
		return s, nil
	}
	s.inspections = nil
	// Some reference does not resolve: find them all, in order.
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

// refsResolve reports whether every reference of the conflicts and
// history tables resolves, looking them up on every core.
func (s *Set) refsResolve() bool {
	var bad atomic.Bool
	check := func(rows []Row, refs func(Row) bool) {
		parts := max(1, min(runtime.GOMAXPROCS(0), len(rows)/1024))
		parallel(parts, func(k int) {
			for _, r := range rows[len(rows)*k/parts : len(rows)*(k+1)/parts] {
				if !refs(r) {
					bad.Store(true)
					return
				}
			}
		})
	}
	check(s.Conflicts.rows, func(r Row) bool {
		return s.Inspectors.Index(r.Get(AttrInspector)) >= 0 && s.Premises.Index(r.Get(AttrPremises)) >= 0
	})
	s.inspections = buildInspections(s.Premises, s.History)
	if s.inspections.unresolved {
		return false
	}
	// Inspectors are few and named by many history rows: a set of their
	// ids is quicker than searching the table for each.
	inspectors := make(map[string]struct{}, s.Inspectors.Len())
	for _, r := range s.Inspectors.rows {
		inspectors[r.ID] = struct{}{}
	}
	check(s.History.rows, func(r Row) bool {
		if v := r.Get(AttrInspectors); v != "" {
			for id := range strings.SplitSeq(v, ";") {
				if _, ok := inspectors[id]; !ok {
					return false
				}
			}
		}
		return true
	})
	return !bad.Load()
}

// Inspections returns, for each premises row, the history rows that
// inspected it. A Set made by [NewSet] has it ready; for any other it is
// built on each call.
func (s *Set) Inspections() *Inspections {
	if s.inspections != nil {
		return s.inspections
	}
	return buildInspections(s.Premises, s.History)
}

// Inspections maps premises rows to history rows (see [Set.Inspections]).
type Inspections struct {
	start []int32 // premises row i has rows[start[i]:start[i+1]]
	rows  []int32
	// unresolved: some history row names a premises not in the table.
	unresolved bool
}

// Of returns the history rows (their indexes in the history table, in
// id order) that inspected premises row i.
func (x *Inspections) Of(i int) []int32 {
	if i < 0 || i+1 >= len(x.start) {
		return nil
	}
	return x.rows[x.start[i]:x.start[i+1]]
}

// buildInspections resolves the premises of every history row by sorting
// the references and walking them beside the premises rows, both in id
// order, rather than searching the premises table once per reference.
func buildInspections(premises, history *Table) *Inspections {
	type ref struct {
		id      string
		history int32
	}
	hrows, rows := history.Rows(), premises.Rows() // nil tables are empty
	refs := make([]ref, len(hrows))
	for h, r := range hrows {
		refs[h] = ref{r.Get(AttrPremises), int32(h)}
	}
	if uint64(len(refs)) < math.MaxUint32 {
		order := orderByID(len(refs), func(i int) string { return refs[i].id }, func(a, b int) int { return cmp.Compare(refs[a].history, refs[b].history) })
		sorted := make([]ref, len(refs))
		for j, i := range order {
			sorted[j] = refs[i]
		}
		refs = sorted
	} else {
		slices.SortFunc(refs, func(a, b ref) int {
			if c := strings.Compare(a.id, b.id); c != 0 {
				return c
			}
			return cmp.Compare(a.history, b.history)
		})
	}
	x := &Inspections{start: make([]int32, len(rows)+1)}
	of := make([]int32, len(hrows)) // premises row of each history row, -1 when unknown
	p := 0                          // rows[:p] have ids below the current reference
	for k, rf := range refs {
		if k == 0 || rf.id != refs[k-1].id {
			// Gallop from p, then search the last step.
			step := 1
			for p+step < len(rows) && rows[p+step].ID < rf.id {
				p += step
				step *= 2
			}
			if p < len(rows) && rows[p].ID < rf.id {
				i, _ := slices.BinarySearchFunc(rows[p:min(len(rows), p+step+1)], rf.id, func(r Row, id string) int { return strings.Compare(r.ID, id) })
				p += i
			}
		}
		if p < len(rows) && rows[p].ID == rf.id {
			of[rf.history] = int32(p)
			x.start[p+1]++
		} else {
			of[rf.history] = -1
			x.unresolved = true
		}
	}
	for i := range len(rows) {
		x.start[i+1] += x.start[i]
	}
	x.rows = make([]int32, x.start[len(rows)])
	next := slices.Clone(x.start[:len(rows)])
	for h, p := range of {
		if p >= 0 {
			x.rows[next[p]] = int32(h)
			next[p]++
		}
	}
	return x
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
func (r Roots) Inputs(planDigest Hash) Hash { return r.inputs("doublerandom/v1/inputs", planDigest) }
