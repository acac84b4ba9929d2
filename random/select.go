package random

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/doublerandom/doublerandom/roster"
)

// selectPremises runs protocol §5: scope, cooldown, strata, overdue,
// priorities, quotas, ranking, then the targeted premises.
func (r *Result) selectPremises(ctx context.Context, opt Options, report func(Phase, int, int)) error {
	inScope, err := r.scopePremises(ctx, opt.Workers, report)
	if err != nil {
		return err
	}
	return r.rankPremises(ctx, opt, inScope, report)
}

// scopePremises runs the part of protocol §5 that does not need the key:
// scope, cooldown, strata and overdue, row by row, in batches of
// ProgressEvery rows on up to workers goroutines. It returns the rows in
// scope, in row order. Strata are numbered in order of first appearance
// in row order (each batch numbers its own, and the batches' are merged
// in batch order) and renumbered in value order by rankPremises; their
// Ranked and Cooling lists are sized exactly and filled in row order.
func (r *Result) scopePremises(ctx context.Context, workers int, report func(Phase, int, int)) ([]int32, error) {
	plan, rows := r.Plan, r.Set.Premises.Rows()
	r.Premises = make([]PremisesOutcome, len(rows))
	report(PhaseScope, 0, len(rows))
	histOn := plan.Cooldown.On() || plan.CoverageDays > 0
	var inspections *roster.Inspections
	if histOn {
		inspections = r.insp
		if inspections == nil {
			inspections = r.Set.Inspections()
		}
	}
	// scopeBatch is what one batch found: its rows in scope and its
	// strata, numbered in order of first appearance within the batch
	// (the rows' Stratum fields hold these numbers until the merge).
	type scopeBatch struct {
		inScope []int32
		strata  []Stratum
	}
	batches := make([]scopeBatch, (len(rows)+ProgressEvery-1)/ProgressEvery)
	err := parallelBatches(ctx, workers, len(rows), ProgressEvery, func(lo, hi int) {
		b := &batches[lo/ProgressEvery]
		local := map[string]int{}
		var key []byte
		values := make([]string, len(plan.Stratify))
		for i := lo; i < hi; i++ {
			row := rows[i]
			o := &r.Premises[i]
			o.ScopeRule, o.Stratum, o.Rank, o.Selected = -1, -1, -1, -1
			why, attr := plan.scopeOf(row)
			if why != OutOfScopeNone {
				o.Scope = why
				if why == OutOfScopeAttr {
					o.ScopeRule = int32(slices.IndexFunc(plan.Scope, func(s ScopeRule) bool { return s.Attr == attr }))
				}
				continue
			}
			b.inScope = append(b.inScope, int32(i))
			if histOn {
				past := inspections.Of(i)
				if plan.Cooldown.On() {
					o.Recent = int32(r.hist.count(past, plan.Date, plan.Cooldown.Days))
					o.Cooling = int(o.Recent) >= plan.Cooldown.Max
				}
				o.Overdue = plan.CoverageDays > 0 && r.hist.count(past, plan.Date, plan.CoverageDays) == 0
			}
			key = key[:0]
			for j, a := range plan.Stratify {
				values[j] = row.Get(a)
				key = append(key, values[j]...)
				key = append(key, 0) // values never hold control characters
			}
			s, ok := local[string(key)]
			if !ok {
				s = len(b.strata)
				local[string(key)] = s
				b.strata = append(b.strata, Stratum{Values: slices.Clone(values), Rule: -1})
			}
			o.Stratum = int32(s)
			if o.Cooling {
				b.strata[s].Excluded++
			} else {
				b.strata[s].Eligible++
			}
		}
	}, func(done int) { report(PhaseScope, done, len(rows)) })
	if err != nil {
		return nil, err
	}

	// Merge the batches' strata in batch order, so that they are
	// numbered in order of first appearance over all rows.
	strata := map[string]int{}
	remap := make([][]int32, len(batches))
	total := 0
	var key []byte
	for k := range batches {
		b := &batches[k]
		total += len(b.inScope)
		remap[k] = make([]int32, len(b.strata))
		for ls := range b.strata {
			bs := &b.strata[ls]
			key = key[:0]
			for _, v := range bs.Values {
				key = append(append(key, v...), 0)
			}
			s, ok := strata[string(key)]
			if !ok {
				s = len(r.Strata)
				strata[string(key)] = s
				r.Strata = append(r.Strata, Stratum{Values: bs.Values, Rule: -1})
			}
			remap[k][ls] = int32(s)
			r.Strata[s].Eligible += bs.Eligible
			r.Strata[s].Excluded += bs.Excluded
		}
	}
	// The lists, sized exactly, in row (id) order.
	for si := range r.Strata {
		st := &r.Strata[si]
		st.Ranked = make([]int, 0, st.Eligible)
		if st.Excluded > 0 {
			st.Cooling = make([]int, 0, st.Excluded)
		}
	}
	inScope := make([]int32, 0, total)
	for k := range batches {
		for _, i := range batches[k].inScope {
			o := &r.Premises[i]
			o.Stratum = remap[k][o.Stratum]
			st := &r.Strata[o.Stratum]
			if o.Cooling {
				st.Cooling = append(st.Cooling, int(i))
			} else {
				st.Ranked = append(st.Ranked, int(i))
			}
		}
		inScope = append(inScope, batches[k].inScope...)
		batches[k] = scopeBatch{}
	}
	report(PhaseScope, len(rows), len(rows))
	return inScope, nil
}

