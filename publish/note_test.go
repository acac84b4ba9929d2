package publish

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestSignOpenTwoSigners(t *testing.T) {
	as, av := testKey(t, agencyName)
	ws, wv := testKey(t, witnessName)
	text := []byte("doublerandom/v1 test\n两个签名\n")
	msg, err := Sign(text, as, ws)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(msg, append(text, '\n')))

	o, err := Policy{Require: []string{agencyName, witnessName}}.Open(msg, wv, av)
	require.NoError(t, err)
	require.Equal(t, text, o.Text)
	require.Equal(t, []KeyID{{agencyName, as.KeyHash()}, {witnessName, ws.KeyHash()}}, o.Signers)
	require.Empty(t, o.Unknown)

	// Only the agency's key known: the zero policy refuses the unknown
	// witness signature; AllowUnknown accepts it but a requirement of the
	// witness still fails.
	_, err = Open(msg, av)
	var se *SignatureError
	require.ErrorAs(t, err, &se)
	require.ErrorIs(t, err, ErrUnknownKey)
	require.Equal(t, witnessName, se.Key.Name)

	o, err = Policy{AllowUnknown: true}.Open(msg, av)
	require.NoError(t, err)
	require.Equal(t, []KeyID{{witnessName, ws.KeyHash()}}, o.Unknown)

	_, err = Policy{AllowUnknown: true, Require: []string{witnessName}}.Open(msg, av)
	require.ErrorIs(t, err, ErrMissingSignature)

	// No known key at all.
	_, err = Policy{AllowUnknown: true}.Open(msg)
	require.ErrorIs(t, err, ErrUnknownKey)
}

func TestOpenTamperEveryByte(t *testing.T) {
	as, av := testKey(t, agencyName)
	ws, wv := testKey(t, witnessName)
	msg, err := Sign([]byte("doublerandom/v1 test\nseq: 1\n"), as, ws)
	require.NoError(t, err)
	p := Policy{Require: []string{agencyName, witnessName}}
	_, err = p.Open(msg, av, wv)
	require.NoError(t, err)
	for i := range msg {
		for _, bit := range []byte{0x01, 0x20, 0x80} {
			bad := bytes.Clone(msg)
			bad[i] ^= bit
			_, err := p.Open(bad, av, wv)
			require.Error(t, err, "byte %d ^ %#x accepted", i, bit)
			var de *DocumentError
			var se *SignatureError
			require.True(t, errors.As(err, &de) || errors.As(err, &se), "byte %d: untyped error %v", i, err)
		}
	}
	// Truncation and extension are rejected too.
	for n := 0; n < len(msg); n++ {
		_, err := p.Open(msg[:n], av, wv)
		require.Error(t, err, "truncated to %d", n)
	}
	_, err = p.Open(append(bytes.Clone(msg), '\n'), av, wv)
	require.Error(t, err)
}

func TestOpenMalformed(t *testing.T) {
	as, av := testKey(t, agencyName)
	good, err := Sign([]byte("hello\n"), as)
	require.NoError(t, err)
	sig := string(good[len("hello\n\n"):])
	for name, msg := range map[string]string{
		"no signature":       "hello\n\n",
		"no blank line":      "hello\n" + sig,
		"duplicate":          "hello\n\n" + sig + sig,
		"crlf":               "hello\r\n\n" + sig,
		"tab":                "hel\tlo\n\n" + sig,
		"bad utf8":           "hel\xfflo\n\n" + sig,
		"hyphen not em dash": "hello\n\n- " + strings.TrimPrefix(sig, "— "),
		"no final newline":   "hello\n\n" + strings.TrimSuffix(sig, "\n"),
	} {
		_, err := Open([]byte(msg), av)
		var de *DocumentError
		require.ErrorAs(t, err, &de, name)
		require.ErrorIs(t, err, ErrMalformed, name)
	}
}

func TestSignRejects(t *testing.T) {
	as, _ := testKey(t, agencyName)
	for _, text := range []string{"", "no newline", "tab\there\n", "cr\r\n", "\xff\n"} {
		_, err := Sign([]byte(text), as)
		require.ErrorIs(t, err, ErrMalformed, "%q", text)
	}
	_, err := Sign([]byte("x\n"))
	require.Error(t, err)
	_, err = Sign([]byte("x\n"), as, as)
	require.Error(t, err)
}

func TestGenerateKeyName(t *testing.T) {
	for _, name := range []string{"", "a b", "a+b", "a\u3000b", "x\n", strings.Repeat("a", 257)} {
		_, _, err := GenerateKey(bytes.NewReader(make([]byte, 64)), name)
		require.Error(t, err, "%q", name)
	}
	_, _, err := GenerateKey(bytes.NewReader(make([]byte, 64)), "某县市场监督管理局")
	require.NoError(t, err)
}
