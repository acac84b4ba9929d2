package publish

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// memLedger is a Ledger in memory that accepts anything: tests use it to
// build ledgers that a DirLedger would refuse, as a forger would. Its
// checkpoint is re-signed over whatever it holds.
type memLedger struct {
	name   string
	docs   [][]byte
	signer Signer
}

func (m *memLedger) Name() string                   { return m.name }
func (m *memLedger) Len() (int64, error)            { return int64(len(m.docs)), nil }
func (m *memLedger) Read(seq int64) ([]byte, error) { return m.docs[seq-1], nil }
func (m *memLedger) Append(b []byte) (int64, error) {
	m.docs = append(m.docs, b)
	return int64(len(m.docs)), nil
}

func (m *memLedger) hashes() tlog.HashReader {
	var stored []tlog.Hash
	for i, d := range m.docs {
		dg := DigestOf(d)
		hs, _ := tlog.StoredHashes(int64(i), dg[:], tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
			out := make([]tlog.Hash, len(idx))
			for j, x := range idx {
				out[j] = stored[x]
			}
			return out, nil
		}))
		stored = append(stored, hs...)
	}
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for j, x := range idx {
			out[j] = stored[x]
		}
		return out, nil
	})
}

func (m *memLedger) Checkpoint() ([]byte, error) {
	root, err := tlog.TreeHash(int64(len(m.docs)), m.hashes())
	if err != nil {
		return nil, err
	}
	return SignCheckpoint(Checkpoint{Origin: m.name, Size: int64(len(m.docs)), Root: root}, m.signer)
}

func (m *memLedger) ConsistencyProof(o, n int64) (tlog.TreeProof, error) {
	if o == 0 || o == n {
		return nil, nil
	}
	return tlog.ProveTree(n, o, m.hashes())
}

// copyLedger copies the documents of f's ledger into a memLedger.
func (f *fixture) copyLedger(t *testing.T) *memLedger {
	n, err := f.l.Len()
	require.NoError(t, err)
	m := &memLedger{name: f.l.Name(), signer: f.signers[0]}
	for seq := int64(1); seq <= n; seq++ {
		b, err := f.l.Read(seq)
		require.NoError(t, err)
		m.docs = append(m.docs, b)
	}
	return m
}

// forge signs a document with body as the next of m, skipping every rule.
func (f *fixture) forge(t *testing.T, m *memLedger, kind Kind, body any) Digest {
	text, err := encodeBody(body)
	require.NoError(t, err)
	var prev Digest
	if len(m.docs) > 0 {
		prev = DigestOf(m.docs[len(m.docs)-1])
	}
	signed, err := SignDocument(&Document{Kind: kind, Ledger: m.name, Seq: int64(len(m.docs)) + 1, Prev: prev, Body: text}, f.signers...)
	require.NoError(t, err)
	m.docs = append(m.docs, signed)
	return DigestOf(signed)
}

// full builds announce → draw → substitute → results.
func full(t *testing.T) *fixture {
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	s := f.staffed(t)
	reps, _, err := Substitute(context.Background(), f.l, f.signers, f.draw, f.set,
		[]random.Substitution{{Premises: s.ID, Out: s.Team[1].ID, Reason: "利益冲突", Conflict: true}}, tAmend)
	require.NoError(t, err)
	_, err = PublishResults(f.l, f.signers, f.draw, nil, []ResultEntry{
		{Premises: s.ID, Outcome: OutcomeCorrected, Inspected: roster.MustParseDate("2026-11-25"), Inspectors: reps[0].Team, Note: "已整改"},
	}, tResults)
	require.NoError(t, err)
	return f
}

func verifyMem(t *testing.T, f *fixture, l Ledger, set *roster.Set) *Report {
	rep, err := Verify(l, set, f.vs, Options{})
	require.NoError(t, err)
	return rep
}

// requireProblem checks that rep failed with a problem matching target.
func requireProblem(t *testing.T, rep *Report, match func(error) bool) {
	t.Helper()
	require.False(t, rep.OK(), rep.String())
	for _, p := range rep.Problems {
		if match(p.Err) {
			return
		}
	}
	t.Fatalf("no matching problem in:\n%s", rep)
}

func is(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }

