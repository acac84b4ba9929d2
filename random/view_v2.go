package random

import (
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/doublerandom/doublerandom/roster"
)

// ViewV2 is the JSON view of a v2 draw (protocol v2 §7). Its encoding
// ([ViewV2.Encode]) is frozen: the bytes of Python's json.dumps(view,
// indent=1) followed by a newline, keys in the order of the fields below.
type ViewV2 struct {
	Protocol          string          `json:"protocol"`
	Key               Key             `json:"key"`
	Inputs            roster.Hash     `json:"inputs"`
	PlanDigest        roster.Hash     `json:"plan_digest"`
	Roots             roster.Roots    `json:"roots"`
	Tasks             []ViewTask      `json:"tasks"`
	Visits            []ViewVisit     `json:"visits"`
	UnknownReferences ViewUnknownRefs `json:"unknown_references"`
}

// ViewTask is one task of a [ViewV2].
type ViewTask struct {
	ID        string      `json:"id"`
	Pool      int         `json:"pool"`
	Cooling   int         `json:"cooling"`
	Eligible  int         `json:"eligible"`
	Overdue   int         `json:"overdue"`
	Want      int         `json:"want"`
	Quota     int         `json:"quota"`
	Shortfall int         `json:"shortfall"`
	Groups    []ViewGroup `json:"groups"`
}

// ViewGroup is one group of a [ViewTask]; Threshold is nil (null) when
// nothing was selected as random in it.
type ViewGroup struct {
	Values    []string `json:"values"`
	Eligible  int      `json:"eligible"`
	Overdue   int      `json:"overdue"`
	Quota     int      `json:"quota"`
	Threshold *Hex64   `json:"threshold"`
}

// ViewVisit is one visit of a [ViewV2]: exactly one of Team and
// Unstaffed is non-nil.
type ViewVisit struct {
	ID                 string          `json:"id"`
	Priority           Hex64           `json:"priority"`
	Tasks              []ViewVisitTask `json:"tasks"`
	Team               []ViewMember    `json:"team"`
	Unstaffed          *string         `json:"unstaffed"`
	EligibleInspectors int             `json:"eligible_inspectors"`
}

// ViewVisitTask is one task of a [ViewVisit].
type ViewVisitTask struct {
	Task  string   `json:"task"`
	Mark  Mark     `json:"mark"`
	Group []string `json:"group"`
}

// ViewMember is a team member and the index of the slot they fill (nil,
// null, for a fill-up member).
type ViewMember struct {
	ID   string `json:"id"`
	Slot *int   `json:"slot"`
}

// ViewUnknownRefs counts the rows of the conflicts and history tables
// that name at least one missing id.
type ViewUnknownRefs struct {
	Conflicts int `json:"conflicts"`
	History   int `json:"history"`
}

// View returns the JSON view of the draw.
func (r *ResultV2) View() *ViewV2 {
	v := &ViewV2{
		Protocol:          ProtocolV2,
		Key:               r.Key,
		Inputs:            r.Inputs,
		PlanDigest:        r.Plan.Digest(),
		Roots:             r.Roots,
		Tasks:             make([]ViewTask, len(r.Tasks)),
		Visits:            make([]ViewVisit, len(r.Visits)),
		UnknownReferences: ViewUnknownRefs{r.UnknownConflicts, r.UnknownHistory},
	}
	for i, t := range r.Tasks {
		vt := ViewTask{ID: r.Plan.Tasks[i].ID, Pool: t.Pool, Cooling: t.Cooling, Eligible: t.Eligible, Overdue: t.Overdue,
			Want: t.Want, Quota: t.Quota, Shortfall: t.Shortfall, Groups: make([]ViewGroup, len(t.Groups))}
		for j, g := range t.Groups {
			vg := ViewGroup{Values: nonNil(g.Values), Eligible: g.Eligible, Overdue: g.Overdue, Quota: g.Quota}
			if g.HasThreshold {
				th := Hex64(g.Threshold)
				vg.Threshold = &th
			}
			vt.Groups[j] = vg
		}
		v.Tasks[i] = vt
	}
	for i, vis := range r.Visits {
		vv := ViewVisit{ID: vis.ID, Priority: Hex64(vis.Priority), EligibleInspectors: vis.EligibleCount,
			Tasks: make([]ViewVisitTask, len(vis.Tasks))}
		for j, t := range vis.Tasks {
			vv.Tasks[j] = ViewVisitTask{Task: r.Plan.Tasks[t.Task].ID, Mark: t.Mark, Group: nonNil(t.Group)}
		}
		if vis.Team != nil {
			vv.Team = make([]ViewMember, len(vis.Team))
			for j, m := range vis.Team {
				vv.Team[j] = ViewMember{ID: m.ID}
				if m.Slot >= 0 {
					s := m.Slot
					vv.Team[j].Slot = &s
				}
			}
		} else {
			code := vis.Unstaffed.Code()
			vv.Unstaffed = &code
		}
		v.Visits[i] = vv
	}
	return v
}

