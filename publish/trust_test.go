package publish

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// The attacks of issue 12 on the record, played by the operator with the
// real keys (through the library, and by forging documents that skip
// every check) and by a third party without them.

// variantPlan is the plan of f with one trailing space: another digest,
// the same draw rules.
func variantPlan(t *testing.T, f *fixture) *random.Plan {
	t.Helper()
	p, err := random.ParsePlan(append(bytes.Clone(f.plan.Bytes()), ' '))
	require.NoError(t, err)
	require.NotEqual(t, f.plan.Digest(), p.Digest())
	return p
}

// forgeAnnouncement signs an announcement of plan into m, skipping every
// rule.
func (f *fixture) forgeAnnouncement(t *testing.T, m *memLedger, plan *random.Plan, promises []random.SeedPromise, at time.Time) Digest {
	roots := f.set.Roots()
	return f.forge(t, m, KindAnnouncement, &AnnouncementBody{Published: At(at), PlanID: plan.ID, PlanDigest: plan.Digest(),
		Inputs: roots.Inputs(plan.Digest()), Roots: roots, Counts: f.set.Counts(), Seed: promises, Plan: string(plan.Bytes())})
}

// forgeDraw draws plan with the dice digits and signs the draw into m.
func (f *fixture) forgeDraw(t *testing.T, m *memLedger, ann Digest, plan *random.Plan, promises []random.SeedPromise, digits string, at time.Time) Digest {
	var ev []random.SeedEvidence
	for _, p := range promises {
		e, err := random.DiceSource{Ceremony: *p.Ceremony, Digits: digits}.Evidence()
		require.NoError(t, err)
		ev = append(ev, e)
	}
	seed, err := random.DeriveSeed(promises, ev)
	require.NoError(t, err)
	res, err := random.Draw(context.Background(), plan, f.set, seed, random.Options{})
	require.NoError(t, err)
	return f.forge(t, m, KindDraw, &DrawBody{Announcement: ann, DrawnAt: At(at), Evidence: ev, Seed: seed, View: res.View()})
}

func requireWarning(t *testing.T, rep *Report, substr string) {
	t.Helper()
	for _, w := range rep.Warnings {
		if strings.Contains(w.String(), substr) {
			return
		}
	}
	t.Fatalf("no warning containing %q in:\n%s", substr, rep)
}

// The attack of the review: announce plan A for a ceremony, announce a
// variant A' (one trailing space) dated before the ceremony, draw A',
// leave A undrawn.
func TestReRollBySecondAnnouncement(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	before := f.copyLedger(t)
	variant := variantPlan(t, f)
	// The same ceremony, and another one: both refused while A is open.
	for _, c := range []random.Ceremony{ceremony, {When: "2026-11-22T10:30:00+08:00", Where: "县卫生健康局三楼会议室"}} {
		_, err := Announce(f.l, f.signers, variant, f.set, []random.SeedPromise{random.DiceSource{Ceremony: c}.Promise()}, tAnnounce.Add(time.Hour))
		require.ErrorIs(t, err, ErrOpenAnnouncement)
		require.Contains(t, err.Error(), "000001-announcement.note is open")
		require.Contains(t, err.Error(), "re-roll")
	}
	require.Equal(t, before.docs, f.copyLedger(t).docs, "nothing was written")

	// Forced in with the key, skipping every check: verify reports it.
	m := f.copyLedger(t)
	a2 := f.forgeAnnouncement(t, m, variant, f.promises, tAnnounce.Add(time.Hour))
	f.forgeDraw(t, m, a2, variant, f.promises, digits, tDraw)
	rep := verifyMem(t, f, m, f.set)
	requireProblem(t, rep, is(ErrOpenAnnouncement))
	require.Contains(t, rep.String(), "re-roll")
	// The first announcement is listed, open, with its seed event.
	require.Len(t, rep.Fates, 1)
	require.Equal(t, FateOpen, rep.Fates[0].Fate)
	require.Contains(t, rep.String(), "announcement 000001-announcement.note (plan test-7), seed event dice 2026-11-22T01:30:00Z at 2026-11-22T09:30:00+08:00: open")
}

