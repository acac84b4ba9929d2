package random

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Seed sizes of protocol §3.
const (
	// MaxSeedSize is the largest seed S, in bytes.
	MaxSeedSize = 1024
	// MinDiceDigits is the fewest decimal digits a dice seed may have.
	MinDiceDigits = 20
	// SecretSize is the size of a secret made by [NewSecret] and of a
	// seed read by [SystemSeed].
	SecretSize = 32
	// maxSecretSize bounds a commit-reveal secret.
	maxSecretSize = 1024
	// maxNameSize bounds a participant name, like a row id.
	maxNameSize = 128
	// maxTextSize bounds the free text of a ceremony's time and place.
	maxTextSize = 256
)

// Domain tags of protocol §3.
const (
	seedTagCommit = "doublerandom/v1/commit"
	seedTagReveal = "doublerandom/v1/reveal"
	seedTagSeed   = "doublerandom/v1/seed"
)

// Sentinel errors. Every error of the seed sources matches one of them
// with errors.Is; the typed errors carry the details.
var (
	// ErrSeedInvalid: seed material is malformed (a dice string with a
	// character that is not a digit, too few digits, a seed of the wrong
	// size).
	ErrSeedInvalid = errors.New("random: invalid seed")
	// ErrSeedEvidence: the evidence of a seed does not support it (a
	// reveal that does not match its commitment, a participant who did
	// not reveal, a beacon signature that does not verify, evidence that
	// is not what the announcement promised).
	ErrSeedEvidence = errors.New("random: seed evidence does not verify")
)

// DiceSeed returns the seed of a dice ceremony: the decimal digits read
// out, as ASCII, with all white space (any Unicode space, including tabs
// and line breaks) removed. Only the ASCII digits 0–9 count as digits;
// anything else (letters, punctuation, full-width digits, zero-width
// characters) is an error that names the character and its position.
// The result has at least [MinDiceDigits] and at most [MaxSeedSize]
// digits. Errors are *[DiceError] values.
func DiceSeed(s string) ([]byte, error) {
	out := make([]byte, 0, len(s))
	pos := 0
	for i, r := range s {
		pos++
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size <= 1 {
				return nil, &DiceError{Pos: pos, Char: r, Reason: "invalid UTF-8"}
			}
		}
		switch {
		case r >= '0' && r <= '9':
			out = append(out, byte(r))
		case unicode.IsSpace(r):
		default:
			return nil, &DiceError{Pos: pos, Char: r, Reason: "not a decimal digit"}
		}
	}
	if len(out) < MinDiceDigits {
		return nil, &DiceError{Digits: len(out), Reason: fmt.Sprintf("%d digits, need at least %d", len(out), MinDiceDigits)}
	}
	if len(out) > MaxSeedSize {
		return nil, &DiceError{Digits: len(out), Reason: fmt.Sprintf("%d digits, at most %d allowed", len(out), MaxSeedSize)}
	}
	return out, nil
}

// DiceError reports a dice string that is not a valid seed. It matches
// [ErrSeedInvalid].
type DiceError struct {
	Pos    int  // 1-based position of the offending character, in characters; 0 when the whole input is at fault
	Char   rune // the offending character (utf8.RuneError for invalid UTF-8); 0 when Pos is 0
	Digits int  // digits counted, when the count is at fault
	Reason string
}

func (e *DiceError) Error() string {
	if e.Pos == 0 {
		return "random: dice digits: " + e.Reason
	}
	return fmt.Sprintf("random: dice digits: character %q (%U) at position %d: %s", string(e.Char), e.Char, e.Pos, e.Reason)
}

// Unwrap makes a DiceError match [ErrSeedInvalid].
func (e *DiceError) Unwrap() error { return ErrSeedInvalid }

