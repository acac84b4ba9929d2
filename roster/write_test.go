package roster

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteCSVRoundTrip(t *testing.T) {
	for _, name := range counties {
		s := loadCounty(t, name)
		for _, k := range Kinds {
			tab := s.Table(k)
			var first bytes.Buffer
			require.NoError(t, WriteCSV(&first, tab))
			back, err := ReadCSV(bytes.NewReader(first.Bytes()), k, Options{})
			require.NoError(t, err)
			require.Equal(t, tab.Root(), back.Root(), "%s %s", name, k)
			var second bytes.Buffer
			require.NoError(t, WriteCSV(&second, back))
			require.Equal(t, first.String(), second.String())

			var jl bytes.Buffer
			require.NoError(t, WriteJSONL(&jl, tab))
			back, err = ReadJSONL(bytes.NewReader(jl.Bytes()), k, Options{})
			require.NoError(t, err)
			require.Equal(t, tab.Root(), back.Root())
			var jl2 bytes.Buffer
			require.NoError(t, WriteJSONL(&jl2, back))
			require.Equal(t, jl.String(), jl2.String())
		}
	}
}

func TestWriteCanonical(t *testing.T) {
	rows := []Row{
		{ID: "b", Attrs: []Attr{{"specialties", "z;a;a"}, {"name", `say "hi", ok`}}},
		{ID: "a", Attrs: []Attr{{"capacity", "2"}}},
		{ID: "c", Attrs: []Attr{{"name", " lead space"}, {"name2", `back\slash 中`}}},
	}
	for i := range rows {
		sortAttrs(rows[i].Attrs)
	}
	tab, err := NewTable(KindInspectors, rows, Options{})
	require.NoError(t, err)
	var b bytes.Buffer
	require.NoError(t, WriteCSV(&b, tab))
	require.Equal(t, "id,capacity,name,name2,specialties\n"+
		"a,2,,,\n"+
		"b,,\"say \"\"hi\"\", ok\",,a;z\n"+
		"c,,\" lead space\",back\\slash 中,\n", b.String())
	b.Reset()
	require.NoError(t, WriteJSONL(&b, tab))
	require.Equal(t, `{"id":"a","capacity":"2"}`+"\n"+
		`{"id":"b","name":"say \"hi\", ok","specialties":"a;z"}`+"\n"+
		`{"id":"c","name":" lead space","name2":"back\\slash 中"}`+"\n", b.String())

	empty, err := NewTable(KindHistory, nil, Options{})
	require.NoError(t, err)
	b.Reset()
	require.NoError(t, WriteCSV(&b, empty))
	require.Equal(t, "id\n", b.String())
	back, err := ReadCSV(&b, KindHistory, Options{})
	require.NoError(t, err)
	require.Equal(t, EmptyRoot, back.Root())
}

func TestStreamRoot(t *testing.T) {
	s := loadCounty(t, "dr1-county-12")
	var b bytes.Buffer
	require.NoError(t, WriteCSV(&b, s.History))
	root, n, err := StreamRoot(ScanCSV(bytes.NewReader(b.Bytes()), KindHistory, Options{}), Options{})
	require.NoError(t, err)
	require.Equal(t, s.History.Root(), root)
	require.Equal(t, s.History.Len(), n)

	tests := []struct {
		name string
		csv  string
		want want
	}{
		{"out of order", "id,name\nA,x\nC,x\nB,x\n", want{ErrOrder, 4, 0, "id", "B"}},
		{"repeated id", "id,name\nA,x\nB,x\nB,y\n", want{ErrDuplicateID, 4, 0, "id", "B"}},
		{"bad row", "id,name\nA,x\n,x\nB,y\n", want{ErrBadName, 3, 1, "id", ""}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := Options{File: "big.csv"}
			_, _, err := StreamRoot(ScanCSV(strings.NewReader(tt.csv), KindPremises, opt), opt)
			requireOne(t, err, "big.csv", tt.want)
		})
	}
	// The first order error ends the stream.
	opt := Options{File: "big.csv"}
	_, _, err = StreamRoot(ScanCSV(strings.NewReader("id\nB\nA\n,\n"), KindPremises, opt), opt)
	var l *ErrorList
	require.True(t, errors.As(err, &l))
	require.Len(t, l.Errs, 1)
}
