package random

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// checkPreflight checks a report against a draw of the same plan and
// tables with any seed: the figures that do not depend on the seed must
// agree, and |E(p)| must be what WhyIneligible says for every premises.
func checkPreflight(t *testing.T, rep *PreflightReport, r *Result) {
	t.Helper()
	require.Len(t, rep.Strata, len(r.Strata))
	sum := 0
	for i, st := range r.Strata {
		require.Equal(t, PreflightStratum{Values: st.Values, Eligible: st.Eligible, Excluded: st.Excluded, Rule: st.Rule, Quota: st.Quota}, rep.Strata[i])
		sum += st.Quota
	}
	require.Equal(t, sum, rep.QuotaTotal)
	require.Equal(t, rep.QuotaTotal+len(r.Plan.Targeted), rep.MaxSelected)

	pf := newPreflightPool(r)
	for p, row := range r.Set.Premises.Rows() {
		if r.Premises[p].Scope != OutOfScopeNone {
			continue
		}
		rule := teamRuleOf(r.Plan, row)
		if rule < 0 {
			continue
		}
		want := 0
		for i := range r.Set.Inspectors.Rows() {
			if r.WhyIneligible(p, i) == EligibleInspector {
				want++
			}
		}
		require.Equal(t, want, pf.eligible(rule, row), row.ID)
	}
	thin := map[string]ThinPremises{}
	for _, tp := range rep.Thin {
		thin[tp.ID] = tp
	}
	for _, s := range r.Selected {
		if tp, ok := thin[s.ID]; ok {
			require.Equal(t, s.EligibleCount, tp.Eligible)
			require.NotEqual(t, Staffed, s.Unstaffed, "%s is thin but staffed", s.ID)
		}
	}
	// Teams per rule never exceed the bound.
	teams := make([]int, len(r.Plan.Teams))
	for _, s := range r.Selected {
		if s.Rule >= 0 {
			teams[s.Rule]++
		}
	}
	for i, n := range teams {
		require.LessOrEqual(t, n, rep.Teams[i].MaxTeams, "rule %d", i)
	}
}

func TestPreflightCounties(t *testing.T) {
	for _, county := range []string{"dr1-county-7", "dr1-county-12"} {
		t.Run(county, func(t *testing.T) {
			r := drawVector(t, county)
			rep, err := Preflight(r.Plan, r.Set)
			require.NoError(t, err)
			checkPreflight(t, rep, r)
			require.False(t, rep.OK())
			require.Contains(t, rep.String(), "Fix the plan or the tables before the announcement")
		})
	}

	r := drawVector(t, "dr1-county-7")
	rep, err := Preflight(r.Plan, r.Set)
	require.NoError(t, err)
	require.Equal(t, 56, rep.Premises)
	require.Equal(t, 47, rep.InScope)
	require.Equal(t, 1, rep.Cooling)
	require.Empty(t, rep.NoQuotaRule)
	require.Equal(t, 23, rep.QuotaTotal)
	require.Equal(t, 24, rep.MaxSelected)
	require.Zero(t, rep.NoTeamRule)
	// Rule 0 (medical, specialty medical): only WJ3717270056 is active
	// with a valid credential and the specialty.
	require.Equal(t, 1, rep.Teams[0].Candidates)
	require.False(t, rep.Teams[0].Staffable)
	require.Equal(t, 7, rep.Teams[0].MaxTeams)
	require.Equal(t, 14, rep.Teams[0].Demand)
	require.Equal(t, 3, rep.Teams[0].Capacity)
	require.False(t, rep.Teams[0].Enough)
	require.True(t, rep.Teams[2].Staffable)
	require.Equal(t, []UnitSupply{{Unit: "county-bureau", Need: 1, Candidates: 3, Demand: 15, Capacity: 16, Enough: true}}, rep.Teams[2].Units)
	require.Len(t, rep.Thin, 19)
	require.Equal(t, 2, rep.Empty)
	require.Equal(t, ThinPremises{ID: "371727647592", Rule: 0, Size: 2, Eligible: 0}, rep.Thin[4])
	s := rep.String()
	for _, want := range []string{
		"Premises: 56 rows, 47 in scope, 1 of them cooling down, 16 strata.",
		"Selections: at most 24 (23 by the quotas, 1 targeted).",
		"Every stratum has a quota rule.",
		"rule 0, size 2: 1 candidate (active, credential valid, specialty), largest team 1; PROBLEM.",
		"No team can be formed under this rule whatever the premises.",
		"required unit county-bureau (1 per team): 3 candidates, 15 places, capacity 16.",
		"  371727647592: 0 eligible, team rule 0 needs 2\n",
	} {
		require.Contains(t, s, want)
	}
}

