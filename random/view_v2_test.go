package random

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestViewV2RoundTrip: every expected view parses and encodes back to
// its bytes.
func TestViewV2RoundTrip(t *testing.T) {
	for _, v := range countyV2Vectors(t) {
		b, err := os.ReadFile(filepath.Join(testdataV2, v.dir, v.view))
		require.NoError(t, err)
		view, err := ParseViewV2(b)
		require.NoError(t, err)
		got, err := view.Encode()
		require.NoError(t, err)
		require.Equal(t, string(b), string(got))
	}
}

func TestParseViewV2Errors(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testdataV2, "dr2-county-c", "expected-view.json"))
	require.NoError(t, err)
	base := string(b)
	for _, c := range []struct{ name, old, new, field, contains string }{
		{"unknown field", `"shortfall": 0,`, `"shortfall": 0, "extra": 1,`, "tasks[0].extra", "unknown field"},
		{"missing field", `"shortfall": 0,`, ``, "tasks[0].shortfall", "missing"},
		{"case", `"pool": 6`, `"Pool": 6`, "tasks[0].Pool", "case-sensitive"},
		{"protocol", `"protocol": "doublerandom/v2"`, `"protocol": "doublerandom/v1"`, "protocol", "want"},
		{"short priority", `"priority": "7e3efb3b49f37518"`, `"priority": "7e3efb3b49f3751"`, "", "16 hex"},
		{"bad mark", `"mark": "targeted"`, `"mark": "chosen"`, "", "unknown mark"},
		{"both null", `"unstaffed": "none_eligible"`, `"unstaffed": null`, "", "exactly one"},
		{"bad code", `"unstaffed": "none_eligible"`, `"unstaffed": "nobody"`, "", "unknown unstaffed code"},
		{"negative count", `"pool": 6`, `"pool": -6`, "tasks[0].pool", "whole number"},
		{"repeated key", `"pool": 6,`, `"pool": 6, "pool": 6,`, "tasks[0].pool", "repeated"},
		{"null values", `"values": [],`, `"values": null,`, "tasks[0].groups[0].values", "list of strings"},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Contains(t, base, c.old)
			_, err := ParseViewV2([]byte(strings.Replace(base, c.old, c.new, 1)))
			require.ErrorIs(t, err, ErrBadView)
			var ve *ViewError
			require.ErrorAs(t, err, &ve)
			if c.field != "" {
				require.Equal(t, c.field, ve.Field, "%v", err)
			}
			require.Contains(t, err.Error(), c.contains)
		})
	}
}

// FuzzParseViewV2 checks that ParseViewV2 never panics and that what it
// accepts encodes to bytes it accepts again, to the same view.
func FuzzParseViewV2(f *testing.F) {
	for _, v := range countyV2Vectors(f) {
		b, err := os.ReadFile(filepath.Join(testdataV2, v.dir, v.view))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		v, err := ParseViewV2(b)
		if err != nil {
			require.ErrorIs(t, err, ErrBadView)
			return
		}
		enc, err := v.Encode()
		require.NoError(t, err)
		again, err := ParseViewV2(enc)
		require.NoError(t, err)
		require.Equal(t, v, again)
	})
}
