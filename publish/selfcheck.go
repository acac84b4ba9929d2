package publish

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// Verdict is the answer of a [SelfCheck].
type Verdict uint8

// Verdicts of a self-check.
const (
	// VerdictSelected: the record lists the premises with the priority
	// its row gives, in its stratum: rightly selected.
	VerdictSelected Verdict = iota + 1
	// VerdictNotSelected: rightly not selected: its priority comes after
	// the last premises its stratum selected at random, or its stratum
	// had no quota.
	VerdictNotSelected
	// VerdictConditional: not selected, which is right only under a
	// condition on the premises' own inspection history that the record
	// does not show (cooling down, or inspected recently enough not to
	// be overdue); the explanation says which.
	VerdictConditional
	// VerdictOutOfScope: the premises took no part in the draw (status
	// inactive or closed, or outside the plan's scope).
	VerdictOutOfScope
	// VerdictWrong: the record contradicts the row: report it.
	VerdictWrong
	// VerdictNotInRoster: the row and proof do not match the premises
	// table announced: the row is not the one the draw used.
	VerdictNotInRoster
)

var verdictNames = [...]string{"", "selected", "not selected", "not selected if", "out of scope", "WRONG", "not in the announced roster"}

// String returns a short name of the verdict.
func (v Verdict) String() string {
	if int(v) < len(verdictNames) && v > 0 {
		return verdictNames[v]
	}
	return fmt.Sprintf("Verdict(%d)", uint8(v))
}

// SelfCheckOptions configure [SelfCheck].
type SelfCheckOptions struct {
	// Policy says which signatures the announcement and the draw must
	// carry.
	Policy Policy
	// Draw names the draw to check against; zero means the last draw no
	// redraw voided.
	Draw Digest
}

// SelfCheckResult is the answer to a business owner.
type SelfCheckResult struct {
	Verdict  Verdict
	Premises string
	Draw     string // the draw document checked against
	// Priority is P(p) recomputed from the recorded key.
	Priority uint64
	// Stratum is the premises' stratum; Threshold the priority of the
	// last premises it selected at random, when it did.
	Stratum   []string
	Threshold *uint64
	// Mark is how the premises was selected, when it was.
	Mark random.Mark
	// Explanation says why, for people.
	Explanation string
	// SignaturesChecked is false when no verifier was given: the
	// answer then rests on a ledger nobody authenticated.
	SignaturesChecked bool
	// Tasks holds, for a draw of protocol v2, one entry per task whose
	// match holds for the row (selfcheck_v2.go).
	Tasks []SelfCheckTask
}

