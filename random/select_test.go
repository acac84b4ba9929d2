package random

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSelectScope(t *testing.T) {
	res := drawSmall(t, `"scope": {"category": ["a", "b"]}, "quotas": [{"ratio": "100%"}]`, tables{
		premises: []map[string]string{
			{"id": "P1", "category": "a"},
			{"id": "P2", "category": "c"},
			{"id": "P3", "category": "a", "status": "closed"},
			{"id": "P4", "category": "b", "status": "inactive"},
			{"id": "P5"}, // absent category is "", not in the list
			{"id": "P6", "category": "b", "status": "active"},
		},
	})
	want := map[string]OutOfScope{"P1": OutOfScopeNone, "P2": OutOfScopeAttr, "P3": OutOfScopeStatus, "P4": OutOfScopeStatus, "P5": OutOfScopeAttr, "P6": OutOfScopeNone}
	for id, w := range want {
		o, ok := res.Outcome(id)
		require.True(t, ok)
		require.Equal(t, w, o.Scope, id)
		if w == OutOfScopeNone {
			require.NotZero(t, o.Priority, id)
			require.GreaterOrEqual(t, o.Stratum, int32(0))
		} else {
			require.Equal(t, int32(-1), o.Stratum, id)
			require.Equal(t, int32(-1), o.Rank, id)
			require.Zero(t, o.Priority, id)
		}
		if w == OutOfScopeAttr {
			require.Equal(t, int32(0), o.ScopeRule, id)
		} else {
			require.Equal(t, int32(-1), o.ScopeRule, id)
		}
	}
	_, ok := res.Outcome("P9")
	require.False(t, ok)
	// Out of scope is not counted anywhere: one stratum (no stratify), n = 2.
	require.Len(t, res.Strata, 1)
	require.Equal(t, []string{}, res.View().Strata[0].Values)
	require.Equal(t, 2, res.Strata[0].Eligible)
	require.Equal(t, 0, res.Strata[0].Excluded)
	require.Len(t, res.Selected, 2)
}

func TestSelectCooldownBoundary(t *testing.T) {
	// cooldown: at least 2 inspections within 365 days, i.e. dated
	// plan.date-364 .. plan.date.
	res := drawSmall(t, `"cooldown": {"days": 365, "max": 2}, "quotas": [{"ratio": "100%"}]`, tables{
		premises: []map[string]string{{"id": "P1"}, {"id": "P2"}, {"id": "P3"}, {"id": "P4"}, {"id": "P5"}},
		history: []map[string]string{
			// P1: one on the first day outside, one inside → 1 → eligible.
			{"id": "H1", "premises": "P1", "date": day(-365)},
			{"id": "H2", "premises": "P1", "date": day(-10)},
			// P2: first day inside and the plan date itself → 2 → cooling.
			{"id": "H3", "premises": "P2", "date": day(-364)},
			{"id": "H4", "premises": "P2", "date": day(0)},
			// P3: the day after the plan date does not count → 1 → eligible.
			{"id": "H5", "premises": "P3", "date": day(1)},
			{"id": "H6", "premises": "P3", "date": day(-1)},
			// P4: three within → cooling.
			{"id": "H7", "premises": "P4", "date": day(-1)},
			{"id": "H8", "premises": "P4", "date": day(-2)},
			{"id": "H9", "premises": "P4", "date": day(-3)},
		},
	})
	cooling := map[string]bool{"P1": false, "P2": true, "P3": false, "P4": true, "P5": false}
	recent := map[string]int{"P1": 1, "P2": 2, "P3": 1, "P4": 3, "P5": 0}
	for id, c := range cooling {
		o, _ := res.Outcome(id)
		require.Equal(t, c, o.Cooling, id)
		require.Equal(t, recent[id], int(o.Recent), id)
		require.Equal(t, c, o.Selected < 0, id)
	}
	require.Equal(t, 3, res.Strata[0].Eligible)
	require.Equal(t, 2, res.Strata[0].Excluded)
	require.Len(t, res.Strata[0].Cooling, 2)

	// Cooldown off when either number is 0.
	for _, cd := range []string{`{"days": 0, "max": 2}`, `{"days": 365, "max": 0}`, `{}`} {
		res := drawSmall(t, `"cooldown": `+cd+`, "quotas": [{"ratio": "100%"}]`, tables{
			premises: []map[string]string{{"id": "P1"}},
			history:  []map[string]string{{"id": "H1", "premises": "P1", "date": day(0)}, {"id": "H2", "premises": "P1", "date": day(0)}},
		})
		require.Len(t, res.Selected, 1, cd)
		require.Zero(t, res.Premises[0].Recent)
	}
}

