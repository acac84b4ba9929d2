package publish

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// The locking contract of DirLedger, tested wherever the tests run:
//
//   - where the platform has a file lock (flock on Linux, macOS and the
//     BSDs, LockFileEx on Windows), a second writer's append waits for
//     the first one's to end, then appends after it: nothing is lost,
//     nothing is overwritten, whether the two writers are two DirLedgers
//     of one process or two processes;
//   - elsewhere (lock_other.go), creating a ledger or opening one to
//     append is refused with errNoLock, and reading works.

// haveFileLock says whether lockFile takes a real lock on this platform.
// It is written out here rather than taken from the build files, so that
// a build that quietly loses its lock fails this test.
func haveFileLock() bool {
	switch runtime.GOOS {
	case "linux", "android", "darwin", "ios", "freebsd", "netbsd", "openbsd", "dragonfly", "windows":
		return true
	}
	return false
}

// lockWait is how long a second writer must stay blocked while the first
// holds the lock for the test to count it as waiting.
const lockWait = 300 * time.Millisecond

// blockingValidator returns a Validator that, on its first call, reports
// that it holds the ledger's lock (inside) and waits until release is
// closed. Appends run their Validator under the exclusive lock.
func blockingValidator(inside chan<- struct{}, release <-chan struct{}) Validator {
	first := true
	return func(Snapshot, *Document, []byte) error {
		if first {
			first = false
			close(inside)
			<-release
		}
		return nil
	}
}

// appendBody appends a document with the given body through AppendNext.
func appendBody(l *DirLedger, s Signer, body string) (int64, error) {
	return l.AppendNext(func(seq int64, prev Digest) ([]byte, error) {
		return SignDocument(&Document{Kind: KindResults, Ledger: l.Name(), Seq: seq, Prev: prev, Body: []byte(body + "\n")}, s)
	})
}

