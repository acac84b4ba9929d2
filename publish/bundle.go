package publish

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// The public bundle (protocol v2 §9) is what an agency publishes so that
// anyone can replay everything from it alone: the ledger's files as they
// are and, for each announcement, the four tables it announced, in
// canonical CSV ([roster.WriteCSV]) and in published form (a private
// attribute's value replaced by its digest, so that the roots are the
// same). Its layout, in a folder or any [fs.FS]:
//
//	bundle.json                      the index (BundleIndex), version first
//	ledger/000001-announcement.note  the ledger's files, byte for byte:
//	ledger/000002-draw.note          documents, hashes, checkpoint and any
//	ledger/checkpoint                other file the ledger keeps (e.g.
//	ledger/hashes                    cosignatures), but not lock or .tmp-*
//	tables/premises-ROOT.csv         each table once, named by its kind and
//	tables/inspectors-ROOT.csv       root (64 hex digits), shared by every
//	tables/conflicts-ROOT.csv        announcement that announced it
//	tables/history-ROOT.csv
//
// A reader needs no directory listing: the index names every file, so a
// page in a browser can fetch them one by one.

// BundleVersion is the version of the bundle format, the first field of
// its index. An incompatible format gets a new version, never a silent
// change.
const BundleVersion = "doublerandom/v1 bundle"

// Names inside a bundle.
const (
	BundleIndexFile = "bundle.json"
	bundleLedgerDir = "ledger"
	bundleTablesDir = "tables"
)

// maxBundleIndex bounds the index a reader accepts.
const maxBundleIndex = 64 << 20

// BundleIndex is the index of a bundle, the file bundle.json: JSON
// written as document bodies are (one-space indent, keys in this order,
// a final newline) and read strictly (unknown or repeated keys, trailing
// data and any field out of the rules below are errors).
type BundleIndex struct {
	// Version is [BundleVersion].
	Version string `json:"version"`
	// Ledger is the ledger's name, the origin of its checkpoint.
	Ledger string `json:"ledger"`
	// Files are the ledger's files in the bundle, "ledger/" and their
	// path in the ledger folder, in ascending byte order: the documents
	// (seq 1..n without a gap), "ledger/checkpoint", "ledger/hashes", and
	// any other file the ledger keeps.
	Files []string `json:"files"`
	// Announcements are the ledger's announcements in ledger order, each
	// with its tables.
	Announcements []BundleAnnouncement `json:"announcements"`
}

// BundleAnnouncement is one announcement of a bundle and its tables.
type BundleAnnouncement struct {
	// File is the announcement's document, e.g.
	// "ledger/000001-announcement.note".
	File string `json:"file"`
	// Digest is the document's digest.
	Digest Digest `json:"digest"`
	// Tables are the four tables it announced; omitted while its draw
	// is sealed.
	Tables *BundleTables `json:"tables,omitempty"`
	// Sealed, instead of tables, names the seal of the announcement's
	// draw (e.g. "ledger/000002-seal.note") while it is not released:
	// the tables are withheld until then, since with them anyone who
	// saw the seed (a public dice ceremony, a beacon) could compute the
	// selection the seal keeps from the businesses. A bundle written
	// after the release carries the tables.
	Sealed string `json:"sealed,omitempty"`
}

// BundleTables names the four table files of an announcement, each
// "tables/KIND-ROOT.csv" with ROOT the announced root of that table.
type BundleTables struct {
	Premises   string `json:"premises"`
	Inspectors string `json:"inspectors"`
	Conflicts  string `json:"conflicts"`
	History    string `json:"history"`
}

// get returns the file of the table of kind k.
func (t BundleTables) get(k roster.Kind) string {
	return [...]string{t.Premises, t.Inspectors, t.Conflicts, t.History}[slices.Index(roster.Kinds[:], k)]
}

// BundleTableFile returns the name, inside a bundle, of the table of
// kind k whose root is root: "tables/premises-ROOT.csv".
func BundleTableFile(k roster.Kind, root roster.Hash) string {
	return fmt.Sprintf("%s/%s-%s.csv", bundleTablesDir, k, root)
}