// Encode returns the view's canonical bytes: JSON indented by one space,
// keys in field order, every non-ASCII character written as a \uXXXX
// escape, ending in a newline — byte for byte what Python's
// json.dumps(view, indent=1) + "\n" writes (the encoder of [View.Encode]).
// Do not change this encoding: published views and independent replays
// compare these bytes.
func (v *ViewV2) Encode() ([]byte, error) {
	e := viewEncoder{b: make([]byte, 0, 1024+len(v.Tasks)*400+len(v.Visits)*400)}
	e.head(v.Protocol, v.Key, v.Inputs, v.PlanDigest, v.Roots)
	e.key("tasks")
	e.open('[')
	for _, t := range v.Tasks {
		e.item()
		e.open('{')
		e.key("id")
		e.str(t.ID)
		for _, f := range []struct {
			k string
			n int
		}{{"pool", t.Pool}, {"cooling", t.Cooling}, {"eligible", t.Eligible}, {"overdue", t.Overdue}, {"want", t.Want}, {"quota", t.Quota}, {"shortfall", t.Shortfall}} {
			e.key(f.k)
			e.int(f.n)
		}
		e.key("groups")
		e.open('[')
		for _, g := range t.Groups {
			e.item()
			e.open('{')
			e.key("values")
			e.strs(nonNil(g.Values))
			e.key("eligible")
			e.int(g.Eligible)
			e.key("overdue")
			e.int(g.Overdue)
			e.key("quota")
			e.int(g.Quota)
			e.key("threshold")
			if g.Threshold == nil {
				e.null()
			} else {
				e.str(g.Threshold.String())
			}
			e.close('}')
		}
		e.close(']')
		e.close('}')
	}
	e.close(']')
	e.key("visits")
	e.open('[')
	for _, vis := range v.Visits {
		e.item()
		e.open('{')
		e.key("id")
		e.str(vis.ID)
		e.key("priority")
		e.str(vis.Priority.String())
		e.key("tasks")
		e.open('[')
		for _, t := range vis.Tasks {
			mark, err := t.Mark.MarshalText()
			if err != nil {
				return nil, err
			}
			e.item()
			e.open('{')
			e.key("task")
			e.str(t.Task)
			e.key("mark")
			e.str(string(mark))
			e.key("group")
			e.strs(nonNil(t.Group))
			e.close('}')
		}
		e.close(']')
		e.key("team")
		if vis.Team == nil {
			e.null()
		} else {
			e.open('[')
			for _, m := range vis.Team {
				e.item()
				e.open('{')
				e.key("id")
				e.str(m.ID)
				e.key("slot")
				if m.Slot == nil {
					e.null()
				} else {
					e.int(*m.Slot)
				}
				e.close('}')
			}
			e.close(']')
		}
		e.key("unstaffed")
		if vis.Unstaffed == nil {
			e.null()
		} else {
			e.str(*vis.Unstaffed)
		}
		e.key("eligible_inspectors")
		e.int(vis.EligibleInspectors)
		e.close('}')
	}
	e.close(']')
	e.key("unknown_references")
	e.open('{')
	e.key("conflicts")
	e.int(v.UnknownReferences.Conflicts)
	e.key("history")
	e.int(v.UnknownReferences.History)
	e.close('}')
	e.close('}')
	return append(e.b, '\n'), nil
}

// WriteTo writes the canonical bytes of [ViewV2.Encode] to w.
func (v *ViewV2) WriteTo(w io.Writer) (int64, error) { return writeEncoded(w, v.Encode) }

// The keys of the objects of a v2 view; every one is required.
var (
	viewV2TopKeys    = []string{"protocol", "key", "inputs", "plan_digest", "roots", "tasks", "visits", "unknown_references"}
	viewV2TaskKeys   = []string{"id", "pool", "cooling", "eligible", "overdue", "want", "quota", "shortfall", "groups"}
	viewV2GroupKeys  = []string{"values", "eligible", "overdue", "quota", "threshold"}
	viewV2VisitKeys  = []string{"id", "priority", "tasks", "team", "unstaffed", "eligible_inspectors"}
	viewV2VTaskKeys  = []string{"task", "mark", "group"}
	viewV2MemberKeys = []string{"id", "slot"}
	viewV2RefsKeys   = []string{"conflicts", "history"}
)

