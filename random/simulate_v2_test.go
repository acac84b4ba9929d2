package random

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
)

// A simulation of county c: reproducible whatever the number of workers,
// its first run is the draw under SimulateSeed(base, 0), and its figures
// add up: every run visits the targeted premises, never an out-of-scope
// one, and task tableware (nothing eligible) falls short by one each time.
func TestSimulateV2(t *testing.T) {
	plan, set := loadCountyV2(t, "dr2-county-c")
	const runs = 120
	var progress []int
	one, err := SimulateV2(context.Background(), plan, set, SimulateOptions{Runs: runs, Workers: 1,
		Progress: func(done, total int) { require.Equal(t, runs, total); progress = append(progress, done) }})
	require.NoError(t, err)
	require.Len(t, progress, runs)
	require.Equal(t, runs, progress[runs-1])
	three, err := SimulateV2(context.Background(), plan, set, SimulateOptions{Runs: runs, Workers: 3})
	require.NoError(t, err)
	require.Equal(t, one, three, "the workers do not change the simulation")

	d := plan.Digest()
	first, err := DrawV2(context.Background(), plan, set, SimulateSeed(d[:], 0), Options{})
	require.NoError(t, err)
	require.Equal(t, len(first.Visits), one.Visits.Values[0])
	for ti, tr := range first.Tasks {
		require.Equal(t, tr.Quota, one.Tasks[ti].Quota.Values[0])
	}

	total := 0
	for _, v := range one.Visits.Values {
		total += v
	}
	visited := 0
	for p, ps := range one.Premises {
		visited += ps.Visited
		id := set.Premises.At(p).ID
		switch id {
		case "91451099MA5020EJ1K", "124510994981015613", "92451099MA5GDC4G0P": // targeted
			require.Equal(t, runs, ps.Visited, id)
		}
		if o, _ := first.Outcome(id); o.Scope != OutOfScopeNone {
			require.Zero(t, ps.Visited, "%s is out of scope", id)
		}
	}
	require.Equal(t, total, visited)
	ti := plan.TaskIndex("tableware")
	require.Equal(t, runs, one.Tasks[ti].Shortfall.Positive())
	require.Equal(t, 1, one.Tasks[ti].Shortfall.Min())
	// 康美口腔 needs two radiation specialists without a unit: unstaffed
	// whenever radiation draws it, so radiation has unstaffed runs.
	require.Positive(t, one.Tasks[plan.TaskIndex("radiation")].Unstaffed.Max())
	require.Positive(t, one.Pair.Runs)
	require.LessOrEqual(t, one.Pair.Runs, runs)
	teams := 0
	for _, in := range one.Inspectors {
		teams += in.Teams
		require.LessOrEqual(t, in.MaxInDraw, in.Teams)
	}
	require.Positive(t, teams)
	require.Equal(t, one.Busiest(1)[0].Teams, maxTeams(one))

	_, err = SimulateV2(context.Background(), plan, set, SimulateOptions{Runs: 0})
	require.Error(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = SimulateV2(ctx, plan, set, SimulateOptions{Runs: 10})
	require.ErrorIs(t, err, context.Canceled)
}

func maxTeams(s *Simulation) int {
	m := 0
	for _, in := range s.Inspectors {
		m = max(m, in.Teams)
	}
	return m
}

// Distribution summaries.
func TestDistribution(t *testing.T) {
	d := Distribution{Values: []int{3, 0, 5, 1, 1}}
	require.Equal(t, 0, d.Min())
	require.Equal(t, 5, d.Max())
	require.InDelta(t, 2.0, d.Mean(), 1e-9)
	require.Equal(t, 1, d.Quantile(0.5))
	require.Equal(t, 5, d.Quantile(1))
	require.Equal(t, 4, d.Positive())
	require.Equal(t, 0, Distribution{}.Quantile(0.5))
}

// The v2 pre-flight names county c's known problems: tableware can never
// reach its want, and radiation's second slot can never be filled.
func TestPreflightV2(t *testing.T) {
	plan, set := loadCountyV2(t, "dr2-county-c")
	rep, err := PreflightV2(context.Background(), plan, set)
	require.NoError(t, err)
	require.Equal(t, plan.Digest(), rep.PlanDigest)
	ps := rep.Problems()
	require.Contains(t, ps, "task tableware: short of its want in 100 of 100 simulated draws (by up to 1)")
	require.Contains(t, ps, "task radiation: visits left unstaffed in 100 of 100 simulated draws (up to 1 a draw)")
	again, err := PreflightV2(context.Background(), plan, set)
	require.NoError(t, err)
	require.Equal(t, ps, again.Problems(), "the same plan and tables give the same report")
	require.Nil(t, (*PreflightReportV2)(nil).Problems())
}
