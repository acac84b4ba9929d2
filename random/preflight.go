package random

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/roster"
)

// PreflightReport is what can be known about a draw before its seed
// exists: everything in protocol §§5–6 that does not depend on
// priorities. [Preflight] makes it so that a plan's gaps (a stratum no
// quota rule matches, a team rule nobody can staff, too little capacity)
// are found before the announcement fixes the plan, not after the draw.
// All figures are whole numbers.
type PreflightReport struct {
	PlanDigest roster.Hash
	PlanID     string
	PlanDate   roster.Date

	// Premises rows, those in scope, and those in scope excluded by
	// cooldown.
	Premises int
	InScope  int
	Cooling  int

	// Strata are the strata with their n and k, exactly as the draw
	// will have them (neither depends on the seed), in the draw's order.
	Strata []PreflightStratum
	// NoQuotaRule lists the indexes in Strata of the strata no quota
	// rule matches (their k is 0).
	NoQuotaRule []int
	// QuotaTotal is the sum of the strata's k; Targeted the number of
	// targeted premises; MaxSelected = QuotaTotal + Targeted bounds the
	// number of selected premises (a targeted premises selected within
	// its quota counts once).
	QuotaTotal  int
	Targeted    int
	MaxSelected int

	// Teams has one entry per team rule of the plan, in plan order.
	Teams []PreflightTeam
	// NoTeamRule counts the premises that could be selected which no
	// team rule matches (they would be unstaffed).
	NoTeamRule int
	// Thin lists, in id order, the premises that could be selected and
	// have fewer eligible inspectors (|E(p)|, which does not depend on
	// the seed) than their team rule's size: they would be unstaffed
	// whatever the seed. Empty counts those with E(p) empty.
	Thin  []ThinPremises
	Empty int

	// TotalDemand is the sum over team rules of MaxTeams × size;
	// TotalCapacity the capacity of the active inspectors whose
	// credential is valid on the plan date (Unlimited when one of them
	// has no limit).
	TotalDemand   int
	TotalCapacity int
	Unlimited     bool
}

// PreflightStratum is one stratum of a [PreflightReport].
type PreflightStratum struct {
	Values   []string // the stratify attributes' values
	Eligible int      // n
	Excluded int      // in scope, excluded by cooldown
	Rule     int      // the quota rule that matches, -1 when none does
	Quota    int      // k
}

// PreflightTeam is what a [PreflightReport] knows about one team rule.
// "Could be selected" means: in scope, and either targeted or not
// cooling down in a stratum whose k is above 0.
type PreflightTeam struct {
	Rule int // index in Plan.Teams
	Size int
	// Candidates counts the inspectors that pass the rule's tests that
	// do not depend on the premises: active, credential valid on the
	// plan date, the rule's specialty. (region_prefix, declared
	// conflicts, rotation and home_region depend on the premises.)
	Candidates int
	// MaxTeam is the largest team the candidates can form under
	// max_per_unit.
	MaxTeam int
	// Units has one entry per distinct required unit, in rule order.
	Units []UnitSupply
	// Staffable is false when no premises could ever get a team under
	// this rule: MaxTeam < Size, or too few candidates of a required unit.
	Staffable bool
	// Premises counts the premises that could be selected whose first
	// matching team rule is this one.
	Premises int
	// MaxTeams bounds the number of teams the rule will staff: over the
	// strata, the smaller of k and the number of eligible premises of
	// the stratum it matches, plus the targeted premises it matches.
	MaxTeams int
	// Demand = MaxTeams × Size places on teams; Capacity the total
	// capacity of the candidates (Unlimited when one has no limit).
	// Capacity is shared between rules, so Enough (Unlimited or
	// Capacity ≥ Demand) is necessary, not sufficient.
	Demand    int
	Capacity  int
	Unlimited bool
	Enough    bool
	// Thin counts the premises of Premises with |E(p)| < Size.
	Thin int
}

