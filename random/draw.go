package random

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/doublerandom/doublerandom/roster"
)

// Options tune a draw without changing its result.
type Options struct {
	// Progress, when set, is called from the goroutine that called Draw
	// at the start and end of each phase and about every
	// [ProgressEvery] rows within a phase.
	Progress func(Progress)
	// Workers is the number of goroutines that compute priorities;
	// 0 means runtime.GOMAXPROCS(0). The result does not depend on it.
	Workers int
}

// ProgressEvery is how many rows a phase handles between two progress
// reports (and two checks of the context).
const ProgressEvery = 1 << 16

// Phase is a step of a draw, reported by [Progress].
type Phase uint8

// The phases of a draw, in order.
const (
	PhaseScope      Phase = iota + 1 // scope, cooldown, strata, overdue (premises rows)
	PhasePriorities                  // one hash per premises in scope
	PhaseSelect                      // ranking and quotas (strata)
	PhaseTeams                       // eligibility and staffing (selected premises)
)

// String returns the phase's name.
func (p Phase) String() string {
	switch p {
	case PhaseScope:
		return "scope"
	case PhasePriorities:
		return "priorities"
	case PhaseSelect:
		return "select"
	case PhaseTeams:
		return "teams"
	}
	return fmt.Sprintf("Phase(%d)", uint8(p))
}

// Progress says how far a draw is: Done of Total items of Phase.
type Progress struct {
	Phase Phase
	Done  int
	Total int
}

// Mark says why a premises was selected.
type Mark uint8

// Marks of protocol §5.
const (
	MarkOverdue  Mark = iota + 1 // within the quota, ranked first as not inspected within coverage_days
	MarkRandom                   // within the quota, by priority
	MarkTargeted                 // named by the plan, outside the quota
)

// String returns "overdue", "random" or "targeted".
func (m Mark) String() string {
	switch m {
	case MarkOverdue:
		return "overdue"
	case MarkRandom:
		return "random"
	case MarkTargeted:
		return "targeted"
	}
	return fmt.Sprintf("Mark(%d)", uint8(m))
}

// MarshalText writes the mark's name.
func (m Mark) MarshalText() ([]byte, error) {
	if m < MarkOverdue || m > MarkTargeted {
		return nil, fmt.Errorf("random: invalid mark %d", uint8(m))
	}
	return []byte(m.String()), nil
}

// UnmarshalText reads a mark's name.
func (m *Mark) UnmarshalText(b []byte) error {
	for c := MarkOverdue; c <= MarkTargeted; c++ {
		if string(b) == c.String() {
			*m = c
			return nil
		}
	}
	return fmt.Errorf("random: unknown mark %q (want overdue, random or targeted)", b)
}

// Result is everything a draw decided, with the data that later steps
// need: the JSON view ([Result.View]) and the signed draw record,
// substitutions (|E(p)| and its first candidates in (Q, id) order, all
// of E(p) through [Result.EligibleFor], and the capacity left), and
// explanations to a business owner or an inspector (why a premises was
// out of scope, excluded, not reached by its quota; why an inspector was
// not eligible). All indexes into tables are row positions in id order
// ([roster.Table.At]). A Result is read-only once returned.
type Result struct {
	Plan  *Plan        // the plan drawn
	Set   *roster.Set  // the tables drawn from
	Seed  []byte       // the seed S
	Roots roster.Roots // the four table roots
	// Inputs is the inputs digest of protocol §3.
	Inputs roster.Hash
	// Key is the draw key K.
	Key Key

	// Strata in ascending order of their values (element-wise byte
	// order), every stratum with at least one premises in scope.
	Strata []Stratum
	// Selected lists the selected premises in record order: stratum by
	// stratum, in rank order within each, then the targeted premises in
	// plan order.
	Selected []Selection
	// Premises holds one outcome per premises row, indexed like
	// Set.Premises.
	Premises []PremisesOutcome
	// Load holds the capacity and use of every inspector, indexed like
	// Set.Inspectors.
	Load []InspectorLoad
	// StaffOrder lists indexes into Selected in the order teams were
	// staffed: ascending (|E(p)|, P(p), id).
	StaffOrder []int

	hist *historyIndex
	// insp, when set, gives the history rows of each premises row (a
	// Result of Draw); otherwise hist.byID does.
	insp *roster.Inspections
}

