package publish

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// AnnouncementBody is the body of an announcement (公告), published before
// the seed exists. It fixes every input of the draw: the plan (its exact
// text), the roots and row counts of the four tables, and the seed
// sources. JSON, in this key order:
//
//	{
//	 "published": "2026-11-20T01:30:00Z",
//	 "plan_id": "test-7",
//	 "plan_digest": HEX,
//	 "inputs": HEX,
//	 "roots": {"premises": HEX, "inspectors": HEX, "conflicts": HEX, "history": HEX},
//	 "counts": {"premises": 56, "inspectors": 15, "conflicts": 7, "history": 52},
//	 "seed": [SEED PROMISE, ...],
//	 "redraw": HEX,
//	 "accepted_problems": [TEXT, ...],
//	 "plan": "{\n  \"protocol\": ..."
//	}
//
// plan_id is omitted when the plan has no id; redraw is present only in
// an announcement that answers a redraw amendment (the digest of that
// amendment); accepted_problems only when the plan was published despite
// pre-flight problems ([AnnounceOptions]). Each seed promise is a [random.SeedPromise].
type AnnouncementBody struct {
	// Published is when the announcement is published. A beacon round
	// promised must be due strictly after it, a dice ceremony must be
	// held after it.
	Published Time `json:"published"`
	// PlanID is the plan's "id" (informative; it must match the plan).
	PlanID string `json:"plan_id,omitempty"`
	// PlanDigest is H(plan bytes).
	PlanDigest roster.Hash `json:"plan_digest"`
	// Inputs is the inputs digest of protocol §3 over the plan digest
	// and the roots.
	Inputs roster.Hash   `json:"inputs"`
	Roots  roster.Roots  `json:"roots"`
	Counts roster.Counts `json:"counts"`
	// Seed lists the seed sources, in the order their seeds combine.
	Seed []random.SeedPromise `json:"seed"`
	// Redraw is the redraw amendment this announcement answers.
	Redraw *Digest `json:"redraw,omitempty"`
	// AcceptedProblems lists the pre-flight problems
	// ([random.PreflightReport.Problems]) the operator accepted when
	// publishing the plan anyway, one line each; omitted when there
	// were none or no pre-flight ran (announcements made before the
	// rule).
	AcceptedProblems []string `json:"accepted_problems,omitempty"`
	// Plan is the exact text of the plan: its bytes, which must be valid
	// UTF-8, as a JSON string.
	Plan string `json:"plan"`
}

// DrawBody is the body of a draw record. JSON, in this key order:
//
//	{
//	 "announcement": HEX,
//	 "drawn_at": "2026-11-22T01:30:00Z",
//	 "nonce": HEX,
//	 "evidence": [SEED EVIDENCE, ...],
//	 "seed": HEX,
//	 "view": {DRAW VIEW}
//	}
//
// evidence holds one [random.SeedEvidence] per promised source, in the
// announcement's order; seed is the seed S they give ([random.DeriveSeed]);
// view is the JSON view of protocol §7 ([random.View]: key, inputs,
// plan_digest, roots, strata, and each selected premises with its
// priority, stratum, mark, team or unstaffed code, and |E(p)|).
//
// nonce (32 random bytes, 64 hex digits) is present only in a sealed
// draw ([SealDraw]): it salts the digest its seal commits to, so that
// the sealed content cannot be found by trying the few views a draw can
// have. A draw without a seal has no nonce, and is written exactly as
// before sealed draws existed.
type DrawBody struct {
	Announcement Digest                `json:"announcement"`
	DrawnAt      Time                  `json:"drawn_at"`
	Nonce        *Digest               `json:"nonce,omitempty"`
	Evidence     []random.SeedEvidence `json:"evidence"`
	Seed         random.HexBytes       `json:"seed"`
	View         *random.View          `json:"view"`
	// ViewV2 is the view of a draw of protocol v2, View then being nil
	// (documents_v2.go).
	ViewV2 *random.ViewV2 `json:"-"`
}

