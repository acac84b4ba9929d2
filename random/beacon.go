package random

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/bits"
	"time"

	bls "github.com/cloudflare/circl/ecc/bls12381"
)

// drand scheme identifiers, as a chain's info names them in its schemeID field.
const (
	// SchemeChained is drand's original scheme, used by the League of
	// Entropy "default" mainnet chain: public key on G1 (48 bytes),
	// signatures on G2 (96 bytes), message SHA-256(previous_signature ||
	// u64(round)).
	SchemeChained = "pedersen-bls-chained"
	// SchemeUnchained has the key and signature groups of [SchemeChained]
	// but signs SHA-256(u64(round)) only.
	SchemeUnchained = "pedersen-bls-unchained"
	// SchemeUnchainedOnG1 is the deprecated "fastnet" scheme: public key on
	// G2, signatures on G1, message SHA-256(u64(round)), hashed to G1 with
	// the G2 domain separation tag (a historical quirk kept for old records).
	SchemeUnchainedOnG1 = "bls-unchained-on-g1"
	// SchemeRFC9380 is the scheme of the League of Entropy "quicknet"
	// chain: public key on G2 (96 bytes), signatures on G1 (48 bytes),
	// message SHA-256(u64(round)), hashed to G1 as RFC 9380 prescribes.
	SchemeRFC9380 = "bls-unchained-g1-rfc9380"
)

// Domain separation tags of the BLS signature suites (RFC 9380 hash to curve).
const (
	drandDSTG1 = "BLS_SIG_BLS12381G1_XMD:SHA-256_SSWU_RO_NUL_"
	drandDSTG2 = "BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_NUL_"
)

// drandScheme holds what verification needs to know about a drand scheme.
type drandScheme struct {
	sigOnG1 bool   // signatures on G1, public key on G2
	chained bool   // message includes the previous signature
	dst     string // hash-to-curve domain separation tag
}

var drandSchemes = map[string]drandScheme{
	SchemeChained:       {sigOnG1: false, chained: true, dst: drandDSTG2},
	SchemeUnchained:     {sigOnG1: false, chained: false, dst: drandDSTG2},
	SchemeUnchainedOnG1: {sigOnG1: true, chained: false, dst: drandDSTG2},
	SchemeRFC9380:       {sigOnG1: true, chained: false, dst: drandDSTG1},
}

// ChainInfo is the public information that identifies a drand chain and
// lets anyone verify its rounds offline: the group public key, the round
// period and genesis time, the chain hash and the signature scheme.
//
// Its JSON form is the one drand serves at /{chain-hash}/info (v1 API),
// so the info of a chain can be pasted into an announcement unchanged:
//
//	{"public_key": HEX, "period": 30, "genesis_time": 1595431050,
//	 "hash": HEX, "groupHash": HEX, "schemeID": "pedersen-bls-chained",
//	 "metadata": {"beaconID": "default"}}
//
// The chain hash is not trusted as given: [ChainInfo.Validate] recomputes
// it from the other fields (drand's definition: SHA-256 of u32(period) ||
// u64(genesis_time) || public_key || groupHash || beaconID, the beacon ID
// omitted when it is "default" or empty), so naming the chain hash in an
// announcement pins the public key.
type ChainInfo struct {
	PublicKey   HexBytes // compressed group public key (48 bytes on G1, 96 on G2)
	Period      uint32   // seconds between rounds
	GenesisTime int64    // Unix time of round 1, in seconds
	Hash        HexBytes // the chain hash (32 bytes)
	GroupHash   HexBytes // the genesis seed of the group
	Scheme      string   // one of the Scheme... constants
	BeaconID    string   // drand's beacon ID, e.g. "default" or "quicknet"
}

// DrandMainnet returns the info of the League of Entropy "default"
// mainnet chain (30-second rounds, chained scheme), as published at
// https://api.drand.sh/8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce/info.
func DrandMainnet() ChainInfo {
	return ChainInfo{
		PublicKey:   drandHex("868f005eb8e6e4ca0a47c8a77ceaa5309a47978a7c71bc5cce96366b5d7a569937c529eeda66c7293784a9402801af31"),
		Period:      30,
		GenesisTime: 1595431050,
		Hash:        drandHex("8990e7a9aaed2ffed73dbd7092123d6f289930540d7651336225dc172e51b2ce"),
		GroupHash:   drandHex("176f93498eac9ca337150b46d21dd58673ea4e3581185f869672e59fa4cb390a"),
		Scheme:      SchemeChained,
		BeaconID:    "default",
	}
}

