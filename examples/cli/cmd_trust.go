package main

import (
	"context"
	"fmt"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// preflightAnnounce runs the pre-flight check of a plan before anything
// is written to a ledger, and refuses a plan with problems unless
// accept is set (the announcement then records them). It also refuses,
// before any ledger is touched, a system seed combined with another
// source.
func preflightAnnounce(dir string, plan *random.Plan, set *roster.Set, promises []random.SeedPromise, accept bool) (*random.PreflightReport, error) {
	if err := random.CheckSources(promises); err != nil {
		return nil, err
	}
	pre, err := random.Preflight(plan, set)
	if err != nil {
		return nil, err
	}
	if ps := pre.Problems(); len(ps) > 0 && !accept {
		return nil, fmt.Errorf("--dir %s: the plan has %d pre-flight problems; nothing was published:\n%s"+
			"fix them (preflight --dir prints the report), or give --accept-problems to publish anyway: the announcement then records them",
			dir, len(ps), problemLines(ps))
	}
	return pre, nil
}

// preflightAnnounceV2 is preflightAnnounce for a v2 plan: the plan drawn
// under made-up seeds (random.PreflightV2), its problems refused unless
// accepted.
func preflightAnnounceV2(dir string, plan *random.PlanV2, set *roster.Set, promises []random.SeedPromise, accept bool) (*random.PreflightReportV2, error) {
	if err := random.CheckSources(promises); err != nil {
		return nil, err
	}
	pre, err := random.PreflightV2(context.Background(), plan, set)
	if err != nil {
		return nil, err
	}
	if ps := pre.Problems(); len(ps) > 0 && !accept {
		return nil, fmt.Errorf("--dir %s: the plan has %d pre-flight problems (in %d draws under made-up seeds); nothing was published:\n%s"+
			"fix them (simulate --dir prints the figures), or give --accept-problems to publish anyway: the announcement then records them",
			dir, len(ps), random.PreflightV2Runs, problemLines(ps))
	}
	return pre, nil
}

func problemLines(ps []string) string {
	s := ""
	for _, p := range ps {
		s += "  " + p + "\n"
	}
	return s
}

// loadVerifiers reads --pub files: the keys that must have signed.
func loadVerifiers(pubs []string) ([]note.Verifier, publish.Policy, error) {
	var vs []note.Verifier
	p := publish.Policy{AllowUnknown: true}
	for _, f := range pubs {
		v, err := publish.LoadVerifier(f)
		if err != nil {
			return nil, p, err
		}
		vs = append(vs, v)
		p.Require = append(p.Require, v.Name())
	}
	return vs, p, nil
}
