package main

// BenchmarkDrawFloor times the command-line draw (run "draw" with a
// view file, exactly as the command line does it) beside the floor
// program (package floor) on the same county folder, back to back in
// each iteration, and reports the best of each and their ratio. The
// county is shaped like an exported register: samplecounty with rows
// shuffled and ids of 18 to 22 bytes (40 inspectors, the generator's
// default). Wall times on a shared machine are noisy: read the ratios,
// measured in the same run, and the CPU times beside them.
//
//	go test ./examples/cli -run '^$' -bench DrawFloor -benchtime 3x
//	DOUBLERANDOM_BENCH_PREMISES=1000000,10000000 go test ./examples/cli -run '^$' -bench DrawFloor -benchtime 2x -timeout 60m
//
// The generated counties are kept under DOUBLERANDOM_BENCH_COUNTIES (a
// folder; default the system's temporary folder) for the next run.

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/examples/internal/floor"
	"github.com/doublerandom/doublerandom/examples/internal/samplecounty"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

const benchSeedHex = "0123456789abcdef"

func benchPremises(b *testing.B) []int {
	v := os.Getenv("DOUBLERANDOM_BENCH_PREMISES")
	if v == "" {
		return []int{1_000_000}
	}
	var out []int
	for _, s := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		require.NoError(b, err, "DOUBLERANDOM_BENCH_PREMISES")
		out = append(out, n)
	}
	return out
}

func sizeLabel(n int) string {
	switch {
	case n >= 1_000_000 && n%1_000_000 == 0:
		return fmt.Sprintf("%dM", n/1_000_000)
	case n >= 1000 && n%1000 == 0:
		return fmt.Sprintf("%dk", n/1000)
	}
	return strconv.Itoa(n)
}

// benchCounty returns the folder of the shuffled, long-id sample county
// of n premises, generating it once.
func benchCounty(b *testing.B, n int) string {
	root := os.Getenv("DOUBLERANDOM_BENCH_COUNTIES")
	if root == "" {
		root = os.TempDir()
	}
	dir := filepath.Join(root, fmt.Sprintf("doublerandom-bench-county-%d-shuffled-v1", n))
	done := filepath.Join(dir, ".complete")
	if _, err := os.Stat(done); err == nil {
		return dir
	}
	f, err := samplecounty.Generate(samplecounty.Config{Premises: n, Inspectors: samplecounty.DefaultInspectors, Shuffle: true, LongIDs: true})
	require.NoError(b, err)
	require.NoError(b, f.WriteDir(dir))
	require.NoError(b, os.WriteFile(done, nil, 0o644))
	return dir
}

// timed runs f and returns its wall and CPU time.
func timed(f func()) (wall, cpu time.Duration) {
	c0, t0 := cpuTime(), time.Now()
	f()
	return time.Since(t0), cpuTime() - c0
}

// best keeps the smallest of the times it is given.
type best struct{ wall, cpu time.Duration }

func (b *best) add(wall, cpu time.Duration) {
	if b.wall == 0 || wall < b.wall {
		b.wall = wall
	}
	if b.cpu == 0 || cpu < b.cpu {
		b.cpu = cpu
	}
}

// cliDraw runs "cli draw" on dir, writing the view to a new file, as a
// user does; the summary and the load report are discarded.
func cliDraw(b *testing.B, dir string, extra ...string) {
	view := filepath.Join(b.TempDir(), "view.json")
	args := append([]string{"draw", "--dir", dir, "--seed-hex", benchSeedHex, "--view", view}, extra...)
	var stderr strings.Builder
	if code := run(args, io.Discard, &stderr); code != 0 {
		b.Fatalf("cli draw: exit %d: %s", code, stderr.String())
	}
}

func runFloor(b *testing.B, dir string) {
	seed, _ := hex.DecodeString(benchSeedHex)
	out, err := os.Create(filepath.Join(b.TempDir(), "selections.txt"))
	require.NoError(b, err)
	defer out.Close()
	_, err = floor.Draw(dir, seed, out)
	require.NoError(b, err)
}

func BenchmarkDrawFloor(b *testing.B) {
	for _, n := range benchPremises(b) {
		b.Run(sizeLabel(n), func(b *testing.B) {
			dir := benchCounty(b, n)
			var fl, dr best
			for b.Loop() {
				fl.add(timed(func() { runFloor(b, dir) }))
				dr.add(timed(func() { cliDraw(b, dir) }))
			}
			reportPair(b, "floor", fl, "draw", dr)
		})
	}
}

