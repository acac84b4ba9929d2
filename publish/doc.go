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
//     days ([ResultsDue]) are counted with a [Calendar]; [HolidayCalendar]
//     reads the official holiday schedule, including weekend days that are
//     working days (调休).
//   - Outcomes. [Standard] lists the standard inspection outcomes with
//     stable codes; a caller may add local ones.
//
// It is not a draw: the contents of announcement, draw and results
// documents and their replay are built on top of it.
//
// The main path, for an agency with key files made by [WriteKeyFiles]:
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
