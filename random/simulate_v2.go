package random

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/doublerandom/doublerandom/roster"
)

// Simulating a plan before it is announced: the same plan and tables drawn
// under many seeds, to see what the draw will do whatever the seed —
// shortfalls, unstaffed visits, inspectors' loads, how likely any one
// inspector is to be sent to any one premises. Pre-flight
// ([Preflight]) checks rules one at a time; a simulation shows their
// interplay (radiation visits using up the inspectors an occupational
// visit needed). The seeds are made up, so a simulation tells nothing of
// the real draw, whose seed does not exist yet.

// SimulateOptions configure [SimulateV2].
type SimulateOptions struct {
	// Runs is the number of simulated draws (at least 1).
	Runs int
	// Base makes the simulated seeds: run j draws with
	// H("doublerandom/v2/simulate" || lp(Base) || u32(j)). Nil means
	// the plan's digest, so that the same plan and tables always give
	// the same simulation.
	Base []byte
	// Progress, when set, is called after each run with the number of
	// runs done, from one goroutine at a time.
	Progress func(done, total int)
	// Workers is the number of draws run at once; 0 means
	// runtime.GOMAXPROCS(0). The result does not depend on it.
	Workers int
}

// maxSimulateRuns bounds SimulateOptions.Runs.
const maxSimulateRuns = 1_000_000

// Simulation summarises a plan drawn under many seeds.
type Simulation struct {
	Runs int
	// Tasks holds, per task in plan order, the distributions over runs
	// of its quota, its shortfall and its unstaffed visits.
	Tasks []TaskSimulation
	// Visits and Unstaffed are the distributions of the number of
	// visits and of unstaffed visits per run.
	Visits, Unstaffed Distribution
	// Inspectors holds the load of every inspector row.
	Inspectors []InspectorSimulation
	// Premises holds, per premises row, how many runs visited it
	// (its selection probability is Visited/Runs).
	Premises []PremisesSimulation
	// Pair is the (premises, inspector) pair sent together most often:
	// the largest probability that one given inspector inspects one given
	// premises, the figure a randomised assignment caps against
	// collusion. Zero when no visit was ever staffed.
	Pair PairSimulation
}

// TaskSimulation is one task's figures over the runs.
type TaskSimulation struct {
	ID                          string
	Quota, Shortfall, Unstaffed Distribution
}

// InspectorSimulation is one inspector's load over the runs: the mean and
// the largest number of teams joined in one draw.
type InspectorSimulation struct {
	ID        string
	Teams     int // over all runs
	MaxInDraw int
}

// MeanLoad returns the inspector's mean number of teams per draw.
func (s InspectorSimulation) MeanLoad(runs int) float64 {
	return float64(s.Teams) / float64(max(1, runs))
}

// PremisesSimulation is how often one premises was visited.
type PremisesSimulation struct {
	ID      string
	Visited int
}

// PairSimulation is a premises, an inspector, and the number of runs in
// which that inspector was on the premises' team.
type PairSimulation struct {
	Premises, Inspector string
	Runs                int
}

// Distribution is the distribution over runs of a count: each run's
// value, in run order, and its summary.
type Distribution struct {
	Values []int
}

func (d Distribution) sorted() []int { return slices.Sorted(slices.Values(d.Values)) }

// Min, Max and Mean summarise the values; Quantile(q) is the value below
// which a fraction q of the runs lie (nearest rank).
func (d Distribution) Min() int {
	if len(d.Values) == 0 {
		return 0
	}
	return slices.Min(d.Values)
}

// Max is the largest value.
func (d Distribution) Max() int {
	if len(d.Values) == 0 {
		return 0
	}
	return slices.Max(d.Values)
}

// Mean is the mean value.
func (d Distribution) Mean() float64 {
	sum := 0
	for _, v := range d.Values {
		sum += v
	}
	return float64(sum) / float64(max(1, len(d.Values)))
}

