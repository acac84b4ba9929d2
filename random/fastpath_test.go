package random

import (
	"cmp"
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// TestFastPathsEqualPlain checks the fast paths against the plain ones
// on random synthetic counties: E(p) from the region/specialty index
// against a scan of every inspector with the rules of protocol §6
// (WhyIneligible), priorities on several workers against one, and the
// streaming draw against Draw.
func TestFastPathsEqualPlain(t *testing.T) {
	rng := rand.New(rand.NewPCG(2026, 11))
	for round := range 6 {
		s := synth{
			premises:   200 + rng.IntN(3000),
			inspectors: 20 + rng.IntN(200),
			counties:   1 + rng.IntN(6),
			seed:       rng.Uint64(),
			history:    2 + rng.IntN(6),
			conflicts:  3 + rng.IntN(30),
		}
		ratio := []string{"2%", "1/7", "30%", "100%"}[rng.IntN(4)]
		plan := synthPlan(t, ratio, rng.IntN(60), s.targets(rng.IntN(3)))
		insp := s.inspectorTable(t)
		conf, hist := s.historyTables(t)
		set, err := roster.NewSet(s.premisesTable(t), insp, conf, hist)
		require.NoError(t, err)
		seed := []byte{byte(round), 1, 2, 3}

		one, err := Draw(context.Background(), plan, set, seed, Options{Workers: 1})
		require.NoError(t, err)
		many, err := Draw(context.Background(), plan, set, seed, Options{Workers: 2 + rng.IntN(6)})
		require.NoError(t, err)
		require.Equal(t, one.Premises, many.Premises, "round %d", round)
		require.Equal(t, one.Selected, many.Selected, "round %d", round)

		// E(p) by a plain scan of every inspector.
		for _, sel := range one.Selected {
			want := plainEligible(one, sel.Premises)
			require.Equal(t, len(want), sel.EligibleCount, "round %d premises %s", round, sel.ID)
			require.Equal(t, want[:len(sel.Eligible)], sel.Eligible, "round %d premises %s", round, sel.ID)
			if sel.Rule >= 0 {
				require.Len(t, sel.Eligible, min(len(want), prefixLen(plan.Teams[sel.Rule].Size)))
			}
			got, err := one.EligibleFor(sel.ID)
			require.NoError(t, err)
			require.Equal(t, want, got, "round %d premises %s", round, sel.ID)
		}
		// Priorities one by one.
		for i, row := range set.Premises.Rows() {
			if one.Premises[i].Scope == OutOfScopeNone {
				require.Equal(t, reference(one.Key, tagPremises, row.ID), one.Premises[i].Priority)
			}
		}

		got, err := DrawStream(context.Background(), plan, s.source(), insp, conf, hist, seed, Options{Workers: 1 + rng.IntN(4)})
		require.NoError(t, err)
		requireSameDraw(t, one, got)
	}
}

// plainEligible returns E(p) of a premises row by a scan of every
// inspector with the rules of protocol §6 ([Result.WhyIneligible]), in
// (Q, id) order.
func plainEligible(r *Result, premises int) []Candidate {
	var want []Candidate
	id := r.Set.Premises.At(premises).ID
	for i, row := range r.Set.Inspectors.Rows() {
		if r.WhyIneligible(premises, i) == EligibleInspector {
			want = append(want, Candidate{Inspector: i, ID: row.ID, Q: r.Key.InspectorKey(id, row.ID)})
		}
	}
	slices.SortFunc(want, func(a, b Candidate) int {
		if c := cmp.Compare(a.Q, b.Q); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return want
}
