package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// runDraw computes a draw from DIR (plan.json and the tables) and a
// seed given as dice digits or hex, prints a readable summary, and with
// --view FILE writes the JSON view of protocol §7. It never overwrites
// an existing view file (exit 2): views are evidence, and a silent
// replacement is the failure this project exists to prevent. --view -
// writes the view to stdout instead of the summary.
func runDraw(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	dir := fs.String("dir", "", "folder with plan.json, premises, inspectors and optionally conflicts and history")
	var sf seedFlags
	sf.define(fs)
	viewFile := fs.String("view", "", "write the JSON view of the draw to this new file (- for stdout)")
	var tf tableFlags
	tf.define(fs)
	var lf ledgerDrawFlags
	lf.define(fs)
	var vf v2Flags
	vf.define(fs)
	stream := fs.Bool("stream", false, "read the premises from premises.csv in two passes instead of into memory, for tables too large for it; a file not in id order is sorted first, in temporary files")
	streamMem := fs.Int64("stream-mem", defaultStreamMem, "with --stream, the bytes of rows the sort of a file not in id order holds in memory at a time")
	streamTmp := fs.String("stream-tmp", "", "with --stream, the folder for the sort's temporary files (default: the system's)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("--dir is required")
	}
	if !*stream {
		var given []string
		fs.Visit(func(f *flag.Flag) {
			if f.Name == "stream-mem" || f.Name == "stream-tmp" {
				given = append(given, "--"+f.Name)
			}
		})
		if len(given) > 0 {
			return usagef("%s needs --stream", strings.Join(given, " and "))
		}
	}
	if lf.ledger != "" && *stream {
		return usagef("--stream cannot be used with --ledger")
	}
	if lf.ledger != "" {
		if sf.hex != "" {
			return usagef("--seed-hex cannot be used with --ledger: the seed comes from the announced sources")
		}
		return runLedgerDraw(&lf, *dir, tf, vf, sf.dice, *viewFile, stdout)
	}
	if lf.used() {
		return usagef("--key, --witness-key, --reveal, --beacon-json and --at need --ledger")
	}
	seed, err := sf.seed()
	if err != nil {
		return err
	}
	proto, err := folderProtocol(*dir)
	if err != nil {
		return err
	}
	if proto == random.ProtocolV2 {
		if *stream {
			return usagef("--stream: the streaming draw is for protocol v1 plans; %s has a v2 plan", *dir)
		}
		return drawV2(*dir, tf, vf, seed, *viewFile, stderrFor(fs), stdout)
	}
	if vf.used() {
		return usagef("--blinding-key and --published apply to v2 plans")
	}
	if *stream {
		return runDrawStream(*dir, tf, seed, *viewFile, *streamMem, *streamTmp, stdout)
	}
	plan, set, err := loadDir(*dir, tf)
	if err != nil {
		return err
	}
	res, err := random.Draw(context.Background(), plan, set, seed, random.Options{})
	if err != nil {
		return err
	}
	if *viewFile == "-" {
		view, err := res.View().Encode()
		if err != nil {
			return err
		}
		_, err = stdout.Write(view)
		return err
	}
	// The summary is written for people while the view is encoded and
	// written, off the path to the view.
	var summary bytes.Buffer
	summed := make(chan error, 1)
	go func() { summed <- printDrawSummary(&summary, res) }()
	view, err := res.View().Encode()
	if err == nil && *viewFile != "" {
		err = createNew("--view", *viewFile, view)
	}
	if serr := <-summed; err == nil {
		err = serr
	}
	if err != nil {
		return err
	}
	_, err = stdout.Write(summary.Bytes())
	return err
}

// ledgerDrawFlags are the flags of a draw published into a ledger.
type ledgerDrawFlags struct {
	writerFlags
	beaconJSON string
	reveals    listFlag
	sealed     string
}

func (f *ledgerDrawFlags) define(fs *flag.FlagSet) {
	f.writerFlags.define(fs, "publish the draw into this ledger, for its announcement not yet drawn", "time of the draw, with --ledger")
	fs.Var(&f.reveals, "reveal", "commit-reveal participant NAME=SECRET (hex), repeatable, with --ledger")
	fs.StringVar(&f.beaconJSON, "beacon-json", "", "the promised drand round as drand serves it (JSON file), with --ledger")
	fs.StringVar(&f.sealed, "sealed", "", "seal the draw: publish only its seal and write the draw to this new, private file (mode 0600, outside the ledger folder) for unseal, with --ledger")
}

