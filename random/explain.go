package random

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/doublerandom/doublerandom/roster"
)

// Decision is what a draw decided for one premises, as [Explanation]
// reports it.
type Decision uint8

// Decisions, in the order protocol §5 applies its rules.
const (
	DecisionOutOfScope  Decision = iota + 1 // takes no part: status inactive/closed or a scope attribute
	DecisionCooling                         // in scope, excluded by cooldown
	DecisionNoQuotaRule                     // eligible, but no quota rule matches its stratum (k = 0)
	DecisionNotReached                      // eligible, ranked after the stratum's quota k
	DecisionSelected                        // selected: overdue, random or targeted (see Explanation.Mark)
)

// String returns a short name: "out of scope", "cooling down", "no quota
// rule", "not reached", "selected".
func (d Decision) String() string {
	switch d {
	case DecisionOutOfScope:
		return "out of scope"
	case DecisionCooling:
		return "cooling down"
	case DecisionNoQuotaRule:
		return "no quota rule"
	case DecisionNotReached:
		return "not reached"
	case DecisionSelected:
		return "selected"
	}
	return fmt.Sprintf("Decision(%d)", uint8(d))
}

// Explanation says why a premises was or was not selected, with every
// figure a business owner needs to check it against the published
// record. Its String is the same in plain English.
type Explanation struct {
	ID       string
	Row      int // row of the premises table
	Decision Decision
	Mark     Mark // for DecisionSelected: overdue, random or targeted

	// Scope: OutOfScopeNone, or why the premises takes no part.
	Scope  OutOfScope
	Status string // the premises' status attribute ("" when absent)
	// For OutOfScopeAttr: the scope attribute, the premises' value of
	// it ("" when absent) and the values the plan allows.
	ScopeAttr   string
	ScopeValue  string
	ScopeValues []string

	// Inspections lists the dates of the premises' past inspections in
	// the history table, oldest first.
	Inspections []roster.Date
	// Cooldown: the plan's rule (0, 0 when off), the inspections within
	// its days, and whether they exclude the premises.
	CooldownDays int
	CooldownMax  int
	Recent       int
	Cooling      bool
	// Coverage: the plan's coverage_days (0 when off) and whether the
	// premises is overdue (not inspected within them).
	CoverageDays int
	Overdue      bool
	// PlanDate is the plan's reference day for every "within D days".
	PlanDate roster.Date

	// Stratum is the index in Result.Strata, -1 when out of scope.
	// Stratify names the plan's stratify attributes and StratumValues
	// the premises' values of them.
	Stratum       int
	Stratify      []string
	StratumValues []string
	// Eligible is the stratum's n, Quota its k, QuotaRule the index of
	// the quota rule that matched it (-1 when none did), and
	// OverdueEligible the number of overdue premises among its n.
	Eligible        int
	Quota           int
	QuotaRule       int
	OverdueEligible int
	// Rank is the 0-based position in the stratum's rank order
	// (overdue first, then priority, then id); -1 when not eligible.
	Rank int
	// Priority is P(p); 0 when out of scope (it took no part).
	Priority uint64
	// Threshold is the priority of the last premises of the stratum
	// selected as random; HasThreshold is false when there is none.
	Threshold    uint64
	HasThreshold bool

	// Target is the index in Plan.Targeted when the plan names the
	// premises (whatever its mark), else -1; TargetReason is its reason.
	Target       int
	TargetReason string

	// For a selected premises: the team rule (-1 when none matched) and
	// its size, |E(p)|, and the team (ids in the order added) or why
	// there is none.
	TeamRule           int
	TeamSize           int
	EligibleInspectors int
	Team               []string
	Unstaffed          UnstaffedReason
	MissingUnit        string
}