// Commit returns the commitment of a participant to a secret:
// H("doublerandom/v1/commit" || lp(name) || lp(secret)).
func Commit(name string, secret []byte) [32]byte {
	h := sha256.New()
	h.Write([]byte(seedTagCommit))
	seedWriteLP(h, []byte(name))
	seedWriteLP(h, secret)
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// NewSecret returns a fresh [SecretSize]-byte secret for a commit-reveal
// participant, read from rand (crypto/rand.Reader in production). Keep it
// private until the reveal, and publish only [Commit] of it.
func NewSecret(rand io.Reader) ([]byte, error) {
	b := make([]byte, SecretSize)
	if _, err := io.ReadFull(rand, b); err != nil {
		return nil, fmt.Errorf("random: reading a secret: %w", err)
	}
	return b, nil
}

// Commitment is what a participant publishes with the announcement.
// JSON: {"name": "alice", "hash": HEX}.
type Commitment struct {
	Name string
	Hash [32]byte
}

// Reveal is what a participant publishes after the announcement.
// JSON: {"name": "alice", "secret": HEX}.
type Reveal struct {
	Name   string
	Secret []byte
}

// Commitment returns the commitment that r opens.
func (r Reveal) Commitment() Commitment {
	return Commitment{Name: r.Name, Hash: Commit(r.Name, r.Secret)}
}

type commitmentJSON struct {
	Name string   `json:"name"`
	Hash HexBytes `json:"hash"`
}

// MarshalJSON writes c as {"name": ..., "hash": HEX}.
func (c Commitment) MarshalJSON() ([]byte, error) {
	return json.Marshal(commitmentJSON{Name: c.Name, Hash: c.Hash[:]})
}

// UnmarshalJSON reads c strictly: unknown fields and a hash that is not
// 32 bytes are errors.
func (c *Commitment) UnmarshalJSON(b []byte) error {
	var w commitmentJSON
	if err := seedStrictJSON(b, &w); err != nil {
		return fmt.Errorf("random: commitment: %w", err)
	}
	if len(w.Hash) != sha256.Size {
		return fmt.Errorf("random: commitment of %q: hash is %d bytes, want 32", w.Name, len(w.Hash))
	}
	c.Name = w.Name
	copy(c.Hash[:], w.Hash)
	return nil
}

type revealJSON struct {
	Name   string   `json:"name"`
	Secret HexBytes `json:"secret"`
}

// MarshalJSON writes r as {"name": ..., "secret": HEX}.
func (r Reveal) MarshalJSON() ([]byte, error) {
	return json.Marshal(revealJSON{Name: r.Name, Secret: r.Secret})
}

// UnmarshalJSON reads r strictly.
func (r *Reveal) UnmarshalJSON(b []byte) error {
	var w revealJSON
	if err := seedStrictJSON(b, &w); err != nil {
		return fmt.Errorf("random: reveal: %w", err)
	}
	*r = Reveal{Name: w.Name, Secret: w.Secret}
	return nil
}

// CheckReveals checks a set of reveals against the published commitments:
// every participant has a valid name (1..128 bytes of UTF-8, no control
// characters, no leading or trailing space) and appears once among the
// commitments and once among the reveals, every reveal has a commitment,
// and every secret (1..1024 bytes) matches its commitment. All problems
// are reported together in one *[RevealError].
func CheckReveals(commitments []Commitment, reveals []Reveal) error {
	var e RevealError
	committed := make(map[string][32]byte, len(commitments))
	for _, c := range commitments {
		if !seedValidName(c.Name) {
			e.Invalid = append(e.Invalid, c.Name)
			continue
		}
		if _, dup := committed[c.Name]; dup {
			e.Duplicate = append(e.Duplicate, c.Name)
			continue
		}
		committed[c.Name] = c.Hash
	}
	revealed := make(map[string]bool, len(reveals))
	for _, r := range reveals {
		switch want, ok := committed[r.Name]; {
		case !seedValidName(r.Name) || len(r.Secret) == 0 || len(r.Secret) > maxSecretSize:
			e.Invalid = append(e.Invalid, r.Name)
		case revealed[r.Name]:
			e.Duplicate = append(e.Duplicate, r.Name)
		case !ok:
			e.Unknown = append(e.Unknown, r.Name)
		default:
			revealed[r.Name] = true
			got := Commit(r.Name, r.Secret)
			if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
				e.Mismatch = append(e.Mismatch, r.Name)
			}
		}
	}
	for name := range committed {
		if !revealed[name] {
			e.Missing = append(e.Missing, name)
		}
	}
	if len(commitments) == 0 || e.Invalid != nil || e.Duplicate != nil || e.Unknown != nil || e.Mismatch != nil || e.Missing != nil {
		for _, l := range []*[]string{&e.Invalid, &e.Duplicate, &e.Unknown, &e.Mismatch, &e.Missing} {
			slices.Sort(*l)
			*l = slices.Compact(*l)
		}
		return &e
	}
	return nil
}

