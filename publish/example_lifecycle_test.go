package publish_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// The whole life of a draw: announce the plan, tables and dice ceremony;
// draw with the digits read out; replace an inspector who fell ill;
// publish results; verify.
func ExampleAnnounce() {
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)
	agency, agencyPub := fixedKey("example.gov.cn/wjw")
	v, _ := publish.NewVerifier(agencyPub)
	signers := []publish.Signer{agency}
	l, err := publish.CreateDir(filepath.Join(dir, "ledger"), "example.gov.cn/wjw",
		publish.DirOptions{Signer: agency, Verifiers: []note.Verifier{v}, Validate: publish.ValidateRecord})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	plan, _ := random.LoadPlan("../testdata/dr1-county-7/plan.json")
	set, _ := roster.LoadDir("../testdata/dr1-county-7", roster.Options{})

	dice := random.DiceSource{Ceremony: random.Ceremony{When: "2026-11-22T09:30:00+08:00", Where: "县卫生健康局三楼会议室"}}
	ann, err := publish.Announce(l, signers, plan, set, []random.SeedPromise{dice.Promise()},
		time.Date(2026, 11, 20, 10, 0, 0, 0, publish.Zone))
	if err != nil {
		log.Fatal(err)
	}
	dice.Digits = "2023 7331 1281 5921 1123"
	ev, _ := dice.Evidence()
	res, draw, err := publish.PublishDraw(context.Background(), l, signers, ann, set, []random.SeedEvidence{ev},
		time.Date(2026, 11, 22, 9, 35, 0, 0, publish.Zone))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("key", res.Key)
	o, _ := res.Outcome("91371727HD841G735N")
	sel := res.Selected[o.Selected]
	fmt.Println(sel.ID, sel.Mark, sel.TeamIDs())

	reps, _, err := publish.Substitute(context.Background(), l, signers, draw, set,
		[]random.Substitution{{Premises: sel.ID, Out: sel.Team[0].ID, Reason: "病假"}}, time.Date(2026, 11, 23, 9, 0, 0, 0, publish.Zone))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(reps[0].Out, "out,", reps[0].In, "in:", reps[0].Team)

	_, err = publish.PublishResults(l, signers, draw, nil, []publish.ResultEntry{{
		Premises: sel.ID, Outcome: publish.OutcomeNoIssue, Inspected: roster.MustParseDate("2026-11-25"), Inspectors: reps[0].Team,
	}}, time.Date(2026, 12, 1, 10, 0, 0, 0, publish.Zone))
	if err != nil {
		log.Fatal(err)
	}
	rep, _ := publish.Verify(l, set, []note.Verifier{v}, publish.Options{})
	fmt.Println("verified:", rep.OK(), "replayed:", rep.Draws[0].Replayed)
	// Output:
	// key 4730068ff4de32c7ada5bde673866566de11d35a2aa6ac15123ebc7fa4095956
	// 91371727HD841G735N overdue [WJ3717270021 WJ3717270098]
	// WJ3717270021 out, WJ3717270084 in: [WJ3717270084 WJ3717270098]
	// verified: true replayed: true
}

// Verify reports a draw record that differs from its replay, field by
// field. Here the auditor's copy of the premises table differs from the
// one announced (one row's risk class changed).
func ExampleVerify() {
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)
	agency, agencyPub := fixedKey("example.gov.cn/wjw")
	v, _ := publish.NewVerifier(agencyPub)
	l, _ := publish.CreateDir(filepath.Join(dir, "ledger"), "example.gov.cn/wjw",
		publish.DirOptions{Signer: agency, Validate: publish.ValidateRecord})
	defer l.Close()
	plan, _ := random.LoadPlan("../testdata/dr1-county-7/plan.json")
	set, _ := roster.LoadDir("../testdata/dr1-county-7", roster.Options{})
	dice := random.DiceSource{Ceremony: random.Ceremony{When: "2026-11-22T09:30:00+08:00", Where: "三楼会议室"}, Digits: "2023 7331 1281 5921 1123"}
	ann, _ := publish.Announce(l, []publish.Signer{agency}, plan, set, []random.SeedPromise{dice.Promise()}, time.Date(2026, 11, 20, 10, 0, 0, 0, publish.Zone))
	ev, _ := dice.Evidence()
	publish.PublishDraw(context.Background(), l, []publish.Signer{agency}, ann, set, []random.SeedEvidence{ev}, time.Date(2026, 11, 22, 9, 35, 0, 0, publish.Zone))

	rows := set.Premises.Rows()
	changed := append([]roster.Row(nil), rows...)
	changed[0] = changed[0].With(roster.AttrRisk, "D")
	p, _ := roster.NewTable(roster.KindPremises, changed, roster.Options{})
	other, _ := roster.NewSet(p, set.Inspectors, set.Conflicts, set.History)

	rep, err := publish.Verify(l, other, []note.Verifier{v}, publish.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, pr := range rep.Problems {
		fmt.Println(pr)
	}
	fmt.Println("verified:", rep.OK())
	// Output:
	// 000001-announcement.note: roots.premises is 24597be9e79ae5ea72c9aec7bd9c838579d427f95e00e62991129fcd3ebd55e8 (56 rows) in the tables given, want be78b09baa930e8c5440b5b01a9a2e4dab6cbbd697cbc2579902a4bb41a7bc88 (56 rows)
	// verified: false
}
