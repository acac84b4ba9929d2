package publish

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	tdnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
)

// Interoperability with an independent, maintained implementation of
// C2SP tlog-cosignature/v1: github.com/transparency-dev/formats/note
// (v0.1.1, used in tests only).
func TestCosignatureInterop(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	skey, vkey := testWitnessKey(t, w1Name)
	w, ours, clock := testWitness(t, w1Name)
	clock.t = tAnnounce.Add(5 * time.Minute)
	msg, err := w.CosignLedger(f.l, f.vs[0])
	require.NoError(t, err)

	// Our cosignature verifies with theirs, from our verifier key text.
	theirs, err := tdnote.NewVerifierForCosignatureV1(vkey)
	require.NoError(t, err)
	require.Equal(t, ours.KeyHash(), theirs.KeyHash(), "key ID")
	n, err := note.Open(msg, note.VerifierList(theirs, f.vs[0]))
	require.NoError(t, err)
	require.Len(t, n.Sigs, 2)
	var found bool
	for _, s := range n.Sigs {
		if s.Name == w1Name {
			at, err := tdnote.CoSigV1Timestamp(s)
			require.NoError(t, err)
			require.Equal(t, clock.t.Unix(), at.Unix(), "the time they read")
			found = true
		}
	}
	require.True(t, found)
	// A cosignature with an edited text fails with theirs too.
	bad := append([]byte(nil), msg...)
	bad[len(agencyName)+1] = '7' // the size line
	_, err = note.Open(bad, note.VerifierList(theirs, f.vs[0]))
	require.Error(t, err)

	// Their signer, from our signer key text, makes cosignatures ours
	// verify, with their clock's time.
	signer, err := tdnote.NewSignerForCosignatureV1(skey)
	require.NoError(t, err)
	require.Equal(t, ours.KeyHash(), signer.KeyHash())
	cp, err := f.l.Checkpoint()
	require.NoError(t, err)
	text, _, derr := splitNote(cp)
	require.Nil(t, derr)
	before := time.Now().Add(-time.Second)
	theirMsg, err := note.Sign(&note.Note{Text: string(text)}, signer)
	require.NoError(t, err)
	c, at, ok, err := VerifyCosignature(theirMsg, ours)
	require.NoError(t, err)
	require.True(t, ok)
	require.Equal(t, int64(1), c.Size)
	require.WithinRange(t, at, before, time.Now().Add(time.Second))
	require.True(t, ours.Verify(text, signatureOf(t, theirMsg)))

	// And our verifier refuses theirs on another text.
	require.False(t, ours.Verify(append([]byte("x"), text...), signatureOf(t, theirMsg)))
}

// signatureOf returns the signature bytes (after the key ID) of the only
// signature of msg.
func signatureOf(t *testing.T, msg []byte) []byte {
	t.Helper()
	_, sigs, derr := splitNote(msg)
	require.Nil(t, derr)
	require.Len(t, sigs, 1)
	return noteSignatureBytes(msg, sigs[0].line)[4:]
}

// FuzzCosignatureDifferential compares our cosignature verifier with
// transparency-dev/formats on arbitrary notes: whatever we accept, they
// accept, and whatever they accept in a note we can parse, we accept.
func FuzzCosignatureDifferential(f *testing.F) {
	skey, vkey := testWitnessKey(f, w1Name)
	c, err := NewCosigner(skey, func() time.Time { return tAnnounce })
	require.NoError(f, err)
	ours := c.Verifier()
	theirs, err := tdnote.NewVerifierForCosignatureV1(vkey)
	require.NoError(f, err)
	agency, _ := testKey(f, agencyName)
	for _, size := range []int64{0, 1, 20852163} {
		msg, err := SignCheckpoint(Checkpoint{Origin: agencyName, Size: size, Root: emptyRoot}, agency, c)
		require.NoError(f, err)
		f.Add(msg)
		msg, err = SignCheckpoint(Checkpoint{Origin: agencyName, Size: size, Root: emptyRoot}, c)
		require.NoError(f, err)
		f.Add(msg)
	}
	f.Fuzz(func(t *testing.T, msg []byte) {
		_, at, found, err := VerifyCosignature(msg, ours)
		okOurs := found && err == nil
		n, terr := note.Open(msg, note.VerifierList(theirs))
		okTheirs := terr == nil && len(n.Sigs) == 1
		if okOurs {
			require.True(t, okTheirs, "we accept, they do not: %v", terr)
			ts, err := tdnote.CoSigV1Timestamp(n.Sigs[0])
			require.NoError(t, err)
			require.Equal(t, at.Unix(), ts.Unix())
		}
		if okTheirs {
			text, _, derr := splitNote(msg)
			if derr != nil {
				return // stricter than the signed-note format: fine
			}
			if _, perr := ParseCheckpoint(text); perr != nil {
				return // not a checkpoint
			}
			require.True(t, okOurs, "they accept, we do not: %v", err)
		}
	})
}