// RevealError reports why a set of reveals does not open the published
// commitments. Each list holds participant names, sorted by bytes. When
// every list is empty there were no commitments at all. It matches
// [ErrSeedEvidence].
type RevealError struct {
	Missing   []string // committed but did not reveal
	Mismatch  []string // revealed a secret that does not match the commitment
	Unknown   []string // revealed without a commitment
	Duplicate []string // named more than once among the commitments or among the reveals
	Invalid   []string // a name or secret that breaks the size or character rules
}

func (e *RevealError) Error() string {
	var parts []string
	add := func(what string, names []string) {
		if len(names) > 0 {
			q := make([]string, len(names))
			for i, n := range names {
				q[i] = fmt.Sprintf("%q", n)
			}
			parts = append(parts, what+" "+strings.Join(q, ", "))
		}
	}
	add("not revealed:", e.Missing)
	add("secret does not match the commitment:", e.Mismatch)
	add("revealed without a commitment:", e.Unknown)
	add("named twice:", e.Duplicate)
	add("invalid name or secret:", e.Invalid)
	if parts == nil {
		return "random: commit-reveal: no participants"
	}
	return "random: commit-reveal: " + strings.Join(parts, "; ")
}

// Unwrap makes a RevealError match [ErrSeedEvidence].
func (e *RevealError) Unwrap() error { return ErrSeedEvidence }

// RevealSeed checks the reveals with [CheckReveals] and returns the
// commit-reveal seed: H("doublerandom/v1/reveal" || u32(n) || lp(name_1)
// || lp(secret_1) || … ) over the n participants sorted by name bytes.
// The order of reveals does not matter.
func RevealSeed(commitments []Commitment, reveals []Reveal) ([]byte, error) {
	if err := CheckReveals(commitments, reveals); err != nil {
		return nil, err
	}
	sorted := slices.Clone(reveals)
	slices.SortFunc(sorted, func(a, b Reveal) int { return strings.Compare(a.Name, b.Name) })
	h := sha256.New()
	h.Write([]byte(seedTagReveal))
	seedWriteU32(h, uint32(len(sorted)))
	for _, r := range sorted {
		seedWriteLP(h, []byte(r.Name))
		seedWriteLP(h, r.Secret)
	}
	return h.Sum(nil), nil
}

// CombineSeeds combines the seeds of several sources, in the order the
// announcement lists them: H("doublerandom/v1/seed" || u32(n) || lp(S_1)
// || … ). Each seed must be 1..[MaxSeedSize] bytes. The formula is applied
// as written for any n ≥ 1, so CombineSeeds of a single seed hashes it
// too; a draw with a single source does not combine at all (its seed is
// that source's seed, see [DeriveSeed]). Errors are *[SeedSizeError].
func CombineSeeds(seeds [][]byte) ([]byte, error) {
	if len(seeds) == 0 {
		return nil, &SeedSizeError{Index: 0, Size: 0}
	}
	for i, s := range seeds {
		if len(s) == 0 || len(s) > MaxSeedSize {
			return nil, &SeedSizeError{Index: i + 1, Size: len(s)}
		}
	}
	h := sha256.New()
	h.Write([]byte(seedTagSeed))
	seedWriteU32(h, uint32(len(seeds)))
	for _, s := range seeds {
		seedWriteLP(h, s)
	}
	return h.Sum(nil), nil
}

