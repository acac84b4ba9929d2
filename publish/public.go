package publish

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/random"
)

// ErrSelection reports a draw whose view contradicts its own plan and
// key in a way anyone can see without the tables: a premises marked
// targeted that the plan does not target, a random selection whose
// priority is above its stratum's threshold, a quota that is not the
// plan's arithmetic on the published eligible count, a priority that is
// not H(K || 0x01 || lp(id)). It is wrapped in a *RecordError naming the
// draw and the field.
var ErrSelection = errors.New("the selection contradicts the plan")

// viewError is one public check of a view that failed: the field (a
// JSON path inside the draw body) and the offending value.
type viewError struct {
	field, value string
	err          error
}

func (e *viewError) Error() string {
	return fmt.Sprintf("%s %q: %v", e.field, e.value, e.err)
}

func (e *viewError) Unwrap() error { return e.err }

func viewFail(field, value, format string, args ...any) *viewError {
	return &viewError{field: field, value: value, err: fmt.Errorf("%w: "+format, append([]any{ErrSelection}, args...)...)}
}

// checkViewPublic checks a draw view of protocol v1 against its plan
// with public data only (the plan, the key, the view itself; no table),
// following protocol §5:
//
//   - strata are distinct, in ascending order of their values, one value
//     per stratify attribute, and inside the plan's scope for a scope
//     attribute that is also stratified;
//   - each stratum's quota is the plan's arithmetic: the first quota
//     rule matching its values, applied to its eligible count (0 and
//     "no_quota_rule" when none matches);
//   - each selected premises has the priority the recorded key gives
//     its id, and a stratum of the view;
//   - the premises marked overdue or random come first, stratum by
//     stratum, overdue before random, each in ascending (priority, id);
//     a stratum selects exactly its quota of them; a random one's
//     priority is at most its stratum's threshold, which is the
//     priority of its last random selection (null when none);
//   - the premises marked targeted come last, each named in the plan's
//     targeted list, in plan order, and every premises the plan targets
//     is selected (the plan's targets are checked to exist and be in
//     scope before a draw).
//
// These are the checks a business, a journalist or the browser page can
// make on a draw without the tables; the replay over the tables checks
// everything else. It returns nil for a view of another protocol.
func checkViewPublic(plan *random.Plan, v *random.View) *viewError {
	if plan == nil || v == nil || v.Protocol != random.Protocol || plan.Protocol != random.Protocol {
		return nil
	}
	strata := map[string]int{}
	for i, st := range v.Strata {
		f := fmt.Sprintf("view.strata[%d]", i)
		vals := strings.Join(st.Values, ",")
		if len(st.Values) != len(plan.Stratify) {
			return viewFail(f+".values", vals, "%d values for the %d stratify attributes %v", len(st.Values), len(plan.Stratify), plan.Stratify)
		}
		if i > 0 && slices.Compare(v.Strata[i-1].Values, st.Values) >= 0 {
			return viewFail(f+".values", vals, "strata must be distinct and in ascending order of their values")
		}
		for _, s := range plan.Scope {
			if j := slices.Index(plan.Stratify, s.Attr); j >= 0 && !s.Allows(st.Values[j]) {
				return viewFail(f+".values", vals, "its %s %q is outside the plan's scope %v", s.Attr, st.Values[j], s.Values)
			}
		}
		rule, ok := plan.QuotaRule(st.Values)
		switch {
		case !ok && (st.Quota != 0 || !st.NoQuotaRule):
			return viewFail(f+".quota", fmt.Sprint(st.Quota), "no quota rule of the plan matches the stratum: want quota 0 and no_quota_rule")
		case ok && st.NoQuotaRule:
			return viewFail(f+".no_quota_rule", "true", "a quota rule of the plan matches the stratum")
		case ok && st.Quota != rule.Size(st.Eligible):
			return viewFail(f+".quota", fmt.Sprint(st.Quota), "the plan's rule (ratio %s, min %d, max %d) gives %d for %d eligible premises", rule.Ratio, rule.Min, rule.Max, rule.Size(st.Eligible), st.Eligible)
		}
		strata[stratumKey(st.Values)] = i
	}
	inQuota := make([]int, len(v.Strata))    // selections of each stratum
	last := make([]int, len(v.Strata))       // index in Selected of its last quota selection, -1 none
	lastRandom := make([]int, len(v.Strata)) // of its last random selection, -1 none
	for i := range last {
		last[i], lastRandom[i] = -1, -1
	}
	targets := make(map[string]int, len(plan.Targeted))
	for i, t := range plan.Targeted {
		targets[t.ID] = i
	}
	prevStratum, nextTarget := -1, 0
	targetedSeen := false
	selected := map[string]bool{}
	for i, s := range v.Selected {
		f := fmt.Sprintf("view.selected[%d]", i)
		selected[s.ID] = true
		if want := random.Hex64(v.Key.Priority(s.ID)); s.Priority != want {
			return viewFail(f+".priority", s.Priority.String(), "the recorded key gives %s for %s", want, s.ID)
		}
		si, ok := strata[stratumKey(s.Stratum)]
		if !ok {
			return viewFail(f+".stratum", strings.Join(s.Stratum, ","), "no stratum of the view has these values")
		}
		switch s.Mark {
		case random.MarkTargeted:
			targetedSeen = true
			k, ok := targets[s.ID]
			if !ok {
				return viewFail(f+".mark", s.Mark.String(), "the plan does not target %s", s.ID)
			}
			if k < nextTarget {
				return viewFail(f+".id", s.ID, "targeted premises come in the plan's order")
			}
			nextTarget = k + 1
			continue
		case random.MarkOverdue, random.MarkRandom:
		default:
			return viewFail(f+".mark", s.Mark.String(), "unknown mark")
		}
		st := v.Strata[si]
		switch {
		case targetedSeen:
			return viewFail(f+".mark", s.Mark.String(), "a selection within a quota after the targeted premises")
		case si < prevStratum:
			return viewFail(f+".stratum", strings.Join(s.Stratum, ","), "selections come stratum by stratum, in the strata's order")
		case s.Mark == random.MarkRandom && st.Threshold == nil:
			return viewFail(f+".mark", s.Mark.String(), "selected at random in stratum %v, which records no threshold", st.Values)
		case s.Mark == random.MarkRandom && uint64(s.Priority) > uint64(*st.Threshold):
			return viewFail(f+".priority", s.Priority.String(), "selected at random above the threshold %s of stratum %v", *st.Threshold, st.Values)
		}
		if p := last[si]; p >= 0 {
			q := v.Selected[p]
			if q.Mark == random.MarkRandom && s.Mark == random.MarkOverdue {
				return viewFail(f+".mark", s.Mark.String(), "overdue premises rank before those selected at random")
			}
			if q.Mark == s.Mark && (q.Priority > s.Priority || q.Priority == s.Priority && q.ID >= s.ID) {
				return viewFail(f+".priority", s.Priority.String(), "not after %s (%s) in rank order (priority, id)", q.ID, q.Priority)
			}
		}
		prevStratum, last[si] = si, i
		inQuota[si]++
		if s.Mark == random.MarkRandom {
			lastRandom[si] = i
		}
	}
	for i, st := range v.Strata {
		f := fmt.Sprintf("view.strata[%d]", i)
		if inQuota[i] != st.Quota {
			return viewFail(f+".quota", fmt.Sprint(st.Quota), "%d premises of the stratum are selected within the quota", inQuota[i])
		}
		switch r := lastRandom[i]; {
		case r < 0 && st.Threshold != nil:
			return viewFail(f+".threshold", st.Threshold.String(), "nothing was selected at random in the stratum: want null")
		case r >= 0 && *st.Threshold != v.Selected[r].Priority:
			return viewFail(f+".threshold", st.Threshold.String(), "want the priority %s of the last premises selected at random", v.Selected[r].Priority)
		}
	}
	for _, t := range plan.Targeted {
		if !selected[t.ID] {
			return viewFail("view.selected", t.ID, "the plan targets %s, which is not selected", t.ID)
		}
	}
	return nil
}

// stratumKey joins a stratum's values unambiguously.
func stratumKey(values []string) string { return fmt.Sprintf("%q", values) }
