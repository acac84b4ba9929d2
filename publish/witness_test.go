package publish

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// Witness names used in tests.
const (
	w1Name = "witness.example.org/w1"
	w2Name = "witness.example.net/w2"
)

// testWitnessKey returns deterministic witness keys named name (seed:
// SHA-256 of "witness " + name), for tests only.
func testWitnessKey(t testing.TB, name string) (skey, vkey string) {
	t.Helper()
	seed := sha256.Sum256([]byte("witness " + name))
	skey, vkey, err := GenerateWitnessKey(bytes.NewReader(seed[:]), name)
	require.NoError(t, err)
	return skey, vkey
}

// testClock is a settable clock.
type testClock struct{ t time.Time }

func (c *testClock) now() time.Time { return c.t }

// testWitness returns a witness with a state folder of its own and its
// clock.
func testWitness(t testing.TB, name string) (*Witness, *CosignatureVerifier, *testClock) {
	t.Helper()
	skey, _ := testWitnessKey(t, name)
	clock := &testClock{}
	c, err := NewCosigner(skey, clock.now)
	require.NoError(t, err)
	w, err := NewWitness(c, filepath.Join(t.TempDir(), "state"))
	require.NoError(t, err)
	return w, c.Verifier(), clock
}

func TestWitnessKeyFormat(t *testing.T) {
	skey, vkey := testWitnessKey(t, w1Name)
	v, err := NewCosignatureVerifier(vkey)
	require.NoError(t, err)
	require.Equal(t, vkey, v.Key())

	// The key ID, computed here independently: SHA-256(name || "\n" ||
	// 0x04 || public key)[:4].
	parts := strings.SplitN(vkey, "+", 3)
	name, hash16, key64 := parts[0], parts[1], parts[2]
	require.Equal(t, w1Name, name)
	raw, err := base64.StdEncoding.DecodeString(key64)
	require.NoError(t, err)
	require.Len(t, raw, 33)
	require.Equal(t, byte(0x04), raw[0])
	h := sha256.Sum256(append([]byte(name+"\n"), raw...))
	require.Equal(t, fmt.Sprintf("%08x", binary.BigEndian.Uint32(h[:])), hash16)
	require.Equal(t, binary.BigEndian.Uint32(h[:]), v.KeyHash())

	// The signed message, checked with crypto/ed25519 directly.
	at := time.Date(2026, 11, 20, 2, 5, 0, 0, time.UTC)
	c, err := NewCosigner(skey, func() time.Time { return at })
	require.NoError(t, err)
	text := []byte("example.gov.cn/scjgj\n1\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n")
	sig, err := c.Sign(text)
	require.NoError(t, err)
	require.Len(t, sig, 72)
	require.Equal(t, uint64(at.Unix()), binary.BigEndian.Uint64(sig))
	msg := fmt.Sprintf("cosignature/v1\ntime %d\n%s", at.Unix(), text)
	require.True(t, ed25519.Verify(raw[1:], []byte(msg), sig[8:]))
	require.True(t, v.Verify(text, sig))
	sig[0] ^= 1 // another time
	require.False(t, v.Verify(text, sig))

	// Keys of the two roles do not mix.
	aseed := sha256.Sum256([]byte(agencyName))
	_, agencyVkey, err := GenerateKey(bytes.NewReader(aseed[:]), agencyName)
	require.NoError(t, err)
	_, err = NewCosignatureVerifier(agencyVkey)
	require.ErrorContains(t, err, "type 0x01")
	_, err = NewSigner(skey)
	require.Error(t, err, "a witness key used as an agency key")
	_, err = NewCosignatureVerifier(skey)
	require.ErrorIs(t, err, ErrMalformed)
	bad := strings.Replace(vkey, hash16, "00000000", 1)
	_, err = NewCosignatureVerifier(bad)
	require.ErrorContains(t, err, "key ID does not match")

	// Key files.
	prefix := filepath.Join(t.TempDir(), "w1")
	require.NoError(t, WriteWitnessKeyFiles(prefix, skey, vkey))
	require.ErrorIs(t, WriteWitnessKeyFiles(prefix, skey, vkey), ErrExists)
	lc, err := LoadCosigner(prefix+".key", nil)
	require.NoError(t, err)
	require.Equal(t, c.KeyHash(), lc.KeyHash())
	lv, err := LoadCosignatureVerifier(prefix + ".pub")
	require.NoError(t, err)
	require.Equal(t, vkey, lv.Key())
	_, err = LoadVerifier(prefix + ".pub")
	require.Error(t, err, "LoadVerifier took a witness key")
	_, err = LoadCosignatureVerifier(prefix + ".key")
	require.ErrorContains(t, err, "must stay secret")
}

