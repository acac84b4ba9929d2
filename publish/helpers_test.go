package publish

import (
	"bytes"
	"crypto/sha256"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// testKey returns a deterministic key pair named name (its seed is
// SHA-256 of the name), for tests only.
func testKey(t testing.TB, name string) (Signer, note.Verifier) {
	t.Helper()
	seed := sha256.Sum256([]byte(name))
	skey, vkey, err := GenerateKey(bytes.NewReader(seed[:]), name)
	require.NoError(t, err)
	s, err := NewSigner(skey)
	require.NoError(t, err)
	v, err := NewVerifier(vkey)
	require.NoError(t, err)
	return s, v
}

// Names used in tests: an agency and its discipline inspection office.
const (
	agencyName  = "example.gov.cn/scjgj"
	witnessName = "纪检监察组"
)
