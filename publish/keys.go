package publish

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// maxKeyFile bounds the size of a key file.
const maxKeyFile = 4096

// GenerateKey creates a new Ed25519 key named name, reading randomness
// from r (use crypto/rand.Reader; tests may pass a fixed stream). It returns
// the signer key, "PRIVATE+KEY+name+hash+data", which must stay secret, and
// the verifier key, "name+hash+data", which is published. The name must be
// a valid key name: no spaces, no '+', at most 256 bytes; an agency name in
// Chinese is fine.
func GenerateKey(r io.Reader, name string) (signerKey, verifierKey string, err error) {
	if err := checkName(name); err != nil {
		return "", "", fmt.Errorf("publish: GenerateKey: %w", err)
	}
	if r == nil {
		return "", "", errors.New("publish: GenerateKey: nil random source")
	}
	skey, vkey, err := note.GenerateKey(r, name)
	if err != nil {
		return "", "", fmt.Errorf("publish: GenerateKey: %w", err)
	}
	return skey, vkey, nil
}

// NewSigner returns the [Signer] for a signer key made by [GenerateKey].
func NewSigner(signerKey string) (Signer, error) {
	s, err := note.NewSigner(signerKey)
	if err != nil {
		return nil, fmt.Errorf("publish: signer key: %w: %v", ErrMalformed, err)
	}
	if err := checkName(s.Name()); err != nil {
		return nil, fmt.Errorf("publish: signer key: %w: %v", ErrMalformed, err)
	}
	return s, nil
}

// NewVerifier returns the verifier for a verifier key made by
// [GenerateKey].
func NewVerifier(verifierKey string) (note.Verifier, error) {
	v, err := note.NewVerifier(verifierKey)
	if err != nil {
		return nil, fmt.Errorf("publish: verifier key: %w: %v", ErrMalformed, err)
	}
	if err := checkName(v.Name()); err != nil {
		return nil, fmt.Errorf("publish: verifier key: %w: %v", ErrMalformed, err)
	}
	return v, nil
}

// WriteKeyFiles writes the signer key to prefix+".key" (mode 0600) and the
// verifier key to prefix+".pub" (mode 0644), each as one line. It never
// overwrites: if either file exists it writes nothing and returns a
// *KeyFileError wrapping ErrExists. The keys must be a matching pair.
func WriteKeyFiles(prefix, signerKey, verifierKey string) error {
	keyFile, pubFile := prefix+".key", prefix+".pub"
	s, err := NewSigner(signerKey)
	if err != nil {
		return &KeyFileError{File: keyFile, Err: err}
	}
	v, err := NewVerifier(verifierKey)
	if err != nil {
		return &KeyFileError{File: pubFile, Err: err}
	}
	if s.Name() != v.Name() || s.KeyHash() != v.KeyHash() {
		return &KeyFileError{File: pubFile, Err: errors.New("verifier key does not match the signer key")}
	}
	return writeKeyPair(keyFile, pubFile, signerKey, verifierKey)
}

// writeKeyPair writes a checked key pair to keyFile (mode 0600) and
// pubFile (mode 0644), never overwriting.
func writeKeyPair(keyFile, pubFile, signerKey, verifierKey string) error {
	for _, f := range []string{keyFile, pubFile} {
		if _, err := os.Lstat(f); err == nil {
			return &KeyFileError{File: f, Err: ErrExists}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return &KeyFileError{File: f, Err: err}
		}
	}
	if err := writeNewFile(keyFile, []byte(signerKey+"\n"), 0o600); err != nil {
		return &KeyFileError{File: keyFile, Err: err}
	}
	if err := writeNewFile(pubFile, []byte(verifierKey+"\n"), 0o644); err != nil {
		// The .key file is ours (just created): do not leave half a pair.
		os.Remove(keyFile)
		return &KeyFileError{File: pubFile, Err: err}
	}
	return nil
}

// writeNewFile creates name (failing if it exists), writes data and syncs.
func writeNewFile(name string, data []byte, perm os.FileMode) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		if errors.Is(err, fs.ErrExist) {
			return ErrExists
		}
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(name)
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(name)
		return err
	}
	if err := f.Close(); err != nil {
		os.Remove(name)
		return err
	}
	return nil
}

// readKeyFile reads a key file: one line holding the key, with or without
// a final newline, nothing else.
func readKeyFile(file string) (string, error) {
	data, err := readAtMost(file, maxKeyFile, "")
	if err != nil {
		return "", &KeyFileError{File: file, Err: err}
	}
	key := string(bytes.TrimSuffix(data, []byte("\n")))
	if key == "" || strings.ContainsAny(key, "\r\n\t ") {
		return "", &KeyFileError{File: file, Err: fmt.Errorf("%w: want exactly one line holding the key", ErrMalformed)}
	}
	return key, nil
}

// LoadSigner reads a signer key file written by [WriteKeyFiles].
func LoadSigner(file string) (Signer, error) {
	key, err := readKeyFile(file)
	if err != nil {
		return nil, err
	}
	if !strings.HasPrefix(key, "PRIVATE+KEY+") {
		return nil, &KeyFileError{File: file, Err: fmt.Errorf("%w: not a signer key (a .pub file?)", ErrMalformed)}
	}
	s, err := NewSigner(key)
	if err != nil {
		return nil, &KeyFileError{File: file, Err: err}
	}
	return s, nil
}

// LoadVerifier reads a verifier key file written by [WriteKeyFiles].
func LoadVerifier(file string) (note.Verifier, error) {
	key, err := readKeyFile(file)
	if err != nil {
		return nil, err
	}
	if strings.HasPrefix(key, "PRIVATE+KEY+") {
		return nil, &KeyFileError{File: file, Err: fmt.Errorf("%w: this is a signer key, which must stay secret; want the .pub file", ErrMalformed)}
	}
	v, err := NewVerifier(key)
	if err != nil {
		return nil, &KeyFileError{File: file, Err: err}
	}
	return v, nil
}
