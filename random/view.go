package random

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/doublerandom/doublerandom/roster"
)

// View is the JSON view of a draw (protocol §7), for programs and
// auditors. Its encoding ([View.Encode]) is frozen: the same bytes as
// Python's json.dumps(view, indent=1) followed by a newline, so that an
// independent replay can compare bytes.
//
// Key order is the order of the fields below. For each stratum,
// "threshold" is null when nothing was selected as random, and
// "no_quota_rule": true appears only for a stratum no quota rule matched.
// Each selected premises has either "team" (ids in the order added) or
// "unstaffed" (a code: "short", "unit" or "no_team_rule").
type View struct {
	Protocol   string          `json:"protocol"`
	Key        Key             `json:"key"`
	Inputs     roster.Hash     `json:"inputs"`
	PlanDigest roster.Hash     `json:"plan_digest"`
	Roots      roster.Roots    `json:"roots"`
	Strata     []ViewStratum   `json:"strata"`
	Selected   []ViewSelection `json:"selected"`
}

// ViewStratum is one stratum of a [View].
type ViewStratum struct {
	Values      []string `json:"values"`
	Eligible    int      `json:"eligible"`
	Excluded    int      `json:"excluded"`
	Quota       int      `json:"quota"`
	Threshold   *Hex64   `json:"threshold"`
	NoQuotaRule bool     `json:"no_quota_rule,omitempty"`
}

// ViewSelection is one selected premises of a [View].
type ViewSelection struct {
	ID                 string   `json:"id"`
	Priority           Hex64    `json:"priority"`
	Stratum            []string `json:"stratum"`
	Mark               Mark     `json:"mark"`
	EligibleInspectors int      `json:"eligible_inspectors"`
	Team               []string `json:"team,omitempty"`
	Unstaffed          string   `json:"unstaffed,omitempty"`
}

// Hex64 is a priority or inspector key, written in JSON as 16 lowercase
// hex digits.
type Hex64 uint64

// String returns the 16 hex digits.
func (h Hex64) String() string { return FormatPriority(uint64(h)) }

// MarshalText writes 16 lowercase hex digits.
func (h Hex64) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads exactly 16 hex digits.
func (h *Hex64) UnmarshalText(b []byte) error {
	v, err := ParsePriority(string(b))
	if err != nil {
		return err
	}
	*h = Hex64(v)
	return nil
}

// View returns the JSON view of the draw.
func (r *Result) View() *View {
	v := &View{
		Protocol:   Protocol,
		Key:        r.Key,
		Inputs:     r.Inputs,
		PlanDigest: r.Plan.Digest(),
		Roots:      r.Roots,
		Strata:     make([]ViewStratum, len(r.Strata)),
		Selected:   make([]ViewSelection, len(r.Selected)),
	}
	for i := range r.Strata {
		s := &r.Strata[i]
		vs := ViewStratum{
			Values:      nonNil(s.Values),
			Eligible:    s.Eligible,
			Excluded:    s.Excluded,
			Quota:       s.Quota,
			NoQuotaRule: s.NoQuotaRule(),
		}
		if s.HasThreshold {
			t := Hex64(s.Threshold)
			vs.Threshold = &t
		}
		v.Strata[i] = vs
	}
	for i := range r.Selected {
		s := &r.Selected[i]
		v.Selected[i] = ViewSelection{
			ID:                 s.ID,
			Priority:           Hex64(s.Priority),
			Stratum:            nonNil(r.Strata[s.Stratum].Values),
			Mark:               s.Mark,
			EligibleInspectors: s.EligibleCount,
			Unstaffed:          s.Unstaffed.Code(),
		}
		if s.Team != nil {
			v.Selected[i].Team = s.TeamIDs()
		}
	}
	return v
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return append([]string{}, s...)
}