// ExampleCosigner shows a cosigned checkpoint: the agency's signature,
// then the witness's cosignature/v1 with its time.
func ExampleCosigner() {
	seed := sha256.Sum256([]byte("witness " + w1Name))
	skey, _, _ := GenerateWitnessKey(bytes.NewReader(seed[:]), w1Name)
	at := time.Date(2026, 11, 20, 2, 5, 0, 0, time.UTC) // 1795140300
	c, _ := NewCosigner(skey, func() time.Time { return at })
	aseed := sha256.Sum256([]byte(agencyName))
	askey, _, _ := GenerateKey(bytes.NewReader(aseed[:]), agencyName)
	agency, _ := NewSigner(askey)
	root := sha256.Sum256(nil)
	msg, _ := SignCheckpoint(Checkpoint{Origin: agencyName, Size: 0, Root: root}, agency, c)
	fmt.Print(string(msg))
	_, t, _, _ := VerifyCosignature(msg, c.Verifier())
	fmt.Println(t.Unix(), t.Format(time.RFC3339))
	// Output:
	// example.gov.cn/scjgj
	// 0
	// 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=
	//
	// — example.gov.cn/scjgj ygLau7AFrbQAeDgGfRfaEwEHefUP2zXiIH8VCxJJshjvrt3zitMvPW/wRaBOL5DHenWkTr/QBMST+bX912cN2yW35gE=
	// — witness.example.org/w1 ONUcXgAAAABq/6rMoEbeQ+63Kfi/h6QTZv4viDWphxdJRObDoyCTs/Q9AYzVMMTZH/LE77Nso1HCV3VphrzoybAIXaMMoXEgl2UVBg==
	// 1795140300 2026-11-20T02:05:00Z
}

func TestWitnessCosign(t *testing.T) {
	f := newFixture(t)
	av := f.vs[0]
	w, wv, clock := testWitness(t, w1Name)
	f.announce(t)

	clock.t = tAnnounce.Add(5 * time.Minute)
	msg, err := w.CosignLedger(f.l, av)
	require.NoError(t, err)
	c, at, found, err := VerifyCosignature(msg, wv)
	require.NoError(t, err)
	require.True(t, found)
	require.Equal(t, int64(1), c.Size)
	require.Equal(t, clock.t, at)
	o, err := Policy{Require: []string{agencyName}}.Open(msg, av, wv)
	require.NoError(t, err, "the agency's signature stays on the cosigned checkpoint")
	require.Len(t, o.Signers, 2)
	last, lc, lat, err := w.Last(agencyName)
	require.NoError(t, err)
	require.Equal(t, msg, last)
	require.Equal(t, c, lc)
	require.Equal(t, at, lat)
	old := f.copyLedger(t) // the ledger of one document, for the rollback below

	// Growing: a consistency proof from 1 to 2.
	f.drawDice(t)
	clock.t = tDraw.Add(5 * time.Minute)
	msg2, err := w.CosignLedger(f.l, av)
	require.NoError(t, err)
	c2, _, _, err := VerifyCosignature(msg2, wv)
	require.NoError(t, err)
	require.Equal(t, int64(2), c2.Size)
	// Cosigning the same checkpoint again: fine, a later time.
	clock.t = clock.t.Add(time.Minute)
	_, err = w.CosignLedger(f.l, av)
	require.NoError(t, err)

	// Rollback: the ledger of one document again.
	_, err = w.CosignLedger(old, av)
	var re *RollbackError
	require.ErrorAs(t, err, &re)
	require.ErrorIs(t, err, ErrRollback)
	require.Equal(t, int64(2), re.KeptSize)
	require.Equal(t, int64(1), re.GotSize)

	// Fork at the same size: another document 2.
	forked := f.copyLedger(t)
	forked.docs = forked.docs[:1]
	b, err := f.l.Read(2)
	require.NoError(t, err)
	doc, err := ParseSigned(b)
	require.NoError(t, err)
	body, err := ParseBody(doc)
	require.NoError(t, err)
	draw := *body.(*DrawBody)
	draw.DrawnAt = At(tDraw.Add(time.Second))
	f.forge(t, forked, KindDraw, &draw)
	_, err = w.CosignLedger(forked, av)
	var fe *ForkError
	require.ErrorAs(t, err, &fe)
	require.ErrorIs(t, err, ErrFork)
	require.Contains(t, fe.Proof(), "checkpoint A:\n  example.gov.cn/scjgj\n  2\n")
	require.Contains(t, fe.Proof(), "checkpoint B:\n  example.gov.cn/scjgj\n  2\n")
	// Fork at a larger size: the proof does not link the roots.
	f.forge(t, forked, KindAmendment, &AmendmentBody{Kind: AmendRedraw, Draw: DigestOf(forked.docs[1]), Reason: "x", Published: At(tAmend)})
	_, err = w.CosignLedger(forked, av)
	require.ErrorAs(t, err, &fe)
	require.ErrorIs(t, err, ErrInconsistent)
	// A wrong proof for an honest extension is refused the same way.
	cp, err := forked.Checkpoint()
	require.NoError(t, err)
	_, err = w.Cosign(av, cp, nil)
	require.ErrorIs(t, err, ErrFork)

	// The state did not move: still size 2.
	_, lc, _, err = w.Last(agencyName)
	require.NoError(t, err)
	require.Equal(t, int64(2), lc.Size)

	// Another agency key (a changed key) is refused.
	_, other := testKey(t, "other.gov.cn")
	_, err = w.CosignLedger(f.l, other)
	require.ErrorIs(t, err, ErrUnknownKey)
	otherSigner, otherV := testKey(t, agencyName+"2")
	_ = otherSigner
	_, err = w.CosignLedger(f.l, otherV)
	require.Error(t, err)

	// A clock that went back is refused.
	clock.t = tDraw
	_, err = w.CosignLedger(f.l, av)
	require.ErrorContains(t, err, "before its last cosignature")

	// A damaged state file is reported, not trusted.
	state := filepath.Join(w.dir, w.stateName(agencyName))
	sb, err := os.ReadFile(state)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(state, bytes.Replace(sb, []byte("\n2\n"), []byte("\n1\n"), 1), 0o600))
	_, _, _, err = w.Last(agencyName)
	require.ErrorIs(t, err, ErrCorrupt)
}

