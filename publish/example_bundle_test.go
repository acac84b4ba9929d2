package publish_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// An agency that drew two quarters with different tables publishes one
// bundle; anyone replays both draws from it alone (here from the folder;
// a page in the browser gives OpenBundle the files it fetched as an
// fs.FS).
func ExampleWriteBundle() {
	dir, _ := os.MkdirTemp("", "bundle")
	defer os.RemoveAll(dir)
	l, signers, v := agencyLedger(dir) // the agency's ledger, as in ExampleAnnounce
	defer l.Close()
	var sets []*roster.Set
	for i, q := range []struct{ county, ceremony, digits string }{
		{"dr1-county-7", "2026-11-22T09:30:00+08:00", "2023 7331 1281 5921 1123"},
		{"dr1-county-12", "2026-12-04T09:30:00+08:00", "6614 2093 8857 1120 4471"},
	} {
		plan, _ := random.LoadPlan("../testdata/" + q.county + "/plan.json")
		set, _ := roster.LoadDir("../testdata/"+q.county, roster.Options{})
		sets = append(sets, set)
		dice := random.DiceSource{Ceremony: random.Ceremony{When: q.ceremony, Where: "县卫生健康局三楼会议室"}}
		ann, err := publish.Announce(l, signers, plan, set, []random.SeedPromise{dice.Promise()},
			time.Date(2026, 11, 20+12*i, 10, 0, 0, 0, publish.Zone))
		if err != nil {
			log.Fatal(err)
		}
		dice.Digits = q.digits
		ev, _ := dice.Evidence()
		if _, _, err := publish.PublishDraw(context.Background(), l, signers, ann, set, []random.SeedEvidence{ev},
			time.Date(2026, 11, 22+12*i, 9, 35, 0, 0, publish.Zone)); err != nil {
			log.Fatal(err)
		}
	}

	out := filepath.Join(dir, "bundle")
	if err := publish.WriteBundle(out, l, publish.TablesByRoots(sets...)); err != nil {
		log.Fatal(err)
	}
	b, err := publish.OpenBundle(os.DirFS(out))
	if err != nil {
		log.Fatal(err)
	}
	for _, a := range b.Index.Announcements {
		fmt.Println(a.File, strings.TrimSuffix(a.Tables.Premises[:24], "-"))
	}
	rep, err := publish.VerifyBundle(b, []note.Verifier{v}, publish.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, d := range rep.Draws {
		fmt.Println(d.Doc, d.PlanID, "replayed:", d.Replayed)
	}
	fmt.Println("verified:", rep.OK())
	// Output:
	// ledger/000001-announcement.note tables/premises-be78b09b
	// ledger/000003-announcement.note tables/premises-341be47a
	// 000002-draw.note test-7 replayed: true
	// 000004-draw.note test-12 replayed: true
	// verified: true
}
