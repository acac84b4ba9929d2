package publish

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// maxStaleRetries bounds how often a lifecycle function rebuilds its
// document after losing a race with another writer.
const maxStaleRetries = 5

// appendDoc reads the record of l, builds the body of the next document
// with build, checks it against the record rules, signs it and appends
// it. The document names the head it was checked against (seq and prev),
// so if another writer appends first the ledger refuses it as stale and
// appendDoc starts again on the new head.
func appendDoc(l Ledger, signers []Signer, kind Kind, build func(r *Record) (any, error)) (Digest, error) {
	return appendText(l, signers, kind, func(r *Record) ([]byte, []Header, error) {
		body, err := build(r)
		if err != nil {
			return nil, nil, err
		}
		text, err := encodeBody(body)
		return text, nil, err
	}, nil)
}

// appendText is appendDoc for a body already written, with extra
// headers; before, when set, runs after every check has passed and
// right before the document is appended (an error stops the append).
func appendText(l Ledger, signers []Signer, kind Kind, build func(r *Record) ([]byte, []Header, error), before func(*RecordDoc) error) (Digest, error) {
	if l == nil {
		return Digest{}, errors.New("publish: no ledger")
	}
	if err := CheckSigners(l, signers); err != nil {
		return Digest{}, err
	}
	for attempt := 0; ; attempt++ {
		r, err := ReadRecord(l)
		if err != nil {
			return Digest{}, err
		}
		text, headers, err := build(r)
		if err != nil {
			return Digest{}, err
		}
		seq := int64(len(r.Docs)) + 1
		var prev Digest
		if seq > 1 {
			prev = r.Docs[seq-2].Digest
		}
		signed, err := SignDocument(&Document{Kind: kind, Ledger: l.Name(), Seq: seq, Prev: prev, Headers: headers, Body: text}, signers...)
		if err != nil {
			return Digest{}, err
		}
		e, err := r.frame(seq, signed)
		if err != nil {
			return Digest{}, err
		}
		if err := r.addNew(e); err != nil {
			return Digest{}, err
		}
		if before != nil {
			if err := before(e); err != nil {
				return Digest{}, err
			}
		}
		justParsed.Store(e.Digest, e.parsedBody())
		_, err = l.Append(signed)
		justParsed.Delete(e.Digest)
		if err != nil {
			if errors.Is(err, ErrStale) && attempt < maxStaleRetries {
				continue
			}
			return Digest{}, err
		}
		return e.Digest, nil
	}
}

// checkTables reports a *MismatchError when set is not the tables an
// announcement fixed.
func checkTables(ann *RecordDoc, set *roster.Set) error {
	if set == nil {
		return errors.New("publish: no tables")
	}
	a := ann.Announcement
	got, err := announcedRoots(ann, set) // v1 or v2 roots: documents_v2.go
	if err != nil {
		return err
	}
	gotN := set.Counts()
	for _, c := range []struct {
		name      string
		want, got roster.Hash
		wn, gn    int
	}{
		{"premises", a.Roots.Premises, got.Premises, a.Counts.Premises, gotN.Premises},
		{"inspectors", a.Roots.Inspectors, got.Inspectors, a.Counts.Inspectors, gotN.Inspectors},
		{"conflicts", a.Roots.Conflicts, got.Conflicts, a.Counts.Conflicts, gotN.Conflicts},
		{"history", a.Roots.History, got.History, a.Counts.History, gotN.History},
	} {
		if c.want != c.got {
			return &MismatchError{Doc: ann.File, Field: "roots." + c.name,
				Want: fmt.Sprintf("%s (%d rows)", c.want, c.wn), Got: fmt.Sprintf("%s (%d rows) in the tables given", c.got, c.gn)}
		}
	}
	return nil
}