func TestWitnessRefusesFutureDocument(t *testing.T) {
	f := newFixture(t)
	w, _, clock := testWitness(t, w1Name)
	f.announce(t)
	clock.t = tAnnounce.Add(5 * time.Minute)
	_, err := w.CosignLedger(f.l, f.vs[0])
	require.NoError(t, err)
	// The draw says 22 November, 09:35 (after the ceremony) but the
	// witness sees it on 21 November: published before the dice were
	// read.
	f.drawDice(t)
	clock.t = tDraw.Add(-24 * time.Hour)
	_, err = w.CosignLedger(f.l, f.vs[0])
	var de *FutureDocumentError
	require.ErrorAs(t, err, &de)
	require.ErrorIs(t, err, ErrFutureDated)
	require.Equal(t, "000002-draw.note", de.Doc)
	_, lc, _, err := w.Last(agencyName)
	require.NoError(t, err)
	require.Equal(t, int64(1), lc.Size, "nothing recorded")
	// Within the clock skew: fine.
	clock.t = tDraw.Add(-WitnessClockSkew)
	_, err = w.CosignLedger(f.l, f.vs[0])
	require.NoError(t, err)
}

// witnessed cosigns the ledger's current checkpoint as w at time at and
// keeps it in the ledger folder.
func witnessed(t *testing.T, f *fixture, w *Witness, clock *testClock, at time.Time) []byte {
	t.Helper()
	clock.t = at
	msg, err := w.CosignLedger(f.l, f.vs[0])
	require.NoError(t, err)
	_, err = f.l.AddCosigned(msg)
	require.NoError(t, err)
	return msg
}

func verifyTiming(t *testing.T, f *fixture, l Ledger, opt Options) *Report {
	t.Helper()
	rep, err := Verify(l, f.set, f.vs, opt)
	require.NoError(t, err)
	require.NotNil(t, rep.Timing)
	return rep
}

