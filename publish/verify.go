package publish

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Options configure [Verify].
type Options struct {
	// Policy says which signatures every document must carry, e.g.
	// Require: the agency and its discipline inspection office. The
	// checkpoint needs one signature by a verifier.
	Policy Policy
	// Calendar counts the working days of result deadlines; nil means
	// [Official], the State Council's published schedules.
	Calendar Calendar
	// Now is when the verification runs (the caller's clock). When set,
	// selected premises without a published outcome more than
	// [ResultsDueWorkingDays] working days after the draw are flagged as
	// overdue. Zero: no such flag.
	Now time.Time
	// Outcomes is the registry results are checked against; nil means
	// [Standard].
	Outcomes *Outcomes
	// Checkpoint is a signed checkpoint of the ledger the reader kept
	// from earlier; Verify checks that the ledger extends it.
	Checkpoint []byte
	// Context bounds the replays; nil means context.Background().
	Context context.Context
	// Tables gives each announcement its tables (see [TableSource]),
	// for ledgers whose announcements use different tables. When nil,
	// the set given to Verify is every announcement's tables.
	Tables TableSource

	// Witnesses, Quorum and Cosigned are the reader's witness policy and
	// the cosigned checkpoints it got besides those kept in the ledger
	// folder; see [CheckTiming] (timing.go).
	Witnesses []*CosignatureVerifier
	Quorum    int
	Cosigned  [][]byte
}

// Problem is one thing Verify found wrong (or, among the warnings, worth
// a person's attention). Doc names the document ([DocFileName]), empty
// for the ledger as a whole; Err is typed (*MismatchError,
// *SignatureError, *DocumentError, *RecordError, ...) for errors.As; Diff,
// for a replayed draw that differs from its record, is a readable diff
// (-recorded +replayed).
type Problem struct {
	Doc  string
	Seq  int64
	Err  error
	Diff string
}

func (p Problem) String() string {
	s := p.Err.Error()
	if p.Doc != "" && !strings.Contains(s, p.Doc) {
		s = p.Doc + ": " + s
	}
	return s
}

// DrawReport sums up one draw of the ledger.
type DrawReport struct {
	Doc          string // the draw's file name
	Seq          int64
	Digest       Digest
	Announcement string // the announcement's file name
	PlanID       string
	Selected     int
	// Replayed is true when the draw was replayed from the tables and
	// every field agreed, with every substitution.
	Replayed      bool
	Substitutions int
	Outcomes      int
	// VoidedBy names the redraw amendment that voided the draw, if any.
	VoidedBy string
	// Late lists results published after their deadline.
	Late []LateResult
	// Missing lists the selected premises with no outcome yet (live
	// draws only); Overdue says that Options.Now is more than
	// ResultsDueWorkingDays working days after the day of the draw.
	Missing []string
	Overdue bool
	// Seal names the seal this draw released, when it was sealed;
	// Unsealed is when it was released.
	Seal     string
	Unsealed time.Time
}

// SealReport is one sealed draw ([SealDraw]): when it was made and
// sealed, when witnesses saw the seal, and whether it was released.
type SealReport struct {
	Doc          string // the seal's file name
	Seq          int64
	Digest       Digest
	Announcement string
	PlanID       string
	Published    time.Time // when the seal was published
	DrawnAt      time.Time
	// Witnessed is the witnessed bound of the seal (with a witness
	// policy): the draw's content was fixed by then. Zero: none.
	Witnessed time.Time
	// Released names the draw that released it, "" while it is sealed;
	// ReleasedAt is when.
	Released   string
	ReleasedAt time.Time
	// Due is the results deadline counted from the seal's day
	// ([ResultsDue]); Overdue says that Options.Now is after it and the
	// draw is still sealed.
	Due     Date
	Overdue bool
}

// LateResult is a result published after its deadline.
type LateResult struct {
	Doc       string // the results document
	Premises  string
	Inspected Date
	Due       Date
	Published Date
}

// RedrawReport is one redraw amendment: a draw voided and drawn again.
type RedrawReport struct {
	Doc    string // the amendment
	Seq    int64
	Draw   string // the voided draw
	Reason string
	// Announcement is the new announcement answering the redraw, empty
	// while none does.
	Announcement string
}

