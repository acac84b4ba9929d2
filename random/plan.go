package random

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/doublerandom/doublerandom/roster"
)

// Protocol is the value of a plan's "protocol" field and of a view's
// "protocol": the version of the draw protocol this package implements.
const Protocol = "doublerandom/v1"

// Limits on plans.
const (
	// MaxPlanSize is the largest plan document accepted, in bytes.
	MaxPlanSize = 1 << 20
	// MaxCount is the largest whole number a plan may hold (days,
	// counts, sizes): 2^31-1, so that it fits an int everywhere.
	MaxCount = 1<<31 - 1
)

// Sentinel errors of plans. A *[PlanError] wraps one of them (or
// [ErrBadRatio]); test the kind with errors.Is and read where from the
// PlanError.
var (
	// ErrPlanSyntax: the plan is not one well-formed JSON object of valid
	// UTF-8, or repeats a key, or escapes a lone surrogate (the error then
	// also matches [roster.ErrEncoding]), or has data after the object.
	ErrPlanSyntax = errors.New("malformed plan")
	// ErrPlanValue: a field has the wrong JSON type or a value outside
	// what the protocol allows, or a required field is missing.
	ErrPlanValue = errors.New("bad plan value")
	// ErrTargetUnknown: a targeted id is not in the premises table.
	ErrTargetUnknown = errors.New("targeted premises not in the roster")
	// ErrTargetOutOfScope: a targeted premises is out of the plan's scope.
	ErrTargetOutOfScope = errors.New("targeted premises out of scope")
	// ErrUnitUnknown: a team rule requires a unit no active inspector has.
	ErrUnitUnknown = errors.New("no active inspector of the unit")
)

// PlanError says which field of a plan was rejected and why.
type PlanError struct {
	File  string // the plan's file name, when known (set by LoadPlan)
	Line  int    // 1-based line of the value in the plan bytes; 0 if unknown
	Field string // JSON path of the field: "quotas[2].ratio"; "" for the whole document
	Value string // the offending value as written (JSON text, or an id)
	Err   error
}

func (e *PlanError) Error() string {
	name := e.File
	if name == "" {
		name = "plan"
	}
	return formatFieldError(name, e.Line, e.Field, e.Value, e.Err)
}

// formatFieldError writes "NAME:LINE: field F value V: ERR" for the
// errors of the plan and the view, leaving out what is unknown.
func formatFieldError(name string, line int, field, value string, err error) string {
	var b strings.Builder
	b.WriteString(name)
	if line > 0 {
		fmt.Fprintf(&b, ":%d", line)
	}
	b.WriteString(": ")
	if field != "" {
		fmt.Fprintf(&b, "field %s", field)
	}
	if value != "" {
		if len(value) > 80 {
			value = strings.ToValidUTF8(value[:80], "") + "…" // not mid-character
		}
		if field != "" {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "value %s", value)
	}
	if field != "" || value != "" {
		b.WriteString(": ")
	}
	b.WriteString(err.Error())
	return b.String()
}

func (e *PlanError) Unwrap() error { return e.Err }

// Plan is a parsed draw plan (protocol §2). It is data: it is published,
// and its digest is the SHA-256 of the exact bytes it was parsed from.
// Build a Plan with [ParsePlan] or [LoadPlan] and treat it as read-only:
// the digest covers the bytes, not the fields.
type Plan struct {
	Protocol string      // always [Protocol]
	ID       string      // the plan's identifier, optional
	Name     string      // a human title, optional
	Date     roster.Date // the draw's reference day for every "within D days"

	// Scope restricts the draw to premises whose attribute values are
	// in the given lists, one rule per attribute, sorted by attribute.
	Scope []ScopeRule
	// Stratify names the attributes whose values form a stratum.
	Stratify []string
	// Quotas are the quota rules; the first that matches a stratum wins.
	Quotas []Quota
	// Cooldown excludes recently inspected premises.
	Cooldown Cooldown
	// CoverageDays > 0 makes premises not inspected within that many
	// days overdue: they rank before all others in their stratum.
	CoverageDays int
	// Targeted premises are added outside the quotas, in this order.
	Targeted []Target
	// Teams are the team rules; the first that matches a premises wins.
	Teams []TeamRule
	// Conflicts are the conflict-of-interest (回避) rules.
	Conflicts ConflictRules
	// DefaultCapacity is the number of teams an inspector without a
	// capacity attribute may join; 0 means no limit.
	DefaultCapacity int

	bytes  []byte
	digest roster.Hash
	lines  map[string]int // line of each value, by JSON path
	file   string         // set by LoadPlan, for errors
}

