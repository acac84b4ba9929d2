// Package publish signs, frames and keeps the documents of a draw: the
// announcement, the draw record, amendments and results (抽查结果公示),
// so that anyone can check that what was published was not changed later.
//
// It provides the parts that do not depend on the draw itself:
//
//   - Signatures. Documents are C2SP signed notes (Ed25519, via
//     golang.org/x/mod/sumdb/note) with one or more signatures, for example
//     the agency and its discipline inspection office (纪检监察):
//     [GenerateKey], [WriteKeyFiles], [LoadSigner], [LoadVerifier], [Sign],
//     [Open] and [Policy].
//   - Framing. Every document text starts with a version line
//     "doublerandom/v1 KIND", then the headers "ledger", "seq" and "prev"
//     (the SHA-256 of the previous signed document), then a blank line and
//     a body: [Document], [ParseDocument], [Document.MarshalText],
//     [SignDocument]. Parsing accepts the canonical form only.
//   - The ledger. A [Ledger] is an append-only chain of signed documents
//     with an RFC 6962 Merkle log over their digests and a signed C2SP
//     checkpoint, so that a reader who kept an old checkpoint can detect a
//     rewritten or forked ledger ([CheckConsistency]). [DirLedger] keeps
//     one in a folder, safe against crashes and concurrent processes.
//   - Working days. Deadlines such as publishing results within 20 working
//     days ([ResultsDue]) are counted with a [Calendar]; [Official] holds
//     the State Council's published holiday schedules (2025, 2026), and
//     [HolidayCalendar] reads further years from a file, including weekend
//     days that are working days (调休).
//   - Outcomes. [Standard] lists the standard inspection outcomes with
//     stable codes; a caller may add local ones.
//
// On top of them it defines the four documents of a draw, their life
// and their audit:
//
//   - Bodies. Each body is JSON, indented by one space, keys in struct
//     order, UTF-8 not escaped: [AnnouncementBody] (the plan's exact text,
//     its digest, the table roots and counts, the seed promises, the
//     publication time), [DrawBody] (the announcement's digest, the seed
//     evidence and seed, the time of the draw, the JSON view of protocol
//     §7), [AmendmentBody] (substitutions of inspectors, or a redraw that
//     voids a draw) and [ResultsBody] (outcomes, days inspected, the
//     inspectors who went). [ParseBody] reads them strictly: unknown
//     fields, repeated keys, trailing data and wrong types are errors.
//     Signatures are checked over the stored bytes; bodies are compared
//     by meaning, never re-serialised.
//   - Rules. [Record] ([ReadRecord]) checks what needs no tables: times
//     in order, announcement before seed (a beacon round due after it, a
//     ceremony held after it), evidence that gives the seed, no second
//     draw of one announcement ([ErrSecondDraw]), consistent amendments
//     and results. [ValidateRecord] applies them under a ledger's lock.
//   - Lifecycle. [Announce], [PublishDraw], [Substitute], [Redraw] and
//     [PublishResults] build, check, sign and append each document; the
//     caller passes every time (the library reads no clock).
//   - Audit. [Verify] checks every signature, the chain, the checkpoint
//     (and its consistency with an older one), the rules, the roots
//     against the tables, and replays every draw and substitution,
//     reporting differences field by field ([MismatchError], with a
//     readable diff), late and missing results, and every redraw.
//     [WriteNotice] writes the public notice (公示) as CSV, XLSX or a
//     static HTML page ([NoticeOptions]), and
//     [SelfCheck] tells a business, from its own row and inclusion proof,
//     whether it was rightly selected or not.
//
// Decisions where the protocol is silent: times are RFC 3339 in UTC; a
// document's day is its day in China Standard Time ([Zone]); a dice
// ceremony's "when" is RFC 3339; a redraw amendment is answered by the
// next announcement, which names it (an amendment cannot name a later
// document's digest, which depends on its own); a premises gets one
// outcome per draw; late results, missing outcomes and redraws are
// warnings of a [Report], not failures.
//
// The main path: the life of a draw, with a ledger l opened by [CreateDir]
// or [OpenDir], signers []Signer and the tables set:
//
//	ann, _ := publish.Announce(l, signers, plan, set, promises, time.Now())
//	res, draw, _ := publish.PublishDraw(ctx, l, signers, ann, set, evidence, time.Now())
//	reps, _, _ := publish.Substitute(ctx, l, signers, draw, set, subs, time.Now())
//	_, _ = publish.PublishResults(l, signers, draw, nil, results, time.Now())
//	report, _ := publish.Verify(l, set, verifiers, publish.Options{Now: time.Now()})
//
// Underneath, for an agency with key files made by [WriteKeyFiles], each
// append builds and signs its document under the ledger's lock:
//
//	signer, _ := publish.LoadSigner("agency.key")
//	verifier, _ := publish.LoadVerifier("agency.pub")
//	l, _ := publish.OpenDir("ledger", publish.DirOptions{Signer: signer, Verifiers: []note.Verifier{verifier}})
//	seq, _ := l.AppendNext(func(seq int64, prev publish.Digest) ([]byte, error) {
//		return publish.SignDocument(&publish.Document{
//			Kind: publish.KindAnnouncement, Ledger: l.Name(), Seq: seq, Prev: prev,
//			Body: []byte(`{"plan":"..."}` + "\n"),
//		}, signer)
//	})
//
// and for a reader:
//
//	doc, who, err := publish.OpenDocument(signed, verifier)
//
// Errors are typed ([DocumentError], [SignatureError], [LedgerError],
// [CalendarError], ...) and wrap a few sentinels ([ErrMalformed],
// [ErrBadSignature], [ErrCorrupt], [ErrInconsistent], ...) for errors.Is.
package publish
