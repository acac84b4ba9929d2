package publish

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestParseTime(t *testing.T) {
	want := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC) // 09:00 in China
	for _, s := range []string{
		"2026-11-22 09:00",
		"2026-11-22 09:00:00",
		"2026-11-22T09:00",
		"2026-11-22T09:00:00",
		"2026/11/22 09:00",
		"2026/11/22 09:00:00",
		"2026-11-22T09:00:00+08:00",
		"2026-11-22T01:00:00Z",
		"2026-11-21T20:00:00-05:00",
		"2026-11-22 09:00:00 +08:00",
		"  2026-11-22 09:00\t",
	} {
		got, err := ParseTime(s)
		require.NoError(t, err, s)
		require.True(t, got.Equal(want), "%s: %s", s, got)
		require.Equal(t, "2026-11-22T09:00:00+08:00", FormatTime(got), s)
		_, off := got.Zone()
		require.Equal(t, 8*3600, off, s)
	}
	_, err := ParseTime("2026/1/5 8:30")
	require.Error(t, err) // the hour needs two digits
	got, err := ParseTime("2026/1/5 08:30")
	require.NoError(t, err)
	require.Equal(t, "2026-01-05T08:30:00+08:00", FormatTime(got))
	got, err = ParseTime("2026-11-22T09:00:00.250+08:00")
	require.NoError(t, err)
	require.Equal(t, "2026-11-22T09:00:00.25+08:00", FormatTime(got))

	for _, s := range []string{
		"", "tomorrow", "2026-11-22", "2026/11/22", "09:00", "2026-11-22 9:00", "2026-11-22 24:00",
		"2026-02-30 09:00", "2026-11-22 09:60", "2026-1-22 09:00", "26-11-22 09:00", "2026-11-22 09:00+8",
		"2026-11-22 09:00:00.", "2026-11-22 09:00.5", "2026-11-22  09:00", "２０２６-11-22 09:00",
		"2026-11-22 09:00 CST", "2026-11-22T09:00:00+24:00",
	} {
		_, err := ParseTime(s)
		var te *TimeError
		require.ErrorAs(t, err, &te, "%q", s)
		require.ErrorIs(t, err, ErrTimeForm, "%q", s)
		require.Equal(t, s, te.Value)
		require.Contains(t, err.Error(), "2026-11-22 09:00", "%q: the error shows an accepted form", s)
		require.Contains(t, err.Error(), "RFC 3339", "%q", s)
	}
	_, err = ParseTime("2026-11-22")
	require.ErrorContains(t, err, "a date without a time of day")
}

func TestParseCeremony(t *testing.T) {
	want := time.Date(2026, 11, 22, 1, 0, 0, 0, time.UTC)
	for _, s := range []string{
		"2026-11-22 09:00, 三楼会议室",
		"2026-11-22 09:00，三楼会议室",
		"2026-11-22 09:00 ， 三楼会议室 ",
		"2026-11-22T09:00:00+08:00,三楼会议室",
	} {
		when, where, err := ParseCeremony(s)
		require.NoError(t, err, s)
		require.True(t, when.Equal(want), s)
		require.Equal(t, "三楼会议室", where, s)
		require.Equal(t, "2026-11-22T09:00:00+08:00", FormatTime(when))
	}
	// The place may itself hold commas: only the first one separates.
	_, where, err := ParseCeremony("2026-11-22 09:00, 县局，三楼会议室")
	require.NoError(t, err)
	require.Equal(t, "县局，三楼会议室", where)

	for s, msg := range map[string]string{
		"2026-11-22 09:00 三楼会议室": `want "WHEN, WHERE"`,
		"2026-11-22 09:00，":      "no place after the comma",
		"明天上午，三楼会议室":             `time "明天上午"`,
		"2026-11-22，三楼会议室":       "a date without a time of day",
	} {
		_, _, err := ParseCeremony(s)
		require.ErrorContains(t, err, msg, s)
		require.ErrorContains(t, err, s, "the error names the value")
	}
}

func TestCeremonyTime(t *testing.T) {
	// The form of existing ledgers reads as before.
	a, err := CeremonyTime("2026-11-22T09:30:00+08:00")
	require.NoError(t, err)
	b, err := CeremonyTime("2026-11-22 09:30")
	require.NoError(t, err)
	require.True(t, a.Equal(b))
	_, err = CeremonyTime("tomorrow")
	require.ErrorContains(t, err, `ceremony time "tomorrow"`)
	require.ErrorContains(t, err, "RFC 3339")
}