// ScopeRule keeps premises whose attribute Attr has one of Values.
// A premises without the attribute has the value "".
type ScopeRule struct {
	Attr   string
	Values []string
}

// Allows reports whether v is among the rule's values.
func (s ScopeRule) Allows(v string) bool { return slices.Contains(s.Values, v) }

// Condition is one term of a [Match]: attribute Attr equals Value
// (Value "" matches an absent attribute).
type Condition struct {
	Attr  string
	Value string
}

// Match is the "match" object of a quota or team rule, its terms sorted
// by attribute. It holds when every term holds; the empty Match always
// holds.
type Match []Condition

// Holds reports whether every condition holds for the row.
func (m Match) Holds(r roster.Row) bool {
	for _, c := range m {
		if r.Get(c.Attr) != c.Value {
			return false
		}
	}
	return true
}

// holdsFor reports whether the match holds for a stratum with the given
// values of the stratify attributes.
func (m Match) holdsFor(stratify, values []string) bool {
	for _, c := range m {
		i := slices.Index(stratify, c.Attr)
		if i < 0 || values[i] != c.Value {
			return false
		}
	}
	return true
}

// Quota is a quota rule: a stratum that Match holds for gets
// [QuotaSize](n, Ratio, Min, Max) selections. Max 0 means no maximum.
type Quota struct {
	Match Match
	Ratio Ratio
	Min   int
	Max   int
}

// Size returns the quota of a stratum of n eligible premises.
func (q Quota) Size(n int) int { return QuotaSize(n, q.Ratio, q.Min, q.Max) }

// Cooldown excludes a premises with at least Max inspections within the
// last Days days. Either being 0 turns it off.
type Cooldown struct {
	Days int
	Max  int
}

// On reports whether the cooldown rule applies.
func (c Cooldown) On() bool { return c.Days > 0 && c.Max > 0 }

// Target is a premises the plan names for inspection outside the quotas
// (a complaint, a lead from another agency).
type Target struct {
	ID     string
	Reason string
}

// TeamRule says how to staff a selected premises that Match holds for.
type TeamRule struct {
	Match Match
	// Size is the number of inspectors, at least 2.
	Size int
	// Specialty, when set, must be among each member's specialties.
	Specialty string
	// Units are required units, in order: the team gets one member of
	// each (a unit listed twice gets two).
	Units []string
	// MaxPerUnit caps the members from one unit; 0 means no cap.
	MaxPerUnit int
	// RegionPrefix L > 0 requires the first L bytes of the inspector's
	// and the premises' regions to agree (both at least L bytes long).
	RegionPrefix int
}

// ConflictRules are the conflict-of-interest rules of protocol §6.
type ConflictRules struct {
	// Declared: no inspector inspects a premises a conflicts row pairs
	// them with.
	Declared bool
	// RotationDays > 0: no inspector inspects a premises they inspected
	// within that many days.
	RotationDays int
	// HomeRegion: no inspector inspects a premises in the region where
	// they live.
	HomeRegion bool
}

// Bytes returns a copy of the exact bytes the plan was parsed from.
func (p *Plan) Bytes() []byte { return slices.Clone(p.bytes) }

// Digest returns H(plan bytes), the plan digest of protocol §3.
func (p *Plan) Digest() roster.Hash { return p.digest }

// LoadPlan reads and parses a plan file; errors name the file.
func LoadPlan(name string) (*Plan, error) {
	b, err := readPlanFile(name)
	if err != nil {
		return nil, err
	}
	p, err := ParsePlan(b)
	if p != nil {
		p.file = name
	}
	return p, inPlanFile(name, err)
}

// readPlanFile reads a plan file for LoadPlan and LoadPlanV2: at most
// MaxPlanSize+1 bytes, so that the parser can refuse a larger one.
func readPlanFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxPlanSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return b, nil
}

// inPlanFile names the file in err's *PlanError, if it has one.
func inPlanFile(name string, err error) error {
	var pe *PlanError
	if errors.As(err, &pe) {
		pe.File = name
	}
	return err
}

// checkPlanUTF8 refuses a plan that is not valid UTF-8.
func checkPlanUTF8(b []byte) error {
	if i := firstInvalidUTF8(b); i >= 0 {
		return &PlanError{Line: lineOf(b, i), Err: fmt.Errorf("%w: invalid UTF-8 at byte %d", ErrPlanSyntax, i+1)}
	}
	return nil
}