// Stratum is one stratum of protocol §5 with its figures.
type Stratum struct {
	// Values are the premises' values of the plan's stratify attributes,
	// in that order ("" for an absent attribute).
	Values []string
	// Eligible is n, the premises in scope and not cooling down.
	Eligible int
	// Excluded counts the premises in scope excluded by cooldown.
	Excluded int
	// Rule is the index of the quota rule that matched, or -1 when none
	// did (then Quota is 0 and the record says so).
	Rule int
	// Quota is k, how many eligible premises were selected.
	Quota int
	// Threshold is the priority of the last premises selected as
	// random; HasThreshold is false when none was.
	Threshold    uint64
	HasThreshold bool
	// Ranked lists the eligible premises (rows of the premises table)
	// in rank order (overdue first, then priority, then id); the first
	// Quota of them are selected.
	Ranked []int
	// Cooling lists the premises excluded by cooldown, in id order.
	Cooling []int
}

// NoQuotaRule reports whether no quota rule matched the stratum.
func (s *Stratum) NoQuotaRule() bool { return s.Rule < 0 }

// PremisesOutcome is what the draw did with one premises row.
type PremisesOutcome struct {
	// Priority is P(p); it is computed for every premises in scope and
	// is 0 for premises out of scope.
	Priority uint64
	// Scope is OutOfScopeNone for a premises in scope, else why not.
	Scope OutOfScope
	// Cooling reports exclusion by cooldown (see Recent).
	Cooling bool
	// Overdue: coverage_days > 0 and not inspected within them.
	Overdue bool
	// ScopeRule is the index in Plan.Scope of the rule that put the
	// premises out of scope (OutOfScopeAttr), else -1.
	ScopeRule int32
	// Recent is the number of inspections within cooldown.days (0 when
	// cooldown is off).
	Recent int32
	// Stratum is the index in Result.Strata, -1 when out of scope.
	Stratum int32
	// Rank is the position in the stratum's Ranked list, -1 when not
	// eligible. The premises was selected within the quota when
	// Rank < Quota.
	Rank int32
	// Selected is the index in Result.Selected, -1 when not selected.
	Selected int32
}

// The indexes of a PremisesOutcome are 32-bit, so that a million
// outcomes take 32 MB: a table cannot have 2^31 rows in memory anyway.

// InspectorLoad is an inspector's capacity and how much of it the draw
// used.
type InspectorLoad struct {
	// Capacity is the number of teams the inspector may join, from its
	// capacity attribute or the plan's default_capacity; -1 means no
	// limit.
	Capacity int
	// Used is the number of teams the inspector joined.
	Used int
}

// Left returns the number of teams the inspector may still join; ok is
// false when there is no limit.
func (l InspectorLoad) Left() (left int, limited bool) {
	if l.Capacity < 0 {
		return 0, false
	}
	return l.Capacity - l.Used, true
}

func (l InspectorLoad) hasRoom() bool { return l.Capacity < 0 || l.Used < l.Capacity }

// Selection is one selected premises and its team.
type Selection struct {
	// Premises is the row of the premises table; ID its id.
	Premises int
	ID       string
	Priority uint64
	// Stratum is the index in Result.Strata.
	Stratum int
	Mark    Mark
	// Target is the index in Plan.Targeted for a targeted premises,
	// else -1.
	Target int
	// Rule is the index of the team rule that matched, -1 if none.
	Rule int
	// EligibleCount is |E(p)|, the number of eligible inspectors,
	// capacity not considered (0 when no team rule matched).
	EligibleCount int
	// Eligible holds the first min(|E(p)|, size+4) candidates of E(p)
	// in ascending (Q, id) order, capacity not considered, where size is
	// the matched team rule's size: the candidates the team is most
	// likely drawn from. When len(Eligible) == EligibleCount it is all
	// of E(p); [Result.EligibleFor] returns all of it in any case. A
	// prefix is kept rather than E(p) because E(p) can hold every
	// inspector of the county for each selected premises.
	Eligible []Candidate
	// Team lists the members in the order they were added; it is nil
	// when the premises is unstaffed.
	Team []Candidate
	// Unstaffed says why there is no team (Staffed when there is one);
	// MissingUnit names the unit for UnstaffedUnitMissing and
	// UnstaffedUnitAtCapacity.
	Unstaffed   UnstaffedReason
	MissingUnit string
}

// Candidate is an inspector of E(p) with its inspector key.
type Candidate struct {
	Inspector int    // row of the inspectors table
	ID        string // the inspector's id
	Q         uint64 // Q(p, i)
}

