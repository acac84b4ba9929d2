package publish

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/random"
)

// Errors of the fates of announcements (protocol v2 §8). They are wrapped
// in a *RecordError that names the document and the field.
var (
	// ErrOpenAnnouncement reports an announcement published while an
	// earlier one is still open (neither drawn nor withdrawn). Two open
	// announcements would let the operator draw whichever outcome suits
	// it and leave the other quietly undrawn: an invisible re-roll.
	ErrOpenAnnouncement = errors.New("an earlier announcement is still open (neither drawn nor withdrawn); withdraw it first: a second open announcement is a re-roll")
	// ErrSeedEventReused reports an announcement whose seed event (a
	// dice ceremony, a beacon round, a commitment) already serves an
	// earlier announcement of the ledger.
	ErrSeedEventReused = errors.New("the seed event already serves an earlier announcement; one seed event serves at most one announcement (re-roll)")
	// ErrWithdrawn reports a document that refers to a withdrawn
	// announcement, or a second withdrawal.
	ErrWithdrawn = errors.New("the announcement was withdrawn")
)

// SeedEvent is the public event that makes an announcement's seed: what
// the announcement promises, before the seed exists. Its identity is a set
// of keys, one per thing that cannot serve twice:
//
//   - a dice ceremony: "dice " + the instant of its "when" in UTC, RFC 3339
//     (e.g. "dice 2026-11-22T01:30:00Z"). The place is not part of the
//     key: it is free text that could be varied at will (a space, another
//     spelling), and one reading of dice must not serve two announcements;
//   - a drand round: "beacon " + the chain hash (hex) + " " + the round
//     (e.g. "beacon 52db9b…e971 1000");
//   - a commit-reveal participant: "commit " + the commitment hash. A
//     secret, once revealed, is public, so no commitment may be reused;
//   - a system seed: no key (nothing public happens; such a seed proves
//     nothing, see [random.SourceSystem]).
//
// Two announcements share their seed event when their key sets share a
// key; one seed event serves at most one announcement of a ledger.
type SeedEvent struct {
	// Keys are the event's keys in the announcement's source order.
	Keys []string
	// Time is when the seed became known to the world: the latest of the
	// dice ceremonies' and beacon rounds' times. It is zero when no
	// source has a time (commit-reveal and system only): the reveals are
	// not dated in the announcement, so the seed may be known at any
	// time after it.
	Time time.Time
}

// SeedEventOf returns the seed event of an announcement's promises. A
// ceremony time that is not RFC 3339 gives a key with the text as
// written (the record refuses such announcements anyway).
func SeedEventOf(promises []random.SeedPromise) SeedEvent {
	var ev SeedEvent
	later := func(t time.Time) {
		if t.After(ev.Time) {
			ev.Time = t
		}
	}
	for _, p := range promises {
		switch p.Kind {
		case random.SourceDice:
			if p.Ceremony == nil {
				continue
			}
			if t, err := CeremonyTime(p.Ceremony.When); err == nil {
				ev.Keys = append(ev.Keys, "dice "+t.UTC().Format(time.RFC3339Nano))
				later(t)
			} else {
				ev.Keys = append(ev.Keys, "dice "+p.Ceremony.When)
			}
		case random.SourceBeacon:
			if p.Chain == nil {
				continue
			}
			ev.Keys = append(ev.Keys, fmt.Sprintf("beacon %s %d", p.Chain.Hash, p.Round))
			later(p.Chain.RoundTime(p.Round))
		case random.SourceCommitReveal:
			for _, c := range p.Commitments {
				ev.Keys = append(ev.Keys, fmt.Sprintf("commit %x", c.Hash))
			}
		}
	}
	return ev
}

// String lists the keys, or says there is no public seed event.
func (e SeedEvent) String() string {
	if len(e.Keys) == 0 {
		return "none (system seed: the operator's choice)"
	}
	return strings.Join(e.Keys, ", ")
}

// FateKind is what became of an announcement.
type FateKind string

// The fates of an announcement.
const (
	// FateOpen: neither drawn, sealed nor withdrawn yet. At most one
	// announcement of a ledger is open at a time.
	FateOpen FateKind = "open"
	// FateDrawn: drawn, and the draw stands.
	FateDrawn FateKind = "drawn"
	// FateRedrawn: drawn, and the draw was voided by a redraw
	// amendment (always after its seed event: a re-roll in the open).
	FateRedrawn FateKind = "redrawn"
	// FateWithdrawn: withdrawn before any draw.
	FateWithdrawn FateKind = "withdrawn"
	// FateSealed: drawn, but the draw is sealed ([SealDraw]) and not yet
	// released: a seal proves when it was made and what it will be.
	FateSealed FateKind = "sealed"
)

