package roster

import (
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func readV2(t *testing.T, k Kind, csv string) (*Table, error) {
	t.Helper()
	return ReadCSV(strings.NewReader(csv), k, Options{File: k.String() + ".csv", Protocol: ProtocolV2})
}

func TestListAttributesV2(t *testing.T) {
	tb, err := readV2(t, KindPremises, "id,matters\nP1,water;school;water\n")
	require.NoError(t, err)
	require.Equal(t, "school;water", tb.At(0).Get("matters"))
	// v1 does not read matters as a list: it is hashed as written.
	v1, err := ReadCSV(strings.NewReader("id,matters\nP1,water;school;water\n"), KindPremises, Options{})
	require.NoError(t, err)
	require.Equal(t, "water;school;water", v1.At(0).Get("matters"))

	h, err := readV2(t, KindHistory, "id,premises,date,matters,inspectors\nH1,P1,2026-01-02,b;a,I2;I1\n")
	require.NoError(t, err)
	require.Equal(t, "a;b", h.At(0).Get("matters"))
	require.Equal(t, "I1;I2", h.At(0).Get("inspectors"))

	for _, c := range []struct {
		kind              Kind
		csv, field, value string
	}{
		{KindPremises, "id,matters\nP1,a;;b\n", "matters", "a;;b"},
		{KindPremises, "id,matters\nP1,;a\n", "matters", ";a"},
		{KindPremises, "id,matters\nP1,a;\n", "matters", "a;"},
		{KindPremises, "id,matters\nP1,a; b\n", "matters", "a; b"},
		{KindHistory, "id,premises,date,matters\nH1,P1,2026-01-02,x ;y\n", "matters", "x ;y"},
		{KindInspectors, "id,specialties\nI1,a;;b\n", "specialties", "a;;b"},
	} {
		_, err := readV2(t, c.kind, c.csv)
		require.Error(t, err, c.csv)
		var re *RowError
		require.True(t, errors.As(err, &re), c.csv)
		require.Equal(t, c.kind.String()+".csv", re.File)
		require.Equal(t, 2, re.Line)
		require.Equal(t, c.field, re.Field)
		require.Equal(t, c.value, re.Value)
		require.ErrorIs(t, err, ErrBadValue)
	}
}

func TestUnknownReferencesV2(t *testing.T) {
	p, err := readV2(t, KindPremises, "id\nP1\nP2\n")
	require.NoError(t, err)
	i, err := readV2(t, KindInspectors, "id\nI1\n")
	require.NoError(t, err)
	c, err := readV2(t, KindConflicts, "inspector,premises\nI1,P1\nI9,P1\nI1,P9\n")
	require.NoError(t, err)
	h, err := readV2(t, KindHistory, "id,premises,date,inspectors\nH1,P1,2026-01-02,I1\nH2,P1,2026-01-02,I1;I9\nH3,P9,2026-01-02,I1\nH4,P2,2026-01-02,\n")
	require.NoError(t, err)
	s, err := NewSetV2(p, i, c, h, Commitment{})
	require.NoError(t, err)
	nc, nh := s.UnknownReferences()
	require.Equal(t, 2, nc)
	require.Equal(t, 2, nh)
	require.Equal(t, []int32{0, 1}, s.Inspections().Of(0)) // H1, H2 of P1
	require.Equal(t, []int32{3}, s.Inspections().Of(1))    // H4 of P2

	// v1 keeps refusing them.
	_, err = NewSet(p, i, c, h)
	require.ErrorIs(t, err, ErrUnknownRef)
	// A v2 set is made of v2 tables.
	p1, err := ReadCSV(strings.NewReader("id\nP1\n"), KindPremises, Options{})
	require.NoError(t, err)
	_, err = NewSetV2(p1, i, nil, nil, Commitment{})
	require.ErrorContains(t, err, "ProtocolV2")
	_, err = p1.RootV2(nil, Commitment{})
	require.ErrorContains(t, err, "ProtocolV2")
}

func TestPublishedFormV2(t *testing.T) {
	in, err := readV2(t, KindInspectors, "id,name,phone,unit\nI2,李四,139,cdc\nI1,张三,138,wsjd\nI3,,,slj\n")
	require.NoError(t, err)
	private := Private{KindInspectors: {"name", "phone"}}
	key := make([]byte, BlindingKeySize)
	key[0] = 7
	c := Commitment{Key: key}
	root, err := in.RootV2(private, c)
	require.NoError(t, err)
	pub, err := in.PublishedV2(private, c)
	require.NoError(t, err)
	require.Len(t, pub.At(0).Get("name"), 64)
	require.Equal(t, "wsjd", pub.At(0).Get("unit"))
	require.Equal(t, "张三", in.At(0).Get("name"), "the full table is not changed")
	root2, err := pub.RootV2(private, Commitment{Published: true})
	require.NoError(t, err)
	require.Equal(t, root, root2)
	// Another blinding key, another root; no private attribute, the
	// v2 root of the public leaves.
	other, err := in.RootV2(private, Commitment{Key: make([]byte, BlindingKeySize)})
	require.NoError(t, err)
	require.NotEqual(t, root, other)
	// A key of the wrong size is refused.
	_, err = in.RootV2(private, Commitment{Key: key[:16]})
	require.ErrorIs(t, err, ErrPrivate)
	// A published table whose private value is not a digest names the row.
	bad, err := readV2(t, KindInspectors, "id,name,unit\nI1,张三,wsjd\n")
	require.NoError(t, err)
	_, err = bad.RootV2(private, Commitment{Published: true})
	var re *RowError
	require.ErrorAs(t, err, &re)
	require.Equal(t, "inspectors.csv", re.File)
	require.Equal(t, 2, re.Line)
	require.Equal(t, "name", re.Field)
	require.Equal(t, "张三", re.Value)
	require.ErrorIs(t, err, ErrPrivate)
	upper, err := readV2(t, KindInspectors, "id,name\nI1,"+strings.Repeat("AB", 32)+"\n")
	require.NoError(t, err)
	_, err = upper.RootV2(private, Commitment{Published: true})
	require.ErrorIs(t, err, ErrPrivate)
	// The set's roots and its published form's roots agree.
	s, err := NewSetV2(nil, in, nil, nil, c)
	require.NoError(t, err)
	roots, err := s.RootsV2(private)
	require.NoError(t, err)
	ps, err := s.PublishedV2(private)
	require.NoError(t, err)
	proots, err := ps.RootsV2(private)
	require.NoError(t, err)
	require.Equal(t, roots, proots)
	require.Equal(t, root, roots.Inspectors)
	require.True(t, ps.Commitment().Published)
}

// The salter used by RootV2 gives PrivateSalt's salts, call after call.
func TestSalterMatchesPrivateSalt(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	var s salter
	for i, id := range []string{"a", "91371727MA1234567X", "b", "a"} {
		for _, name := range []string{"legal_representative", "phone"} {
			require.Equal(t, PrivateSalt(key, KindPremises, id, name), s.salt(key, KindPremises, id, name), "%d %s", i, name)
		}
	}
}