// Explain says why the premises with the given id was or was not
// selected. It fails with a *[LookupError] ([ErrUnknownPremises]) when
// the id is not in the premises table.
func (r *Result) Explain(id string) (*Explanation, error) {
	i := r.Set.Premises.Index(id)
	if i < 0 {
		return nil, unknownPremises(id)
	}
	plan, row, o := r.Plan, r.Set.Premises.At(i), r.Premises[i]
	e := &Explanation{
		ID:           id,
		Row:          i,
		Scope:        o.Scope,
		Status:       row.Get(roster.AttrStatus),
		CooldownDays: plan.Cooldown.Days,
		CooldownMax:  plan.Cooldown.Max,
		Recent:       int(o.Recent),
		Cooling:      o.Cooling,
		CoverageDays: plan.CoverageDays,
		Overdue:      o.Overdue,
		PlanDate:     plan.Date,
		Stratum:      int(o.Stratum),
		Stratify:     slices.Clone(plan.Stratify),
		QuotaRule:    -1,
		Rank:         int(o.Rank),
		Priority:     o.Priority,
		Target:       -1,
		TeamRule:     -1,
	}
	if !plan.Cooldown.On() {
		e.CooldownDays, e.CooldownMax = 0, 0
	}
	for _, h := range r.Set.History.Rows() {
		insp := roster.Inspection{Row: h}
		if insp.Premises() == id {
			if d, ok := insp.Date(); ok {
				e.Inspections = append(e.Inspections, d)
			}
		}
	}
	slices.Sort(e.Inspections)
	for t, target := range plan.Targeted {
		if target.ID == id {
			e.Target, e.TargetReason = t, target.Reason
		}
	}
	if o.Scope != OutOfScopeNone {
		e.Decision = DecisionOutOfScope
		e.Overdue = false
		if o.Scope == OutOfScopeAttr && o.ScopeRule >= 0 {
			s := plan.Scope[o.ScopeRule]
			e.ScopeAttr, e.ScopeValue, e.ScopeValues = s.Attr, row.Get(s.Attr), slices.Clone(s.Values)
		}
		return e, nil
	}
	st := &r.Strata[o.Stratum]
	e.StratumValues = slices.Clone(st.Values)
	e.Eligible, e.Quota, e.QuotaRule = st.Eligible, st.Quota, st.Rule
	e.Threshold, e.HasThreshold = st.Threshold, st.HasThreshold
	for _, k := range st.Ranked {
		if r.Premises[k].Overdue {
			e.OverdueEligible++
		}
	}
	switch {
	case o.Selected >= 0:
		e.Decision = DecisionSelected
		s := &r.Selected[o.Selected]
		e.Mark = s.Mark
		e.TeamRule = s.Rule
		if s.Rule >= 0 {
			e.TeamSize = plan.Teams[s.Rule].Size
		}
		e.EligibleInspectors = s.EligibleCount
		if s.Team != nil {
			e.Team = s.TeamIDs()
		}
		e.Unstaffed, e.MissingUnit = s.Unstaffed, s.MissingUnit
	case o.Cooling:
		e.Decision = DecisionCooling
	case st.NoQuotaRule():
		e.Decision = DecisionNoQuotaRule
	default:
		e.Decision = DecisionNotReached
	}
	return e, nil
}

