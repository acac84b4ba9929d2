package publish

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// Ledger is an append-only sequence of signed documents of one agency,
// with a Merkle log over their digests and a signed checkpoint of it. It
// is small enough for a database to implement; [DirLedger] is the
// standard implementation, a folder of files.
//
// Documents are numbered from 1. An implementation must check, under
// whatever serialises its writers, that an appended document parses
// ([ParseSigned]), names the ledger, has seq Len()+1 and prev equal to the
// digest of document Len() (zeros for the first), and refuse it otherwise;
// it must never change or remove a document once appended, and must
// publish a new checkpoint covering each appended document.
type Ledger interface {
	// Name returns the ledger name: the "ledger" header of its
	// documents and the origin of its checkpoints.
	Name() string
	// Len returns the number of documents.
	Len() (int64, error)
	// Read returns the exact bytes of document seq, 1 <= seq <= Len().
	Read(seq int64) ([]byte, error)
	// Append adds a signed document and returns its seq. An error
	// matching ErrStale means another writer appended first: rebuild
	// the document on the new head and try again.
	Append(signed []byte) (int64, error)
	// Checkpoint returns the latest signed checkpoint.
	Checkpoint() ([]byte, error)
	// ConsistencyProof proves that the log of newSize documents
	// extends the log of oldSize documents; see [CheckConsistency].
	ConsistencyProof(oldSize, newSize int64) (tlog.TreeProof, error)
}

// Head returns the number of documents in l and the digest of the last
// one (zeros when l is empty): the seq-1 and prev of the next document.
func Head(l Ledger) (int64, Digest, error) {
	n, err := l.Len()
	if err != nil || n == 0 {
		return n, Digest{}, err
	}
	b, err := l.Read(n)
	if err != nil {
		return 0, Digest{}, err
	}
	return n, DigestOf(b), nil
}

// Snapshot is a read-only view of a ledger, given to a [Validator] while
// the ledger is locked.
type Snapshot interface {
	Len() int64
	Read(seq int64) ([]byte, error)
}

// A Validator decides whether a document may be appended, given the
// ledger as it stands. It runs under the ledger's lock, after the ledger's
// own checks, so no other writer can append in between: the layer above
// uses it to refuse, for example, a second draw for one announcement. An
// error from it is returned by Append, wrapped in a *LedgerError.
type Validator func(prior Snapshot, doc *Document, signed []byte) error

// DirOptions configures a [DirLedger].
type DirOptions struct {
	// Signer signs the checkpoint after every append. Without one the
	// ledger is read-only.
	Signer Signer
	// Verifiers, when not empty, are used to check that every document
	// and the checkpoint carry at least one valid signature by one of
	// them (signatures by other keys, such as witnesses, are allowed),
	// on open and on append. A writer should set them.
	Verifiers []note.Verifier
	// Validate, when set, is called before every append.
	Validate Validator
}

// Names of the fixed files of a ledger folder.
const (
	checkpointFile = "checkpoint"
	hashesFile     = "hashes"
	lockFileName   = "lock"
	tempPrefix     = ".tmp-"
)

// DocFileName returns the name of the file that holds document seq of
// the given kind in a [DirLedger]: the seq as at least 6 decimal digits,
// a hyphen, the kind and ".note", e.g. "000001-announcement.note".
func DocFileName(seq int64, kind Kind) string {
	return fmt.Sprintf("%06d-%s.note", seq, kind)
}

