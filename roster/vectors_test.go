package roster

import (
	"encoding/hex"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// The vectors were made by an independent implementation of the protocol
// page. These tests pin protocol §1: do not change the expected values.

type primitives struct {
	Leaves []struct {
		Row     map[string]string `json:"row"`
		LeafHex string            `json:"leaf_hex"`
	} `json:"leaves"`
	Roots []struct {
		Rows    []string `json:"rows"`
		RootHex string   `json:"root_hex"`
	} `json:"roots"`
}

func loadPrimitives(t *testing.T) primitives {
	t.Helper()
	b, err := os.ReadFile("../testdata/dr1-primitives.json")
	require.NoError(t, err)
	var p primitives
	require.NoError(t, json.Unmarshal(b, &p))
	require.NotEmpty(t, p.Leaves)
	require.NotEmpty(t, p.Roots)
	return p
}

func TestVectorLeaves(t *testing.T) {
	for _, v := range loadPrimitives(t).Leaves {
		t.Run(v.Row["id"], func(t *testing.T) {
			r, err := NewRow(v.Row["id"], v.Row)
			require.NoError(t, err)
			require.Equal(t, v.LeafHex, hex.EncodeToString(r.Leaf()))
		})
	}
}

func TestVectorRoots(t *testing.T) {
	p := loadPrimitives(t)
	byID := map[string]Row{}
	for _, v := range p.Leaves {
		r, err := NewRow(v.Row["id"], v.Row)
		require.NoError(t, err)
		byID[r.ID] = r
	}
	for _, v := range p.Roots {
		var rows []Row
		for _, id := range v.Rows {
			r, ok := byID[id]
			require.True(t, ok, id)
			rows = append(rows, r)
		}
		tab, err := NewTable(KindPremises, rows, Options{})
		require.NoError(t, err)
		require.Equal(t, v.RootHex, tab.Root().String(), "rows %v", v.Rows)

		// The streaming builder agrees.
		var b RootBuilder
		for _, r := range tab.Rows() {
			require.NoError(t, b.Add(r))
		}
		require.Equal(t, v.RootHex, b.Root().String())
	}
}

var counties = []string{"dr1-county-7", "dr1-county-12"}

func countyRoots(t *testing.T, name string) Roots {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../testdata", name, "expected-view.json"))
	require.NoError(t, err)
	var view struct {
		Roots Roots `json:"roots"`
	}
	require.NoError(t, json.Unmarshal(b, &view))
	require.NotEqual(t, Hash{}, view.Roots.Premises)
	return view.Roots
}

func loadCounty(t *testing.T, name string) *Set {
	t.Helper()
	s, err := LoadDir(filepath.Join("../testdata", name), Options{Strict: true})
	require.NoError(t, err)
	return s
}

func TestCountyRoots(t *testing.T) {
	for _, name := range counties {
		t.Run(name, func(t *testing.T) {
			s := loadCounty(t, name)
			require.Equal(t, countyRoots(t, name), s.Roots())
			for _, k := range Kinds {
				require.Empty(t, s.Table(k).Warnings)
			}
		})
	}
}

func TestCountyCounts(t *testing.T) {
	// Data lines of the CSV files (wc -l minus the header).
	want := map[string]Counts{
		"dr1-county-7":  {Premises: 56, Inspectors: 15, Conflicts: 7, History: 52},
		"dr1-county-12": {Premises: 96, Inspectors: 20, Conflicts: 12, History: 98},
	}
	for _, name := range counties {
		require.Equal(t, want[name], loadCounty(t, name).Counts(), name)
	}
}

// Roots do not depend on the order of rows.
func TestRootOrderIndependent(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, name := range counties {
		s := loadCounty(t, name)
		for _, k := range Kinds {
			tab := s.Table(k)
			rows := append([]Row(nil), tab.Rows()...)
			for range 20 {
				rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
				shuffled, err := NewTable(k, rows, Options{})
				require.NoError(t, err)
				require.Equal(t, tab.Root(), shuffled.Root(), "%s %s", name, k)
			}
		}
	}
	// Random tables of every size up to 40, against an independent
	// recursive definition of the tree hash.
	for n := range 41 {
		var rows []Row
		for i := range n {
			r, err := NewRow(string(rune('a'+i%26))+string(rune('0'+i/26)), map[string]string{"v": "x"})
			require.NoError(t, err)
			rows = append(rows, r)
		}
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		tab, err := NewTable(KindPremises, rows, Options{})
		require.NoError(t, err)
		var leaves [][]byte
		for _, r := range tab.Rows() {
			leaves = append(leaves, r.Leaf())
		}
		require.Equal(t, refMTH(leaves), tab.Root(), "n=%d", n)
	}
}

// refMTH is RFC 6962 section 2.1, written out for the test.
func refMTH(leaves [][]byte) Hash {
	switch len(leaves) {
	case 0:
		return EmptyRoot
	case 1:
		return LeafHash(leaves[0])
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	return nodeHash(refMTH(leaves[:k]), refMTH(leaves[k:]))
}

func TestProveEveryRow(t *testing.T) {
	for _, name := range counties {
		s := loadCounty(t, name)
		for _, k := range Kinds {
			tab := s.Table(k)
			root := tab.Root()
			for _, r := range tab.Rows() {
				p, err := tab.Prove(r.ID)
				require.NoError(t, err)
				require.NoError(t, VerifyProof(root, r, p), "%s %s %s", name, k, r.ID)

				// A tampered row, another row's proof or another root fail.
				require.ErrorIs(t, VerifyProof(root, r.With("tampered", "1"), p), ErrProof)
				require.ErrorIs(t, VerifyProof(s.Roots().Inputs(Hash{}), r, p), ErrProof)
				if tab.Len() > 1 {
					q := p
					q.Index = (p.Index + 1) % p.Size
					require.ErrorIs(t, VerifyProof(root, r, q), ErrProof)
				}
			}
		}
	}
}

func TestProveMissingRow(t *testing.T) {
	s := loadCounty(t, counties[0])
	_, err := s.Premises.Prove("no such id")
	require.Error(t, err)
	require.ErrorIs(t, VerifyProof(s.Premises.Root(), Row{ID: "x"}, Proof{}), ErrProof)
}

func TestProofJSON(t *testing.T) {
	s := loadCounty(t, counties[0])
	r := s.Premises.At(3)
	p, err := s.Premises.Prove(r.ID)
	require.NoError(t, err)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	require.Contains(t, string(b), `"index":3,"size":56,"path":["`)
	var q Proof
	require.NoError(t, json.Unmarshal(b, &q))
	require.Equal(t, p, q)
	require.NoError(t, VerifyProof(s.Premises.Root(), r, q))

	// A one-row table has an empty path, written as [].
	one, err := NewTable(KindPremises, []Row{r}, Options{})
	require.NoError(t, err)
	p1, err := one.Prove(r.ID)
	require.NoError(t, err)
	b, err = json.Marshal(p1)
	require.NoError(t, err)
	require.Equal(t, `{"index":0,"size":1,"path":[]}`, string(b))

	for _, bad := range []string{
		`{"index":0,"size":1}`,
		`{"index":0,"size":1,"path":[],"extra":1}`,
		`{"index":0,"size":1,"path":["00"]}`,
	} {
		require.Error(t, json.Unmarshal([]byte(bad), &q), bad)
	}
}
