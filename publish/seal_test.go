package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// Sealed until inspected (protocol v2 §8): a draw published sealed — its
// seal at once, its document after the inspections — and verification
// showing that nothing changed in between.

var (
	tSeal   = tDraw
	tUnseal = time.Date(2026, 12, 1, 1, 0, 0, 0, time.UTC)
)

// testNonce is a fixed nonce source, so that the sealed bytes are the
// same on every run.
func testNonce() *bytes.Reader { return bytes.NewReader(bytes.Repeat([]byte{0x5e}, SealNonceSize)) }

func diceEvidence(t *testing.T, d string) []random.SeedEvidence {
	t.Helper()
	ev, err := random.DiceSource{Ceremony: ceremony, Digits: d}.Evidence()
	require.NoError(t, err)
	return []random.SeedEvidence{ev}
}

// seal announces and seals the draw of f with the test digits; it
// returns the sealed draw and the seal's digest.
func (f *fixture) seal(t *testing.T) ([]byte, Digest) {
	t.Helper()
	f.announce(t)
	var kept []byte
	res, sealed, d, err := SealDraw(context.Background(), f.l, f.signers, f.ann, f.set, diceEvidence(t, digits), tSeal,
		SealOptions{Rand: testNonce(), Keep: func(b []byte) error { kept = bytes.Clone(b); return nil }})
	require.NoError(t, err)
	require.Equal(t, sealed, kept, "Keep gets the bytes SealDraw returns")
	f.res = res
	return sealed, d
}

func TestSealHonest(t *testing.T) {
	f := newFixture(t)
	sealed, sd := f.seal(t)
	require.Equal(t, SealDigest(sealed), mustRecord(t, f.l).Docs[1].Seal.Sealed)

	// The seal says when and which announcement, not what.
	sealDoc, err := f.l.Read(2)
	require.NoError(t, err)
	for _, s := range f.res.Selected {
		require.NotContains(t, string(sealDoc), s.ID)
	}
	rec := mustRecord(t, f.l)
	require.Nil(t, rec.Open(), "a sealed announcement is no longer open")
	fate, ok := rec.FateOf(f.ann)
	require.True(t, ok)
	require.Equal(t, FateSealed, fate.Fate)
	require.Contains(t, fate.String(), "SEALED by 000002-seal.note")

	// Verified while sealed: OK, listed, no warning before the deadline.
	rep, err := Verify(f.l, f.set, f.vs, Options{Now: tSeal.Add(24 * time.Hour)})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Seals, 1)
	require.Equal(t, "000002-seal.note", rep.Seals[0].Doc)
	require.Equal(t, FateSealed, rep.Fates[0].Fate)
	require.Equal(t, "000002-seal.note", rep.Fates[0].By)
	require.Empty(t, rep.Seals[0].Released)
	require.Contains(t, rep.String(), "sealed draw 000002-seal.note (announcement 000001-announcement.note, plan test-7): drawn at 2026-11-22T01:35:00Z, sealed on 2026-11-22T01:35:00Z; still sealed (results due by")
	require.Empty(t, rep.Draws)
	require.Contains(t, rep.String(), "  - 000002-seal.note: when the content of the sealed draw was fixed (it claims 2026-11-22T01:35:00Z)")

	// Nothing else concerns the announcement until it is released.
	_, _, _, err = SealDraw(context.Background(), f.l, f.signers, f.ann, f.set, diceEvidence(t, digits), tSeal, SealOptions{})
	require.ErrorIs(t, err, ErrSealedDraw)
	_, _, err = PublishDraw(context.Background(), f.l, f.signers, f.ann, f.set, diceEvidence(t, digits), tSeal)
	require.ErrorIs(t, err, ErrSealedDraw)
	_, err = Withdraw(f.l, f.signers, f.ann, "计划有误", tSeal.Add(time.Hour))
	require.ErrorIs(t, err, ErrReference)
	s := f.res.Selected[0]
	_, err = PublishResults(f.l, f.signers, sd, nil, []ResultEntry{{Premises: s.ID, Outcome: OutcomeNoIssue,
		Inspected: roster.MustParseDate("2026-11-25"), Inspectors: []string{"WJ3717270021"}}}, tResults)
	require.ErrorIs(t, err, ErrSealedDraw)
	n, _, err := Head(f.l)
	require.NoError(t, err)
	require.EqualValues(t, 2, n, "nothing was appended")

	// Released: an ordinary draw, the same view as an unsealed draw.
	dd, err := Unseal(f.l, f.signers, sealed, tUnseal)
	require.NoError(t, err)
	_, err = Unseal(f.l, f.signers, sealed, tUnseal)
	require.ErrorIs(t, err, ErrSecondDraw)
	rec = mustRecord(t, f.l)
	draw, ok := rec.Lookup(dd)
	require.True(t, ok)
	require.Equal(t, sealed, draw.Doc.Body)
	require.Equal(t, sd, draw.Unseals.Digest)
	require.Equal(t, tUnseal, draw.Unsealed)
	h, _ := draw.Doc.Header(HeaderSeal)
	require.Equal(t, sd.String(), h)
	plain := newFixture(t)
	plain.announce(t)
	plain.drawDice(t)
	require.Equal(t, mustRecord(t, plain.l).DrawOf(plain.ann).Draw.View, draw.Draw.View)
	fate, _ = rec.FateOf(f.ann)
	require.Equal(t, FateDrawn, fate.Fate)
	require.Contains(t, fate.String(), "drawn by 000003-draw.note (sealed by 000002-seal.note on 2026-11-22T09:35:00+08:00, released on 2026-12-01T09:00:00+08:00)")

	// Results name the draw now.
	st := f.staffed(t)
	_, err = PublishResults(f.l, f.signers, dd, nil, []ResultEntry{{Premises: st.ID, Outcome: OutcomeNoIssue,
		Inspected: roster.MustParseDate("2026-11-25"), Inspectors: st.TeamIDs()}}, tUnseal.Add(time.Hour))
	require.NoError(t, err)

	rep, err = Verify(f.l, f.set, f.vs, Options{Now: tUnseal.Add(48 * time.Hour)})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Draws, 1)
	require.True(t, rep.Draws[0].Replayed)
	require.Equal(t, "000002-seal.note", rep.Draws[0].Seal)
	require.Equal(t, "000003-draw.note", rep.Seals[0].Released)
	require.Contains(t, rep.String(), "released by 000003-draw.note on 2026-12-01T01:00:00Z, unchanged")
	for _, w := range rep.Warnings {
		require.NotContains(t, w.String(), "sealed")
	}
}

