package publish

import (
	"errors"
	"fmt"
	"strconv"
)

// Sentinel errors. Each names a category; the typed errors below carry the
// data (file, line, field, key) and wrap one of these, so that callers can
// test with [errors.Is] and read the details with [errors.As].
var (
	// ErrMalformed reports text that is not in the one canonical form the
	// package accepts: a signed note, a framed document, a checkpoint, a key
	// file or a calendar file.
	ErrMalformed = errors.New("not in canonical form")

	// ErrUnknownKey reports a signature by a key that is not among the
	// verifiers given.
	ErrUnknownKey = errors.New("signed by an unknown key")

	// ErrBadSignature reports a signature by a known key that does not
	// verify: the text or the signature was altered.
	ErrBadSignature = errors.New("signature does not verify")

	// ErrMissingSignature reports that a signer the caller required did
	// not sign.
	ErrMissingSignature = errors.New("required signature missing")

	// ErrExists reports a refusal to overwrite a file, a ledger entry or a
	// registry entry that already exists.
	ErrExists = errors.New("already exists")

	// ErrStale reports an append whose seq or prev does not follow the
	// ledger's current head: another writer got there first. Re-read the
	// head, rebuild and sign the document, and try again.
	ErrStale = errors.New("document does not follow the ledger head")

	// ErrCorrupt reports a ledger whose files fail a check: a document
	// altered, truncated, missing or out of place, a broken prev chain, or
	// a hashes or checkpoint file that disagrees with the documents.
	ErrCorrupt = errors.New("ledger is damaged")

	// ErrInconsistent reports two checkpoints of one ledger that cannot
	// both be honest: the newer one does not extend the older (the ledger
	// was rewritten, rolled back or forked).
	ErrInconsistent = errors.New("checkpoints are inconsistent")

	// ErrReadOnly reports an append to a ledger opened without a signer.
	ErrReadOnly = errors.New("ledger opened read-only")

	// ErrOutOfRange reports a date outside the years a calendar knows.
	ErrOutOfRange = errors.New("date outside the calendar")

	// errNoLock is returned, on the platforms without a file lock the
	// package knows how to use (lock_other.go), by every call that would
	// append to a ledger.
	errNoLock = errors.New("appending to a ledger needs a file lock (flock or LockFileEx), which this platform lacks")
)

// DocumentError reports a problem with one signed note, framed document or
// checkpoint. Doc names the document (a file name when it came from a file,
// otherwise empty), Line is the 1-based line of the problem (0 when it
// concerns the whole text) and Field names the part of the document: a
// header name, or one of "version", "header", "body", "text", "signature",
// "checkpoint".
type DocumentError struct {
	Doc   string
	Line  int
	Field string
	Err   error
}

func (e *DocumentError) Error() string {
	s := "publish: "
	if e.Doc != "" {
		s += e.Doc + ": "
	}
	if e.Line > 0 {
		s += "line " + strconv.Itoa(e.Line) + ": "
	}
	if e.Field != "" {
		s += e.Field + ": "
	}
	return s + e.Err.Error()
}

func (e *DocumentError) Unwrap() error { return e.Err }

// malformed returns a *DocumentError wrapping ErrMalformed with a reason.
func malformed(line int, field, format string, args ...any) *DocumentError {
	return &DocumentError{Line: line, Field: field, Err: fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)}
}

// KeyID names a signing key as it appears in a signed note: the key name
// and the 32-bit key hash.
type KeyID struct {
	Name string
	Hash uint32
}

func (k KeyID) String() string { return fmt.Sprintf("%s+%08x", k.Name, k.Hash) }

// SignatureError reports a signature problem: Key is the signer concerned
// (for ErrMissingSignature, Key.Hash is 0 unless a specific key was
// required) and Err is ErrUnknownKey, ErrBadSignature or
// ErrMissingSignature.
type SignatureError struct {
	Key KeyID
	Err error
}

func (e *SignatureError) Error() string {
	if e.Key.Hash == 0 {
		return "publish: signer " + e.Key.Name + ": " + e.Err.Error()
	}
	return "publish: signer " + e.Key.String() + ": " + e.Err.Error()
}

func (e *SignatureError) Unwrap() error { return e.Err }

// KeyFileError reports a key file that cannot be written or read, or does
// not hold a well-formed key.
type KeyFileError struct {
	File string
	Err  error
}

func (e *KeyFileError) Error() string { return "publish: key file " + e.File + ": " + e.Err.Error() }

func (e *KeyFileError) Unwrap() error { return e.Err }

// MismatchError reports a value that differs from the one expected: a
// digest, a prev, a seq, a ledger name, a root hash, a field of a replayed
// draw. Doc names the document concerned, when there is one.
type MismatchError struct {
	Doc   string
	Field string
	Want  string
	Got   string
}

func (e *MismatchError) Error() string {
	if e.Doc != "" {
		return fmt.Sprintf("%s: %s is %s, want %s", e.Doc, e.Field, e.Got, e.Want)
	}
	return fmt.Sprintf("%s is %s, want %s", e.Field, e.Got, e.Want)
}

// LedgerError reports a failed ledger operation or check. Dir is the ledger
// folder, File the file concerned (empty when none), Seq the document
// sequence number concerned (0 when none). Err usually wraps one of
// ErrCorrupt, ErrStale, ErrExists, ErrReadOnly together with a
// *MismatchError or *DocumentError that says what differs.
type LedgerError struct {
	Dir  string
	File string
	Seq  int64
	Err  error
}

func (e *LedgerError) Error() string {
	s := "publish: ledger " + e.Dir
	if e.File != "" {
		s += ": " + e.File
	} else if e.Seq > 0 {
		s += ": document " + strconv.FormatInt(e.Seq, 10)
	}
	return s + ": " + e.Err.Error()
}

func (e *LedgerError) Unwrap() error { return e.Err }

// ConsistencyError reports that a checkpoint does not extend an older one.
// It matches ErrInconsistent with errors.Is; Err says why.
type ConsistencyError struct {
	Origin           string
	OldSize, NewSize int64
	Err              error
}

func (e *ConsistencyError) Error() string {
	return fmt.Sprintf("publish: ledger %s: checkpoint %d does not extend checkpoint %d: %v", e.Origin, e.NewSize, e.OldSize, e.Err)
}

func (e *ConsistencyError) Unwrap() []error { return []error{ErrInconsistent, e.Err} }

// CalendarError reports a problem in a calendar file: File and Line locate
// it (Line 0 for the whole file), Field is "date", "kind", "name" or
// "line", Value is the offending text.
type CalendarError struct {
	File  string
	Line  int
	Field string
	Value string
	Err   error
}

func (e *CalendarError) Error() string {
	s := "publish: calendar " + e.File
	if e.Line > 0 {
		s += ":" + strconv.Itoa(e.Line)
	}
	if e.Field != "" {
		s += ": " + e.Field
	}
	if e.Value != "" {
		s += " " + strconv.Quote(e.Value)
	}
	return s + ": " + e.Err.Error()
}

func (e *CalendarError) Unwrap() error { return e.Err }

// OutcomeError reports an outcome that cannot be added to or found in an
// [Outcomes] registry.
type OutcomeError struct {
	Code string
	Err  error
}

func (e *OutcomeError) Error() string {
	return "publish: outcome " + strconv.Quote(e.Code) + ": " + e.Err.Error()
}

func (e *OutcomeError) Unwrap() error { return e.Err }
