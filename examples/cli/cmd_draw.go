package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

func init() {
	register(command{
		name:    "draw",
		summary: "compute the draw of a folder's plan and tables (protocol §§2–7)",
		run:     runDraw,
	})
}

// runDraw computes a draw from DIR (plan.json and the tables) and a
// seed given as dice digits or hex, prints a readable summary, and with
// --view FILE writes the JSON view of protocol §7. It never overwrites
// an existing view file (exit 2): views are evidence, and a silent
// replacement is the failure this project exists to prevent. --view -
// writes the view to stdout instead of the summary.
func runDraw(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	dir := fs.String("dir", "", "folder with plan.json, premises, inspectors and optionally conflicts and history")
	dice := fs.String("seed-dice", "", "the seed as the dice digits read at the ceremony (white space is removed)")
	seedHex := fs.String("seed-hex", "", "the seed as hex (1 to 1024 bytes), e.g. a beacon's randomness")
	viewFile := fs.String("view", "", "write the JSON view of the draw to this new file (- for stdout)")
	encoding := fs.String("encoding", "auto", "encoding of the CSV files: auto, utf-8 or gbk")
	strict := fs.Bool("strict", false, "treat a bad unified social credit code as an error, not a warning")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("--dir is required")
	}
	if (*dice == "") == (*seedHex == "") {
		return usagef("give exactly one of --seed-dice and --seed-hex")
	}
	enc, err := roster.ParseEncoding(*encoding)
	if err != nil {
		return usagef("%v", err)
	}
	var seed []byte
	if *dice != "" {
		seed, err = random.DiceSeed(*dice)
		if err != nil {
			return fmt.Errorf("--seed-dice %q: %w", *dice, err)
		}
	} else {
		seed, err = hex.DecodeString(*seedHex)
		if err != nil {
			return fmt.Errorf("--seed-hex %q: not hex: %v", *seedHex, err)
		}
		if len(seed) < 1 || len(seed) > random.MaxSeedSize {
			return fmt.Errorf("--seed-hex %q: %d bytes, want 1..%d", *seedHex, len(seed), random.MaxSeedSize)
		}
	}
	if *viewFile != "" && *viewFile != "-" {
		if _, err := os.Lstat(*viewFile); err == nil {
			return fmt.Errorf("--view %s: the file exists; refusing to overwrite it", *viewFile)
		}
	}

	plan, err := random.LoadPlan(filepath.Join(*dir, "plan.json"))
	if err != nil {
		return err
	}
	set, err := roster.LoadDir(*dir, roster.Options{Encoding: enc, Strict: *strict})
	if err != nil {
		return err
	}
	res, err := random.Draw(context.Background(), plan, set, seed, random.Options{})
	if err != nil {
		return err
	}
	view, err := res.View().Encode()
	if err != nil {
		return err
	}
	switch *viewFile {
	case "":
	case "-":
		_, err := stdout.Write(view)
		return err
	default:
		if err := writeNew(*viewFile, view); err != nil {
			return err
		}
	}
	return printDrawSummary(stdout, res)
}

// writeNew creates name, failing if it exists, and writes b to it.
func writeNew(name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("--view %s: the file exists; refusing to overwrite it", name)
		}
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		os.Remove(name)
		return err
	}
	return f.Close()
}

// printDrawSummary writes the draw for people: the digests, the strata
// and the selected premises with their teams.
func printDrawSummary(w io.Writer, res *random.Result) error {
	counts := map[random.Mark]int{}
	staffed := 0
	for _, s := range res.Selected {
		counts[s.Mark]++
		if s.Unstaffed == random.Staffed {
			staffed++
		}
	}
	inScope, cooling := 0, 0
	for _, o := range res.Premises {
		if o.Scope == random.OutOfScopeNone {
			inScope++
		}
		if o.Cooling {
			cooling++
		}
	}
	plan := res.Plan
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "plan\t%s %s (%s)\n", plan.ID, plan.Date, plan.Digest())
	fmt.Fprintf(tw, "inputs\t%s\n", res.Inputs)
	fmt.Fprintf(tw, "key\t%s\n", res.Key)
	fmt.Fprintf(tw, "premises\t%d rows, %d in scope, %d cooling down, %d strata\n", len(res.Premises), inScope, cooling, len(res.Strata))
	fmt.Fprintf(tw, "selected\t%d (%d overdue, %d random, %d targeted), %d staffed, %d unstaffed\n",
		len(res.Selected), counts[random.MarkOverdue], counts[random.MarkRandom], counts[random.MarkTargeted], staffed, len(res.Selected)-staffed)
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "stratum\teligible\texcluded\tquota\tthreshold")
	for i := range res.Strata {
		st := &res.Strata[i]
		th := "-"
		if st.HasThreshold {
			th = random.FormatPriority(st.Threshold)
		}
		if st.NoQuotaRule() {
			th += " (no quota rule)"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%s\n", stratumName(st.Values), st.Eligible, st.Excluded, st.Quota, th)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "premises\tpriority\tmark\tstratum\tE(p)\tteam")
	for i := range res.Selected {
		s := &res.Selected[i]
		team := strings.Join(s.TeamIDs(), " ")
		if s.Unstaffed != random.Staffed {
			team = "unstaffed " + s.Unstaffed.Code() + ": " + s.Unstaffed.String()
			if s.MissingUnit != "" {
				team += " (" + s.MissingUnit + ")"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%s\n", s.ID, random.FormatPriority(s.Priority), s.Mark,
			stratumName(res.Strata[s.Stratum].Values), len(s.Eligible), team)
	}
	return tw.Flush()
}

func stratumName(values []string) string {
	if len(values) == 0 {
		return "(all)"
	}
	parts := make([]string, len(values))
	for i, v := range values {
		if v == "" {
			v = "(none)"
		}
		parts[i] = v
	}
	return strings.Join(parts, "/")
}
