package random

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

func TestNewKeyVector(t *testing.T) {
	ex := loadDrawPrimitives(t).KeyExample
	inputs, err := roster.ParseHash(ex.InputsHex)
	require.NoError(t, err)
	k, err := NewKey([]byte(ex.SeedASCII), inputs)
	require.NoError(t, err)
	// Golden value of protocol §3: do not change.
	require.Equal(t, ex.KeyHex, k.String())

	parsed, err := ParseKey(strings.ToUpper(ex.KeyHex))
	require.NoError(t, err)
	require.Equal(t, k, parsed)
	text, err := k.MarshalText()
	require.NoError(t, err)
	var back Key
	require.NoError(t, back.UnmarshalText(text))
	require.Equal(t, k, back)
}

func TestNewKeySeedLength(t *testing.T) {
	for _, n := range []int{0, MaxSeedSize + 1, 5000} {
		_, err := NewKey(make([]byte, n), roster.Hash{})
		require.Error(t, err, n)
		require.True(t, errors.Is(err, ErrSeedInvalid), n)
	}
	for _, n := range []int{1, 32, MaxSeedSize} {
		_, err := NewKey(make([]byte, n), roster.Hash{})
		require.NoError(t, err, n)
	}
	// The length prefix separates the seed from the inputs.
	a, _ := NewKey([]byte{1}, roster.Hash{})
	b, _ := NewKey([]byte{1, 0}, roster.Hash{})
	require.NotEqual(t, a, b)
}

func TestParseKeyRejects(t *testing.T) {
	for _, s := range []string{"", "00", strings.Repeat("g", 64), strings.Repeat("0", 63), strings.Repeat("0", 65)} {
		_, err := ParseKey(s)
		require.Error(t, err, s)
	}
	var k Key
	require.Error(t, k.UnmarshalText([]byte("xyz")))
}
