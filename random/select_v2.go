package random

import (
	"cmp"
	"context"
	"math/bits"
	"slices"

	"github.com/doublerandom/doublerandom/roster"
)

// historyV2 is what a v2 draw reads of the history and conflicts tables,
// built once and only read afterwards.
type historyV2 struct {
	table     *roster.Table
	dates     []roster.Date // per history row
	kinds     []string      // per history row ("" when absent)
	insp      *roster.Inspections
	conflicts map[string][]string // premises id → inspector ids of its conflict rows
}

func newHistoryV2(set *roster.Set) *historyV2 {
	h := &historyV2{table: set.History, insp: set.Inspections(), conflicts: map[string][]string{}}
	rows := set.History.Rows()
	h.dates = make([]roster.Date, len(rows))
	h.kinds = make([]string, len(rows))
	for i, row := range rows {
		h.dates[i], _ = roster.Inspection{Row: row}.Date() // validated: every row has one
		h.kinds[i] = row.Get(roster.AttrKind)
	}
	for _, row := range set.Conflicts.Rows() {
		c := roster.Conflict{Row: row}
		h.conflicts[c.Premises()] = append(h.conflicts[c.Premises()], c.Inspector())
	}
	return h
}

// counts reports whether history row h counts for a rule of days and
// kinds (nil: every kind) on the plan date.
func (h *historyV2) counts(row int32, date roster.Date, days int, kinds []string) bool {
	return h.dates[row].Within(date, days) && (kinds == nil || slices.Contains(kinds, h.kinds[row]))
}

// cooling returns the index of the first cooldown rule under which
// premises row i cools, or -1.
func (r *ResultV2) cooling(i int) int {
	past := r.hist.insp.Of(i)
	for k, rule := range r.Plan.Cooldown {
		n := 0
		for _, h := range past {
			if r.hist.counts(h, r.Plan.Date, rule.Days, rule.Kinds) {
				n++
			}
		}
		if n >= rule.Max {
			return k
		}
	}
	return -1
}

// Overdue reports whether premises row i is overdue for the task
// (protocol v2 §5): the plan has coverage and no history row of it
// counts for coverage with empty matters or matters holding the task's
// matter.
func (r *ResultV2) Overdue(i int, task int) bool {
	c := r.Plan.Coverage
	if c == nil {
		return false
	}
	matter := r.Plan.Tasks[task].Matter
	for _, h := range r.hist.insp.Of(i) {
		if !r.hist.counts(h, r.Plan.Date, c.Days, c.Kinds) {
			continue
		}
		m := r.hist.table.At(int(h)).Get(roster.AttrMatters)
		if m == "" || slices.Contains(roster.SplitList(m), matter) {
			return false
		}
	}
	return true
}

// Weight returns the weight of premises row i for the task (1 without
// a weight).
func (r *ResultV2) Weight(i int, task int) int {
	w := r.Plan.Tasks[task].Weight
	if w == nil {
		return 1
	}
	return w.Of(r.Set.Premises.At(i).Get(w.Attribute))
}

// W returns the weighted priority of premises row i for the task.
func (r *ResultV2) W(i int, task int) uint64 {
	w := r.Weight(i, task)
	if w <= 1 {
		return r.Key.Priority(r.Set.Premises.At(i).ID)
	}
	return r.Key.WeightedPriority(r.Set.Premises.At(i).ID, w)
}

// WantV2 returns want, k and the shortfall of a task (protocol v2 §5):
// want = max(min, min(max or ∞, ceil(N × ratio))), raised to
// ceil(O / drawsLeft) when drawsLeft > 0 (the cycle guarantee overrides
// max); k = min(E, want); shortfall = want − k.
func WantV2(n, e, o int, ratio Ratio, lo, hi, drawsLeft int) (want, k, shortfall int) {
	want = ratio.CeilMul(n)
	if hi > 0 && want > hi {
		want = hi
	}
	want = max(want, lo)
	if drawsLeft > 0 && o > 0 {
		want = max(want, (o-1)/drawsLeft+1) // ceil(o / drawsLeft), without overflow
	}
	k = min(e, want)
	return want, k, want - k
}

// SpreadQuota spreads k selections over groups of the given sizes e_g
// (in ascending order of their values) by largest remainder, in
// integers (protocol v2 §5): a_g = floor(k × e_g / E), and the k − Σ a_g
// groups with the largest (k × e_g) mod E get one more, ties to the
// earlier group. E is the sum of the sizes; k must not exceed it.
func SpreadQuota(k int, sizes []int) []int {
	total := 0
	for _, e := range sizes {
		total += e
	}
	out := make([]int, len(sizes))
	if total == 0 || k <= 0 {
		return out
	}
	rem := make([]uint64, len(sizes))
	left := k
	for g, e := range sizes {
		hi, lo := bits.Mul64(uint64(k), uint64(e))
		q, r := bits.Div64(hi, lo, uint64(total)) // hi < total: k <= total
		out[g], rem[g] = int(q), r
		left -= int(q)
	}
	order := make([]int, len(sizes))
	for g := range order {
		order[g] = g
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(rem[b], rem[a]) })
	for _, g := range order[:left] {
		out[g]++
	}
	return out
}

