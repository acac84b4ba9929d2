package roster

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/bits"
	"runtime"
	"sync"
	"sync/atomic"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/doublerandom/doublerandom/internal/padsum"
)

// Hash is a SHA-256 digest: a table root, a leaf hash or a tree node.
type Hash [32]byte

// String returns the hash as 64 lowercase hex digits.
func (h Hash) String() string { return hex.EncodeToString(h[:]) }

// MarshalText encodes the hash as hex.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText decodes 64 hex digits.
func (h *Hash) UnmarshalText(b []byte) error {
	p, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = p
	return nil
}

// ParseHash decodes 64 hex digits (either case).
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 64 {
		return h, fmt.Errorf("hash %q: want 64 hex digits, have %d characters", s, len(s))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("hash %q: %v", s, err)
	}
	return h, nil
}

// EmptyRoot is the root of a table with no rows, SHA-256 of nothing.
var EmptyRoot = Hash(sha256.Sum256(nil))

// LeafHash is the RFC 6962 leaf hash H(0x00 || leaf).
func LeafHash(leaf []byte) Hash {
	return Hash(tlog.RecordHash(leaf))
}

// nodeHash is the RFC 6962 interior node hash H(0x01 || l || r).
func nodeHash(l, r Hash) Hash {
	var buf [1 + 2*len(Hash{})]byte
	buf[0] = 1
	copy(buf[1:], l[:])
	copy(buf[1+len(l):], r[:])
	return sha256.Sum256(buf[:])
}

// TreeBuilder computes an RFC 6962 Merkle tree hash over leaves appended in
// order, in O(log n) memory. The zero value is an empty tree ready to use.
type TreeBuilder struct {
	stack []Hash // roots of complete subtrees, largest first
	n     uint64
	buf   []byte
	// ps hashes leaves and nodes with their padding written here (see
	// package padsum); nil until the first leaf, and when unsupported.
	ps   *padsum.Hasher
	node [2 * sha256.BlockSize]byte // 0x01 || left || right || padding
}

// nodeLen is the length of an interior node's message 0x01 || l || r.
const nodeLen = 1 + 2*sha256.Size

// AddLeaf appends the leaf bytes of the next leaf.
func (b *TreeBuilder) AddLeaf(leaf []byte) {
	b.buf = append(append(b.buf[:0], 0), leaf...)
	b.AddLeafHash(b.sum())
}

// AddRow appends the leaf of row r.
func (b *TreeBuilder) AddRow(r Row) {
	b.buf = r.AppendLeaf(append(b.buf[:0], 0))
	b.AddLeafHash(b.sum())
}

// sum returns H(b.buf), through b.ps when it can.
func (b *TreeBuilder) sum() Hash {
	if b.ps == nil {
		if b.ps = padsum.New(); b.ps == nil {
			return sha256.Sum256(b.buf)
		}
		// The node message 0x01 || left || right is 65 bytes: its
		// padding is always the same.
		padded := padsum.AppendPadding(make([]byte, nodeLen))
		copy(b.node[nodeLen:], padded[nodeLen:])
		b.node[0] = 1
	}
	n := len(b.buf)
	b.buf = padsum.AppendPadding(b.buf)
	h := Hash(b.ps.Sum(b.buf))
	b.buf = b.buf[:n]
	return h
}

// AddLeafHash appends a leaf whose hash H(0x00 || leaf) is already known.
func (b *TreeBuilder) AddLeafHash(h Hash) {
	b.stack = append(b.stack, h)
	// Merge complete subtrees of equal size: one merge per trailing one
	// bit of the old count.
	for n := b.n; n&1 == 1; n >>= 1 {
		k := len(b.stack)
		b.stack[k-2] = b.nodeHash(b.stack[k-2], b.stack[k-1])
		b.stack = b.stack[:k-1]
	}
	b.n++
}

// nodeHash is the package's nodeHash, through b.ps when it is set.
func (b *TreeBuilder) nodeHash(l, r Hash) Hash {
	if b.ps == nil {
		return nodeHash(l, r)
	}
	copy(b.node[1:], l[:])
	copy(b.node[1+len(l):], r[:])
	return Hash(b.ps.Sum(b.node[:]))
}

// Len returns the number of leaves appended.
func (b *TreeBuilder) Len() uint64 { return b.n }

// Root returns the Merkle tree hash of the leaves so far. The builder stays
// usable.
func (b *TreeBuilder) Root() Hash {
	if len(b.stack) == 0 {
		return EmptyRoot
	}
	acc := b.stack[len(b.stack)-1]
	for i := len(b.stack) - 2; i >= 0; i-- {
		acc = nodeHash(b.stack[i], acc)
	}
	return acc
}

// Proof is an RFC 6962 inclusion proof of one leaf in a tree of Size
// leaves: the sibling hashes from the leaf up. Its JSON form, for
// publication, is {"index": N, "size": N, "path": [HEX, …]}.
type Proof struct {
	Index uint64 `json:"index"` // position of the row, 0-based, in id order
	Size  uint64 `json:"size"`  // rows in the table
	Path  []Hash `json:"path"`
}

// MarshalJSON encodes the proof with hex hashes; an empty path is [].
func (p Proof) MarshalJSON() ([]byte, error) {
	type plain Proof
	q := plain(p)
	if q.Path == nil {
		q.Path = []Hash{}
	}
	return json.Marshal(q)
}

