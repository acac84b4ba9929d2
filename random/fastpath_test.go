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
			var want []Candidate
			for i, row := range insp.Rows() {
				if one.WhyIneligible(sel.Premises, i) == EligibleInspector {
					want = append(want, Candidate{Inspector: i, ID: row.ID, Q: one.Key.InspectorKey(sel.ID, row.ID)})
				}
			}
			slices.SortFunc(want, func(a, b Candidate) int {
				if c := cmp.Compare(a.Q, b.Q); c != 0 {
					return c
				}
				return strings.Compare(a.ID, b.ID)
			})
			require.Equal(t, want, sel.Eligible, "round %d premises %s", round, sel.ID)
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
