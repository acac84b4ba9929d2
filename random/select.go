package random

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
)

// selectPremises runs protocol §5: scope, cooldown, strata, overdue,
// priorities, quotas, ranking, then the targeted premises.
func (r *Result) selectPremises(ctx context.Context, opt Options, report func(Phase, int, int)) error {
	plan, rows := r.Plan, r.Set.Premises.Rows()
	r.Premises = make([]PremisesOutcome, len(rows))

	// Scope, cooldown, strata and overdue, row by row. Strata are
	// numbered in order of first appearance here and renumbered in
	// value order below.
	report(PhaseScope, 0, len(rows))
	strata := map[string]int{}
	var inScope []int32
	var keyBuf strings.Builder
	values := make([]string, len(plan.Stratify))
	for i, row := range rows {
		if i%ProgressEvery == 0 && i > 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
			report(PhaseScope, i, len(rows))
		}
		o := &r.Premises[i]
		o.ScopeRule, o.Stratum, o.Rank, o.Selected = -1, -1, -1, -1
		why, attr := plan.scopeOf(row)
		if why != OutOfScopeNone {
			o.Scope = why
			if why == OutOfScopeAttr {
				o.ScopeRule = slices.IndexFunc(plan.Scope, func(s ScopeRule) bool { return s.Attr == attr })
			}
			continue
		}
		inScope = append(inScope, int32(i))
		if plan.Cooldown.On() {
			o.Recent = r.hist.within(row.ID, plan.Date, plan.Cooldown.Days)
			o.Cooling = o.Recent >= plan.Cooldown.Max
		}
		o.Overdue = plan.CoverageDays > 0 && r.hist.within(row.ID, plan.Date, plan.CoverageDays) == 0
		keyBuf.Reset()
		for j, a := range plan.Stratify {
			values[j] = row.Get(a)
			keyBuf.WriteString(values[j])
			keyBuf.WriteByte(0) // values never hold control characters
		}
		s, ok := strata[keyBuf.String()]
		if !ok {
			s = len(r.Strata)
			strata[keyBuf.String()] = s
			r.Strata = append(r.Strata, Stratum{Values: slices.Clone(values), Rule: -1})
		}
		o.Stratum = s
		st := &r.Strata[s]
		if o.Cooling {
			st.Excluded++
			st.Cooling = append(st.Cooling, i)
		} else {
			st.Eligible++
			st.Ranked = append(st.Ranked, i)
		}
	}
	report(PhaseScope, len(rows), len(rows))

	if err := r.computePriorities(ctx, opt.Workers, inScope, report); err != nil {
		return err
	}

	// Order strata by their values and renumber.
	report(PhaseSelect, 0, len(r.Strata))
	order := make([]int, len(r.Strata))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return slices.Compare(r.Strata[a].Values, r.Strata[b].Values)
	})
	renum := make([]int, len(order))
	sorted := make([]Stratum, len(order))
	for newIdx, old := range order {
		renum[old] = newIdx
		sorted[newIdx] = r.Strata[old]
	}
	r.Strata = sorted
	for _, i := range inScope {
		o := &r.Premises[i]
		o.Stratum = renum[o.Stratum]
	}

	// Rank and select within each stratum.
	for si := range r.Strata {
		if si%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		st := &r.Strata[si]
		slices.SortFunc(st.Ranked, r.rankCompare)
		for rank, i := range st.Ranked {
			r.Premises[i].Rank = rank
		}
		st.Rule = plan.quotaRule(st.Values)
		if st.Rule >= 0 {
			st.Quota = plan.Quotas[st.Rule].Size(st.Eligible)
		}
		for _, i := range st.Ranked[:st.Quota] {
			o := &r.Premises[i]
			mark := MarkRandom
			if o.Overdue {
				mark = MarkOverdue
			} else {
				st.Threshold, st.HasThreshold = o.Priority, true
			}
			r.addSelection(i, mark, -1)
		}
	}

	// Targeted premises, in plan order, outside the quotas. Plan.Check
	// has made sure each is in the roster and in scope.
	for t, target := range plan.Targeted {
		i := r.Set.Premises.Index(target.ID)
		if r.Premises[i].Selected >= 0 {
			continue
		}
		r.addSelection(i, MarkTargeted, t)
	}
	report(PhaseSelect, len(r.Strata), len(r.Strata))
	return nil
}

// rankCompare orders premises rows by (overdue ? 0 : 1, P, id).
func (r *Result) rankCompare(a, b int) int {
	oa, ob := &r.Premises[a], &r.Premises[b]
	if oa.Overdue != ob.Overdue {
		if oa.Overdue {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(oa.Priority, ob.Priority); c != 0 {
		return c
	}
	return strings.Compare(r.Set.Premises.At(a).ID, r.Set.Premises.At(b).ID)
}

func (r *Result) addSelection(i int, mark Mark, target int) {
	o := &r.Premises[i]
	o.Selected = len(r.Selected)
	r.Selected = append(r.Selected, Selection{
		Premises: i,
		ID:       r.Set.Premises.At(i).ID,
		Priority: o.Priority,
		Stratum:  o.Stratum,
		Mark:     mark,
		Target:   target,
		Rule:     -1,
	})
}

// computePriorities fills in P(p) for the premises in scope, in batches
// of ProgressEvery rows shared among workers. Each row's priority
// depends only on the key and its id, so the result does not depend on
// the number of workers.
func (r *Result) computePriorities(ctx context.Context, workers int, rows []int32, report func(Phase, int, int)) error {
	total := len(rows)
	report(PhasePriorities, 0, total)
	table, key := r.Set.Premises.Rows(), r.Key
	out := r.Premises
	if err := parallelBatches(ctx, workers, total, ProgressEvery, func(lo, hi int) {
		for _, i := range rows[lo:hi] {
			out[i].Priority = key.Priority(table[i].ID)
		}
	}, func(done int) { report(PhasePriorities, done, total) }); err != nil {
		return err
	}
	report(PhasePriorities, total, total)
	return nil
}

// parallelBatches calls work(lo, hi) for consecutive batches of [0, n)
// of the given size on up to workers goroutines, each batch exactly
// once, and progress(done) from the calling goroutine after each batch
// but the last. It stops taking batches once ctx is done and returns
// ctx's error then. Work writes only its own batch's results, so what it
// computes does not depend on the number of workers.
func parallelBatches(ctx context.Context, workers, n, size int, work func(lo, hi int), progress func(done int)) error {
	batches := (n + size - 1) / size
	workers = max(1, min(workers, batches))
	var next atomic.Int64
	done := make(chan int, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				b := int(next.Add(1) - 1)
				if b >= batches || ctx.Err() != nil {
					return
				}
				lo, hi := b*size, min(n, (b+1)*size)
				work(lo, hi)
				done <- hi - lo
			}
		})
	}
	go func() {
		wg.Wait()
		close(done)
	}()
	sum := 0
	for d := range done {
		sum += d
		if sum < n {
			progress(sum)
		}
	}
	return ctx.Err()
}