// parseDocFileName is the inverse of DocFileName; it accepts only names
// DocFileName produces.
func parseDocFileName(name string) (int64, Kind, bool) {
	num, rest, ok := strings.Cut(name, "-")
	if !ok {
		return 0, "", false
	}
	kind, ok := strings.CutSuffix(rest, ".note")
	if !ok || !Kind(kind).Valid() {
		return 0, "", false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 1 || n > MaxSeq || DocFileName(n, Kind(kind)) != name {
		return 0, "", false
	}
	return n, Kind(kind), true
}

// DirLedger is a [Ledger] kept in a folder:
//
//	000001-announcement.note   document 1, the signed note bytes as appended
//	000002-draw.note           document 2, ...
//	hashes                     the Merkle log's stored hashes (see below)
//	checkpoint                 the latest signed checkpoint
//	lock                       empty; flock'ed to serialise processes
//	cosigned/                  cosigned checkpoints, kept for good (see
//	                           [DirLedger.AddCosigned]); optional
//	.tmp-*                     in-flight writes; ignored, and removed by
//	                           the next writer to hold the lock exclusively
//
// The hashes file is the concatenation of the 32-byte hashes that
// golang.org/x/mod/sumdb/tlog stores for the log (tlog.StoredHashes), in
// stored-hash index order; record i is the digest of document i+1. It is
// derived from the documents and checked against them.
//
// An append writes the document to a temporary file, syncs it, links it
// to its final name (which fails rather than overwrite), syncs the folder,
// then extends the hashes file and replaces the checkpoint (temporary
// file, sync, rename, sync). The link is the commit point: if a writer
// dies after it, the next writer completes the hashes and the checkpoint
// when it opens the ledger or appends. Repairs (removing temporary files,
// completing the hashes and the checkpoint) are made only under the
// exclusive lock; every other call holds the lock shared and only reads,
// accepting a hashes file and a checkpoint that lag behind the documents.
//
// Open checks every file: each document parses, is in its right file,
// names the ledger, and chains to its predecessor by prev; seq numbers
// run 1..n with no gap; the hashes file and the checkpoint agree with
// the documents (so an altered, truncated or removed document is
// reported, naming its file). Anything unexpected in the folder is an
// error. Later calls read what other processes appended since, at a cost
// that does not grow with the ledger (see refresh); [DirLedger.Verify]
// checks every file again. A writer (a DirLedger opened with a Signer)
// must hold a key that signed the current checkpoint ([ErrWrongKey]),
// checked before anything is written.
//
// A DirLedger is safe for concurrent use by goroutines and by processes
// (appends are serialised by the lock file).
type DirLedger struct {
	dir  string
	opts DirOptions

	mu     sync.Mutex
	lock   *os.File // nil for a read-only ledger without a lock file
	name   string
	docs   []docInfo
	hashes []tlog.Hash
	cp     Checkpoint
	cpMsg  []byte
	closed bool
	// checked is the number of stored hashes of the hashes file already
	// compared with the documents, so that a refresh reads only the rest.
	checked int64
}

type docInfo struct {
	file   string
	digest Digest
}

// CreateDir creates a new, empty ledger named name in dir (which must not
// exist or be empty), writes its first checkpoint (size 0) signed by
// opts.Signer, and opens it.
func CreateDir(dir, name string, opts DirOptions) (*DirLedger, error) {
	lerr := func(file string, err error) error { return &LedgerError{Dir: dir, File: file, Err: err} }
	if err := checkName(name); err != nil {
		return nil, lerr("", fmt.Errorf("%w: ledger name: %v", ErrMalformed, err))
	}
	if opts.Signer == nil {
		return nil, lerr("", ErrReadOnly)
	}
	if err := os.Mkdir(dir, 0o755); err != nil && !errors.Is(err, fs.ErrExist) {
		return nil, lerr("", err)
	}
	lf, err := os.OpenFile(filepath.Join(dir, lockFileName), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, lerr(lockFileName, err)
	}
	defer lf.Close()
	if err := lockFile(lf, true); err != nil {
		return nil, lerr(lockFileName, err)
	}
	defer unlockFile(lf)
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, lerr("", err)
	}
	for _, e := range entries {
		if e.Name() != lockFileName {
			return nil, lerr(e.Name(), fmt.Errorf("%w: folder is not empty", ErrExists))
		}
	}
	cp, err := SignCheckpoint(Checkpoint{Origin: name, Size: 0, Root: emptyRoot}, opts.Signer)
	if err != nil {
		return nil, lerr(checkpointFile, err)
	}
	if err := writeNewFile(filepath.Join(dir, hashesFile), nil, 0o644); err != nil {
		return nil, lerr(hashesFile, err)
	}
	if err := writeAtomic(dir, checkpointFile, cp); err != nil {
		return nil, lerr(checkpointFile, err)
	}
	if err := unlockFile(lf); err != nil {
		return nil, lerr(lockFileName, err)
	}
	return OpenDir(dir, opts)
}

// OpenDir opens the ledger in dir and checks every file (see
// [DirLedger]). With opts.Signer set it also takes the writer's role:
// it removes leftover temporary files and completes an append that a
// crashed writer left half done. Errors are a *LedgerError; damage
// matches ErrCorrupt.
func OpenDir(dir string, opts DirOptions) (*DirLedger, error) {
	l := &DirLedger{dir: dir, opts: opts}
	var err error
	if opts.Signer != nil {
		l.lock, err = os.OpenFile(filepath.Join(dir, lockFileName), os.O_RDWR|os.O_CREATE, 0o644)
	} else {
		l.lock, err = os.Open(filepath.Join(dir, lockFileName))
		if errors.Is(err, fs.ErrNotExist) {
			// A copy of a published ledger may come without its lock
			// file; nobody appends to it, so read it unlocked.
			l.lock, err = nil, nil
		}
	}
	if err != nil {
		return nil, &LedgerError{Dir: dir, File: lockFileName, Err: err}
	}
	writer := opts.Signer != nil
	if err := l.withLock(writer, func() error { return l.load(true, writer) }); err != nil {
		l.Close()
		return nil, err
	}
	return l, nil
}

