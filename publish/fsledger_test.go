package publish

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/stretchr/testify/require"
)

// TestFSLedger holds an FSLedger over a copy of a ledger folder to the
// DirLedger: same documents, checkpoint and proofs, the same Verify
// report; and a flipped byte is reported by Verify naming the file.
func TestFSLedger(t *testing.T) {
	f := full(t)
	l, err := OpenFS(os.DirFS(f.dir), ".")
	require.NoError(t, err)
	require.Equal(t, f.l.Name(), l.Name())
	n, _ := f.l.Len()
	m, _ := l.Len()
	require.Equal(t, n, m)
	for seq := int64(1); seq <= n; seq++ {
		a, _ := f.l.Read(seq)
		b, err := l.Read(seq)
		require.NoError(t, err)
		require.Equal(t, a, b)
		doc, err := ParseSigned(b)
		require.NoError(t, err)
		require.Equal(t, DocFileName(seq, doc.Kind), l.File(seq))
	}
	for o := int64(0); o <= n; o++ {
		a, err := f.l.ConsistencyProof(o, n)
		require.NoError(t, err)
		b, err := l.ConsistencyProof(o, n)
		require.NoError(t, err)
		require.Equal(t, len(a), len(b))
	}
	want, err := Verify(f.l, f.set, f.vs, Options{})
	require.NoError(t, err)
	got, err := Verify(l, f.set, f.vs, Options{})
	require.NoError(t, err)
	require.True(t, got.OK(), got.String())
	require.Equal(t, want.String(), got.String())
	_, err = l.Append(nil)
	require.ErrorIs(t, err, ErrReadOnly)

	// A flipped byte in the draw: Verify names the file.
	m2 := fstest.MapFS{}
	entries, _ := os.ReadDir(f.dir)
	for _, e := range entries {
		b, _ := os.ReadFile(filepath.Join(f.dir, e.Name()))
		m2["ledger/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	d := m2["ledger/000002-draw.note"].Data
	d[len(d)/2] ^= 1
	l2, err := OpenFS(m2, "ledger")
	require.NoError(t, err)
	rep, err := Verify(l2, f.set, f.vs, Options{})
	require.NoError(t, err)
	require.False(t, rep.OK())
	require.Contains(t, rep.Problems[0].String(), "000002-draw.note")

	// Missing documents and strange files are refused, naming them.
	delete(m2, "ledger/000002-draw.note")
	_, err = OpenFS(m2, "ledger")
	var le *LedgerError
	require.True(t, errors.As(err, &le))
	require.ErrorIs(t, err, ErrCorrupt)
	require.Contains(t, err.Error(), "document 2 is missing")
	m2["ledger/000002-draw.note"] = &fstest.MapFile{Data: d}
	m2["ledger/notes.txt"] = &fstest.MapFile{}
	_, err = OpenFS(m2, "ledger")
	require.ErrorContains(t, err, "notes.txt")
}