// UnmarshalJSON decodes a proof, rejecting unknown fields and a missing
// size or path.
func (p *Proof) UnmarshalJSON(b []byte) error {
	var q struct {
		Index *uint64 `json:"index"`
		Size  *uint64 `json:"size"`
		Path  *[]Hash `json:"path"`
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		return fmt.Errorf("roster: proof: %w", err)
	}
	if q.Index == nil || q.Size == nil || q.Path == nil {
		return fmt.Errorf("roster: proof: index, size and path are required")
	}
	*p = Proof{Index: *q.Index, Size: *q.Size, Path: *q.Path}
	return nil
}

// ErrProof is wrapped by every failed proof verification.
var ErrProof = errors.New("inclusion proof does not verify")

// VerifyProof checks that row r is the row at p.Index of a table of p.Size
// rows whose root is root. It uses golang.org/x/mod/sumdb/tlog, an
// implementation independent of the one that made the proof.
func VerifyProof(root Hash, r Row, p Proof) error {
	if p.Size == 0 || p.Index >= p.Size || p.Size > 1<<62 {
		return fmt.Errorf("%w: index %d of %d rows", ErrProof, p.Index, p.Size)
	}
	return verifyLeaf(root, r.ID, r.Leaf(), p)
}

// verifyLeaf checks the proof of the leaf bytes of the row with the given id.
func verifyLeaf(root Hash, id string, leaf []byte, p Proof) error {
	if p.Size == 0 || p.Index >= p.Size || p.Size > 1<<62 {
		return fmt.Errorf("%w: index %d of %d rows", ErrProof, p.Index, p.Size)
	}
	proof := make(tlog.RecordProof, len(p.Path))
	for i, h := range p.Path {
		proof[i] = tlog.Hash(h)
	}
	if err := tlog.CheckRecord(proof, int64(p.Size), tlog.Hash(root), int64(p.Index), tlog.Hash(LeafHash(leaf))); err != nil {
		return fmt.Errorf("%w: row %q: %v", ErrProof, id, err)
	}
	return nil
}

// hashChunk is how many rows one goroutine hashes at a time when a table
// is hashed in parallel. It is a power of two, so that a chunk is a
// complete subtree of the RFC 6962 tree (see [rowsRoot]).
const hashChunk = 1 << 13

// parallelChunks calls f(lo, hi) for consecutive chunks of [0, n) of size
// hashChunk, on up to GOMAXPROCS goroutines. Each chunk is handled by
// exactly one call, so results written by chunk index do not depend on
// the number of goroutines.
func parallelChunks(n int, f func(chunk, lo, hi int)) {
	chunks := (n + hashChunk - 1) / hashChunk
	workers := min(runtime.GOMAXPROCS(0), chunks)
	if workers <= 1 {
		for c := range chunks {
			f(c, c*hashChunk, min(n, (c+1)*hashChunk))
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks {
					return
				}
				f(c, c*hashChunk, min(n, (c+1)*hashChunk))
			}
		})
	}
	wg.Wait()
}

// hashLeaves writes H(0x00 || leaf) of each row into out, reusing buf.
func hashLeaves(out []Hash, rows []Row, buf []byte) []byte {
	for i, r := range rows {
		buf = r.AppendLeaf(append(buf[:0], 0))
		out[i] = sha256.Sum256(buf)
	}
	return buf
}

// leafHashes hashes the leaves of rows, in order, in parallel.
func leafHashes(rows []Row) []Hash {
	out := make([]Hash, len(rows))
	parallelChunks(len(rows), func(_, lo, hi int) {
		hashLeaves(out[lo:hi], rows[lo:hi], make([]byte, 0, 256))
	})
	return out
}

// rowsRoot is the Merkle tree hash of the rows' leaves. Chunks of
// hashChunk rows are hashed in parallel into the roots of their complete
// subtrees; since hashChunk is a power of two, the RFC 6962 tree over
// all rows is the tree over those chunk roots followed by the root of
// the last, partial chunk. The result does not depend on the number of
// goroutines.
func rowsRoot(rows []Row) Hash {
	chunks := (len(rows) + hashChunk - 1) / hashChunk
	roots := make([]Hash, chunks)
	parallelChunks(len(rows), func(c, lo, hi int) {
		var b TreeBuilder
		b.buf = make([]byte, 0, 256)
		for _, r := range rows[lo:hi] {
			b.AddRow(r)
		}
		roots[c] = b.Root()
	})
	return mth(roots)
}

// leavesRoot is rowsRoot for rows whose leaf hashes are known already:
// the hash of the row read from line base+k is leaves[k].
func leavesRoot(rows []Row, leaves []Hash, base int) Hash {
	chunks := (len(rows) + hashChunk - 1) / hashChunk
	roots := make([]Hash, chunks)
	parallelChunks(len(rows), func(c, lo, hi int) {
		var b TreeBuilder
		b.buf = make([]byte, 0, 256)
		b.sum() // sets up the padded node hashing
		for _, r := range rows[lo:hi] {
			b.AddLeafHash(leaves[r.Line-base])
		}
		roots[c] = b.Root()
	})
	return mth(roots)
}

// mth is the RFC 6962 Merkle tree hash of a slice of leaf hashes.
func mth(leaves []Hash) Hash {
	var b TreeBuilder
	for _, h := range leaves {
		b.AddLeafHash(h)
	}
	return b.Root()
}

// path is RFC 6962 PATH(m, D[n]).
func path(m int, leaves []Hash) []Hash {
	n := len(leaves)
	if n <= 1 {
		return nil
	}
	k := 1 << (bits.Len(uint(n-1)) - 1) // largest power of two < n
	if m < k {
		return append(path(m, leaves[:k]), mth(leaves[k:]))
	}
	return append(path(m-k, leaves[k:]), mth(leaves[:k]))
}
