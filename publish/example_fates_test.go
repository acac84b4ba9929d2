package publish_test

import (
	"fmt"
	"log"
	"os"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// An announcement is withdrawn after its dice ceremony and the plan
// announced again for another ceremony. Both stay in the ledger; the
// withdrawal came after the seed event, so verification reports a
// re-roll.
func ExampleWithdraw() {
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)
	l, signers, v := agencyLedger(dir) // the agency's ledger, as in ExampleAnnounce
	defer l.Close()
	plan, _ := random.LoadPlan("../testdata/dr1-county-7/plan.json")
	set, _ := roster.LoadDir("../testdata/dr1-county-7", roster.Options{})
	ceremony := func(when string) []random.SeedPromise {
		return []random.SeedPromise{random.DiceSource{Ceremony: random.Ceremony{When: when, Where: "县卫生健康局三楼会议室"}}.Promise()}
	}

	if _, err := publish.Announce(l, signers, plan, set, ceremony("2026-11-22T09:30:00+08:00"), time.Date(2026, 11, 20, 10, 0, 0, 0, publish.Zone)); err != nil {
		log.Fatal(err)
	}
	// A second announcement while the first is open is refused.
	_, err := publish.Announce(l, signers, plan, set, ceremony("2026-11-22T10:30:00+08:00"), time.Date(2026, 11, 21, 10, 0, 0, 0, publish.Zone))
	fmt.Println(err != nil)
	if _, err := publish.Withdraw(l, signers, publish.Digest{}, "骰子损坏", time.Date(2026, 11, 22, 9, 40, 0, 0, publish.Zone)); err != nil {
		log.Fatal(err)
	}
	if _, err := publish.Announce(l, signers, plan, set, ceremony("2026-11-23T09:30:00+08:00"), time.Date(2026, 11, 22, 10, 0, 0, 0, publish.Zone)); err != nil {
		log.Fatal(err)
	}
	rep, err := publish.Verify(l, set, []note.Verifier{v}, publish.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range rep.Fates {
		fmt.Println(f.Announcement, f.Fate, f.ReRoll)
	}
	fmt.Println(rep.OK())
	// Output:
	// true
	// 000001-announcement.note withdrawn true
	// 000003-announcement.note open false
	// true
}
