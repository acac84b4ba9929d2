package publish

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// Sealed draws (protocol v2 §8, "sealed until inspected"). A draw may be
// kept from the public until its inspections are done, so that the
// businesses selected are not tipped off. At draw time the operator
// appends a seal ([SealBody]): the announcement, the time of the draw and
// SHA-256 of the exact body of the draw document to come, salted with a
// random nonce inside that body. The seal's checkpoint is cosigned by the
// witnesses at once, which proves when the content was fixed. The draw
// itself is kept privately; when the inspections are done it is appended
// as an ordinary draw document with two extra headers,
//
//	seal: DIGEST OF THE SEAL
//	unsealed: TIME OF THE RELEASE
//
// and the record accepts it only if its body is, byte for byte, the one
// the seal committed to.

// The extra headers of a draw that releases a sealed draw.
const (
	// HeaderSeal names the seal a draw releases (its digest).
	HeaderSeal = "seal"
	// HeaderUnsealed is when the sealed draw was released (a body Time).
	HeaderUnsealed = "unsealed"
)

// SealNonceSize is the size in bytes of the nonce of a sealed draw.
const SealNonceSize = 32

var (
	// ErrSealedDraw reports a document that concerns an announcement
	// whose draw is sealed and not yet released, other than the release
	// itself: a second seal, another draw, a withdrawal, results or
	// amendments naming the seal.
	ErrSealedDraw = errors.New("the draw of the announcement is sealed: nothing but its release (the sealed draw, unchanged) may follow")
	// ErrSealBroken reports a released draw that is not the one its
	// seal committed to: another body (another seed, an edited team, a
	// missing nonce) or another drawn_at.
	ErrSealBroken = errors.New("the draw released is not the one sealed")
)

// SealOf returns the seal of an announcement, or nil.
func (r *Record) SealOf(announcement Digest) *RecordDoc { return r.sealOf[announcement] }

// ReleasedBy returns the draw that released a seal, or nil while it is
// still sealed.
func (r *Record) ReleasedBy(seal Digest) *RecordDoc { return r.released[seal] }

// Seals returns the seals of the record in ledger order.
func (r *Record) Seals() []*RecordDoc {
	var out []*RecordDoc
	for _, e := range r.Docs {
		if e.Seal != nil {
			out = append(out, e)
		}
	}
	return out
}

// SealDigest returns the digest a seal commits to for a draw body: the
// SHA-256 of its exact bytes.
func SealDigest(drawBody []byte) Digest { return Digest(sha256.Sum256(drawBody)) }

// sealHeaders reads the "seal" and "unsealed" headers of a document:
// only a draw may carry them, both or neither, the seal naming an earlier
// seal of the ledger.
func (r *Record) sealHeaders(e *RecordDoc) (*RecordDoc, time.Time, error) {
	sv, hasSeal := e.Doc.Header(HeaderSeal)
	uv, hasUnsealed := e.Doc.Header(HeaderUnsealed)
	if !hasSeal && !hasUnsealed {
		return nil, time.Time{}, nil
	}
	switch {
	case e.Doc.Kind != KindDraw:
		return nil, time.Time{}, r.fail(e, "header "+HeaderSeal, sv+uv, fmt.Errorf("%w: only a draw releasing a sealed draw carries the headers %q and %q", ErrMalformed, HeaderSeal, HeaderUnsealed))
	case !hasSeal:
		return nil, time.Time{}, r.fail(e, "header "+HeaderSeal, "", fmt.Errorf("%w: header %q without %q", ErrMalformed, HeaderUnsealed, HeaderSeal))
	case !hasUnsealed:
		return nil, time.Time{}, r.fail(e, "header "+HeaderUnsealed, "", fmt.Errorf("%w: header %q without %q", ErrMalformed, HeaderSeal, HeaderUnsealed))
	}
	d, err := ParseDigest(sv)
	if err != nil {
		return nil, time.Time{}, r.fail(e, "header "+HeaderSeal, sv, fmt.Errorf("%w: %v", ErrMalformed, err))
	}
	var t Time
	if err := t.UnmarshalText([]byte(uv)); err != nil {
		return nil, time.Time{}, r.fail(e, "header "+HeaderUnsealed, uv, fmt.Errorf("%w: %v", ErrMalformed, err))
	}
	s := r.byDigest[d]
	if s == nil || s.Seal == nil {
		return nil, time.Time{}, r.fail(e, "header "+HeaderSeal, sv, fmt.Errorf("%w: no seal with this digest", ErrReference))
	}
	return s, t.Time, nil
}