// ParseViewV2 reads a v2 JSON view, such as [ViewV2.Encode] writes, for
// auditors' tools and the publish layer. It is strict like [ParseView]:
// one JSON object of valid UTF-8 with nothing after it; exact key names,
// none repeated, none missing, no other; no escaped lone surrogate; the
// protocol is [ProtocolV2]; hex has its length; marks and unstaffed codes
// are known; counts are whole numbers 0..[MaxCount]; threshold and slot
// are null or a value; each visit has exactly one of a non-empty team
// and an unstaffed code (the other null). It accepts any JSON layout; to
// check canonical bytes, compare with [ViewV2.Encode]. Errors are a
// *[ViewError].
func ParseViewV2(b []byte) (*ViewV2, error) {
	if err := checkViewUTF8(b); err != nil {
		return nil, err
	}
	if err := scanView(b, viewV2Object); err != nil {
		return nil, err
	}
	var v ViewV2
	if err := decodeView(b, &v); err != nil {
		return nil, err
	}
	c := viewValues{b}
	fail, count := c.fail, c.count
	if v.Protocol != ProtocolV2 {
		return nil, fail("protocol", strconv.Quote(v.Protocol), "want %q", ProtocolV2)
	}
	if err := count("unknown_references.conflicts", v.UnknownReferences.Conflicts); err != nil {
		return nil, err
	}
	if err := count("unknown_references.history", v.UnknownReferences.History); err != nil {
		return nil, err
	}
	for i, t := range v.Tasks {
		f := fmt.Sprintf("tasks[%d]", i)
		if err := validTaskID(t.ID); err != nil {
			return nil, fail(f+".id", strconv.Quote(t.ID), "%v", err)
		}
		for _, c := range []struct {
			name string
			n    int
		}{{"pool", t.Pool}, {"cooling", t.Cooling}, {"eligible", t.Eligible}, {"overdue", t.Overdue}, {"want", t.Want}, {"quota", t.Quota}, {"shortfall", t.Shortfall}} {
			if err := count(f+"."+c.name, c.n); err != nil {
				return nil, err
			}
		}
		if t.Groups == nil {
			return nil, fail(f+".groups", "null", "want a list")
		}
		for j, g := range t.Groups {
			gf := fmt.Sprintf("%s.groups[%d]", f, j)
			if g.Values == nil {
				return nil, fail(gf+".values", "null", "want a list of strings")
			}
			for _, c := range []struct {
				name string
				n    int
			}{{"eligible", g.Eligible}, {"overdue", g.Overdue}, {"quota", g.Quota}} {
				if err := count(gf+"."+c.name, c.n); err != nil {
					return nil, err
				}
			}
		}
	}
	if v.Tasks == nil {
		return nil, fail("tasks", "null", "want a list")
	}
	if v.Visits == nil {
		return nil, fail("visits", "null", "want a list")
	}
	for i, vis := range v.Visits {
		f := fmt.Sprintf("visits[%d]", i)
		switch {
		case vis.ID == "":
			return nil, fail(f+".id", `""`, "no id")
		case vis.Tasks == nil:
			return nil, fail(f+".tasks", "null", "want a list")
		case len(vis.Tasks) == 0:
			return nil, fail(f+".tasks", "[]", "%q: a visit has at least one task", vis.ID)
		case (vis.Team == nil) == (vis.Unstaffed == nil):
			return nil, fail(f, "", "%q: want exactly one of a team and an unstaffed code (the other null)", vis.ID)
		case vis.Team != nil && len(vis.Team) == 0:
			return nil, fail(f+".team", "[]", "%q: an empty team; a visit nobody can staff has an unstaffed code", vis.ID)
		case vis.Unstaffed != nil && !slices.Contains([]string{"slot", "short", "none_eligible"}, *vis.Unstaffed):
			return nil, fail(f+".unstaffed", strconv.Quote(*vis.Unstaffed), "%q: unknown unstaffed code (want slot, short or none_eligible)", vis.ID)
		}
		for j, t := range vis.Tasks {
			tf := fmt.Sprintf("%s.tasks[%d]", f, j)
			if t.Mark == 0 {
				return nil, fail(tf+".mark", "", "no mark")
			}
			if t.Group == nil {
				return nil, fail(tf+".group", "null", "want a list of strings")
			}
			if err := validTaskID(t.Task); err != nil {
				return nil, fail(tf+".task", strconv.Quote(t.Task), "%v", err)
			}
		}
		for j, m := range vis.Team {
			mf := fmt.Sprintf("%s.team[%d]", f, j)
			if m.ID == "" {
				return nil, fail(mf+".id", `""`, "no id")
			}
			if m.Slot != nil {
				if err := count(mf+".slot", *m.Slot); err != nil {
					return nil, err
				}
			}
		}
		if err := count(f+".eligible_inspectors", vis.EligibleInspectors); err != nil {
			return nil, err
		}
	}
	return &v, nil
}

// viewV2Object checks the keys of an object of a v2 view: exact names,
// every one present, nothing else.
func viewV2Object(path string, off int, keys []jsonKey) *scanError {
	var required []string
	last := path[strings.LastIndexByte(path, '.')+1:]
	switch {
	case path == "":
		required = viewV2TopKeys
	case path == "roots":
		required = viewRootsKeys
	case path == "unknown_references":
		required = viewV2RefsKeys
	case isElement(path, "tasks"):
		required = viewV2TaskKeys
	case isElement(path, "visits"):
		required = viewV2VisitKeys
	case strings.HasPrefix(path, "tasks[") && isElement(last, "groups"):
		required = viewV2GroupKeys
	case strings.HasPrefix(path, "visits[") && isElement(last, "tasks"):
		required = viewV2VTaskKeys
	case strings.HasPrefix(path, "visits[") && isElement(last, "team"):
		required = viewV2MemberKeys
	default:
		return &scanError{off: off, field: path, err: fmt.Errorf("%w: want no object here", ErrBadView)}
	}
	_, e := checkViewKeys(path, off, keys, required, nil, nil)
	return e
}
