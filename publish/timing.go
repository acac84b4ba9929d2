package publish

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// ErrNotProven reports an announcement that witnesses do not show to
// have existed before its seed event.
var ErrNotProven = errors.New("not proven to exist before its seed event")

// TimingInput is what [CheckTiming] needs: the ledger's documents, the
// cosigned checkpoints and the reader's witness policy.
type TimingInput struct {
	// Name is the ledger's name, the origin of its checkpoints.
	Name string
	// Record holds the documents that passed the signature checks and
	// the rules; their claimed times and seed promises are checked.
	Record *Record
	// Digests are the digests of every document 1..n, in order: the
	// ledger's own Merkle tree, which each cosigned checkpoint must
	// match at its size.
	Digests []Digest
	// Cosigned are the cosigned checkpoints: those kept in the ledger
	// folder ([DirLedger.ReadCosigned]) and any the reader got
	// elsewhere (from a witness, an earlier copy).
	Cosigned []CosignedFile
	// LogKeys are the agency's keys; a cosigned checkpoint must carry a
	// valid signature by one of them.
	LogKeys []note.Verifier
	// Witnesses are the witness keys the reader trusts, and Quorum how
	// many distinct witnesses must have cosigned for a time to count (0
	// means 1).
	Witnesses []*CosignatureVerifier
	Quorum    int
	// Now is when the verification runs; an undrawn announcement whose
	// seed event is after Now and that no witness has seen yet is
	// reported as pending rather than not proven. Zero: unknown.
	Now time.Time
}

// TimedEvent is the moment one seed source becomes known: a dice ceremony's
// time or a beacon round's due time.
type TimedEvent struct {
	Source string // e.g. "dice ceremony", "beacon quicknet round 123"
	At     time.Time
}

// AnnouncementTiming is the verdict on one announcement: was it
// witnessed before every seed event it promises?
type AnnouncementTiming struct {
	Doc       string
	Seq       int64
	Published time.Time // the time it claims (the operator's word)
	// Witnessed is the witnessed upper bound of its existence: the
	// Quorum-th earliest cosignature time, over distinct witnesses, of
	// the cosigned checkpoints that include it. Zero: none.
	Witnessed time.Time
	Events    []TimedEvent
	// Proven: Witnessed + 1s + WitnessClockSkew is not after any event.
	Proven bool
	// Pending: not yet witnessed, but every event is still ahead (after
	// TimingInput.Now) and it has no draw.
	Pending bool
}

// FutureDated is a document dated after the witnessed time that covers
// it (plus 1s and WitnessClockSkew).
type FutureDated struct {
	Doc       string
	Seq       int64
	Claimed   time.Time
	Witnessed time.Time
}

// SealTiming is the witnessed bound of a seal ([SealBody]): the draw it
// commits to existed, as released later, by Witnessed (+1s +
// [WitnessClockSkew]). Zero Witnessed: no witnessed time covers it.
type SealTiming struct {
	Doc       string
	Seq       int64
	DrawnAt   time.Time
	Witnessed time.Time
}

// TimingReport is what [CheckTiming] found.
type TimingReport struct {
	Witnesses []string // the witness keys used, as name+keyID
	Quorum    int
	// Cosigned counts the cosigned checkpoints examined, Matching those
	// that match the ledger and carry a valid cosignature by a witness.
	Cosigned, Matching int
	Announcements      []AnnouncementTiming
	FutureDated        []FutureDated
	// Seals gives each seal its witnessed bound: the sealed draw's
	// content existed, fixed, by then.
	Seals     []SealTiming
	Rollbacks []*RollbackError
	Forks     []*ForkError
	// OperatorWord lists the timing checks that rest on the operator's
	// word alone (no witness policy, or no witnessed time).
	OperatorWord []string
	// Problems are the failures (forged cosignatures, rollbacks, forks,
	// future-dated documents, announcements not proven before their
	// seed event); Warnings what deserves attention.
	Problems []Problem
	Warnings []Problem
}