// Close releases the ledger's lock file. The DirLedger must not be used
// afterwards.
func (l *DirLedger) Close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.closed = true
	if l.lock == nil {
		return nil
	}
	err := l.lock.Close()
	l.lock = nil
	return err
}

// Dir returns the ledger's folder.
func (l *DirLedger) Dir() string { return l.dir }

// Name returns the ledger name, the origin of its checkpoint.
func (l *DirLedger) Name() string { return l.name }

// withLock runs f holding the mutex and the file lock.
func (l *DirLedger) withLock(exclusive bool, f func() error) error {
	if exclusive && l.opts.Signer == nil {
		return &LedgerError{Dir: l.dir, Err: ErrReadOnly}
	}
	if l.closed {
		return &LedgerError{Dir: l.dir, Err: errors.New("ledger is closed")}
	}
	if l.lock != nil {
		if err := lockFile(l.lock, exclusive); err != nil {
			return &LedgerError{Dir: l.dir, File: lockFileName, Err: err}
		}
		defer unlockFile(l.lock)
	}
	return f()
}

// corrupt returns a *LedgerError matching ErrCorrupt and detail.
func (l *DirLedger) corrupt(file string, seq int64, detail error) error {
	return &LedgerError{Dir: l.dir, File: file, Seq: seq, Err: fmt.Errorf("%w: %w", ErrCorrupt, detail)}
}

func (l *DirLedger) hashReader() tlog.HashReader {
	hashes := l.hashes
	return hashesReader(&hashes)
}

// hashesReader reads the stored hashes in *hashes, as they are when it
// is called.
func hashesReader(hashes *[]tlog.Hash) tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x < 0 || x >= int64(len(*hashes)) {
				return nil, fmt.Errorf("publish: stored hash %d not available", x)
			}
			out[i] = (*hashes)[x]
		}
		return out, nil
	})
}

// readFile reads a ledger file, refusing files larger than MaxNoteSize.
func readFile(path string) ([]byte, error) { return readAtMost(path, MaxNoteSize, "") }

// readAtMost reads the file path, refusing it unread past limit bytes
// with ErrMalformed: "[what ]longer than limit bytes".
func readAtMost(path string, limit int64, what string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%w: %slonger than %d bytes", ErrMalformed, what, limit)
	}
	return b, nil
}