func TestSeedEventTwice(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	_, err := Withdraw(f.l, f.signers, Digest{}, "计划有误，撤回重新公告", tAnnounce.Add(time.Hour))
	require.NoError(t, err)
	variant := variantPlan(t, f)
	// The same ceremony, written as the same instant in another zone, or
	// with another place: one seed event.
	for _, c := range []random.Ceremony{
		ceremony,
		{When: "2026-11-22T01:30:00Z", Where: ceremony.Where},
		{When: ceremony.When, Where: ceremony.Where + "（大会议室）"},
	} {
		_, err := Announce(f.l, f.signers, variant, f.set, []random.SeedPromise{random.DiceSource{Ceremony: c}.Promise()}, tAnnounce.Add(2*time.Hour))
		require.ErrorIs(t, err, ErrSeedEventReused, c.When)
		require.Contains(t, err.Error(), "000001-announcement.note, withdrawn")
	}
	// A beacon round or a commitment named twice in one announcement.
	chain, _ := quicknet(t)
	b := random.BeaconSource{Chain: chain, Round: 1000}.Promise()
	require.Equal(t, []string{"beacon 52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971 1000"}, SeedEventOf([]random.SeedPromise{b}).Keys)

	// A new ceremony is a new seed event.
	c2 := random.Ceremony{When: "2026-11-23T09:30:00+08:00", Where: ceremony.Where}
	ann2, err := Announce(f.l, f.signers, variant, f.set, []random.SeedPromise{random.DiceSource{Ceremony: c2}.Promise()}, tAnnounce.Add(2*time.Hour))
	require.NoError(t, err)
	require.NotEqual(t, f.ann, ann2)

	// Forced in: a second announcement of the first ceremony after a
	// withdrawal fails verification.
	g := newFixture(t)
	g.announce(t)
	_, err = Withdraw(g.l, g.signers, g.ann, "撤回", tAnnounce.Add(time.Hour))
	require.NoError(t, err)
	m := g.copyLedger(t)
	a2 := g.forgeAnnouncement(t, m, variant, g.promises, tAnnounce.Add(2*time.Hour))
	g.forgeDraw(t, m, a2, variant, g.promises, digits, tDraw)
	rep := verifyMem(t, g, m, g.set)
	requireProblem(t, rep, is(ErrSeedEventReused))
}

func TestWithdrawal(t *testing.T) {
	f := newFixture(t)
	_, err := Withdraw(f.l, f.signers, Digest{}, "x", tAnnounce)
	require.ErrorIs(t, err, ErrReference, "nothing to withdraw")
	f.announce(t)
	_, err = Withdraw(f.l, f.signers, f.ann, "", tAnnounce.Add(time.Hour))
	require.ErrorIs(t, err, ErrRecord, "a withdrawal needs a reason")
	_, err = Withdraw(f.l, f.signers, Digest{1}, "x", tAnnounce.Add(time.Hour))
	require.ErrorIs(t, err, ErrReference, "not the open announcement")

	// Withdrawn before the ceremony: no re-roll.
	w, err := Withdraw(f.l, f.signers, f.ann, "名录库导入错误", tAnnounce.Add(time.Hour))
	require.NoError(t, err)
	_, _, err = PublishDraw(context.Background(), f.l, f.signers, f.ann, f.set, []random.SeedEvidence{{Kind: random.SourceDice, Digits: "20237331128159211123"}}, tDraw)
	require.ErrorIs(t, err, ErrWithdrawn, "a withdrawn announcement cannot be drawn")
	_, err = Withdraw(f.l, f.signers, f.ann, "again", tAnnounce.Add(2*time.Hour))
	require.ErrorIs(t, err, ErrReference, "no open announcement left")

	// A new announcement, drawn; a drawn announcement cannot be withdrawn.
	c2 := random.Ceremony{When: "2026-11-23T09:30:00+08:00", Where: ceremony.Where}
	p2 := []random.SeedPromise{random.DiceSource{Ceremony: c2}.Promise()}
	ann2, err := Announce(f.l, f.signers, f.plan, f.set, p2, tAnnounce.Add(2*time.Hour))
	require.NoError(t, err)
	_, _, err = PublishDraw(context.Background(), f.l, f.signers, ann2, f.set, []random.SeedEvidence{{Kind: random.SourceDice, Digits: "20237331128159211123"}}, time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	m := f.copyLedger(t)
	f.forge(t, m, KindWithdrawal, &WithdrawalBody{Published: At(tAmend.Add(24 * time.Hour)), Announcement: ann2, Reason: "后悔了"})
	requireProblem(t, verifyMem(t, f, m, f.set), is(ErrRecord))

	rep := verifyMem(t, f, f.l, f.set)
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Fates, 2)
	require.Equal(t, FateWithdrawn, rep.Fates[0].Fate)
	require.False(t, rep.Fates[0].ReRoll)
	require.Equal(t, "000002-withdrawal.note", rep.Fates[0].By)
	require.Equal(t, FateDrawn, rep.Fates[1].Fate)
	require.NotContains(t, rep.String(), "re-roll")
	require.Contains(t, rep.String(), `WITHDRAWN by 000002-withdrawal.note on 2026-11-20T11:00:00+08:00, reason "名录库导入错误"`)

	r, err := ReadRecord(f.l)
	require.NoError(t, err)
	require.Equal(t, w, r.WithdrawnBy(f.ann).Digest)
	require.Nil(t, r.Open())
	fates := r.Fates()
	require.Len(t, fates, 2)
	require.Equal(t, "名录库导入错误", fates[0].Reason)
}