// seedEvents lists the timed seed events of an announcement.
func seedEvents(a *AnnouncementBody) []TimedEvent {
	var out []TimedEvent
	for _, p := range a.Seed {
		switch p.Kind {
		case random.SourceBeacon:
			if p.Chain != nil {
				out = append(out, TimedEvent{Source: fmt.Sprintf("beacon round %d", p.Round), At: p.Chain.RoundTime(p.Round)})
			}
		case random.SourceDice:
			if p.Ceremony != nil {
				if t, err := CeremonyTime(p.Ceremony.When); err == nil {
					out = append(out, TimedEvent{Source: "dice ceremony", At: t})
				}
			}
		}
	}
	return out
}

// docTime is the time a record document claims.
func docTime(e *RecordDoc) time.Time {
	switch {
	case e.Announcement != nil:
		return bodyTime(e.Announcement)
	case e.Draw != nil && e.Unseals != nil:
		return e.Unsealed // released now; drawn (and sealed) earlier
	case e.Draw != nil:
		return bodyTime(e.Draw)
	case e.Seal != nil:
		return bodyTime(e.Seal)
	case e.Amendment != nil:
		return bodyTime(e.Amendment)
	case e.Results != nil:
		return bodyTime(e.Results)
	}
	return time.Time{}
}

// existedBy is the latest real time at which a document witnessed at t
// (a witness's clock, in whole seconds) certainly existed.
func existedBy(t time.Time) time.Time { return t.Add(time.Second + WitnessClockSkew) }

