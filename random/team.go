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
	return r.eligibility(&r.Plan.Teams[rule], p, r.rotation(p.ID), r.Set.Inspectors.At(inspector))
}

// rotation returns the history rows of a premises within rotation_days.
func (r *Result) rotation(premises string) []int32 {
	days := r.Plan.Conflicts.RotationDays
	if days <= 0 {
		return nil
	}
	var out []int32
	for _, h := range r.hist.byID[premises] {
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
// only the inspectors of its own group instead of every inspector; the
// full rules of protocol §6 are still applied to each of them
// ([Result.eligibility]), so E(p) is exactly what a scan of all
// inspectors gives.
type teamIndex struct {
	rules []ruleIndex
	home  []string // home region of each inspector row
}

type ruleIndex struct {
	// groups maps a region prefix ("" when the rule has none) to
	// inspector rows in ascending order.
	groups map[string][]int32
}

func newTeamIndex(r *Result) *teamIndex {
	plan, insp := r.Plan, r.Set.Inspectors
	idx := &teamIndex{rules: make([]ruleIndex, len(plan.Teams)), home: make([]string, insp.Len())}
	for i, row := range insp.Rows() {
		idx.home[i] = roster.Inspector{Row: row}.HomeRegion()
	}
	for ti := range plan.Teams {
		rule := &plan.Teams[ti]
		g := map[string][]int32{}
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
			g[key] = append(g[key], int32(i))
		}
		idx.rules[ti].groups = g
	}
	return idx
}

// candidates returns the inspectors that may be eligible for premises p
// under team rule ti, in row order.
func (idx *teamIndex) candidates(rule *TeamRule, ti int, p roster.Row) []int32 {
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

// eligible fills in the team rule and E(p) of one selection.
func (r *Result) eligible(idx *teamIndex, s *Selection) {
	plan, insp := r.Plan, r.Set.Inspectors
	p := r.Set.Premises.At(s.Premises)
	s.Rule = plan.teamRule(p)
	if s.Rule < 0 {
		s.Unstaffed = UnstaffedNoTeamRule
		return
	}
	rule := &plan.Teams[s.Rule]
	recent := r.rotation(p.ID)
	region := p.Get(roster.AttrRegion)
	cands := idx.candidates(rule, s.Rule, p)
	s.Eligible = make([]Candidate, 0, len(cands))
	for _, i := range cands {
		// The index has applied the rules that do not depend on the
		// premises (status, credential, specialty) and region_prefix;
		// the rest of protocol §6 follows, as in [Result.eligibility].
		row := insp.At(int(i))
		if plan.Conflicts.Declared && r.declared(row.ID, p.ID) {
			continue
		}
		if rotated(r, recent, row.ID) {
			continue
		}
		if plan.Conflicts.HomeRegion {
			if home := idx.home[i]; home != "" && home == region {
				continue
			}
		}
		s.Eligible = append(s.Eligible, Candidate{Inspector: int(i), ID: row.ID, Q: r.Key.InspectorKey(p.ID, row.ID)})
	}
	slices.SortFunc(s.Eligible, func(a, b Candidate) int {
		if c := cmp.Compare(a.Q, b.Q); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
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

	// Eligibility, E(p) in (Q, id) order, on up to workers goroutines.
	// Each selection's E(p) depends only on the plan, the tables and the
	// key, so the result does not depend on the number of workers.
	total := len(r.Selected)
	report(PhaseTeams, 0, total)
	idx := newTeamIndex(r)
	last := 0
	if err := parallelBatches(ctx, workers, total, teamBatch, func(lo, hi int) {
		for si := lo; si < hi; si++ {
			r.eligible(idx, &r.Selected[si])
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
		if c := cmp.Compare(len(sa.Eligible), len(sb.Eligible)); c != 0 {
			return c
		}
		if c := cmp.Compare(sa.Priority, sb.Priority); c != 0 {
			return c
		}
		return strings.Compare(sa.ID, sb.ID)
	})
	for n, si := range r.StaffOrder {
		if n%ProgressEvery == 0 && n > 0 {
			report(PhaseTeams, n, total)
		}
		s := &r.Selected[si]
		if s.Rule < 0 {
			continue
		}
		r.staff(s, &plan.Teams[s.Rule])
	}
	report(PhaseTeams, total, total)
	return nil
}

// staff builds the team of one premises from its candidates (E(p) with
// capacity left, in (Q, id) order) and consumes capacity when it is
// complete.
func (r *Result) staff(s *Selection, rule *TeamRule) {
	var cands []Candidate
	for _, c := range s.Eligible {
		if r.Load[c.Inspector].hasRoom() {
			cands = append(cands, c)
		}
	}
	unit := func(c Candidate) string { return r.Set.Inspectors.At(c.Inspector).Get(roster.AttrUnit) }
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
	switch {
	case len(team) < rule.Size:
		switch {
		case len(s.Eligible) == 0:
			s.Unstaffed = UnstaffedNoEligible
		case len(cands) == 0:
			s.Unstaffed = UnstaffedAllAtCapacity
		case len(s.Eligible) < rule.Size:
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
			n := 0
			for _, c := range s.Eligible {
				if unit(c) == u {
					n++
				}
			}
			if n < countOf(rule.Units, u) {
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
}
