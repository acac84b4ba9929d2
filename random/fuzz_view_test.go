package random

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"
)

// FuzzParseView checks that ParseView never panics, that what it accepts
// keeps the rules it documents, and that the round trip is stable: the
// canonical bytes (View.Encode) of an accepted view parse again to the
// same view and encode to the same bytes.
//
// "Same view" treats an empty list like a nil one: the comparison is of
// meaning, and an empty list of strata or selected premises means the
// same whether it decodes as nil or as an empty slice.
func FuzzParseView(f *testing.F) {
	for _, dir := range []string{"dr1-county-7", "dr1-county-12"} {
		b, err := os.ReadFile(filepath.Join(testdata, dir, "expected-view.json"))
		require.NoError(f, err)
		f.Add(b)
	}
	// A small view, so that the fuzzer's mutations hit the structure
	// more often than in the long vector views.
	th := Hex64(0x8d220a5a5ab961b6)
	small := &View{Protocol: Protocol,
		Strata: []ViewStratum{{Values: []string{"371727001", "学校"}, Eligible: 3, Quota: 1, Threshold: &th}, {Values: []string{}, NoQuotaRule: true}},
		Selected: []ViewSelection{
			{ID: "91371727B23C6F5DAF", Priority: th, Stratum: []string{"371727001", "学校"}, Mark: MarkRandom, EligibleInspectors: 2, Team: []string{"I2", "I1"}},
			{ID: "X", Stratum: []string{}, Mark: MarkTargeted, Unstaffed: CodeShort},
		}}
	b, err := small.Encode()
	require.NoError(f, err)
	f.Add(b)
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := ParseView(b)
		if err != nil {
			require.Nil(t, v)
			require.True(t, errors.Is(err, ErrBadView), "error kind: %v", err)
			return
		}
		require.Equal(t, Protocol, v.Protocol)
		for i, s := range v.Selected {
			require.NotEmpty(t, s.ID, "selected[%d]", i)
			require.NotZero(t, s.Mark, "selected[%d]", i)
			require.NotNil(t, s.Stratum, "selected[%d]", i)
			require.NotEqual(t, len(s.Team) == 0, s.Unstaffed == "", "selected[%d]: team or unstaffed", i)
		}
		enc, err := v.Encode()
		require.NoError(t, err)
		require.Equal(t, string(encodeViewReflect(t, v)), string(enc))
		again, err := ParseView(enc)
		require.NoError(t, err, "the encoding of an accepted view is refused:\n%s", enc)
		if diff := cmp.Diff(v, again, cmpopts.EquateEmpty()); diff != "" {
			t.Fatalf("round trip changed the view (-parsed +re-parsed):\n%s", diff)
		}
		enc2, err := again.Encode()
		require.NoError(t, err)
		require.Equal(t, string(enc), string(enc2))
	})
}
