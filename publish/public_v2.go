package publish

import (
	"fmt"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/random"
)

// checkViewPublicV2 is [checkViewPublic] for a view of protocol v2: it
// checks a v2 draw against its plan with public data only (the plan, the
// key and the view; no table), following protocol v2 §§4–5 and 7:
//
//   - per task: cooling = pool − eligible; want, quota (k) and shortfall
//     are the plan's arithmetic ([random.WantV2]) on the published pool,
//     eligible and overdue counts; the groups are one with values [] when
//     the task does not spread, else one value per spread attribute in
//     ascending order; their eligible and overdue counts add up to the
//     task's, and their quotas are k spread by largest remainder
//     ([random.SpreadQuota]);
//   - per visit: its priority is P(id) under the recorded key; its tasks
//     come in plan order, each once; a task marked targeted is one the
//     plan targets the premises for; one marked overdue or random names a
//     group of that task; a random one's W is at most its group's
//     threshold (W = P without a weight; with a weight W ≤ P, and W under
//     the plan's largest weight is the least W can be, so a W above the
//     threshold even then is refused whatever the row says);
//   - per group: it selected min(quota, overdue) premises as overdue and
//     the rest of its quota at random; its threshold is null exactly when
//     none was random, and without a weight it is the largest P of its
//     random selections;
//   - every premises the plan targets is visited, for each task the
//     plan names for it.
//
// What needs the tables (which premises are eligible, overdue or
// cooling, the weights, the teams) is checked by the replay.
func checkViewPublicV2(plan *random.PlanV2, v *random.ViewV2) *viewError {
	if plan == nil || v == nil || len(v.Tasks) != len(plan.Tasks) {
		return nil // the record rules report a view of the wrong shape
	}
	drawsLeft := 0
	if plan.Coverage != nil {
		drawsLeft = plan.Coverage.DrawsLeft
	}
	type tally struct {
		overdue, random int
		maxP            uint64 // the largest P of its random selections
	}
	groups := make([]map[string]int, len(v.Tasks))
	tallies := make([][]tally, len(v.Tasks))
	for i, t := range v.Tasks {
		pt := &plan.Tasks[i]
		f := fmt.Sprintf("view.tasks[%d]", i)
		if t.Cooling != t.Pool-t.Eligible {
			return viewFail(f+".cooling", fmt.Sprint(t.Cooling), "cooling is pool − eligible = %d", t.Pool-t.Eligible)
		}
		want, k, short := random.WantV2(t.Pool, t.Eligible, t.Overdue, pt.Ratio, pt.Min, pt.Max, drawsLeft)
		switch {
		case t.Want != want:
			return viewFail(f+".want", fmt.Sprint(t.Want), "task %s (ratio %s, min %d, max %d) wants %d of a pool of %d (%d overdue)", pt.ID, pt.Ratio, pt.Min, pt.Max, want, t.Pool, t.Overdue)
		case t.Quota != k:
			return viewFail(f+".quota", fmt.Sprint(t.Quota), "task %s: quota = min(eligible %d, want %d) = %d", pt.ID, t.Eligible, want, k)
		case t.Shortfall != short:
			return viewFail(f+".shortfall", fmt.Sprint(t.Shortfall), "task %s: shortfall = want − quota = %d", pt.ID, short)
		case len(pt.Spread) == 0 && (len(t.Groups) != 1 || len(t.Groups[0].Values) != 0):
			return viewFail(f+".groups", fmt.Sprint(len(t.Groups)), "task %s does not spread: one group with values []", pt.ID)
		}
		var sizes []int
		e, o := 0, 0
		groups[i] = map[string]int{}
		for j, g := range t.Groups {
			gf := fmt.Sprintf("%s.groups[%d]", f, j)
			vals := strings.Join(g.Values, ",")
			switch {
			case len(g.Values) != len(pt.Spread):
				return viewFail(gf+".values", vals, "%d values for the %d spread attributes %v", len(g.Values), len(pt.Spread), pt.Spread)
			case j > 0 && slices.Compare(t.Groups[j-1].Values, g.Values) >= 0:
				return viewFail(gf+".values", vals, "groups must be distinct and in ascending order of their values")
			case g.Overdue > g.Eligible || g.Overdue < 0:
				return viewFail(gf+".overdue", fmt.Sprint(g.Overdue), "more overdue than eligible (%d)", g.Eligible)
			}
			sizes = append(sizes, g.Eligible)
			e, o = e+g.Eligible, o+g.Overdue
			groups[i][stratumKey(g.Values)] = j
		}
		if e != t.Eligible || o != t.Overdue {
			return viewFail(f+".groups", fmt.Sprint(len(t.Groups)), "the groups hold %d eligible and %d overdue, the task %d and %d", e, o, t.Eligible, t.Overdue)
		}
		for j, q := range random.SpreadQuota(k, sizes) {
			if t.Groups[j].Quota != q {
				return viewFail(fmt.Sprintf("%s.groups[%d].quota", f, j), fmt.Sprint(t.Groups[j].Quota), "the task's quota %d spread by largest remainder gives %d", k, q)
			}
		}
		tallies[i] = make([]tally, len(t.Groups))
	}
	targeted := func(id, task string) bool {
		for _, t := range plan.Targeted {
			if t.ID == id && (t.Tasks == nil || slices.Contains(t.Tasks, task)) {
				return true
			}
		}
		return false
	}
	visits := map[string]*random.ViewVisit{}
	for vi := range v.Visits {
		x := &v.Visits[vi]
		visits[x.ID] = x
		f := fmt.Sprintf("view.visits[%d]", vi)
		P := v.Key.Priority(x.ID)
		if uint64(x.Priority) != P {
			return viewFail(f+".priority", x.Priority.String(), "the recorded key gives %s for %s", random.Hex64(P), x.ID)
		}
		prev := -1
		for j, vt := range x.Tasks {
			tf := fmt.Sprintf("%s.tasks[%d]", f, j)
			ti := plan.TaskIndex(vt.Task)
			switch {
			case ti < 0:
				return viewFail(tf+".task", vt.Task, "no such task in the plan")
			case ti <= prev:
				return viewFail(tf+".task", vt.Task, "a visit lists its tasks in plan order, each once")
			}
			prev = ti
			pt := &plan.Tasks[ti]
			switch vt.Mark {
			case random.MarkTargeted:
				if !targeted(x.ID, vt.Task) {
					return viewFail(tf+".mark", vt.Mark.String(), "the plan does not target %s for task %s", x.ID, vt.Task)
				}
				continue
			case random.MarkOverdue, random.MarkRandom:
			default:
				return viewFail(tf+".mark", vt.Mark.String(), "unknown mark")
			}
			gi, ok := groups[ti][stratumKey(vt.Group)]
			if !ok {
				return viewFail(tf+".group", strings.Join(vt.Group, ","), "no group of task %s has these values", vt.Task)
			}
			g := v.Tasks[ti].Groups[gi]
			tl := &tallies[ti][gi]
			if vt.Mark == random.MarkOverdue {
				tl.overdue++
				continue
			}
			tl.random++
			if g.Threshold == nil {
				return viewFail(tf+".mark", vt.Mark.String(), "selected at random for task %s in group %v, which records no threshold", vt.Task, g.Values)
			}
			th := uint64(*g.Threshold)
			if pt.Weight == nil {
				if P > th {
					return viewFail(f+".priority", x.Priority.String(), "selected at random for task %s above the threshold %s of group %v", vt.Task, *g.Threshold, g.Values)
				}
				tl.maxP = max(tl.maxP, P)
				continue
			}
			wmax := 1
			for _, w := range pt.Weight.Values {
				wmax = max(wmax, w.Weight)
			}
			if least := v.Key.WeightedPriority(x.ID, wmax); least > th {
				return viewFail(f+".priority", x.Priority.String(), "selected at random for task %s above the threshold %s of group %v: W is at least %s whatever its weight", vt.Task, *g.Threshold, g.Values, random.Hex64(least))
			}
		}
	}
	for i, t := range v.Tasks {
		for j, g := range t.Groups {
			gf := fmt.Sprintf("view.tasks[%d].groups[%d]", i, j)
			tl := tallies[i][j]
			wantOverdue := min(g.Quota, g.Overdue)
			switch {
			case tl.overdue != wantOverdue:
				return viewFail(gf+".quota", fmt.Sprint(g.Quota), "task %s group %v selected %d as overdue, the rules %d (overdue rank first)", t.ID, g.Values, tl.overdue, wantOverdue)
			case tl.overdue+tl.random != g.Quota:
				return viewFail(gf+".quota", fmt.Sprint(g.Quota), "task %s group %v selected %d within its quota", t.ID, g.Values, tl.overdue+tl.random)
			case tl.random == 0 && g.Threshold != nil:
				return viewFail(gf+".threshold", g.Threshold.String(), "task %s group %v selected none at random: its threshold is null", t.ID, g.Values)
			case tl.random > 0 && plan.Tasks[i].Weight == nil && uint64(*g.Threshold) != tl.maxP:
				return viewFail(gf+".threshold", g.Threshold.String(), "task %s group %v: the threshold is the priority of its last random selection", t.ID, g.Values)
			}
		}
	}
	for i, tg := range plan.Targeted {
		x := visits[tg.ID]
		if x == nil {
			return viewFail("view.visits", tg.ID, "the plan targets %s (targeted[%d]), which is not visited", tg.ID, i)
		}
		for _, task := range tg.Tasks {
			if !slices.ContainsFunc(x.Tasks, func(t random.ViewVisitTask) bool { return t.Task == task }) {
				return viewFail("view.visits", tg.ID, "the plan targets %s for task %s (targeted[%d]), which its visit does not list", tg.ID, task, i)
			}
		}
	}
	return nil
}
