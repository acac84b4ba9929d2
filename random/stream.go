package random

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/doublerandom/doublerandom/roster"
)

// RowSource is a premises roster read as a stream.
type RowSource struct {
	// File names the input in errors.
	File string
	// Rows opens the roster for one pass: each call returns the rows
	// anew, in ascending order of id bytes (as [roster.WriteCSV] writes
	// them and [roster.ScanCSV] reads them back). [DrawStream] calls it
	// twice and requires the same rows both times. DrawStream hands
	// the rows to its workers in batches, so each row must stay as it
	// is until the pass ends (the rows may share storage: DrawStream
	// copies what it keeps).
	Rows func() iter.Seq2[roster.Row, error]
}

// ErrStreamChanged is returned by [DrawStream] when the second pass over
// the premises did not see the rows of the first.
var ErrStreamChanged = errors.New("random: the premises rows changed between the two passes")

// StreamResult is the outcome of [DrawStream]: what [Result] holds, less
// the per-row detail a roster too large for memory cannot keep. Its
// [StreamResult.View] is byte for byte the view [Draw] gives on the same
// tables.
type StreamResult struct {
	Plan   *Plan        // the plan drawn
	Seed   []byte       // the seed S
	Roots  roster.Roots // the four table roots
	Inputs roster.Hash  // the inputs digest of protocol §3
	Key    Key          // the draw key K
	// Rows is the number of premises rows read in each pass.
	Rows int
	// Kept holds the premises rows that were selected (within a quota or
	// targeted), sorted by id. Selection.Premises indexes it.
	Kept *roster.Table
	// Strata are as in [Result], except that Ranked holds only the
	// premises selected within the quota (rows of Kept, in rank order)
	// and Cooling is nil. Eligible, Excluded, Rule, Quota and Threshold
	// are those of [Draw].
	Strata []Stratum
	// Selected, Load and StaffOrder are as in [Result], with
	// Selection.Premises a row of Kept.
	Selected   []Selection
	Load       []InspectorLoad
	StaffOrder []int
}

// View returns the JSON view of the draw (protocol §7).
func (s *StreamResult) View() *View {
	r := &Result{Plan: s.Plan, Roots: s.Roots, Inputs: s.Inputs, Key: s.Key, Strata: s.Strata, Selected: s.Selected}
	return r.View()
}

// streamBatch is how many rows a pass hands to the hashing goroutines
// at a time. It is a power of two, so each full batch is a complete
// subtree of the premises tree.
const streamBatch = 1 << 12

// DrawStream runs the draw of [Draw] over a premises roster read as a
// stream, for rosters too large to hold in memory. The inspectors,
// conflicts and history tables are in memory (nil is empty). The first
// pass computes the premises root in O(log n) hashes, checks the order
// and the references of the other tables, and counts each stratum's
// eligible premises, which fixes every quota k before any priority is
// known. The second pass computes the priorities and keeps in each
// stratum only the k best-ranked premises in a bounded heap. The bound
// is exact because k is fixed by the counts of pass 1; what could make
// it too tight is a roster that changed between the passes, so pass 2
// fingerprints the rows' leaf bytes (hash/maphash, with a seed drawn
// for this call) and recounts the strata, and any difference from pass
// 1 returns [ErrStreamChanged] rather than a draw the root does not
// describe. Memory is
// O(inspectors + conflicts + history + Σk + log n), whatever the number
// of premises rows.
//
// The result equals [Draw]'s over the same tables and seed: the same
// key, strata figures, selections, teams and JSON view. Row errors of
// the stream are returned as an *[roster.ErrorList], as [Plan.Check]'s
// errors are; ctx is honoured between batches of rows. One goroutine
// reads the rows; [DrawStreamRanges] has every worker read its own
// ranges of a source that can be read in ranges.
func DrawStream(ctx context.Context, plan *Plan, premises RowSource, inspectors, conflicts, history *roster.Table, seed []byte, opt Options) (*StreamResult, error) {
	if premises.Rows == nil {
		return nil, errors.New("random: no premises rows")
	}
	pass := func(s *streamPass, report func(Phase, int, int)) error {
		return s.run(ctx, premises.Rows(), report)
	}
	return drawStream(ctx, plan, premises.File, pass, inspectors, conflicts, history, seed, opt)
}

