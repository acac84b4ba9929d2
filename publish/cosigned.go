package publish

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// cosignedDir is the subfolder of a DirLedger holding cosigned
// checkpoints.
const cosignedDir = "cosigned"

// MaxCosignedSize bounds a cosigned checkpoint: three lines and at most
// MaxSignatures signature lines fit in far less. Larger files are refused
// unread, so that a hostile folder costs little.
const MaxCosignedSize = 16 << 10

// readCosigned reads a cosigned checkpoint file of at most
// MaxCosignedSize bytes.
func readCosigned(path string) ([]byte, error) {
	return readAtMost(path, MaxCosignedSize, "a cosigned checkpoint ")
}

// CosignedFileName returns the name under which a [DirLedger] keeps a
// cosigned checkpoint: its size as at least 6 decimal digits, a hyphen,
// the first 8 bytes of the SHA-256 of the signed note in hex, and
// ".checkpoint", e.g. "000003-1f0c8e2a9b7d6c5e.checkpoint". The name
// depends on the exact bytes, so two different cosigned notes (another
// witness, another time, or a fork) never share one.
func CosignedFileName(size int64, msg []byte) string {
	h := sha256.Sum256(msg)
	return fmt.Sprintf("%06d-%s.checkpoint", size, hex.EncodeToString(h[:8]))
}

// parseCosignedFileName returns the size a cosigned file name claims.
func parseCosignedFileName(name string) (int64, bool) {
	num, rest, ok := strings.Cut(name, "-")
	if !ok {
		return 0, false
	}
	hash, ok := strings.CutSuffix(rest, ".checkpoint")
	if !ok || len(hash) != 16 || strings.ToLower(hash) != hash {
		return 0, false
	}
	if _, err := hex.DecodeString(hash); err != nil {
		return 0, false
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n < 0 || n > MaxSeq || fmt.Sprintf("%06d", n) != num {
		return 0, false
	}
	return n, true
}

// CosignedFile is a cosigned checkpoint kept in a ledger folder.
type CosignedFile struct {
	Name string // e.g. "cosigned/000003-1f0c8e2a9b7d6c5e.checkpoint"
	Msg  []byte // the signed note
}

// AddCosigned keeps a cosigned checkpoint in the ledger folder, in
// cosigned/[CosignedFileName], for good: unlike the checkpoint file,
// which every append replaces, these files are never changed or removed,
// so the witnessed times they carry stay available to [Verify].
//
// The checkpoint must be of this ledger: its origin is the ledger's name,
// its size at most Len and its root that of the first size documents;
// with DirOptions.Verifiers set, it must carry a valid signature by one
// of them. Witness signatures are not checked here (the ledger does not
// know the witnesses; [Verify] does). Adding the same bytes twice is a
// no-op. It returns the file's name, relative to the ledger folder.
//
// The write is crash-safe: a temporary file in cosigned/, synced, linked
// to its final name (never replacing a file), and the folder synced. It
// needs no signer: a witness may add its cosignature to a ledger it can
// only read.
func (l *DirLedger) AddCosigned(msg []byte) (string, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var name string
	err := l.withLock(false, func() error {
		if err := l.refresh(); err != nil {
			return err
		}
		if len(msg) > MaxCosignedSize {
			return &LedgerError{Dir: l.dir, File: cosignedDir, Err: fmt.Errorf("%w: a cosigned checkpoint longer than %d bytes", ErrMalformed, MaxCosignedSize)}
		}
		c, err := ParseSignedCheckpoint(msg)
		if err != nil {
			return &LedgerError{Dir: l.dir, File: cosignedDir, Err: err}
		}
		name = filepath.ToSlash(filepath.Join(cosignedDir, CosignedFileName(c.Size, msg)))
		lerr := func(err error) error { return &LedgerError{Dir: l.dir, File: name, Err: err} }
		if c.Origin != l.name {
			return lerr(&MismatchError{Field: "origin", Want: l.name, Got: c.Origin})
		}
		if c.Size > int64(len(l.docs)) {
			return lerr(&RollbackError{Origin: l.name, KeptSize: c.Size, GotSize: int64(len(l.docs)), Kept: msg})
		}
		root, err := tlog.TreeHash(c.Size, l.hashReader())
		if err != nil {
			return lerr(err)
		}
		if root != c.Root {
			return lerr(&ForkError{Origin: l.name, A: msg, Root: root, Err: errors.New("not the ledger's root at this size")})
		}
		if len(l.opts.Verifiers) > 0 {
			if _, err := (Policy{AllowUnknown: true}).Open(msg, l.opts.Verifiers...); err != nil {
				return lerr(err)
			}
		}
		dir := filepath.Join(l.dir, cosignedDir)
		if err := os.Mkdir(dir, 0o755); err == nil {
			if err := syncDir(l.dir); err != nil {
				return lerr(err)
			}
		} else if !errors.Is(err, fs.ErrExist) {
			return lerr(err)
		}
		final := filepath.Join(l.dir, name)
		if old, err := os.ReadFile(final); err == nil && string(old) == string(msg) {
			return nil
		}
		if err := createAtomic(dir, filepath.Base(name), msg); err != nil {
			return lerr(err)
		}
		if err := syncDir(dir); err != nil {
			return lerr(err)
		}
		return nil
	})
	return name, err
}

// ReadCosigned returns the cosigned checkpoints kept in the ledger
// folder, ordered by size and then by name. It checks the file names
// (temporary files are skipped) and that each file is a signed
// checkpoint of the size its name says; it checks no signature and no
// root: [Verify] does, and reports a rollback or a fork.
func (l *DirLedger) ReadCosigned() ([]CosignedFile, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []CosignedFile
	err := l.withLock(false, func() error {
		if l.closed {
			return &LedgerError{Dir: l.dir, Err: errors.New("ledger is closed")}
		}
		dir := filepath.Join(l.dir, cosignedDir)
		entries, err := os.ReadDir(dir)
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		if err != nil {
			return &LedgerError{Dir: l.dir, File: cosignedDir, Err: err}
		}
		type entry struct {
			size int64
			f    CosignedFile
		}
		var list []entry
		for _, e := range entries {
			name := cosignedDir + "/" + e.Name()
			if strings.HasPrefix(e.Name(), tempPrefix) {
				continue
			}
			size, ok := parseCosignedFileName(e.Name())
			if !ok || !e.Type().IsRegular() {
				return l.corrupt(name, 0, errors.New("unexpected file in the cosigned folder"))
			}
			msg, err := readCosigned(filepath.Join(dir, e.Name()))
			if err != nil {
				return l.corrupt(name, 0, err)
			}
			c, err := ParseSignedCheckpoint(msg)
			if err != nil {
				return l.corrupt(name, 0, err)
			}
			if want := CosignedFileName(c.Size, msg); want != e.Name() || c.Size != size {
				return l.corrupt(name, 0, &MismatchError{Field: "file name", Want: cosignedDir + "/" + want, Got: name})
			}
			list = append(list, entry{size, CosignedFile{Name: name, Msg: msg}})
		}
		slices.SortFunc(list, func(a, b entry) int {
			if a.size != b.size {
				return int(min(max(a.size-b.size, -1), 1))
			}
			return strings.Compare(a.f.Name, b.f.Name)
		})
		for _, e := range list {
			out = append(out, e.f)
		}
		return nil
	})
	return out, err
}
