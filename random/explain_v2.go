package random

import (
	"fmt"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/roster"
)

// Explanations of a v2 draw (protocol v2 §§5–6): why a premises was or
// was not visited, task by task, and why an inspector was or was not on
// a visit's team, rule by rule and slot by slot. Every figure is one the
// published view or the tables give, so that a business or an inspector
// can check it.

// ExplanationV2 says why a premises was or was not visited in a v2 draw.
// Its String says the same in plain English.
type ExplanationV2 struct {
	ID   string
	Name string // the premises' name attribute, "" when absent
	Row  int    // row of the premises table

	// Scope is OutOfScopeNone for a premises in scope. Otherwise
	// Status is its status (OutOfScopeStatus: in the plan's inactive
	// list), or ScopeRule is "include" or "exclude" and ScopeAttr,
	// ScopeValue and ScopeValues the term of the plan's scope that
	// excludes it (OutOfScopeAttr).
	Scope       OutOfScope
	Status      string
	ScopeRule   string
	ScopeAttr   string
	ScopeValue  string
	ScopeValues []string

	// Priority is P(p) (0 when out of scope).
	Priority uint64
	PlanDate roster.Date

	// Cooling: CoolingRule is the index of the first cooldown rule with
	// at least max counting rows (-1: not cooling) and CoolingRows the
	// ids of those rows.
	Cooling     bool
	CoolingRule int
	CoolingRows []string

	// Tasks holds one decision per task of the plan, in plan order.
	Tasks []TaskDecision
	// Targets lists the indexes in Plan.Targeted of the entries naming
	// the premises.
	Targets []int

	// Visit is the index in Result.Visits, -1 when not visited; then
	// the visit's merged slots, size, max_per_unit, |E(v)|, team (nil
	// when unstaffed), unstaffed reason and failed slot (-1: none).
	Visit         int
	Slots         []Slot
	Size          int
	MaxPerUnit    int
	EligibleCount int
	Team          []Member
	Unstaffed     UnstaffedV2
	FailedSlot    int
	// For an unstaffed visit (slot or short): SlotEligible is how many
	// of E(v) fill the failed slot (slot: eligibility), SlotCapacity how
	// many of those had capacity left when the visit was staffed
	// (capacity); Candidates how many of E(v) had capacity left then.
	SlotEligible, SlotCapacity, Candidates int

	plan *PlanV2
}

// TaskDecision is what one task decided for one premises.
type TaskDecision struct {
	Task int    // index in Plan.Tasks
	ID   string // the task's id
	// InPool: in scope and the task's match holds. Eligible: in the pool
	// and not cooling.
	InPool, Eligible bool
	// Overdue for the task (coverage), and when not overdue under a
	// coverage rule, the id of a history row that covers its matter.
	Overdue   bool
	CoveredBy string
	// Weight is w and W the weighted priority (P when w = 1).
	Weight int
	W      uint64
	// Group is the premises' group (its spread values, empty without
	// spread) and GroupIndex its index in the task's groups (-1 when not
	// eligible); Rank the 0-based position in the group's rank order
	// (overdue first, then W, then id; -1 when not eligible);
	// GroupEligible, GroupOverdue, GroupQuota the group's figures and
	// Threshold its threshold (HasThreshold false when none).
	Group                                   []string
	GroupIndex                              int
	Rank                                    int
	GroupEligible, GroupOverdue, GroupQuota int
	Threshold                               uint64
	HasThreshold                            bool
	// Selected: the task selected it, with Mark; Target is the index in
	// Plan.Targeted for a targeted mark, else -1.
	Selected bool
	Mark     Mark
	Target   int
}

