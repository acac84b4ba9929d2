package publish

import (
	"bytes"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Checkpoint is the signed head of a ledger's Merkle log, in the C2SP
// tlog-checkpoint format. Its text is exactly three lines:
//
//	ORIGIN
//	SIZE
//	BASE64(ROOT)
//
// where ORIGIN is the ledger name, SIZE the number of documents in decimal
// and ROOT the RFC 6962 Merkle tree hash over the documents' digests (leaf
// i is the 32-byte digest of document i+1, so the leaf hash is
// SHA-256(0x00 || digest)). The text is signed as a note, normally by the
// agency's key.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   tlog.Hash
}

// emptyRoot is the RFC 6962 hash of the empty tree, SHA-256("").
var emptyRoot = tlog.Hash{
	0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9, 0x24,
	0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52, 0xb8, 0x55,
}

// MarshalText returns the checkpoint's note text.
func (c Checkpoint) MarshalText() ([]byte, error) {
	if err := checkName(c.Origin); err != nil {
		return nil, malformed(1, "checkpoint", "origin: %v", err)
	}
	if c.Size < 0 || c.Size > MaxSeq {
		return nil, malformed(2, "checkpoint", "size %d out of range", c.Size)
	}
	return fmt.Appendf(nil, "%s\n%d\n%s\n", c.Origin, c.Size, base64.StdEncoding.EncodeToString(c.Root[:])), nil
}

// ParseCheckpoint parses a checkpoint's note text, accepting only the
// three-line canonical form (no extension lines).
func ParseCheckpoint(text []byte) (Checkpoint, error) {
	var c Checkpoint
	if err := checkNoteText(text); err != nil {
		err.Field = "checkpoint"
		return c, err
	}
	lines := bytes.Split(text[:len(text)-1], []byte("\n"))
	if len(lines) != 3 {
		return c, malformed(0, "checkpoint", "want 3 lines, have %d", len(lines))
	}
	if err := checkName(string(lines[0])); err != nil {
		return c, malformed(1, "checkpoint", "origin: %v", err)
	}
	c.Origin = string(lines[0])
	size := string(lines[1])
	if size == "0" {
		c.Size = 0
	} else {
		n, err := parseSeq(size)
		if err != nil {
			return c, malformed(2, "checkpoint", "size: %v", err)
		}
		c.Size = n
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(string(lines[2]))
	if err != nil || len(raw) != tlog.HashSize || base64.StdEncoding.EncodeToString(raw) != string(lines[2]) {
		return c, malformed(3, "checkpoint", "root is not canonical base64 of 32 bytes")
	}
	copy(c.Root[:], raw)
	return c, nil
}

// String returns the checkpoint's text form on one line, for messages.
func (c Checkpoint) String() string {
	return c.Origin + " " + strconv.FormatInt(c.Size, 10) + " " + base64.StdEncoding.EncodeToString(c.Root[:])
}

// SignCheckpoint formats and signs a checkpoint.
func SignCheckpoint(c Checkpoint, signers ...Signer) ([]byte, error) {
	text, err := c.MarshalText()
	if err != nil {
		return nil, err
	}
	return Sign(text, signers...)
}

// ParseSignedCheckpoint checks that msg is a signed note in canonical form
// holding a checkpoint, without verifying signatures.
func ParseSignedCheckpoint(msg []byte) (Checkpoint, error) {
	text, _, err := splitNote(msg)
	if err != nil {
		return Checkpoint{}, err
	}
	return ParseCheckpoint(text)
}

// OpenCheckpoint verifies a signed checkpoint with the policy and parses it.
func (p Policy) OpenCheckpoint(msg []byte, verifiers ...note.Verifier) (Checkpoint, *Opened, error) {
	o, err := p.Open(msg, verifiers...)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	c, err := ParseCheckpoint(o.Text)
	if err != nil {
		return Checkpoint{}, nil, err
	}
	return c, o, nil
}

// CheckConsistency reports whether the checkpoint newer extends older:
// same origin, newer.Size >= older.Size, and proof (from
// [Ledger.ConsistencyProof](older.Size, newer.Size)) shows that the first
// older.Size documents are unchanged. A reader who kept an older
// checkpoint detects with it a ledger that was rewritten, rolled back or
// forked. The error is a *ConsistencyError, which matches ErrInconsistent.
// Check the signatures on both checkpoints first.
func CheckConsistency(older, newer Checkpoint, proof tlog.TreeProof) error {
	fail := func(err error) error {
		return &ConsistencyError{Origin: newer.Origin, OldSize: older.Size, NewSize: newer.Size, Err: err}
	}
	switch {
	case older.Origin != newer.Origin:
		return fail(&MismatchError{Field: "origin", Want: older.Origin, Got: newer.Origin})
	case older.Size < 0 || newer.Size < older.Size:
		return fail(errors.New("the ledger shrank"))
	case older.Size == 0:
		if older.Root != emptyRoot {
			return fail(errors.New("an empty ledger has the wrong root"))
		}
		if len(proof) != 0 {
			return fail(errors.New("a proof from the empty ledger must be empty"))
		}
		return nil
	case older.Size == newer.Size:
		if older.Root != newer.Root || len(proof) != 0 {
			return fail(errors.New("two different roots for one size"))
		}
		return nil
	}
	if err := tlog.CheckTree(proof, newer.Size, newer.Root, older.Size, older.Root); err != nil {
		return fail(err)
	}
	return nil
}

// CheckInclusion reports whether proof (from [DirLedger.InclusionProof])
// shows that the document with digest d is document seq of the ledger
// whose checkpoint is c.
func CheckInclusion(c Checkpoint, seq int64, d Digest, proof tlog.RecordProof) error {
	if seq < 1 || seq > c.Size {
		return fmt.Errorf("publish: document %d is not in checkpoint of size %d", seq, c.Size)
	}
	if err := tlog.CheckRecord(proof, c.Size, c.Root, seq-1, tlog.RecordHash(d[:])); err != nil {
		return fmt.Errorf("publish: document %d: %w", seq, err)
	}
	return nil
}