// A withdrawal after the ceremony: the dice were read, the operator
// did not like them. Allowed (a ceremony can fail), but a re-roll.
func TestWithdrawalAfterCeremony(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	_, err := Withdraw(f.l, f.signers, f.ann, "仪式现场骰子损坏", tDraw)
	require.NoError(t, err)
	rep := verifyMem(t, f, f.l, f.set)
	require.True(t, rep.OK(), rep.String())
	require.True(t, rep.Fates[0].ReRoll)
	require.Contains(t, rep.Fates[0].Line, "re-roll")
	requireWarning(t, rep, "re-roll: 000002-withdrawal.note withdrew 000001-announcement.note on 2026-11-22T01:35:00Z, at or after its seed event (2026-11-22T01:30:00Z)")

	// A redraw is always after the seed event.
	g := newFixture(t)
	g.announce(t)
	g.drawDice(t)
	_, err = Redraw(g.l, g.signers, g.draw, "名录库导入错误", tAmend)
	require.NoError(t, err)
	rep = verifyMem(t, g, g.l, g.set)
	require.Equal(t, FateRedrawn, rep.Fates[0].Fate)
	require.Contains(t, rep.Fates[0].Line, "REDRAWN: its draw 000002-draw.note was voided by 000003-amendment.note")
	require.Contains(t, rep.Fates[0].Line, "re-roll")

	// Commit-reveal only: the seed event has no time.
	h := newFixture(t)
	s1 := bytes.Repeat([]byte{1}, 32)
	cr := random.CommitRevealSource{Commitments: []random.Commitment{{Name: "纪检监察组", Hash: random.Commit("纪检监察组", s1)}}}
	_, err = Announce(h.l, h.signers, h.plan, h.set, []random.SeedPromise{cr.Promise()}, tAnnounce)
	require.NoError(t, err)
	_, err = Withdraw(h.l, h.signers, Digest{}, "x", tDraw)
	require.NoError(t, err)
	rep = verifyMem(t, h, h.l, h.set)
	require.True(t, rep.Fates[0].ReRollUnknown)
	requireWarning(t, rep, "possible re-roll")
}