func (f *ledgerDrawFlags) used() bool {
	return f.key != "" || f.beaconJSON != "" || f.at != "" || len(f.witness) > 0 || len(f.reveals) > 0 || f.sealed != ""
}

// runLedgerDraw draws for the ledger's announcement that has no draw
// yet, with evidence for each announced seed source, and publishes the
// draw record. The ledger refuses a second draw for one announcement.
func runLedgerDraw(f *ledgerDrawFlags, dir string, tf tableFlags, vf v2Flags, dice, viewFile string, stdout io.Writer) error {
	if f.key == "" {
		return usagef("--key is required with --ledger")
	}
	if f.sealed != "" {
		if viewFile != "" {
			return usagef("--view cannot be used with --sealed: the sealed draw stays in the --sealed file until unseal")
		}
		if err := checkSealedFile(f.sealed, f.ledger); err != nil {
			return err
		}
	}
	if viewFile != "" && viewFile != "-" {
		// The draw is published before the view is written: refuse first.
		if err := checkNew("--view", viewFile); err != nil {
			return err
		}
	}
	tb, err := loadTables(dir, tf, vf, f.key, false, tf.stderr) // v1 or v2: publish_v2.go
	if err != nil {
		return err
	}
	set := tb.set
	l, signers, when, rec, err := f.openRecord()
	if err != nil {
		return err
	}
	defer l.Close()
	ann := rec.Undrawn()
	if ann == nil {
		for _, s := range rec.Seals() {
			if rec.ReleasedBy(s.Digest) == nil {
				return fmt.Errorf("--ledger %s: no open announcement: the draw of the last one is sealed by %s; publish it with unseal when the inspections are done", f.ledger, s.File)
			}
		}
		return fmt.Errorf("--ledger %s: no open announcement (each is drawn or withdrawn); a re-draw is an amendment (amend --redraw --reason TEXT) and a new announcement", f.ledger)
	}
	var evidence []random.SeedEvidence
	for i, p := range ann.Announcement.Seed {
		switch p.Kind {
		case random.SourceDice:
			if dice == "" {
				return usagef("%s promises a dice ceremony (source %d): give --seed-dice", ann.File, i+1)
			}
			e, err := random.DiceSource{Ceremony: *p.Ceremony, Digits: dice}.Evidence()
			if err != nil {
				return fmt.Errorf("--seed-dice %q: %w", dice, err)
			}
			evidence = append(evidence, e)
		case random.SourceCommitReveal:
			var rs []random.Reveal
			for _, r := range f.reveals {
				name, secret, ok := strings.Cut(r, "=")
				b, err := hex.DecodeString(secret)
				if !ok || err != nil || len(b) == 0 {
					return fmt.Errorf("--reveal %q: want NAME=SECRET with the secret in hex", r)
				}
				rs = append(rs, random.Reveal{Name: name, Secret: b})
			}
			e, err := random.CommitRevealSource{Commitments: p.Commitments, Reveals: rs}.Evidence()
			if err != nil {
				return fmt.Errorf("--reveal: %w", err)
			}
			evidence = append(evidence, e)
		case random.SourceBeacon:
			if f.beaconJSON == "" {
				return usagef("%s promises drand round %d (source %d): give --beacon-json", ann.File, p.Round, i+1)
			}
			b, err := os.ReadFile(f.beaconJSON)
			if err != nil {
				return err
			}
			var beacon random.Beacon
			if err := json.Unmarshal(b, &beacon); err != nil {
				return fmt.Errorf("--beacon-json %s: %w", f.beaconJSON, err)
			}
			e, err := random.BeaconSource{Chain: *p.Chain, Round: p.Round, Beacon: &beacon}.Evidence()
			if err != nil {
				return fmt.Errorf("--beacon-json %s: %w", f.beaconJSON, err)
			}
			evidence = append(evidence, e)
		default:
			return fmt.Errorf("%s: seed source %d (%s) is not supported by this tool", ann.File, i+1, p.Kind)
		}
	}
	if ann.PlanV2() != nil {
		if f.sealed != "" {
			return usagef("--sealed: sealed draws are for protocol v1 plans; %s has a v2 plan", ann.File)
		}
		return runLedgerDrawV2(l, signers, ann, set, evidence, when, viewFile, stdout)
	}
	if f.sealed != "" {
		res, _, d, err := publish.SealDraw(context.Background(), l, signers, ann.Digest, set, evidence, when,
			publish.SealOptions{Keep: func(b []byte) error { return writePrivate("--sealed", f.sealed, b) }})
		if err != nil {
			return err
		}
		published(stdout, l, "sealed", d)
		fmt.Fprintf(stdout, "the draw of %s (%d selected) is sealed in %s: keep it private, and publish it when the inspections are done:\n  cli unseal --ledger %s --key KEY --file %s\n",
			ann.File, len(res.Selected), f.sealed, f.ledger, f.sealed)
		return nil
	}
	res, d, err := publish.PublishDraw(context.Background(), l, signers, ann.Digest, set, evidence, when)
	if err != nil {
		return err
	}
	if done, err := writeView(viewFile, res.View().Encode, stdout); done || err != nil {
		return err
	}
	if err := printDrawSummary(stdout, res); err != nil {
		return err
	}
	published(stdout, l, "published", d)
	return nil
}

