package publish

import (
	"encoding/json"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// Documents of protocol v2 (protocol v2 §8: the formats are the
// project's). A v2 announcement is an [AnnouncementBody] like a v1 one:
// its plan is the exact text of a v2 plan, its roots are the v2 roots
// (private attributes committed with the agency's blinding key, protocol
// v2 §1) and its inputs digest is the v2 one ([roster.Roots.InputsV2]).
// A v2 draw record is a [DrawBody] whose "view" is the JSON view of
// protocol v2 §7 (its "protocol" field says "doublerandom/v2"); it is
// read into DrawBody.ViewV2, View being nil. Amendments and results keep
// their format: a substitution after which nobody could fill the visit's
// team has "in": "" and "team": [] (the visit became unstaffed, reason
// short).

// drawBodyV2 is how a v2 draw record is written: the keys of [DrawBody]
// with the v2 view.
type drawBodyV2 struct {
	Announcement Digest                `json:"announcement"`
	DrawnAt      Time                  `json:"drawn_at"`
	Evidence     []random.SeedEvidence `json:"evidence"`
	Seed         random.HexBytes       `json:"seed"`
	View         *random.ViewV2        `json:"view"`
}

// viewV2Of reads the view of a draw body as a v2 view when its protocol
// field says so; ok is false for any other view (read as v1).
func viewV2Of(raw json.RawMessage) (v *random.ViewV2, ok bool, err error) {
	var head struct {
		Protocol string `json:"protocol"`
	}
	if json.Unmarshal(raw, &head) != nil || head.Protocol != random.ProtocolV2 {
		return nil, false, nil
	}
	v, err = random.ParseViewV2(raw)
	return v, true, err
}

// IsV2 reports whether the draw is of protocol v2 (its view is ViewV2).
func (b *DrawBody) IsV2() bool { return b.ViewV2 != nil }

// SelectedIDs returns the ids of the premises a draw selected, in the
// view's order: a v1 view's selected premises, a v2 view's visits.
func (b *DrawBody) SelectedIDs() []string {
	if b.ViewV2 != nil {
		ids := make([]string, len(b.ViewV2.Visits))
		for i, v := range b.ViewV2.Visits {
			ids[i] = v.ID
		}
		return ids
	}
	ids := make([]string, len(b.View.Selected))
	for i, s := range b.View.Selected {
		ids[i] = s.ID
	}
	return ids
}

// PlanV2 returns the parsed plan of a v2 announcement (nil for other
// kinds and for v1 announcements, whose plan is [RecordDoc.Plan]).
func (d *RecordDoc) PlanV2() *random.PlanV2 { return d.planV2 }

// PlanName returns the name of an announcement's plan, else its id.
func (d *RecordDoc) PlanName() string {
	switch {
	case d.planV2 != nil && d.planV2.Name != "":
		return d.planV2.Name
	case d.planV2 != nil:
		return d.planV2.ID
	case d.plan != nil && d.plan.Name != "":
		return d.plan.Name
	case d.plan != nil:
		return d.plan.ID
	}
	return ""
}

// announcedRoots returns the roots of set as the announcement computes
// them: the v1 roots, or for a v2 plan the v2 roots with the plan's
// private attributes committed as the set says ([roster.Set.RootsV2]).
func announcedRoots(ann *RecordDoc, set *roster.Set) (roster.Roots, error) {
	if ann.planV2 == nil {
		return set.Roots(), nil
	}
	if set.Protocol() != roster.ProtocolV2 {
		return roster.Roots{}, &RecordError{Doc: ann.File, Seq: ann.Seq, Field: "plan",
			Err: errV2Tables}
	}
	return set.RootsV2(ann.planV2.Private)
}