// spreadValues returns the premises' values of the attributes ("" when
// absent).
func spreadValues(row roster.Row, attrs []string) []string {
	v := make([]string, len(attrs))
	for j, a := range attrs {
		v[j] = row.Get(a)
	}
	return v
}

// Protocol v2 §5 is scopeV2 then rankV2 (DrawV2 hashes the roots while
// scopeV2 runs).

// scopeV2 is the part of §5 that needs no key: scope, cooling and
// the tasks whose matches hold, for each premises row. It returns the
// rows in scope in row order and, for plans of at most 64 tasks, a mask
// of those tasks for each (nil otherwise).
func (r *ResultV2) scopeV2(ctx context.Context, opt Options, report func(Phase, int, int)) ([]int32, []uint64, error) {
	plan, rows := r.Plan, r.Set.Premises.Rows()
	r.Premises = make([]PremisesV2, len(rows))
	report(PhaseScope, 0, len(rows))
	// Scope, cooling and which tasks' matches hold, in batches on every
	// core (each batch writes only its own rows and list); the batches'
	// rows in scope are joined in batch order, so in row order.
	type scopeBatch struct {
		inScope []int32
		tasks   []uint64 // bit t: task t's match holds (plans of ≤ 64 tasks)
	}
	masks := len(plan.Tasks) <= 64
	batches := make([]scopeBatch, (len(rows)+ProgressEvery-1)/ProgressEvery)
	if err := parallelBatches(ctx, opt.Workers, len(rows), ProgressEvery, func(lo, hi int) {
		b := &batches[lo/ProgressEvery]
		for i := lo; i < hi; i++ {
			o := &r.Premises[i]
			o.Visit, o.CoolingRule = -1, -1
			if o.Scope = plan.scopeOf(rows[i]); o.Scope != OutOfScopeNone {
				continue
			}
			b.inScope = append(b.inScope, int32(i))
			o.CoolingRule = r.cooling(i)
			o.Cooling = o.CoolingRule >= 0
			if masks {
				var m uint64
				for ti := range plan.Tasks {
					if plan.Tasks[ti].Match.Holds(rows[i]) {
						m |= 1 << ti
					}
				}
				b.tasks = append(b.tasks, m)
			}
		}
	}, func(done int) { report(PhaseScope, done, len(rows)) }); err != nil {
		return nil, nil, err
	}
	var inScope []int32
	var taskMasks []uint64
	for k := range batches {
		inScope = append(inScope, batches[k].inScope...)
		taskMasks = append(taskMasks, batches[k].tasks...)
		batches[k] = scopeBatch{}
	}
	if !masks {
		taskMasks = nil
	}
	report(PhaseScope, len(rows), len(rows))
	return inScope, taskMasks, nil
}

// rankV2 is the rest of §5 once the key is known: priorities, the
// tasks in plan order and the targeted premises.
func (r *ResultV2) rankV2(ctx context.Context, opt Options, inScope []int32, taskMasks []uint64, report func(Phase, int, int)) error {
	plan, rows := r.Plan, r.Set.Premises.Rows()

	// Priorities of the premises in scope, on every core.
	report(PhasePriorities, 0, len(inScope))
	err := parallelWorkers(ctx, opt.Workers, len(inScope), ProgressEvery, func() func(lo, hi int) {
		ph := newPriorityHasher(r.Key)
		return func(lo, hi int) {
			for _, i := range inScope[lo:hi] {
				r.Premises[i].Priority = ph.priority(rows[i].ID)
			}
		}
	}, func(done int) { report(PhasePriorities, done, len(inScope)) })
	if err != nil {
		return err
	}
	report(PhasePriorities, len(inScope), len(inScope))

	// Tasks in plan order.
	selected := map[int32][]VisitTask{}
	report(PhaseSelect, 0, len(plan.Tasks))
	r.Tasks = make([]TaskResult, len(plan.Tasks))
	for ti := range plan.Tasks {
		if err := ctx.Err(); err != nil {
			return err
		}
		r.selectTask(ti, inScope, taskMasks, selected)
		report(PhaseSelect, ti+1, len(plan.Tasks))
	}

	// Targeted premises, outside k.
	for ei, t := range plan.Targeted {
		i := int32(r.Set.Premises.Index(t.ID)) // Check made sure it is there
		row := rows[i]
		tasks := make([]int, 0, len(plan.Tasks))
		if t.Tasks == nil {
			for ti, task := range plan.Tasks {
				if task.Match.Holds(row) {
					tasks = append(tasks, ti)
				}
			}
		} else {
			for _, id := range t.Tasks {
				tasks = append(tasks, plan.TaskIndex(id))
			}
		}
		for _, ti := range tasks {
			if slices.ContainsFunc(selected[i], func(v VisitTask) bool { return v.Task == ti }) {
				continue
			}
			task := &plan.Tasks[ti]
			selected[i] = append(selected[i], VisitTask{Task: ti, Mark: MarkTargeted,
				Group: nonNil(spreadValues(row, task.Spread)), W: r.W(int(i), ti), Target: ei})
		}
	}

	// Visits in id (row) order, tasks in plan order.
	ids := make([]int32, 0, len(selected))
	for i := range selected {
		ids = append(ids, i)
	}
	slices.Sort(ids)
	r.Visits = make([]Visit, len(ids))
	for vi, i := range ids {
		tasks := selected[i]
		slices.SortFunc(tasks, func(a, b VisitTask) int { return cmp.Compare(a.Task, b.Task) })
		r.Visits[vi] = Visit{Premises: int(i), ID: rows[i].ID, Priority: r.Premises[i].Priority, Tasks: tasks, FailedSlot: -1}
		r.Premises[i].Visit = vi
	}
	return nil
}

