package roster

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"slices"
	"strings"
)

// What draw protocol v2 changes in the tables (protocol v2 §1): the list
// attributes, references to ids that are not in the tables, and private
// attributes with their leaf bytes. Everything else (ids, names, values,
// dates, the RFC 6962 roots) is v1's.

// Protocol is the draw protocol a table is read and hashed under.
type Protocol uint8

// The protocols. The zero value is v1, so that existing callers keep v1.
const (
	ProtocolV1 Protocol = iota // doublerandom/v1
	ProtocolV2                 // doublerandom/v2
)

// String returns "doublerandom/v1" or "doublerandom/v2".
func (p Protocol) String() string {
	switch p {
	case ProtocolV1:
		return "doublerandom/v1"
	case ProtocolV2:
		return "doublerandom/v2"
	}
	return fmt.Sprintf("Protocol(%d)", uint8(p))
}

// Attribute names that protocol v2 adds.
const (
	AttrMatters = "matters" // premises and history: inspection matters, multi-valued
	AttrKind    = "kind"    // history: kind of inspection (random, targeted, campaign, …)
)

// ListAttr reports whether the named attribute of this table is a list
// attribute (';'-separated, kept in canonical form) under protocol p. v1:
// inspectors' specialties and history's inspectors. v2 adds premises'
// and history's matters.
func (k Kind) ListAttr(p Protocol, name string) bool {
	if p == ProtocolV2 && name == AttrMatters && (k == KindPremises || k == KindHistory) {
		return true
	}
	return k.MultiValued(name)
}

// Commitment says how the private attributes of a v2 set are committed
// (protocol v2 §1). The zero value has no key: it commits no private
// value (a set whose plan names private attributes then has no roots).
type Commitment struct {
	// Key is the agency's blinding key, [BlindingKeySize] secret bytes
	// from which every salt is derived. It is needed for tables in full
	// form.
	Key []byte
	// Published says the tables are in published form (protocol v2 §9):
	// each private attribute's value is already its digest D, as 64
	// lowercase hex digits ([Table.PublishedV2]). No key is needed.
	Published bool
}

// BlindingKeySize is the size of an agency's blinding key in bytes.
const BlindingKeySize = 32

// ErrPrivate is wrapped by errors about private attributes: a bad
// blinding key, or a published value that is not a digest.
var ErrPrivate = errors.New("bad private attribute")

// Private names, per table, the attributes a plan keeps private: they
// are committed in the roots but not published (protocol v2 §1). A nil
// Private has none.
type Private map[Kind][]string

// Has reports whether the attribute of the table is private.
func (p Private) Has(k Kind, name string) bool { return slices.Contains(p[k], name) }

// PrivateSalt returns the salt of one private value: the first 16 bytes
// of HMAC-SHA256(key, lp(table) || lp(id) || lp(name)), where table is
// the table's name (premises, inspectors, conflicts or history) and id
// the row's (derived for a conflict row without one).
func PrivateSalt(key []byte, kind Kind, id, name string) [16]byte {
	m := hmac.New(sha256.New, key)
	var b []byte
	b = appendLP(b, kind.String())
	b = appendLP(b, id)
	b = appendLP(b, name)
	m.Write(b)
	var salt [16]byte
	copy(salt[:], m.Sum(nil))
	return salt
}

// PrivateDigest returns D = H("doublerandom/v2/private" || lp(salt) ||
// lp(value)), the commitment to a private value.
func PrivateDigest(salt [16]byte, value string) Hash {
	b := make([]byte, 0, 23+4+16+4+len(value))
	b = append(b, "doublerandom/v2/private"...)
	b = binary.BigEndian.AppendUint32(b, 16)
	b = append(b, salt[:]...)
	b = appendLP(b, value)
	return sha256.Sum256(b)
}

