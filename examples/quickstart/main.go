// Command quickstart tells, in one command, the story of one county
// bureau's first batch of random inspections (双随机、一公开) under
// protocol v2, on the sample county 澄溪县 (3,000 premises, the health
// bureau's inspectors and those of four partner departments):
//
//	go run ./examples/quickstart
//
// 澄溪县卫生健康局 loads its tables and its 2026 plan of eight tasks
// (学校卫生, 生活饮用水卫生（与水利局联合）, 放射卫生, ...), simulates the
// plan before announcing it, announces it (plan, table roots, and the
// promise of a dice ceremony), holds the ceremony, draws and publishes the
// draw: which premises are visited for which tasks, and each visit's
// team, joint teams with the water bureau's or the market regulator's
// inspectors. Then an inspector falls ill and is replaced in the same
// slot; at another visit the disease-control inspectors must step aside
// one after the other until nobody is left, and the visit becomes
// unstaffed. Results of two visits are published, the ledger is verified
// by replaying everything from the tables, the public notice (HTML) is
// written, and so is the history table of the next batch.
//
// Everything is printed in the words a bureau's staff use (Chinese, with
// a short English gloss), times in China Standard Time (+08:00).
//
// The signing key and the blinding key (which commits the private
// attributes: inspectors' names and phones, ...) are made with crypto/rand
// on every run and written next to the ledger: demonstration keys, not a
// way to manage real ones. The times are taken from the clock of this
// program (the library reads none); the weeks between a draw and its
// results are compressed into minutes. The dice digits are those of the
// example ceremony (the first decimals of π); -seed-dice draws with
// others.
//
// Flags:
//
//	-seed-dice DIGITS  the dice digits read at the ceremony (at least 20)
//	-dir DIR           where to write the keys, the county, the ledger and
//	                   the notice (default: a new temporary folder, kept)
//	-runs N            simulated draws before announcing (default 200)
//	-v1                the story of protocol v1 instead (one draw of the
//	                   v1 county, verified)
package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/examples/internal/samplecounty"
	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// The example ceremony: where it is held and the digits read out there
// (the first 20 decimals of π, so that nobody mistakes them for a real
// draw's).
const (
	exampleWhere  = "澄溪县卫生健康局三楼会议室"
	exampleDigits = "1415 9265 3589 7932 3846"
	keyName       = "wjw.chengxi.example"
	defaultRuns   = 200
)

func main() { os.Exit(run(os.Stdout, os.Args[1:])) }

