package random

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/doublerandom/doublerandom/roster"
)

// What protocol v2 changes in the key and priorities (protocol v2 §§3–4):
// the domain tags of the key, and the weighted priority W. P and Q are
// v1's ([Key.Priority], [Key.InspectorKey]).

// tagWeighted is the domain byte of the extra keys P_j of a weighted
// priority.
const tagWeighted = 0x03

// NewKeyV2 derives the v2 draw key K = H("doublerandom/v2/key" ||
// lp(seed) || inputs), where inputs is [roster.Roots.InputsV2] of the
// plan digest and the four v2 roots.
func NewKeyV2(seed []byte, inputs roster.Hash) (Key, error) {
	return newKey("doublerandom/v2/key", seed, inputs)
}

// ExtraPriority returns P_j(p) = u64(first 8 bytes of H(K || 0x03 ||
// lp(id) || u32(j))), the j'th extra key of a weighted priority.
func (k Key) ExtraPriority(id string, j uint32) uint64 {
	b := make([]byte, 0, 32+1+4+len(id)+4)
	b = append(b, k[:]...)
	b = append(b, tagWeighted)
	b = appendLP(b, id)
	b = binary.BigEndian.AppendUint32(b, j)
	sum := sha256.Sum256(b)
	return binary.BigEndian.Uint64(sum[:8])
}

// WeightedPriority returns W(p) = min(P(p), P_1(p), …, P_{w-1}(p)) for a
// premises of weight w (protocol v2 §4): ordering by the least of w
// uniform keys is successive sampling proportional to w without
// replacement. w <= 1 gives P.
func (k Key) WeightedPriority(id string, w int) uint64 {
	p := k.Priority(id)
	for j := 1; j < w; j++ {
		p = min(p, k.ExtraPriority(id, uint32(j)))
	}
	return p
}