// Fate is what became of one announcement.
type Fate struct {
	// Announcement is the announcement document.
	Announcement *RecordDoc
	Fate         FateKind
	SeedEvent    SeedEvent
	// Draw is its draw (drawn, redrawn); Redraw the amendment voiding
	// that draw (redrawn); Withdrawal the withdrawal (withdrawn).
	Draw, Redraw, Withdrawal *RecordDoc
	// Seal is the seal of a sealed draw (sealed; drawn or redrawn when
	// the draw was sealed, then released).
	Seal *RecordDoc
	// Reason is the withdrawal's or the redraw's reason.
	Reason string
	// At is when the withdrawal or the redraw was published.
	At time.Time
	// ReRoll is true when the withdrawal or the redraw was published at
	// or after the seed event's time: the operator may have known the
	// seed (a redraw always is: its draw came after the seed).
	// ReRollUnknown is true for a withdrawal of an announcement whose
	// seed event has no time (commit-reveal or system only): nobody can
	// tell whether the seed was known.
	ReRoll        bool
	ReRollUnknown bool
}

// Fates returns every announcement of the record with its fate, in
// ledger order.
func (r *Record) Fates() []Fate {
	var out []Fate
	for _, e := range r.Docs {
		if e.Announcement != nil {
			out = append(out, r.fateOf(e))
		}
	}
	return out
}

// FateOf returns the fate of the announcement with the given digest.
func (r *Record) FateOf(announcement Digest) (Fate, bool) {
	e := r.byDigest[announcement]
	if e == nil || e.Announcement == nil {
		return Fate{}, false
	}
	return r.fateOf(e), true
}

func (r *Record) fateOf(e *RecordDoc) Fate {
	f := Fate{Announcement: e, Fate: FateOpen, SeedEvent: SeedEventOf(e.Announcement.Seed)}
	if w := r.withdrawn[e.Digest]; w != nil {
		f.Fate, f.Withdrawal, f.Reason, f.At = FateWithdrawn, w, w.Withdrawal.Reason, w.Withdrawal.Published.Time
		if f.SeedEvent.Time.IsZero() {
			f.ReRollUnknown = true
		} else {
			f.ReRoll = !f.At.Before(f.SeedEvent.Time)
		}
		return f
	}
	f.Seal = r.sealOf[e.Digest]
	d := r.drawOf[e.Digest]
	if d == nil {
		if f.Seal != nil {
			f.Fate = FateSealed
		}
		return f
	}
	f.Fate, f.Draw = FateDrawn, d
	if x := r.voided[d.Digest]; x != nil {
		f.Fate, f.Redraw, f.Reason, f.At, f.ReRoll = FateRedrawn, x, x.Amendment.Reason, x.Amendment.Published.Time, true
	}
	return f
}

// Open returns the announcement that is open (neither drawn, sealed nor
// withdrawn), or nil.
func (r *Record) Open() *RecordDoc { return r.open }

// WithdrawnBy returns the withdrawal of an announcement, or nil.
func (r *Record) WithdrawnBy(announcement Digest) *RecordDoc { return r.withdrawn[announcement] }

// String describes a fate on one line; a withdrawal or redraw after the
// seed event says "re-roll".
func (f Fate) String() string {
	a := f.Announcement
	var b strings.Builder
	fmt.Fprintf(&b, "announcement %s", a.File)
	if a.Announcement.PlanID != "" {
		fmt.Fprintf(&b, " (plan %s)", a.Announcement.PlanID)
	}
	fmt.Fprintf(&b, ", seed event %s", f.SeedEvent)
	if !f.SeedEvent.Time.IsZero() {
		fmt.Fprintf(&b, " at %s", f.SeedEvent.Time.In(Zone).Format(time.RFC3339))
	}
	switch f.Fate {
	case FateOpen:
		b.WriteString(": open (not drawn yet)")
	case FateSealed:
		fmt.Fprintf(&b, ": SEALED by %s on %s (drawn at %s), not released yet", f.Seal.File,
			f.Seal.Seal.Published.In(Zone).Format(time.RFC3339), f.Seal.Seal.DrawnAt.In(Zone).Format(time.RFC3339))
	case FateDrawn:
		fmt.Fprintf(&b, ": drawn by %s", f.Draw.File)
	case FateRedrawn:
		fmt.Fprintf(&b, ": REDRAWN: its draw %s was voided by %s on %s, reason %s",
			f.Draw.File, f.Redraw.File, f.At.In(Zone).Format(time.RFC3339), strconv.Quote(f.Reason))
	case FateWithdrawn:
		fmt.Fprintf(&b, ": WITHDRAWN by %s on %s, reason %s", f.Withdrawal.File, f.At.In(Zone).Format(time.RFC3339), strconv.Quote(f.Reason))
	}
	if f.Seal != nil && f.Draw != nil {
		fmt.Fprintf(&b, " (sealed by %s on %s, released on %s)", f.Seal.File,
			f.Seal.Seal.Published.In(Zone).Format(time.RFC3339), f.Draw.Unsealed.In(Zone).Format(time.RFC3339))
	}
	switch {
	case f.ReRoll && f.Fate == FateRedrawn:
		b.WriteString(" — re-roll: voided after its seed event, the seed was known")
	case f.ReRoll:
		b.WriteString(" — re-roll: withdrawn at or after its seed event, the seed may have been known")
	case f.ReRollUnknown:
		b.WriteString(" — possible re-roll: the seed event has no time, the seed may have been known")
	}
	return b.String()
}