// A draw without a seal is written exactly as before sealed draws: no
// nonce, no headers (the worked example's digest is pinned by
// TestLifecycle).
func TestUnsealedDrawUnchanged(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	b, err := f.l.Read(2)
	require.NoError(t, err)
	require.NotContains(t, string(b), "nonce")
	require.NotContains(t, string(b), "seal")
	require.Equal(t, "b79567f387f7649bf322840049f3cde888de4de7390be2b04f4bbffedc04e1c7", f.draw.String())
}

// signWithHeaders signs the next document of l as the operator would,
// with extra headers, skipping the lifecycle functions' checks.
func (f *fixture) signWithHeaders(t *testing.T, l Ledger, kind Kind, body []byte, headers []Header) []byte {
	t.Helper()
	n, prev, err := Head(l)
	require.NoError(t, err)
	signed, err := SignDocument(&Document{Kind: kind, Ledger: l.Name(), Seq: n + 1, Prev: prev, Headers: headers, Body: body}, f.signers...)
	require.NoError(t, err)
	return signed
}

func releaseHeaders(seal Digest, at time.Time) []Header {
	return []Header{{Name: HeaderSeal, Value: seal.String()}, {Name: HeaderUnsealed, Value: At(at).Format(time.RFC3339Nano)}}
}

