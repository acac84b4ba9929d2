package random

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// keyIDs returns n ids of the given lengths, made of a few letters so
// that neighbours share prefixes of many lengths.
func keyIDs(rng *rand.Rand, n int, lengths []int) []string {
	ids := make([]string, n)
	for i := range ids {
		b := make([]byte, lengths[rng.IntN(len(lengths))])
		for j := range b {
			b[j] = "ab"[rng.IntN(2)]
			if rng.IntN(4) == 0 {
				b[j] = byte(rng.IntN(256))
			}
		}
		ids[i] = string(b)
	}
	return ids
}

// lpOrder sorts ids by lp(id), as a candidateList does, and returns the
// hints of a candidateList.
func lpOrder(ids []string) []int {
	slices.SortFunc(ids, func(x, y string) int {
		return cmp.Or(cmp.Compare(len(x), len(y)), strings.Compare(x, y))
	})
	next := make([]int, len(ids))
	for k := 0; k+1 < len(ids); k++ {
		next[k] = lpCommon(ids[k], ids[k+1])
	}
	return next
}

// TestKeyHasher checks that keyHasher gives Key.InspectorKey for
// premises and inspector ids of 0 to 130 bytes, around the 64-byte
// block boundaries of the message (a fixed part of 37 + len(p.id)
// bytes, then 4 + len(i.id)), in lp order with true hints (most sharing),
// in random order with true, zero and wrong hints, and with repeated
// ids.
func TestKeyHasher(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	k := Key{7, 1}
	kh := newKeyHasher(k)
	require.NotNil(t, kh.app, "crypto/sha256 should save its state")
	require.True(t, kh.direct, "crypto/sha256's saved state no longer holds the digest where package padsum looks: keys are still right (through Sum) but slower")
	hints := map[string]func(ids []string, next []int, k int) int{
		"true":  func(_ []string, next []int, k int) int { return next[k] },
		"zero":  func([]string, []int, int) int { return 0 },
		"large": func([]string, []int, int) int { return 1 << 20 },
		"random": func([]string, []int, int) int {
			return rng.IntN(200)
		},
	}
	for _, plen := range []int{0, 1, 18, 22, 23, 26, 27, 30, 64, 86, 87, 91, 92, 130} {
		pid := strings.Repeat("9", plen)
		for _, lengths := range [][]int{
			{12}, {0}, {1, 2, 3}, {5, 6, 7, 8}, {12, 20, 27, 28},
			{22, 23, 24, 25, 26, 27, 28}, {59, 60, 61}, {86, 87, 88, 91, 92}, {0, 64, 128, 130},
		} {
			ids := keyIDs(rng, 40, lengths)
			ids = append(ids, ids[3], ids[3], ids[5]) // repeats
			next := lpOrder(ids)
			shuffled := slices.Clone(ids)
			rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
			for _, order := range []struct {
				name string
				ids  []string
			}{{"lp", ids}, {"shuffled", shuffled}} {
				for hname, hint := range hints {
					for _, direct := range []bool{true, false} {
						kh.direct = direct
						kh.premises(pid)
						for k2, id := range order.ids {
							got := kh.key(id, hint(order.ids, next, k2))
							require.Equal(t, k.InspectorKey(pid, id), got,
								"p.id %d bytes, i.id %q (%d bytes), %s order, %s hints, direct %v", plen, id, len(id), order.name, hname, direct)
						}
					}
				}
			}
		}
	}
}

