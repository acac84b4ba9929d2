package publish

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// Errors of the record rules (see [Record]). They are wrapped in a
// *RecordError that names the document and the field.
var (
	// ErrSecondDraw reports a second draw for one announcement. A
	// re-draw must be a redraw amendment followed by a new announcement.
	ErrSecondDraw = errors.New("the announcement was drawn already; a re-draw must be a redraw amendment and a new announcement")
	// ErrTimeOrder reports times out of order: a document dated before
	// the one before it, a seed that existed before its announcement, a
	// draw made before its seed was due.
	ErrTimeOrder = errors.New("times out of order")
	// ErrReference reports a digest that names no suitable document: no
	// document at all, one of the wrong kind, or a voided draw.
	ErrReference = errors.New("refers to no suitable document")
	// ErrRecord reports a document whose content contradicts the
	// documents before it or its own rules.
	ErrRecord = errors.New("inconsistent record")
)

// RecordError reports a document that breaks a rule of the record. Doc
// is the document's file name in a [DirLedger] ([DocFileName]), Seq its
// position, Field the JSON field (e.g. "evidence[1].beacon.round") and
// Value the offending value, when there is one.
type RecordError struct {
	Doc   string
	Seq   int64
	Field string
	Value string
	Err   error
}

func (e *RecordError) Error() string {
	s := "publish: " + e.Doc
	if e.Field != "" {
		s += ": " + e.Field
	}
	if e.Value != "" {
		s += " " + strconv.Quote(e.Value)
	}
	return s + ": " + e.Err.Error()
}

func (e *RecordError) Unwrap() error { return e.Err }

// RecordDoc is one document of a [Record].
type RecordDoc struct {
	Seq    int64
	Digest Digest
	// File is the document's name in a DirLedger, e.g.
	// "000002-draw.note"; reports use it to name documents.
	File   string
	Doc    *Document
	Signed []byte
	// One of these is set, according to Doc.Kind.
	Announcement *AnnouncementBody
	Draw         *DrawBody
	Amendment    *AmendmentBody
	Results      *ResultsBody
	Withdrawal   *WithdrawalBody
	Seal         *SealBody

	// Unseals is, for a draw that releases a sealed draw, the seal it
	// releases (its "seal" header); Unsealed is when it was released
	// (its "unsealed" header).
	Unseals  *RecordDoc
	Unsealed time.Time

	plan   *random.Plan   // an announcement's plan
	planV2 *random.PlanV2 // an announcement's plan of protocol v2 (record_v2.go)
	// body, when set, is the body parsed from Doc.Body already (see
	// justParsed); add uses it instead of parsing again.
	body any
}

// justParsed holds, by digest, the bodies of documents that appendDoc
// has just parsed and checked and is appending: the ledger's validator
// ([ValidateRecord]) is called under its lock with the same signed bytes,
// and takes the body from here rather than parsing a large draw twice.
// Equal digests are equal bytes, whose parse is the same.
var justParsed sync.Map // Digest → any

// parsedBody returns the body add set on e.
func (e *RecordDoc) parsedBody() any {
	switch {
	case e.Announcement != nil:
		return e.Announcement
	case e.Draw != nil:
		return e.Draw
	case e.Amendment != nil:
		return e.Amendment
	case e.Results != nil:
		return e.Results
	case e.Withdrawal != nil:
		return e.Withdrawal
	case e.Seal != nil:
		return e.Seal
	}
	return nil
}

// Plan returns the parsed plan of an announcement (nil for other kinds).
func (d *RecordDoc) Plan() *random.Plan { return d.plan }