// Announce publishes the announcement of plan over the tables of set,
// with the seed sources promised, at the time published (the caller's
// clock: the library reads none). A beacon round must be due after
// published and a dice ceremony held after it. When a redraw amendment
// is waiting for its new announcement, this announcement answers it.
// plan must come from [random.ParsePlan] or [random.LoadPlan]: its exact
// bytes are published.
//
// Announce runs no pre-flight check; [AnnounceWith] does.
func Announce(l Ledger, signers []Signer, plan *random.Plan, set *roster.Set, promises []random.SeedPromise, published time.Time) (Digest, error) {
	return AnnounceWith(l, signers, plan, set, promises, published, AnnounceOptions{})
}

// ErrPreflight reports a plan whose pre-flight check
// ([random.Preflight]) found problems, announced without accepting them.
var ErrPreflight = errors.New("the plan has pre-flight problems; fix them, or accept them so that the announcement records them")

// AnnounceOptions configure [AnnounceWith].
type AnnounceOptions struct {
	// Preflight runs [random.Preflight] over the plan and the tables
	// before anything is signed, and refuses a plan with problems
	// ([ErrPreflight], in a *PreflightError that lists them) unless
	// AcceptProblems is set; the announcement then records the
	// problems ("accepted_problems") for every reader to see.
	Preflight      bool
	AcceptProblems bool
	// Report, when set with Preflight, is the pre-flight report of this
	// plan over these tables, computed already (it must name the plan's
	// digest); it saves running the check twice. ReportV2 is the same for
	// a plan of protocol v2 ([AnnounceV2With]).
	Report   *random.PreflightReport
	ReportV2 *random.PreflightReportV2
}

// PreflightError reports the problems of a plan's pre-flight check. It
// matches [ErrPreflight].
type PreflightError struct {
	Problems []string
}

func (e *PreflightError) Error() string {
	return fmt.Sprintf("publish: %d pre-flight problems: %s: %v", len(e.Problems), strings.Join(e.Problems, "; "), ErrPreflight)
}

func (e *PreflightError) Unwrap() error { return ErrPreflight }

// AnnounceWith is [Announce] with options: with opt.Preflight it runs
// the pre-flight check first and refuses, or records, its problems.
func AnnounceWith(l Ledger, signers []Signer, plan *random.Plan, set *roster.Set, promises []random.SeedPromise, published time.Time, opt AnnounceOptions) (Digest, error) {
	if plan == nil || set == nil {
		return Digest{}, errors.New("publish: Announce: no plan or no tables")
	}
	if err := plan.Check(set); err != nil {
		return Digest{}, err
	}
	if published.IsZero() {
		return Digest{}, errors.New("publish: Announce: no publication time")
	}
	if err := random.CheckSources(promises); err != nil {
		return Digest{}, err
	}
	var accepted []string
	if opt.Preflight {
		var err error
		pre := opt.Report
		if pre == nil {
			if pre, err = random.Preflight(plan, set); err != nil {
				return Digest{}, err
			}
		} else if pre.PlanDigest != plan.Digest() {
			return Digest{}, fmt.Errorf("publish: Announce: the pre-flight report is of plan %s, not %s", pre.PlanDigest, plan.Digest())
		}
		if accepted, err = acceptProblems(pre.Problems(), opt.AcceptProblems); err != nil {
			return Digest{}, err
		}
	}
	roots := set.Roots()
	return appendAnnouncement(l, signers, &AnnouncementBody{
		Published:  At(published),
		PlanID:     plan.ID,
		PlanDigest: plan.Digest(),
		Inputs:     roots.Inputs(plan.Digest()),
		Roots:      roots,
		Counts:     set.Counts(),
		Seed:       promises,
		Plan:       string(plan.Bytes()),

		AcceptedProblems: accepted,
	})
}

// acceptProblems returns the pre-flight problems an announcement records:
// none when there are none, a *PreflightError when there are some and
// they are not accepted.
func acceptProblems(ps []string, accept bool) ([]string, error) {
	if len(ps) > 0 && !accept {
		return nil, &PreflightError{Problems: ps}
	}
	return ps, nil
}

// appendAnnouncement appends the announcement body a (of either
// protocol); when a redraw amendment is waiting for its new
// announcement, a answers it.
func appendAnnouncement(l Ledger, signers []Signer, a *AnnouncementBody) (Digest, error) {
	return appendDoc(l, signers, KindAnnouncement, func(r *Record) (any, error) {
		b := *a
		if len(r.pending) > 0 {
			d := r.pending[0].Digest
			b.Redraw = &d
		}
		return &b, nil
	})
}