// drawStream is [DrawStream] and [DrawStreamRanges]: pass runs one pass
// over the premises rows.
func drawStream(ctx context.Context, plan *Plan, file string, pass func(*streamPass, func(Phase, int, int)) error, inspectors, conflicts, history *roster.Table, seed []byte, opt Options) (*StreamResult, error) {
	if plan == nil || plan.bytes == nil {
		return nil, errors.New("random: the plan has no bytes to hash; parse it with ParsePlan")
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	report := func(ph Phase, done, total int) {
		if opt.Progress != nil {
			opt.Progress(Progress{Phase: ph, Done: done, Total: total})
		}
	}
	hist := newHistoryIndex(history, conflicts)

	// Pass 1: root, order, references, targeted rows and stratum counts.
	fpSeed := maphash.MakeSeed()
	p1 := newStreamPass(plan, hist, file, opt.Workers)
	p1.fpSeed = fpSeed
	p1.special = keepIDs(plan, conflicts, history)
	p1.idx = newIDIndex(p1.special, hist)
	if err := pass(p1, report); err != nil {
		return nil, err
	}
	// References and the plan's checks against the tables, with the
	// premises rows they need.
	refs, err := roster.NewTable(roster.KindPremises, p1.refRows, roster.Options{File: file})
	if err != nil {
		return nil, err
	}
	others, err := roster.NewSet(refs, inspectors, conflicts, history)
	if err != nil {
		return nil, err
	}
	targeted, err := roster.NewTable(roster.KindPremises, p1.targetRows, roster.Options{File: file})
	if err != nil {
		return nil, err
	}
	set := &roster.Set{Premises: targeted, Inspectors: others.Inspectors, Conflicts: others.Conflicts, History: others.History}
	if err := plan.Check(set); err != nil {
		return nil, err
	}

	res := &StreamResult{Plan: plan, Seed: append([]byte(nil), seed...), Rows: p1.rows}
	res.Roots = roster.Roots{Premises: p1.root, Inspectors: set.Inspectors.Root(), Conflicts: set.Conflicts.Root(), History: set.History.Root()}
	res.Inputs = res.Roots.Inputs(plan.Digest())
	if res.Key, err = NewKey(seed, res.Inputs); err != nil {
		return nil, err
	}

	// Strata in value order, with their quotas.
	order := make([]int, len(p1.strata))
	final := make(map[string]int, len(order))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return slices.Compare(p1.strata[a].Values, p1.strata[b].Values) })
	renum := make([]int, len(order))
	res.Strata = make([]Stratum, len(order))
	for newIdx, old := range order {
		renum[old] = newIdx
		final[p1.keys[old]] = newIdx
		st := p1.strata[old]
		st.Rule = plan.quotaRule(st.Values)
		if st.Rule >= 0 {
			st.Quota = plan.Quotas[st.Rule].Size(st.Eligible)
		}
		res.Strata[newIdx] = st
	}

	// Pass 2: priorities, the k best of each stratum, and the check that
	// the rows are those of pass 1.
	p2 := newStreamPass(plan, hist, file, opt.Workers)
	p2.fpSeed = fpSeed
	p2.key = res.Key
	p2.final = final
	p2.idx = p1.idx
	p2.quotas = make([]int, len(res.Strata))
	for i := range res.Strata {
		p2.quotas[i] = res.Strata[i].Quota
	}
	if err := pass(p2, report); err != nil {
		return nil, err
	}
	if p2.fp != p1.fp || p2.rows != p1.rows || p2.unknown > 0 || !sameCounts(res.Strata, p2.strata) {
		return nil, ErrStreamChanged
	}

	// The selected rows, in record order.
	var kept []roster.Row
	for si := range res.Strata {
		h := &p2.heaps[si]
		slices.SortFunc(h.c, compareCand)
		if len(h.c) != res.Strata[si].Quota {
			return nil, ErrStreamChanged
		}
		for _, c := range h.c {
			kept = append(kept, c.row())
		}
	}
	kept = append(kept, p1.targetRows...)
	// A targeted premises may also be selected within its quota.
	keptTable, err := roster.NewTable(roster.KindPremises, dedupRows(kept), roster.Options{File: file})
	if err != nil {
		return nil, err
	}
	r := &Result{Plan: plan, Set: &roster.Set{Premises: keptTable, Inspectors: set.Inspectors, Conflicts: set.Conflicts, History: set.History},
		Seed: res.Seed, Roots: res.Roots, Inputs: res.Inputs, Key: res.Key, Strata: res.Strata, hist: hist}
	r.Premises = make([]PremisesOutcome, keptTable.Len())
	for i := range r.Premises {
		r.Premises[i].Selected = -1
	}
	report(PhaseSelect, 0, len(res.Strata))
	for si := range res.Strata {
		st := &res.Strata[si]
		st.Ranked = make([]int, 0, st.Quota)
		for _, c := range p2.heaps[si].c {
			i := keptTable.Index(c.id())
			st.Ranked = append(st.Ranked, i)
			r.Premises[i] = PremisesOutcome{Priority: c.p, Overdue: c.overdue, Stratum: int32(si), Rank: int32(len(st.Ranked) - 1), Selected: -1}
		}
		if len(st.Ranked) != st.Quota { // the heap keeps exactly the quota
			return nil, fmt.Errorf("random: stratum %q kept %d premises for a quota of %d (a bug: please report it)", st.Values, len(st.Ranked), st.Quota)
		}
		r.selectQuota(st)
	}
	for t, target := range plan.Targeted {
		i := keptTable.Index(target.ID)
		if r.Premises[i].Selected >= 0 {
			continue
		}
		row := keptTable.At(i)
		r.Premises[i].Priority = res.Key.Priority(row.ID)
		r.Premises[i].Stratum = int32(final[string(appendStratumKey(nil, plan, row))])
		r.addSelection(i, MarkTargeted, t)
	}
	report(PhaseSelect, len(res.Strata), len(res.Strata))
	if err := r.staffTeams(ctx, opt.Workers, report); err != nil {
		return nil, err
	}
	res.Kept, res.Strata, res.Selected, res.Load, res.StaffOrder = keptTable, r.Strata, r.Selected, r.Load, r.StaffOrder
	return res, nil
}

