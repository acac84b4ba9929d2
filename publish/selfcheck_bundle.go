package publish

import (
	"errors"
	"fmt"

	"golang.org/x/mod/sumdb/note"
)

// SelfCheckBundle is [SelfCheck] from a public bundle: the business
// gives only its id; the row and its inclusion proof come from the
// premises table the bundle holds for the announcement of the draw
// checked (opt.Draw, or the last draw no redraw voided). The table
// itself is checked against the announced root first, so a bundle with
// a changed table cannot vouch for a row. An id that is not in the
// announced premises table gets [VerdictNotInRoster]. With no
// verifiers no signature is checked, and the result says so
// (SignaturesChecked false).
func SelfCheckBundle(b *Bundle, verifiers []note.Verifier, id string, opt SelfCheckOptions) (*SelfCheckResult, error) {
	if b == nil {
		return nil, errors.New("publish: SelfCheckBundle: no bundle")
	}
	l := b.Ledger()
	r, err := ReadRecord(l)
	if errors.Is(err, ErrSelection) {
		return forgedSelection(l, verifiers, opt.Policy, id, err)
	}
	if err != nil {
		return nil, err
	}
	d, err := r.selfCheckDraw("SelfCheckBundle", opt.Draw)
	if err != nil {
		return nil, err
	}
	opt.Draw = d.Digest
	ann := r.byDigest[d.Draw.Announcement]
	set, err := b.Tables(ann)
	if err != nil {
		return nil, err
	}
	if set == nil {
		return nil, &RecordError{Doc: ann.File, Seq: ann.Seq, Field: "tables", Err: fmt.Errorf("%w: %s withholds the tables of this announcement (its draw was sealed); the bundle of a released draw must carry them", ErrReference, BundleIndexFile)}
	}
	row, ok := set.Premises.Lookup(id)
	if !ok {
		return &SelfCheckResult{Verdict: VerdictNotInRoster, Premises: id, Draw: d.File, SignaturesChecked: len(verifiers) > 0,
			Explanation: fmt.Sprintf("%s is not in the premises table announced in %s (%d rows): it took no part in the draw %s", id, ann.File, set.Premises.Len(), d.File)}, nil
	}
	proof, err := bundleProof(ann, set.Premises, id) // v1 or v2: bundle_v2.go
	if err != nil {
		return nil, err
	}
	return SelfCheck(l, verifiers, row, proof, opt)
}