// SeedSizeError reports a seed outside 1..[MaxSeedSize] bytes, or
// (Index 0) an empty list of seeds. It matches [ErrSeedInvalid].
type SeedSizeError struct {
	Index int // 1-based position in the list of seeds; 0: the list is empty
	Size  int // the seed's size in bytes
}

func (e *SeedSizeError) Error() string {
	if e.Index == 0 {
		return "random: no seeds to combine"
	}
	return fmt.Sprintf("random: seed %d is %d bytes, want 1..%d", e.Index, e.Size, MaxSeedSize)
}

// Unwrap makes a SeedSizeError match [ErrSeedInvalid].
func (e *SeedSizeError) Unwrap() error { return ErrSeedInvalid }

// SystemSeed reads a [SecretSize]-byte seed from rand (crypto/rand.Reader
// in production). Such a seed is chosen by the operator's machine: nobody
// else can check that it was not picked, or re-drawn, to favour an
// outcome. A record that uses it says so (see [SystemSource]).
func SystemSeed(rand io.Reader) ([]byte, error) {
	b := make([]byte, SecretSize)
	if _, err := io.ReadFull(rand, b); err != nil {
		return nil, fmt.Errorf("random: reading a system seed: %w", err)
	}
	return b, nil
}

// SourceKind names a kind of seed source.
type SourceKind string

// The seed sources of protocol §3, plus the operator's own system source.
const (
	SourceDice         SourceKind = "dice"
	SourceCommitReveal SourceKind = "commit-reveal"
	SourceBeacon       SourceKind = "beacon"
	SourceSystem       SourceKind = "system" // operator-chosen, not verifiable
)

// Ceremony says when and where a dice ceremony takes place, in free text
// (e.g. "2026-11-22 09:30 CST", "市市场监管局三楼会议室"). JSON:
// {"when": ..., "where": ...}.
type Ceremony struct {
	When  string `json:"when"`
	Where string `json:"where"`
}

// SeedPromise is what an announcement says about one seed source, before
// the seed exists: the dice ceremony's time and place, the participants'
// commitments, or the drand chain and round. Only the fields of its Kind
// are set. Verifiable is false for [SourceSystem] only, and is written in
// the JSON so that the published record itself says when a seed could
// have been chosen by the operator.
//
//	{"kind": "dice", "verifiable": true, "ceremony": {"when": ..., "where": ...}}
//	{"kind": "commit-reveal", "verifiable": true, "commitments": [{"name": ..., "hash": HEX}, ...]}
//	{"kind": "beacon", "verifiable": true, "chain": {drand chain info}, "round": 123}
//	{"kind": "system", "verifiable": false}
type SeedPromise struct {
	Kind        SourceKind   `json:"kind"`
	Verifiable  bool         `json:"verifiable"`
	Ceremony    *Ceremony    `json:"ceremony,omitempty"`
	Commitments []Commitment `json:"commitments,omitempty"`
	Chain       *ChainInfo   `json:"chain,omitempty"`
	Round       uint64       `json:"round,omitempty"`
}

// SeedEvidence is what the draw record carries for one seed source: the
// dice digits (canonical: digits only), the reveals, the drand round
// (round and signature, previous signature for a chained scheme), or the
// system seed itself. Only the fields of its Kind are set.
//
//	{"kind": "dice", "digits": "20237331128159211123"}
//	{"kind": "commit-reveal", "reveals": [{"name": ..., "secret": HEX}, ...]}
//	{"kind": "beacon", "beacon": {"round": 123, "signature": HEX}}
//	{"kind": "system", "seed": HEX}
type SeedEvidence struct {
	Kind    SourceKind `json:"kind"`
	Digits  string     `json:"digits,omitempty"`
	Reveals []Reveal   `json:"reveals,omitempty"`
	Beacon  *Beacon    `json:"beacon,omitempty"`
	Seed    HexBytes   `json:"seed,omitempty"`
}

