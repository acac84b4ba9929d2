package random

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/roster"
)

// UnstaffedReason says why a selected premises has no team. The record
// shows its [UnstaffedReason.Code]; explanations use its String.
type UnstaffedReason uint8

// Reasons a premises is unstaffed. Every reason but UnstaffedNoTeamRule
// and UnstaffedUnitMissing has the code "short".
const (
	Staffed                     UnstaffedReason = iota // the premises has a team
	UnstaffedNoTeamRule                                // no team rule matches the premises
	UnstaffedNoEligible                                // E(p) is empty
	UnstaffedAllAtCapacity                             // every inspector of E(p) is at capacity
	UnstaffedTooFewEligible                            // |E(p)| < size
	UnstaffedTooFewWithCapacity                        // fewer than size inspectors of E(p) have capacity left
	UnstaffedUnitLimit                                 // max_per_unit left the team short
	UnstaffedUnitAtCapacity                            // the team is full but every eligible inspector of a required unit is at capacity
	UnstaffedUnitMissing                               // the team is full but E(p) has no inspector of a required unit
)

// Codes of unstaffed premises in the JSON view.
const (
	CodeShort      = "short"
	CodeUnit       = "unit"
	CodeNoTeamRule = "no_team_rule"
)

// Code returns the code the JSON view shows: "" (staffed),
// "no_team_rule"; "unit" when E(p) itself lacks an inspector of a
// required unit (the rules make the team impossible); else "short": the
// team ran out of inspectors, whether it could not reach its size or the
// required unit's eligible inspectors were all at capacity.
func (u UnstaffedReason) Code() string {
	switch u {
	case Staffed:
		return ""
	case UnstaffedNoTeamRule:
		return CodeNoTeamRule
	case UnstaffedUnitMissing:
		return CodeUnit
	}
	return CodeShort
}

// String describes the reason in words.
func (u UnstaffedReason) String() string {
	switch u {
	case Staffed:
		return "staffed"
	case UnstaffedNoTeamRule:
		return "no team rule matches the premises"
	case UnstaffedNoEligible:
		return "no eligible inspector"
	case UnstaffedAllAtCapacity:
		return "all eligible inspectors are at capacity"
	case UnstaffedTooFewEligible:
		return "fewer eligible inspectors than the team size"
	case UnstaffedTooFewWithCapacity:
		return "fewer eligible inspectors with capacity left than the team size"
	case UnstaffedUnitLimit:
		return "max_per_unit leaves too few eligible inspectors"
	case UnstaffedUnitAtCapacity:
		return "every eligible inspector of a required unit is at capacity"
	case UnstaffedUnitMissing:
		return "no eligible inspector of a required unit"
	}
	return fmt.Sprintf("UnstaffedReason(%d)", uint8(u))
}

// Ineligibility says why an inspector is not in E(p) (protocol §6).
// Rules are tried in the order of the constants; the first that fails is
// reported.
type Ineligibility uint8

// Reasons an inspector is not eligible for a premises.
const (
	EligibleInspector    Ineligibility = iota // the inspector is in E(p)
	IneligibleNoTeamRule                      // no team rule matches the premises
	IneligibleStatus                          // status inactive or closed
	IneligibleCredential                      // credential_expires before the plan date
	IneligibleSpecialty                       // lacks the rule's specialty
	IneligibleRegion                          // region_prefix: regions differ in their first L bytes
	IneligibleDeclared                        // a declared conflict pairs them
	IneligibleRotation                        // inspected the premises within rotation_days
	IneligibleHomeRegion                      // lives in the premises' region
)

// String describes the reason in words.
func (e Ineligibility) String() string {
	switch e {
	case EligibleInspector:
		return "eligible"
	case IneligibleNoTeamRule:
		return "no team rule matches the premises"
	case IneligibleStatus:
		return "inspector not active"
	case IneligibleCredential:
		return "credential expires before the plan date"
	case IneligibleSpecialty:
		return "lacks the required specialty"
	case IneligibleRegion:
		return "region outside the rule's region prefix"
	case IneligibleDeclared:
		return "declared conflict of interest"
	case IneligibleRotation:
		return "inspected the premises within rotation_days"
	case IneligibleHomeRegion:
		return "lives in the premises' region"
	}
	return fmt.Sprintf("Ineligibility(%d)", uint8(e))
}

