package roster

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// The v2 vectors (testdata/v2/dr2-primitives.json) were made by an
// independent implementation of protocol v2. These tests pin protocol v2
// §1: do not change the expected values.

type primitivesV2 struct {
	PrivateSalt struct {
		Examples []struct {
			SaltKeyHex string `json:"salt_key_hex"`
			Table      string `json:"table"`
			ID         string `json:"id"`
			Name       string `json:"name"`
			Value      string `json:"value"`
			SaltHex    string `json:"salt_hex"`
			DHex       string `json:"D_hex"`
		} `json:"examples"`
	} `json:"private_salt"`
	Leaves []struct {
		Table         string            `json:"table"`
		Private       []string          `json:"private"`
		SaltKeyHex    string            `json:"salt_key_hex"`
		Row           map[string]string `json:"row"`
		PrivateValues map[string]struct {
			SaltHex string `json:"salt_hex"`
			DHex    string `json:"D_hex"`
		} `json:"private_values"`
		LeafHex       string `json:"leaf_hex"`
		LeafPublicHex string `json:"leaf_if_all_public_hex"`
	} `json:"leaves_v2"`
	Roots []struct {
		Table      string   `json:"table"`
		Rows       []string `json:"rows"`
		Private    []string `json:"private"`
		SaltKeyHex string   `json:"salt_key_hex"`
		RootHex    string   `json:"root_hex"`
	} `json:"roots_v2"`
}

func loadPrimitivesV2(t *testing.T) primitivesV2 {
	t.Helper()
	b, err := os.ReadFile("../testdata/v2/dr2-primitives.json")
	require.NoError(t, err)
	var p primitivesV2
	require.NoError(t, json.Unmarshal(b, &p))
	require.NotEmpty(t, p.PrivateSalt.Examples)
	require.NotEmpty(t, p.Leaves)
	require.NotEmpty(t, p.Roots)
	return p
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	require.NoError(t, err)
	return b
}

func TestVectorPrivateSaltV2(t *testing.T) {
	for _, v := range loadPrimitivesV2(t).PrivateSalt.Examples {
		k, err := ParseKind(v.Table)
		require.NoError(t, err)
		salt := PrivateSalt(mustHex(t, v.SaltKeyHex), k, v.ID, v.Name)
		require.Equal(t, v.SaltHex, hex.EncodeToString(salt[:]), "salt of %s %s %s", v.Table, v.ID, v.Name)
		require.Equal(t, v.DHex, PrivateDigest(salt, v.Value).String(), "D of %s %s %s", v.Table, v.ID, v.Name)
	}
}

// v2Row reads a vector row through NewTable under protocol v2, so that
// its lists are canonical.
func v2Row(t *testing.T, k Kind, m map[string]string) Row {
	t.Helper()
	r, err := NewRow(m["id"], m)
	require.NoError(t, err)
	tb, err := NewTable(k, []Row{r}, Options{Protocol: ProtocolV2})
	require.NoError(t, err)
	return tb.At(0)
}

func TestVectorLeavesV2(t *testing.T) {
	for i, v := range loadPrimitivesV2(t).Leaves {
		k, err := ParseKind(v.Table)
		require.NoError(t, err)
		r := v2Row(t, k, v.Row)
		private := Private{k: v.Private}
		c := Commitment{Key: mustHex(t, v.SaltKeyHex)}
		leaf, err := r.AppendLeafV2(nil, k, private, c)
		require.NoError(t, err)
		require.Equal(t, v.LeafHex, hex.EncodeToString(leaf), "leaf %d", i)
		pub, err := r.AppendLeafV2(nil, k, nil, Commitment{})
		require.NoError(t, err)
		require.Equal(t, v.LeafPublicHex, hex.EncodeToString(pub), "all-public leaf %d", i)
		for name, pv := range v.PrivateValues {
			salt := PrivateSalt(c.Key, k, r.ID, name)
			require.Equal(t, pv.SaltHex, hex.EncodeToString(salt[:]), "leaf %d salt of %s", i, name)
			require.Equal(t, pv.DHex, PrivateDigest(salt, r.Get(name)).String(), "leaf %d D of %s", i, name)
		}
		// The published form gives the same leaf.
		tb, err := NewTable(k, []Row{r}, Options{Protocol: ProtocolV2})
		require.NoError(t, err)
		pubTable, err := tb.PublishedV2(private, c)
		require.NoError(t, err)
		leaf2, err := pubTable.At(0).AppendLeafV2(nil, k, private, Commitment{Published: true})
		require.NoError(t, err)
		require.Equal(t, v.LeafHex, hex.EncodeToString(leaf2), "published leaf %d", i)
		for name, pv := range v.PrivateValues {
			require.Equal(t, pv.DHex, pubTable.At(0).Get(name), "published value of %s", name)
		}
	}
}

func TestVectorRootsV2(t *testing.T) {
	p := loadPrimitivesV2(t)
	byID := map[string]Row{}
	for _, v := range p.Leaves {
		if v.Table == "inspectors" {
			byID[v.Row["id"]] = v2Row(t, KindInspectors, v.Row)
		}
	}
	for i, v := range p.Roots {
		k, err := ParseKind(v.Table)
		require.NoError(t, err)
		var rows []Row
		for _, id := range v.Rows {
			r, ok := byID[id]
			require.True(t, ok, id)
			rows = append(rows, r)
		}
		tb, err := NewTable(k, rows, Options{Protocol: ProtocolV2})
		require.NoError(t, err)
		private := Private{k: v.Private}
		c := Commitment{Key: mustHex(t, v.SaltKeyHex)}
		root, err := tb.RootV2(private, c)
		require.NoError(t, err)
		require.Equal(t, v.RootHex, root.String(), "root %d", i)
		pub, err := tb.PublishedV2(private, c)
		require.NoError(t, err)
		root2, err := pub.RootV2(private, Commitment{Published: true})
		require.NoError(t, err)
		require.Equal(t, v.RootHex, root2.String(), "published root %d", i)
		for _, r := range rows {
			proof, err := pub.ProveV2(r.ID, private, Commitment{Published: true})
			require.NoError(t, err)
			require.NoError(t, VerifyProofV2(root, k, r, private, c, proof))
			pr, _ := pub.Lookup(r.ID)
			require.NoError(t, VerifyProofV2(root, k, pr, private, Commitment{Published: true}, proof))
		}
	}
}
