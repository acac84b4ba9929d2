package random

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
)

// Explanations on county c, using the facts testdata/v2/README.md lists.
func TestExplainV2CountyC(t *testing.T) {
	r := drawCountyV2(t, "dr2-county-c", nil)
	explain := func(id string) *ExplanationV2 {
		e, err := r.Explain(id)
		require.NoError(t, err)
		return e
	}
	task := func(e *ExplanationV2, id string) TaskDecision {
		for _, d := range e.Tasks {
			if d.ID == id {
				return d
			}
		}
		t.Fatalf("no task %s", id)
		return TaskDecision{}
	}

	// 好运来: public-place, weight 4 (risk C), W = P_3 is the group's threshold.
	e := explain("91451099MA5H8MLB99")
	d := task(e, "public-place")
	require.True(t, d.Eligible)
	require.Equal(t, 4, d.Weight)
	require.Equal(t, "114f052c68e9c77e", FormatPriority(d.W))
	require.Equal(t, "935a6e5a9b298edb", FormatPriority(e.Priority))
	require.True(t, d.HasThreshold)
	require.Equal(t, d.W, d.Threshold)
	require.Equal(t, 2, d.Rank)
	require.Equal(t, 3, d.GroupQuota)
	require.True(t, d.Selected)
	require.Equal(t, MarkRandom, d.Mark)
	require.Contains(t, e.String(), "weight 4, W = 114f052c68e9c77e; ranked 3rd")
	require.False(t, task(e, "school").InPool)

	// 河口大酒店: cooling by JC202500301, a row naming a retired inspector.
	e = explain("91451099MA5CM9HL1R")
	require.True(t, e.Cooling)
	require.Equal(t, 0, e.CoolingRule)
	require.Equal(t, []string{"JC202500301"}, e.CoolingRows)
	d = task(e, "public-place")
	require.True(t, d.InPool)
	require.False(t, d.Eligible)
	require.Equal(t, -1, e.Visit)
	require.Contains(t, e.String(), "cooling under cooldown rule 1")

	// 清溪镇供水站: water, group 清溪镇 (quota 1 by largest remainder).
	e = explain("12451099498231630C")
	d = task(e, "water")
	require.Equal(t, []string{"清溪镇"}, d.Group)
	require.Equal(t, 1, d.GroupEligible)
	require.Equal(t, 1, d.GroupQuota)
	require.Equal(t, 3, e.Size)
	require.Equal(t, 2, e.MaxPerUnit)
	require.Contains(t, e.String(), "WJ4510990009 (fill-up)")

	// 温泉酒店: cooling, targeted for water only; public-place holds but it cools.
	e = explain("91451099MA5020EJ1K")
	require.True(t, e.Cooling)
	require.Equal(t, []string{"JC202500359"}, e.CoolingRows)
	d = task(e, "water")
	require.Equal(t, MarkTargeted, d.Mark)
	require.Equal(t, 0, d.Target)
	require.False(t, task(e, "public-place").Selected)
	require.Contains(t, e.String(), "投诉举报 2026-011")

	// 康美口腔: unstaffed slot, slot 1, by max_per_unit (both radiation
	// specialists in unit "").
	e = explain("91451099MA5MN2HC34")
	require.Equal(t, UnstaffedSlot, e.Unstaffed)
	require.Equal(t, 1, e.FailedSlot)
	require.Equal(t, 2, e.SlotEligible)
	require.Equal(t, 2, e.SlotCapacity)
	require.Contains(t, e.String(), "could fill slot 1 (specialty radiation)")
	require.Contains(t, e.String(), "max_per_unit")

	// 城关镇康乐足浴店: none eligible (no region).
	e = explain("92451099MA5GDC4G0P")
	require.Equal(t, UnstaffedNoneEligible, e.Unstaffed)

	// Out of scope: status, and scope exclude.
	e = explain("92451099MA5LB00G6P")
	require.Equal(t, OutOfScopeStatus, e.Scope)
	require.Contains(t, e.String(), `status "注销"`)
	e = explain("92451099MA5JK54J7G")
	require.Equal(t, OutOfScopeAttr, e.Scope)
	require.Equal(t, "exclude", e.ScopeRule)
	require.Equal(t, "case_open", e.ScopeAttr)

	_, err := r.Explain("nope")
	require.ErrorIs(t, err, ErrUnknownPremises)
}