// UnitSupply is a required unit of a team rule: how many members of it
// a team needs, the rule's candidates of that unit, and their capacity
// against MaxTeams × Need.
type UnitSupply struct {
	Unit       string
	Need       int
	Candidates int
	Demand     int
	Capacity   int
	Unlimited  bool
	Enough     bool
}

// ThinPremises is a premises that could be selected with fewer eligible
// inspectors than its team needs.
type ThinPremises struct {
	ID       string
	Rule     int // its team rule
	Size     int // the rule's size
	Eligible int // |E(p)|
}

// preflightSeed is the seed of the throw-away draw Preflight runs to
// get the figures that do not depend on the seed. Nothing of that draw
// that depends on the seed is reported.
var preflightSeed = []byte("doublerandom/v1/preflight: no seed yet")

// Preflight checks a plan against its tables before a seed exists
// (before the announcement): the strata and their quotas, the strata no
// quota rule matches, a bound on the selections, the team rules nobody
// can staff, the worst-case demand on each rule's capacity, and the
// premises that could be selected but have too few eligible inspectors.
// It fails, like [Draw], when the plan does not fit the tables
// ([Plan.Check]). The report does not depend on row order.
func Preflight(plan *Plan, set *roster.Set) (*PreflightReport, error) {
	if plan == nil || set == nil {
		return nil, errors.New("random: preflight needs a plan and tables")
	}
	// The strata, n, k, cooldown and overdue do not depend on the seed:
	// take them from a draw with a fixed seed, by the same code.
	r, err := Draw(context.Background(), plan, set, preflightSeed, Options{Workers: 1})
	if err != nil {
		return nil, err
	}
	rep := &PreflightReport{
		PlanDigest: plan.Digest(),
		PlanID:     plan.ID,
		PlanDate:   plan.Date,
		Premises:   set.Premises.Len(),
		Targeted:   len(plan.Targeted),
	}
	for _, o := range r.Premises {
		if o.Scope == OutOfScopeNone {
			rep.InScope++
			if o.Cooling {
				rep.Cooling++
			}
		}
	}
	for si := range r.Strata {
		st := &r.Strata[si]
		rep.Strata = append(rep.Strata, PreflightStratum{
			Values: slices.Clone(st.Values), Eligible: st.Eligible, Excluded: st.Excluded, Rule: st.Rule, Quota: st.Quota,
		})
		if st.NoQuotaRule() {
			rep.NoQuotaRule = append(rep.NoQuotaRule, si)
		}
		rep.QuotaTotal += st.Quota
	}
	rep.MaxSelected = rep.QuotaTotal + rep.Targeted

	pf := newPreflightPool(r)
	for t := range plan.Teams {
		rep.Teams = append(rep.Teams, pf.team(t))
	}
	for _, row := range set.Inspectors.Rows() {
		if pf.valid(row) {
			i := set.Inspectors.Index(row.ID)
			if c := r.Load[i].Capacity; c < 0 {
				rep.Unlimited = true
			} else {
				rep.TotalCapacity += c
			}
		}
	}

	// Premises that could be selected: count them per team rule, bound
	// the teams per stratum, and find those with a thin E(p).
	targeted := map[string]bool{}
	for _, t := range plan.Targeted {
		targeted[t.ID] = true
	}
	perStratum := make([][]int, len(r.Strata)) // per stratum, eligible premises per team rule
	for p, o := range r.Premises {
		if o.Scope != OutOfScopeNone {
			continue
		}
		row := set.Premises.At(p)
		st := &r.Strata[o.Stratum]
		inQuota := !o.Cooling && st.Quota > 0
		if !inQuota && !targeted[row.ID] {
			continue
		}
		t := teamRuleOf(plan, row)
		if t < 0 {
			rep.NoTeamRule++
			continue
		}
		tr := &rep.Teams[t]
		tr.Premises++
		if inQuota {
			if perStratum[o.Stratum] == nil {
				perStratum[o.Stratum] = make([]int, len(plan.Teams))
			}
			perStratum[o.Stratum][t]++
		}
		if targeted[row.ID] {
			tr.MaxTeams++
		}
		if n := pf.eligible(t, row); n < tr.Size {
			tr.Thin++
			rep.Thin = append(rep.Thin, ThinPremises{ID: row.ID, Rule: t, Size: tr.Size, Eligible: n})
			if n == 0 {
				rep.Empty++
			}
		}
	}
	for si, counts := range perStratum {
		for t, c := range counts {
			rep.Teams[t].MaxTeams += min(c, r.Strata[si].Quota)
		}
	}
	for t := range rep.Teams {
		tr := &rep.Teams[t]
		tr.Demand = tr.MaxTeams * tr.Size
		tr.Enough = tr.Unlimited || tr.Capacity >= tr.Demand
		for u := range tr.Units {
			us := &tr.Units[u]
			us.Demand = tr.MaxTeams * us.Need
			us.Enough = us.Unlimited || us.Capacity >= us.Demand
		}
		rep.TotalDemand += tr.Demand
	}
	return rep, nil
}

