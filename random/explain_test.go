package random

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

func TestExplain(t *testing.T) {
	c7 := drawVector(t, "dr1-county-7")
	c12 := drawVector(t, "dr1-county-12")
	tests := []struct {
		name     string
		r        *Result
		id       string
		decision Decision
		mark     Mark
		check    func(t *testing.T, e *Explanation)
		text     []string
	}{
		{"random", c7, c7Random, DecisionSelected, MarkRandom, func(t *testing.T, e *Explanation) {
			require.Equal(t, []string{"371727001", "drinking_water"}, e.StratumValues)
			require.Equal(t, 1, e.Eligible)
			require.Equal(t, 1, e.Quota)
			require.Equal(t, 3, e.QuotaRule)
			require.Equal(t, 0, e.Rank)
			require.Equal(t, uint64(0x8d220a5a5ab961b6), e.Priority) // expected-view.json
			require.True(t, e.HasThreshold)
			require.Equal(t, e.Priority, e.Threshold)
			require.False(t, e.Overdue)
			require.Equal(t, []string{"WJ3717270084", "WJ3717270077"}, e.Team)
			require.Equal(t, 9, e.EligibleInspectors)
			require.Equal(t, 2, e.TeamRule)
			require.Equal(t, -1, e.Target)
		}, []string{
			"Premises 91371727B23C6F5DAF was selected at random",
			"region 371727001, category drinking_water: 1 premises eligible, quota 1 (quota rule 3)",
			"Its priority is 8d220a5a5ab961b6",
			"ranked 1st of 1",
			"threshold (the priority of the last premises selected at random) is 8d220a5a5ab961b6",
			"Its team (team rule 2): WJ3717270084, WJ3717270077, chosen from 9 eligible inspectors.",
		}},
		{"overdue, unstaffed", c7, c7Short, DecisionSelected, MarkOverdue, func(t *testing.T, e *Explanation) {
			require.True(t, e.Overdue)
			require.Empty(t, e.Inspections)
			require.Equal(t, 5, e.OverdueEligible)
			require.Equal(t, UnstaffedTooFewEligible, e.Unstaffed)
			require.Nil(t, e.Team)
			require.Equal(t, 1, e.EligibleInspectors)
		}, []string{
			"selected because it is overdue: it was not inspected within the last 1095 days",
			"it has never been inspected",
			"5 of the 8 premises eligible are overdue",
			"It has no team: fewer eligible inspectors than the team size. Team rule 0 asks for 2 inspectors; 1 inspector is eligible.",
		}},
		{"not reached, quota went to overdue premises", c7, c7NotDrawn, DecisionNotReached, 0, func(t *testing.T, e *Explanation) {
			require.Equal(t, 3, e.Rank)
			require.Equal(t, 2, e.Quota)
			require.False(t, e.HasThreshold)
			require.Equal(t, []roster.Date{roster.MustParseDate("2025-10-13")}, e.Inspections)
		}, []string{
			"was not selected: it ranked 4th of 5 in its stratum and the quota is 2",
			"last inspected on 2025-10-13",
			"The quota of 2 went entirely to overdue premises",
		}},
		{"not reached, above the threshold", c12, "371727047196", DecisionNotReached, 0, func(t *testing.T, e *Explanation) {
			require.Equal(t, 6, e.Rank)
			require.True(t, e.HasThreshold)
			require.Greater(t, e.Priority, e.Threshold)
			require.Zero(t, e.CoverageDays)
		}, []string{
			"ranked 7th of",
			"Its priority " + FormatPriority(c12.Key.Priority("371727047196")) + " is above the threshold",
		}},
		{"out of scope: status", c7, "371727589015", DecisionOutOfScope, 0, func(t *testing.T, e *Explanation) {
			require.Equal(t, OutOfScopeStatus, e.Scope)
			require.Equal(t, "closed", e.Status)
			require.Equal(t, -1, e.Stratum)
			require.Equal(t, -1, e.Rank)
		}, []string{"took no part in the draw", `Its status is "closed"`}},
		{"out of scope: attribute", c7, "9137172773744G3E2W", DecisionOutOfScope, 0, func(t *testing.T, e *Explanation) {
			require.Equal(t, OutOfScopeAttr, e.Scope)
			require.Equal(t, "category", e.ScopeAttr)
			require.Equal(t, "disinfection", e.ScopeValue)
			require.Equal(t, []string{"public_place", "drinking_water", "school", "medical", "radiation"}, e.ScopeValues)
		}, []string{"Its category is disinfection; the plan draws only premises whose category is one of: public_place, drinking_water, school, medical, radiation."}},
		{"cooling down", c7, "91371727CB0EB53F19", DecisionCooling, 0, func(t *testing.T, e *Explanation) {
			require.True(t, e.Cooling)
			require.Equal(t, 2, e.Recent)
			require.Equal(t, 365, e.CooldownDays)
			require.Equal(t, 2, e.CooldownMax)
			require.Equal(t, -1, e.Rank)
			require.Len(t, e.Inspections, 3)
		}, []string{
			"was not selected: it is cooling down",
			"4 premises eligible, not counting it",
			"It was inspected 2 times within the last 365 days (inspected on 2026-04-30, 2026-09-07); the plan excludes premises inspected at least 2 times within 365 days.",
		}},
		{"cooling down, county-12", c12, "371727842405", DecisionCooling, 0, nil, []string{"inspected on 2026-05-23, 2026-09-24"}},
		{"targeted", c12, "91371727GB4C0BF8EM", DecisionSelected, MarkTargeted, func(t *testing.T, e *Explanation) {
			require.Equal(t, 0, e.Target)
			require.Equal(t, "complaint 2026-113", e.TargetReason)
			require.GreaterOrEqual(t, e.Rank, e.Quota)
			require.Equal(t, []string{"WJ3717270021", "WJ3717270049"}, e.Team)
		}, []string{
			"selected because the plan names it (targeted, outside the quota): complaint 2026-113",
			"In its stratum it ranked 8th of 11 and the quota is 2.",
		}},
		{"targeted, already within the quota", c7, "913717273J9H53JJ6U", DecisionSelected, MarkOverdue, func(t *testing.T, e *Explanation) {
			require.Equal(t, 0, e.Target)
		}, []string{"The plan also names it as targeted (complaint 2026-113); it was already selected within the quota."}},
		{"unit at capacity", c12, "9137172781DDJ2C6J4", DecisionSelected, MarkRandom, func(t *testing.T, e *Explanation) {
			require.Equal(t, UnstaffedUnitAtCapacity, e.Unstaffed)
			require.Equal(t, "county-bureau", e.MissingUnit)
		}, []string{"It has no team: every eligible inspector of a required unit is at capacity (unit county-bureau)."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := tc.r.Explain(tc.id)
			require.NoError(t, err)
			require.Equal(t, tc.id, e.ID)
			require.Equal(t, tc.decision, e.Decision)
			require.Equal(t, tc.mark, e.Mark)
			if tc.check != nil {
				tc.check(t, e)
			}
			s := e.String()
			for _, want := range tc.text {
				require.Contains(t, s, want)
			}
		})
	}
}