// UnmarshalJSON reads p strictly: unknown fields are an error. It checks
// syntax only; [SeedPromise.Validate] checks the content.
func (p *SeedPromise) UnmarshalJSON(b []byte) error {
	type plain SeedPromise
	var w plain
	if err := seedStrictJSON(b, &w); err != nil {
		return fmt.Errorf("random: seed promise: %w", err)
	}
	*p = SeedPromise(w)
	return nil
}

// UnmarshalJSON reads e strictly: unknown fields are an error. It checks
// syntax only; [SeedPromise.Check] checks the content.
func (e *SeedEvidence) UnmarshalJSON(b []byte) error {
	type plain SeedEvidence
	var w plain
	if err := seedStrictJSON(b, &w); err != nil {
		return fmt.Errorf("random: seed evidence: %w", err)
	}
	*e = SeedEvidence(w)
	return nil
}

// Validate checks that p is a well-formed promise: a known kind, exactly
// the fields of that kind, Verifiable true unless the kind is
// [SourceSystem], a ceremony with its time and place, at least one
// commitment with valid, distinct names, or a valid drand chain (see
// [ChainInfo.Validate]) and a round ≥ 1. Errors are *[SourceError] values.
func (p SeedPromise) Validate() error {
	fail := func(field, reason string, err error) error {
		return &SourceError{Kind: p.Kind, Field: field, Reason: reason, Err: err}
	}
	has := map[string]bool{
		"ceremony":    p.Ceremony != nil,
		"commitments": len(p.Commitments) > 0,
		"chain":       p.Chain != nil,
		"round":       p.Round != 0,
	}
	var want []string
	switch p.Kind {
	case SourceDice:
		want = []string{"ceremony"}
	case SourceCommitReveal:
		want = []string{"commitments"}
	case SourceBeacon:
		want = []string{"chain", "round"}
	case SourceSystem:
	default:
		return fail("kind", fmt.Sprintf("unknown seed source kind %q", p.Kind), nil)
	}
	for _, f := range []string{"ceremony", "commitments", "chain", "round"} {
		if w := slices.Contains(want, f); has[f] != w {
			if w {
				return fail(f, "missing", nil)
			}
			return fail(f, "not allowed for this kind", nil)
		}
	}
	if p.Verifiable != (p.Kind != SourceSystem) {
		return fail("verifiable", fmt.Sprintf("must be %t for kind %q", p.Kind != SourceSystem, p.Kind), nil)
	}
	switch p.Kind {
	case SourceDice:
		if !seedValidText(p.Ceremony.When) {
			return fail("ceremony.when", "empty, too long, or with control characters", nil)
		}
		if !seedValidText(p.Ceremony.Where) {
			return fail("ceremony.where", "empty, too long, or with control characters", nil)
		}
	case SourceCommitReveal:
		if len(p.Commitments) == 0 {
			return fail("commitments", "no participants", nil)
		}
		seen := make(map[string]bool, len(p.Commitments))
		for _, c := range p.Commitments {
			if !seedValidName(c.Name) {
				return fail("commitments", fmt.Sprintf("invalid participant name %q", c.Name), nil)
			}
			if seen[c.Name] {
				return fail("commitments", fmt.Sprintf("participant %q named twice", c.Name), nil)
			}
			seen[c.Name] = true
		}
	case SourceBeacon:
		if err := p.Chain.Validate(); err != nil {
			return fail("chain", "invalid drand chain", err)
		}
	}
	return nil
}