// requireBodies checks that the ledger in dir holds exactly the bodies
// given, in order, with a checkpoint for all of them.
func requireBodies(t *testing.T, dir string, v note.Verifier, bodies ...string) {
	t.Helper()
	r, err := OpenDir(dir, DirOptions{Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer r.Close()
	n, err := r.Len()
	require.NoError(t, err)
	require.Equal(t, int64(len(bodies)), n)
	for i, want := range bodies {
		d, err := ParseSigned(mustRead(t, r, int64(i+1)))
		require.NoError(t, err)
		require.Equal(t, want+"\n", string(d.Body), "document %d", i+1)
	}
	require.Equal(t, n, openCheckpoint(t, r, v).Size)
	require.NoError(t, r.Verify())
}

func TestLockContractTwoHandles(t *testing.T) {
	s, v := testKey(t, agencyName)
	dir := filepath.Join(t.TempDir(), "ledger")
	if !haveFileLock() {
		testNoLock(t, dir, s, v)
		return
	}
	l, err := CreateDir(dir, agencyName, DirOptions{Signer: s, Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	require.NoError(t, l.Close())

	inside, release := make(chan struct{}), make(chan struct{})
	first, err := OpenDir(dir, DirOptions{Signer: s, Verifiers: []note.Verifier{v}, Validate: blockingValidator(inside, release)})
	require.NoError(t, err)
	defer first.Close()
	second, err := OpenDir(dir, DirOptions{Signer: s, Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer second.Close()
	reader, err := OpenDir(dir, DirOptions{Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer reader.Close()

	firstDone := make(chan error, 1)
	go func() {
		_, err := appendBody(first, s, `{"writer":"first"}`)
		firstDone <- err
	}()
	<-inside // the first writer holds the exclusive lock

	secondDone := make(chan error, 1)
	go func() {
		seq, err := appendBody(second, s, `{"writer":"second"}`)
		if err == nil && seq != 2 {
			err = fmt.Errorf("second writer appended seq %d, want 2", seq)
		}
		secondDone <- err
	}()
	// A reader (shared lock) waits for the writer too, and then sees
	// the first writer's document.
	readDone := make(chan error, 1)
	go func() {
		n, err := reader.Len()
		if err == nil && n == 0 {
			err = errors.New("the reader did not see the first writer's document")
		}
		readDone <- err
	}()
	select {
	case err := <-secondDone:
		close(release)
		t.Fatalf("the second writer did not wait for the lock (err %v)", err)
	case err := <-readDone:
		close(release)
		t.Fatalf("the reader did not wait for the lock (err %v)", err)
	case <-time.After(lockWait):
	}
	close(release)
	require.NoError(t, <-firstDone)
	require.NoError(t, <-secondDone)
	require.NoError(t, <-readDone)
	requireBodies(t, dir, v, `{"writer":"first"}`, `{"writer":"second"}`)
}

// testNoLock checks the refusal of the builds without a file lock.
func testNoLock(t *testing.T, dir string, s Signer, v note.Verifier) {
	_, err := CreateDir(dir, agencyName, DirOptions{Signer: s})
	require.ErrorIs(t, err, errNoLock)
	// A ledger copied from elsewhere (here: an empty one written by
	// hand) is read without a lock, and cannot be appended to.
	require.NoError(t, os.RemoveAll(dir))
	require.NoError(t, os.Mkdir(dir, 0o755))
	cp, err := SignCheckpoint(Checkpoint{Origin: agencyName, Size: 0, Root: emptyRoot}, s)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, hashesFile), nil, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, checkpointFile), cp, 0o644))
	r, err := OpenDir(dir, DirOptions{Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	n, err := r.Len()
	require.NoError(t, err)
	require.Zero(t, n)
	require.NoError(t, r.Close())
	_, err = OpenDir(dir, DirOptions{Signer: s})
	require.ErrorIs(t, err, errNoLock)
}

const lockChildEnv = "DOUBLERANDOM_PUBLISH_TEST_LOCK_HOLDER"

// TestLockHolderChildProcess is the body of the child process of
// TestLockContractTwoProcesses; on its own it does nothing. It appends
// one document and, holding the lock in the middle of that append, says
// "inside" and waits for a line on stdin; it says "done" when the
// append has returned.
func TestLockHolderChildProcess(t *testing.T) {
	dir := os.Getenv(lockChildEnv)
	if dir == "" {
		t.Skip("only runs as a child of TestLockContractTwoProcesses")
	}
	s, v := testKey(t, agencyName)
	inside, release := make(chan struct{}), make(chan struct{})
	l, err := OpenDir(dir, DirOptions{Signer: s, Verifiers: []note.Verifier{v}, Validate: blockingValidator(inside, release)})
	require.NoError(t, err)
	defer l.Close()
	go func() {
		<-inside
		fmt.Println("inside")
		bufio.NewScanner(os.Stdin).Scan()
		close(release)
	}()
	_, err = appendBody(l, s, `{"writer":"child"}`)
	require.NoError(t, err)
	fmt.Println("done")
}

func TestLockContractTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a process")
	}
	if !haveFileLock() || runtime.GOOS == "ios" || runtime.GOOS == "android" {
		t.Skip("no file lock or no child processes here (TestLockContractTwoHandles tests the refusal)")
	}
	s, v := testKey(t, agencyName)
	dir := filepath.Join(t.TempDir(), "ledger")
	l, err := CreateDir(dir, agencyName, DirOptions{Signer: s, Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer l.Close()

	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHolderChildProcess$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+dir)
	cmd.Stderr = os.Stderr
	in, err := cmd.StdinPipe()
	require.NoError(t, err)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	defer func() {
		if cmd.ProcessState == nil { // not waited for: the test failed
			in.Close()
			cmd.Wait()
		}
	}()
	lines := bufio.NewScanner(out)
	next := func() string {
		// Skip the test framework's own lines (=== RUN and the like).
		for lines.Scan() {
			switch s := lines.Text(); s {
			case "inside", "done":
				return s
			}
		}
		return "(the child ended: " + fmt.Sprint(lines.Err()) + ")"
	}
	require.Equal(t, "inside", next())

	// The child holds the lock: this process's append waits.
	done := make(chan error, 1)
	go func() {
		seq, err := appendBody(l, s, `{"writer":"parent"}`)
		if err == nil && seq != 2 {
			err = fmt.Errorf("parent appended seq %d, want 2", seq)
		}
		done <- err
	}()
	select {
	case err := <-done:
		t.Fatalf("the parent's append did not wait for the child's lock (err %v)", err)
	case <-time.After(lockWait):
	}
	_, err = fmt.Fprintln(in, "release")
	require.NoError(t, err)
	require.Equal(t, "done", next())
	require.NoError(t, <-done)
	in.Close()
	require.NoError(t, cmd.Wait())
	requireBodies(t, dir, v, `{"writer":"child"}`, `{"writer":"parent"}`)
}
