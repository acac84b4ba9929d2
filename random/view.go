package random

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
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
			EligibleInspectors: len(s.Eligible),
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
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return asciiJSON(buf.Bytes()), nil
}

// WriteTo writes the canonical bytes of [View.Encode] to w.
func (v *View) WriteTo(w io.Writer) (int64, error) {
	b, err := v.Encode()
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

// ErrBadView is wrapped by ParseView's errors about the content of a view.
var ErrBadView = errors.New("bad draw view")

// ParseView reads a JSON view of a draw, such as [View.Encode] writes,
// for auditors' tools and the publish layer. It rejects unknown fields,
// data after the object, a protocol other than [Protocol], hex of the
// wrong length, unknown marks, and a selected premises without exactly
// one of "team" and "unstaffed" (or with an unknown unstaffed code).
// It accepts any JSON layout; to check canonical bytes, compare with
// [View.Encode].
func ParseView(b []byte) (*View, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var v View
	if err := dec.Decode(&v); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrBadView, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("%w: data after the view object", ErrBadView)
	}
	if v.Protocol != Protocol {
		return nil, fmt.Errorf("%w: protocol %q, want %q", ErrBadView, v.Protocol, Protocol)
	}
	for i, s := range v.Strata {
		if s.Values == nil {
			return nil, fmt.Errorf("%w: strata[%d]: no values", ErrBadView, i)
		}
	}
	for i, s := range v.Selected {
		switch {
		case s.ID == "":
			return nil, fmt.Errorf("%w: selected[%d]: no id", ErrBadView, i)
		case s.Mark == 0:
			return nil, fmt.Errorf("%w: selected[%d] %q: no mark", ErrBadView, i, s.ID)
		case s.Stratum == nil:
			return nil, fmt.Errorf("%w: selected[%d] %q: no stratum", ErrBadView, i, s.ID)
		case (len(s.Team) == 0) == (s.Unstaffed == ""):
			return nil, fmt.Errorf("%w: selected[%d] %q: want exactly one of team and unstaffed", ErrBadView, i, s.ID)
		case s.Unstaffed != "" && s.Unstaffed != CodeShort && s.Unstaffed != CodeUnit && s.Unstaffed != CodeNoTeamRule:
			return nil, fmt.Errorf("%w: selected[%d] %q: unknown unstaffed code %q", ErrBadView, i, s.ID, s.Unstaffed)
		}
	}
	return &v, nil
}