// load (re)reads the folder under the lock. With full it checks every
// document again; otherwise only those added since the last load, after
// checking that the known ones are still in their files. With repair,
// which needs the exclusive lock, it also removes temporary files and
// completes the hashes file and the checkpoint; without, it writes
// nothing, so any number of loads may run at once under the shared lock.
func (l *DirLedger) load(full, repair bool) error {
	entries, err := os.ReadDir(l.dir)
	if err != nil {
		return &LedgerError{Dir: l.dir, Err: err}
	}
	var temps []string
	files := make(map[int64]string)
	var maxSeq int64
	seen := map[string]bool{}
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == checkpointFile || name == hashesFile || name == lockFileName:
			if !e.Type().IsRegular() {
				return l.corrupt(name, 0, errors.New("not a regular file"))
			}
			seen[name] = true
		case strings.HasPrefix(name, tempPrefix):
			temps = append(temps, name)
		case name == cosignedDir:
			// Checked by ReadCosigned and Verify, not here: a cosigned
			// checkpoint that disagrees with the documents is evidence
			// (of a rollback or a fork) to report, not damage to refuse.
			if !e.IsDir() {
				return l.corrupt(name, 0, errors.New("not a folder"))
			}
			if repair {
				cs, err := os.ReadDir(filepath.Join(l.dir, name))
				if err != nil {
					return &LedgerError{Dir: l.dir, File: name, Err: err}
				}
				for _, c := range cs {
					if strings.HasPrefix(c.Name(), tempPrefix) {
						temps = append(temps, filepath.Join(name, c.Name()))
					}
				}
			}
		default:
			seq, _, ok := parseDocFileName(name)
			if !ok || !e.Type().IsRegular() {
				return l.corrupt(name, 0, errors.New("unexpected file in ledger folder"))
			}
			if other, dup := files[seq]; dup {
				return l.corrupt(name, seq, fmt.Errorf("second file for document %d (also %s)", seq, other))
			}
			files[seq] = name
			maxSeq = max(maxSeq, seq)
		}
	}
	for _, f := range []string{checkpointFile, hashesFile} {
		if !seen[f] {
			return l.corrupt(f, 0, errors.New("file missing"))
		}
	}
	n := int64(len(files))
	if maxSeq != n {
		for i := int64(1); i <= maxSeq; i++ {
			if _, ok := files[i]; !ok {
				return l.corrupt("", i, fmt.Errorf("document %d is missing", i))
			}
		}
	}

	// Checkpoint: its origin names the ledger.
	cpMsg, err := readFile(filepath.Join(l.dir, checkpointFile))
	if err != nil {
		return l.corrupt(checkpointFile, 0, err)
	}
	cp, err := l.openCheckpoint(cpMsg)
	if err != nil {
		return err
	}
	if repair {
		if err := checkWriterKey(cpMsg, l.opts.Signer); err != nil {
			return &LedgerError{Dir: l.dir, File: checkpointFile, Err: err}
		}
	}
	if l.name == "" {
		l.name = cp.Origin
	} else if cp.Origin != l.name {
		return l.corrupt(checkpointFile, 0, &MismatchError{Field: "origin", Want: l.name, Got: cp.Origin})
	}

	// Documents.
	if full {
		l.docs, l.hashes = nil, nil
	}
	if n < int64(len(l.docs)) {
		return l.corrupt("", n+1, fmt.Errorf("document %d is missing", n+1))
	}
	for i, d := range l.docs {
		if files[int64(i+1)] != d.file {
			return l.corrupt(d.file, int64(i+1), errors.New("file missing or renamed"))
		}
	}
	for seq := int64(len(l.docs)) + 1; seq <= n; seq++ {
		file := files[seq]
		if err := l.readDoc(file, seq); err != nil {
			return err
		}
	}

	// The hashes file must agree with the documents as far as it goes.
	stored, err := os.ReadFile(filepath.Join(l.dir, hashesFile))
	if err != nil {
		return l.corrupt(hashesFile, 0, err)
	}
	k := int64(len(stored) / tlog.HashSize)
	for i := int64(0); i < min(k, int64(len(l.hashes))); i++ {
		if !bytes.Equal(stored[i*tlog.HashSize:(i+1)*tlog.HashSize], l.hashes[i][:]) {
			level, rec := tlog.SplitStoredHashIndex(i)
			if level == 0 {
				return l.corrupt(l.docs[rec].file, rec+1, &MismatchError{Field: "digest", Want: hashesFile + " entry", Got: l.docs[rec].digest.String()})
			}
			return l.corrupt(hashesFile, 0, fmt.Errorf("stored hash %d disagrees with the documents", i))
		}
	}
	if int64(len(stored)) > int64(len(l.hashes))*tlog.HashSize {
		return l.corrupt("", n+1, fmt.Errorf("document %d is missing: %s covers more documents than the folder holds", n+1, hashesFile))
	}
	l.checked = min(k, int64(len(l.hashes)))

	// The checkpoint must be a prefix of the documents.
	if err := l.acceptCheckpoint(cp, cpMsg, n); err != nil {
		return err
	}

	if !repair {
		return nil
	}
	// Exclusive writer: remove leftovers and finish an interrupted append.
	for _, t := range temps {
		if err := os.Remove(filepath.Join(l.dir, t)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return &LedgerError{Dir: l.dir, File: t, Err: err}
		}
	}
	if len(temps) > 0 {
		if err := syncDir(l.dir); err != nil {
			return &LedgerError{Dir: l.dir, Err: err}
		}
	}
	if int64(len(stored)) != int64(len(l.hashes))*tlog.HashSize {
		if err := writeAtomic(l.dir, hashesFile, l.hashBytes()); err != nil {
			return &LedgerError{Dir: l.dir, File: hashesFile, Err: err}
		}
	}
	if cp.Size != n {
		if err := l.writeCheckpoint(); err != nil {
			return err
		}
	}
	return nil
}

