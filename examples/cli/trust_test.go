package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
)

// The attacks of issue 12, through the command line: the operator holds
// the keys and uses the tool, or the library directly to skip its checks.

const (
	trustCeremony = "2026-11-22T09:30:00+08:00, 县卫生健康局三楼会议室"
	trustDigits   = "2023 7331 1281 5921 1123"
)

// trustLedger makes keys and an empty ledger path in a temporary folder.
type trustLedger struct {
	t              *testing.T
	tmp, dir, path string
	agency         string // key prefix
}

func newTrustLedger(t *testing.T) *trustLedger {
	tmp := t.TempDir()
	tl := &trustLedger{t: t, tmp: tmp, dir: vectorDir("dr1-county-7"), path: filepath.Join(tmp, "ledger"), agency: filepath.Join(tmp, "agency")}
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", tl.agency)
	return tl
}

func (tl *trustLedger) announce(dir, ceremony, at string, extra ...string) (int, string, string) {
	return cli(tl.t, append([]string{"announce", "--accept-problems", "--dir", dir, "--ledger", tl.path, "--key", tl.agency + ".key",
		"--dice-ceremony", ceremony, "--at", at}, extra...)...)
}

func (tl *trustLedger) verify() (int, string, string) {
	return cli(tl.t, "verify", "--ledger", tl.path, "--dir", tl.dir, "--pub", tl.agency+".pub", "--at", "2026-12-02T10:00:00+08:00")
}

// snapshot returns every file of the ledger folder.
func (tl *trustLedger) snapshot() map[string]string {
	out := map[string]string{}
	entries, err := os.ReadDir(tl.path)
	require.NoError(tl.t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(tl.path, e.Name()))
		require.NoError(tl.t, err)
		out[e.Name()] = string(b)
	}
	return out
}

// forge appends a document with the agency's key through the library,
// skipping every record rule (as an operator who bypasses the tool can).
func (tl *trustLedger) forge(kind publish.Kind, body []byte) publish.Digest {
	t := tl.t
	s, err := publish.LoadSigner(tl.agency + ".key")
	require.NoError(t, err)
	l, err := publish.OpenDir(tl.path, publish.DirOptions{Signer: s})
	require.NoError(t, err)
	defer l.Close()
	var signed []byte
	_, err = l.AppendNext(func(seq int64, prev publish.Digest) ([]byte, error) {
		signed, err = publish.SignDocument(&publish.Document{Kind: kind, Ledger: l.Name(), Seq: seq, Prev: prev, Body: body}, s)
		return signed, err
	})
	require.NoError(t, err)
	return publish.DigestOf(signed)
}

// variantDir is the county-7 folder with one trailing space in the plan.
func variantDir(t *testing.T) string {
	dir := filepath.Join(t.TempDir(), "variant")
	copyDir(t, vectorDir("dr1-county-7"), dir)
	p := filepath.Join(dir, "plan.json")
	b, err := os.ReadFile(p)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(p, append(b, ' '), 0o644))
	return dir
}

// The review's attack: announce plan A for a ceremony, announce a
// variant A' dated before the ceremony, draw A'.
func TestCLIReRollBySecondAnnouncement(t *testing.T) {
	tl := newTrustLedger(t)
	code, out, errs := tl.announce(tl.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "announced 000001-announcement.note")
	before := tl.snapshot()
	variant := variantDir(t)
	for _, c := range []string{trustCeremony, "2026-11-22T10:30:00+08:00, 县卫生健康局三楼会议室"} {
		code, _, errs = tl.announce(variant, c, "2026-11-21T10:00:00+08:00")
		require.Equal(t, 2, code)
		require.Contains(t, errs, "000001-announcement.note is open")
		require.Contains(t, errs, "re-roll")
	}
	require.Equal(t, before, tl.snapshot(), "the ledger is unchanged")

	// Forced in with the key through the library: announcement A' and
	// its draw. verify reports the second open announcement.
	plan, err := random.LoadPlan(filepath.Join(variant, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(variant, roster.Options{})
	require.NoError(t, err)
	when, where := "2026-11-22T09:30:00+08:00", "县卫生健康局三楼会议室"
	promises := []random.SeedPromise{random.DiceSource{Ceremony: random.Ceremony{When: when, Where: where}}.Promise()}
	roots := set.Roots()
	ab, err := jsonBody(publish.AnnouncementBody{Published: publish.At(time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)), PlanID: plan.ID,
		PlanDigest: plan.Digest(), Inputs: roots.Inputs(plan.Digest()), Roots: roots, Counts: set.Counts(), Seed: promises, Plan: string(plan.Bytes())})
	require.NoError(t, err)
	a2 := tl.forge(publish.KindAnnouncement, ab)
	ev := []random.SeedEvidence{{Kind: random.SourceDice, Digits: "20237331128159211123"}}
	res, err := random.Draw(context.Background(), plan, set, []byte("20237331128159211123"), random.Options{})
	require.NoError(t, err)
	db, err := jsonBody(publish.DrawBody{Announcement: a2, DrawnAt: publish.At(time.Date(2026, 11, 22, 1, 35, 0, 0, time.UTC)), Evidence: ev,
		Seed: []byte("20237331128159211123"), View: res.View()})
	require.NoError(t, err)
	tl.forge(publish.KindDraw, db)
	code, out, errs = tl.verify()
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "announcement 000001-announcement.note (plan test-7), seed event dice 2026-11-22T01:30:00Z at 2026-11-22T09:30:00+08:00: open")
	require.Contains(t, out, "PROBLEM: publish: 000002-announcement.note: announcement: an earlier announcement is still open")
	require.Contains(t, out+errs, "re-roll")
}