// String explains the decision in plain English, one statement a line.
func (e *Explanation) String() string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	switch e.Decision {
	case DecisionOutOfScope:
		line("Premises %s took no part in the draw: it is out of the plan's scope.", e.ID)
		if e.Scope == OutOfScopeStatus {
			line("Its status is %q; premises whose status is inactive or closed are not drawn.", e.Status)
		} else {
			line("Its %s is %s; the plan draws only premises whose %s is one of: %s.",
				e.ScopeAttr, quoteValue(e.ScopeValue), e.ScopeAttr, strings.Join(e.ScopeValues, ", "))
		}
		return b.String()
	case DecisionCooling:
		line("Premises %s was not selected: it is cooling down.", e.ID)
	case DecisionNoQuotaRule:
		line("Premises %s was not selected: no quota rule of the plan matches its stratum, so the stratum's quota is 0.", e.ID)
	case DecisionNotReached:
		line("Premises %s was not selected: it ranked %s of %d in its stratum and the quota is %d.", e.ID, ordinal(e.Rank+1), e.Eligible, e.Quota)
	case DecisionSelected:
		switch e.Mark {
		case MarkOverdue:
			line("Premises %s was selected because it is overdue: it was not inspected within the last %d days.", e.ID, e.CoverageDays)
		case MarkRandom:
			line("Premises %s was selected at random, by its priority.", e.ID)
		case MarkTargeted:
			line("Premises %s was selected because the plan names it (targeted, outside the quota): %s.", e.ID, orNone(e.TargetReason))
		}
	}

	counted := ""
	if e.Cooling {
		counted = ", not counting it"
	}
	line("Its stratum is %s: %s eligible%s, quota %d%s.", e.stratumText(), plural(e.Eligible, "premises", "premises"), counted, e.Quota, e.quotaRuleText())
	if e.Cooling {
		var recent []roster.Date
		for _, d := range e.Inspections {
			if d.Within(e.PlanDate, e.CooldownDays) {
				recent = append(recent, d)
			}
		}
		line("It was inspected %s within the last %d days (%s); the plan excludes premises inspected at least %s within %d days.",
			plural(e.Recent, "time", "times"), e.CooldownDays, datesText(recent), plural(e.CooldownMax, "time", "times"), e.CooldownDays)
		if e.Target >= 0 {
			line("Cooldown does not apply to a targeted premises.")
		}
	}
	if e.CoverageDays > 0 {
		if e.Overdue {
			line("It is overdue: not inspected within the last %d days (%s). Overdue premises rank first in their stratum; %d of the %s eligible %s overdue.",
				e.CoverageDays, lastText(e.Inspections), e.OverdueEligible, plural(e.Eligible, "premises", "premises"), isAre(e.OverdueEligible))
		} else {
			line("It is not overdue: it was inspected within the last %d days (%s).", e.CoverageDays, lastText(e.Inspections))
		}
	}
	line("Its priority is %s (anyone can recompute it from the draw key and the id).", FormatPriority(e.Priority))
	if e.Rank >= 0 {
		e.rankText(line)
	}
	if e.Target >= 0 && e.Mark != MarkTargeted {
		line("The plan also names it as targeted (%s); it was already selected within the quota.", orNone(e.TargetReason))
	}
	if e.Decision == DecisionSelected {
		switch {
		case e.Unstaffed == Staffed:
			line("Its team (team rule %d): %s, chosen from %s.", e.TeamRule, strings.Join(e.Team, ", "), plural(e.EligibleInspectors, "eligible inspector", "eligible inspectors"))
		case e.Unstaffed == UnstaffedNoTeamRule:
			line("It has no team: %s.", e.Unstaffed)
		default:
			unit := ""
			if e.MissingUnit != "" {
				unit = " (unit " + e.MissingUnit + ")"
			}
			line("It has no team: %s%s. Team rule %d asks for %s; %s eligible.",
				e.Unstaffed, unit, e.TeamRule, plural(e.TeamSize, "inspector", "inspectors"), plural(e.EligibleInspectors, "inspector is", "inspectors are"))
		}
	}
	return b.String()
}

// rankText explains the rank and the priority against the threshold.
func (e *Explanation) rankText(line func(string, ...any)) {
	th := "nothing was selected at random in this stratum, so it has no threshold"
	if e.HasThreshold {
		th = "the stratum's threshold (the priority of the last premises selected at random) is " + FormatPriority(e.Threshold)
	}
	switch {
	case e.Decision == DecisionSelected && e.Mark == MarkRandom:
		line("It ranked %s of %d, within the quota of %d; %s, and its priority is at or below it.", ordinal(e.Rank+1), e.Eligible, e.Quota, th)
	case e.Decision == DecisionSelected && e.Mark == MarkOverdue:
		line("It ranked %s of %d, within the quota of %d; %s.", ordinal(e.Rank+1), e.Eligible, e.Quota, th)
	case e.Decision == DecisionSelected:
		line("In its stratum it ranked %s of %d and the quota is %d.", ordinal(e.Rank+1), e.Eligible, e.Quota)
	case e.Decision == DecisionNotReached && e.Overdue:
		line("It is overdue, but %d premises of its stratum are, more than the quota of %d, and overdue premises rank among themselves by priority; %s.", e.OverdueEligible, e.Quota, th)
	case e.Decision == DecisionNotReached && !e.HasThreshold:
		line("The quota of %d went entirely to overdue premises; %s.", e.Quota, th)
	case e.Decision == DecisionNotReached:
		line("Its priority %s is above the threshold %s (the priority of the last premises selected at random).", FormatPriority(e.Priority), FormatPriority(e.Threshold))
	}
}

