package publish

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// Cosignatures, in the C2SP tlog-cosignature/v1 format (Ed25519):
//
//   - A witness key is an Ed25519 key of signature type 0x04. Its key ID
//     is the first 4 bytes of SHA-256(name || "\n" || 0x04 || public key).
//     The verifier key is written as a C2SP signed-note verifier key,
//     "name+KEYID+base64(0x04 || public key)", KEYID in 8 lowercase hex
//     digits; the signer key as "PRIVATE+KEY+name+KEYID+base64(0x04 ||
//     seed)", the form transparency-dev/formats reads.
//   - The witness signs the message "cosignature/v1\n" || "time " ||
//     decimal(T) || "\n" || the checkpoint text, where T is its clock in
//     seconds since the Unix epoch.
//   - The signature line is "— name base64(keyID || T as 8 bytes big
//     endian || Ed25519 signature)", appended to the checkpoint's other
//     signatures.
//
// A witness key and an agency key are not interchangeable: LoadSigner and
// LoadVerifier refuse a witness key, and the witness functions refuse an
// agency key.

// algCosignatureV1 is the signed-note signature type of Ed25519
// cosignature/v1 keys.
const algCosignatureV1 = 0x04

// cosignatureHeader is the first line of a cosigned message.
const cosignatureHeader = "cosignature/v1\n"

// cosigKeyHash computes the key ID of a cosignature/v1 key.
func cosigKeyHash(name string, pub ed25519.PublicKey) uint32 {
	h := sha256.New()
	h.Write([]byte(name))
	h.Write([]byte{'\n', algCosignatureV1})
	h.Write(pub)
	return binary.BigEndian.Uint32(h.Sum(nil))
}

// cosignedMessage returns the message a cosignature signs.
func cosignedMessage(t uint64, text []byte) []byte {
	m := make([]byte, 0, len(cosignatureHeader)+32+len(text))
	m = append(m, cosignatureHeader...)
	m = append(m, "time "...)
	m = strconv.AppendUint(m, t, 10)
	m = append(m, '\n')
	return append(m, text...)
}

// GenerateWitnessKey creates a new witness key named name, reading
// randomness from r (use crypto/rand.Reader). It returns the signer key,
// which the witness keeps secret, and the verifier key, which readers
// give to [Verify] (Options.Witnesses). Write them with
// [WriteWitnessKeyFiles].
func GenerateWitnessKey(r io.Reader, name string) (signerKey, verifierKey string, err error) {
	if err := checkName(name); err != nil {
		return "", "", fmt.Errorf("publish: GenerateWitnessKey: %w", err)
	}
	if r == nil {
		return "", "", errors.New("publish: GenerateWitnessKey: nil random source")
	}
	_, priv, err := ed25519.GenerateKey(r)
	if err != nil {
		return "", "", fmt.Errorf("publish: GenerateWitnessKey: %w", err)
	}
	signerKey, verifierKey = witnessKeys(name, priv)
	return signerKey, verifierKey, nil
}

func witnessKeys(name string, priv ed25519.PrivateKey) (signerKey, verifierKey string) {
	pub := priv.Public().(ed25519.PublicKey)
	hash := cosigKeyHash(name, pub)
	enc := func(b []byte) string {
		return base64.StdEncoding.EncodeToString(append([]byte{algCosignatureV1}, b...))
	}
	signerKey = fmt.Sprintf("PRIVATE+KEY+%s+%08x+%s", name, hash, enc(priv.Seed()))
	verifierKey = fmt.Sprintf("%s+%08x+%s", name, hash, enc(pub))
	return signerKey, verifierKey
}