// Check re-derives the seed S of one source from its evidence and checks
// the evidence against the promise: the dice digits are canonical (digits
// only, 20..1024 of them); the reveals open every commitment
// ([RevealSeed]); the beacon is the promised round of the promised chain
// and its signature verifies ([ChainInfo.Verify]); a system seed is
// 1..1024 bytes (and cannot be checked further). Errors are *[SourceError]
// values that wrap the cause (a *[DiceError], *[RevealError] or
// *[BeaconError]).
func (p SeedPromise) Check(e SeedEvidence) ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	fail := func(field, reason string, err error) ([]byte, error) {
		return nil, &SourceError{Kind: p.Kind, Field: field, Reason: reason, Err: err}
	}
	if e.Kind != p.Kind {
		return fail("kind", fmt.Sprintf("evidence is for %q, the announcement promised %q", e.Kind, p.Kind), nil)
	}
	has := map[string]bool{"digits": e.Digits != "", "reveals": len(e.Reveals) > 0, "beacon": e.Beacon != nil, "seed": e.Seed != nil}
	want := map[SourceKind]string{SourceDice: "digits", SourceCommitReveal: "reveals", SourceBeacon: "beacon", SourceSystem: "seed"}[p.Kind]
	for _, f := range []string{"digits", "reveals", "beacon", "seed"} {
		switch {
		case f == want && !has[f] && f != "reveals": // no reveals at all: RevealSeed names who is missing
			return fail(f, "missing", nil)
		case f != want && has[f]:
			return fail(f, "not allowed for this kind", nil)
		}
	}
	switch p.Kind {
	case SourceDice:
		s, err := DiceSeed(e.Digits)
		if err != nil {
			return fail("digits", "not a dice seed", err)
		}
		if string(s) != e.Digits {
			return fail("digits", "not canonical (the record holds digits only)", nil)
		}
		return s, nil
	case SourceCommitReveal:
		s, err := RevealSeed(p.Commitments, e.Reveals)
		if err != nil {
			return fail("reveals", "reveals do not open the commitments", err)
		}
		return s, nil
	case SourceBeacon:
		if e.Beacon.Round != p.Round {
			return fail("beacon.round", fmt.Sprintf("evidence is round %d, the announcement promised round %d", e.Beacon.Round, p.Round), nil)
		}
		if err := p.Chain.Verify(*e.Beacon); err != nil {
			return fail("beacon", "round does not verify", err)
		}
		s := e.Beacon.Seed()
		return s[:], nil
	default: // SourceSystem
		if len(e.Seed) == 0 || len(e.Seed) > MaxSeedSize {
			return fail("seed", fmt.Sprintf("%d bytes, want 1..%d", len(e.Seed), MaxSeedSize), nil)
		}
		return bytes.Clone(e.Seed), nil
	}
}

// DeriveSeed replays the seed of a draw: it checks each evidence against
// the promise at the same position (see [SeedPromise.Check]) and returns
// the seed S. With one source, S is that source's seed (a dice draw's S is
// its ASCII digits, as in the protocol's vectors); with several, S is
// [CombineSeeds] of their seeds in the announcement's order. This is the
// function an auditor runs on a published announcement and draw record.
// A system seed combined with another source is refused
// ([CheckSources], [ErrSystemCombined]). Errors are *[SourceError]
// values whose Index names the source.
func DeriveSeed(promises []SeedPromise, evidence []SeedEvidence) ([]byte, error) {
	if err := CheckSources(promises); err != nil {
		return nil, err
	}
	if len(evidence) != len(promises) {
		return nil, &SourceError{Field: "evidence", Reason: fmt.Sprintf("%d pieces of evidence for %d promised sources", len(evidence), len(promises))}
	}
	seeds := make([][]byte, len(promises))
	for i, p := range promises {
		s, err := p.Check(evidence[i])
		if err != nil {
			var se *SourceError
			if errors.As(err, &se) {
				se.Index = i + 1
			}
			return nil, err
		}
		seeds[i] = s
	}
	if len(seeds) == 1 {
		return seeds[0], nil
	}
	s, err := CombineSeeds(seeds)
	if err != nil {
		return nil, &SourceError{Reason: "cannot combine the seeds", Err: err}
	}
	return s, nil
}

// SourceError reports a seed promise that is malformed, or evidence that
// does not match its promise. It matches [ErrSeedEvidence], and also the
// cause in Err (a *[DiceError], *[RevealError] or *[BeaconError]) with
// errors.Is and errors.As.
type SourceError struct {
	Index  int        // 1-based position of the source in the announcement; 0 if unknown
	Kind   SourceKind // the promised kind
	Field  string     // the field at fault, e.g. "beacon.round", "reveals"
	Reason string
	Err    error // the underlying error, or nil
}

