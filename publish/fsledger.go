package publish

import (
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// FSLedger is a read-only [Ledger] over the files of a ledger folder (the
// layout of [DirLedger]) in an fs.FS: a published copy served by a web
// server and fetched by a browser, a zip file, an embedded folder. It is
// what [Verify] reads when the ledger is not on a local disk.
//
// [OpenFS] checks only what it needs to number the documents: file names
// as [DocFileName] writes them, seq 1..n without a gap, a checkpoint that
// parses. It does not check the documents, their chain or signatures, or
// that the checkpoint covers them: [Verify] does, and names the document
// that disagrees. The hashes file, derived from the documents, is
// ignored, and so are the lock file and temporary files.
type FSLedger struct {
	name  string
	dir   string
	files []string // files[i] holds document i+1
	docs  [][]byte
	cp    []byte
	hs    []tlog.Hash
}

// OpenFS reads the ledger folder dir of fsys ("." for its root). Errors
// are a *LedgerError naming the file.
func OpenFS(fsys fs.FS, dir string) (*FSLedger, error) {
	l := &FSLedger{dir: dir}
	lerr := func(file string, seq int64, err error) error {
		return &LedgerError{Dir: dir, File: file, Seq: seq, Err: err}
	}
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, lerr("", 0, err)
	}
	byseq := map[int64]string{}
	var maxSeq int64
	for _, e := range entries {
		name := e.Name()
		switch {
		case name == checkpointFile || name == hashesFile || name == lockFileName || strings.HasPrefix(name, tempPrefix):
			continue
		}
		seq, _, ok := parseDocFileName(name)
		if !ok || e.IsDir() {
			return nil, lerr(name, 0, fmt.Errorf("%w: unexpected file in ledger folder", ErrCorrupt))
		}
		if other, dup := byseq[seq]; dup {
			return nil, lerr(name, seq, fmt.Errorf("%w: second file for document %d (also %s)", ErrCorrupt, seq, other))
		}
		byseq[seq] = name
		maxSeq = max(maxSeq, seq)
	}
	for seq := int64(1); seq <= maxSeq; seq++ {
		if _, ok := byseq[seq]; !ok {
			return nil, lerr("", seq, fmt.Errorf("%w: document %d is missing", ErrCorrupt, seq))
		}
	}
	read := func(file string) ([]byte, error) {
		f, err := fsys.Open(path.Join(dir, file))
		if err != nil {
			return nil, err
		}
		defer f.Close()
		b, err := io.ReadAll(io.LimitReader(f, MaxNoteSize+1))
		if err == nil && len(b) > MaxNoteSize {
			err = fmt.Errorf("%w: longer than %d bytes", ErrMalformed, MaxNoteSize)
		}
		return b, err
	}
	if l.cp, err = read(checkpointFile); err != nil {
		return nil, lerr(checkpointFile, 0, fmt.Errorf("%w: %w", ErrCorrupt, err))
	}
	cp, err := ParseSignedCheckpoint(l.cp)
	if err != nil {
		return nil, lerr(checkpointFile, 0, fmt.Errorf("%w: %w", ErrCorrupt, err))
	}
	l.name = cp.Origin
	for seq := int64(1); seq <= maxSeq; seq++ {
		file := byseq[seq]
		b, err := read(file)
		if err != nil {
			return nil, lerr(file, seq, fmt.Errorf("%w: %w", ErrCorrupt, err))
		}
		d := DigestOf(b)
		hs, err := tlog.StoredHashes(seq-1, d[:], l.hashReader())
		if err != nil {
			return nil, lerr(file, seq, err)
		}
		l.files = append(l.files, file)
		l.docs = append(l.docs, b)
		l.hs = append(l.hs, hs...)
	}
	return l, nil
}

func (l *FSLedger) hashReader() tlog.HashReader {
	return tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			if x < 0 || x >= int64(len(l.hs)) {
				return nil, fmt.Errorf("publish: stored hash %d not available", x)
			}
			out[i] = l.hs[x]
		}
		return out, nil
	})
}

// Name returns the ledger name, the origin of its checkpoint.
func (l *FSLedger) Name() string { return l.name }

// Len returns the number of documents.
func (l *FSLedger) Len() (int64, error) { return int64(len(l.docs)), nil }

// File returns the name of the file that holds document seq, "" if none
// does. Unlike [DocFileName] it needs no parsed document, so it names a
// document too damaged to parse.
func (l *FSLedger) File(seq int64) string {
	if seq < 1 || seq > int64(len(l.files)) {
		return ""
	}
	return l.files[seq-1]
}

// Read returns the bytes of document seq.
func (l *FSLedger) Read(seq int64) ([]byte, error) {
	if seq < 1 || seq > int64(len(l.docs)) {
		return nil, &LedgerError{Dir: l.dir, Seq: seq, Err: fmt.Errorf("no document %d in a ledger of %d", seq, len(l.docs))}
	}
	return slices.Clone(l.docs[seq-1]), nil
}

// Append refuses: an FSLedger is read-only.
func (l *FSLedger) Append([]byte) (int64, error) {
	return 0, &LedgerError{Dir: l.dir, Err: ErrReadOnly}
}

// Checkpoint returns the checkpoint file as read.
func (l *FSLedger) Checkpoint() ([]byte, error) { return slices.Clone(l.cp), nil }

// ConsistencyProof proves that the first oldSize documents are a prefix
// of the first newSize, computed from the documents read.
func (l *FSLedger) ConsistencyProof(oldSize, newSize int64) (tlog.TreeProof, error) {
	if oldSize < 0 || oldSize > newSize || newSize > int64(len(l.docs)) {
		return nil, &LedgerError{Dir: l.dir, Err: fmt.Errorf("no consistency proof from %d to %d in a ledger of %d", oldSize, newSize, len(l.docs))}
	}
	if oldSize == 0 || oldSize == newSize {
		return tlog.TreeProof{}, nil
	}
	return tlog.ProveTree(newSize, oldSize, l.hashReader())
}

var _ Ledger = (*FSLedger)(nil)