// FateReport is one announcement and what became of it (see [Fate]).
type FateReport struct {
	Announcement string // the announcement's file name
	Seq          int64
	Fate         FateKind
	// SeedEvent lists the seed event's keys ([SeedEvent]).
	SeedEvent string
	// By names the draw (drawn), the redraw amendment (redrawn), the
	// withdrawal (withdrawn) or the seal (sealed).
	By     string
	Reason string
	// Draw names the announcement's draw (drawn, redrawn).
	Draw string
	// At is when the withdrawal or the redraw was published; SeedTime
	// when the seed event happened (zero: it has no time).
	At, SeedTime time.Time
	// ReRoll: withdrawn or redrawn at or after the seed event;
	// ReRollUnknown: withdrawn, and the seed event has no time.
	ReRoll, ReRollUnknown bool
	// Line is the fate as [Report.String] prints it.
	Line string
}

// Report is what [Verify] found: a summary for people ([Report.String])
// and the same facts as fields.
type Report struct {
	Ledger     string
	Documents  int64
	Checkpoint Checkpoint
	// Signers are the key names that signed every document.
	Signers []string
	// Fates lists every announcement with its fate, in ledger order.
	Fates   []FateReport
	Draws   []DrawReport
	Redraws []RedrawReport
	// Seals lists every sealed draw, released or not, in ledger order.
	Seals []SealReport
	// Timing holds the verdicts on times from witnesses ([CheckTiming]).
	Timing   *TimingReport
	Problems []Problem // what disagrees: the ledger does not verify
	Warnings []Problem // late or missing results, redraws, unverifiable seeds
	// Record holds the documents Verify read, parsed: those whose
	// signatures verified and that kept the record's rules (a document
	// that did not is absent, and named among the Problems). Front ends
	// show them without parsing the ledger again.
	Record *Record
	// Tables are the tables each announcement was checked against and
	// its draw replayed with, by the announcement's digest (absent when
	// none were given or they did not match the announced roots).
	Tables map[Digest]*roster.Set
}

// OK reports whether nothing disagreed.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Err returns the problems joined, or nil when the report is OK.
func (r *Report) Err() error {
	var errs []error
	for _, p := range r.Problems {
		errs = append(errs, p.Err)
	}
	return errors.Join(errs...)
}

// String returns the report for people.
func (r *Report) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ledger %s: %d documents, checkpoint %d\n", r.Ledger, r.Documents, r.Checkpoint.Size)
	if len(r.Signers) > 0 {
		fmt.Fprintf(&b, "signed by: %s\n", strings.Join(r.Signers, ", "))
	}
	for _, f := range r.Fates {
		b.WriteString(f.Line + "\n")
	}
	for _, d := range r.Draws {
		fmt.Fprintf(&b, "draw %s (announcement %s, plan %s): %d selected", d.Doc, d.Announcement, d.PlanID, d.Selected)
		if d.Replayed {
			b.WriteString(", replayed: identical")
		} else {
			b.WriteString(", not replayed")
		}
		fmt.Fprintf(&b, ", %d substitutions, %d outcomes", d.Substitutions, d.Outcomes)
		if d.Seal != "" {
			fmt.Fprintf(&b, ", sealed by %s, released on %s", d.Seal, At(d.Unsealed).Format(time.RFC3339))
		}
		if d.VoidedBy != "" {
			fmt.Fprintf(&b, ", VOIDED by %s", d.VoidedBy)
		}
		b.WriteString("\n")
		if len(d.Missing) > 0 {
			state := "pending"
			if d.Overdue {
				state = "overdue"
			}
			fmt.Fprintf(&b, "  no outcome yet (%s, %d): %s\n", state, len(d.Missing), listSome(d.Missing, maxListed))
		}
		for _, l := range d.Late {
			fmt.Fprintf(&b, "  LATE %s: %s inspected %s, due %s, published %s\n", l.Doc, l.Premises, l.Inspected, l.Due, l.Published)
		}
	}
	for _, x := range r.Redraws {
		ans := "no new announcement yet"
		if x.Announcement != "" {
			ans = "new announcement " + x.Announcement
		}
		fmt.Fprintf(&b, "REDRAW %s voids %s: %q; %s (a re-roll after the seed event)\n", x.Doc, x.Draw, x.Reason, ans)
	}
	for _, x := range r.Seals {
		b.WriteString(x.String() + "\n")
	}
	if r.Timing != nil {
		b.WriteString(r.Timing.String())
	}
	for _, w := range r.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w)
	}
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "PROBLEM: %s\n", p)
		if p.Diff != "" {
			b.WriteString("  diff (-recorded +replayed):\n")
			for _, l := range strings.Split(strings.TrimRight(p.Diff, "\n"), "\n") {
				b.WriteString("  " + l + "\n")
			}
		}
	}
	if r.OK() {
		b.WriteString("verified: OK\n")
	} else {
		fmt.Fprintf(&b, "verified: FAILED, %d problems\n", len(r.Problems))
	}
	return b.String()
}