// TestExplainAll checks every premises of both counties against the
// draw's own figures.
func TestExplainAll(t *testing.T) {
	for _, county := range []string{"dr1-county-7", "dr1-county-12"} {
		t.Run(county, func(t *testing.T) {
			r := drawVector(t, county)
			decisions := map[Decision]int{}
			for i, row := range r.Set.Premises.Rows() {
				e, err := r.Explain(row.ID)
				require.NoError(t, err)
				decisions[e.Decision]++
				o := r.Premises[i]
				require.Equal(t, o.Selected >= 0, e.Decision == DecisionSelected, row.ID)
				require.Equal(t, o.Scope != OutOfScopeNone, e.Decision == DecisionOutOfScope, row.ID)
				require.NotEmpty(t, e.String())
				if e.Decision == DecisionOutOfScope {
					continue
				}
				require.Equal(t, r.Key.Priority(row.ID), e.Priority, row.ID)
				switch {
				case e.Decision == DecisionCooling:
					require.GreaterOrEqual(t, e.Recent, e.CooldownMax)
				case e.Decision == DecisionNotReached:
					require.GreaterOrEqual(t, e.Rank, e.Quota)
					if !e.Overdue && e.HasThreshold {
						require.Greater(t, e.Priority, e.Threshold, row.ID)
					}
				case e.Mark == MarkRandom:
					require.LessOrEqual(t, e.Priority, e.Threshold, row.ID)
					require.Less(t, e.Rank, e.Quota)
				case e.Mark == MarkOverdue:
					require.True(t, e.Overdue)
					require.Less(t, e.Rank, e.Quota)
				}
			}
			require.NotZero(t, decisions[DecisionSelected])
			require.NotZero(t, decisions[DecisionOutOfScope])
			require.NotZero(t, decisions[DecisionCooling])
			require.NotZero(t, decisions[DecisionNotReached])
		})
	}
}

