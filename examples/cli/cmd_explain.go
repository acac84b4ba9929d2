package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

func init() {
	register(command{
		name:    "explain",
		summary: "say in plain words why a premises (or an inspector for it) was or was not drawn",
		run:     runExplain,
	})
}

// runExplain replays the draw of DIR with the given seed and explains
// one premises: out of scope, cooling down, its stratum, rank, priority
// against the threshold, its mark and team. With --inspector it
// explains that inspector's eligibility for the premises instead.
func runExplain(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	dir := fs.String("dir", "", "folder with plan.json, premises, inspectors and optionally conflicts and history")
	dice := fs.String("seed-dice", "", "the seed as the dice digits read at the ceremony (white space is removed)")
	seedHex := fs.String("seed-hex", "", "the seed as hex (1 to 1024 bytes), e.g. a beacon's randomness")
	id := fs.String("id", "", "the premises id, exactly as in the roster")
	inspector := fs.String("inspector", "", "an inspector id: explain their eligibility for the premises")
	encoding := fs.String("encoding", "auto", "encoding of the CSV files: auto, utf-8 or gbk")
	strict := fs.Bool("strict", false, "treat a bad unified social credit code as an error, not a warning")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" || *id == "" {
		return usagef("--dir and --id are required")
	}
	res, err := explainDraw(*dir, *dice, *seedHex, *encoding, *strict)
	if err != nil {
		return err
	}
	var text fmt.Stringer
	if *inspector != "" {
		text, err = res.ExplainInspector(*id, *inspector)
	} else {
		text, err = res.Explain(*id)
	}
	var le *random.LookupError
	if errors.As(err, &le) {
		flagName, file := "--id", res.Set.Premises.File()
		if le.Kind == roster.KindInspectors {
			flagName, file = "--inspector", res.Set.Inspectors.File()
		}
		return fmt.Errorf("%s %q: %v (%s)", flagName, le.ID, le.Err, file)
	}
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, text.String())
	return err
}

// explainDraw loads DIR and replays its draw with a seed given as dice
// digits or hex, checked as the draw command checks them.
func explainDraw(dir, dice, seedHex, encoding string, strict bool) (*random.Result, error) {
	if (dice == "") == (seedHex == "") {
		return nil, usagef("give exactly one of --seed-dice and --seed-hex")
	}
	enc, err := roster.ParseEncoding(encoding)
	if err != nil {
		return nil, usagef("%v", err)
	}
	var seed []byte
	if dice != "" {
		seed, err = random.DiceSeed(dice)
		if err != nil {
			return nil, fmt.Errorf("--seed-dice %q: %w", dice, err)
		}
	} else {
		seed, err = hex.DecodeString(seedHex)
		if err != nil {
			return nil, fmt.Errorf("--seed-hex %q: not hex: %v", seedHex, err)
		}
		if len(seed) < 1 || len(seed) > random.MaxSeedSize {
			return nil, fmt.Errorf("--seed-hex %q: %d bytes, want 1..%d", seedHex, len(seed), random.MaxSeedSize)
		}
	}
	plan, set, err := explainLoad(dir, enc, strict)
	if err != nil {
		return nil, err
	}
	return random.Draw(context.Background(), plan, set, seed, random.Options{})
}

// explainLoad reads DIR's plan and tables.
func explainLoad(dir string, enc roster.Encoding, strict bool) (*random.Plan, *roster.Set, error) {
	plan, err := random.LoadPlan(filepath.Join(dir, "plan.json"))
	if err != nil {
		return nil, nil, err
	}
	set, err := roster.LoadDir(dir, roster.Options{Encoding: enc, Strict: strict})
	if err != nil {
		return nil, nil, err
	}
	return plan, set, nil
}
