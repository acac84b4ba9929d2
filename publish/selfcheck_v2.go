package publish

import (
	"fmt"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// SelfCheckTask is what a business's self-check found for one task of a
// v2 plan whose match holds for its row.
type SelfCheckTask struct {
	Task string
	// Weight is w and W the weighted priority recomputed from the
	// recorded key; Group the premises' group (spread values).
	Weight int
	W      uint64
	Group  []string
	// Threshold is the group's threshold in the record, nil when the
	// group selected none at random (or is not listed).
	Threshold *uint64
	// Mark is how the visit lists the task ("" when it does not).
	Mark random.Mark
	// Verdict and Explanation for this task alone.
	Verdict     Verdict
	Explanation string
}

// selfCheckV2 is [SelfCheck] for a draw of protocol v2 (protocol v2 §§5,
// 7): the row, in published form (private values as their digests D),
// and its proof must give the announced premises root
// ([roster.VerifyProofV2]); then, for every task whose match holds for
// the row, its W (recomputed from the recorded key and the plan's
// weight) is compared with its group's threshold. A visit listing the
// premises must have its P, only tasks whose match holds, in the group
// of its values, random marks at or before the threshold, targeted marks
// only where the plan targets it. A premises not listed must come after
// each threshold, unless it was cooling (which the record does not show:
// the verdict is then conditional, and WRONG when no premises of the task
// was cooling).
func selfCheckV2(ann, d *RecordDoc, row roster.Row, proof roster.Proof, res *SelfCheckResult) (*SelfCheckResult, error) {
	plan, v := ann.planV2, d.Draw.ViewV2
	say := func(verdict Verdict, format string, args ...any) (*SelfCheckResult, error) {
		res.Verdict = verdict
		res.Explanation = fmt.Sprintf(format, args...)
		return res, nil
	}
	res.Priority = v.Key.Priority(row.ID)
	if err := roster.VerifyProofV2(ann.Announcement.Roots.Premises, roster.KindPremises, row, plan.Private, roster.Commitment{Published: true}, proof); err != nil {
		return say(VerdictNotInRoster, "the row (in published form) and its proof do not give the premises root announced in %s (%s): %v", ann.File, ann.Announcement.Roots.Premises, err)
	}
	P := random.FormatPriority(res.Priority)
	inScope, why := true, ""
	if slices.Contains(plan.Inactive, row.Get(roster.AttrStatus)) {
		inScope, why = false, fmt.Sprintf("its status %q is in the plan's inactive list", row.Get(roster.AttrStatus))
	} else if plan.Scope.Include != nil && !plan.Scope.Include.Holds(row) {
		inScope, why = false, "the plan's scope does not include it"
	} else {
		for _, t := range plan.Scope.Exclude {
			if (random.MatchV2{t}).Holds(row) {
				inScope, why = false, fmt.Sprintf("the plan's scope excludes its %s %q", t.Attr, row.Get(t.Attr))
			}
		}
	}
	vi := slices.IndexFunc(v.Visits, func(x random.ViewVisit) bool { return x.ID == row.ID })
	var visit *random.ViewVisit
	if vi >= 0 {
		visit = &v.Visits[vi]
	}
	targeted := func(task string) bool {
		for _, t := range plan.Targeted {
			if t.ID == row.ID && (t.Tasks == nil || slices.Contains(t.Tasks, task)) {
				return true
			}
		}
		return false
	}
	if visit != nil {
		switch {
		case !inScope:
			return say(VerdictWrong, "%s is listed as visited, but %s", row.ID, why)
		case uint64(visit.Priority) != res.Priority:
			return say(VerdictWrong, "%s is listed with priority %s, but the recorded key gives %s", row.ID, visit.Priority, P)
		}
		for j, t := range visit.Tasks {
			ti := plan.TaskIndex(t.Task)
			if ti < 0 || !plan.Tasks[ti].Match.Holds(row) {
				return say(VerdictWrong, "%s is listed for task %s (visits[%d].tasks[%d]), whose match does not hold for its row", row.ID, t.Task, vi, j)
			}
		}
	} else if !inScope {
		return say(VerdictOutOfScope, "%s took no part in the draw: %s", row.ID, why)
	}
	notCooling := visit != nil && slices.ContainsFunc(visit.Tasks, func(t random.ViewVisitTask) bool { return t.Mark != random.MarkTargeted })
	worst := VerdictNotSelected
	if visit != nil {
		worst = VerdictSelected
	}
	var lines []string
	for ti := range plan.Tasks {
		task := &plan.Tasks[ti]
		if !task.Match.Holds(row) {
			continue
		}
		st := SelfCheckTask{Task: task.ID, Weight: 1}
		if task.Weight != nil {
			st.Weight = task.Weight.Of(row.Get(task.Weight.Attribute))
		}
		st.W = res.Priority
		if st.Weight > 1 {
			st.W = v.Key.WeightedPriority(row.ID, st.Weight)
		}
		st.Group = []string{}
		for _, a := range task.Spread {
			st.Group = append(st.Group, row.Get(a))
		}
		vt := v.Tasks[ti]
		if gi := slices.IndexFunc(vt.Groups, func(g random.ViewGroup) bool { return slices.Equal(g.Values, st.Group) }); gi >= 0 && vt.Groups[gi].Threshold != nil {
			th := uint64(*vt.Groups[gi].Threshold)
			st.Threshold = &th
		}
		W := random.FormatPriority(st.W)
		th := "none"
		if st.Threshold != nil {
			th = random.FormatPriority(*st.Threshold)
		}
		var listed *random.ViewVisitTask
		if visit != nil {
			if j := slices.IndexFunc(visit.Tasks, func(t random.ViewVisitTask) bool { return t.Task == task.ID }); j >= 0 {
				listed = &visit.Tasks[j]
			}
		}
		switch {
		case listed != nil && !slices.Equal(listed.Group, st.Group):
			st.Verdict, st.Explanation = VerdictWrong, fmt.Sprintf("listed in group %q, but its row gives %q", listed.Group, st.Group)
		case listed != nil && listed.Mark == random.MarkTargeted && !targeted(task.ID):
			st.Verdict, st.Explanation = VerdictWrong, "listed as targeted, but the plan does not target it for this task"
		case listed != nil && listed.Mark == random.MarkRandom && (st.Threshold == nil || st.W > *st.Threshold):
			st.Verdict, st.Explanation = VerdictWrong, fmt.Sprintf("listed as selected at random with W %s, after its group's threshold %s", W, th)
		case listed != nil:
			st.Mark, st.Verdict = listed.Mark, VerdictSelected
			st.Explanation = fmt.Sprintf("selected (%s), W %s, group %q threshold %s", listed.Mark, W, st.Group, th)
		case targeted(task.ID):
			st.Verdict, st.Explanation = VerdictWrong, "the plan targets it for this task and it is in scope, but the record does not list it"
		case vt.Quota == 0:
			st.Verdict, st.Explanation = VerdictNotSelected, "the task's quota is 0"
		case st.Threshold != nil && st.W <= *st.Threshold && notCooling:
			st.Verdict, st.Explanation = VerdictWrong, fmt.Sprintf("W %s is at or before its group's threshold %s, it is not cooling (the visit lists it at random for another task), yet not selected", W, th)
		case st.Threshold != nil && st.W <= *st.Threshold && vt.Cooling == 0:
			st.Verdict, st.Explanation = VerdictWrong, fmt.Sprintf("W %s is at or before its group's threshold %s and no premises of the task was cooling, yet not selected", W, th)
		case st.Threshold != nil && st.W <= *st.Threshold:
			st.Verdict, st.Explanation = VerdictConditional, fmt.Sprintf("W %s is at or before its group's threshold %s: not selecting it was right only if it was cooling (inspected within a cooldown rule's days)", W, th)
		case st.Threshold == nil:
			st.Verdict, st.Explanation = VerdictConditional, fmt.Sprintf("its group %q selected none at random (its quota went to overdue premises, or it had none): right if it was not overdue, or cooling", st.Group)
		case plan.Coverage != nil:
			st.Verdict, st.Explanation = VerdictConditional, fmt.Sprintf("W %s comes after its group's threshold %s: right if it was not overdue (inspected for matter %s within %d days)", W, th, task.Matter, plan.Coverage.Days)
		default:
			st.Verdict, st.Explanation = VerdictNotSelected, fmt.Sprintf("W %s comes after its group's threshold %s", W, th)
		}
		lines = append(lines, fmt.Sprintf("task %s: %s: %s", task.ID, st.Verdict, st.Explanation))
		res.Tasks = append(res.Tasks, st)
		switch {
		case st.Verdict == VerdictWrong:
			worst = VerdictWrong
		case st.Verdict == VerdictConditional && worst == VerdictNotSelected:
			worst = VerdictConditional
		}
	}
	if visit != nil && worst != VerdictWrong {
		worst = VerdictSelected
	}
	head := fmt.Sprintf("%s, priority %s: ", row.ID, P)
	switch worst {
	case VerdictSelected:
		head += "rightly visited, as its row and the recorded key give"
	case VerdictNotSelected:
		head += "rightly not visited"
	case VerdictConditional:
		head += "not visited; right under the conditions below"
	case VerdictWrong:
		head += "the record contradicts its row: report it"
	}
	if len(lines) == 0 {
		lines = append(lines, "no task's match holds for it")
	}
	return say(worst, "%s\n%s", head, strings.Join(lines, "\n"))
}