func TestExplainInspectorV2CountyC(t *testing.T) {
	r := drawCountyV2(t, "dr2-county-c", nil)
	ex := func(p, i string) *InspectorExplanationV2 {
		e, err := r.ExplainInspector(p, i)
		require.NoError(t, err)
		return e
	}
	// 城关镇卫生院: 006 declared conflict, 005 and 010 rotation (JC202500388).
	e := ex("124510994981015613", "WJ4510990006")
	require.Equal(t, IneligibleDeclared, e.Eligibility)
	require.Equal(t, InspectorNotEligible, e.Outcome)
	require.Empty(t, e.ConflictReason, "conflict reasons are private in this plan")
	for _, id := range []string{"WJ4510990005", "WJ4510990010"} {
		e = ex("124510994981015613", id)
		require.Equal(t, IneligibleRotation, e.Eligibility)
		require.Equal(t, "JC202500388", e.RotationRecord)
		require.Contains(t, e.String(), "history row JC202500388 of 2025-12-08")
	}
	// Status 调离, credential expired the day before, no region.
	require.Equal(t, IneligibleStatus, ex("12451099498231630C", "WJ4510990017").Eligibility)
	e = ex("12451099498231630C", "WJ4510990013")
	require.Equal(t, IneligibleCredential, e.Eligibility)
	require.Contains(t, e.String(), "expires 2026-03-01")
	// 003's credential expires on the plan date: eligible.
	require.Equal(t, EligibleInspector, ex("12451099498231630C", "WJ4510990003").Eligibility)
	require.Equal(t, IneligibleRegion, ex("92451099MA5GDC4G0P", "WJ4510990016").Eligibility)

	// On the team, with a slot.
	e = ex("12451099498231630C", "WJ4510990008")
	require.Equal(t, InspectorOnTeam, e.Outcome)
	require.Equal(t, 1, e.Slot)
	// Eligible, not on the team: slot 0 went to 002 before them, slot 1
	// is unit slj, the team was full.
	e = ex("12451099498231630C", "WJ4510990004")
	require.Equal(t, InspectorTeamFull, e.Outcome)
	require.Contains(t, e.Slots[0], "taken by WJ4510990002, before them")
	require.Contains(t, e.Slots[1], "not of its unit")
	// Unstaffed visit.
	require.Equal(t, InspectorPremisesUnstaffed, ex("91451099MA5MN2HC34", "WJ4510990015").Outcome)
	// Not visited.
	require.Equal(t, InspectorPremisesNotSelected, ex("91451099MA5CM9HL1R", "WJ4510990001").Outcome)
	_, err := r.ExplainInspector("12451099498231630C", "nope")
	require.ErrorIs(t, err, ErrUnknownInspector)
}

// Capacity and max_per_unit in explanations: county c's plan with a
// capacity of 1, then with water's max_per_unit at 1.
func TestExplainInspectorV2CapacityUnit(t *testing.T) {
	count := func(r *ResultV2, want InspectorOutcome, check func(*InspectorExplanationV2)) int {
		n := 0
		for _, v := range r.Visits {
			for _, c := range v.Eligible {
				e, err := r.ExplainInspector(v.ID, c.ID)
				require.NoError(t, err)
				if e.Outcome == want {
					n++
					check(e)
				}
			}
		}
		return n
	}
	r := drawCountyV2(t, "dr2-county-c", func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"notes"`), []byte(`"default_capacity": 1, "notes"`), 1)
	})
	require.Positive(t, count(r, InspectorAtCapacity, func(e *InspectorExplanationV2) {
		require.Equal(t, 1, e.UsedBefore)
		require.Contains(t, e.String(), "joined 1 teams, their capacity")
	}))
	r = drawCountyV2(t, "dr2-county-c", func(b []byte) []byte {
		return bytes.Replace(b, []byte(`"max_per_unit": 2`), []byte(`"max_per_unit": 1`), 1)
	})
	require.Positive(t, count(r, InspectorUnitLimit, func(e *InspectorExplanationV2) {
		require.Contains(t, e.Fill, "max_per_unit 1")
	}))
}
