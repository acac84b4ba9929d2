package random

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/doublerandom/doublerandom/roster"
)

// ProtocolV2 is the value of a v2 plan's "protocol" field and of its
// view's: draw protocol v2 (protocol-v2.md). v1 plans and records replay
// under [Protocol] as before.
const ProtocolV2 = "doublerandom/v2"

// Limits of v2 plans.
const (
	// MaxWeight is the largest weight a premises may have (protocol v2
	// §2): W is the least of w keys, so a weight costs w hashes.
	MaxWeight = 1000
	// MaxTaskIDLen is the longest task id or matter, in bytes.
	MaxTaskIDLen = 64
)

// More sentinel errors of plans (v2). A *[PlanError] or *[roster.RowError]
// wraps them.
var (
	// ErrTargetTask: a targeted entry names a task that does not hold
	// for its premises, or no task holds for it.
	ErrTargetTask = errors.New("targeted premises not in the task")
	// ErrStatusUnlisted: a premises or inspector status is in neither
	// the plan's active nor its inactive list (protocol v2 §1).
	ErrStatusUnlisted = errors.New("status in neither the plan's active nor its inactive list")
)

// DefaultInactive is the inactive list of a v2 plan that gives none.
var DefaultInactive = []string{"inactive", "closed"}

// PlanV2 is a parsed v2 draw plan (protocol v2 §2): a list of tasks
// (抽查事项), each with its own ratio of the premises it matches. Like
// [Plan] it is data, and its digest is the SHA-256 of the exact bytes it
// was parsed from; build one in Go, encode it with [PlanV2.MarshalJSON]
// and parse the bytes with [ParsePlanV2] to get a plan that can be drawn.
// Absent optional fields hold their defaults after parsing.
type PlanV2 struct {
	Protocol  string      // always [ProtocolV2]
	ID        string      // the plan's identifier, optional
	Name      string      // a human title, optional
	Authority string      // the agency, optional
	Date      roster.Date // the reference day of every "within D days"

	// Active, when not nil, lists the statuses of rows that take part:
	// every premises and inspector status must then be in Active or
	// Inactive ([ErrStatusUnlisted]).
	Active []string
	// Inactive lists the statuses of rows that take no part in the draw
	// ([DefaultInactive] when the plan gives none).
	Inactive []string
	// Private names, per table, the attributes committed in the roots
	// but not published. None may be one the draw reads.
	Private roster.Private
	// Scope says which premises take part (protocol v2 §2).
	Scope ScopeV2
	// Cooldown rules: a premises with at least Max counting rows under
	// some rule is cooling and not eligible for any task.
	Cooldown []CooldownRule
	// Coverage, when set, makes premises overdue for a task that no
	// counting history row covers.
	Coverage *Coverage
	// Tasks (抽查事项), in plan order.
	Tasks []Task
	// Targeted premises are added outside the quotas, in this order.
	Targeted []TargetV2
	// Teams are the defaults of every team.
	Teams Teams
	// Conflicts are the conflict-of-interest (回避) rules.
	Conflicts ConflictRules
	// DefaultCapacity is the number of teams an inspector without a
	// capacity attribute may join; 0 (or absent) means no limit.
	DefaultCapacity int
	// Notes is the top-level "notes" object as written: free text,
	// hashed with the plan, never read. nil when absent.
	Notes json.RawMessage

	bytes  []byte
	digest roster.Hash
	lines  map[string]int
	file   string
}

// MatchV2 is a v2 "match" object (in scope and tasks): attribute → list
// of values, its terms sorted by attribute. It holds when every term
// holds; the empty MatchV2 always holds.
type MatchV2 []MatchTerm

// MatchTerm is one attribute of a [MatchV2] and the values it accepts.
// "" among Values matches an absent or empty value.
type MatchTerm struct {
	Attr   string
	Values []string
}

// Holds reports whether every term holds for the premises row: its
// value of the attribute is among the term's values, or for a list
// attribute (premises' matters), any of its items is.
func (m MatchV2) Holds(r roster.Row) bool {
	for _, t := range m {
		if !t.holds(r) {
			return false
		}
	}
	return true
}

func (t MatchTerm) holds(r roster.Row) bool {
	v := r.Get(t.Attr)
	if v == "" || !roster.KindPremises.ListAttr(roster.ProtocolV2, t.Attr) {
		return slices.Contains(t.Values, v)
	}
	for item := range strings.SplitSeq(v, ";") {
		if slices.Contains(t.Values, item) {
			return true
		}
	}
	return false
}

// ScopeV2 is a v2 plan's scope: a premises is in scope when its status
// is not inactive, Include holds (nil: always) and no term of Exclude
// holds (nil: never).
type ScopeV2 struct {
	Include MatchV2
	Exclude MatchV2
}

// CooldownRule is one rule of a v2 cooldown: a premises cools when at
// least Max history rows of it within Days days have a kind in Kinds
// (nil: every kind).
type CooldownRule struct {
	Days  int
	Max   int
	Kinds []string
}

// Coverage is a v2 plan's coverage rule: a premises is overdue for a task
// when no history row of it within Days days, of a kind in Kinds (nil:
// every kind), has empty matters or matters holding the task's matter.
// DrawsLeft > 0 is the cycle guarantee: each task draws at least
// ceil(overdue / DrawsLeft).
type Coverage struct {
	Days      int
	Kinds     []string
	DrawsLeft int
}

