package random

import (
	"cmp"
	"context"
	"slices"

	"github.com/doublerandom/doublerandom/roster"
)

// MergeSlots returns the team a visit of the premises row asks for, the
// tasks being indexes into p.Tasks in plan order (protocol v2 §6): each
// task's slots that apply to the premises (a slot with a match only when
// it holds), identical slots (same unit and specialty) merged across
// tasks, each counted as many times as the one task that lists it most,
// in order of first appearance, each repeated its count; the size, the
// largest of teams.size, each task's team size and the number of slots;
// and max_per_unit, the least non-zero of the plan's and the tasks' (0:
// no limit).
func (p *PlanV2) MergeSlots(row roster.Row, tasks []int) (slots []Slot, size, maxPerUnit int) {
	type entry struct {
		slot  Slot
		count int
	}
	var merged []entry
	size, maxPerUnit = p.Teams.Size, p.Teams.MaxPerUnit
	for _, ti := range tasks {
		team := p.Tasks[ti].Team
		if team == nil {
			continue
		}
		size = max(size, team.Size)
		if m := team.MaxPerUnit; m > 0 && (maxPerUnit == 0 || m < maxPerUnit) {
			maxPerUnit = m
		}
		var local []entry
		for _, s := range team.Slots {
			if s.Match != nil && !s.Match.Holds(row) {
				continue
			}
			if j := slices.IndexFunc(local, func(e entry) bool { return e.slot.same(s) }); j >= 0 {
				local[j].count++
			} else {
				local = append(local, entry{s, 1})
			}
		}
		for _, e := range local {
			if j := slices.IndexFunc(merged, func(m entry) bool { return m.slot.same(e.slot) }); j >= 0 {
				merged[j].count = max(merged[j].count, e.count)
			} else {
				merged = append(merged, e)
			}
		}
	}
	for _, e := range merged {
		for range e.count {
			slots = append(slots, e.slot)
		}
	}
	return slots, max(size, len(slots)), maxPerUnit
}

// fills reports whether the inspector can fill the slot: the slot's unit
// (if set) and its specialty among the inspector's (if set).
func (s Slot) fills(in roster.Inspector) bool {
	return (s.Unit == "" || in.Unit() == s.Unit) && (s.Specialty == "" || in.HasSpecialty(s.Specialty))
}

// IneligibleV2 says whether an inspector (a row of the inspectors table)
// is in E(v) for the premises row (protocol v2 §6), and if not the first
// rule, in the order of the [Ineligibility] constants, that excludes it.
// It works for any premises, visited or not; capacity is not part of it.
func (r *ResultV2) IneligibleV2(premises, inspector int) Ineligibility {
	return r.eligibility(r.Set.Premises.At(premises), r.rotationV2(premises), r.Set.Inspectors.At(inspector))
}

// rotationV2 returns the history rows of premises row pi within
// rotation_days (any kind).
func (r *ResultV2) rotationV2(pi int) []int32 {
	days := r.Plan.Conflicts.RotationDays
	if days <= 0 {
		return nil
	}
	var out []int32
	for _, h := range r.hist.insp.Of(pi) {
		if r.hist.dates[h].Within(r.Plan.Date, days) {
			out = append(out, h)
		}
	}
	return out
}

func (r *ResultV2) eligibility(p roster.Row, recent []int32, row roster.Row) Ineligibility {
	if why := r.baseEligibility(row); why != EligibleInspector {
		return why
	}
	return r.premisesEligibility(p, recent, row)
}

// baseEligibility applies the rules of E(v) that do not depend on the
// premises: status and credential.
func (r *ResultV2) baseEligibility(row roster.Row) Ineligibility {
	in := roster.Inspector{Row: row}
	if r.Plan.inactive(in.Status()) {
		return IneligibleStatus
	}
	if row.Get(roster.AttrCredentialExpires) != "" {
		if exp, ok := in.CredentialExpires(); ok && exp < r.Plan.Date {
			return IneligibleCredential
		}
	}
	return EligibleInspector
}

// premisesEligibility applies the other rules of E(v), in order.
func (r *ResultV2) premisesEligibility(p roster.Row, recent []int32, row roster.Row) Ineligibility {
	plan := r.Plan
	in := roster.Inspector{Row: row}
	if l := plan.Teams.RegionPrefix; l > 0 {
		ir, pr := in.Region(), p.Get(roster.AttrRegion)
		if len(ir) < l || len(pr) < l || ir[:l] != pr[:l] {
			return IneligibleRegion
		}
	}
	if plan.Conflicts.Declared && slices.Contains(r.hist.conflicts[p.ID], row.ID) {
		return IneligibleDeclared
	}
	for _, h := range recent {
		if (roster.Inspection{Row: r.hist.table.At(int(h))}).HasInspector(row.ID) {
			return IneligibleRotation
		}
	}
	if plan.Conflicts.HomeRegion {
		home, pr := in.HomeRegion(), p.Get(roster.AttrRegion)
		if home == "" || pr == "" || home == pr {
			return IneligibleHomeRegion
		}
	}
	return EligibleInspector
}