// handPlan stratifies county-7 by category with quota rules for two
// categories only, names a radiation premises that nobody can staff and
// a public place that no team rule matches, and uses region_prefix and
// home_region so that |E(p)| depends on the premises' region.
const handPlan = `{
 "protocol": "doublerandom/v1",
 "id": "hand",
 "date": "2026-11-22",
 "scope": {"category": ["public_place", "drinking_water", "school", "medical", "radiation"]},
 "stratify": ["category"],
 "quotas": [
  {"match": {"category": "school"}, "ratio": "50%"},
  {"match": {"category": "medical"}, "ratio": "1/3", "min": 1}
 ],
 "cooldown": {"days": 365, "max": 2},
 "targeted": [{"id": "91371727C12H3BJ1GB"}, {"id": "9137172702824CJ1C6"}],
 "teams": [
  {"match": {"category": "radiation"}, "size": 3, "specialty": "nuclear"},
  {"match": {"category": "medical"}, "size": 2, "region_prefix": 9},
  {"match": {"category": "school"}, "size": 2, "units": ["county-bureau"], "max_per_unit": 1}
 ],
 "conflicts": {"declared": true, "rotation_days": 730, "home_region": true}
}`

func TestPreflightHandPlan(t *testing.T) {
	plan, err := ParsePlan([]byte(handPlan))
	require.NoError(t, err)
	set, err := roster.LoadDir(filepath.Join("..", "testdata", "dr1-county-7"), roster.Options{})
	require.NoError(t, err)
	rep, err := Preflight(plan, set)
	require.NoError(t, err)
	r, err := Draw(context.Background(), plan, set, []byte("any seed will do"), Options{})
	require.NoError(t, err)
	checkPreflight(t, rep, r)
	require.False(t, rep.OK())

	var unmatched [][]string
	for _, si := range rep.NoQuotaRule {
		unmatched = append(unmatched, rep.Strata[si].Values)
	}
	require.Equal(t, [][]string{{"drinking_water"}, {"public_place"}, {"radiation"}}, unmatched)
	require.Equal(t, 2, rep.Targeted)
	require.Equal(t, 1, rep.NoTeamRule) // the public place

	nuclear := rep.Teams[0]
	require.Zero(t, nuclear.Candidates)
	require.False(t, nuclear.Staffable)
	require.Equal(t, 1, nuclear.Premises) // the targeted radiation premises
	require.Equal(t, 1, nuclear.MaxTeams)
	require.Equal(t, 3, nuclear.Demand)
	require.False(t, nuclear.Enough)

	school := rep.Teams[2]
	require.True(t, school.Staffable)
	require.Equal(t, 1, school.Units[0].Need)
	s := rep.String()
	for _, want := range []string{
		"3 strata have no quota rule, so nothing is drawn from them:\n  drinking_water (5 eligible)\n",
		"1 premises that could be selected matches no team rule: it would be unstaffed.",
		"rule 0, size 3: 0 candidates (active, credential valid, specialty), largest team 0; PROBLEM.",
	} {
		require.Contains(t, s, want)
	}
}

func TestPreflightErrors(t *testing.T) {
	r := drawVector(t, "dr1-county-7")
	_, err := Preflight(nil, r.Set)
	require.Error(t, err)
	_, err = Preflight(r.Plan, nil)
	require.Error(t, err)
	// A targeted id missing from the roster fails as it would in Draw.
	plan, err := ParsePlan([]byte(`{"protocol": "doublerandom/v1", "date": "2026-11-22", "targeted": [{"id": "91371727000000000X"}]}`))
	require.NoError(t, err)
	_, err = Preflight(plan, r.Set)
	require.ErrorIs(t, err, ErrTargetUnknown)
}