// splitKey splits "name+hash+base64(alg || key)" and checks the name, the
// hash syntax and the algorithm; it returns the name, the stated hash and
// the key bytes.
func splitKey(key string) (string, uint32, []byte, error) {
	name, rest, ok1 := strings.Cut(key, "+")
	hash16, key64, ok2 := strings.Cut(rest, "+")
	if !ok1 || !ok2 {
		return "", 0, nil, fmt.Errorf("%w: want NAME+KEYID+KEY", ErrMalformed)
	}
	if err := checkName(name); err != nil {
		return "", 0, nil, fmt.Errorf("%w: %v", ErrMalformed, err)
	}
	hash, err := strconv.ParseUint(hash16, 16, 32)
	if err != nil || len(hash16) != 8 {
		return "", 0, nil, fmt.Errorf("%w: key ID %q is not 8 hex digits", ErrMalformed, hash16)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(key64)
	if err != nil || len(raw) == 0 || base64.StdEncoding.EncodeToString(raw) != key64 {
		return "", 0, nil, fmt.Errorf("%w: key is not canonical base64", ErrMalformed)
	}
	switch raw[0] {
	case algCosignatureV1:
	case 0x01:
		return "", 0, nil, fmt.Errorf("%w: this is a signed-note Ed25519 key (type 0x01), an agency's key; a witness key has type 0x04 (cli witness keygen)", ErrMalformed)
	default:
		return "", 0, nil, fmt.Errorf("%w: key type %#02x is not an Ed25519 cosignature/v1 key (0x04)", ErrMalformed, raw[0])
	}
	if len(raw) != 1+32 {
		return "", 0, nil, fmt.Errorf("%w: key is %d bytes, want 32", ErrMalformed, len(raw)-1)
	}
	return name, uint32(hash), raw[1:], nil
}

// Cosigner makes C2SP cosignature/v1 signatures with a witness key, at the
// time its clock gives. It is a [Signer], so [Sign] can add its signature
// to a checkpoint; [Witness] is the party that decides what to cosign.
type Cosigner struct {
	name  string
	hash  uint32
	key   ed25519.PrivateKey
	clock func() time.Time
}

// NewCosigner returns the cosigner for a signer key made by
// [GenerateWitnessKey]. clock gives the time of each cosignature; nil
// means time.Now.
func NewCosigner(signerKey string, clock func() time.Time) (*Cosigner, error) {
	rest, ok := strings.CutPrefix(signerKey, "PRIVATE+KEY+")
	if !ok {
		return nil, fmt.Errorf("publish: witness signer key: %w: does not start with PRIVATE+KEY+", ErrMalformed)
	}
	name, hash, seed, err := splitKey(rest)
	if err != nil {
		return nil, fmt.Errorf("publish: witness signer key: %w", err)
	}
	key := ed25519.NewKeyFromSeed(seed)
	if cosigKeyHash(name, key.Public().(ed25519.PublicKey)) != hash {
		return nil, fmt.Errorf("publish: witness signer key: %w: key ID does not match the key", ErrMalformed)
	}
	if clock == nil {
		clock = time.Now
	}
	return &Cosigner{name: name, hash: hash, key: key, clock: clock}, nil
}

// Name returns the witness's key name.
func (c *Cosigner) Name() string { return c.name }

// KeyHash returns the key ID.
func (c *Cosigner) KeyHash() uint32 { return c.hash }

// Now returns the cosigner's clock, truncated to the second as
// cosignatures carry it.
func (c *Cosigner) Now() time.Time { return c.clock().Truncate(time.Second) }

// Sign signs a checkpoint text as a cosignature/v1 at the time of the
// cosigner's clock; it returns the note signature (timestamp || Ed25519
// signature).
func (c *Cosigner) Sign(text []byte) ([]byte, error) {
	return c.signAt(c.clock(), text)
}

func (c *Cosigner) signAt(at time.Time, text []byte) ([]byte, error) {
	sec := at.Unix()
	if sec < 0 {
		return nil, fmt.Errorf("publish: cosign: time %s before 1970", at.UTC().Format(time.RFC3339))
	}
	sig := binary.BigEndian.AppendUint64(nil, uint64(sec))
	return append(sig, ed25519.Sign(c.key, cosignedMessage(uint64(sec), text))...), nil
}

// Verifier returns the verifier of the cosigner's signatures.
func (c *Cosigner) Verifier() *CosignatureVerifier {
	return &CosignatureVerifier{name: c.name, hash: c.hash, pub: c.key.Public().(ed25519.PublicKey)}
}

// CosignatureVerifier verifies cosignature/v1 signatures by one witness.
// It is a [golang.org/x/mod/sumdb/note.Verifier]; [VerifyCosignature]
// also returns the witness's time.
type CosignatureVerifier struct {
	name string
	hash uint32
	pub  ed25519.PublicKey
}

// NewCosignatureVerifier returns the verifier for a witness verifier key
// made by [GenerateWitnessKey] ("name+KEYID+base64(0x04 || key)").
func NewCosignatureVerifier(verifierKey string) (*CosignatureVerifier, error) {
	if strings.HasPrefix(verifierKey, "PRIVATE+") {
		return nil, fmt.Errorf("publish: witness verifier key: %w: this is a signer key, which must stay secret", ErrMalformed)
	}
	name, hash, pub, err := splitKey(verifierKey)
	if err != nil {
		return nil, fmt.Errorf("publish: witness verifier key: %w", err)
	}
	if cosigKeyHash(name, pub) != hash {
		return nil, fmt.Errorf("publish: witness verifier key: %w: key ID does not match the key", ErrMalformed)
	}
	return &CosignatureVerifier{name: name, hash: hash, pub: pub}, nil
}

// Name returns the witness's key name.
func (v *CosignatureVerifier) Name() string { return v.name }

// KeyHash returns the key ID.
func (v *CosignatureVerifier) KeyHash() uint32 { return v.hash }

// Key returns the verifier key in text form.
func (v *CosignatureVerifier) Key() string {
	return fmt.Sprintf("%s+%08x+%s", v.name, v.hash, base64.StdEncoding.EncodeToString(append([]byte{algCosignatureV1}, v.pub...)))
}

// ID returns the key's name and key ID.
func (v *CosignatureVerifier) ID() KeyID { return KeyID{v.name, v.hash} }

// Verify reports whether sig is a valid cosignature/v1 of the note text
// msg. The timestamp must fit in 63 bits.
func (v *CosignatureVerifier) Verify(msg, sig []byte) bool {
	_, ok := v.verify(msg, sig)
	return ok
}

func (v *CosignatureVerifier) verify(text, sig []byte) (time.Time, bool) {
	if len(sig) != 8+ed25519.SignatureSize {
		return time.Time{}, false
	}
	t := binary.BigEndian.Uint64(sig)
	if t > math.MaxInt64 {
		return time.Time{}, false
	}
	if !ed25519.Verify(v.pub, cosignedMessage(t, text), sig[8:]) {
		return time.Time{}, false
	}
	return time.Unix(int64(t), 0).UTC(), true
}

// VerifyCosignature finds the witness's signature on the signed
// checkpoint msg and verifies it. It returns the checkpoint and the
// witness's time; found is false when the witness did not sign msg. A
// signature line with the witness's name and key ID that does not verify
// is an error (a *SignatureError wrapping ErrBadSignature). It checks no
// other signature.
func VerifyCosignature(msg []byte, v *CosignatureVerifier) (c Checkpoint, at time.Time, found bool, err error) {
	text, sigs, derr := splitNote(msg)
	if derr != nil {
		return Checkpoint{}, time.Time{}, false, derr
	}
	c, err = ParseCheckpoint(text)
	if err != nil {
		return Checkpoint{}, time.Time{}, false, err
	}
	for _, s := range sigs {
		if s.key != v.ID() {
			continue
		}
		raw := noteSignatureBytes(msg, s.line)
		t, ok := v.verify(text, raw[4:])
		if !ok {
			return c, time.Time{}, true, &SignatureError{Key: v.ID(), Err: ErrBadSignature}
		}
		return c, t, true, nil
	}
	return c, time.Time{}, false, nil
}

// noteSignatureBytes returns the decoded signature (key ID first) on line
// line (1-based) of a signed note that splitNote accepted.
func noteSignatureBytes(msg []byte, line int) []byte {
	l := bytes.Split(msg, []byte("\n"))[line-1]
	_, b64, _ := bytes.Cut(bytes.TrimPrefix(l, []byte("— ")), []byte(" "))
	raw, _ := base64.StdEncoding.DecodeString(string(b64))
	return raw
}

// WriteWitnessKeyFiles writes a witness's signer key to prefix+".key"
// (mode 0600) and its verifier key to prefix+".pub" (mode 0644), never
// overwriting, as [WriteKeyFiles] does for agency keys.
func WriteWitnessKeyFiles(prefix, signerKey, verifierKey string) error {
	keyFile, pubFile := prefix+".key", prefix+".pub"
	s, err := NewCosigner(signerKey, nil)
	if err != nil {
		return &KeyFileError{File: keyFile, Err: err}
	}
	v, err := NewCosignatureVerifier(verifierKey)
	if err != nil {
		return &KeyFileError{File: pubFile, Err: err}
	}
	if s.Verifier().Key() != v.Key() {
		return &KeyFileError{File: pubFile, Err: errors.New("verifier key does not match the signer key")}
	}
	return writeKeyPair(keyFile, pubFile, signerKey, verifierKey)
}

// LoadCosigner reads a witness signer key file written by
// [WriteWitnessKeyFiles]; clock is as for [NewCosigner].
func LoadCosigner(file string, clock func() time.Time) (*Cosigner, error) {
	key, err := readKeyFile(file)
	if err != nil {
		return nil, err
	}
	c, err := NewCosigner(key, clock)
	if err != nil {
		return nil, &KeyFileError{File: file, Err: err}
	}
	return c, nil
}

// LoadCosignatureVerifier reads a witness verifier key file written by
// [WriteWitnessKeyFiles].
func LoadCosignatureVerifier(file string) (*CosignatureVerifier, error) {
	key, err := readKeyFile(file)
	if err != nil {
		return nil, err
	}
	v, err := NewCosignatureVerifier(key)
	if err != nil {
		return nil, &KeyFileError{File: file, Err: err}
	}
	return v, nil
}
