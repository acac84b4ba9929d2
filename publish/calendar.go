package publish

import (
	"github.com/doublerandom/doublerandom/roster"

	"bytes"
	"errors"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// Date is a calendar day; it is [roster.Date], so that dates read from
// the tables and dates on the calendar are one type.
type Date = roster.Date

// Calendar says which days are working days (工作日), for deadlines
// counted in working days.
type Calendar interface {
	// IsWorkingDay reports whether d is a working day. It returns an
	// error matching ErrOutOfRange when the calendar does not know d.
	IsWorkingDay(d Date) (bool, error)
}

// WeekendCalendar is the calendar whose working days are Monday to Friday,
// every year, with no holidays.
type WeekendCalendar struct{}

// IsWorkingDay reports whether d is Monday to Friday.
func (WeekendCalendar) IsWorkingDay(d Date) (bool, error) {
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// DayKind says how a [HolidayCalendar] entry changes a day.
type DayKind string

const (
	// Holiday is a day off (放假), even on a weekday.
	Holiday DayKind = "holiday"
	// Workday is a working day on a weekend (调休上班).
	Workday DayKind = "workday"
)

// Day is one entry of a [HolidayCalendar].
type Day struct {
	Date Date
	Kind DayKind
	Name string // e.g. 国庆节, 国庆节调休
}

// HolidayCalendar is a Monday-to-Friday calendar adjusted by a list of
// holidays and of weekend days that are working days (China moves
// weekends around public holidays: 调休). It knows whole years: those
// from its file's first entry's year to its last entry's year, or the
// union of the years of the calendars joined with [HolidayCalendar.With];
// it refuses days of other years ([ErrOutOfRange]). [Official] returns
// the State Council's schedules built into the package.
//
// Its file format (see [ParseCalendar]) is UTF-8 text, one entry a line:
//
//	# 2026 schedule, source: ...
//	date,kind,name
//	2026-10-01,holiday,国庆节
//	2026-10-10,workday,国庆节调休
type HolidayCalendar struct {
	days        map[Date]Day
	years       map[int]bool
	first, last Date
}

// maxCalendarErrors bounds the errors collected from one calendar file.
const maxCalendarErrors = 20

// LoadCalendar reads a calendar file; see [ParseCalendar].
func LoadCalendar(file string) (*HolidayCalendar, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, &CalendarError{File: file, Err: err}
	}
	return ParseCalendar(file, data)
}

// ParseCalendar parses calendar data; file names it in errors. The rules:
// UTF-8, optionally starting with a byte order mark, lines ending in LF or
// CRLF; lines starting with '#' are comments and empty lines are skipped;
// the first other line is the header "date,kind,name"; then one entry a
// line, "YYYY-MM-DD,KIND,NAME" with KIND "holiday" or "workday", NAME 1 to
// 100 bytes with no comma, quote or control character and no leading or
// trailing space. Dates are strictly ascending. A workday must fall on a
// Saturday or Sunday (a weekday is a working day already). The entries
// must cover at least one year; the calendar then knows every day from 1
// January of the first entry's year to 31 December of the last's.
//
// All problems (up to 20) are reported, each a *CalendarError naming
// file, line and field, joined with [errors.Join].
func ParseCalendar(file string, data []byte) (*HolidayCalendar, error) {
	c := &HolidayCalendar{days: make(map[Date]Day), years: make(map[int]bool)}
	var errs []error
	add := func(line int, field, value string, format string, args ...any) {
		if len(errs) < maxCalendarErrors {
			errs = append(errs, &CalendarError{File: file, Line: line, Field: field, Value: value,
				Err: fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)})
		}
	}
	data = bytes.TrimPrefix(data, []byte("\ufeff"))
	if !utf8.Valid(data) {
		return nil, &CalendarError{File: file, Err: fmt.Errorf("%w: not valid UTF-8", ErrMalformed)}
	}
	var order []Date
	header := false
	lines := strings.Split(string(data), "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	for i, l := range lines {
		line := i + 1
		l = strings.TrimSuffix(l, "\r")
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		if strings.ContainsFunc(l, unicode.IsControl) {
			add(line, "line", l, "control character")
			continue
		}
		if !header {
			if l != "date,kind,name" {
				add(line, "line", l, `want the header "date,kind,name"`)
			}
			header = true
			continue
		}
		f := strings.Split(l, ",")
		if len(f) != 3 {
			add(line, "line", l, "want 3 fields date,kind,name, have %d", len(f))
			continue
		}
		d, err := roster.ParseDate(f[0])
		if err != nil {
			add(line, "date", f[0], "want YYYY-MM-DD")
			continue
		}
		kind := DayKind(f[1])
		if kind != Holiday && kind != Workday {
			add(line, "kind", f[1], `want "holiday" or "workday"`)
			continue
		}
		if err := checkDayName(f[2]); err != nil {
			add(line, "name", f[2], "%v", err)
			continue
		}
		if kind == Workday {
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				add(line, "kind", f[1], "%s is a %s, a working day already", d, wd)
				continue
			}
		}
		if n := len(order); n > 0 && d <= order[n-1] {
			add(line, "date", f[0], "dates must be strictly ascending (after %s)", order[n-1])
			continue
		}
		order = append(order, d)
		c.days[d] = Day{Date: d, Kind: kind, Name: f[2]}
	}
	if len(errs) == 0 && len(order) == 0 {
		add(0, "", "", "no entries")
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	fy, _, _ := order[0].Time().Date()
	ly, _, _ := order[len(order)-1].Time().Date()
	for y := fy; y <= ly; y++ {
		c.years[y] = true
	}
	c.span()
	return c, nil
}