// maxViewMismatches bounds the field differences reported per draw.
const maxViewMismatches = 20

// Verify audits a ledger. It checks, and reports every failure as a
// Problem:
//
//   - every document: its signatures under opt.Policy with verifiers
//     first (nothing of a document whose signatures fail is parsed
//     beyond its signed-note envelope), then its framing, its seq,
//     ledger name and prev (the chain);
//   - the checkpoint: signed by a verifier, of the ledger's size, with
//     the Merkle root of the documents' digests; and, given
//     opt.Checkpoint, that the ledger extends that older checkpoint;
//   - the record rules ([Record]): times in order, announcement before
//     seed (beacon round due after it, ceremony after it), evidence that
//     gives the seed, no second draw, consistent amendments and results;
//   - with set (or opt.Tables, which gives each announcement its own
//     tables): each announcement's roots and counts against the tables,
//     and a replay of every draw ([random.Draw] with the derived seed)
//     compared field by field with its record (a *MismatchError per
//     field, the first with a readable diff), and of every substitution
//     ([random.Result.Substitute] over all of a draw's substitutions in
//     ledger order);
//   - results: outcome codes and texts against opt.Outcomes, inspectors
//     known to the tables.
//
// Draws of protocol v2 are replayed with [random.DrawV2] and compared
// with [CompareViewsV2], their substitutions with
// [random.ResultV2.Substitute] (verify_v2.go).
//
// It lists every announcement with its fate (Report.Fates: drawn,
// withdrawn, redrawn, sealed, open) and every sealed draw (Report.Seals:
// when sealed, when witnessed, when released), and reports as warnings
// (not failures): a draw still sealed after the results deadline counted
// from its seal, an announcement published while a draw is sealed and
// not released, withdrawals at or after their seed event ("re-roll"),
// and of announcements whose seed event has no time ("possible
// re-roll");
// results published after [ResultsDue], selected premises with no outcome
// yet, every redraw, seeds that cannot be verified, signatures by keys
// the reader does not know, announcements published despite pre-flight
// problems (and, with the tables, problems recorded that differ from
// those found now), more than one substitution on one visit (one
// premises of one draw), commit-reveal secrets shorter than
// [random.MinSecretSize], and tables not given. The error is non-nil only
// when the ledger cannot be read at all.
func Verify(l Ledger, set *roster.Set, verifiers []note.Verifier, opt Options) (*Report, error) {
	if l == nil {
		return nil, errors.New("publish: Verify: no ledger")
	}
	if opt.Calendar == nil {
		opt.Calendar = Official()
	}
	if opt.Outcomes == nil {
		opt.Outcomes = Standard()
	}
	if opt.Context == nil {
		opt.Context = context.Background()
	}
	if opt.Tables == nil && set != nil {
		opt.Tables = TablesByRoots(set)
	}
	n, err := l.Len()
	if err != nil {
		return nil, err
	}
	rep := &Report{Ledger: l.Name(), Documents: n}
	v := &verifier{rep: rep, opt: opt}
	r := newRecord(l.Name())
	var tree roster.TreeBuilder
	var prev Digest
	signedAll := map[string]int64{}
	var digests []Digest // for the timing hook
	for seq := int64(1); seq <= n; seq++ {
		name := fmt.Sprintf("document %d", seq)
		b, err := l.Read(seq)
		if err != nil {
			v.problem(name, seq, err)
			rep.Documents = seq - 1
			break
		}
		digest := DigestOf(b)
		tree.AddLeaf(digest[:])
		digests = append(digests, digest)
		// Signatures first: nothing of an unsigned document is parsed
		// beyond its signed-note envelope.
		file := docName(seq, b)
		o, err := opt.Policy.Open(b, verifiers...)
		if err != nil {
			v.problem(file, seq, fmt.Errorf("%s: %w", file, err))
			prev = digest
			continue // its content cannot be attributed to the signers
		}
		seen := map[string]bool{}
		for _, k := range o.Signers {
			if !seen[k.Name] {
				seen[k.Name] = true
				signedAll[k.Name]++
			}
		}
		if len(o.Unknown) > 0 {
			v.warn(file, seq, "%s: carries %d signatures by keys the reader does not know: %s", file, len(o.Unknown), keyList(o.Unknown))
		}
		doc, err := ParseDocument(o.Text)
		if err != nil {
			var de *DocumentError
			if errors.As(err, &de) && de.Doc == "" {
				de.Doc = name
			}
			v.problem(name, seq, err)
			prev = digest
			continue
		}
		file = DocFileName(seq, doc.Kind)
		if doc.Ledger != l.Name() {
			v.problem(file, seq, &MismatchError{Doc: file, Field: "ledger", Want: l.Name(), Got: doc.Ledger})
		}
		if doc.Seq != seq {
			v.problem(file, seq, &MismatchError{Doc: file, Field: "seq", Want: fmt.Sprint(seq), Got: fmt.Sprint(doc.Seq)})
		}
		if doc.Prev != prev {
			v.problem(file, seq, &MismatchError{Doc: file, Field: "prev", Want: prev.String(), Got: doc.Prev.String()})
		}
		prev = digest
		e := &RecordDoc{Seq: seq, Digest: digest, File: file, Doc: doc, Signed: b}
		if err := r.add(e); err != nil {
			v.problem(file, seq, err)
		}
	}
	for name, k := range signedAll {
		if k == rep.Documents && rep.Documents > 0 {
			rep.Signers = append(rep.Signers, name)
		}
	}
	slices.Sort(rep.Signers)
	v.checkpoint(l, verifiers, rep.Documents, tree.Root())
	v.record(r)
	v.timing(l, r, verifiers, digests) // witnesses: timing.go
	rep.Record = r
	return rep, nil
}