// checkKey checks a blinding key's size.
func (c Commitment) checkKey() error {
	if !c.Published && len(c.Key) != BlindingKeySize {
		return fmt.Errorf("%w: the blinding key is %d bytes, want %d", ErrPrivate, len(c.Key), BlindingKeySize)
	}
	return nil
}

// AppendLeafV2 appends the v2 leaf bytes of a row of the given table to
// dst: lp(id) || u32(m) || e_1 || … || e_m over its m attributes in name
// order, where e = lp(name) || 0x00 || lp(value) for a public attribute
// and e = lp(name) || 0x01 || D for a private one (D is computed from the
// value with the commitment's key, or, for a published table, decoded
// from the value). A published value that is not 64 lowercase hex digits
// is an error naming the row.
func (r Row) AppendLeafV2(dst []byte, kind Kind, private Private, c Commitment) ([]byte, error) {
	return r.appendLeafV2(dst, kind, private, c, nil)
}

// salter computes [PrivateSalt] for one key again and again, keeping the
// HMAC (whose key blocks are hashed once, not once a call) and its
// buffers.
type salter struct {
	m   hash.Hash
	b   []byte
	sum []byte
}

func (s *salter) salt(key []byte, kind Kind, id, name string) [16]byte {
	if s.m == nil {
		s.m = hmac.New(sha256.New, key)
	} else {
		s.m.Reset()
	}
	s.b = appendLP(appendLP(appendLP(s.b[:0], kind.String()), id), name)
	s.m.Write(s.b)
	s.sum = s.m.Sum(s.sum[:0])
	var salt [16]byte
	copy(salt[:], s.sum)
	return salt
}

// appendLeafV2 is AppendLeafV2, with the salts from s when it is set
// (s serves one key: c.Key).
func (r Row) appendLeafV2(dst []byte, kind Kind, private Private, c Commitment, s *salter) ([]byte, error) {
	dst = appendLP(dst, r.ID)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(r.Attrs)))
	names := private[kind]
	for _, a := range r.Attrs {
		dst = appendLP(dst, a.Name)
		if !slices.Contains(names, a.Name) {
			dst = append(dst, 0)
			dst = appendLP(dst, a.Value)
			continue
		}
		d, err := c.digest(kind, r, a, s)
		if err != nil {
			return nil, err
		}
		dst = append(dst, 1)
		dst = append(dst, d[:]...)
	}
	return dst, nil
}

// digest returns D of a private attribute of row r.
func (c Commitment) digest(kind Kind, r Row, a Attr, s *salter) (Hash, error) {
	if !c.Published {
		if err := c.checkKey(); err != nil {
			return Hash{}, err
		}
		if s != nil {
			return PrivateDigest(s.salt(c.Key, kind, r.ID, a.Name), a.Value), nil
		}
		return PrivateDigest(PrivateSalt(c.Key, kind, r.ID, a.Name), a.Value), nil
	}
	var d Hash
	if len(a.Value) != 2*len(d) || strings.ToLower(a.Value) != a.Value {
		return d, &RowError{Line: r.Line, Field: a.Name, Value: a.Value,
			Err: fmt.Errorf("%w: row %q: a private value of a published table is its digest, 64 lowercase hex digits", ErrPrivate, r.ID)}
	}
	if _, err := hex.Decode(d[:], []byte(a.Value)); err != nil {
		return d, &RowError{Line: r.Line, Field: a.Name, Value: a.Value,
			Err: fmt.Errorf("%w: row %q: not hex: %v", ErrPrivate, r.ID, err)}
	}
	return d, nil
}