func TestVerifyTiming(t *testing.T) {
	f := newFixture(t)
	w1, v1, c1 := testWitness(t, w1Name)
	w2, v2, c2 := testWitness(t, w2Name)
	f.announce(t)
	witnessed(t, f, w1, c1, tAnnounce.Add(5*time.Minute))
	witnessed(t, f, w2, c2, tAnnounce.Add(7*time.Minute))
	f.drawDice(t)
	witnessed(t, f, w1, c1, tDraw.Add(5*time.Minute))

	t.Run("honest", func(t *testing.T) {
		rep := verifyTiming(t, f, f.l, Options{Witnesses: []*CosignatureVerifier{v1, v2}, Quorum: 2})
		require.True(t, rep.OK(), rep.String())
		tr := rep.Timing
		require.Equal(t, 3, tr.Cosigned)
		require.Equal(t, 3, tr.Matching)
		require.Len(t, tr.Announcements, 1)
		a := tr.Announcements[0]
		require.True(t, a.Proven)
		require.Equal(t, tAnnounce.Add(7*time.Minute), a.Witnessed, "the 2nd earliest of two witnesses")
		require.Contains(t, rep.String(), "000001-announcement.note announced before its seed event: PROVEN, witnessed by 2026-11-20T02:07:00Z; dice ceremony at 2026-11-22T01:30:00Z")
	})
	t.Run("quorum not reached", func(t *testing.T) {
		// Only w1 saw the draw: with quorum 2 nothing bounds it, which is
		// no failure; the announcement is still proven.
		rep := verifyTiming(t, f, f.l, Options{Witnesses: []*CosignatureVerifier{v1, v2}, Quorum: 2})
		require.True(t, rep.OK())
		// A quorum larger than the witnesses is a problem.
		rep = verifyTiming(t, f, f.l, Options{Witnesses: []*CosignatureVerifier{v1}, Quorum: 2})
		require.False(t, rep.OK())
	})
	t.Run("no witnesses", func(t *testing.T) {
		rep := verifyTiming(t, f, f.l, Options{})
		require.True(t, rep.OK(), rep.String())
		s := rep.String()
		require.Contains(t, s, "timing: no witnesses given; these rest on the operator's word alone:\n")
		require.Contains(t, s, "  - the time of each of the 2 documents\n")
		require.Contains(t, s, "  - 3 cosigned checkpoints kept, but no witness key given to check their times\n")
		require.Contains(t, s, "  - 000001-announcement.note announced before its seed event (dice ceremony at 2026-11-22T01:30:00Z)\n")
	})
	t.Run("late witness", func(t *testing.T) {
		// A witness that saw the announcement only after the ceremony
		// proves nothing: the drawn announcement fails.
		g := newFixture(t)
		w, v, c := testWitness(t, w1Name)
		g.announce(t)
		g.drawDice(t)
		witnessed(t, g, w, c, tDraw.Add(time.Hour))
		rep := verifyTiming(t, g, g.l, Options{Witnesses: []*CosignatureVerifier{v}})
		requireProblem(t, rep, is(ErrNotProven))
		require.Contains(t, rep.String(), "NOT PROVEN, witnessed by 2026-11-22T02:35:00Z; dice ceremony at 2026-11-22T01:30:00Z")
	})
	t.Run("pending", func(t *testing.T) {
		g := newFixture(t)
		_, v, _ := testWitness(t, w1Name)
		g.announce(t)
		rep := verifyTiming(t, g, g.l, Options{Witnesses: []*CosignatureVerifier{v}, Now: tAnnounce.Add(time.Hour)})
		require.True(t, rep.OK(), rep.String())
		require.True(t, rep.Timing.Announcements[0].Pending)
		require.Contains(t, rep.String(), "not yet witnessed; it must be cosigned before its seed event")
		// After the ceremony, undrawn and never witnessed: a warning.
		rep = verifyTiming(t, g, g.l, Options{Witnesses: []*CosignatureVerifier{v}, Now: tDraw})
		require.True(t, rep.OK(), rep.String())
		require.Contains(t, rep.String(), "NOT PROVEN, not witnessed")
	})
}

