package random

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"hash"

	"github.com/doublerandom/doublerandom/internal/padsum"
)

// keyHasher computes the inspector keys Q(p, i) of protocol §6 for one
// premises and many inspectors, equal to [Key.InspectorKey] but sharing
// SHA-256 work between inspectors.
//
// The message K || 0x02 || lp(p.id) || lp(i.id) is hashed in 64-byte
// blocks. Its complete blocks that lie within bytes two messages share
// (the fixed part K || 0x02 || lp(p.id), then the leading bytes of
// lp(i.id) the two inspectors have in common) give the same
// intermediate state, so it is kept (the hash's MarshalBinary form) and
// restored instead of recomputed. For an 18-byte premises id the fixed
// part is 55 bytes, and inspector ids of one length whose first bytes
// agree (a region code, say) share the whole first block: each key then
// costs one compression instead of two.
//
// The message is written with its SHA-256 padding (protocol §6 hashes
// with plain SHA-256), so that the hash's state after the last block
// is the digest; it is read from the saved state instead of calling
// Sum, which would copy and pad the message again. [padsum.Supported]
// checks once that the saved state has the layout this needs; if not,
// keys are computed with Sum.
//
// Inspectors are best given in ascending order of lp(id) (by length,
// then bytes), with a hint of how much of lp(id) the next one shares;
// the hint only decides which states are worth keeping. A state is
// reused only where the bytes it covers are checked to be equal, so any
// order and any hint give the same keys. With nothing to share, each
// key is one SHA-256 of the message.
type keyHasher struct {
	k     Key
	h     hash.Hash
	app   encoding.BinaryAppender    // h, to keep a state
	un    encoding.BinaryUnmarshaler // h, to restore one
	msg   []byte                     // K || 0x02 || lp(p.id) || lp(i.id) of the last key, maybe padded
	fixed int                        // len(K || 0x02 || lp(p.id))
	prev  string                     // i.id of the last key, when last is set
	last  bool                       // msg holds the message of a key of this premises
	// states[b] is the state after the first b blocks of msg, for
	// 1 <= b <= valid.
	states [][]byte
	valid  int
	// direct is set when the digest is read from the saved state
	// after the padded message (see [padsum.Supported]).
	direct bool
	st     []byte // the state read when direct
	sum    [sha256.Size]byte
}

// newKeyHasher returns a keyHasher for draw key k. It falls back to
// plain hashing if the SHA-256 implementation cannot save its state.
func newKeyHasher(k Key) *keyHasher {
	kh := &keyHasher{k: k, h: sha256.New(), msg: make([]byte, 0, 192), st: make([]byte, 0, 128)}
	kh.app, _ = kh.h.(encoding.BinaryAppender)
	kh.un, _ = kh.h.(encoding.BinaryUnmarshaler)
	if kh.app == nil || kh.un == nil {
		kh.app, kh.un = nil, nil
	}
	kh.direct = kh.app != nil && padsum.Supported()
	return kh
}

// premises starts the keys of the premises with the given id.
func (kh *keyHasher) premises(id string) {
	kh.msg = append(append(kh.msg[:0], kh.k[:]...), tagInspector)
	kh.msg = appendLP(kh.msg, id)
	kh.fixed = len(kh.msg)
	kh.prev, kh.last, kh.valid = "", false, 0
}

// key returns Q(p, i) for the current premises and the inspector with
// the given id. next is the number of leading bytes of lp(id) that the
// next inspector's lp(id) has in common with it (0 when unknown).
func (kh *keyHasher) key(id string, next int) uint64 {
	const block = sha256.BlockSize
	// The states that still describe a prefix of the new message: those
	// within the bytes it shares with the last one.
	valid := 0
	if kh.last && kh.valid > 0 {
		valid = kh.valid
		if need := valid*block - kh.fixed; need > 0 && !lpAgree(kh.prev, id, need) {
			valid = min(valid, (kh.fixed+lpCommon(kh.prev, id))/block)
		}
	}
	n := kh.fixed + 4 + len(id) // the message's length
	if kh.last && len(id) == len(kh.prev) {
		// Same length, same padding: only the id changes.
		copy(kh.msg[kh.fixed+4:], id)
	} else {
		kh.msg = appendLP(kh.msg[:kh.fixed], id)
		if kh.direct {
			kh.msg = padsum.AppendPadding(kh.msg)
		}
	}
	kh.prev, kh.last = id, true
	blocks := n / block // complete blocks of the message
	msg := kh.msg
	have := min(valid, blocks)
	keep := 0
	if kh.app != nil {
		keep = min(blocks, (kh.fixed+next)/block)
	}
	if have > 0 {
		if err := kh.un.UnmarshalBinary(kh.states[have]); err != nil {
			// Cannot happen: the state was made by the same hash.
			kh.h.Reset()
			have = 0
		}
	} else {
		kh.h.Reset()
	}
	pos := have * block
	for b := have + 1; b <= keep; b++ {
		kh.h.Write(msg[pos : b*block])
		pos = b * block
		for len(kh.states) <= b {
			kh.states = append(kh.states, make([]byte, 0, 128))
		}
		st, err := kh.app.AppendBinary(kh.states[b][:0])
		if err != nil {
			keep = b - 1
			break
		}
		kh.states[b] = st
	}
	kh.valid = max(have, keep)
	kh.h.Write(msg[pos:])
	if kh.direct {
		st, err := kh.app.AppendBinary(kh.st[:0])
		if err == nil && len(st) >= padsum.DigestAt+8 {
			kh.st = st
			return binary.BigEndian.Uint64(st[padsum.DigestAt:])
		}
		// Cannot happen ([padsum.Supported]); hash the message plainly.
		sum := sha256.Sum256(msg[:n])
		return binary.BigEndian.Uint64(sum[:8])
	}
	kh.h.Sum(kh.sum[:0])
	return binary.BigEndian.Uint64(kh.sum[:8])
}

// lpAgree reports whether lp(a) and lp(b) agree in their first n
// bytes.
func lpAgree(a, b string, n int) bool {
	if len(a) != len(b) || n > 4+len(a) {
		return lpCommon(a, b) >= n
	}
	return n <= 4 || a[:n-4] == b[:n-4]
}

// lpCommon returns the number of leading bytes lp(a) and lp(b) have in
// common.
func lpCommon(a, b string) int {
	if len(a) != len(b) {
		var x, y [4]byte
		binary.BigEndian.PutUint32(x[:], uint32(len(a)))
		binary.BigEndian.PutUint32(y[:], uint32(len(b)))
		n := 0
		for n < 4 && x[n] == y[n] {
			n++
		}
		return n
	}
	n := 0
	for n < len(a) && a[n] == b[n] {
		n++
	}
	return 4 + n
}
