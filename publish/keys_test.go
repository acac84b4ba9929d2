package publish

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	prefix := filepath.Join(dir, "agency")
	skey, vkey, err := GenerateKey(bytes.NewReader(make([]byte, 32)), agencyName)
	require.NoError(t, err)
	require.NoError(t, WriteKeyFiles(prefix, skey, vkey))

	if runtime.GOOS != "windows" {
		fi, err := os.Stat(prefix + ".key")
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	}
	s, err := LoadSigner(prefix + ".key")
	require.NoError(t, err)
	v, err := LoadVerifier(prefix + ".pub")
	require.NoError(t, err)
	msg, err := Sign([]byte("x\n"), s)
	require.NoError(t, err)
	_, err = Open(msg, v)
	require.NoError(t, err)

	// Never overwrite, not even with the same keys.
	before, _ := os.ReadFile(prefix + ".key")
	skey2, vkey2, _ := GenerateKey(bytes.NewReader(bytes.Repeat([]byte{9}, 32)), agencyName)
	err = WriteKeyFiles(prefix, skey2, vkey2)
	var ke *KeyFileError
	require.ErrorAs(t, err, &ke)
	require.ErrorIs(t, err, ErrExists)
	require.Equal(t, prefix+".key", ke.File)
	after, _ := os.ReadFile(prefix + ".key")
	require.Equal(t, before, after)

	// A .pub alone existing also blocks, and writes nothing.
	p2 := filepath.Join(dir, "other")
	require.NoError(t, os.WriteFile(p2+".pub", []byte("x"), 0o644))
	require.ErrorIs(t, WriteKeyFiles(p2, skey, vkey), ErrExists)
	_, err = os.Stat(p2 + ".key")
	require.True(t, os.IsNotExist(err))

	// Swapped files are refused with the file named.
	_, err = LoadSigner(prefix + ".pub")
	require.ErrorAs(t, err, &ke)
	require.Equal(t, prefix+".pub", ke.File)
	_, err = LoadVerifier(prefix + ".key")
	require.ErrorAs(t, err, &ke)
	require.Equal(t, prefix+".key", ke.File)

	// Mismatched pair.
	require.Error(t, WriteKeyFiles(filepath.Join(dir, "mix"), skey, vkey2))

	// Malformed and missing files.
	bad := filepath.Join(dir, "bad.pub")
	require.NoError(t, os.WriteFile(bad, []byte(vkey+"\n"+vkey+"\n"), 0o644))
	_, err = LoadVerifier(bad)
	require.ErrorIs(t, err, ErrMalformed)
	require.ErrorAs(t, err, &ke)
	require.Equal(t, bad, ke.File)
	_, err = LoadVerifier(filepath.Join(dir, "missing.pub"))
	require.ErrorAs(t, err, &ke)
	require.ErrorIs(t, err, os.ErrNotExist)
}