// DrandQuicknet returns the info of the League of Entropy "quicknet"
// mainnet chain (3-second rounds, unchained, signatures on G1), as
// published at
// https://api.drand.sh/52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971/info.
func DrandQuicknet() ChainInfo {
	return ChainInfo{
		PublicKey:   drandHex("83cf0f2896adee7eb8b5f01fcad3912212c437e0073e911fb90022d3e760183c8c4b450b6a0a6c3ac6a5776a2d1064510d1fec758c921cc22b0e17e63aaf4bcb5ed66304de9cf809bd274ca73bab4af5a6e9c76a4bc09e76eae8991ef5ece45a"),
		Period:      3,
		GenesisTime: 1692803367,
		Hash:        drandHex("52db9ba70e0cc0f6eaf7803dd07447a1f5477735fd3f661792ba94600c84e971"),
		GroupHash:   drandHex("f477d5c89f21a17c863a7f937c6a6d15859414d2be09cd448d4279af331c5d3e"),
		Scheme:      SchemeRFC9380,
		BeaconID:    "quicknet",
	}
}

// drandHex decodes a hex constant of this file.
func drandHex(s string) HexBytes {
	b, err := hex.DecodeString(s)
	if err != nil {
		panic("random: bad hex constant " + s) // constants only, never input
	}
	return b
}

// ComputeHash returns the chain hash that the other fields of c determine.
func (c ChainInfo) ComputeHash() [32]byte {
	h := sha256.New()
	var buf [12]byte
	binary.BigEndian.PutUint32(buf[0:4], c.Period)
	binary.BigEndian.PutUint64(buf[4:12], uint64(c.GenesisTime))
	h.Write(buf[:])
	h.Write(c.PublicKey)
	h.Write(c.GroupHash)
	if c.BeaconID != "" && c.BeaconID != "default" {
		h.Write([]byte(c.BeaconID))
	}
	var out [32]byte
	h.Sum(out[:0])
	return out
}

// Validate checks that c is usable: a supported scheme, a public key that
// is a valid point of the scheme's key group (not the identity), a period
// above zero, and a chain hash equal to [ChainInfo.ComputeHash].
// Its errors are *[BeaconError] values.
func (c ChainInfo) Validate() error {
	_, err := c.parse()
	return err
}

// drandKey is a parsed public key: exactly one of the two is set.
type drandKey struct {
	sch drandScheme
	g1  *bls.G1
	g2  *bls.G2
}

func (c ChainInfo) parse() (drandKey, error) {
	fail := func(field, reason string) (drandKey, error) {
		return drandKey{}, &BeaconError{Chain: hex.EncodeToString(c.Hash), Field: field, Reason: reason}
	}
	sch, ok := drandSchemes[c.Scheme]
	if !ok {
		return fail("schemeID", fmt.Sprintf("unsupported scheme %q", c.Scheme))
	}
	if c.Period == 0 {
		return fail("period", "period is zero")
	}
	if len(c.Hash) != sha256.Size {
		return fail("hash", fmt.Sprintf("chain hash is %d bytes, want 32", len(c.Hash)))
	}
	if want := c.ComputeHash(); subtle.ConstantTimeCompare(want[:], c.Hash) != 1 {
		return fail("hash", "chain hash does not match the chain info (want "+hex.EncodeToString(want[:])+")")
	}
	k, ok := drandParseKey(sch, c.PublicKey)
	if !ok {
		return fail("public_key", "public key is not a compressed point of the scheme's key group")
	}
	return k, nil
}

// drandParseKey decodes a compressed public key of the scheme's key group,
// refusing the identity and points outside the prime-order subgroup.
func drandParseKey(sch drandScheme, pk []byte) (drandKey, bool) {
	k := drandKey{sch: sch}
	if sch.sigOnG1 {
		k.g2 = new(bls.G2)
		return k, len(pk) == bls.G2SizeCompressed && k.g2.SetBytes(pk) == nil && !k.g2.IsIdentity()
	}
	k.g1 = new(bls.G1)
	return k, len(pk) == bls.G1SizeCompressed && k.g1.SetBytes(pk) == nil && !k.g1.IsIdentity()
}