type verifier struct {
	rep *Report
	opt Options
}

func (v *verifier) problem(doc string, seq int64, err error) {
	v.rep.Problems = append(v.rep.Problems, Problem{Doc: doc, Seq: seq, Err: err})
}

func (v *verifier) warn(doc string, seq int64, format string, args ...any) {
	v.rep.Warnings = append(v.rep.Warnings, Problem{Doc: doc, Seq: seq, Err: fmt.Errorf(format, args...)})
}

func (v *verifier) checkpoint(l Ledger, verifiers []note.Verifier, n int64, root roster.Hash) {
	msg, err := l.Checkpoint()
	if err != nil {
		v.problem("checkpoint", 0, err)
		return
	}
	cp, _, err := Policy{AllowUnknown: true}.OpenCheckpoint(msg, verifiers...)
	if err != nil {
		v.problem("checkpoint", 0, fmt.Errorf("checkpoint: %w", err))
		return
	}
	v.rep.Checkpoint = cp
	want := Checkpoint{Origin: l.Name(), Size: n, Root: tlog.Hash(root)}
	if cp != want {
		v.problem("checkpoint", 0, &MismatchError{Doc: "checkpoint", Field: "checkpoint", Want: want.String(), Got: cp.String()})
		return
	}
	if v.opt.Checkpoint == nil {
		return
	}
	old, _, err := Policy{AllowUnknown: true}.OpenCheckpoint(v.opt.Checkpoint, verifiers...)
	if err != nil {
		v.problem("checkpoint", 0, fmt.Errorf("the older checkpoint given: %w", err))
		return
	}
	if old.Size > cp.Size {
		v.problem("checkpoint", 0, &ConsistencyError{Origin: cp.Origin, OldSize: old.Size, NewSize: cp.Size, Err: errors.New("the ledger shrank")})
		return
	}
	proof, err := l.ConsistencyProof(old.Size, cp.Size)
	if err == nil {
		err = CheckConsistency(old, cp, proof)
	}
	if err != nil {
		v.problem("checkpoint", 0, err)
	}
}