// TeamIDs returns the ids of the team members in the order they were
// added.
func (s *Selection) TeamIDs() []string {
	ids := make([]string, len(s.Team))
	for i, c := range s.Team {
		ids[i] = c.ID
	}
	return ids
}

// Outcome returns the outcome of the premises with the given id.
func (r *Result) Outcome(id string) (PremisesOutcome, bool) {
	i := r.Set.Premises.Index(id)
	if i < 0 {
		return PremisesOutcome{}, false
	}
	return r.Premises[i], true
}

// Draw runs the draw of protocol §§3–6: it checks the plan against the
// tables ([Plan.Check]), derives the key from the seed and the digests of
// all inputs, selects premises stratum by stratum, adds the targeted
// ones, and staffs a team for each. plan must come from [ParsePlan] or
// [LoadPlan] (its digest is over its bytes). The result depends only on
// plan, set and seed: not on row order, time, Options or the number of
// cores. Draw honours ctx between batches of rows.
func Draw(ctx context.Context, plan *Plan, set *roster.Set, seed []byte, opt Options) (*Result, error) {
	if plan == nil || plan.bytes == nil {
		return nil, errors.New("random: the plan has no bytes to hash; parse it with ParsePlan")
	}
	if set == nil {
		return nil, errors.New("random: no tables")
	}
	if err := plan.Check(set); err != nil {
		return nil, err
	}
	// A bad seed is reported before any work.
	if _, err := NewKey(seed, roster.Hash{}); err != nil {
		return nil, err
	}
	r := &Result{Plan: plan, Set: set, Seed: append([]byte(nil), seed...)}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	report := func(ph Phase, done, total int) {
		if opt.Progress != nil {
			opt.Progress(Progress{Phase: ph, Done: done, Total: total})
		}
	}
	// The roots (for the key) are hashed on other goroutines while this
	// one runs the part of the selection that does not need the key.
	roots := make(chan roster.Roots, 1)
	go func() { roots <- set.Roots() }()
	r.hist = newDatesIndex(set.History, set.Conflicts, opt.Workers)
	r.insp = set.Inspections()
	inScope, err := r.scopePremises(ctx, opt.Workers, report)
	r.Roots = <-roots
	if err != nil {
		return nil, err
	}
	r.Inputs = r.Roots.Inputs(plan.Digest())
	key, err := NewKey(seed, r.Inputs)
	if err != nil {
		return nil, err
	}
	r.Key = key
	if err := r.rankPremises(ctx, opt, inScope, report); err != nil {
		return nil, err
	}
	if err := r.staffTeams(ctx, opt.Workers, report); err != nil {
		return nil, err
	}
	return r, nil
}

// historyIndex finds the past inspections of a premises and the
// declared conflicts. It is built once and only read afterwards.
type historyIndex struct {
	table     *roster.Table
	dates     []roster.Date       // per history row
	byID      map[string][]int32  // premises id → history rows, in id order
	conflicts map[string][]string // premises id → inspector ids of its conflicts rows
}

func newHistoryIndex(t, conflicts *roster.Table) *historyIndex {
	h := newDatesIndex(t, conflicts, 1)
	h.byID = map[string][]int32{}
	for i, row := range t.Rows() {
		p := roster.Inspection{Row: row}.Premises()
		h.byID[p] = append(h.byID[p], int32(i))
	}
	return h
}

// newDatesIndex is a historyIndex without byID, for a draw that finds
// the history rows of a premises row through [roster.Set.Inspections];
// the dates are read on up to workers goroutines.
func newDatesIndex(t, conflicts *roster.Table, workers int) *historyIndex {
	h := &historyIndex{table: t, dates: make([]roster.Date, t.Len()),
		conflicts: make(map[string][]string, conflicts.Len())}
	for _, row := range conflicts.Rows() {
		c := roster.Conflict{Row: row}
		h.conflicts[c.Premises()] = append(h.conflicts[c.Premises()], c.Inspector())
	}
	rows := t.Rows()
	// A validated history table has a date in every row.
	_ = parallelBatches(context.Background(), workers, len(rows), ProgressEvery, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			h.dates[i], _ = roster.Inspection{Row: rows[i]}.Date()
		}
	}, func(int) {})
	return h
}

// count counts the history rows that are within days of ref.
func (h *historyIndex) count(rows []int32, ref roster.Date, days int) int {
	n := 0
	for _, i := range rows {
		if h.dates[i].Within(ref, days) {
			n++
		}
	}
	return n
}
