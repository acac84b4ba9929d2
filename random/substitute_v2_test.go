package random

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

func drawCountyV2(t *testing.T, dir string, edit func([]byte) []byte) *ResultV2 {
	t.Helper()
	_, set := loadCountyV2(t, dir)
	b, err := os.ReadFile(filepath.Join(testdataV2, dir, "plan.json"))
	require.NoError(t, err)
	if edit != nil {
		b = edit(b)
	}
	plan, err := ParsePlanV2(b)
	require.NoError(t, err)
	r, err := DrawV2(context.Background(), plan, set, diceV2, Options{})
	require.NoError(t, err)
	return r
}

const (
	qxWater = "12451099498231630C" // 清溪镇供水站: water, team 002 (0), 008 (1), 009 (null)
)

// A chain on one visit: the slot-0 member (wsjd + drinking_water) leaves
// twice; the first time 004 is the first candidate in (Q, id) order that
// fills the slot, the second time nobody does and the visit becomes
// unstaffed, never a team of two.
func TestSubstituteV2ChainBecomesUnstaffed(t *testing.T) {
	r := drawCountyV2(t, "dr2-county-c", nil)
	subs := []Substitution{
		{Premises: qxWater, Out: "WJ4510990002", Reason: "病假"},
		{Premises: qxWater, Out: "WJ4510990004", Reason: "回避", Conflict: true},
	}
	reps, err := r.Substitute(subs)
	require.NoError(t, err)
	require.Equal(t, "WJ4510990004", reps[0].In)
	require.Equal(t, 0, reps[0].Slot)
	require.Equal(t, []string{"WJ4510990004", "WJ4510990008", "WJ4510990009"}, reps[0].Team)
	require.False(t, reps[0].Unstaffed)
	require.Equal(t, "", reps[1].In)
	require.True(t, reps[1].Unstaffed)
	require.True(t, reps[1].Short)
	require.Empty(t, reps[1].Team)
	row, ok := reps[1].ConflictRow()
	require.True(t, ok)
	require.Equal(t, "WJ4510990004", row.Get(roster.AttrInspector))

	// The result is not modified, and a third substitution fails.
	v := r.Visits[r.Premises[r.Set.Premises.Index(qxWater)].Visit]
	require.Equal(t, "WJ4510990002", v.Team[0].ID)
	_, err = r.Substitute(append(subs, Substitution{Premises: qxWater, Out: "WJ4510990008", Reason: "x"}))
	require.ErrorIs(t, err, ErrUnstaffed)
	var se *SubstitutionError
	require.ErrorAs(t, err, &se)
	require.Equal(t, 2, se.Index)
}

// A fill-up member may be replaced by anyone under max_per_unit; the
// member of slot 1 (unit slj) can then be replaced by nobody: both slj
// inspectors were on the team.
func TestSubstituteV2FillUpThenSlot(t *testing.T) {
	r := drawCountyV2(t, "dr2-county-c", nil)
	reps, err := r.Substitute([]Substitution{
		{Premises: qxWater, Out: "WJ4510990009", Reason: "病假"},
		{Premises: qxWater, Out: "WJ4510990008", Reason: "病假"},
	})
	require.NoError(t, err)
	require.Equal(t, -1, reps[0].Slot)
	require.Equal(t, "WJ4510990003", reps[0].In) // first in (Q, id) not on the team
	require.Equal(t, []string{"WJ4510990002", "WJ4510990008", "WJ4510990003"}, reps[0].Team)
	require.Equal(t, 1, reps[1].Slot)
	require.True(t, reps[1].Unstaffed)

	// A member never on the team, one who left, unknown ids, no reason.
	for _, c := range []struct {
		sub  Substitution
		want error
	}{
		{Substitution{Premises: qxWater, Out: "WJ4510990001", Reason: "x"}, ErrNotOnTeam},
		{Substitution{Premises: qxWater, Out: "WJ4510990099", Reason: "x"}, ErrUnknownInspector},
		{Substitution{Premises: "nope", Out: "WJ4510990002", Reason: "x"}, ErrUnknownPremises},
		{Substitution{Premises: qxWater, Out: "WJ4510990002", Reason: " "}, ErrBadReason},
		{Substitution{Premises: "91451099MA5MN2HC34", Out: "WJ4510990014", Reason: "x"}, ErrUnstaffed}, // 康美口腔: unstaffed slot
		{Substitution{Premises: notVisited(r), Out: "WJ4510990002", Reason: "x"}, ErrNotSelected},
	} {
		_, err := r.Substitute([]Substitution{c.sub})
		require.ErrorIs(t, err, c.want, "%+v", c.sub)
	}
	_, err = r.Substitute([]Substitution{
		{Premises: qxWater, Out: "WJ4510990009", Reason: "x"},
		{Premises: qxWater, Out: "WJ4510990009", Reason: "x"},
	})
	require.ErrorIs(t, err, ErrNotOnTeam)
}