// scanPlan is the start of ParsePlan and ParsePlanV2: the size, the
// UTF-8 and the strict scan of the JSON, which returns the line of
// every value by its path.
func scanPlan(b []byte) (map[string]int, error) {
	if len(b) > MaxPlanSize {
		return nil, &PlanError{Err: fmt.Errorf("%w: larger than %d bytes", ErrPlanSyntax, MaxPlanSize)}
	}
	if err := checkPlanUTF8(b); err != nil {
		return nil, err
	}
	return scanJSON(b)
}

// ParsePlan parses a plan (protocol §2) and keeps its exact bytes. It
// is strict: the document must be one JSON object of valid UTF-8, with no
// repeated key at any level, no \u escape of a lone surrogate (which
// encoding/json would read as U+FFFD; see [roster.CheckJSONEscapes]) and
// nothing after it; "protocol" must be
// [Protocol]; every field the protocol names must have its type (a ratio
// is a string, never a JSON number; counts are whole numbers
// 0..[MaxCount]; null is never accepted). Fields the protocol does not
// name are allowed: they are carried in the bytes and hashed, not read.
// The first problem found is returned as a *[PlanError].
//
// Rules that need the tables (targeted ids, required units) are checked
// by [Plan.Check].
func ParsePlan(b []byte) (*Plan, error) {
	lines, err := scanPlan(b)
	if err != nil {
		return nil, err
	}
	p := &Plan{bytes: slices.Clone(b), digest: roster.Hash(sha256.Sum256(b)), lines: lines}
	d := &decoder{lines: lines}
	top := d.object("", json.RawMessage(b))
	p.Protocol = d.str(top, "protocol", true)
	if d.err == nil && p.Protocol != Protocol {
		d.fail("protocol", top.m["protocol"], fmt.Errorf("%w: want %q", ErrPlanValue, Protocol))
	}
	p.ID = d.str(top, "id", false)
	p.Name = d.str(top, "name", false)
	p.Date = d.date(top)
	if scope, ok := d.objectField(top, "scope"); ok {
		for _, attr := range sortedKeys(scope.m) {
			vals := d.stringList(scope, attr)
			p.Scope = append(p.Scope, ScopeRule{Attr: attr, Values: vals})
		}
	}
	p.Stratify = d.stringList(top, "stratify")
	for i, q := range d.array(top, "quotas") {
		o := d.object(fmt.Sprintf("quotas[%d]", i), q)
		var quota Quota
		quota.Match = d.match(o)
		if rs := d.str(o, "ratio", true); d.err == nil {
			r, err := ParseRatio(rs)
			if err != nil {
				d.fail(o.path+".ratio", o.m["ratio"], err)
			}
			quota.Ratio = r
		}
		quota.Min = d.count(o, "min")
		quota.Max = d.count(o, "max")
		p.Quotas = append(p.Quotas, quota)
	}
	if c, ok := d.objectField(top, "cooldown"); ok {
		p.Cooldown = Cooldown{Days: d.count(c, "days"), Max: d.count(c, "max")}
	}
	p.CoverageDays = d.count(top, "coverage_days")
	for i, t := range d.array(top, "targeted") {
		o := d.object(fmt.Sprintf("targeted[%d]", i), t)
		p.Targeted = append(p.Targeted, Target{ID: d.str(o, "id", true), Reason: d.str(o, "reason", false)})
	}
	for i, t := range d.array(top, "teams") {
		o := d.object(fmt.Sprintf("teams[%d]", i), t)
		var r TeamRule
		r.Match = d.match(o)
		if _, ok := o.m["size"]; !ok && d.err == nil {
			d.fail(o.path+".size", nil, fmt.Errorf("%w: missing", ErrPlanValue))
		}
		r.Size = d.count(o, "size")
		r.Specialty = d.str(o, "specialty", false)
		r.Units = d.stringList(o, "units")
		r.MaxPerUnit = d.count(o, "max_per_unit")
		r.RegionPrefix = d.count(o, "region_prefix")
		p.Teams = append(p.Teams, r)
	}
	if c, ok := d.objectField(top, "conflicts"); ok {
		p.Conflicts = d.conflicts(c)
	}
	p.DefaultCapacity = d.count(top, "default_capacity")
	if d.err != nil {
		return nil, d.err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	return p, nil
}

// validate checks the rules between fields that the JSON types do not
// express.
func (p *Plan) validate() error {
	fail := func(field, value string, format string, args ...any) error {
		return &PlanError{File: p.file, Line: lineFor(p.lines, field), Field: field, Value: value,
			Err: fmt.Errorf("%w: "+format, append([]any{ErrPlanValue}, args...)...)}
	}
	if p.Protocol != Protocol {
		return fail("protocol", strconv.Quote(p.Protocol), "want %q", Protocol)
	}
	for _, s := range p.Scope {
		if err := roster.ValidName(s.Attr); err != nil {
			return fail("scope."+s.Attr, strconv.Quote(s.Attr), "%w", err)
		}
		if len(s.Values) == 0 {
			return fail("scope."+s.Attr, "[]", "an empty list would leave every premises out of scope")
		}
	}
	for i, a := range p.Stratify {
		f := fmt.Sprintf("stratify[%d]", i)
		if err := roster.ValidName(a); err != nil {
			return fail(f, strconv.Quote(a), "%w", err)
		}
		if slices.Index(p.Stratify, a) < i {
			return fail(f, strconv.Quote(a), "attribute repeated")
		}
	}
	for i, q := range p.Quotas {
		for _, c := range q.Match {
			if !slices.Contains(p.Stratify, c.Attr) {
				f := fmt.Sprintf("quotas[%d].match.%s", i, c.Attr)
				return fail(f, strconv.Quote(c.Attr), "a quota may only match attributes named in stratify %q", p.Stratify)
			}
		}
		if !q.Ratio.Valid() {
			return fail(fmt.Sprintf("quotas[%d].ratio", i), strconv.Quote(q.Ratio.String()), "not a ratio between 0 and 1")
		}
		if q.Min < 0 || q.Max < 0 {
			return fail(fmt.Sprintf("quotas[%d]", i), "", "min and max must not be negative")
		}
		if q.Max > 0 && q.Min > q.Max {
			return fail(fmt.Sprintf("quotas[%d].min", i), strconv.Itoa(q.Min), "min above max %d", q.Max)
		}
	}
	if p.Cooldown.Days < 0 || p.Cooldown.Max < 0 || p.CoverageDays < 0 || p.DefaultCapacity < 0 || p.Conflicts.RotationDays < 0 {
		return fail("", "", "negative day count or capacity")
	}
	seen := map[string]int{}
	for i, t := range p.Targeted {
		f := fmt.Sprintf("targeted[%d].id", i)
		if err := roster.ValidName(t.ID); err != nil {
			return fail(f, strconv.Quote(t.ID), "%w", err)
		}
		if j, dup := seen[t.ID]; dup {
			return fail(f, strconv.Quote(t.ID), "repeats targeted[%d]", j)
		}
		seen[t.ID] = i
	}
	for i, r := range p.Teams {
		f := fmt.Sprintf("teams[%d]", i)
		if r.Size < 2 {
			return fail(f+".size", strconv.Itoa(r.Size), "a team has at least 2 inspectors")
		}
		if r.MaxPerUnit < 0 || r.RegionPrefix < 0 {
			return fail(f, "", "max_per_unit and region_prefix must not be negative")
		}
		if len(r.Units) > r.Size {
			return fail(f+".units", fmt.Sprintf("%q", r.Units), "%d required units do not fit a team of %d", len(r.Units), r.Size)
		}
		for j, u := range r.Units {
			if err := roster.ValidName(u); err != nil {
				return fail(fmt.Sprintf("%s.units[%d]", f, j), strconv.Quote(u), "%w", err)
			}
			if n := countOf(r.Units, u); r.MaxPerUnit > 0 && n > r.MaxPerUnit {
				return fail(fmt.Sprintf("%s.units[%d]", f, j), strconv.Quote(u), "unit required %d times but max_per_unit is %d", n, r.MaxPerUnit)
			}
		}
	}
	return nil
}

func countOf(list []string, s string) int {
	n := 0
	for _, v := range list {
		if v == s {
			n++
		}
	}
	return n
}

// Check applies the rules of a plan that need the tables: every targeted
// id must be a premises of the roster ([ErrTargetUnknown]) that is in
// scope ([ErrTargetOutOfScope]), and every unit a team rule requires must
// be the unit of at least one active inspector ([ErrUnitUnknown]). It
// also repeats the checks of [ParsePlan] that involve only the plan.
// [Draw] calls it first.
func (p *Plan) Check(set *roster.Set) error {
	if err := p.validate(); err != nil {
		return err
	}
	for i, t := range p.Targeted {
		f := fmt.Sprintf("targeted[%d].id", i)
		row, ok := set.Premises.Lookup(t.ID)
		if !ok {
			return &PlanError{File: p.file, Line: lineFor(p.lines, f), Field: f, Value: strconv.Quote(t.ID), Err: ErrTargetUnknown}
		}
		if why, attr := p.scopeOf(row); why != OutOfScopeNone {
			detail := "status " + strconv.Quote(row.Get(roster.AttrStatus))
			if why == OutOfScopeAttr {
				detail = fmt.Sprintf("%s %q not in scope", attr, row.Get(attr))
			}
			return &PlanError{File: p.file, Line: lineFor(p.lines, f), Field: f, Value: strconv.Quote(t.ID), Err: fmt.Errorf("%w: %s", ErrTargetOutOfScope, detail)}
		}
	}
	units := map[string]bool{}
	for _, r := range set.Inspectors.Rows() {
		if roster.Active(r) {
			units[r.Get(roster.AttrUnit)] = true
		}
	}
	for i, r := range p.Teams {
		for j, u := range r.Units {
			if !units[u] {
				f := fmt.Sprintf("teams[%d].units[%d]", i, j)
				return &PlanError{File: p.file, Line: lineFor(p.lines, f), Field: f, Value: strconv.Quote(u), Err: ErrUnitUnknown}
			}
		}
	}
	return nil
}

// OutOfScope says why a premises takes no part in a draw.
type OutOfScope uint8

// Reasons a premises is out of scope.
const (
	OutOfScopeNone   OutOfScope = iota // in scope
	OutOfScopeStatus                   // status inactive or closed
	OutOfScopeAttr                     // a scope attribute's value is not in its list
)

// scopeOf says whether a premises row is in scope, and if not why (and
// which scope attribute, in attribute order, failed first).
func (p *Plan) scopeOf(r roster.Row) (OutOfScope, string) {
	if !roster.Active(r) {
		return OutOfScopeStatus, ""
	}
	for _, s := range p.Scope {
		if !s.Allows(r.Get(s.Attr)) {
			return OutOfScopeAttr, s.Attr
		}
	}
	return OutOfScopeNone, ""
}

// quotaRule returns the index of the first quota rule holding for a
// stratum, or -1.
func (p *Plan) quotaRule(values []string) int {
	for i, q := range p.Quotas {
		if q.Match.holdsFor(p.Stratify, values) {
			return i
		}
	}
	return -1
}

// teamRule returns the index of the first team rule holding for a
// premises, or -1.
func (p *Plan) teamRule(r roster.Row) int {
	for i, t := range p.Teams {
		if t.Match.Holds(r) {
			return i
		}
	}
	return -1
}

func sortedKeys(m map[string]json.RawMessage) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// scanJSON checks a plan with [jsonScanner] and returns the line of
// every value by its path.
func scanJSON(b []byte) (map[string]int, error) {
	s := jsonScanner{what: "plan", kind: ErrPlanSyntax, lines: map[string]int{}}
	if e := s.scan(b); e != nil {
		return nil, &PlanError{Line: lineOf(b, e.off), Field: e.field, Value: e.value, Err: e.err}
	}
	return s.lines, nil
}

// jsonScanner is the strict JSON reader shared by plans and views. It
// checks that a document is exactly one JSON object, with no key repeated
// in any object and no \u escape of a lone surrogate in any string (see
// [roster.CheckJSONEscapes]); encoding/json alone lets a repeated key
// overwrite the first and reads a lone surrogate as U+FFFD. The document
// must be valid UTF-8 (see firstInvalidUTF8).
type jsonScanner struct {
	what string // "plan" or "view": names the document in messages
	kind error  // the sentinel error every problem wraps

	// lines, when not nil, receives the line of every value by its
	// JSON path: "quotas[2].ratio".
	lines map[string]int
	// object, when set, is called at the end of every object with its
	// path, the byte offset of its "{" and its keys in order, and may
	// refuse it.
	object func(path string, off int, keys []jsonKey) *scanError

	b              []byte
	lineOff, line1 int // a known line start: offset and line, to count lines incrementally
}

// maxJSONDepth is the deepest nesting of arrays and objects a
// jsonScanner accepts. Plans and views need 4 levels.
const maxJSONDepth = 64

// maxLinePath is the longest path whose line a jsonScanner records;
// the paths of a plan's fields are far shorter. The line of a value
// with a longer path (under an odd extra field) is that of the nearest
// enclosing value with a shorter one: recording every path of a long key
// over a long list would take memory quadratic in the document's size.
const maxLinePath = 256

// jsonPath is the path of a value during a scan, made into text only
// when needed, so that a long key over a long list costs nothing.
type jsonPath struct {
	parent *jsonPath
	key    string // the key, when index < 0
	index  int    // the list index, or -1
	n      int    // the length of the path's text
}

// member returns the path of the value of key in the object at p.
func (p *jsonPath) member(key string) *jsonPath {
	if p == nil {
		return &jsonPath{key: key, index: -1, n: len(key)}
	}
	return &jsonPath{parent: p, key: key, index: -1, n: p.n + 1 + len(key)}
}

// element returns the path of element i of the list at p.
func (p *jsonPath) element(i int) *jsonPath {
	n := 2 + len(strconv.Itoa(i))
	if p != nil {
		n += p.n
	}
	return &jsonPath{parent: p, index: i, n: n}
}

// String returns the path as text: "" for the document, then
// "quotas[2].ratio".
func (p *jsonPath) String() string {
	var parts []*jsonPath
	for ; p != nil; p = p.parent {
		parts = append(parts, p)
	}
	var b strings.Builder
	for i := len(parts) - 1; i >= 0; i-- {
		switch q := parts[i]; {
		case q.index >= 0:
			fmt.Fprintf(&b, "[%d]", q.index)
		case i == len(parts)-1:
			b.WriteString(q.key)
		default:
			b.WriteString(".")
			b.WriteString(q.key)
		}
	}
	return b.String()
}

// jsonKey is a key of an object, the byte offset of its text and its
// value as written.
type jsonKey struct {
	name  string
	off   int
	value []byte
}

// scanError is a problem found by a jsonScanner: the byte offset it is
// at, the path of the field (if any), the value as written (if any).
type scanError struct {
	off   int
	field string
	value string
	err   error
}

// lineAt returns the 1-based line of offset i; for offsets that only
// grow, as in a scan, it counts each byte once.
func (s *jsonScanner) lineAt(i int) int {
	i = min(i, len(s.b))
	if i < s.lineOff {
		s.lineOff, s.line1 = 0, 1
	}
	s.line1 += bytes.Count(s.b[s.lineOff:i], []byte("\n"))
	s.lineOff = i
	return s.line1
}

// checkString refuses a string token b[start:end] that holds an escape
// of a lone surrogate.
func (s *jsonScanner) checkString(start, end int, path *jsonPath) *scanError {
	tok := s.b[start:end]
	if bytes.IndexByte(tok, '\\') < 0 || roster.CheckJSONEscapes(tok) == nil {
		return nil
	}
	// Earlier strings passed, so the first lone surrogate of the
	// document up to here is in this one: name its document offset.
	err := roster.CheckJSONEscapes(s.b[:end])
	return &scanError{off: start, field: path.String(), value: string(tok), err: fmt.Errorf("%w: %w", s.kind, err)}
}

// scan checks b; the first problem, in document order, is returned.
func (s *jsonScanner) scan(b []byte) *scanError {
	s.b, s.lineOff, s.line1 = b, 0, 1
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	syntax := func(err error) *scanError {
		var se *json.SyntaxError
		off := int(dec.InputOffset())
		if errors.As(err, &se) {
			off = int(se.Offset)
		}
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = errors.New("unexpected end of document")
		}
		return &scanError{off: off, err: fmt.Errorf("%w: %v", s.kind, err)}
	}
	var walk func(path *jsonPath, depth int) *scanError
	walk = func(path *jsonPath, depth int) *scanError {
		start := valueStart(b, int(dec.InputOffset()))
		if s.lines != nil && (path == nil || path.n <= maxLinePath) {
			s.lines[path.String()] = s.lineAt(start)
		}
		tok, err := dec.Token()
		if err != nil {
			return syntax(err)
		}
		if _, isDelim := tok.(json.Delim); isDelim && depth >= maxJSONDepth {
			return &scanError{off: start, field: path.String(), err: fmt.Errorf("%w: nested deeper than %d levels", s.kind, maxJSONDepth)}
		}
		switch tok {
		case json.Delim('{'):
			var keys []jsonKey
			seen := map[string]bool{}
			for dec.More() {
				kstart := valueStart(b, int(dec.InputOffset()))
				kt, err := dec.Token()
				if err != nil {
					return syntax(err)
				}
				key, _ := kt.(string)
				sub := path.member(key)
				if e := s.checkString(kstart, int(dec.InputOffset()), sub); e != nil {
					return e
				}
				if seen[key] {
					return &scanError{off: int(dec.InputOffset()), field: sub.String(),
						err: fmt.Errorf("%w: key %q repeated", s.kind, key)}
				}
				seen[key] = true
				vstart := valueStart(b, int(dec.InputOffset()))
				if e := walk(sub, depth+1); e != nil {
					return e
				}
				if s.object != nil {
					keys = append(keys, jsonKey{key, kstart, b[vstart:dec.InputOffset()]})
				}
			}
			if _, err := dec.Token(); err != nil {
				return syntax(err)
			}
			if s.object != nil {
				return s.object(path.String(), start, keys)
			}
		case json.Delim('['):
			for i := 0; dec.More(); i++ {
				if e := walk(path.element(i), depth+1); e != nil {
					return e
				}
			}
			if _, err := dec.Token(); err != nil {
				return syntax(err)
			}
		default:
			if _, isString := tok.(string); isString {
				return s.checkString(start, int(dec.InputOffset()), path)
			}
		}
		return nil
	}
	start := valueStart(b, 0)
	if start >= len(b) || b[start] != '{' {
		return &scanError{off: start, err: fmt.Errorf("%w: not a JSON object", s.kind)}
	}
	if e := walk(nil, 0); e != nil {
		return e
	}
	if _, err := dec.Token(); err != io.EOF {
		return &scanError{off: valueStart(b, int(dec.InputOffset())),
			err: fmt.Errorf("%w: data after the %s object", s.kind, s.what)}
	}
	return nil
}