// teamRuleOf returns the index of the first team rule holding for a
// premises, or -1.
func teamRuleOf(plan *Plan, row roster.Row) int {
	for t := range plan.Teams {
		if plan.Teams[t].Match.Holds(row) {
			return t
		}
	}
	return -1
}

// preflightPool counts |E(p)| without going through every (premises,
// inspector) pair: the inspectors that pass the tests independent of
// the premises are found once per rule, those that also pass the tests
// that depend only on the premises' region once per (rule, region), and
// declared conflicts and rotation are subtracted per premises.
type preflightPool struct {
	r      *Result
	base   [][]int                 // per rule, inspector rows passing status, credential, specialty
	groups map[string]map[int]bool // rule + "\x00" + region → inspector rows in the group
	// per premises id: inspector rows excluded by a declared conflict or
	// by rotation
	excluded map[string][]int
}

func newPreflightPool(r *Result) *preflightPool {
	plan, insp := r.Plan, r.Set.Inspectors
	pf := &preflightPool{r: r, groups: map[string]map[int]bool{}, excluded: map[string][]int{}}
	for t := range plan.Teams {
		var rows []int
		for i, row := range insp.Rows() {
			if pf.valid(row) && (plan.Teams[t].Specialty == "" || (roster.Inspector{Row: row}).HasSpecialty(plan.Teams[t].Specialty)) {
				rows = append(rows, i)
			}
		}
		pf.base = append(pf.base, rows)
	}
	if plan.Conflicts.Declared {
		for _, c := range r.Set.Conflicts.Rows() {
			cf := roster.Conflict{Row: c}
			if i := insp.Index(cf.Inspector()); i >= 0 {
				pf.excluded[cf.Premises()] = append(pf.excluded[cf.Premises()], i)
			}
		}
	}
	if days := plan.Conflicts.RotationDays; days > 0 {
		for _, h := range r.Set.History.Rows() {
			hi := roster.Inspection{Row: h}
			if d, ok := hi.Date(); !ok || !d.Within(plan.Date, days) {
				continue
			}
			for _, id := range hi.Inspectors() {
				if i := insp.Index(id); i >= 0 {
					pf.excluded[hi.Premises()] = append(pf.excluded[hi.Premises()], i)
				}
			}
		}
	}
	return pf
}

// valid reports whether an inspector is active with a credential valid
// on the plan date.
func (pf *preflightPool) valid(row roster.Row) bool {
	in := roster.Inspector{Row: row}
	if !in.Active() {
		return false
	}
	exp, ok := in.CredentialExpires()
	return !ok || exp >= pf.r.Plan.Date
}

