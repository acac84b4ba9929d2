package random

import (
	"errors"
	"fmt"
)

// MinSecretSize is the shortest commit-reveal secret a new draw may use
// (protocol v2 §3). A shorter secret can be found from its commitment by
// trying every value, so whoever does that learns the seed before the
// reveals. [NewSecret] makes [SecretSize] bytes. v1 records made with
// shorter secrets still replay ([DeriveSeed] accepts them); the publish
// layer refuses them in new draws and reports them in old ones.
const MinSecretSize = 16

// Errors of the rules on a list of seed sources. They are wrapped in a
// *[SourceError] (which also matches [ErrSeedEvidence]).
var (
	// ErrSystemCombined reports a system (operator) seed combined with
	// another source: the operator could draw the system seed again
	// after the other sources are known until the outcome suits it, so
	// the whole seed would be its choice while looking public.
	ErrSystemCombined = errors.New("a system seed cannot be combined with another source")
	// ErrShortSecret reports a commit-reveal secret shorter than
	// [MinSecretSize] bytes.
	ErrShortSecret = errors.New("commit-reveal secret too short")
)

// CheckSources checks a list of promised seed sources as a whole: at
// least one source, and a [SourceSystem] source only alone. It does not
// check each promise ([SeedPromise.Validate] does). [DeriveSeed] applies
// it, so a record that combines a system seed with another source does
// not replay. Errors are *[SourceError] values naming the source.
func CheckSources(promises []SeedPromise) error {
	if len(promises) == 0 {
		return &SourceError{Reason: "the announcement promises no seed source"}
	}
	if len(promises) == 1 {
		return nil
	}
	for i, p := range promises {
		if p.Kind == SourceSystem {
			return &SourceError{Index: i + 1, Kind: p.Kind, Field: "kind",
				Reason: fmt.Sprintf("combined with %d other sources", len(promises)-1), Err: ErrSystemCombined}
		}
	}
	return nil
}

// CheckSecrets reports the first reveal whose secret is shorter than
// [MinSecretSize] bytes, as a *[SourceError] wrapping [ErrShortSecret]
// (Field names the participant). index is the source's 1-based position,
// for the error.
func CheckSecrets(index int, reveals []Reveal) error {
	for _, r := range reveals {
		if len(r.Secret) < MinSecretSize {
			return &SourceError{Index: index, Kind: SourceCommitReveal, Field: "reveals",
				Reason: fmt.Sprintf("the secret of %q is %d bytes, want at least %d (use NewSecret: %d random bytes)", r.Name, len(r.Secret), MinSecretSize, SecretSize),
				Err:    ErrShortSecret}
		}
	}
	return nil
}

// CheckEvidenceSecrets applies [CheckSecrets] to every commit-reveal
// evidence of a draw.
func CheckEvidenceSecrets(evidence []SeedEvidence) error {
	for i, e := range evidence {
		if e.Kind == SourceCommitReveal {
			if err := CheckSecrets(i+1, e.Reveals); err != nil {
				return err
			}
		}
	}
	return nil
}
