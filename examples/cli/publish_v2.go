package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// Protocol v2 in the publication commands. The agency's blinding key
// (protocol v2 §1: 32 secret bytes from which the salts of private
// attributes are derived) is kept in a file beside the signer key:
// PREFIX.blind for PREFIX.key, 64 hex digits and a newline, mode 0600,
// never published. announce creates it when the plan of a v2 folder has
// private attributes and it does not exist yet; the other commands that
// take --key read it from there; --blinding-key FILE names another file.
// Without a signer key (verify, notice, explain, simulate) the key comes
// from --blinding-key, or the tables are in published form
// (--published), or, as for draw --view, the all-zero test key of the
// vectors is used with a warning.

// defineBlinding defines --blinding-key only (commands that read full
// tables with the signer key).
func defineBlinding(fs *flag.FlagSet, vf *v2Flags) {
	fs.StringVar(&vf.blindingKey, "blinding-key", "", "v2: file holding the agency's blinding key, 64 hex digits (default: PREFIX.blind beside --key)")
}

// blindingBeside returns PREFIX.blind for the signer key PREFIX.key.
func blindingBeside(signerKey string) string {
	return strings.TrimSuffix(signerKey, ".key") + ".blind"
}

// createBlindingKey writes a new random blinding key to name, never
// replacing a file.
func createBlindingKey(name string) error {
	key := make([]byte, roster.BlindingKeySize)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("blinding key %s: %w", name, err)
	}
	if _, err := fmt.Fprintf(f, "%s\n", hex.EncodeToString(key)); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// tables is what a publication command read from a table folder: the
// plan of its protocol and the tables.
type tables struct {
	plan   *random.Plan
	planV2 *random.PlanV2
	set    *roster.Set
}

// loadTables reads a table folder of either protocol. For a v2 folder
// without --blinding-key or --published, the blinding key is
// PREFIX.blind beside the signer key when there is one (created, with
// create, when the plan has private attributes and it is missing).
func loadTables(dir string, tf tableFlags, vf v2Flags, signerKey string, create bool, warn io.Writer) (*tables, error) {
	proto, err := folderProtocol(dir)
	if err != nil {
		return nil, err
	}
	if proto != random.ProtocolV2 {
		if vf.used() {
			return nil, usagef("--blinding-key and --published apply to v2 plans")
		}
		plan, set, err := loadDir(dir, tf)
		if err != nil {
			return nil, err
		}
		return &tables{plan: plan, set: set}, nil
	}
	if !vf.used() && signerKey != "" {
		name := blindingBeside(signerKey)
		_, err := os.Stat(name)
		switch {
		case err == nil:
			vf.blindingKey = name
		case errors.Is(err, fs.ErrNotExist) && create:
			plan, perr := random.LoadPlanV2(dir + string(os.PathSeparator) + "plan.json")
			if perr != nil {
				return nil, perr
			}
			if len(plan.Private) > 0 {
				if err := createBlindingKey(name); err != nil {
					return nil, err
				}
				fmt.Fprintf(warn, "created the blinding key %s: keep it with the signer key, never publish it; every later command on these tables needs it\n", name)
				vf.blindingKey = name
			}
		}
	}
	plan, set, err := loadDirV2(dir, tf, vf, warn)
	if err != nil {
		return nil, err
	}
	return &tables{planV2: plan, set: set}, nil
}

// runLedgerDrawV2 publishes the draw of a v2 announcement and writes its
// view and summary.
func runLedgerDrawV2(l *publish.DirLedger, signers []publish.Signer, ann *publish.RecordDoc, set *roster.Set, evidence []random.SeedEvidence, when time.Time, viewFile string, stdout io.Writer) error {
	res, d, err := publish.PublishDrawV2(context.Background(), l, signers, ann.Digest, set, evidence, when)
	if err != nil {
		return err
	}
	if done, err := writeView(viewFile, res.View().Encode, stdout); done || err != nil {
		return err
	}
	if err := printDrawSummaryV2(stdout, res); err != nil {
		return err
	}
	published(stdout, l, "published", d)
	return nil
}

// explainV2 is explain for a v2 folder: per task for a premises, or per
// rule and slot for an inspector and a visit.
func explainV2(dir string, tf tableFlags, vf v2Flags, seed []byte, id, inspector string, warn, stdout io.Writer) error {
	plan, set, err := loadDirV2(dir, tf, vf, warn)
	if err != nil {
		return err
	}
	res, err := random.DrawV2(context.Background(), plan, set, seed, random.Options{})
	if err != nil {
		return err
	}
	var text fmt.Stringer
	if inspector != "" {
		text, err = res.ExplainInspector(id, inspector)
	} else {
		text, err = res.Explain(id)
	}
	return writeExplanation(stdout, res.Set, text, err)
}

// proveV2 is prove for a v2 folder: the row in published form (private
// values as their digests D, protocol v2 §9) and its v2 inclusion proof,
// which selfcheck checks against the announced root.
func proveV2(dir string, vf v2Flags, id, rowFile, proofFile string, warn, stdout io.Writer) error {
	plan, set, err := loadDirV2(dir, tableFlags{}, vf, warn)
	if err != nil {
		return err
	}
	pub, err := set.PublishedV2(plan.Private)
	if err != nil {
		return err
	}
	row, ok := pub.Premises.Lookup(id)
	if !ok {
		return fmt.Errorf("--id %q: no such premises in %s", id, dir)
	}
	published := roster.Commitment{Published: true}
	proof, err := pub.Premises.ProveV2(id, plan.Private, published)
	if err != nil {
		return err
	}
	root, err := pub.Premises.RootV2(plan.Private, published)
	if err != nil {
		return err
	}
	if err := writeRowAndProof(row, roster.Options{Protocol: roster.ProtocolV2}, proof, rowFile, proofFile); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s (v2 premises root %s)\n", rowFile, proofFile, root)
	return nil
}