func sameCounts(a, b []Stratum) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Eligible != b[i].Eligible || a[i].Excluded != b[i].Excluded {
			return false
		}
	}
	return true
}

func dedupRows(rows []roster.Row) []roster.Row {
	slices.SortFunc(rows, func(a, b roster.Row) int { return strings.Compare(a.ID, b.ID) })
	return slices.CompactFunc(rows, func(a, b roster.Row) bool { return a.ID == b.ID })
}

// keepIDs flags the premises ids whose rows pass 1 keeps: those the
// conflicts and history tables name (to check the references) and the
// targeted ones.
func keepIDs(plan *Plan, conflicts, history *roster.Table) map[string]uint8 {
	m := map[string]uint8{}
	for _, r := range conflicts.Rows() {
		m[r.Get(roster.AttrPremises)] |= keepRef
	}
	for _, r := range history.Rows() {
		m[r.Get(roster.AttrPremises)] |= keepRef
	}
	for _, t := range plan.Targeted {
		m[t.ID] |= keepTarget
	}
	return m
}

// cand is a premises that may still be selected within its quota. It
// holds the row as its leaf bytes in one string: a copy the source
// cannot change, without pointers for the collector to follow, and
// decoded into a row only if the premises is selected.
type cand struct {
	p       uint64
	overdue bool
	line    int
	leaf    string // lp(id) || u32(m) || lp(name_1) || lp(value_1) || …
}

// id returns the id of the candidate's row.
func (c *cand) id() string {
	return c.leaf[4 : 4+u32(c.leaf)]
}

// row decodes the candidate's row from its leaf bytes, which
// [roster.Row.AppendLeaf] wrote: the strings of the row share the
// leaf's storage.
func (c *cand) row() roster.Row {
	s := c.leaf
	next := func() string {
		n := u32(s)
		v := s[4 : 4+n]
		s = s[4+n:]
		return v
	}
	r := roster.Row{ID: next(), Line: c.line}
	m := u32(s)
	s = s[4:]
	r.Attrs = make([]roster.Attr, m)
	for i := range r.Attrs {
		r.Attrs[i].Name = next()
		r.Attrs[i].Value = next()
	}
	return r
}

// u32 reads the big-endian uint32 that s starts with.
func u32(s string) uint32 {
	return uint32(s[0])<<24 | uint32(s[1])<<16 | uint32(s[2])<<8 | uint32(s[3])
}

// compareCand is the rank order of protocol §5: overdue first, then
// priority, then id bytes.
func compareCand(a, b cand) int {
	if c := compareKeys(a.overdue, a.p, b.overdue, b.p); c != 0 {
		return c
	}
	return strings.Compare(a.id(), b.id())
}

// compareKeys compares the first two keys of the rank order: the ids
// are read only when these are equal.
func compareKeys(aOverdue bool, ap uint64, bOverdue bool, bp uint64) int {
	if aOverdue != bOverdue {
		if aOverdue {
			return -1
		}
		return 1
	}
	return cmp.Compare(ap, bp)
}

// candHeap keeps the k best-ranked candidates of a stratum: a max-heap
// on rank order, so the worst kept candidate is at the top.
type candHeap struct {
	k int
	c []cand
}

// admits reports whether the heap would keep a candidate of this rank,
// so that the candidate's leaf is copied only if it is kept.
func (h *candHeap) admits(overdue bool, p uint64, id string) bool {
	if len(h.c) < h.k {
		return true
	}
	if h.k == 0 {
		return false
	}
	top := &h.c[0]
	if c := compareKeys(overdue, p, top.overdue, top.p); c != 0 {
		return c < 0
	}
	return id < top.id()
}

func (h *candHeap) offer(x cand) {
	if !h.admits(x.overdue, x.p, x.id()) {
		return
	}
	if len(h.c) < h.k {
		h.c = append(h.c, x)
		for i := len(h.c) - 1; i > 0; {
			parent := (i - 1) / 2
			if compareCand(h.c[i], h.c[parent]) <= 0 {
				break
			}
			h.c[i], h.c[parent] = h.c[parent], h.c[i]
			i = parent
		}
		return
	}
	h.c[0] = x
	for i := 0; ; {
		l, big := 2*i+1, i
		if l < len(h.c) && compareCand(h.c[l], h.c[big]) > 0 {
			big = l
		}
		if l+1 < len(h.c) && compareCand(h.c[l+1], h.c[big]) > 0 {
			big = l + 1
		}
		if big == i {
			return
		}
		h.c[i], h.c[big] = h.c[big], h.c[i]
		i = big
	}
}