// EligibleV2 returns E(v) of the premises row, in ascending (Q, id)
// order, capacity not considered.
func (r *ResultV2) EligibleV2(premises int) []Candidate {
	return r.eligibleFrom(r.Set.Inspectors.Rows(), nil, premises)
}

// allEligible returns all of E(v) of a visit: its kept candidates when
// they are all of it, else E(v) computed again.
func (r *ResultV2) allEligible(v *Visit) []Candidate {
	if len(v.Eligible) == v.EligibleCount {
		return v.Eligible
	}
	return r.EligibleV2(v.Premises)
}

// eligibleFrom returns E(v) of the premises row among the inspectors
// (rows of the inspectors table at the positions idx, or all of them
// when idx is nil), in ascending (Q, id) order.
func (r *ResultV2) eligibleFrom(rows []roster.Row, idx []int32, premises int) []Candidate {
	p := r.Set.Premises.At(premises)
	recent := r.rotationV2(premises)
	n := len(idx)
	if idx == nil {
		n = len(rows)
	}
	out := make([]Candidate, 0, n)
	add := func(i int, row roster.Row) {
		if r.premisesEligibility(p, recent, row) == EligibleInspector {
			out = append(out, Candidate{Inspector: i, ID: row.ID, Q: r.Key.InspectorKey(p.ID, row.ID)})
		}
	}
	if idx == nil {
		for i, row := range rows {
			if r.baseEligibility(row) == EligibleInspector {
				add(i, row)
			}
		}
	} else {
		// The index holds only inspectors that pass the base rules.
		for _, i := range idx {
			add(int(i), rows[i])
		}
	}
	if len(out) == 0 {
		return nil
	}
	slices.SortFunc(out, candidateCmp)
	return out
}

// inspectorsByRegion groups the inspectors that pass the rules of E(v)
// that do not depend on the premises (status, credential and, with
// region_prefix L > 0, a region of at least L bytes) by the first L bytes
// of their region (all under "" when L = 0), in row order: a visit
// then looks only at the inspectors of its own region.
func (r *ResultV2) inspectorsByRegion() map[string][]int32 {
	plan := r.Plan
	l := plan.Teams.RegionPrefix
	out := map[string][]int32{}
	for i, row := range r.Set.Inspectors.Rows() {
		if r.baseEligibility(row) != EligibleInspector {
			continue
		}
		in := roster.Inspector{Row: row}
		key := ""
		if l > 0 {
			if len(in.Region()) < l {
				continue
			}
			key = in.Region()[:l]
		}
		out[key] = append(out[key], int32(i))
	}
	return out
}

// capacityV2 returns an inspector's capacity: its capacity attribute,
// else the plan's default_capacity; -1 means no limit (absent, or a
// default of 0).
func (r *ResultV2) capacityV2(row roster.Row) int {
	if n, ok := (roster.Inspector{Row: row}).Capacity(); ok {
		return n
	}
	if r.Plan.DefaultCapacity > 0 {
		return r.Plan.DefaultCapacity
	}
	return -1
}