// WhyIneligible says whether the inspector (a row of the inspectors
// table) is eligible for the premises (a row of the premises table)
// under the team rule the premises matches, and if not, the first rule
// that excludes it. It works for any premises, selected or not.
func (r *Result) WhyIneligible(premises, inspector int) Ineligibility {
	p := r.Set.Premises.At(premises)
	rule := r.Plan.teamRule(p)
	if rule < 0 {
		return IneligibleNoTeamRule
	}
	return r.eligibility(&r.Plan.Teams[rule], p, r.rotation(premises), r.Set.Inspectors.At(inspector))
}

// rotation returns the history rows within rotation_days of premises
// row pi.
func (r *Result) rotation(pi int) []int32 {
	days := r.Plan.Conflicts.RotationDays
	if days <= 0 {
		return nil
	}
	var past []int32
	if r.insp != nil {
		past = r.insp.Of(pi)
	} else {
		past = r.hist.byID[r.Set.Premises.At(pi).ID]
	}
	var out []int32
	for _, h := range past {
		if r.hist.dates[h].Within(r.Plan.Date, days) {
			out = append(out, h)
		}
	}
	return out
}

// eligibility applies the rules of protocol §6 in order.
func (r *Result) eligibility(rule *TeamRule, p roster.Row, recent []int32, row roster.Row) Ineligibility {
	plan := r.Plan
	in := roster.Inspector{Row: row}
	if !in.Active() {
		return IneligibleStatus
	}
	if exp, ok := in.CredentialExpires(); ok && exp < plan.Date {
		return IneligibleCredential
	}
	if rule.Specialty != "" && !in.HasSpecialty(rule.Specialty) {
		return IneligibleSpecialty
	}
	if l := rule.RegionPrefix; l > 0 {
		ir, pr := in.Region(), p.Get(roster.AttrRegion)
		if len(ir) < l || len(pr) < l || ir[:l] != pr[:l] {
			return IneligibleRegion
		}
	}
	if plan.Conflicts.Declared && r.declared(row.ID, p.ID) {
		return IneligibleDeclared
	}
	if rotated(r, recent, row.ID) {
		return IneligibleRotation
	}
	if plan.Conflicts.HomeRegion {
		if home := in.HomeRegion(); home != "" && home == p.Get(roster.AttrRegion) {
			return IneligibleHomeRegion
		}
	}
	return EligibleInspector
}

// rotated reports whether the inspector took part in one of the recent
// inspections (history rows).
func rotated(r *Result, recent []int32, inspector string) bool {
	for _, h := range recent {
		if (roster.Inspection{Row: r.hist.table.At(int(h))}).HasInspector(inspector) {
			return true
		}
	}
	return false
}

// declared reports whether a conflicts row pairs the inspector with the
// premises.
func (r *Result) declared(inspector, premises string) bool {
	return slices.Contains(r.hist.conflicts[premises], inspector)
}

// teamBatch is how many selected premises a worker takes at a time.
const teamBatch = 256

// teamIndex holds, for each team rule, the inspectors that pass the
// rule's checks that do not depend on the premises (status, credential,
// specialty, a region at least region_prefix bytes long), grouped by the
// first region_prefix bytes of their region. A premises then considers
// only the inspectors of its own group instead of every inspector, and
// applies the rest of protocol §6 (declared conflicts, rotation, home
// region) through small per-premises sets ([Result.eachKeyed]), so E(p)
// is exactly what a scan of all inspectors with [Result.eligibility]
// gives.
type teamIndex struct {
	rules []ruleIndex
	ids   []string // id of each inspector row
	units []string // unit of each inspector row
	// homeID is each inspector row's home region as an index into
	// homes, -1 when it has none.
	homeID []int32
	homes  map[string]int32
}

type ruleIndex struct {
	// groups maps a region prefix ("" when the rule has none) to the
	// inspectors of that group.
	groups map[string]*candidateList
}

