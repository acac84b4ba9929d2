package publish

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
)

// Every honest draw passes the public checks, whatever the seed.
func TestCheckViewPublicHonest(t *testing.T) {
	for _, dir := range []string{county7, county12} {
		plan, err := random.LoadPlan(filepath.Join(dir, "plan.json"))
		require.NoError(t, err)
		set, err := roster.LoadDir(dir, roster.Options{})
		require.NoError(t, err)
		for i := range 150 {
			res, err := random.Draw(t.Context(), plan, set, fmt.Appendf(nil, "seed %d", i), random.Options{})
			require.NoError(t, err)
			require.Nil(t, checkViewPublic(plan, res.View()), "%s seed %d", dir, i)
		}
	}
}

// Each way of bending a view that the plan and key expose is refused,
// naming the field.
func TestCheckViewPublicForged(t *testing.T) {
	plan, err := random.LoadPlan(filepath.Join(county12, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(county12, roster.Options{})
	require.NoError(t, err)
	res, err := random.Draw(t.Context(), plan, set, []byte("forged"), random.Options{})
	require.NoError(t, err)
	firstRandom := func(v *random.View) int {
		return slices.IndexFunc(v.Selected, func(s random.ViewSelection) bool { return s.Mark == random.MarkRandom })
	}
	withThreshold := func(v *random.View) int {
		return slices.IndexFunc(v.Strata, func(s random.ViewStratum) bool { return s.Threshold != nil })
	}
	for _, c := range []struct {
		name, field string
		edit        func(v *random.View)
	}{
		{"quota", "view.strata[0].quota", func(v *random.View) { v.Strata[0].Quota++ }},
		{"eligible", "view.strata[0].quota", func(v *random.View) { v.Strata[0].Eligible += 100 }},
		{"no rule", "view.strata[0].no_quota_rule", func(v *random.View) { v.Strata[0].NoQuotaRule = true }},
		{"strata order", "view.strata[1].values", func(v *random.View) { v.Strata[0], v.Strata[1] = v.Strata[1], v.Strata[0] }},
		{"priority", "view.selected[0].priority", func(v *random.View) { v.Selected[0].Priority++ }},
		{"threshold", fmt.Sprintf("view.strata[%d].threshold", withThreshold(res.View())), func(v *random.View) { *v.Strata[withThreshold(v)].Threshold++ }},
		// (The first random one marked overdue is not visible without
		// the history; the last one of a stratum with two is.)
		{"random to overdue", "", func(v *random.View) {
			i := firstRandom(v)
			require.Equal(t, random.MarkRandom, v.Selected[i+1].Mark)
			require.Equal(t, v.Selected[i].Stratum, v.Selected[i+1].Stratum)
			v.Selected[i+1].Mark = random.MarkOverdue
		}},
		{"dropped", "", func(v *random.View) { i := firstRandom(v); v.Selected = slices.Delete(v.Selected, i, i+1) }},
		{"order", "", func(v *random.View) {
			v.Selected[0], v.Selected[len(v.Selected)-1] = v.Selected[len(v.Selected)-1], v.Selected[0]
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := res.View()
			c.edit(v)
			ve := checkViewPublic(plan, v)
			require.NotNil(t, ve)
			require.ErrorIs(t, ve, ErrSelection)
			if c.field != "" {
				require.Equal(t, c.field, ve.field, ve.Error())
			}
		})
	}
}