// span sets first and last from the years known.
func (c *HolidayCalendar) span() {
	fy, ly := 0, 0
	for y := range c.years {
		if fy == 0 || y < fy {
			fy = y
		}
		if y > ly {
			ly = y
		}
	}
	c.first = roster.DateOf(time.Date(fy, time.January, 1, 0, 0, 0, 0, time.UTC))
	c.last = roster.DateOf(time.Date(ly, time.December, 31, 0, 0, 0, 0, time.UTC))
}

// Years returns the years the calendar knows, in order.
func (c *HolidayCalendar) Years() []int {
	out := make([]int, 0, len(c.years))
	for y := range c.years {
		out = append(out, y)
	}
	slices.Sort(out)
	return out
}

// With returns a calendar that knows the years of c and of other, each
// year of other replacing the same year of c (a corrected schedule, or
// next year's once the State Council publishes it). Neither c nor other
// changes.
func (c *HolidayCalendar) With(other *HolidayCalendar) *HolidayCalendar {
	out := &HolidayCalendar{days: make(map[Date]Day), years: make(map[int]bool)}
	for d, e := range c.days {
		if !other.years[d.Time().Year()] {
			out.days[d] = e
		}
	}
	for d, e := range other.days {
		out.days[d] = e
	}
	for y := range c.years {
		out.years[y] = true
	}
	for y := range other.years {
		out.years[y] = true
	}
	out.span()
	return out
}

func checkDayName(s string) error {
	if s == "" || len(s) > 100 {
		return errors.New("want 1 to 100 bytes")
	}
	if strings.ContainsAny(s, "\"'") {
		return errors.New("quotes are not allowed")
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return errors.New("leading or trailing space")
	}
	return nil
}

// Span returns the first day of the first year and the last day of the
// last year the calendar knows (years in between may be unknown after
// [HolidayCalendar.With]: see [HolidayCalendar.Years]).
func (c *HolidayCalendar) Span() (first, last Date) { return c.first, c.last }

// Day returns the entry for d, if there is one.
func (c *HolidayCalendar) Day(d Date) (Day, bool) {
	e, ok := c.days[d]
	return e, ok
}

// IsWorkingDay reports whether d is a working day: a listed workday, or a
// Monday to Friday that is not a listed holiday.
func (c *HolidayCalendar) IsWorkingDay(d Date) (bool, error) {
	if y := d.Time().Year(); !c.years[y] {
		return false, fmt.Errorf("publish: %w: %s: the working-day calendar knows %s, not %d; load the State Council's %d schedule (国务院办公厅关于%d年部分节假日安排的通知) from a calendar file (date,kind,name)",
			ErrOutOfRange, d, yearList(c.Years()), y, y, y)
	}
	if e, ok := c.days[d]; ok {
		return e.Kind == Workday, nil
	}
	return WeekendCalendar{}.IsWorkingDay(d)
}

// MaxWorkingDays bounds the n of [AddWorkingDays] and the span walked by
// [WorkingDaysBetween] (in days), so that a mistaken input cannot loop
// for long.
const MaxWorkingDays = 10000

// AddWorkingDays returns the n-th working day after d (before d when n is
// negative; d itself when n is 0). Whether d is a working day does not
// matter: counting starts on the next day.
func AddWorkingDays(cal Calendar, d Date, n int) (Date, error) {
	if n < -MaxWorkingDays || n > MaxWorkingDays {
		return 0, fmt.Errorf("publish: AddWorkingDays: %d is beyond ±%d", n, MaxWorkingDays)
	}
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	for n > 0 {
		d = d.AddDays(step)
		ok, err := cal.IsWorkingDay(d)
		if err != nil {
			return 0, err
		}
		if ok {
			n--
		}
	}
	return d, nil
}

// WorkingDaysBetween counts the working days after from up to and
// including to. When to is before from it counts those from to up to but
// not including from, negated. Either way, when to is a working day,
// AddWorkingDays(cal, from, WorkingDaysBetween(cal, from, to)) is to.
func WorkingDaysBetween(cal Calendar, from, to Date) (int, error) {
	lo, hi, sign := int64(from)+1, int64(to), 1 // (from, to]
	if to < from {
		lo, hi, sign = int64(to), int64(from)-1, -1 // [to, from)
	}
	if hi-lo > 2*MaxWorkingDays {
		return 0, fmt.Errorf("publish: WorkingDaysBetween: %s..%s is too long a span", from, to)
	}
	n := 0
	for d := lo; d <= hi; d++ {
		ok, err := cal.IsWorkingDay(Date(d))
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return sign * n, nil
}

// ResultsDueWorkingDays is the number of working days after an inspection
// within which its results must be published (抽查检查结果公示).
const ResultsDueWorkingDays = 20

// ResultsDue returns the last day on which the results of an inspection
// made on the day inspected may be published: the 20th working day after
// it.
func ResultsDue(cal Calendar, inspected Date) (Date, error) {
	return AddWorkingDays(cal, inspected, ResultsDueWorkingDays)
}

// yearList writes years as "2025, 2026".
func yearList(ys []int) string {
	if len(ys) == 0 {
		return "no year"
	}
	parts := make([]string, len(ys))
	for i, y := range ys {
		parts[i] = strconv.Itoa(y)
	}
	return strings.Join(parts, ", ")
}