// checkDoc checks document seq, read from file, against the state.
func (l *DirLedger) checkDoc(file string, seq int64, b []byte) error {
	doc, err := ParseSigned(b)
	if err != nil {
		var de *DocumentError
		if errors.As(err, &de) {
			de.Doc = file
		}
		return l.corrupt(file, seq, err)
	}
	if doc.Seq != seq {
		return l.corrupt(file, seq, &MismatchError{Field: "seq", Want: strconv.FormatInt(seq, 10), Got: strconv.FormatInt(doc.Seq, 10)})
	}
	if want := DocFileName(seq, doc.Kind); want != file {
		return l.corrupt(file, seq, &MismatchError{Field: "file name", Want: want, Got: file})
	}
	if doc.Ledger != l.name {
		return l.corrupt(file, seq, &MismatchError{Field: "ledger", Want: l.name, Got: doc.Ledger})
	}
	if prev := l.headDigest(); doc.Prev != prev {
		return l.corrupt(file, seq, &MismatchError{Field: "prev", Want: prev.String(), Got: doc.Prev.String()})
	}
	if len(l.opts.Verifiers) > 0 {
		if _, err := (Policy{AllowUnknown: true}).Open(b, l.opts.Verifiers...); err != nil {
			return l.corrupt(file, seq, err)
		}
	}
	return nil
}

// readDoc reads, checks and adds document seq from file (load and
// refresh).
func (l *DirLedger) readDoc(file string, seq int64) error {
	b, err := readFile(filepath.Join(l.dir, file))
	if err != nil {
		return l.corrupt(file, seq, err)
	}
	if err := l.checkDoc(file, seq, b); err != nil {
		return err
	}
	return l.addDoc(file, DigestOf(b))
}

func (l *DirLedger) headDigest() Digest {
	if len(l.docs) == 0 {
		return Digest{}
	}
	return l.docs[len(l.docs)-1].digest
}

// addDoc extends the in-memory log with the next document.
func (l *DirLedger) addDoc(file string, d Digest) error {
	rec := int64(len(l.docs))
	hs, err := tlog.StoredHashes(rec, d[:], l.hashReader())
	if err != nil {
		return &LedgerError{Dir: l.dir, File: file, Err: err}
	}
	l.docs = append(l.docs, docInfo{file: file, digest: d})
	l.hashes = append(l.hashes, hs...)
	return nil
}

func (l *DirLedger) hashBytes() []byte {
	b := make([]byte, 0, len(l.hashes)*tlog.HashSize)
	for _, h := range l.hashes {
		b = append(b, h[:]...)
	}
	return b
}

// writeCheckpoint signs and writes a checkpoint for all documents.
func (l *DirLedger) writeCheckpoint() error {
	n := int64(len(l.docs))
	root, err := tlog.TreeHash(n, l.hashReader())
	if err != nil {
		return &LedgerError{Dir: l.dir, File: checkpointFile, Err: err}
	}
	cp := Checkpoint{Origin: l.name, Size: n, Root: root}
	msg, err := SignCheckpoint(cp, l.opts.Signer)
	if err != nil {
		return &LedgerError{Dir: l.dir, File: checkpointFile, Err: err}
	}
	if err := writeAtomic(l.dir, checkpointFile, msg); err != nil {
		return &LedgerError{Dir: l.dir, File: checkpointFile, Err: err}
	}
	l.cp, l.cpMsg = cp, msg
	return nil
}