// CheckTiming checks the ledger's times against the cosigned
// checkpoints (C2SP tlog-cosignature/v1) of the witnesses in.Witnesses:
//
//   - every cosigned checkpoint must carry a valid signature by an
//     agency key; a signature line of a known witness that does not
//     verify is a forgery (a *SignatureError);
//   - a cosigned checkpoint larger than the ledger shows a rollback
//     (*RollbackError); one whose root differs from the ledger's tree at
//     its size, or two of one size with different roots, show a fork
//     (*ForkError, whose Proof holds both signed notes). These need only
//     the agency's signature, so they are checked with or without
//     witnesses;
//   - each document seq gets a witnessed bound: the Quorum-th earliest,
//     over distinct witnesses, of the earliest cosignature time of a
//     matching checkpoint of size >= seq. A document dated after its
//     bound (+1s + [WitnessClockSkew]) is future-dated;
//   - an announcement is proven to precede its seed events (dice
//     ceremony, beacon round) when its bound (+1s + WitnessClockSkew) is
//     not after any of them; otherwise, with a witness policy, that is a
//     problem (*RecordError wrapping ErrNotProven) for an announcement
//     that was drawn, a warning for one that was not.
//
// Without witnesses it lists, in OperatorWord, which timing checks rest
// on the operator's word alone.
func CheckTiming(in TimingInput) *TimingReport {
	rep := &TimingReport{}
	problem := func(doc string, seq int64, err error) {
		rep.Problems = append(rep.Problems, Problem{Doc: doc, Seq: seq, Err: err})
	}
	// Distinct witnesses.
	var ws []*CosignatureVerifier
	seenW := map[KeyID]bool{}
	for _, w := range in.Witnesses {
		if w != nil && !seenW[w.ID()] {
			seenW[w.ID()] = true
			ws = append(ws, w)
			rep.Witnesses = append(rep.Witnesses, w.ID().String())
		}
	}
	rep.Quorum = max(in.Quorum, 1)
	if len(ws) > 0 && rep.Quorum > len(ws) {
		problem("", 0, fmt.Errorf("publish: witness quorum %d, but only %d distinct witness keys given", rep.Quorum, len(ws)))
	}

	// The ledger's own tree.
	n := int64(len(in.Digests))
	var hashes []tlog.Hash
	reader := hashesReader(&hashes)
	for i, d := range in.Digests {
		hs, err := tlog.StoredHashes(int64(i), d[:], reader)
		if err != nil {
			problem("", 0, err)
			return rep
		}
		hashes = append(hashes, hs...)
	}

	// Each cosigned checkpoint: agency signature, witnesses, ledger.
	type stamp struct {
		size int64
		at   time.Time
	}
	stamps := make([][]stamp, len(ws))
	bySize := map[int64][]byte{}
	forkSizes := map[int64]bool{}
	seenMsg := map[string]bool{}
	// Signatures by keys neither the agency's nor a witness's given.
	known := map[KeyID]bool{}
	for _, k := range in.LogKeys {
		if k != nil {
			known[KeyID{k.Name(), k.KeyHash()}] = true
		}
	}
	for _, w := range ws {
		known[w.ID()] = true
	}
	unknown := map[KeyID]int{}
	var unknownOrder []KeyID
	for _, f := range in.Cosigned {
		if seenMsg[string(f.Msg)] {
			continue
		}
		seenMsg[string(f.Msg)] = true
		rep.Cosigned++
		if len(f.Msg) > MaxCosignedSize {
			problem(f.Name, 0, fmt.Errorf("%s: %w: longer than %d bytes", f.Name, ErrMalformed, MaxCosignedSize))
			continue
		}
		c, _, err := Policy{AllowUnknown: true}.OpenCheckpoint(f.Msg, in.LogKeys...)
		if err != nil {
			problem(f.Name, 0, fmt.Errorf("%s: %w", f.Name, err))
			continue
		}
		if c.Origin != in.Name {
			problem(f.Name, 0, &MismatchError{Doc: f.Name, Field: "origin", Want: in.Name, Got: c.Origin})
			continue
		}
		if _, sigs, derr := splitNote(f.Msg); derr == nil {
			for _, sg := range sigs {
				if !known[sg.key] {
					if unknown[sg.key] == 0 {
						unknownOrder = append(unknownOrder, sg.key)
					}
					unknown[sg.key]++
				}
			}
		}
		var times []time.Time
		for _, w := range ws {
			_, at, found, err := VerifyCosignature(f.Msg, w)
			if err != nil {
				problem(f.Name, 0, fmt.Errorf("%s: witness cosignature: %w", f.Name, err))
				times = append(times, time.Time{})
				continue
			}
			if found {
				times = append(times, at)
			} else {
				times = append(times, time.Time{})
			}
		}
		// Fork between two cosigned checkpoints of one size.
		if other, ok := bySize[c.Size]; ok {
			oc, _ := ParseSignedCheckpoint(other)
			if oc.Root != c.Root && !forkSizes[c.Size] {
				forkSizes[c.Size] = true
				fe := &ForkError{Origin: in.Name, A: other, B: f.Msg, Err: errors.New("two different roots for one size")}
				rep.Forks = append(rep.Forks, fe)
				problem(f.Name, 0, fe)
			}
		} else {
			bySize[c.Size] = f.Msg
		}
		// Against the ledger.
		if c.Size > n {
			re := &RollbackError{Origin: in.Name, KeptSize: c.Size, GotSize: n, Kept: f.Msg}
			rep.Rollbacks = append(rep.Rollbacks, re)
			problem(f.Name, 0, fmt.Errorf("%s: %w", f.Name, re))
			continue
		}
		root, err := tlog.TreeHash(c.Size, reader)
		if err != nil {
			problem(f.Name, 0, err)
			continue
		}
		if root != c.Root {
			if !forkSizes[c.Size] {
				fe := &ForkError{Origin: in.Name, A: f.Msg, Root: root, Err: errors.New("not the ledger's root at this size")}
				rep.Forks = append(rep.Forks, fe)
				problem(f.Name, 0, fe)
			}
			continue
		}
		matched := false
		for i, t := range times {
			if !t.IsZero() {
				stamps[i] = append(stamps[i], stamp{c.Size, t})
				matched = true
			}
		}
		if matched {
			rep.Matching++
		}
	}

	if len(ws) > 0 {
		for _, k := range unknownOrder {
			rep.Warnings = append(rep.Warnings, Problem{Err: fmt.Errorf("cosigned checkpoints: %d signatures by %s, which is neither the agency's key nor a witness given: not counted", unknown[k], k)})
		}
	}

	// Witnessed bound per seq: per witness the earliest time of a
	// checkpoint covering seq, then the Quorum-th earliest of those.
	earliest := make([][]time.Time, len(ws))
	for i, list := range stamps {
		slices.SortFunc(list, func(a, b stamp) int { return int(min(max(b.size-a.size, -1), 1)) }) // size descending
		e := make([]time.Time, n+2)
		var cur time.Time
		j := 0
		for seq := n; seq >= 1; seq-- {
			for j < len(list) && list[j].size >= seq {
				if cur.IsZero() || list[j].at.Before(cur) {
					cur = list[j].at
				}
				j++
			}
			e[seq] = cur
		}
		earliest[i] = e
	}
	bound := func(seq int64) time.Time {
		if len(ws) == 0 || seq < 1 || seq > n {
			return time.Time{}
		}
		var ts []time.Time
		for i := range ws {
			if t := earliest[i][seq]; !t.IsZero() {
				ts = append(ts, t)
			}
		}
		if len(ts) < rep.Quorum {
			return time.Time{}
		}
		slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
		return ts[rep.Quorum-1]
	}

	if in.Record == nil {
		return rep
	}
	if len(ws) == 0 {
		rep.OperatorWord = append(rep.OperatorWord, fmt.Sprintf("the time of each of the %d documents", len(in.Record.Docs)))
		if rep.Cosigned > 0 {
			rep.OperatorWord = append(rep.OperatorWord, fmt.Sprintf("%d cosigned checkpoints kept, but no witness key given to check their times", rep.Cosigned))
		}
	}
	for _, e := range in.Record.Docs {
		b := bound(e.Seq)
		if t := docTime(e); !b.IsZero() && t.After(existedBy(b)) {
			rep.FutureDated = append(rep.FutureDated, FutureDated{Doc: e.File, Seq: e.Seq, Claimed: t, Witnessed: b})
			problem(e.File, e.Seq, &FutureDocumentError{Doc: e.File, Seq: e.Seq, Claimed: t, Witness: b})
		}
		switch {
		case e.Seal != nil && len(ws) > 0:
			rep.Seals = append(rep.Seals, SealTiming{Doc: e.File, Seq: e.Seq, DrawnAt: e.Seal.DrawnAt.Time, Witnessed: b})
		case e.Seal != nil:
			rep.OperatorWord = append(rep.OperatorWord, fmt.Sprintf("%s: when the content of the sealed draw was fixed (it claims %s)", e.File, At(e.Seal.Published.Time).Format(time.RFC3339)))
		}
		if e.Announcement == nil {
			continue
		}
		at := AnnouncementTiming{Doc: e.File, Seq: e.Seq, Published: docTime(e), Witnessed: b, Events: seedEvents(e.Announcement)}
		if len(at.Events) == 0 {
			rep.Announcements = append(rep.Announcements, at)
			continue
		}
		var desc []string
		proven, ahead := !b.IsZero(), !in.Now.IsZero()
		for _, ev := range at.Events {
			desc = append(desc, ev.Source+" at "+At(ev.At).Format(time.RFC3339))
			if !b.IsZero() && existedBy(b).After(ev.At) {
				proven = false
			}
			if !ev.At.After(in.Now) {
				ahead = false
			}
		}
		at.Proven = proven
		drawn := in.Record.DrawOf(e.Digest) != nil
		switch {
		case len(ws) == 0:
			rep.OperatorWord = append(rep.OperatorWord, fmt.Sprintf("%s announced before its seed event (%s)", e.File, strings.Join(desc, ", ")))
		case proven:
		case b.IsZero() && ahead && !drawn:
			at.Pending = true
			rep.Warnings = append(rep.Warnings, Problem{Doc: e.File, Seq: e.Seq, Err: fmt.Errorf("%s: not yet witnessed; it must be cosigned before its seed event (%s)", e.File, strings.Join(desc, ", "))})
		default:
			seen := "no witnessed time covers it"
			if !b.IsZero() {
				seen = "first witnessed at " + At(b).Format(time.RFC3339)
			}
			err := &RecordError{Doc: e.File, Seq: e.Seq, Field: "seed", Err: fmt.Errorf("%w: %s; %s", ErrNotProven, seen, strings.Join(desc, ", "))}
			if drawn {
				problem(e.File, e.Seq, err)
			} else {
				rep.Warnings = append(rep.Warnings, Problem{Doc: e.File, Seq: e.Seq, Err: err})
			}
		}
		rep.Announcements = append(rep.Announcements, at)
	}
	return rep
}