// Explain says why the premises with the given id was or was not visited
// by the v2 draw, task by task. It fails with a *[LookupError]
// ([ErrUnknownPremises]) when the id is not in the premises table.
func (r *ResultV2) Explain(id string) (*ExplanationV2, error) {
	i := r.Set.Premises.Index(id)
	if i < 0 {
		return nil, unknownPremises(id)
	}
	plan, row, o := r.Plan, r.Set.Premises.At(i), r.Premises[i]
	e := &ExplanationV2{ID: id, Name: row.Get("name"), Row: i, Scope: o.Scope, Status: row.Get(roster.AttrStatus),
		Priority: o.Priority, PlanDate: plan.Date, Cooling: o.Cooling, CoolingRule: o.CoolingRule,
		Visit: o.Visit, FailedSlot: -1, plan: plan}
	for k, t := range plan.Targeted {
		if t.ID == id {
			e.Targets = append(e.Targets, k)
		}
	}
	if o.Scope == OutOfScopeAttr {
		e.scopeTerm(row)
	}
	if o.Cooling {
		rule := plan.Cooldown[o.CoolingRule]
		for _, h := range r.hist.insp.Of(i) {
			if r.hist.counts(h, plan.Date, rule.Days, rule.Kinds) {
				e.CoolingRows = append(e.CoolingRows, r.hist.table.At(int(h)).ID)
			}
		}
	}
	var visit *Visit
	if o.Visit >= 0 {
		visit = &r.Visits[o.Visit]
		e.Slots, e.Size, e.MaxPerUnit = visit.Slots, visit.Size, visit.MaxPerUnit
		e.EligibleCount, e.Team, e.Unstaffed, e.FailedSlot = visit.EligibleCount, visit.Team, visit.Unstaffed, visit.FailedSlot
		if visit.Team == nil && visit.EligibleCount > 0 {
			used := r.usedBefore(o.Visit)
			for _, c := range r.allEligible(visit) {
				room := r.Load[c.Inspector].Capacity < 0 || used[c.Inspector] < r.Load[c.Inspector].Capacity
				if room {
					e.Candidates++
				}
				if visit.FailedSlot >= 0 && visit.Slots[visit.FailedSlot].fills(roster.Inspector{Row: r.Set.Inspectors.At(c.Inspector)}) {
					e.SlotEligible++
					if room {
						e.SlotCapacity++
					}
				}
			}
		}
	}
	for ti, task := range plan.Tasks {
		d := TaskDecision{Task: ti, ID: task.ID, GroupIndex: -1, Rank: -1, Target: -1, Weight: 1}
		if o.Scope == OutOfScopeNone {
			d.InPool = task.Match.Holds(row)
			d.Weight, d.W = r.Weight(i, ti), r.W(i, ti)
			d.Group = nonNil(spreadValues(row, task.Spread))
		}
		d.Eligible = d.InPool && !o.Cooling
		if d.Eligible {
			d.Overdue = r.Overdue(i, ti)
			if !d.Overdue && plan.Coverage != nil {
				d.CoveredBy = r.coveredBy(i, ti)
			}
			for g, gr := range r.Tasks[ti].Groups {
				if k := slices.Index(gr.Ranked, i); k >= 0 {
					d.GroupIndex, d.Rank = g, k
					d.GroupEligible, d.GroupOverdue, d.GroupQuota = gr.Eligible, gr.Overdue, gr.Quota
					d.Threshold, d.HasThreshold = gr.Threshold, gr.HasThreshold
					break
				}
			}
		}
		if visit != nil {
			if k := slices.IndexFunc(visit.Tasks, func(t VisitTask) bool { return t.Task == ti }); k >= 0 {
				d.Selected, d.Mark, d.Target = true, visit.Tasks[k].Mark, visit.Tasks[k].Target
			}
		}
		e.Tasks = append(e.Tasks, d)
	}
	return e, nil
}

// usedBefore returns, per inspector row, the teams they joined before
// visit vi was staffed.
func (r *ResultV2) usedBefore(vi int) []int {
	used := make([]int, len(r.Load))
	for _, w := range r.StaffOrder {
		if w == vi {
			break
		}
		for _, m := range r.Visits[w].Team {
			used[m.Inspector]++
		}
	}
	return used
}

// scopeTerm finds the term of the plan's scope that excludes the row.
func (e *ExplanationV2) scopeTerm(row roster.Row) {
	for _, t := range e.plan.Scope.Include {
		if !t.holds(row) {
			e.ScopeRule, e.ScopeAttr, e.ScopeValue, e.ScopeValues = "include", t.Attr, row.Get(t.Attr), t.Values
			return
		}
	}
	for _, t := range e.plan.Scope.Exclude {
		if t.holds(row) {
			e.ScopeRule, e.ScopeAttr, e.ScopeValue, e.ScopeValues = "exclude", t.Attr, row.Get(t.Attr), t.Values
			return
		}
	}
}

