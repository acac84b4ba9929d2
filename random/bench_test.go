package random

// Benchmarks of the draw, each beside a "floor": raw SHA-256 over the
// same bytes the protocol must hash. .ci/bench runs them and writes
// BENCHMARKS.md with the ratios. Sizes are 10^4, 10^5 and 10^6 premises;
// -doublerandom.large adds 10^7 (and the 2×10^8 streaming draw).
//
//	go test ./random -run '^$' -bench . -benchmem

import (
	"bytes"
	"context"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

func benchSizes() []int {
	s := []int{10_000, 100_000, 1_000_000}
	if large() {
		s = append(s, 10_000_000)
	}
	return s
}

func sizeName(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// benchSynth is the synthetic roster of the benchmarks at n premises.
func benchSynth(n int) synth {
	return synth{premises: n, inspectors: max(200, n/75), counties: max(4, n/5000), seed: 11, history: 20, conflicts: 500}
}

// benchData caches the sets of the benchmarks by size.
var benchData = map[int]*roster.Set{}

func benchSet(b testing.TB, n int) *roster.Set {
	if set, ok := benchData[n]; ok {
		return set
	}
	s := benchSynth(n)
	conf, hist := s.historyTables(b)
	set, err := roster.NewSet(s.premisesTable(b), s.inspectorTable(b), conf, hist)
	require.NoError(b, err)
	benchData[n] = set
	return set
}

func perRow(b *testing.B, rows int) {
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(rows), "ns/row")
}

// BenchmarkPriorities: P(p) for every premises, against SHA-256 of the
// same 55-byte inputs K || 0x01 || lp(id) on one core.
func BenchmarkPriorities(b *testing.B) {
	key := Key{1, 2, 3}
	for _, n := range benchSizes() {
		b.Run(sizeName(n), func(b *testing.B) { benchPriorities(b, key, n) })
	}
}

func benchPriorities(b *testing.B, key Key, n int) {
	{
		set := benchSet(b, n)
		rows := set.Premises.Rows()
		b.Run("floor", func(b *testing.B) {
			// The inputs side by side in one buffer, as the hash
			// function would see them.
			var all []byte
			var ends []int
			for _, r := range rows {
				all = appendLP(append(append(all, key[:]...), tagPremises), r.ID)
				ends = append(ends, len(all))
			}
			var sink byte
			for b.Loop() {
				start := 0
				for _, end := range ends {
					s := sha256.Sum256(all[start:end])
					sink ^= s[0]
					start = end
				}
			}
			perRow(b, n)
			_ = sink
		})
		all := make([]int32, len(rows))
		for i := range all {
			all[i] = int32(i)
		}
		for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
			b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
				r := &Result{Set: set, Key: key, Premises: make([]PremisesOutcome, len(rows))}
				for b.Loop() {
					require.NoError(b, r.computePriorities(context.Background(), workers, all, func(Phase, int, int) {}))
				}
				perRow(b, n)
			})
		}
	}
}

// BenchmarkSelect: scope, cooldown, strata, priorities and quotas.
func BenchmarkSelect(b *testing.B) {
	plan := synthPlan(b, "2%", 0, nil)
	for _, n := range benchSizes() {
		b.Run(sizeName(n), func(b *testing.B) {
			set := benchSet(b, n)
			for b.Loop() {
				r := &Result{Plan: plan, Set: set, Key: Key{4}, hist: newHistoryIndex(set.History, set.Conflicts)}
				require.NoError(b, r.selectPremises(context.Background(), Options{Workers: runtime.GOMAXPROCS(0)}, func(Phase, int, int) {}))
			}
			perRow(b, n)
		})
	}
}

// BenchmarkTeams: E(p) and staffing of 500,000 selected premises over
// 100,000 inspectors in 2,000 counties, against SHA-256 of one
// inspector key input per member of every E(p).
func BenchmarkTeams(b *testing.B) {
	b.Run("500k", benchTeams)
}

func benchTeams(b *testing.B) {
	n, selected := 1_000_000, 500_000
	if testing.Short() {
		n, selected = 100_000, 50_000
	}
	s := synth{premises: n, inspectors: selected / 5, counties: 2000, seed: 12, history: 20, conflicts: 500}
	conf, hist := s.historyTables(b)
	set, err := roster.NewSet(s.premisesTable(b), s.inspectorTable(b), conf, hist)
	require.NoError(b, err)
	plan := synthPlan(b, "2/3", 0, nil)
	base := &Result{Plan: plan, Set: set, Key: Key{5}, hist: newHistoryIndex(set.History, set.Conflicts)}
	require.NoError(b, base.selectPremises(context.Background(), Options{Workers: runtime.GOMAXPROCS(0)}, func(Phase, int, int) {}))
	base.Selected = base.Selected[:min(selected, len(base.Selected))]
	require.NoError(b, base.staffTeams(context.Background(), runtime.GOMAXPROCS(0), func(Phase, int, int) {}))
	pairs := 0
	for _, sel := range base.Selected {
		pairs += sel.EligibleCount
	}
	b.Logf("%d selected, %d inspectors, %d (premises, inspector) pairs in E(p)", len(base.Selected), set.Inspectors.Len(), pairs)
	fresh := func() *Result {
		r := *base
		r.Selected = make([]Selection, len(base.Selected))
		for i, sel := range base.Selected {
			r.Selected[i] = Selection{Premises: sel.Premises, ID: sel.ID, Priority: sel.Priority, Stratum: sel.Stratum, Mark: sel.Mark, Target: sel.Target, Rule: -1}
		}
		return &r
	}
	b.Run("floor", func(b *testing.B) {
		var buf []byte
		var sink byte
		for b.Loop() {
			// One input per member of every E(p): |E(p)| of them, with
			// the ids of the kept candidates (same lengths as E(p)'s).
			for _, sel := range base.Selected {
				for k := range sel.EligibleCount {
					c := sel.Eligible[k%len(sel.Eligible)]
					buf = appendLP(appendLP(append(append(buf[:0], base.Key[:]...), tagInspector), sel.ID), c.ID)
					h := sha256.Sum256(buf)
					sink ^= h[0]
				}
			}
		}
		perRow(b, len(base.Selected))
		_ = sink
	})
	for _, workers := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("workers=%d", workers), func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				r := fresh()
				b.StartTimer()
				require.NoError(b, r.staffTeams(context.Background(), workers, func(Phase, int, int) {}))
			}
			perRow(b, len(base.Selected))
		})
	}
}