func TestWrongKey(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	other, _ := testKey(t, "other.example/key")
	impostor, _ := testKey(t, agencyName) // same name, same key: fine
	require.Equal(t, KeyID{agencyName, f.signers[0].KeyHash()}, KeyID{impostor.Name(), impostor.KeyHash()})
	// Same name, another key.
	seed := bytes.Repeat([]byte{9}, 32)
	sk, _, err := GenerateKey(bytes.NewReader(seed), agencyName)
	require.NoError(t, err)
	sameName, err := NewSigner(sk)
	require.NoError(t, err)

	before := f.copyLedger(t)
	cpBefore, err := f.l.Checkpoint()
	require.NoError(t, err)
	sel := f.staffed(t)
	for _, signers := range [][]Signer{{other}, {sameName, f.signers[1]}, {f.signers[0]}, {f.signers[0], f.signers[1], other}} {
		_, _, err := Substitute(context.Background(), f.l, signers, f.draw, f.set,
			[]random.Substitution{{Premises: sel.ID, Out: sel.TeamIDs()[0], Reason: "病假"}}, tAmend)
		require.ErrorIs(t, err, ErrWrongKey)
		_, err = Redraw(f.l, signers, f.draw, "x", tAmend)
		require.ErrorIs(t, err, ErrWrongKey)
	}
	require.Equal(t, before.docs, f.copyLedger(t).docs)

	// Opening the folder as a writer with another key is refused before
	// anything is written (no repair, no checkpoint).
	require.NoError(t, f.l.Close())
	_, err = OpenDir(f.dir, DirOptions{Signer: other})
	require.ErrorIs(t, err, ErrWrongKey)
	_, err = OpenDir(f.dir, DirOptions{Signer: sameName})
	require.ErrorIs(t, err, ErrWrongKey)
	cpAfter, err := os.ReadFile(filepath.Join(f.dir, "checkpoint"))
	require.NoError(t, err)
	require.Equal(t, cpBefore, cpAfter)
	l, err := OpenDir(f.dir, DirOptions{})
	require.NoError(t, err)
	defer l.Close()
	rep, err := Verify(l, f.set, f.vs, Options{})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
}

// A third party without the keys forges documents: they fail their
// signatures, and their bodies are never parsed.
func TestThirdPartyForgery(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	m := f.copyLedger(t)
	forger := &fixture{signers: []Signer{mustKey(t, agencyName, 7), mustKey(t, witnessName, 8)}, set: f.set, plan: f.plan}
	// A results document under the agency's names, and one whose body
	// is hostile: nested far beyond the limit.
	forger.forge(t, m, KindResults, &ResultsBody{Draw: f.draw, Published: At(tResults), Results: []ResultEntry{{Premises: f.res.Selected[0].ID,
		Outcome: OutcomeNoIssue, Zh: "未发现问题", En: "No problem found", Inspected: roster.MustParseDate("2026-11-25"), Inspectors: []string{"x"}}}})
	signed, err := SignDocument(&Document{Kind: KindResults, Ledger: agencyName, Seq: int64(len(m.docs)) + 1, Prev: DigestOf(m.docs[len(m.docs)-1]),
		Body: append(bytes.Repeat([]byte("["), 100000), append(bytes.Repeat([]byte("]"), 100000), '\n')...)}, forger.signers...)
	require.NoError(t, err)
	m.docs = append(m.docs, signed)
	rep := verifyMem(t, f, m, f.set)
	require.False(t, rep.OK())
	for _, p := range rep.Problems[:2] {
		var se *SignatureError
		require.True(t, errors.As(p.Err, &se), "%v", p.Err)
		require.ErrorIs(t, p.Err, ErrUnknownKey) // same names, other keys
	}
	require.NotContains(t, rep.String(), "nested")
	// The self-check of a business checks signatures before reading.
	row, _ := f.set.Premises.Lookup(f.res.Selected[0].ID)
	proof, _ := f.set.Premises.Prove(row.ID)
	_, err = SelfCheck(m, f.vs, row, proof, SelfCheckOptions{})
	require.ErrorIs(t, err, ErrUnknownKey)
	require.Contains(t, err.Error(), "000003-results.note")
}

// mustKey returns a key named name from a seed byte: same name as a
// real key, another key.
func mustKey(t *testing.T, name string, b byte) Signer {
	sk, _, err := GenerateKey(bytes.NewReader(bytes.Repeat([]byte{b}, 32)), name)
	require.NoError(t, err)
	s, err := NewSigner(sk)
	require.NoError(t, err)
	return s
}

