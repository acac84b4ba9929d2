package random

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckSourcesSystemAlone(t *testing.T) {
	dice, cr, beacon, system := seedFixture(t)
	sysEv, err := system.Evidence()
	require.NoError(t, err)
	diceEv, err := dice.Evidence()
	require.NoError(t, err)
	require.NoError(t, CheckSources([]SeedPromise{system.Promise()}))
	require.NoError(t, CheckSources([]SeedPromise{dice.Promise(), cr.Promise(), beacon.Promise()}))
	for _, ps := range [][]SeedPromise{
		{dice.Promise(), system.Promise()},
		{system.Promise(), beacon.Promise()},
	} {
		err := CheckSources(ps)
		require.ErrorIs(t, err, ErrSystemCombined)
		require.ErrorIs(t, err, ErrSeedEvidence)
	}
	// Where sources are combined: DeriveSeed refuses, naming the source.
	_, err = DeriveSeed([]SeedPromise{dice.Promise(), system.Promise()}, []SeedEvidence{diceEv, sysEv})
	require.ErrorIs(t, err, ErrSystemCombined)
	var se *SourceError
	require.True(t, errors.As(err, &se))
	require.Equal(t, 2, se.Index)
	require.Equal(t, "random: seed source 2 (system): kind: combined with 1 other sources: a system seed cannot be combined with another source", err.Error())
	_, err = DeriveSeed(nil, nil)
	require.ErrorIs(t, err, ErrSeedEvidence)
}

func TestCheckSecrets(t *testing.T) {
	require.NoError(t, CheckSecrets(1, []Reveal{{Name: "a", Secret: bytes.Repeat([]byte{1}, MinSecretSize)}}))
	err := CheckSecrets(2, []Reveal{{Name: "a", Secret: make([]byte, 32)}, {Name: "b", Secret: []byte("另一个秘密")}})
	require.ErrorIs(t, err, ErrShortSecret)
	require.Contains(t, err.Error(), `seed source 2 (commit-reveal): reveals: the secret of "b" is 15 bytes, want at least 16`)
	require.ErrorIs(t, CheckEvidenceSecrets([]SeedEvidence{{Kind: SourceDice, Digits: "1"}, {Kind: SourceCommitReveal, Reveals: []Reveal{{Name: "c", Secret: []byte("c")}}}}), ErrShortSecret)
	// The v1 vector's secrets are short: they still replay.
	_, cr, _, _ := seedFixture(t)
	ev, err := cr.Evidence()
	require.NoError(t, err)
	_, err = DeriveSeed([]SeedPromise{cr.Promise()}, []SeedEvidence{ev})
	require.NoError(t, err)
	require.Error(t, CheckEvidenceSecrets([]SeedEvidence{ev}))
}
