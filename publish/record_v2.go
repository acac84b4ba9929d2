package publish

import (
	"errors"
	"fmt"
	"slices"

	"github.com/doublerandom/doublerandom/random"
)

// The record rules of protocol v2 documents (see [Record] and
// documents_v2.go): an announcement's plan is parsed by the protocol it
// names, a v2 announcement's inputs digest is the v2 one, a v2
// announcement's draw carries a v2 view whose key is the v2 key
// ([random.NewKeyV2]), and a substitution that finds nobody leaves the
// visit unstaffed (team []).

var errV2Tables = errors.New("a v2 plan needs tables read under protocol v2 (roster.Options.Protocol = roster.ProtocolV2)")

// announcedPlan parses the plan of an announcement by the protocol it
// names and checks its digest, its id and the inputs digest.
func (r *Record) announcedPlan(e *RecordDoc, a *AnnouncementBody) (*random.Plan, *random.PlanV2, error) {
	if proto, err := random.PlanProtocol([]byte(a.Plan)); err == nil && proto == random.ProtocolV2 {
		plan, err := random.ParsePlanV2([]byte(a.Plan))
		if err != nil {
			return nil, nil, r.fail(e, "plan", "", err)
		}
		if plan.Digest() != a.PlanDigest {
			return nil, nil, r.mismatch(e, "plan_digest", plan.Digest().String(), a.PlanDigest.String())
		}
		if plan.ID != a.PlanID {
			return nil, nil, r.mismatch(e, "plan_id", plan.ID, a.PlanID)
		}
		if in := a.Roots.InputsV2(a.PlanDigest); in != a.Inputs {
			return nil, nil, r.mismatch(e, "inputs", in.String(), a.Inputs.String())
		}
		return nil, plan, nil
	}
	plan, err := random.ParsePlan([]byte(a.Plan))
	if err != nil {
		return nil, nil, r.fail(e, "plan", "", err)
	}
	if plan.Digest() != a.PlanDigest {
		return nil, nil, r.mismatch(e, "plan_digest", plan.Digest().String(), a.PlanDigest.String())
	}
	if plan.ID != a.PlanID {
		return nil, nil, r.mismatch(e, "plan_id", plan.ID, a.PlanID)
	}
	if in := a.Roots.Inputs(a.PlanDigest); in != a.Inputs {
		return nil, nil, r.mismatch(e, "inputs", in.String(), a.Inputs.String())
	}
	return plan, nil, nil
}

// addDrawV2 checks the view of a draw of a v2 announcement (or a v2 view
// given for a v1 announcement), after the times and the seed were
// checked as for v1.
func (r *Record) addDrawV2(e *RecordDoc, d *DrawBody, ann *RecordDoc, seed []byte) (func(), error) {
	a := ann.Announcement
	switch {
	case ann.planV2 == nil:
		return nil, r.mismatch(e, "view.protocol", random.Protocol+" (the plan of "+ann.File+")", random.ProtocolV2)
	case d.ViewV2 == nil:
		return nil, r.mismatch(e, "view.protocol", random.ProtocolV2+" (the plan of "+ann.File+")", d.View.Protocol)
	}
	v := d.ViewV2
	switch {
	case v.PlanDigest != a.PlanDigest:
		return nil, r.mismatch(e, "view.plan_digest", a.PlanDigest.String(), v.PlanDigest.String())
	case v.Roots != a.Roots:
		return nil, r.mismatch(e, "view.roots", rootsString(a.Roots), rootsString(v.Roots))
	case v.Inputs != a.Inputs:
		return nil, r.mismatch(e, "view.inputs", a.Inputs.String(), v.Inputs.String())
	}
	key, err := random.NewKeyV2(seed, a.Inputs)
	if err != nil {
		return nil, r.fail(e, "seed", "", err)
	}
	if key != v.Key {
		return nil, r.mismatch(e, "view.key", key.String(), v.Key.String())
	}
	plan := ann.planV2
	if len(v.Tasks) != len(plan.Tasks) {
		return nil, r.mismatch(e, "view.tasks", fmt.Sprintf("%d tasks", len(plan.Tasks)), fmt.Sprintf("%d tasks", len(v.Tasks)))
	}
	for i, t := range v.Tasks {
		if t.ID != plan.Tasks[i].ID {
			return nil, r.mismatch(e, fmt.Sprintf("view.tasks[%d].id", i), plan.Tasks[i].ID, t.ID)
		}
	}
	for i, vis := range v.Visits {
		if i > 0 && v.Visits[i-1].ID >= vis.ID {
			return nil, r.fail(e, fmt.Sprintf("view.visits[%d].id", i), vis.ID, fmt.Errorf("%w: visits must be in ascending id order, each once", ErrRecord))
		}
		for j, t := range vis.Tasks {
			if plan.TaskIndex(t.Task) < 0 {
				return nil, r.fail(e, fmt.Sprintf("view.visits[%d].tasks[%d].task", i, j), t.Task, fmt.Errorf("%w: no such task in the plan", ErrRecord))
			}
		}
		for j, m := range vis.Team {
			if slices.IndexFunc(vis.Team[:j], func(o random.ViewMember) bool { return o.ID == m.ID }) >= 0 {
				return nil, r.fail(e, fmt.Sprintf("view.visits[%d].team[%d].id", i, j), m.ID, fmt.Errorf("%w: on the team twice", ErrRecord))
			}
		}
	}
	if ve := checkViewPublicV2(plan, v); ve != nil { // public checks: public_v2.go
		return nil, r.fail(e, ve.field, ve.value, ve.err)
	}
	return func() {
		r.drawOf[ann.Digest] = e
		if r.open == ann {
			r.open = nil
		}
		teams := map[string]*team{}
		for _, vis := range v.Visits {
			if len(vis.Team) > 0 {
				t := &team{ever: map[string]bool{}}
				for _, m := range vis.Team {
					t.ids = append(t.ids, m.ID)
					t.ever[m.ID] = true
				}
				teams[vis.ID] = t
			}
		}
		r.teams[e.Digest] = teams
		r.results[e.Digest] = map[string]*result{}
	}, nil
}

// substitutionTeamV2 returns the team a substitution must leave on a v2
// draw's visit: with no replacement the visit becomes unstaffed (an
// empty team), never a team below its size (protocol v2 §6).
func substitutionTeamV2(draw *RecordDoc, s *SubstitutionItem, want []string) []string {
	if draw.Draw.ViewV2 != nil && s.In == "" {
		return []string{}
	}
	return want
}