// writeAtomic replaces dir/name with data: temporary file, sync, rename,
// sync of the folder.
func writeAtomic(dir, name string, data []byte) error {
	tmp := tempFile(dir, name)
	if err := writeNewFile(tmp, data, 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}

// tempFile returns this process's temporary file for dir/name, having
// removed a leftover of an earlier process with our pid.
func tempFile(dir, name string) string {
	tmp := filepath.Join(dir, fmt.Sprintf("%s%d-%s", tempPrefix, os.Getpid(), name))
	os.Remove(tmp)
	return tmp
}

// createAtomic creates dir/name holding data, crash-safe and never
// replacing a file: a temporary file, synced, linked to the final name
// (ErrExists if taken) and removed. The caller syncs dir.
func createAtomic(dir, name string, data []byte) error {
	tmp := tempFile(dir, name)
	if err := writeNewFile(tmp, data, 0o644); err != nil {
		return err
	}
	return linkNew(tmp, filepath.Join(dir, name))
}

// linkNew gives the complete file tmp the name final, failing with
// ErrExists rather than replace an existing file, and removes tmp.
func linkNew(tmp, final string) error {
	err := os.Link(tmp, final)
	os.Remove(tmp)
	if errors.Is(err, fs.ErrExist) {
		return ErrExists
	}
	return err
}

// refresh reads what other processes may have appended since the last
// load, without writing: it runs under the shared lock. Unlike load, its
// cost does not grow with the ledger: it looks for the next documents by
// name, compares only the stored hashes it has not compared yet, and
// checks the checkpoint again only when its bytes changed. A document
// already read that was altered or removed since is found when it is read
// (its digest is checked) and by [DirLedger.Verify] or the next OpenDir,
// which check every file.
func (l *DirLedger) refresh() error {
	for {
		seq := int64(len(l.docs)) + 1
		file, err := l.probe(seq)
		if err != nil {
			return err
		}
		if file == "" {
			break
		}
		if err := l.readDoc(file, seq); err != nil {
			return err
		}
	}
	n := int64(len(l.docs))

	// The stored hashes not compared yet.
	f, err := os.Open(filepath.Join(l.dir, hashesFile))
	if err != nil {
		return l.corrupt(hashesFile, 0, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return l.corrupt(hashesFile, 0, err)
	}
	k := st.Size() / tlog.HashSize
	switch {
	case k > int64(len(l.hashes)):
		return l.corrupt("", n+1, fmt.Errorf("document %d is missing: %s covers more documents than the folder holds", n+1, hashesFile))
	case k < l.checked:
		return l.corrupt(hashesFile, 0, fmt.Errorf("holds %d stored hashes, fewer than the %d read before", k, l.checked))
	case k > l.checked:
		tail := make([]byte, (k-l.checked)*tlog.HashSize)
		if _, err := f.ReadAt(tail, l.checked*tlog.HashSize); err != nil {
			return l.corrupt(hashesFile, 0, err)
		}
		for i := l.checked; i < k; i++ {
			off := (i - l.checked) * tlog.HashSize
			if !bytes.Equal(tail[off:off+tlog.HashSize], l.hashes[i][:]) {
				level, rec := tlog.SplitStoredHashIndex(i)
				if level == 0 {
					return l.corrupt(l.docs[rec].file, rec+1, &MismatchError{Field: "digest", Want: hashesFile + " entry", Got: l.docs[rec].digest.String()})
				}
				return l.corrupt(hashesFile, 0, fmt.Errorf("stored hash %d disagrees with the documents", i))
			}
		}
		l.checked = k
	}

	// The checkpoint, when it changed.
	cpMsg, err := readFile(filepath.Join(l.dir, checkpointFile))
	if err != nil {
		return l.corrupt(checkpointFile, 0, err)
	}
	if bytes.Equal(cpMsg, l.cpMsg) {
		return nil
	}
	cp, err := l.openCheckpoint(cpMsg)
	if err != nil {
		return err
	}
	if cp.Origin != l.name {
		return l.corrupt(checkpointFile, 0, &MismatchError{Field: "origin", Want: l.name, Got: cp.Origin})
	}
	return l.acceptCheckpoint(cp, cpMsg, n)
}

// openCheckpoint parses the ledger's checkpoint file cpMsg and checks
// its signatures against the ledger's verifiers, if any (load and
// refresh).
func (l *DirLedger) openCheckpoint(cpMsg []byte) (Checkpoint, error) {
	cp, err := ParseSignedCheckpoint(cpMsg)
	if err != nil {
		return Checkpoint{}, l.corrupt(checkpointFile, 0, err)
	}
	if len(l.opts.Verifiers) > 0 {
		if _, err := (Policy{AllowUnknown: true}).Open(cpMsg, l.opts.Verifiers...); err != nil {
			return Checkpoint{}, l.corrupt(checkpointFile, 0, err)
		}
	}
	return cp, nil
}

// acceptCheckpoint keeps the checkpoint cp (signed note cpMsg) after
// checking that it covers a prefix of the n documents read, with their
// root (load and refresh).
func (l *DirLedger) acceptCheckpoint(cp Checkpoint, cpMsg []byte, n int64) error {
	if cp.Size > n {
		return l.corrupt("", n+1, fmt.Errorf("document %d is missing: the checkpoint covers %d documents", n+1, cp.Size))
	}
	root, err := tlog.TreeHash(cp.Size, l.hashReader())
	if err != nil {
		return l.corrupt(checkpointFile, 0, err)
	}
	if root != cp.Root {
		return l.corrupt(checkpointFile, 0, &MismatchError{Field: "root", Want: Checkpoint{cp.Origin, cp.Size, root}.String(), Got: cp.String()})
	}
	l.cp, l.cpMsg = cp, cpMsg
	return nil
}

// probe returns the name of the file of document seq, "" when there is
// none; two files for one seq are damage.
func (l *DirLedger) probe(seq int64) (string, error) {
	found := ""
	for _, k := range allKinds {
		name := DocFileName(seq, k)
		fi, err := os.Lstat(filepath.Join(l.dir, name))
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return "", l.corrupt(name, seq, err)
		}
		if !fi.Mode().IsRegular() {
			return "", l.corrupt(name, seq, errors.New("unexpected file in ledger folder"))
		}
		if found != "" {
			return "", l.corrupt(name, seq, fmt.Errorf("second file for document %d (also %s)", seq, found))
		}
		found = name
	}
	return found, nil
}

// checkWriterKey refuses a writer whose key did not sign the ledger's
// checkpoint: it would sign checkpoints (and, through the layer above,
// documents) that the ledger's readers cannot verify.
func checkWriterKey(cpMsg []byte, s Signer) error {
	keys, err := NoteKeys(cpMsg)
	if err != nil {
		return err
	}
	id := KeyID{Name: s.Name(), Hash: s.KeyHash()}
	for _, k := range keys {
		if k == id {
			return nil
		}
	}
	return fmt.Errorf("%w: the checkpoint is signed by %s, the writer's key is %s", ErrWrongKey, keyList(keys), id)
}

// Len returns the number of documents.
func (l *DirLedger) Len() (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var n int64
	err := l.withLock(false, func() error {
		if err := l.refresh(); err != nil {
			return err
		}
		n = int64(len(l.docs))
		return nil
	})
	return n, err
}

// Read returns the bytes of document seq, checking them against the log.
func (l *DirLedger) Read(seq int64) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b []byte
	err := l.withLock(false, func() error {
		if err := l.refresh(); err != nil {
			return err
		}
		var err error
		b, err = l.readLocked(seq)
		return err
	})
	return b, err
}

