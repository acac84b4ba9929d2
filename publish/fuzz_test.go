package publish

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzOpenNote feeds arbitrary bytes to the signed-note reader (Open,
// and the parsers built on it: ParseSigned, ParseSignedCheckpoint and
// OpenDocument). It checks that nothing panics, that every error is one
// of the package's kinds, and that an accepted note is canonical: its
// text passes the note rules, and when the agency key alone signed it,
// signing the text again gives back the very same bytes (Ed25519
// signatures are deterministic), so no second encoding of a note is
// accepted.
func FuzzOpenNote(f *testing.F) {
	as, av := testKey(f, agencyName)
	ws, wv := testKey(f, witnessName)
	doc, err := SignDocument(&Document{Kind: KindDraw, Ledger: agencyName, Seq: 1, Body: []byte("{\"a\":1}\n")}, as)
	require.NoError(f, err)
	f.Add(doc)
	both, err := SignDocument(&Document{Kind: KindResults, Ledger: agencyName, Seq: 2, Body: []byte("{}\n")}, as, ws)
	require.NoError(f, err)
	f.Add(both)
	wd, err := SignDocument(&Document{Kind: KindWithdrawal, Ledger: agencyName, Seq: 3, Body: []byte("{\"reason\":\"x\"}\n")}, as, ws)
	require.NoError(f, err)
	f.Add(wd)
	cp, err := SignCheckpoint(Checkpoint{Origin: agencyName, Size: 3, Root: emptyRoot}, as)
	require.NoError(f, err)
	f.Add(cp)
	plain, err := Sign([]byte("hello\n世界\n"), ws)
	require.NoError(f, err)
	f.Add(plain)
	f.Add([]byte("x\n\n— " + agencyName + " AAAAAAA=\n"))

	f.Fuzz(func(t *testing.T, msg []byte) {
		for _, p := range []Policy{{}, {AllowUnknown: true}, {Require: []string{witnessName}}} {
			o, err := p.Open(msg, av, wv)
			if err != nil {
				require.Nil(t, o)
				requireKnownError(t, err)
				continue
			}
			require.Nil(t, checkNoteText(o.Text))
			require.True(t, bytes.HasPrefix(msg, append(bytes.Clone(o.Text), '\n')))
			require.NotEmpty(t, o.Signers)
			if len(o.Signers) == 1 && len(o.Unknown) == 0 && o.Signers[0].Name == agencyName {
				again, err := Sign(o.Text, as)
				require.NoError(t, err)
				require.Equal(t, string(msg), string(again), "a second encoding of a note was accepted")
			}
		}
		if d, err := ParseSigned(msg); err == nil {
			// ParseSigned checks the form, not the signatures.
			text, _, derr := splitNote(msg)
			require.Nil(t, derr)
			out, err := d.MarshalText()
			require.NoError(t, err)
			require.Equal(t, string(text), string(out))
		} else {
			requireKnownError(t, err)
		}
		if c, err := ParseSignedCheckpoint(msg); err == nil {
			text, _, derr := splitNote(msg)
			require.Nil(t, derr)
			out, err := c.MarshalText()
			require.NoError(t, err)
			require.Equal(t, string(text), string(out))
		} else {
			requireKnownError(t, err)
		}
	})
}

// FuzzParseCheckpoint checks that ParseCheckpoint never panics and
// accepts only the canonical three-line form: what it accepts marshals
// back to the same bytes.
func FuzzParseCheckpoint(f *testing.F) {
	for _, c := range []Checkpoint{
		{Origin: agencyName, Size: 0, Root: emptyRoot},
		{Origin: "县局", Size: 12345, Root: [32]byte{1, 2, 3}},
		{Origin: "x", Size: MaxSeq},
	} {
		b, err := c.MarshalText()
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte("o\n01\n" + strings.Repeat("A", 43) + "=\n"))
	f.Add([]byte("o\n-1\n" + strings.Repeat("A", 43) + "=\n"))
	f.Add([]byte("o\n1\n" + strings.Repeat("A", 43) + "=\nextension\n"))
	f.Fuzz(func(t *testing.T, text []byte) {
		c, err := ParseCheckpoint(text)
		if err != nil {
			require.ErrorIs(t, err, ErrMalformed)
			return
		}
		require.NoError(t, checkName(c.Origin))
		require.GreaterOrEqual(t, c.Size, int64(0))
		require.LessOrEqual(t, c.Size, int64(MaxSeq))
		out, err := c.MarshalText()
		require.NoError(t, err)
		require.Equal(t, string(text), string(out), "a non-canonical checkpoint was accepted")
	})
}

// requireKnownError checks that err is one of the package's error kinds.
func requireKnownError(t *testing.T, err error) {
	t.Helper()
	var de *DocumentError
	var se *SignatureError
	switch {
	case errors.As(err, &de):
		require.ErrorIs(t, err, ErrMalformed)
	case errors.As(err, &se):
		require.True(t, errors.Is(err, ErrUnknownKey) || errors.Is(err, ErrBadSignature) || errors.Is(err, ErrMissingSignature), "%v", err)
	default:
		t.Fatalf("error of an unexpected kind %T: %v", err, err)
	}
	require.NotPanics(t, func() { _ = err.Error() })
}