// writeSynthDir writes the synthetic tables and plan as CSV files.
func writeSynthDir(b testing.TB, dir string, s synth, plan *Plan) {
	set := benchSet(b, s.premises)
	for _, t := range []*roster.Table{set.Premises, set.Inspectors, set.Conflicts, set.History} {
		var buf bytes.Buffer
		require.NoError(b, roster.WriteCSV(&buf, t))
		require.NoError(b, os.WriteFile(filepath.Join(dir, t.Kind().String()+".csv"), buf.Bytes(), 0o644))
	}
	require.NoError(b, os.WriteFile(filepath.Join(dir, "plan.json"), plan.Bytes(), 0o644))
}

// BenchmarkDrawCSV: the whole draw from CSV files (read, check, roots,
// selection, teams, the JSON view), and its verification (the same draw
// and a byte comparison with the published view), against the floor the
// issue sets: read the files and hash each row three times.
func BenchmarkDrawCSV(b *testing.B) {
	seed := []byte("bench seed")
	for _, n := range benchSizes() {
		b.Run(sizeName(n), func(b *testing.B) { benchDrawCSV(b, seed, n) })
	}
}

func benchDrawCSV(b *testing.B, seed []byte, n int) {
	{
		s := benchSynth(n)
		plan := synthPlan(b, "2%", 0, s.targets(2))
		dir := b.TempDir()
		writeSynthDir(b, dir, s, plan)
		clear(benchData) // the draw reads the files: free the tables
		runtime.GC()
		b.Run("floor", func(b *testing.B) {
			var sink byte
			for b.Loop() {
				for _, k := range roster.Kinds {
					data, err := os.ReadFile(filepath.Join(dir, k.String()+".csv"))
					require.NoError(b, err)
					for line := range bytes.Lines(data) {
						for range 3 {
							h := sha256.Sum256(line)
							sink ^= h[0]
						}
					}
				}
			}
			perRow(b, n)
			_ = sink
		})
		draw := func(b *testing.B) []byte {
			p, err := LoadPlan(filepath.Join(dir, "plan.json"))
			require.NoError(b, err)
			set, err := roster.LoadDir(dir, roster.Options{})
			require.NoError(b, err)
			res, err := Draw(context.Background(), p, set, seed, Options{})
			require.NoError(b, err)
			out, err := res.View().Encode()
			require.NoError(b, err)
			return out
		}
		b.Run("draw", func(b *testing.B) {
			for b.Loop() {
				draw(b)
			}
			perRow(b, n)
			peak, sys := memPeak(func() { draw(b) })
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
			b.ReportMetric(float64(sys)/(1<<20), "sys-MiB")
		})
		b.Run("verify", func(b *testing.B) {
			want := draw(b)
			for b.Loop() {
				if !bytes.Equal(draw(b), want) {
					b.Fatal("the replay differs")
				}
			}
			perRow(b, n)
		})
	}
}

// BenchmarkDrawStream: the two-pass streaming draw over generated rows
// (no file), against generating the rows twice and hashing each leaf
// once and each priority input once.
func BenchmarkDrawStream(b *testing.B) {
	sizes := []int{1_000_000}
	if large() {
		sizes = append(sizes, 10_000_000, 200_000_000)
	}
	for _, n := range sizes {
		b.Run(sizeName(n), func(b *testing.B) { benchDrawStream(b, n) })
	}
}

func benchDrawStream(b *testing.B, n int) {
	{
		// Above 10^7 rows the radiation rule is capped, as in
		// TestDrawStreamRangesLarge (see largePlan).
		s := largeSynth(n)
		plan := largePlan(b, s, n > 10_000_000)
		insp := s.inspectorTable(b)
		conf, hist := s.historyTables(b)
		key := Key{7}
		b.Run("floor", func(b *testing.B) {
			var buf []byte
			var sink byte
			for b.Loop() {
				for r := range s.Premises() {
					buf = r.AppendLeaf(append(buf[:0], 0))
					h := sha256.Sum256(buf)
					sink ^= h[0]
				}
				for r := range s.Premises() {
					sink ^= byte(key.Priority(r.ID))
				}
			}
			perRow(b, n)
			_ = sink
		})
		for _, c := range []struct {
			name string
			draw func() (*StreamResult, error)
		}{
			{"stream", func() (*StreamResult, error) {
				return DrawStream(context.Background(), plan, s.source(), insp, conf, hist, []byte("bench"), Options{})
			}},
			{"ranges", func() (*StreamResult, error) {
				return DrawStreamRanges(context.Background(), plan, s.rangeSource(), insp, conf, hist, []byte("bench"), Options{})
			}},
		} {
			b.Run(c.name, func(b *testing.B) {
				run := func() {
					_, err := c.draw()
					require.NoError(b, err)
				}
				for b.Loop() {
					run()
				}
				perRow(b, n)
				peak, sys := memPeak(run)
				b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
				b.ReportMetric(float64(sys)/(1<<20), "sys-MiB")
			})
		}
	}
}