// team fills in what a rule's candidates can do, before any premises.
func (pf *preflightPool) team(t int) PreflightTeam {
	rule := &pf.r.Plan.Teams[t]
	tr := PreflightTeam{Rule: t, Size: rule.Size, Candidates: len(pf.base[t])}
	perUnit := map[string]int{}
	var units []string // distinct units of the candidates, in first-seen order
	for _, i := range pf.base[t] {
		u := pf.r.Set.Inspectors.At(i).Get(roster.AttrUnit)
		if perUnit[u] == 0 {
			units = append(units, u)
		}
		perUnit[u]++
		if c := pf.r.Load[i].Capacity; c < 0 {
			tr.Unlimited = true
		} else {
			tr.Capacity += c
		}
	}
	for _, u := range units {
		n := perUnit[u]
		if rule.MaxPerUnit > 0 {
			n = min(n, rule.MaxPerUnit)
		}
		tr.MaxTeam += n
	}
	tr.Staffable = tr.MaxTeam >= rule.Size
	for _, u := range rule.Units {
		if slices.ContainsFunc(tr.Units, func(s UnitSupply) bool { return s.Unit == u }) {
			continue
		}
		us := UnitSupply{Unit: u, Need: countOf(rule.Units, u), Candidates: perUnit[u]}
		for _, i := range pf.base[t] {
			if pf.r.Set.Inspectors.At(i).Get(roster.AttrUnit) != u {
				continue
			}
			if c := pf.r.Load[i].Capacity; c < 0 {
				us.Unlimited = true
			} else {
				us.Capacity += c
			}
		}
		if us.Candidates < us.Need {
			tr.Staffable = false
		}
		tr.Units = append(tr.Units, us)
	}
	return tr
}

// eligible returns |E(p)| for a premises whose team rule is t.
func (pf *preflightPool) eligible(t int, p roster.Row) int {
	plan := pf.r.Plan
	rule := &plan.Teams[t]
	region := p.Get(roster.AttrRegion)
	key := fmt.Sprintf("%d\x00%s", t, region)
	g, ok := pf.groups[key]
	if !ok {
		g = map[int]bool{}
		for _, i := range pf.base[t] {
			in := roster.Inspector{Row: pf.r.Set.Inspectors.At(i)}
			if l := rule.RegionPrefix; l > 0 {
				ir := in.Region()
				if len(ir) < l || len(region) < l || ir[:l] != region[:l] {
					continue
				}
			}
			if plan.Conflicts.HomeRegion {
				if home := in.HomeRegion(); home != "" && home == region {
					continue
				}
			}
			g[i] = true
		}
		pf.groups[key] = g
	}
	n := len(g)
	var gone []int
	for _, i := range pf.excluded[p.ID] {
		if g[i] && !slices.Contains(gone, i) {
			gone = append(gone, i)
		}
	}
	return n - len(gone)
}

// OK reports whether the report found nothing to fix: every stratum
// has a quota rule, every premises that could be selected has a team
// rule and at least as many eligible inspectors as its size, and every
// team rule that could be needed can be staffed and has enough capacity
// (including for its required units) for its worst case.
func (rep *PreflightReport) OK() bool {
	if len(rep.NoQuotaRule) > 0 || rep.NoTeamRule > 0 || len(rep.Thin) > 0 {
		return false
	}
	for _, t := range rep.Teams {
		if t.Premises > 0 && !t.ok() {
			return false
		}
	}
	return true
}

func (t *PreflightTeam) ok() bool {
	if !t.Staffable || !t.Enough {
		return false
	}
	for _, u := range t.Units {
		if !u.Enough {
			return false
		}
	}
	return true
}