func mismatchOn(field string) func(error) bool {
	return func(err error) bool {
		var me *MismatchError
		return errors.As(err, &me) && strings.HasPrefix(me.Field, field)
	}
}

func TestVerifyCatchesTampering(t *testing.T) {
	f := full(t)
	good := f.copyLedger(t)
	require.True(t, verifyMem(t, f, good, f.set).OK())
	n := len(good.docs)
	require.Equal(t, 4, n)

	t.Run("flipped byte", func(t *testing.T) {
		for i := range n {
			for _, at := range []int{10, len(good.docs[i]) / 2, len(good.docs[i]) - 5} {
				m := f.copyLedger(t)
				m.docs[i] = append([]byte(nil), m.docs[i]...)
				m.docs[i][at] ^= 0x01
				rep := verifyMem(t, f, m, f.set)
				require.False(t, rep.OK(), "doc %d byte %d", i+1, at)
			}
		}
	})
	t.Run("changed table row", func(t *testing.T) {
		rows := f.set.Premises.Rows()
		changed := append([]roster.Row(nil), rows...)
		changed[3] = changed[3].With(roster.AttrRisk, "A")
		if changed[3].Get(roster.AttrRisk) == rows[3].Get(roster.AttrRisk) {
			changed[3] = changed[3].With(roster.AttrRisk, "D")
		}
		p, err := roster.NewTable(roster.KindPremises, changed, roster.Options{})
		require.NoError(t, err)
		set, err := roster.NewSet(p, f.set.Inspectors, f.set.Conflicts, f.set.History)
		require.NoError(t, err)
		requireProblem(t, verifyMem(t, f, good, set), mismatchOn("roots.premises"))
	})
	t.Run("wrong key", func(t *testing.T) {
		_, other := testKey(t, agencyName) // same name, same key: control
		rep, err := Verify(good, f.set, []note.Verifier{other}, Options{Policy: Policy{AllowUnknown: true}})
		require.NoError(t, err)
		require.True(t, rep.OK(), rep.String())
		_, wrong := testKey(t, "someone-else")
		rep, err = Verify(good, f.set, []note.Verifier{wrong}, Options{})
		require.NoError(t, err)
		requireProblem(t, rep, is(ErrUnknownKey))
		rep, err = Verify(good, f.set, f.vs[:1], Options{Policy: Policy{Require: []string{agencyName, witnessName}, AllowUnknown: true}})
		require.NoError(t, err)
		requireProblem(t, rep, is(ErrMissingSignature))
	})
	t.Run("removed document", func(t *testing.T) {
		for i := range n - 1 {
			m := f.copyLedger(t)
			m.docs = append(m.docs[:i], m.docs[i+1:]...)
			requireProblem(t, verifyMem(t, f, m, f.set), mismatchOn("prev"))
		}
	})
	t.Run("reordered", func(t *testing.T) {
		m := f.copyLedger(t)
		m.docs[2], m.docs[3] = m.docs[3], m.docs[2]
		requireProblem(t, verifyMem(t, f, m, f.set), mismatchOn("seq"))
	})
	t.Run("older checkpoint", func(t *testing.T) {
		m := f.copyLedger(t)
		m.docs = m.docs[:2]
		old, err := m.Checkpoint()
		require.NoError(t, err)
		rep, err := Verify(good, f.set, f.vs, Options{Checkpoint: old})
		require.NoError(t, err)
		require.True(t, rep.OK(), rep.String())
		// A ledger rewritten after the reader kept its checkpoint.
		m2 := f.copyLedger(t)
		m2.docs = m2.docs[:1]
		f.forge(t, m2, KindAmendment, &AmendmentBody{Kind: AmendRedraw, Published: At(tAmend), Draw: f.draw, Reason: "x"})
		rep, err = Verify(m2, f.set, f.vs, Options{Checkpoint: old})
		require.NoError(t, err)
		requireProblem(t, rep, is(ErrInconsistent))
	})
	t.Run("second draw", func(t *testing.T) {
		ev, err := random.DiceSource{Ceremony: ceremony, Digits: "1111 2222 3333 4444 5555"}.Evidence()
		require.NoError(t, err)
		_, _, err = PublishDraw(context.Background(), f.l, f.signers, f.ann, f.set, []random.SeedEvidence{ev}, tResults)
		require.ErrorIs(t, err, ErrSecondDraw)

		m := f.copyLedger(t)
		seed, _ := random.DiceSeed("1111 2222 3333 4444 5555")
		res, err := random.Draw(context.Background(), f.plan, f.set, seed, random.Options{})
		require.NoError(t, err)
		f.forge(t, m, KindDraw, &DrawBody{Announcement: f.ann, DrawnAt: At(tResults), Evidence: []random.SeedEvidence{ev}, Seed: seed, View: res.View()})
		requireProblem(t, verifyMem(t, f, m, f.set), is(ErrSecondDraw))
		// And the ledger itself refuses it under its lock.
		_, err = f.l.Append(m.docs[len(m.docs)-1])
		require.ErrorIs(t, err, ErrSecondDraw)
	})
	t.Run("replay differs", func(t *testing.T) {
		m := f.copyLedger(t)
		m.docs = m.docs[:1]
		v := f.res.View()
		i := 0
		for v.Selected[i].Team == nil {
			i++
		}
		v.Selected[i].Team = []string{v.Selected[i].Team[1], v.Selected[i].Team[0]}
		ev, _ := random.DiceSource{Ceremony: ceremony, Digits: digits}.Evidence()
		f.forge(t, m, KindDraw, &DrawBody{Announcement: f.ann, DrawnAt: At(tDraw), Evidence: []random.SeedEvidence{ev}, Seed: f.res.Seed, View: v})
		rep := verifyMem(t, f, m, f.set)
		requireProblem(t, rep, mismatchOn("view.selected["))
		require.NotEmpty(t, rep.Problems[0].Diff)
		require.Contains(t, rep.String(), "diff (-recorded +replayed)")
	})
	t.Run("substitution differs", func(t *testing.T) {
		m := f.copyLedger(t)
		m.docs = m.docs[:2]
		s := f.staffed(t)
		var other string
		for _, c := range s.Eligible[len(s.Eligible)-1:] {
			other = c.ID
		}
		require.NotContains(t, s.TeamIDs(), other)
		team := []string{s.Team[0].ID, other}
		f.forge(t, m, KindAmendment, &AmendmentBody{Kind: AmendSubstitution, Published: At(tAmend), Draw: f.draw,
			Substitutions: []SubstitutionItem{{Premises: s.ID, Out: s.Team[1].ID, In: other, Team: team, Reason: "x"}}})
		requireProblem(t, verifyMem(t, f, m, f.set), mismatchOn("substitutions[0]"))
	})
}

