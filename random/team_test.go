package random

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// onePremises draws the single premises P1 (region 371727001) with the
// given plan fields (after a 100% quota) and inspectors.
func onePremises(t *testing.T, fields string, tb tables) (*Result, *Selection) {
	t.Helper()
	if tb.premises == nil {
		tb.premises = []map[string]string{{"id": "P1", "region": "371727001", "category": "a"}}
	}
	res := drawSmall(t, `"quotas": [{"ratio": "100%"}], `+fields, tb)
	require.Len(t, res.Selected, len(tb.premises))
	return res, &res.Selected[0]
}

func eligibleIDs(s *Selection) []string {
	var ids []string
	for _, c := range s.Eligible {
		ids = append(ids, c.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestTeamEligibilityRules(t *testing.T) {
	cases := []struct {
		name       string
		fields     string
		inspectors []map[string]string
		conflicts  []map[string]string
		history    []map[string]string
		eligible   []string
		why        map[string]Ineligibility
	}{
		{
			name:   "status",
			fields: `"teams": [{"size": 2}]`,
			inspectors: []map[string]string{
				{"id": "I1"}, {"id": "I2", "status": "active"}, {"id": "I3", "status": "inactive"}, {"id": "I4", "status": "closed"},
			},
			eligible: []string{"I1", "I2"},
			why:      map[string]Ineligibility{"I3": IneligibleStatus, "I4": IneligibleStatus},
		},
		{
			name:   "credential expires on the plan date or the day before",
			fields: `"teams": [{"size": 2}]`,
			inspectors: []map[string]string{
				{"id": "I1", "credential_expires": day(0)},
				{"id": "I2", "credential_expires": day(-1)},
				{"id": "I3", "credential_expires": day(400)},
				{"id": "I4"},
			},
			eligible: []string{"I1", "I3", "I4"},
			why:      map[string]Ineligibility{"I2": IneligibleCredential},
		},
		{
			name:   "specialty",
			fields: `"teams": [{"size": 2, "specialty": "medical"}]`,
			inspectors: []map[string]string{
				{"id": "I1", "specialties": "medical"},
				{"id": "I2", "specialties": "medical;radiation"},
				{"id": "I3", "specialties": "radiation"},
				{"id": "I4"},
				{"id": "I5", "specialties": "medical_x"},
			},
			eligible: []string{"I1", "I2"},
			why:      map[string]Ineligibility{"I3": IneligibleSpecialty, "I4": IneligibleSpecialty, "I5": IneligibleSpecialty},
		},
		{
			name:   "region_prefix",
			fields: `"teams": [{"size": 2, "region_prefix": 6}]`,
			inspectors: []map[string]string{
				{"id": "I1", "region": "371727"},
				{"id": "I2", "region": "371727004"},
				{"id": "I3", "region": "3717"}, // shorter than L
				{"id": "I4", "region": "371728001"},
				{"id": "I5"},
			},
			eligible: []string{"I1", "I2"},
			why:      map[string]Ineligibility{"I3": IneligibleRegion, "I4": IneligibleRegion, "I5": IneligibleRegion},
		},
		{
			name:   "declared conflict",
			fields: `"teams": [{"size": 2}], "conflicts": {"declared": true}`,
			inspectors: []map[string]string{
				{"id": "I1"}, {"id": "I2"}, {"id": "I3"},
			},
			conflicts: []map[string]string{
				{"id": "C1", "inspector": "I2", "premises": "P1", "reason": "kinship"},
				{"inspector": "I3", "premises": "P1"}, // derived id
			},
			eligible: []string{"I1"},
			why:      map[string]Ineligibility{"I2": IneligibleDeclared, "I3": IneligibleDeclared},
		},
		{
			name:   "declared conflicts ignored when off",
			fields: `"teams": [{"size": 2}], "conflicts": {"declared": false}`,
			inspectors: []map[string]string{
				{"id": "I1"}, {"id": "I2"},
			},
			conflicts: []map[string]string{{"id": "C1", "inspector": "I2", "premises": "P1"}},
			eligible:  []string{"I1", "I2"},
		},
		{
			name:   "rotation",
			fields: `"teams": [{"size": 2}], "conflicts": {"rotation_days": 365}`,
			inspectors: []map[string]string{
				{"id": "I1"}, {"id": "I2"}, {"id": "I3"}, {"id": "I4"},
			},
			history: []map[string]string{
				{"id": "H1", "premises": "P1", "date": day(-364), "inspectors": "I1;I2"},
				{"id": "H2", "premises": "P1", "date": day(-365), "inspectors": "I3"},
			},
			eligible: []string{"I3", "I4"},
			why:      map[string]Ineligibility{"I1": IneligibleRotation, "I2": IneligibleRotation},
		},
		{
			name:   "rotation off",
			fields: `"teams": [{"size": 2}], "conflicts": {"rotation_days": 0}`,
			inspectors: []map[string]string{
				{"id": "I1"}, {"id": "I2"},
			},
			history:  []map[string]string{{"id": "H1", "premises": "P1", "date": day(-1), "inspectors": "I1;I2"}},
			eligible: []string{"I1", "I2"},
		},
		{
			name:   "home_region",
			fields: `"teams": [{"size": 2}], "conflicts": {"home_region": true}`,
			inspectors: []map[string]string{
				{"id": "I1", "home_region": "371727001"},
				{"id": "I2", "home_region": "371727002"},
				{"id": "I3"},
				{"id": "I4", "home_region": "371727"},
			},
			eligible: []string{"I2", "I3", "I4"},
			why:      map[string]Ineligibility{"I1": IneligibleHomeRegion},
		},
		{
			name:   "home_region off",
			fields: `"teams": [{"size": 2}], "conflicts": {"home_region": false}`,
			inspectors: []map[string]string{
				{"id": "I1", "home_region": "371727001"}, {"id": "I2"},
			},
			eligible: []string{"I1", "I2"},
		},
		{
			name:   "first matching rule",
			fields: `"teams": [{"match": {"category": "b"}, "size": 2, "specialty": "x"}, {"match": {"category": "a"}, "size": 2, "specialty": "y"}, {"size": 2}]`,
			inspectors: []map[string]string{
				{"id": "I1", "specialties": "x"}, {"id": "I2", "specialties": "y"},
			},
			eligible: []string{"I2"},
			why:      map[string]Ineligibility{"I1": IneligibleSpecialty},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res, s := onePremises(t, c.fields, tables{inspectors: c.inspectors, conflicts: c.conflicts, history: c.history})
			require.Equal(t, c.eligible, eligibleIDs(s))
			for i := range res.Set.Inspectors.Len() {
				id := res.Set.Inspectors.At(i).ID
				want, ok := c.why[id]
				if !ok {
					want = EligibleInspector
				}
				require.Equal(t, want, res.WhyIneligible(s.Premises, i), id)
				require.NotEmpty(t, want.String())
			}
			// E(p) is in ascending (Q, id) order and Q is the inspector key.
			for i, cand := range s.Eligible {
				require.Equal(t, res.Key.InspectorKey("P1", cand.ID), cand.Q)
				if i > 0 {
					require.Less(t, s.Eligible[i-1].Q, cand.Q)
				}
			}
		})
	}
}

func TestTeamNoRule(t *testing.T) {
	res, s := onePremises(t, `"teams": [{"match": {"category": "b"}, "size": 2}]`, tables{
		inspectors: []map[string]string{{"id": "I1"}, {"id": "I2"}},
	})
	require.Equal(t, UnstaffedNoTeamRule, s.Unstaffed)
	require.Equal(t, -1, s.Rule)
	require.Empty(t, s.Eligible)
	require.Nil(t, s.Team)
	require.Equal(t, IneligibleNoTeamRule, res.WhyIneligible(s.Premises, 0))
	v := res.View().Selected[0]
	require.Equal(t, "no_team_rule", v.Unstaffed)
	require.Zero(t, v.EligibleInspectors)
	require.Nil(t, v.Team)
}

func TestTeamUnits(t *testing.T) {
	inspectors := []map[string]string{
		{"id": "A1", "unit": "ua"}, {"id": "A2", "unit": "ua"}, {"id": "A3", "unit": "ua"},
		{"id": "B1", "unit": "ub"},
		{"id": "C1", "unit": "uc", "specialties": "none"},
	}
	// Required unit ub comes first, whatever its Q.
	_, s := onePremises(t, `"teams": [{"size": 2, "units": ["ub"]}]`, tables{inspectors: inspectors})
	require.Equal(t, Staffed, s.Unstaffed)
	require.Equal(t, "B1", s.Team[0].ID)
	require.Equal(t, s.Team[1], firstOther(s, "B1"))

	// max_per_unit 1: one of ua and then B1 or C1, never two of ua.
	_, s = onePremises(t, `"teams": [{"size": 3, "max_per_unit": 1}]`, tables{inspectors: inspectors})
	require.Equal(t, Staffed, s.Unstaffed)
	units := map[string]int{}
	for _, m := range s.Team {
		units[m.ID[:1]]++
	}
	require.Equal(t, map[string]int{"A": 1, "B": 1, "C": 1}, units)

	// max_per_unit 1 leaves a team of 4 short.
	_, s = onePremises(t, `"teams": [{"size": 4, "max_per_unit": 1}]`, tables{inspectors: inspectors})
	require.Equal(t, UnstaffedUnitLimit, s.Unstaffed)
	require.Equal(t, "short", s.Unstaffed.Code())

	// The required unit uc has inspectors, but none eligible: code "unit".
	res, s := onePremises(t, `"teams": [{"size": 2, "units": ["uc"], "specialty": "x"}]`, tables{inspectors: []map[string]string{
		{"id": "A1", "unit": "ua", "specialties": "x"}, {"id": "A2", "unit": "ua", "specialties": "x"}, {"id": "C1", "unit": "uc"},
	}})
	require.Equal(t, UnstaffedUnitMissing, s.Unstaffed)
	require.Equal(t, "uc", s.MissingUnit)
	require.Equal(t, "unit", res.View().Selected[0].Unstaffed)
	require.Len(t, s.Eligible, 2)
	for _, l := range res.Load {
		require.Zero(t, l.Used, "nothing consumed")
	}

	// Two premises, the unit's only inspector has capacity 1: the second
	// staffed is full but lacks the unit, which is "short" (at capacity).
	res = drawSmall(t, `"quotas": [{"ratio": "100%"}], "teams": [{"size": 2, "units": ["ub"]}]`, tables{
		premises: []map[string]string{{"id": "P1"}, {"id": "P2"}},
		inspectors: []map[string]string{
			{"id": "A1", "unit": "ua"}, {"id": "A2", "unit": "ua"}, {"id": "B1", "unit": "ub", "capacity": "1"},
		},
	})
	second := &res.Selected[res.StaffOrder[1]]
	require.Equal(t, UnstaffedUnitAtCapacity, second.Unstaffed)
	require.Equal(t, "ub", second.MissingUnit)
	require.Equal(t, "short", second.Unstaffed.Code())
	first := &res.Selected[res.StaffOrder[0]]
	require.Equal(t, "B1", first.Team[0].ID)
}

// firstOther returns the first candidate of E(p) other than id.
func firstOther(s *Selection, id string) Candidate {
	for _, c := range s.Eligible {
		if c.ID != id {
			return c
		}
	}
	return Candidate{}
}

func TestTeamCapacity(t *testing.T) {
	premises := []map[string]string{{"id": "P1"}, {"id": "P2"}, {"id": "P3"}}
	cases := []struct {
		name       string
		fields     string
		inspectors []map[string]string
		staffed    int
		load       []InspectorLoad
	}{
		{
			name:       "no default: no limit",
			fields:     `"teams": [{"size": 2}]`,
			inspectors: []map[string]string{{"id": "I1"}, {"id": "I2"}},
			staffed:    3,
			load:       []InspectorLoad{{-1, 3}, {-1, 3}},
		},
		{
			name:       "default 0: no limit",
			fields:     `"teams": [{"size": 2}], "default_capacity": 0`,
			inspectors: []map[string]string{{"id": "I1"}, {"id": "I2"}},
			staffed:    3,
			load:       []InspectorLoad{{-1, 3}, {-1, 3}},
		},
		{
			name:       "default capacity",
			fields:     `"teams": [{"size": 2}], "default_capacity": 2`,
			inspectors: []map[string]string{{"id": "I1"}, {"id": "I2"}, {"id": "I3", "capacity": "1"}},
			staffed:    2,
			load:       []InspectorLoad{{2, -1}, {2, -1}, {1, 1}}, // Used -1: depends on Q
		},
		{
			name:       "explicit capacity 0 means none",
			fields:     `"teams": [{"size": 2}]`,
			inspectors: []map[string]string{{"id": "I1"}, {"id": "I2", "capacity": "0"}, {"id": "I3"}},
			staffed:    3,
			load:       []InspectorLoad{{-1, 3}, {0, 0}, {-1, 3}},
		},
		{
			name:       "explicit capacity beats the default",
			fields:     `"teams": [{"size": 2}], "default_capacity": 1`,
			inspectors: []map[string]string{{"id": "I1", "capacity": "3"}, {"id": "I2", "capacity": "3"}},
			staffed:    3,
			load:       []InspectorLoad{{3, 3}, {3, 3}},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			res := drawSmall(t, `"quotas": [{"ratio": "100%"}], `+c.fields, tables{premises: premises, inspectors: c.inspectors})
			n := 0
			for _, s := range res.Selected {
				if s.Unstaffed == Staffed {
					n++
					require.Len(t, s.Team, 2)
				} else {
					require.Equal(t, "short", s.Unstaffed.Code())
					require.Contains(t, []UnstaffedReason{UnstaffedAllAtCapacity, UnstaffedTooFewWithCapacity}, s.Unstaffed)
				}
			}
			require.Equal(t, c.staffed, n)
			used := 0
			for i, l := range res.Load {
				require.Equal(t, c.load[i].Capacity, l.Capacity)
				if c.load[i].Used >= 0 {
					require.Equal(t, c.load[i].Used, l.Used)
				}
				if l.Capacity >= 0 {
					require.LessOrEqual(t, l.Used, l.Capacity)
				}
				used += l.Used
			}
			require.Equal(t, 2*c.staffed, used)
		})
	}
}

func TestTeamShortReasons(t *testing.T) {
	_, s := onePremises(t, `"teams": [{"size": 2, "specialty": "x"}]`, tables{inspectors: []map[string]string{{"id": "I1"}}})
	require.Equal(t, UnstaffedNoEligible, s.Unstaffed)
	_, s = onePremises(t, `"teams": [{"size": 3}]`, tables{inspectors: []map[string]string{{"id": "I1"}, {"id": "I2"}}})
	require.Equal(t, UnstaffedTooFewEligible, s.Unstaffed)
	_, s = onePremises(t, `"teams": [{"size": 2}]`, tables{inspectors: []map[string]string{{"id": "I1", "capacity": "0"}, {"id": "I2", "capacity": "0"}}})
	require.Equal(t, UnstaffedAllAtCapacity, s.Unstaffed)
	_, s = onePremises(t, `"teams": [{"size": 2}]`, tables{inspectors: []map[string]string{{"id": "I1", "capacity": "0"}, {"id": "I2"}}})
	require.Equal(t, UnstaffedTooFewWithCapacity, s.Unstaffed)
	for r := Staffed; r <= UnstaffedUnitMissing; r++ {
		require.NotEmpty(t, r.String())
	}
	require.Equal(t, "", Staffed.Code())
	require.Equal(t, "UnstaffedReason(99)", UnstaffedReason(99).String())
	require.Equal(t, "Ineligibility(99)", Ineligibility(99).String())
}

// TestTeamStaffingOrder: the most constrained premises are staffed first
// and get the scarce inspector.
func TestTeamStaffingOrder(t *testing.T) {
	res := drawSmall(t, `"quotas": [{"ratio": "100%"}],
		"teams": [{"match": {"category": "rad"}, "size": 2, "specialty": "rad"}, {"size": 2}]`, tables{
		premises: []map[string]string{
			{"id": "P1", "category": "rad"},
			{"id": "P2"}, {"id": "P3"}, {"id": "P4"},
		},
		inspectors: []map[string]string{
			{"id": "I1", "specialties": "rad", "capacity": "1"},
			{"id": "I2", "specialties": "rad", "capacity": "1"},
			{"id": "I3"}, {"id": "I4"},
		},
	})
	first := &res.Selected[res.StaffOrder[0]]
	require.Equal(t, "P1", first.ID)
	require.ElementsMatch(t, []string{"I1", "I2"}, first.TeamIDs())
	for n := 1; n < len(res.StaffOrder); n++ {
		a, b := &res.Selected[res.StaffOrder[n-1]], &res.Selected[res.StaffOrder[n]]
		require.LessOrEqual(t, a.EligibleCount, b.EligibleCount)
		if a.EligibleCount == b.EligibleCount {
			require.Less(t, a.Priority, b.Priority)
		}
		require.ElementsMatch(t, []string{"I3", "I4"}, b.TeamIDs())
	}
	require.Equal(t, []InspectorLoad{{1, 1}, {1, 1}, {-1, 3}, {-1, 3}}, res.Load)
	left, limited := res.Load[0].Left()
	require.True(t, limited)
	require.Zero(t, left)
}

// TestEachKeyedEqualsPlain checks the team phase's fast path against the
// plain one: for every premises of a county whose ids have many lengths
// (1 to 128 bytes, around the 64-byte blocks of the inspector key's
// message) and share prefixes, under every combination of the conflict
// rules, E(p) with its keys from the index, the per-premises exclusion
// sets and keyHasher ([Result.eachKeyed]) equals E(p) from
// [Result.eligibility] over every inspector and [Key.InspectorKey]; and
// the draw's |E(p)| and prefix of E(p) agree with it.
func TestEachKeyedEqualsPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	pick := func(s ...string) string { return s[rng.IntN(len(s))] }
	id := func(lengths []int, seen map[string]bool) string {
		for {
			b := make([]byte, lengths[rng.IntN(len(lengths))])
			for i := range b {
				b[i] = "AAB9"[rng.IntN(4)]
			}
			if !seen[string(b)] {
				seen[string(b)] = true
				return string(b)
			}
		}
	}
	regions := []string{"371727001", "371727002", "371728001", "3717", "44"}
	var tb tables
	seen := map[string]bool{}
	for range 60 {
		p := map[string]string{"id": id([]int{1, 5, 18, 26, 27, 28, 60, 90, 91, 128}, seen), "category": pick("a", "b", "c")}
		if rng.IntN(8) > 0 {
			p["region"] = pick(regions...)
		}
		tb.premises = append(tb.premises, p)
	}
	for range 150 {
		in := map[string]string{"id": id([]int{1, 2, 3, 12, 12, 12, 20, 23, 24, 27, 28, 59, 60, 61, 64, 100, 128}, seen),
			"region": pick(regions...), "specialties": pick("x", "y", "x;y"), "status": pick("active", "active", "active", "inactive"),
			"credential_expires": day(rng.IntN(40) - 5)}
		if rng.IntN(3) > 0 {
			in["home_region"] = pick(regions...)
		}
		tb.inspectors = append(tb.inspectors, in)
	}
	pairs := map[[2]string]bool{}
	for range 80 {
		i, p := tb.inspectors[rng.IntN(len(tb.inspectors))]["id"], tb.premises[rng.IntN(len(tb.premises))]["id"]
		if !pairs[[2]string{i, p}] && len(i)+1+len(p) <= roster.MaxNameLen { // the row's id is "inspector premises"
			pairs[[2]string{i, p}] = true
			tb.conflicts = append(tb.conflicts, map[string]string{"inspector": i, "premises": p})
		}
	}
	for h := range 120 {
		var ids []string
		for range 1 + rng.IntN(3) {
			ids = append(ids, tb.inspectors[rng.IntN(len(tb.inspectors))]["id"])
		}
		slices.Sort(ids)
		tb.history = append(tb.history, map[string]string{"id": fmt.Sprintf("H%03d", h),
			"premises": tb.premises[rng.IntN(len(tb.premises))]["id"], "date": day(-rng.IntN(60)), "inspectors": strings.Join(slices.Compact(ids), ";")})
	}
	set := mkSet(t, tb)
	for _, conflicts := range []string{
		`{"declared": true, "rotation_days": 30, "home_region": true}`,
		`{"declared": true}`,
		`{"rotation_days": 45}`,
		`{"home_region": true}`,
		`{}`,
	} {
		plan := smallPlan(t, `"quotas": [{"ratio": "100%"}], "teams": [
			{"match": {"category": "a"}, "size": 2, "specialty": "x", "region_prefix": 6},
			{"match": {"category": "b"}, "size": 2, "region_prefix": 2},
			{"match": {}, "size": 3, "specialty": "y"}], "conflicts": `+conflicts)
		res, err := Draw(context.Background(), plan, set, []byte("keyed"), Options{Workers: 2})
		require.NoError(t, err)
		idx := newTeamIndex(res)
		why := map[Ineligibility]int{}
		for pi, row := range set.Premises.Rows() {
			for ii := range set.Inspectors.Rows() {
				why[res.WhyIneligible(pi, ii)]++
			}
			ti := plan.teamRule(row)
			want := res.fullEligible(nil, pi, ti)
			require.Equal(t, want, res.fullEligible(idx, pi, ti), "%s %s", conflicts, row.ID)
			s := res.Selected[res.Premises[pi].Selected]
			require.Equal(t, len(want), s.EligibleCount, row.ID)
			require.Equal(t, want[:len(s.Eligible)], s.Eligible, row.ID)
		}
		require.NotZero(t, why[EligibleInspector], conflicts)
		require.NotZero(t, why[IneligibleRegion], conflicts)
		if strings.Contains(conflicts, "declared") {
			require.NotZero(t, why[IneligibleDeclared], conflicts)
		}
		if strings.Contains(conflicts, "rotation") {
			require.NotZero(t, why[IneligibleRotation], conflicts)
		}
		if strings.Contains(conflicts, "home") {
			require.NotZero(t, why[IneligibleHomeRegion], conflicts)
		}
	}
}