// String writes the report in plain English.
func (rep *PreflightReport) String() string {
	var b strings.Builder
	line := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	line("Pre-flight of plan %s dated %s (digest %s).", orNone(rep.PlanID), rep.PlanDate, rep.PlanDigest)
	line("Premises: %d rows, %d in scope, %d of them cooling down, %d strata.", rep.Premises, rep.InScope, rep.Cooling, len(rep.Strata))
	line("Selections: at most %d (%d by the quotas, %d targeted).", rep.MaxSelected, rep.QuotaTotal, rep.Targeted)
	if len(rep.NoQuotaRule) == 0 {
		line("Every stratum has a quota rule.")
	} else {
		line("%d strata have no quota rule, so nothing is drawn from them:", len(rep.NoQuotaRule))
		for _, si := range rep.NoQuotaRule {
			st := &rep.Strata[si]
			line("  %s (%d eligible)", valuesText(st.Values), st.Eligible)
		}
	}
	line("Strata (values: eligible n, excluded by cooldown, quota rule, quota k):")
	for _, st := range rep.Strata {
		rule := "none"
		if st.Rule >= 0 {
			rule = fmt.Sprint(st.Rule)
		}
		line("  %s: n %d, excluded %d, rule %s, k %d", valuesText(st.Values), st.Eligible, st.Excluded, rule, st.Quota)
	}
	line("Team rules:")
	for _, t := range rep.Teams {
		verdict := "ok"
		switch {
		case t.Premises == 0:
			verdict = "no premises that could be selected uses it"
		case !t.ok():
			verdict = "PROBLEM"
		}
		line("  rule %d, size %d: %s (active, credential valid, specialty), largest team %d; %s.",
			t.Rule, t.Size, plural(t.Candidates, "candidate", "candidates"), t.MaxTeam, verdict)
		if !t.Staffable {
			line("    No team can be formed under this rule whatever the premises.")
		}
		line("    %s could be selected under it; at most %s, %s; capacity %s%s.",
			plural(t.Premises, "premises", "premises"), plural(t.MaxTeams, "team", "teams"), plural(t.Demand, "place", "places"),
			capacityText(t.Capacity, t.Unlimited), enoughText(t.Enough))
		for _, u := range t.Units {
			line("    required unit %s (%d per team): %s, %s, capacity %s%s.",
				u.Unit, u.Need, plural(u.Candidates, "candidate", "candidates"), plural(u.Demand, "place", "places"),
				capacityText(u.Capacity, u.Unlimited), enoughText(u.Enough))
		}
		if t.Thin > 0 {
			line("    %d of its premises %s fewer eligible inspectors than %d.", t.Thin, hasHave(t.Thin), t.Size)
		}
	}
	line("All teams: at most %d places; capacity %s.", rep.TotalDemand, capacityText(rep.TotalCapacity, rep.Unlimited))
	if rep.NoTeamRule > 0 {
		line("%s that could be selected %s no team rule: %s be unstaffed.", plural(rep.NoTeamRule, "premises", "premises"),
			map[bool]string{true: "matches", false: "match"}[rep.NoTeamRule == 1], map[bool]string{true: "it would", false: "they would"}[rep.NoTeamRule == 1])
	}
	if len(rep.Thin) > 0 {
		line("%s that could be selected %s fewer eligible inspectors than their team needs (%d with none); they would be unstaffed whatever the seed:",
			plural(len(rep.Thin), "premises", "premises"), hasHave(len(rep.Thin)), rep.Empty)
		for _, t := range rep.Thin {
			line("  %s: %d eligible, team rule %d needs %d", t.ID, t.Eligible, t.Rule, t.Size)
		}
	}
	if rep.OK() {
		line("Nothing to fix.")
	} else {
		line("Fix the plan or the tables before the announcement: once announced, they cannot change.")
	}
	return b.String()
}

func hasHave(n int) string {
	if n == 1 {
		return "has"
	}
	return "have"
}

func valuesText(values []string) string {
	if len(values) == 0 {
		return "(all)"
	}
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = quoteValue(v)
	}
	return strings.Join(parts, "/")
}

func capacityText(c int, unlimited bool) string {
	if unlimited {
		return "unlimited"
	}
	return fmt.Sprint(c)
}

func enoughText(ok bool) string {
	if ok {
		return ""
	}
	return " (NOT ENOUGH)"
}