// record checks what needs the tables and sums up draws and redraws.
func (v *verifier) record(r *Record) {
	if v.opt.Tables == nil {
		v.warn("", 0, "no tables given: roots not checked, draws not replayed")
	}
	sets := map[Digest]*roster.Set{} // announcement → its tables, checked
	v.rep.Tables = sets
	for _, e := range r.Docs {
		switch {
		case e.Announcement != nil:
			for i, p := range e.Announcement.Seed {
				if !p.Verifiable {
					v.warn(e.File, e.Seq, "seed source %d (%s) cannot be verified: the operator chose it", i+1, p.Kind)
				}
			}
			if v.opt.Tables != nil {
				if set, err := v.tablesOf(e); err != nil {
					v.problem(e.File, e.Seq, err)
				} else if set != nil {
					sets[e.Digest] = set
				} else if s := r.SealOf(e.Digest); s != nil && r.ReleasedBy(s.Digest) == nil {
					v.warn(e.File, e.Seq, "%s: no tables given for this announcement (withheld while its draw is sealed by %s): roots not checked", e.File, s.File)
				} else {
					v.warn(e.File, e.Seq, "%s: no tables given for this announcement: roots not checked, its draw not replayed", e.File)
				}
			}
		case e.Draw != nil:
			v.draw(r, e, sets[e.Draw.Announcement])
		case e.Amendment != nil && e.Amendment.Kind == AmendRedraw:
			x := RedrawReport{Doc: e.File, Seq: e.Seq, Draw: r.byDigest[e.Amendment.Draw].File, Reason: e.Amendment.Reason}
			if a := r.answer[e.Digest]; a != nil {
				x.Announcement = a.File
			}
			v.rep.Redraws = append(v.rep.Redraws, x)
		}
	}
	v.fates(r, sets)
	v.seals(r)
}

// fates reports every announcement with its fate, warns of re-rolls, of
// announcements published despite pre-flight problems, of several
// substitutions on one visit and of short commit-reveal secrets.
func (v *verifier) fates(r *Record, sets map[Digest]*roster.Set) {
	for _, f := range r.Fates() {
		a := f.Announcement
		fr := FateReport{Announcement: a.File, Seq: a.Seq, Fate: f.Fate, SeedEvent: f.SeedEvent.String(), Reason: f.Reason,
			ReRoll: f.ReRoll, ReRollUnknown: f.ReRollUnknown, Line: f.String(), At: f.At, SeedTime: f.SeedEvent.Time}
		if f.Draw != nil {
			fr.Draw = f.Draw.File
		}
		for _, d := range []*RecordDoc{f.Withdrawal, f.Redraw, f.Draw, f.Seal} {
			if d != nil {
				fr.By = d.File
				break
			}
		}
		v.rep.Fates = append(v.rep.Fates, fr)
		switch {
		case f.ReRoll && f.Fate == FateWithdrawn:
			v.warn(f.Withdrawal.File, f.Withdrawal.Seq, "re-roll: %s withdrew %s on %s, at or after its seed event (%s)", f.Withdrawal.File, a.File,
				At(f.At).Format(time.RFC3339), At(f.SeedEvent.Time).Format(time.RFC3339))
		case f.ReRollUnknown:
			v.warn(f.Withdrawal.File, f.Withdrawal.Seq, "possible re-roll: %s withdrew %s, whose seed event (%s) has no time", f.Withdrawal.File, a.File, f.SeedEvent)
		}
		if ps := a.Announcement.AcceptedProblems; len(ps) > 0 {
			v.warn(a.File, a.Seq, "%s was published despite %d pre-flight problems: %s", a.File, len(ps), strings.Join(ps, "; "))
			if set := sets[a.Digest]; set != nil && a.plan != nil { // v2's pre-flight is a simulation: not run again here
				if pre, err := random.Preflight(a.plan, set); err == nil && !slices.Equal(pre.Problems(), ps) {
					v.warn(a.File, a.Seq, "%s: the pre-flight problems recorded differ from those found now: %s", a.File, strings.Join(pre.Problems(), "; "))
				}
			}
		}
		if f.Draw != nil {
			if err := random.CheckEvidenceSecrets(f.Draw.Draw.Evidence); err != nil {
				v.warn(f.Draw.File, f.Draw.Seq, "%s: %v (a new draw is refused; the secret can be found from its commitment)", f.Draw.File, err)
			}
		}
	}
	for _, d := range r.LiveDraws() {
		per := map[string][]string{}
		var order []string
		for _, s := range r.subs[d.Digest] {
			if per[s.item.Premises] == nil {
				order = append(order, s.item.Premises)
			}
			per[s.item.Premises] = append(per[s.item.Premises], fmt.Sprintf("%s out (%s), %s in [%s]", s.item.Out, s.item.Reason, orNobody(s.item.In), s.doc.File))
		}
		for _, p := range order {
			if n := len(per[p]); n > 1 {
				v.warn(d.File, d.Seq, "%s: premises %s had %d substitutions on one visit (a team can be steered by chaining them): %s", d.File, p, n, strings.Join(per[p], "; "))
			}
		}
	}
}