// Record is a ledger read and checked against the rules that need no
// tables and no keys:
//
//   - every document's time is not before the previous document's;
//   - an announcement's plan parses, and its digest, id and inputs digest
//     agree with the plan and roots; its seed sources are valid, and a
//     system seed is not combined with another source
//     ([random.ErrSystemCombined]); a beacon round is due strictly after
//     it is published and a dice ceremony ("when" read by [CeremonyTime]) is held
//     after it; while a redraw amendment is unanswered, the next
//     announcement answers it ("redraw"), and no other announcement may
//     name one;
//   - fates (protocol v2 §8): an announcement is refused while another is
//     open, neither drawn nor withdrawn ([ErrOpenAnnouncement]), and when
//     its seed event shares a key with an earlier announcement's
//     ([SeedEvent], [ErrSeedEventReused]), whatever that one's fate;
//   - a withdrawal names an announcement that is neither drawn nor
//     withdrawn, with a reason; a withdrawn announcement cannot be drawn
//     ([ErrWithdrawn]);
//   - sealed draws (protocol v2 §8, [SealDraw]): a seal names an
//     announcement neither drawn, withdrawn nor sealed, with the time
//     rules of a draw; until its release nothing else concerns that
//     announcement ([ErrSealedDraw]); the release is a draw with the
//     headers "seal" and "unsealed" whose body is, byte for byte, the
//     one sealed, with the seal's drawn_at ([ErrSealBroken]); its time
//     in the record is its "unsealed" header;
//   - a draw names an earlier announcement that has no draw yet
//     ([ErrSecondDraw]); it is made after the announcement and not
//     before its beacon round is due or its ceremony held; its evidence
//     gives its seed ([random.DeriveSeed]); its view names the
//     announcement's plan digest, roots and inputs, and its key is
//     H(seed, inputs) ([random.NewKey]);
//   - an amendment names a draw that no redraw voided; a redraw gives a
//     reason; a substitution takes an inspector off the current team of
//     a selected premises and puts on one who was never on it, and its
//     conflicts rows are those of its substitutions marked "conflict";
//   - a results document names a draw that no redraw voided, gives each
//     premises one entry over all documents, only for selected
//     premises, inspected on or after the day of the draw and not after
//     the day the results are published; an entry's further outcomes
//     (field set 2) are well-formed, distinct, and never with 未发现问题;
//     its follow-up status and inspection type are known codes.
//
// A document being published (the lifecycle functions, [ValidateRecord])
// must also use commit-reveal secrets of at least [random.MinSecretSize]
// bytes; records made before that rule replay, and [Verify] warns.
//
// It does not check signatures, the tables or the replay: [Verify] does.
// [Record.Fates] lists every announcement with what became of it.
type Record struct {
	Name string
	Docs []*RecordDoc

	byDigest map[Digest]*RecordDoc
	drawOf   map[Digest]*RecordDoc         // announcement → its draw
	voided   map[Digest]*RecordDoc         // draw → the redraw amendment voiding it
	answer   map[Digest]*RecordDoc         // redraw amendment → announcement answering it
	pending  []*RecordDoc                  // unanswered redraw amendments, in order
	teams    map[Digest]map[string]*team   // draw → premises → team now
	results  map[Digest]map[string]*result // draw → premises → outcome
	subs     map[Digest][]subRef           // draw → substitutions in order
	last     time.Time

	withdrawn map[Digest]*RecordDoc // announcement → its withdrawal
	sealOf    map[Digest]*RecordDoc // announcement → its seal
	released  map[Digest]*RecordDoc // seal → the draw that unsealed it
	open      *RecordDoc            // the announcement neither drawn nor withdrawn
	events    map[string]*RecordDoc // seed event key → the announcement it serves
	// strict applies, to the document being added, the rules that only
	// new documents follow (see addNew).
	strict bool
}

type team struct {
	ids  []string
	ever map[string]bool
}

type result struct {
	doc   *RecordDoc
	entry *ResultEntry
}

type subRef struct {
	doc   *RecordDoc
	item  *SubstitutionItem
	index int // in the amendment's substitutions
}

func newRecord(name string) *Record {
	return &Record{
		Name:     name,
		byDigest: map[Digest]*RecordDoc{},
		drawOf:   map[Digest]*RecordDoc{},
		voided:   map[Digest]*RecordDoc{},
		answer:   map[Digest]*RecordDoc{},
		teams:    map[Digest]map[string]*team{},
		results:  map[Digest]map[string]*result{},
		subs:     map[Digest][]subRef{},

		withdrawn: map[Digest]*RecordDoc{},
		sealOf:    map[Digest]*RecordDoc{},
		released:  map[Digest]*RecordDoc{},
		events:    map[string]*RecordDoc{},
	}
}

// ReadRecord reads every document of l and checks the framing (seq,
// prev, ledger name) and the rules of [Record]. It stops at the first
// problem. It does not check signatures: use [Verify] for an audit.
func ReadRecord(l Ledger) (*Record, error) {
	n, err := l.Len()
	if err != nil {
		return nil, err
	}
	return readRecord(l.Name(), n, l.Read)
}