// Quantile returns the nearest-rank q-quantile (0 < q ≤ 1).
func (d Distribution) Quantile(q float64) int {
	s := d.sorted()
	if len(s) == 0 {
		return 0
	}
	i := int(q*float64(len(s))+0.999999) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// Positive returns in how many runs the value was above zero.
func (d Distribution) Positive() int {
	n := 0
	for _, v := range d.Values {
		if v > 0 {
			n++
		}
	}
	return n
}

// SimulateSeed returns the seed of simulated run j (see
// [SimulateOptions.Base]).
func SimulateSeed(base []byte, j int) []byte {
	h := sha256.New()
	h.Write([]byte("doublerandom/v2/simulate"))
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(base))))
	h.Write(base)
	h.Write(binary.BigEndian.AppendUint32(nil, uint32(j)))
	return h.Sum(nil)
}

// SimulateV2 draws plan over set under opt.Runs made-up seeds and
// summarises what the draws did. It honours ctx between runs. Errors are
// those of [DrawV2] (a plan that cannot be drawn cannot be simulated).
func SimulateV2(ctx context.Context, plan *PlanV2, set *roster.Set, opt SimulateOptions) (*Simulation, error) {
	if opt.Runs < 1 || opt.Runs > maxSimulateRuns {
		return nil, fmt.Errorf("random: simulate: %d runs, want 1..%d", opt.Runs, maxSimulateRuns)
	}
	if plan == nil || set == nil {
		return nil, errors.New("random: simulate: no plan or no tables")
	}
	base := opt.Base
	if base == nil {
		d := plan.Digest()
		base = d[:]
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	workers = min(workers, opt.Runs)

	nt, ni, np := len(plan.Tasks), set.Inspectors.Len(), set.Premises.Len()
	sim := &Simulation{Runs: opt.Runs, Tasks: make([]TaskSimulation, nt),
		Inspectors: make([]InspectorSimulation, ni), Premises: make([]PremisesSimulation, np)}
	for t := range sim.Tasks {
		sim.Tasks[t].ID = plan.Tasks[t].ID
		for _, d := range []*Distribution{&sim.Tasks[t].Quota, &sim.Tasks[t].Shortfall, &sim.Tasks[t].Unstaffed} {
			d.Values = make([]int, opt.Runs)
		}
	}
	sim.Visits.Values = make([]int, opt.Runs)
	sim.Unstaffed.Values = make([]int, opt.Runs)
	for i := range sim.Inspectors {
		sim.Inspectors[i].ID = set.Inspectors.At(i).ID
	}
	for p := range sim.Premises {
		sim.Premises[p].ID = set.Premises.At(p).ID
	}

	// Each worker draws runs j ≡ w (mod workers) and keeps its own
	// counts; they are added up afterwards, so the result does not depend
	// on the scheduling.
	type counts struct {
		teams   []int
		maxLoad []int
		visited []int
		pairs   map[uint64]int // premises row << 32 | inspector row
		err     error
	}
	parts := make([]counts, workers)
	var mu sync.Mutex
	done := 0
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	for w := range workers {
		c := &parts[w]
		c.teams, c.maxLoad, c.visited = make([]int, ni), make([]int, ni), make([]int, np)
		c.pairs = map[uint64]int{}
		wg.Go(func() {
			for j := w; j < opt.Runs; j += workers {
				if err := ctx.Err(); err != nil {
					c.err = err
					return
				}
				r, err := DrawV2(ctx, plan, set, SimulateSeed(base, j), Options{Workers: 1})
				if err != nil {
					c.err = err
					cancel()
					return
				}
				sim.record(j, r, c.teams, c.maxLoad, c.visited, c.pairs)
				if opt.Progress != nil {
					mu.Lock()
					done++
					opt.Progress(done, opt.Runs)
					mu.Unlock()
				}
			}
		})
	}
	wg.Wait()
	for _, c := range parts {
		if c.err != nil && !errors.Is(c.err, context.Canceled) {
			return nil, c.err
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	pairs := map[uint64]int{}
	for _, c := range parts {
		for i := range ni {
			sim.Inspectors[i].Teams += c.teams[i]
			sim.Inspectors[i].MaxInDraw = max(sim.Inspectors[i].MaxInDraw, c.maxLoad[i])
		}
		for p := range np {
			sim.Premises[p].Visited += c.visited[p]
		}
		for k, n := range c.pairs {
			pairs[k] += n
		}
	}
	// The most frequent pair; ties to the smaller premises, then
	// inspector row (id order), whatever the map's order.
	var best uint64
	bestN := 0
	for k, n := range pairs {
		if n > bestN || n == bestN && k < best {
			best, bestN = k, n
		}
	}
	if bestN > 0 {
		sim.Pair = PairSimulation{Premises: set.Premises.At(int(best >> 32)).ID,
			Inspector: set.Inspectors.At(int(best & 0xffffffff)).ID, Runs: bestN}
	}
	return sim, nil
}

// record adds run j's draw to the simulation: the per-run distributions
// directly (each run writes its own index), the counts to a worker's own.
func (sim *Simulation) record(j int, r *ResultV2, teams, maxLoad, visited []int, pairs map[uint64]int) {
	for t, tr := range r.Tasks {
		sim.Tasks[t].Quota.Values[j] = tr.Quota
		sim.Tasks[t].Shortfall.Values[j] = tr.Shortfall
	}
	sim.Visits.Values[j] = len(r.Visits)
	for _, v := range r.Visits {
		visited[v.Premises]++
		if v.Unstaffed != StaffedV2 {
			sim.Unstaffed.Values[j]++
			for _, vt := range v.Tasks {
				sim.Tasks[vt.Task].Unstaffed.Values[j]++
			}
			continue
		}
		for _, m := range v.Team {
			pairs[uint64(v.Premises)<<32|uint64(m.Inspector)]++
		}
	}
	for i, l := range r.Load {
		teams[i] += l.Used
		maxLoad[i] = max(maxLoad[i], l.Used)
	}
}

// Busiest returns the inspectors in descending order of their total load
// (ties by id), at most n of them.
func (sim *Simulation) Busiest(n int) []InspectorSimulation {
	s := slices.Clone(sim.Inspectors)
	slices.SortStableFunc(s, func(a, b InspectorSimulation) int { return cmp.Compare(b.Teams, a.Teams) })
	return s[:min(n, len(s))]
}

// PreflightV2Runs is the number of made-up seeds [PreflightV2] draws.
const PreflightV2Runs = 100

// PreflightReportV2 is the pre-flight check of a v2 plan: the plan drawn
// under [PreflightV2Runs] made-up seeds ([SimulateV2] with the plan's
// digest as the base, so the same plan and tables always give the same
// report).
type PreflightReportV2 struct {
	PlanDigest roster.Hash
	Simulation *Simulation
}

// PreflightV2 checks a v2 plan against its tables before it is
// announced. Protocol v2's rules interact (a task's inspectors are used
// up by another's visits), so rather than checking rules one by one it
// draws the plan under made-up seeds and reports what went wrong in any
// of them ([PreflightReportV2.Problems]).
func PreflightV2(ctx context.Context, plan *PlanV2, set *roster.Set) (*PreflightReportV2, error) {
	sim, err := SimulateV2(ctx, plan, set, SimulateOptions{Runs: PreflightV2Runs})
	if err != nil {
		return nil, err
	}
	return &PreflightReportV2{PlanDigest: plan.Digest(), Simulation: sim}, nil
}

// Problems lists, one line each, the tasks that fell short of their want
// or left visits unstaffed in some simulated draw; it is empty when none
// did. The lines are what an announcement records when it is published
// despite them.
func (rep *PreflightReportV2) Problems() []string {
	if rep == nil || rep.Simulation == nil {
		return nil
	}
	sim := rep.Simulation
	var out []string
	for _, t := range sim.Tasks {
		if n := t.Shortfall.Positive(); n > 0 {
			out = append(out, fmt.Sprintf("task %s: short of its want in %d of %d simulated draws (by up to %d)", t.ID, n, sim.Runs, t.Shortfall.Max()))
		}
		if n := t.Unstaffed.Positive(); n > 0 {
			out = append(out, fmt.Sprintf("task %s: visits left unstaffed in %d of %d simulated draws (up to %d a draw)", t.ID, n, sim.Runs, t.Unstaffed.Max()))
		}
	}
	return out
}