func orNobody(id string) string {
	if id == "" {
		return "nobody"
	}
	return id
}

func (v *verifier) draw(r *Record, e *RecordDoc, set *roster.Set) {
	if e.Draw.ViewV2 != nil { // protocol v2: verify_v2.go
		v.drawV2(r, e, set, set != nil)
		return
	}
	ann := r.byDigest[e.Draw.Announcement]
	dr := DrawReport{Doc: e.File, Seq: e.Seq, Digest: e.Digest, Announcement: ann.File,
		PlanID: ann.Announcement.PlanID, Selected: len(e.Draw.View.Selected), Substitutions: len(r.subs[e.Digest]),
		Outcomes: len(r.results[e.Digest])}
	if e.Unseals != nil {
		dr.Seal, dr.Unsealed = e.Unseals.File, e.Unsealed
	}
	if x := r.voided[e.Digest]; x != nil {
		dr.VoidedBy = x.File
	}
	var res *random.Result
	if set != nil {
		var err error
		res, err = random.Draw(v.opt.Context, ann.plan, set, e.Draw.Seed, random.Options{})
		if err != nil {
			v.problem(e.File, e.Seq, fmt.Errorf("%s: replay: %w", e.File, err))
		} else {
			dr.Replayed = v.compareDraw(e, res) && v.compareSubstitutions(r, e, res)
		}
	}
	v.results(r, e, set, &dr)
	v.rep.Draws = append(v.rep.Draws, dr)
}

// compareDraw compares the recorded view with the replayed one.
func (v *verifier) compareDraw(e *RecordDoc, res *random.Result) bool {
	replayed := res.View()
	ms := CompareViews(e.File, e.Draw.View, replayed)
	return v.viewMismatches(e, ms, func() string { return viewDiff(e.Draw.View, replayed) })
}

// viewMismatches reports the differences between a recorded view and
// its replay (of either protocol), at most maxViewMismatches of them, the
// first with the line diff of the two views; it reports whether there
// were none.
func (v *verifier) viewMismatches(e *RecordDoc, ms []*MismatchError, diff func() string) bool {
	if len(ms) == 0 {
		return true
	}
	d := diff()
	for i, m := range ms {
		if i == maxViewMismatches {
			v.problem(e.File, e.Seq, fmt.Errorf("%s: %d more differences", e.File, len(ms)-i))
			break
		}
		p := Problem{Doc: e.File, Seq: e.Seq, Err: m}
		if i == 0 {
			p.Diff = d
		}
		v.rep.Problems = append(v.rep.Problems, p)
	}
	return false
}

// compareSubstitutions replays the substitutions of a draw.
func (v *verifier) compareSubstitutions(r *Record, e *RecordDoc, res *random.Result) bool {
	return v.replaySubstitutions(r, e, func(subs []random.Substitution) ([]random.Replacement, error) {
		return res.Substitute(subs)
	})
}

