package publish

import (
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// drawV2 adds the rows of a v2 draw to the notice and returns its
// summary: one row per visit, its tasks named by the plan (the task's
// name, else the "task" label of its id, else the id), how each was
// selected, and an unstaffed visit (by the draw, or after a
// substitution that found nobody) in the notes.
func (n *Notice) drawV2(r *Record, d *RecordDoc, set *roster.Set, opt NoticeOptions, premisesName func(string) string) NoticeDraw {
	ann := r.byDigest[d.Draw.Announcement]
	plan, v := ann.planV2, d.Draw.ViewV2
	nd := NoticeDraw{
		Plan: ann.PlanName(), PlanID: plan.ID,
		AnnouncementFile: ann.File, Announcement: ann.Digest, Announced: ann.Announcement.Published.Time,
		DrawFile: d.File, Draw: d.Digest, Drawn: d.Draw.DrawnAt.Time,
		Seed:     seedWords(ann.Announcement.Seed, d.Draw.Evidence),
		Selected: len(v.Visits),
		Tasks:    make([]NoticeTask, len(plan.Tasks)),
	}
	for i := range plan.Tasks {
		nd.Tasks[i].Name = taskName(plan, i, opt.Labels)
	}
	attr := func(id, name string) string {
		if set == nil {
			return ""
		}
		if p, ok := set.Premises.Lookup(id); ok && p.Get(name) != "" {
			return opt.Labels.Name(name, p.Get(name))
		}
		return ""
	}
	for _, vis := range v.Visits {
		var tasks, marks []string
		for _, t := range vis.Tasks {
			ti := plan.TaskIndex(t.Task)
			nd.Tasks[ti].Selected++
			tasks = append(tasks, nd.Tasks[ti].Name)
			if m := noticeMarks[t.Mark]; !slices.Contains(marks, m) {
				marks = append(marks, m)
			}
		}
		var notes []string
		switch {
		case vis.Unstaffed != nil:
			nd.Unstaffed++
			notes = append(notes, "未能组成检查组（"+unstaffedZh(*vis.Unstaffed)+"）")
		case len(r.Team(d.Digest, vis.ID)) == 0:
			nd.Unstaffed++
			notes = append(notes, "换人后未能组成检查组（"+unstaffedZh(random.CodeShort)+"）")
		}
		n.addRow(r, d, &nd, set, opt, []string{strings.Join(tasks, "、"), premisesName(vis.ID), vis.ID,
			attr(vis.ID, roster.AttrRegion), attr(vis.ID, roster.AttrCategory), strings.Join(marks, "、")}, notes)
	}
	nd.Substitutions = noticeSubstitutions(r, d, opt, premisesName)
	return nd
}

// taskName names task i of a v2 plan for the notice.
func taskName(plan *random.PlanV2, i int, labels *Labels) string {
	t := &plan.Tasks[i]
	if t.Name != "" {
		return t.Name
	}
	return labels.Name("task", t.ID)
}