// coveredBy returns the id of the first history row of premises row i
// that covers the task's matter under the coverage rule.
func (r *ResultV2) coveredBy(i, task int) string {
	c, matter := r.Plan.Coverage, r.Plan.Tasks[task].Matter
	for _, h := range r.hist.insp.Of(i) {
		if !r.hist.counts(h, r.Plan.Date, c.Days, c.Kinds) {
			continue
		}
		row := r.hist.table.At(int(h))
		if m := row.Get(roster.AttrMatters); m == "" || slices.Contains(roster.SplitList(m), matter) {
			return row.ID
		}
	}
	return ""
}

// String explains the decisions in plain English, one statement a line.
func (e *ExplanationV2) String() string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	name := e.ID
	if e.Name != "" {
		name += " (" + e.Name + ")"
	}
	switch e.Scope {
	case OutOfScopeStatus:
		line("Premises %s took no part in the draw: its status %q is in the plan's inactive list.", name, e.Status)
		return b.String()
	case OutOfScopeAttr:
		if e.ScopeRule == "include" {
			line("Premises %s took no part in the draw: its %s is %s; the plan's scope includes only %s.", name, e.ScopeAttr, quoteValue(e.ScopeValue), strings.Join(e.ScopeValues, ", "))
		} else {
			line("Premises %s took no part in the draw: its %s is %s, which the plan's scope excludes.", name, e.ScopeAttr, quoteValue(e.ScopeValue))
		}
		return b.String()
	}
	if e.Visit >= 0 {
		line("Premises %s is visited (priority P = %s), once for all the tasks that selected it.", name, FormatPriority(e.Priority))
	} else {
		line("Premises %s is not visited (priority P = %s).", name, FormatPriority(e.Priority))
	}
	if e.Cooling {
		rule := e.plan.Cooldown[e.CoolingRule]
		kinds := "of any kind"
		if rule.Kinds != nil {
			kinds = "of kind " + strings.Join(rule.Kinds, " or ")
		}
		line("It is cooling under cooldown rule %d: %s within %d days before %s (%s), at least %d; it is eligible for no task (targeted entries aside).",
			e.CoolingRule+1, plural(len(e.CoolingRows), "inspection", "inspections")+" "+kinds, rule.Days, e.PlanDate, strings.Join(e.CoolingRows, ", "), rule.Max)
	}
	for _, d := range e.Tasks {
		t := &e.plan.Tasks[d.Task]
		label := "task " + d.ID
		if t.Name != "" {
			label += " (" + t.Name + ")"
		}
		switch {
		case d.Selected && d.Mark == MarkTargeted:
			reason := ""
			if d.Target >= 0 {
				reason = ": " + orNone(e.plan.Targeted[d.Target].Reason)
			}
			line("- %s: selected as targeted, outside the quota; cooldown does not apply%s.", label, reason)
			continue
		case !d.InPool:
			line("- %s: not in its pool (the task's match does not hold).", label)
			continue
		case !d.Eligible:
			line("- %s: in its pool (counted in the ratio's base) but not eligible: cooling.", label)
			continue
		}
		group := "its only group"
		if len(d.Group) > 0 {
			group = "group " + strings.Join(d.Group, " / ")
		}
		w := "W = P"
		if d.Weight > 1 {
			w = fmt.Sprintf("weight %d, W = %s", d.Weight, FormatPriority(d.W))
		}
		over := "not overdue"
		if d.Overdue {
			over = "overdue (no inspection of its matter " + t.Matter + " within the coverage days): ranked before every premises that is not"
		} else if d.CoveredBy != "" {
			over = "not overdue: " + d.CoveredBy + " covers its matter " + t.Matter
		}
		line("- %s: eligible in %s (%d eligible, %d overdue, quota %d); %s; %s; ranked %s.",
			label, group, d.GroupEligible, d.GroupOverdue, d.GroupQuota, over, w, ordinal(d.Rank+1))
		th := "the group selected none at random"
		if d.HasThreshold {
			th = "the group's threshold is " + FormatPriority(d.Threshold)
		}
		switch {
		case d.Selected && d.Mark == MarkOverdue:
			line("  Selected as overdue: within the group's first %d.", d.GroupQuota)
		case d.Selected:
			line("  Selected at random: within the group's first %d; its W is at or before the threshold (%s).", d.GroupQuota, th)
		case d.GroupQuota == 0:
			line("  Not selected: the group's quota is 0.")
		default:
			line("  Not selected: ranked after the group's quota of %d; %s.", d.GroupQuota, th)
		}
	}
	if e.Visit < 0 {
		return b.String()
	}
	slots := make([]string, len(e.Slots))
	for k, s := range e.Slots {
		slots[k] = fmt.Sprintf("%d: %s", k, s.text())
	}
	if len(slots) == 0 {
		slots = []string{"none"}
	}
	mpu := "no max_per_unit"
	if e.MaxPerUnit > 0 {
		mpu = fmt.Sprintf("at most %d per unit", e.MaxPerUnit)
	}
	line("Its team: slots [%s], size %d, %s; %d eligible inspectors.", strings.Join(slots, "; "), e.Size, mpu, e.EligibleCount)
	switch {
	case e.Team != nil:
		ms := make([]string, len(e.Team))
		for k, m := range e.Team {
			if m.Slot >= 0 {
				ms[k] = fmt.Sprintf("%s (slot %d)", m.ID, m.Slot)
			} else {
				ms[k] = m.ID + " (fill-up)"
			}
		}
		line("Team: %s.", strings.Join(ms, ", "))
	case e.Unstaffed == UnstaffedSlot:
		line("Unstaffed (slot): no candidate with capacity left could fill slot %d (%s).", e.FailedSlot, e.Slots[e.FailedSlot].text())
		switch {
		case e.SlotEligible == 0:
			line("Eligibility: none of the %d eligible inspectors fills it.", e.EligibleCount)
		case e.SlotCapacity == 0:
			line("Capacity: %s of the eligible fill it, but none had capacity left when the visit was staffed.", plural(e.SlotEligible, "inspector", "inspectors"))
		default:
			line("Earlier slots and max_per_unit: %s with capacity left fill it, but each was taken by an earlier slot or their unit had reached max_per_unit.", plural(e.SlotCapacity, "inspector", "inspectors"))
		}
	case e.Unstaffed == UnstaffedShort:
		line("Unstaffed (short): %d of the %d eligible had capacity left when the visit was staffed, too few (or too many of one unit under max_per_unit) to reach the size %d.", e.Candidates, e.EligibleCount, e.Size)
	case e.Unstaffed == UnstaffedNoneEligible:
		line("Unstaffed (none_eligible): no inspector is eligible for it.")
	}
	return b.String()
}

