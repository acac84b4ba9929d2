package roster

import (
	"fmt"
	"math/big"
	"strings"
)

// Dates as agency files write them.
//
// The tables store dates as YYYY-MM-DD (protocol §1), and a table's root
// is computed over that form. CSV and .xlsx files exported from registers
// and spreadsheets write dates in other forms; the date attributes of
// those files (inspectors credential_expires, history date) are read with
// [ParseInputDate] and stored as YYYY-MM-DD, so that a file with
// 2026/11/25 has the same root as one with 2026-11-25. JSON Lines and rows
// built in Go take YYYY-MM-DD only.

// ParseInputDate reads a date in one of the forms agency files use, all
// with the year first and four digits long, so none is ambiguous:
//
//	2026-11-25    2026-1-5      (YYYY-M-D, month and day of 1 or 2 digits)
//	2026/11/25    2026/1/5      (YYYY/M/D, what Excel writes in Chinese locales)
//	2026.11.25                  (YYYY.M.D)
//	2026年11月25日 2026年1月5日
//
// each optionally followed by one space and midnight: "0:00", "00:00",
// "00:00:00" (with or without fractions of a second: "00:00:00.000").
// A time other than midnight is an error (the protocol's dates are
// calendar days), and so are two-digit years, day-first and month-first
// forms (05/11/2026), bare numbers, surrounding spaces and days that do
// not exist. In an .xlsx file, a number in a date attribute's cell is an
// Excel serial date (see [ExcelSerialDate]).
func ParseInputDate(s string) (Date, error) {
	d, err := ParseDate(s)
	if err == nil || canonicalShape(s) {
		return d, err // a day that does not exist, said plainly
	}
	bad := func(why string) (Date, error) {
		return 0, fmt.Errorf("%w: %q %s (dates are read as YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日, optionally with the time 00:00:00)", ErrBadDate, s, why)
	}
	day, clock, hasClock := strings.Cut(s, " ")
	if hasClock {
		if !midnight(clock) {
			if strings.Contains(clock, ":") {
				return 0, fmt.Errorf("%w: %q has a time of day other than midnight (the protocol's dates are calendar days)", ErrBadDate, s)
			}
			return bad("is not a date")
		}
	}
	y, m, dd, ok := splitYMD(day)
	if !ok {
		return bad("is not a date in one of the accepted forms")
	}
	t, err := ParseDate(fmt.Sprintf("%04d-%02d-%02d", y, m, dd))
	if err != nil {
		return 0, fmt.Errorf("%w: %q does not exist", ErrBadDate, s)
	}
	return t, nil
}

// canonicalShape reports whether s is dddd-dd-dd.
func canonicalShape(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < '0' || s[i] > '9') && i != 4 && i != 7 {
			return false
		}
	}
	return true
}