// The dishonest operator, with the real key, releases a draw other than
// the one sealed: another seed (other dice digits), an edited team, a
// plain draw, another drawn_at. The library refuses, the ledger's
// validator refuses under its lock, and a ledger forged to hold it fails
// Verify naming the seal.
func TestSealDishonestOperator(t *testing.T) {
	f := newFixture(t)
	sealed, sd := f.seal(t)
	honest, err := ParseSealedDraw(sealed)
	require.NoError(t, err)

	// Another seed: the operator did not like the selection.
	other := newFixture(t)
	other.announce(t)
	_, otherSealed, _, err := SealDraw(context.Background(), other.l, other.signers, other.ann, other.set, diceEvidence(t, "9999 1111 2222 3333 4444"), tSeal, SealOptions{Rand: testNonce()})
	require.NoError(t, err)

	// An edited team: one inspector swapped for another, same nonce.
	edited := *honest
	view := *honest.View
	view.Selected = append([]random.ViewSelection(nil), honest.View.Selected...)
	for i, s := range view.Selected {
		if len(s.Team) > 0 {
			s.Team = append([]string{"WJ3717270099"}, s.Team[1:]...)
			view.Selected[i] = s
			break
		}
	}
	edited.View = &view
	editedBody, err := encodeBody(&edited)
	require.NoError(t, err)

	// The honest body with another drawn_at.
	later := *honest
	later.DrawnAt = At(tSeal.Add(time.Hour))
	laterBody, err := encodeBody(&later)
	require.NoError(t, err)

	for _, c := range []struct {
		name string
		body []byte
	}{{"other seed", otherSealed}, {"edited team", editedBody}, {"other drawn_at", laterBody}} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Unseal(f.l, f.signers, c.body, tUnseal)
			require.ErrorIs(t, err, ErrSealBroken)
			// Signed by hand and appended: the validator refuses.
			signed := f.signWithHeaders(t, f.l, KindDraw, c.body, releaseHeaders(sd, tUnseal))
			_, err = f.l.Append(signed)
			require.ErrorIs(t, err, ErrSealBroken)
			require.Contains(t, err.Error(), "000002-seal.note")
			// Forged into a copy: Verify reports it, naming the seal.
			m := f.copyLedger(t)
			m.docs = append(m.docs, f.signWithHeaders(t, m, KindDraw, c.body, releaseHeaders(sd, tUnseal)))
			rep, err := Verify(m, f.set, f.vs, Options{})
			require.NoError(t, err)
			require.False(t, rep.OK())
			require.ErrorIs(t, rep.Err(), ErrSealBroken)
			require.Contains(t, rep.String(), "000003-draw.note")
			require.Contains(t, rep.String(), "000002-seal.note committed to a draw body")
		})
	}

	// A plain draw (no seal headers, no nonce) for the sealed announcement.
	plain := *honest
	plain.Nonce = nil
	plainBody, err := encodeBody(&plain)
	require.NoError(t, err)
	_, err = f.l.Append(f.signWithHeaders(t, f.l, KindDraw, plainBody, nil))
	require.ErrorIs(t, err, ErrSealedDraw)
	m := f.copyLedger(t)
	m.docs = append(m.docs, f.signWithHeaders(t, m, KindDraw, plainBody, nil))
	rep, err := Verify(m, f.set, f.vs, Options{})
	require.NoError(t, err)
	require.ErrorIs(t, rep.Err(), ErrSealedDraw)
	require.Contains(t, rep.String(), "000002-seal.note sealed the draw of 000001-announcement.note")

	// A second seal for the same announcement (a re-roll kept secret).
	second := &SealBody{Published: At(tSeal.Add(time.Hour)), Announcement: f.ann, Sealed: SealDigest(otherSealed), DrawnAt: At(tSeal.Add(time.Hour))}
	_, err = f.l.Append(f.signNext(t, f.l, KindSeal, second))
	require.ErrorIs(t, err, ErrSealedDraw)
	m = f.copyLedger(t)
	f.forge(t, m, KindSeal, second)
	rep, err = Verify(m, f.set, f.vs, Options{})
	require.NoError(t, err)
	require.ErrorIs(t, rep.Err(), ErrSealedDraw)
	require.Contains(t, rep.String(), "a second seal (000002-seal.note sealed the draw of 000001-announcement.note)")

	// Results before the release, naming the seal.
	s := f.res.Selected[0]
	results := &ResultsBody{Draw: sd, Published: At(tResults), Results: []ResultEntry{{Premises: s.ID, Outcome: OutcomeNoIssue,
		Zh: "未发现问题", En: "No problem found", Inspected: roster.MustParseDate("2026-11-25"), Inspectors: []string{"WJ3717270021"}}}}
	_, err = f.l.Append(f.signNext(t, f.l, KindResults, results))
	require.ErrorIs(t, err, ErrSealedDraw)

	// A withdrawal of the sealed announcement.
	_, err = f.l.Append(f.signNext(t, f.l, KindWithdrawal, &WithdrawalBody{Published: At(tSeal.Add(time.Hour)), Announcement: f.ann, Reason: "计划有误"}))
	require.ErrorIs(t, err, ErrSealedDraw)

	// A seal dated before the ceremony.
	early := newFixture(t)
	early.announce(t)
	_, _, _, err = SealDraw(context.Background(), early.l, early.signers, early.ann, early.set, diceEvidence(t, digits), tAnnounce.Add(time.Hour), SealOptions{})
	require.ErrorIs(t, err, ErrTimeOrder)

	// Seal headers on a document that is not a draw, or half of them.
	_, err = f.l.Append(f.signWithHeaders(t, f.l, KindDraw, sealed, releaseHeaders(sd, tUnseal)[:1]))
	require.ErrorIs(t, err, ErrMalformed)

	// After all that, the honest release still goes through.
	_, err = Unseal(f.l, f.signers, sealed, tUnseal)
	require.NoError(t, err)
	n, _, err := Head(f.l)
	require.NoError(t, err)
	require.EqualValues(t, 3, n)
}