// TestKeyHasherShares checks that the sample county's shape (18-byte
// premises ids, 12-byte inspector ids with a common 8-byte prefix)
// shares the first block: one saved state per premises, restored for
// every other inspector.
func TestKeyHasherShares(t *testing.T) {
	k := Key{3}
	kh := newKeyHasher(k)
	ids := []string{"WJ3717270001", "WJ3717270002", "WJ3717270017", "WJ3717271001"}
	next := lpOrder(ids)
	for _, pid := range []string{"12371727420197345F", "92371727MAK31XA1BU"} {
		kh.premises(pid)
		for i, id := range ids {
			require.Equal(t, k.InspectorKey(pid, id), kh.key(id, next[i]))
			require.Equal(t, 1, kh.valid, "the first block is kept")
		}
	}
	// Inspector ids of different lengths share nothing beyond the fixed
	// part; a 27-byte fixed part keeps no state.
	kh.premises("")
	require.Equal(t, k.InspectorKey("", "a"), kh.key("a", lpCommon("a", "bb")))
	require.Zero(t, kh.valid)
}

// TestAppendPadding checks the padding against the length rule of FIPS
// 180-4 §5.1.1 and the digest read from the saved state against
// sha256.Sum256, for messages of 0 to 200 bytes.
func TestLPCommon(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 4},
		{"a", "a", 5},
		{"ab", "ac", 5},
		{"a", "b", 4},
		{"a", "ab", 3},
		{"abcd", "abce", 7},
		{"", strings.Repeat("x", 256), 2},
		{strings.Repeat("x", 1<<16), "", 1},
		{strings.Repeat("x", 1<<24), "", 0},
	} {
		require.Equal(t, tc.want, lpCommon(tc.a, tc.b), "%d %d", len(tc.a), len(tc.b))
		require.Equal(t, tc.want, lpCommon(tc.b, tc.a))
		var x, y []byte
		x, y = appendLP(x, tc.a), appendLP(y, tc.b)
		n := 0
		for n < min(len(x), len(y)) && x[n] == y[n] {
			n++
		}
		require.Equal(t, n, tc.want, "lp bytes")
		for m := range min(len(x), len(y)) + 2 {
			require.Equal(t, m <= n, lpAgree(tc.a, tc.b, m), "lpAgree %d", m)
		}
	}
}

// FuzzKeyHasher: a premises id and up to eight inspector ids cut from
// the input, hashed in the given order with hints taken from the input,
// give Key.InspectorKey.
func FuzzKeyHasher(f *testing.F) {
	f.Add("12371727420197345F", "WJ3717270001,WJ3717270002,WJ3717271000", uint64(0x0f0f))
	f.Add("", ",,a,aa,aaa", uint64(0))
	f.Add(strings.Repeat("p", 90), strings.Repeat("i", 61)+","+strings.Repeat("i", 62), uint64(1<<63))
	f.Fuzz(func(t *testing.T, pid, list string, hints uint64) {
		ids := strings.Split(list, ",")
		if len(ids) > 8 {
			ids = ids[:8]
		}
		k := Key{byte(hints)}
		kh := newKeyHasher(k)
		for round := range 4 {
			kh.direct = round < 2
			kh.premises(pid)
			for i, id := range ids {
				hint := int(hints>>(8*(i%8))) & 0xff
				if round%2 == 1 && i+1 < len(ids) {
					hint = lpCommon(id, ids[i+1])
				}
				require.Equal(t, k.InspectorKey(pid, id), kh.key(id, hint), "id %d", i)
			}
		}
	})
}

// BenchmarkKeyHasher: the keys of one premises for 1,000 inspectors,
// as the sample county has them, with InspectorKey and with keyHasher.
func BenchmarkKeyHasher(b *testing.B) {
	k := Key{9}
	ids := make([]string, 1000)
	for i := range ids {
		ids[i] = fmt.Sprintf("WJ371727%04d", i)
	}
	next := lpOrder(ids)
	pid := "12371727420197345F"
	b.Run("plain", func(b *testing.B) {
		var sink uint64
		for b.Loop() {
			for _, id := range ids {
				sink ^= k.InspectorKey(pid, id)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ids)), "ns/key")
		_ = sink
	})
	b.Run("shared", func(b *testing.B) {
		var sink uint64
		kh := newKeyHasher(k)
		for b.Loop() {
			kh.premises(pid)
			for i, id := range ids {
				sink ^= kh.key(id, next[i])
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(ids)), "ns/key")
		_ = sink
	})
}
