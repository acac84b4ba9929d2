// Command gen writes the sample county's files. It is run by
//
//	go generate ./examples/internal/samplecounty
//
// and writes plan.json, premises.csv, inspectors.csv, conflicts.csv and
// history.csv into the folder named by -out (default "data"), from
// samplecounty.Generate with the default configuration. The -premises,
// -inspectors and -seed flags make other counties for experiments.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/doublerandom/doublerandom/examples/internal/samplecounty"
)

func main() {
	out := flag.String("out", "data", "folder to write the files into")
	cfg := samplecounty.DefaultConfig()
	flag.IntVar(&cfg.Premises, "premises", cfg.Premises, "number of premises")
	flag.IntVar(&cfg.Inspectors, "inspectors", cfg.Inspectors, "number of inspectors (0: scale with premises)")
	flag.Uint64Var(&cfg.Seed, "seed", cfg.Seed, "generator seed")
	flag.BoolVar(&cfg.Shuffle, "shuffle", false, "write the rows of every table in shuffled order, as registers export them")
	flag.BoolVar(&cfg.LongIDs, "long-ids", false, "premises ids of 18 to 22 bytes (licence numbers, sites of a credit code)")
	flag.Parse()
	if flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "gen: unexpected arguments:", flag.Args())
		os.Exit(2)
	}
	f, err := samplecounty.Generate(cfg)
	if err == nil {
		err = f.WriteDir(*out)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}