func readRecord(name string, n int64, read func(int64) ([]byte, error)) (*Record, error) {
	r := newRecord(name)
	for seq := int64(1); seq <= n; seq++ {
		b, err := read(seq)
		if err != nil {
			return nil, err
		}
		e, err := r.frame(seq, b)
		if err != nil {
			return nil, err
		}
		if err := r.add(e); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// frame parses a signed document and checks it follows the record.
func (r *Record) frame(seq int64, signed []byte) (*RecordDoc, error) {
	doc, err := ParseSigned(signed)
	name := fmt.Sprintf("document %d", seq)
	if err != nil {
		var de *DocumentError
		if errors.As(err, &de) && de.Doc == "" {
			de.Doc = name
		}
		return nil, err
	}
	e := &RecordDoc{Seq: seq, Digest: DigestOf(signed), File: DocFileName(seq, doc.Kind), Doc: doc, Signed: signed}
	var prev Digest
	if len(r.Docs) > 0 {
		prev = r.Docs[len(r.Docs)-1].Digest
	}
	switch {
	case doc.Ledger != r.Name:
		return nil, &RecordError{Doc: e.File, Seq: seq, Field: "ledger", Err: &MismatchError{Field: "ledger", Want: r.Name, Got: doc.Ledger}}
	case doc.Seq != seq:
		return nil, &RecordError{Doc: e.File, Seq: seq, Field: "seq", Err: &MismatchError{Field: "seq", Want: strconv.FormatInt(seq, 10), Got: strconv.FormatInt(doc.Seq, 10)}}
	case doc.Prev != prev:
		return nil, &RecordError{Doc: e.File, Seq: seq, Field: "prev", Err: &MismatchError{Field: "prev", Want: prev.String(), Got: doc.Prev.String()}}
	}
	return e, nil
}

// ValidateRecord is the [Validator] of the record rules: set it as
// DirOptions.Validate so that a ledger refuses, under its lock, any
// document that breaks them (a second draw, a draw whose seed does not
// match its announcement, ...). The lifecycle functions ([Announce],
// [PublishDraw], ...) check the same rules before they append.
func ValidateRecord(prior Snapshot, doc *Document, signed []byte) error {
	r, err := readRecord(doc.Ledger, prior.Len(), prior.Read)
	if err != nil {
		return err
	}
	e, err := r.frame(prior.Len()+1, signed)
	if err != nil {
		return err
	}
	if b, ok := justParsed.Load(e.Digest); ok {
		e.body = b
	}
	return r.addNew(e)
}

// addNew adds a document being published: besides the rules of the
// record it must follow those that apply to new documents only, which
// records made before them may break (they are reported by [Verify] as
// warnings there): commit-reveal secrets of at least
// [random.MinSecretSize] bytes.
func (r *Record) addNew(e *RecordDoc) error {
	r.strict = true
	defer func() { r.strict = false }()
	return r.add(e)
}

// Lookup returns the document with the given digest.
func (r *Record) Lookup(d Digest) (*RecordDoc, bool) {
	e, ok := r.byDigest[d]
	return e, ok
}

// Undrawn returns the announcement that is open (neither drawn, sealed
// nor withdrawn), or nil; it is [Record.Open].
func (r *Record) Undrawn() *RecordDoc { return r.open }

// DrawOf returns the draw of an announcement, or nil.
func (r *Record) DrawOf(announcement Digest) *RecordDoc { return r.drawOf[announcement] }

// VoidedBy returns the redraw amendment that voided a draw, or nil.
func (r *Record) VoidedBy(draw Digest) *RecordDoc { return r.voided[draw] }

// AnsweredBy returns the announcement that answers a redraw amendment,
// or nil while none does.
func (r *Record) AnsweredBy(redraw Digest) *RecordDoc { return r.answer[redraw] }

// LiveDraws returns the draws that no redraw voided, in ledger order.
func (r *Record) LiveDraws() []*RecordDoc {
	var out []*RecordDoc
	for _, e := range r.Docs {
		if e.Draw != nil && r.voided[e.Digest] == nil {
			out = append(out, e)
		}
	}
	return out
}

// Team returns the team of a selected premises of a draw after every
// substitution, nil when it has none.
func (r *Record) Team(draw Digest, premises string) []string {
	if t := r.teams[draw][premises]; t != nil {
		return slices.Clone(t.ids)
	}
	return nil
}

// Substitutions returns the substitutions of a draw in ledger order.
func (r *Record) Substitutions(draw Digest) []SubstitutionItem {
	var out []SubstitutionItem
	for _, s := range r.subs[draw] {
		out = append(out, *s.item)
	}
	return out
}

// Result returns the outcome recorded for a premises of a draw and the
// results document that holds it.
func (r *Record) Result(draw Digest, premises string) (*ResultEntry, *RecordDoc) {
	if x := r.results[draw][premises]; x != nil {
		return x.entry, x.doc
	}
	return nil, nil
}

func (r *Record) fail(e *RecordDoc, field, value string, err error) error {
	return &RecordError{Doc: e.File, Seq: e.Seq, Field: field, Value: value, Err: err}
}

func (r *Record) mismatch(e *RecordDoc, field, want, got string) error {
	return r.fail(e, field, "", fmt.Errorf("%w: %w", ErrRecord, &MismatchError{Field: field, Want: want, Got: got}))
}

// add checks document e against the record and, when it follows the
// rules, adds it. On error the record is unchanged.
func (r *Record) add(e *RecordDoc) error {
	body, err := e.body, error(nil)
	if body == nil {
		body, err = ParseBody(e.Doc)
	}
	if err != nil {
		var de *DocumentError
		if errors.As(err, &de) {
			de.Doc = e.File
		}
		return err
	}
	t := bodyTime(body)
	seal, unsealed, err := r.sealHeaders(e)
	if err != nil {
		return err
	}
	if !unsealed.IsZero() {
		// A sealed draw's drawn_at is the seal's; it takes its place in
		// time when it is released.
		t = unsealed
	}
	if t.Before(r.last) {
		return r.fail(e, timeField(e.Doc.Kind), At(t).Format(time.RFC3339Nano),
			fmt.Errorf("%w: before the previous document (%s)", ErrTimeOrder, At(r.last).Format(time.RFC3339Nano)))
	}
	var commit func()
	switch b := body.(type) {
	case *AnnouncementBody:
		e.Announcement = b
		commit, err = r.addAnnouncement(e, b)
	case *DrawBody:
		e.Draw, e.Unseals, e.Unsealed = b, seal, unsealed
		commit, err = r.addDraw(e, b)
	case *AmendmentBody:
		e.Amendment = b
		commit, err = r.addAmendment(e, b)
	case *ResultsBody:
		e.Results = b
		commit, err = r.addResults(e, b)
	case *WithdrawalBody:
		e.Withdrawal = b
		commit, err = r.addWithdrawal(e, b)
	case *SealBody:
		e.Seal = b
		commit, err = r.addSeal(e, b)
	}
	if err != nil {
		e.Announcement, e.Draw, e.Amendment, e.Results, e.Withdrawal, e.Seal = nil, nil, nil, nil, nil, nil
		e.Unseals, e.Unsealed = nil, time.Time{}
		return err
	}
	commit()
	r.Docs = append(r.Docs, e)
	r.byDigest[e.Digest] = e
	r.last = t
	return nil
}

// maxAcceptedProblems bounds the accepted_problems of an announcement.
const maxAcceptedProblems = 1000

func timeField(k Kind) string {
	if k == KindDraw {
		// (an unsealing draw's time is its "unsealed" header; sealHeaders
		// names it in its errors.)
		return "drawn_at"
	}
	return "published"
}

// CeremonyTime reads the "when" of a dice ceremony with [ParseTime]:
// RFC 3339 ("2026-11-22T09:30:00+08:00", the form commands record) or a
// time without an offset, which is China Standard Time
// ("2026-11-22 09:30"), so that it can be compared with the
// announcement's time.
func CeremonyTime(when string) (time.Time, error) {
	t, err := ParseTime(when)
	if err != nil {
		return time.Time{}, fmt.Errorf("ceremony %w", err)
	}
	return t, nil
}

// checkPromiseTimes checks that every seed source of an announcement is
// in the future when it is published.
func checkPromiseTimes(promises []random.SeedPromise, published time.Time) (field, value string, err error) {
	for i, p := range promises {
		switch p.Kind {
		case random.SourceBeacon:
			if p.Chain == nil {
				continue
			}
			if due := p.Chain.RoundTime(p.Round); !due.After(published) {
				return fmt.Sprintf("seed[%d].round", i), strconv.FormatUint(p.Round, 10),
					fmt.Errorf("%w: beacon round due at %s, not after the announcement (%s)", ErrTimeOrder, At(due).Format(time.RFC3339), At(published).Format(time.RFC3339Nano))
			}
		case random.SourceDice:
			if p.Ceremony == nil {
				continue
			}
			ct, err := CeremonyTime(p.Ceremony.When)
			if err != nil {
				return fmt.Sprintf("seed[%d].ceremony.when", i), p.Ceremony.When, fmt.Errorf("%w: %v", ErrMalformed, err)
			}
			if !ct.After(published) {
				return fmt.Sprintf("seed[%d].ceremony.when", i), p.Ceremony.When,
					fmt.Errorf("%w: ceremony not after the announcement (%s)", ErrTimeOrder, At(published).Format(time.RFC3339Nano))
			}
		}
	}
	return "", "", nil
}

func (r *Record) addAnnouncement(e *RecordDoc, a *AnnouncementBody) (func(), error) {
	if !utf8.ValidString(a.Plan) {
		return nil, r.fail(e, "plan", "", fmt.Errorf("%w: not valid UTF-8", ErrMalformed))
	}
	plan, planV2, err := r.announcedPlan(e, a) // by the plan's protocol: record_v2.go
	if err != nil {
		return nil, err
	}
	if len(a.Seed) == 0 {
		return nil, r.fail(e, "seed", "", fmt.Errorf("%w: no seed source", ErrRecord))
	}
	for i, p := range a.Seed {
		if err := p.Validate(); err != nil {
			return nil, r.fail(e, fmt.Sprintf("seed[%d]", i), "", err)
		}
	}
	if err := random.CheckSources(a.Seed); err != nil {
		return nil, r.fail(e, "seed", "", err)
	}
	if len(a.AcceptedProblems) > maxAcceptedProblems {
		return nil, r.fail(e, "accepted_problems", "", fmt.Errorf("%w: more than %d lines", ErrMalformed, maxAcceptedProblems))
	}
	for i, p := range a.AcceptedProblems {
		if !validText(p) {
			return nil, r.fail(e, fmt.Sprintf("accepted_problems[%d]", i), p, fmt.Errorf("%w: 1 to 4096 bytes without control characters", ErrMalformed))
		}
	}
	if f, v, err := checkPromiseTimes(a.Seed, a.Published.Time); err != nil {
		return nil, r.fail(e, f, v, err)
	}
	if err := r.checkFates(e, a); err != nil {
		return nil, err
	}
	var answers *RecordDoc
	switch {
	case len(r.pending) > 0 && a.Redraw == nil:
		return nil, r.fail(e, "redraw", "", fmt.Errorf("%w: redraw amendment %s is unanswered; this announcement must name it", ErrRecord, r.pending[0].File))
	case len(r.pending) > 0 && *a.Redraw != r.pending[0].Digest:
		return nil, r.mismatch(e, "redraw", r.pending[0].Digest.String(), a.Redraw.String())
	case len(r.pending) == 0 && a.Redraw != nil:
		return nil, r.fail(e, "redraw", a.Redraw.String(), fmt.Errorf("%w: no unanswered redraw amendment", ErrReference))
	case len(r.pending) > 0:
		answers = r.pending[0]
	}
	return func() {
		e.plan, e.planV2 = plan, planV2
		r.open = e
		for _, k := range SeedEventOf(a.Seed).Keys {
			r.events[k] = e
		}
		if answers != nil {
			r.answer[answers.Digest] = e
			r.pending = r.pending[1:]
		}
	}, nil
}

func (r *Record) addDraw(e *RecordDoc, d *DrawBody) (func(), error) {
	ann := r.byDigest[d.Announcement]
	if ann == nil || ann.Announcement == nil {
		return nil, r.fail(e, "announcement", d.Announcement.String(), fmt.Errorf("%w: no announcement with this digest", ErrReference))
	}
	if prev := r.drawOf[ann.Digest]; prev != nil {
		return nil, r.fail(e, "announcement", d.Announcement.String(), fmt.Errorf("%w (%s is the draw of %s)", ErrSecondDraw, prev.File, ann.File))
	}
	if w := r.withdrawn[ann.Digest]; w != nil {
		return nil, r.fail(e, "announcement", d.Announcement.String(), fmt.Errorf("%w: %s withdrew %s", ErrWithdrawn, w.File, ann.File))
	}
	if err := r.checkSealed(e, ann, d); err != nil {
		return nil, err
	}
	if err := r.checkDrawBody(e, ann, d); err != nil {
		return nil, err
	}
	if d.ViewV2 != nil || ann.planV2 != nil { // protocol v2: record_v2.go
		return r.addDrawV2(e, d, ann, d.Seed) // d.Seed is the seed of its evidence (checkDrawBody)
	}
	v := d.View
	return func() {
		r.drawOf[ann.Digest] = e
		if e.Unseals != nil {
			r.released[e.Unseals.Digest] = e
		}
		if r.open == ann {
			r.open = nil
		}
		teams := map[string]*team{}
		for _, s := range v.Selected {
			if len(s.Team) > 0 {
				t := &team{ids: slices.Clone(s.Team), ever: map[string]bool{}}
				for _, id := range s.Team {
					t.ever[id] = true
				}
				teams[s.ID] = t
			}
		}
		r.teams[e.Digest] = teams
		r.results[e.Digest] = map[string]*result{}
	}, nil
}

// checkDrawBody checks the content of a draw against its announcement:
// its time, its evidence and seed, and its view (digests, roots, key, no
// premises twice, the public checks of the view).
func (r *Record) checkDrawBody(e *RecordDoc, ann *RecordDoc, d *DrawBody) error {
	if r.strict {
		if err := random.CheckEvidenceSecrets(d.Evidence); err != nil {
			return r.fail(e, "evidence", "", err)
		}
	}
	a := ann.Announcement
	if err := r.checkDrawnAt(e, a, d.DrawnAt.Time); err != nil {
		return err
	}
	seed, err := random.DeriveSeed(a.Seed, d.Evidence)
	if err != nil {
		return r.fail(e, "evidence", "", err)
	}
	if !bytes.Equal(seed, d.Seed) {
		return r.mismatch(e, "seed", random.HexBytes(seed).String(), d.Seed.String())
	}
	if d.ViewV2 != nil || ann.planV2 != nil {
		return nil // the view of protocol v2: addDrawV2 (record_v2.go)
	}
	v := d.View
	switch {
	case v.PlanDigest != a.PlanDigest:
		return r.mismatch(e, "view.plan_digest", a.PlanDigest.String(), v.PlanDigest.String())
	case v.Roots != a.Roots:
		return r.mismatch(e, "view.roots", rootsString(a.Roots), rootsString(v.Roots))
	case v.Inputs != a.Inputs:
		return r.mismatch(e, "view.inputs", a.Inputs.String(), v.Inputs.String())
	}
	key, err := random.NewKey(seed, a.Inputs)
	if err != nil {
		return r.fail(e, "seed", "", err)
	}
	if key != v.Key {
		return r.mismatch(e, "view.key", key.String(), v.Key.String())
	}
	seen := map[string]bool{}
	for i, s := range v.Selected {
		if seen[s.ID] {
			return r.fail(e, fmt.Sprintf("view.selected[%d].id", i), s.ID, fmt.Errorf("%w: selected twice", ErrRecord))
		}
		seen[s.ID] = true
	}
	if ve := checkViewPublic(ann.plan, v); ve != nil {
		return r.fail(e, ve.field, ve.value, ve.err)
	}
	return nil
}

// checkDrawnAt checks the time of a draw (or of the draw a seal commits
// to) against its announcement: after it, and not before any seed
// source existed (beacon round due, ceremony held).
func (r *Record) checkDrawnAt(e *RecordDoc, a *AnnouncementBody, drawnAt time.Time) error {
	if !drawnAt.After(a.Published.Time) {
		return r.fail(e, "drawn_at", At(drawnAt).Format(time.RFC3339Nano), fmt.Errorf("%w: not after the announcement (%s)", ErrTimeOrder, At(a.Published.Time).Format(time.RFC3339Nano)))
	}
	for i, p := range a.Seed {
		var due time.Time
		switch p.Kind {
		case random.SourceBeacon:
			due = p.Chain.RoundTime(p.Round)
		case random.SourceDice:
			due, _ = CeremonyTime(p.Ceremony.When)
		default:
			continue
		}
		if drawnAt.Before(due) {
			return r.fail(e, "drawn_at", At(drawnAt).Format(time.RFC3339Nano), fmt.Errorf("%w: before seed source %d existed (%s)", ErrTimeOrder, i+1, At(due).Format(time.RFC3339)))
		}
	}
	return nil
}

func rootsString(r roster.Roots) string {
	return fmt.Sprintf("premises %s inspectors %s conflicts %s history %s", r.Premises, r.Inspectors, r.Conflicts, r.History)
}

// liveDraw returns the draw a document refers to, refusing a voided one.
func (r *Record) liveDraw(e *RecordDoc, d Digest) (*RecordDoc, error) {
	draw := r.byDigest[d]
	if draw != nil && draw.Seal != nil {
		return nil, r.fail(e, "draw", d.String(), fmt.Errorf("%w: %s is a seal: %w", ErrReference, draw.File, ErrSealedDraw))
	}
	if draw == nil || draw.Draw == nil {
		return nil, r.fail(e, "draw", d.String(), fmt.Errorf("%w: no draw with this digest", ErrReference))
	}
	if v := r.voided[d]; v != nil {
		return nil, r.fail(e, "draw", d.String(), fmt.Errorf("%w: %s was voided by the redraw %s", ErrReference, draw.File, v.File))
	}
	return draw, nil
}

// validText: 1..4096 bytes of UTF-8, no control characters, no leading
// or trailing space.
func validText(s string) bool {
	if s == "" || len(s) > 4096 || !utf8.ValidString(s) {
		return false
	}
	for _, c := range s {
		if unicode.IsControl(c) || c == utf8.RuneError {
			return false
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	last, _ := utf8.DecodeLastRuneInString(s)
	return !unicode.IsSpace(first) && !unicode.IsSpace(last)
}

func (r *Record) addAmendment(e *RecordDoc, m *AmendmentBody) (func(), error) {
	draw, err := r.liveDraw(e, m.Draw)
	if err != nil {
		return nil, err
	}
	switch m.Kind {
	case AmendRedraw:
		if !validText(m.Reason) {
			return nil, r.fail(e, "reason", m.Reason, fmt.Errorf("%w: a redraw needs a reason (1 to 4096 bytes, no control characters)", ErrRecord))
		}
		if m.Substitutions != nil || m.Conflicts != nil {
			return nil, r.fail(e, "substitutions", "", fmt.Errorf("%w: a redraw has no substitutions or conflicts", ErrRecord))
		}
		return func() {
			r.voided[draw.Digest] = e
			r.pending = append(r.pending, e)
		}, nil
	case AmendSubstitution:
	default:
		return nil, r.fail(e, "kind", string(m.Kind), fmt.Errorf("%w: want %q or %q", ErrMalformed, AmendSubstitution, AmendRedraw))
	}
	if m.Reason != "" {
		return nil, r.fail(e, "reason", m.Reason, fmt.Errorf("%w: a substitution gives its reasons per substitution", ErrRecord))
	}
	if len(m.Substitutions) == 0 {
		return nil, r.fail(e, "substitutions", "", fmt.Errorf("%w: no substitution", ErrRecord))
	}
	// Work on copies of the teams this amendment changes.
	teams := map[string]*team{}
	current := func(p string) *team {
		if t := teams[p]; t != nil {
			return t
		}
		t0 := r.teams[draw.Digest][p]
		if t0 == nil {
			return nil
		}
		t := &team{ids: slices.Clone(t0.ids), ever: map[string]bool{}}
		for k := range t0.ever {
			t.ever[k] = true
		}
		teams[p] = t
		return t
	}
	var conflicts []ConflictItem
	for i, s := range m.Substitutions {
		f := fmt.Sprintf("substitutions[%d]", i)
		t := current(s.Premises)
		switch {
		case t == nil:
			return nil, r.fail(e, f+".premises", s.Premises, fmt.Errorf("%w: not a selected premises with a team in %s", ErrRecord, draw.File))
		case !slices.Contains(t.ids, s.Out):
			return nil, r.fail(e, f+".out", s.Out, fmt.Errorf("%w: not on the team of %s (%v)", ErrRecord, s.Premises, t.ids))
		case s.In != "" && t.ever[s.In]:
			return nil, r.fail(e, f+".in", s.In, fmt.Errorf("%w: the replacement must be someone never on the team of %s", ErrRecord, s.Premises))
		case !validText(s.Reason):
			return nil, r.fail(e, f+".reason", s.Reason, fmt.Errorf("%w: a substitution needs a reason (1 to 4096 bytes, no control characters)", ErrRecord))
		}
		want := slices.DeleteFunc(slices.Clone(t.ids), func(id string) bool { return id == s.Out })
		if s.In != "" {
			want = append(want, s.In)
		}
		want = substitutionTeamV2(draw, &m.Substitutions[i], want) // record_v2.go
		got := slices.Clone(s.Team)
		slices.Sort(want)
		slices.Sort(got)
		if !slices.Equal(want, got) {
			return nil, r.mismatch(e, f+".team", fmt.Sprint(want), fmt.Sprint(got))
		}
		t.ids = slices.Clone(s.Team)
		if s.In != "" {
			t.ever[s.In] = true
		}
		if s.Conflict {
			conflicts = append(conflicts, ConflictItem{Inspector: s.Out, Premises: s.Premises, Reason: s.Reason})
		}
	}
	if !slices.Equal(conflicts, m.Conflicts) {
		return nil, r.mismatch(e, "conflicts", fmt.Sprint(conflicts), fmt.Sprint(m.Conflicts))
	}
	return func() {
		for p, t := range teams {
			r.teams[draw.Digest][p] = t
		}
		for i := range m.Substitutions {
			r.subs[draw.Digest] = append(r.subs[draw.Digest], subRef{e, &m.Substitutions[i], i})
		}
	}, nil
}

func (r *Record) addResults(e *RecordDoc, b *ResultsBody) (func(), error) {
	draw, err := r.liveDraw(e, b.Draw)
	if err != nil {
		return nil, err
	}
	if len(b.Results) == 0 {
		return nil, r.fail(e, "results", "", fmt.Errorf("%w: no results", ErrRecord))
	}
	selected := map[string]bool{}
	for _, id := range draw.Draw.SelectedIDs() {
		selected[id] = true
	}
	day := LocalDate(b.Published.Time)
	drawDay := LocalDate(draw.Draw.DrawnAt.Time)
	here := map[string]bool{}
	for i, x := range b.Results {
		f := fmt.Sprintf("results[%d]", i)
		switch {
		case !selected[x.Premises]:
			return nil, r.fail(e, f+".premises", x.Premises, fmt.Errorf("%w: not selected in %s", ErrRecord, draw.File))
		case here[x.Premises]:
			return nil, r.fail(e, f+".premises", x.Premises, fmt.Errorf("%w: two outcomes in this document", ErrRecord))
		case r.results[draw.Digest][x.Premises] != nil:
			return nil, r.fail(e, f+".premises", x.Premises, fmt.Errorf("%w: %w: outcome published in %s", ErrRecord, ErrExists, r.results[draw.Digest][x.Premises].doc.File))
		}
		here[x.Premises] = true
		if err := checkOutcomeCode(x.Outcome); err != nil {
			return nil, r.fail(e, f+".outcome", x.Outcome, fmt.Errorf("%w: %v", ErrMalformed, err))
		}
		if checkOutcomeText(x.Zh) != nil || checkOutcomeText(x.En) != nil {
			return nil, r.fail(e, f+".outcome_zh", x.Zh, fmt.Errorf("%w: outcome texts must be 1 to 256 bytes without control characters", ErrMalformed))
		}
		if field, value, err := checkResultFields2(f, &x); err != nil {
			return nil, r.fail(e, field, value, err)
		}
		if x.Inspected > day || x.Inspected < drawDay {
			return nil, r.fail(e, f+".inspected", x.Inspected.String(), fmt.Errorf("%w: want a day from the draw (%s) to the results (%s)", ErrTimeOrder, drawDay, day))
		}
		if len(x.Inspectors) == 0 {
			return nil, r.fail(e, f+".inspectors", "", fmt.Errorf("%w: no inspector", ErrRecord))
		}
		for j, id := range x.Inspectors {
			if !validText(id) || slices.Index(x.Inspectors, id) != j {
				return nil, r.fail(e, fmt.Sprintf("%s.inspectors[%d]", f, j), id, fmt.Errorf("%w: empty, repeated or malformed id", ErrRecord))
			}
		}
		if x.Note != "" && !validText(x.Note) {
			return nil, r.fail(e, f+".note", x.Note, fmt.Errorf("%w: 1 to 4096 bytes without control characters", ErrMalformed))
		}
	}
	return func() {
		for i := range b.Results {
			r.results[draw.Digest][b.Results[i].Premises] = &result{e, &b.Results[i]}
		}
	}, nil
}

// checkResultFields2 checks the keys of results field set 2 of an entry
// (see [ResultsBody]); f is the entry's field path.
func checkResultFields2(f string, x *ResultEntry) (field, value string, err error) {
	seen := map[string]bool{x.Outcome: true}
	for j, m := range x.More {
		g := fmt.Sprintf("%s.more_outcomes[%d]", f, j)
		if err := checkOutcomeCode(m.Code); err != nil {
			return g + ".outcome", m.Code, fmt.Errorf("%w: %v", ErrMalformed, err)
		}
		if checkOutcomeText(m.Zh) != nil || checkOutcomeText(m.En) != nil {
			return g + ".outcome_zh", m.Zh, fmt.Errorf("%w: outcome texts must be 1 to 256 bytes without control characters", ErrMalformed)
		}
		if seen[m.Code] {
			return g + ".outcome", m.Code, fmt.Errorf("%w: outcome given twice", ErrRecord)
		}
		seen[m.Code] = true
	}
	if len(x.More) > 0 && seen[OutcomeNoIssue] {
		return f + ".more_outcomes", "", fmt.Errorf("%w: %s (未发现问题) cannot go with other outcomes", ErrRecord, OutcomeNoIssue)
	}
	if x.FollowUp != "" && FollowUpZh(x.FollowUp) == "" {
		return f + ".follow_up", x.FollowUp, fmt.Errorf("%w: want %q or %q", ErrMalformed, FollowUpOpen, FollowUpDone)
	}
	if x.Authority != "" && !validText(x.Authority) {
		return f + ".authority", x.Authority, fmt.Errorf("%w: 1 to 4096 bytes without control characters", ErrMalformed)
	}
	if x.InspectionType != "" {
		if t, ok := LookupInspectionType(x.InspectionType); !ok || t.Code != x.InspectionType {
			return f + ".inspection_type", x.InspectionType, fmt.Errorf("%w: want %q, %q or %q", ErrMalformed, InspectionRandom, InspectionTargeted, InspectionJoint)
		}
	}
	return "", "", nil
}
