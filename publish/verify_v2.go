package publish

import (
	"fmt"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// drawV2 is [verifier.draw] for a draw of protocol v2: the replay is
// [random.DrawV2], compared field by field with [CompareViewsV2], and
// the substitutions are replayed with [random.ResultV2.Substitute].
func (v *verifier) drawV2(r *Record, e *RecordDoc, set *roster.Set, tablesOK bool) {
	ann := r.byDigest[e.Draw.Announcement]
	dr := DrawReport{Doc: e.File, Seq: e.Seq, Digest: e.Digest, Announcement: ann.File,
		PlanID: ann.Announcement.PlanID, Selected: len(e.Draw.ViewV2.Visits), Substitutions: len(r.subs[e.Digest]),
		Outcomes: len(r.results[e.Digest])}
	if x := r.voided[e.Digest]; x != nil {
		dr.VoidedBy = x.File
	}
	if tablesOK {
		res, err := random.DrawV2(v.opt.Context, ann.planV2, set, e.Draw.Seed, random.Options{})
		if err != nil {
			v.problem(e.File, e.Seq, fmt.Errorf("%s: replay: %w", e.File, err))
		} else {
			dr.Replayed = v.compareDrawV2(e, res) && v.compareSubstitutionsV2(r, e, res)
		}
	}
	v.results(r, e, set, &dr)
	v.rep.Draws = append(v.rep.Draws, dr)
}

func (v *verifier) compareDrawV2(e *RecordDoc, res *random.ResultV2) bool {
	replayed := res.View()
	ms := CompareViewsV2(e.File, e.Draw.ViewV2, replayed)
	// No reflection in the diff: the page's verifier stays small.
	return v.viewMismatches(e, ms, func() string { return viewDiffV2(e.Draw.ViewV2, replayed) })
}

func (v *verifier) compareSubstitutionsV2(r *Record, e *RecordDoc, res *random.ResultV2) bool {
	return v.replaySubstitutions(r, e, func(subs []random.Substitution) ([]random.Replacement, error) {
		reps, err := res.Substitute(subs)
		out := make([]random.Replacement, len(reps))
		for i, rep := range reps {
			out[i] = rep.Replacement
		}
		return out, err
	})
}

// CompareViewsV2 is [CompareViews] for views of protocol v2 (protocol v2
// §7): one *MismatchError per field that differs, Field a JSON path such
// as "view.visits[3].team", Want the replayed value and Got the recorded
// one.
func CompareViewsV2(doc string, recorded, replayed *random.ViewV2) []*MismatchError {
	c := &viewCompare{doc: doc}
	add := c.add
	w, g := recorded, replayed
	c.head(w.Protocol, g.Protocol, w.Key, g.Key, w.Inputs, g.Inputs, w.PlanDigest, g.PlanDigest, w.Roots, g.Roots)
	add("view.tasks (count)", len(w.Tasks), len(g.Tasks))
	for i := range min(len(w.Tasks), len(g.Tasks)) {
		wt, gt := w.Tasks[i], g.Tasks[i]
		f := fmt.Sprintf("view.tasks[%d]", i)
		add(f+".id", wt.ID, gt.ID)
		add(f+".pool", wt.Pool, gt.Pool)
		add(f+".cooling", wt.Cooling, gt.Cooling)
		add(f+".eligible", wt.Eligible, gt.Eligible)
		add(f+".overdue", wt.Overdue, gt.Overdue)
		add(f+".want", wt.Want, gt.Want)
		add(f+".quota", wt.Quota, gt.Quota)
		add(f+".shortfall", wt.Shortfall, gt.Shortfall)
		add(f+".groups (count)", len(wt.Groups), len(gt.Groups))
		for j := range min(len(wt.Groups), len(gt.Groups)) {
			wg, gg := wt.Groups[j], gt.Groups[j]
			h := fmt.Sprintf("%s.groups[%d]", f, j)
			add(h+".values", wg.Values, gg.Values)
			add(h+".eligible", wg.Eligible, gg.Eligible)
			add(h+".overdue", wg.Overdue, gg.Overdue)
			add(h+".quota", wg.Quota, gg.Quota)
			add(h+".threshold", hexOrNone(wg.Threshold), hexOrNone(gg.Threshold))
		}
	}
	add("view.visits (count)", len(w.Visits), len(g.Visits))
	for i := range min(len(w.Visits), len(g.Visits)) {
		wv, gv := w.Visits[i], g.Visits[i]
		f := fmt.Sprintf("view.visits[%d]", i)
		add(f+".id", wv.ID, gv.ID)
		add(f+".priority", wv.Priority, gv.Priority)
		add(f+".tasks", visitTasksText(wv.Tasks), visitTasksText(gv.Tasks))
		add(f+".team", teamText(wv.Team), teamText(gv.Team))
		add(f+".unstaffed", strOrNull(wv.Unstaffed), strOrNull(gv.Unstaffed))
		add(f+".eligible_inspectors", wv.EligibleInspectors, gv.EligibleInspectors)
	}
	add("view.unknown_references.conflicts", w.UnknownReferences.Conflicts, g.UnknownReferences.Conflicts)
	add("view.unknown_references.history", w.UnknownReferences.History, g.UnknownReferences.History)
	return c.out
}

func visitTasksText(ts []random.ViewVisitTask) string {
	s := ""
	for i, t := range ts {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%s:%s%q", t.Task, t.Mark, t.Group)
	}
	return s
}

func teamText(ms []random.ViewMember) string {
	if ms == nil {
		return "null"
	}
	s := "["
	for i, m := range ms {
		if i > 0 {
			s += " "
		}
		if m.Slot != nil {
			s += fmt.Sprintf("%s(%d)", m.ID, *m.Slot)
		} else {
			s += m.ID + "(-)"
		}
	}
	return s + "]"
}

func strOrNull(s *string) string {
	if s == nil {
		return "null"
	}
	return *s
}
