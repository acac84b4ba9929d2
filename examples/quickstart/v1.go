package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/examples/internal/samplecounty"
	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// quickstartV1 is the story of protocol v1 (-v1): one draw of the
// embedded v1 county, announced, drawn, published and verified. It reports
// whether the ledger verified.
func quickstartV1(w io.Writer, dir, digits string, now time.Time) (bool, error) {
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "doublerandom-quickstart-"); err != nil {
			return false, err
		}
	}
	countyDir, ledgerDir, keyPrefix := filepath.Join(dir, "county"), filepath.Join(dir, "ledger"), filepath.Join(dir, "agency")

	// The tables and the plan, written out too so that the CLI can
	// replay the ledger afterwards.
	if err := samplecounty.WriteDir(countyDir); err != nil {
		return false, err
	}
	set, err := roster.LoadDir(countyDir, roster.Options{})
	if err != nil {
		return false, err
	}
	plan, err := random.LoadPlan(filepath.Join(countyDir, samplecounty.PlanFile))
	if err != nil {
		return false, err
	}

	// A fresh key for this run, and the ledger it signs.
	a, err := newAgency(keyPrefix, ledgerDir)
	if err != nil {
		return false, err
	}
	l, signers, vk := a.ledger, a.signers, a.vk
	defer l.Close()

	// Announce before the seed exists, hold the ceremony, draw.
	now = now.In(publish.Zone).Truncate(time.Second)
	announced, held := now.Add(-2*time.Minute), now.Add(-time.Minute)
	dice := random.DiceSource{Ceremony: random.Ceremony{When: held.Format(time.RFC3339), Where: exampleWhere}}
	ann, err := publish.Announce(l, signers, plan, set, []random.SeedPromise{dice.Promise()}, announced)
	if err != nil {
		return false, err
	}
	dice.Digits = digits
	ev, err := dice.Evidence()
	if err != nil {
		return false, err
	}
	res, _, err := publish.PublishDraw(context.Background(), l, signers, ann, set, []random.SeedEvidence{ev}, now)
	if err != nil {
		return false, err
	}

	// What an auditor does: replay the ledger against the tables.
	rep, err := publish.Verify(l, set, []note.Verifier{a.verifier}, publish.Options{})
	if err != nil {
		return false, err
	}

	s := summaryV1{w: w, res: res}
	s.header(plan, set, vk)
	fmt.Fprintf(w, "\n1. announced %s  000001-announcement.note: plan, roots, dice ceremony at %s in %s\n",
		announced.Format("15:04:05"), held.Format("15:04:05"), exampleWhere)
	label := "the example ceremony's digits; -seed-dice to use your own"
	if digits != exampleDigits {
		label = "given with -seed-dice"
	}
	fmt.Fprintf(w, "2. ceremony  %s  digits %s (%s)\n", held.Format("15:04:05"), ev.Digits, label)
	fmt.Fprintf(w, "3. drawn     %s  000002-draw.note: key K = %s\n\n", now.Format("15:04:05"), res.Key)
	s.strata()
	s.selected()
	s.verification(rep)
	fmt.Fprintf(w, "\nfiles in %s:\n", dir)
	fmt.Fprintf(w, "  agency.key agency.pub  the demonstration key (secret) and its verifier key\n")
	fmt.Fprintf(w, "  county/                plan.json and the four tables, as announced\n")
	fmt.Fprintf(w, "  ledger/                %s\n", strings.Join(ledgerFiles(ledgerDir), " "))
	fmt.Fprintf(w, "replay it yourself:\n  go run ./examples/cli verify --ledger %s --dir %s --pub %s.pub\n", ledgerDir, countyDir, keyPrefix)
	return rep.OK(), nil
}

// summaryV1 prints the parts of the report.
type summaryV1 struct {
	w   io.Writer
	res *random.Result
}

