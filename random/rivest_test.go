package random

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRivestSamplerVectors runs every case of rivest-sampler-tests.json
// (Chris Jerdonek's tests of Rivest's sampler.py, see testdata/NOTICE).
func TestRivestSamplerVectors(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "testdata", "rivest-sampler-tests.json"))
	require.NoError(t, err)
	var f struct {
		Version string `json:"version"`
		Tests   []struct {
			Notes []string `json:"notes"`
			Data  struct {
				Count int    `json:"count"`
				Seed  string `json:"seed"`
				Total int    `json:"total"`
			} `json:"data"`
			Expected []int `json:"expected"`
		} `json:"tests"`
	}
	require.NoError(t, json.Unmarshal(b, &f))
	require.Len(t, f.Tests, 10)
	for i, tc := range f.Tests {
		t.Run(strconv.Itoa(i)+"/"+tc.Data.Seed, func(t *testing.T) {
			got, err := RivestSample(tc.Data.Seed, tc.Data.Total, tc.Data.Count, false)
			require.NoError(t, err, strings.Join(tc.Notes, ""))
			require.Equal(t, tc.Expected, got, strings.Join(tc.Notes, ""))
		})
	}
}

// TestRivestSampleUnique: the vectors have no unique-mode case, so these
// were computed independently:
//
//	python3 -c "import hashlib
//	def rs(seed,total,count,unique):
//	  out=[];i=0
//	  while len(out)<count:
//	    i+=1;p=1+int(hashlib.sha256((seed+','+str(i)).encode()).hexdigest(),16)%total
//	    if unique and p in out: continue
//	    out.append(p)
//	  return out
//	print(rs('0',2,3,False),rs('0',2,2,True),rs('1',3,3,True),rs('20237331128159211123',100,5,False))"
func TestRivestSampleUnique(t *testing.T) {
	for _, tc := range []struct {
		seed         string
		total, count int
		unique       bool
		want         []int
	}{
		{"0", 2, 3, false, []int{1, 1, 2}},
		{"0", 2, 2, true, []int{1, 2}}, // the repeated 1 is skipped, draw 3 gives 2
		{"1", 3, 3, true, []int{2, 1, 3}},
		{"3546311556112163624615351222", 876, 5, true, []int{740, 180, 264, 789, 238}},
		{"20237331128159211123", 100, 5, false, []int{89, 36, 68, 14, 52}},
		{"x", 1, 4, false, []int{1, 1, 1, 1}},
		{"x", 5, 0, true, []int{}},
	} {
		got, err := RivestSample(tc.seed, tc.total, tc.count, tc.unique)
		require.NoError(t, err)
		require.Equal(t, tc.want, got)
	}
	// A unique draw of everything is a permutation.
	got, err := RivestSample("perm", 50, 50, true)
	require.NoError(t, err)
	seen := map[int]bool{}
	for _, p := range got {
		require.True(t, p >= 1 && p <= 50)
		seen[p] = true
	}
	require.Len(t, seen, 50)
}

func TestRivestSampleErrors(t *testing.T) {
	for _, tc := range []struct {
		seed         string
		total, count int
		unique       bool
		arg          string
	}{
		{"1", 0, 3, false, "total"},
		{"1", -5, 3, false, "total"},
		{"1", 10, -1, false, "count"},
		{"1", 10, 11, true, "count"},
		{"1", 10, 2_000_000, false, "count"},
		{"\xff", 10, 1, false, "seed"},
	} {
		_, err := RivestSample(tc.seed, tc.total, tc.count, tc.unique)
		require.ErrorIs(t, err, ErrSamplerArgument)
		var se *SamplerError
		require.ErrorAs(t, err, &se)
		require.Equal(t, tc.arg, se.Arg)
	}
}

// TestConsistentTicket pins published values from Rivest's
// consistent_sampler (github.com/ron-rivest/consistent_sampler,
// pkg/consistent_sampler/consistent_sampler.py docstrings).
func TestConsistentTicket(t *testing.T) {
	for _, tc := range []struct{ seed, id, want string }{
		// first_fraction('AB-130', '01382438112797316654')
		{"01382438112797316654", "AB-130", "0.26299714122838008416507544297546663599715395525154425586041245287750224561854"},
		// make_ticket_heap(['dog', 'cat', 'fish', 'goat'], 'xy()134!g2n')
		{"xy()134!g2n", "cat", "0.24866413894129579898796850445568128508290132707747976039848637531569373309555"},
		{"xy()134!g2n", "dog", "0.33886035615681875183111698317327684455682722683976874746986356932751818935066"},
		{"xy()134!g2n", "fish", "0.74685932088827950509145941729789143204056041958068799542050396198792954500593"},
		{"xy()134!g2n", "goat", "0.49599842072022713663423753308080171636735689997237236247068925068573448764387"},
	} {
		require.Equal(t, tc.want, ConsistentTicket(tc.seed, tc.id))
	}
	// At least 64 digits, at most 78 (2^256 has 78 decimal digits).
	for i := range 200 {
		n := len(ConsistentTicket("s", strconv.Itoa(i))) - 2
		require.True(t, n >= 64 && n <= 78, n)
	}
}