// replay runs the draw of a draw document again over set.
func replay(ctx context.Context, r *Record, draw *RecordDoc, set *roster.Set) (*random.Result, error) {
	ann := r.byDigest[draw.Draw.Announcement]
	if err := checkTables(ann, set); err != nil {
		return nil, err
	}
	return random.Draw(ctx, ann.plan, set, draw.Draw.Seed, random.Options{})
}

// PublishDraw draws for an announcement of l with the seed its evidence
// gives, over set (which must be the tables announced), and publishes
// the draw record, dated at. It refuses a second draw for one
// announcement ([ErrSecondDraw]): a re-draw is a [Redraw] and a new
// announcement. It returns the draw and the record's digest.
func PublishDraw(ctx context.Context, l Ledger, signers []Signer, announcement Digest, set *roster.Set, evidence []random.SeedEvidence, at time.Time) (*random.Result, Digest, error) {
	var res *random.Result
	d, err := appendDoc(l, signers, KindDraw, func(r *Record) (any, error) {
		body, x, err := buildDraw(ctx, r, l.Name(), announcement, set, evidence, at)
		res = x
		return body, err
	})
	if err != nil {
		return nil, Digest{}, err
	}
	return res, d, nil
}

// buildDraw draws for an announcement of r and returns the draw body
// (without a nonce) and the result.
func buildDraw(ctx context.Context, r *Record, ledger string, announcement Digest, set *roster.Set, evidence []random.SeedEvidence, at time.Time) (*DrawBody, *random.Result, error) {
	ann, ok := r.Lookup(announcement)
	if !ok || ann.Announcement == nil {
		return nil, nil, &RecordError{Doc: "draw", Field: "announcement", Value: announcement.String(), Err: fmt.Errorf("%w: no announcement with this digest in ledger %s", ErrReference, ledger)}
	}
	if prev := r.DrawOf(announcement); prev != nil {
		return nil, nil, &RecordError{Doc: "draw", Field: "announcement", Value: announcement.String(), Err: fmt.Errorf("%w (%s is the draw of %s)", ErrSecondDraw, prev.File, ann.File)}
	}
	if s := r.SealOf(announcement); s != nil {
		return nil, nil, &RecordError{Doc: "draw", Field: "announcement", Value: announcement.String(), Err: fmt.Errorf("%w: %s sealed the draw of %s; release it with Unseal", ErrSealedDraw, s.File, ann.File)}
	}
	if err := checkTables(ann, set); err != nil {
		return nil, nil, err
	}
	seed, err := random.DeriveSeed(ann.Announcement.Seed, evidence)
	if err != nil {
		return nil, nil, err
	}
	res, err := random.Draw(ctx, ann.plan, set, seed, random.Options{})
	if err != nil {
		return nil, nil, err
	}
	return &DrawBody{Announcement: announcement, DrawnAt: At(at), Evidence: evidence, Seed: seed, View: res.View()}, res, nil
}

// Redraw publishes an amendment that voids a draw, with the reason. The
// next announcement published ([Announce]) answers it, and its draw
// replaces the voided one. The voided draw stays in the ledger and
// [Verify] lists every redraw: re-rolling until an outcome suits is the
// abuse the record exists to expose, so give the reason in full.
func Redraw(l Ledger, signers []Signer, draw Digest, reason string, at time.Time) (Digest, error) {
	return appendDoc(l, signers, KindAmendment, func(r *Record) (any, error) {
		return &AmendmentBody{Kind: AmendRedraw, Published: At(at), Draw: draw, Reason: reason}, nil
	})
}

