package site_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"testing/fstest"
	"time"

	"github.com/doublerandom/doublerandom/examples/site"
	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// ExampleCheck publishes a draw of testdata's county 7 as a bundle and
// checks it as the public page does, from the files alone: the bundle
// under bundle/ and the agency's key under keys/.
func ExampleCheck() {
	dir, _ := os.MkdirTemp("", "example-site-")
	defer os.RemoveAll(dir)
	must := func(err error) {
		if err != nil {
			panic(err)
		}
	}
	skey, vkey, err := publish.GenerateKey(rand.Reader, "example.gov.cn/wjw")
	must(err)
	signer, err := publish.NewSigner(skey)
	must(err)
	l, err := publish.CreateDir(filepath.Join(dir, "ledger"), "example.gov.cn/wjw", publish.DirOptions{Signer: signer})
	must(err)
	defer l.Close()
	county := "../../testdata/dr1-county-7"
	plan, err := random.LoadPlan(filepath.Join(county, "plan.json"))
	must(err)
	set, err := roster.LoadDir(county, roster.Options{})
	must(err)
	dice := random.DiceSource{Ceremony: random.Ceremony{When: "2026-11-22T09:30:00+08:00", Where: "县卫生健康局"}, Digits: "2023 7331 1281 5921 1123"}
	ann, err := publish.Announce(l, []publish.Signer{signer}, plan, set, []random.SeedPromise{dice.Promise()}, time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC))
	must(err)
	ev, err := dice.Evidence()
	must(err)
	_, _, err = publish.PublishDraw(context.Background(), l, []publish.Signer{signer}, ann, set, []random.SeedEvidence{ev}, time.Date(2026, 11, 22, 1, 35, 0, 0, time.UTC))
	must(err)
	bundle := filepath.Join(dir, "bundle")
	must(publish.WriteBundle(bundle, l, publish.TablesByRoots(set)))

	// The files as the page fetches them.
	files := fstest.MapFS{"keys/agency.pub": {Data: []byte(vkey + "\n")}}
	must(fs.WalkDir(os.DirFS(bundle), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(filepath.Join(bundle, p))
		files["bundle/"+p] = &fstest.MapFile{Data: b}
		return err
	}))

	s, res := site.Check(files, site.Options{})
	fmt.Println(res.Status, res.Documents, "documents;", res.Announcements[0].Fate, "by", res.Announcements[0].By)
	fmt.Println("timing:", res.Announcements[0].Timing) // no witness keys in the site
	fmt.Println(len(res.Draws[0].Visits), "premises selected, replayed:", res.Draws[0].Replayed)
	a := s.SelfCheck("91371727HD841G735N")
	fmt.Println(a.ID, a.Status, "team of", a.TeamSize, "proof checked:", a.ProofOK)
	fmt.Println(s.SelfCheck("91000000000000000X").Status)
	// Output:
	// verified 2 documents; drawn by 000002-draw.note
	// timing: agency-word
	// 23 premises selected, replayed: true
	// 91371727HD841G735N selected team of 2 proof checked: true
	// failed
}