// hostileBody is a body of n nested lists.
func hostileBody(n int) []byte {
	b := make([]byte, 0, 2*n+1)
	b = append(b, bytes.Repeat([]byte("["), n)...)
	b = append(b, bytes.Repeat([]byte("]"), n)...)
	return append(b, '\n')
}

// signHostile signs a draw document whose body nests n lists, as the
// operator could with the key.
func signHostile(t testing.TB, n int) ([]byte, []Signer, []note.Verifier) {
	as, av := testKey(t, agencyName)
	signed, err := SignDocument(&Document{Kind: KindDraw, Ledger: agencyName, Seq: 1, Body: hostileBody(n)}, as)
	require.NoError(t, err)
	return signed, []Signer{as}, []note.Verifier{av}
}

func TestDeepNesting(t *testing.T) {
	signed, signers, vs := signHostile(t, 3_000_000)
	m := &memLedger{name: agencyName, docs: [][]byte{signed}, signer: signers[0]}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	rep, err := Verify(m, nil, vs, Options{})
	runtime.ReadMemStats(&after)
	require.NoError(t, err)
	requireProblem(t, rep, func(err error) bool {
		return errors.Is(err, ErrMalformed) && strings.Contains(err.Error(), "JSON nested more than 64 levels deep at byte offset 64")
	})
	// What a pass over the bytes costs: copies of the document, no
	// memory per level of nesting (it was tens of bytes per level).
	alloc := after.TotalAlloc - before.TotalAlloc
	require.Less(t, alloc, uint64(8*len(signed)), "verify allocated %d bytes for a %d-byte document", alloc, len(signed))
	_, err = ReadRecord(m)
	require.ErrorIs(t, err, ErrMalformed)
	require.Error(t, checkJSONDepth([]byte(`{"a":`+strings.Repeat("[", 64)+strings.Repeat("]", 64)+`}`), 64))
	require.NoError(t, checkJSONDepth([]byte(`{"a":"`+strings.Repeat("[", 100)+`\"[[["}`), 2), "brackets in strings do not count")
}

// BenchmarkHostileDocument verifies a ledger whose one document, signed
// with the agency's key, is a 60 MB body of nested lists (it took 4.4 GB
// before bodies were bounded in depth). It reports the bytes allocated
// per verification; compare with the document's size (the doc-bytes
// metric).
func BenchmarkHostileDocument(b *testing.B) {
	signed, signers, vs := signHostile(b, 30_000_000)
	m := &memLedger{name: agencyName, docs: [][]byte{signed}, signer: signers[0]}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		rep, err := Verify(m, nil, vs, Options{})
		if err != nil || rep.OK() {
			b.Fatalf("hostile document accepted: %v", err)
		}
	}
	b.ReportMetric(float64(len(signed)), "doc-bytes")
}

