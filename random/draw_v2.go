package random

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/doublerandom/doublerandom/roster"
)

// ResultV2 is everything a v2 draw decided (protocol v2 §§3–6), with the
// data that later steps need: the JSON view ([ResultV2.View]),
// explanations and substitutions. Indexes into tables are row positions
// in id order ([roster.Table.At]). A ResultV2 is read-only once returned.
type ResultV2 struct {
	Plan   *PlanV2
	Set    *roster.Set
	Seed   []byte
	Roots  roster.Roots // the four v2 roots
	Inputs roster.Hash  // [roster.Roots.InputsV2]
	Key    Key          // [NewKeyV2]

	// Tasks holds the figures of each task, in plan order.
	Tasks []TaskResult
	// Visits lists the premises selected by at least one task, in
	// ascending id bytes order.
	Visits []Visit
	// Premises holds one outcome per premises row, indexed like
	// Set.Premises.
	Premises []PremisesV2
	// Load holds the capacity and use of every inspector, indexed like
	// Set.Inspectors.
	Load []InspectorLoad
	// StaffOrder lists indexes into Visits in the order teams were
	// staffed: ascending (|E(v)|, P(v), id).
	StaffOrder []int
	// UnknownConflicts and UnknownHistory count the conflict and history
	// rows naming at least one id not in the tables.
	UnknownConflicts, UnknownHistory int

	hist *historyV2
}

// PremisesV2 is what a v2 draw found for one premises row.
type PremisesV2 struct {
	// Scope is OutOfScopeNone for a premises in scope, else why not
	// (OutOfScopeAttr: scope include or exclude).
	Scope OutOfScope
	// Priority is P(p), computed for every premises in scope (0 for
	// the others).
	Priority uint64
	// Cooling: some cooldown rule has at least max counting rows;
	// CoolingRule is the first such rule's index, -1 when not cooling.
	Cooling     bool
	CoolingRule int
	// Visit is the index in Result.Visits, -1 when not visited.
	Visit int
}

// TaskResult is what a v2 draw found for one task (protocol v2 §5, §7).
type TaskResult struct {
	Pool      int // N: premises in scope that the task's match holds for
	Cooling   int // pool − eligible
	Eligible  int // E
	Overdue   int // O: eligible premises overdue for the task
	Want      int
	Quota     int // k = min(E, want)
	Shortfall int // want − k
	// Groups in ascending order of values: one group with no values
	// without spread (even when empty), else one per tuple of values
	// of the eligible premises.
	Groups []Group
}

// Group is one group of a task: eligible premises sharing their values
// of the task's spread attributes.
type Group struct {
	Values   []string // the spread values; empty without spread
	Eligible int      // e_g
	Overdue  int      // its overdue eligible premises
	Quota    int      // a_g, by largest remainder
	// Threshold is the W of the last premises selected as random;
	// HasThreshold is false when none was.
	Threshold    uint64
	HasThreshold bool
	// Ranked lists the group's eligible premises (rows of the premises
	// table) in rank order (overdue first, then W, then id); the first
	// Quota were selected.
	Ranked []int
}

// Visit is a premises selected by at least one task, visited once for
// all of them, with its team.
type Visit struct {
	Premises int    // row of the premises table
	ID       string // its id
	Priority uint64 // P(p)
	// Tasks lists the tasks that selected it, in plan order.
	Tasks []VisitTask
	// Slots are the merged slots of its tasks (protocol v2 §6), Size
	// the team size and MaxPerUnit the cap on members of one unit (0:
	// none).
	Slots      []Slot
	Size       int
	MaxPerUnit int
	// EligibleCount is |E(v)|. Eligible holds the first min(|E(v)|,
	// Size+4) candidates of E(v) in ascending (Q, id) order, capacity
	// not considered: those the team is most likely drawn from. When
	// len(Eligible) == EligibleCount it is all of E(v);
	// [ResultV2.EligibleV2] returns all of it in any case.
	EligibleCount int
	Eligible      []Candidate
	// Team lists the members in the order added; nil when unstaffed.
	Team []Member
	// Unstaffed says why there is no team (StaffedV2 when there is
	// one); FailedSlot is the index of the slot that no candidate could
	// fill for UnstaffedSlot, else -1.
	Unstaffed  UnstaffedV2
	FailedSlot int
}

