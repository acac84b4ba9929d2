package publish

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// ErrWrongKey reports an attempt to sign a ledger's documents or
// checkpoint with keys that are not the ledger's: a document signed by
// another key would make the ledger fail verification for every reader
// who holds the agency's keys, forever.
var ErrWrongKey = errors.New("not the ledger's signing keys")

// NoteKeys returns the keys that carry a signature on a signed note, in
// note order, without verifying any signature.
func NoteKeys(msg []byte) ([]KeyID, error) {
	_, sigs, err := splitNote(msg)
	if err != nil {
		return nil, err
	}
	out := make([]KeyID, len(sigs))
	for i, s := range sigs {
		out[i] = s.key
	}
	return out, nil
}

func signerIDs(signers []Signer) []KeyID {
	out := make([]KeyID, len(signers))
	for i, s := range signers {
		out[i] = KeyID{Name: s.Name(), Hash: s.KeyHash()}
	}
	return out
}

func keyList(ks []KeyID) string {
	parts := make([]string, len(ks))
	for i, k := range ks {
		parts[i] = k.String()
	}
	return strings.Join(parts, ", ")
}

func sortedKeys(ks []KeyID) []KeyID {
	out := slices.Clone(ks)
	slices.SortFunc(out, func(a, b KeyID) int {
		if c := strings.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.Hash, b.Hash)
	})
	return out
}

// CheckSigners checks, before anything is signed, that signers are the
// keys of ledger l: when l holds documents, exactly the keys that signed
// its last document (the agency and any co-signer such as its discipline
// inspection office, no more, no fewer); when it is empty, the first
// signer must have signed its checkpoint. It compares key names and
// hashes, which the signature lines carry. Errors wrap [ErrWrongKey].
// The lifecycle functions ([Announce], [PublishDraw], ...) call it.
func CheckSigners(l Ledger, signers []Signer) error {
	if len(signers) == 0 {
		return errors.New("publish: no signer")
	}
	for _, s := range signers {
		if s == nil {
			return errors.New("publish: nil signer")
		}
	}
	have := signerIDs(signers)
	n, err := l.Len()
	if err != nil {
		return err
	}
	if n == 0 {
		cp, err := l.Checkpoint()
		if err != nil {
			return err
		}
		keys, err := NoteKeys(cp)
		if err != nil {
			return err
		}
		if !slices.Contains(keys, have[0]) {
			return fmt.Errorf("publish: ledger %s: %w: its checkpoint is signed by %s, not by %s", l.Name(), ErrWrongKey, keyList(keys), have[0])
		}
		return nil
	}
	last, err := l.Read(n)
	if err != nil {
		return err
	}
	keys, err := NoteKeys(last)
	if err != nil {
		return err
	}
	if !slices.Equal(sortedKeys(keys), sortedKeys(have)) {
		return fmt.Errorf("publish: ledger %s: %w: its documents are signed by %s; the keys given are %s", l.Name(), ErrWrongKey, keyList(keys), keyList(have))
	}
	return nil
}

// CheckSignatures checks the signatures of every document of l and of its
// checkpoint under the policy, without reading any body: what a reader
// does before trusting anything the ledger says (the notice, a
// self-check). The first failure is returned, naming the document.
func CheckSignatures(l Ledger, verifiers []note.Verifier, p Policy) error {
	if len(verifiers) == 0 {
		return errors.New("publish: no verifier key: signatures cannot be checked")
	}
	n, err := l.Len()
	if err != nil {
		return err
	}
	for seq := int64(1); seq <= n; seq++ {
		b, err := l.Read(seq)
		if err != nil {
			return err
		}
		if _, err := p.Open(b, verifiers...); err != nil {
			return fmt.Errorf("%s: %w", docName(seq, b), err)
		}
	}
	cp, err := l.Checkpoint()
	if err != nil {
		return err
	}
	if _, _, err := (Policy{AllowUnknown: true}).OpenCheckpoint(cp, verifiers...); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

// docName names document seq by its file name when its version line
// gives a known kind, without parsing anything else; "document N"
// otherwise.
func docName(seq int64, b []byte) string {
	line := b
	if i := slices.Index(b, '\n'); i >= 0 && i <= 64 {
		line = b[:i]
	} else if len(line) > 64 {
		line = line[:64]
	}
	if k, ok := strings.CutPrefix(string(line), Version+" "); ok && Kind(k).Valid() {
		return DocFileName(seq, Kind(k))
	}
	return fmt.Sprintf("document %d", seq)
}
