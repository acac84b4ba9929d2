package random

import (
	"errors"
	"math"
	"math/big"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestQuotaSizePrimitives(t *testing.T) {
	for _, c := range loadDrawPrimitives(t).Ratios {
		r, err := ParseRatio(c.Ratio)
		require.NoError(t, err, c.Ratio)
		// In the vectors max 0 means no maximum, as in plans.
		require.Equal(t, c.K, QuotaSize(c.N, r, c.Min, c.Max), "n=%d ratio=%s min=%d max=%d", c.N, c.Ratio, c.Min, c.Max)
	}
}

func TestParseRatio(t *testing.T) {
	good := []struct {
		in       string
		num, den uint64
	}{
		{"5%", 1, 20},
		{"0.5%", 1, 200},
		{"12.5%", 1, 8},
		{"100%", 1, 1},
		{"0%", 0, 1},
		{"1/3", 1, 3},
		{"2/4", 1, 2},
		{"0/7", 0, 1},
		{"0.0000001%", 1, 1_000_000_000},
		{"1/1000000000", 1, 1_000_000_000},
		{"1000000000/1000000000", 1, 1},
		{"33.3333333%", 333333333, 1_000_000_000},
	}
	for _, c := range good {
		r, err := ParseRatio(c.in)
		require.NoError(t, err, c.in)
		require.Equal(t, c.num, r.Num, c.in)
		require.Equal(t, c.den, r.Den, c.in)
		require.Equal(t, c.in, r.String())
		require.True(t, r.Valid())
	}
	bad := []string{
		"", "5", "0.05", "%", "5 %", " 5%", "+5%", "-5%", "05%", "5.%", ".5%", "5e1%",
		"100.1%", "101%", "4/3", "1/0", "/3", "1/", "01/3", "1/03", "-1/3", "1/-3",
		"1/3/4", "0.00000001%", "1/1000000001", "99999999999/1", "five%", "½", "5%%", "1.5/3",
	}
	for _, s := range bad {
		_, err := ParseRatio(s)
		require.Error(t, err, s)
		require.True(t, errors.Is(err, ErrBadRatio), s)
	}
}

// TestQuotaSizeExtremes compares the integer formula with math/big at
// the largest sizes (n up to 2^31-1, denominators up to 10^9).
func TestQuotaSizeExtremes(t *testing.T) {
	ratios := []string{"1/1000000000", "999999999/1000000000", "0.0000001%", "99.9999999%", "1/3", "100%", "0%", "33.3333333%"}
	ns := []int{0, 1, 2, 999_999_999, 1_000_000_000, 1_000_000_001, math.MaxInt32 - 1, math.MaxInt32}
	for _, rs := range ratios {
		r, err := ParseRatio(rs)
		require.NoError(t, err)
		for _, n := range ns {
			// ceil(n*num/den) with big integers.
			p := new(big.Int).Mul(big.NewInt(int64(n)), new(big.Int).SetUint64(r.Num))
			q, m := new(big.Int).QuoRem(p, new(big.Int).SetUint64(r.Den), new(big.Int))
			if m.Sign() != 0 {
				q.Add(q, big.NewInt(1))
			}
			require.Equal(t, q.Int64(), int64(r.CeilMul(n)), "%s × %d", rs, n)
			require.Equal(t, int(q.Int64()), QuotaSize(n, r, 0, 0))
			require.Equal(t, min(n, 5), QuotaSize(n, r, 5, 5), "min=max=5")
			require.Equal(t, min(n, max(7, min(int(q.Int64()), 100))), QuotaSize(n, r, 7, 100))
		}
	}
}

func TestQuotaSizeOddInput(t *testing.T) {
	// Ratios built in Go that ParseRatio would reject never panic.
	require.Equal(t, 10, QuotaSize(10, Ratio{Num: 3, Den: 1}, 0, 0))
	require.Equal(t, 4, QuotaSize(10, Ratio{Num: 3, Den: 1}, 0, 4))
	require.Equal(t, 10, QuotaSize(10, Ratio{Num: 1, Den: 0}, 0, 0))
	require.Equal(t, 0, QuotaSize(-3, Ratio{Num: 1, Den: 2}, 2, 0))
	require.Equal(t, 2, QuotaSize(3, Ratio{Num: 0, Den: 1}, 2, 0))
	require.Equal(t, 3, QuotaSize(3, Ratio{Num: 0, Den: 1}, 9, 0), "min above n gives n")
	require.Equal(t, "3/1", Ratio{Num: 3, Den: 1}.String())
	require.False(t, Ratio{Num: 3, Den: 1}.Valid())
}