func (l *DirLedger) readLocked(seq int64) ([]byte, error) {
	if seq < 1 || seq > int64(len(l.docs)) {
		return nil, &LedgerError{Dir: l.dir, Seq: seq, Err: fmt.Errorf("no document %d in a ledger of %d", seq, len(l.docs))}
	}
	d := l.docs[seq-1]
	b, err := readFile(filepath.Join(l.dir, d.file))
	if err != nil {
		return nil, l.corrupt(d.file, seq, err)
	}
	if got := DigestOf(b); got != d.digest {
		return nil, l.corrupt(d.file, seq, &MismatchError{Field: "digest", Want: d.digest.String(), Got: got.String()})
	}
	return b, nil
}

// Checkpoint returns the latest signed checkpoint. After a writer crash it
// may cover fewer documents than Len until the next writer opens the
// ledger or appends.
func (l *DirLedger) Checkpoint() ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b []byte
	err := l.withLock(false, func() error {
		if err := l.refresh(); err != nil {
			return err
		}
		b = bytes.Clone(l.cpMsg)
		return nil
	})
	return b, err
}

// ConsistencyProof proves that the log of newSize documents extends the
// log of oldSize documents, 0 <= oldSize <= newSize <= Len.
func (l *DirLedger) ConsistencyProof(oldSize, newSize int64) (tlog.TreeProof, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var p tlog.TreeProof
	err := l.withLock(false, func() error {
		if err := l.refresh(); err != nil {
			return err
		}
		if oldSize < 0 || oldSize > newSize || newSize > int64(len(l.docs)) {
			return &LedgerError{Dir: l.dir, Err: fmt.Errorf("no consistency proof from %d to %d in a ledger of %d", oldSize, newSize, len(l.docs))}
		}
		if oldSize == 0 || oldSize == newSize {
			p = tlog.TreeProof{}
			return nil
		}
		var err error
		p, err = tlog.ProveTree(newSize, oldSize, l.hashReader())
		return err
	})
	return p, err
}

// InclusionProof proves that document seq is in the log of size
// documents; see [CheckInclusion].
func (l *DirLedger) InclusionProof(seq, size int64) (tlog.RecordProof, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var p tlog.RecordProof
	err := l.withLock(false, func() error {
		if err := l.refresh(); err != nil {
			return err
		}
		if seq < 1 || seq > size || size > int64(len(l.docs)) {
			return &LedgerError{Dir: l.dir, Seq: seq, Err: fmt.Errorf("no inclusion proof of %d in size %d of a ledger of %d", seq, size, len(l.docs))}
		}
		var err error
		p, err = tlog.ProveRecord(size, seq-1, l.hashReader())
		return err
	})
	return p, err
}

