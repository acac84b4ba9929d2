package random

import (
	"context"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// The v2 vectors (testdata/v2/) are frozen golden outputs made by an
// independent implementation of protocol v2: do not change them, and do
// not change the code to make them pass without understanding the
// difference (testdata/v2/README.md).
const testdataV2 = "../testdata/v2"

// zeroBlinding is the blinding key the v2 vectors use: 32 zero bytes.
var zeroBlinding = roster.Commitment{Key: make([]byte, roster.BlindingKeySize)}

var diceV2 = []byte("20237331128159211123")

func hexSeed(t testing.TB, s string) []byte {
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

type countyV2 struct {
	dir, view string
	seed      []byte
}

func countyV2Vectors(t testing.TB) []countyV2 {
	return []countyV2{
		{"dr2-county-a", "expected-view.json", diceV2},
		{"dr2-county-b", "expected-view.json", diceV2},
		{"dr2-county-b", "expected-view-hex.json", hexSeed(t, "00ff10203040506070809a")},
		{"dr2-county-c", "expected-view.json", diceV2},
		{"dr2-county-d", "expected-view.json", diceV2},
	}
}

func loadCountyV2(t testing.TB, dir string) (*PlanV2, *roster.Set) {
	t.Helper()
	plan, err := LoadPlanV2(filepath.Join(testdataV2, dir, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(filepath.Join(testdataV2, dir), roster.Options{Protocol: roster.ProtocolV2, Commitment: zeroBlinding})
	require.NoError(t, err)
	return plan, set
}

func TestCountyVectorsV2(t *testing.T) {
	for _, v := range countyV2Vectors(t) {
		t.Run(v.dir+"/"+v.view, func(t *testing.T) {
			plan, set := loadCountyV2(t, v.dir)
			res, err := DrawV2(context.Background(), plan, set, v.seed, Options{})
			require.NoError(t, err)
			got, err := res.View().Encode()
			require.NoError(t, err)
			want, err := os.ReadFile(filepath.Join(testdataV2, v.dir, v.view))
			require.NoError(t, err)
			wantView, err := ParseViewV2(want)
			require.NoError(t, err)
			if diff := cmp.Diff(wantView, res.View()); diff != "" {
				t.Fatalf("view differs (-want +got):\n%s", diff)
			}
			require.Equal(t, string(want), string(got), "view bytes")
		})
	}
}

// TestCountyDRefusedV2: county d's plan without 歇业 in its inactive
// list leaves a premises status in neither list: the draw is refused,
// naming the file, line and row (dr2-county-d/refused/expected-error.txt).
func TestCountyDRefusedV2(t *testing.T) {
	plan, set := loadCountyV2(t, "dr2-county-d/refused")
	_, err := DrawV2(context.Background(), plan, set, diceV2, Options{})
	require.Error(t, err)
	require.ErrorIs(t, err, ErrStatusUnlisted)
	var re *roster.RowError
	require.ErrorAs(t, err, &re)
	require.Equal(t, 27, re.Line)
	require.Equal(t, "premises.csv", filepath.Base(re.File))
	require.Equal(t, "status", re.Field)
	require.Equal(t, "歇业", re.Value)
	require.Contains(t, err.Error(), "premises.csv:27")
	require.Contains(t, err.Error(), "92451099MA5Y3CF60J")
	want, err2 := os.ReadFile(filepath.Join(testdataV2, "dr2-county-d/refused/expected-error.txt"))
	require.NoError(t, err2)
	require.Contains(t, string(want), "premises.csv:27")
	require.Contains(t, string(want), "92451099MA5Y3CF60J")
	t.Log(err)
}

// TestEligibleV2Index: the E(v) a draw keeps for each visit (looked up
// through its index of inspectors by region) is E(v) from every
// inspector, and each inspector's reason agrees.
func TestEligibleV2Index(t *testing.T) {
	for _, v := range countyV2Vectors(t) {
		plan, set := loadCountyV2(t, v.dir)
		res, err := DrawV2(context.Background(), plan, set, v.seed, Options{})
		require.NoError(t, err)
		for _, vis := range res.Visits {
			all := res.EligibleV2(vis.Premises)
			require.Len(t, all, vis.EligibleCount, vis.ID)
			require.Equal(t, all[:min(len(all), vis.Size+4)], vis.Eligible, vis.ID)
			for _, m := range vis.Team {
				require.Contains(t, all, m.Candidate, vis.ID)
			}
			n := 0
			for i := range set.Inspectors.Len() {
				if res.IneligibleV2(vis.Premises, i) == EligibleInspector {
					n++
				}
			}
			require.Equal(t, vis.EligibleCount, n, vis.ID)
		}
	}
}