// VisitTask is one task of a visit.
type VisitTask struct {
	Task  int      // index in Plan.Tasks
	Mark  Mark     // overdue, random or targeted
	Group []string // the group's values (the premises' spread values)
	// W is the premises' weighted priority for the task.
	W uint64
	// Target is the index in Plan.Targeted for mark targeted, else -1.
	Target int
}

// Member is a team member and the slot (index in Visit.Slots) they fill,
// -1 for a fill-up member.
type Member struct {
	Candidate
	Slot int
}

// UnstaffedV2 says why a visit has no team (protocol v2 §6).
type UnstaffedV2 uint8

// Reasons a v2 visit is unstaffed.
const (
	StaffedV2             UnstaffedV2 = iota
	UnstaffedNoneEligible             // |E(v)| = 0
	UnstaffedSlot                     // no candidate left for a slot
	UnstaffedShort                    // too few candidates to reach the size
)

// Code returns the view's code: "", "none_eligible", "slot" or "short".
func (u UnstaffedV2) Code() string {
	switch u {
	case UnstaffedNoneEligible:
		return "none_eligible"
	case UnstaffedSlot:
		return "slot"
	case UnstaffedShort:
		return "short"
	}
	return ""
}

// DrawV2 runs a draw of protocol v2 (§§3–6): it checks the plan against
// the tables ([PlanV2.Check]), derives the key from the seed and the
// digests of all inputs (the v2 roots, private attributes committed as
// the set's [roster.Commitment] says), selects premises task by task,
// adds the targeted ones, and staffs one team per visit. set must be a
// v2 set ([roster.NewSetV2], or [roster.LoadDir] with ProtocolV2), plan
// must come from [ParsePlanV2] or [LoadPlanV2]. The result depends only
// on plan, set and seed: not on row order, time, Options or the number of
// cores. DrawV2 honours ctx and reports progress as [Draw] does.
func DrawV2(ctx context.Context, plan *PlanV2, set *roster.Set, seed []byte, opt Options) (*ResultV2, error) {
	if plan == nil || plan.bytes == nil {
		return nil, errors.New("random: the plan has no bytes to hash; parse it with ParsePlanV2")
	}
	if set == nil {
		return nil, errors.New("random: no tables")
	}
	if set.Protocol() != roster.ProtocolV2 {
		return nil, fmt.Errorf("random: the tables were read under %s; a v2 plan needs tables read with roster.Options.Protocol = ProtocolV2", set.Protocol())
	}
	if err := plan.Check(set); err != nil {
		return nil, err
	}
	if _, err := NewKeyV2(seed, roster.Hash{}); err != nil {
		return nil, err
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	report := func(ph Phase, done, total int) {
		if opt.Progress != nil {
			opt.Progress(Progress{Phase: ph, Done: done, Total: total})
		}
	}
	// The roots (for the key) are hashed on other goroutines while this
	// one runs the part of the selection that needs no key, as in Draw.
	type rootsOf struct {
		roots roster.Roots
		err   error
	}
	rootsDone := make(chan rootsOf, 1)
	go func() {
		roots, err := set.RootsV2(plan.Private)
		rootsDone <- rootsOf{roots, err}
	}()
	r := &ResultV2{Plan: plan, Set: set, Seed: append([]byte(nil), seed...)}
	r.UnknownConflicts, r.UnknownHistory = set.UnknownReferences()
	r.hist = newHistoryV2(set)
	inScope, taskMasks, err := r.scopeV2(ctx, opt, report)
	rr := <-rootsDone
	if rr.err != nil {
		return nil, rr.err
	}
	if err != nil {
		return nil, err
	}
	r.Roots = rr.roots
	r.Inputs = r.Roots.InputsV2(plan.Digest())
	if r.Key, err = NewKeyV2(seed, r.Inputs); err != nil {
		return nil, err
	}
	if err := r.rankV2(ctx, opt, inScope, taskMasks, report); err != nil {
		return nil, err
	}
	if err := r.staffV2(ctx, opt.Workers, report); err != nil {
		return nil, err
	}
	return r, nil
}

// Outcome returns the outcome of the premises with the given id.
func (r *ResultV2) Outcome(id string) (PremisesV2, bool) {
	i := r.Set.Premises.Index(id)
	if i < 0 {
		return PremisesV2{}, false
	}
	return r.Premises[i], true
}