// run is the program: it writes the story to w and returns the exit
// status (0 verified, 1 the ledger did not verify, 2 bad usage or an
// error on the way).
func run(w io.Writer, args []string) int {
	fs := flag.NewFlagSet("quickstart", flag.ContinueOnError)
	fs.SetOutput(w)
	digits := fs.String("seed-dice", exampleDigits, "the dice digits read at the ceremony (at least 20; white space is removed)")
	dir := fs.String("dir", "", "folder for the keys, the county's files, the ledger and the notice (default: a new temporary folder)")
	runs := fs.Int("runs", defaultRuns, "simulated draws before announcing")
	v1 := fs.Bool("v1", false, "tell the story of protocol v1 instead")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(w, "quickstart: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	var ok bool
	var err error
	if *v1 {
		ok, err = quickstartV1(w, *dir, *digits, time.Now())
	} else {
		ok, err = quickstart(w, config{dir: *dir, digits: *digits, runs: *runs, now: time.Now()})
	}
	if err != nil {
		fmt.Fprintf(w, "quickstart: %v\n", err)
		return 2
	}
	if !ok {
		return 1
	}
	return 0
}

// config is what one run of the story needs.
type config struct {
	dir    string    // where the files go ("" a new temporary folder)
	digits string    // the dice digits
	runs   int       // simulated draws
	now    time.Time // the clock: the results are published now
}

// agency is the bureau's side of the story: its keys, ledger, tables and
// plan.
type agency struct {
	signers  []publish.Signer
	verifier note.Verifier
	vk       string // the verifier key, as published
	ledger   *publish.DirLedger
	set      *roster.Set
	plan     *random.PlanV2
}

// quickstart runs the v2 story with cfg and reports whether the ledger
// verified.
func quickstart(w io.Writer, cfg config) (bool, error) {
	if cfg.runs < 1 {
		return false, fmt.Errorf("-runs %d: want at least 1", cfg.runs)
	}
	dir := cfg.dir
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "doublerandom-quickstart-"); err != nil {
			return false, err
		}
	}
	countyDir, ledgerDir, keyPrefix := filepath.Join(dir, "county"), filepath.Join(dir, "ledger"), filepath.Join(dir, "agency")
	ctx := context.Background()

	// The times of the story, oldest first. The library reads no clock:
	// every document is dated by the caller.
	now := cfg.now.In(publish.Zone).Truncate(time.Second)
	announced, held, drawn := now.Add(-5*time.Minute), now.Add(-4*time.Minute), now.Add(-3*time.Minute)
	illness, conflict := now.Add(-2*time.Minute), now.Add(-time.Minute)

	// 1. The county's files, written out so that the CLI can replay the
	// ledger afterwards, and the plan.
	files, err := samplecounty.GenerateV2(samplecounty.DefaultConfig())
	if err != nil {
		return false, err
	}
	if err := files.WriteDir(countyDir); err != nil {
		return false, err
	}
	a, err := newAgency(keyPrefix, ledgerDir)
	if err != nil {
		return false, err
	}
	defer a.ledger.Close()
	// The blinding key commits the private attributes (names, phones,
	// conflict reasons) in the published roots. It is the agency's
	// secret: kept beside the signing key, never published.
	blind := make([]byte, roster.BlindingKeySize)
	if _, err := rand.Read(blind); err != nil {
		return false, err
	}
	if err := os.WriteFile(keyPrefix+".blind", []byte(hex.EncodeToString(blind)+"\n"), 0o600); err != nil {
		return false, err
	}
	if a.set, err = roster.LoadDir(countyDir, roster.Options{Protocol: roster.ProtocolV2, Commitment: roster.Commitment{Key: blind}}); err != nil {
		return false, err
	}
	if a.plan, err = random.LoadPlanV2(filepath.Join(countyDir, samplecounty.PlanFile)); err != nil {
		return false, err
	}
	p := printer{w: w, plan: a.plan, set: a.set}
	p.title()
	p.section("一、准备", "the tables and the plan")
	p.tables()
	p.tasks()

	// 2. Before announcing: what does the plan do, whatever the seed?
	sim, err := random.SimulateV2(ctx, a.plan, a.set, random.SimulateOptions{Runs: cfg.runs})
	if err != nil {
		return false, err
	}
	p.section("二、公告前模拟", fmt.Sprintf("simulated before announcing: %d draws with made-up seeds", cfg.runs))
	p.simulation(sim)

	// 3. Announce before the seed exists, then hold the ceremony.
	dice := random.DiceSource{Ceremony: random.Ceremony{When: held.Format(time.RFC3339), Where: exampleWhere}}
	ann, err := publish.AnnounceV2(a.ledger, a.signers, a.plan, a.set, []random.SeedPromise{dice.Promise()}, announced)
	if err != nil {
		return false, err
	}
	dice.Digits = cfg.digits
	ev, err := dice.Evidence()
	if err != nil {
		return false, err
	}
	p.section("三、公告与摇号", "announce, then the dice ceremony")
	p.announcement(a.vk, announced, held, ev.Digits, cfg.digits == exampleDigits)

	// 4. Draw and publish.
	res, draw, err := publish.PublishDrawV2(ctx, a.ledger, a.signers, ann, a.set, []random.SeedEvidence{ev}, drawn)
	if err != nil {
		return false, err
	}
	p.res = res
	p.section("四、抽取并公布", "draw and publish")
	fmt.Fprintf(w, "  %s  公布 000002-draw.note，密钥 key K = %s\n", clock(drawn), res.Key)
	p.taskFigures()
	p.visits()
	if err := p.unstaffed(); err != nil {
		return false, err
	}

	// 5. Changes of team after the draw.
	p.section("五、换人", "substitutions: the replacement takes the same slot, first in (Q, id) order")
	var subs []random.Substitution // every substitution published, in ledger order
	if v := p.firstVisit(p.hasTask("water")); v != nil {
		m := v.Team[slices.IndexFunc(v.Team, func(m random.Member) bool { return m.Slot >= 0 })]
		sub := random.Substitution{Premises: v.ID, Out: m.ID, Reason: "病假"}
		reps, _, err := publish.Substitute(ctx, a.ledger, a.signers, draw, a.set, []random.Substitution{sub}, illness)
		if err != nil {
			return false, err
		}
		if err := p.illness(v, m, reps[0], subs); err != nil {
			return false, err
		}
		subs = append(subs, sub)
	}
	if v := p.firstVisit(p.hasUnit(samplecounty.UnitCDC)); v != nil {
		chain, err := p.stepAside(v, samplecounty.UnitCDC, subs)
		if err != nil {
			return false, err
		}
		reps, _, err := publish.Substitute(ctx, a.ledger, a.signers, draw, a.set, chain, conflict)
		if err != nil {
			return false, err
		}
		if err := p.conflicts(v, chain, reps, subs); err != nil {
			return false, err
		}
		subs = append(subs, chain...)
	}

	// 6. Results, verification, the notice and the next batch's history.
	p.section("六、结果、核验与公示", "results, verification, notice")
	entries, err := p.resultEntries(subs, now)
	if err != nil {
		return false, err
	}
	if _, err := publish.PublishResults(a.ledger, a.signers, draw, nil, entries, now); err != nil {
		return false, err
	}
	p.results(entries, now)
	noticeFile := filepath.Join(dir, "notice.html")
	if err := writeNotice(noticeFile, a, files); err != nil {
		return false, err
	}
	fmt.Fprintf(w, "公示 notice: %s（网页，可直接发布 a static page to publish）\n", noticeFile)
	historyFile := filepath.Join(dir, "next-history.csv")
	n, err := writeHistory(historyFile, a)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(w, "下一批检查记录 next batch's history.csv: %s，现有 %d 行 + 本批 %d 行\n", historyFile, a.set.Counts().History, n)
	fmt.Fprintf(w, "文件 files in %s: agency.key agency.blind（保密 secret）agency.pub county/ ledger/（%s）\n",
		dir, strings.Join(ledgerFiles(ledgerDir), " "))

	// What an auditor does: replay the ledger against the tables.
	rep, err := publish.Verify(a.ledger, a.set, []note.Verifier{a.verifier}, publish.Options{})
	if err != nil {
		return false, err
	}
	p.verification(rep, fmt.Sprintf("go run ./examples/cli verify --ledger %s --dir %s --pub %s.pub --blinding-key %s.blind",
		ledgerDir, countyDir, keyPrefix, keyPrefix))
	return rep.OK(), nil
}

