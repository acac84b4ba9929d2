package roster

// Benchmarks of table roots and the CSV loader, each beside a "floor":
// raw SHA-256 over the same leaf bytes. .ci/bench runs them and writes
// BENCHMARKS.md.
//
//	go test ./roster -run '^$' -bench . -benchmem

import (
	"bytes"
	"crypto/sha256"
	"fmt"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"
)

// benchRows returns n premises rows in id order with the attributes of a
// real roster: ids of 18 bytes, leaves of two SHA-256 blocks.
func benchRows(n int) []Row {
	rows := make([]Row, n)
	cats := []string{"public_place", "medical", "school", "drinking_water"}
	for i := range rows {
		body := fmt.Sprintf("91%015d", i)
		c, err := USCCCheckChar(body)
		if err != nil {
			panic(err)
		}
		rows[i] = Row{ID: body + string(c), Attrs: []Attr{
			{AttrCategory, cats[i%len(cats)]},
			{AttrRegion, fmt.Sprintf("%09d", 110000001+i%997)},
			{AttrRisk, string(rune('A' + i%4))},
			{AttrStatus, "active"},
		}}
	}
	return rows
}

// TestParallelRoot checks the parallel root (chunks of hashChunk leaves
// hashed on several goroutines) against a serial RFC 6962 tree built
// with golang.org/x/mod/sumdb/tlog, around the chunk boundaries.
func TestParallelRoot(t *testing.T) {
	all := benchRows(3*hashChunk + 5)
	for _, n := range []int{0, 1, 2, 3, hashChunk - 1, hashChunk, hashChunk + 1, 2 * hashChunk, 2*hashChunk + 3, 3*hashChunk + 5} {
		rows := all[:n]
		var hashes []tlog.Hash
		for _, r := range rows {
			hashes = append(hashes, tlog.RecordHash(r.Leaf()))
		}
		want := EmptyRoot
		if n > 0 {
			th, err := tlog.TreeHash(int64(n), tlogReader(storedHashes(t, hashes)))
			require.NoError(t, err)
			want = Hash(th)
		}
		for _, procs := range []int{1, 3} {
			old := runtime.GOMAXPROCS(procs)
			require.Equal(t, want, rowsRoot(rows), "n=%d procs=%d", n, procs)
			require.Equal(t, want, mth(leafHashes(rows)), "n=%d procs=%d", n, procs)
			runtime.GOMAXPROCS(old)
		}
		var b TreeBuilder
		for _, r := range rows {
			b.AddRow(r)
		}
		require.Equal(t, want, b.Root(), "n=%d", n)
	}
}

type tlogReader []tlog.Hash

func (r tlogReader) ReadHashes(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		out[i] = r[x]
	}
	return out, nil
}

func storedHashes(t *testing.T, leaves []tlog.Hash) []tlog.Hash {
	var stored []tlog.Hash
	for i, h := range leaves {
		add, err := tlog.StoredHashesForRecordHash(int64(i), h, tlogReader(stored))
		require.NoError(t, err)
		stored = append(stored, add...)
	}
	return stored
}

func benchSizes() []int { return []int{10_000, 100_000, 1_000_000} }

func sizeName(n int) string {
	if n >= 1_000_000 {
		return fmt.Sprintf("%dM", n/1_000_000)
	}
	return fmt.Sprintf("%dk", n/1000)
}

func perRow(b *testing.B, rows int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
}

// BenchmarkRoot: the table root against SHA-256 of the same leaf bytes
// (0x00 || leaf) on one core. The root also hashes n-1 interior nodes.
func BenchmarkRoot(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			rows := benchRows(n)
			b.Run("floor", func(b *testing.B) {
				// The leaves side by side in one buffer.
				var all []byte
				var ends []int
				for _, r := range rows {
					all = r.AppendLeaf(append(all, 0))
					ends = append(ends, len(all))
				}
				var sink byte
				for b.Loop() {
					start := 0
					for _, end := range ends {
						h := sha256.Sum256(all[start:end])
						sink ^= h[0]
						start = end
					}
				}
				perRow(b, n)
				_ = sink
			})
			for _, procs := range []int{1, runtime.GOMAXPROCS(0)} {
				b.Run(fmt.Sprintf("procs=%d", procs), func(b *testing.B) {
					old := runtime.GOMAXPROCS(procs)
					defer runtime.GOMAXPROCS(old)
					for b.Loop() {
						rowsRoot(rows)
					}
					perRow(b, n)
				})
			}
		})
	}
}

// BenchmarkReadCSV: reading and checking a premises CSV, against
// reading nothing and hashing each row's line three times; read-slow is
// the path ReadCSV takes for small or unusual input.
func BenchmarkReadCSV(b *testing.B) {
	for _, n := range benchSizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			t, err := NewTable(KindPremises, benchRows(n), Options{})
			require.NoError(b, err)
			var buf bytes.Buffer
			require.NoError(b, WriteCSV(&buf, t))
			data := buf.Bytes()
			b.Run("floor", func(b *testing.B) {
				var sink byte
				for b.Loop() {
					for line := range bytes.Lines(data) {
						for range 3 {
							h := sha256.Sum256(line)
							sink ^= h[0]
						}
					}
				}
				perRow(b, n)
				_ = sink
			})
			b.Run("read", func(b *testing.B) {
				for b.Loop() {
					_, err := ReadCSV(bytes.NewReader(data), KindPremises, Options{})
					require.NoError(b, err)
				}
				perRow(b, n)
			})
			// The slow path alone (encoding/csv on one goroutine), which
			// "read" takes only for small or unusual input.
			b.Run("read-slow", func(b *testing.B) {
				for b.Loop() {
					in, err := readAll(bytes.NewReader(data))
					require.NoError(b, err)
					_, err = readCSVSlow(in, KindPremises, Options{})
					require.NoError(b, err)
				}
				perRow(b, n)
			})
		})
	}
}