// replaySubstitutions replays the substitutions of a draw (of either
// protocol: substitute is the result's) and compares each recorded in
// and team with the replay's.
func (v *verifier) replaySubstitutions(r *Record, e *RecordDoc, substitute func([]random.Substitution) ([]random.Replacement, error)) bool {
	refs := r.subs[e.Digest]
	if len(refs) == 0 {
		return true
	}
	items := make([]SubstitutionItem, len(refs))
	for i, s := range refs {
		items[i] = *s.item
	}
	reps, err := substitute(toSubstitutions(items))
	if err != nil {
		var se *random.SubstitutionError
		doc, seq := e.File, e.Seq
		if errors.As(err, &se) && se.Index < len(refs) {
			doc, seq = refs[se.Index].doc.File, refs[se.Index].doc.Seq
		}
		v.problem(doc, seq, fmt.Errorf("%s: replaying the substitutions: %w", doc, err))
		return false
	}
	ok := true
	for i, s := range refs {
		field := fmt.Sprintf("substitutions[%d]", s.index)
		if reps[i].In != s.item.In {
			v.problem(s.doc.File, s.doc.Seq, &MismatchError{Doc: s.doc.File, Field: field + ".in", Want: reps[i].In, Got: s.item.In})
			ok = false
		}
		if !slices.Equal(reps[i].Team, s.item.Team) {
			v.problem(s.doc.File, s.doc.Seq, &MismatchError{Doc: s.doc.File, Field: field + ".team", Want: fmt.Sprint(reps[i].Team), Got: fmt.Sprint(s.item.Team)})
			ok = false
		}
	}
	return ok
}

// results checks the outcomes of a draw and its deadlines.
func (v *verifier) results(r *Record, e *RecordDoc, set *roster.Set, dr *DrawReport) {
	for _, id := range e.Draw.SelectedIDs() {
		s := struct{ ID string }{id}
		x := r.results[e.Digest][s.ID]
		if x == nil {
			if dr.VoidedBy == "" {
				dr.Missing = append(dr.Missing, s.ID)
			}
			continue
		}
		doc := x.doc
		for _, ot := range x.entry.Outcomes() {
			o, ok := v.opt.Outcomes.Lookup(ot.Code)
			switch {
			case !ok:
				v.problem(doc.File, doc.Seq, &OutcomeError{Code: ot.Code, Err: fmt.Errorf("%s: premises %s: not a known outcome", doc.File, s.ID)})
			case o.Zh != ot.Zh:
				v.problem(doc.File, doc.Seq, &MismatchError{Doc: doc.File, Field: "outcome_zh of " + s.ID, Want: o.Zh, Got: ot.Zh})
			case o.En != ot.En:
				v.problem(doc.File, doc.Seq, &MismatchError{Doc: doc.File, Field: "outcome_en of " + s.ID, Want: o.En, Got: ot.En})
			}
		}
		if set != nil {
			for _, id := range x.entry.Inspectors {
				if set.Inspectors.Index(id) < 0 {
					v.problem(doc.File, doc.Seq, &RecordError{Doc: doc.File, Seq: doc.Seq, Field: "inspectors of " + s.ID, Value: id, Err: fmt.Errorf("%w: no such inspector in the tables", ErrReference)})
				}
			}
		}
		if t := r.Team(e.Digest, s.ID); t != nil {
			a, b := slices.Clone(t), slices.Clone(x.entry.Inspectors)
			slices.Sort(a)
			slices.Sort(b)
			if !slices.Equal(a, b) {
				v.warn(doc.File, doc.Seq, "%s: premises %s was inspected by %v, its team was %v", doc.File, s.ID, x.entry.Inspectors, t)
			}
		}
		due, err := ResultsDue(v.opt.Calendar, x.entry.Inspected)
		if err != nil {
			v.warn(doc.File, doc.Seq, "%s: premises %s: deadline not computed: %v", doc.File, s.ID, err)
			continue
		}
		if pub := LocalDate(doc.Results.Published.Time); pub > due {
			dr.Late = append(dr.Late, LateResult{Doc: doc.File, Premises: s.ID, Inspected: x.entry.Inspected, Due: due, Published: pub})
			v.warn(doc.File, doc.Seq, "%s: results of %s published %s, due %s (inspected %s)", doc.File, s.ID, pub, due, x.entry.Inspected)
		}
	}
	if len(dr.Missing) > 0 && !v.opt.Now.IsZero() {
		due, err := ResultsDue(v.opt.Calendar, LocalDate(e.Draw.DrawnAt.Time))
		if err == nil && LocalDate(v.opt.Now) > due {
			dr.Overdue = true
		}
	}
	if len(dr.Missing) > 0 {
		state := "pending"
		if dr.Overdue {
			state = "overdue: more than 20 working days after the draw"
		}
		v.warn(e.File, e.Seq, "%s: %d of %d selected premises have no outcome yet (%s)", e.File, len(dr.Missing), dr.Selected, state)
	}
}