// Verify checks a round of the chain offline: the BLS signature must be
// the group's signature of the round (and, for the chained scheme, of the
// previous signature), its encoding canonical, and the randomness, when
// the beacon carries one, SHA-256 of the signature. A chained beacon must
// carry its previous signature (for round 1 that is the group hash); an
// unchained one must not carry any. Errors are *[BeaconError] values.
func (c ChainInfo) Verify(b Beacon) error {
	k, err := c.parse()
	if err != nil {
		return err
	}
	return drandVerify(k, hex.EncodeToString(c.Hash), b)
}

func drandVerify(k drandKey, chain string, b Beacon) error {
	fail := func(field, reason string) error {
		return &BeaconError{Chain: chain, Round: b.Round, Field: field, Reason: reason}
	}
	if b.Round == 0 {
		return fail("round", "round 0 does not exist")
	}
	if k.sch.chained && len(b.PreviousSignature) == 0 {
		return fail("previous_signature", "a chained scheme needs the previous signature")
	}
	if !k.sch.chained && len(b.PreviousSignature) != 0 {
		return fail("previous_signature", "an unchained scheme has no previous signature")
	}
	if b.Randomness != nil {
		r := b.Seed()
		if !bytes.Equal(r[:], b.Randomness) {
			return fail("randomness", "randomness is not SHA-256 of the signature")
		}
	}
	msg := drandMessage(b.Round, b.PreviousSignature)
	ok := false
	if k.sch.sigOnG1 {
		var sig bls.G1
		if len(b.Signature) != bls.G1SizeCompressed || sig.SetBytes(b.Signature) != nil || sig.IsIdentity() {
			return fail("signature", "signature is not a compressed G1 point of the group")
		}
		var hm bls.G1
		hm.Hash(msg, []byte(k.sch.dst))
		// e(sig, g2) == e(H(m), pk)
		res := bls.ProdPairFrac([]*bls.G1{&sig, &hm}, []*bls.G2{bls.G2Generator(), k.g2}, []int{1, -1})
		ok = res.IsIdentity()
	} else {
		var sig bls.G2
		if len(b.Signature) != bls.G2SizeCompressed || sig.SetBytes(b.Signature) != nil || sig.IsIdentity() {
			return fail("signature", "signature is not a compressed G2 point of the group")
		}
		var hm bls.G2
		hm.Hash(msg, []byte(k.sch.dst))
		// e(g1, sig) == e(pk, H(m))
		res := bls.ProdPairFrac([]*bls.G1{bls.G1Generator(), k.g1}, []*bls.G2{&sig, &hm}, []int{1, -1})
		ok = res.IsIdentity()
	}
	if !ok {
		return fail("signature", "signature does not verify for this round and chain")
	}
	return nil
}

// drandMessage is the 32-byte message drand signs for a round.
func drandMessage(round uint64, prev []byte) []byte {
	h := sha256.New()
	h.Write(prev)
	var r [8]byte
	binary.BigEndian.PutUint64(r[:], round)
	h.Write(r[:])
	return h.Sum(nil)
}

// RoundTime returns when round is due: genesis + (round-1)·period. Round 0
// (which does not exist) gives the genesis time; a time beyond what
// time.Time can count saturates.
func (c ChainInfo) RoundTime(round uint64) time.Time {
	if round == 0 {
		return time.Unix(c.GenesisTime, 0).UTC()
	}
	hi, off := bits.Mul64(round-1, uint64(c.Period))
	if hi != 0 || off > uint64(math.MaxInt64) || c.GenesisTime > math.MaxInt64-int64(off) {
		return time.Unix(math.MaxInt64>>1, 0).UTC() // far beyond any real round
	}
	return time.Unix(c.GenesisTime+int64(off), 0).UTC()
}

// RoundAt returns the first round due at or after t (round 1 for any t up
// to the genesis time). A beacon round promised in an announcement must
// be due strictly after the announcement is published: the publish layer
// checks RoundTime(round) > published time, and may leave a margin by
// promising, say, RoundAt(published) + 2. RoundAt returns 0 when the
// period is zero (an invalid chain).
func (c ChainInfo) RoundAt(t time.Time) uint64 {
	if c.Period == 0 {
		return 0
	}
	sec := t.Unix()
	if t.Nanosecond() > 0 && sec < math.MaxInt64 {
		sec++ // ceiling: a round due at a whole second not before t
	}
	if sec <= c.GenesisTime {
		return 1
	}
	d := uint64(sec - c.GenesisTime) // no overflow: sec > GenesisTime
	p := uint64(c.Period)
	return (d+p-1)/p + 1
}

