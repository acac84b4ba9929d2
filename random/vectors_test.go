package random

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

const testdata = "../testdata"

// countyVector is a whole-draw vector of testdata/. The expected views
// are frozen golden outputs made by an independent implementation of the
// protocol: do not change them, and do not change the code to make them
// pass without understanding the difference (testdata/README.md).
type countyVector struct {
	dir  string
	seed []byte
}

func countyVectors() []countyVector {
	h := sha256.Sum256([]byte("example seed"))
	return []countyVector{
		{"dr1-county-7", []byte("20237331128159211123")},
		{"dr1-county-12", h[:]},
	}
}

func loadCounty(t testing.TB, dir string) (*Plan, *roster.Set) {
	t.Helper()
	plan, err := LoadPlan(filepath.Join(testdata, dir, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(filepath.Join(testdata, dir), roster.Options{})
	require.NoError(t, err)
	return plan, set
}

func TestCountyVectors(t *testing.T) {
	for _, v := range countyVectors() {
		t.Run(v.dir, func(t *testing.T) {
			plan, set := loadCounty(t, v.dir)
			res, err := Draw(context.Background(), plan, set, v.seed, Options{})
			require.NoError(t, err)
			got, err := res.View().Encode()
			require.NoError(t, err)
			want, err := os.ReadFile(filepath.Join(testdata, v.dir, "expected-view.json"))
			require.NoError(t, err)

			// Field by field first, for a readable difference.
			wantView, err := ParseView(want)
			require.NoError(t, err)
			if diff := cmp.Diff(wantView, res.View()); diff != "" {
				t.Fatalf("view differs (-want +got):\n%s", diff)
			}
			require.Equal(t, string(want), string(got), "view bytes")
		})
	}
}

// TestCountyVectorsShuffled reads the tables from shuffled rows and draws
// with different worker counts: the bytes must not change.
func TestCountyVectorsShuffled(t *testing.T) {
	for _, v := range countyVectors() {
		t.Run(v.dir, func(t *testing.T) {
			plan, set := loadCounty(t, v.dir)
			res, err := Draw(context.Background(), plan, set, v.seed, Options{Workers: 1})
			require.NoError(t, err)
			want, err := res.View().Encode()
			require.NoError(t, err)

			rng := rand.New(rand.NewPCG(7, 12))
			for round := range 3 {
				shuffle := shuffler(t, rng, roster.Options{})
				s2, err := roster.NewSet(shuffle(set.Premises), shuffle(set.Inspectors), shuffle(set.Conflicts), shuffle(set.History))
				require.NoError(t, err)
				res2, err := Draw(context.Background(), plan, s2, v.seed, Options{Workers: round + 2})
				require.NoError(t, err)
				got, err := res2.View().Encode()
				require.NoError(t, err)
				require.Equal(t, string(want), string(got), "round %d", round)
			}
		})
	}
}

// drawPrimitives is testdata/dr1-primitives.json (the parts this package
// uses).
type drawPrimitives struct {
	KeyExample struct {
		SeedASCII string `json:"seed_ascii"`
		InputsHex string `json:"inputs_hex"`
		KeyHex    string `json:"key_hex"`
	} `json:"key_example"`
	PremisesPriority []struct {
		KeyHex      string `json:"key_hex"`
		ID          string `json:"id"`
		PriorityHex string `json:"priority_hex"`
	} `json:"premises_priority"`
	InspectorKey []struct {
		KeyHex    string `json:"key_hex"`
		Premises  string `json:"premises"`
		Inspector string `json:"inspector"`
		QHex      string `json:"q_hex"`
	} `json:"inspector_key"`
	Ratios []struct {
		N     int    `json:"n"`
		Ratio string `json:"ratio"`
		Min   int    `json:"min"`
		Max   int    `json:"max"`
		K     int    `json:"k"`
	} `json:"ratios"`
}

func loadDrawPrimitives(t *testing.T) drawPrimitives {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdata, "dr1-primitives.json"))
	require.NoError(t, err)
	var p drawPrimitives
	require.NoError(t, json.Unmarshal(b, &p))
	require.NotEmpty(t, p.PremisesPriority)
	require.NotEmpty(t, p.InspectorKey)
	require.NotEmpty(t, p.Ratios)
	return p
}

// shuffler returns a function giving a table's rows in an order drawn
// from rng, as a new table read with opt (the shuffled-vector tests of
// both protocols).
func shuffler(t *testing.T, rng *rand.Rand, opt roster.Options) func(*roster.Table) *roster.Table {
	return func(tb *roster.Table) *roster.Table {
		rows := slices.Clone(tb.Rows())
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		out, err := roster.NewTable(tb.Kind(), rows, opt)
		require.NoError(t, err)
		return out
	}
}