func TestShortSecret(t *testing.T) {
	f := newFixture(t)
	short := []byte("12345678")
	cr := random.CommitRevealSource{Commitments: []random.Commitment{{Name: "纪检监察组", Hash: random.Commit("纪检监察组", short)}}}
	ann, err := Announce(f.l, f.signers, f.plan, f.set, []random.SeedPromise{cr.Promise()}, tAnnounce)
	require.NoError(t, err)
	ev := []random.SeedEvidence{{Kind: random.SourceCommitReveal, Reveals: []random.Reveal{{Name: "纪检监察组", Secret: short}}}}
	_, _, err = PublishDraw(context.Background(), f.l, f.signers, ann, f.set, ev, tDraw)
	require.ErrorIs(t, err, random.ErrShortSecret)
	require.Contains(t, err.Error(), `the secret of "纪检监察组" is 8 bytes, want at least 16`)

	// Forged in (or made before the rule): replays, with a warning.
	m := f.copyLedger(t)
	seed, err := random.DeriveSeed([]random.SeedPromise{cr.Promise()}, ev)
	require.NoError(t, err)
	res, err := random.Draw(context.Background(), f.plan, f.set, seed, random.Options{})
	require.NoError(t, err)
	f.forge(t, m, KindDraw, &DrawBody{Announcement: ann, DrawnAt: At(tDraw), Evidence: ev, Seed: seed, View: res.View()})
	rep := verifyMem(t, f, m, f.set)
	require.True(t, rep.OK(), rep.String())
	requireWarning(t, rep, "is 8 bytes, want at least 16")

	// 16 bytes are enough.
	g := newFixture(t)
	ok := []byte("0123456789abcdef")
	cr = random.CommitRevealSource{Commitments: []random.Commitment{{Name: "a", Hash: random.Commit("a", ok)}}}
	ann, err = Announce(g.l, g.signers, g.plan, g.set, []random.SeedPromise{cr.Promise()}, tAnnounce)
	require.NoError(t, err)
	_, _, err = PublishDraw(context.Background(), g.l, g.signers, ann, g.set,
		[]random.SeedEvidence{{Kind: random.SourceCommitReveal, Reveals: []random.Reveal{{Name: "a", Secret: ok}}}}, tDraw)
	require.NoError(t, err)
}

func TestSystemSeedCombined(t *testing.T) {
	f := newFixture(t)
	sys := (&random.SystemSource{}).Promise()
	promises := []random.SeedPromise{random.DiceSource{Ceremony: ceremony}.Promise(), sys}
	_, err := Announce(f.l, f.signers, f.plan, f.set, promises, tAnnounce)
	require.ErrorIs(t, err, random.ErrSystemCombined)
	n, _ := f.l.Len()
	require.Zero(t, n)

	m := &memLedger{name: agencyName, signer: f.signers[0]}
	ann := f.forgeAnnouncement(t, m, f.plan, promises, tAnnounce)
	f.forge(t, m, KindDraw, &DrawBody{Announcement: ann, DrawnAt: At(tDraw),
		Evidence: []random.SeedEvidence{{Kind: random.SourceDice, Digits: "20237331128159211123"}, {Kind: random.SourceSystem, Seed: bytes.Repeat([]byte{1}, 32)}},
		Seed:     bytes.Repeat([]byte{1}, 32), View: &random.View{}})
	rep := verifyMem(t, f, m, f.set)
	requireProblem(t, rep, is(random.ErrSystemCombined))
}

func TestAnnouncePreflight(t *testing.T) {
	f := newFixture(t)
	_, err := AnnounceWith(f.l, f.signers, f.plan, f.set, f.promises, tAnnounce, AnnounceOptions{Preflight: true})
	require.ErrorIs(t, err, ErrPreflight)
	var pe *PreflightError
	require.True(t, errors.As(err, &pe))
	require.Len(t, pe.Problems, 4)
	n, _ := f.l.Len()
	require.Zero(t, n)
	ann, err := AnnounceWith(f.l, f.signers, f.plan, f.set, f.promises, tAnnounce, AnnounceOptions{Preflight: true, AcceptProblems: true})
	require.NoError(t, err)
	r, err := ReadRecord(f.l)
	require.NoError(t, err)
	a, _ := r.Lookup(ann)
	require.Equal(t, pe.Problems, a.Announcement.AcceptedProblems)
	rep := verifyMem(t, f, f.l, f.set)
	require.True(t, rep.OK(), rep.String())
	requireWarning(t, rep, "was published despite 4 pre-flight problems: team rule 0 (size 2): no team can be formed")
	require.NotContains(t, rep.String(), "differ from those found now")

	// A record of problems that are not the plan's is reported.
	m := &memLedger{name: agencyName, signer: f.signers[0]}
	roots := f.set.Roots()
	f.forge(t, m, KindAnnouncement, &AnnouncementBody{Published: At(tAnnounce), PlanID: f.plan.ID, PlanDigest: f.plan.Digest(),
		Inputs: roots.Inputs(f.plan.Digest()), Roots: roots, Counts: f.set.Counts(), Seed: f.promises, Plan: string(f.plan.Bytes()),
		AcceptedProblems: []string{"none worth mentioning"}})
	requireWarning(t, verifyMem(t, f, m, f.set), "differ from those found now")
}

