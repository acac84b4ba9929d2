package publish

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// Limits on signed notes.
const (
	// MaxNoteSize is the largest signed note (text and signatures) the
	// package reads or writes.
	MaxNoteSize = 64 << 20
	// MaxSignatures is the largest number of signatures on one note.
	MaxSignatures = 16
	// maxNameLen bounds key names, ledger names and checkpoint origins.
	maxNameLen = 256
)

// A Signer signs note texts with one key. It is the seam for keys held
// elsewhere (a hardware module, a signing service): any
// [golang.org/x/mod/sumdb/note.Signer] is a Signer, and the standard one
// comes from [NewSigner] or [LoadSigner].
type Signer interface {
	note.Signer
}

// checkName reports whether s is usable as a key name, ledger name or
// checkpoint origin: 1 to 256 bytes of UTF-8 with no spaces (of any kind),
// no '+' and no control characters. These are the signed-note key name
// rules, plus a length limit.
func checkName(s string) error {
	if s == "" {
		return errors.New("empty name")
	}
	if len(s) > maxNameLen {
		return fmt.Errorf("name longer than %d bytes", maxNameLen)
	}
	if !utf8.ValidString(s) {
		return errors.New("name is not valid UTF-8")
	}
	for _, r := range s {
		if r == '+' || unicode.IsSpace(r) || unicode.IsControl(r) || r == utf8.RuneError {
			return fmt.Errorf("name %q contains %U", s, r)
		}
	}
	return nil
}

// checkNoteText applies the signed-note text rules to text: non-empty,
// valid UTF-8, no control characters other than newline, ends in newline.
// Line numbers in errors are 1-based.
func checkNoteText(text []byte) *DocumentError {
	if len(text) == 0 {
		return malformed(0, "text", "empty text")
	}
	if len(text) > MaxNoteSize {
		return malformed(0, "text", "longer than %d bytes", MaxNoteSize)
	}
	line := 1
	for i := 0; i < len(text); {
		c := text[i]
		if c == '\n' {
			line++
			i++
			continue
		}
		if c < 0x20 || c == 0x7f {
			return malformed(line, "text", "control character %#02x", c)
		}
		if c < utf8.RuneSelf {
			i++
			continue
		}
		r, size := utf8.DecodeRune(text[i:])
		if r == utf8.RuneError && size <= 1 {
			return malformed(line, "text", "invalid UTF-8")
		}
		i += size
	}
	if text[len(text)-1] != '\n' {
		return malformed(line, "text", "does not end in a newline")
	}
	return nil
}

// noteSig is one signature line of a note, as parsed.
type noteSig struct {
	key  KeyID
	line int
}

// splitNote checks that msg is a well-formed signed note in canonical form
// and returns its text and signatures. It checks no signature.
func splitNote(msg []byte) ([]byte, []noteSig, *DocumentError) {
	if len(msg) > MaxNoteSize {
		return nil, nil, malformed(0, "text", "note longer than %d bytes", MaxNoteSize)
	}
	split := bytes.LastIndex(msg, []byte("\n\n"))
	if split < 0 {
		return nil, nil, malformed(0, "signature", "no blank line before the signatures")
	}
	text, sigs := msg[:split+1], msg[split+2:]
	if err := checkNoteText(text); err != nil {
		return nil, nil, err
	}
	line := bytes.Count(text, []byte("\n")) + 2
	if len(sigs) == 0 {
		return nil, nil, malformed(line, "signature", "no signature")
	}
	var out []noteSig
	seen := make(map[KeyID]bool)
	for len(sigs) > 0 {
		nl := bytes.IndexByte(sigs, '\n')
		if nl < 0 {
			return nil, nil, malformed(line, "signature", "signature line does not end in a newline")
		}
		l := sigs[:nl]
		sigs = sigs[nl+1:]
		rest, ok := bytes.CutPrefix(l, []byte("— "))
		if !ok {
			return nil, nil, malformed(line, "signature", "line does not start with an em dash and a space")
		}
		name, b64, ok := bytes.Cut(rest, []byte(" "))
		if !ok {
			return nil, nil, malformed(line, "signature", "no space between key name and signature")
		}
		if err := checkName(string(name)); err != nil {
			return nil, nil, malformed(line, "signature", "%v", err)
		}
		raw, err := base64.StdEncoding.Strict().DecodeString(string(b64))
		if err != nil || len(raw) < 5 || base64.StdEncoding.EncodeToString(raw) != string(b64) {
			return nil, nil, malformed(line, "signature", "signature is not canonical base64 of at least 5 bytes")
		}
		k := KeyID{Name: string(name), Hash: binary.BigEndian.Uint32(raw)}
		if seen[k] {
			return nil, nil, malformed(line, "signature", "second signature by %s", k)
		}
		seen[k] = true
		out = append(out, noteSig{key: k, line: line})
		if len(out) > MaxSignatures {
			return nil, nil, malformed(line, "signature", "more than %d signatures", MaxSignatures)
		}
		line++
	}
	return text, out, nil
}