// newAgency makes a fresh signing key, writes it as PREFIX.key and
// PREFIX.pub, and creates the ledger it signs.
func newAgency(keyPrefix, ledgerDir string) (*agency, error) {
	sk, vk, err := publish.GenerateKey(rand.Reader, keyName)
	if err != nil {
		return nil, err
	}
	if err := publish.WriteKeyFiles(keyPrefix, sk, vk); err != nil {
		return nil, err
	}
	signer, err := publish.NewSigner(sk)
	if err != nil {
		return nil, err
	}
	verifier, err := publish.NewVerifier(vk)
	if err != nil {
		return nil, err
	}
	l, err := publish.CreateDir(ledgerDir, keyName, publish.DirOptions{
		Signer: signer, Verifiers: []note.Verifier{verifier}, Validate: publish.ValidateRecord,
	})
	if err != nil {
		return nil, err
	}
	return &agency{signers: []publish.Signer{signer}, verifier: verifier, vk: vk, ledger: l}, nil
}

// writeNotice writes the public notice as HTML, with labels that name
// the region codes (the towns of the premises table) and the categories.
func writeNotice(file string, a *agency, files *samplecounty.Files) error {
	var b strings.Builder
	b.WriteString("kind,code,label\n")
	for _, c := range slices.Sorted(maps.Keys(categoryZh)) {
		fmt.Fprintf(&b, "category,%s,%s\n", c, categoryZh[c])
	}
	towns := map[string]string{}
	for _, row := range a.set.Premises.Rows() {
		towns[row.Get("region")] = row.Get("town")
	}
	for _, code := range slices.Sorted(maps.Keys(towns)) {
		fmt.Fprintf(&b, "region,%s,%s\n", code, towns[code])
	}
	labels, err := publish.ParseLabels("labels.csv", []byte(b.String()))
	if err != nil {
		return err
	}
	f, err := os.Create(file)
	if err != nil {
		return err
	}
	err = publish.WriteNotice(f, a.ledger, a.set, publish.NoticeOptions{
		Format: publish.NoticeHTML, Authority: a.plan.Authority, VerifierKeys: []string{a.vk}, Labels: labels,
	})
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeHistory writes the history table of the next batch: the current
// rows and one per visit of this batch. It returns how many rows the
// batch adds.
func writeHistory(file string, a *agency) (int, error) {
	rec, err := publish.ReadRecord(a.ledger)
	if err != nil {
		return 0, err
	}
	f, err := os.OpenFile(file, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return 0, err
	}
	n, err := publish.WriteHistory(f, a.set.History, publish.HistoryRows(rec))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return n, err
}

// ledgerFiles lists the ledger folder, without the lock file.
func ledgerFiles(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return []string{"(" + err.Error() + ")"}
	}
	var names []string
	for _, e := range entries {
		if e.Name() != "lock" {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	return names
}

// short abbreviates a hex digest for people: its first 16 digits.
func short(h string) string {
	if len(h) <= 16 {
		return h
	}
	return h[:16] + "…"
}

// clock shows a time as people in the county read it: China Standard
// Time with its offset.
func clock(t time.Time) string { return t.In(publish.Zone).Format("2006-01-02 15:04:05 -07:00") }
