package random

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// ParseView's quick path (parseCanonicalView) takes canonical views,
// compact or indented, and gives what the full path gives; anything it
// cannot vouch for goes to the full path.
func TestParseViewCanonicalPath(t *testing.T) {
	for _, county := range []string{"dr1-county-7", "dr1-county-12"} {
		b, err := os.ReadFile(filepath.Join("..", "testdata", county, "expected-view.json"))
		require.NoError(t, err)
		var indented bytes.Buffer
		require.NoError(t, json.Indent(&indented, b, "  ", " "))
		for _, text := range [][]byte{b, indented.Bytes()} {
			quick, ok := parseCanonicalView(text)
			require.True(t, ok, county)
			sc := jsonScanner{what: "view", kind: ErrBadView, object: viewObject}
			require.Nil(t, sc.scan(text))
			full, err := parseScannedView(text)
			require.NoError(t, err)
			require.Equal(t, full, quick)
		}
		// Not canonical: the full path decides, with its own errors.
		s := string(b)
		for _, bad := range []string{
			strings.Replace(s, `"protocol"`, `"protocol": "x", "protocol"`, 1), // repeated key
			strings.Replace(s, `"key"`, `"extra": 1, "key"`, 1),                // unknown key
			s + " {}", // data after the view
			strings.Replace(s, `"team"`, `"unstaffed": "short", "team"`, 1), // both
		} {
			_, ok := parseCanonicalView([]byte(bad))
			require.False(t, ok)
			_, err := ParseView([]byte(bad))
			require.Error(t, err)
		}
		// Upper-case hex is a valid view but not canonical: the full
		// path reads it, to the same key.
		at := strings.Index(s, `"key": "`) + len(`"key": "`)
		upper := s[:at] + strings.ToUpper(s[at:at+64]) + s[at+64:]
		_, ok := parseCanonicalView([]byte(upper))
		require.False(t, ok)
		v0, err := ParseView(b)
		require.NoError(t, err)
		v1, err := ParseView([]byte(upper))
		require.NoError(t, err)
		require.Equal(t, v0, v1)
	}
}
