package publish

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// TimeForms lists, for error messages and help texts, the forms of a time
// that [ParseTime] accepts.
const TimeForms = `2026-11-22 09:00, 2026-11-22 09:00:00, 2026-11-22T09:00, 2026/11/22 09:00 (China Standard Time) or RFC 3339 such as 2026-11-22T09:00:00+08:00`

// ErrTimeForm reports a time written in none of the forms of [ParseTime].
var ErrTimeForm = errors.New("not a time in an accepted form")

// TimeError reports a time [ParseTime] could not read: Value is the text
// as given.
type TimeError struct {
	Value string
	Err   error
}

func (e *TimeError) Error() string {
	return fmt.Sprintf("time %q: %v (write it like %s)", e.Value, e.Err, TimeForms)
}

func (e *TimeError) Unwrap() error { return e.Err }

// ParseTime reads a time as people write it. The accepted forms are
//
//	DATE SEP CLOCK [OFFSET]
//
// where DATE is YYYY-MM-DD or YYYY/MM/DD (with '/', month and day may have
// one digit, as Excel writes them: 2026/1/5), SEP is one space or 'T',
// CLOCK is HH:MM or HH:MM:SS with an optional fraction of a second
// (HH:MM:SS.fff), and OFFSET is "Z" or ±HH:MM. A time without an offset is
// China Standard Time (+08:00, [Zone]); RFC 3339 is the form with 'T' and
// an offset. Leading and trailing white space is ignored. A date alone, a
// 24:00 clock, a day that does not exist, or anything else is a
// *TimeError wrapping [ErrTimeForm] that names the value and shows the
// accepted forms.
//
// The time returned is in [Zone], so that it prints with +08:00 whatever
// offset was written; the instant is the one written.
func ParseTime(s string) (time.Time, error) {
	t, err := parseTime(strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, &TimeError{Value: s, Err: fmt.Errorf("%w: %v", ErrTimeForm, err)}
	}
	return t.In(Zone), nil
}

func parseTime(s string) (time.Time, error) {
	i := strings.IndexAny(s, " T")
	if i < 0 {
		if _, _, _, ok := parseDay(s); ok {
			return time.Time{}, errors.New("a date without a time of day")
		}
		return time.Time{}, errors.New("want a date and a time of day")
	}
	y, mo, d, ok := parseDay(s[:i])
	if !ok {
		return time.Time{}, fmt.Errorf("date %q: want YYYY-MM-DD or YYYY/MM/DD", s[:i])
	}
	rest := s[i+1:]
	loc := Zone
	if strings.HasSuffix(rest, "Z") {
		rest, loc = rest[:len(rest)-1], time.UTC
	} else if j := strings.LastIndexAny(rest, "+-"); j >= 0 {
		off, ok := parseOffset(rest[j:])
		if !ok {
			return time.Time{}, fmt.Errorf("offset %q: want Z or ±HH:MM", rest[j:])
		}
		rest, loc = strings.TrimRight(rest[:j], " "), time.FixedZone("", off)
	}
	h, mi, sec, nsec, ok := parseClock(rest)
	if !ok {
		return time.Time{}, fmt.Errorf("time of day %q: want HH:MM or HH:MM:SS", rest)
	}
	t := time.Date(y, time.Month(mo), d, h, mi, sec, nsec, loc)
	if t.Day() != d || int(t.Month()) != mo {
		return time.Time{}, fmt.Errorf("day %04d-%02d-%02d does not exist", y, mo, d)
	}
	return t, nil
}