// Task is one task of a v2 plan (抽查事项).
type Task struct {
	ID     string // 1..64 bytes of [a-z0-9_-], unique in the plan
	Name   string // a human title, optional
	Matter string // the inspection matter it covers; its ID when absent
	Match  MatchV2
	Ratio  Ratio
	Min    int
	Max    int // 0: no maximum
	// Spread names the attributes whose values group the eligible
	// premises; the quota is spread over the groups by largest remainder.
	Spread []string
	// Weight, when set, weights the premises' chances (protocol v2 §4).
	Weight *Weight
	// Team is what the task asks of a visit's team; nil when absent.
	Team *TaskTeam
}

// Weight weights premises by their value of Attribute: Values lists the
// weights (1..[MaxWeight]) of some values, sorted by value; any other
// value weighs 1.
type Weight struct {
	Attribute string
	Values    []WeightValue
}

// WeightValue is the weight of one value of a weight attribute.
type WeightValue struct {
	Value  string
	Weight int
}

// Of returns the weight of a value.
func (w *Weight) Of(v string) int {
	if w == nil {
		return 1
	}
	i, ok := slices.BinarySearchFunc(w.Values, v, func(x WeightValue, v string) int { return strings.Compare(x.Value, v) })
	if !ok {
		return 1
	}
	return w.Values[i].Weight
}

// TaskTeam is a task's "team": slots it asks for, and optionally a size
// (0: none given) and a cap on members of one unit (0: none).
type TaskTeam struct {
	Size       int
	Slots      []Slot
	MaxPerUnit int
}

// Slot asks a team for a member of Unit (if set) with Specialty among
// their specialties (if set). A slot with Match applies only to a visit
// whose premises it holds for.
type Slot struct {
	Unit      string
	Specialty string
	Match     MatchV2
}

// same reports whether two slots are identical for merging: same unit
// and specialty (their match is not part of their identity).
func (s Slot) same(o Slot) bool { return s.Unit == o.Unit && s.Specialty == o.Specialty }

// TargetV2 is a premises the plan names for inspection outside the
// quotas, for Tasks (nil: every task whose match holds for it).
type TargetV2 struct {
	ID     string
	Tasks  []string
	Reason string
}

// Teams are the plan-wide team rules of v2.
type Teams struct {
	Size         int // at least 2; 2 when absent
	RegionPrefix int // L > 0: inspector and premises regions agree in their first L bytes
	MaxPerUnit   int // 0: no cap
}

// Bytes returns a copy of the exact bytes the plan was parsed from.
func (p *PlanV2) Bytes() []byte { return slices.Clone(p.bytes) }

// Digest returns H(plan bytes), the plan digest of protocol v2 §3.
func (p *PlanV2) Digest() roster.Hash { return p.digest }

// File returns the file name the plan was loaded from, if any.
func (p *PlanV2) File() string { return p.file }

// TaskIndex returns the index of the task with the given id, or -1.
func (p *PlanV2) TaskIndex(id string) int {
	return slices.IndexFunc(p.Tasks, func(t Task) bool { return t.ID == id })
}

