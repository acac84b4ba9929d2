package publish

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLineDiff(t *testing.T) {
	a := strings.Split("{\n \"a\": 1,\n \"b\": 2,\n \"c\": 3,\n \"d\": 4\n}", "\n")
	b := strings.Split("{\n \"a\": 1,\n \"b\": 5,\n \"c\": 3,\n \"d\": 4\n}", "\n")
	require.Equal(t, "@@ line 1 @@\n  {\n   \"a\": 1,\n-  \"b\": 2,\n+  \"b\": 5,\n   \"c\": 3,\n   \"d\": 4\n", lineDiff(a, b))
	require.Empty(t, lineDiff(a, a))
	// An inserted line.
	c := append(append([]string{}, a[:2]...), append([]string{` "x": 0,`}, a[2:]...)...)
	require.Contains(t, lineDiff(a, c), "\n+  \"x\": 0,\n")
	require.NotContains(t, lineDiff(a, c), "\n- ")
	// Long differences are cut.
	var long1, long2 []string
	for i := range 1000 {
		long1 = append(long1, strings.Repeat("a", i%7))
		long2 = append(long2, strings.Repeat("b", i%5))
	}
	d := lineDiff(long1, long2)
	require.Contains(t, d, "more lines")
	require.LessOrEqual(t, strings.Count(d, "\n"), diffMaxLines+2)
}