func TestVerifyTimingFutureDated(t *testing.T) {
	// A witness that only checks consistency (any C2SP witness) saw the
	// draw on 21 November, though it claims 22 November after the
	// ceremony: Verify refuses the draw.
	f := newFixture(t)
	w, v, c := testWitness(t, w1Name)
	f.announce(t)
	witnessed(t, f, w, c, tAnnounce.Add(5*time.Minute))
	f.drawDice(t)
	cp, err := f.l.Checkpoint()
	require.NoError(t, err)
	proof, err := f.l.ConsistencyProof(1, 2)
	require.NoError(t, err)
	c.t = tDraw.Add(-24 * time.Hour)
	msg, err := w.Cosign(f.vs[0], cp, proof)
	require.NoError(t, err)
	_, err = f.l.AddCosigned(msg)
	require.NoError(t, err)
	rep := verifyTiming(t, f, f.l, Options{Witnesses: []*CosignatureVerifier{v}})
	requireProblem(t, rep, is(ErrFutureDated))
	require.Len(t, rep.Timing.FutureDated, 1)
	require.Equal(t, "000002-draw.note", rep.Timing.FutureDated[0].Doc)
	require.Contains(t, rep.String(), "FUTURE-DATED 000002-draw.note: dated 2026-11-22T01:35:00Z, but witnessed by 2026-11-21T01:35:00Z")
	// Without the witness's key the cosignature is not counted.
	rep = verifyTiming(t, f, f.l, Options{})
	require.True(t, rep.OK(), rep.String())
}

func TestVerifyTimingBackdatedBeacon(t *testing.T) {
	// The operator announces in November 2026, dated before a beacon
	// round of 2023 that it already knows, and draws with it. Without
	// witnesses the ledger verifies; with one, the announcement is not
	// proven before the round.
	chain, beacon := quicknet(t)
	due := chain.RoundTime(1000)
	promises := []random.SeedPromise{random.BeaconSource{Chain: chain, Round: 1000}.Promise()}
	ev := []random.SeedEvidence{{Kind: random.SourceBeacon, Beacon: &beacon}}
	f := newFixture(t)
	w, v, c := testWitness(t, w1Name)
	ann, err := Announce(f.l, f.signers, f.plan, f.set, promises, due.Add(-time.Hour))
	require.NoError(t, err)
	witnessed(t, f, w, c, tAnnounce)
	_, _, err = PublishDraw(context.Background(), f.l, f.signers, ann, f.set, ev, tAnnounce.Add(time.Minute))
	require.NoError(t, err)
	witnessed(t, f, w, c, tAnnounce.Add(2*time.Minute))

	rep := verifyTiming(t, f, f.l, Options{})
	require.True(t, rep.OK(), rep.String())
	require.Contains(t, rep.String(), "000001-announcement.note announced before its seed event (beacon round 1000 at 2023-08-23T15:59:24Z)")
	rep = verifyTiming(t, f, f.l, Options{Witnesses: []*CosignatureVerifier{v}})
	requireProblem(t, rep, is(ErrNotProven))
	require.Contains(t, rep.String(), "NOT PROVEN, witnessed by 2026-11-20T02:00:00Z; beacon round 1000 at 2023-08-23T15:59:24Z")
}