// streamPass is one pass over the premises rows. The calling goroutine
// reads the rows and checks their order; batches of rows go to worker
// goroutines, which hash each into the root of its subtree (merged into
// the table root in order by one more goroutine) and classify its rows:
// scope, cooldown, strata and, in pass 2, priorities into per-worker
// heaps. Counts and fingerprints are sums and heaps keep the k least of
// a total order, so merging the workers' results does not depend on how
// the batches were shared out.
type streamPass struct {
	plan    *Plan
	hist    *historyIndex
	file    string
	workers int
	fpSeed  maphash.Seed

	// names are the attributes classify reads, each once: the status
	// first, then those of the scope rules and the stratify ones, whose
	// places in names are scopeAt and strataAt (see passWorker.attr).
	names    []string
	scopeAt  []int
	strataAt []int

	// special flags the ids of rows to keep: premises named by the
	// conflicts or history tables, and targeted premises.
	special map[string]uint8
	// idx lists the ids of special and history rows in id order.
	idx *idIndex

	// Pass 2 only: the final stratum of each stratum key, and the heaps'
	// bounds (the quotas).
	key    Key
	final  map[string]int
	quotas []int

	// Results.
	rows       int
	root       roster.Hash // pass 1 only
	fp         uint64      // a fingerprint of the rows, to compare the passes
	errs       roster.ErrorList
	strata     []Stratum // pass 1: in merge order; pass 2: final order (counts only)
	keys       []string  // pass 1: the stratum key of each of strata
	unknown    int       // pass 2: rows in a stratum pass 1 did not see
	heaps      []candHeap
	refRows    []roster.Row
	targetRows []roster.Row
}

const (
	keepRef    = 1 << iota // named by conflicts or history
	keepTarget             // targeted by the plan
)

func newStreamPass(plan *Plan, hist *historyIndex, file string, workers int) *streamPass {
	s := &streamPass{plan: plan, hist: hist, file: file, workers: workers}
	name := func(a string) int {
		k := slices.Index(s.names, a)
		if k < 0 {
			k = len(s.names)
			s.names = append(s.names, a)
		}
		return k
	}
	name(roster.AttrStatus)
	for _, r := range plan.Scope {
		s.scopeAt = append(s.scopeAt, name(r.Attr))
	}
	for _, a := range plan.Stratify {
		s.strataAt = append(s.strataAt, name(a))
	}
	return s
}

// appendStratumKey appends the key of the row's stratum: its values of
// the stratify attributes, each followed by a 0 byte (values never hold
// control characters).
func appendStratumKey(b []byte, plan *Plan, row roster.Row) []byte {
	for _, a := range plan.Stratify {
		b = append(b, row.Get(a)...)
		b = append(b, 0)
	}
	return b
}

