package publish

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// newTestLedger creates a ledger in a fresh folder, writable with the
// agency key and checking signatures with it.
func newTestLedger(t *testing.T) (*DirLedger, Signer, note.Verifier) {
	t.Helper()
	s, v := testKey(t, agencyName)
	dir := filepath.Join(t.TempDir(), "ledger")
	l, err := CreateDir(dir, agencyName, DirOptions{Signer: s, Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	return l, s, v
}

// appendTest appends a document of kind with a one-line body.
func appendTest(t *testing.T, l *DirLedger, s Signer, kind Kind, body string) int64 {
	t.Helper()
	seq, err := l.AppendNext(func(seq int64, prev Digest) ([]byte, error) {
		return SignDocument(&Document{Kind: kind, Ledger: l.Name(), Seq: seq, Prev: prev, Body: []byte(body + "\n")}, s)
	})
	require.NoError(t, err)
	return seq
}

var testKinds = []Kind{KindAnnouncement, KindDraw, KindAmendment, KindResults}

// fillLedger appends n documents.
func fillLedger(t *testing.T, l *DirLedger, s Signer, n int) {
	for i := 1; i <= n; i++ {
		require.Equal(t, int64(i), appendTest(t, l, s, testKinds[(i-1)%4], fmt.Sprintf(`{"n":%d}`, i)))
	}
}

func openCheckpoint(t *testing.T, l Ledger, v note.Verifier) Checkpoint {
	t.Helper()
	msg, err := l.Checkpoint()
	require.NoError(t, err)
	c, _, err := Policy{}.OpenCheckpoint(msg, v)
	require.NoError(t, err)
	return c
}

func TestLedgerAppendReadReopen(t *testing.T) {
	l, s, v := newTestLedger(t)
	require.Equal(t, agencyName, l.Name())
	c := openCheckpoint(t, l, v)
	require.Equal(t, Checkpoint{agencyName, 0, emptyRoot}, c)

	fillLedger(t, l, s, 5)
	n, err := l.Len()
	require.NoError(t, err)
	require.Equal(t, int64(5), n)
	for _, f := range []string{"000001-announcement.note", "000002-draw.note", "000005-announcement.note", "hashes", "checkpoint", "lock"} {
		require.FileExists(t, filepath.Join(l.Dir(), f))
	}

	// Reopen read-only, as an auditor would.
	r, err := OpenDir(l.Dir(), DirOptions{Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer r.Close()
	prev := Digest{}
	for i := int64(1); i <= 5; i++ {
		b, err := r.Read(i)
		require.NoError(t, err)
		d, _, err := OpenDocument(b, v)
		require.NoError(t, err)
		require.Equal(t, i, d.Seq)
		require.Equal(t, prev, d.Prev)
		prev = DigestOf(b)
	}
	_, err = r.Read(6)
	require.Error(t, err)
	seq, head, err := Head(r)
	require.NoError(t, err)
	require.Equal(t, int64(5), seq)
	require.Equal(t, prev, head)
	c = openCheckpoint(t, r, v)
	require.Equal(t, int64(5), c.Size)
	for i := int64(1); i <= 5; i++ {
		b, _ := r.Read(i)
		p, err := r.InclusionProof(i, 5)
		require.NoError(t, err)
		require.NoError(t, CheckInclusion(c, i, DigestOf(b), p))
		require.Error(t, CheckInclusion(c, i, Digest{1}, p))
	}

	// A read-only ledger refuses appends; the reader sees the writer's
	// later appends.
	_, err = r.Append([]byte("x"))
	require.ErrorIs(t, err, ErrReadOnly)
	appendTest(t, l, s, KindResults, "{}")
	n, err = r.Len()
	require.NoError(t, err)
	require.Equal(t, int64(6), n)
	require.NoError(t, r.Verify())

	// Creating over an existing ledger is refused.
	_, err = CreateDir(l.Dir(), agencyName, DirOptions{Signer: s})
	require.ErrorIs(t, err, ErrExists)
}

// TestLedgerDetectsDamage damages a 4-document ledger in one way per case
// and checks that readers and writers refuse it, naming the file (or the
// seq of a missing document).
func TestLedgerDetectsDamage(t *testing.T) {
	cases := []struct {
		name   string
		damage func(dir string) error
		file   string
		seq    int64
	}{
		{"truncated middle", func(dir string) error { return truncateHalf(filepath.Join(dir, "000002-draw.note")) }, "000002-draw.note", 2},
		{"truncated last", func(dir string) error { return truncateHalf(filepath.Join(dir, "000004-results.note")) }, "000004-results.note", 4},
		{"flipped middle", func(dir string) error { return flipBody(filepath.Join(dir, "000003-amendment.note")) }, "000003-amendment.note", 3},
		{"flipped last", func(dir string) error { return flipBody(filepath.Join(dir, "000004-results.note")) }, "000004-results.note", 4},
		{"flipped signature", func(dir string) error { return flipLastLine(filepath.Join(dir, "000001-announcement.note")) }, "000001-announcement.note", 1},
		{"removed middle", func(dir string) error { return os.Remove(filepath.Join(dir, "000002-draw.note")) }, "", 2},
		{"removed last", func(dir string) error { return os.Remove(filepath.Join(dir, "000004-results.note")) }, "", 4},
		{"renamed kind", func(dir string) error {
			return os.Rename(filepath.Join(dir, "000004-results.note"), filepath.Join(dir, "000004-draw.note"))
		}, "000004-draw.note", 4},
		{"stray file", func(dir string) error { return os.WriteFile(filepath.Join(dir, "notes.txt"), nil, 0o644) }, "notes.txt", 0},
		{"editor backup", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, "000002-draw.note~"), nil, 0o644)
		}, "000002-draw.note~", 0},
		{"checkpoint root altered", func(dir string) error { return flipRoot(filepath.Join(dir, "checkpoint")) }, "checkpoint", 0},
		{"checkpoint removed", func(dir string) error { return os.Remove(filepath.Join(dir, "checkpoint")) }, "checkpoint", 0},
		{"hashes altered", func(dir string) error {
			b, err := os.ReadFile(filepath.Join(dir, "hashes"))
			if err != nil {
				return err
			}
			b[len(b)-1] ^= 1
			return os.WriteFile(filepath.Join(dir, "hashes"), b, 0o644)
		}, "hashes", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			l, s, v := newTestLedger(t)
			fillLedger(t, l, s, 4)
			require.NoError(t, l.Close())
			require.NoError(t, c.damage(l.Dir()))
			for _, opts := range []DirOptions{{}, {Verifiers: []note.Verifier{v}}, {Signer: s, Verifiers: []note.Verifier{v}}} {
				_, err := OpenDir(l.Dir(), opts)
				require.ErrorIs(t, err, ErrCorrupt)
				var le *LedgerError
				require.ErrorAs(t, err, &le)
				require.Equal(t, c.file, le.File, "%v", err)
				if c.seq != 0 {
					require.Equal(t, c.seq, le.Seq, "%v", err)
				}
			}
		})
	}
}