// max_per_unit binds the replacement: with water's max_per_unit at 1 a
// fill-up member is replaced by someone of a unit not yet on the team,
// although earlier candidates in (Q, id) order qualify otherwise.
// Steering a substitution to a colleague of the same unit is refused.
func TestSubstituteV2MaxPerUnit(t *testing.T) {
	r := drawCountyV2(t, "dr2-county-c", func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"max_per_unit": 2`), []byte(`"max_per_unit": 1`), 1)
	})
	vi := r.Premises[r.Set.Premises.Index(qxWater)].Visit
	v := r.Visits[vi]
	require.NotNil(t, v.Team)
	require.Equal(t, 1, v.MaxPerUnit)
	unit := func(id string) string {
		i := r.Set.Inspectors.Index(id)
		return roster.Inspector{Row: r.Set.Inspectors.At(i)}.Unit()
	}
	var fill Member
	units := map[string]bool{}
	for _, m := range v.Team {
		units[unit(m.ID)] = true
		if m.Slot < 0 {
			fill = m
		}
	}
	require.NotEmpty(t, fill.ID)
	reps, err := r.Substitute([]Substitution{{Premises: qxWater, Out: fill.ID, Reason: "病假"}})
	require.NoError(t, err)
	in := reps[0].In
	require.NotEmpty(t, in)
	delete(units, unit(fill.ID))
	require.False(t, units[unit(in)], "%s of unit %s joins a team that has that unit", in, unit(in))
	// Decisive: someone earlier in (Q, id) order, never on the team, of
	// a unit already on it, was passed over.
	passed := false
	for _, c := range v.Eligible {
		if c.ID == in {
			break
		}
		if !slicesContainsMember(v.Team, c.ID) && units[unit(c.ID)] {
			passed = true
		}
	}
	require.True(t, passed)
}

// Capacity after the draw and earlier substitutions: with a default
// capacity of 1, an inspector who joined one team by substitution cannot
// join another, and nobody already on a team can.
func TestSubstituteV2Capacity(t *testing.T) {
	r := drawCountyV2(t, "dr2-county-c", func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"notes"`), []byte(`"default_capacity": 1, "notes"`), 1)
	})
	var subs []Substitution
	for _, v := range r.Visits {
		if v.Team != nil {
			subs = append(subs, Substitution{Premises: v.ID, Out: v.Team[len(v.Team)-1].ID, Reason: "病假"})
		}
	}
	require.GreaterOrEqual(t, len(subs), 3)
	reps, err := r.Substitute(subs)
	require.NoError(t, err)
	seen := map[string]bool{}
	joined := 0
	for _, rep := range reps {
		if rep.In == "" {
			require.True(t, rep.Unstaffed)
			continue
		}
		joined++
		require.False(t, seen[rep.In], "%s joins two teams with capacity 1", rep.In)
		seen[rep.In] = true
		l := r.Load[r.Set.Inspectors.Index(rep.In)]
		require.Equal(t, 0, l.Used, "%s was on a team already", rep.In)
	}
	require.Positive(t, joined)
}

func slicesContainsMember(team []Member, id string) bool {
	for _, m := range team {
		if m.ID == id {
			return true
		}
	}
	return false
}

func notVisited(r *ResultV2) string {
	for i, o := range r.Premises {
		if o.Visit < 0 {
			return r.Set.Premises.At(i).ID
		}
	}
	return ""
}