// reportPair reports the best wall and CPU times of two programs and
// the ratio of the second to the first.
func reportPair(b *testing.B, a string, x best, c string, y best) {
	b.ReportMetric(x.wall.Seconds(), a+"-s")
	b.ReportMetric(y.wall.Seconds(), c+"-s")
	b.ReportMetric(x.cpu.Seconds(), a+"-cpu-s")
	b.ReportMetric(y.cpu.Seconds(), c+"-cpu-s")
	b.ReportMetric(y.wall.Seconds()/x.wall.Seconds(), c+"/"+a)
	b.ReportMetric(y.cpu.Seconds()/x.cpu.Seconds(), c+"/"+a+"-cpu")
}

// BenchmarkLedger times, on the same county and seed, the plain draw,
// the draw published into a ledger (draw --ledger, after an announce
// that is not timed) and the audit of that ledger with the tables
// (verify --dir), and reports the ratios of the last two to the first.
func BenchmarkLedger(b *testing.B) {
	tmp := b.TempDir()
	key := filepath.Join(tmp, "agency")
	if code := run([]string{"keygen", "--name", "example.gov.cn/wjw", "--out", key}, io.Discard, io.Discard); code != 0 {
		b.Fatal("keygen")
	}
	const dice = "2023 7331 1281 5921 1123"
	for _, n := range benchPremises(b) {
		b.Run(sizeLabel(n), func(b *testing.B) {
			dir := benchCounty(b, n)
			var plain, pub, ver best
			for b.Loop() {
				b.StopTimer()
				ledger := filepath.Join(b.TempDir(), "ledger")
				mustRun(b, "announce", "--accept-problems", "--dir", dir, "--ledger", ledger, "--key", key+".key",
					"--dice-ceremony", "2026-11-22T09:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-11-20T10:00:00+08:00")
				b.StartTimer()
				plainView, ledgerView := filepath.Join(b.TempDir(), "view.json"), filepath.Join(b.TempDir(), "view.json")
				plain.add(timed(func() { mustRun(b, "draw", "--dir", dir, "--seed-dice", dice, "--view", plainView) }))
				pub.add(timed(func() {
					mustRun(b, "draw", "--dir", dir, "--ledger", ledger, "--key", key+".key", "--seed-dice", dice,
						"--view", ledgerView, "--at", "2026-11-22T09:35:00+08:00")
				}))
				ver.add(timed(func() {
					mustRun(b, "verify", "--ledger", ledger, "--dir", dir, "--pub", key+".pub", "--at", "2026-12-02T10:00:00+08:00")
				}))
				b.StopTimer()
				x, err := os.ReadFile(plainView)
				require.NoError(b, err)
				y, err := os.ReadFile(ledgerView)
				require.NoError(b, err)
				require.Equal(b, string(x), string(y), "the published draw's view differs from the plain draw's")
				b.StartTimer()
			}
			reportPair(b, "draw", plain, "ledger", pub)
			b.ReportMetric(ver.wall.Seconds(), "verify-s")
			b.ReportMetric(ver.cpu.Seconds(), "verify-cpu-s")
			b.ReportMetric(ver.wall.Seconds()/plain.wall.Seconds(), "verify/draw")
			b.ReportMetric(ver.cpu.Seconds()/plain.cpu.Seconds(), "verify/draw-cpu")
		})
	}
}

func mustRun(b *testing.B, args ...string) {
	var stderr strings.Builder
	if code := run(args, io.Discard, &stderr); code != 0 {
		b.Fatalf("cli %s: exit %d: %s", args[0], code, stderr.String())
	}
}

// BenchmarkDrawStreamCLI times draw --stream (the premises read in two
// passes, sorted first in runs of --stream-mem bytes since the county's
// rows are shuffled) beside the in-memory draw on the same county, and
// reports the peak heap of each. The default size is 10^7 premises
// (DOUBLERANDOM_BENCH_STREAM sets others, e.g. 100000000 for the
// issue's 10^8 target: about 13 GB of CSV and as much of sorted runs
// under --stream-tmp; run it with -benchtime 1x -timeout 300m). The
// in-memory draw is skipped above 10^7.
func BenchmarkDrawStreamCLI(b *testing.B) {
	sizes := []int{10_000_000}
	if v := os.Getenv("DOUBLERANDOM_BENCH_STREAM"); v != "" {
		sizes = nil
		for _, s := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(s))
			require.NoError(b, err, "DOUBLERANDOM_BENCH_STREAM")
			sizes = append(sizes, n)
		}
	}
	for _, n := range sizes {
		b.Run(sizeLabel(n), func(b *testing.B) {
			dir := benchCounty(b, n)
			var mem, str best
			var memPeak, strPeak uint64
			for b.Loop() {
				if n <= 10_000_000 {
					p := heapPeak(func() { mem.add(timed(func() { cliDraw(b, dir) })) })
					memPeak = max(memPeak, p)
				}
				p := heapPeak(func() { str.add(timed(func() { cliDraw(b, dir, "--stream", "--stream-tmp", b.TempDir()) })) })
				strPeak = max(strPeak, p)
			}
			if mem.wall > 0 {
				reportPair(b, "draw", mem, "stream", str)
				b.ReportMetric(float64(memPeak)/(1<<20), "draw-peak-heap-MiB")
			} else {
				b.ReportMetric(str.wall.Seconds(), "stream-s")
				b.ReportMetric(str.cpu.Seconds(), "stream-cpu-s")
			}
			b.ReportMetric(float64(strPeak)/(1<<20), "stream-peak-heap-MiB")
		})
	}
}