func (r *Record) addSeal(e *RecordDoc, s *SealBody) (func(), error) {
	ann := r.byDigest[s.Announcement]
	switch {
	case ann == nil || ann.Announcement == nil:
		return nil, r.fail(e, "announcement", s.Announcement.String(), fmt.Errorf("%w: no announcement with this digest", ErrReference))
	case r.withdrawn[ann.Digest] != nil:
		return nil, r.fail(e, "announcement", s.Announcement.String(), fmt.Errorf("%w: %s withdrew %s", ErrWithdrawn, r.withdrawn[ann.Digest].File, ann.File))
	case r.drawOf[ann.Digest] != nil:
		return nil, r.fail(e, "announcement", s.Announcement.String(), fmt.Errorf("%w (%s is the draw of %s)", ErrSecondDraw, r.drawOf[ann.Digest].File, ann.File))
	case r.sealOf[ann.Digest] != nil:
		return nil, r.fail(e, "announcement", s.Announcement.String(), fmt.Errorf("%w: a second seal (%s sealed the draw of %s)", ErrSealedDraw, r.sealOf[ann.Digest].File, ann.File))
	case s.DrawnAt.After(s.Published.Time):
		return nil, r.fail(e, "drawn_at", At(s.DrawnAt.Time).Format(time.RFC3339Nano), fmt.Errorf("%w: after the seal is published (%s)", ErrTimeOrder, At(s.Published.Time).Format(time.RFC3339Nano)))
	}
	if err := r.checkDrawnAt(e, ann.Announcement, s.DrawnAt.Time); err != nil {
		return nil, err
	}
	return func() {
		r.sealOf[ann.Digest] = e
		if r.open == ann {
			r.open = nil
		}
	}, nil
}

// checkSealed applies the seal rules to a draw of ann: the draw of a
// sealed announcement must release its seal, with the body it committed
// to and the same drawn_at; a draw of an announcement not sealed carries
// neither seal headers nor a nonce.
func (r *Record) checkSealed(e *RecordDoc, ann *RecordDoc, d *DrawBody) error {
	s := r.sealOf[ann.Digest]
	switch {
	case s == nil && e.Unseals != nil:
		return r.fail(e, "header "+HeaderSeal, e.Unseals.Digest.String(), fmt.Errorf("%w: %s seals no draw of %s", ErrReference, e.Unseals.File, ann.File))
	case s == nil && d.Nonce != nil:
		return r.fail(e, "nonce", d.Nonce.String(), fmt.Errorf("%w: only a sealed draw carries a nonce", ErrRecord))
	case s == nil:
		return nil
	case e.Unseals == nil:
		return r.fail(e, "announcement", ann.Digest.String(), fmt.Errorf("%w (%s sealed the draw of %s; its release carries the headers %q and %q)", ErrSealedDraw, s.File, ann.File, HeaderSeal, HeaderUnsealed))
	case e.Unseals != s:
		return r.fail(e, "header "+HeaderSeal, e.Unseals.Digest.String(), fmt.Errorf("%w: %s, not %s, sealed the draw of %s", ErrSealBroken, s.File, e.Unseals.File, ann.File))
	}
	if got := SealDigest(e.Doc.Body); got != s.Seal.Sealed {
		return r.fail(e, "body", got.String(), fmt.Errorf("%w: %s committed to a draw body with SHA-256 %s; this body has another", ErrSealBroken, s.File, s.Seal.Sealed))
	}
	if d.Nonce == nil {
		return r.fail(e, "nonce", "", fmt.Errorf("%w: a sealed draw carries a nonce", ErrSealBroken))
	}
	if !d.DrawnAt.Equal(s.Seal.DrawnAt.Time) {
		return r.fail(e, "drawn_at", At(d.DrawnAt.Time).Format(time.RFC3339Nano), fmt.Errorf("%w: %s says it was drawn at %s", ErrSealBroken, s.File, At(s.Seal.DrawnAt.Time).Format(time.RFC3339Nano)))
	}
	if e.Unsealed.Before(s.Seal.Published.Time) {
		return r.fail(e, "header "+HeaderUnsealed, At(e.Unsealed).Format(time.RFC3339Nano), fmt.Errorf("%w: released before %s was published (%s)", ErrTimeOrder, s.File, At(s.Seal.Published.Time).Format(time.RFC3339Nano)))
	}
	return nil
}