// RootV2 returns the table's root under protocol v2: the RFC 6962 Merkle
// tree hash over the v2 leaf bytes of its rows in id order (see
// [Row.AppendLeafV2]). The root of a table and that of its published
// form ([Table.PublishedV2]) are the same. The table must have been read
// under protocol v2 (its lists are then v2's).
func (t *Table) RootV2(private Private, c Commitment) (Hash, error) {
	if t == nil {
		return EmptyRoot, nil
	}
	if t.proto != ProtocolV2 && len(t.rows) > 0 {
		return Hash{}, fmt.Errorf("roster: the %s table was read under %s; read it with Options.Protocol = ProtocolV2 for a v2 root", t.kind, t.proto)
	}
	if len(private[t.kind]) == 0 {
		c = Commitment{Published: true} // no private value: no key needed
	} else if err := c.checkKey(); err != nil {
		return Hash{}, err
	}
	chunks := (len(t.rows) + hashChunk - 1) / hashChunk
	roots := make([]Hash, chunks)
	errs := make([]error, chunks)
	parallelChunks(len(t.rows), func(ch, lo, hi int) {
		var b TreeBuilder
		var salts salter
		b.buf = make([]byte, 0, 256)
		for _, r := range t.rows[lo:hi] {
			var err error
			b.buf, err = r.appendLeafV2(append(b.buf[:0], 0), t.kind, private, c, &salts)
			if err != nil {
				errs[ch] = t.named(err)
				return
			}
			b.AddLeafHash(b.sum())
		}
		roots[ch] = b.Root()
	})
	for _, err := range errs {
		if err != nil {
			return Hash{}, err
		}
	}
	return mth(roots), nil
}

// named fills in the file and column of a row error of the table.
func (t *Table) named(err error) error {
	var re *RowError
	if errors.As(err, &re) {
		re.File = t.file
		re.Column = t.column(re.Field)
	}
	return err
}

// ProveV2 returns the inclusion proof of the row with the given id under
// protocol v2, which [VerifyProofV2] checks against [Table.RootV2].
func (t *Table) ProveV2(id string, private Private, c Commitment) (Proof, error) {
	i := t.Index(id)
	if i < 0 {
		return Proof{}, fmt.Errorf("roster: no row %q in the %s table", id, t.Kind())
	}
	leaves := make([]Hash, len(t.rows))
	for j, r := range t.rows {
		leaf, err := r.AppendLeafV2(nil, t.kind, private, c)
		if err != nil {
			return Proof{}, t.named(err)
		}
		leaves[j] = LeafHash(leaf)
	}
	return Proof{Index: uint64(i), Size: uint64(len(t.rows)), Path: path(i, leaves)}, nil
}

// PublishedV2 returns the published form of the table (protocol v2 §9):
// the same rows, each private attribute's value replaced by its digest D
// as 64 lowercase hex digits. Its root, computed with Commitment{Published:
// true}, is the table's root. A table already in published form (c.Published)
// is checked and returned as it is.
func (t *Table) PublishedV2(private Private, c Commitment) (*Table, error) {
	if t == nil {
		return nil, nil
	}
	names := private[t.kind]
	if c.Published || len(names) == 0 {
		if _, err := t.RootV2(private, c); err != nil {
			return nil, err
		}
		return t, nil
	}
	if err := c.checkKey(); err != nil {
		return nil, err
	}
	rows := make([]Row, len(t.rows))
	for i, r := range t.rows {
		attrs := r.Attrs
		for j, a := range r.Attrs {
			if !slices.Contains(names, a.Name) {
				continue
			}
			if &attrs[0] == &r.Attrs[0] {
				attrs = slices.Clone(r.Attrs)
			}
			d, _ := c.digest(t.kind, r, a, nil)
			attrs[j].Value = d.String()
		}
		r.Attrs = attrs
		rows[i] = r
	}
	return &Table{kind: t.kind, file: t.file, rows: rows, header: t.header, proto: t.proto}, nil
}

// VerifyProofV2 checks that row r (in the form, full or published, that
// c describes) is the row at p.Index of a v2 table of p.Size rows whose
// root is root.
func VerifyProofV2(root Hash, kind Kind, r Row, private Private, c Commitment, p Proof) error {
	leaf, err := r.AppendLeafV2(nil, kind, private, c)
	if err != nil {
		return err
	}
	return verifyLeaf(root, r.ID, leaf, p)
}