func truncateHalf(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.Truncate(path, fi.Size()/2)
}

// flipBody changes one character of the text in a way that keeps it a
// well-formed note: '1' becomes '2' in the first line that has one after
// the first line.
func flipBody(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	i := strings.IndexAny(string(b[1:]), "0123456789") + 1
	if i == 0 {
		return errors.New("no digit")
	}
	if b[i] == '9' {
		b[i] = '8'
	} else {
		b[i]++
	}
	return os.WriteFile(path, b, 0o644)
}

// flipRoot changes the first character of the checkpoint's root line.
func flipRoot(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	lines := strings.SplitN(string(b), "\n", 4)
	if lines[2][0] == 'A' {
		lines[2] = "B" + lines[2][1:]
	} else {
		lines[2] = "A" + lines[2][1:]
	}
	return os.WriteFile(path, []byte(strings.Join(lines, "\n")), 0o644)
}

// flipLastLine alters the last signature byte.
func flipLastLine(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	b[len(b)-3] ^= 0x01
	return os.WriteFile(path, b, 0o644)
}

func TestLedgerTempFilesAndCrashRecovery(t *testing.T) {
	l, s, v := newTestLedger(t)
	fillLedger(t, l, s, 3)
	dir := l.Dir()
	require.NoError(t, l.Close())

	// A crashed writer left a partial temp file of document 4.
	tmp := filepath.Join(dir, ".tmp-99999-000004-draw.note")
	require.NoError(t, os.WriteFile(tmp, []byte("doublerandom/v1 dr"), 0o644))
	r, err := OpenDir(dir, DirOptions{Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	n, _ := r.Len()
	require.Equal(t, int64(3), n)
	require.FileExists(t, tmp) // readers never delete
	r.Close()

	// A crashed writer committed document 4 (linked its file) but did
	// not update hashes and checkpoint.
	w, err := OpenDir(dir, DirOptions{Signer: s, Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	require.NoFileExists(t, tmp) // the writer cleans up
	_, prev, err := Head(w)
	require.NoError(t, err)
	w.Close()
	doc4, err := SignDocument(&Document{Kind: KindDraw, Ledger: agencyName, Seq: 4, Prev: prev, Body: []byte("{}\n")}, s)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "000004-draw.note"), doc4, 0o644))

	r, err = OpenDir(dir, DirOptions{Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	n, _ = r.Len()
	require.Equal(t, int64(4), n)
	require.Equal(t, int64(3), openCheckpoint(t, r, v).Size) // not yet covered
	r.Close()

	w, err = OpenDir(dir, DirOptions{Signer: s, Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer w.Close()
	require.Equal(t, int64(4), openCheckpoint(t, w, v).Size) // completed
	require.NoError(t, w.Verify())
}

func TestLedgerRefusals(t *testing.T) {
	l, s, _ := newTestLedger(t)
	fillLedger(t, l, s, 3)
	file3 := filepath.Join(l.Dir(), "000003-amendment.note")
	before, err := os.ReadFile(file3)
	require.NoError(t, err)
	prev2 := DigestOf(mustRead(t, l, 2))

	// A second document 3: stale, nothing overwritten.
	dup, err := SignDocument(&Document{Kind: KindAmendment, Ledger: agencyName, Seq: 3, Prev: prev2, Body: []byte("{\"other\":1}\n")}, s)
	require.NoError(t, err)
	_, err = l.Append(dup)
	require.ErrorIs(t, err, ErrStale)
	var me *MismatchError
	require.ErrorAs(t, err, &me)
	require.Equal(t, "seq", me.Field)
	after, _ := os.ReadFile(file3)
	require.Equal(t, before, after)

	// Right seq, wrong prev: stale.
	bad, _ := SignDocument(&Document{Kind: KindResults, Ledger: agencyName, Seq: 4, Prev: prev2, Body: []byte("{}\n")}, s)
	_, err = l.Append(bad)
	require.ErrorIs(t, err, ErrStale)

	// Wrong ledger.
	_, prev3, _ := Head(l)
	bad, _ = SignDocument(&Document{Kind: KindResults, Ledger: "other", Seq: 4, Prev: prev3, Body: []byte("{}\n")}, s)
	_, err = l.Append(bad)
	require.ErrorAs(t, err, &me)
	require.Equal(t, "ledger", me.Field)

	// Signed by an unknown key.
	other, _ := testKey(t, "someone-else")
	bad, _ = SignDocument(&Document{Kind: KindResults, Ledger: agencyName, Seq: 4, Prev: prev3, Body: []byte("{}\n")}, other)
	_, err = l.Append(bad)
	require.ErrorIs(t, err, ErrUnknownKey)

	// Not a document.
	_, err = l.Append([]byte("garbage"))
	require.ErrorIs(t, err, ErrMalformed)

	n, _ := l.Len()
	require.Equal(t, int64(3), n)

	// The link step never replaces a file.
	tmp := filepath.Join(t.TempDir(), "tmp")
	require.NoError(t, os.WriteFile(tmp, []byte("new"), 0o644))
	require.ErrorIs(t, linkNew(tmp, file3), ErrExists)
	after, _ = os.ReadFile(file3)
	require.Equal(t, before, after)
}

func mustRead(t *testing.T, l Ledger, seq int64) []byte {
	t.Helper()
	b, err := l.Read(seq)
	require.NoError(t, err)
	return b
}

func TestLedgerValidator(t *testing.T) {
	s, v := testKey(t, agencyName)
	// Refuse a second draw: the kind of check the draw layer makes.
	validate := func(prior Snapshot, doc *Document, signed []byte) error {
		if doc.Kind != KindDraw {
			return nil
		}
		for i := int64(1); i <= prior.Len(); i++ {
			b, err := prior.Read(i)
			if err != nil {
				return err
			}
			d, err := ParseSigned(b)
			if err != nil {
				return err
			}
			if d.Kind == KindDraw {
				return fmt.Errorf("document %d is already the draw", i)
			}
		}
		return nil
	}
	l, err := CreateDir(filepath.Join(t.TempDir(), "l"), agencyName, DirOptions{Signer: s, Verifiers: []note.Verifier{v}, Validate: validate})
	require.NoError(t, err)
	defer l.Close()
	appendTest(t, l, s, KindAnnouncement, "{}")
	appendTest(t, l, s, KindDraw, "{}")
	_, err = l.AppendNext(func(seq int64, prev Digest) ([]byte, error) {
		return SignDocument(&Document{Kind: KindDraw, Ledger: agencyName, Seq: seq, Prev: prev, Body: []byte("{}\n")}, s)
	})
	require.ErrorContains(t, err, "already the draw")
	var le *LedgerError
	require.ErrorAs(t, err, &le)
	require.Equal(t, int64(3), le.Seq)
	n, _ := l.Len()
	require.Equal(t, int64(2), n)
}

func TestLedgerConsistency(t *testing.T) {
	l, s, v := newTestLedger(t)
	cps := []Checkpoint{openCheckpoint(t, l, v)}
	for i := 1; i <= 9; i++ {
		appendTest(t, l, s, KindResults, fmt.Sprintf(`{"i":%d}`, i))
		cps = append(cps, openCheckpoint(t, l, v))
	}
	for i, old := range cps {
		for _, cur := range cps[i:] {
			p, err := l.ConsistencyProof(old.Size, cur.Size)
			require.NoError(t, err)
			require.NoError(t, CheckConsistency(old, cur, p), "%d -> %d", old.Size, cur.Size)
			if old.Size < cur.Size {
				// The reverse (a rollback) is refused.
				require.ErrorIs(t, CheckConsistency(cur, old, p), ErrInconsistent)
			}
		}
	}
	_, err := l.ConsistencyProof(3, 10)
	require.Error(t, err)
}

func TestLedgerForkDetected(t *testing.T) {
	s, v := testKey(t, agencyName)
	opts := DirOptions{Signer: s, Verifiers: []note.Verifier{v}}
	a, err := CreateDir(filepath.Join(t.TempDir(), "a"), agencyName, opts)
	require.NoError(t, err)
	defer a.Close()
	b, err := CreateDir(filepath.Join(t.TempDir(), "b"), agencyName, opts)
	require.NoError(t, err)
	defer b.Close()
	for i := 1; i <= 3; i++ { // shared prefix, byte for byte
		appendTest(t, a, s, KindAnnouncement, fmt.Sprintf(`{"i":%d}`, i))
		appendTest(t, b, s, KindAnnouncement, fmt.Sprintf(`{"i":%d}`, i))
	}
	require.Equal(t, mustRead(t, a, 3), mustRead(t, b, 3))
	appendTest(t, a, s, KindDraw, `{"seed":"honest"}`)
	appendTest(t, b, s, KindDraw, `{"seed":"regrind"}`)
	appendTest(t, b, s, KindResults, `{}`)

	// A reader kept a's checkpoint at 4 and now sees b at 5.
	seen := openCheckpoint(t, a, v)
	now := openCheckpoint(t, b, v)
	p, err := b.ConsistencyProof(seen.Size, now.Size)
	require.NoError(t, err)
	err = CheckConsistency(seen, now, p)
	require.ErrorIs(t, err, ErrInconsistent)
	var ce *ConsistencyError
	require.ErrorAs(t, err, &ce)
	require.Equal(t, int64(4), ce.OldSize)

	// The shared prefix itself is consistent with both.
	pa, err := a.ConsistencyProof(3, 4)
	require.NoError(t, err)
	pb, err := b.ConsistencyProof(3, 5)
	require.NoError(t, err)
	old3 := Checkpoint{Origin: agencyName, Size: 3, Root: rootAt(t, a, 3)}
	require.NoError(t, CheckConsistency(old3, seen, pa))
	require.NoError(t, CheckConsistency(old3, now, pb))
	// Same size, different roots.
	require.ErrorIs(t, CheckConsistency(seen, Checkpoint{agencyName, 4, rootAt(t, b, 4)}, nil), ErrInconsistent)

	// Another origin.
	require.ErrorIs(t, CheckConsistency(seen, Checkpoint{"other", 5, now.Root}, nil), ErrInconsistent)
}

// rootAt returns the root of the first n documents of l.
func rootAt(t *testing.T, l *DirLedger, n int64) tlog.Hash {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var root tlog.Hash
	require.NoError(t, l.withLock(false, func() error {
		if err := l.refresh(); err != nil {
			return err
		}
		var err error
		root, err = tlog.TreeHash(n, l.hashReader())
		return err
	}))
	return root
}

const (
	childEnvDir = "DOUBLERANDOM_PUBLISH_TEST_LEDGER"
	childEnvID  = "DOUBLERANDOM_PUBLISH_TEST_CHILD"
	childDocs   = 12
)

// TestLedgerChildProcess is the body of the child processes of
// TestLedgerTwoProcesses; on its own it does nothing.
func TestLedgerChildProcess(t *testing.T) {
	dir, id := os.Getenv(childEnvDir), os.Getenv(childEnvID)
	if dir == "" {
		t.Skip("only runs as a child of TestLedgerTwoProcesses")
	}
	s, v := testKey(t, agencyName)
	l, err := OpenDir(dir, DirOptions{Signer: s, Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer l.Close()
	for i := 0; i < childDocs; i++ {
		body := []byte(fmt.Sprintf(`{"child":%q,"i":%d}`+"\n", id, i))
		if i%2 == 0 {
			_, err := l.AppendNext(func(seq int64, prev Digest) ([]byte, error) {
				return SignDocument(&Document{Kind: KindResults, Ledger: agencyName, Seq: seq, Prev: prev, Body: body}, s)
			})
			require.NoError(t, err)
			continue
		}
		// Optimistic append through the Ledger interface: retry when the
		// other process got there first (bounded).
		var lg Ledger = l
		for try := 0; ; try++ {
			require.Less(t, try, 1000)
			n, prev, err := Head(lg)
			require.NoError(t, err)
			msg, err := SignDocument(&Document{Kind: KindResults, Ledger: agencyName, Seq: n + 1, Prev: prev, Body: body}, s)
			require.NoError(t, err)
			_, err = lg.Append(msg)
			if errors.Is(err, ErrStale) {
				continue
			}
			require.NoError(t, err)
			break
		}
	}
}

func TestLedgerTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	l, _, v := newTestLedger(t)
	require.NoError(t, l.Close())
	var wg sync.WaitGroup
	outs := make([][]byte, 2)
	errs := make([]error, 2)
	for c := 0; c < 2; c++ {
		wg.Add(1)
		go func(c int) {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestLedgerChildProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), childEnvDir+"="+l.Dir(), fmt.Sprintf("%s=c%d", childEnvID, c))
			outs[c], errs[c] = cmd.CombinedOutput()
		}(c)
	}
	wg.Wait()
	for c := range 2 {
		require.NoError(t, errs[c], "child %d:\n%s", c, outs[c])
		require.NotContains(t, string(outs[c]), "no tests to run")
	}
	r, err := OpenDir(l.Dir(), DirOptions{Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer r.Close()
	n, err := r.Len()
	require.NoError(t, err)
	require.Equal(t, int64(2*childDocs), n)
	seen := map[string]bool{}
	for i := int64(1); i <= n; i++ {
		d, err := ParseSigned(mustRead(t, r, i))
		require.NoError(t, err)
		seen[string(d.Body)] = true
	}
	require.Len(t, seen, 2*childDocs) // nothing lost, nothing twice
	require.Equal(t, int64(2*childDocs), openCheckpoint(t, r, v).Size)
}

// commitUnfinished plays a writer that died just after its commit point:
// it links document seq (chained to prev) into dir, leaves an in-flight
// temporary file, and writes neither the hashes nor the checkpoint. It
// returns the new document's digest.
func commitUnfinished(t *testing.T, dir string, s Signer, seq int64, prev Digest) Digest {
	t.Helper()
	b, err := SignDocument(&Document{Kind: KindResults, Ledger: agencyName, Seq: seq, Prev: prev, Body: fmt.Appendf(nil, `{"unfinished":%d}`+"\n", seq)}, s)
	require.NoError(t, err)
	tmp := filepath.Join(dir, fmt.Sprintf(".tmp-99999-%06d", seq))
	require.NoError(t, os.WriteFile(tmp, b, 0o644))
	require.NoError(t, os.Link(tmp, filepath.Join(dir, DocFileName(seq, KindResults))))
	return DigestOf(b)
}

// ledgerState returns the files a repair would change: the hashes file,
// the checkpoint and the names of the temporary files.
func ledgerState(t *testing.T, dir string) []string {
	t.Helper()
	hashes, err := os.ReadFile(filepath.Join(dir, hashesFile))
	require.NoError(t, err)
	cp, err := os.ReadFile(filepath.Join(dir, checkpointFile))
	require.NoError(t, err)
	tmps, err := filepath.Glob(filepath.Join(dir, tempPrefix+"*"))
	require.NoError(t, err)
	return append([]string{string(hashes), string(cp)}, tmps...)
}

// TestLedgerWritersReadWithoutRepair is the regression test for crash
// repair under the shared lock: two writers open on one folder whose last
// append was committed but not finished call the read methods at the same
// time. Before the fix both repaired at once and one failed renaming the
// other's temporary hashes file; now reads write nothing and succeed, and
// the next append (under the exclusive lock) completes the repair.
func TestLedgerWritersReadWithoutRepair(t *testing.T) {
	l, s, v := newTestLedger(t)
	fillLedger(t, l, s, 3)
	_, prev, err := Head(l)
	require.NoError(t, err)
	dir := l.Dir()
	require.NoError(t, l.Close())
	opts := DirOptions{Signer: s, Verifiers: []note.Verifier{v}}
	writers := make([]*DirLedger, 2)
	for i := range writers {
		writers[i], err = OpenDir(dir, opts)
		require.NoError(t, err)
		defer writers[i].Close()
	}

	const rounds = 8
	for seq := int64(4); seq < 4+rounds; seq++ {
		prev = commitUnfinished(t, dir, s, seq, prev)
		before := ledgerState(t, dir)
		var wg sync.WaitGroup
		errs := make([]error, 2*len(writers))
		for i, w := range writers {
			for j := range 2 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					errs[2*i+j] = readAll(w, seq)
				}()
			}
		}
		wg.Wait()
		for i, err := range errs {
			require.NoError(t, err, "round %d, reader %d", seq, i)
		}
		require.Equal(t, before, ledgerState(t, dir), "round %d: a read changed the folder", seq)
		require.Equal(t, int64(3), openCheckpoint(t, writers[0], v).Size, "the checkpoint lags")
	}

	// The next append completes the crashed ones and cleans up.
	last := int64(4 + rounds)
	require.Equal(t, last, appendTest(t, writers[1], s, KindResults, "{}"))
	require.Equal(t, last, openCheckpoint(t, writers[0], v).Size)
	tmps, err := filepath.Glob(filepath.Join(dir, tempPrefix+"*"))
	require.NoError(t, err)
	require.Empty(t, tmps)
	require.NoError(t, writers[0].Verify())
}

// readAll calls every read method of w, expecting n documents.
func readAll(w *DirLedger, n int64) error {
	got, err := w.Len()
	if err != nil {
		return err
	}
	if got != n {
		return fmt.Errorf("Len = %d, want %d", got, n)
	}
	if _, err := w.Read(n); err != nil {
		return err
	}
	if _, err := w.Checkpoint(); err != nil {
		return err
	}
	if _, err := w.ConsistencyProof(1, n); err != nil {
		return err
	}
	if _, err := w.InclusionProof(n, n); err != nil {
		return err
	}
	return w.Verify()
}

const childEnvReader = "DOUBLERANDOM_PUBLISH_TEST_READER"

// TestLedgerReaderChildProcess is the body of the child processes of
// TestLedgerWritersReadTwoProcesses; on its own it does nothing. It opens
// the ledger as a writer, says "ready", then for every line "N" on stdin
// calls the read methods expecting N documents and answers "ok" or the
// error, on one line.
func TestLedgerReaderChildProcess(t *testing.T) {
	dir := os.Getenv(childEnvReader)
	if dir == "" {
		t.Skip("only runs as a child of TestLedgerWritersReadTwoProcesses")
	}
	s, v := testKey(t, agencyName)
	l, err := OpenDir(dir, DirOptions{Signer: s, Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer l.Close()
	fmt.Println("ready")
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		n, err := strconv.ParseInt(sc.Text(), 10, 64)
		require.NoError(t, err)
		answer := "ok"
		if err := readAll(l, n); err != nil {
			answer = strings.ReplaceAll(err.Error(), "\n", " ")
		}
		fmt.Println(answer)
	}
}

// TestLedgerWritersReadTwoProcesses is the two-process form of
// TestLedgerWritersReadWithoutRepair: two writer processes, opened before
// the crashed appends, read at the same time after each one.
func TestLedgerWritersReadTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns processes")
	}
	l, s, v := newTestLedger(t)
	fillLedger(t, l, s, 3)
	_, prev, err := Head(l)
	require.NoError(t, err)
	dir := l.Dir()
	require.NoError(t, l.Close())

	type child struct {
		cmd *exec.Cmd
		in  io.WriteCloser
		out *bufio.Scanner
	}
	children := make([]child, 2)
	for i := range children {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLedgerReaderChildProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), childEnvReader+"="+dir)
		cmd.Stderr = os.Stderr
		in, err := cmd.StdinPipe()
		require.NoError(t, err)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		require.NoError(t, cmd.Start())
		c := child{cmd, in, bufio.NewScanner(out)}
		defer func() {
			c.in.Close()
			c.cmd.Wait()
		}()
		require.True(t, c.out.Scan(), "child %d did not start", i)
		require.Equal(t, "ready", c.out.Text())
		children[i] = c
	}

	const rounds = 10
	for seq := int64(4); seq < 4+rounds; seq++ {
		prev = commitUnfinished(t, dir, s, seq, prev)
		before := ledgerState(t, dir)
		for _, c := range children {
			_, err := fmt.Fprintln(c.in, seq)
			require.NoError(t, err)
		}
		for i, c := range children {
			require.True(t, c.out.Scan(), "child %d ended", i)
			require.Equal(t, "ok", c.out.Text(), "round %d, child %d", seq, i)
		}
		require.Equal(t, before, ledgerState(t, dir), "round %d: a read changed the folder", seq)
	}
	for i, c := range children {
		require.NoError(t, c.in.Close())
		require.NoError(t, c.cmd.Wait(), "child %d", i)
	}

	// A writer opening the ledger completes the crashed appends.
	w, err := OpenDir(dir, DirOptions{Signer: s, Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer w.Close()
	require.Equal(t, int64(3+rounds), openCheckpoint(t, w, v).Size)
	require.NoError(t, w.Verify())
}