// text describes a slot: "unit wsjd, specialty drinking_water".
func (s Slot) text() string {
	var parts []string
	if s.Unit != "" {
		parts = append(parts, "unit "+s.Unit)
	}
	if s.Specialty != "" {
		parts = append(parts, "specialty "+s.Specialty)
	}
	if s.Match != nil {
		parts = append(parts, "where its match holds")
	}
	return strings.Join(parts, ", ")
}

// InspectorExplanationV2 says why an inspector was or was not on the team
// of a premises in a v2 draw. Its String says the same in plain English.
type InspectorExplanationV2 struct {
	Premises, Inspector       string
	PremisesRow, InspectorRow int
	// Eligibility is EligibleInspector or the first rule of protocol v2
	// §6 that excludes the inspector from E(v).
	Eligibility Ineligibility
	// Outcome: on the team, premises not visited, not eligible, visit
	// unstaffed, at capacity, passed over for every slot and the
	// fill-up (Slots says why per slot), or unit limit.
	Outcome InspectorOutcome

	// The facts the rules read.
	Status            string
	CredentialExpires roster.Date
	HasCredential     bool
	PlanDate          roster.Date
	RegionPrefix      int
	Region            string
	PremisesRegion    string
	HomeRegion        string
	Unit              string
	Specialties       []string
	ConflictReason    string      // IneligibleDeclared: the conflicts row's reason ("" when private or absent)
	RotationRecord    string      // IneligibleRotation: the history row
	RotationDate      roster.Date // and its date
	RotationDays      int

	// Q is Q(v, i); Candidate the 0-based position in E(v) in (Q, id)
	// order (-1 when not in it).
	Q         uint64
	Candidate int
	// Slot is the slot the inspector fills on the team (-1: fill-up or
	// not on the team); TeamPosition the position in the team (-1).
	Slot, TeamPosition int
	// Capacity (-1: no limit), Used (teams in the whole draw) and
	// UsedBefore (teams staffed before this visit).
	Capacity, Used, UsedBefore int
	// Slots says, per merged slot of the visit, why the inspector did
	// not fill it (for an eligible inspector with capacity who is not on
	// the team), and Fill why not as a fill-up member.
	Slots []string
	Fill  string
}