// A nonce in a draw that is not sealed is refused: there is one way to
// write an unsealed draw.
func TestNonceWithoutSeal(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	seed, err := random.DeriveSeed(f.promises, diceEvidence(t, digits))
	require.NoError(t, err)
	res, err := random.Draw(context.Background(), f.plan, f.set, seed, random.Options{})
	require.NoError(t, err)
	nonce := Digest{7}
	_, err = f.l.Append(f.signNext(t, f.l, KindDraw, &DrawBody{Announcement: f.ann, DrawnAt: At(tDraw), Nonce: &nonce, Evidence: diceEvidence(t, digits), Seed: seed, View: res.View()}))
	require.ErrorIs(t, err, ErrRecord)
	require.Contains(t, err.Error(), "only a sealed draw carries a nonce")
}

// A seal never released is a warning after the results deadline counted
// from the seal (20 working days), and only then.
func TestSealNeverReleased(t *testing.T) {
	f := newFixture(t)
	f.seal(t)
	due, err := ResultsDue(Official(), LocalDate(tSeal))
	require.NoError(t, err)
	dueTime := due.Time().Add(4 * time.Hour) // noon in Zone
	rep, err := Verify(f.l, f.set, f.vs, Options{Now: dueTime})
	require.NoError(t, err)
	require.True(t, rep.OK())
	for _, w := range rep.Warnings {
		require.NotContains(t, w.String(), "still sealed")
	}
	rep, err = Verify(f.l, f.set, f.vs, Options{Now: dueTime.Add(24 * time.Hour)})
	require.NoError(t, err)
	require.True(t, rep.OK(), "a late release is the agency's conduct, not a broken record")
	requireWarning(t, rep, "000002-seal.note: the draw of 000001-announcement.note sealed on 2026-11-22 is still sealed after the results deadline ("+due.String()+")")
	require.True(t, rep.Seals[0].Overdue)
	require.Contains(t, rep.String(), "STILL SEALED, OVERDUE")
}

