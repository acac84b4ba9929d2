package publish_test

// Setup shared by the examples of this package. ExampleAnnounce shows
// the agency's ledger being created; the other examples start from the
// same ledger through these helpers.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"log"
	"path/filepath"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// fixedKey makes a key pair from a fixed seed so that the example's output
// is stable. Real keys come from crypto/rand.Reader.
func fixedKey(name string) (publish.Signer, string) {
	seed := sha256.Sum256([]byte(name))
	skey, vkey, err := publish.GenerateKey(bytes.NewReader(seed[:]), name)
	if err != nil {
		log.Fatal(err)
	}
	signer, err := publish.NewSigner(skey)
	if err != nil {
		log.Fatal(err)
	}
	return signer, vkey
}

// agencyLedger creates the ledger of the example agency
// example.gov.cn/wjw in dir/ledger, as ExampleAnnounce does: signed with
// the agency's fixed key, every append checked against its signature and
// by [publish.ValidateRecord]. It returns the ledger, the agency's
// signers and its verifier.
func agencyLedger(dir string) (*publish.DirLedger, []publish.Signer, note.Verifier) {
	agency, agencyPub := fixedKey("example.gov.cn/wjw")
	v, err := publish.NewVerifier(agencyPub)
	if err != nil {
		log.Fatal(err)
	}
	l, err := publish.CreateDir(filepath.Join(dir, "ledger"), "example.gov.cn/wjw",
		publish.DirOptions{Signer: agency, Verifiers: []note.Verifier{v}, Validate: publish.ValidateRecord})
	if err != nil {
		log.Fatal(err)
	}
	return l, []publish.Signer{agency}, v
}

// The examples below start from a ledger of testdata/dr1-county-7 with
// fixed keys and fixed times, so that their output is stable.

// ceremony is the dice ceremony the examples announce.
var ceremony = random.Ceremony{When: "2026-11-22T09:30:00+08:00", Where: "县卫生健康局三楼会议室"}

// announcedLedger creates a ledger in a new folder under dir and
// publishes the announcement of testdata/dr1-county-7 with a dice
// ceremony, as ExampleAnnounce does. It returns the ledger, the
// agency's signers and verifier, the tables and the announcement.
func announcedLedger(dir string) (*publish.DirLedger, []publish.Signer, note.Verifier, *roster.Set, publish.Digest) {
	l, signers, v := agencyLedger(dir)
	plan, err := random.LoadPlan("../testdata/dr1-county-7/plan.json")
	if err != nil {
		log.Fatal(err)
	}
	set, err := roster.LoadDir("../testdata/dr1-county-7", roster.Options{})
	if err != nil {
		log.Fatal(err)
	}
	ann, err := publish.Announce(l, signers, plan, set, []random.SeedPromise{random.DiceSource{Ceremony: ceremony}.Promise()},
		time.Date(2026, 11, 20, 10, 0, 0, 0, publish.Zone))
	if err != nil {
		log.Fatal(err)
	}
	return l, signers, v, set, ann
}

// drawnLedger is announcedLedger followed by the draw with the digits
// read at the ceremony, as ExamplePublishDraw does; it also returns the
// draw.
func drawnLedger(dir string) (*publish.DirLedger, []publish.Signer, note.Verifier, *roster.Set, *random.Result, publish.Digest) {
	l, signers, v, set, ann := announcedLedger(dir)
	ev, err := random.DiceSource{Ceremony: ceremony, Digits: "2023 7331 1281 5921 1123"}.Evidence()
	if err != nil {
		log.Fatal(err)
	}
	res, draw, err := publish.PublishDraw(context.Background(), l, signers, ann, set, []random.SeedEvidence{ev},
		time.Date(2026, 11, 22, 9, 35, 0, 0, publish.Zone))
	if err != nil {
		log.Fatal(err)
	}
	return l, signers, v, set, res, draw
}
