package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// WitnessClockSkew is how far a witness's clock and the agency's clock may
// disagree. A witness refuses to cosign a document dated more than this
// after its clock, and [Verify] counts a witnessed time T (whole seconds)
// as "the document existed by T + 1s + WitnessClockSkew": a document dated
// later is future-dated, and an announcement is proven to precede its
// seed event only when that instant is not after the event.
const WitnessClockSkew = time.Minute

var (
	// ErrRollback reports a checkpoint smaller than one a witness
	// cosigned before: the ledger was rolled back.
	ErrRollback = errors.New("rollback: the ledger is smaller than a checkpoint a witness cosigned")
	// ErrFork reports two checkpoints of one ledger that no single
	// append-only history can hold: the same size with different roots,
	// or a newer one that does not extend an older one.
	ErrFork = errors.New("fork: two checkpoints of one ledger that no single history holds")
	// ErrFutureDated reports a document dated after the time witnesses
	// saw the ledger holding it.
	ErrFutureDated = errors.New("dated after the witnessed time")
)

// RollbackError reports a ledger smaller than a checkpoint that was
// cosigned: Kept is the larger cosigned checkpoint (a signed note, the
// proof) and Got the smaller checkpoint or ledger size seen now.
type RollbackError struct {
	Origin   string
	KeptSize int64
	GotSize  int64
	Kept     []byte // the signed (cosigned) checkpoint of KeptSize
	Got      []byte // the signed checkpoint of GotSize, when there is one
}

func (e *RollbackError) Error() string {
	return fmt.Sprintf("publish: ledger %s: rollback: it has %d documents, but a checkpoint of %d was cosigned", e.Origin, e.GotSize, e.KeptSize)
}

func (e *RollbackError) Unwrap() []error { return []error{ErrRollback, ErrInconsistent} }

// ForkError reports two checkpoints of one ledger that cannot both be
// honest. A and B are the signed checkpoints (A the older or the one kept,
// B the other); both carry the agency's signature, which makes the pair
// a proof anyone can check. B is nil when the other side is the ledger's
// own documents, whose tree at A's size has root Root. Err says why.
type ForkError struct {
	Origin string
	A, B   []byte
	Root   tlog.Hash
	Err    error
}

func (e *ForkError) Error() string {
	a, _ := ParseSignedCheckpoint(e.A)
	if e.B == nil {
		return fmt.Sprintf("publish: ledger %s: fork: cosigned checkpoint %d has root %s, the ledger's documents 1..%d give %s",
			e.Origin, a.Size, base64.StdEncoding.EncodeToString(a.Root[:]), a.Size, base64.StdEncoding.EncodeToString(e.Root[:]))
	}
	b, _ := ParseSignedCheckpoint(e.B)
	return fmt.Sprintf("publish: ledger %s: fork: checkpoints %s and %s: %v", e.Origin, a, b, e.Err)
}

func (e *ForkError) Unwrap() []error { return []error{ErrFork, ErrInconsistent, e.Err} }

// Proof returns the evidence of the fork for people: both signed notes in
// full, each indented by two spaces.
func (e *ForkError) Proof() string {
	var b strings.Builder
	b.WriteString("fork proof: two checkpoints of ledger " + e.Origin + " signed by its key, which no single append-only history holds\n")
	write := func(label string, msg []byte) {
		b.WriteString(label + ":\n")
		for _, l := range strings.SplitAfter(strings.TrimSuffix(string(msg), "\n"), "\n") {
			b.WriteString("  " + strings.TrimSuffix(l, "\n") + "\n")
		}
	}
	write("checkpoint A", e.A)
	if e.B != nil {
		write("checkpoint B", e.B)
	} else {
		a, _ := ParseSignedCheckpoint(e.A)
		fmt.Fprintf(&b, "the ledger's documents 1..%d: root %s\n", a.Size, base64.StdEncoding.EncodeToString(e.Root[:]))
	}
	return b.String()
}

// FutureDocumentError reports a document dated after a witness's clock
// (plus [WitnessClockSkew]): the witness refuses to cosign it.
type FutureDocumentError struct {
	Doc     string
	Seq     int64
	Claimed time.Time
	Witness time.Time
}

func (e *FutureDocumentError) Error() string {
	return fmt.Sprintf("publish: %s is dated %s, after the witness's clock (%s): it was published before its time",
		e.Doc, At(e.Claimed).Format(time.RFC3339Nano), At(e.Witness).Format(time.RFC3339))
}

func (e *FutureDocumentError) Unwrap() error { return ErrFutureDated }

