package publish

import (
	"errors"
	"testing"

	"github.com/doublerandom/doublerandom/roster"

	"github.com/stretchr/testify/require"
)

func day(t testing.TB, s string) Date {
	t.Helper()
	d, err := roster.ParseDate(s)
	require.NoError(t, err)
	return d
}

func load2026(t testing.TB) *HolidayCalendar {
	t.Helper()
	c, err := LoadCalendar("testdata/cn-holidays-2026.csv")
	require.NoError(t, err)
	return c
}

func TestHolidayCalendar2026(t *testing.T) {
	c := load2026(t)
	first, last := c.Span()
	require.Equal(t, "2026-01-01", first.String())
	require.Equal(t, "2026-12-31", last.String())
	for s, want := range map[string]bool{
		"2026-10-01": false, // 国庆节, Thursday
		"2026-10-07": false, // 国庆节, Wednesday
		"2026-10-08": true,  // Thursday after
		"2026-10-10": true,  // Saturday, 国庆节调休: a working day
		"2026-10-11": false, // Sunday
		"2026-09-20": true,  // Sunday, 国庆节调休
		"2026-02-14": true,  // Saturday, 春节调休
		"2026-02-23": false, // Monday, 春节
		"2026-11-23": true,  // ordinary Monday
		"2026-11-22": false, // ordinary Sunday
	} {
		got, err := c.IsWorkingDay(day(t, s))
		require.NoError(t, err)
		require.Equal(t, want, got, s)
	}
	e, ok := c.Day(day(t, "2026-10-10"))
	require.True(t, ok)
	require.Equal(t, Day{day(t, "2026-10-10"), Workday, "国庆节调休"}, e)

	_, err := c.IsWorkingDay(day(t, "2027-01-04"))
	require.ErrorIs(t, err, ErrOutOfRange)
	_, err = ResultsDue(c, day(t, "2026-12-20"))
	require.ErrorIs(t, err, ErrOutOfRange)
}

func TestResultsDue(t *testing.T) {
	c := load2026(t)
	for _, tc := range []struct {
		cal             Calendar
		inspected, want string
	}{
		// Across 国庆节, with the 调休 Saturday 10-10 counting.
		{c, "2026-09-28", "2026-10-30"},
		{WeekendCalendar{}, "2026-09-28", "2026-10-26"},
		// Across 春节, with the 调休 Saturdays 02-14 and 02-28 counting.
		{c, "2026-02-13", "2026-03-19"},
		// Inspected on a holiday: counting starts the next day.
		{c, "2026-10-03", "2026-11-03"},
	} {
		got, err := ResultsDue(tc.cal, day(t, tc.inspected))
		require.NoError(t, err)
		require.Equal(t, tc.want, got.String(), "%T %s", tc.cal, tc.inspected)
		n, err := WorkingDaysBetween(tc.cal, day(t, tc.inspected), got)
		require.NoError(t, err)
		require.Equal(t, ResultsDueWorkingDays, n)
	}
}

func TestWorkingDaysInverse(t *testing.T) {
	c := load2026(t)
	start := day(t, "2026-03-01")
	for i := 0; i < 200; i += 3 {
		from := start.AddDays(i)
		for _, n := range []int{-25, -1, 0, 1, 7, 20} {
			to, err := AddWorkingDays(c, from, n)
			require.NoError(t, err)
			if n != 0 {
				ok, _ := c.IsWorkingDay(to)
				require.True(t, ok)
			}
			got, err := WorkingDaysBetween(c, from, to)
			require.NoError(t, err)
			if n != 0 || func() bool { ok, _ := c.IsWorkingDay(from); return ok }() {
				require.Equal(t, n, got, "%s %+d = %s", from, n, to)
			}
		}
	}
	_, err := AddWorkingDays(WeekendCalendar{}, start, MaxWorkingDays+1)
	require.Error(t, err)
}

func TestParseCalendarErrors(t *testing.T) {
	cases := []struct {
		name, data, field string
		line              int
	}{
		{"no header", "2026-10-01,holiday,国庆节\n", "line", 1},
		{"bad date", "date,kind,name\n2026-10-32,holiday,x\n", "date", 2},
		{"bad kind", "date,kind,name\n2026-10-01,Holiday,x\n", "kind", 2},
		{"weekday workday", "date,kind,name\n2026-10-12,workday,x\n", "kind", 2},
		{"too many fields", "# c\ndate,kind,name\n2026-10-01,holiday,a,b\n", "line", 3},
		{"quoted name", "date,kind,name\n2026-10-01,holiday,\"a\"\n", "name", 2},
		{"empty name", "date,kind,name\n2026-10-01,holiday,\n", "name", 2},
		{"space name", "date,kind,name\n2026-10-01,holiday, a\n", "name", 2},
		{"not ascending", "date,kind,name\n2026-10-02,holiday,a\n2026-10-01,holiday,a\n", "date", 3},
		{"duplicate", "date,kind,name\n2026-10-02,holiday,a\n2026-10-02,holiday,a\n", "date", 3},
		{"control", "date,kind,name\n2026-10-02,holiday,a\tb\n", "line", 2},
		{"empty", "date,kind,name\n", "", 0},
	}
	for _, c := range cases {
		_, err := ParseCalendar("cal.csv", []byte(c.data))
		var ce *CalendarError
		require.ErrorAs(t, err, &ce, c.name)
		require.ErrorIs(t, err, ErrMalformed, c.name)
		require.Equal(t, "cal.csv", ce.File)
		require.Equal(t, c.field, ce.Field, "%s: %v", c.name, err)
		require.Equal(t, c.line, ce.Line, "%s: %v", c.name, err)
	}
	// All errors are reported, not just the first.
	_, err := ParseCalendar("cal.csv", []byte("date,kind,name\nx,holiday,a\ny,holiday,b\n"))
	var joined interface{ Unwrap() []error }
	require.True(t, errors.As(err, &joined))
	require.Len(t, joined.Unwrap(), 2)
	// BOM and CRLF are accepted.
	c, err := ParseCalendar("cal.csv", []byte("\ufeffdate,kind,name\r\n2026-10-10,workday,国庆节调休\r\n"))
	require.NoError(t, err)
	ok, err := c.IsWorkingDay(day(t, "2026-10-10"))
	require.NoError(t, err)
	require.True(t, ok)
	_, err = LoadCalendar("testdata/missing.csv")
	var ce *CalendarError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, "testdata/missing.csv", ce.File)
}