// Verify checks every file of the ledger again, as OpenDir does.
func (l *DirLedger) Verify() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.withLock(false, func() error { return l.load(true, false) })
}

// Append adds a signed document (see [Ledger.Append]): it must parse,
// name this ledger, follow the head (seq and prev, else ErrStale), carry a
// valid signature when opts.Verifiers is set, and pass opts.Validate. It
// returns the new document's seq. If the document was written but the
// hashes or checkpoint could not be, Append returns the seq with the
// error; the next writer to open the ledger completes them.
func (l *DirLedger) Append(signed []byte) (int64, error) {
	return l.append(func(int64, Digest) ([]byte, error) { return signed, nil })
}

// AppendNext builds and appends the next document under the lock: build
// gets the seq and prev the document must carry and returns it signed.
// Unlike Append it cannot lose a race with another writer.
func (l *DirLedger) AppendNext(build func(seq int64, prev Digest) ([]byte, error)) (int64, error) {
	return l.append(build)
}

func (l *DirLedger) append(build func(int64, Digest) ([]byte, error)) (int64, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var seq int64
	err := l.withLock(true, func() error {
		// Under the exclusive lock: complete a crashed writer's append
		// first, so the hashes file holds documents 1..Len.
		if err := l.load(false, true); err != nil {
			return err
		}
		next, prev := int64(len(l.docs))+1, l.headDigest()
		signed, err := build(next, prev)
		if err != nil {
			return &LedgerError{Dir: l.dir, Seq: next, Err: err}
		}
		doc, err := ParseSigned(signed)
		if err != nil {
			return &LedgerError{Dir: l.dir, Seq: next, Err: err}
		}
		switch {
		case doc.Ledger != l.name:
			return &LedgerError{Dir: l.dir, Seq: next, Err: &MismatchError{Field: "ledger", Want: l.name, Got: doc.Ledger}}
		case doc.Seq != next:
			return &LedgerError{Dir: l.dir, Seq: next, Err: fmt.Errorf("%w: %w", ErrStale, &MismatchError{Field: "seq", Want: strconv.FormatInt(next, 10), Got: strconv.FormatInt(doc.Seq, 10)})}
		case doc.Prev != prev:
			return &LedgerError{Dir: l.dir, Seq: next, Err: fmt.Errorf("%w: %w", ErrStale, &MismatchError{Field: "prev", Want: prev.String(), Got: doc.Prev.String()})}
		}
		if len(l.opts.Verifiers) > 0 {
			if _, err := (Policy{AllowUnknown: true}).Open(signed, l.opts.Verifiers...); err != nil {
				return &LedgerError{Dir: l.dir, Seq: next, Err: err}
			}
		}
		if l.opts.Validate != nil {
			if err := l.opts.Validate(snapshot{l}, doc, signed); err != nil {
				return &LedgerError{Dir: l.dir, Seq: next, Err: err}
			}
		}
		file := DocFileName(next, doc.Kind)
		if err := createAtomic(l.dir, file, signed); err != nil {
			return &LedgerError{Dir: l.dir, File: file, Err: err}
		}
		// Committed: from here on, report the seq even on error.
		seq = next
		if err := syncDir(l.dir); err != nil {
			return &LedgerError{Dir: l.dir, File: file, Err: err}
		}
		if err := l.addDoc(file, DigestOf(signed)); err != nil {
			return err
		}
		if err := l.appendHashes(next); err != nil {
			return err
		}
		return l.writeCheckpoint()
	})
	return seq, err
}

// appendHashes writes the stored hashes of document seq to the hashes
// file, which holds those of documents 1..seq-1.
func (l *DirLedger) appendHashes(seq int64) error {
	from := tlog.StoredHashIndex(0, seq-1)
	f, err := os.OpenFile(filepath.Join(l.dir, hashesFile), os.O_WRONLY, 0)
	if err != nil {
		return &LedgerError{Dir: l.dir, File: hashesFile, Err: err}
	}
	b := l.hashBytes()[from*tlog.HashSize:]
	_, err = f.WriteAt(b, from*tlog.HashSize)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return &LedgerError{Dir: l.dir, File: hashesFile, Err: err}
	}
	return nil
}

// snapshot is the view of a locked DirLedger given to a Validator.
type snapshot struct{ l *DirLedger }

func (s snapshot) Len() int64                     { return int64(len(s.l.docs)) }
func (s snapshot) Read(seq int64) ([]byte, error) { return s.l.readLocked(seq) }