func (e *Explanation) stratumText() string {
	if len(e.Stratify) == 0 {
		return "the whole roster (the plan does not stratify)"
	}
	parts := make([]string, len(e.Stratify))
	for i, a := range e.Stratify {
		parts[i] = a + " " + quoteValue(e.StratumValues[i])
	}
	return strings.Join(parts, ", ")
}

func (e *Explanation) quotaRuleText() string {
	if e.QuotaRule < 0 {
		return " (no quota rule matches)"
	}
	return fmt.Sprintf(" (quota rule %d)", e.QuotaRule)
}

func quoteValue(v string) string {
	if v == "" {
		return "(none)"
	}
	return v
}

// plural writes "1 inspector" or "2 inspectors".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}

func isAre(n int) string {
	if n == 1 {
		return "is"
	}
	return "are"
}

func orNone(s string) string {
	if s == "" {
		return "no reason given"
	}
	return s
}

func datesText(ds []roster.Date) string {
	if len(ds) == 0 {
		return "never"
	}
	parts := make([]string, len(ds))
	for i, d := range ds {
		parts[i] = d.String()
	}
	return "inspected on " + strings.Join(parts, ", ")
}

func lastText(ds []roster.Date) string {
	if len(ds) == 0 {
		return "it has never been inspected"
	}
	return "last inspected on " + ds[len(ds)-1].String()
}

// ordinal writes 1st, 2nd, 3rd, 4th, 11th, 21st, ….
func ordinal(n int) string {
	suffix := "th"
	switch n % 100 {
	case 11, 12, 13:
	default:
		switch n % 10 {
		case 1:
			suffix = "st"
		case 2:
			suffix = "nd"
		case 3:
			suffix = "rd"
		}
	}
	return strconv.Itoa(n) + suffix
}

// InspectorOutcome says whether an inspector joined a premises' team,
// and if not why, as [InspectorExplanation] reports it.
type InspectorOutcome uint8

// Outcomes of an inspector for one premises.
const (
	InspectorOnTeam              InspectorOutcome = iota + 1 // a member of the team
	InspectorPremisesNotSelected                             // the premises was not selected: no team
	InspectorNotEligible                                     // not in E(p): see Eligibility
	InspectorPremisesUnstaffed                               // eligible, but the premises got no team
	InspectorAtCapacity                                      // eligible, but at capacity when the premises was staffed
	InspectorTeamFull                                        // eligible with capacity, but the team was full before their turn in (Q, id) order
	InspectorUnitLimit                                       // eligible with capacity, but their unit already had max_per_unit members
)

// String describes the outcome in words.
func (o InspectorOutcome) String() string {
	switch o {
	case InspectorOnTeam:
		return "on the team"
	case InspectorPremisesNotSelected:
		return "the premises was not selected, so it has no team"
	case InspectorNotEligible:
		return "not eligible"
	case InspectorPremisesUnstaffed:
		return "eligible, but the premises got no team"
	case InspectorAtCapacity:
		return "eligible, but at capacity when the premises was staffed"
	case InspectorTeamFull:
		return "eligible, but the team was full before their turn in (Q, id) order"
	case InspectorUnitLimit:
		return "eligible, but their unit already had max_per_unit members in the team"
	}
	return fmt.Sprintf("InspectorOutcome(%d)", uint8(o))
}

// InspectorExplanation says why an inspector was or was not eligible
// for a premises and whether they joined its team. Its String is the
// same in plain English.
type InspectorExplanation struct {
	Premises     string
	Inspector    string
	PremisesRow  int
	InspectorRow int
	// Selected reports that the premises was selected.
	Selected bool
	// Rule is the index in Plan.Teams of the premises' team rule, -1
	// when none matches.
	Rule int
	// Eligibility is EligibleInspector, or the first rule of protocol §6
	// that excludes the inspector ([Result.WhyIneligible]).
	Eligibility Ineligibility
	Outcome     InspectorOutcome

	// The facts the eligibility rules read.
	Status            string      // the inspector's status attribute
	CredentialExpires roster.Date // valid when HasCredential
	HasCredential     bool
	PlanDate          roster.Date
	Specialty         string   // the rule's required specialty, "" for none
	Specialties       []string // the inspector's specialties
	RegionPrefix      int      // the rule's region_prefix
	Region            string   // the inspector's region
	PremisesRegion    string
	HomeRegion        string
	ConflictReason    string      // IneligibleDeclared: the conflicts row's reason
	RotationRecord    string      // IneligibleRotation: the history row
	RotationDate      roster.Date // and its date
	RotationDays      int         // the plan's rotation_days

	// Q is the inspector key Q(p, i); Candidate the 0-based position in
	// E(p) in (Q, id) order, -1 when not in E(p) or the premises was not
	// selected.
	Q         uint64
	Candidate int
	// TeamPosition is the 0-based position in the team, -1 when not on it.
	TeamPosition int
	// Capacity is the inspector's capacity (-1: no limit), Used the
	// teams the draw gave them, UsedBefore those staffed before this
	// premises (premises are staffed most constrained first).
	Capacity   int
	Used       int
	UsedBefore int
}