// UnmarshalJSON reads the body strictly, the view with [random.ParseView].
func (b *DrawBody) UnmarshalJSON(data []byte) error {
	var w struct {
		Announcement Digest                `json:"announcement"`
		DrawnAt      Time                  `json:"drawn_at"`
		Nonce        *Digest               `json:"nonce"`
		Evidence     []random.SeedEvidence `json:"evidence"`
		Seed         random.HexBytes       `json:"seed"`
		View         json.RawMessage       `json:"view"`
	}
	if err := decodeBody(data, &w); err != nil {
		return err
	}
	if w.View == nil {
		return fmt.Errorf("no view")
	}
	if v2, ok, err := viewV2Of(w.View); ok { // protocol v2: documents_v2.go
		if err != nil {
			return err
		}
		*b = DrawBody{Announcement: w.Announcement, DrawnAt: w.DrawnAt, Evidence: w.Evidence, Seed: w.Seed, ViewV2: v2}
		return nil
	}
	v, err := random.ParseView(w.View)
	if err != nil {
		return err
	}
	*b = DrawBody{Announcement: w.Announcement, DrawnAt: w.DrawnAt, Nonce: w.Nonce, Evidence: w.Evidence, Seed: w.Seed, View: v}
	return nil
}

// AmendmentKind says what an amendment does.
type AmendmentKind string

// The amendment kinds.
const (
	// AmendSubstitution replaces inspectors on teams of a draw.
	AmendSubstitution AmendmentKind = "substitution"
	// AmendRedraw voids a draw. The next announcement answers it, and
	// that announcement's draw replaces the voided one. The voided draw
	// stays in the ledger, and [Verify] lists every redraw.
	AmendRedraw AmendmentKind = "redraw"
)

// AmendmentBody is the body of an amendment. JSON, in this key order:
//
//	{
//	 "kind": "substitution",
//	 "published": "2026-11-23T02:00:00Z",
//	 "draw": HEX,
//	 "substitutions": [
//	  {"premises": ID, "out": ID, "in": ID, "team": [ID, ...],
//	   "reason": TEXT, "conflict": true}
//	 ],
//	 "conflicts": [{"inspector": ID, "premises": ID, "reason": TEXT}]
//	}
//
//	{"kind": "redraw", "published": ..., "draw": HEX, "reason": TEXT}
//
// A substitution amendment lists one or more substitutions applied in
// order (after those of earlier amendments of the same draw), each with
// the replacement "in" and the team after it; "conflicts" holds one row
// per substitution with "conflict": true (a conflict of interest that
// came to light after the draw), and is omitted when there is none.
type AmendmentBody struct {
	Kind          AmendmentKind      `json:"kind"`
	Published     Time               `json:"published"`
	Draw          Digest             `json:"draw"`
	Reason        string             `json:"reason,omitempty"`
	Substitutions []SubstitutionItem `json:"substitutions,omitempty"`
	Conflicts     []ConflictItem     `json:"conflicts,omitempty"`
}

// SubstitutionItem is one substitution of an amendment: Out leaves the
// team of Premises for Reason, In joins ("" when no inspector qualified:
// the team is then short), and Team is the team after.
type SubstitutionItem struct {
	Premises string   `json:"premises"`
	Out      string   `json:"out"`
	In       string   `json:"in"`
	Team     []string `json:"team"`
	Reason   string   `json:"reason"`
	Conflict bool     `json:"conflict"`
}

// ConflictItem is a conflict of interest declared by an amendment, a row
// for the conflicts table.
type ConflictItem struct {
	Inspector string `json:"inspector"`
	Premises  string `json:"premises"`
	Reason    string `json:"reason"`
}

