package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// AnnounceV2 is [Announce] for a plan of protocol v2: it publishes the
// plan's exact bytes, the v2 roots of set (its private attributes
// committed with the set's [roster.Commitment], the agency's blinding
// key, which is never published), the row counts and the seed sources.
// set must be read under protocol v2 with the blinding key
// (roster.Options.Protocol and Commitment); plan must come from
// [random.ParsePlanV2] or [random.LoadPlanV2].
//
// AnnounceV2 runs no pre-flight check; [AnnounceV2With] does.
func AnnounceV2(l Ledger, signers []Signer, plan *random.PlanV2, set *roster.Set, promises []random.SeedPromise, published time.Time) (Digest, error) {
	return AnnounceV2With(l, signers, plan, set, promises, published, AnnounceOptions{})
}

// AnnounceV2With is [AnnounceV2] with options: with opt.Preflight it runs
// the v2 pre-flight check ([random.PreflightV2]: the plan drawn under
// made-up seeds) first (or takes opt.ReportV2, computed already for this
// plan), and refuses a plan with problems ([ErrPreflight], in a
// *PreflightError) unless opt.AcceptProblems is set; the announcement
// then records them ("accepted_problems").
func AnnounceV2With(l Ledger, signers []Signer, plan *random.PlanV2, set *roster.Set, promises []random.SeedPromise, published time.Time, opt AnnounceOptions) (Digest, error) {
	if plan == nil || set == nil {
		return Digest{}, errors.New("publish: AnnounceV2: no plan or no tables")
	}
	if set.Protocol() != roster.ProtocolV2 {
		return Digest{}, fmt.Errorf("publish: AnnounceV2: %w", errV2Tables)
	}
	if err := plan.Check(set); err != nil {
		return Digest{}, err
	}
	if published.IsZero() {
		return Digest{}, errors.New("publish: AnnounceV2: no publication time")
	}
	if set.Commitment().Published {
		return Digest{}, errors.New("publish: AnnounceV2: the tables are in published form; announce from the full tables and the blinding key")
	}
	roots, err := set.RootsV2(plan.Private)
	if err != nil {
		return Digest{}, err
	}
	var accepted []string
	if opt.Preflight {
		pre := opt.ReportV2
		if pre == nil {
			if pre, err = random.PreflightV2(context.Background(), plan, set); err != nil {
				return Digest{}, err
			}
		} else if pre.PlanDigest != plan.Digest() {
			return Digest{}, fmt.Errorf("publish: AnnounceV2: the pre-flight report is of plan %s, not %s", pre.PlanDigest, plan.Digest())
		}
		if accepted, err = acceptProblems(pre.Problems(), opt.AcceptProblems); err != nil {
			return Digest{}, err
		}
	}
	return appendAnnouncement(l, signers, &AnnouncementBody{
		Published:  At(published),
		PlanID:     plan.ID,
		PlanDigest: plan.Digest(),
		Inputs:     roots.InputsV2(plan.Digest()),
		Roots:      roots,
		Counts:     set.Counts(),
		Seed:       promises,
		Plan:       string(plan.Bytes()),

		AcceptedProblems: accepted,
	})
}

// replayV2 runs the draw of a v2 draw document again over set.
func replayV2(ctx context.Context, r *Record, draw *RecordDoc, set *roster.Set) (*random.ResultV2, error) {
	ann := r.byDigest[draw.Draw.Announcement]
	if err := checkTables(ann, set); err != nil {
		return nil, err
	}
	return random.DrawV2(ctx, ann.planV2, set, draw.Draw.Seed, random.Options{})
}

// PublishDrawV2 is [PublishDraw] for an announcement of protocol v2: it
// draws with [random.DrawV2] over set (the tables announced, read under
// protocol v2 with the blinding key) and publishes the draw record with
// the v2 view.
func PublishDrawV2(ctx context.Context, l Ledger, signers []Signer, announcement Digest, set *roster.Set, evidence []random.SeedEvidence, at time.Time) (*random.ResultV2, Digest, error) {
	var res *random.ResultV2
	d, err := appendDoc(l, signers, KindDraw, func(r *Record) (any, error) {
		ann, ok := r.Lookup(announcement)
		if !ok || ann.Announcement == nil {
			return nil, &RecordError{Doc: "draw", Field: "announcement", Value: announcement.String(), Err: fmt.Errorf("%w: no announcement with this digest in ledger %s", ErrReference, l.Name())}
		}
		if ann.planV2 == nil {
			return nil, &RecordError{Doc: "draw", Field: "announcement", Value: announcement.String(), Err: fmt.Errorf("%w: %s announces a plan of %s; use PublishDraw", ErrReference, ann.File, random.Protocol)}
		}
		if prev := r.DrawOf(announcement); prev != nil {
			return nil, &RecordError{Doc: "draw", Field: "announcement", Value: announcement.String(), Err: fmt.Errorf("%w (%s is the draw of %s)", ErrSecondDraw, prev.File, ann.File)}
		}
		if err := checkTables(ann, set); err != nil {
			return nil, err
		}
		seed, err := random.DeriveSeed(ann.Announcement.Seed, evidence)
		if err != nil {
			return nil, err
		}
		res, err = random.DrawV2(ctx, ann.planV2, set, seed, random.Options{})
		if err != nil {
			return nil, err
		}
		return &drawBodyV2{Announcement: announcement, DrawnAt: At(at), Evidence: evidence, Seed: seed, View: res.View()}, nil
	})
	if err != nil {
		return nil, Digest{}, err
	}
	return res, d, nil
}

// substituteV2 builds the amendment of [Substitute] for a v2 draw: the
// draw replayed, the substitutions of earlier amendments and then subs
// applied with [random.ResultV2.Substitute].
func substituteV2(ctx context.Context, r *Record, e *RecordDoc, set *roster.Set, subs []random.Substitution, at time.Time) (*AmendmentBody, []random.ReplacementV2, error) {
	res, err := replayV2(ctx, r, e, set)
	if err != nil {
		return nil, nil, err
	}
	prior := toSubstitutions(r.Substitutions(e.Digest))
	reps, err := res.Substitute(append(prior, subs...))
	if err != nil {
		return nil, nil, err
	}
	out := reps[len(prior):]
	m := &AmendmentBody{Kind: AmendSubstitution, Published: At(at), Draw: e.Digest}
	for _, rep := range out {
		m.Substitutions = append(m.Substitutions, SubstitutionItem{
			Premises: rep.Premises, Out: rep.Out, In: rep.In, Team: rep.Team, Reason: rep.Reason, Conflict: rep.Conflict,
		})
		if rep.Conflict {
			m.Conflicts = append(m.Conflicts, ConflictItem{Inspector: rep.Out, Premises: rep.Premises, Reason: rep.Reason})
		}
	}
	return m, out, nil
}