func TestSelectOverdueAndThreshold(t *testing.T) {
	var premises []map[string]string
	for _, id := range []string{"P1", "P2", "P3", "P4", "P5", "P6", "P7", "P8"} {
		premises = append(premises, map[string]string{"id": id})
	}
	history := []map[string]string{
		// Inspected within coverage_days (1095): not overdue.
		{"id": "H1", "premises": "P1", "date": day(-1094)},
		{"id": "H2", "premises": "P2", "date": day(-5)},
		{"id": "H3", "premises": "P3", "date": day(-500)},
		{"id": "H4", "premises": "P4", "date": day(-1)},
		{"id": "H5", "premises": "P5", "date": day(0)},
		// Only just outside: overdue, like the never inspected P7, P8.
		{"id": "H6", "premises": "P6", "date": day(-1095)},
	}
	tb := tables{premises: premises, history: history}
	res := drawSmall(t, `"coverage_days": 1095, "quotas": [{"ratio": "50%"}]`, tb)
	st := res.Strata[0]
	require.Equal(t, 8, st.Eligible)
	require.Equal(t, 4, st.Quota)
	// Overdue first, each group by priority.
	var marks []Mark
	for i, p := range st.Ranked {
		o := res.Premises[p]
		require.Equal(t, i, int(o.Rank))
		id := res.Set.Premises.At(p).ID
		require.Equal(t, id == "P6" || id == "P7" || id == "P8", o.Overdue, id)
		if i > 0 {
			prev := res.Premises[st.Ranked[i-1]]
			if prev.Overdue == o.Overdue {
				require.Less(t, prev.Priority, o.Priority)
			}
		}
	}
	for _, s := range res.Selected {
		marks = append(marks, s.Mark)
	}
	require.Equal(t, []Mark{MarkOverdue, MarkOverdue, MarkOverdue, MarkRandom}, marks)
	require.True(t, st.HasThreshold)
	require.Equal(t, res.Selected[3].Priority, st.Threshold)
	require.Equal(t, res.Premises[st.Ranked[3]].Priority, st.Threshold)

	// When only overdue premises are selected there is no threshold.
	res = drawSmall(t, `"coverage_days": 1095, "quotas": [{"ratio": "1/4"}]`, tb)
	require.Equal(t, 2, res.Strata[0].Quota)
	require.False(t, res.Strata[0].HasThreshold)
	require.Nil(t, res.View().Strata[0].Threshold)

	// coverage_days 0: nobody is overdue.
	res = drawSmall(t, `"quotas": [{"ratio": "1/4"}]`, tb)
	for _, o := range res.Premises {
		require.False(t, o.Overdue)
	}
	require.Equal(t, MarkRandom, res.Selected[0].Mark)
}

func TestSelectStrataAndQuotaRules(t *testing.T) {
	res := drawSmall(t, `"stratify": ["region", "category"],
		"cooldown": {"days": 30, "max": 1},
		"quotas": [
			{"match": {"category": "school"}, "ratio": "0%", "min": 1},
			{"match": {"region": "r2", "category": "shop"}, "ratio": "1/2"},
			{"match": {"region": "r1"}, "ratio": "100%", "max": 2}
		]`, tables{
		premises: []map[string]string{
			{"id": "A1", "region": "r1", "category": "school"},
			{"id": "A2", "region": "r1", "category": "school"},
			{"id": "B1", "region": "r2", "category": "shop"},
			{"id": "B2", "region": "r2", "category": "shop"},
			{"id": "B3", "region": "r2", "category": "shop"},
			{"id": "C1", "region": "r1", "category": "shop"},
			{"id": "C2", "region": "r1", "category": "shop"},
			{"id": "C3", "region": "r1", "category": "shop"},
			{"id": "D1", "region": "r3", "category": "shop"}, // no rule matches
			{"id": "E1", "category": "shop"},                 // absent region sorts first
			{"id": "F1", "region": "r4", "category": "shop"}, // cooling only
		},
		history: []map[string]string{{"id": "H1", "premises": "F1", "date": day(-3)}},
	})
	type fig struct {
		values             []string
		eligible, excluded int
		quota              int
		rule               int
	}
	var got []fig
	for _, s := range res.Strata {
		got = append(got, fig{s.Values, s.Eligible, s.Excluded, s.Quota, s.Rule})
	}
	require.Equal(t, []fig{
		{[]string{"", "shop"}, 1, 0, 0, -1},
		{[]string{"r1", "school"}, 2, 0, 1, 0},
		{[]string{"r1", "shop"}, 3, 0, 2, 2},
		{[]string{"r2", "shop"}, 3, 0, 2, 1},
		{[]string{"r3", "shop"}, 1, 0, 0, -1},
		{[]string{"r4", "shop"}, 0, 1, 0, -1},
	}, got)
	require.True(t, res.Strata[0].NoQuotaRule())
	require.False(t, res.Strata[1].NoQuotaRule())
	v := res.View()
	require.True(t, v.Strata[0].NoQuotaRule)
	require.False(t, v.Strata[1].NoQuotaRule)
	b, err := v.Encode()
	require.NoError(t, err)
	require.Contains(t, string(b), `"no_quota_rule": true`)
	require.NotContains(t, string(b), `"no_quota_rule": false`)

	// Selected in stratum order, rank order within.
	var stratum []int
	for _, s := range res.Selected {
		stratum = append(stratum, s.Stratum)
		require.Equal(t, MarkRandom, s.Mark)
		require.Less(t, int(res.Premises[s.Premises].Rank), res.Strata[s.Stratum].Quota)
	}
	require.Equal(t, []int{1, 2, 2, 3, 3}, stratum)
	require.Less(t, res.Selected[1].Priority, res.Selected[2].Priority)
}