// With a witness, the seal's cosigned time shows the draw existed, as
// released later, by then; a witness refuses to cosign a seal or a
// release dated in its future.
func TestSealWitnessed(t *testing.T) {
	f := newFixture(t)
	w, wv, clock := testWitness(t, w1Name)
	f.announce(t)
	witnessed(t, f, w, clock, tAnnounce.Add(5*time.Minute))
	_, sealed, sd, err := SealDraw(context.Background(), f.l, f.signers, f.ann, f.set, diceEvidence(t, digits), tSeal, SealOptions{Rand: testNonce()})
	require.NoError(t, err)
	// A witness whose clock is before the seal's time refuses it.
	clock.t = tSeal.Add(-time.Hour)
	_, err = w.CosignLedger(f.l, f.vs[0])
	var fe *FutureDocumentError
	require.ErrorAs(t, err, &fe)
	fixed := tSeal.Add(3 * time.Minute)
	witnessed(t, f, w, clock, fixed)

	// Released later: the release dated after the witness's clock is
	// refused by the witness too.
	_, err = Unseal(f.l, f.signers, sealed, tUnseal)
	require.NoError(t, err)
	clock.t = tUnseal.Add(-time.Hour)
	_, err = w.CosignLedger(f.l, f.vs[0])
	require.ErrorAs(t, err, &fe)
	witnessed(t, f, w, clock, tUnseal.Add(time.Minute))

	rep := verifyTiming(t, f, f.l, Options{Witnesses: []*CosignatureVerifier{wv}})
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Seals, 1)
	require.Equal(t, fixed, rep.Seals[0].Witnessed)
	require.Equal(t, sd, rep.Seals[0].Digest)
	require.Contains(t, rep.String(), "content fixed by 2026-11-22T01:38:00Z (witnessed); released by 000003-draw.note on 2026-12-01T01:00:00Z, unchanged")
	require.Contains(t, rep.String(), "000002-seal.note sealed a draw made at 2026-11-22T01:35:00Z: its content was fixed by 2026-11-22T01:38:00Z (witnessed)")

	// A release forged with the real key and a future "unsealed" time,
	// cosigned by the witness earlier: future-dated.
	g := newFixture(t)
	gw, gwv, gclock := testWitness(t, w2Name)
	sealedG, sdG := g.seal(t)
	m := g.copyLedger(t)
	m.docs = append(m.docs, g.signWithHeaders(t, m, KindDraw, sealedG, releaseHeaders(sdG, tUnseal)))
	root, err := m.Checkpoint()
	require.NoError(t, err)
	gclock.t = tSeal.Add(time.Hour)
	cosigned, err := gw.Cosign(g.vs[0], root, nil)
	require.NoError(t, err)
	rep, err = Verify(m, g.set, g.vs, Options{Witnesses: []*CosignatureVerifier{gwv}, Cosigned: [][]byte{cosigned}})
	require.NoError(t, err)
	require.False(t, rep.OK())
	require.Contains(t, rep.String(), "FUTURE-DATED 000003-draw.note: dated 2026-12-01T01:00:00Z")
}

// A third party without the key: a forged seal fails its signature, and
// a ledger refuses it.
func TestSealThirdParty(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	mallory := mustKey(t, agencyName, 0x66)
	body, err := encodeBody(&SealBody{Published: At(tSeal), Announcement: f.ann, Sealed: Digest{9}, DrawnAt: At(tSeal)})
	require.NoError(t, err)
	n, prev, err := Head(f.l)
	require.NoError(t, err)
	forged, err := SignDocument(&Document{Kind: KindSeal, Ledger: agencyName, Seq: n + 1, Prev: prev, Body: body}, mallory)
	require.NoError(t, err)
	_, err = f.l.Append(forged)
	require.Error(t, err)
	m := f.copyLedger(t)
	m.docs = append(m.docs, forged)
	rep, err := Verify(m, f.set, f.vs, Options{})
	require.NoError(t, err)
	require.False(t, rep.OK())
	var se *SignatureError
	require.ErrorAs(t, rep.Err(), &se)
	require.Contains(t, rep.String(), "000002-seal.note")
	// The forged seal is not attributed: the announcement stays open.
	require.Empty(t, rep.Seals)
	require.Equal(t, FateOpen, rep.Fates[0].Fate)
	// Without the key, the seal cannot be released either.
	_, err = Unseal(f.l, []Signer{mallory}, []byte("{}\n"), tUnseal)
	require.Error(t, err)
}

