package floor

import (
	"context"
	"io"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/examples/internal/samplecounty"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// checkSame runs the floor program and the library's draw on the county
// in dir and requires the same roots, key and selections (ids, order,
// marks, priorities, |E(p)| and teams).
func checkSame(t *testing.T, dir string, seed []byte) {
	t.Helper()
	got, err := Draw(dir, seed, io.Discard)
	require.NoError(t, err)
	plan, err := random.LoadPlan(filepath.Join(dir, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(dir, roster.Options{})
	require.NoError(t, err)
	res, err := random.Draw(context.Background(), plan, set, seed, random.Options{})
	require.NoError(t, err)
	require.Equal(t, res.Roots, got.Roots)
	require.Equal(t, res.Inputs, got.Inputs)
	require.Equal(t, res.Key, got.Key)
	require.Len(t, got.Selected, len(res.Selected))
	staffed := 0
	for i, s := range res.Selected {
		g := got.Selected[i]
		require.Equal(t, s.ID, g.ID, "selection %d", i)
		require.Equal(t, s.Mark, g.Mark, s.ID)
		require.Equal(t, s.Priority, g.Priority, s.ID)
		require.Equal(t, s.EligibleCount, g.Eligible, s.ID)
		if s.Team == nil {
			require.Nil(t, g.Team, s.ID)
		} else {
			staffed++
			require.Equal(t, s.TeamIDs(), g.Team, s.ID)
		}
	}
	require.Positive(t, staffed)
	t.Logf("%d premises, %d selected, %d staffed", set.Premises.Len(), len(res.Selected), staffed)
}

func TestFloorMatchesDrawEmbedded(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, samplecounty.WriteDir(dir))
	checkSame(t, dir, []byte("floor seed"))
}

// The benchmark county's shape: rows shuffled, ids of 18 to 22 bytes;
// large enough that the tables take ReadCSV's parallel path.
func TestFloorMatchesDrawShuffled(t *testing.T) {
	n := 40_000
	if testing.Short() {
		n = 5_000
	}
	f, err := samplecounty.Generate(samplecounty.Config{Premises: n, Shuffle: true, LongIDs: true, Seed: 7})
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, f.WriteDir(dir))
	for _, seed := range []string{"a", "b"} {
		checkSame(t, dir, []byte(seed))
	}
}
