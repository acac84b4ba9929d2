package publish

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStandardOutcomes(t *testing.T) {
	o := Standard()
	all := o.All()
	require.Len(t, all, 10)
	// Do not change: the codes are part of the published results format.
	want := []string{"no_issue", "not_disclosed", "false_disclosure", "unreachable", "corrected",
		"pending", "no_activity", "closed", "obstructed", "referred"}
	for i, x := range all {
		require.Equal(t, want[i], x.Code)
		got, ok := o.Lookup(x.Code)
		require.True(t, ok)
		require.Equal(t, x, got)
		got, ok = o.LookupZh(x.Zh)
		require.True(t, ok)
		require.Equal(t, x, got)
	}
	x, ok := o.Lookup(OutcomeUnreachable)
	require.True(t, ok)
	require.Equal(t, "通过登记的住所（经营场所）无法联系", x.Zh)
	_, ok = o.Lookup("missing")
	require.False(t, ok)

	// Each registry is its own: adding to one does not touch another.
	local := Outcome{Code: "licence_expired", Zh: "许可证已过期", En: "Licence expired"}
	require.NoError(t, o.Add(local))
	_, ok = Standard().Lookup("licence_expired")
	require.False(t, ok)
	got, ok := o.Lookup("licence_expired")
	require.True(t, ok)
	require.Equal(t, local, got)

	var oe *OutcomeError
	require.ErrorIs(t, o.Add(local), ErrExists)
	require.ErrorIs(t, o.Add(Outcome{Code: "other", Zh: "未发现问题", En: "x"}), ErrExists)
	for _, bad := range []Outcome{
		{Code: "", Zh: "a", En: "a"},
		{Code: "No", Zh: "a", En: "a"},
		{Code: "1x", Zh: "a", En: "a"},
		{Code: "a-b", Zh: "a", En: "a"},
		{Code: "ok", Zh: "", En: "a"},
		{Code: "ok", Zh: "a", En: " a"},
		{Code: "ok", Zh: "a\n", En: "a"},
	} {
		err := o.Add(bad)
		require.ErrorAs(t, err, &oe, "%+v", bad)
		require.ErrorIs(t, err, ErrMalformed, "%+v", bad)
	}
	var zero Outcomes
	require.NoError(t, zero.Add(local))
	require.Len(t, zero.All(), 1)
}