// String returns the timing verdicts for people.
func (t *TimingReport) String() string {
	var b strings.Builder
	if len(t.Witnesses) == 0 {
		b.WriteString("timing: no witnesses given; these rest on the operator's word alone:\n")
		for _, s := range t.OperatorWord {
			b.WriteString("  - " + s + "\n")
		}
	} else {
		fmt.Fprintf(&b, "timing: witnesses %s (quorum %d), %d cosigned checkpoints, %d matching the ledger\n",
			strings.Join(t.Witnesses, ", "), t.Quorum, t.Cosigned, t.Matching)
		for _, a := range t.Announcements {
			var ev []string
			for _, e := range a.Events {
				ev = append(ev, e.Source+" at "+At(e.At).Format(time.RFC3339))
			}
			seen := "not witnessed"
			if !a.Witnessed.IsZero() {
				seen = "witnessed by " + At(a.Witnessed).Format(time.RFC3339)
			}
			switch {
			case len(a.Events) == 0:
				fmt.Fprintf(&b, "  %s: no timed seed event (commit-reveal): %s\n", a.Doc, seen)
			case a.Proven:
				fmt.Fprintf(&b, "  %s announced before its seed event: PROVEN, %s; %s\n", a.Doc, seen, strings.Join(ev, ", "))
			case a.Pending:
				fmt.Fprintf(&b, "  %s announced before its seed event: pending, %s yet; %s\n", a.Doc, seen, strings.Join(ev, ", "))
			default:
				fmt.Fprintf(&b, "  %s announced before its seed event: NOT PROVEN, %s; %s\n", a.Doc, seen, strings.Join(ev, ", "))
			}
		}
		for _, x := range t.Seals {
			seen := "not witnessed: nothing proves when its content was fixed"
			if !x.Witnessed.IsZero() {
				seen = "its content was fixed by " + At(x.Witnessed).Format(time.RFC3339) + " (witnessed)"
			}
			fmt.Fprintf(&b, "  %s sealed a draw made at %s: %s\n", x.Doc, At(x.DrawnAt).Format(time.RFC3339), seen)
		}
		for _, f := range t.FutureDated {
			fmt.Fprintf(&b, "  FUTURE-DATED %s: dated %s, but witnessed by %s\n", f.Doc, At(f.Claimed).Format(time.RFC3339Nano), At(f.Witnessed).Format(time.RFC3339))
		}
	}
	for _, r := range t.Rollbacks {
		fmt.Fprintf(&b, "  ROLLBACK: the ledger has %d documents, but a checkpoint of %d was signed and cosigned:\n", r.GotSize, r.KeptSize)
		for _, l := range bytes.SplitAfter(bytes.TrimSuffix(r.Kept, []byte("\n")), []byte("\n")) {
			b.WriteString("    " + strings.TrimSuffix(string(l), "\n") + "\n")
		}
	}
	for _, f := range t.Forks {
		b.WriteString("  FORK: ")
		b.WriteString(strings.ReplaceAll(strings.TrimSuffix(f.Proof(), "\n"), "\n", "\n    "))
		b.WriteString("\n")
	}
	return b.String()
}