// SealOptions configure [SealDraw].
type SealOptions struct {
	// Keep, when set, receives the sealed draw (the bytes SealDraw
	// returns) after every check has passed and before the seal is
	// appended: it should store them durably (e.g. a new file of mode
	// 0600, synced). When it fails, nothing is appended. It is called
	// once.
	Keep func(sealedDraw []byte) error
	// Rand is the source of the nonce; nil means crypto/rand.
	Rand io.Reader
}

// SealDraw draws for an announcement of l, like [PublishDraw], but
// publishes only a seal ([SealBody]): that a draw was made for the
// announcement at the time at, and SHA-256 of the draw's body, which
// carries a fresh random nonce. The announcement is no longer open from
// then on. SealDraw returns the draw, the sealed draw (the exact body of
// the draw document to come, to keep privately until [Unseal]: whoever
// holds it knows the selection) and the seal's digest.
//
// Cosign the ledger right after sealing: the witnessed time of the seal
// proves that the draw's content was fixed by then.
func SealDraw(ctx context.Context, l Ledger, signers []Signer, announcement Digest, set *roster.Set, evidence []random.SeedEvidence, at time.Time, opt SealOptions) (*random.Result, []byte, Digest, error) {
	rnd := opt.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	var nonce Digest
	if _, err := io.ReadFull(rnd, nonce[:]); err != nil {
		return nil, nil, Digest{}, fmt.Errorf("publish: SealDraw: nonce: %w", err)
	}
	var (
		res  *random.Result
		body []byte
		kept bool
	)
	d, err := appendText(l, signers, KindSeal, func(r *Record) ([]byte, []Header, error) {
		db, x, err := buildDraw(ctx, r, l.Name(), announcement, set, evidence, at)
		if err != nil {
			return nil, nil, err
		}
		db.Nonce = &nonce
		text, err := encodeBody(db)
		if err != nil {
			return nil, nil, err
		}
		// The draw must be one the record will accept when released.
		probe := &RecordDoc{Seq: int64(len(r.Docs)) + 2, File: "sealed draw", Doc: &Document{Kind: KindDraw, Ledger: l.Name(), Body: text}}
		parsed, err := ParseBody(probe.Doc)
		if err != nil {
			return nil, nil, err
		}
		ann, _ := r.Lookup(announcement)
		r.strict = true
		err = r.checkDrawBody(probe, ann, parsed.(*DrawBody))
		r.strict = false
		if err != nil {
			return nil, nil, err
		}
		res, body = x, text
		seal := &SealBody{Published: At(at), Announcement: announcement, Sealed: SealDigest(text), DrawnAt: At(at)}
		sealText, err := encodeBody(seal)
		return sealText, nil, err
	}, func(e *RecordDoc) error {
		if opt.Keep == nil || kept {
			return nil
		}
		kept = true
		return opt.Keep(body)
	})
	if err != nil {
		return nil, nil, Digest{}, err
	}
	return res, body, d, nil
}

// ParseSealedDraw reads a sealed draw (the bytes [SealDraw] returned) as
// a draw body, strictly, and checks that it carries a nonce.
func ParseSealedDraw(sealedDraw []byte) (*DrawBody, error) {
	if de := checkBody(sealedDraw, 1); de != nil {
		de.Doc = "sealed draw"
		return nil, de
	}
	v, err := ParseBody(&Document{Kind: KindDraw, Body: sealedDraw})
	if err != nil {
		return nil, err
	}
	d := v.(*DrawBody)
	if d.Nonce == nil {
		return nil, fmt.Errorf("%w: sealed draw: no nonce (not a draw made by SealDraw)", ErrMalformed)
	}
	return d, nil
}