// checkFates applies the fate rules to a new announcement: no other
// announcement is open, and its seed event shares no key with an earlier
// announcement's.
func (r *Record) checkFates(e *RecordDoc, a *AnnouncementBody) error {
	if o := r.open; o != nil {
		return r.fail(e, "announcement", "", fmt.Errorf("%w (%s is open)", ErrOpenAnnouncement, o.File))
	}
	ev := SeedEventOf(a.Seed)
	for i, k := range ev.Keys {
		if slices.Index(ev.Keys, k) != i {
			return r.fail(e, "seed", k, fmt.Errorf("%w: named twice in this announcement", ErrSeedEventReused))
		}
		if prev := r.events[k]; prev != nil {
			return r.fail(e, "seed", k, fmt.Errorf("%w (%s, %s)", ErrSeedEventReused, prev.File, r.fateOf(prev).Fate))
		}
	}
	return nil
}

func (r *Record) addWithdrawal(e *RecordDoc, w *WithdrawalBody) (func(), error) {
	ann := r.byDigest[w.Announcement]
	switch {
	case ann == nil || ann.Announcement == nil:
		return nil, r.fail(e, "announcement", w.Announcement.String(), fmt.Errorf("%w: no announcement with this digest", ErrReference))
	case r.withdrawn[ann.Digest] != nil:
		return nil, r.fail(e, "announcement", w.Announcement.String(), fmt.Errorf("%w: %s already withdrew %s", ErrWithdrawn, r.withdrawn[ann.Digest].File, ann.File))
	case r.sealOf[ann.Digest] != nil && r.drawOf[ann.Digest] == nil:
		return nil, r.fail(e, "announcement", w.Announcement.String(), fmt.Errorf("%w: %s was drawn and sealed by %s: %w", ErrRecord, ann.File, r.sealOf[ann.Digest].File, ErrSealedDraw))
	case r.drawOf[ann.Digest] != nil:
		return nil, r.fail(e, "announcement", w.Announcement.String(), fmt.Errorf("%w: %s was drawn by %s; void a draw with a redraw amendment", ErrRecord, ann.File, r.drawOf[ann.Digest].File))
	case !validText(w.Reason):
		return nil, r.fail(e, "reason", w.Reason, fmt.Errorf("%w: a withdrawal needs a reason (1 to 4096 bytes, no control characters)", ErrRecord))
	}
	return func() {
		r.withdrawn[ann.Digest] = e
		if r.open == ann {
			r.open = nil
		}
	}, nil
}

// Withdraw publishes a withdrawal of the open announcement of l (the
// one neither drawn nor withdrawn), with the reason, dated at. The
// announcement stays in the ledger; its seed event cannot serve another
// announcement. A withdrawal at or after the seed event is reported by
// [Verify] as a re-roll. Withdraw refuses when no announcement is open or
// when announcement (if not zero) is not the open one.
func Withdraw(l Ledger, signers []Signer, announcement Digest, reason string, at time.Time) (Digest, error) {
	return appendDoc(l, signers, KindWithdrawal, func(r *Record) (any, error) {
		open := r.Open()
		if open == nil {
			return nil, &RecordError{Doc: "withdrawal", Field: "announcement", Err: fmt.Errorf("%w: no open announcement in ledger %s", ErrReference, l.Name())}
		}
		if !announcement.IsZero() && announcement != open.Digest {
			return nil, &RecordError{Doc: "withdrawal", Field: "announcement", Value: announcement.String(),
				Err: fmt.Errorf("%w: not the open announcement (%s)", ErrReference, open.File)}
		}
		return &WithdrawalBody{Published: At(at), Announcement: open.Digest, Reason: reason}, nil
	})
}