// SelfCheck lets a business owner check, with only the ledger, their own
// row and its inclusion proof in the premises table (roster.Table.Prove,
// the "prove" command of the example tool), whether they were rightly
// selected or not. It verifies the signatures of the announcement and
// the draw, checks the proof against the announced premises root,
// recomputes P(p) = first 8 bytes of H(K || 0x01 || lp(id)) from the
// recorded key, finds the premises' stratum from the plan, and compares:
// a selected premises must be listed with that priority; a premises not
// selected must come after its stratum's threshold, or have been
// excluded by cooldown, or belong to a stratum with no quota; a targeted
// premises in scope must be selected. With no verifiers it checks no
// signature (and says so in the result).
func SelfCheck(l Ledger, verifiers []note.Verifier, row roster.Row, proof roster.Proof, opt SelfCheckOptions) (*SelfCheckResult, error) {
	if len(verifiers) > 0 {
		// Signatures before any body is parsed.
		if err := CheckSignatures(l, verifiers, opt.Policy); err != nil {
			return nil, fmt.Errorf("publish: SelfCheck: %w", err)
		}
	}
	r, err := ReadRecord(l)
	if errors.Is(err, ErrSelection) {
		return forgedSelection(l, verifiers, opt.Policy, row.ID, err)
	}
	if err != nil {
		return nil, err
	}
	d, err := r.selfCheckDraw("SelfCheck", opt.Draw)
	if err != nil {
		return nil, err
	}
	ann := r.byDigest[d.Draw.Announcement]
	for _, e := range []*RecordDoc{ann, d} {
		if len(verifiers) == 0 {
			break
		}
		if _, err := opt.Policy.Open(e.Signed, verifiers...); err != nil {
			return nil, fmt.Errorf("publish: SelfCheck: %s: %w", e.File, err)
		}
	}
	if d.Draw.ViewV2 != nil { // protocol v2: selfcheck_v2.go
		return selfCheckV2(ann, d, row, proof, &SelfCheckResult{Premises: row.ID, Draw: d.File, SignaturesChecked: len(verifiers) > 0})
	}
	v := d.Draw.View
	plan := ann.plan
	res := &SelfCheckResult{Premises: row.ID, Draw: d.File, Priority: v.Key.Priority(row.ID), SignaturesChecked: len(verifiers) > 0}
	say := func(verdict Verdict, format string, args ...any) (*SelfCheckResult, error) {
		res.Verdict = verdict
		res.Explanation = fmt.Sprintf(format, args...)
		return res, nil
	}
	if err := roster.VerifyProof(ann.Announcement.Roots.Premises, row, proof); err != nil {
		return say(VerdictNotInRoster, "the row and its proof do not give the premises root announced in %s (%s): %v", ann.File, ann.Announcement.Roots.Premises, err)
	}
	P := random.FormatPriority(res.Priority)
	for _, a := range plan.Stratify {
		res.Stratum = append(res.Stratum, row.Get(a))
	}
	listed := slices.IndexFunc(v.Selected, func(s random.ViewSelection) bool { return s.ID == row.ID })
	targeted := slices.ContainsFunc(plan.Targeted, func(t random.Target) bool { return t.ID == row.ID })
	inScope, why := true, ""
	if !roster.Active(row) {
		inScope, why = false, "its status is "+row.Get(roster.AttrStatus)
	}
	for _, s := range plan.Scope {
		if inScope && !s.Allows(row.Get(s.Attr)) {
			inScope, why = false, fmt.Sprintf("its %s %q is not in the plan's scope %v", s.Attr, row.Get(s.Attr), s.Values)
		}
	}
	if listed >= 0 {
		s := v.Selected[listed]
		res.Mark = s.Mark
		switch {
		case !inScope:
			return say(VerdictWrong, "%s is listed as selected, but it is out of scope (%s)", row.ID, why)
		case uint64(s.Priority) != res.Priority:
			return say(VerdictWrong, "%s is listed with priority %s, but the recorded key gives %s", row.ID, s.Priority, P)
		case !slices.Equal(s.Stratum, res.Stratum):
			return say(VerdictWrong, "%s is listed in stratum %v, but its row gives %v", row.ID, s.Stratum, res.Stratum)
		case s.Mark == random.MarkTargeted && !targeted:
			return say(VerdictWrong, "%s is listed as targeted, but the plan's targeted list does not name it", row.ID)
		}
		if s.Mark == random.MarkRandom {
			si := slices.IndexFunc(v.Strata, func(st random.ViewStratum) bool { return slices.Equal(st.Values, res.Stratum) })
			if si < 0 || v.Strata[si].Threshold == nil || uint64(s.Priority) > uint64(*v.Strata[si].Threshold) {
				return say(VerdictWrong, "%s is listed as selected at random with priority %s, which is not at or below its stratum's threshold", row.ID, P)
			}
		}
		return say(VerdictSelected, "%s was rightly selected (%s) in stratum %v with priority %s, as its row and the recorded key give", row.ID, s.Mark, res.Stratum, P)
	}
	if !inScope {
		return say(VerdictOutOfScope, "%s took no part in the draw: %s", row.ID, why)
	}
	if targeted {
		return say(VerdictWrong, "%s is named by the plan as targeted and is in scope, but it is not listed as selected", row.ID)
	}
	si := slices.IndexFunc(v.Strata, func(s random.ViewStratum) bool { return slices.Equal(s.Values, res.Stratum) })
	if si < 0 {
		return say(VerdictWrong, "%s is in scope, but the record has no stratum %v", row.ID, res.Stratum)
	}
	st := v.Strata[si]
	if st.Threshold != nil {
		t := uint64(*st.Threshold)
		res.Threshold = &t
	}
	if st.Quota == 0 {
		return say(VerdictNotSelected, "%s was rightly not selected: its stratum %v had no quota (0 of %d)", row.ID, res.Stratum, st.Eligible)
	}
	overdueNote := ""
	if plan.CoverageDays > 0 {
		overdueNote = fmt.Sprintf(" and it was inspected within the %d days before %s (otherwise it was overdue and ranked before every premises selected at random)", plan.CoverageDays, plan.Date)
	}
	cooldown := ""
	if plan.Cooldown.On() && st.Excluded > 0 {
		cooldown = fmt.Sprintf("it was inspected at least %d times within the %d days before %s (cooldown; %d premises of its stratum were excluded so)", plan.Cooldown.Max, plan.Cooldown.Days, plan.Date, st.Excluded)
	}
	if st.Threshold != nil {
		t := uint64(*st.Threshold)
		if res.Priority > t {
			if overdueNote == "" {
				return say(VerdictNotSelected, "%s was rightly not selected: its priority %s comes after %s, the last selected at random in stratum %v", row.ID, P, *st.Threshold, res.Stratum)
			}
			return say(VerdictConditional, "%s was rightly not selected if%s: its priority %s comes after %s, the last selected at random in stratum %v", row.ID, strings.TrimPrefix(overdueNote, " and"), P, *st.Threshold, res.Stratum)
		}
		if cooldown != "" {
			return say(VerdictConditional, "%s has priority %s, before the threshold %s of stratum %v: not selecting it was right only if %s", row.ID, P, *st.Threshold, res.Stratum, cooldown)
		}
		return say(VerdictWrong, "%s has priority %s, before the threshold %s of stratum %v, no premises of the stratum was excluded by cooldown, yet it was not selected", row.ID, P, *st.Threshold, res.Stratum)
	}
	// The quota went to overdue premises only.
	var last uint64
	for _, s := range v.Selected {
		if s.Mark == random.MarkOverdue && slices.Equal(s.Stratum, res.Stratum) {
			last = max(last, uint64(s.Priority))
		}
	}
	cond := "it was inspected within the plan's coverage days (then it ranked after the overdue premises that filled the quota)"
	if res.Priority > last {
		cond += ", or it was overdue too: its priority " + P + " comes after " + random.FormatPriority(last) + ", the last overdue premises selected"
	}
	if cooldown != "" {
		cond += ", or " + cooldown
	}
	return say(VerdictConditional, "%s was not selected: the quota %d of stratum %v went to overdue premises; that was right if %s", row.ID, st.Quota, res.Stratum, cond)
}

// selfCheckDraw returns the draw a self-check is against (the function
// fn, SelfCheck or SelfCheckBundle, names itself in errors): the live
// draw with digest draw, or with none the last live draw.
func (r *Record) selfCheckDraw(fn string, draw Digest) (*RecordDoc, error) {
	if draw.IsZero() {
		live := r.LiveDraws()
		if len(live) == 0 {
			return nil, errors.New("publish: " + fn + ": the ledger holds no draw")
		}
		return live[len(live)-1], nil
	}
	return r.liveDraw(&RecordDoc{File: "selfcheck"}, draw)
}