// Unseal releases a sealed draw: it appends the draw document whose body
// is sealedDraw, exactly, with the headers "seal" (the seal of its
// announcement) and "unsealed" (at). The ledger refuses any body but the
// one the seal committed to ([ErrSealBroken]). From then on the draw is
// an ordinary draw: results and amendments name it. It returns the
// draw's digest.
func Unseal(l Ledger, signers []Signer, sealedDraw []byte, at time.Time) (Digest, error) {
	d, err := ParseSealedDraw(sealedDraw)
	if err != nil {
		return Digest{}, err
	}
	return appendText(l, signers, KindDraw, func(r *Record) ([]byte, []Header, error) {
		ann, ok := r.Lookup(d.Announcement)
		if !ok || ann.Announcement == nil {
			return nil, nil, &RecordError{Doc: "sealed draw", Field: "announcement", Value: d.Announcement.String(), Err: fmt.Errorf("%w: no announcement with this digest in ledger %s", ErrReference, l.Name())}
		}
		s := r.SealOf(ann.Digest)
		if s == nil {
			return nil, nil, &RecordError{Doc: "sealed draw", Field: "announcement", Value: d.Announcement.String(), Err: fmt.Errorf("%w: %s has no seal", ErrReference, ann.File)}
		}
		if x := r.ReleasedBy(s.Digest); x != nil {
			return nil, nil, &RecordError{Doc: "sealed draw", Field: "announcement", Value: d.Announcement.String(), Err: fmt.Errorf("%w (%s released %s already)", ErrSecondDraw, x.File, s.File)}
		}
		if got := SealDigest(sealedDraw); got != s.Seal.Sealed {
			return nil, nil, &RecordError{Doc: "sealed draw", Field: "body", Value: got.String(), Err: fmt.Errorf("%w: %s committed to a draw body with SHA-256 %s", ErrSealBroken, s.File, s.Seal.Sealed)}
		}
		return sealedDraw, []Header{{Name: HeaderSeal, Value: s.Digest.String()}, {Name: HeaderUnsealed, Value: At(at).Format(time.RFC3339Nano)}}, nil
	}, nil)
}

// claimedTime is the time a document claims: its body's, or for a draw
// that releases a sealed draw the later of that and its "unsealed"
// header.
func claimedTime(doc *Document, body any) time.Time {
	t := bodyTime(body)
	if v, ok := doc.Header(HeaderUnsealed); ok {
		var u Time
		if u.UnmarshalText([]byte(v)) == nil && u.After(t) {
			t = u.Time
		}
	}
	return t
}

// String describes a sealed draw on one line, as [Report.String] prints
// it.
func (x SealReport) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sealed draw %s (announcement %s", x.Doc, x.Announcement)
	if x.PlanID != "" {
		fmt.Fprintf(&b, ", plan %s", x.PlanID)
	}
	fmt.Fprintf(&b, "): drawn at %s, sealed on %s", At(x.DrawnAt).Format(time.RFC3339), At(x.Published).Format(time.RFC3339))
	if !x.Witnessed.IsZero() {
		fmt.Fprintf(&b, ", content fixed by %s (witnessed)", At(x.Witnessed).Format(time.RFC3339))
	}
	switch {
	case x.Released != "":
		fmt.Fprintf(&b, "; released by %s on %s, unchanged", x.Released, At(x.ReleasedAt).Format(time.RFC3339))
	case x.Overdue:
		fmt.Fprintf(&b, "; STILL SEALED, OVERDUE: to be released with the results, due by %s", x.Due)
	case x.Due != 0:
		fmt.Fprintf(&b, "; still sealed (results due by %s)", x.Due)
	default:
		b.WriteString("; still sealed")
	}
	return b.String()
}

// seals reports every seal of the record, and warns of a seal still
// unreleased after the results deadline counted from it.
func (v *verifier) seals(r *Record) {
	for _, e := range r.Seals() {
		ann := r.byDigest[e.Seal.Announcement]
		x := SealReport{Doc: e.File, Seq: e.Seq, Digest: e.Digest, Announcement: ann.File, PlanID: ann.Announcement.PlanID,
			Published: e.Seal.Published.Time, DrawnAt: e.Seal.DrawnAt.Time}
		if d := r.released[e.Digest]; d != nil {
			x.Released, x.ReleasedAt = d.File, d.Unsealed
		} else {
			due, err := ResultsDue(v.opt.Calendar, LocalDate(e.Seal.Published.Time))
			if err != nil {
				v.warn(e.File, e.Seq, "%s: deadline of the sealed draw not computed: %v", e.File, err)
			} else {
				x.Due = due
				if !v.opt.Now.IsZero() && LocalDate(v.opt.Now) > due {
					x.Overdue = true
					v.warn(e.File, e.Seq, "%s: the draw of %s sealed on %s is still sealed after the results deadline (%s): release it (unseal) with the results", e.File, ann.File, LocalDate(e.Seal.Published.Time), due)
				}
			}
		}
		if x.Released == "" {
			// A later announcement while this draw stays sealed: if the
			// seal is never released, the sealed draw was re-rolled.
			for _, a := range r.Docs[e.Seq:] {
				if a.Announcement != nil {
					v.warn(a.File, a.Seq, "%s was announced while the draw of %s is sealed by %s and not released: a re-roll if it never is", a.File, ann.File, e.File)
				}
			}
		}
		v.rep.Seals = append(v.rep.Seals, x)
	}
}