// Encode returns the view's canonical bytes: JSON indented by one space,
// keys in field order, every non-ASCII character written as a \uXXXX
// escape (UTF-16 surrogate pairs above U+FFFF) and no escaping of <, >
// or &, ending in a newline — byte for byte what Python's
// json.dumps(view, indent=1) + "\n" writes. Do not change this encoding:
// published views and independent replays compare these bytes.
func (v *View) Encode() ([]byte, error) {
	// Written by hand rather than by encoding/json, which spends most of
	// a large draw's view in reflection and re-indenting; the tests hold
	// the two to the same bytes.
	e := viewEncoder{b: make([]byte, 0, 256+len(v.Strata)*160+len(v.Selected)*200)}
	e.head(v.Protocol, v.Key, v.Inputs, v.PlanDigest, v.Roots)
	e.key("strata")
	if v.Strata == nil {
		e.null()
	} else {
		e.open('[')
		for i := range v.Strata {
			s := &v.Strata[i]
			e.item()
			e.open('{')
			e.key("values")
			e.strs(s.Values)
			e.key("eligible")
			e.int(s.Eligible)
			e.key("excluded")
			e.int(s.Excluded)
			e.key("quota")
			e.int(s.Quota)
			e.key("threshold")
			if s.Threshold == nil {
				e.null()
			} else {
				e.str(s.Threshold.String())
			}
			if s.NoQuotaRule {
				e.key("no_quota_rule")
				e.b = append(e.b, "true"...)
			}
			e.close('}')
		}
		e.close(']')
	}
	e.key("selected")
	if v.Selected == nil {
		e.null()
	} else {
		e.open('[')
		for i := range v.Selected {
			s := &v.Selected[i]
			mark, err := s.Mark.MarshalText()
			if err != nil {
				return nil, fmt.Errorf("json: error calling MarshalText for type random.Mark: %w", err)
			}
			e.item()
			e.open('{')
			e.key("id")
			e.str(s.ID)
			e.key("priority")
			e.str(s.Priority.String())
			e.key("stratum")
			e.strs(s.Stratum)
			e.key("mark")
			e.str(string(mark))
			e.key("eligible_inspectors")
			e.int(s.EligibleInspectors)
			if len(s.Team) > 0 {
				e.key("team")
				e.strs(s.Team)
			}
			if s.Unstaffed != "" {
				e.key("unstaffed")
				e.str(s.Unstaffed)
			}
			e.close('}')
		}
		e.close(']')
	}
	e.close('}')
	return append(e.b, '\n'), nil
}

// viewEncoder writes JSON as encoding/json's Encoder does with
// SetIndent("", " ") and SetEscapeHTML(false), then [asciiJSON]: Python's
// json.dumps(indent=1) with ensure_ascii.
type viewEncoder struct {
	b     []byte
	depth int
	first bool // no member or element written yet at this depth
}

// head opens a view's object and writes the members both protocols
// start with: protocol, key, inputs, plan_digest and roots.
func (e *viewEncoder) head(protocol string, key Key, inputs, planDigest roster.Hash, roots roster.Roots) {
	e.open('{')
	e.key("protocol")
	e.str(protocol)
	e.key("key")
	e.str(key.String())
	e.key("inputs")
	e.str(inputs.String())
	e.key("plan_digest")
	e.str(planDigest.String())
	e.key("roots")
	e.open('{')
	for i, h := range [...]roster.Hash{roots.Premises, roots.Inspectors, roots.Conflicts, roots.History} {
		e.key(viewRootsKeys[i])
		e.str(h.String())
	}
	e.close('}')
}

func (e *viewEncoder) newline() {
	e.b = append(e.b, '\n')
	for range e.depth {
		e.b = append(e.b, ' ')
	}
}

// open starts an object or array; close ends it ("{}" and "[]" when
// empty).
func (e *viewEncoder) open(c byte) {
	e.b = append(e.b, c)
	e.depth++
	e.first = true
}

func (e *viewEncoder) close(c byte) {
	e.depth--
	if !e.first {
		e.newline()
	}
	e.b = append(e.b, c)
	e.first = false
}

// item starts an element of an array; key a member of an object.
func (e *viewEncoder) item() {
	if !e.first {
		e.b = append(e.b, ',')
	}
	e.newline()
	e.first = false
}

func (e *viewEncoder) key(k string) {
	e.item()
	e.str(k)
	e.b = append(e.b, ':', ' ')
}

func (e *viewEncoder) null()     { e.b = append(e.b, "null"...) }
func (e *viewEncoder) int(n int) { e.b = strconv.AppendInt(e.b, int64(n), 10) }

func (e *viewEncoder) strs(list []string) {
	if list == nil {
		e.null()
		return
	}
	e.open('[')
	for _, s := range list {
		e.item()
		e.str(s)
	}
	e.close(']')
}