// quicknet reads the real quicknet chain and round 1000.
func quicknet(t *testing.T) (random.ChainInfo, random.Beacon) {
	b, err := os.ReadFile("../random/testdata/drand-quicknet.json")
	require.NoError(t, err)
	var file struct {
		Note   string           `json:"note"`
		Chain  random.ChainInfo `json:"chain"`
		Rounds []struct {
			Source string        `json:"source"`
			Beacon random.Beacon `json:"beacon"`
		} `json:"rounds"`
	}
	require.NoError(t, json.Unmarshal(b, &file))
	for _, r := range file.Rounds {
		if r.Beacon.Round == 1000 {
			return file.Chain, r.Beacon
		}
	}
	t.Fatal("round 1000 not found")
	return random.ChainInfo{}, random.Beacon{}
}

func TestBeaconTiming(t *testing.T) {
	chain, beacon := quicknet(t)
	due := chain.RoundTime(1000) // 2023-08-23T15:59:24Z
	promises := []random.SeedPromise{random.BeaconSource{Chain: chain, Round: 1000}.Promise()}
	ev := []random.SeedEvidence{{Kind: random.SourceBeacon, Beacon: &beacon}}

	// Announced (a fabricated, early time) before the round was due: fine.
	f := newFixture(t)
	ann, err := Announce(f.l, f.signers, f.plan, f.set, promises, due.Add(-time.Hour))
	require.NoError(t, err)
	_, _, err = PublishDraw(context.Background(), f.l, f.signers, ann, f.set, ev, due.Add(-time.Second))
	require.ErrorIs(t, err, ErrTimeOrder, "a draw before the round is due")
	res, _, err := PublishDraw(context.Background(), f.l, f.signers, ann, f.set, ev, due.Add(time.Minute))
	require.NoError(t, err)
	rep := verifyMem(t, f, f.l, f.set)
	require.True(t, rep.OK(), rep.String())
	require.True(t, rep.Draws[0].Replayed)

	// Announced after the round was due: the seed was known. Announce
	// refuses; a forged ledger fails verification.
	g := newFixture(t)
	_, err = Announce(g.l, g.signers, g.plan, g.set, promises, due)
	require.ErrorIs(t, err, ErrTimeOrder)
	m := &memLedger{name: agencyName, signer: g.signers[0]}
	roots := g.set.Roots()
	a := g.forge(t, m, KindAnnouncement, &AnnouncementBody{Published: At(due.Add(time.Hour)), PlanID: g.plan.ID, PlanDigest: g.plan.Digest(),
		Inputs: roots.Inputs(g.plan.Digest()), Roots: roots, Counts: g.set.Counts(), Seed: promises, Plan: string(g.plan.Bytes())})
	g.forge(t, m, KindDraw, &DrawBody{Announcement: a, DrawnAt: At(due.Add(2 * time.Hour)), Evidence: ev, Seed: res.Seed, View: res.View()})
	rep = verifyMem(t, g, m, g.set)
	requireProblem(t, rep, is(ErrTimeOrder))
}