func (e *SourceError) Error() string {
	var b strings.Builder
	b.WriteString("random: seed source")
	if e.Index > 0 {
		fmt.Fprintf(&b, " %d", e.Index)
	}
	if e.Kind != "" {
		fmt.Fprintf(&b, " (%s)", e.Kind)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Reason)
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns [ErrSeedEvidence] and the cause.
func (e *SourceError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrSeedEvidence}
	}
	return []error{ErrSeedEvidence, e.Err}
}

// SeedSource is the seam between a draw and where its seed comes from.
// The publish layer writes Promise into the announcement, and at draw
// time writes Evidence into the record; anyone replays the seed from the
// two with [DeriveSeed]. Evidence gathers what exists at draw time (the
// digits read out, the reveals received, the beacon round fetched by the
// caller — this package does no networking); it fails when that is not
// yet available. The standard sources are [DiceSource],
// [CommitRevealSource], [BeaconSource] and [SystemSource].
type SeedSource interface {
	Promise() SeedPromise
	Evidence() (SeedEvidence, error)
}

// DiceSource is a public dice ceremony. Ceremony is known when the draw
// is announced; Digits (as read out, white space allowed) when it is held.
type DiceSource struct {
	Ceremony Ceremony
	Digits   string
}

// Promise returns the dice promise.
func (d DiceSource) Promise() SeedPromise {
	c := d.Ceremony
	return SeedPromise{Kind: SourceDice, Verifiable: true, Ceremony: &c}
}

// Evidence returns the canonical digits.
func (d DiceSource) Evidence() (SeedEvidence, error) {
	s, err := DiceSeed(d.Digits)
	if err != nil {
		return SeedEvidence{}, &SourceError{Kind: SourceDice, Field: "digits", Reason: "not a dice seed", Err: err}
	}
	return SeedEvidence{Kind: SourceDice, Digits: string(s)}, nil
}

// CommitRevealSource is a commit-reveal among named participants.
// Commitments are published with the announcement; Reveals are collected
// after it.
type CommitRevealSource struct {
	Commitments []Commitment
	Reveals     []Reveal
}

// Promise returns the commit-reveal promise.
func (c CommitRevealSource) Promise() SeedPromise {
	return SeedPromise{Kind: SourceCommitReveal, Verifiable: true, Commitments: slices.Clone(c.Commitments)}
}

// Evidence checks the reveals ([CheckReveals]) and returns them sorted by
// name.
func (c CommitRevealSource) Evidence() (SeedEvidence, error) {
	if err := CheckReveals(c.Commitments, c.Reveals); err != nil {
		return SeedEvidence{}, &SourceError{Kind: SourceCommitReveal, Field: "reveals", Reason: "reveals do not open the commitments", Err: err}
	}
	r := slices.Clone(c.Reveals)
	slices.SortFunc(r, func(a, b Reveal) int { return strings.Compare(a.Name, b.Name) })
	return SeedEvidence{Kind: SourceCommitReveal, Reveals: r}, nil
}

// BeaconSource is a future round of a drand chain. Chain and Round are
// announced; Beacon is the round as published, fetched by the caller
// once it is due (see [ChainInfo.RoundTime]).
type BeaconSource struct {
	Chain  ChainInfo
	Round  uint64
	Beacon *Beacon // nil until fetched
}

// Promise returns the beacon promise.
func (b BeaconSource) Promise() SeedPromise {
	c := b.Chain
	return SeedPromise{Kind: SourceBeacon, Verifiable: true, Chain: &c, Round: b.Round}
}