// ExplainInspector says why the inspector was or was not on the team of
// the premises in the v2 draw: the eligibility rule that excludes them
// (with the conflict row or the history row), their capacity when the
// visit was staffed, and slot by slot why someone else was taken. It
// fails with a *[LookupError] when either id is unknown.
func (r *ResultV2) ExplainInspector(premises, inspector string) (*InspectorExplanationV2, error) {
	p, i, err := lookupPair(r.Set, premises, inspector)
	if err != nil {
		return nil, err
	}
	plan, prow, irow := r.Plan, r.Set.Premises.At(p), r.Set.Inspectors.At(i)
	in := roster.Inspector{Row: irow}
	e := &InspectorExplanationV2{Premises: premises, Inspector: inspector, PremisesRow: p, InspectorRow: i,
		Eligibility: r.IneligibleV2(p, i), Status: in.Status(), PlanDate: plan.Date, RegionPrefix: plan.Teams.RegionPrefix,
		Region: in.Region(), PremisesRegion: prow.Get(roster.AttrRegion), HomeRegion: in.HomeRegion(), Unit: in.Unit(),
		Specialties: in.Specialties(), RotationDays: plan.Conflicts.RotationDays, Q: r.Key.InspectorKey(premises, inspector),
		Candidate: -1, Slot: -1, TeamPosition: -1, Capacity: r.Load[i].Capacity, Used: r.Load[i].Used}
	e.CredentialExpires, e.HasCredential = in.CredentialExpires()
	switch e.Eligibility {
	case IneligibleDeclared:
		for _, c := range r.Set.Conflicts.Rows() {
			cf := roster.Conflict{Row: c}
			if cf.Inspector() == inspector && cf.Premises() == premises {
				if !plan.Private.Has(roster.KindConflicts, "reason") {
					e.ConflictReason = cf.Reason()
				}
				break
			}
		}
	case IneligibleRotation:
		for _, h := range r.rotationV2(p) {
			row := r.hist.table.At(int(h))
			if (roster.Inspection{Row: row}).HasInspector(inspector) {
				e.RotationRecord, e.RotationDate = row.ID, r.hist.dates[h]
				break
			}
		}
	}
	vi := r.Premises[p].Visit
	if vi < 0 {
		e.Outcome = InspectorPremisesNotSelected
		if e.Eligibility != EligibleInspector {
			e.Outcome = InspectorNotEligible
		}
		return e, nil
	}
	v := &r.Visits[vi]
	e.UsedBefore = r.usedBefore(vi)[i]
	if e.Eligibility != EligibleInspector {
		e.Outcome = InspectorNotEligible
		return e, nil
	}
	eligible := r.allEligible(v)
	e.Candidate = slices.IndexFunc(eligible, func(c Candidate) bool { return c.Inspector == i })
	if k := slices.IndexFunc(v.Team, func(m Member) bool { return m.Inspector == i }); k >= 0 {
		e.Outcome, e.TeamPosition, e.Slot = InspectorOnTeam, k, v.Team[k].Slot
		return e, nil
	}
	if v.Team == nil {
		e.Outcome = InspectorPremisesUnstaffed
		return e, nil
	}
	if e.Capacity >= 0 && e.UsedBefore >= e.Capacity {
		e.Outcome = InspectorAtCapacity
		return e, nil
	}
	// Slot by slot, then the fill-up: who was taken in their place.
	before := func(m Member) bool { // m comes before the inspector in (Q, id) order
		return slices.IndexFunc(eligible, func(c Candidate) bool { return c.Inspector == m.Inspector }) < e.Candidate
	}
	perUnit := map[string]int{}
	ins := r.Set.Inspectors
	for si, s := range v.Slots {
		var taker Member
		for _, m := range v.Team {
			if m.Slot == si {
				taker = m
			}
		}
		switch {
		case !s.fills(in):
			e.Slots = append(e.Slots, fmt.Sprintf("slot %d (%s): not of its unit or without its specialty", si, s.text()))
		case v.MaxPerUnit > 0 && perUnit[e.Unit] >= v.MaxPerUnit:
			e.Slots = append(e.Slots, fmt.Sprintf("slot %d (%s): unit %q already had %d members (max_per_unit)", si, s.text(), e.Unit, v.MaxPerUnit))
		case before(taker):
			e.Slots = append(e.Slots, fmt.Sprintf("slot %d (%s): taken by %s, before them in (Q, id) order", si, s.text(), taker.ID))
		default:
			e.Slots = append(e.Slots, fmt.Sprintf("slot %d (%s): taken by %s", si, s.text(), taker.ID))
		}
		perUnit[roster.Inspector{Row: ins.At(taker.Inspector)}.Unit()]++
	}
	// The fill-up adds candidates in (Q, id) order until the size: at
	// their turn the team held the slot members and the fill-up members
	// before them; either that was the size, or their unit was at
	// max_per_unit.
	atTurn, unitAtTurn := 0, 0
	for _, m := range v.Team {
		if m.Slot >= 0 || before(m) {
			atTurn++
			if (roster.Inspector{Row: ins.At(m.Inspector)}).Unit() == e.Unit {
				unitAtTurn++
			}
		}
	}
	if atTurn >= v.Size {
		e.Fill, e.Outcome = fmt.Sprintf("fill-up: the team had reached its size %d before their turn in (Q, id) order", v.Size), InspectorTeamFull
	} else {
		e.Fill, e.Outcome = fmt.Sprintf("fill-up: unit %q already had %d members (max_per_unit %d)", e.Unit, unitAtTurn, v.MaxPerUnit), InspectorUnitLimit
	}
	return e, nil
}

