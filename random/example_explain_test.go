package random_test

import (
	"context"
	"fmt"
	"log"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// county7 replays the county-7 test vector.
func county7() *random.Result {
	set, err := roster.LoadDir("../testdata/dr1-county-7", roster.Options{})
	if err != nil {
		log.Fatal(err)
	}
	plan, err := random.LoadPlan("../testdata/dr1-county-7/plan.json")
	if err != nil {
		log.Fatal(err)
	}
	seed, err := random.DiceSeed("2023 7331 1281 5921 1123")
	if err != nil {
		log.Fatal(err)
	}
	res, err := random.Draw(context.Background(), plan, set, seed, random.Options{})
	if err != nil {
		log.Fatal(err)
	}
	return res
}

// An inspector falls ill after the county-7 draw, then a conflict of
// interest comes to light for their replacement. Each amendment passes
// every substitution published so far, in ledger order; the replacement
// is the first eligible inspector in (Q, id) order who was never on the
// team and still has capacity.
func ExampleResult_Substitute() {
	res := county7()
	reps, err := res.Substitute([]random.Substitution{
		{Premises: "91371727B23C6F5DAF", Out: "WJ3717270077", Reason: "ill on the inspection day"},
		{Premises: "91371727B23C6F5DAF", Out: "WJ3717270028", Reason: "former employee of the owner", Conflict: true},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, rep := range reps {
		fmt.Println(rep.Out, "->", rep.In, rep.Team)
	}
	row, _ := reps[1].ConflictRow()
	fmt.Printf("new conflicts row: %q\n", row.ID)
	// Output:
	// WJ3717270077 -> WJ3717270028 [WJ3717270084 WJ3717270028]
	// WJ3717270028 -> WJ3717270091 [WJ3717270084 WJ3717270091]
	// new conflicts row: "WJ3717270028 91371727B23C6F5DAF"
}

// A business owner asks why their premises was not selected.
func ExampleResult_Explain() {
	res := county7()
	e, err := res.Explain("371727045915")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(e.Decision, e.Rank+1, "of", e.Eligible, "quota", e.Quota)
	fmt.Print(e)
	// Output:
	// not reached 4 of 5 quota 2
	// Premises 371727045915 was not selected: it ranked 4th of 5 in its stratum and the quota is 2.
	// Its stratum is region 371727003, category medical: 5 premises eligible, quota 2 (quota rule 2).
	// It is not overdue: it was inspected within the last 1095 days (last inspected on 2025-10-13).
	// Its priority is 1b14baf24163b346 (anyone can recompute it from the draw key and the id).
	// The quota of 2 went entirely to overdue premises; nothing was selected at random in this stratum, so it has no threshold.
}

// An inspector asks why they are not on a premises' team.
func ExampleResult_ExplainInspector() {
	res := county7()
	e, err := res.ExplainInspector("91371727B23C6F5DAF", "WJ3717270000")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(e)
	// Output:
	// Inspector WJ3717270000 is eligible for premises 91371727B23C6F5DAF under team rule 2.
	// Their inspector key for this premises is Q = beb6f7aa0422e1d8.
	// They are the 7th eligible inspector in (Q, id) order, but had already joined 4 teams, their capacity, when this premises was staffed.
	// Capacity: 4 teams; the draw gave them 4, 0 left.
}

// Before the announcement, the plan is checked against the tables: no
// seed is needed for the strata, the quotas or who can staff a team.
func ExamplePreflight() {
	set, err := roster.LoadDir("../testdata/dr1-county-12", roster.Options{})
	if err != nil {
		log.Fatal(err)
	}
	plan, err := random.LoadPlan("../testdata/dr1-county-12/plan.json")
	if err != nil {
		log.Fatal(err)
	}
	rep, err := random.Preflight(plan, set)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("strata", len(rep.Strata), "at most", rep.MaxSelected, "selected")
	for _, t := range rep.Teams {
		fmt.Println("team rule", t.Rule, "candidates", t.Candidates, "teams at most", t.MaxTeams, "enough capacity", t.Enough)
	}
	for _, p := range rep.Thin {
		fmt.Println("too few inspectors:", p.ID, p.Eligible, "of", p.Size)
	}
	fmt.Println("ok", rep.OK())
	// Output:
	// strata 15 at most 26 selected
	// team rule 0 candidates 7 teams at most 11 enough capacity true
	// team rule 1 candidates 4 teams at most 1 enough capacity true
	// team rule 2 candidates 11 teams at most 14 enough capacity true
	// too few inspectors: 9137172738H8CH6C6J 1 of 2
	// ok false
}