// rivestTrim is Rivest's trim(x, digits): keep the leading 9s after "0."
// and then digits more.
func rivestTrim(x string, digits int) string {
	p := 2
	for p < len(x) && x[p] == '9' {
		p++
	}
	return x[:min(len(x), p+digits)]
}

// TestConsistentSample reproduces the published examples of
// consistent_sampler without replacement: the sampler() docstring and
// USAGE_EXAMPLES.md examples 1, 2, 4, 5 and 8 (integer ids and seeds are
// used through str(), so they are written here as strings).
func TestConsistentSample(t *testing.T) {
	hundred := make([]string, 100)
	for i := range hundred {
		hundred[i] = strconv.Itoa(i)
	}
	for _, tc := range []struct {
		name    string
		seed    string
		ids     []string
		k       int
		want    []string
		tickets []string // trimmed to 9 digits, as sampler() prints them
	}{
		{"docstring", "314159", []string{"ab-1", "ab-2", "cd-1", "ef-3"}, 4,
			[]string{"cd-1", "ef-3", "ab-1", "ab-2"},
			[]string{"0.317685817", "0.832984519", "0.9098039269", "0.9231549043"}},
		{"example 1", "31", []string{"a", "b", "c", "d"}, 99, []string{"b", "a", "d", "c"}, nil},
		{"example 2", "77", []string{"a", "b", "c", "d"}, 4, []string{"b", "d", "c", "a"}, nil},
		{"example 4", "41", hundred, 5, []string{"73", "51", "17", "58", "38"},
			[]string{"0.000508333", "0.003446232", "0.004419823", "0.020115273", "0.023482375"}},
		{"example 5", "41", hundred, 10, []string{"73", "51", "17", "58", "38", "42", "39", "20", "11", "67"}, nil},
		{"example 8", "52", []string{"a", "b", "c", "d", "e"}, 5, []string{"d", "b", "e", "a", "c"},
			[]string{"0.054468191", "0.197384308", "0.302883911", "0.366142288", "0.492683857"}},
		{"make_ticket_heap order", "xy()134!g2n", []string{"dog", "cat", "fish", "goat"}, 4, []string{"cat", "dog", "goat", "fish"}, nil},
		{"k = 0", "41", hundred, 0, []string{}, nil},
		{"no ids", "41", nil, 3, []string{}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ConsistentSample(tc.seed, tc.ids, tc.k)
			require.NoError(t, err)
			require.Equal(t, tc.want, got)
			for i, want := range tc.tickets {
				require.Equal(t, want, rivestTrim(ConsistentTicket(tc.seed, got[i]), 9))
			}
		})
	}
}

func TestConsistentSampleProperties(t *testing.T) {
	ids := make([]string, 60)
	for i := range ids {
		ids[i] = "AB-" + strconv.Itoa(i)
	}
	all, err := ConsistentSample("01382438112797316654", ids, len(ids))
	require.NoError(t, err)
	require.ElementsMatch(t, ids, all)
	// Consistency: sampling a sub-list is filtering the full order.
	sub := ids[10:30]
	got, err := ConsistentSample("01382438112797316654", sub, len(sub))
	require.NoError(t, err)
	var filtered []string
	in := map[string]bool{}
	for _, id := range sub {
		in[id] = true
	}
	for _, id := range all {
		if in[id] {
			filtered = append(filtered, id)
		}
	}
	require.Equal(t, filtered, got)
	// Input order does not matter; a prefix of the order is the sample.
	rev := make([]string, len(ids))
	for i, id := range ids {
		rev[len(ids)-1-i] = id
	}
	top, err := ConsistentSample("01382438112797316654", rev, 7)
	require.NoError(t, err)
	require.Equal(t, all[:7], top)

	for _, tc := range []struct {
		seed string
		ids  []string
		k    int
		arg  string
	}{
		{"s", []string{"a", "b", "a"}, 1, "ids"},
		{"s", []string{"a"}, -1, "k"},
		{"s", []string{"a\xff"}, 1, "ids"},
		{"\xfe", []string{"a"}, 1, "seed"},
	} {
		_, err := ConsistentSample(tc.seed, tc.ids, tc.k)
		var se *SamplerError
		require.ErrorAs(t, err, &se)
		require.Equal(t, tc.arg, se.Arg)
		require.ErrorIs(t, err, ErrSamplerArgument)
	}
}