// candidateList is the inspectors of one group of a [teamIndex], in
// ascending order of lp(id) (by id length, then id bytes), the order in
// which a [keyHasher] shares the most work between them.
type candidateList struct {
	rows []int32 // inspector rows
	// ids[k] is the id of rows[k]; the ids are copied one after the
	// other into one string, so that a walk of the list reads memory in
	// order.
	ids []string
	// next[k] is the number of leading bytes lp(id) of rows[k] and
	// rows[k+1] have in common; 0 for the last.
	next []int32
}

func newTeamIndex(r *Result) *teamIndex {
	plan, insp := r.Plan, r.Set.Inspectors
	n := insp.Len()
	idx := &teamIndex{rules: make([]ruleIndex, len(plan.Teams)), ids: make([]string, n), units: make([]string, n),
		homeID: make([]int32, n), homes: map[string]int32{}}
	for i, row := range insp.Rows() {
		idx.ids[i] = row.ID
		idx.units[i] = row.Get(roster.AttrUnit)
		idx.homeID[i] = -1
		if home := (roster.Inspector{Row: row}).HomeRegion(); home != "" {
			h, ok := idx.homes[home]
			if !ok {
				h = int32(len(idx.homes))
				idx.homes[home] = h
			}
			idx.homeID[i] = h
		}
	}
	for ti := range plan.Teams {
		rule := &plan.Teams[ti]
		g := map[string][]int32{}
		var keys []string
		for i, row := range insp.Rows() {
			in := roster.Inspector{Row: row}
			if !in.Active() {
				continue
			}
			if exp, ok := in.CredentialExpires(); ok && exp < plan.Date {
				continue
			}
			if rule.Specialty != "" && !in.HasSpecialty(rule.Specialty) {
				continue
			}
			key := ""
			if l := rule.RegionPrefix; l > 0 {
				ir := in.Region()
				if len(ir) < l {
					continue
				}
				key = ir[:l]
			}
			if _, ok := g[key]; !ok {
				keys = append(keys, key)
			}
			g[key] = append(g[key], int32(i))
		}
		idx.rules[ti].groups = make(map[string]*candidateList, len(g))
		for _, key := range keys {
			idx.rules[ti].groups[key] = idx.newCandidateList(g[key])
		}
	}
	return idx
}

// newCandidateList orders inspector rows by lp(id) for a [keyHasher].
func (idx *teamIndex) newCandidateList(rows []int32) *candidateList {
	slices.SortFunc(rows, func(a, b int32) int {
		x, y := idx.ids[a], idx.ids[b]
		return cmp.Or(cmp.Compare(len(x), len(y)), strings.Compare(x, y))
	})
	l := &candidateList{rows: rows, ids: make([]string, len(rows)), next: make([]int32, len(rows))}
	var all strings.Builder
	for _, i := range rows {
		all.WriteString(idx.ids[i])
	}
	text, at := all.String(), 0
	for k, i := range rows {
		l.ids[k] = text[at : at+len(idx.ids[i])]
		at += len(idx.ids[i])
	}
	for k := 0; k+1 < len(rows); k++ {
		l.next[k] = int32(lpCommon(l.ids[k], l.ids[k+1]))
	}
	return l
}

// candidates returns the inspectors that may be eligible for premises p
// under team rule ti.
func (idx *teamIndex) candidates(rule *TeamRule, ti int, p roster.Row) *candidateList {
	key := ""
	if l := rule.RegionPrefix; l > 0 {
		pr := p.Get(roster.AttrRegion)
		if len(pr) < l {
			return nil
		}
		key = pr[:l]
	}
	return idx.rules[ti].groups[key]
}

// teamWorker is the scratch space of one goroutine of the team phase.
type teamWorker struct {
	kh    *keyHasher
	ex    []int32     // inspector rows a declared conflict or rotation excludes
	cands []Candidate // candidates of a walk beyond the prefix
}

func newTeamWorker(k Key) *teamWorker { return &teamWorker{kh: newKeyHasher(k)} }