// rankPremises runs the rest of protocol §5 once the key is known:
// priorities, the strata in value order, ranking and quotas, then the
// targeted premises.
func (r *Result) rankPremises(ctx context.Context, opt Options, inScope []int32, report func(Phase, int, int)) error {
	plan := r.Plan
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
		o.Stratum = int32(renum[o.Stratum])
	}

	// Rank within each stratum, strata shared among the workers: each
	// writes only its own stratum's list and premises, and keeps its
	// buffers from one stratum to the next.
	if err := parallelWorkers(ctx, opt.Workers, len(r.Strata), 1, func() func(lo, hi int) {
		var keys, scratch []rankKey
		return func(si, _ int) { keys, scratch = r.rankStratum(&r.Strata[si], keys, scratch) }
	}, func(int) {}); err != nil {
		return err
	}
	// Quotas and selections, stratum by stratum in value order.
	total := len(plan.Targeted)
	for si := range r.Strata {
		st := &r.Strata[si]
		st.Rule = plan.quotaRule(st.Values)
		if st.Rule >= 0 {
			st.Quota = plan.Quotas[st.Rule].Size(st.Eligible)
		}
		total += st.Quota
	}
	r.Selected = make([]Selection, 0, total)
	for si := range r.Strata {
		r.selectQuota(&r.Strata[si])
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

// rankKey is a premises in a stratum, packed for ranking: its priority
// and its row, with the top bit of row set when it is not overdue.
type rankKey struct {
	p   uint64
	row uint32
}

// compareRankKeys orders by (overdue ? 0 : 1, P, id): rows are in id
// order, so the row breaks ties of P as the id does.
func compareRankKeys(a, b rankKey) int {
	if oa, ob := a.row>>31, b.row>>31; oa != ob {
		return cmp.Compare(oa, ob)
	}
	if c := cmp.Compare(a.p, b.p); c != 0 {
		return c
	}
	return cmp.Compare(a.row, b.row)
}

// rankStratum orders the stratum's eligible premises (in row order in
// st.Ranked) by rank and records each one's rank. keys and scratch are
// buffers to reuse; it returns them, grown as needed.
func (r *Result) rankStratum(st *Stratum, keys, scratch []rankKey) ([]rankKey, []rankKey) {
	keys = slices.Grow(keys[:0], len(st.Ranked))
	for _, i := range st.Ranked {
		o := &r.Premises[i]
		k := rankKey{p: o.Priority, row: uint32(i)}
		if !o.Overdue {
			k.row |= 1 << 31
		}
		keys = append(keys, k)
	}
	sorted, other := sortRankKeys(keys, scratch)
	for rank, k := range sorted {
		i := int(k.row &^ (1 << 31))
		st.Ranked[rank] = i
		r.Premises[i].Rank = int32(rank)
	}
	return sorted, other
}

// sortRankKeys sorts keys given in ascending row order into
// compareRankKeys order, and returns them with the other buffer. It is a
// least-significant-digit radix sort: stable passes over the bytes of P
// (skipping a byte every key shares), then a stable pass that puts the
// overdue first. Stability keeps ties of P in row order, as the ranking
// wants; priorities are uniform, so no pass is wasted on a skewed byte.
func sortRankKeys(keys, scratch []rankKey) (sorted, other []rankKey) {
	if len(keys) < 64 {
		slices.SortFunc(keys, compareRankKeys)
		return keys, scratch
	}
	if cap(scratch) < len(keys) {
		scratch = make([]rankKey, len(keys))
	}
	src, dst := keys, scratch[:len(keys)]
	var counts [8][256]int
	for _, k := range src {
		for b := range 8 {
			counts[b][byte(k.p>>(8*b))]++
		}
	}
	for b := range 8 {
		c := &counts[b]
		if c[byte(src[0].p>>(8*b))] == len(src) {
			continue // every key has this byte
		}
		at := 0
		for v := range c {
			c[v], at = at, at+c[v]
		}
		for _, k := range src {
			v := byte(k.p >> (8 * b))
			dst[c[v]] = k
			c[v]++
		}
		src, dst = dst, src
	}
	// The overdue (top bit of row clear) first, each part in P order.
	at := 0
	for _, k := range src {
		if k.row>>31 == 0 {
			dst[at] = k
			at++
		}
	}
	if at == 0 || at == len(src) {
		return src, dst
	}
	for _, k := range src {
		if k.row>>31 != 0 {
			dst[at] = k
			at++
		}
	}
	return dst, src
}

// selectQuota selects the first Quota premises of the stratum's Ranked
// list, marked overdue or random, and sets the stratum's threshold to the
// priority of the last one selected as random.
func (r *Result) selectQuota(st *Stratum) {
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

func (r *Result) addSelection(i int, mark Mark, target int) {
	o := &r.Premises[i]
	o.Selected = int32(len(r.Selected))
	r.Selected = append(r.Selected, Selection{
		Premises: i,
		ID:       r.Set.Premises.At(i).ID,
		Priority: o.Priority,
		Stratum:  int(o.Stratum),
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
	if err := parallelWorkers(ctx, workers, total, ProgressEvery, func() func(lo, hi int) {
		ph := newPriorityHasher(key)
		return func(lo, hi int) {
			for _, i := range rows[lo:hi] {
				out[i].Priority = ph.priority(table[i].ID)
			}
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
	return parallelWorkers(ctx, workers, n, size, func() func(lo, hi int) { return work }, progress)
}

// parallelWorkers is parallelBatches where each goroutine calls newWork
// once and then the work it returns for its batches, so that a worker
// keeps its own state (a hasher, buffers) from batch to batch.
func parallelWorkers(ctx context.Context, workers, n, size int, newWork func() func(lo, hi int), progress func(done int)) error {
	batches := (n + size - 1) / size
	workers = max(1, min(workers, batches))
	var next atomic.Int64
	done := make(chan int, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			work := newWork()
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
