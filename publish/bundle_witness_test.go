package publish

import (
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// The cosigned checkpoints a ledger keeps travel in its bundle, and
// VerifyBundle checks timing from them as Verify does from the folder.
func TestBundleCosigned(t *testing.T) {
	f := newFixture(t)
	av := f.vs[0]
	w, wv, clock := testWitness(t, w1Name)
	f.announce(t)
	clock.t = tAnnounce.Add(5 * time.Minute)
	msg, err := w.CosignLedger(f.l, av)
	require.NoError(t, err)
	_, err = f.l.AddCosigned(msg)
	require.NoError(t, err)
	f.drawDice(t)
	clock.t = tDraw.Add(5 * time.Minute)
	msg, err = w.CosignLedger(f.l, av)
	require.NoError(t, err)
	_, err = f.l.AddCosigned(msg)
	require.NoError(t, err)

	opt := Options{Witnesses: []*CosignatureVerifier{wv}, Quorum: 1}
	want, err := Verify(f.l, f.set, f.vs, opt)
	require.NoError(t, err)
	require.True(t, want.OK(), want.String())

	dir, b := writeBundle(t, f.l, TablesByRoots(f.set))
	files, err := filepath.Glob(filepath.Join(dir, "ledger", "cosigned", "*.checkpoint"))
	require.NoError(t, err)
	require.Len(t, files, 2)
	rep, err := VerifyBundle(b, f.vs, opt)
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	require.Equal(t, 2, rep.Timing.Cosigned)
	require.Equal(t, want.Timing.Matching, rep.Timing.Matching)
	require.Equal(t, want.Timing.String(), rep.Timing.String())

	// A cosigned file altered in the bundle is reported.
	b2 := memFS(t, dir)
	name := "ledger/cosigned/" + filepath.Base(files[0])
	data := []byte(string(b2[name].Data[:len(b2[name].Data)-3]) + "AA\n")
	b2[name].Data = data
	bb, err := OpenBundle(b2)
	require.NoError(t, err)
	rep, err = VerifyBundle(bb, f.vs, opt)
	require.NoError(t, err)
	require.False(t, rep.OK())
}
