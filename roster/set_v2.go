package roster

import (
	"crypto/sha256"
	"fmt"
	"strings"
)

// NewSetV2 is [NewSet] under draw protocol v2 (protocol v2 §1). The
// tables must have been read with Options.Protocol = [ProtocolV2] (so
// that matters are canonical lists). A conflict or history row may name a
// premises or inspector that is not in the tables (registers delete
// closed premises and retired inspectors and keep their history): the
// missing id matches nothing, and [Set.UnknownReferences] counts such
// rows. c says how the private attributes of the tables are committed
// ([Set.RootsV2]).
func NewSetV2(premises, inspectors, conflicts, history *Table, c Commitment) (*Set, error) {
	s := &Set{Premises: premises, Inspectors: inspectors, Conflicts: conflicts, History: history, proto: ProtocolV2, commit: c}
	for i, t := range s.tables() {
		switch {
		case *t == nil:
			*t = &Table{kind: Kinds[i], proto: ProtocolV2}
		case (*t).kind != Kinds[i]:
			return nil, fmt.Errorf("roster: a %s table given as the %s table", (*t).kind, Kinds[i])
		case (*t).proto != ProtocolV2 && (*t).Len() > 0:
			return nil, fmt.Errorf("roster: the %s table was read under %s; read it with Options.Protocol = ProtocolV2", Kinds[i], (*t).proto)
		}
	}
	s.inspections = buildInspections(s.Premises, s.History)
	for _, r := range s.Conflicts.rows {
		if s.Inspectors.Index(r.Get(AttrInspector)) < 0 || s.Premises.Index(r.Get(AttrPremises)) < 0 {
			s.unknown[0]++
		}
	}
	known := make(map[string]struct{}, s.Inspectors.Len())
	for _, r := range s.Inspectors.rows {
		known[r.ID] = struct{}{}
	}
	for _, r := range s.History.rows {
		missing := s.Premises.Index(r.Get(AttrPremises)) < 0
		if v := r.Get(AttrInspectors); v != "" && !missing {
			for id := range strings.SplitSeq(v, ";") {
				if _, ok := known[id]; !ok {
					missing = true
					break
				}
			}
		}
		if missing {
			s.unknown[1]++
		}
	}
	return s, nil
}

// Protocol returns the protocol the set was made for: [ProtocolV2] for a
// set of [NewSetV2], else [ProtocolV1].
func (s *Set) Protocol() Protocol { return s.proto }

// Commitment returns how the private attributes of a v2 set are
// committed.
func (s *Set) Commitment() Commitment { return s.commit }

// UnknownReferences returns the number of conflict rows and of history
// rows that name at least one premises or inspector not in the tables
// (protocol v2 §1; always 0 for a v1 set, which refuses them).
func (s *Set) UnknownReferences() (conflicts, history int) { return s.unknown[0], s.unknown[1] }

// RootsV2 returns the v2 root of each table ([Table.RootV2]), the
// private attributes committed as the set's [Commitment] says.
func (s *Set) RootsV2(private Private) (Roots, error) {
	var out [4]Hash
	for i, t := range s.tables() {
		h, err := (*t).RootV2(private, s.commit)
		if err != nil {
			return Roots{}, err
		}
		out[i] = h
	}
	return Roots{out[0], out[1], out[2], out[3]}, nil
}

// PublishedV2 returns the set in published form (protocol v2 §9): each
// table's private values replaced by their digests ([Table.PublishedV2]).
// Its roots are the set's roots.
func (s *Set) PublishedV2(private Private) (*Set, error) {
	var t [4]*Table
	for i, p := range s.tables() {
		var err error
		if t[i], err = (*p).PublishedV2(private, s.commit); err != nil {
			return nil, err
		}
	}
	out := *s
	out.Premises, out.Inspectors, out.Conflicts, out.History = t[0], t[1], t[2], t[3]
	out.commit = Commitment{Published: true}
	return &out, nil
}

// InputsV2 returns the inputs digest of protocol v2 §3:
// H("doublerandom/v2/inputs" || planDigest || the four roots).
func (r Roots) InputsV2(planDigest Hash) Hash { return r.inputs("doublerandom/v2/inputs", planDigest) }

func (r Roots) inputs(tag string, planDigest Hash) Hash {
	h := sha256.New()
	h.Write([]byte(tag))
	h.Write(planDigest[:])
	h.Write(r.Premises[:])
	h.Write(r.Inspectors[:])
	h.Write(r.Conflicts[:])
	h.Write(r.History[:])
	var out Hash
	h.Sum(out[:0])
	return out
}
