package main

import (
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/doublerandom/doublerandom/publish"
)

// runWitnessKeygen writes a witness key pair (Ed25519, C2SP
// cosignature/v1, key type 0x04): PREFIX.key (mode 0600) and PREFIX.pub.
func runWitnessKeygen(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	name := fs.String("name", "", "witness key name, e.g. its domain: witness.example.org/w1 (no spaces, no '+')")
	out := fs.String("out", "", "prefix of the key files to write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" || *out == "" {
		return usagef("--name and --out are required")
	}
	skey, vkey, err := publish.GenerateWitnessKey(rand.Reader, *name)
	if err != nil {
		return fmt.Errorf("--name %q: %w", *name, err)
	}
	if err := publish.WriteWitnessKeyFiles(*out, skey, vkey); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "wrote %s.key (keep it secret) and %s.pub\n%s\n", *out, *out, vkey)
	return err
}

// runWitnessCosign cosigns the ledger's latest checkpoint as the witness
// whose key is --key, keeping its state in --state. The witness knows the
// agency's key from --log-pub, a verifier key file it got from the agency
// out of band (and checks against the checkpoint it cosigned last): it
// cosigns only checkpoints signed by that key. The cosigned checkpoint is
// added to LEDGER/cosigned/. Exit 1 when it refuses (rollback, fork, a
// document dated after its clock), with the evidence on stdout.
func runWitnessCosign(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	keyFile := fs.String("key", "", "the witness's signer key file (PREFIX.key from witness keygen)")
	ledger := fs.String("ledger", "", "ledger folder whose checkpoint to cosign")
	state := fs.String("state", "", "the witness's state folder: the last checkpoint it cosigned, per ledger")
	logPub := fs.String("log-pub", "", "the agency's verifier key file (PREFIX.pub): the key that must have signed the checkpoint")
	at := fs.String("at", "", "the witness's time, RFC 3339, replacing its clock (for tests only)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *keyFile == "" || *ledger == "" || *state == "" || *logPub == "" {
		return usagef("--key, --ledger, --state and --log-pub are required")
	}
	clock := time.Now
	if *at != "" {
		t, err := actionTime(*at)
		if err != nil {
			return err
		}
		clock = func() time.Time { return t }
	}
	c, err := publish.LoadCosigner(*keyFile, clock)
	if err != nil {
		return err
	}
	logKey, err := publish.LoadVerifier(*logPub)
	if err != nil {
		return err
	}
	w, err := publish.NewWitness(c, *state)
	if err != nil {
		return err
	}
	l, err := openReader(*ledger)
	if err != nil {
		return err
	}
	defer l.Close()

	// A cosignature of this size by this witness is kept already: the
	// earliest time is the best bound, so keep it and add nothing.
	cp, err := l.Checkpoint()
	if err != nil {
		return err
	}
	head, err := publish.ParseSignedCheckpoint(cp)
	if err != nil {
		return ledgerError(err)
	}
	kept, err := l.ReadCosigned()
	if err != nil {
		return ledgerError(err)
	}
	for _, f := range kept {
		kc, t, found, err := publish.VerifyCosignature(f.Msg, c.Verifier())
		if err == nil && found && kc == head {
			fmt.Fprintf(stdout, "already cosigned: checkpoint %d of %s at %s (%s)\n", head.Size, l.Name(), t.Format(time.RFC3339), f.Name)
			return nil
		}
	}

	out, err := w.CosignLedger(l, logKey)
	if err != nil {
		var fe *publish.ForkError
		var re *publish.RollbackError
		var de *publish.FutureDocumentError
		switch {
		case errors.As(err, &fe):
			fmt.Fprint(stdout, "REFUSED: "+fe.Proof())
			return &mismatchError{msg: "refused to cosign: " + err.Error()}
		case errors.As(err, &re):
			fmt.Fprintf(stdout, "REFUSED: rollback: the ledger's checkpoint has %d documents, the witness cosigned %d before:\n%s", re.GotSize, re.KeptSize, re.Kept)
			return &mismatchError{msg: "refused to cosign: " + err.Error()}
		case errors.As(err, &de):
			fmt.Fprintf(stdout, "REFUSED: %s is dated %s, after the witness's clock %s\n", de.Doc, de.Claimed.UTC().Format(time.RFC3339), de.Witness.UTC().Format(time.RFC3339))
			return &mismatchError{msg: "refused to cosign: " + err.Error()}
		}
		return ledgerError(err)
	}
	name, err := l.AddCosigned(out)
	if err != nil {
		return fmt.Errorf("cosigned, but could not add it to the ledger (the witness's state has it): %w", err)
	}
	oc, t, _, err := publish.VerifyCosignature(out, c.Verifier())
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "cosigned checkpoint %d of %s at %s: %s\n", oc.Size, l.Name(), t.Format(time.RFC3339), name)
	return err
}
