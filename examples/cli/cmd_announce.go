package main

import (
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
)

// runAnnounce publishes the announcement of DIR's plan and tables into
// the ledger folder (created when it does not exist, named after the
// signing key unless --name says otherwise), with the seed sources
// given: a dice ceremony, commitments, a drand round, in that order.
func runAnnounce(fs *flag.FlagSet, args []string, stdout io.Writer) (retErr error) {
	dir := fs.String("dir", "", "folder with plan.json and the tables")
	var wf writerFlags
	wf.define(fs, "ledger folder (created if it does not exist)", "publication time")
	var commits listFlag
	dice := fs.String("dice-ceremony", "", `dice ceremony "WHEN, WHERE" (comma ',' or '，'); WHEN like 2026-11-22 09:30 (China Standard Time) or RFC 3339, e.g. "2026-11-22 09:30, 三楼会议室"`)
	round := fs.Uint64("beacon", 0, "drand round whose randomness is (part of) the seed; due after the announcement")
	chain := fs.String("beacon-chain", "quicknet", "drand chain of --beacon: quicknet or mainnet")
	fs.Var(&commits, "commit", "commit-reveal participant NAME=HEX (the commitment), repeatable")
	name := fs.String("name", "", "ledger name when creating the ledger (default: the signer key's name)")
	accept := fs.Bool("accept-problems", false, "publish despite pre-flight problems (a v2 plan's come from drawing it under made-up seeds); the announcement records them")
	var vf v2Flags
	defineBlinding(fs, &vf)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" || wf.ledger == "" || wf.key == "" {
		return usagef("--dir, --ledger and --key are required")
	}
	var promises []random.SeedPromise
	if *dice != "" {
		when, where, err := publish.ParseCeremony(*dice)
		if err != nil {
			return usagef("--dice-ceremony: %v", err)
		}
		// The record keeps the instant with +08:00.
		fmt.Fprintf(stderrFor(fs), "ceremony: %s (%s)\n", publish.FormatTime(when), where)
		promises = append(promises, random.DiceSource{Ceremony: random.Ceremony{When: publish.FormatTime(when), Where: where}}.Promise())
	}
	if len(commits) > 0 {
		var cs []random.Commitment
		for _, c := range commits {
			n, h, ok := strings.Cut(c, "=")
			b, err := hex.DecodeString(h)
			if !ok || err != nil || len(b) != 32 {
				return fmt.Errorf("--commit %q: want NAME=HEX with 64 hex digits", c)
			}
			var cm random.Commitment
			cm.Name = n
			copy(cm.Hash[:], b)
			cs = append(cs, cm)
		}
		promises = append(promises, random.CommitRevealSource{Commitments: cs}.Promise())
	}
	if *round > 0 {
		info, err := beaconChain(*chain)
		if err != nil {
			return err
		}
		promises = append(promises, random.BeaconSource{Chain: info, Round: *round}.Promise())
	}
	if len(promises) == 0 {
		return usagef("give a seed source: --dice-ceremony, --commit or --beacon")
	}
	tb, err := loadTables(*dir, tableFlags{}, vf, wf.key, true, stderrFor(fs)) // v1 or v2: publish_v2.go
	if err != nil {
		return err
	}
	var pre *random.PreflightReport
	var preV2 *random.PreflightReportV2
	if tb.plan != nil {
		if pre, err = preflightAnnounce(*dir, tb.plan, tb.set, promises, *accept); err != nil {
			return err
		}
	} else {
		if preV2, err = preflightAnnounceV2(*dir, tb.planV2, tb.set, promises, *accept); err != nil {
			return err
		}
	}
	_, statErr := os.Stat(wf.ledger)
	created := errors.Is(statErr, os.ErrNotExist)
	l, signers, when, err := wf.open(true, *name)
	if err != nil {
		return err
	}
	defer l.Close()
	// A ledger this command created holds nothing yet: when the library
	// refuses the announcement (a beacon round already past, say), it is
	// removed again, so that a refused command leaves nothing behind.
	defer func() {
		if created && retErr != nil {
			l.Close()
			os.RemoveAll(wf.ledger)
		}
	}()
	var d publish.Digest
	if tb.planV2 != nil {
		d, err = publish.AnnounceV2With(l, signers, tb.planV2, tb.set, promises, when, publish.AnnounceOptions{Preflight: true, AcceptProblems: *accept, ReportV2: preV2})
	} else {
		d, err = publish.AnnounceWith(l, signers, tb.plan, tb.set, promises, when, publish.AnnounceOptions{Preflight: true, AcceptProblems: *accept, Report: pre})
	}
	if err != nil {
		return err
	}
	problems := pre.Problems()
	if preV2 != nil {
		problems = preV2.Problems()
	}
	for _, p := range problems {
		fmt.Fprintf(stdout, "accepted pre-flight problem (recorded in the announcement): %s\n", p)
	}
	n, _ := l.Len()
	fmt.Fprintf(stdout, "announced %s %s\n", publish.DocFileName(n, publish.KindAnnouncement), d)
	for _, p := range promises {
		if p.Kind == random.SourceBeacon {
			fmt.Fprintf(stdout, "beacon round %d is due at %s\n", p.Round, p.Chain.RoundTime(p.Round).Format(time.RFC3339))
		}
	}
	return nil
}