func TestExplainUnknown(t *testing.T) {
	r := drawVector(t, "dr1-county-7")
	_, err := r.Explain("91371727000000000X")
	require.ErrorIs(t, err, ErrUnknownPremises)
	var le *LookupError
	require.ErrorAs(t, err, &le)
	require.Equal(t, roster.KindPremises, le.Kind)
	require.Equal(t, "91371727000000000X", le.ID)
	require.Contains(t, err.Error(), `premises "91371727000000000X"`)

	_, err = r.ExplainInspector("91371727000000000X", "WJ3717270077")
	require.ErrorIs(t, err, ErrUnknownPremises)
	_, err = r.ExplainInspector(c7Random, "WJ0000000000")
	require.ErrorIs(t, err, ErrUnknownInspector)
	require.Contains(t, err.Error(), `inspectors "WJ0000000000"`)
}

func TestExplainInspector(t *testing.T) {
	c7 := drawVector(t, "dr1-county-7")
	c12 := drawVector(t, "dr1-county-12")
	tests := []struct {
		name        string
		r           *Result
		premises    string
		inspector   string
		eligibility Ineligibility
		outcome     InspectorOutcome
		text        []string
	}{
		{"on the team", c7, c7Random, "WJ3717270077", EligibleInspector, InspectorOnTeam, []string{
			"Inspector WJ3717270077 is eligible for premises 91371727B23C6F5DAF under team rule 2.",
			"They are on the team (member 2; the 1st eligible inspector in (Q, id) order).",
			"Capacity: 5 teams; the draw gave them 3, 2 left.",
		}},
		{"at capacity", c7, c7Random, "WJ3717270000", EligibleInspector, InspectorAtCapacity, []string{"had already joined 4 teams, their capacity, when this premises was staffed"}},
		{"team full", c7, c7Random, "WJ3717270007", EligibleInspector, InspectorTeamFull, []string{"the team was full before their turn"}},
		{"unit limit", c12, "371727019441", "WJ3717270042", EligibleInspector, InspectorUnitLimit, []string{"their unit already had max_per_unit members"}},
		{"premises unstaffed", c7, c7Short, "WJ3717270056", EligibleInspector, InspectorPremisesUnstaffed, []string{"The premises got no team"}},
		{"premises not selected", c7, c7NotDrawn, "WJ3717270056", EligibleInspector, InspectorPremisesNotSelected, []string{"The premises was not selected, so it has no team."}},
		{"status", c7, c7Random, "WJ3717270014", IneligibleStatus, InspectorNotEligible, []string{"not eligible for premises 91371727B23C6F5DAF: inspector not active", `Their status is "inactive".`}},
		{"credential", c7, c7Random, "WJ3717270042", IneligibleCredential, InspectorNotEligible, []string{"Their credential expires on 2026-10-01, before the plan date 2026-11-22."}},
		{"specialty", c7, c7Short, "WJ3717270000", IneligibleSpecialty, InspectorNotEligible, []string{`Team rule 0 requires the specialty "medical"; theirs: public_health.`}},
		{"declared", c7, "9137172702824CJ1C6", "WJ3717270077", IneligibleDeclared, InspectorNotEligible, []string{"A declared conflict pairs them with the premises (reason: interest)."}},
		{"declared, county-12", c12, "91371727F1DB9D9CAL", "WJ3717270133", IneligibleDeclared, InspectorNotEligible, []string{"declared conflict of interest"}},
		{"rotation", c7, "91371727BFJE228F2R", "WJ3717270028", IneligibleRotation, InspectorNotEligible, []string{"within the plan's rotation of 365 days"}},
		{"rotation, not selected", c12, "371727842405", "WJ3717270000", IneligibleRotation, InspectorNotEligible, []string{
			"They inspected it on 2026-05-23 (record JC0000025), within the plan's rotation of 365 days.",
			"The premises was not selected, so it has no team.",
		}},
		{"home region", c12, "91371727HHE3FG5J1M", "WJ3717270119", IneligibleHomeRegion, InspectorNotEligible, []string{"Their home region 371727001 is the premises' region."}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e, err := tc.r.ExplainInspector(tc.premises, tc.inspector)
			require.NoError(t, err)
			require.Equal(t, tc.eligibility, e.Eligibility)
			require.Equal(t, tc.outcome, e.Outcome)
			require.Equal(t, tc.r.Key.InspectorKey(tc.premises, tc.inspector), e.Q)
			s := e.String()
			require.Contains(t, s, "Q = "+FormatPriority(e.Q))
			for _, want := range tc.text {
				require.Contains(t, s, want)
			}
		})
	}
}

