package publish

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// noDuplicateKeys may say yes only when the token check finds no
// repeated key, and must say no to every repeated key.
func TestNoDuplicateKeysAgreesWithTokens(t *testing.T) {
	cases := []string{
		`{}`, `[]`, `{"a":1,"b":2}`, `{"a":1,"a":2}`, `{"a":{"a":1},"b":[{"a":1,"a":2}]}`,
		`{"a":"x\"y","b":"\\"}`, `{"a\u0062":1,"ab":2}`, `{"a":1,"b":{"c":[1,2,{"c":3}]},"c":null}`,
		`{"a":1 "b":2}`, `{"a":1,}`, `{"a"}`, `{"a":1}}`, `{"a":[1,2}`, `{"a":true,"b":false,"c":-1.5e3}`,
		`{"k":1} {"k":1}`, `{"x": "},{\"x\":1"}`, ` { "a" : [ ] , "a" : { } } `, `"s"`, `12`, ``,
	}
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		cases = append(cases, randomJSON(r, 0))
	}
	quick := 0
	for _, c := range cases {
		slow := duplicateKeyTokens([]byte(c))
		if noDuplicateKeys([]byte(c)) {
			require.NoError(t, slow, c)
			quick++
		}
		require.Equal(t, slow, checkDuplicateKeys([]byte(c)), c)
	}
	require.Greater(t, quick, len(cases)/2)
	require.True(t, noDuplicateKeys([]byte(`{"a":1,"b":[{"a":1,"b":2}],"c":"\\"}`)))
	require.False(t, noDuplicateKeys([]byte(`{"a":1,"b":2,"a":3}`)))
}

// randomJSON writes a small JSON value whose objects draw their keys
// from a few names, so that some repeat.
func randomJSON(r *rand.Rand, depth int) string {
	switch n := r.IntN(6); {
	case depth > 3 || n == 0:
		return []string{`1`, `"v"`, `null`, `true`, `"a\"b"`, `-2.5`}[r.IntN(6)]
	case n < 4:
		var parts []string
		for range r.IntN(4) {
			parts = append(parts, fmt.Sprintf("%q:%s", []string{"a", "b", "c", "d"}[r.IntN(4)], randomJSON(r, depth+1)))
		}
		return "{" + strings.Join(parts, ",") + "}"
	default:
		var parts []string
		for range r.IntN(4) {
			parts = append(parts, randomJSON(r, depth+1))
		}
		return "[" + strings.Join(parts, ", ") + "]"
	}
}
