package publish

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
)

// Version is the protocol name that starts the version line of every
// published document.
const Version = "doublerandom/v1"

// Limits on framed documents.
const (
	// MaxHeaders is the largest number of extra headers in a document.
	MaxHeaders = 64
	// MaxHeaderValue is the longest header value, in bytes.
	MaxHeaderValue = 1024
	// MaxSeq is the largest sequence number.
	MaxSeq        = 1_000_000_000_000
	maxHeaderName = 64
)

// Kind is the kind of a published document, the second word of its
// version line.
type Kind string

// The document kinds. The first four are those of protocol v1; a
// withdrawal ([WithdrawalBody]) came with the fates of announcements
// (protocol v2 §8), a seal ([SealBody]) with sealed draws (protocol v2
// §8, "sealed until inspected"). A reader that does not know a kind refuses the
// document rather than skip it.
const (
	KindAnnouncement Kind = "announcement"
	KindDraw         Kind = "draw"
	KindAmendment    Kind = "amendment"
	KindResults      Kind = "results"
	KindWithdrawal   Kind = "withdrawal"
	KindSeal         Kind = "seal"
)

// allKinds lists the document kinds.
var allKinds = []Kind{KindAnnouncement, KindDraw, KindAmendment, KindResults, KindWithdrawal, KindSeal}

// Valid reports whether k is one of the document kinds.
func (k Kind) Valid() bool {
	switch k {
	case KindAnnouncement, KindDraw, KindAmendment, KindResults, KindWithdrawal, KindSeal:
		return true
	}
	return false
}

// Digest identifies a signed document: the SHA-256 of the exact bytes of
// the signed note as stored (text and signatures).
type Digest [sha256.Size]byte

// DigestOf returns the digest of a signed note.
func DigestOf(signed []byte) Digest { return sha256.Sum256(signed) }

// String returns d as 64 lowercase hex digits.
func (d Digest) String() string { return hex.EncodeToString(d[:]) }

// IsZero reports whether d is all zeros, the prev of the first document.
func (d Digest) IsZero() bool { return d == Digest{} }

// ParseDigest reads 64 lowercase hex digits.
func ParseDigest(s string) (Digest, error) {
	var d Digest
	if len(s) != 2*len(d) || strings.ToLower(s) != s {
		return d, fmt.Errorf("%w: digest %q is not 64 lowercase hex digits", ErrMalformed, s)
	}
	if _, err := hex.Decode(d[:], []byte(s)); err != nil {
		return d, fmt.Errorf("%w: digest %q is not 64 lowercase hex digits", ErrMalformed, s)
	}
	return d, nil
}

// Header is one extra header line, "name: value".
type Header struct {
	Name  string
	Value string
}

// Document is the framed text of a published document, before signing.
// The four fixed header fields are struct fields; Headers holds any others,
// which the layers above define.
//
// The text form is:
//
//	doublerandom/v1 KIND
//	ledger: NAME
//	seq: N
//	prev: HEX
//	[name: value]...
//	(blank line)
//	BODY
//
// See [ParseDocument] for the exact rules.
type Document struct {
	// Kind is the document kind, from the version line.
	Kind Kind
	// Ledger names the ledger (the agency) the document belongs to; it
	// is also the ledger's checkpoint origin.
	Ledger string
	// Seq is the document's 1-based position in its ledger.
	Seq int64
	// Prev is the digest of the signed document at Seq-1, all zeros for
	// the first document.
	Prev Digest
	// Headers are extra headers, in strictly ascending order of name.
	Headers []Header
	// Body is the document body: one or more lines, each ending in a
	// newline.
	Body []byte
}

// Header returns the value of the extra header name.
func (d *Document) Header(name string) (string, bool) {
	for _, h := range d.Headers {
		if h.Name == name {
			return h.Value, true
		}
	}
	return "", false
}

// fixed header names, in order.
var fixedHeaders = [...]string{"ledger", "seq", "prev"}

func isFixedHeader(name string) bool {
	for _, f := range fixedHeaders {
		if f == name {
			return true
		}
	}
	return false
}

func checkHeaderName(name string) error {
	if name == "" || len(name) > maxHeaderName {
		return fmt.Errorf("header name must be 1 to %d bytes", maxHeaderName)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case 'a' <= c && c <= 'z':
		case i > 0 && ('0' <= c && c <= '9' || c == '-'):
		default:
			return fmt.Errorf("header name %q: want a lowercase letter then lowercase letters, digits or '-'", name)
		}
	}
	return nil
}