// Sign signs text with each signer, in order, and returns the signed note:
// the text, a blank line and one signature line per signer. The text must
// follow the signed-note rules (UTF-8, no control characters other than
// newline, ends in newline); signer names must be valid key names and no
// key may sign twice.
func Sign(text []byte, signers ...Signer) ([]byte, error) {
	if err := checkNoteText(text); err != nil {
		return nil, err
	}
	if len(signers) == 0 {
		return nil, errors.New("publish: Sign: no signer")
	}
	if len(signers) > MaxSignatures {
		return nil, fmt.Errorf("publish: Sign: more than %d signers", MaxSignatures)
	}
	ns := make([]note.Signer, len(signers))
	seen := make(map[KeyID]bool)
	for i, s := range signers {
		if s == nil {
			return nil, errors.New("publish: Sign: nil signer")
		}
		k := KeyID{Name: s.Name(), Hash: s.KeyHash()}
		if err := checkName(k.Name); err != nil {
			return nil, fmt.Errorf("publish: Sign: signer: %w", err)
		}
		if seen[k] {
			return nil, fmt.Errorf("publish: Sign: signer %s given twice", k)
		}
		seen[k] = true
		ns[i] = s
	}
	msg, err := note.Sign(&note.Note{Text: string(text)}, ns...)
	if err != nil {
		return nil, fmt.Errorf("publish: Sign: %w", err)
	}
	return msg, nil
}

// Opened is the result of a successful [Open]: the verified text and who
// signed it.
type Opened struct {
	// Text is the note text, ending in a newline.
	Text []byte
	// Signers are the keys whose signatures verified, in note order.
	Signers []KeyID
	// Unknown are signatures by keys not among the verifiers, in note
	// order. It is empty unless [Policy.AllowUnknown] is set.
	Unknown []KeyID
}

// SignedBy reports whether a key with the given name signed.
func (o *Opened) SignedBy(name string) bool {
	for _, k := range o.Signers {
		if k.Name == name {
			return true
		}
	}
	return false
}

// Policy says which signatures a note must carry to be accepted. The zero
// Policy accepts a note when every signature on it verifies with one of the
// verifiers given (at least one signature, no unknown keys).
type Policy struct {
	// Require lists key names that must all have signed, for example the
	// agency and its discipline inspection office (纪检监察).
	Require []string
	// AllowUnknown accepts signatures by keys not among the verifiers
	// (for example witnesses the reader does not know), as long as at
	// least one signature verifies and every required name signed. A
	// signature by a known key that fails is always an error.
	AllowUnknown bool
}

// Open verifies a signed note with the zero [Policy].
func Open(msg []byte, verifiers ...note.Verifier) (*Opened, error) {
	return Policy{}.Open(msg, verifiers...)
}

// Open checks that msg is a signed note in canonical form, verifies its
// signatures against verifiers and applies the policy. Errors are a
// *DocumentError (malformed note, wrapping ErrMalformed) or a
// *SignatureError (wrapping ErrUnknownKey, ErrBadSignature or
// ErrMissingSignature).
func (p Policy) Open(msg []byte, verifiers ...note.Verifier) (*Opened, error) {
	text, sigs, derr := splitNote(msg)
	if derr != nil {
		return nil, derr
	}
	set, err := newVerifierSet(verifiers)
	if err != nil {
		return nil, err
	}
	n, err := note.Open(msg, set)
	if err != nil {
		var inv *note.InvalidSignatureError
		var unv *note.UnverifiedNoteError
		switch {
		case errors.As(err, &inv):
			return nil, &SignatureError{Key: KeyID{inv.Name, inv.Hash}, Err: ErrBadSignature}
		case errors.As(err, &unv):
			return nil, &SignatureError{Key: sigs[0].key, Err: ErrUnknownKey}
		default:
			return nil, malformed(0, "signature", "%v", err)
		}
	}
	o := &Opened{Text: text}
	// Report signatures in note order, whatever order note.Open used.
	verified := make(map[KeyID]bool)
	for _, s := range n.Sigs {
		verified[KeyID{s.Name, s.Hash}] = true
	}
	for _, s := range sigs {
		if verified[s.key] {
			o.Signers = append(o.Signers, s.key)
			continue
		}
		if !p.AllowUnknown {
			return nil, &SignatureError{Key: s.key, Err: ErrUnknownKey}
		}
		o.Unknown = append(o.Unknown, s.key)
	}
	if len(o.Signers) == 0 {
		return nil, &SignatureError{Key: sigs[0].key, Err: ErrUnknownKey}
	}
	for _, name := range p.Require {
		if !o.SignedBy(name) {
			return nil, &SignatureError{Key: KeyID{Name: name}, Err: ErrMissingSignature}
		}
	}
	return o, nil
}

// verifierSet is a note.Verifiers over a fixed list of verifiers.
type verifierSet map[KeyID]note.Verifier

func newVerifierSet(list []note.Verifier) (verifierSet, error) {
	set := make(verifierSet, len(list))
	for _, v := range list {
		if v == nil {
			return nil, errors.New("publish: nil verifier")
		}
		// The first verifier for a name and key hash wins. A second,
		// different key with the same name and hash would only make its
		// signatures fail, which is the safe outcome.
		k := KeyID{v.Name(), v.KeyHash()}
		if _, ok := set[k]; !ok {
			set[k] = v
		}
	}
	return set, nil
}

func (s verifierSet) Verifier(name string, hash uint32) (note.Verifier, error) {
	if v, ok := s[KeyID{name, hash}]; ok {
		return v, nil
	}
	return nil, &note.UnknownVerifierError{Name: name, KeyHash: hash}
}