// PlanProtocol sniffs the protocol of a plan from its bytes: the string
// value of its top-level "protocol" field ([Protocol] or [ProtocolV2]).
// It does not check the rest of the plan; parse it with [ParsePlan] or
// [ParsePlanV2] as the protocol says.
func PlanProtocol(b []byte) (string, error) {
	if err := checkPlanUTF8(b); err != nil {
		return "", err
	}
	if _, err := scanJSON(b); err != nil {
		return "", err
	}
	var head struct {
		Protocol *string `json:"protocol"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return "", &PlanError{Err: fmt.Errorf("%w: %v", ErrPlanSyntax, err)}
	}
	if head.Protocol == nil {
		return "", &PlanError{Field: "protocol", Err: fmt.Errorf("%w: missing", ErrPlanValue)}
	}
	switch *head.Protocol {
	case Protocol, ProtocolV2:
		return *head.Protocol, nil
	}
	return "", &PlanError{Field: "protocol", Value: strconv.Quote(*head.Protocol),
		Err: fmt.Errorf("%w: want %q or %q", ErrPlanValue, Protocol, ProtocolV2)}
}

// LoadPlanV2 reads and parses a v2 plan file; errors name the file.
func LoadPlanV2(name string) (*PlanV2, error) {
	b, err := readPlanFile(name)
	if err != nil {
		return nil, err
	}
	p, err := ParsePlanV2(b)
	if p != nil {
		p.file = name
	}
	return p, inPlanFile(name, err)
}

// The fields of each object of a v2 plan.
var (
	planV2Keys     = []string{"protocol", "id", "name", "authority", "date", "active", "inactive", "private", "scope", "cooldown", "coverage", "tasks", "targeted", "teams", "conflicts", "default_capacity", "notes"}
	scopeV2Keys    = []string{"include", "exclude"}
	cooldownV2Keys = []string{"days", "max", "kinds"}
	coverageV2Keys = []string{"days", "kinds", "draws_left"}
	taskV2Keys     = []string{"id", "name", "matter", "match", "ratio", "min", "max", "spread", "weight", "team"}
	weightV2Keys   = []string{"attribute", "values"}
	taskTeamKeys   = []string{"size", "slots", "max_per_unit"}
	slotV2Keys     = []string{"unit", "specialty", "match"}
	targetV2Keys   = []string{"id", "tasks", "reason"}
	teamsV2Keys    = []string{"size", "region_prefix", "max_per_unit"}
	conflictV2Keys = []string{"declared", "rotation_days", "home_region"}
)

// ParsePlanV2 parses a v2 plan (protocol v2 §2) and keeps its exact
// bytes. It is strict: the document is one JSON object of valid UTF-8
// with no repeated key at any level and nothing after it; a field the
// protocol does not name is an error anywhere except inside the
// top-level "notes" object (free, hashed, never read); every field has
// its JSON type (a ratio is a string, never a number; counts are whole
// numbers 0..[MaxCount]; null is never accepted), and every rule of §2
// holds. The first problem found is returned as a *[PlanError] naming the
// field's JSON path and line.
//
// Rules that need the tables (statuses against the active list, targeted
// ids and their tasks) are checked by [PlanV2.Check].
func ParsePlanV2(b []byte) (*PlanV2, error) {
	lines, err := scanPlan(b)
	if err != nil {
		return nil, err
	}
	p := &PlanV2{bytes: slices.Clone(b), digest: roster.Hash(sha256.Sum256(b)), lines: lines}
	d := &decoder{lines: lines}
	top := d.object("", json.RawMessage(b))
	// The protocol first: a v1 plan is told so, not that its fields are
	// unknown.
	p.Protocol = d.str(top, "protocol", true)
	if d.err == nil && p.Protocol != ProtocolV2 {
		hint := ""
		if p.Protocol == Protocol {
			hint = " (a v1 plan: read it with ParsePlan)"
		}
		d.fail("protocol", top.m["protocol"], fmt.Errorf("%w: want %q%s", ErrPlanValue, ProtocolV2, hint))
	}
	d.only(top, planV2Keys)
	p.ID = d.str(top, "id", false)
	p.Name = d.str(top, "name", false)
	p.Authority = d.str(top, "authority", false)
	p.Date = d.date(top)
	if _, ok := top.m["active"]; ok {
		p.Active = d.stringList(top, "active")
		if p.Active == nil {
			p.Active = []string{}
		}
	}
	p.Inactive = slices.Clone(DefaultInactive)
	if _, ok := top.m["inactive"]; ok {
		p.Inactive = d.stringList(top, "inactive")
	}
	if po, ok := d.objectField(top, "private"); ok {
		p.Private = roster.Private{}
		for _, name := range sortedKeys(po.m) {
			k, err := roster.ParseKind(name)
			if err != nil {
				d.fail(join(po, name), json.RawMessage(strconv.Quote(name)), fmt.Errorf("%w: unknown field: want premises, inspectors, conflicts or history", ErrPlanValue))
				break
			}
			p.Private[k] = d.stringList(po, name)
		}
	}
	if so, ok := d.objectField(top, "scope"); ok {
		d.only(so, scopeV2Keys)
		p.Scope.Include = d.matchV2(so, "include")
		p.Scope.Exclude = d.matchV2(so, "exclude")
	}
	for i, raw := range d.array(top, "cooldown") {
		o := d.object(fmt.Sprintf("cooldown[%d]", i), raw)
		d.only(o, cooldownV2Keys)
		r := CooldownRule{Days: d.requiredCount(o, "days"), Max: d.requiredCount(o, "max"), Kinds: d.optList(o, "kinds")}
		p.Cooldown = append(p.Cooldown, r)
	}
	if co, ok := d.objectField(top, "coverage"); ok {
		d.only(co, coverageV2Keys)
		p.Coverage = &Coverage{Days: d.requiredCount(co, "days"), Kinds: d.optList(co, "kinds"), DrawsLeft: d.count(co, "draws_left")}
		if _, ok := co.m["draws_left"]; ok && d.err == nil && p.Coverage.DrawsLeft < 1 {
			d.fail("coverage.draws_left", co.m["draws_left"], fmt.Errorf("%w: at least 1 (absent: no cycle guarantee)", ErrPlanValue))
		}
	}
	if _, ok := top.m["tasks"]; !ok && d.err == nil {
		d.fail("tasks", nil, fmt.Errorf("%w: missing", ErrPlanValue))
	}
	for i, raw := range d.array(top, "tasks") {
		p.Tasks = append(p.Tasks, d.task(fmt.Sprintf("tasks[%d]", i), raw))
	}
	for i, raw := range d.array(top, "targeted") {
		o := d.object(fmt.Sprintf("targeted[%d]", i), raw)
		d.only(o, targetV2Keys)
		t := TargetV2{ID: d.str(o, "id", true), Tasks: d.optList(o, "tasks"), Reason: d.str(o, "reason", false)}
		p.Targeted = append(p.Targeted, t)
	}
	p.Teams.Size = 2
	if to, ok := d.objectField(top, "teams"); ok {
		d.only(to, teamsV2Keys)
		if _, ok := to.m["size"]; ok {
			p.Teams.Size = d.count(to, "size")
		}
		p.Teams.RegionPrefix = d.count(to, "region_prefix")
		p.Teams.MaxPerUnit = d.count(to, "max_per_unit")
	}
	if co, ok := d.objectField(top, "conflicts"); ok {
		d.only(co, conflictV2Keys)
		p.Conflicts = d.conflicts(co)
	}
	p.DefaultCapacity = d.count(top, "default_capacity")
	if raw, ok := top.m["notes"]; ok && d.err == nil {
		if kind(raw) != "an object" {
			d.wrongType("notes", raw, "an object")
		}
		p.Notes = slices.Clone(raw)
	}
	if d.err != nil {
		return nil, d.err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// task reads one task.
func (d *decoder) task(path string, raw json.RawMessage) Task {
	o := d.object(path, raw)
	d.only(o, taskV2Keys)
	t := Task{ID: d.str(o, "id", true), Name: d.str(o, "name", false), Matter: d.str(o, "matter", false)}
	if _, ok := o.m["matter"]; !ok {
		t.Matter = t.ID
	}
	t.Match = d.matchV2(o, "match")
	if rs := d.str(o, "ratio", true); d.err == nil {
		r, err := ParseRatio(rs)
		if err != nil {
			d.fail(path+".ratio", o.m["ratio"], err)
		}
		t.Ratio = r
	}
	t.Min = d.count(o, "min")
	t.Max = d.count(o, "max")
	t.Spread = d.optList(o, "spread")
	if wo, ok := d.objectField(o, "weight"); ok {
		d.only(wo, weightV2Keys)
		w := &Weight{Attribute: d.str(wo, "attribute", true)}
		if vo, ok := d.objectField(wo, "values"); ok {
			for _, v := range sortedKeys(vo.m) {
				n := d.count(vo, v)
				if d.err == nil && (n < 1 || n > MaxWeight) {
					d.fail(join(vo, v), vo.m[v], fmt.Errorf("%w: a weight is a whole number 1..%d", ErrPlanValue, MaxWeight))
				}
				w.Values = append(w.Values, WeightValue{Value: v, Weight: n})
			}
		} else if d.err == nil {
			d.fail(wo.path+".values", nil, fmt.Errorf("%w: missing", ErrPlanValue))
		}
		t.Weight = w
	}
	if to, ok := d.objectField(o, "team"); ok {
		d.only(to, taskTeamKeys)
		tt := &TaskTeam{Size: d.count(to, "size"), MaxPerUnit: d.count(to, "max_per_unit")}
		if _, ok := to.m["size"]; ok && d.err == nil && tt.Size < 2 {
			d.fail(to.path+".size", to.m["size"], fmt.Errorf("%w: a team has at least 2 inspectors", ErrPlanValue))
		}
		for i, sraw := range d.array(to, "slots") {
			so := d.object(fmt.Sprintf("%s.slots[%d]", to.path, i), sraw)
			d.only(so, slotV2Keys)
			s := Slot{Unit: d.str(so, "unit", false), Specialty: d.str(so, "specialty", false), Match: d.matchV2(so, "match")}
			_, hasUnit := so.m["unit"]
			_, hasSpec := so.m["specialty"]
			if d.err == nil && !hasUnit && !hasSpec {
				d.fail(so.path, sraw, fmt.Errorf("%w: a slot names a unit, a specialty or both", ErrPlanValue))
			}
			for _, f := range []string{"unit", "specialty"} {
				if raw, ok := so.m[f]; ok && d.err == nil && string(raw) == `""` {
					d.fail(join(so, f), raw, fmt.Errorf("%w: empty; leave the field out instead", ErrPlanValue))
				}
			}
			tt.Slots = append(tt.Slots, s)
		}
		t.Team = tt
	}
	return t
}

// only refuses a field of o that is not in allowed: the first in
// document order, with a hint when it is a near miss of one allowed.
func (d *decoder) only(o jsonObject, allowed []string) {
	if d.err != nil {
		return
	}
	var bad []string
	for k := range o.m {
		if !slices.Contains(allowed, k) {
			bad = append(bad, k)
		}
	}
	if len(bad) == 0 {
		return
	}
	slices.SortFunc(bad, func(a, b string) int {
		if la, lb := lineFor(d.lines, join(o, a)), lineFor(d.lines, join(o, b)); la != lb {
			return la - lb
		}
		return strings.Compare(a, b)
	})
	k := bad[0]
	hint := ""
	for _, want := range allowed {
		if _, present := o.m[want]; !present && nearMiss(k, want) {
			hint = fmt.Sprintf(" (did you mean %q?)", want)
			break
		}
	}
	where := "at the top level"
	if o.path != "" {
		where = "in " + o.path
	}
	d.fail(join(o, k), json.RawMessage(strconv.Quote(k)), fmt.Errorf("%w: unknown field%s; the fields allowed %s are %s", ErrPlanValue, hint, where, strings.Join(allowed, ", ")))
}

// nearMiss reports whether a is b with a different case or at most two
// edits away (a typo such as "cooldwon" or "Cooldown"): the optimal
// string alignment distance, a transposition counting as one edit.
func nearMiss(a, b string) bool {
	if strings.EqualFold(a, b) {
		return true
	}
	x, y := []rune(a), []rune(b)
	if len(x) > 64 || len(y) > 64 {
		return false
	}
	d := make([][]int, len(x)+1)
	for i := range d {
		d[i] = make([]int, len(y)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(x); i++ {
		for j := 1; j <= len(y); j++ {
			c := 1
			if x[i-1] == y[j-1] {
				c = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+c)
			if i > 1 && j > 1 && x[i-1] == y[j-2] && x[i-2] == y[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(x)][len(y)] <= 2
}

// requiredCount reads a required whole number.
func (d *decoder) requiredCount(o jsonObject, name string) int {
	if _, ok := o.m[name]; !ok && d.err == nil {
		d.fail(join(o, name), nil, fmt.Errorf("%w: missing", ErrPlanValue))
	}
	return d.count(o, name)
}

// optList reads an optional list of strings that must not be empty when
// given; nil when absent.
func (d *decoder) optList(o jsonObject, name string) []string {
	raw, ok := o.m[name]
	if !ok || d.err != nil {
		return nil
	}
	l := d.stringList(o, name)
	if d.err == nil && len(l) == 0 {
		d.fail(join(o, name), raw, fmt.Errorf("%w: an empty list; leave the field out instead", ErrPlanValue))
	}
	return l
}

// matchV2 reads an optional v2 match object: attribute → non-empty list
// of strings. Absent is nil; {} is an empty, non-nil MatchV2.
func (d *decoder) matchV2(o jsonObject, name string) MatchV2 {
	mo, ok := d.objectField(o, name)
	if !ok {
		return nil
	}
	m := MatchV2{}
	for _, attr := range sortedKeys(mo.m) {
		path := join(mo, attr)
		if err := roster.ValidName(attr); err != nil {
			d.fail(path, json.RawMessage(strconv.Quote(attr)), fmt.Errorf("%w: %w", ErrPlanValue, err))
			return nil
		}
		vals := d.stringList(mo, attr)
		if d.err == nil && len(vals) == 0 {
			d.fail(path, mo.m[attr], fmt.Errorf("%w: a match lists at least one value", ErrPlanValue))
		}
		m = append(m, MatchTerm{Attr: attr, Values: vals})
	}
	return m
}

// validTaskID checks the syntax of a task id or matter.
func validTaskID(s string) error {
	if s == "" || len(s) > MaxTaskIDLen {
		return fmt.Errorf("%w: want 1..%d bytes of a-z, 0-9, _ and -", ErrPlanValue, MaxTaskIDLen)
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return fmt.Errorf("%w: %q at byte %d; want only a-z, 0-9, _ and -", ErrPlanValue, c, i+1)
		}
	}
	return nil
}

// Attributes the draw reads, which cannot be private (protocol v2 §1),
// besides id and status of every table and what the plan names.
var readV2 = map[roster.Kind][]string{
	roster.KindPremises:   {roster.AttrRegion},
	roster.KindInspectors: {roster.AttrUnit, roster.AttrSpecialties, roster.AttrRegion, roster.AttrHomeRegion, roster.AttrCredentialExpires, roster.AttrCapacity},
	roster.KindConflicts:  {roster.AttrInspector, roster.AttrPremises},
	roster.KindHistory:    {roster.AttrPremises, roster.AttrDate, roster.AttrKind, roster.AttrInspectors, roster.AttrMatters},
}

// premisesRead returns the premises attributes the plan reads, each with
// the path of the first field naming it.
func (p *PlanV2) premisesRead() map[string]string {
	read := map[string]string{}
	add := func(attr, path string) {
		if _, ok := read[attr]; !ok {
			read[attr] = path
		}
	}
	terms := func(m MatchV2, path string) {
		for _, t := range m {
			add(t.Attr, path+"."+t.Attr)
		}
	}
	terms(p.Scope.Include, "scope.include")
	terms(p.Scope.Exclude, "scope.exclude")
	for i, t := range p.Tasks {
		f := fmt.Sprintf("tasks[%d]", i)
		terms(t.Match, f+".match")
		for j, a := range t.Spread {
			add(a, fmt.Sprintf("%s.spread[%d]", f, j))
		}
		if t.Weight != nil {
			add(t.Weight.Attribute, f+".weight.attribute")
		}
		if t.Team != nil {
			for j, s := range t.Team.Slots {
				terms(s.Match, fmt.Sprintf("%s.team.slots[%d].match", f, j))
			}
		}
	}
	return read
}

// validate checks the rules of §2 between fields.
func (p *PlanV2) validate() error {
	fail := func(field, value string, format string, args ...any) error {
		return &PlanError{File: p.file, Line: lineFor(p.lines, field), Field: field, Value: value,
			Err: fmt.Errorf("%w: "+format, append([]any{ErrPlanValue}, args...)...)}
	}
	if p.Protocol != ProtocolV2 {
		return fail("protocol", strconv.Quote(p.Protocol), "want %q", ProtocolV2)
	}
	if p.Active != nil && len(p.Active) == 0 {
		return fail("active", "[]", "an empty active list would refuse every status; leave the field out instead")
	}
	for i, s := range p.Active {
		if slices.Contains(p.Inactive, s) {
			return fail(fmt.Sprintf("active[%d]", i), strconv.Quote(s), "the status is also in the inactive list")
		}
	}
	// Names: match terms, spread, weight.
	checkNames := func(m MatchV2, path string) error {
		for _, t := range m {
			for j, v := range t.Values {
				if err := roster.ValidValue(v); err != nil {
					return fail(fmt.Sprintf("%s.%s[%d]", path, t.Attr, j), strconv.Quote(v), "%w", err)
				}
			}
		}
		return nil
	}
	if err := checkNames(p.Scope.Include, "scope.include"); err != nil {
		return err
	}
	if err := checkNames(p.Scope.Exclude, "scope.exclude"); err != nil {
		return err
	}
	for i, k := range p.Cooldown {
		f := fmt.Sprintf("cooldown[%d]", i)
		if k.Days < 1 {
			return fail(f+".days", strconv.Itoa(k.Days), "at least 1")
		}
		if k.Max < 1 {
			return fail(f+".max", strconv.Itoa(k.Max), "at least 1")
		}
	}
	if p.Coverage != nil && p.Coverage.Days < 1 {
		return fail("coverage.days", strconv.Itoa(p.Coverage.Days), "at least 1")
	}
	if len(p.Tasks) == 0 {
		return fail("tasks", "[]", "a plan has at least one task")
	}
	premisesList := func(a string) bool { return roster.KindPremises.ListAttr(roster.ProtocolV2, a) }
	for i, t := range p.Tasks {
		f := fmt.Sprintf("tasks[%d]", i)
		if err := validTaskID(t.ID); err != nil {
			return &PlanError{File: p.file, Line: lineFor(p.lines, f+".id"), Field: f + ".id", Value: strconv.Quote(t.ID), Err: err}
		}
		if j := p.TaskIndex(t.ID); j < i {
			return fail(f+".id", strconv.Quote(t.ID), "repeats tasks[%d]", j)
		}
		if err := validTaskID(t.Matter); err != nil {
			return &PlanError{File: p.file, Line: lineFor(p.lines, f+".matter"), Field: f + ".matter", Value: strconv.Quote(t.Matter), Err: err}
		}
		if err := checkNames(t.Match, f+".match"); err != nil {
			return err
		}
		if !t.Ratio.Valid() {
			return fail(f+".ratio", strconv.Quote(t.Ratio.String()), "not a ratio between 0 and 100%%")
		}
		if t.Min < 0 || t.Max < 0 {
			return fail(f, "", "min and max must not be negative")
		}
		for j, a := range t.Spread {
			sf := fmt.Sprintf("%s.spread[%d]", f, j)
			if err := roster.ValidName(a); err != nil {
				return fail(sf, strconv.Quote(a), "%w", err)
			}
			if slices.Index(t.Spread, a) < j {
				return fail(sf, strconv.Quote(a), "attribute repeated")
			}
			if premisesList(a) {
				return fail(sf, strconv.Quote(a), "%q is a list attribute; spread names single-valued attributes", a)
			}
		}
		if w := t.Weight; w != nil {
			if err := roster.ValidName(w.Attribute); err != nil {
				return fail(f+".weight.attribute", strconv.Quote(w.Attribute), "%w", err)
			}
			if premisesList(w.Attribute) {
				return fail(f+".weight.attribute", strconv.Quote(w.Attribute), "%q is a list attribute; weight names a single-valued attribute", w.Attribute)
			}
		}
		if t.Team != nil {
			for j, s := range t.Team.Slots {
				sf := fmt.Sprintf("%s.team.slots[%d]", f, j)
				if s.Unit == "" && s.Specialty == "" {
					return fail(sf, "", "a slot names a unit, a specialty or both")
				}
				if err := checkNames(s.Match, sf+".match"); err != nil {
					return err
				}
			}
		}
	}
	seen := map[string]int{}
	for i, t := range p.Targeted {
		f := fmt.Sprintf("targeted[%d]", i)
		if err := roster.ValidName(t.ID); err != nil {
			return fail(f+".id", strconv.Quote(t.ID), "%w", err)
		}
		if j, dup := seen[t.ID]; dup {
			return fail(f+".id", strconv.Quote(t.ID), "repeats targeted[%d]; name its tasks in one entry", j)
		}
		seen[t.ID] = i
		for j, id := range t.Tasks {
			tf := fmt.Sprintf("%s.tasks[%d]", f, j)
			if p.TaskIndex(id) < 0 {
				return fail(tf, strconv.Quote(id), "no task has this id")
			}
			if slices.Index(t.Tasks, id) < j {
				return fail(tf, strconv.Quote(id), "task repeated")
			}
		}
	}
	if p.Teams.Size < 2 {
		return fail("teams.size", strconv.Itoa(p.Teams.Size), "a team has at least 2 inspectors")
	}
	// Private attributes: known tables, valid names, none the draw reads.
	read := p.premisesRead()
	for _, k := range roster.Kinds {
		names := p.Private[k]
		for j, n := range names {
			f := fmt.Sprintf("private.%s[%d]", k, j)
			if err := roster.ValidName(n); err != nil {
				return fail(f, strconv.Quote(n), "%w", err)
			}
			if slices.Index(names, n) < j {
				return fail(f, strconv.Quote(n), "attribute repeated")
			}
			if n == "id" || n == roster.AttrStatus || slices.Contains(readV2[k], n) {
				return fail(f, strconv.Quote(n), "the draw reads the %s' %s: it cannot be private", k, n)
			}
			if k == roster.KindPremises {
				if at, ok := read[n]; ok {
					return fail(f, strconv.Quote(n), "the draw reads the premises' %s (%s): it cannot be private", n, at)
				}
			}
		}
	}
	return nil
}

// inactive reports whether a status makes a row take no part.
func (p *PlanV2) inactive(status string) bool { return slices.Contains(p.Inactive, status) }

// scopeOf says whether a premises row is in scope (protocol v2 §2).
func (p *PlanV2) scopeOf(r roster.Row) OutOfScope {
	why, _ := p.ScopeOf(r)
	return why
}

// ScopeOf says whether a premises row is in scope (protocol v2 §2), and
// if not, why: OutOfScopeStatus (its status is inactive) or
// OutOfScopeAttr, with the plan field that put it out: the first term of
// scope.include that does not hold ("scope.include.category") or the
// first of scope.exclude that does ("scope.exclude.case_open").
func (p *PlanV2) ScopeOf(r roster.Row) (OutOfScope, string) {
	if p.inactive(r.Get(roster.AttrStatus)) {
		return OutOfScopeStatus, "inactive"
	}
	for _, t := range p.Scope.Include {
		if !t.holds(r) {
			return OutOfScopeAttr, "scope.include." + t.Attr
		}
	}
	for _, t := range p.Scope.Exclude {
		if t.holds(r) {
			return OutOfScopeAttr, "scope.exclude." + t.Attr
		}
	}
	return OutOfScopeNone, ""
}

// Check applies the rules of the plan that need the tables: with an
// active list, every premises and inspector status is in the active or
// the inactive list (each row that is not is a *[roster.RowError]
// wrapping [ErrStatusUnlisted], naming file, line, row and status, all of
// them in a *[roster.ErrorList]); every targeted id is a premises of the
// roster ([ErrTargetUnknown]) in scope ([ErrTargetOutOfScope]), and each
// task it names holds for it, or without tasks some task does
// ([ErrTargetTask]). [DrawV2] calls it first.
func (p *PlanV2) Check(set *roster.Set) error {
	if err := p.validate(); err != nil {
		return err
	}
	if p.Active != nil {
		var errs roster.ErrorList
		for _, t := range []*roster.Table{set.Premises, set.Inspectors} {
			for _, r := range t.Rows() {
				s := r.Get(roster.AttrStatus)
				if slices.Contains(p.Active, s) || slices.Contains(p.Inactive, s) {
					continue
				}
				if len(errs.Errs) >= roster.MaxErrors {
					errs.Omitted++
					continue
				}
				errs.Errs = append(errs.Errs, &roster.RowError{File: t.File(), Line: r.Line, Column: t.Column(roster.AttrStatus),
					Field: roster.AttrStatus, Value: s,
					Err: fmt.Errorf("row %q: %w", r.ID, ErrStatusUnlisted)})
			}
		}
		if len(errs.Errs) > 0 {
			return &errs
		}
	}
	for i, t := range p.Targeted {
		f := fmt.Sprintf("targeted[%d].id", i)
		perr := func(field, value string, err error) error {
			return &PlanError{File: p.file, Line: lineFor(p.lines, field), Field: field, Value: value, Err: err}
		}
		row, ok := set.Premises.Lookup(t.ID)
		if !ok {
			return perr(f, strconv.Quote(t.ID), ErrTargetUnknown)
		}
		if why, field := p.ScopeOf(row); why != OutOfScopeNone {
			detail := "status " + strconv.Quote(row.Get(roster.AttrStatus)) + " is inactive"
			if why == OutOfScopeAttr {
				attr := field[strings.LastIndexByte(field, '.')+1:]
				detail = fmt.Sprintf("%s %q (%s)", attr, row.Get(attr), field)
			}
			return perr(f, strconv.Quote(t.ID), fmt.Errorf("%w: %s", ErrTargetOutOfScope, detail))
		}
		if t.Tasks == nil {
			if !slices.ContainsFunc(p.Tasks, func(k Task) bool { return k.Match.Holds(row) }) {
				return perr(f, strconv.Quote(t.ID), fmt.Errorf("%w: no task's match holds for it", ErrTargetTask))
			}
			continue
		}
		for j, id := range t.Tasks {
			if !p.Tasks[p.TaskIndex(id)].Match.Holds(row) {
				tf := fmt.Sprintf("targeted[%d].tasks[%d]", i, j)
				return perr(tf, strconv.Quote(id), fmt.Errorf("%w: the task's match does not hold for %q", ErrTargetTask, t.ID))
			}
		}
	}
	return nil
}

// MarshalJSON encodes the plan as a compact v2 plan document, fields in
// the order of protocol v2 §2, optional fields left out when they hold their
// defaults (Protocol "" is written as [ProtocolV2]). The bytes parse back
// with [ParsePlanV2] to the same plan; they, not the fields, are what is
// published and hashed.
func (p *PlanV2) MarshalJSON() ([]byte, error) {
	type matchJ = *orderedMatch
	type slotJ struct {
		Unit      string `json:"unit,omitempty"`
		Specialty string `json:"specialty,omitempty"`
		Match     matchJ `json:"match,omitempty"`
	}
	type teamJ struct {
		Size       int     `json:"size,omitempty"`
		Slots      []slotJ `json:"slots,omitempty"`
		MaxPerUnit int     `json:"max_per_unit,omitempty"`
	}
	type weightJ struct {
		Attribute string       `json:"attribute"`
		Values    *orderedInts `json:"values"`
	}
	type taskJ struct {
		ID     string   `json:"id"`
		Name   string   `json:"name,omitempty"`
		Matter string   `json:"matter,omitempty"`
		Match  matchJ   `json:"match,omitempty"`
		Ratio  string   `json:"ratio"`
		Min    int      `json:"min,omitempty"`
		Max    int      `json:"max,omitempty"`
		Spread []string `json:"spread,omitempty"`
		Weight *weightJ `json:"weight,omitempty"`
		Team   *teamJ   `json:"team,omitempty"`
	}
	type scopeJ struct {
		Include matchJ `json:"include,omitempty"`
		Exclude matchJ `json:"exclude,omitempty"`
	}
	type cooldownJ struct {
		Days  int      `json:"days"`
		Max   int      `json:"max"`
		Kinds []string `json:"kinds,omitempty"`
	}
	type coverageJ struct {
		Days      int      `json:"days"`
		Kinds     []string `json:"kinds,omitempty"`
		DrawsLeft int      `json:"draws_left,omitempty"`
	}
	type targetJ struct {
		ID     string   `json:"id"`
		Tasks  []string `json:"tasks,omitempty"`
		Reason string   `json:"reason,omitempty"`
	}
	type teamsJ struct {
		Size         int `json:"size,omitempty"`
		RegionPrefix int `json:"region_prefix,omitempty"`
		MaxPerUnit   int `json:"max_per_unit,omitempty"`
	}
	type conflictsJ struct {
		Declared     bool `json:"declared,omitempty"`
		RotationDays int  `json:"rotation_days,omitempty"`
		HomeRegion   bool `json:"home_region,omitempty"`
	}
	type privateJ struct {
		Premises   []string `json:"premises,omitempty"`
		Inspectors []string `json:"inspectors,omitempty"`
		Conflicts  []string `json:"conflicts,omitempty"`
		History    []string `json:"history,omitempty"`
	}
	type planJ struct {
		Protocol        string          `json:"protocol"`
		ID              string          `json:"id,omitempty"`
		Name            string          `json:"name,omitempty"`
		Authority       string          `json:"authority,omitempty"`
		Date            string          `json:"date"`
		Active          []string        `json:"active,omitempty"`
		Inactive        *[]string       `json:"inactive,omitempty"`
		Private         *privateJ       `json:"private,omitempty"`
		Scope           *scopeJ         `json:"scope,omitempty"`
		Cooldown        []cooldownJ     `json:"cooldown,omitempty"`
		Coverage        *coverageJ      `json:"coverage,omitempty"`
		Tasks           []taskJ         `json:"tasks"`
		Targeted        []targetJ       `json:"targeted,omitempty"`
		Teams           *teamsJ         `json:"teams,omitempty"`
		Conflicts       *conflictsJ     `json:"conflicts,omitempty"`
		DefaultCapacity int             `json:"default_capacity,omitempty"`
		Notes           json.RawMessage `json:"notes,omitempty"`
	}
	match := func(m MatchV2) matchJ {
		if m == nil {
			return nil
		}
		return &orderedMatch{m}
	}
	out := planJ{Protocol: p.Protocol, ID: p.ID, Name: p.Name, Authority: p.Authority, Date: p.Date.String(),
		Active: p.Active, DefaultCapacity: p.DefaultCapacity, Notes: p.Notes}
	if out.Protocol == "" {
		out.Protocol = ProtocolV2
	}
	if p.Inactive != nil && !slices.Equal(p.Inactive, DefaultInactive) {
		out.Inactive = &p.Inactive
	}
	if len(p.Private) > 0 {
		out.Private = &privateJ{p.Private[roster.KindPremises], p.Private[roster.KindInspectors], p.Private[roster.KindConflicts], p.Private[roster.KindHistory]}
	}
	if p.Scope.Include != nil || p.Scope.Exclude != nil {
		out.Scope = &scopeJ{match(p.Scope.Include), match(p.Scope.Exclude)}
	}
	for _, c := range p.Cooldown {
		out.Cooldown = append(out.Cooldown, cooldownJ(c))
	}
	if c := p.Coverage; c != nil {
		out.Coverage = &coverageJ{c.Days, c.Kinds, c.DrawsLeft}
	}
	out.Tasks = []taskJ{}
	for _, t := range p.Tasks {
		tj := taskJ{ID: t.ID, Name: t.Name, Match: match(t.Match), Ratio: t.Ratio.String(), Min: t.Min, Max: t.Max, Spread: t.Spread}
		if t.Matter != t.ID {
			tj.Matter = t.Matter
		}
		if t.Weight != nil {
			tj.Weight = &weightJ{t.Weight.Attribute, &orderedInts{t.Weight.Values}}
		}
		if t.Team != nil {
			tm := &teamJ{Size: t.Team.Size, MaxPerUnit: t.Team.MaxPerUnit}
			for _, s := range t.Team.Slots {
				tm.Slots = append(tm.Slots, slotJ{s.Unit, s.Specialty, match(s.Match)})
			}
			tj.Team = tm
		}
		out.Tasks = append(out.Tasks, tj)
	}
	for _, t := range p.Targeted {
		out.Targeted = append(out.Targeted, targetJ(t))
	}
	if p.Teams != (Teams{}) && p.Teams != (Teams{Size: 2}) {
		out.Teams = &teamsJ{p.Teams.Size, p.Teams.RegionPrefix, p.Teams.MaxPerUnit}
		if out.Teams.Size == 2 {
			out.Teams.Size = 0
		}
	}
	if p.Conflicts != (ConflictRules{}) {
		out.Conflicts = &conflictsJ{p.Conflicts.Declared, p.Conflicts.RotationDays, p.Conflicts.HomeRegion}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// Encode returns the plan as a document to publish: [PlanV2.MarshalJSON]
// indented by two spaces, ending in a newline. Parse the bytes with
// [ParsePlanV2] to get the plan that is announced and drawn (its digest
// is over these bytes).
func (p *PlanV2) Encode() ([]byte, error) {
	b, err := p.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, b, "", "  "); err != nil {
		return nil, err
	}
	buf.WriteByte('\n')
	return buf.Bytes(), nil
}

// orderedMatch encodes a MatchV2 as an object in its term order.
type orderedMatch struct{ m MatchV2 }

func (o *orderedMatch) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, t := range o.m {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(t.Attr)
		v, err := json.Marshal(t.Values)
		if err != nil {
			return nil, err
		}
		b = append(append(append(b, k...), ':'), v...)
	}
	return append(b, '}'), nil
}

// orderedInts encodes weight values as an object in value order.
type orderedInts struct{ v []WeightValue }

func (o *orderedInts) MarshalJSON() ([]byte, error) {
	b := []byte{'{'}
	for i, w := range o.v {
		if i > 0 {
			b = append(b, ',')
		}
		k, _ := json.Marshal(w.Value)
		b = append(append(b, k...), ':')
		b = strconv.AppendInt(b, int64(w.Weight), 10)
	}
	return append(b, '}'), nil
}