// firstInvalidUTF8 returns the offset of the first byte of b that is not
// part of valid UTF-8, or -1.
func firstInvalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	i := 0
	for i < len(b) {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			break
		}
		i += n
	}
	return i
}

// valueStart skips JSON whitespace and separators from offset i.
func valueStart(b []byte, i int) int {
	for i < len(b) {
		switch b[i] {
		case ' ', '\t', '\r', '\n', ':', ',':
			i++
		default:
			return i
		}
	}
	return i
}

// lineFor returns the line of the value at path, or of the nearest
// enclosing value that exists (for a missing field, its object).
func lineFor(lines map[string]int, path string) int {
	for {
		if l, ok := lines[path]; ok {
			return l
		}
		i := strings.LastIndexAny(path, ".[")
		if i < 0 {
			return lines[""]
		}
		path = path[:i]
	}
}

// lineOf returns the 1-based line of byte offset i.
func lineOf(b []byte, i int) int {
	if i > len(b) {
		i = len(b)
	}
	return bytes.Count(b[:i], []byte("\n")) + 1
}

// decoder reads the fields of an already scanned plan, keeping the first
// error.
type decoder struct {
	lines map[string]int
	err   error
}

type jsonObject struct {
	path string
	m    map[string]json.RawMessage
}

func (d *decoder) fail(path string, raw json.RawMessage, err error) {
	if d.err == nil {
		d.err = &PlanError{Line: lineFor(d.lines, path), Field: path, Value: string(raw), Err: err}
	}
}