// ExplainInspector says why the inspector was or was not eligible for
// the premises, whether they joined its team, their capacity and their
// inspector key Q for it. It works for any premises and inspector of the
// roster; it fails with a *[LookupError] when either id is unknown.
func (r *Result) ExplainInspector(premises, inspector string) (*InspectorExplanation, error) {
	p, i, err := lookupPair(r.Set, premises, inspector)
	if err != nil {
		return nil, err
	}
	plan := r.Plan
	prow := r.Set.Premises.At(p)
	in := roster.Inspector{Row: r.Set.Inspectors.At(i)}
	e := &InspectorExplanation{
		Premises:       premises,
		Inspector:      inspector,
		PremisesRow:    p,
		InspectorRow:   i,
		Rule:           -1,
		Eligibility:    r.WhyIneligible(p, i),
		Status:         in.Status(),
		PlanDate:       plan.Date,
		Specialties:    in.Specialties(),
		Region:         in.Region(),
		PremisesRegion: prow.Get(roster.AttrRegion),
		HomeRegion:     in.HomeRegion(),
		RotationDays:   plan.Conflicts.RotationDays,
		Q:              r.Key.InspectorKey(premises, inspector),
		Candidate:      -1,
		TeamPosition:   -1,
		Capacity:       r.Load[i].Capacity,
		Used:           r.Load[i].Used,
	}
	e.CredentialExpires, e.HasCredential = in.CredentialExpires()
	for t := range plan.Teams {
		if plan.Teams[t].Match.Holds(prow) {
			e.Rule = t
			e.Specialty = plan.Teams[t].Specialty
			e.RegionPrefix = plan.Teams[t].RegionPrefix
			break
		}
	}
	switch e.Eligibility {
	case IneligibleDeclared:
		for _, c := range r.Set.Conflicts.Rows() {
			cf := roster.Conflict{Row: c}
			if cf.Inspector() == inspector && cf.Premises() == premises {
				e.ConflictReason = cf.Reason()
				break
			}
		}
	case IneligibleRotation:
		for _, h := range r.Set.History.Rows() {
			hi := roster.Inspection{Row: h}
			d, _ := hi.Date()
			if hi.Premises() == premises && hi.HasInspector(inspector) && d.Within(plan.Date, plan.Conflicts.RotationDays) {
				e.RotationRecord, e.RotationDate = h.ID, d
				break
			}
		}
	}

	si := int(r.Premises[p].Selected)
	if si < 0 {
		e.Outcome = InspectorPremisesNotSelected
		if e.Eligibility != EligibleInspector {
			e.Outcome = InspectorNotEligible
		}
		return e, nil
	}
	e.Selected = true
	sel := &r.Selected[si]
	for _, k := range r.StaffOrder {
		if k == si {
			break
		}
		if slices.ContainsFunc(r.Selected[k].Team, func(c Candidate) bool { return c.Inspector == i }) {
			e.UsedBefore++
		}
	}
	elig := r.selectionEligible(sel) // all of E(p), not the kept prefix
	e.Candidate = slices.IndexFunc(elig, func(c Candidate) bool { return c.Inspector == i })
	e.TeamPosition = slices.IndexFunc(sel.Team, func(c Candidate) bool { return c.Inspector == i })
	switch {
	case e.TeamPosition >= 0:
		e.Outcome = InspectorOnTeam
	case e.Eligibility != EligibleInspector:
		e.Outcome = InspectorNotEligible
	case sel.Team == nil:
		e.Outcome = InspectorPremisesUnstaffed
	case e.Capacity >= 0 && e.UsedBefore >= e.Capacity:
		e.Outcome = InspectorAtCapacity
	default:
		// The fill step of protocol §6 reached this inspector with the
		// unit-step members (the first len(units) of a staffed team) and
		// the fill members ranked before them already in the team.
		rule := &plan.Teams[sel.Rule]
		n := len(rule.Units)
		for _, m := range sel.Team[len(rule.Units):] {
			if slices.IndexFunc(elig, func(c Candidate) bool { return c.Inspector == m.Inspector }) < e.Candidate {
				n++
			}
		}
		e.Outcome = InspectorTeamFull
		if n < rule.Size {
			e.Outcome = InspectorUnitLimit
		}
	}
	return e, nil
}

