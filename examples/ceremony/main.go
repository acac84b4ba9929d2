// Command ceremony shows a seed that nobody controls alone: a
// commit-reveal among three participants (the agency, a witness of the
// discipline inspection office, a representative of the businesses)
// combined with a round of the drand public randomness beacon, end to
// end on the embedded sample county:
//
//	go run ./examples/ceremony
//
// Each participant makes a secret with crypto/rand and publishes only its
// commitment, which goes into the announcement together with the drand
// round that will be used. After the announcement the participants reveal
// their secrets; a participant who withholds stops the draw (the error
// names them) but cannot choose its outcome. With every secret revealed
// and the round published, the seed is H(commit-reveal seed, beacon
// randomness) ([random.DeriveSeed]), the draw is published and the
// ledger verified.
//
// The drand round is a real round of the League of Entropy "quicknet"
// chain (also in random/testdata/drand-quicknet.json), verified offline
// against the chain's public key. It was due in July 2024, so this demo
// dates its announcement ten minutes before that round: a demo that
// replays a past round. A real announcement names a round still in the
// future ([random.ChainInfo.RoundAt]) and its draw fetches it once due.
//
// Flags:
//
//	-dir DIR  where to write the keys, the county and the ledger
//	          (default: a new temporary folder, kept)
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
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

// A participant of the commit-reveal: the name published with the
// commitment, and the role it plays.
type participant struct {
	name, role string
	secret     []byte
}

var participants = []participant{
	{name: "卫生健康局", role: "the agency"},
	{name: "纪检监察组", role: "discipline inspection witness"},
	{name: "个体劳动者协会", role: "business representative"},
}

// The drand round the demo replays: round 9367912 of quicknet, exactly as
// https://api.drand.sh/52db9ba7…/public/9367912 serves it (and as
// random/testdata/drand-quicknet.json holds it; a test checks they agree).
const (
	beaconRound     = 9367912
	beaconSignature = "845091b99635a8a5f93a15cd8622fae0c7ee5307fb5b888dc67ee4fe997b5b326dbd637bd7ab39e3188fd507ea94b314"
)

// Key names of the two signers of every document.
const (
	agencyKey  = "wjw.chengxi.example"
	witnessKey = "jjjc.chengxi.example"
)

func main() { os.Exit(run(os.Stdout, os.Args[1:])) }