func join(o jsonObject, name string) string {
	if o.path == "" {
		return name
	}
	return o.path + "." + name
}

// kind returns the JSON type of a raw value.
func kind(raw json.RawMessage) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "a list"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func (d *decoder) wrongType(path string, raw json.RawMessage, want string) {
	extra := ""
	if strings.HasSuffix(path, "ratio") && kind(raw) == "a number" {
		extra = ` (write a ratio as a string such as "5%" or "1/3", never a JSON number)`
		d.fail(path, raw, fmt.Errorf("%w: want %s, not %s%s", ErrBadRatio, want, kind(raw), extra))
		return
	}
	d.fail(path, raw, fmt.Errorf("%w: want %s, not %s", ErrPlanValue, want, kind(raw)))
}

func (d *decoder) object(path string, raw json.RawMessage) jsonObject {
	o := jsonObject{path: path}
	if d.err != nil {
		return o
	}
	if kind(raw) != "an object" {
		d.wrongType(path, raw, "an object")
		return o
	}
	if err := json.Unmarshal(raw, &o.m); err != nil {
		d.fail(path, raw, fmt.Errorf("%w: %v", ErrPlanSyntax, err))
	}
	return o
}

func (d *decoder) objectField(o jsonObject, name string) (jsonObject, bool) {
	raw, ok := o.m[name]
	if !ok || d.err != nil {
		return jsonObject{}, false
	}
	sub := d.object(join(o, name), raw)
	return sub, d.err == nil
}