// String explains in plain English.
func (e *InspectorExplanationV2) String() string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	switch e.Eligibility {
	case EligibleInspector:
		line("Inspector %s is eligible for premises %s (Q = %s).", e.Inspector, e.Premises, FormatPriority(e.Q))
	case IneligibleStatus:
		line("Inspector %s is not eligible for premises %s: status %q is in the plan's inactive list.", e.Inspector, e.Premises, e.Status)
	case IneligibleCredential:
		line("Inspector %s is not eligible for premises %s: the credential expires %s, before the plan date %s.", e.Inspector, e.Premises, e.CredentialExpires, e.PlanDate)
	case IneligibleRegion:
		line("Inspector %s is not eligible for premises %s: region_prefix %d: regions %s and %s are not both at least %d bytes long and equal in their first %d bytes.",
			e.Inspector, e.Premises, e.RegionPrefix, quoteValue(e.Region), quoteValue(e.PremisesRegion), e.RegionPrefix, e.RegionPrefix)
	case IneligibleDeclared:
		reason := ""
		if e.ConflictReason != "" {
			reason = " (" + e.ConflictReason + ")"
		}
		line("Inspector %s is not eligible for premises %s: a declared conflict of interest pairs them%s.", e.Inspector, e.Premises, reason)
	case IneligibleRotation:
		line("Inspector %s is not eligible for premises %s: rotation: history row %s of %s, within the plan's %d rotation days, names them.", e.Inspector, e.Premises, e.RotationRecord, e.RotationDate, e.RotationDays)
	case IneligibleHomeRegion:
		line("Inspector %s is not eligible for premises %s: home_region: their home region %s and the premises' region %s are not both set and different.", e.Inspector, e.Premises, quoteValue(e.HomeRegion), quoteValue(e.PremisesRegion))
	default:
		line("Inspector %s is not eligible for premises %s: %s.", e.Inspector, e.Premises, e.Eligibility)
	}
	switch e.Outcome {
	case InspectorPremisesNotSelected, InspectorNotEligible:
		if e.Outcome == InspectorPremisesNotSelected {
			line("The premises is not visited, so it has no team.")
		}
	case InspectorOnTeam:
		slot := "as a fill-up member"
		if e.Slot >= 0 {
			slot = fmt.Sprintf("in slot %d", e.Slot)
		}
		line("They are on the team, %s (position %d; %s of the eligible in (Q, id) order).", slot, e.TeamPosition+1, ordinal(e.Candidate+1))
	case InspectorPremisesUnstaffed:
		line("The visit is unstaffed: nobody was sent.")
	case InspectorAtCapacity:
		line("They had joined %d teams, their capacity, before this visit was staffed (visits are staffed fewest eligible first).", e.UsedBefore)
	default:
		line("They are %s of the eligible in (Q, id) order, with capacity left, but not on the team:", ordinal(e.Candidate+1))
		for _, s := range e.Slots {
			line("- %s", s)
		}
		line("- %s", e.Fill)
	}
	return b.String()
}