func TestSelectTargeted(t *testing.T) {
	tb := tables{
		premises: []map[string]string{
			{"id": "P1", "category": "a"}, {"id": "P2", "category": "a"}, {"id": "P3", "category": "a"},
			{"id": "P4", "category": "a"}, {"id": "P5", "category": "b"},
		},
		history: []map[string]string{{"id": "H1", "premises": "P4", "date": day(-1)}},
	}
	// Targets in plan order: the cooling P4 (cooldown does not apply),
	// then all the others; the one the quota selected is not repeated.
	order := []string{"P4", "P1", "P2", "P3", "P5"}
	res := drawSmall(t, `"cooldown": {"days": 10, "max": 1}, "quotas": [{"ratio": "1/4"}],
		"targeted": [{"id": "P4", "reason": "complaint"}, {"id": "P1"}, {"id": "P2"}, {"id": "P3"}, {"id": "P5"}]`, tb)
	require.Equal(t, 4, res.Strata[0].Eligible)
	require.Equal(t, 1, res.Strata[0].Excluded)
	require.Equal(t, 1, res.Strata[0].Quota)
	require.Len(t, res.Selected, 5)
	chosen := res.Selected[0]
	require.Equal(t, MarkRandom, chosen.Mark)
	require.Equal(t, -1, chosen.Target)
	require.Equal(t, res.Strata[0].Threshold, chosen.Priority)
	var wantIDs []string
	var wantTargets []int
	for i, id := range order {
		if id != chosen.ID {
			wantIDs = append(wantIDs, id)
			wantTargets = append(wantTargets, i)
		}
	}
	var ids []string
	var targets []int
	for _, s := range res.Selected[1:] {
		ids = append(ids, s.ID)
		targets = append(targets, s.Target)
		require.Equal(t, MarkTargeted, s.Mark)
	}
	require.Equal(t, wantIDs, ids)
	require.Equal(t, wantTargets, targets)
	o, _ := res.Outcome("P4")
	require.True(t, o.Cooling)
	require.Equal(t, int32(1), o.Selected)
	require.Equal(t, res.Strata[o.Stratum].Values, res.View().Selected[1].Stratum)

	// Out of scope targets are errors that name them.
	_, err := Draw(t.Context(), smallPlan(t, `"scope": {"category": ["a"]}, "targeted": [{"id": "P5"}]`), mkSet(t, tb), []byte("s"), Options{})
	require.ErrorIs(t, err, ErrTargetOutOfScope)
	require.Contains(t, err.Error(), "P5")
	require.Contains(t, err.Error(), "targeted[0].id")
}

// TestSortRankKeys checks the radix sort against a comparison sort, on
// strata with and without ties of P, overdue premises, and bytes that
// every priority shares.
func TestSortRankKeys(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var scratch []rankKey
	for _, n := range []int{0, 1, 63, 64, 65, 1000, 5000} {
		for _, shape := range []string{"uniform", "ties", "shared-bytes", "all-overdue", "none-overdue"} {
			keys := make([]rankKey, n)
			for i := range keys {
				p := rng.Uint64()
				switch shape {
				case "ties":
					p %= 7
				case "shared-bytes":
					p = p&0xff00ff | 0xabcd_0000_0000_0000
				}
				row := uint32(i)
				if shape == "none-overdue" || (shape != "all-overdue" && rng.IntN(3) > 0) {
					row |= 1 << 31
				}
				keys[i] = rankKey{p: p, row: row}
			}
			want := slices.Clone(keys)
			slices.SortFunc(want, compareRankKeys)
			var got []rankKey
			got, scratch = sortRankKeys(keys, scratch)
			require.Equal(t, want, got, "%d keys, %s", n, shape)
		}
	}
}
