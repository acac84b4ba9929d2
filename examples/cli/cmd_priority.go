package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// runPriority prints P = first 8 bytes of H(K || 0x01 || lp(id)) as 16
// hex digits: what a business owner compares with their stratum's
// threshold; with --weight w (protocol v2 §4), the weighted priority W.
func runPriority(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	keyHex := fs.String("key", "", "the draw key K, 64 hex digits, as published in the draw record")
	id := fs.String("id", "", "the premises id, exactly as in the roster")
	weight := fs.Int("weight", 1, "v2: the premises' weight w in a weighted task; prints W = min(P, P_1, …, P_{w-1}), what the task's threshold is compared with")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *keyHex == "" || *id == "" {
		return usagef("--key and --id are required")
	}
	key, err := random.ParseKey(*keyHex)
	if err != nil {
		return fmt.Errorf("--key: %w", err)
	}
	if err := roster.ValidName(*id); err != nil {
		return fmt.Errorf("--id %q: %w", *id, err)
	}
	if *weight < 1 || *weight > random.MaxWeight {
		return usagef("--weight %d: want 1..%d", *weight, random.MaxWeight)
	}
	_, err = fmt.Fprintln(stdout, random.FormatPriority(key.WeightedPriority(*id, *weight)))
	return err
}
