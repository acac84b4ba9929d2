package random

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/doublerandom/doublerandom/roster"
)

// Key is the draw key K of protocol §3. Every priority and inspector key
// of a draw is one SHA-256 of K and an id, so K, published with the draw,
// is all a business owner needs to recompute their own priority.
type Key [32]byte

// NewKey derives the draw key K = H("doublerandom/v1/key" || lp(seed) ||
// inputs), where inputs is the digest of the plan and the four table
// roots ([roster.Roots.Inputs]). Because K binds the seed to the inputs,
// the inputs cannot be tuned once the seed is known. A seed outside
// 1..[MaxSeedSize] bytes is an error matching [ErrSeedInvalid].
func NewKey(seed []byte, inputs roster.Hash) (Key, error) {
	return newKey("doublerandom/v1/key", seed, inputs)
}

// newKey is H(tag || lp(seed) || inputs), the key of either protocol.
func newKey(tag string, seed []byte, inputs roster.Hash) (Key, error) {
	if len(seed) < 1 || len(seed) > MaxSeedSize {
		return Key{}, fmt.Errorf("%w: the seed is %d bytes, want 1..%d", ErrSeedInvalid, len(seed), MaxSeedSize)
	}
	h := sha256.New()
	h.Write([]byte(tag))
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(seed)))
	h.Write(n[:])
	h.Write(seed)
	h.Write(inputs[:])
	var k Key
	h.Sum(k[:0])
	return k, nil
}

// ParseKey decodes a key written as 64 hex digits (either case).
func ParseKey(s string) (Key, error) {
	var k Key
	if len(s) != 64 {
		return k, fmt.Errorf("key %q: want 64 hex digits, have %d characters", s, len(s))
	}
	if _, err := hex.Decode(k[:], []byte(s)); err != nil {
		return k, fmt.Errorf("key %q: %v", s, err)
	}
	return k, nil
}

// String returns the key as 64 lowercase hex digits.
func (k Key) String() string { return hex.EncodeToString(k[:]) }

// MarshalText encodes the key as lowercase hex.
func (k Key) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// UnmarshalText decodes 64 hex digits.
func (k *Key) UnmarshalText(b []byte) error {
	p, err := ParseKey(string(b))
	if err != nil {
		return err
	}
	*k = p
	return nil
}