// selectTask runs steps 1–5 of protocol v2 §5 for one task.
func (r *ResultV2) selectTask(ti int, inScope []int32, taskMasks []uint64, selected map[int32][]VisitTask) {
	plan, rows := r.Plan, r.Set.Premises.Rows()
	task := &plan.Tasks[ti]
	tr := &r.Tasks[ti]
	type cand struct {
		row     int32
		w       uint64
		overdue bool
	}
	groups := map[string]int{} // key of values → index in cands
	var values [][]string
	var cands [][]cand
	if task.Spread == nil {
		values, cands = [][]string{{}}, [][]cand{nil}
	}
	var key []byte
	for k, i := range inScope {
		row := rows[i]
		// taskMasks, when set, says for each premises in scope which
		// tasks' matches hold for it.
		if taskMasks != nil && taskMasks[k]&(1<<ti) == 0 || taskMasks == nil && !task.Match.Holds(row) {
			continue
		}
		tr.Pool++
		if r.Premises[i].Cooling {
			tr.Cooling++
			continue
		}
		c := cand{row: i, overdue: r.Overdue(int(i), ti)}
		if w := r.Weight(int(i), ti); w > 1 {
			c.w = r.Key.WeightedPriority(row.ID, w)
		} else {
			c.w = r.Premises[i].Priority
		}
		tr.Eligible++
		if c.overdue {
			tr.Overdue++
		}
		g := 0
		if task.Spread != nil {
			key = key[:0]
			for _, a := range task.Spread {
				key = append(append(key, row.Get(a)...), 0) // values hold no control characters
			}
			var ok bool
			if g, ok = groups[string(key)]; !ok {
				g = len(values)
				groups[string(key)] = g
				values = append(values, spreadValues(row, task.Spread))
				cands = append(cands, nil)
			}
		}
		cands[g] = append(cands[g], c)
	}
	drawsLeft := 0
	if plan.Coverage != nil {
		drawsLeft = plan.Coverage.DrawsLeft
	}
	tr.Want, tr.Quota, tr.Shortfall = WantV2(tr.Pool, tr.Eligible, tr.Overdue, task.Ratio, task.Min, task.Max, drawsLeft)

	// Groups in ascending order of values.
	order := make([]int, len(values))
	for g := range order {
		order[g] = g
	}
	slices.SortFunc(order, func(a, b int) int { return slices.Compare(values[a], values[b]) })
	sizes := make([]int, len(order))
	for j, g := range order {
		sizes[j] = len(cands[g])
	}
	quotas := SpreadQuota(tr.Quota, sizes)
	tr.Groups = make([]Group, len(order))
	for j, g := range order {
		cs := cands[g]
		slices.SortFunc(cs, func(a, b cand) int {
			if a.overdue != b.overdue {
				if a.overdue {
					return -1
				}
				return 1
			}
			if c := cmp.Compare(a.w, b.w); c != 0 {
				return c
			}
			return cmp.Compare(a.row, b.row) // rows are in id order
		})
		gr := Group{Values: values[g], Eligible: len(cs), Quota: quotas[j], Ranked: make([]int, len(cs))}
		for n, c := range cs {
			gr.Ranked[n] = int(c.row)
			if c.overdue {
				gr.Overdue++
			}
			if n >= gr.Quota {
				continue
			}
			mark := MarkRandom
			if c.overdue {
				mark = MarkOverdue
			} else {
				gr.Threshold, gr.HasThreshold = c.w, true
			}
			selected[c.row] = append(selected[c.row], VisitTask{Task: ti, Mark: mark, Group: nonNil(values[g]), W: c.w, Target: -1})
		}
		tr.Groups[j] = gr
	}
}
