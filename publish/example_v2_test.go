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

// A plan of protocol v2 through the ledger: announce it with the v2
// roots (private attributes committed with the agency's blinding key:
// here the all-zero key of the vectors), draw, replace a member (twice:
// the second time nobody qualifies and the visit becomes unstaffed),
// verify, and write the rows of the next batch's history table.
func ExampleAnnounceV2() {
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)
	l, signers, v := agencyLedger(dir) // the agency's ledger, as in ExampleAnnounce
	defer l.Close()
	county := "../testdata/v2/dr2-county-c"
	plan, _ := random.LoadPlanV2(filepath.Join(county, "plan.json"))
	blinding := roster.Commitment{Key: make([]byte, roster.BlindingKeySize)} // the agency's secret in real use
	set, _ := roster.LoadDir(county, roster.Options{Protocol: roster.ProtocolV2, Commitment: blinding})

	dice := random.DiceSource{Ceremony: random.Ceremony{When: "2026-03-03T09:30:00+08:00", Where: "县卫生健康局三楼会议室"}}
	ann, err := publish.AnnounceV2(l, signers, plan, set, []random.SeedPromise{dice.Promise()},
		time.Date(2026, 3, 2, 10, 0, 0, 0, publish.Zone))
	if err != nil {
		log.Fatal(err)
	}
	dice.Digits = "20237331128159211123"
	ev, _ := dice.Evidence()
	res, draw, err := publish.PublishDrawV2(context.Background(), l, signers, ann, set, []random.SeedEvidence{ev},
		time.Date(2026, 3, 3, 9, 35, 0, 0, publish.Zone))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("key", res.Key)
	reps, _, err := publish.Substitute(context.Background(), l, signers, draw, set, []random.Substitution{
		{Premises: "12451099498231630C", Out: "WJ4510990002", Reason: "病假"},
		{Premises: "12451099498231630C", Out: "WJ4510990004", Reason: "回避", Conflict: true},
	}, time.Date(2026, 3, 4, 9, 0, 0, 0, publish.Zone))
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range reps {
		fmt.Printf("%s out, %q in: %v\n", r.Out, r.In, r.Team)
	}
	rep, _ := publish.Verify(l, set, []note.Verifier{v}, publish.Options{})
	fmt.Println("verified:", rep.OK(), "replayed:", rep.Draws[0].Replayed)
	rec, _ := publish.ReadRecord(l)
	rows := publish.HistoryRows(rec)
	fmt.Println(len(rows), "history rows; the first:", rows[0].Premises, rows[0].Date, rows[0].Kind, rows[0].Matters)
	// Output:
	// key 0d1e0996c7614470ec5ec86c99c2df13e8e11e97057c31de6b4aa10f7818c13d
	// WJ4510990002 out, "WJ4510990004" in: [WJ4510990004 WJ4510990008 WJ4510990009]
	// WJ4510990004 out, "" in: []
	// verified: true replayed: true
	// 12 history rows; the first: 124510994981015613 2026-03-03 targeted [disinfection infection]
}