// BundleError reports a bundle that does not follow the format: File is
// the file concerned (bundle.json for the index), Field the JSON path in
// the index (e.g. "announcements[1].tables.premises") and Value the
// offending value, when there are some. It wraps ErrMalformed, or the
// error of reading the file.
type BundleError struct {
	File  string
	Field string
	Value string
	Err   error
}

func (e *BundleError) Error() string {
	s := "publish: bundle: " + e.File
	if e.Field != "" {
		s += ": " + e.Field
	}
	if e.Value != "" {
		s += fmt.Sprintf(" %q", e.Value)
	}
	return s + ": " + e.Err.Error()
}

func (e *BundleError) Unwrap() error { return e.Err }

func indexError(field, value, format string, args ...any) *BundleError {
	return &BundleError{File: BundleIndexFile, Field: field, Value: value, Err: fmt.Errorf("%w: "+format, append([]any{ErrMalformed}, args...)...)}
}

// ParseBundleIndex reads a bundle's index strictly (see [BundleIndex]).
// Errors are a *BundleError naming the field.
func ParseBundleIndex(data []byte) (*BundleIndex, error) {
	if len(data) > maxBundleIndex {
		return nil, indexError("", "", "longer than %d bytes", maxBundleIndex)
	}
	// The version first, so that a bundle of a later format is named
	// as such rather than as a list of unknown fields.
	var head struct {
		Version *string `json:"version"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, indexError("", "", "not a JSON object: %v", err)
	}
	if head.Version == nil {
		return nil, indexError("version", "", "missing; want %q", BundleVersion)
	}
	if *head.Version != BundleVersion {
		return nil, indexError("version", *head.Version, "unknown bundle version; this reader reads %q", BundleVersion)
	}
	var x BundleIndex
	if err := decodeBody(data, &x); err != nil {
		return nil, indexError("", "", "%v", err)
	}
	if err := x.check(); err != nil {
		return nil, err
	}
	return &x, nil
}

// check applies the rules of BundleIndex.
func (x *BundleIndex) check() error {
	if err := checkName(x.Ledger); err != nil {
		return indexError("ledger", x.Ledger, "%v", err)
	}
	listed := map[string]bool{}
	var seqs []int64
	kinds := map[string]Kind{}
	for i, f := range x.Files {
		field := fmt.Sprintf("files[%d]", i)
		rel, ok := strings.CutPrefix(f, bundleLedgerDir+"/")
		switch {
		case !ok || !fs.ValidPath(f) || rel == "":
			return indexError(field, f, "want a path inside %s/", bundleLedgerDir)
		case i > 0 && f <= x.Files[i-1]:
			return indexError(field, f, "files must be listed once each, in ascending byte order")
		case rel == lockFileName || strings.HasPrefix(path.Base(rel), tempPrefix):
			return indexError(field, f, "a lock or temporary file is not part of a published ledger")
		}
		listed[f] = true
		if strings.Contains(rel, "/") {
			continue // a file the ledger keeps in a subfolder
		}
		if seq, kind, ok := parseDocFileName(rel); ok {
			seqs = append(seqs, seq)
			kinds[f] = kind
		}
	}
	for _, f := range []string{checkpointFile, hashesFile} {
		if !listed[bundleLedgerDir+"/"+f] {
			return indexError("files", "", "%s/%s is not listed", bundleLedgerDir, f)
		}
	}
	slices.Sort(seqs)
	for i, s := range seqs {
		if s != int64(i+1) {
			return indexError("files", "", "document %d is not listed (documents must run 1..n)", i+1)
		}
	}
	prev := ""
	for i, a := range x.Announcements {
		field := fmt.Sprintf("announcements[%d]", i)
		switch {
		case kinds[a.File] != KindAnnouncement:
			return indexError(field+".file", a.File, "not an announcement document listed in files")
		case prev != "" && a.File <= prev:
			return indexError(field+".file", a.File, "announcements must be listed once each, in ledger order")
		}
		prev = a.File
		switch {
		case a.Sealed != "" && (a.Tables != nil || kinds[a.Sealed] != KindSeal):
			return indexError(field+".sealed", a.Sealed, "want a seal document listed in files, and no tables")
		case a.Sealed != "":
			continue
		case a.Tables == nil:
			return indexError(field+".tables", "", "no tables (only an announcement whose draw is sealed has none)")
		}
		for _, k := range roster.Kinds {
			f := a.Tables.get(k)
			name, ok := strings.CutPrefix(f, bundleTablesDir+"/"+k.String()+"-")
			hex, ok2 := strings.CutSuffix(name, ".csv")
			if !ok || !ok2 {
				return indexError(field+".tables."+k.String(), f, "want %s", BundleTableFile(k, roster.Hash{}))
			}
			if h, err := roster.ParseHash(hex); err != nil || h.String() != hex {
				return indexError(field+".tables."+k.String(), f, "the root in the name is not 64 lowercase hex digits")
			}
		}
	}
	return nil
}

// Bundle is a public bundle opened for reading ([OpenBundle]).
type Bundle struct {
	// Index is the bundle's index.
	Index *BundleIndex

	fsys   fs.FS
	ledger *bundleLedger
	byDig  map[Digest]int // announcement digest → index in Index.Announcements
}

// OpenBundle opens the bundle held by fsys (a folder with [os.DirFS], a
// zip file, files fetched into memory by a page in the browser): it
// reads and checks the index ([ParseBundleIndex]). When fsys can list
// folders, a file in ledger/ or tables/ that the index does not name is
// an error. The documents and tables are read when needed, by
// [VerifyBundle] and [Bundle.Tables]; OpenBundle does not check them.
func OpenBundle(fsys fs.FS) (*Bundle, error) {
	data, err := readBundleFile(fsys, BundleIndexFile, maxBundleIndex)
	if err != nil {
		return nil, err
	}
	x, err := ParseBundleIndex(data)
	if err != nil {
		return nil, err
	}
	b := &Bundle{Index: x, fsys: fsys, byDig: map[Digest]int{}}
	named := map[string]bool{}
	for _, f := range x.Files {
		named[f] = true
	}
	for i, a := range x.Announcements {
		b.byDig[a.Digest] = i
		if a.Tables == nil {
			continue // sealed: tables withheld
		}
		for _, k := range roster.Kinds {
			named[a.Tables.get(k)] = true
		}
	}
	if err := checkListed(fsys, named); err != nil {
		return nil, err
	}
	b.ledger = &bundleLedger{fsys: fsys, name: x.Ledger, docs: map[int64]string{}, files: x.Files}
	for _, f := range x.Files {
		rel := strings.TrimPrefix(f, bundleLedgerDir+"/")
		if seq, _, ok := parseDocFileName(rel); ok {
			b.ledger.docs[seq] = f
		}
	}
	return b, nil
}

// checkListed refuses a file in the bundle that the index does not name,
// when fsys can list folders.
func checkListed(fsys fs.FS, named map[string]bool) error {
	for _, dir := range []string{bundleLedgerDir, bundleTablesDir} {
		err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && !named[p] {
				return &BundleError{File: p, Err: fmt.Errorf("%w: a file the index does not name", ErrMalformed)}
			}
			return nil
		})
		var be *BundleError
		if errors.As(err, &be) {
			return err
		}
		// Other errors: the FS cannot list (fetched over HTTP), or the
		// folder is missing; reading the files named reports that.
	}
	return nil
}

// readBundleFile reads a file of the bundle, at most limit bytes.
func readBundleFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, &BundleError{File: name, Err: err}
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, &BundleError{File: name, Err: err}
	}
	if int64(len(b)) > limit {
		return nil, &BundleError{File: name, Err: fmt.Errorf("%w: longer than %d bytes", ErrMalformed, limit)}
	}
	return b, nil
}

// Ledger returns the bundle's ledger, read-only.
func (b *Bundle) Ledger() Ledger { return b.ledger }

// FS returns the file system the bundle is read from, for files other
// layers keep in the ledger (e.g. cosignatures under ledger/).
func (b *Bundle) FS() fs.FS { return b.fsys }

// Tables is the [TableSource] of the bundle: it reads the four tables
// the index names for the announcement and checks that each one's root
// is the root announced, naming the announcement, the table and the file
// when it is not (a row changed, added or removed). An announcement the
// index does not list, or a table file missing, is an error naming the
// announcement and the field.
func (b *Bundle) Tables(ann *RecordDoc) (*roster.Set, error) {
	if ann == nil || ann.Announcement == nil {
		return nil, errors.New("publish: Bundle.Tables: not an announcement")
	}
	i, ok := b.byDig[ann.Digest]
	if !ok {
		return nil, &RecordError{Doc: ann.File, Seq: ann.Seq, Field: "tables", Value: ann.Digest.String(),
			Err: fmt.Errorf("%w: %s lists no tables for this announcement", ErrReference, BundleIndexFile)}
	}
	entry := b.Index.Announcements[i]
	if entry.Tables == nil {
		return nil, nil // withheld while the draw is sealed (VerifyBundle checks it is)
	}
	a := ann.Announcement
	roots := [...]roster.Hash{a.Roots.Premises, a.Roots.Inspectors, a.Roots.Conflicts, a.Roots.History}
	counts := [...]int{a.Counts.Premises, a.Counts.Inspectors, a.Counts.Conflicts, a.Counts.History}
	var tables [4]*roster.Table
	for j, k := range roster.Kinds {
		file := entry.Tables.get(k)
		field := "tables." + k.String()
		if want := BundleTableFile(k, roots[j]); file != want {
			return nil, &MismatchError{Doc: ann.File, Field: fmt.Sprintf("%s announcements[%d].%s", BundleIndexFile, i, field), Want: want, Got: file}
		}
		t, err := b.readTable(ann, file, k)
		if err != nil {
			return nil, &RecordError{Doc: ann.File, Seq: ann.Seq, Field: field, Value: file, Err: err}
		}
		root, err := publishedRoot(ann, t) // v1 or v2: bundle_v2.go
		if err != nil {
			return nil, &RecordError{Doc: ann.File, Seq: ann.Seq, Field: field, Value: file, Err: err}
		}
		if root != roots[j] {
			return nil, &MismatchError{Doc: ann.File, Field: "roots." + k.String(),
				Want: fmt.Sprintf("%s (%d rows)", roots[j], counts[j]), Got: fmt.Sprintf("%s (%d rows) in %s", root, t.Len(), file)}
		}
		tables[j] = t
	}
	set, err := bundleSet(ann, tables)
	if err != nil {
		return nil, &RecordError{Doc: ann.File, Seq: ann.Seq, Field: "tables", Err: err}
	}
	return set, nil
}

// readTable reads one canonical CSV table of the bundle.
func (b *Bundle) readTable(ann *RecordDoc, file string, k roster.Kind) (*roster.Table, error) {
	f, err := b.fsys.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readBundleTable(ann, f, file, k) // v1 or v2: bundle_v2.go
}

// VerifyBundle verifies a bundle from its contents alone: [Verify] of
// its ledger with each announcement's tables from the bundle
// ([Bundle.Tables]; opt.Tables is replaced), so that every draw,
// substitution and result is replayed even when the announcements use
// different tables; and the bundle's own rules: the index lists every
// announcement of the ledger with its digest, and the hashes file is the
// one the documents give. Signatures are checked with verifiers under
// opt.Policy. The error is non-nil only when the ledger cannot be read
// at all; everything else is a Problem of the report.
func VerifyBundle(b *Bundle, verifiers []note.Verifier, opt Options) (*Report, error) {
	if b == nil {
		return nil, errors.New("publish: VerifyBundle: no bundle")
	}
	opt.Tables = b.Tables
	rep, err := Verify(b.ledger, nil, verifiers, opt)
	if err != nil {
		return nil, err
	}
	v := &verifier{rep: rep, opt: opt}
	listed := map[Digest]bool{}
	for i, a := range b.Index.Announcements {
		listed[a.Digest] = true
		seq, _, _ := parseDocFileName(strings.TrimPrefix(a.File, bundleLedgerDir+"/"))
		data, err := b.ledger.Read(seq)
		if err != nil {
			continue // reported by Verify
		}
		if d := DigestOf(data); d != a.Digest {
			v.problem(BundleIndexFile, 0, &MismatchError{Doc: BundleIndexFile, Field: fmt.Sprintf("announcements[%d].digest", i), Want: d.String(), Got: a.Digest.String()})
		}
	}
	// Tables are withheld only for a draw that is sealed, by the seal
	// named, and not released.
	if rec, err := ReadRecord(b.ledger); err == nil {
		withheld := sealedTables(rec)
		for i, a := range b.Index.Announcements {
			if a.Sealed == "" {
				continue
			}
			if seal, ok := withheld[a.Digest]; !ok || bundleLedgerDir+"/"+seal != a.Sealed {
				v.problem(BundleIndexFile, 0, &RecordError{Doc: BundleIndexFile, Field: fmt.Sprintf("announcements[%d].sealed", i), Value: a.Sealed,
					Err: fmt.Errorf("%w: the tables of %s are withheld, but its draw is not sealed by this seal, or was released", ErrRecord, a.File)})
			}
		}
	}
	n, _ := b.ledger.Len()
	stored, herr := b.ledger.storedHashes()
	for seq := int64(1); seq <= n; seq++ {
		data, err := b.ledger.Read(seq)
		if err != nil {
			break
		}
		doc, err := ParseSigned(data)
		if err != nil || doc.Kind != KindAnnouncement {
			continue
		}
		if d := DigestOf(data); !listed[d] {
			file := DocFileName(seq, doc.Kind)
			v.problem(file, seq, &RecordError{Doc: file, Seq: seq, Field: "tables", Err: fmt.Errorf("%w: %s does not list this announcement", ErrReference, BundleIndexFile)})
		}
	}
	if herr == nil {
		file := bundleLedgerDir + "/" + hashesFile
		got, err := readBundleFile(b.fsys, file, int64(len(stored))*tlog.HashSize+tlog.HashSize)
		switch {
		case err != nil:
			v.problem(file, 0, err)
		case !bytes.Equal(got, hashBytes(stored)):
			v.problem(file, 0, &MismatchError{Doc: file, Field: "stored hashes", Want: "the hashes of the documents", Got: fmt.Sprintf("%d bytes that differ", len(got))})
		}
	}
	return rep, nil
}

// bundleLedger is the read-only [Ledger] of a bundle.
type bundleLedger struct {
	fsys  fs.FS
	name  string
	docs  map[int64]string // seq → file
	files []string         // every ledger file the index lists
}

// ReadExtra returns the files the ledger keeps in its subfolder dir (e.g.
// "cosigned"), as the index lists them: name (the path in the bundle)
// and bytes, in the index's order.
func (l *bundleLedger) ReadExtra(dir string) (names []string, data [][]byte, err error) {
	prefix := bundleLedgerDir + "/" + dir + "/"
	for _, f := range l.files {
		if !strings.HasPrefix(f, prefix) {
			continue
		}
		b, err := readBundleFile(l.fsys, f, MaxNoteSize)
		if err != nil {
			return nil, nil, err
		}
		names, data = append(names, f), append(data, b)
	}
	return names, data, nil
}

func (l *bundleLedger) Name() string        { return l.name }
func (l *bundleLedger) Len() (int64, error) { return int64(len(l.docs)), nil }

func (l *bundleLedger) Read(seq int64) ([]byte, error) {
	f, ok := l.docs[seq]
	if !ok {
		return nil, &LedgerError{Dir: "bundle", Seq: seq, Err: fmt.Errorf("no document %d in a ledger of %d", seq, len(l.docs))}
	}
	return readBundleFile(l.fsys, f, MaxNoteSize)
}

func (l *bundleLedger) Append([]byte) (int64, error) {
	return 0, &LedgerError{Dir: "bundle", Err: ErrReadOnly}
}

func (l *bundleLedger) Checkpoint() ([]byte, error) {
	return readBundleFile(l.fsys, bundleLedgerDir+"/"+checkpointFile, MaxNoteSize)
}

// storedHashes computes the Merkle log's stored hashes from the documents.
func (l *bundleLedger) storedHashes() ([]tlog.Hash, error) {
	docs := make([][]byte, len(l.docs))
	for i := range docs {
		b, err := l.Read(int64(i + 1))
		if err != nil {
			return nil, err
		}
		docs[i] = b
	}
	return storedHashesOf(docs)
}

func (l *bundleLedger) ConsistencyProof(oldSize, newSize int64) (tlog.TreeProof, error) {
	if oldSize < 0 || oldSize > newSize || newSize > int64(len(l.docs)) {
		return nil, &LedgerError{Dir: "bundle", Err: fmt.Errorf("no consistency proof from %d to %d in a ledger of %d", oldSize, newSize, len(l.docs))}
	}
	if oldSize == 0 || oldSize == newSize {
		return tlog.TreeProof{}, nil
	}
	hs, err := l.storedHashes()
	if err != nil {
		return nil, err
	}
	return tlog.ProveTree(newSize, oldSize, hashReaderOf(hs))
}

// storedHashesOf returns the stored hashes of the Merkle log over the
// digests of docs.
func storedHashesOf(docs [][]byte) ([]tlog.Hash, error) {
	var stored []tlog.Hash
	for i, d := range docs {
		dg := DigestOf(d)
		hs, err := tlog.StoredHashes(int64(i), dg[:], hashReaderOf(stored))
		if err != nil {
			return nil, err
		}
		stored = append(stored, hs...)
	}
	return stored, nil
}

func hashReaderOf(hashes []tlog.Hash) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x < 0 || x >= int64(len(hashes)) {
				return nil, fmt.Errorf("publish: stored hash %d not available", x)
			}
			out[i] = hashes[x]
		}
		return out, nil
	})
}

func hashBytes(hashes []tlog.Hash) []byte {
	b := make([]byte, 0, len(hashes)*tlog.HashSize)
	for _, h := range hashes {
		b = append(b, h[:]...)
	}
	return b
}

// WriteBundle writes the public bundle of ledger l into dir, which must
// not exist or be empty (anything else is refused, ErrExists). tables
// gives each announcement its tables (e.g. [TablesByRoots] over the
// table folders the agency keeps); every announcement needs tables whose
// roots are the ones it announced, else nothing is written and the error
// names the announcement. The ledger's files are copied as they are (a
// [DirLedger] is read under its lock, other files it keeps included; the
// checkpoint must cover every document); each table is written once, in
// canonical CSV and published form, and read back to check its root.
// Writing the same ledger and tables twice gives the same bytes. The
// bundle appears at dir complete or not at all.
func WriteBundle(dir string, l Ledger, tables TableSource) error {
	if l == nil || tables == nil {
		return errors.New("publish: WriteBundle: no ledger or no tables")
	}
	if err := checkEmptyDir(dir); err != nil {
		return err
	}
	snap, err := snapshotLedger(l)
	if err != nil {
		return err
	}
	r, err := readRecord(snap.name, int64(len(snap.docs)), snap.read)
	if err != nil {
		return fmt.Errorf("publish: WriteBundle: the ledger does not follow the record rules: %w", err)
	}
	files, err := bundleFiles(snap, tables, sealedTables(r))
	if err != nil {
		return err
	}
	return writeTree(dir, files)
}

// bundleFiles returns the files of the bundle of a ledger snapshot. It
// does not check the record rules (WriteBundle does): tests use it to
// publish the bundle of a forged ledger, as a dishonest operator would.
func bundleFiles(snap *ledgerSnapshot, tables TableSource, sealed map[Digest]string) (map[string][]byte, error) {
	files := map[string][]byte{}
	x := &BundleIndex{Version: BundleVersion, Ledger: snap.name, Announcements: []BundleAnnouncement{}}
	for name, data := range snap.files {
		files[bundleLedgerDir+"/"+name] = data
		x.Files = append(x.Files, bundleLedgerDir+"/"+name)
	}
	slices.Sort(x.Files)
	for i, signed := range snap.docs {
		e, err := announcementDoc(int64(i+1), signed)
		if err != nil {
			return nil, fmt.Errorf("publish: WriteBundle: %w", err)
		}
		if e == nil {
			continue
		}
		if seal, ok := sealed[e.Digest]; ok {
			x.Announcements = append(x.Announcements, BundleAnnouncement{File: bundleLedgerDir + "/" + e.File, Digest: e.Digest, Sealed: bundleLedgerDir + "/" + seal})
			continue
		}
		set, err := tables(e)
		if err == nil && set == nil {
			err = &RecordError{Doc: e.File, Seq: e.Seq, Field: "tables", Err: fmt.Errorf("%w: no tables given for this announcement", ErrReference)}
		}
		if err == nil {
			err = checkTables(e, set)
		}
		if err != nil {
			return nil, fmt.Errorf("publish: WriteBundle: %w", err)
		}
		pub, err := publishedTables(e, set)
		if err != nil {
			return nil, fmt.Errorf("publish: WriteBundle: %s: %w", e.File, err)
		}
		entry := BundleAnnouncement{File: bundleLedgerDir + "/" + e.File, Digest: e.Digest, Tables: &BundleTables{}}
		names := [4]*string{&entry.Tables.Premises, &entry.Tables.Inspectors, &entry.Tables.Conflicts, &entry.Tables.History}
		for j, k := range roster.Kinds {
			t := pub.Table(k)
			root, err := publishedRoot(e, t) // v1 or v2: bundle_v2.go
			if err != nil {
				return nil, fmt.Errorf("publish: WriteBundle: %s: %s table: %w", e.File, k, err)
			}
			name := BundleTableFile(k, root)
			*names[j] = name
			if _, done := files[name]; done {
				continue
			}
			var buf bytes.Buffer
			if err := roster.WriteCSV(&buf, t); err != nil {
				return nil, fmt.Errorf("publish: WriteBundle: %s: %w", name, err)
			}
			back, err := readBundleTable(e, bytes.NewReader(buf.Bytes()), name, k)
			if err != nil {
				return nil, fmt.Errorf("publish: WriteBundle: %s does not read back: %w", name, err)
			}
			if got, err := publishedRoot(e, back); err != nil || got != root {
				return nil, fmt.Errorf("publish: WriteBundle: %s reads back with root %s, want %s (%v)", name, got, root, err)
			}
			files[name] = buf.Bytes()
		}
		x.Announcements = append(x.Announcements, entry)
	}
	index, err := encodeBody(x)
	if err != nil {
		return nil, err
	}
	if _, err := ParseBundleIndex(index); err != nil {
		return nil, fmt.Errorf("publish: WriteBundle: the index written does not read back: %w", err)
	}
	files[BundleIndexFile] = index
	return files, nil
}

// sealedTables returns the announcements of r whose draw is sealed and
// not released, each with its seal's file: a bundle withholds their
// tables.
func sealedTables(r *Record) map[Digest]string {
	out := map[Digest]string{}
	for _, e := range r.Seals() {
		if r.ReleasedBy(e.Digest) == nil {
			out[e.Seal.Announcement] = e.File
		}
	}
	return out
}

// announcementDoc returns document seq as a RecordDoc when it is an
// announcement (with its body and plan), nil for another kind.
func announcementDoc(seq int64, signed []byte) (*RecordDoc, error) {
	doc, err := ParseSigned(signed)
	if err != nil {
		return nil, err
	}
	if doc.Kind != KindAnnouncement {
		return nil, nil
	}
	e := &RecordDoc{Seq: seq, Digest: DigestOf(signed), File: DocFileName(seq, doc.Kind), Doc: doc, Signed: signed}
	body, err := ParseBody(doc)
	if err != nil {
		return nil, err
	}
	e.Announcement = body.(*AnnouncementBody)
	if err := parseAnnouncedPlan(e); err != nil { // v1 or v2: bundle_v2.go
		return nil, err
	}
	return e, nil
}

// ledgerSnapshot is a ledger's files at one moment.
type ledgerSnapshot struct {
	name  string
	docs  [][]byte
	files map[string][]byte // path in the ledger folder → bytes
}

func (s *ledgerSnapshot) read(seq int64) ([]byte, error) { return s.docs[seq-1], nil }

// snapshotLedger reads a consistent copy of a ledger's files.
func snapshotLedger(l Ledger) (*ledgerSnapshot, error) {
	if d, ok := l.(*DirLedger); ok {
		return d.snapshot()
	}
	cp, err := l.Checkpoint()
	if err != nil {
		return nil, err
	}
	c, err := ParseSignedCheckpoint(cp)
	if err != nil {
		return nil, err
	}
	s := &ledgerSnapshot{name: l.Name(), files: map[string][]byte{checkpointFile: cp}}
	for seq := int64(1); seq <= c.Size; seq++ {
		b, err := l.Read(seq)
		if err != nil {
			return nil, err
		}
		doc, err := ParseSigned(b)
		if err != nil {
			return nil, err
		}
		s.docs = append(s.docs, b)
		s.files[DocFileName(seq, doc.Kind)] = b
	}
	hs, err := storedHashesOf(s.docs)
	if err != nil {
		return nil, err
	}
	s.files[hashesFile] = hashBytes(hs)
	return s, nil
}

// snapshot reads the folder's files under the shared lock: the documents,
// hashes and checkpoint, and any other file the ledger keeps (in
// subfolders), but not the lock or temporary files.
func (l *DirLedger) snapshot() (*ledgerSnapshot, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var s *ledgerSnapshot
	err := l.withLock(false, func() error {
		if err := l.refresh(); err != nil {
			return err
		}
		if l.cp.Size != int64(len(l.docs)) {
			return &LedgerError{Dir: l.dir, File: checkpointFile, Err: fmt.Errorf("the checkpoint covers %d of %d documents: open the ledger as its writer to complete it", l.cp.Size, len(l.docs))}
		}
		s = &ledgerSnapshot{name: l.name, files: map[string][]byte{}}
		for seq := int64(1); seq <= int64(len(l.docs)); seq++ {
			b, err := l.readLocked(seq)
			if err != nil {
				return err
			}
			s.docs = append(s.docs, b)
			s.files[l.docs[seq-1].file] = b
		}
		known := map[string]bool{lockFileName: true}
		for f := range s.files {
			known[f] = true
		}
		return fs.WalkDir(os.DirFS(l.dir), ".", func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			switch {
			case p == "." || known[p] || strings.HasPrefix(path.Base(p), tempPrefix):
				if d.IsDir() && p != "." {
					return fs.SkipDir
				}
				return nil
			case d.IsDir():
				return nil
			case !d.Type().IsRegular():
				return &LedgerError{Dir: l.dir, File: p, Err: errors.New("not a regular file")}
			}
			b, err := readFile(filepath.Join(l.dir, filepath.FromSlash(p)))
			if err != nil {
				return &LedgerError{Dir: l.dir, File: p, Err: err}
			}
			s.files[p] = b
			return nil
		})
	})
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(s.files[checkpointFile], l.cpMsg) {
		return nil, &LedgerError{Dir: l.dir, File: checkpointFile, Err: errors.New("changed while it was read")}
	}
	return s, nil
}

// checkEmptyDir refuses a dir that exists and is not an empty folder.
func checkEmptyDir(dir string) error {
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil
	case err != nil:
		return err
	case len(entries) > 0:
		return fmt.Errorf("publish: %s: %w: the folder is not empty", dir, ErrExists)
	}
	return nil
}

// writeTree writes files (slash paths) into a new folder next to dir
// and renames it to dir (replacing an empty folder), so that dir holds
// the complete bundle or nothing.
func writeTree(dir string, files map[string][]byte) error {
	tmp, err := os.MkdirTemp(filepath.Dir(filepath.Clean(dir)), tempPrefix+"bundle-")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		p := filepath.Join(tmp, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := writeNewFile(p, files[name], 0o644); err != nil {
			return err
		}
	}
	if err := checkEmptyDir(dir); err != nil {
		return err
	}
	if err := os.Remove(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		return err
	}
	ok = true
	return syncDir(filepath.Dir(filepath.Clean(dir)))
}