// heapPeak runs f and returns the largest heap in use seen while it
// ran, sampled every 20 ms.
func heapPeak(f func()) uint64 {
	runtime.GC()
	done := make(chan struct{})
	peak := make(chan uint64)
	go func() {
		var m runtime.MemStats
		var p uint64
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&m)
			p = max(p, m.HeapInuse)
			select {
			case <-done:
				peak <- p
				return
			case <-t.C:
			}
		}
	}()
	f()
	close(done)
	return <-peak
}

// BenchmarkPlanV2 times, in the same run and on counties of the same
// rows (samplecounty's v1 and v2 files of one Config, shuffled, long
// ids), the v1 draw of the sample plan and a v2 draw of a plan of five
// tasks with spread and weights (the sample v2 plan's school, water
// (spread over towns), radiation, public-place (weighted by risk) and
// occupational tasks), each with its JSON view encoded, from tables in
// memory. It reports the best times, the ratio v2/v1 and how many
// premises each selected.
func BenchmarkPlanV2(b *testing.B) {
	for _, n := range benchPremises(b) {
		b.Run(sizeLabel(n), func(b *testing.B) {
			dir1 := benchCounty(b, n)
			plan1, err := random.LoadPlan(filepath.Join(dir1, "plan.json"))
			require.NoError(b, err)
			set1, err := roster.LoadDir(dir1, roster.Options{})
			require.NoError(b, err)
			dir2, plan2 := benchCountyV2(b, n)
			set2, err := roster.LoadDir(dir2, roster.Options{Protocol: roster.ProtocolV2, Commitment: roster.Commitment{Key: make([]byte, roster.BlindingKeySize)}})
			require.NoError(b, err)
			seed := []byte("bench seed")
			var v1, v2 best
			var sel1, sel2 int
			for b.Loop() {
				v1.add(timed(func() {
					res, err := random.Draw(context.Background(), plan1, set1, seed, random.Options{})
					require.NoError(b, err)
					_, err = res.View().Encode()
					require.NoError(b, err)
					sel1 = len(res.Selected)
				}))
				v2.add(timed(func() {
					res, err := random.DrawV2(context.Background(), plan2, set2, seed, random.Options{})
					require.NoError(b, err)
					_, err = res.View().Encode()
					require.NoError(b, err)
					sel2 = len(res.Visits)
				}))
			}
			reportPair(b, "v1", v1, "v2", v2)
			b.ReportMetric(float64(sel1), "v1-selected")
			b.ReportMetric(float64(sel2), "v2-visits")
		})
	}
}

// benchCountyV2 returns the folder of the v2 files of benchCounty's
// county, with a plan of five of the sample v2 plan's tasks (and no
// targeted premises).
func benchCountyV2(b *testing.B, n int) (string, *random.PlanV2) {
	root := os.Getenv("DOUBLERANDOM_BENCH_COUNTIES")
	if root == "" {
		root = os.TempDir()
	}
	dir := filepath.Join(root, fmt.Sprintf("doublerandom-bench-county-%d-shuffled-v2", n))
	done := filepath.Join(dir, ".complete")
	if _, err := os.Stat(done); err != nil {
		f, err := samplecounty.GenerateV2(samplecounty.Config{Premises: n, Inspectors: samplecounty.DefaultInspectors, Shuffle: true, LongIDs: true})
		require.NoError(b, err)
		var plan map[string]any
		require.NoError(b, json.Unmarshal(f.Plan, &plan))
		var tasks []any
		for _, t := range plan["tasks"].([]any) {
			switch t.(map[string]any)["id"] {
			case "school", "water", "radiation", "public-place", "occupational":
				tasks = append(tasks, t)
			}
		}
		require.Len(b, tasks, 5)
		plan["tasks"] = tasks
		delete(plan, "targeted") // its premises is in a task left out
		f.Plan, err = json.MarshalIndent(plan, "", "  ")
		require.NoError(b, err)
		require.NoError(b, f.WriteDir(dir))
		require.NoError(b, os.WriteFile(done, nil, 0o644))
	}
	plan, err := random.LoadPlanV2(filepath.Join(dir, "plan.json"))
	require.NoError(b, err)
	return dir, plan
}
