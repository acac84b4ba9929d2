package random

import (
	"cmp"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// referenceStaffing staffs a copy of r the plain way, from the full E(p)
// of every selected premises (a scan of every inspector with
// WhyIneligible), most constrained first by (|E(p)|, P, id), as the draw
// did before it kept only a prefix of E(p).
func referenceStaffing(t *testing.T, r *Result) *Result {
	ref := *r
	ref.Load = make([]InspectorLoad, len(r.Load))
	for i, l := range r.Load {
		ref.Load[i] = InspectorLoad{Capacity: l.Capacity}
	}
	ref.Selected = make([]Selection, len(r.Selected))
	for i, s := range r.Selected {
		ref.Selected[i] = Selection{Premises: s.Premises, ID: s.ID, Priority: s.Priority, Stratum: s.Stratum,
			Mark: s.Mark, Target: s.Target, Rule: s.Rule}
		if s.Rule < 0 {
			ref.Selected[i].Unstaffed = UnstaffedNoTeamRule
			continue
		}
		ref.Selected[i].Eligible = plainEligible(r, s.Premises)
		ref.Selected[i].EligibleCount = len(ref.Selected[i].Eligible)
	}
	ref.StaffOrder = make([]int, len(r.Selected))
	for i := range ref.StaffOrder {
		ref.StaffOrder[i] = i
	}
	slices.SortFunc(ref.StaffOrder, func(a, b int) int {
		sa, sb := &ref.Selected[a], &ref.Selected[b]
		return cmp.Or(cmp.Compare(len(sa.Eligible), len(sb.Eligible)), cmp.Compare(sa.Priority, sb.Priority), strings.Compare(sa.ID, sb.ID))
	})
	for _, si := range ref.StaffOrder {
		s := &ref.Selected[si]
		if s.Rule >= 0 {
			require.True(t, ref.staffFrom(s, s.Eligible, &ref.Plan.Teams[s.Rule], false))
		}
	}
	return &ref
}

// TestPrefixEqualsFullEligible checks that keeping only the first
// candidates of E(p) changes nothing: on synthetic counties with many
// inspectors per premises (E(p) far longer than the prefix), the teams,
// unstaffed reasons, |E(p)|, loads, substitutions and inspector
// explanations equal those of a draw that staffs from the full E(p).
// The second county has too little capacity, so teams are completed
// beyond the prefix, from E(p) computed anew.
func TestPrefixEqualsFullEligible(t *testing.T) {
	for _, tc := range []struct {
		name       string
		premises   int
		inspectors int
		ratio      string
		fallback   bool // expect teams staffed beyond the prefix
	}{
		{"capacity to spare", 1500, 300, "2%", false},
		{"capacity exhausted", 1500, 300, "100%", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := synth{premises: tc.premises, inspectors: tc.inspectors, counties: 1, seed: 77, history: 5, conflicts: 7}
			plan := synthPlan(t, tc.ratio, 0, nil)
			conf, hist := s.historyTables(t)
			set, err := roster.NewSet(s.premisesTable(t), s.inspectorTable(t), conf, hist)
			require.NoError(t, err)
			res, err := Draw(context.Background(), plan, set, []byte("prefix"), Options{Workers: 3})
			require.NoError(t, err)
			ref := referenceStaffing(t, res)

			require.Equal(t, ref.StaffOrder, res.StaffOrder)
			require.Equal(t, ref.Load, res.Load)
			short, beyond, unstaffed := 0, 0, 0
			for i := range res.Selected {
				g, w := &res.Selected[i], &ref.Selected[i]
				require.Equal(t, w.EligibleCount, g.EligibleCount, g.ID)
				require.Equal(t, w.Eligible[:len(g.Eligible)], g.Eligible, g.ID)
				require.Equal(t, w.Team, g.Team, g.ID)
				require.Equal(t, w.Unstaffed, g.Unstaffed, g.ID)
				require.Equal(t, w.MissingUnit, g.MissingUnit, g.ID)
				if len(g.Eligible)*4 < g.EligibleCount {
					short++
				}
				if g.Team == nil && g.Rule >= 0 {
					unstaffed++
				}
				for _, m := range g.Team {
					if !slices.Contains(g.Eligible, m) {
						beyond++
						break
					}
				}
			}
			require.Greater(t, short, len(res.Selected)/2, "E(p) should mostly be far longer than the prefix")
			if tc.fallback {
				require.NotZero(t, beyond, "no team was staffed beyond the prefix")
				require.NotZero(t, unstaffed)
			}
			wantView, err := ref.View().Encode()
			require.NoError(t, err)
			gotView, err := res.View().Encode()
			require.NoError(t, err)
			require.Equal(t, string(wantView), string(gotView))

			// Substitutions walk the full E(p): take out each staffed
			// team's first member, twice for every third premises.
			var subs []Substitution
			for i, sel := range res.Selected {
				if sel.Team == nil {
					continue
				}
				subs = append(subs, Substitution{Premises: sel.ID, Out: sel.Team[0].ID, Reason: "ill"})
				if i%3 == 0 {
					subs = append(subs, Substitution{Premises: sel.ID, Out: sel.Team[len(sel.Team)-1].ID, Reason: "leave"})
				}
			}
			want, err := ref.Substitute(subs)
			require.NoError(t, err)
			got, err := res.Substitute(subs)
			require.NoError(t, err)
			require.Equal(t, want, got)

			// Explanations place an inspector in the full E(p).
			for i := 0; i < len(res.Selected); i += 17 {
				sel := res.Selected[i]
				full, err := res.EligibleFor(sel.ID)
				require.NoError(t, err)
				require.Equal(t, ref.Selected[i].Eligible, full, sel.ID)
				for _, c := range []int{0, len(full) / 2, len(full) - 1} {
					if c < 0 {
						continue
					}
					w, err := ref.ExplainInspector(sel.ID, full[c].ID)
					require.NoError(t, err)
					g, err := res.ExplainInspector(sel.ID, full[c].ID)
					require.NoError(t, err)
					require.Equal(t, w, g)
					require.Equal(t, c, g.Candidate)
				}
			}
		})
	}
}

// TestEligibleFor checks E(p) for premises not selected and the errors.
func TestEligibleFor(t *testing.T) {
	s := synth{premises: 300, inspectors: 120, counties: 2, seed: 5, history: 4, conflicts: 5}
	plan := synthPlan(t, "2%", 0, nil)
	conf, hist := s.historyTables(t)
	set, err := roster.NewSet(s.premisesTable(t), s.inspectorTable(t), conf, hist)
	require.NoError(t, err)
	res, err := Draw(context.Background(), plan, set, []byte("prefix"), Options{})
	require.NoError(t, err)
	for i, row := range set.Premises.Rows() {
		got, err := res.EligibleFor(row.ID)
		require.NoError(t, err)
		if plan.teamRule(row) < 0 {
			require.Nil(t, got, row.ID)
			continue
		}
		require.Equal(t, plainEligible(res, i), got, row.ID)
	}
	_, err = res.EligibleFor("no such premises")
	require.ErrorIs(t, err, ErrUnknownPremises)
}
