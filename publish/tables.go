package publish

import (
	"errors"
	"fmt"

	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// TableSource gives each announcement of a ledger its tables: the four
// tables whose roots it announced. A ledger may announce different
// tables from one announcement to the next (quarterly batches, a roster
// that changed), so [Verify] asks for the tables of each announcement.
// It returns (nil, nil) when it has no tables for the announcement: its
// draw is then not replayed (a warning). An error is reported as a
// problem of the announcement; it should name the announcement's
// document and the field or file concerned.
type TableSource func(announcement *RecordDoc) (*roster.Set, error)

// TablesByRoots returns a [TableSource] that gives each announcement the
// first of sets whose roots are the ones it announced. With a single
// set it gives that set to every announcement, and a set that is not
// the one announced is reported with the first table that differs
// (roots.premises, ...). With several and none matching, the error says
// so. Sets that are nil are skipped.
func TablesByRoots(sets ...*roster.Set) TableSource {
	var list []*roster.Set
	for _, s := range sets {
		if s != nil {
			list = append(list, s)
		}
	}
	return func(ann *RecordDoc) (*roster.Set, error) {
		if ann == nil || ann.Announcement == nil {
			return nil, errors.New("publish: not an announcement")
		}
		switch len(list) {
		case 0:
			return nil, nil
		case 1:
			return list[0], nil
		}
		for _, s := range list {
			if roots, err := tableRoots(ann, s); err == nil && roots == ann.Announcement.Roots {
				return s, nil
			}
		}
		return nil, &RecordError{Doc: ann.File, Seq: ann.Seq, Field: "roots", Value: rootsString(ann.Announcement.Roots),
			Err: fmt.Errorf("%w: none of the %d sets of tables given has the roots announced", ErrReference, len(list))}
	}
}

// tableRoots returns the roots of set as the announcement computes them.
// Protocol v1 has one way; under protocol v2 the roots depend on the
// attributes the plan keeps private (protocol v2 §1), and this is where
// they are taken into account.
func tableRoots(ann *RecordDoc, set *roster.Set) (roster.Roots, error) {
	return announcedRoots(ann, set) // v1 or v2: documents_v2.go
}

// tablesOf asks the source for the tables of an announcement and checks
// their roots and counts; nil means no tables (not an error).
func (v *verifier) tablesOf(e *RecordDoc) (*roster.Set, error) {
	set, err := v.opt.Tables(e)
	if err != nil || set == nil {
		return nil, err
	}
	if err := checkTables(e, set); err != nil {
		return nil, err
	}
	return set, nil
}

// forgedSelection answers a self-check on a ledger one of whose draws
// contradicts its own plan (err wraps [ErrSelection]): every business
// is told WRONG, naming the document and field, once the offending
// document's signatures are checked (a document a third party forged is
// a signature failure, not the agency's wrong).
func forgedSelection(l Ledger, verifiers []note.Verifier, policy Policy, id string, err error) (*SelfCheckResult, error) {
	var re *RecordError
	checked := false
	if errors.As(err, &re) && len(verifiers) > 0 {
		b, rerr := l.Read(re.Seq)
		if rerr != nil {
			return nil, rerr
		}
		if _, serr := policy.Open(b, verifiers...); serr != nil {
			return nil, fmt.Errorf("publish: SelfCheck: %s: %w", re.Doc, serr)
		}
		checked = true
	}
	doc := ""
	if re != nil {
		doc = re.Doc
	}
	return &SelfCheckResult{Verdict: VerdictWrong, Premises: id, Draw: doc, SignaturesChecked: checked,
		Explanation: fmt.Sprintf("the ledger contradicts its own plan, whatever the row: %v", err)}, nil
}