func (s summaryV1) header(plan *random.Plan, set *roster.Set, vk string) {
	fmt.Fprintf(s.w, "doublerandom quickstart: one draw on the sample county 澄溪县, announced, drawn, published, verified\n\n")
	fmt.Fprintf(s.w, "plan    %s %s (%s), digest %s\n", plan.ID, plan.Name, plan.Date, short(plan.Digest().String()))
	roots, n := set.Roots(), set.Counts()
	fmt.Fprintf(s.w, "tables  premises %d rows (root %s), inspectors %d (root %s),\n", n.Premises, short(roots.Premises.String()), n.Inspectors, short(roots.Inspectors.String()))
	fmt.Fprintf(s.w, "        conflicts %d (root %s), history %d (root %s)\n", n.Conflicts, short(roots.Conflicts.String()), n.History, short(roots.History.String()))
	fmt.Fprintf(s.w, "key     %s (fresh for this run: a demonstration key)\n", vk)
}

func (s summaryV1) strata() {
	fmt.Fprintf(s.w, "%-20s %8s %8s %5s  %s\n", strings.Join(s.res.Plan.Stratify, "/"), "eligible", "excluded", "quota", "threshold")
	for _, st := range s.res.Strata {
		th := "-"
		if st.HasThreshold {
			th = random.FormatPriority(st.Threshold)
		}
		if st.NoQuotaRule() {
			th += " (no quota rule)"
		}
		fmt.Fprintf(s.w, "%-20s %8d %8d %5d  %s\n", strings.Join(st.Values, "/"), st.Eligible, st.Excluded, st.Quota, th)
	}
}

func (s summaryV1) selected() {
	marks := map[random.Mark]int{}
	var staffed, unstaffed []random.Selection
	for _, sel := range s.res.Selected {
		marks[sel.Mark]++
		if sel.Team != nil {
			staffed = append(staffed, sel)
		} else {
			unstaffed = append(unstaffed, sel)
		}
	}
	fmt.Fprintf(s.w, "\nselected %d: %d overdue, %d random, %d targeted; %d with a team, %d unstaffed\n",
		len(s.res.Selected), marks[random.MarkOverdue], marks[random.MarkRandom], marks[random.MarkTargeted], len(staffed), len(unstaffed))
	const teams = 2
	fmt.Fprintf(s.w, "some teams (of %d):\n", len(staffed))
	for _, sel := range staffed[:min(teams, len(staffed))] {
		fmt.Fprintf(s.w, "  %s %-8s %-14s %s\n", sel.ID, sel.Mark, strings.Join(s.res.Strata[sel.Stratum].Values, "/"), strings.Join(s.inspectors(sel), ", "))
	}
	if len(unstaffed) > 0 {
		fmt.Fprintf(s.w, "unstaffed:\n")
	}
	for _, sel := range unstaffed {
		why := sel.Unstaffed.String()
		if sel.MissingUnit != "" {
			why += " (" + sel.MissingUnit + ")"
		}
		fmt.Fprintf(s.w, "  %s %-8s %-14s %s, |E(p)| = %d\n", sel.ID, sel.Mark, strings.Join(s.res.Strata[sel.Stratum].Values, "/"), why, sel.EligibleCount)
	}
}

// inspectors names the team members, "id name".
func (s summaryV1) inspectors(sel random.Selection) []string {
	var out []string
	for _, c := range sel.Team {
		name := s.res.Set.Inspectors.At(c.Inspector).Get("name")
		out = append(out, strings.TrimSpace(c.ID+" "+name))
	}
	return out
}

func (s summaryV1) verification(rep *publish.Report) {
	fmt.Fprintf(s.w, "\nverify: %d documents signed by %s, checkpoint %d", rep.Documents, strings.Join(rep.Signers, ", "), rep.Checkpoint.Size)
	for _, d := range rep.Draws {
		if d.Replayed {
			fmt.Fprintf(s.w, "; %s replayed from the tables: identical", d.Doc)
		}
	}
	fmt.Fprintf(s.w, "\n")
	for _, p := range rep.Warnings {
		fmt.Fprintf(s.w, "warning: %s\n", p)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(s.w, "PROBLEM: %s\n", p)
	}
	if rep.OK() {
		fmt.Fprintf(s.w, "verified: OK\n")
	} else {
		fmt.Fprintf(s.w, "verified: FAILED, %d problems\n", len(rep.Problems))
	}
}