// SealDraw stores the sealed draw (Keep) before the seal is appended: a
// seal never exists whose draw was not kept. When Keep fails nothing is
// appended; when the append fails the sealed draw was kept but no seal
// exists, and the operator seals again (another nonce).
func TestSealKeepBeforeAppend(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	_, _, _, err := SealDraw(context.Background(), f.l, f.signers, f.ann, f.set, diceEvidence(t, digits), tSeal,
		SealOptions{Keep: func([]byte) error { return errors.New("disk full") }})
	require.ErrorContains(t, err, "disk full")
	n, _, err := Head(f.l)
	require.NoError(t, err)
	require.EqualValues(t, 1, n)

	file := filepath.Join(t.TempDir(), "sealed.json")
	keep := func(b []byte) error { return os.WriteFile(file, b, 0o600) }
	_, sealed, _, err := SealDraw(context.Background(), failingAppend{f.l}, f.signers, f.ann, f.set, diceEvidence(t, digits), tSeal, SealOptions{Keep: keep})
	require.ErrorContains(t, err, "power cut")
	kept, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Nil(t, sealed)
	_, err = Unseal(f.l, f.signers, kept, tUnseal)
	require.ErrorIs(t, err, ErrReference, "no seal was appended")
	_, sealed, _, err = SealDraw(context.Background(), f.l, f.signers, f.ann, f.set, diceEvidence(t, digits), tSeal, SealOptions{})
	require.NoError(t, err)
	require.NotEqual(t, kept, sealed, "a fresh nonce")
	_, err = Unseal(f.l, f.signers, sealed, tUnseal)
	require.NoError(t, err)
}

type failingAppend struct{ *DirLedger }

func (failingAppend) Append([]byte) (int64, error) { return 0, errors.New("power cut") }

// A sealed draw file that is not one is refused with the reason.
func TestParseSealedDraw(t *testing.T) {
	f := newFixture(t)
	sealed, _ := f.seal(t)
	for _, c := range []struct {
		name, want string
		b          []byte
	}{
		{"CRLF", "control character", bytes.ReplaceAll(sealed, []byte("\n"), []byte("\r\n"))},
		{"trailing space", "trailing space", bytes.Replace(sealed, []byte(",\n"), []byte(", \n"), 1)},
		{"no nonce", "no nonce", []byte(strings.Replace(string(sealed), "\"nonce\": \""+strings.Repeat("5e", 32)+"\",\n", "", 1))},
		{"empty", "empty body", nil},
	} {
		_, err := ParseSealedDraw(c.b)
		require.ErrorIs(t, err, ErrMalformed, c.name)
		require.ErrorContains(t, err, c.want, c.name)
	}
}

// ExampleSealDraw seals a draw at the ceremony and releases it when the
// inspections are done.
func ExampleSealDraw() {
	dir, _ := os.MkdirTemp("", "sealed")
	defer os.RemoveAll(dir)
	seed := sha256.Sum256([]byte(agencyName))
	skey, vkey, err := GenerateKey(bytes.NewReader(seed[:]), agencyName)
	if err != nil {
		panic(err)
	}
	agency, _ := NewSigner(skey)
	verifier, _ := NewVerifier(vkey)
	l, err := CreateDir(filepath.Join(dir, "ledger"), agencyName, DirOptions{Signer: agency, Verifiers: []note.Verifier{verifier}, Validate: ValidateRecord})
	if err != nil {
		panic(err)
	}
	defer l.Close()
	plan, _ := random.LoadPlan(filepath.Join(county7, "plan.json"))
	set, _ := roster.LoadDir(county7, roster.Options{})
	ann, err := Announce(l, []Signer{agency}, plan, set, []random.SeedPromise{random.DiceSource{Ceremony: ceremony}.Promise()}, tAnnounce)
	if err != nil {
		panic(err)
	}
	ev, _ := random.DiceSource{Ceremony: ceremony, Digits: digits}.Evidence()
	res, sealed, _, err := SealDraw(context.Background(), l, []Signer{agency}, ann, set, []random.SeedEvidence{ev}, tDraw, SealOptions{})
	if err != nil {
		panic(err)
	}
	rec, _ := ReadRecord(l)
	f, _ := rec.FateOf(ann)
	fmt.Println(f.Fate, len(res.Selected), "selected, kept privately")
	if _, err := Unseal(l, []Signer{agency}, sealed, tUnseal); err != nil {
		panic(err)
	}
	rep, _ := Verify(l, set, []note.Verifier{verifier}, Options{})
	fmt.Println(rep.Seals[0].Released, rep.OK())
	// Output:
	// sealed 23 selected, kept privately
	// 000003-draw.note true
}

