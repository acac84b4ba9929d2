package main

import (
	"cmp"
	"context"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"text/tabwriter"
	"time"

	"github.com/doublerandom/doublerandom/random"
)

// runSimulate draws a v2 folder's plan under N made-up seeds
// (random.SimulateV2) and prints what the draws did: per task the
// quota, shortfall and unstaffed visits as min/mean/max, the inspectors'
// mean and largest loads (the busiest few), the largest probability of
// one inspector inspecting one premises, and the premises selected most
// often. Progress goes to stderr; Ctrl-C stops the runs.
func runSimulate(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	dir := fs.String("dir", "", "folder with a v2 plan.json and the tables")
	runs := fs.Int("runs", 0, "number of simulated draws (1 to 1000000)")
	seedBase := fs.String("seed-base", "", "hex bytes the simulated seeds derive from (default: the plan's digest)")
	top := fs.Int("top", 10, "how many inspectors and premises to list")
	var tf tableFlags
	tf.define(fs)
	var vf v2Flags
	vf.define(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" || *runs == 0 {
		return usagef("--dir and --runs are required")
	}
	if *runs < 1 || *runs > 1_000_000 {
		return usagef("--runs %d: want 1 to 1000000", *runs)
	}
	var base []byte
	if *seedBase != "" {
		b, err := hex.DecodeString(*seedBase)
		if err != nil || len(b) == 0 {
			return usagef("--seed-base %q: want hex bytes", *seedBase)
		}
		base = b
	}
	proto, err := folderProtocol(*dir)
	if err != nil {
		return err
	}
	if proto != random.ProtocolV2 {
		return fmt.Errorf("--dir %s: plan.json is not a plan of %s; simulate draws v2 plans", *dir, random.ProtocolV2)
	}
	stderr := stderrFor(fs)
	plan, set, err := loadDirV2(*dir, tf, vf, nil) // nothing is published: no warning about the test key
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	// Progress about once a second on long runs, and when done.
	start, last := time.Now(), time.Now()
	sim, err := random.SimulateV2(ctx, plan, set, random.SimulateOptions{Runs: *runs, Base: base,
		Progress: func(done, total int) {
			if now := time.Now(); now.Sub(last) >= time.Second || done == total {
				last = now
				fmt.Fprintf(stderr, "simulate: %d of %d draws (%s)\n", done, total, now.Sub(start).Round(100*time.Millisecond))
			}
		}})
	if err != nil {
		return err
	}
	return printSimulation(stdout, sim, *top)
}

func printSimulation(w io.Writer, sim *random.Simulation, top int) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	mmm := func(d random.Distribution) string {
		return fmt.Sprintf("%d/%.2f/%d", d.Min(), d.Mean(), d.Max())
	}
	fmt.Fprintf(tw, "runs\t%d (made-up seeds: this shows what the plan does, not what the real draw will select)\n", sim.Runs)
	fmt.Fprintf(tw, "visits\t%s (min/mean/max)\n", mmm(sim.Visits))
	fmt.Fprintf(tw, "unstaffed visits\t%s, in %d of %d runs\n", mmm(sim.Unstaffed), sim.Unstaffed.Positive(), sim.Runs)
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "task\tquota min/mean/max\tshortfall min/mean/max\tunstaffed min/mean/max\truns with shortfall\truns with unstaffed")
	for _, t := range sim.Tasks {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\n", t.ID, mmm(t.Quota), mmm(t.Shortfall), mmm(t.Unstaffed), t.Shortfall.Positive(), t.Unstaffed.Positive())
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "busiest inspectors\tmean teams per draw\tmost in one draw")
	for _, in := range sim.Busiest(top) {
		fmt.Fprintf(tw, "%s\t%.2f\t%d\n", in.ID, in.MeanLoad(sim.Runs), in.MaxInDraw)
	}
	fmt.Fprintln(tw)
	if sim.Pair.Runs > 0 {
		fmt.Fprintf(tw, "largest pair probability\t%.4f: inspector %s on the team of %s in %d of %d runs\n",
			float64(sim.Pair.Runs)/float64(sim.Runs), sim.Pair.Inspector, sim.Pair.Premises, sim.Pair.Runs, sim.Runs)
	} else {
		fmt.Fprintf(tw, "largest pair probability\t0: no visit was ever staffed\n")
	}
	fmt.Fprintln(tw)
	ps := slices.Clone(sim.Premises)
	slices.SortStableFunc(ps, func(a, b random.PremisesSimulation) int { return cmp.Compare(b.Visited, a.Visited) })
	fmt.Fprintln(tw, "premises selected most often\tselection frequency")
	for _, p := range ps[:min(top, len(ps))] {
		if p.Visited == 0 {
			break
		}
		fmt.Fprintf(tw, "%s\t%.4f (%d of %d runs)\n", p.ID, float64(p.Visited)/float64(sim.Runs), p.Visited, sim.Runs)
	}
	return tw.Flush()
}