// ResultsBody is the body of a results document (抽查结果公示). Results of
// one draw may come in several documents; each premises gets one entry
// in all of them. JSON, in this key order:
//
//	{
//	 "draw": HEX,
//	 "published": "2026-12-01T02:00:00Z",
//	 "results": [
//	  {"premises": ID, "outcome": "corrected", "outcome_zh": "发现问题经责令已改正",
//	   "outcome_en": "Problem found and corrected as ordered",
//	   "inspected": "2026-11-25", "inspectors": [ID, ...], "note": TEXT}
//	 ]
//	}
//
// The document's date is the day of "published" in [Zone]; results are
// late when that day is after [ResultsDue] of "inspected". "note" is
// omitted when empty.
//
// Results field set 2. An entry may also carry, after "outcome_en" and
// after "note" respectively, these keys, each omitted when empty (so that
// an entry without them is written exactly as in the first release, and
// every results document of the first release reads and verifies as it
// did):
//
//	"more_outcomes": [{"outcome": CODE, "outcome_zh": TEXT, "outcome_en": TEXT}, ...],
//	...
//	"follow_up": "open" | "done",
//	"authority": TEXT,
//	"inspection_type": "random" | "targeted" | "joint"
//
// more_outcomes lists the premises' further outcomes (several may apply:
// 发现问题待后续处理 and its sub-items, 注销, ...), in the order given, none
// repeated and none equal to "outcome"; 未发现问题 (no_issue) stands
// alone. follow_up is the follow-up status (后续处置: 未完结, 已完结),
// authority the implementing authority (实施机关), inspection_type the
// kind of inspection (检查类型: [InspectionTypes]). A reader of the first
// release refuses documents that use these keys (its decoding is strict).
type ResultsBody struct {
	Draw      Digest        `json:"draw"`
	Published Time          `json:"published"`
	Results   []ResultEntry `json:"results"`
}

// ResultEntry is the outcome of the inspection of one selected premises.
type ResultEntry struct {
	Premises string
	// Outcome is the (first) outcome code; Zh and En its texts from the
	// [Outcomes] registry.
	Outcome string
	Zh, En  string
	// More are the further outcomes, when several apply (field set 2).
	More []OutcomeText
	// Inspected is the day of the inspection.
	Inspected Date
	// Inspectors are the ids of the inspectors who actually went.
	Inspectors []string
	Note       string
	// FollowUp is [FollowUpOpen], [FollowUpDone] or "" (field set 2).
	FollowUp string
	// Authority is the implementing authority (实施机关), optional
	// (field set 2).
	Authority string
	// InspectionType is an [InspectionType] code or "" (field set 2).
	InspectionType string
}

// OutcomeText is an outcome code with its texts, as a results document
// records it.
type OutcomeText struct {
	Code string `json:"outcome"`
	Zh   string `json:"outcome_zh"`
	En   string `json:"outcome_en"`
}

// Outcomes returns every outcome of the entry, the first one first.
func (e *ResultEntry) Outcomes() []OutcomeText {
	return append([]OutcomeText{{e.Outcome, e.Zh, e.En}}, e.More...)
}

// ZhText returns the Chinese texts of every outcome joined with "；".
func (e *ResultEntry) ZhText() string {
	parts := []string{e.Zh}
	for _, m := range e.More {
		parts = append(parts, m.Zh)
	}
	return strings.Join(parts, "；")
}

type resultEntryJSON struct {
	Premises       string        `json:"premises"`
	Outcome        string        `json:"outcome"`
	Zh             string        `json:"outcome_zh"`
	En             string        `json:"outcome_en"`
	More           []OutcomeText `json:"more_outcomes,omitempty"`
	Inspected      string        `json:"inspected"`
	Inspectors     []string      `json:"inspectors"`
	Note           string        `json:"note,omitempty"`
	FollowUp       string        `json:"follow_up,omitempty"`
	Authority      string        `json:"authority,omitempty"`
	InspectionType string        `json:"inspection_type,omitempty"`
}

// MarshalJSON writes the entry in the form of [ResultsBody].
func (e ResultEntry) MarshalJSON() ([]byte, error) {
	return json.Marshal(resultEntryJSON{
		Premises: e.Premises, Outcome: e.Outcome, Zh: e.Zh, En: e.En, More: e.More,
		Inspected: e.Inspected.String(), Inspectors: e.Inspectors, Note: e.Note,
		FollowUp: e.FollowUp, Authority: e.Authority, InspectionType: e.InspectionType,
	})
}

// UnmarshalJSON reads an entry strictly. "more_outcomes", when present,
// must not be empty.
func (e *ResultEntry) UnmarshalJSON(b []byte) error {
	var w resultEntryJSON
	if err := decodeBody(b, &w); err != nil {
		return err
	}
	d, err := roster.ParseDate(w.Inspected)
	if err != nil {
		return fmt.Errorf("inspected: %w", err)
	}
	if w.More != nil && len(w.More) == 0 {
		return fmt.Errorf("more_outcomes: empty list (omit the key)")
	}
	*e = ResultEntry{
		Premises: w.Premises, Outcome: w.Outcome, Zh: w.Zh, En: w.En, More: w.More,
		Inspected: d, Inspectors: w.Inspectors, Note: w.Note,
		FollowUp: w.FollowUp, Authority: w.Authority, InspectionType: w.InspectionType,
	}
	return nil
}