// Witness is an independent party that cosigns the checkpoints of
// ledgers with its own time (C2SP tlog-cosignature/v1). It keeps, per
// ledger (checkpoint origin), the last checkpoint it cosigned, and
// cosigns a new one only when a consistency proof shows that it extends
// that one: it refuses a rollback (*RollbackError) and a fork
// (*ForkError). Its cosignature states: "at my time T, this is the
// largest consistent checkpoint of this ledger I have seen", and, when
// made by [Witness.CosignLedger], "and none of its documents was dated
// after T (+ WitnessClockSkew)".
//
// The state folder holds one file per ledger,
// "log-HEX.checkpoint" where HEX is the first 16 bytes of
// SHA-256(origin) in hex, with the last cosigned checkpoint (a signed
// note with the agency's signature and the witness's), replaced
// atomically (temporary file, sync, rename, sync), and a "lock" file that
// serialises witness processes. A witness writes its state before it
// hands out the cosignature, so a crash can lose a cosignature but never
// let the witness forget one it gave.
type Witness struct {
	c   *Cosigner
	dir string
}

// NewWitness returns a witness cosigning with c and keeping its state in
// dir, which it creates (mode 0700) when missing.
func NewWitness(c *Cosigner, dir string) (*Witness, error) {
	if c == nil {
		return nil, errors.New("publish: NewWitness: nil cosigner")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("publish: witness state: %w", err)
	}
	return &Witness{c: c, dir: dir}, nil
}

// Name returns the witness's key name.
func (w *Witness) Name() string { return w.c.Name() }

func (w *Witness) stateName(origin string) string {
	h := sha256.Sum256([]byte(origin))
	return "log-" + hex.EncodeToString(h[:16]) + ".checkpoint"
}

// Last returns the last checkpoint the witness cosigned for the ledger
// origin, the checkpoint and the time of its cosignature; msg is nil when
// it has cosigned none.
func (w *Witness) Last(origin string) (msg []byte, c Checkpoint, at time.Time, err error) {
	err = w.withLock(false, func() error {
		msg, c, at, err = w.last(origin)
		return err
	})
	return msg, c, at, err
}

func (w *Witness) last(origin string) ([]byte, Checkpoint, time.Time, error) {
	file := filepath.Join(w.dir, w.stateName(origin))
	msg, err := readCosigned(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, Checkpoint{}, time.Time{}, nil
	}
	if err != nil {
		return nil, Checkpoint{}, time.Time{}, fmt.Errorf("publish: witness state %s: %w", file, err)
	}
	c, at, found, err := VerifyCosignature(msg, w.c.Verifier())
	if err == nil && !found {
		err = errors.New("not cosigned by this witness")
	}
	if err == nil && c.Origin != origin {
		err = &MismatchError{Field: "origin", Want: origin, Got: c.Origin}
	}
	if err != nil {
		return nil, Checkpoint{}, time.Time{}, fmt.Errorf("publish: witness state %s: %w: %w", file, ErrCorrupt, err)
	}
	return msg, c, at, nil
}

func (w *Witness) withLock(exclusive bool, f func() error) error {
	lf, err := os.OpenFile(filepath.Join(w.dir, lockFileName), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return fmt.Errorf("publish: witness state: %w", err)
	}
	defer lf.Close()
	if err := lockFile(lf, exclusive); err != nil {
		return fmt.Errorf("publish: witness state: %w", err)
	}
	defer unlockFile(lf)
	return f()
}

// Cosign checks the signed checkpoint msg and, when it may, cosigns it.
// The checkpoint must carry a valid signature by logKey, the agency's key
// the witness was configured with for this ledger. With a checkpoint of
// the ledger cosigned before (size m, root r), msg (size n) must have
// n >= m (else *RollbackError), and proof must show that it extends the
// old one ([CheckConsistency]; proof from ConsistencyProof(m, n)), which
// for n == m means the same root (else *ForkError). The first checkpoint
// of a ledger is trusted as it is (trust on first use). The witness's
// clock must not be before its last cosignature of the ledger.
//
// It records the checkpoint as its state for the ledger, then returns msg
// with its cosignature added (any earlier signature of its own removed).
func (w *Witness) Cosign(logKey note.Verifier, msg []byte, proof tlog.TreeProof) ([]byte, error) {
	var out []byte
	err := w.withLock(true, func() error {
		var err error
		out, err = w.cosign(logKey, msg, proof, nil)
		return err
	})
	return out, err
}

