package random

import "fmt"

// Problems lists, one line each, what [PreflightReport.OK] finds to fix:
// strata no quota rule matches, team rules needed that nobody can staff
// or whose capacity (or a required unit's) is short of their worst case,
// premises that match no team rule, and premises with fewer eligible
// inspectors than their team needs (counted, with the first few ids).
// It is empty exactly when OK is true. The lines are what an
// announcement records when it is published despite them. A nil
// report has none.
func (rep *PreflightReport) Problems() []string {
	if rep == nil {
		return nil
	}
	var out []string
	for _, si := range rep.NoQuotaRule {
		st := &rep.Strata[si]
		out = append(out, fmt.Sprintf("stratum %s has no quota rule (%d eligible, none drawn)", valuesText(st.Values), st.Eligible))
	}
	for _, t := range rep.Teams {
		if t.Premises == 0 {
			continue
		}
		if !t.Staffable {
			out = append(out, fmt.Sprintf("team rule %d (size %d): no team can be formed (%d candidates, largest team %d)", t.Rule, t.Size, t.Candidates, t.MaxTeam))
		}
		if !t.Enough {
			out = append(out, fmt.Sprintf("team rule %d: capacity %s for up to %d places", t.Rule, capacityText(t.Capacity, t.Unlimited), t.Demand))
		}
		for _, u := range t.Units {
			if !u.Enough {
				out = append(out, fmt.Sprintf("team rule %d, required unit %s: capacity %s for up to %d places", t.Rule, quoteValue(u.Unit), capacityText(u.Capacity, u.Unlimited), u.Demand))
			}
		}
	}
	if rep.NoTeamRule > 0 {
		out = append(out, fmt.Sprintf("%d premises that could be selected match no team rule", rep.NoTeamRule))
	}
	if len(rep.Thin) > 0 {
		const listed = 5
		ids := ""
		for i, th := range rep.Thin {
			if i == listed {
				ids += fmt.Sprintf(" and %d more", len(rep.Thin)-listed)
				break
			}
			if i > 0 {
				ids += " "
			}
			ids += th.ID
		}
		out = append(out, fmt.Sprintf("%d premises that could be selected have fewer eligible inspectors than their team needs (%d with none): %s", len(rep.Thin), rep.Empty, ids))
	}
	return out
}