// mix64 is the finalizer of splitmix64, a bijection that spreads
// every bit of its input over its output.
func mix64(z uint64) uint64 {
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

// passWorker is one worker's share of a pass.
type passWorker struct {
	p          *streamPass
	buf        []byte // 0x00 || the leaf bytes of the row at hand
	skey       []byte // the stratum key of the row at hand
	tree       roster.TreeBuilder
	fp         uint64         // the fingerprint of the run's rows so far
	pos        uint64         // the position of the next row in the pass
	at         []int          // where each of p.names was in the last row
	index      map[string]int // pass 1: stratum key → strata
	classes    [classSlots]classEntry
	cur        int // position in p.idx.ids (see lookup)
	keys       []string
	strata     []Stratum
	unknown    int
	heaps      []candHeap
	ph         *priorityHasher // pass 2
	refRows    []roster.Row
	targetRows []roster.Row
}

// batchJob is one batch of rows to hash into the root of its subtree
// (pass 1) and to fingerprint (both passes).
type batchJob struct {
	rows  []roster.Row
	start int // the position of rows[0] in the pass
	root  roster.Hash
	fp    uint64
	done  chan struct{}
}

// newWorker returns a worker of the pass with empty results.
func (s *streamPass) newWorker() *passWorker {
	w := &passWorker{p: s, index: map[string]int{}, at: make([]int, len(s.names))}
	if s.final != nil {
		w.ph = newPriorityHasher(s.key)
		w.strata = make([]Stratum, len(s.quotas))
		w.heaps = make([]candHeap, len(s.quotas))
		for i, k := range s.quotas {
			w.heaps[i].k = k
		}
	}
	return w
}

// begin starts a run of rows (a batch or a range) at position pos of
// the pass.
func (w *passWorker) begin(pos int) {
	w.tree = roster.TreeBuilder{}
	w.buf, w.fp, w.pos = w.buf[:0], 0, uint64(pos)
}

// add hashes, fingerprints and classifies the next row of the run. It
// does not keep row or anything that shares its storage.
//
// The fingerprint of a row mixes a seeded hash of its leaf bytes with
// its position in the pass; that of a run, and of the pass, is the sum
// of its rows'. It changes with any byte of any leaf and with the order
// of the rows, and does not depend on how the runs were shared among
// workers.
func (w *passWorker) add(row roster.Row) {
	w.buf = row.AppendLeaf(append(w.buf[:0], 0))
	w.fp += mix64(maphash.Bytes(w.p.fpSeed, w.buf[1:]) + w.pos*0x9e3779b97f4a7c15)
	w.pos++
	if w.p.final == nil {
		w.tree.AddLeaf(w.buf[1:])
	}
	w.classify(row)
}

func (s *streamPass) run(ctx context.Context, rows iter.Seq2[roster.Row, error], report func(Phase, int, int)) error {
	phase := PhaseScope
	if s.final != nil {
		phase = PhasePriorities
	}
	report(phase, 0, 0)

	jobs := make(chan *batchJob, s.workers)
	queue := make(chan *batchJob, 2*s.workers)
	free := make(chan []roster.Row, 3*s.workers)
	workers := make([]*passWorker, s.workers)
	var wg sync.WaitGroup
	for wi := range workers {
		w := s.newWorker()
		workers[wi] = w
		wg.Go(func() {
			for j := range jobs {
				w.begin(j.start)
				if len(j.rows) > 0 {
					w.seek(j.rows[0].ID)
				}
				for _, r := range j.rows {
					w.add(r)
				}
				j.root, j.fp = w.tree.Root(), w.fp
				close(j.done)
			}
		})
	}
	// The in-order merge of the batch roots. Every batch but the last
	// holds streamBatch rows, a power of two, so the RFC 6962 tree over
	// all rows is the tree over the batch roots, the last one included.
	var tree roster.TreeBuilder
	var fp uint64
	merged := make(chan struct{})
	go func() {
		defer close(merged)
		for j := range queue {
			<-j.done
			tree.AddLeafHash(j.root)
			fp += j.fp
			select {
			case free <- j.rows[:0]:
			default:
			}
		}
	}()
	send := func(batch []roster.Row) {
		j := &batchJob{rows: batch, start: s.rows - len(batch), done: make(chan struct{})}
		queue <- j
		jobs <- j
	}

	batch := make([]roster.Row, 0, streamBatch)
	var last string
	lastLine := 0
	stop := false
	for row, err := range rows {
		if err != nil {
			s.errs.Errs = append(s.errs.Errs, s.asRowError(err))
			if len(s.errs.Errs) >= roster.MaxErrors {
				stop = true
				break
			}
			continue
		}
		if s.rows > 0 && row.ID <= last {
			s.errs.Errs = append(s.errs.Errs, s.orderError(row.ID, row.Line, last, lastLine))
			stop = true
			break
		}
		last, lastLine = row.ID, row.Line
		s.rows++
		batch = append(batch, row)
		if len(batch) == streamBatch {
			send(batch)
			select {
			case batch = <-free:
			default:
				batch = make([]roster.Row, 0, streamBatch)
			}
			if ctx.Err() != nil {
				stop = true
				break
			}
			if s.rows%ProgressEvery == 0 {
				report(phase, s.rows, 0)
			}
		}
	}
	if !stop && len(batch) > 0 {
		send(batch)
	}
	close(jobs)
	close(queue)
	wg.Wait()
	<-merged
	if err := ctx.Err(); err != nil {
		return err
	}
	if len(s.errs.Errs) > 0 {
		return &s.errs
	}
	s.root, s.fp = tree.Root(), fp
	s.merge(workers)
	report(phase, s.rows, s.rows)
	return nil
}

// merge adds up the workers' results, visiting them in a fixed order.
// In pass 2 the first worker's heaps take in the others' candidates.
func (s *streamPass) merge(workers []*passWorker) {
	if s.final != nil {
		s.strata = make([]Stratum, len(s.quotas))
		s.heaps = workers[0].heaps
	}
	index := map[string]int{}
	for wi, w := range workers {
		s.refRows = append(s.refRows, w.refRows...)
		s.targetRows = append(s.targetRows, w.targetRows...)
		s.unknown += w.unknown
		for li := range w.strata {
			si := li
			if s.final == nil {
				var ok bool
				si, ok = index[w.keys[li]]
				if !ok {
					si = len(s.strata)
					index[w.keys[li]] = si
					s.keys = append(s.keys, w.keys[li])
					s.strata = append(s.strata, Stratum{Values: w.strata[li].Values, Rule: -1})
				}
			}
			s.strata[si].Eligible += w.strata[li].Eligible
			s.strata[si].Excluded += w.strata[li].Excluded
		}
		if wi == 0 {
			continue
		}
		for si := range w.heaps {
			for _, c := range w.heaps[si].c {
				s.heaps[si].offer(c)
			}
			w.heaps[si].c = nil
		}
	}
}

func (s *streamPass) asRowError(err error) *roster.RowError {
	var re *roster.RowError
	if errors.As(err, &re) {
		if re.File == "" {
			c := *re
			c.File = s.file
			return &c
		}
		return re
	}
	return &roster.RowError{File: s.file, Err: err}
}

// attr returns the row's value of p.names[k], as row.Get does. The
// rows of a source mostly list the same attributes, so it first looks
// where it found the attribute in the row before.
func (w *passWorker) attr(row roster.Row, k int) string {
	name := w.p.names[k]
	if name == "id" {
		return row.ID
	}
	if i := w.at[k]; i < len(row.Attrs) && row.Attrs[i].Name == name {
		return row.Attrs[i].Value
	}
	i, ok := slices.BinarySearchFunc(row.Attrs, name, func(a roster.Attr, n string) int { return strings.Compare(a.Name, n) })
	w.at[k] = i
	if !ok {
		return ""
	}
	return row.Attrs[i].Value
}

// inScope reports whether the row at hand is in the plan's scope: what
// plan.scopeOf(row) == OutOfScopeNone reports, from its values of
// p.names.
func (w *passWorker) inScope(vals []string) bool {
	if s := vals[0]; s == "inactive" || s == "closed" { // !roster.Active(row)
		return false
	}
	for i, r := range w.p.plan.Scope {
		if !r.Allows(vals[w.p.scopeAt[i]]) {
			return false
		}
	}
	return true
}

// stratum returns the index of the stratum of a row in scope whose
// values of p.names are vals: in w.strata, adding the stratum in pass
// 1; in pass 2, unknownStratum for a stratum pass 1 did not see.
func (w *passWorker) stratum(vals []string) int {
	s, plan := w.p, w.p.plan
	w.skey = w.skey[:0]
	for _, k := range s.strataAt {
		w.skey = append(w.skey, vals[k]...)
		w.skey = append(w.skey, 0)
	}
	if s.final != nil {
		si, ok := s.final[string(w.skey)]
		if !ok {
			return unknownStratum
		}
		return si
	}
	si, ok := w.index[string(w.skey)]
	if !ok {
		si = len(w.strata)
		values := make([]string, len(plan.Stratify))
		for j, k := range s.strataAt {
			values[j] = strings.Clone(vals[k])
		}
		key := string(w.skey)
		w.index[key] = si
		w.keys = append(w.keys, key)
		w.strata = append(w.strata, Stratum{Values: values})
	}
	return si
}

// Classes of a row besides its stratum (see passWorker.class).
const (
	outOfScope     = -2
	unknownStratum = -1
)

// classSlots is the number of entries of passWorker.classes.
const (
	classBits  = 8
	classSlots = 1 << classBits
)

// classEntry is an entry of passWorker.classes: the values of p.names
// it is for, copied into buf (ends[k] is where value k ends), and
// their class.
type classEntry struct {
	buf   []byte
	ends  []int
	class int
}

// class returns the class of a row whose values of p.names are vals:
// outOfScope, or the stratum as stratum returns it. It depends on vals
// alone, so the worker keeps the class of recent values in a small
// table indexed by a cheap hash of the values (their lengths and a few
// bytes) and checks the values themselves before using an entry; a
// miss computes the class with inScope and stratum.
func (w *passWorker) class(vals []string) int {
	h := uint64(len(vals))
	for _, v := range vals {
		x := uint64(len(v))
		if len(v) > 0 {
			x |= uint64(v[0])<<16 | uint64(v[len(v)/2])<<24 | uint64(v[len(v)-1])<<32
		}
		h = (h ^ x) * 0x9e3779b97f4a7c15
	}
	e := &w.classes[h>>(64-classBits)]
	if len(e.ends) == len(vals) {
		hit, start := true, 0
		for k, v := range vals {
			if string(e.buf[start:e.ends[k]]) != v {
				hit = false
				break
			}
			start = e.ends[k]
		}
		if hit {
			return e.class
		}
	}
	c := outOfScope
	if w.inScope(vals) {
		c = w.stratum(vals)
	}
	e.buf, e.ends = e.buf[:0], e.ends[:0]
	for _, v := range vals {
		e.buf = append(e.buf, v...)
		e.ends = append(e.ends, len(e.buf))
	}
	e.class = c
	return c
}

// ownRow returns a copy of row that shares no storage with it, in one
// string.
func ownRow(row roster.Row) roster.Row {
	c := cand{leaf: string(row.AppendLeaf(nil)), line: row.Line}
	return c.row()
}

// classify applies scope, cooldown and strata to one row and, in pass
// 2, offers it to its stratum's heap. What it keeps of the row, it
// copies.
func (w *passWorker) classify(row roster.Row) {
	s, plan := w.p, w.p.plan
	var past []int32
	if k := w.lookup(row.ID); k >= 0 {
		past = s.idx.past[k]
		if f := s.idx.flags[k]; f != 0 && s.final == nil {
			if f&keepRef != 0 {
				w.refRows = append(w.refRows, roster.Row{ID: strings.Clone(row.ID), Line: row.Line})
			}
			if f&keepTarget != 0 {
				w.targetRows = append(w.targetRows, ownRow(row))
			}
		}
	}
	// The row's values of p.names, on the stack for the usual few.
	var small [8]string
	vals := small[:0]
	if len(s.names) > len(small) {
		vals = make([]string, 0, len(s.names))
	}
	for k := range s.names {
		vals = append(vals, w.attr(row, k))
	}
	si := w.class(vals)
	if si == outOfScope {
		return
	}
	cooling := plan.Cooldown.On() && s.hist.count(past, plan.Date, plan.Cooldown.Days) >= plan.Cooldown.Max
	if si < 0 {
		w.unknown++
		return
	}
	st := &w.strata[si]
	if cooling {
		st.Excluded++
		return
	}
	st.Eligible++
	if s.final == nil || w.heaps[si].k == 0 {
		return
	}
	h := &w.heaps[si]
	overdue := plan.CoverageDays > 0 && s.hist.count(past, plan.Date, plan.CoverageDays) == 0
	p := w.ph.priority(row.ID)
	if h.admits(overdue, p, row.ID) {
		h.offer(cand{p: p, overdue: overdue, line: row.Line, leaf: string(w.buf[1:])})
	}
}

// RangeSource is a premises roster read as a stream that can be read in
// ranges of rows, so that several goroutines produce rows at once (a
// generator whose row i depends on i alone, or a file with an index of
// row offsets).
type RangeSource struct {
	// File names the input in errors.
	File string
	// N is the number of rows.
	N int64
	// Rows returns rows lo to hi-1 (0-based positions in the roster,
	// in ascending order of id bytes), anew at each call.
	// [DrawStreamRanges] calls it from several goroutines at once, for
	// ranges that cover 0 to N-1 in each of two passes, and requires
	// the same rows both times. A range must give exactly hi-lo rows
	// (row errors aside).
	//
	// A row's Attrs need only stay as they are until the range is asked
	// for its next row, so a range may reuse one attribute slice for all
	// its rows, and its strings may share storage (say, one string of
	// all the range's ids): DrawStreamRanges copies what it keeps of a
	// row, and keeps no string of the source.
	Rows func(lo, hi int64) iter.Seq2[roster.Row, error]
}

// ErrRangeSize is returned by [DrawStreamRanges] when a range of the
// source did not give the number of rows asked for.
var ErrRangeSize = errors.New("random: a range of the premises rows did not give the rows asked for")

// DrawStreamRanges is [DrawStream] over a source read in ranges: each
// pass has Options.Workers goroutines (GOMAXPROCS by default) produce,
// hash and classify ranges of rows at once, where DrawStream has one
// goroutine produce every row. The ranges are aligned runs of a power
// of two rows, so each range's leaves form a complete subtree of the
// premises tree and the root is the tree over the range roots, as in
// [roster.Table.Root]. The order of ids is checked within each range
// and across the boundary of consecutive ranges; the errors, their
// order and the result are those DrawStream gives on the same rows.
func DrawStreamRanges(ctx context.Context, plan *Plan, premises RangeSource, inspectors, conflicts, history *roster.Table, seed []byte, opt Options) (*StreamResult, error) {
	if premises.Rows == nil {
		return nil, errors.New("random: no premises rows")
	}
	if premises.N < 0 || uint64(premises.N) > uint64(math.MaxInt) {
		return nil, fmt.Errorf("random: %s: %d premises rows: out of range", premises.File, premises.N)
	}
	pass := func(s *streamPass, report func(Phase, int, int)) error {
		return s.runRanges(ctx, premises, report)
	}
	return drawStream(ctx, plan, premises.File, pass, inspectors, conflicts, history, seed, opt)
}

// rangeChunk is what a worker found in one range of streamBatch rows.
type rangeChunk struct {
	root                roster.Hash
	fp                  uint64
	rows                int // rows without an error
	firstID, lastID     string
	firstLine, lastLine int
	errs                []*roster.RowError
	pre                 int  // errs before the first row without an error
	stop                bool // the range ended on an error that ends the pass
}

// runRanges is run over a RangeSource: workers take ranges of
// streamBatch rows in turn; the calling goroutine reports progress and
// then walks the ranges in order, collecting their errors as run would
// have met them, checking the order across boundaries and merging the
// range roots and fingerprints.
func (s *streamPass) runRanges(ctx context.Context, src RangeSource, report func(Phase, int, int)) error {
	phase := PhaseScope
	if s.final != nil {
		phase = PhasePriorities
	}
	report(phase, 0, 0)
	n := int(src.N)
	nchunks := (n + streamBatch - 1) / streamBatch
	chunks := make([]rangeChunk, nchunks)
	var next, stopAt atomic.Int64
	stopAt.Store(int64(nchunks))
	lower := func(c int64) {
		for {
			old := stopAt.Load()
			if c >= old || stopAt.CompareAndSwap(old, c) {
				return
			}
		}
	}
	progress := make(chan int, 4*s.workers)
	workers := make([]*passWorker, s.workers)
	var wg sync.WaitGroup
	for wi := range workers {
		w := s.newWorker()
		workers[wi] = w
		wg.Go(func() {
			for {
				c := next.Add(1) - 1
				if c >= int64(nchunks) || c > stopAt.Load() || ctx.Err() != nil {
					return
				}
				lo := int(c) * streamBatch
				hi := min(n, lo+streamBatch)
				if w.runRange(&chunks[c], lo, src.Rows(int64(lo), int64(hi))) {
					lower(c)
				}
				progress <- hi - lo
			}
		})
	}
	go func() {
		wg.Wait()
		close(progress)
	}()
	done := 0
	for d := range progress {
		if (done+d)/ProgressEvery != done/ProgressEvery {
			report(phase, done+d, 0)
		}
		done += d
	}
	if err := ctx.Err(); err != nil {
		return err
	}

	var tree roster.TreeBuilder
	var fp uint64
	var last string
	lastLine := 0
	var sizeErr error
	add := func(errs []*roster.RowError) bool {
		for _, e := range errs {
			s.errs.Errs = append(s.errs.Errs, e)
			if len(s.errs.Errs) >= roster.MaxErrors {
				return true
			}
		}
		return false
	}
	for c := range chunks {
		ch := &chunks[c]
		if add(ch.errs[:ch.pre]) {
			break
		}
		if ch.rows > 0 && s.rows > 0 && ch.firstID <= last {
			s.errs.Errs = append(s.errs.Errs, s.orderError(ch.firstID, ch.firstLine, last, lastLine))
			break
		}
		if add(ch.errs[ch.pre:]) || ch.stop {
			break
		}
		if ch.rows > 0 {
			last, lastLine = ch.lastID, ch.lastLine
		}
		s.rows += ch.rows
		if want := min(n, (c+1)*streamBatch) - c*streamBatch; ch.rows != want && sizeErr == nil && len(ch.errs) == 0 {
			sizeErr = fmt.Errorf("%w: %s: rows %d to %d gave %d rows", ErrRangeSize, s.file, c*streamBatch, c*streamBatch+want-1, ch.rows)
		}
		tree.AddLeafHash(ch.root)
		fp += ch.fp
	}
	if len(s.errs.Errs) > 0 {
		return &s.errs
	}
	if sizeErr != nil {
		return sizeErr
	}
	s.root, s.fp = tree.Root(), fp
	s.merge(workers)
	report(phase, s.rows, s.rows)
	return nil
}

// runRange hashes, fingerprints and classifies one range of rows into
// ch. It reports whether the range ended on an error that ends the
// pass: an id out of order, or roster.MaxErrors errors.
func (w *passWorker) runRange(ch *rangeChunk, lo int, rows iter.Seq2[roster.Row, error]) bool {
	s := w.p
	w.begin(lo)
	// The last row's id and line are locals rather than fields of ch:
	// a store into the heap a row, with a write barrier while the
	// collector runs.
	var last string
	lastLine, n := 0, 0
	for row, err := range rows {
		if err != nil {
			ch.errs = append(ch.errs, s.asRowError(err))
			if n == 0 {
				ch.pre++
			}
			if len(ch.errs) >= roster.MaxErrors {
				ch.stop = true
				break
			}
			continue
		}
		if n > 0 && row.ID <= last {
			ch.errs = append(ch.errs, s.orderError(row.ID, row.Line, last, lastLine))
			ch.stop = true
			break
		}
		if n == 0 {
			ch.firstID, ch.firstLine = strings.Clone(row.ID), row.Line
			w.seek(row.ID)
		}
		last, lastLine = row.ID, row.Line
		n++
		w.add(row)
	}
	// The range keeps a copy of its last id: the id may share storage
	// with other rows of the source.
	ch.rows, ch.lastID, ch.lastLine = n, strings.Clone(last), lastLine
	ch.root, ch.fp = w.tree.Root(), w.fp
	return ch.stop
}

// orderError is the error of a row whose id does not follow the id of
// the row before it.
func (s *streamPass) orderError(id string, line int, last string, lastLine int) *roster.RowError {
	e := fmt.Errorf("%w: id %q follows %q (line %d)", roster.ErrOrder, id, last, lastLine)
	if id == last {
		e = fmt.Errorf("%w (first on line %d)", roster.ErrDuplicateID, lastLine)
	}
	return &roster.RowError{File: s.file, Line: line, Field: "id", Value: id, Err: e}
}

// idIndex lists in id order the premises ids that need more than the
// row: those the conflicts or history tables name or the plan targets,
// with their flags (keepRef, keepTarget) and history rows. Within a
// batch or a range the rows come in id order, so a worker finds each
// row's entry by moving a cursor forward (one comparison a row, the
// list read in order) rather than by looking the id up in two maps,
// which at 10^8 rows means two cache misses a row.
type idIndex struct {
	ids   []string
	flags []uint8
	past  [][]int32
}

func newIDIndex(special map[string]uint8, hist *historyIndex) *idIndex {
	ids := make([]string, 0, len(special)+len(hist.byID))
	for id := range special {
		ids = append(ids, id)
	}
	for id := range hist.byID {
		if _, ok := special[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids) // the order of the maps does not matter
	x := &idIndex{ids: ids, flags: make([]uint8, len(ids)), past: make([][]int32, len(ids))}
	for k, id := range ids {
		x.flags[k] = special[id]
		x.past[k] = hist.byID[id]
	}
	return x
}

// seek puts the worker's cursor at the first listed id not below id.
func (w *passWorker) seek(id string) {
	w.cur, _ = slices.BinarySearch(w.p.idx.ids, id)
}

// lookup returns the position of id in the list, or -1. Ids asked for
// in ascending order after a seek cost one comparison each; an id
// below the cursor's is found by a new seek.
func (w *passWorker) lookup(id string) int {
	ids := w.p.idx.ids
	if w.cur > 0 && ids[w.cur-1] >= id {
		w.seek(id)
	}
	for w.cur < len(ids) && ids[w.cur] < id {
		w.cur++
	}
	if w.cur < len(ids) && ids[w.cur] == id {
		return w.cur
	}
	return -1
}