func (w *Witness) cosign(logKey note.Verifier, msg []byte, proof tlog.TreeProof, check func(old Checkpoint, now time.Time) error) ([]byte, error) {
	if logKey == nil {
		return nil, errors.New("publish: cosign: no key for the ledger")
	}
	c, _, err := Policy{AllowUnknown: true}.OpenCheckpoint(msg, logKey)
	if err != nil {
		return nil, fmt.Errorf("publish: cosign: the checkpoint: %w", err)
	}
	old, oc, lastAt, err := w.last(c.Origin)
	if err != nil {
		return nil, err
	}
	if old != nil {
		if _, err := (Policy{AllowUnknown: true}).Open(old, logKey); err != nil {
			return nil, fmt.Errorf("publish: cosign: the ledger key %s did not sign the checkpoint of %s this witness cosigned last (size %d): a changed key is not accepted: %w",
				KeyID{logKey.Name(), logKey.KeyHash()}, c.Origin, oc.Size, err)
		}
		switch {
		case c.Size < oc.Size:
			return nil, &RollbackError{Origin: c.Origin, KeptSize: oc.Size, GotSize: c.Size, Kept: old, Got: msg}
		case c.Size == oc.Size && c.Root != oc.Root:
			return nil, &ForkError{Origin: c.Origin, A: old, B: msg, Err: errors.New("two different roots for one size")}
		}
		if err := CheckConsistency(oc, c, proof); err != nil {
			return nil, &ForkError{Origin: c.Origin, A: old, B: msg, Err: err}
		}
	}
	now := w.c.clock()
	if old != nil && now.Unix() < lastAt.Unix() {
		return nil, fmt.Errorf("publish: cosign: the witness's clock (%s) is before its last cosignature of %s (%s)",
			At(now).Format(time.RFC3339), c.Origin, At(lastAt).Format(time.RFC3339))
	}
	if check != nil {
		if err := check(oc, now); err != nil {
			return nil, err
		}
	}
	text, sigs, derr := splitNote(msg)
	if derr != nil {
		return nil, derr
	}
	sig, err := w.c.signAt(now, text)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.Write(text)
	b.WriteByte('\n')
	lines := bytes.SplitAfter(msg[len(text)+1:], []byte("\n"))
	for i, s := range sigs {
		if s.key != (KeyID{w.c.name, w.c.hash}) {
			b.Write(lines[i])
		}
	}
	fmt.Fprintf(&b, "— %s %s\n", w.c.name, base64.StdEncoding.EncodeToString(append(binary.BigEndian.AppendUint32(nil, w.c.hash), sig...)))
	out := b.Bytes()
	if _, _, derr := splitNote(out); derr != nil {
		return nil, fmt.Errorf("publish: cosign: %w", derr)
	}
	if err := writeAtomic(w.dir, w.stateName(c.Origin), out); err != nil {
		return nil, fmt.Errorf("publish: witness state: %w", err)
	}
	return out, nil
}

// CosignLedger cosigns the latest checkpoint of l (see [Witness.Cosign]),
// taking the consistency proof from l, after checking that no document
// added since the witness's last cosignature is dated after its clock
// plus [WitnessClockSkew] (*FutureDocumentError) and, when l offers
// inclusion proofs (as [DirLedger] does), that those documents are the
// ones the checkpoint covers.
func (w *Witness) CosignLedger(l Ledger, logKey note.Verifier) ([]byte, error) {
	msg, err := l.Checkpoint()
	if err != nil {
		return nil, err
	}
	c, err := ParseSignedCheckpoint(msg)
	if err != nil {
		return nil, fmt.Errorf("publish: cosign: the checkpoint: %w", err)
	}
	var out []byte
	err = w.withLock(true, func() error {
		_, oc, _, err := w.last(c.Origin)
		if err != nil {
			return err
		}
		var proof tlog.TreeProof
		if oc.Size <= c.Size {
			if proof, err = l.ConsistencyProof(oc.Size, c.Size); err != nil {
				return err
			}
		}
		out, err = w.cosign(logKey, msg, proof, func(old Checkpoint, now time.Time) error {
			return checkNewDocuments(l, logKey, old.Size, c, now)
		})
		return err
	})
	return out, err
}

// inclusionProver is a ledger that proves a document is in a checkpoint.
type inclusionProver interface {
	InclusionProof(seq, size int64) (tlog.RecordProof, error)
}

// checkNewDocuments checks documents from+1..c.Size of l against the
// witness's clock.
func checkNewDocuments(l Ledger, logKey note.Verifier, from int64, c Checkpoint, now time.Time) error {
	prover, _ := l.(inclusionProver)
	for seq := from + 1; seq <= c.Size; seq++ {
		b, err := l.Read(seq)
		if err != nil {
			return err
		}
		if prover != nil {
			p, err := prover.InclusionProof(seq, c.Size)
			if err == nil {
				err = CheckInclusion(c, seq, DigestOf(b), p)
			}
			if err != nil {
				return fmt.Errorf("publish: cosign: %w", err)
			}
		}
		if _, err := (Policy{AllowUnknown: true}).Open(b, logKey); err != nil {
			return fmt.Errorf("publish: cosign: document %d: %w", seq, err)
		}
		doc, err := ParseSigned(b)
		if err != nil {
			return fmt.Errorf("publish: cosign: document %d: %w", seq, err)
		}
		body, err := ParseBody(doc)
		if err != nil {
			return fmt.Errorf("publish: cosign: document %d: %w", seq, err)
		}
		if t := claimedTime(doc, body); t.After(now.Add(WitnessClockSkew)) {
			return &FutureDocumentError{Doc: DocFileName(seq, doc.Kind), Seq: seq, Claimed: t, Witness: now}
		}
	}
	return nil
}
