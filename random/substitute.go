package random

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/roster"
)

// Sentinel errors of substitutions and explanations. A *[SubstitutionError]
// or a *[LookupError] wraps one of them; test the kind with errors.Is and
// read which premises and inspector from the error value.
var (
	// ErrUnknownPremises: the id is not in the premises table.
	ErrUnknownPremises = errors.New("premises not in the roster")
	// ErrUnknownInspector: the id is not in the inspectors table.
	ErrUnknownInspector = errors.New("inspector not in the roster")
	// ErrNotSelected: the premises was not selected by the draw.
	ErrNotSelected = errors.New("premises not selected")
	// ErrUnstaffed: the draw left the premises without a team, so there
	// is no member to replace.
	ErrUnstaffed = errors.New("premises has no team")
	// ErrNotOnTeam: the inspector leaving is not on the premises' team
	// (never was, or already left it).
	ErrNotOnTeam = errors.New("inspector not on the premises' team")
	// ErrBadReason: a substitution's reason is empty, blank, or not a
	// valid attribute value (protocol §1: UTF-8, no control characters,
	// at most 4096 bytes).
	ErrBadReason = errors.New("bad substitution reason")
)

// LookupError reports an id that is not in its table.
type LookupError struct {
	Kind roster.Kind // roster.KindPremises or roster.KindInspectors
	ID   string
	Err  error // ErrUnknownPremises or ErrUnknownInspector
}

func (e *LookupError) Error() string { return fmt.Sprintf("%s %q: %v", e.Kind, e.ID, e.Err) }

// Unwrap returns ErrUnknownPremises or ErrUnknownInspector.
func (e *LookupError) Unwrap() error { return e.Err }

func unknownPremises(id string) error {
	return &LookupError{Kind: roster.KindPremises, ID: id, Err: ErrUnknownPremises}
}

func unknownInspector(id string) error {
	return &LookupError{Kind: roster.KindInspectors, ID: id, Err: ErrUnknownInspector}
}

// Substitution asks to replace one member of a staffed premises' team.
type Substitution struct {
	Premises string // id of a selected, staffed premises
	Out      string // id of the team member who leaves
	Reason   string // published with the amendment; required, non-empty
	// Conflict is true when Out leaves because a conflict of interest came
	// to light; the amendment then carries a new conflicts row for (Out, Premises).
	Conflict bool
}

// Replacement is the outcome of one Substitution.
type Replacement struct {
	Substitution
	In   string   // the inspector who joins; "" when no candidate qualifies
	Team []string // the team after the substitution, Out replaced by In in place (or removed when In == "")
	// Short reports that the team now has fewer members than its rule's
	// size (this or an earlier substitution found no candidate).
	Short bool
	// Rule is the index in Plan.Teams of the premises' team rule.
	Rule int
}

// ConflictRow returns the conflicts row a substitution with Conflict
// set adds to the amendment: id "Out Premises" (the id protocol §1
// derives), inspector, premises and the substitution's reason. ok is
// false when Conflict is not set.
func (rep Replacement) ConflictRow() (row roster.Row, ok bool) {
	if !rep.Conflict {
		return roster.Row{}, false
	}
	return roster.ConflictRecord{
		ID:        rep.Out + " " + rep.Premises,
		Inspector: rep.Out,
		Premises:  rep.Premises,
		Reason:    rep.Reason,
	}.Row(), true
}

// SubstitutionError reports a substitution that cannot be applied.
type SubstitutionError struct {
	Index     int    // position of the substitution in the list given to Substitute
	Premises  string // the substitution's premises id
	Inspector string // the substitution's Out
	Err       error  // one of the sentinel errors above, possibly wrapped with detail
}

func (e *SubstitutionError) Error() string {
	return fmt.Sprintf("substitution %d (premises %q, inspector %q): %v", e.Index, e.Premises, e.Inspector, e.Err)
}

func (e *SubstitutionError) Unwrap() error { return e.Err }