// staffV2 runs protocol v2 §6: the merged slots and |E(v)| of every
// visit, then the teams in ascending (|E(v)|, P(v), id) order. E(v) in
// (Q, id) order is made for a batch of visits at a time, on every core,
// and only its first candidates are kept ([Visit.Eligible]), so memory
// does not grow with visits × inspectors.
func (r *ResultV2) staffV2(ctx context.Context, workers int, report func(Phase, int, int)) error {
	ins := r.Set.Inspectors.Rows()
	r.Load = make([]InspectorLoad, len(ins))
	for i, row := range ins {
		r.Load[i] = InspectorLoad{Capacity: r.capacityV2(row)}
	}
	report(PhaseTeams, 0, len(r.Visits))
	byRegion := r.inspectorsByRegion()
	l := r.Plan.Teams.RegionPrefix
	candidates := func(row roster.Row) []int32 {
		if l == 0 {
			return byRegion[""]
		}
		if pr := row.Get(roster.AttrRegion); len(pr) >= l {
			return byRegion[pr[:l]]
		}
		return nil
	}
	// Slots and |E(v)| of every visit: each visit's are its own, so they
	// do not depend on the number of workers.
	err := parallelBatches(ctx, workers, len(r.Visits), 256, func(lo, hi int) {
		for vi := lo; vi < hi; vi++ {
			v := &r.Visits[vi]
			tasks := make([]int, len(v.Tasks))
			for j, t := range v.Tasks {
				tasks[j] = t.Task
			}
			row := r.Set.Premises.At(v.Premises)
			v.Slots, v.Size, v.MaxPerUnit = r.Plan.MergeSlots(row, tasks)
			recent := r.rotationV2(v.Premises)
			for _, i := range candidates(row) {
				if r.premisesEligibility(row, recent, ins[i]) == EligibleInspector {
					v.EligibleCount++
				}
			}
		}
	}, func(int) {})
	if err != nil {
		return err
	}
	r.StaffOrder = make([]int, len(r.Visits))
	for i := range r.StaffOrder {
		r.StaffOrder[i] = i
	}
	slices.SortFunc(r.StaffOrder, func(a, b int) int {
		va, vb := &r.Visits[a], &r.Visits[b]
		if c := cmp.Compare(va.EligibleCount, vb.EligibleCount); c != 0 {
			return c
		}
		if c := cmp.Compare(va.Priority, vb.Priority); c != 0 {
			return c
		}
		return cmp.Compare(va.Premises, vb.Premises) // rows are in id order
	})
	const batch = 512
	full := make([][]Candidate, batch)
	for lo := 0; lo < len(r.StaffOrder); lo += batch {
		order := r.StaffOrder[lo:min(lo+batch, len(r.StaffOrder))]
		err := parallelBatches(ctx, workers, len(order), 16, func(a, b int) {
			for k := a; k < b; k++ {
				v := &r.Visits[order[k]]
				if idx := candidates(r.Set.Premises.At(v.Premises)); len(idx) > 0 {
					full[k] = r.eligibleFrom(ins, idx, v.Premises)
				} else {
					full[k] = nil
				}
			}
		}, func(int) {})
		if err != nil {
			return err
		}
		for k, vi := range order {
			v := &r.Visits[vi]
			r.staffVisit(v, full[k])
			v.Eligible = slices.Clone(full[k][:min(len(full[k]), prefixLen(v.Size))])
			full[k] = nil
		}
		report(PhaseTeams, lo+len(order), len(r.Visits))
	}
	return nil
}

// staffVisit staffs one visit from E(v) (elig, in (Q, id) order) with
// the capacity left.
func (r *ResultV2) staffVisit(v *Visit, elig []Candidate) {
	if len(elig) == 0 {
		v.Unstaffed = UnstaffedNoneEligible
		return
	}
	cands := make([]Candidate, 0, len(elig))
	for _, c := range elig {
		if r.Load[c.Inspector].hasRoom() {
			cands = append(cands, c)
		}
	}
	team, failed, why := r.fillTeam(v, cands)
	if why != StaffedV2 {
		v.Unstaffed, v.FailedSlot = why, failed
		return
	}
	v.Team = team
	for _, m := range team {
		r.Load[m.Inspector].Used++
	}
}

// fillTeam fills the visit's slots, then its size, from the candidates
// in order (protocol v2 §6). It returns the team, or why there is none
// (with the failed slot's index for UnstaffedSlot).
func (r *ResultV2) fillTeam(v *Visit, cands []Candidate) ([]Member, int, UnstaffedV2) {
	ins := r.Set.Inspectors
	team := make([]Member, 0, v.Size)
	perUnit := map[string]int{}
	in := func(c Candidate) bool {
		return slices.ContainsFunc(team, func(m Member) bool { return m.Inspector == c.Inspector })
	}
	room := func(unit string) bool { return v.MaxPerUnit == 0 || perUnit[unit] < v.MaxPerUnit }
	add := func(c Candidate, slot int) {
		team = append(team, Member{Candidate: c, Slot: slot})
		perUnit[roster.Inspector{Row: ins.At(c.Inspector)}.Unit()]++
	}
	for si, s := range v.Slots {
		found := false
		for _, c := range cands {
			row := roster.Inspector{Row: ins.At(c.Inspector)}
			if !in(c) && s.fills(row) && room(row.Unit()) {
				add(c, si)
				found = true
				break
			}
		}
		if !found {
			return nil, si, UnstaffedSlot
		}
	}
	for _, c := range cands {
		if len(team) >= v.Size {
			break
		}
		if !in(c) && room(roster.Inspector{Row: ins.At(c.Inspector)}.Unit()) {
			add(c, -1)
		}
	}
	if len(team) < v.Size {
		return nil, -1, UnstaffedShort
	}
	return team, -1, StaffedV2
}