// Substitute publishes an amendment that replaces inspectors on teams of
// a draw (an inspector falls ill, a conflict of interest comes to
// light). It replays the draw over set, applies the substitutions of
// earlier amendments of the draw and then subs, in order, with
// [random.Result.Substitute], and records each replacement and the team
// after it. It returns the replacements of subs. For a draw of protocol
// v2 the replacements are those of [random.ResultV2.Substitute]
// (lifecycle_v2.go): when nobody qualifies, In is "" and the team is
// empty (the visit became unstaffed).
func Substitute(ctx context.Context, l Ledger, signers []Signer, draw Digest, set *roster.Set, subs []random.Substitution, at time.Time) ([]random.Replacement, Digest, error) {
	if len(subs) == 0 {
		return nil, Digest{}, errors.New("publish: Substitute: no substitution")
	}
	var out []random.Replacement
	d, err := appendDoc(l, signers, KindAmendment, func(r *Record) (any, error) {
		e, err := r.liveDraw(&RecordDoc{File: "amendment"}, draw)
		if err != nil {
			return nil, err
		}
		if e.Draw.ViewV2 != nil { // protocol v2: lifecycle_v2.go
			m, reps, err := substituteV2(ctx, r, e, set, subs, at)
			out = out[:0]
			for _, rep := range reps {
				out = append(out, rep.Replacement)
			}
			return m, err
		}
		res, err := replay(ctx, r, e, set)
		if err != nil {
			return nil, err
		}
		prior := toSubstitutions(r.Substitutions(draw))
		reps, err := res.Substitute(append(prior, subs...))
		if err != nil {
			return nil, err
		}
		out = reps[len(prior):]
		m := &AmendmentBody{Kind: AmendSubstitution, Published: At(at), Draw: draw}
		for _, rep := range out {
			m.Substitutions = append(m.Substitutions, SubstitutionItem{
				Premises: rep.Premises, Out: rep.Out, In: rep.In, Team: rep.Team, Reason: rep.Reason, Conflict: rep.Conflict,
			})
			if rep.Conflict {
				m.Conflicts = append(m.Conflicts, ConflictItem{Inspector: rep.Out, Premises: rep.Premises, Reason: rep.Reason})
			}
		}
		return m, nil
	})
	if err != nil {
		return nil, Digest{}, err
	}
	return out, d, nil
}

func toSubstitutions(items []SubstitutionItem) []random.Substitution {
	out := make([]random.Substitution, len(items))
	for i, s := range items {
		out[i] = random.Substitution{Premises: s.Premises, Out: s.Out, Reason: s.Reason, Conflict: s.Conflict}
	}
	return out
}

// PublishResults publishes the outcomes of inspections of a draw's
// selected premises (抽查结果公示), dated published. Each entry gives the
// premises, the outcome code (and the codes of further outcomes in More,
// whose texts may be left empty), the day inspected, the inspectors who
// went, a note and optionally the follow-up status, the implementing
// authority and the inspection type (see [ResultsBody]); the outcome
// texts are filled in from outcomes (nil means [Standard]). Results may
// come in several documents, but each premises gets one entry.
func PublishResults(l Ledger, signers []Signer, draw Digest, outcomes *Outcomes, results []ResultEntry, published time.Time) (Digest, error) {
	if outcomes == nil {
		outcomes = Standard()
	}
	entries := make([]ResultEntry, len(results))
	for i, x := range results {
		o, ok := outcomes.Lookup(x.Outcome)
		if !ok {
			return Digest{}, &OutcomeError{Code: x.Outcome, Err: fmt.Errorf("unknown outcome (premises %s)", x.Premises)}
		}
		x.Zh, x.En = o.Zh, o.En
		if len(x.More) > 0 {
			more := make([]OutcomeText, len(x.More))
			for j, m := range x.More {
				o, ok := outcomes.Lookup(m.Code)
				if !ok {
					return Digest{}, &OutcomeError{Code: m.Code, Err: fmt.Errorf("unknown outcome (premises %s)", x.Premises)}
				}
				more[j] = OutcomeText{o.Code, o.Zh, o.En}
			}
			x.More = more
		} else {
			x.More = nil
		}
		entries[i] = x
	}
	return appendDoc(l, signers, KindResults, func(r *Record) (any, error) {
		return &ResultsBody{Draw: draw, Published: At(published), Results: entries}, nil
	})
}
