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

func TestOfficialCalendar(t *testing.T) {
	c := Official()
	require.Equal(t, []int{2025, 2026}, c.Years())
	// The embedded 2026 schedule is the one the tests transcribed.
	t26 := load2026(t)
	count := map[int]map[DayKind]int{2025: {}, 2026: {}}
	for d := day(t, "2025-01-01"); d <= day(t, "2026-12-31"); d = d.AddDays(1) {
		e, ok := c.Day(d)
		if ok {
			count[d.Time().Year()][e.Kind]++
		}
		if d.Time().Year() == 2026 {
			e2, ok2 := t26.Day(d)
			require.Equal(t, ok2, ok, d)
			require.Equal(t, e2.Kind, e.Kind, d)
		}
	}
	// 国办发明电〔2024〕12号: 1+8+3+5+3+8 days off, 5 make-up workdays;
	// 国办发明电〔2025〕7号: 3+9+3+5+3+3+7 days off, 6 make-up workdays.
	require.Equal(t, map[DayKind]int{Holiday: 28, Workday: 5}, count[2025])
	require.Equal(t, map[DayKind]int{Holiday: 33, Workday: 6}, count[2026])
	for _, s := range OfficialSchedules() {
		require.Contains(t, s.Title, "部分节假日安排的通知")
		require.Contains(t, s.Number, "国办发明电〔")
		data, err := officialFiles.ReadFile(s.File)
		require.NoError(t, err)
		require.Contains(t, string(data), s.Number, "the file cites its notice")
	}

	for s, want := range map[string]bool{
		"2025-01-26": true,  // Sunday, 春节调休
		"2025-01-28": false, // 除夕, Tuesday
		"2025-02-08": true,  // Saturday, 春节调休
		"2025-04-27": true,  // Sunday, 劳动节调休
		"2025-10-08": false, // Wednesday, 国庆节、中秋节
		"2025-10-11": true,  // Saturday
		"2026-01-02": false, // Friday, 元旦
		"2026-01-04": true,  // Sunday, 元旦调休
		"2026-02-14": true,  // Saturday, 春节调休
		"2026-02-16": false, // Monday, 春节
		"2026-02-28": true,  // Saturday, 春节调休
		"2026-09-20": true,  // Sunday, 国庆节调休
		"2026-10-05": false, // Monday, 国庆节
		"2026-10-10": true,  // Saturday, 国庆节调休
	} {
		got, err := c.IsWorkingDay(day(t, s))
		require.NoError(t, err)
		require.Equal(t, want, got, s)
	}

	for _, tc := range []struct{ inspected, want string }{
		// 2026 National Day: 10-01..10-07 off, Sunday 09-20 and Saturday 10-10
		// worked. From Friday 09-18: 09-20, 09-21..09-24 (5), 09-28..09-30 (8),
		// 10-08, 10-09, 10-10 (11), 10-12..10-16 (16), 10-19..10-22 (20).
		{"2026-09-18", "2026-10-22"},
		{"2026-09-28", "2026-10-30"},
		{"2026-10-03", "2026-11-03"}, // inspected on a holiday
		// Spring Festival 2026: 02-15..02-23 off, Saturdays 02-14 and 02-28
		// worked. From Thursday 02-12: 02-13, 02-14 (2), 02-24..02-27 (6),
		// 02-28 (7), 03-02..03-06 (12), 03-09..03-13 (17), 03-16..03-18 (20).
		{"2026-02-12", "2026-03-18"},
		{"2026-02-13", "2026-03-19"},
		// Across the new year: 2026-01-01..03 off, Sunday 01-04 worked.
		{"2025-12-15", "2026-01-13"},
		// Across Spring Festival 2025 (01-28..02-04 off, 01-26 and 02-08 worked):
		// 01-21..01-24 (4), 01-26, 01-27 (6), 02-05..02-08 (10), 02-10..02-14
		// (15), 02-17..02-21 (20).
		{"2025-01-20", "2025-02-21"},
	} {
		got, err := ResultsDue(c, day(t, tc.inspected))
		require.NoError(t, err)
		require.Equal(t, tc.want, got.String(), tc.inspected)
		n, err := WorkingDaysBetween(c, day(t, tc.inspected), got)
		require.NoError(t, err)
		require.Equal(t, ResultsDueWorkingDays, n)
	}
	// Monday to Friday gets the National Day deadline wrong by a week.
	got, err := ResultsDue(WeekendCalendar{}, day(t, "2026-09-18"))
	require.NoError(t, err)
	require.Equal(t, "2026-10-16", got.String())

	// 2027 is not built in: an explicit error naming the year and the notice.
	_, err = ResultsDue(c, day(t, "2026-12-15"))
	require.ErrorIs(t, err, ErrOutOfRange)
	require.ErrorContains(t, err, "knows 2025, 2026, not 2027")
	require.ErrorContains(t, err, "国务院办公厅关于2027年部分节假日安排的通知")

	// A newer year loaded from a file joins the built-in ones.
	y27, err := ParseCalendar("cn-2027.csv", []byte("date,kind,name\n2027-01-01,holiday,元旦\n"))
	require.NoError(t, err)
	c27 := c.With(y27)
	require.Equal(t, []int{2025, 2026, 2027}, c27.Years())
	due, err := ResultsDue(c27, day(t, "2026-12-15"))
	require.NoError(t, err)
	require.Equal(t, "2027-01-13", due.String()) // 12-16..12-31: 12 days, 01-01 off, 01-04..01-13: 8
	require.Equal(t, []int{2025, 2026}, c.Years(), "With leaves the receiver alone")
	// A year in the file replaces the built-in one.
	fix, err := ParseCalendar("fix.csv", []byte("date,kind,name\n2026-10-09,holiday,test\n"))
	require.NoError(t, err)
	cf := c.With(fix)
	ok, err := cf.IsWorkingDay(day(t, "2026-10-01"))
	require.NoError(t, err)
	require.True(t, ok, "2026 now comes from the file alone")
	ok, _ = cf.IsWorkingDay(day(t, "2026-10-09"))
	require.False(t, ok)
	ok, _ = cf.IsWorkingDay(day(t, "2025-10-01"))
	require.False(t, ok, "2025 unchanged")
	// Years between two known ones stay unknown.
	y28, err := ParseCalendar("cn-2028.csv", []byte("date,kind,name\n2028-01-01,holiday,元旦\n"))
	require.NoError(t, err)
	_, err = c.With(y28).IsWorkingDay(day(t, "2027-06-01"))
	require.ErrorIs(t, err, ErrOutOfRange)
}
