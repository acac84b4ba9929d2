package random

import (
	"errors"
	"fmt"
	"math/bits"
	"strings"
)

// ErrBadRatio is wrapped by every error about a quota ratio.
var ErrBadRatio = errors.New("bad ratio")

// MaxRatioDen is the largest denominator a ratio may have: "0.0000001%"
// (seven decimals of a percent) and "1/1000000000" are the finest ratios.
const MaxRatioDen = 1_000_000_000

// Ratio is a quota ratio read as an exact rational Num/Den, reduced to
// lowest terms, with 0 <= Num <= Den and 0 < Den <= [MaxRatioDen]. The
// zero Ratio is not valid; build one with [ParseRatio].
type Ratio struct {
	Num, Den uint64
	text     string // as written in the plan, for messages
}

// ParseRatio reads a ratio in one of the two forms of protocol §2: a
// percentage with an optional decimal part ("5%", "0.5%", "12.5%",
// "100%") or a fraction of whole numbers ("1/3"). It accepts no sign, no
// spaces, no exponent, no leading zeros ("05%") and no ratio above 1.
// A ratio is never a JSON number: floating point has no place in a draw.
func ParseRatio(s string) (Ratio, error) {
	bad := func(why string) (Ratio, error) {
		return Ratio{}, fmt.Errorf("%w %q: %s", ErrBadRatio, s, why)
	}
	var num, den uint64
	if pct, ok := strings.CutSuffix(s, "%"); ok {
		ip, fp, hasDot := strings.Cut(pct, ".")
		if hasDot && fp == "" {
			return bad(`no digits after "."`)
		}
		if len(fp) > 7 {
			return bad("more than 7 decimals in a percentage")
		}
		n, err := wholeNumber(ip)
		if err != nil {
			return bad(err.Error())
		}
		f, err := digits(fp)
		if err != nil {
			return bad(err.Error())
		}
		den = 100
		for range len(fp) {
			den *= 10
			n *= 10
		}
		num = n + f
	} else if a, b, ok := strings.Cut(s, "/"); ok {
		n, err := wholeNumber(a)
		if err != nil {
			return bad("numerator: " + err.Error())
		}
		d, err := wholeNumber(b)
		if err != nil {
			return bad("denominator: " + err.Error())
		}
		if d == 0 {
			return bad("zero denominator")
		}
		if d > MaxRatioDen {
			return bad(fmt.Sprintf("denominator above %d", MaxRatioDen))
		}
		num, den = n, d
	} else {
		return bad(`want a percentage such as "5%" or a fraction such as "1/3"`)
	}
	if num > den {
		return bad("more than 100%")
	}
	g := gcd(num, den)
	return Ratio{Num: num / g, Den: den / g, text: s}, nil
}

// wholeNumber reads 1..10 decimal digits without sign or leading zeros.
func wholeNumber(s string) (uint64, error) {
	if s == "" {
		return 0, errors.New("missing number")
	}
	if len(s) > 1 && s[0] == '0' {
		return 0, errors.New("leading zero")
	}
	if len(s) > 10 {
		return 0, errors.New("number too long")
	}
	return digits(s)
}

// digits reads up to 10 decimal digits ("" is 0).
func digits(s string) (uint64, error) {
	var n uint64
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, fmt.Errorf("unexpected %q", c)
		}
		n = n*10 + uint64(c-'0')
	}
	return n, nil
}

func gcd(a, b uint64) uint64 {
	for b != 0 {
		a, b = b, a%b
	}
	if a == 0 {
		return 1
	}
	return a
}

// String returns the ratio as written in the plan, or "Num/Den" for a
// Ratio built in Go.
func (r Ratio) String() string {
	if r.text != "" {
		return r.text
	}
	return fmt.Sprintf("%d/%d", r.Num, r.Den)
}

// Valid reports whether 0 <= Num <= Den and 0 < Den <= MaxRatioDen.
func (r Ratio) Valid() bool {
	return r.Den > 0 && r.Den <= MaxRatioDen && r.Num <= r.Den
}

// CeilMul returns ceil(n * Num / Den) in exact integer arithmetic (a
// 128-bit product), clamped to n when the ratio is not below 1 or not
// valid. It never overflows and never panics.
func (r Ratio) CeilMul(n int) int {
	if n <= 0 {
		return 0
	}
	if r.Den == 0 || r.Num >= r.Den {
		return n
	}
	hi, lo := bits.Mul64(uint64(n), r.Num)
	q, rem := bits.Div64(hi, lo, r.Den) // hi < Den because Num < Den
	if rem != 0 {
		q++
	}
	return int(q) // q <= n
}

// QuotaSize is the quota of protocol §5 for a stratum of n eligible
// premises: k = min(n, max(lo, min(hi or ∞, ceil(n·r)))), where hi = 0
// means no maximum. Negative n, lo or hi count as 0.
func QuotaSize(n int, r Ratio, lo, hi int) int {
	if n <= 0 {
		return 0
	}
	k := r.CeilMul(n)
	if hi > 0 && k > hi {
		k = hi
	}
	if k < lo {
		k = lo
	}
	if k > n {
		k = n
	}
	return k
}