func (d *decoder) str(o jsonObject, name string, required bool) string {
	raw, ok := o.m[name]
	if d.err != nil {
		return ""
	}
	path := join(o, name)
	if !ok {
		if required {
			d.fail(path, nil, fmt.Errorf("%w: missing", ErrPlanValue))
		}
		return ""
	}
	if kind(raw) != "a string" {
		d.wrongType(path, raw, "a string")
		return ""
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		d.fail(path, raw, fmt.Errorf("%w: %v", ErrPlanSyntax, err))
	}
	return s
}

// stringList reads a list of strings; a missing field is nil.
func (d *decoder) stringList(o jsonObject, name string) []string {
	var out []string
	for i, raw := range d.array(o, name) {
		path := fmt.Sprintf("%s[%d]", join(o, name), i)
		if kind(raw) != "a string" {
			d.wrongType(path, raw, "a string")
			return nil
		}
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			d.fail(path, raw, fmt.Errorf("%w: %v", ErrPlanSyntax, err))
			return nil
		}
		out = append(out, s)
	}
	return out
}

func (d *decoder) array(o jsonObject, name string) []json.RawMessage {
	raw, ok := o.m[name]
	if !ok || d.err != nil {
		return nil
	}
	path := join(o, name)
	if kind(raw) != "a list" {
		d.wrongType(path, raw, "a list")
		return nil
	}
	var out []json.RawMessage
	if err := json.Unmarshal(raw, &out); err != nil {
		d.fail(path, raw, fmt.Errorf("%w: %v", ErrPlanSyntax, err))
	}
	return out
}