func mustRecord(t *testing.T, l Ledger) *Record {
	t.Helper()
	r, err := ReadRecord(l)
	require.NoError(t, err)
	return r
}

// The notice shows a sealed draw as sealed — when, which plan, the
// seal's digest — and no selection until it is released.
func TestSealNotice(t *testing.T) {
	f := newFixture(t)
	sealed, sd := f.seal(t)
	n, err := BuildNotice(f.l, f.set, NoticeOptions{Authority: "某县卫生健康局"})
	require.NoError(t, err)
	require.Empty(t, n.Draws)
	require.Empty(t, n.Rows)
	require.Len(t, n.Sealed, 1)
	require.Equal(t, sd, n.Sealed[0].Seal)
	require.Equal(t, "000002-seal.note", n.Sealed[0].SealFile)
	require.Equal(t, tSeal, n.Sealed[0].Drawn)
	var html, xlsx bytes.Buffer
	require.NoError(t, n.WriteHTML(&html))
	require.NoError(t, n.WriteXLSX(&xlsx))
	require.Contains(t, html.String(), "已抽取、封存待公开的抽查")
	require.Contains(t, html.String(), sd.String())
	for _, s := range f.res.Selected {
		require.NotContains(t, html.String(), s.ID)
	}
	require.NotContains(t, html.String(), strings.ReplaceAll(digits, " ", ""), "the dice digits stay sealed too")

	_, err = Unseal(f.l, f.signers, sealed, tUnseal)
	require.NoError(t, err)
	n, err = BuildNotice(f.l, f.set, NoticeOptions{})
	require.NoError(t, err)
	require.Empty(t, n.Sealed)
	require.Len(t, n.Draws, 1)
	require.Len(t, n.Rows, len(f.res.Selected))
	require.Equal(t, tUnseal, n.AsOfTime)
}

// The public bundle of a ledger with a sealed draw withholds that
// announcement's tables (with them, anyone who saw the dice could
// compute the selection); after the release it carries them and the
// draw is replayed. A bundle that withholds the tables of a draw not
// sealed (or released) is reported.
func TestSealBundle(t *testing.T) {
	f := newFixture(t)
	sealed, _ := f.seal(t)
	dir := filepath.Join(t.TempDir(), "bundle")
	require.NoError(t, WriteBundle(dir, f.l, TablesByRoots(f.set)))
	b, err := OpenBundle(os.DirFS(dir))
	require.NoError(t, err)
	require.Len(t, b.Index.Announcements, 1)
	require.Equal(t, "ledger/000002-seal.note", b.Index.Announcements[0].Sealed)
	require.Nil(t, b.Index.Announcements[0].Tables)
	_, err = os.Stat(filepath.Join(dir, "tables"))
	require.ErrorIs(t, err, os.ErrNotExist, "no table is published while the draw is sealed")
	rep, err := VerifyBundle(b, f.vs, Options{})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Seals, 1)
	requireWarning(t, rep, "withheld while its draw is sealed by 000002-seal.note")

	// Released: a new bundle carries the tables, and replays the draw.
	_, err = Unseal(f.l, f.signers, sealed, tUnseal)
	require.NoError(t, err)
	dir2 := filepath.Join(t.TempDir(), "bundle")
	require.NoError(t, WriteBundle(dir2, f.l, TablesByRoots(f.set)))
	b2, err := OpenBundle(os.DirFS(dir2))
	require.NoError(t, err)
	require.NotNil(t, b2.Index.Announcements[0].Tables)
	rep, err = VerifyBundle(b2, f.vs, Options{})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	require.True(t, rep.Draws[0].Replayed)

	// The operator withholds the tables of the released draw, naming
	// the old seal: reported.
	snap, err := snapshotLedger(f.l)
	require.NoError(t, err)
	r := mustRecord(t, f.l)
	files, err := bundleFiles(snap, TablesByRoots(f.set), map[Digest]string{f.ann: r.Seals()[0].File})
	require.NoError(t, err)
	m := fstest.MapFS{}
	for name, data := range files {
		m[name] = &fstest.MapFile{Data: data}
	}
	b3, err := OpenBundle(m)
	require.NoError(t, err)
	rep, err = VerifyBundle(b3, f.vs, Options{})
	require.NoError(t, err)
	require.False(t, rep.OK())
	require.Contains(t, rep.String(), "announcements[0].sealed \"ledger/000002-seal.note\": inconsistent record: the tables of ledger/000001-announcement.note are withheld")
	// A business checking itself against that bundle gets an error, not a panic.
	_, err = SelfCheckBundle(b3, f.vs, f.res.Selected[0].ID, SelfCheckOptions{})
	require.ErrorIs(t, err, ErrReference)
	require.ErrorContains(t, err, "withholds the tables")
}