// String explains the inspector's eligibility and team outcome in plain
// English, one statement a line.
func (e *InspectorExplanation) String() string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	if e.Eligibility == EligibleInspector {
		line("Inspector %s is eligible for premises %s under team rule %d.", e.Inspector, e.Premises, e.Rule)
	} else {
		line("Inspector %s is not eligible for premises %s: %s.", e.Inspector, e.Premises, e.Eligibility)
		switch e.Eligibility {
		case IneligibleStatus:
			line("Their status is %q.", e.Status)
		case IneligibleCredential:
			line("Their credential expires on %s, before the plan date %s.", e.CredentialExpires, e.PlanDate)
		case IneligibleSpecialty:
			line("Team rule %d requires the specialty %q; theirs: %s.", e.Rule, e.Specialty, orNone(strings.Join(e.Specialties, ", ")))
		case IneligibleRegion:
			line("Team rule %d requires the first %d bytes of the regions to agree: inspector %s, premises %s.",
				e.Rule, e.RegionPrefix, quoteValue(e.Region), quoteValue(e.PremisesRegion))
		case IneligibleDeclared:
			line("A declared conflict pairs them with the premises (reason: %s).", orNone(e.ConflictReason))
		case IneligibleRotation:
			line("They inspected it on %s (record %s), within the plan's rotation of %d days.", e.RotationDate, e.RotationRecord, e.RotationDays)
		case IneligibleHomeRegion:
			line("Their home region %s is the premises' region.", e.HomeRegion)
		}
	}
	line("Their inspector key for this premises is Q = %s.", FormatPriority(e.Q))
	switch e.Outcome {
	case InspectorOnTeam:
		line("They are on the team (member %d; the %s eligible inspector in (Q, id) order).", e.TeamPosition+1, ordinal(e.Candidate+1))
	case InspectorNotEligible:
		if !e.Selected {
			line("The premises was not selected, so it has no team.")
		}
	case InspectorPremisesNotSelected:
		line("The premises was not selected, so it has no team.")
	case InspectorAtCapacity:
		line("They are the %s eligible inspector in (Q, id) order, but had already joined %d teams, their capacity, when this premises was staffed.", ordinal(e.Candidate+1), e.UsedBefore)
	case InspectorPremisesUnstaffed:
		line("The premises got no team, so no inspector joined it.")
	default:
		line("They are the %s eligible inspector in (Q, id) order, but not on the team: %s.", ordinal(e.Candidate+1), e.Outcome)
	}
	if e.Capacity < 0 {
		line("Capacity: no limit; the draw gave them %d teams.", e.Used)
	} else {
		line("Capacity: %d teams; the draw gave them %d, %d left.", e.Capacity, e.Used, e.Capacity-e.Used)
	}
	return b.String()
}

// lookupPair returns the rows of a premises and an inspector of set
// (ExplainInspector of both protocols), or a *LookupError for the first
// unknown id.
func lookupPair(set *roster.Set, premises, inspector string) (p, i int, err error) {
	p = set.Premises.Index(premises)
	if p < 0 {
		return 0, 0, unknownPremises(premises)
	}
	i = set.Inspectors.Index(inspector)
	if i < 0 {
		return 0, 0, unknownInspector(inspector)
	}
	return p, i, nil
}
