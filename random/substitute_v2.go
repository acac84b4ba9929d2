package random

import (
	"fmt"
	"slices"

	"github.com/doublerandom/doublerandom/roster"
)

// ReplacementV2 is the outcome of one [Substitution] of a v2 draw
// ([ResultV2.Substitute]). The embedded [Replacement] holds In and Team
// (the team after, in team order, In in Out's place); Rule is -1 (v2 has
// no team rules). When nobody qualifies, In is "", Team is empty and
// Unstaffed is set (Short too): the visit has become unstaffed, reason
// `short` (protocol v2 §6), never a team below its size.
type ReplacementV2 struct {
	Replacement
	// Slot is the index in the visit's merged slots that Out filled and
	// In fills, -1 for a fill-up member.
	Slot int
	// Unstaffed reports that the visit became unstaffed (reason short).
	Unstaffed bool
}

// Substitute applies subs in order to the v2 draw result r, without
// modifying r, and returns one [ReplacementV2] per substitution. Earlier
// substitutions (those of earlier amendments too: pass them all, in
// ledger order) count.
//
// The replacement of Out on visit v (protocol v2 §6) is the first
// inspector of E(v) in ascending (Q, id) order that
//
//  1. is not and never was on v's team (the draw's team, and every In
//     and Out of earlier substitutions of v);
//  2. has capacity left after the draw and every earlier substitution:
//     each In uses one, and neither Out's capacity nor, when a visit
//     becomes unstaffed, its members' is given back;
//  3. fills the slot Out filled, if any (its unit and specialty);
//  4. keeps max_per_unit: with Out removed, the candidate's unit has
//     fewer than the visit's max_per_unit members (0: no limit).
//
// With no such inspector the visit becomes unstaffed: In is "", the team
// is empty, and later substitutions of the visit fail with
// [ErrUnstaffed]. That is an outcome, not an error.
//
// E(v) is the draw's: a conflict declared by a substitution (Conflict)
// concerns only the pair (Out, v), which rule 1 already excludes.
//
// Substitute fails with a *[SubstitutionError] naming the substitution
// (see [Result.Substitute] for the kinds); ErrNotSelected when the
// premises is not a visit, ErrUnstaffed when the visit has no team (by
// the draw or an earlier substitution).
func (r *ResultV2) Substitute(subs []Substitution) ([]ReplacementV2, error) {
	ins := r.Set.Inspectors
	used := make([]int, len(r.Load)) // teams joined by substitution, per inspector row
	type state struct {
		team []Member
		ever map[int]bool
	}
	teams := map[int]*state{} // by visit index
	unit := func(i int) string { return roster.Inspector{Row: ins.At(i)}.Unit() }
	out := make([]ReplacementV2, 0, len(subs))
	for n, sub := range subs {
		fail := func(err error) error {
			return &SubstitutionError{Index: n, Premises: sub.Premises, Inspector: sub.Out, Err: err}
		}
		p, err := checkSubstitution(r.Set, sub)
		if err != nil {
			return nil, fail(err)
		}
		vi := r.Premises[p].Visit
		if vi < 0 {
			return nil, fail(ErrNotSelected)
		}
		v := &r.Visits[vi]
		if v.Team == nil {
			return nil, fail(fmt.Errorf("%w: unstaffed: %s", ErrUnstaffed, v.Unstaffed.Code()))
		}
		o := ins.Index(sub.Out)
		if o < 0 {
			return nil, fail(unknownInspector(sub.Out))
		}
		st := teams[vi]
		if st == nil {
			st = &state{team: slices.Clone(v.Team), ever: map[int]bool{}}
			for _, m := range v.Team {
				st.ever[m.Inspector] = true
			}
			teams[vi] = st
		}
		if len(st.team) == 0 {
			return nil, fail(fmt.Errorf("%w: it became unstaffed by an earlier substitution", ErrUnstaffed))
		}
		pos := slices.IndexFunc(st.team, func(m Member) bool { return m.Inspector == o })
		if pos < 0 {
			if st.ever[o] {
				return nil, fail(fmt.Errorf("%w: replaced by an earlier substitution", ErrNotOnTeam))
			}
			return nil, fail(ErrNotOnTeam)
		}
		slot := st.team[pos].Slot
		perUnit := map[string]int{}
		for k, m := range st.team {
			if k != pos {
				perUnit[unit(m.Inspector)]++
			}
		}
		in := -1
		var inCand Candidate
		for _, c := range r.allEligible(v) {
			i := c.Inspector
			if st.ever[i] {
				continue
			}
			if l := r.Load[i]; l.Capacity >= 0 && l.Used+used[i] >= l.Capacity {
				continue
			}
			if slot >= 0 && !v.Slots[slot].fills(roster.Inspector{Row: ins.At(i)}) {
				continue
			}
			if v.MaxPerUnit > 0 && perUnit[unit(i)] >= v.MaxPerUnit {
				continue
			}
			in, inCand = i, c
			break
		}
		rep := ReplacementV2{Replacement: Replacement{Substitution: sub, Rule: -1}, Slot: slot}
		if in >= 0 {
			used[in]++
			st.ever[in] = true
			st.team[pos] = Member{Candidate: inCand, Slot: slot}
			rep.In = inCand.ID
		} else {
			st.team = st.team[:0]
			rep.Unstaffed, rep.Short = true, true
		}
		rep.Team = make([]string, len(st.team))
		for k, m := range st.team {
			rep.Team[k] = m.ID
		}
		out = append(out, rep)
	}
	return out, nil
}