// cosignedReader is a ledger that keeps cosigned checkpoints.
type cosignedReader interface {
	ReadCosigned() ([]CosignedFile, error)
}

// timing is Verify's hook for [CheckTiming].
func (v *verifier) timing(l Ledger, r *Record, verifiers []note.Verifier, digests []Digest) {
	in := TimingInput{Name: l.Name(), Record: r, Digests: digests, LogKeys: verifiers,
		Witnesses: v.opt.Witnesses, Quorum: v.opt.Quorum, Now: v.opt.Now}
	if cr, ok := l.(cosignedReader); ok {
		fs, err := cr.ReadCosigned()
		if err != nil {
			v.problem(cosignedDir, 0, err)
		}
		in.Cosigned = fs
	}
	for i, msg := range v.opt.Cosigned {
		in.Cosigned = append(in.Cosigned, CosignedFile{Name: fmt.Sprintf("cosigned checkpoint %d given", i+1), Msg: msg})
	}
	t := CheckTiming(in)
	v.rep.Timing = t
	for _, st := range t.Seals {
		for i := range v.rep.Seals {
			if v.rep.Seals[i].Seq == st.Seq {
				v.rep.Seals[i].Witnessed = st.Witnessed
			}
		}
	}
	v.rep.Problems = append(v.rep.Problems, t.Problems...)
	v.rep.Warnings = append(v.rep.Warnings, t.Warnings...)
}
