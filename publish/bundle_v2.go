package publish

import (
	"fmt"
	"io"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// The public bundle under protocol v2 (protocol v2 §9): an announcement
// of a v2 plan gets its tables in published form, each private attribute
// the plan names ([random.PlanV2.Private]) replaced by its digest D, so
// that the bundle holds no private value and its tables still give the
// announced v2 roots. Readers read them under protocol v2 with
// roster.Commitment{Published: true}.

// published is how the tables of a bundle are committed: private
// attributes are their digests already.
var published = roster.Commitment{Published: true}

// parseAnnouncedPlan parses an announcement's plan by the protocol it
// names, as the record does (without the record's other checks).
func parseAnnouncedPlan(e *RecordDoc) error {
	text := []byte(e.Announcement.Plan)
	if proto, err := random.PlanProtocol(text); err == nil && proto == random.ProtocolV2 {
		p, err := random.ParsePlanV2(text)
		if err != nil {
			return &RecordError{Doc: e.File, Seq: e.Seq, Field: "plan", Err: err}
		}
		e.planV2 = p
		return nil
	}
	p, err := random.ParsePlan(text)
	if err != nil {
		return &RecordError{Doc: e.File, Seq: e.Seq, Field: "plan", Err: err}
	}
	e.plan = p
	return nil
}

// publishedTables returns the tables of an announcement in published
// form. Protocol v1 has no private attributes: the tables as they are.
// Under protocol v2 each private attribute the plan names is replaced by
// its digest ([roster.Set.PublishedV2]), with the same roots.
func publishedTables(ann *RecordDoc, set *roster.Set) (*roster.Set, error) {
	if ann.planV2 == nil {
		return set, nil
	}
	return set.PublishedV2(ann.planV2.Private)
}

// publishedRoot is the root of a table of the bundle, as the
// announcement computes it: the v1 root, or the v2 root of the table in
// published form.
func publishedRoot(ann *RecordDoc, t *roster.Table) (roster.Hash, error) {
	if ann.planV2 == nil {
		return t.Root(), nil
	}
	return t.RootV2(ann.planV2.Private, published)
}

// readBundleTable reads one canonical CSV table of a bundle for the
// announcement: under protocol v2 for a v2 plan, in published form.
func readBundleTable(ann *RecordDoc, r io.Reader, file string, k roster.Kind) (*roster.Table, error) {
	opt := roster.Options{File: file, Encoding: roster.EncodingUTF8}
	if ann.planV2 != nil {
		opt.Protocol, opt.Commitment = roster.ProtocolV2, published
	}
	return roster.ReadCSV(r, k, opt)
}

// bundleSet makes the set of an announcement's tables read from a
// bundle.
func bundleSet(ann *RecordDoc, t [4]*roster.Table) (*roster.Set, error) {
	if ann.planV2 == nil {
		return roster.NewSet(t[0], t[1], t[2], t[3])
	}
	return roster.NewSetV2(t[0], t[1], t[2], t[3], published)
}

// bundleProof is the inclusion proof of a premises row in a bundle's
// premises table (published form under v2).
func bundleProof(ann *RecordDoc, t *roster.Table, id string) (roster.Proof, error) {
	if ann.planV2 == nil {
		return t.Prove(id)
	}
	p, err := t.ProveV2(id, ann.planV2.Private, published)
	if err != nil {
		return roster.Proof{}, fmt.Errorf("publish: %s: %w", ann.File, err)
	}
	return p, nil
}