// Substitute applies subs in order to the draw result r, without modifying r,
// and returns one Replacement per substitution. Earlier substitutions (including
// those published in earlier amendments: pass them all, in ledger order) count.
//
// The replacement for p is the first inspector of E(p) in (Q, id) order
// (all of E(p), as [Result.EligibleFor] gives it) that
//
//  1. is not and never was on p's team: neither in the team the draw
//     gave p nor the In or Out of an earlier substitution of p;
//  2. has capacity left after the draw and all earlier substitutions:
//     every In uses one unit of capacity, and the capacity of an Out is
//     not given back (the protocol counts capacity "after the draw and
//     all earlier substitutions"; giving it back would let anyone free
//     an inspector for another team by swapping them out);
//  3. keeps the rule's unit constraints: with Out removed, the
//     candidate's unit has fewer than max_per_unit members (when
//     max_per_unit > 0); and when Out's unit is one of the rule's
//     required units and the team without Out has fewer members of it
//     than the rule requires, the candidate is of that unit.
//
// When no inspector qualifies, In is "" and Out is removed from the
// team, which is then short (Replacement.Short); that is an outcome, not
// an error: the premises is short-staffed and the amendment says so. A
// required unit is never traded for team size: if Out was the team's
// only member of a required unit and no candidate of that unit
// qualifies, the team shrinks rather than take another unit.
//
// E(p) is the draw's: eligibility is not re-evaluated, so a conflict
// declared by a substitution (Conflict) affects only the pair (Out, p),
// which rule 1 already excludes. An Out may still be chosen as the
// replacement at another premises when it qualifies there.
//
// Substitute fails with a *[SubstitutionError] naming the substitution
// when its reason is empty or invalid ([ErrBadReason]), its premises is
// unknown ([ErrUnknownPremises]), not selected ([ErrNotSelected]) or was
// left unstaffed by the draw ([ErrUnstaffed]), or Out is unknown
// ([ErrUnknownInspector]) or not on the current team ([ErrNotOnTeam]).
// It returns no replacement when any substitution fails.
func (r *Result) Substitute(subs []Substitution) ([]Replacement, error) {
	insp := r.Set.Inspectors
	used := make([]int, len(r.Load)) // teams joined by substitution, per inspector row
	type state struct {
		team []int        // inspector rows, in team order
		ever map[int]bool // inspector rows that were ever on the team
	}
	teams := map[int]*state{} // by index in r.Selected
	unit := func(i int) string { return insp.At(i).Get(roster.AttrUnit) }
	out := make([]Replacement, 0, len(subs))
	for n, sub := range subs {
		fail := func(err error) error {
			return &SubstitutionError{Index: n, Premises: sub.Premises, Inspector: sub.Out, Err: err}
		}
		p, err := checkSubstitution(r.Set, sub)
		if err != nil {
			return nil, fail(err)
		}
		si := int(r.Premises[p].Selected)
		if si < 0 {
			return nil, fail(ErrNotSelected)
		}
		sel := &r.Selected[si]
		if sel.Team == nil {
			return nil, fail(fmt.Errorf("%w: unstaffed: %v", ErrUnstaffed, sel.Unstaffed))
		}
		o := insp.Index(sub.Out)
		if o < 0 {
			return nil, fail(unknownInspector(sub.Out))
		}
		st := teams[si]
		if st == nil {
			st = &state{ever: map[int]bool{}}
			for _, m := range sel.Team {
				st.team = append(st.team, m.Inspector)
				st.ever[m.Inspector] = true
			}
			teams[si] = st
		}
		pos := slices.Index(st.team, o)
		if pos < 0 {
			if st.ever[o] {
				return nil, fail(fmt.Errorf("%w: replaced by an earlier substitution", ErrNotOnTeam))
			}
			return nil, fail(ErrNotOnTeam)
		}
		rule := &r.Plan.Teams[sel.Rule]
		rest := slices.Delete(slices.Clone(st.team), pos, pos+1)
		count := func(u string) int {
			k := 0
			for _, m := range rest {
				if unit(m) == u {
					k++
				}
			}
			return k
		}
		needUnit := ""
		if u := unit(o); slices.Contains(rule.Units, u) && count(u) < countOf(rule.Units, u) {
			needUnit = u
		}
		in := -1
		for _, c := range r.selectionEligible(sel) {
			i := c.Inspector
			if st.ever[i] {
				continue
			}
			if l := r.Load[i]; l.Capacity >= 0 && l.Used+used[i] >= l.Capacity {
				continue
			}
			u := unit(i)
			if needUnit != "" && u != needUnit {
				continue
			}
			if rule.MaxPerUnit > 0 && count(u) >= rule.MaxPerUnit {
				continue
			}
			in = i
			break
		}
		rep := Replacement{Substitution: sub, Rule: sel.Rule}
		if in >= 0 {
			used[in]++
			st.ever[in] = true
			st.team[pos] = in
			rep.In = insp.At(in).ID
		} else {
			st.team = rest
		}
		rep.Team = make([]string, len(st.team))
		for k, m := range st.team {
			rep.Team[k] = insp.At(m).ID
		}
		rep.Short = len(st.team) < rule.Size
		out = append(out, rep)
	}
	return out, nil
}

// checkSubstitution checks the reason of sub and returns the row of its
// premises (Substitute of both protocols).
func checkSubstitution(set *roster.Set, sub Substitution) (int, error) {
	if strings.TrimSpace(sub.Reason) == "" {
		return 0, fmt.Errorf("%w: a substitution needs a reason", ErrBadReason)
	}
	if err := roster.ValidValue(sub.Reason); err != nil {
		return 0, fmt.Errorf("%w: %w", ErrBadReason, err)
	}
	p := set.Premises.Index(sub.Premises)
	if p < 0 {
		return 0, unknownPremises(sub.Premises)
	}
	return p, nil
}