func TestTornWrite(t *testing.T) {
	f := full(t)
	require.NoError(t, f.l.Close())
	last := filepath.Join(f.dir, DocFileName(4, KindResults))
	b, err := os.ReadFile(last)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(last, b[:len(b)/2], 0o644))
	_, err = OpenDir(f.dir, DirOptions{})
	require.ErrorIs(t, err, ErrCorrupt)
}

func TestRedraw(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	_, err := Redraw(f.l, f.signers, f.draw, "", tAmend)
	require.ErrorIs(t, err, ErrRecord, "a redraw needs a reason")
	rd, err := Redraw(f.l, f.signers, f.draw, "名录库导入错误：漏报12户", tAmend)
	require.NoError(t, err)
	_, err = PublishResults(f.l, f.signers, f.draw, nil, []ResultEntry{{Premises: f.res.Selected[0].ID, Outcome: OutcomeNoIssue,
		Inspected: roster.MustParseDate("2026-11-25"), Inspectors: []string{"x"}}}, tResults)
	require.ErrorIs(t, err, ErrReference, "results of a voided draw")
	c2 := random.Ceremony{When: "2026-11-24T09:30:00+08:00", Where: "同上"}
	ann2, err := Announce(f.l, f.signers, f.plan, f.set, []random.SeedPromise{random.DiceSource{Ceremony: c2}.Promise()}, tAmend.Add(time.Hour))
	require.NoError(t, err)
	r, err := ReadRecord(f.l)
	require.NoError(t, err)
	a2, _ := r.Lookup(ann2)
	require.Equal(t, rd, *a2.Announcement.Redraw)
	ev, _ := random.DiceSource{Digits: "9999 8888 7777 6666 5555"}.Evidence()
	_, _, err = PublishDraw(context.Background(), f.l, f.signers, ann2, f.set, []random.SeedEvidence{ev}, time.Date(2026, 11, 24, 2, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	rep := verifyMem(t, f, f.l, f.set)
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Redraws, 1)
	require.Equal(t, "000004-announcement.note", rep.Redraws[0].Announcement)
	require.Equal(t, "000003-amendment.note", rep.Draws[0].VoidedBy)
	require.Contains(t, rep.String(), "REDRAW 000003-amendment.note voids 000002-draw.note")
}

func TestResultsDeadlines(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	s := f.staffed(t)
	late := time.Date(2027, 1, 20, 2, 0, 0, 0, time.UTC)
	_, err := PublishResults(f.l, f.signers, f.draw, nil, []ResultEntry{{Premises: s.ID, Outcome: "no_such", Inspected: roster.MustParseDate("2026-11-25"), Inspectors: s.TeamIDs()}}, late)
	var oe *OutcomeError
	require.ErrorAs(t, err, &oe)
	_, err = PublishResults(f.l, f.signers, f.draw, nil, []ResultEntry{{Premises: s.ID, Outcome: OutcomeNoIssue, Inspected: roster.MustParseDate("2026-11-25"), Inspectors: s.TeamIDs()}}, late)
	require.NoError(t, err)
	_, err = PublishResults(f.l, f.signers, f.draw, nil, []ResultEntry{{Premises: s.ID, Outcome: OutcomeNoIssue, Inspected: roster.MustParseDate("2026-11-25"), Inspectors: s.TeamIDs()}}, late)
	require.ErrorIs(t, err, ErrExists, "one outcome per premises")

	rep, err := Verify(f.l, f.set, f.vs, Options{Now: late})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	d := rep.Draws[0]
	require.Len(t, d.Late, 1)
	require.Equal(t, "2026-12-23", d.Late[0].Due.String())
	require.True(t, d.Overdue)
	require.Len(t, d.Missing, len(f.res.Selected)-1)

	rep, err = Verify(f.l, f.set, f.vs, Options{Now: tDraw})
	require.NoError(t, err)
	require.False(t, rep.Draws[0].Overdue)
}

// TestVerifyWarnsInspectorsNotTeam covers threat 6 (inspector swap): results
// whose inspectors differ from the team (with no substitution amendment)
// are published, since who went is the operator's claim, but Verify warns,
// naming the results document and the premises. The same team in another
// order is no difference.
func TestVerifyWarnsInspectorsNotTeam(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	var staffed []random.Selection
	for _, s := range f.res.Selected {
		if len(s.Team) >= 2 {
			staffed = append(staffed, s)
		}
	}
	require.GreaterOrEqual(t, len(staffed), 2)
	swapped, reordered := staffed[0], staffed[1]
	// Someone from the tables who is not on the team went instead.
	var stranger string
	for _, r := range f.set.Inspectors.Rows() {
		if !slices.Contains(swapped.TeamIDs(), r.ID) {
			stranger = r.ID
			break
		}
	}
	require.NotEmpty(t, stranger)
	went := []string{swapped.Team[0].ID, stranger}
	reversed := slices.Clone(reordered.TeamIDs())
	slices.Reverse(reversed)
	day := roster.MustParseDate("2026-11-25")
	_, err := PublishResults(f.l, f.signers, f.draw, nil, []ResultEntry{
		{Premises: swapped.ID, Outcome: OutcomeNoIssue, Inspected: day, Inspectors: went},
		{Premises: reordered.ID, Outcome: OutcomeNoIssue, Inspected: day, Inspectors: reversed},
	}, tResults)
	require.NoError(t, err)

	rep := verifyMem(t, f, f.l, f.set)
	require.True(t, rep.OK(), "a warning, not a problem:\n%s", rep)
	var warned []Problem
	for _, w := range rep.Warnings {
		if strings.Contains(w.Err.Error(), "was inspected by") {
			warned = append(warned, w)
		}
	}
	require.Len(t, warned, 1, "only the swapped team:\n%s", rep)
	w := warned[0]
	require.Equal(t, DocFileName(3, KindResults), w.Doc)
	require.Equal(t, int64(3), w.Seq)
	for _, s := range []string{swapped.ID, stranger, swapped.Team[1].ID} {
		require.Contains(t, w.Err.Error(), s)
	}
	require.NotContains(t, w.Err.Error(), reordered.ID)
	require.Contains(t, rep.String(), swapped.ID)
}

// signNext signs a document of kind with body as the next of l, as a
// writer that skips the lifecycle functions' own checks would.
func (f *fixture) signNext(t *testing.T, l Ledger, kind Kind, body any) []byte {
	t.Helper()
	text, err := encodeBody(body)
	require.NoError(t, err)
	n, prev, err := Head(l)
	require.NoError(t, err)
	signed, err := SignDocument(&Document{Kind: kind, Ledger: l.Name(), Seq: n + 1, Prev: prev, Body: text}, f.signers...)
	require.NoError(t, err)
	return signed
}

// TestTimeOrderAlongChain covers threat 8 (backdated documents): a
// document dated before the previous one (its "published", or a draw's
// "drawn_at") is refused by the ledger's validator under its lock, and a
// forged ledger holding one fails Verify, naming the document and the
// field. The same time as the previous document is allowed.
func TestTimeOrderAlongChain(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	s := f.staffed(t)
	entry := ResultEntry{Premises: s.ID, Outcome: OutcomeNoIssue, Zh: "未发现问题", En: "no issue found",
		Inspected: roster.MustParseDate("2026-11-22"), Inspectors: s.TeamIDs()}
	o, ok := Standard().Lookup(OutcomeNoIssue)
	require.True(t, ok)
	entry.Zh, entry.En = o.Zh, o.En
	roots := f.set.Roots()
	announcement := func(at time.Time) *AnnouncementBody {
		return &AnnouncementBody{Published: At(at), PlanID: f.plan.ID, PlanDigest: f.plan.Digest(), Inputs: roots.Inputs(f.plan.Digest()),
			Roots: roots, Counts: f.set.Counts(), Seed: f.promises, Plan: string(f.plan.Bytes())}
	}

	// The ledger refuses backdated documents after the draw.
	backdated := []struct {
		name  string
		kind  Kind
		body  any
		field string
	}{
		{"results before the draw", KindResults, &ResultsBody{Draw: f.draw, Published: At(tDraw.Add(-time.Second)), Results: []ResultEntry{entry}}, "published"},
		{"amendment before the draw", KindAmendment, &AmendmentBody{Kind: AmendRedraw, Published: At(tAnnounce), Draw: f.draw, Reason: "x"}, "published"},
		{"announcement before the draw", KindAnnouncement, announcement(tDraw.Add(-time.Hour)), "published"},
	}
	for _, tc := range backdated {
		t.Run(tc.name, func(t *testing.T) {
			_, err := f.l.Append(f.signNext(t, f.l, tc.kind, tc.body))
			require.ErrorIs(t, err, ErrTimeOrder)
			var le *LedgerError
			require.ErrorAs(t, err, &le)
			var re *RecordError
			require.ErrorAs(t, err, &re)
			require.Equal(t, tc.field, re.Field)
			n, err := f.l.Len()
			require.NoError(t, err)
			require.Equal(t, int64(2), n, "nothing appended")
		})
	}
	// Control: the same time as the draw is not out of order.
	_, err := f.l.Append(f.signNext(t, f.l, KindResults, &ResultsBody{Draw: f.draw, Published: At(tDraw), Results: []ResultEntry{entry}}))
	require.NoError(t, err)
	require.True(t, verifyMem(t, f, f.l, f.set).OK())

	// Forged ledgers, which a DirLedger would refuse: Verify reports them.
	good := f.copyLedger(t)
	forged := []struct {
		name  string
		keep  int
		kind  Kind
		body  any
		field string
	}{
		{"draw before its announcement", 1, KindDraw, func() any {
			ev, err := random.DiceSource{Ceremony: ceremony, Digits: digits}.Evidence()
			require.NoError(t, err)
			return &DrawBody{Announcement: f.ann, DrawnAt: At(tAnnounce.Add(-time.Minute)), Evidence: []random.SeedEvidence{ev}, Seed: f.res.Seed, View: f.res.View()}
		}(), "drawn_at"},
		{"results before the draw", 2, KindResults, &ResultsBody{Draw: f.draw, Published: At(tDraw.Add(-time.Minute)), Results: []ResultEntry{entry}}, "published"},
		{"amendment before the results", 3, KindAmendment, &AmendmentBody{Kind: AmendRedraw, Published: At(tDraw.Add(-time.Nanosecond)), Draw: f.draw, Reason: "x"}, "published"},
	}
	for _, tc := range forged {
		t.Run("verify "+tc.name, func(t *testing.T) {
			m := &memLedger{name: good.name, signer: good.signer, docs: slices.Clone(good.docs[:tc.keep])}
			f.forge(t, m, tc.kind, tc.body)
			rep := verifyMem(t, f, m, f.set)
			requireProblem(t, rep, is(ErrTimeOrder))
			file := DocFileName(int64(tc.keep+1), tc.kind)
			found := false
			for _, p := range rep.Problems {
				var re *RecordError
				if errors.As(p.Err, &re) && errors.Is(p.Err, ErrTimeOrder) {
					require.Equal(t, file, re.Doc)
					require.Equal(t, tc.field, re.Field)
					found = true
				}
			}
			require.True(t, found, "%s", rep)
			require.Contains(t, rep.String(), file)
		})
	}
}