// plainConsistentSample is ConsistentSample as Rivest's code does it:
// every ticket written out and the strings sorted.
func plainConsistentSample(seed string, ids []string, k int) []string {
	type ticket struct{ number, id string }
	tickets := make([]ticket, len(ids))
	for i, id := range ids {
		tickets[i] = ticket{ConsistentTicket(seed, id), id}
	}
	slices.SortFunc(tickets, func(a, b ticket) int {
		if c := strings.Compare(a.number, b.number); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	out := make([]string, min(k, len(ids)))
	for i := range out {
		out[i] = tickets[i].id
	}
	return out
}

// The fast ConsistentSample (prefix order, resumed hashing, every core)
// equals the plain one on ids of every length, across both sides of the
// 55-byte boundary where the hash's padding needs another block.
func TestConsistentSampleEqualsPlain(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for _, n := range []int{1, 2, 17, 5000, 20_000} {
		ids := make([]string, n)
		for i := range ids {
			b := make([]byte, r.IntN(130))
			for j := range b {
				b[j] = byte('!' + r.IntN(94))
			}
			ids[i] = strconv.Itoa(i) + string(b)
		}
		seed := strconv.Itoa(n)
		got, err := ConsistentSample(seed, ids, n)
		require.NoError(t, err)
		require.Equal(t, plainConsistentSample(seed, ids, n), got, "n=%d", n)
	}
}

// ticketPrefix is the number formed by a ticket's first 19 digits.
func TestTicketPrefix(t *testing.T) {
	h := sha256.Sum256([]byte("seed"))
	for i := range 2000 {
		id := "AB-" + strconv.Itoa(i)
		sum := sha256.Sum256([]byte(hex.EncodeToString(h[:]) + id))
		want, err := strconv.ParseUint(ConsistentTicket("seed", id)[2:21], 10, 64)
		require.NoError(t, err)
		require.Equal(t, want, ticketPrefix(sum[:]), id)
	}
	// All zeros and all ones: N mod 10^19 of 0 and of 2^256-1.
	require.Equal(t, uint64(0), ticketPrefix(make([]byte, 32)))
	ones := bytes.Repeat([]byte{0xff}, 32)
	n := new(big.Int).SetBytes(ones)
	low := new(big.Int).Mod(n, new(big.Int).Exp(big.NewInt(10), big.NewInt(19), nil)).Text(10)
	low = strings.Repeat("0", 19-len(low)) + low
	rev := []byte(low)
	slices.Reverse(rev)
	w, err := strconv.ParseUint(string(rev), 10, 64)
	require.NoError(t, err)
	require.Equal(t, w, ticketPrefix(ones))
}

// BenchmarkConsistentSample: Rivest's consistent sampler over a million
// 18-byte ids against its floor, the same hashing (SHA-256 of the 64-byte
// hex prefix and the id, for every id, on one core) and a sort of 8-byte
// keys. .ci/bench reports the ratio; the target is 2x.
func BenchmarkConsistentSample(b *testing.B) {
	ids := make([]string, 1_000_000)
	for i := range ids {
		ids[i] = fmt.Sprintf("91371727%010d", i*7919%1_000_000_007)
	}
	h := sha256.Sum256([]byte("0123456789abcdef"))
	prefix := hex.EncodeToString(h[:])
	b.Run("floor", func(b *testing.B) {
		keys := make([]uint64, len(ids))
		buf := make([]byte, 0, 128)
		for b.Loop() {
			for i, id := range ids {
				buf = append(append(buf[:0], prefix...), id...)
				s := sha256.Sum256(buf)
				keys[i] = binary.BigEndian.Uint64(s[24:])
			}
			slices.Sort(keys)
		}
		perRow(b, len(ids))
	})
	b.Run("sample", func(b *testing.B) {
		for b.Loop() {
			if _, err := ConsistentSample("0123456789abcdef", ids, 1000); err != nil {
				b.Fatal(err)
			}
		}
		perRow(b, len(ids))
	})
}
