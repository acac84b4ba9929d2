package publish

import (
	"fmt"
	"path/filepath"
	"testing"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
)

func loadCountyV2(t *testing.T, county string) (*random.PlanV2, *roster.Set) {
	dir := filepath.Join("..", "testdata", "v2", county)
	plan, err := random.LoadPlanV2(filepath.Join(dir, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(dir, roster.Options{Protocol: roster.ProtocolV2, Commitment: roster.Commitment{Key: make([]byte, 32)}})
	require.NoError(t, err)
	return plan, set
}

// Every honest v2 draw of the four vector counties passes the public
// checks, whatever the seed (spread groups, weights, overdue premises,
// targeted premises and shortfalls included).
func TestCheckViewPublicV2Honest(t *testing.T) {
	for _, county := range []string{"dr2-county-a", "dr2-county-b", "dr2-county-c", "dr2-county-d"} {
		plan, set := loadCountyV2(t, county)
		for i := range 60 {
			res, err := random.DrawV2(t.Context(), plan, set, fmt.Appendf(nil, "seed %d", i), random.Options{})
			require.NoError(t, err)
			require.Nil(t, checkViewPublicV2(plan, res.View()), "%s seed %d", county, i)
		}
	}
}

// Each way of bending a v2 view that the plan and key expose is refused,
// naming the field: the operator with the real key, and no tables.
func TestCheckViewPublicV2Forged(t *testing.T) {
	plan, set := loadCountyV2(t, "dr2-county-c")
	res, err := random.DrawV2(t.Context(), plan, set, []byte("20237331128159211123"), random.Options{})
	require.NoError(t, err)
	// find returns the first visit task with the mark and its indexes.
	find := func(v *random.ViewV2, m random.Mark) (int, int) {
		for i, x := range v.Visits {
			for j, vt := range x.Tasks {
				if vt.Mark == m {
					return i, j
				}
			}
		}
		t.Fatalf("no %s mark", m)
		return 0, 0
	}
	for _, c := range []struct {
		name string
		edit func(v *random.ViewV2)
	}{
		{"targeted not in the plan", func(v *random.ViewV2) {
			i, j := find(v, random.MarkRandom)
			v.Visits[i].Tasks[j].Mark = random.MarkTargeted
		}},
		{"random above the threshold", func(v *random.ViewV2) {
			i, j := find(v, random.MarkRandom)
			ti := plan.TaskIndex(v.Visits[i].Tasks[j].Task)
			for g := range v.Tasks[ti].Groups {
				if th := v.Tasks[ti].Groups[g].Threshold; th != nil {
					low := random.Hex64(uint64(v.Visits[i].Priority) - 1)
					v.Tasks[ti].Groups[g].Threshold = &low
				}
			}
		}},
		{"priority not the key's", func(v *random.ViewV2) { v.Visits[0].Priority++ }},
		{"quota", func(v *random.ViewV2) { v.Tasks[1].Want++ }},
		{"quota not min(eligible, want)", func(v *random.ViewV2) { v.Tasks[1].Quota-- }},
		{"cooling", func(v *random.ViewV2) { v.Tasks[0].Cooling++ }},
		{"random called overdue", func(v *random.ViewV2) {
			i, j := find(v, random.MarkRandom)
			v.Visits[i].Tasks[j].Mark = random.MarkOverdue
		}},
		{"a visit dropped", func(v *random.ViewV2) {
			i, _ := find(v, random.MarkRandom)
			v.Visits = append(v.Visits[:i:i], v.Visits[i+1:]...)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := res.View()
			require.Nil(t, checkViewPublicV2(plan, v))
			c.edit(v)
			ve := checkViewPublicV2(plan, v)
			require.NotNil(t, ve, "the forgery passes")
			require.ErrorIs(t, ve, ErrSelection)
			require.Regexp(t, `^view\.(visits|tasks)`, ve.field, ve.Error())
			t.Log(ve.Error())
		})
	}
}