// str writes a JSON string: printable ASCII without '"' or '\\' as is,
// anything else as encoding/json and asciiJSON would.
func (e *viewEncoder) str(s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' {
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetEscapeHTML(false)
			_ = enc.Encode(s) // a string always encodes
			e.b = append(e.b, asciiJSON(bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}))...)
			return
		}
	}
	e.b = append(e.b, '"')
	e.b = append(e.b, s...)
	e.b = append(e.b, '"')
}

// WriteTo writes the canonical bytes of [View.Encode] to w.
func (v *View) WriteTo(w io.Writer) (int64, error) { return writeEncoded(w, v.Encode) }

// writeEncoded writes the bytes encode returns to w (WriteTo of both
// views).
func writeEncoded(w io.Writer, encode func() ([]byte, error)) (int64, error) {
	b, err := encode()
	if err != nil {
		return 0, err
	}
	n, err := w.Write(b)
	return int64(n), err
}

// asciiJSON escapes every byte outside printable ASCII that Go's encoder
// leaves as is (non-ASCII characters and DEL, which can only occur
// inside strings) the way Python's ensure_ascii does.
func asciiJSON(b []byte) []byte {
	clean := true
	for _, c := range b {
		if c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return b
	}
	out := make([]byte, 0, len(b)+len(b)/4)
	for i := 0; i < len(b); {
		c := b[i]
		if c < 0x7f {
			out = append(out, c)
			i++
			continue
		}
		r, n := utf8.DecodeRune(b[i:])
		i += n
		if r >= 0x10000 {
			r -= 0x10000
			out = fmt.Appendf(out, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			continue
		}
		out = fmt.Appendf(out, `\u%04x`, r)
	}
	return out
}

// ErrBadView is wrapped by every error of [ParseView] (a *[ViewError]).
var ErrBadView = errors.New("bad draw view")

// ViewError says where a view was rejected and why. Err wraps
// [ErrBadView] (and [roster.ErrEncoding] for text that is not UTF-8 or
// escapes a lone surrogate).
type ViewError struct {
	Line  int    // 1-based line in the view's bytes; 0 if unknown
	Field string // JSON path of the field: "selected[3].team"; "" for the whole view
	Value string // the offending value as written (JSON text), if any
	Err   error
}

func (e *ViewError) Error() string {
	return formatFieldError("view", e.Line, e.Field, e.Value, e.Err)
}

func (e *ViewError) Unwrap() error { return e.Err }

// The keys of the objects of a view: required, then optional.
var (
	viewTopKeys       = []string{"protocol", "key", "inputs", "plan_digest", "roots", "strata", "selected"}
	viewRootsKeys     = []string{"premises", "inspectors", "conflicts", "history"}
	viewStratumKeys   = []string{"values", "eligible", "excluded", "quota"}
	viewStratumOpt    = []string{"threshold", "no_quota_rule"}
	viewSelectionKeys = []string{"id", "priority", "stratum", "mark", "eligible_inspectors"}
	viewSelectionOpt  = []string{"team", "unstaffed"}
)

// ParseView reads a JSON view of a draw, such as [View.Encode] writes,
// for auditors' tools and the publish layer. It is strict, unlike
// encoding/json: the view is one JSON object of valid UTF-8 with nothing
// after it; key names are exact (case matters) and none is repeated in
// any object; no string escapes a lone surrogate (which encoding/json
// would read as U+FFFD; see [roster.CheckJSONEscapes]); every field is
// present except "threshold" (absent or null when nothing was selected as
// random), "no_quota_rule" (true or absent) and, per selected premises,
// exactly one of "team" (a non-empty list of ids) and "unstaffed" (a
// known code); no other field is allowed. The protocol must be
// [Protocol], hex must have its length, marks must be known, and
// eligible, excluded, quota and eligible_inspectors must be whole numbers
// 0..[MaxCount]. It accepts any JSON layout; to check canonical bytes,
// compare with [View.Encode]. Errors are a *[ViewError].
func ParseView(b []byte) (*View, error) {
	if err := checkViewUTF8(b); err != nil {
		return nil, err
	}
	if v, ok := parseCanonicalView(b); ok {
		return v, nil
	}
	if err := scanView(b, viewObject); err != nil {
		return nil, err
	}
	return parseScannedView(b)
}

// parseCanonicalView is the quick path of ParseView for a view written
// as [View.Encode] writes it (up to white space, as in an indented
// document): it decodes b, encodes the result again and accepts it only
// when the two texts agree byte for byte once compacted, and the value
// checks of ParseView pass. Agreeing with the canonical text means b
// has every key it must, each once and none other, no escape of half a
// surrogate pair, nothing after the object: what the scan of ParseView
// checks. On any difference it reports false and ParseView takes its
// full path, whose result and errors are therefore unchanged.
func parseCanonicalView(b []byte) (*View, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var v View
	if err := dec.Decode(&v); err != nil {
		return nil, false
	}
	for i := range v.Selected {
		// Exactly one of team and unstaffed, as viewObject wants (the
		// encoder writes each when it is not empty).
		if s := &v.Selected[i]; (len(s.Team) > 0) == (s.Unstaffed != "") {
			return nil, false
		}
	}
	enc, err := v.Encode()
	if err != nil {
		return nil, false
	}
	var x, y bytes.Buffer
	x.Grow(len(b))
	y.Grow(len(enc))
	if json.Compact(&x, b) != nil || json.Compact(&y, enc) != nil || !bytes.Equal(x.Bytes(), y.Bytes()) {
		return nil, false
	}
	w, err := parseScannedView(b, &v)
	return w, err == nil
}

// parseScannedView is the rest of ParseView once b has passed the scan:
// it decodes b (unless decoded is given) and checks the values.
func parseScannedView(b []byte, decoded ...*View) (*View, error) {
	if len(decoded) > 0 {
		return checkViewValues(b, decoded[0])
	}
	var v View
	if err := decodeView(b, &v); err != nil {
		return nil, err
	}
	return checkViewValues(b, &v)
}

// checkViewValues checks the values of a view decoded from b.
func checkViewValues(b []byte, vp *View) (*View, error) {
	v := *vp
	c := viewValues{b}
	fail, count := c.fail, c.count
	if v.Protocol != Protocol {
		return nil, fail("protocol", strconv.Quote(v.Protocol), "want %q", Protocol)
	}
	for i, s := range v.Strata {
		f := fmt.Sprintf("strata[%d]", i)
		if s.Values == nil {
			return nil, fail(f+".values", "null", "want a list of strings")
		}
		for _, c := range []struct {
			name string
			n    int
		}{{"eligible", s.Eligible}, {"excluded", s.Excluded}, {"quota", s.Quota}} {
			if err := count(f+"."+c.name, c.n); err != nil {
				return nil, err
			}
		}
	}
	for i, s := range v.Selected {
		f := fmt.Sprintf("selected[%d]", i)
		switch {
		case s.ID == "":
			return nil, fail(f+".id", `""`, "no id")
		case s.Mark == 0:
			return nil, fail(f+".mark", "", "no mark")
		case s.Stratum == nil:
			return nil, fail(f+".stratum", "null", "want a list of strings")
		case s.Team == nil && s.Unstaffed == "":
			// The scan saw exactly one of the two keys.
			return nil, fail(f, "", "%q: want a non-empty team list or an unstaffed code", s.ID)
		case s.Team != nil && len(s.Team) == 0:
			return nil, fail(f+".team", "[]", "%q: an empty team; a premises nobody can staff has an unstaffed code", s.ID)
		case s.Unstaffed != "" && s.Unstaffed != CodeShort && s.Unstaffed != CodeUnit && s.Unstaffed != CodeNoTeamRule:
			return nil, fail(f+".unstaffed", strconv.Quote(s.Unstaffed), "%q: unknown unstaffed code", s.ID)
		}
		if err := count(f+".eligible_inspectors", s.EligibleInspectors); err != nil {
			return nil, err
		}
	}
	return &v, nil
}

// viewObject checks the keys of an object of a view (for [ParseView]):
// exact names, every required one present, nothing else.
func viewObject(path string, off int, keys []jsonKey) *scanError {
	var required, optional []string
	switch {
	case path == "":
		required = viewTopKeys
	case path == "roots":
		required = viewRootsKeys
	case isElement(path, "strata"):
		required, optional = viewStratumKeys, viewStratumOpt
	case isElement(path, "selected"):
		required, optional = viewSelectionKeys, viewSelectionOpt
	default:
		return &scanError{off: off, field: path, err: fmt.Errorf("%w: want no object here", ErrBadView)}
	}
	has, e := checkViewKeys(path, off, keys, required, optional, func(field string, k jsonKey) *scanError {
		if k.name == "no_quota_rule" && string(k.value) != "true" {
			return &scanError{off: k.off, field: field, value: string(k.value),
				err: fmt.Errorf("%w: want true, or no field", ErrBadView)}
		}
		return nil
	})
	if e != nil {
		return e
	}
	if isElement(path, "selected") && has["team"] == has["unstaffed"] {
		return &scanError{off: off, field: path, err: fmt.Errorf("%w: want exactly one of team and unstaffed", ErrBadView)}
	}
	return nil
}

// checkViewKeys checks the keys of the object at path (for the object
// functions of [ParseView] and [ParseViewV2]): each is one of required
// or optional, with a hint when only its case is wrong, and passes each
// (if set; field is its JSON path); every required one is present. It
// returns the keys the object has.
func checkViewKeys(path string, off int, keys []jsonKey, required, optional []string, each func(field string, k jsonKey) *scanError) (map[string]bool, *scanError) {
	join := func(k string) string {
		if path == "" {
			return k
		}
		return path + "." + k
	}
	has := map[string]bool{}
	for _, k := range keys {
		if !slices.Contains(required, k.name) && !slices.Contains(optional, k.name) {
			hint := ""
			for _, want := range slices.Concat(required, optional) {
				if strings.EqualFold(want, k.name) {
					hint = fmt.Sprintf(" (names are case-sensitive: %q)", want)
				}
			}
			return nil, &scanError{off: k.off, field: join(k.name), value: strconv.Quote(k.name),
				err: fmt.Errorf("%w: unknown field%s", ErrBadView, hint)}
		}
		has[k.name] = true
		if each != nil {
			if e := each(join(k.name), k); e != nil {
				return nil, e
			}
		}
	}
	for _, k := range required {
		if !has[k] {
			return nil, &scanError{off: off, field: join(k), err: fmt.Errorf("%w: missing", ErrBadView)}
		}
	}
	return has, nil
}

// checkViewUTF8 rejects a view that is not valid UTF-8.
func checkViewUTF8(b []byte) error {
	if i := firstInvalidUTF8(b); i >= 0 {
		return &ViewError{Line: lineOf(b, i), Err: fmt.Errorf("%w: %w: invalid UTF-8 at byte %d", ErrBadView, roster.ErrEncoding, i+1)}
	}
	return nil
}

// scanView runs the strict scan over a view, object checking the keys
// of each of its objects.
func scanView(b []byte, object func(path string, off int, keys []jsonKey) *scanError) error {
	sc := jsonScanner{what: "view", kind: ErrBadView, object: object}
	if e := sc.scan(b); e != nil {
		return &ViewError{Line: lineOf(b, e.off), Field: e.field, Value: e.value, Err: e.err}
	}
	return nil
}

// decodeView decodes a view that passed scanView into v (a *View or a
// *ViewV2).
func decodeView(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		ve := &ViewError{Err: fmt.Errorf("%w: %w", ErrBadView, err)}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			ve.Line, ve.Field = lineOf(b, int(te.Offset)), te.Field
		}
		return ve
	}
	return nil
}

// viewValues reports problems with the values of a view decoded from b.
type viewValues struct{ b []byte }

// fail returns the *ViewError for field. The scan found no syntax
// problem, so a second scan for the lines of the values is only needed
// to report one.
func (c viewValues) fail(field, value, format string, args ...any) error {
	s := jsonScanner{what: "view", kind: ErrBadView, lines: map[string]int{}}
	s.scan(c.b)
	return &ViewError{Line: lineFor(s.lines, field), Field: field, Value: value,
		Err: fmt.Errorf("%w: "+format, append([]any{ErrBadView}, args...)...)}
}

// count checks a count: a whole number 0..MaxCount.
func (c viewValues) count(field string, n int) error {
	if n < 0 || n > MaxCount {
		return c.fail(field, strconv.Itoa(n), "want a whole number 0..%d", MaxCount)
	}
	return nil
}

// isElement reports whether path is "list[N]" for a top-level list.
func isElement(path, list string) bool {
	n, ok := strings.CutPrefix(path, list+"[")
	n, ok2 := strings.CutSuffix(n, "]")
	if !ok || !ok2 || n == "" {
		return false
	}
	for _, c := range []byte(n) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