// WithdrawalBody is the body of a withdrawal (撤回): the operator takes
// back an announcement that is open (neither drawn nor withdrawn), with
// the reason. The announcement stays in the ledger with the fate
// "withdrawn"; its seed event can never serve another announcement. JSON,
// in this key order:
//
//	{
//	 "published": "2026-11-21T02:00:00Z",
//	 "announcement": HEX,
//	 "reason": TEXT
//	}
//
// A withdrawal published at or after the announcement's seed event (the
// dice ceremony, the beacon round) is reported as a re-roll: the operator
// may have seen the seed.
type WithdrawalBody struct {
	Published    Time   `json:"published"`
	Announcement Digest `json:"announcement"`
	Reason       string `json:"reason"`
}

// SealBody is the body of a seal (封存): the operator drew for an
// announcement and published at once that it did, and a commitment to
// the draw, but not the draw itself, which it keeps until the
// inspections are done ([SealDraw], [Unseal]). JSON, in this key order:
//
//	{
//	 "published": "2026-11-22T01:40:00Z",
//	 "announcement": HEX,
//	 "sealed": HEX,
//	 "drawn_at": "2026-11-22T01:35:00Z"
//	}
//
// sealed is SHA-256 of the exact body bytes of the draw document to
// come (its JSON body, which carries a random nonce); drawn_at is that
// draw's "drawn_at". Once sealed, the announcement is no longer open: it
// cannot be withdrawn or drawn otherwise, and only the draw whose body
// has this digest can follow, as a draw document with the headers
// "seal: DIGEST-OF-THE-SEAL" and "unsealed: TIME".
type SealBody struct {
	Published    Time   `json:"published"`
	Announcement Digest `json:"announcement"`
	Sealed       Digest `json:"sealed"`
	DrawnAt      Time   `json:"drawn_at"`
}

// time returns the instant a body carries.
func bodyTime(v any) time.Time {
	switch b := v.(type) {
	case *AnnouncementBody:
		return b.Published.Time
	case *DrawBody:
		return b.DrawnAt.Time
	case *AmendmentBody:
		return b.Published.Time
	case *ResultsBody:
		return b.Published.Time
	case *WithdrawalBody:
		return b.Published.Time
	case *SealBody:
		return b.Published.Time
	}
	return time.Time{}
}

// ParseBody parses the body of a framed document strictly into the type
// of its kind: *AnnouncementBody, *DrawBody, *AmendmentBody,
// *ResultsBody, *WithdrawalBody or *SealBody. Unknown fields, a repeated key, data after the object and
// wrong types are errors (a *DocumentError wrapping ErrMalformed); the
// content rules are checked when the document is read in its ledger.
func ParseBody(d *Document) (any, error) {
	if err := checkJSONDepth(d.Body, MaxJSONDepth); err != nil {
		return nil, &DocumentError{Field: "body", Err: fmt.Errorf("%w: %s body: %v", ErrMalformed, d.Kind, err)}
	}
	var v any
	switch d.Kind {
	case KindAnnouncement:
		v = new(AnnouncementBody)
	case KindDraw:
		v = new(DrawBody)
	case KindAmendment:
		v = new(AmendmentBody)
	case KindResults:
		v = new(ResultsBody)
	case KindWithdrawal:
		v = new(WithdrawalBody)
	case KindSeal:
		v = new(SealBody)
	default:
		return nil, malformed(1, "version", "unknown kind %q", d.Kind)
	}
	var err error
	if u, ok := v.(json.Unmarshaler); ok {
		err = u.UnmarshalJSON(d.Body)
	} else {
		err = decodeBody(d.Body, v)
	}
	if err != nil {
		return nil, &DocumentError{Field: "body", Err: fmt.Errorf("%w: %s body: %v", ErrMalformed, d.Kind, err)}
	}
	return v, nil
}
