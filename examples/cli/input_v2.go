package main

import (
	"bytes"
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

// v2Flags say how a v2 folder's private attributes are committed.
type v2Flags struct {
	blindingKey string
	published   bool
}

func (f *v2Flags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.blindingKey, "blinding-key", "", "v2: file holding the agency's blinding key, 64 hex digits (default: the all-zero test key of the vectors)")
	fs.BoolVar(&f.published, "published", false, "v2: the tables are in published form: private values are their digests D")
}

func (f v2Flags) used() bool { return f.blindingKey != "" || f.published }

// folderProtocol sniffs the protocol of DIR/plan.json: random.ProtocolV2
// for a v2 plan, else random.Protocol (no plan, a v1 plan, or one that
// names neither, which the v1 reader then refuses as before).
func folderProtocol(dir string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, "plan.json"))
	if errors.Is(err, os.ErrNotExist) {
		return random.Protocol, nil
	}
	if err != nil {
		return random.Protocol, nil // the v1 reader reports it, as before
	}
	if p, err := random.PlanProtocol(b); err == nil && p == random.ProtocolV2 {
		return p, nil
	}
	return random.Protocol, nil
}

// commitment reads the blinding key, or says that the tables are
// published. Without either, private attributes are committed with the
// all-zero key (what the v2 vectors use), and warn says so when the plan
// has private attributes.
func (f v2Flags) commitment(plan *random.PlanV2, warn io.Writer) (roster.Commitment, error) {
	switch {
	case f.published && f.blindingKey != "":
		return roster.Commitment{}, usagef("--published tables need no --blinding-key")
	case f.published:
		return roster.Commitment{Published: true}, nil
	case f.blindingKey != "":
		b, err := os.ReadFile(f.blindingKey)
		if err != nil {
			return roster.Commitment{}, fmt.Errorf("--blinding-key: %w", err)
		}
		key, err := hex.DecodeString(string(bytes.TrimSpace(b)))
		if err != nil || len(key) != roster.BlindingKeySize {
			return roster.Commitment{}, fmt.Errorf("--blinding-key %s: want %d bytes as %d hex digits", f.blindingKey, roster.BlindingKeySize, 2*roster.BlindingKeySize)
		}
		return roster.Commitment{Key: key}, nil
	}
	if len(plan.Private) > 0 && warn != nil {
		fmt.Fprintf(warn, "warning: no --blinding-key: private attributes are committed with the all-zero test key, so anyone can test guesses of them; use --blinding-key FILE for real tables\n")
	}
	return roster.Commitment{Key: make([]byte, roster.BlindingKeySize)}, nil
}

// loadDirV2 reads a v2 folder's plan and tables.
func loadDirV2(dir string, tf tableFlags, vf v2Flags, warn io.Writer) (*random.PlanV2, *roster.Set, error) {
	opt, err := tf.options()
	if err != nil {
		return nil, nil, err
	}
	plan, err := random.LoadPlanV2(filepath.Join(dir, "plan.json"))
	if err != nil {
		return nil, nil, err
	}
	if opt.Commitment, err = vf.commitment(plan, warn); err != nil {
		return nil, nil, err
	}
	opt.Protocol = roster.ProtocolV2
	set, err := roster.LoadDir(dir, opt)
	if err != nil {
		return nil, nil, err
	}
	return plan, set, nil
}

// printDrawSummaryV2 writes a readable summary of a v2 draw.
func printDrawSummaryV2(w io.Writer, res *random.ResultV2) error {
	plan := res.Plan
	staffed := 0
	for _, v := range res.Visits {
		if v.Team != nil {
			staffed++
		}
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	summaryHead(tw, plan.ID, plan.Date, plan.Digest(), res.Inputs, res.Key)
	fmt.Fprintf(tw, "visits\t%d, %d staffed, %d unstaffed\n", len(res.Visits), staffed, len(res.Visits)-staffed)
	fmt.Fprintf(tw, "unknown references\t%d conflict rows, %d history rows\n", res.UnknownConflicts, res.UnknownHistory)
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "task\tpool\tcooling\teligible\toverdue\twant\tquota\tshortfall")
	for i, t := range res.Tasks {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\n", plan.Tasks[i].ID, t.Pool, t.Cooling, t.Eligible, t.Overdue, t.Want, t.Quota, t.Shortfall)
	}
	fmt.Fprintln(tw)
	fmt.Fprintln(tw, "premises\tpriority\ttasks\tE(v)\tteam")
	for _, v := range res.Visits {
		var tasks []string
		for _, t := range v.Tasks {
			tasks = append(tasks, plan.Tasks[t.Task].ID+":"+t.Mark.String())
		}
		team := "unstaffed " + v.Unstaffed.Code()
		if v.Team != nil {
			var ids []string
			for _, m := range v.Team {
				ids = append(ids, m.ID)
			}
			team = strings.Join(ids, " ")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", v.ID, random.FormatPriority(v.Priority), strings.Join(tasks, " "), v.EligibleCount, team)
	}
	return tw.Flush()
}