// parseDay reads YYYY-MM-DD, or YYYY/M/D with one or two digits for
// month and day.
func parseDay(s string) (y, m, d int, ok bool) {
	sep := "-"
	if strings.Contains(s, "/") {
		sep = "/"
	}
	f := strings.Split(s, sep)
	if len(f) != 3 || len(f[0]) != 4 {
		return 0, 0, 0, false
	}
	if sep == "-" && (len(f[1]) != 2 || len(f[2]) != 2) {
		return 0, 0, 0, false
	}
	if sep == "/" && (len(f[1]) < 1 || len(f[1]) > 2 || len(f[2]) < 1 || len(f[2]) > 2) {
		return 0, 0, 0, false
	}
	y, ok1 := atoiDigits(f[0])
	m, ok2 := atoiDigits(f[1])
	d, ok3 := atoiDigits(f[2])
	if !ok1 || !ok2 || !ok3 || y < 1 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// parseClock reads HH:MM, HH:MM:SS or HH:MM:SS.fraction (1 to 9 digits).
func parseClock(s string) (h, m, sec, nsec int, ok bool) {
	frac := ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s, frac = s[:i], s[i+1:]
		if len(frac) < 1 || len(frac) > 9 {
			return 0, 0, 0, 0, false
		}
	}
	f := strings.Split(s, ":")
	if len(f) < 2 || len(f) > 3 || (frac != "" && len(f) != 3) {
		return 0, 0, 0, 0, false
	}
	for _, p := range f {
		if len(p) != 2 {
			return 0, 0, 0, 0, false
		}
	}
	var ok1, ok2, ok3, ok4 bool
	h, ok1 = atoiDigits(f[0])
	m, ok2 = atoiDigits(f[1])
	ok3, ok4 = true, true
	if len(f) == 3 {
		sec, ok3 = atoiDigits(f[2])
	}
	if frac != "" {
		var n int
		n, ok4 = atoiDigits(frac)
		nsec = n
		for i := len(frac); i < 9; i++ {
			nsec *= 10
		}
	}
	if !ok1 || !ok2 || !ok3 || !ok4 || h > 23 || m > 59 || sec > 59 {
		return 0, 0, 0, 0, false
	}
	return h, m, sec, nsec, true
}

// parseOffset reads +HH:MM or -HH:MM.
func parseOffset(s string) (int, bool) {
	if len(s) != 6 || s[3] != ':' {
		return 0, false
	}
	h, ok1 := atoiDigits(s[1:3])
	m, ok2 := atoiDigits(s[4:6])
	if !ok1 || !ok2 || h > 23 || m > 59 {
		return 0, false
	}
	off := (h*60 + m) * 60
	if s[0] == '-' {
		off = -off
	}
	return off, true
}

// digits reads a non-empty string of ASCII digits.
func atoiDigits(s string) (int, bool) {
	if s == "" {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// FormatTime writes t as RFC 3339 in China Standard Time, to the second
// (with the fraction only when there is one): "2026-11-22T09:00:00+08:00".
// It is the form records keep and the form commands echo.
func FormatTime(t time.Time) string { return t.In(Zone).Format(time.RFC3339Nano) }

// ParseCeremony reads the "WHEN, WHERE" of a dice ceremony as people
// write it: the time in a form of [ParseTime], a comma (',' or the
// full-width '，'), the place. It returns the instant and the place, both
// trimmed; the "when" to record is FormatTime(when). An error names the
// value and says what is missing.
func ParseCeremony(s string) (when time.Time, where string, err error) {
	i := strings.IndexAny(s, ",，")
	if i < 0 {
		return time.Time{}, "", fmt.Errorf("ceremony %q: want \"WHEN, WHERE\" (a time, a comma ',' or '，', the place), e.g. \"2026-11-22 09:00, 三楼会议室\"", s)
	}
	w := strings.TrimSpace(s[:i])
	_, size := firstRune(s[i:])
	where = strings.TrimSpace(s[i+size:])
	if where == "" {
		return time.Time{}, "", fmt.Errorf("ceremony %q: no place after the comma, e.g. \"2026-11-22 09:00, 三楼会议室\"", s)
	}
	when, err = ParseTime(w)
	if err != nil {
		return time.Time{}, "", fmt.Errorf("ceremony %q: %w", s, err)
	}
	return when, where, nil
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}
