package roster

import (
	"fmt"
	"time"
)

// Date is a calendar day, counted in days since 1970-01-01 in the
// proleptic Gregorian calendar. It has no time zone: the protocol compares
// dates as calendar days. The zero Date is 1970-01-01.
type Date int32

// ParseDate reads a date in the only form the protocol accepts,
// YYYY-MM-DD, and rejects anything else, including days that do not exist
// (2026-02-30).
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrBadDate, s)
	}
	num := func(b string) (int, bool) {
		n := 0
		for i := 0; i < len(b); i++ {
			if b[i] < '0' || b[i] > '9' {
				return 0, false
			}
			n = n*10 + int(b[i]-'0')
		}
		return n, true
	}
	y, ok1 := num(s[0:4])
	m, ok2 := num(s[5:7])
	d, ok3 := num(s[8:10])
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, fmt.Errorf("%w: %q is not YYYY-MM-DD", ErrBadDate, s)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d || int(t.Month()) != m {
		return 0, fmt.Errorf("%w: %q does not exist", ErrBadDate, s)
	}
	return Date(t.Unix() / 86400), nil
}

// MustParseDate is ParseDate for constants in programs and tests; it panics
// on a malformed date and must not be used on input.
func MustParseDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the calendar day of t in t's own location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// Time returns midnight UTC at the start of d.
func (d Date) Time() time.Time { return time.Unix(int64(d)*86400, 0).UTC() }

// AddDays returns the day n days after d (before it when n < 0).
func (d Date) AddDays(n int) Date { return d + Date(n) }

// Weekday returns the day of the week of d.
func (d Date) Weekday() time.Weekday { return d.Time().Weekday() }

// String returns d as YYYY-MM-DD.
func (d Date) String() string { return d.Time().Format("2006-01-02") }

// Within reports whether d falls within the days days up to and including
// ref: ref - days < d <= ref, the protocol's "within D days".
func (d Date) Within(ref Date, days int) bool {
	return int64(ref)-int64(days) < int64(d) && d <= ref
}