// writeView writes the encoded view of a draw where --view says:
// nowhere (""), to stdout ("-", and then nothing else: done is true) or
// to a new file.
func writeView(viewFile string, encode func() ([]byte, error), stdout io.Writer) (done bool, err error) {
	view, err := encode()
	if err != nil {
		return false, err
	}
	switch viewFile {
	case "":
	case "-":
		_, err := stdout.Write(view)
		return true, err
	default:
		if err := createNew("--view", viewFile, view); err != nil {
			return false, err
		}
	}
	return false, nil
}

// printDrawSummary writes the draw for people: the digests, the strata
// and the selected premises with their teams.
func printDrawSummary(w io.Writer, res *random.Result) error {
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
	summaryHead(tw, plan.ID, plan.Date, plan.Digest(), res.Inputs, res.Key)
	fmt.Fprintf(tw, "premises\t%d rows, %d in scope, %d cooling down, %d strata\n", len(res.Premises), inScope, cooling, len(res.Strata))
	summarySelected(tw, res.Selected)
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
			stratumName(res.Strata[s.Stratum].Values), s.EligibleCount, team)
	}
	return tw.Flush()
}

// summaryHead writes the first lines of a draw summary (every
// protocol): the plan, the inputs digest and the draw key.
func summaryHead(tw io.Writer, id string, date roster.Date, digest, inputs roster.Hash, key random.Key) {
	fmt.Fprintf(tw, "plan\t%s %s (%s)\n", id, date, digest)
	fmt.Fprintf(tw, "inputs\t%s\n", inputs)
	fmt.Fprintf(tw, "key\t%s\n", key)
}

// summarySelected writes the "selected" line of a v1 draw summary: how
// many of each mark, staffed and unstaffed.
func summarySelected(tw io.Writer, selected []random.Selection) {
	counts := map[random.Mark]int{}
	staffed := 0
	for _, s := range selected {
		counts[s.Mark]++
		if s.Unstaffed == random.Staffed {
			staffed++
		}
	}
	fmt.Fprintf(tw, "selected\t%d (%d overdue, %d random, %d targeted), %d staffed, %d unstaffed\n",
		len(selected), counts[random.MarkOverdue], counts[random.MarkRandom], counts[random.MarkTargeted], staffed, len(selected)-staffed)
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

// drawV2 is runDraw for a folder with a v2 plan: the view is that of
// protocol v2 §7.
func drawV2(dir string, tf tableFlags, vf v2Flags, seed []byte, viewFile string, warn, stdout io.Writer) error {
	plan, set, err := loadDirV2(dir, tf, vf, warn)
	if err != nil {
		return err
	}
	res, err := random.DrawV2(context.Background(), plan, set, seed, random.Options{})
	if err != nil {
		return err
	}
	if done, err := writeView(viewFile, res.View().Encode, stdout); done || err != nil {
		return err
	}
	return printDrawSummaryV2(stdout, res)
}