func TestVerifyTimingForgedCosignatures(t *testing.T) {
	f := newFixture(t)
	_, v, _ := testWitness(t, w1Name)
	f.announce(t)
	f.drawDice(t)
	cp, err := f.l.Checkpoint()
	require.NoError(t, err)
	early := tAnnounce.Add(time.Minute)

	t.Run("third party without keys", func(t *testing.T) {
		// A signature line with the witness's name and key ID, made of
		// random bytes and an early time.
		sig := binary.BigEndian.AppendUint32(nil, v.KeyHash())
		sig = binary.BigEndian.AppendUint64(sig, uint64(early.Unix()))
		sig = append(sig, bytes.Repeat([]byte{7}, 64)...)
		forged := append(bytes.Clone(cp), fmt.Sprintf("— %s %s\n", w1Name, base64.StdEncoding.EncodeToString(sig))...)
		rep := verifyTiming(t, f, f.l, Options{Witnesses: []*CosignatureVerifier{v}, Cosigned: [][]byte{forged}})
		requireProblem(t, rep, is(ErrBadSignature))
		requireProblem(t, rep, is(ErrNotProven))
		// The ledger refuses nothing it cannot check, but Verify does.
		_, err := f.l.AddCosigned(forged)
		require.NoError(t, err)
		rep = verifyTiming(t, f, f.l, Options{Witnesses: []*CosignatureVerifier{v}})
		requireProblem(t, rep, is(ErrBadSignature))
	})
	t.Run("dishonest operator with its own key", func(t *testing.T) {
		g := newFixture(t)
		g.announce(t)
		g.drawDice(t)
		// A key of its own under the witness's name: another key ID, not
		// counted.
		seed := sha256.Sum256([]byte("operator's own"))
		skey, _, err := GenerateWitnessKey(bytes.NewReader(seed[:]), w1Name)
		require.NoError(t, err)
		fake, err := NewCosigner(skey, func() time.Time { return early })
		require.NoError(t, err)
		cp, err := g.l.Checkpoint()
		require.NoError(t, err)
		text, _, derr := splitNote(cp)
		require.Nil(t, derr)
		faked, err := Sign(text, g.signers[0], fake)
		require.NoError(t, err)
		_, err = g.l.AddCosigned(faked)
		require.NoError(t, err)
		rep := verifyTiming(t, g, g.l, Options{Witnesses: []*CosignatureVerifier{v}})
		requireProblem(t, rep, is(ErrNotProven))
		require.Equal(t, 0, rep.Timing.Matching)

		// A real cosignature, made late, with its time edited: the
		// signature no longer verifies.
		w, wv, c := testWitness(t, w1Name)
		real := witnessed(t, g, w, c, tDraw.Add(time.Hour))
		_, _, found, err := VerifyCosignature(real, wv)
		require.NoError(t, err)
		require.True(t, found)
		lines := strings.Split(strings.TrimSuffix(string(real), "\n"), "\n")
		last := lines[len(lines)-1]
		raw, err := base64.StdEncoding.DecodeString(last[strings.LastIndex(last, " ")+1:])
		require.NoError(t, err)
		binary.BigEndian.PutUint64(raw[4:], uint64(early.Unix()))
		lines[len(lines)-1] = "— " + w1Name + " " + base64.StdEncoding.EncodeToString(raw)
		edited := []byte(strings.Join(lines, "\n") + "\n")
		rep = verifyTiming(t, g, g.l, Options{Witnesses: []*CosignatureVerifier{wv}, Cosigned: [][]byte{edited}})
		requireProblem(t, rep, is(ErrBadSignature))
		requireProblem(t, rep, is(ErrNotProven)) // the genuine one is late
	})
}

func TestVerifyTimingRollbackAndFork(t *testing.T) {
	f := newFixture(t)
	w1, v1, c1 := testWitness(t, w1Name)
	w2, v2, c2 := testWitness(t, w2Name)
	f.announce(t)
	witnessed(t, f, w1, c1, tAnnounce.Add(time.Minute))
	f.drawDice(t)
	two := witnessed(t, f, w1, c1, tDraw.Add(time.Minute))
	opt := Options{Witnesses: []*CosignatureVerifier{v1, v2}}

	// Rollback: the ledger of one document, and the reader holds the
	// cosigned checkpoint of two.
	old := f.copyLedger(t)
	old.docs = old.docs[:1]
	o := opt
	o.Cosigned = [][]byte{two}
	rep, err := Verify(old, nil, f.vs, o)
	require.NoError(t, err)
	requireProblem(t, rep, is(ErrRollback))
	require.Contains(t, rep.String(), "ROLLBACK: the ledger has 1 documents, but a checkpoint of 2 was signed and cosigned:\n    example.gov.cn/scjgj\n    2\n")

	// Fork: another document 2, shown to the second witness only.
	forked := f.copyLedger(t)
	forked.docs = forked.docs[:1]
	b, _ := f.l.Read(2)
	doc, _ := ParseSigned(b)
	body, _ := ParseBody(doc)
	draw := *body.(*DrawBody)
	draw.DrawnAt = At(tDraw.Add(time.Second))
	f.forge(t, forked, KindDraw, &draw)
	_, err = w1.CosignLedger(forked, f.vs[0])
	require.ErrorIs(t, err, ErrFork, "the first witness refuses")
	c2.t = tDraw.Add(2 * time.Minute)
	other, err := w2.CosignLedger(forked, f.vs[0])
	require.NoError(t, err, "the second, never shown the first branch, cosigns")
	o = opt
	o.Cosigned = [][]byte{other}
	rep = verifyTiming(t, f, f.l, o)
	var fe *ForkError
	requireProblem(t, rep, func(err error) bool { return errors.As(err, &fe) })
	require.Len(t, rep.Timing.Forks, 1)
	s := rep.String()
	require.Contains(t, s, "FORK: fork proof: two checkpoints of ledger example.gov.cn/scjgj signed by its key")
	require.Contains(t, s, string(bytes.ReplaceAll(bytes.TrimSuffix(two, []byte("\n")), []byte("\n"), []byte("\n      "))))
	require.Contains(t, s, string(bytes.ReplaceAll(bytes.TrimSuffix(other, []byte("\n")), []byte("\n"), []byte("\n      "))))
	// The other branch, against its own cosigned checkpoint and ours.
	o.Cosigned = [][]byte{two, other}
	rep, err = Verify(forked, nil, f.vs, o)
	require.NoError(t, err)
	requireProblem(t, rep, is(ErrFork))
}