// splitYMD reads YYYY-M-D, YYYY/M/D, YYYY.M.D or YYYY年M月D日.
func splitYMD(s string) (y, m, d int, ok bool) {
	num := func(s string, min, max int) (int, string, bool) {
		n, i := 0, 0
		for i < len(s) && i < max && s[i] >= '0' && s[i] <= '9' {
			n = n*10 + int(s[i]-'0')
			i++
		}
		if i < min {
			return 0, s, false
		}
		return n, s[i:], true
	}
	y, rest, ok := num(s, 4, 4)
	if !ok || rest == "" {
		return 0, 0, 0, false
	}
	var sep1, sep2, end string
	switch {
	case strings.HasPrefix(rest, "年"):
		sep1, sep2, end = "年", "月", "日"
	case rest[0] == '-' || rest[0] == '/' || rest[0] == '.':
		sep1, sep2 = rest[:1], rest[:1]
	default:
		return 0, 0, 0, false
	}
	rest = rest[len(sep1):]
	if m, rest, ok = num(rest, 1, 2); !ok || !strings.HasPrefix(rest, sep2) {
		return 0, 0, 0, false
	}
	rest = rest[len(sep2):]
	if d, rest, ok = num(rest, 1, 2); !ok || rest != end {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// midnight reports whether s is 0:00, 00:00 or 00:00:00, with an optional
// fraction of zeros.
func midnight(s string) bool {
	for _, p := range []string{"00:00:00", "0:00:00", "00:00", "0:00"} {
		rest, ok := strings.CutPrefix(s, p)
		if !ok {
			continue
		}
		if rest == "" {
			return true
		}
		if len(p) >= 7 && len(rest) > 1 && rest[0] == '.' && strings.Trim(rest[1:], "0") == "" {
			return true
		}
	}
	return false
}

// isDateAttr reports whether the named attribute of this table is a date.
func (k Kind) isDateAttr(name string) bool {
	switch k {
	case KindInspectors:
		return name == AttrCredentialExpires
	case KindHistory:
		return name == AttrDate
	}
	return false
}

// Excel serial dates: day 1 is 1900-01-01 in the 1900 date system (which
// counts a 1900-02-29 that never was, day 60) and 1904-01-02 in the 1904
// date system; day 2958465 is 9999-12-31.
const maxExcelSerial = 2958465

var (
	excel1900 = MustParseDate("1899-12-30") // day 0 for serials from 61 on
	excel1904 = MustParseDate("1904-01-01")
)

// ExcelSerialDate returns the day of an Excel serial date given as the
// number's text as the workbook stores it ("46351", "4.6351E4"), and the
// seconds past midnight of its fraction (rounded to the second). date1904
// is the workbook's date system. Serials below 1 (below 0 in the 1904
// system), 60 in the 1900 system (the 1900-02-29 that Excel counts), and
// past 9999-12-31 are errors.
func ExcelSerialDate(text string, date1904 bool) (day Date, seconds int, err error) {
	// plainDecimal bounds the exponent, so that big.Rat never builds a
	// huge number from a short text.
	plain, _, ok := plainDecimal(text)
	if !ok {
		return 0, 0, fmt.Errorf("%w: %q is not a number", ErrBadDate, text)
	}
	r, ok := new(big.Rat).SetString(plain)
	if !ok {
		return 0, 0, fmt.Errorf("%w: %q is not a number", ErrBadDate, text)
	}
	// Whole days and the fraction's seconds, rounded half up.
	secs := new(big.Rat).Mul(r, big.NewRat(86400, 1))
	secs.Add(secs, big.NewRat(1, 2))
	total := new(big.Int).Quo(secs.Num(), secs.Denom()) // floor for positives
	if r.Sign() < 0 {
		return 0, 0, fmt.Errorf("%w: serial date %s is negative", ErrBadDate, text)
	}
	if !total.IsInt64() {
		return 0, 0, fmt.Errorf("%w: serial date %s is out of range", ErrBadDate, text)
	}
	days, seconds := total.Int64()/86400, int(total.Int64()%86400)
	switch {
	case days > maxExcelSerial:
		return 0, 0, fmt.Errorf("%w: serial date %s is after 9999-12-31", ErrBadDate, text)
	case date1904:
		return excel1904.AddDays(int(days)), seconds, nil
	case days < 1:
		return 0, 0, fmt.Errorf("%w: serial date %s is before 1900-01-01", ErrBadDate, text)
	case days == 60:
		return 0, 0, fmt.Errorf("%w: serial date 60 is 1900-02-29, a day that does not exist", ErrBadDate)
	case days < 60:
		return excel1900.AddDays(int(days) + 1), seconds, nil
	}
	return excel1900.AddDays(int(days)), seconds, nil
}

// plainDecimal writes a number as a workbook stores it ("913717270282400001",
// "1.5", "9.1371727028240003E+17") as plain decimal text, exactly: no
// exponent, no float rounding, no leading zeros, no trailing zeros after
// the point. sig is its number of significant digits. ok is false when
// text is not a number.
func plainDecimal(text string) (out string, sig int, ok bool) {
	s := text
	neg := false
	if s != "" && (s[0] == '-' || s[0] == '+') {
		neg = s[0] == '-'
		s = s[1:]
	}
	mant, expText, hasExp := strings.Cut(strings.ToUpper(s), "E")
	exp := 0
	if hasExp {
		e := expText
		eneg := false
		if e != "" && (e[0] == '-' || e[0] == '+') {
			eneg = e[0] == '-'
			e = e[1:]
		}
		if e == "" || len(e) > 3 {
			return "", 0, false
		}
		for i := 0; i < len(e); i++ {
			if e[i] < '0' || e[i] > '9' {
				return "", 0, false
			}
			exp = exp*10 + int(e[i]-'0')
		}
		if eneg {
			exp = -exp
		}
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	if intPart == "" && frac == "" {
		return "", 0, false
	}
	digits := intPart + frac
	for i := 0; i < len(digits); i++ {
		if digits[i] < '0' || digits[i] > '9' {
			return "", 0, false
		}
	}
	// The value is digits × 10^(exp - len(frac)); the point sits after
	// point digits.
	point := len(intPart) + exp
	digits = strings.TrimLeft(digits, "0")
	point -= len(intPart+frac) - len(digits)
	if digits == "" {
		return "0", 0, true
	}
	trimmed := strings.TrimRight(digits, "0")
	sig = len(trimmed)
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	switch {
	case point <= 0:
		b.WriteString("0.")
		b.WriteString(strings.Repeat("0", -point))
		b.WriteString(trimmed)
	case point >= len(trimmed):
		b.WriteString(trimmed)
		b.WriteString(strings.Repeat("0", point-len(trimmed)))
	default:
		b.WriteString(trimmed[:point])
		b.WriteByte('.')
		b.WriteString(trimmed[point:])
	}
	return b.String(), sig, true
}