func TestSubstitutionsOnOneVisit(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	s := f.staffed(t)
	var team []string
	for i := 0; i < 2; i++ {
		if i > 0 {
			team = f.mustTeam(t, s.ID)
		} else {
			team = s.TeamIDs()
		}
		_, _, err := Substitute(context.Background(), f.l, f.signers, f.draw, f.set,
			[]random.Substitution{{Premises: s.ID, Out: team[len(team)-1], Reason: "病假"}}, tAmend.Add(time.Duration(i)*time.Hour))
		require.NoError(t, err)
	}
	rep := verifyMem(t, f, f.l, f.set)
	require.True(t, rep.OK(), rep.String())
	requireWarning(t, rep, "premises "+s.ID+" had 2 substitutions on one visit")
}

func (f *fixture) mustTeam(t *testing.T, premises string) []string {
	r, err := ReadRecord(f.l)
	require.NoError(t, err)
	team := r.Team(f.draw, premises)
	require.NotEmpty(t, team)
	return team
}

func TestUnknownSignatureReported(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	m := f.copyLedger(t)
	// Re-sign the announcement with an extra key.
	text, _, derr := splitNote(m.docs[0])
	require.Nil(t, derr)
	extra := mustKey(t, "someone.else", 3)
	b, err := Sign(text, append(f.signers, extra)...)
	require.NoError(t, err)
	m.docs[0] = b
	rep, err := Verify(m, f.set, f.vs, Options{Policy: Policy{AllowUnknown: true, Require: []string{agencyName, witnessName}}})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	requireWarning(t, rep, "000001-announcement.note: carries 1 signatures by keys the reader does not know: someone.else+")
}

func TestCheckSignatures(t *testing.T) {
	f := full(t)
	require.NoError(t, CheckSignatures(f.l, f.vs, Policy{Require: []string{agencyName, witnessName}}))
	m := f.copyLedger(t)
	forger := mustKey(t, agencyName, 5)
	text, _, _ := splitNote(m.docs[2])
	b, err := Sign(text, forger)
	require.NoError(t, err)
	m.docs[2] = b
	err = CheckSignatures(m, f.vs, Policy{})
	require.ErrorIs(t, err, ErrUnknownKey)
	require.Contains(t, err.Error(), "000003-amendment.note")
	require.Error(t, CheckSignatures(f.l, nil, Policy{}))
}

func TestFatesOfV1Ledger(t *testing.T) {
	// The v1 lifecycle keeps its bytes and verifies as before.
	f := full(t)
	rep := verifyMem(t, f, f.l, f.set)
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Fates, 1)
	require.Equal(t, FateDrawn, rep.Fates[0].Fate)
	require.Equal(t, "000002-draw.note", rep.Fates[0].By)
	require.Equal(t, "dice 2026-11-22T01:30:00Z", rep.Fates[0].SeedEvent)
}

// The public notice shows withdrawn announcements with their reasons,
// and a withdrawal after the seed event as a re-draw (protocol v2 §8).
func TestNoticeWithdrawals(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	_, err := Withdraw(f.l, f.signers, Digest{}, "名录库数据有误，撤回重新公告", tAnnounce.Add(time.Hour))
	require.NoError(t, err)
	n, err := BuildNotice(f.l, f.set, NoticeOptions{})
	require.NoError(t, err)
	require.Len(t, n.Withdrawn, 1)
	w := n.Withdrawn[0]
	require.Equal(t, "000001-announcement.note", w.AnnouncementFile)
	require.Equal(t, "名录库数据有误，撤回重新公告", w.Reason)
	require.False(t, w.AfterSeed, "withdrawn before the ceremony")
	var page strings.Builder
	require.NoError(t, WriteNotice(&page, f.l, f.set, NoticeOptions{Format: NoticeHTML}))
	require.Contains(t, page.String(), "名录库数据有误，撤回重新公告")
	require.Contains(t, page.String(), "在随机数产生之前撤回")
}