func TestCosignedFolder(t *testing.T) {
	f := newFixture(t)
	w, _, c := testWitness(t, w1Name)
	f.announce(t)
	one := witnessed(t, f, w, c, tAnnounce.Add(time.Minute))
	f.drawDice(t)
	two := witnessed(t, f, w, c, tDraw.Add(time.Minute))

	// Again: a no-op.
	name, err := f.l.AddCosigned(two)
	require.NoError(t, err)
	require.Equal(t, "cosigned/"+CosignedFileName(2, two), name)
	files, err := f.l.ReadCosigned()
	require.NoError(t, err)
	require.Len(t, files, 2)
	require.Equal(t, one, files[0].Msg)
	require.Equal(t, two, files[1].Msg)

	// The ledger still opens and verifies with the folder.
	require.NoError(t, f.l.Verify())
	l2, err := OpenDir(f.dir, DirOptions{Verifiers: f.vs[:1]})
	require.NoError(t, err)
	require.NoError(t, l2.Close())

	// What does not belong to this ledger is refused, and nothing is
	// written.
	m := f.copyLedger(t)
	f.forge(t, m, KindAmendment, &AmendmentBody{Kind: AmendRedraw, Draw: f.draw, Reason: "x", Published: At(tAmend)})
	three, err := m.Checkpoint()
	require.NoError(t, err)
	_, err = f.l.AddCosigned(three)
	require.ErrorIs(t, err, ErrRollback)
	m.docs = m.docs[:2]
	m.docs[1] = append(bytes.Clone(m.docs[1][:len(m.docs[1])-1]), '\n')
	_, err = f.l.AddCosigned([]byte("not a note"))
	require.ErrorIs(t, err, ErrMalformed)
	other := &memLedger{name: "other", signer: f.signers[0]}
	ocp, _ := other.Checkpoint()
	_, err = f.l.AddCosigned(ocp)
	require.ErrorContains(t, err, "origin")
	forged := f.copyLedger(t)
	forged.docs = forged.docs[:1]
	f.forge(t, forged, KindAmendment, &AmendmentBody{Kind: AmendRedraw, Draw: f.draw, Reason: "x", Published: At(tAmend)})
	fcp, _ := forged.Checkpoint()
	_, err = f.l.AddCosigned(fcp)
	require.ErrorIs(t, err, ErrFork)
	_, stranger := testKey(t, "stranger")
	strangerSigner, _ := testKey(t, "stranger")
	_ = stranger
	scp, err := SignCheckpoint(mustParseCP(t, two), strangerSigner)
	require.NoError(t, err)
	_, err = f.l.AddCosigned(scp)
	require.ErrorIs(t, err, ErrUnknownKey)
	files, err = f.l.ReadCosigned()
	require.NoError(t, err)
	require.Len(t, files, 2)

	// A leftover temporary file is skipped, then removed by the next
	// writer; an unknown or renamed file is reported.
	dir := filepath.Join(f.dir, "cosigned")
	tmp := filepath.Join(dir, ".tmp-1-x.checkpoint")
	require.NoError(t, os.WriteFile(tmp, []byte("half"), 0o644))
	files, err = f.l.ReadCosigned()
	require.NoError(t, err)
	require.Len(t, files, 2)
	f.l.Close()
	l3, err := OpenDir(f.dir, DirOptions{Signer: f.signers[0]})
	require.NoError(t, err)
	require.NoFileExists(t, tmp)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644))
	_, err = l3.ReadCosigned()
	require.ErrorIs(t, err, ErrCorrupt)
	require.ErrorContains(t, err, "cosigned/notes.txt")
	require.NoError(t, os.Remove(filepath.Join(dir, "notes.txt")))
	require.NoError(t, os.WriteFile(filepath.Join(dir, CosignedFileName(2, one)), one, 0o644))
	_, err = l3.ReadCosigned()
	require.ErrorIs(t, err, ErrCorrupt)
	require.NoError(t, l3.Close())
	// "cosigned" must be a folder.
	g := newFixture(t)
	require.NoError(t, os.WriteFile(filepath.Join(g.dir, "cosigned"), nil, 0o644))
	require.ErrorIs(t, g.l.Verify(), ErrCorrupt)
}