// count reads a whole number 0..MaxCount written without sign, fraction
// or exponent; a missing field is 0.
func (d *decoder) count(o jsonObject, name string) int {
	raw, ok := o.m[name]
	if !ok || d.err != nil {
		return 0
	}
	path := join(o, name)
	if kind(raw) != "a number" {
		d.wrongType(path, raw, "a whole number")
		return 0
	}
	s := string(raw)
	n, err := strconv.ParseUint(s, 10, 32)
	if err != nil || n > MaxCount || (len(s) > 1 && s[0] == '0') {
		d.fail(path, raw, fmt.Errorf("%w: want a whole number 0..%d", ErrPlanValue, MaxCount))
		return 0
	}
	return int(n)
}

func (d *decoder) boolean(o jsonObject, name string) bool {
	raw, ok := o.m[name]
	if !ok || d.err != nil {
		return false
	}
	if kind(raw) != "a boolean" {
		d.wrongType(join(o, name), raw, "true or false")
		return false
	}
	return raw[0] == 't'
}

// date reads the required "date" of a plan (both protocols).
func (d *decoder) date(top jsonObject) roster.Date {
	ds := d.str(top, "date", true)
	if d.err != nil {
		return 0
	}
	date, err := roster.ParseDate(ds)
	if err != nil {
		d.fail("date", top.m["date"], fmt.Errorf("%w: %w", ErrPlanValue, err))
	}
	return date
}

// conflicts reads the conflict rules of a plan (both protocols).
func (d *decoder) conflicts(o jsonObject) ConflictRules {
	return ConflictRules{
		Declared:     d.boolean(o, "declared"),
		RotationDays: d.count(o, "rotation_days"),
		HomeRegion:   d.boolean(o, "home_region"),
	}
}

// match reads the optional "match" object of a rule: attribute names to
// string values.
func (d *decoder) match(o jsonObject) Match {
	mo, ok := d.objectField(o, "match")
	if !ok {
		return nil
	}
	var m Match
	for _, attr := range sortedKeys(mo.m) {
		path := join(mo, attr)
		if err := roster.ValidName(attr); err != nil {
			d.fail(path, json.RawMessage(strconv.Quote(attr)), fmt.Errorf("%w: %w", ErrPlanValue, err))
			return nil
		}
		m = append(m, Condition{Attr: attr, Value: d.str(mo, attr, true)})
	}
	return m
}