// run is the program: it writes its account to w and returns the exit
// status (0 verified, 1 the ledger did not verify, 2 bad usage or an
// error on the way).
func run(w io.Writer, args []string) int {
	fs := flag.NewFlagSet("ceremony", flag.ContinueOnError)
	fs.SetOutput(w)
	dir := fs.String("dir", "", "folder for the keys, the county's files and the ledger (default: a new temporary folder)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(w, "ceremony: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	ok, err := ceremony(w, *dir, rand.Reader)
	if err != nil {
		fmt.Fprintf(w, "ceremony: %v\n", err)
		return 2
	}
	if !ok {
		return 1
	}
	return 0
}

// ceremony runs the demo with secrets read from secrets and reports
// whether the ledger verified.
func ceremony(w io.Writer, dir string, secrets io.Reader) (bool, error) {
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "doublerandom-ceremony-"); err != nil {
			return false, err
		}
	}
	countyDir, ledgerDir := filepath.Join(dir, "county"), filepath.Join(dir, "ledger")
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

	// Two signers on every document: the agency and the witness.
	var signers []publish.Signer
	var verifiers []note.Verifier
	for _, name := range []string{agencyKey, witnessKey} {
		sk, vk, err := publish.GenerateKey(rand.Reader, name)
		if err != nil {
			return false, err
		}
		if err := publish.WriteKeyFiles(filepath.Join(dir, strings.SplitN(name, ".", 2)[0]), sk, vk); err != nil {
			return false, err
		}
		s, err := publish.NewSigner(sk)
		if err != nil {
			return false, err
		}
		v, err := publish.NewVerifier(vk)
		if err != nil {
			return false, err
		}
		signers, verifiers = append(signers, s), append(verifiers, v)
	}
	l, err := publish.CreateDir(ledgerDir, agencyKey, publish.DirOptions{Signer: signers[0], Verifiers: verifiers, Validate: publish.ValidateRecord})
	if err != nil {
		return false, err
	}
	defer l.Close()

	fmt.Fprintf(w, "doublerandom ceremony: a seed nobody controls alone, on the sample county 澄溪县\n\n")

	// Before the announcement: every participant commits.
	fmt.Fprintf(w, "commitments (each participant made a 32-byte secret and publishes only its hash):\n")
	var commitments []random.Commitment
	ps := make([]participant, len(participants))
	copy(ps, participants)
	for i := range ps {
		if ps[i].secret, err = random.NewSecret(secrets); err != nil {
			return false, err
		}
		c := random.Reveal{Name: ps[i].name, Secret: ps[i].secret}.Commitment()
		commitments = append(commitments, c)
		fmt.Fprintf(w, "  %x  %s (%s)\n", c.Hash, ps[i].name, ps[i].role)
	}
	cr := random.CommitRevealSource{Commitments: commitments}
	chain := random.DrandQuicknet()
	beacon := random.BeaconSource{Chain: chain, Round: beaconRound}
	due := chain.RoundTime(beaconRound).In(publish.Zone)
	fmt.Fprintf(w, "beacon: drand quicknet (chain %s…), round %d, due %s\n", hex.EncodeToString(chain.Hash)[:16], beaconRound, due.Format(time.DateTime+" MST"))
	fmt.Fprintf(w, "  (a past round: this demo dates its announcement 10 minutes before it was due;\n   a real announcement names a round still in the future)\n\n")

	announced := due.Add(-10 * time.Minute)
	promises := []random.SeedPromise{cr.Promise(), beacon.Promise()}
	ann, err := publish.Announce(l, signers, plan, set, promises, announced)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(w, "1. announced %s  000001-announcement.note: plan, roots, the 3 commitments, the round\n", announced.Format(time.DateTime))

	// The round is published; then the reveals come in. One participant
	// withholds: the draw cannot be made, and the error says who.
	sig, err := hex.DecodeString(beaconSignature)
	if err != nil {
		return false, err
	}
	beacon.Beacon = &random.Beacon{Round: beaconRound, Signature: sig}
	bev, err := beacon.Evidence() // verifies the BLS signature offline
	if err != nil {
		return false, err
	}
	fmt.Fprintf(w, "2. round %d published; its signature verifies under the chain's public key\n", beaconRound)
	drawn := due.Add(time.Minute)
	withheld := random.SeedEvidence{Kind: random.SourceCommitReveal}
	for _, p := range ps[:len(ps)-1] {
		withheld.Reveals = append(withheld.Reveals, random.Reveal{Name: p.name, Secret: p.secret})
	}
	fmt.Fprintf(w, "3. %s withholds its secret; the draw is refused:\n", ps[len(ps)-1].name)
	_, _, err = publish.PublishDraw(context.Background(), l, signers, ann, set, []random.SeedEvidence{withheld, bev}, drawn)
	var re *random.RevealError
	if !errors.As(err, &re) {
		return false, fmt.Errorf("a draw with a secret withheld was not refused as it should be: %v", err)
	}
	fmt.Fprintf(w, "   %v\n", err)
	fmt.Fprintf(w, "   missing: %s (withholding can stop this draw, on the record, but cannot pick another outcome)\n", strings.Join(re.Missing, ", "))

	// Everyone reveals: the seed combines the two sources in the
	// announcement's order.
	for _, p := range ps {
		cr.Reveals = append(cr.Reveals, random.Reveal{Name: p.name, Secret: p.secret})
	}
	cev, err := cr.Evidence()
	if err != nil {
		return false, err
	}
	seed, err := random.DeriveSeed(promises, []random.SeedEvidence{cev, bev})
	if err != nil {
		return false, err
	}
	crSeed, err := random.RevealSeed(commitments, cr.Reveals)
	if err != nil {
		return false, err
	}
	bSeed := beacon.Beacon.Seed()
	fmt.Fprintf(w, "4. all %d secrets revealed and checked against their commitments\n", len(ps))
	fmt.Fprintf(w, "   commit-reveal seed  %x\n   beacon randomness   %x\n   seed S = H(both)    %x\n", crSeed, bSeed, seed)

	res, _, err := publish.PublishDraw(context.Background(), l, signers, ann, set, []random.SeedEvidence{cev, bev}, drawn)
	if err != nil {
		return false, err
	}
	staffed := 0
	for _, s := range res.Selected {
		if s.Team != nil {
			staffed++
		}
	}
	fmt.Fprintf(w, "5. drawn %s  000002-draw.note: key K = %s\n", drawn.Format(time.DateTime), res.Key)
	fmt.Fprintf(w, "   %d premises selected in %d strata, %d with a team\n\n", len(res.Selected), len(res.Strata), staffed)

	rep, err := publish.Verify(l, set, verifiers, publish.Options{Policy: publish.Policy{Require: []string{agencyKey, witnessKey}}})
	if err != nil {
		return false, err
	}
	fmt.Fprint(w, rep)
	fmt.Fprintf(w, "\nfiles in %s (keys wjw.*, jjjc.*; county/; ledger/)\nreplay it yourself:\n", dir)
	fmt.Fprintf(w, "  go run ./examples/cli verify --ledger %s --dir %s --pub %s --pub %s\n",
		ledgerDir, countyDir, filepath.Join(dir, "wjw.pub"), filepath.Join(dir, "jjjc.pub"))
	return rep.OK(), nil
}