// Helpers shared by the publication commands.

// listFlag collects a repeated flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// beaconChain returns the drand chain named by --beacon-chain.
func beaconChain(name string) (random.ChainInfo, error) {
	switch name {
	case "quicknet":
		return random.DrandQuicknet(), nil
	case "mainnet":
		return random.DrandMainnet(), nil
	}
	return random.ChainInfo{}, usagef("--beacon-chain %q: want quicknet or mainnet", name)
}

// actionTime reads --at (see publish.ParseTime: a time without an
// offset is China Standard Time), or returns the current time.
func actionTime(s string) (time.Time, error) {
	if s == "" {
		return time.Now().UTC().Truncate(time.Second), nil
	}
	t, err := publish.ParseTime(s)
	if err != nil {
		return time.Time{}, usagef("--at: %v", err)
	}
	return t, nil
}

// writerFlags are the flags of every command that appends to a ledger.
type writerFlags struct {
	ledger, key, at string
	witness         listFlag
	echo            io.Writer // where the time understood is echoed (stderr)
}

func (f *writerFlags) define(fs *flag.FlagSet, ledgerHelp, atHelp string) {
	fs.StringVar(&f.ledger, "ledger", "", ledgerHelp)
	fs.StringVar(&f.key, "key", "", "signer key file (PREFIX.key)")
	fs.Var(&f.witness, "witness-key", "a second signer's key file, e.g. the discipline inspection office (repeatable)")
	fs.StringVar(&f.at, "at", "", atHelp+", like 2026-11-20 10:00 (China Standard Time) or RFC 3339 (default: now)")
	f.echo = stderrFor(fs)
}

// open reads --at and the signer keys and opens the ledger to append to;
// with create it creates a missing ledger named name (default: the
// signer key's name). The caller closes the ledger.
func (f *writerFlags) open(create bool, name string) (*publish.DirLedger, []publish.Signer, time.Time, error) {
	when, err := actionTime(f.at)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	if f.at != "" && f.echo != nil {
		fmt.Fprintf(f.echo, "at: %s\n", publish.FormatTime(when))
	}
	var signers []publish.Signer
	for _, file := range append([]string{f.key}, f.witness...) {
		s, err := publish.LoadSigner(file)
		if err != nil {
			return nil, nil, time.Time{}, err
		}
		signers = append(signers, s)
	}
	l, err := openWriter(f.ledger, signers[0], name, create)
	if err != nil {
		return nil, nil, time.Time{}, err
	}
	return l, signers, when, nil
}

// openRecord opens the existing ledger to append to, as open does, and
// reads its record.
func (f *writerFlags) openRecord() (*publish.DirLedger, []publish.Signer, time.Time, *publish.Record, error) {
	l, signers, when, err := f.open(false, "")
	if err != nil {
		return nil, nil, time.Time{}, nil, err
	}
	rec, err := publish.ReadRecord(l)
	if err != nil {
		l.Close()
		return nil, nil, time.Time{}, nil, err
	}
	return l, signers, when, rec, nil
}

// openWriter opens a ledger folder to append to, with the record rules
// checked under its lock; with create it creates a missing ledger.
func openWriter(dir string, signer publish.Signer, name string, create bool) (*publish.DirLedger, error) {
	opts := publish.DirOptions{Signer: signer, Validate: publish.ValidateRecord}
	if _, err := os.Stat(filepath.Join(dir, "checkpoint")); errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, fmt.Errorf("--ledger %s: no ledger there (announce creates one)", dir)
		}
		if name == "" {
			name = signer.Name()
		}
		return publish.CreateDir(dir, name, opts)
	}
	l, err := publish.OpenDir(dir, opts)
	return l, ledgerError(err)
}

// openReader opens a ledger folder read-only.
func openReader(dir string) (*publish.DirLedger, error) {
	l, err := publish.OpenDir(dir, publish.DirOptions{})
	return l, ledgerError(err)
}

// ledgerError turns a damaged ledger into a verification failure (exit 1).
func ledgerError(err error) error {
	if err != nil && errors.Is(err, publish.ErrCorrupt) {
		return &mismatchError{msg: err.Error()}
	}
	return err
}

// lastLiveDraw returns the digest given by --draw, or the last draw no
// redraw voided.
func lastLiveDraw(r *publish.Record, flagValue string) (publish.Digest, error) {
	if flagValue != "" {
		d, err := publish.ParseDigest(flagValue)
		if err != nil {
			return d, fmt.Errorf("--draw %q: %v", flagValue, err)
		}
		return d, nil
	}
	live := r.LiveDraws()
	if len(live) == 0 {
		return publish.Digest{}, errors.New("the ledger holds no draw to refer to")
	}
	return live[len(live)-1].Digest, nil
}

// published names the document just appended.
func published(w io.Writer, l publish.Ledger, verb string, d publish.Digest) {
	n, _ := l.Len()
	b, _ := l.Read(n)
	kind := publish.KindAmendment
	if doc, err := publish.ParseSigned(b); err == nil {
		kind = doc.Kind
	}
	fmt.Fprintf(w, "%s %s %s\n", verb, publish.DocFileName(n, kind), d)
}