type chainInfoJSON struct {
	PublicKey   HexBytes          `json:"public_key"`
	Period      uint32            `json:"period"`
	GenesisTime int64             `json:"genesis_time"`
	Hash        HexBytes          `json:"hash"`
	GroupHash   HexBytes          `json:"groupHash"`
	SchemeID    string            `json:"schemeID"`
	Metadata    chainMetadataJSON `json:"metadata"`
}

type chainMetadataJSON struct {
	BeaconID string `json:"beaconID"`
}

// MarshalJSON writes c in drand's /info form.
func (c ChainInfo) MarshalJSON() ([]byte, error) {
	return json.Marshal(chainInfoJSON{
		PublicKey: c.PublicKey, Period: c.Period, GenesisTime: c.GenesisTime,
		Hash: c.Hash, GroupHash: c.GroupHash, SchemeID: c.Scheme,
		Metadata: chainMetadataJSON{BeaconID: c.BeaconID},
	})
}

// UnmarshalJSON reads drand's /info form strictly (unknown fields are an
// error). It does not validate the chain; [ChainInfo.Validate] does.
func (c *ChainInfo) UnmarshalJSON(b []byte) error {
	var w chainInfoJSON
	if err := seedStrictJSON(b, &w); err != nil {
		return fmt.Errorf("random: chain info: %w", err)
	}
	*c = ChainInfo{
		PublicKey: w.PublicKey, Period: w.Period, GenesisTime: w.GenesisTime,
		Hash: w.Hash, GroupHash: w.GroupHash, Scheme: w.SchemeID,
		BeaconID: w.Metadata.BeaconID,
	}
	return nil
}

// Beacon is one published drand round, as drand serves it at
// /{chain-hash}/public/{round}:
//
//	{"round": 1000, "randomness": HEX, "signature": HEX,
//	 "previous_signature": HEX}
//
// previous_signature is present for chained drandSchemes only; randomness is
// optional (it is SHA-256 of the signature, and checked when present).
type Beacon struct {
	Round             uint64
	Signature         HexBytes
	PreviousSignature HexBytes // chained drandSchemes only
	Randomness        HexBytes // optional; if set, must be SHA-256(Signature)
}

// Seed returns the round's randomness, SHA-256 of its signature: the seed
// S a beacon source contributes. It does not verify the signature.
func (b Beacon) Seed() [32]byte {
	return sha256.Sum256(b.Signature)
}

type beaconJSON struct {
	Round             uint64   `json:"round"`
	Randomness        HexBytes `json:"randomness,omitempty"`
	Signature         HexBytes `json:"signature"`
	PreviousSignature HexBytes `json:"previous_signature,omitempty"`
}

// MarshalJSON writes b in drand's form.
func (b Beacon) MarshalJSON() ([]byte, error) {
	return json.Marshal(beaconJSON{Round: b.Round, Randomness: b.Randomness, Signature: b.Signature, PreviousSignature: b.PreviousSignature})
}

// UnmarshalJSON reads drand's form strictly (unknown fields are an error).
func (b *Beacon) UnmarshalJSON(data []byte) error {
	var w beaconJSON
	if err := seedStrictJSON(data, &w); err != nil {
		return fmt.Errorf("random: beacon: %w", err)
	}
	*b = Beacon{Round: w.Round, Signature: w.Signature, PreviousSignature: w.PreviousSignature, Randomness: w.Randomness}
	return nil
}

// BeaconError reports a drand chain info or round that does not verify.
// It matches [ErrSeedEvidence] with errors.Is.
type BeaconError struct {
	Chain  string // chain hash as given (hex), may be empty
	Round  uint64 // 0 when the chain info itself is at fault
	Field  string // JSON field at fault: "signature", "public_key", "hash", ...
	Reason string
}

func (e *BeaconError) Error() string {
	if e.Round == 0 {
		return fmt.Sprintf("random: drand chain %s: %s: %s", shortHash(e.Chain), e.Field, e.Reason)
	}
	return fmt.Sprintf("random: drand chain %s round %d: %s: %s", shortHash(e.Chain), e.Round, e.Field, e.Reason)
}

// Unwrap makes a BeaconError match [ErrSeedEvidence].
func (e *BeaconError) Unwrap() error { return ErrSeedEvidence }

// short abbreviates a hex digest for messages.
func shortHash(h string) string {
	if len(h) > 16 {
		return h[:16] + "…"
	}
	if h == "" {
		return "(no hash)"
	}
	return h
}