// prefixLen is how many candidates of E(p) a [Selection] keeps for a
// team of the given size: the team and four more, so that the walk of
// protocol §6 usually completes the team within them. When inspectors
// run out of capacity it does not, and the walk goes on over the rest
// of E(p), hashing only inspectors with capacity left; a longer prefix
// saves little there and costs 32 bytes a candidate for every selected
// premises (a third of a selection's memory at 2*size+8).
func prefixLen(size int) int { return size + 4 }

// candidateCmp orders candidates by (Q, id), the order of protocol §6.
func candidateCmp(a, b Candidate) int {
	if c := cmp.Compare(a.Q, b.Q); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

// eachEligible calls add with every inspector of E(p) for premises row
// pi under team rule ti, in inspector row order: it applies every rule
// of protocol §6 ([Result.eligibility]) to every inspector. It is the
// plain form of [Result.eachKeyed].
func (r *Result) eachEligible(pi int, ti int, add func(i int32, id string)) {
	rule := &r.Plan.Teams[ti]
	p := r.Set.Premises.At(pi)
	recent := r.rotation(pi)
	for i, row := range r.Set.Inspectors.Rows() {
		if r.eligibility(rule, p, recent, row) == EligibleInspector {
			add(int32(i), row.ID)
		}
	}
}

// eachKeyed calls visit with every inspector of E(p) for premises row
// pi under team rule ti, in no particular order, and add with those for
// which visit returns true and their key Q(p, i). It gives the
// inspectors and keys of [Result.eachEligible] and [Key.InspectorKey],
// but looks only at the inspectors of p's group of idx, checks the
// rules that depend on the premises against sets made once for it, and
// computes the keys with w's [keyHasher]. A nil visit takes every
// inspector.
func (r *Result) eachKeyed(idx *teamIndex, w *teamWorker, pi int, ti int, visit func(i int32) bool, add func(i int32, id string, q uint64)) {
	p := r.Set.Premises.At(pi)
	list := idx.candidates(&r.Plan.Teams[ti], ti, p)
	if list == nil {
		return
	}
	// The index has applied the rules that do not depend on the premises
	// (status, credential, specialty) and region_prefix; the rest of
	// protocol §6 follows, as in [Result.eligibility].
	w.ex = r.excluded(w.ex[:0], pi, p)
	var mask uint64 // bit i%64 is set for each excluded row i
	for _, i := range w.ex {
		mask |= 1 << (uint32(i) % 64)
	}
	home := int32(-2) // matches no inspector
	if r.Plan.Conflicts.HomeRegion {
		if h, ok := idx.homes[p.Get(roster.AttrRegion)]; ok {
			home = h
		}
	}
	w.kh.premises(p.ID)
	for k, i := range list.rows {
		if mask&(1<<(uint32(i)%64)) != 0 && slices.Contains(w.ex, i) {
			continue
		}
		if idx.homeID[i] == home {
			continue
		}
		if visit != nil && !visit(i) {
			continue
		}
		id := list.ids[k]
		add(i, id, w.kh.key(id, int(list.next[k])))
	}
}

// excluded appends to ex the inspector rows that a declared conflict
// (when conflicts.declared) or rotation excludes for premises p (row
// pi), and returns it. Ids that are not in the inspectors table are left
// out.
func (r *Result) excluded(ex []int32, pi int, p roster.Row) []int32 {
	insp := r.Set.Inspectors
	if r.Plan.Conflicts.Declared {
		for _, id := range r.hist.conflicts[p.ID] {
			if i := insp.Index(id); i >= 0 {
				ex = append(ex, int32(i))
			}
		}
	}
	for _, h := range r.rotation(pi) {
		// The items of the list as [roster.Inspection.HasInspector]
		// reads them.
		list := r.hist.table.At(int(h)).Get(roster.AttrInspectors)
		for list != "" {
			var item string
			item, list, _ = strings.Cut(list, ";")
			if i := insp.Index(item); i >= 0 {
				ex = append(ex, int32(i))
			}
		}
	}
	return ex
}

// fullEligible returns E(p) for premises row pi under team rule ti, in
// ascending (Q, id) order. With idx it uses [Result.eachKeyed], with a
// nil idx the plain [Result.eachEligible] and [Key.InspectorKey].
func (r *Result) fullEligible(idx *teamIndex, pi int, ti int) []Candidate {
	var out []Candidate
	if idx == nil {
		id := r.Set.Premises.At(pi).ID
		r.eachEligible(pi, ti, func(i int32, iid string) {
			out = append(out, Candidate{Inspector: int(i), ID: iid, Q: r.Key.InspectorKey(id, iid)})
		})
	} else {
		r.eachKeyed(idx, newTeamWorker(r.Key), pi, ti, nil, func(i int32, id string, q uint64) {
			out = append(out, Candidate{Inspector: int(i), ID: id, Q: q})
		})
	}
	slices.SortFunc(out, candidateCmp)
	return out
}

// EligibleFor returns E(p), every eligible inspector of the premises
// with the given id, in ascending (Q, id) order, capacity not
// considered: all of it, where [Selection.Eligible] may hold only its
// first candidates. It works for any premises of the tables, selected
// or not; it returns nil when no team rule matches the premises, and
// fails only for an unknown premises. It computes E(p) anew, one
// inspector key per eligible inspector.
func (r *Result) EligibleFor(premises string) ([]Candidate, error) {
	p := r.Set.Premises.Index(premises)
	if p < 0 {
		return nil, unknownPremises(premises)
	}
	if si := r.Premises[p].Selected; si >= 0 {
		return r.selectionEligible(&r.Selected[si]), nil
	}
	row := r.Set.Premises.At(p)
	ti := r.Plan.teamRule(row)
	if ti < 0 {
		return nil, nil
	}
	return r.fullEligible(nil, p, ti), nil
}

// selectionEligible returns the full E(p) of a selection: s.Eligible
// when it holds all of E(p), else E(p) computed anew.
func (r *Result) selectionEligible(s *Selection) []Candidate {
	if s.Rule < 0 {
		return nil
	}
	if len(s.Eligible) == s.EligibleCount {
		return s.Eligible
	}
	return r.fullEligible(nil, s.Premises, s.Rule)
}

// eligible fills in the team rule, |E(p)| and the first candidates of
// E(p) of one selection: it keeps the prefixLen smallest candidates by
// (Q, id) in a bounded max-heap, so that memory does not grow with
// |E(p)|.
func (r *Result) eligible(idx *teamIndex, w *teamWorker, s *Selection) {
	plan := r.Plan
	p := r.Set.Premises.At(s.Premises)
	s.Rule = plan.teamRule(p)
	if s.Rule < 0 {
		s.Unstaffed = UnstaffedNoTeamRule
		return
	}
	m := prefixLen(plan.Teams[s.Rule].Size)
	var h candidateHeap
	r.eachKeyed(idx, w, s.Premises, s.Rule, nil, func(i int32, id string, q uint64) {
		s.EligibleCount++
		if len(h) == m && q > h[0].Q {
			return // what offer would do, without building a Candidate
		}
		h.offer(Candidate{Inspector: int(i), ID: id, Q: q}, m)
	})
	s.Eligible = h.sorted()
}

// candidateHeap is a max-heap by (Q, id) that keeps the smallest
// candidates offered to it.
type candidateHeap []Candidate

// offer adds c when the heap holds fewer than m candidates, or replaces
// the largest when c is smaller than it.
func (h *candidateHeap) offer(c Candidate, m int) {
	a := *h
	if len(a) < m {
		if a == nil {
			a = make([]Candidate, 0, m)
		}
		a = append(a, c)
		// Sift up.
		for j := len(a) - 1; j > 0; {
			parent := (j - 1) / 2
			if candidateCmp(a[j], a[parent]) <= 0 {
				break
			}
			a[j], a[parent] = a[parent], a[j]
			j = parent
		}
		*h = a
		return
	}
	if m == 0 || candidateCmp(c, a[0]) >= 0 {
		return
	}
	a[0] = c
	// Sift down.
	for j := 0; ; {
		big, l, rt := j, 2*j+1, 2*j+2
		if l < len(a) && candidateCmp(a[l], a[big]) > 0 {
			big = l
		}
		if rt < len(a) && candidateCmp(a[rt], a[big]) > 0 {
			big = rt
		}
		if big == j {
			break
		}
		a[j], a[big] = a[big], a[j]
		j = big
	}
}

// sorted returns the candidates in ascending (Q, id) order.
func (h candidateHeap) sorted() []Candidate {
	slices.SortFunc(h, candidateCmp)
	return h
}

// staffTeams runs protocol §6 for every selected premises.
func (r *Result) staffTeams(ctx context.Context, workers int, report func(Phase, int, int)) error {
	plan, insp := r.Plan, r.Set.Inspectors
	r.Load = make([]InspectorLoad, insp.Len())
	for i, row := range insp.Rows() {
		c, ok := roster.Inspector{Row: row}.Capacity()
		if !ok {
			c = plan.DefaultCapacity
			if c == 0 {
				c = -1
			}
		}
		r.Load[i] = InspectorLoad{Capacity: c}
	}

	// Eligibility, |E(p)| and the first candidates of E(p) in (Q, id)
	// order, on up to workers goroutines. Each selection's E(p) depends
	// only on the plan, the tables and the key, so the result does not
	// depend on the number of workers.
	total := len(r.Selected)
	report(PhaseTeams, 0, total)
	idx := newTeamIndex(r)
	last := 0
	if err := parallelWorkers(ctx, workers, total, teamBatch, func() func(lo, hi int) {
		w := newTeamWorker(r.Key)
		return func(lo, hi int) {
			for si := lo; si < hi; si++ {
				r.eligible(idx, w, &r.Selected[si])
			}
		}
	}, func(done int) {
		if done/ProgressEvery != last/ProgressEvery {
			report(PhaseTeams, done, total)
		}
		last = done
	}); err != nil {
		return err
	}

	// Staff the most constrained premises first.
	r.StaffOrder = make([]int, total)
	for i := range r.StaffOrder {
		r.StaffOrder[i] = i
	}
	slices.SortFunc(r.StaffOrder, func(a, b int) int {
		sa, sb := &r.Selected[a], &r.Selected[b]
		if c := cmp.Compare(sa.EligibleCount, sb.EligibleCount); c != 0 {
			return c
		}
		if c := cmp.Compare(sa.Priority, sb.Priority); c != 0 {
			return c
		}
		return strings.Compare(sa.ID, sb.ID)
	})
	w := newTeamWorker(r.Key)
	for n, si := range r.StaffOrder {
		if n%ProgressEvery == 0 && n > 0 {
			report(PhaseTeams, n, total)
		}
		s := &r.Selected[si]
		if s.Rule < 0 {
			continue
		}
		r.staff(idx, w, s, &plan.Teams[s.Rule])
	}
	report(PhaseTeams, total, total)
	return nil
}

// staff builds the team of one premises from its candidates (E(p) with
// capacity left, in (Q, id) order) and consumes capacity when it is
// complete. It walks the first candidates kept in s.Eligible; when they
// do not complete the team and E(p) has more, it walks all candidates,
// from E(p) computed anew, which gives the team or the reason for none
// that a walk of the full E(p) from the start gives. Only inspectors
// with capacity left are candidates, so only their keys are computed.
func (r *Result) staff(idx *teamIndex, w *teamWorker, s *Selection, rule *TeamRule) {
	cands := w.cands[:0]
	for _, c := range s.Eligible {
		if r.Load[c.Inspector].hasRoom() {
			cands = append(cands, c)
		}
	}
	w.cands = cands
	inPrefix := func(u string) int {
		n := 0
		for _, c := range s.Eligible {
			if idx.units[c.Inspector] == u {
				n++
			}
		}
		return n
	}
	if r.walk(idx, s, cands, len(s.Eligible), inPrefix, rule, len(s.Eligible) < s.EligibleCount) {
		return
	}
	cands = cands[:0]
	r.eachKeyed(idx, w, s.Premises, s.Rule, func(i int32) bool { return r.Load[i].hasRoom() }, func(i int32, id string, q uint64) {
		cands = append(cands, Candidate{Inspector: int(i), ID: id, Q: q})
	})
	slices.SortFunc(cands, candidateCmp)
	w.cands = cands
	// The number of inspectors of a unit in E(p), for the reason of a
	// team without a required unit.
	inE := func(u string) int {
		n := 0
		r.eachKeyed(idx, w, s.Premises, s.Rule, func(i int32) bool {
			if idx.units[i] == u {
				n++
			}
			return false
		}, nil)
		return n
	}
	r.walk(idx, s, cands, s.EligibleCount, inE, rule, false)
}

// staffFrom runs the walk of protocol §6 over elig, a prefix of E(p) in
// (Q, id) order. When partial is set (elig is not all of E(p)) and the
// team is not complete, it changes nothing and returns false; else it
// records the team or the reason for none and returns true. It is the
// plain form of the walk of [Result.staff].
func (r *Result) staffFrom(s *Selection, elig []Candidate, rule *TeamRule, partial bool) bool {
	var cands []Candidate
	for _, c := range elig {
		if r.Load[c.Inspector].hasRoom() {
			cands = append(cands, c)
		}
	}
	inE := func(u string) int {
		n := 0
		for _, c := range elig {
			if r.Set.Inspectors.At(c.Inspector).Get(roster.AttrUnit) == u {
				n++
			}
		}
		return n
	}
	return r.walk(nil, s, cands, len(elig), inE, rule, partial)
}

// walk runs the walk of protocol §6 over cands, the candidates (the
// inspectors of E(p) with capacity left, in (Q, id) order) of a prefix
// of E(p) that has size inspectors, of which inE(u) are of unit u. When
// partial is set (the prefix is not all of E(p)) and the team is not
// complete, it changes nothing and returns false; else it records the
// team or the reason for none and returns true. The team is a new
// slice: cands may be reused. It reads units from idx, or from the
// inspectors table when idx is nil.
func (r *Result) walk(idx *teamIndex, s *Selection, cands []Candidate, size int, inE func(u string) int, rule *TeamRule, partial bool) bool {
	unit := func(c Candidate) string {
		if idx != nil {
			return idx.units[c.Inspector]
		}
		return r.Set.Inspectors.At(c.Inspector).Get(roster.AttrUnit)
	}
	var team []Candidate
	inTeam := func(c Candidate) bool {
		return slices.ContainsFunc(team, func(m Candidate) bool { return m.Inspector == c.Inspector })
	}
	unitFull := func(u string) bool {
		if rule.MaxPerUnit <= 0 {
			return false
		}
		n := 0
		for _, m := range team {
			if unit(m) == u {
				n++
			}
		}
		return n >= rule.MaxPerUnit
	}
	var missing []string // required units left without a member, in rule order
	for _, u := range rule.Units {
		found := false
		if !unitFull(u) {
			for _, c := range cands {
				if unit(c) == u && !inTeam(c) {
					team = append(team, c)
					found = true
					break
				}
			}
		}
		if !found {
			missing = append(missing, u)
		}
	}
	for _, c := range cands {
		if len(team) >= rule.Size {
			break
		}
		if inTeam(c) || unitFull(unit(c)) {
			continue
		}
		team = append(team, c)
	}
	if partial && (len(team) < rule.Size || len(missing) > 0) {
		return false
	}
	switch {
	case len(team) < rule.Size:
		switch {
		case size == 0:
			s.Unstaffed = UnstaffedNoEligible
		case len(cands) == 0:
			s.Unstaffed = UnstaffedAllAtCapacity
		case size < rule.Size:
			s.Unstaffed = UnstaffedTooFewEligible
		case len(cands) < rule.Size:
			s.Unstaffed = UnstaffedTooFewWithCapacity
		default:
			s.Unstaffed = UnstaffedUnitLimit
		}
	case len(missing) > 0:
		// "unit" when E(p) itself has too few inspectors of a required
		// unit; "short" (at capacity) when they exist but are used up.
		s.Unstaffed, s.MissingUnit = UnstaffedUnitAtCapacity, missing[0]
		for _, u := range missing {
			if inE(u) < countOf(rule.Units, u) {
				s.Unstaffed, s.MissingUnit = UnstaffedUnitMissing, u
				break
			}
		}
	default:
		s.Team = team
		for _, m := range team {
			r.Load[m.Inspector].Used++
		}
	}
	return true
}