func TestCLISeedEventTwice(t *testing.T) {
	tl := newTrustLedger(t)
	code, _, errs := tl.announce(tl.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	out := mustCLI(t, "withdraw", "--ledger", tl.path, "--key", tl.agency+".key", "--reason", "计划有误", "--at", "2026-11-20T11:00:00+08:00")
	require.Contains(t, out, "withdrew 000001-announcement.note: 000002-withdrawal.note ")
	require.NotContains(t, out, "re-roll")
	before := tl.snapshot()
	variant := variantDir(t)
	// The same instant, however written, and whatever the place says.
	for _, c := range []string{trustCeremony, "2026-11-22T01:30:00Z, 县卫生健康局三楼会议室", "2026-11-22T09:30:00+08:00, 县卫生健康局 三楼会议室"} {
		code, _, errs = tl.announce(variant, c, "2026-11-21T10:00:00+08:00")
		require.Equal(t, 2, code)
		require.Contains(t, errs, "seed event already serves an earlier announcement")
		require.Contains(t, errs, "000001-announcement.note, withdrawn")
	}
	require.Equal(t, before, tl.snapshot())
	code, _, errs = tl.announce(variant, "2026-11-22T10:30:00+08:00, 县卫生健康局三楼会议室", "2026-11-21T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	code, out, errs = tl.verify()
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "000001-announcement.note (plan test-7), seed event dice 2026-11-22T01:30:00Z at 2026-11-22T09:30:00+08:00: WITHDRAWN by 000002-withdrawal.note")
	require.Contains(t, out, "000003-announcement.note (plan test-7), seed event dice 2026-11-22T02:30:00Z at 2026-11-22T10:30:00+08:00: open")
}

// Withdrawn after the ceremony: the dice were seen. Allowed, reported
// as a re-roll by withdraw and by verify.
func TestCLIWithdrawalAfterCeremony(t *testing.T) {
	tl := newTrustLedger(t)
	code, _, errs := tl.announce(tl.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	out := mustCLI(t, "withdraw", "--ledger", tl.path, "--key", tl.agency+".key", "--reason", "骰子损坏", "--at", "2026-11-22T09:40:00+08:00")
	require.Contains(t, out, "re-roll")
	code, out, errs = tl.verify()
	require.Equal(t, 0, code, errs)
	require.Regexp(t, `(?m)^announcement 000001-announcement.note .*: WITHDRAWN by 000002-withdrawal.note on 2026-11-22T09:40:00\+08:00, reason "骰子损坏" — re-roll: withdrawn at or after its seed event`, out)
	require.Contains(t, out, "warning: re-roll: 000002-withdrawal.note withdrew 000001-announcement.note")

	// Nothing left to withdraw; a drawn announcement is voided, not withdrawn.
	code, _, errs = cli(t, "withdraw", "--ledger", tl.path, "--key", tl.agency+".key", "--reason", "x")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "no open announcement")
	code, _, errs = cli(t, "withdraw", "--ledger", tl.path, "--key", tl.agency+".key")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "--reason")

	// A redraw is always after the seed event.
	tl2 := newTrustLedger(t)
	code, _, errs = tl2.announce(tl2.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	mustCLI(t, "draw", "--dir", tl2.dir, "--ledger", tl2.path, "--key", tl2.agency+".key", "--seed-dice", trustDigits, "--at", "2026-11-22T09:35:00+08:00")
	mustCLI(t, "amend", "--redraw", "--ledger", tl2.path, "--key", tl2.agency+".key", "--reason", "名录错误", "--at", "2026-11-23T09:00:00+08:00")
	code, out, errs = tl2.verify()
	require.Equal(t, 0, code, errs)
	require.Regexp(t, `(?m)^announcement 000001-announcement.note .*REDRAWN: its draw 000002-draw.note was voided by 000003-amendment.note.* re-roll`, out)
	require.Regexp(t, `(?m)^REDRAW 000003-amendment.note voids 000002-draw.note: .*re-roll`, out)
}

// Signing with a key that is not the ledger's: refused before anything
// is written; the ledger still verifies.
func TestCLIWrongKey(t *testing.T) {
	tl := newTrustLedger(t)
	code, _, errs := tl.announce(tl.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	mustCLI(t, "draw", "--dir", tl.dir, "--ledger", tl.path, "--key", tl.agency+".key", "--seed-dice", trustDigits, "--at", "2026-11-22T09:35:00+08:00")
	before := tl.snapshot()
	other := filepath.Join(tl.tmp, "other")
	mustCLI(t, "keygen", "--name", "someone.else", "--out", other)
	sameName := filepath.Join(tl.tmp, "same-name")
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", sameName)
	for _, keys := range [][]string{
		{"--key", other + ".key"},
		{"--key", sameName + ".key"},
		{"--key", tl.agency + ".key", "--witness-key", other + ".key"},
	} {
		code, _, errs := cli(t, append([]string{"amend", "--ledger", tl.path, "--dir", tl.dir, "--premises", "91371727HD841G735N",
			"--out", "WJ3717270021", "--reason", "病假", "--at", "2026-11-23T09:00:00+08:00"}, keys...)...)
		require.Equal(t, 2, code, "%v", keys)
		require.Contains(t, errs, "not the ledger's signing keys")
		code, _, errs = cli(t, append([]string{"withdraw", "--ledger", tl.path, "--reason", "x"}, keys...)...)
		require.Equal(t, 2, code)
		require.Contains(t, errs, "not the ledger's signing keys")
		require.Equal(t, before, tl.snapshot(), "%v", keys)
	}
	code, out, errs := tl.verify()
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "verified: OK")
}

// A hostile document (nested lists far beyond the limit), signed with
// the key and forced in: verify reports it without parsing it.
func TestCLIDeepNesting(t *testing.T) {
	tl := newTrustLedger(t)
	code, _, errs := tl.announce(tl.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	body := append(bytes.Repeat([]byte("["), 1_000_000), append(bytes.Repeat([]byte("]"), 1_000_000), '\n')...)
	tl.forge(publish.KindResults, body)
	code, out, _ := tl.verify()
	require.Equal(t, 1, code)
	require.Contains(t, out, "000002-results.note")
	require.Contains(t, out, "JSON nested more than 64 levels deep")
}

func TestCLIShortSecret(t *testing.T) {
	tl := newTrustLedger(t)
	short := []byte("8 bytes!")
	c := random.Commit("纪检监察组", short)
	code, _, errs := cli(t, "announce", "--accept-problems", "--dir", tl.dir, "--ledger", tl.path, "--key", tl.agency+".key",
		"--commit", "纪检监察组="+hex.EncodeToString(c[:]), "--at", "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	before := tl.snapshot()
	code, _, errs = cli(t, "draw", "--dir", tl.dir, "--ledger", tl.path, "--key", tl.agency+".key",
		"--reveal", "纪检监察组="+hex.EncodeToString(short), "--at", "2026-11-22T09:35:00+08:00")
	require.Equal(t, 2, code)
	require.Contains(t, errs, `the secret of "纪检监察组" is 8 bytes, want at least 16`)
	require.Equal(t, before, tl.snapshot())
}

// A system seed combined with dice, forced in with the key: the record
// does not replay.
func TestCLISystemSeedCombined(t *testing.T) {
	tl := newTrustLedger(t)
	code, _, errs := tl.announce(tl.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	mustCLI(t, "withdraw", "--ledger", tl.path, "--key", tl.agency+".key", "--reason", "改用组合种子", "--at", "2026-11-20T11:00:00+08:00")
	plan, err := random.LoadPlan(filepath.Join(tl.dir, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(tl.dir, roster.Options{})
	require.NoError(t, err)
	roots := set.Roots()
	promises := []random.SeedPromise{random.DiceSource{Ceremony: random.Ceremony{When: "2026-11-23T09:30:00+08:00", Where: "会议室"}}.Promise(),
		(&random.SystemSource{}).Promise()}
	ab, err := jsonBody(publish.AnnouncementBody{Published: publish.At(time.Date(2026, 11, 21, 2, 0, 0, 0, time.UTC)), PlanID: plan.ID,
		PlanDigest: plan.Digest(), Inputs: roots.Inputs(plan.Digest()), Roots: roots, Counts: set.Counts(), Seed: promises, Plan: string(plan.Bytes())})
	require.NoError(t, err)
	tl.forge(publish.KindAnnouncement, ab)
	code, out, _ := tl.verify()
	require.Equal(t, 1, code)
	require.Contains(t, out, "a system seed cannot be combined with another source")
}

// The plan of county-7 has pre-flight problems: announce refuses it,
// before any ledger exists, unless the problems are accepted; the
// announcement then records them and verify shows them.
func TestCLIAnnouncePreflight(t *testing.T) {
	tl := newTrustLedger(t)
	code, _, errs := cli(t, "announce", "--dir", tl.dir, "--ledger", tl.path, "--key", tl.agency+".key",
		"--dice-ceremony", trustCeremony, "--at", "2026-11-20T10:00:00+08:00")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "the plan has 4 pre-flight problems; nothing was published")
	require.Contains(t, errs, "team rule 0 (size 2): no team can be formed")
	require.NoDirExists(t, tl.path)
	code, out, errs := tl.announce(tl.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "accepted pre-flight problem (recorded in the announcement): team rule 0 (size 2): no team can be formed")
	b, err := os.ReadFile(filepath.Join(tl.path, "000001-announcement.note"))
	require.NoError(t, err)
	require.Contains(t, string(b), ` "accepted_problems": [`)
	code, out, errs = tl.verify()
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "warning: 000001-announcement.note was published despite 4 pre-flight problems")
}

// notice checks signatures first: without --pub it refuses, with a key
// that did not sign it fails.
func TestCLINoticeChecksSignatures(t *testing.T) {
	tl := newTrustLedger(t)
	code, _, errs := tl.announce(tl.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	mustCLI(t, "draw", "--dir", tl.dir, "--ledger", tl.path, "--key", tl.agency+".key", "--seed-dice", trustDigits, "--at", "2026-11-22T09:35:00+08:00")
	code, _, errs = cli(t, "notice", "--ledger", tl.path, "--dir", tl.dir, "--out", "-")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "--pub is required")
	other := filepath.Join(tl.tmp, "other")
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", other)
	code, out, errs := cli(t, "notice", "--ledger", tl.path, "--dir", tl.dir, "--pub", other+".pub", "--out", "-")
	require.Equal(t, 1, code, out)
	require.Empty(t, out, "nothing is written from an unverified ledger")
	require.Contains(t, errs, "000001-announcement.note")
	out = mustCLI(t, "notice", "--ledger", tl.path, "--dir", tl.dir, "--pub", tl.agency+".pub", "--out", "-")
	require.Contains(t, out, "序号")
}

// A third party without the keys publishes a ledger under the agency's
// name with its own keys: every document fails its signature.
func TestCLIThirdPartyForgery(t *testing.T) {
	tl := newTrustLedger(t)
	forger := filepath.Join(tl.tmp, "forger")
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", forger)
	code, _, errs := cli(t, "announce", "--accept-problems", "--dir", tl.dir, "--ledger", tl.path, "--key", forger+".key",
		"--dice-ceremony", trustCeremony, "--at", "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	mustCLI(t, "draw", "--dir", tl.dir, "--ledger", tl.path, "--key", forger+".key", "--seed-dice", trustDigits, "--at", "2026-11-22T09:35:00+08:00")
	code, out, _ := tl.verify()
	require.Equal(t, 1, code)
	require.Contains(t, out, "PROBLEM: 000001-announcement.note: publish: signer example.gov.cn/wjw+")
	require.Contains(t, out, "signed by an unknown key")
	require.Contains(t, out, "PROBLEM: checkpoint")
}

// jsonBody writes a document body as the publish package does.
func jsonBody(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