func checkHeaderValue(v string) error {
	if v == "" || len(v) > MaxHeaderValue {
		return fmt.Errorf("value must be 1 to %d bytes", MaxHeaderValue)
	}
	if !utf8.ValidString(v) {
		return fmt.Errorf("value is not valid UTF-8")
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f || r == utf8.RuneError {
			return fmt.Errorf("value contains %U", r)
		}
	}
	first, _ := utf8.DecodeRuneInString(v)
	last, _ := utf8.DecodeLastRuneInString(v)
	if unicode.IsSpace(first) || unicode.IsSpace(last) {
		return fmt.Errorf("value %q has leading or trailing space", v)
	}
	return nil
}

// parseSeq reads a canonical decimal sequence number 1..MaxSeq.
func parseSeq(s string) (int64, error) {
	if s == "" || len(s) > 13 || s[0] == '0' {
		return 0, fmt.Errorf("%q is not a decimal number from 1 to %d without leading zeros", s, int64(MaxSeq))
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%q is not a decimal number from 1 to %d without leading zeros", s, int64(MaxSeq))
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n > MaxSeq {
		return 0, fmt.Errorf("%q is not a decimal number from 1 to %d without leading zeros", s, int64(MaxSeq))
	}
	return n, nil
}

// checkBody checks the body rules; line is the document line number of
// the body's first line.
func checkBody(body []byte, line int) *DocumentError {
	if len(body) == 0 {
		return malformed(line, "body", "empty body")
	}
	if body[len(body)-1] != '\n' {
		return malformed(line+bytes.Count(body, []byte("\n")), "body", "does not end in a newline")
	}
	for len(body) > 0 {
		nl := bytes.IndexByte(body, '\n')
		l := body[:nl]
		body = body[nl+1:]
		if len(l) == 0 {
			return malformed(line, "body", "empty line")
		}
		if l[len(l)-1] == ' ' {
			return malformed(line, "body", "trailing space")
		}
		if !utf8.Valid(l) {
			return malformed(line, "body", "invalid UTF-8")
		}
		for _, c := range l {
			if c < 0x20 || c == 0x7f {
				return malformed(line, "body", "control character %#02x", c)
			}
		}
		if bytes.ContainsRune(l, utf8.RuneError) {
			return malformed(line, "body", "contains U+FFFD")
		}
		line++
	}
	return nil
}

// MarshalText returns the canonical text of d, the exact bytes that are
// signed. It returns a *DocumentError when d breaks a rule of the format;
// it never repairs d (it does not sort Headers, for example).
func (d *Document) MarshalText() ([]byte, error) {
	if !d.Kind.Valid() {
		return nil, malformed(1, "version", "unknown kind %q", d.Kind)
	}
	if err := checkName(d.Ledger); err != nil {
		return nil, malformed(2, "ledger", "%v", err)
	}
	if d.Seq < 1 || d.Seq > MaxSeq {
		return nil, malformed(3, "seq", "%d is not from 1 to %d", d.Seq, int64(MaxSeq))
	}
	if len(d.Headers) > MaxHeaders {
		return nil, malformed(5, "header", "more than %d extra headers", MaxHeaders)
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, "%s %s\nledger: %s\nseq: %d\nprev: %s\n", Version, d.Kind, d.Ledger, d.Seq, d.Prev)
	for i, h := range d.Headers {
		line := 5 + i
		if err := checkHeaderName(h.Name); err != nil {
			return nil, malformed(line, "header", "%v", err)
		}
		if isFixedHeader(h.Name) {
			return nil, malformed(line, h.Name, "fixed header repeated among extra headers")
		}
		if i > 0 && d.Headers[i-1].Name >= h.Name {
			return nil, malformed(line, h.Name, "extra headers must be in strictly ascending order of name")
		}
		if err := checkHeaderValue(h.Value); err != nil {
			return nil, malformed(line, h.Name, "%v", err)
		}
		b.WriteString(h.Name + ": " + h.Value + "\n")
	}
	b.WriteByte('\n')
	if err := checkBody(d.Body, 6+len(d.Headers)); err != nil {
		return nil, err
	}
	b.Write(d.Body)
	if b.Len() > MaxNoteSize {
		return nil, malformed(0, "body", "document longer than %d bytes", MaxNoteSize)
	}
	return b.Bytes(), nil
}

// ParseDocument parses the text of a document (the note text, without
// signatures) and accepts only the canonical form, so that
// MarshalText(ParseDocument(b)) == b. The rules:
//
//   - the text is UTF-8 with no control characters other than newline
//     (LF; a CR is rejected), and ends in a newline;
//   - line 1 is "doublerandom/v1 " followed by announcement, draw,
//     amendment, results or withdrawal;
//   - lines 2 to 4 are "ledger: NAME", "seq: N", "prev: HEX" in that
//     order: NAME a valid key name (no spaces, no '+', 1 to 256 bytes), N
//     a decimal from 1 without leading zeros, HEX 64 lowercase hex digits;
//   - then any extra headers "name: value", names matching
//     [a-z][a-z0-9-]* (at most 64 bytes) in strictly ascending byte order,
//     values of 1 to 1024 bytes without leading or trailing space, exactly
//     one space after the colon;
//   - then one empty line, then the body: at least one line, no empty
//     lines, no line ending in a space.
//
// Errors are a *DocumentError wrapping ErrMalformed.
func ParseDocument(text []byte) (*Document, error) {
	if err := checkNoteText(text); err != nil {
		return nil, err
	}
	d := new(Document)
	rest := text
	line := 0
	next := func() (string, bool) {
		nl := bytes.IndexByte(rest, '\n')
		if nl < 0 {
			return "", false
		}
		l := string(rest[:nl])
		rest = rest[nl+1:]
		line++
		return l, true
	}
	// Version line.
	l, _ := next()
	kind, ok := strings.CutPrefix(l, Version+" ")
	if !ok {
		if strings.HasPrefix(l, "doublerandom/") {
			return nil, malformed(line, "version", "unsupported version line %q", l)
		}
		return nil, malformed(line, "version", "version line %q does not start with %q", l, Version+" ")
	}
	d.Kind = Kind(kind)
	if !d.Kind.Valid() {
		return nil, malformed(line, "version", "unknown kind %q", kind)
	}
	// Headers.
	for i := 0; ; i++ {
		l, ok := next()
		if !ok {
			return nil, malformed(line, "header", "no blank line before the body")
		}
		if l == "" {
			if i < len(fixedHeaders) {
				return nil, malformed(line, fixedHeaders[i], "missing header")
			}
			break
		}
		name, value, ok := strings.Cut(l, ":")
		if !ok {
			return nil, malformed(line, "header", "want \"name: value\"")
		}
		if err := checkHeaderName(name); err != nil {
			return nil, malformed(line, "header", "%v", err)
		}
		value, ok = strings.CutPrefix(value, " ")
		if !ok {
			return nil, malformed(line, name, "want exactly one space after the colon")
		}
		if err := checkHeaderValue(value); err != nil {
			return nil, malformed(line, name, "%v", err)
		}
		if i < len(fixedHeaders) {
			if name != fixedHeaders[i] {
				return nil, malformed(line, name, "want header %q here", fixedHeaders[i])
			}
			switch name {
			case "ledger":
				if err := checkName(value); err != nil {
					return nil, malformed(line, name, "%v", err)
				}
				d.Ledger = value
			case "seq":
				n, err := parseSeq(value)
				if err != nil {
					return nil, malformed(line, name, "%v", err)
				}
				d.Seq = n
			case "prev":
				p, err := ParseDigest(value)
				if err != nil {
					return nil, &DocumentError{Line: line, Field: name, Err: err}
				}
				d.Prev = p
			}
			continue
		}
		if isFixedHeader(name) {
			return nil, malformed(line, name, "duplicate header")
		}
		if n := len(d.Headers); n > 0 && d.Headers[n-1].Name >= name {
			if d.Headers[n-1].Name == name {
				return nil, malformed(line, name, "duplicate header")
			}
			return nil, malformed(line, name, "extra headers must be in strictly ascending order of name")
		}
		if len(d.Headers) == MaxHeaders {
			return nil, malformed(line, name, "more than %d extra headers", MaxHeaders)
		}
		d.Headers = append(d.Headers, Header{Name: name, Value: value})
	}
	if err := checkBody(rest, line+1); err != nil {
		return nil, err
	}
	d.Body = bytes.Clone(rest)
	return d, nil
}

// SignDocument frames d and signs the text with each signer.
func SignDocument(d *Document, signers ...Signer) ([]byte, error) {
	text, err := d.MarshalText()
	if err != nil {
		return nil, err
	}
	return Sign(text, signers...)
}

// ParseSigned checks that msg is a signed note in canonical form whose
// text is a framed document, and returns the document. It verifies no
// signature; use [OpenDocument] for that.
func ParseSigned(msg []byte) (*Document, error) {
	text, _, err := splitNote(msg)
	if err != nil {
		return nil, err
	}
	return ParseDocument(text)
}

// OpenDocument verifies msg with the policy and the verifiers, as
// [Policy.Open] does, and parses its text as a framed document.
func (p Policy) OpenDocument(msg []byte, verifiers ...note.Verifier) (*Document, *Opened, error) {
	o, err := p.Open(msg, verifiers...)
	if err != nil {
		return nil, nil, err
	}
	d, err := ParseDocument(o.Text)
	if err != nil {
		return nil, nil, err
	}
	return d, o, nil
}

// OpenDocument is [Policy.OpenDocument] with the zero Policy: every
// signature must verify with one of the verifiers.
func OpenDocument(msg []byte, verifiers ...note.Verifier) (*Document, *Opened, error) {
	return Policy{}.OpenDocument(msg, verifiers...)
}
