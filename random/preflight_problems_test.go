package random

import (
	"path/filepath"
	"testing"

	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
)

// Problems is empty exactly when OK is, and names each kind of problem.
func TestPreflightProblems(t *testing.T) {
	for _, county := range []string{"dr1-county-7", "dr1-county-12"} {
		dir := filepath.Join("..", "testdata", county)
		plan, err := LoadPlan(filepath.Join(dir, "plan.json"))
		require.NoError(t, err)
		set, err := roster.LoadDir(dir, roster.Options{})
		require.NoError(t, err)
		rep, err := Preflight(plan, set)
		require.NoError(t, err)
		require.Equal(t, rep.OK(), len(rep.Problems()) == 0, county)
		if county == "dr1-county-7" {
			require.Equal(t, []string{
				"team rule 0 (size 2): no team can be formed (1 candidates, largest team 1)",
				"team rule 0: capacity 3 for up to 14 places",
				"team rule 1 (size 2): no team can be formed (1 candidates, largest team 1)",
				"19 premises that could be selected have fewer eligible inspectors than their team needs (2 with none): 371727045915 371727047434 371727081235 371727087810 371727647592 and 14 more",
			}, rep.Problems())
		}
	}
	rep := &PreflightReport{
		Strata:      []PreflightStratum{{Values: []string{"a", ""}, Eligible: 3}},
		NoQuotaRule: []int{0},
		Teams:       []PreflightTeam{{Rule: 0, Size: 2, Premises: 1, Staffable: true, Enough: true, Units: []UnitSupply{{Unit: "u", Capacity: 1, Demand: 2}}}},
		NoTeamRule:  2,
	}
	require.False(t, rep.OK())
	require.Equal(t, []string{
		"stratum a/(none) has no quota rule (3 eligible, none drawn)",
		"team rule 0, required unit u: capacity 1 for up to 2 places",
		"2 premises that could be selected match no team rule",
	}, rep.Problems())
}