// TestExplainInspectorAll checks every (selected premises, inspector)
// pair of both counties against WhyIneligible and an independent replay
// of the fill step of protocol §6 with the capacity each inspector had
// when the premises was staffed.
func TestExplainInspectorAll(t *testing.T) {
	for _, county := range []string{"dr1-county-7", "dr1-county-12"} {
		t.Run(county, func(t *testing.T) {
			r := drawVector(t, county)
			usedBefore := make([]int, r.Set.Inspectors.Len())
			outcomes := map[InspectorOutcome]int{}
			for _, si := range r.StaffOrder {
				sel := &r.Selected[si]
				explained := map[int]*InspectorExplanation{}
				for i, row := range r.Set.Inspectors.Rows() {
					e, err := r.ExplainInspector(sel.ID, row.ID)
					require.NoError(t, err)
					require.Equal(t, r.WhyIneligible(sel.Premises, i), e.Eligibility)
					require.Equal(t, usedBefore[i], e.UsedBefore, "%s %s", sel.ID, row.ID)
					require.NotEmpty(t, e.String())
					explained[i] = e
					outcomes[e.Outcome]++
				}
				if sel.Team != nil {
					// Replay the fill step.
					rule := r.Plan.Teams[sel.Rule]
					unit := func(i int) string { return r.Set.Inspectors.At(i).Get(roster.AttrUnit) }
					team := []int{}
					for _, m := range sel.Team[:len(rule.Units)] {
						team = append(team, m.Inspector)
					}
					for _, c := range sel.Eligible {
						i := c.Inspector
						if slices.Contains(team, i) {
							continue
						}
						l := r.Load[i]
						if l.Capacity >= 0 && usedBefore[i] >= l.Capacity {
							require.Equal(t, InspectorAtCapacity, explained[i].Outcome)
							continue
						}
						n := 0
						for _, m := range team {
							if unit(m) == unit(i) {
								n++
							}
						}
						switch {
						case len(team) >= rule.Size:
							require.Equal(t, InspectorTeamFull, explained[i].Outcome, "%s %s", sel.ID, c.ID)
						case rule.MaxPerUnit > 0 && n >= rule.MaxPerUnit:
							require.Equal(t, InspectorUnitLimit, explained[i].Outcome, "%s %s", sel.ID, c.ID)
						default:
							team = append(team, i)
						}
					}
					require.Len(t, team, len(sel.Team))
					for _, m := range sel.Team {
						require.True(t, slices.Contains(team, m.Inspector))
						require.Equal(t, InspectorOnTeam, explained[m.Inspector].Outcome)
					}
					for _, m := range sel.Team {
						usedBefore[m.Inspector]++
					}
				}
			}
			require.NotZero(t, outcomes[InspectorOnTeam])
			require.NotZero(t, outcomes[InspectorNotEligible])
			require.NotZero(t, outcomes[InspectorAtCapacity])
			require.NotZero(t, outcomes[InspectorTeamFull])
			require.NotZero(t, outcomes[InspectorPremisesUnstaffed])
		})
	}
}