// Evidence verifies the fetched round against the chain and returns it.
func (b BeaconSource) Evidence() (SeedEvidence, error) {
	if b.Beacon == nil {
		return SeedEvidence{}, &SourceError{Kind: SourceBeacon, Field: "beacon", Reason: fmt.Sprintf("round %d not fetched yet", b.Round)}
	}
	e := SeedEvidence{Kind: SourceBeacon, Beacon: b.Beacon}
	if _, err := b.Promise().Check(e); err != nil {
		return SeedEvidence{}, err
	}
	return e, nil
}

// SystemSource is a seed drawn by the operator's own machine from Rand
// (crypto/rand.Reader in production). It is NOT verifiable: nobody can
// tell whether the operator drew it once or many times until an outcome
// suited them. Its promise says "verifiable": false and its evidence
// holds the seed itself. Use it for tests and internal drills, or only
// combined with a verifiable source that becomes known after the system
// seed is published. Evidence reads Rand once and returns the same seed
// on every later call.
type SystemSource struct {
	Rand io.Reader
	seed []byte
}

// Promise returns the system promise, marked not verifiable.
func (s *SystemSource) Promise() SeedPromise {
	return SeedPromise{Kind: SourceSystem, Verifiable: false}
}

// Evidence returns the seed, reading it from Rand on the first call.
func (s *SystemSource) Evidence() (SeedEvidence, error) {
	if s.seed == nil {
		if s.Rand == nil {
			return SeedEvidence{}, &SourceError{Kind: SourceSystem, Field: "seed", Reason: "no random source"}
		}
		b, err := SystemSeed(s.Rand)
		if err != nil {
			return SeedEvidence{}, &SourceError{Kind: SourceSystem, Field: "seed", Reason: "cannot read the system seed", Err: err}
		}
		s.seed = b
	}
	return SeedEvidence{Kind: SourceSystem, Seed: bytes.Clone(s.seed)}, nil
}

// HexBytes is a byte string written in JSON as lowercase hexadecimal.
// Reading it is strict: uppercase digits, an odd length or other
// characters are errors. The empty string reads as nil.
type HexBytes []byte

// MarshalText writes h as lowercase hex.
func (h HexBytes) MarshalText() ([]byte, error) {
	out := make([]byte, hex.EncodedLen(len(h)))
	hex.Encode(out, h)
	return out, nil
}

// UnmarshalText reads lowercase hex.
func (h *HexBytes) UnmarshalText(text []byte) error {
	for i, c := range text {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return fmt.Errorf("random: hex: character %q at offset %d is not a lowercase hex digit", rune(c), i)
		}
	}
	if len(text)%2 != 0 {
		return fmt.Errorf("random: hex: odd length %d", len(text))
	}
	if len(text) == 0 {
		*h = nil
		return nil
	}
	b := make([]byte, hex.DecodedLen(len(text)))
	if _, err := hex.Decode(b, text); err != nil {
		return fmt.Errorf("random: hex: %w", err)
	}
	*h = b
	return nil
}

// String returns h as lowercase hex.
func (h HexBytes) String() string { return hex.EncodeToString(h) }

// seedWriteU32 writes u32(n).
func seedWriteU32(h hash.Hash, n uint32) {
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], n)
	h.Write(b[:])
}

// seedWriteLP writes lp(b) = u32(len(b)) || b.
func seedWriteLP(h hash.Hash, b []byte) {
	seedWriteU32(h, uint32(len(b)))
	h.Write(b)
}

// seedValidName: 1..128 bytes of UTF-8, no control characters, no leading
// or trailing space (the rules of row ids).
func seedValidName(s string) bool {
	if len(s) == 0 || len(s) > maxNameSize {
		return false
	}
	return seedCleanText(s)
}

// seedValidText: the rules of a name, up to 256 bytes.
func seedValidText(s string) bool {
	if len(s) == 0 || len(s) > maxTextSize {
		return false
	}
	return seedCleanText(s)
}

func seedCleanText(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f {
			return false
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return !unicode.IsSpace(first) && !unicode.IsSpace(last)
}

// seedStrictJSON decodes exactly one JSON value into v, rejecting unknown
// object fields and trailing data.
func seedStrictJSON(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}