// viewCompare collects the differences between a recorded view and its
// replay, of either protocol.
type viewCompare struct {
	doc string
	out []*MismatchError
}

// add records a difference at field when rec and rep print differently.
func (c *viewCompare) add(field string, rec, rep any) {
	got, want := fmt.Sprint(rec), fmt.Sprint(rep)
	if got != want {
		c.out = append(c.out, &MismatchError{Doc: c.doc, Field: field, Want: want, Got: got})
	}
}

// head compares the fields every view starts with: protocol, key,
// inputs, plan digest and roots.
func (c *viewCompare) head(wp, gp string, wk, gk random.Key, wi, gi, wd, gd roster.Hash, wr, gr roster.Roots) {
	c.add("view.protocol", wp, gp)
	c.add("view.key", wk, gk)
	c.add("view.inputs", wi, gi)
	c.add("view.plan_digest", wd, gd)
	c.add("view.roots.premises", wr.Premises, gr.Premises)
	c.add("view.roots.inspectors", wr.Inspectors, gr.Inspectors)
	c.add("view.roots.conflicts", wr.Conflicts, gr.Conflicts)
	c.add("view.roots.history", wr.History, gr.History)
}

// CompareViews compares a recorded draw view with a replayed one, field
// by field, and returns one *MismatchError per difference: Doc is doc,
// Field a JSON path such as "view.selected[3].team", Want the replayed
// value and Got the recorded one. The comparison is of meaning: two
// views that encode differently but say the same thing are equal.
func CompareViews(doc string, recorded, replayed *random.View) []*MismatchError {
	c := &viewCompare{doc: doc}
	add := c.add
	w, g := recorded, replayed
	c.head(w.Protocol, g.Protocol, w.Key, g.Key, w.Inputs, g.Inputs, w.PlanDigest, g.PlanDigest, w.Roots, g.Roots)
	add("view.strata (count)", len(w.Strata), len(g.Strata))
	for i := range min(len(w.Strata), len(g.Strata)) {
		ws, gs := w.Strata[i], g.Strata[i]
		f := fmt.Sprintf("view.strata[%d]", i)
		add(f+".values", ws.Values, gs.Values)
		add(f+".eligible", ws.Eligible, gs.Eligible)
		add(f+".excluded", ws.Excluded, gs.Excluded)
		add(f+".quota", ws.Quota, gs.Quota)
		add(f+".threshold", hexOrNone(ws.Threshold), hexOrNone(gs.Threshold))
		add(f+".no_quota_rule", ws.NoQuotaRule, gs.NoQuotaRule)
	}
	add("view.selected (count)", len(w.Selected), len(g.Selected))
	for i := range min(len(w.Selected), len(g.Selected)) {
		ws, gs := w.Selected[i], g.Selected[i]
		f := fmt.Sprintf("view.selected[%d]", i)
		add(f+".id", ws.ID, gs.ID)
		add(f+".priority", ws.Priority, gs.Priority)
		add(f+".stratum", ws.Stratum, gs.Stratum)
		add(f+".mark", ws.Mark, gs.Mark)
		add(f+".eligible_inspectors", ws.EligibleInspectors, gs.EligibleInspectors)
		add(f+".team", ws.Team, gs.Team)
		add(f+".unstaffed", ws.Unstaffed, gs.Unstaffed)
	}
	return c.out
}

func hexOrNone(h *random.Hex64) string {
	if h == nil {
		return "none"
	}
	return h.String()
}

// maxListed is how many ids a report line lists before it says how many
// more there are; the machine fields keep them all.
const maxListed = 10

// listSome joins the first maxListed ids and counts the rest.
func listSome(ids []string, n int) string {
	if len(ids) <= n {
		return strings.Join(ids, " ")
	}
	return fmt.Sprintf("%s … and %d more", strings.Join(ids[:n], " "), len(ids)-n)
}