// A seal never released and a new announcement after it: the sealed
// draw may have been re-rolled in the dark; verification says so at once.
func TestSealThenAnnounceAgain(t *testing.T) {
	f := newFixture(t)
	f.seal(t)
	c2 := random.Ceremony{When: "2026-11-29T09:30:00+08:00", Where: "县卫生健康局三楼会议室"}
	_, err := Announce(f.l, f.signers, variantPlan(t, f), f.set, []random.SeedPromise{random.DiceSource{Ceremony: c2}.Promise()}, tSeal.Add(time.Hour))
	require.NoError(t, err, "a sealed announcement is not open")
	rep, err := Verify(f.l, f.set, f.vs, Options{})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	requireWarning(t, rep, "000003-announcement.note was announced while the draw of 000001-announcement.note is sealed by 000002-seal.note and not released: a re-roll if it never is")
}

// The worked example of SPEC §28.3: the county-7 draw of the worked
// example (§7.15), sealed with the nonce 0x5e × 32 at 2026-11-22T01:35Z
// and released at 2026-12-01T01:00Z, signed by both test keys. Do not
// change: these digests cover published bytes.
func TestSealWorkedExample(t *testing.T) {
	f := newFixture(t)
	sealed, sd := f.seal(t)
	require.Equal(t, "c6905ea2da16bc61609970f82d5a5a8ff4808e1464d88f9c830d701ad3a12ce3", SealDigest(sealed).String())
	require.Equal(t, "ac0f1d91ab1b1f953996768bfa27693c298ade9441672da50269239e68455a01", sd.String())
	require.True(t, strings.HasPrefix(string(sealed), "{\n \"announcement\": \"619a7bce6c1f17640b95d2dde57c3c0b9880fe4b058a04afd3a44740001216e7\",\n \"drawn_at\": \"2026-11-22T01:35:00Z\",\n \"nonce\": \""+strings.Repeat("5e", 32)+"\",\n \"evidence\": ["))
	b, err := f.l.Read(2)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), "doublerandom/v1 seal\nledger: example.gov.cn/scjgj\nseq: 2\nprev: 619a7bce6c1f17640b95d2dde57c3c0b9880fe4b058a04afd3a44740001216e7\n\n"+
		"{\n \"published\": \"2026-11-22T01:35:00Z\",\n \"announcement\": \"619a7bce6c1f17640b95d2dde57c3c0b9880fe4b058a04afd3a44740001216e7\",\n"+
		" \"sealed\": \"c6905ea2da16bc61609970f82d5a5a8ff4808e1464d88f9c830d701ad3a12ce3\",\n \"drawn_at\": \"2026-11-22T01:35:00Z\"\n}\n\n"), string(b))
	d, err := Unseal(f.l, f.signers, sealed, tUnseal)
	require.NoError(t, err)
	require.Equal(t, "5f14a4b88db196f9b60dbfab24207c0fb9db29862f698d2f6371761283678e66", d.String())
	b, err = f.l.Read(3)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(b), "doublerandom/v1 draw\nledger: example.gov.cn/scjgj\nseq: 3\nprev: "+sd.String()+"\nseal: "+sd.String()+"\nunsealed: 2026-12-01T01:00:00Z\n\n"+string(sealed)+"\n— "))
}