func mustParseCP(t *testing.T, msg []byte) Checkpoint {
	c, err := ParseSignedCheckpoint(msg)
	require.NoError(t, err)
	return c
}

var _ note.Verifier = (*CosignatureVerifier)(nil)
var _ Signer = (*Cosigner)(nil)

func TestVerifyTimingUnknownWitness(t *testing.T) {
	// Cosignatures by a witness the reader does not know are reported and
	// not counted.
	f := newFixture(t)
	w1, v1, c1 := testWitness(t, w1Name)
	w2, _, c2 := testWitness(t, w2Name)
	f.announce(t)
	witnessed(t, f, w1, c1, tAnnounce.Add(time.Minute))
	witnessed(t, f, w2, c2, tAnnounce.Add(2*time.Minute))
	rep := verifyTiming(t, f, f.l, Options{Witnesses: []*CosignatureVerifier{v1}})
	require.True(t, rep.OK(), rep.String())
	require.Equal(t, 1, rep.Timing.Matching)
	require.Contains(t, rep.String(), "warning: cosigned checkpoints: 1 signatures by witness.example.net/w2+")
}

// ExampleWitness shows a witness cosigning a ledger's checkpoint, the
// ledger keeping the cosignature, and a reader checking the timing with
// the witness's key.
func ExampleWitness() {
	dir, err := os.MkdirTemp("", "example-witness")
	if err != nil {
		panic(err)
	}
	defer os.RemoveAll(dir)

	// The agency's ledger (deterministic keys, for the example only).
	aseed := sha256.Sum256([]byte(agencyName))
	askey, avkey, _ := GenerateKey(bytes.NewReader(aseed[:]), agencyName)
	agency, _ := NewSigner(askey)
	agencyKey, _ := NewVerifier(avkey)
	l, err := CreateDir(filepath.Join(dir, "ledger"), agencyName, DirOptions{Signer: agency})
	if err != nil {
		panic(err)
	}
	defer l.Close()

	// The witness, configured with the agency's verifier key.
	wseed := sha256.Sum256([]byte("witness " + w1Name))
	wskey, wvkey, _ := GenerateWitnessKey(bytes.NewReader(wseed[:]), w1Name)
	c, _ := NewCosigner(wskey, func() time.Time { return time.Date(2026, 11, 20, 2, 5, 0, 0, time.UTC) })
	w, _ := NewWitness(c, filepath.Join(dir, "state"))
	msg, err := w.CosignLedger(l, agencyKey)
	if err != nil {
		panic(err)
	}
	name, _ := l.AddCosigned(msg)
	fmt.Println(name)

	// A reader who trusts the witness's key.
	witnessKey, _ := NewCosignatureVerifier(wvkey)
	rep, _ := Verify(l, nil, []note.Verifier{agencyKey}, Options{Witnesses: []*CosignatureVerifier{witnessKey}})
	fmt.Print(rep.Timing)
	// Output:
	// cosigned/000000-016d393267db7d67.checkpoint
	// timing: witnesses witness.example.org/w1+38d51c5e (quorum 1), 1 cosigned checkpoints, 1 matching the ledger
}

func TestCosignedSizeBound(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	cp, err := f.l.Checkpoint()
	require.NoError(t, err)
	big := append(bytes.Clone(cp[:len(cp)-1]), bytes.Repeat([]byte("A"), MaxCosignedSize)...)
	big = append(big, '\n')
	_, err = f.l.AddCosigned(big)
	require.ErrorIs(t, err, ErrMalformed)
	require.NoError(t, os.MkdirAll(filepath.Join(f.dir, "cosigned"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(f.dir, "cosigned", CosignedFileName(1, big)), big, 0o644))
	_, err = f.l.ReadCosigned()
	require.ErrorIs(t, err, ErrMalformed)
	rep := verifyTiming(t, f, f.l, Options{Cosigned: [][]byte{big}})
	requireProblem(t, rep, is(ErrMalformed))
}
