//go:build linux

package publish

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// The crash tests run copies of the test binary as writers (TestCrashChild)
// and kill them with SIGKILL at seeded, varying points of their appends.
// A child reports each document it appended, after Append returned, as a
// line "ack SEQ DIGEST" on stdout; what it printed is what it promised.
const (
	crashEnvDir  = "DOUBLERANDOM_CRASH_DIR"
	crashEnvID   = "DOUBLERANDOM_CRASH_ID"
	crashEnvMode = "DOUBLERANDOM_CRASH_MODE" // "next" (AppendNext) or "append" (Head+Append, retry on ErrStale)

	crashChildMaxDocs = 2000             // a child left alone stops by itself
	crashChildMaxTime = 30 * time.Second // likewise
	crashAckTimeout   = 15 * time.Second

	// crashEnvSeed, when set to a number, replaces the fixed seed of the
	// kill schedule, to stress the ledger with other schedules:
	//
	//	for i in $(seq 100); do DOUBLERANDOM_CRASH_SEED=$i go test -run Crash ./publish || break; done
	crashEnvSeed = "DOUBLERANDOM_CRASH_SEED"
)

// crashSeed returns the seed of a kill schedule: def unless crashEnvSeed
// is set.
func crashSeed(t *testing.T, def uint64) uint64 {
	s := os.Getenv(crashEnvSeed)
	if s == "" {
		return def
	}
	n, err := strconv.ParseUint(s, 10, 64)
	require.NoError(t, err, crashEnvSeed)
	t.Logf("%s=%d", crashEnvSeed, n)
	return n
}

// TestCrashChild is the body of the child processes of the crash tests;
// on its own it does nothing.
// crashKinds are the kinds the crash writers cycle through: every kind
// of document, withdrawals and seals included.
var crashKinds = append(slices.Clone(testKinds), KindWithdrawal, KindSeal)

func TestCrashChild(t *testing.T) {
	dir, id, mode := os.Getenv(crashEnvDir), os.Getenv(crashEnvID), os.Getenv(crashEnvMode)
	if dir == "" {
		t.Skip("only runs as a child of TestCrashKill and TestCrashKillTwoWriters")
	}
	s, v := testKey(t, agencyName)
	l, err := OpenDir(dir, DirOptions{Signer: s, Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer l.Close()
	deadline := time.Now().Add(crashChildMaxTime)
	for i := 0; i < crashChildMaxDocs && time.Now().Before(deadline); i++ {
		body := fmt.Appendf(nil, `{"child":%q,"i":%d}`+"\n", id, i)
		kind := crashKinds[i%len(crashKinds)]
		var signed []byte
		var seq int64
		if mode == "append" {
			var lg Ledger = l
			for try := 0; ; try++ {
				require.Less(t, try, 10000, "too many stale retries")
				n, prev, err := Head(lg)
				require.NoError(t, err)
				signed, err = SignDocument(&Document{Kind: kind, Ledger: agencyName, Seq: n + 1, Prev: prev, Body: body}, s)
				require.NoError(t, err)
				seq, err = lg.Append(signed)
				if errors.Is(err, ErrStale) {
					continue
				}
				require.NoError(t, err)
				break
			}
		} else {
			seq, err = l.AppendNext(func(seq int64, prev Digest) ([]byte, error) {
				var err error
				signed, err = SignDocument(&Document{Kind: kind, Ledger: agencyName, Seq: seq, Prev: prev, Body: body}, s)
				return signed, err
			})
			require.NoError(t, err)
		}
		// One write(2) per line: a kill never leaves half an ack.
		_, err = os.Stdout.WriteString(fmt.Sprintf("ack %d %s\n", seq, DigestOf(signed)))
		require.NoError(t, err)
	}
}

// ack is one acknowledged append.
type ack struct {
	seq    int64
	digest Digest
}

// crashChild is a running child writer.
type crashChild struct {
	id     string
	cmd    *exec.Cmd
	acks   chan ack // closed at the child's EOF
	stderr *bytes.Buffer
	got    []ack
}

func startCrashChild(t *testing.T, dir, id, mode string) *crashChild {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), crashEnvDir+"="+dir, crashEnvID+"="+id, crashEnvMode+"="+mode)
	out, err := cmd.StdoutPipe()
	require.NoError(t, err)
	c := &crashChild{id: id, cmd: cmd, acks: make(chan ack, 1024), stderr: new(bytes.Buffer)}
	cmd.Stderr = c.stderr
	require.NoError(t, cmd.Start())
	go func() {
		defer close(c.acks)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			a, ok := parseAck(sc.Text())
			if ok {
				c.acks <- a
			}
		}
		io.Copy(io.Discard, out)
	}()
	return c
}

func parseAck(line string) (ack, bool) {
	f := strings.Fields(line)
	if len(f) != 3 || f[0] != "ack" {
		return ack{}, false
	}
	seq, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return ack{}, false
	}
	d, err := ParseDigest(f[2])
	if err != nil {
		return ack{}, false
	}
	return ack{seq, d}, true
}

// waitAcks waits until the child has acknowledged n more appends.
func (c *crashChild) waitAcks(t *testing.T, n int) {
	t.Helper()
	timeout := time.After(crashAckTimeout)
	for range n {
		select {
		case a, ok := <-c.acks:
			require.True(t, ok, "child %s ended early:\n%s", c.id, c.stderr)
			c.got = append(c.got, a)
		case <-timeout:
			t.Fatalf("child %s: no ack within %v:\n%s", c.id, crashAckTimeout, c.stderr)
		}
	}
}

// kill sends SIGKILL, then collects the acks the child printed before it
// died and reaps it.
func (c *crashChild) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, c.cmd.Process.Signal(syscall.SIGKILL))
	for a := range c.acks {
		c.got = append(c.got, a)
	}
	err := c.cmd.Wait()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "child %s was not killed:\n%s", c.id, c.stderr)
	ws, ok := ee.Sys().(syscall.WaitStatus)
	require.True(t, ok)
	require.True(t, ws.Signaled() && ws.Signal() == syscall.SIGKILL, "child %s ended otherwise (%v):\n%s", c.id, err, c.stderr)
}

// crashAuditor checks a ledger after each kill, as a reader who keeps
// every checkpoint and every digest it has seen.
type crashAuditor struct {
	dir    string
	s      Signer
	v      note.Verifier
	acked  map[int64]Digest // every acknowledged document
	seen   []Digest         // digests of documents 1..len(seen) read so far
	cp     Checkpoint       // the last checkpoint seen
	checks int
	// What the kills left behind, seen by readers: an append whose
	// checkpoint was not yet written, and temporary files.
	halfDone, temps int
}

func newCrashAuditor(t *testing.T) *crashAuditor {
	s, v := testKey(t, agencyName)
	dir := filepath.Join(t.TempDir(), "ledger")
	l, err := CreateDir(dir, agencyName, DirOptions{Signer: s, Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	a := &crashAuditor{dir: dir, s: s, v: v, acked: map[int64]Digest{}, seen: []Digest{}, cp: openCheckpoint(t, l, v)}
	require.NoError(t, l.Close())
	return a
}

// record adds a child's acknowledgements, refusing two different
// documents acknowledged under one seq.
func (a *crashAuditor) record(t *testing.T, acks []ack) {
	t.Helper()
	for _, k := range acks {
		if d, dup := a.acked[k.seq]; dup {
			require.Equal(t, d, k.digest, "seq %d acknowledged twice with different documents", k.seq)
		}
		a.acked[k.seq] = k.digest
	}
}

// check opens the ledger (as a reader, or as a writer that repairs) and
// checks: it opens and verifies; seq runs 1..n and chains by prev (OpenDir
// checks this); every acknowledged document is there with its digest;
// nothing seen before changed; and the checkpoint extends the last one.
func (a *crashAuditor) check(t *testing.T, writer bool) {
	t.Helper()
	a.checks++
	opts := DirOptions{Verifiers: []note.Verifier{a.v}}
	if writer {
		opts.Signer = a.s
	}
	if !writer {
		tmps, err := filepath.Glob(filepath.Join(a.dir, tempPrefix+"*"))
		require.NoError(t, err)
		if len(tmps) > 0 {
			a.temps++
		}
	}
	l, err := OpenDir(a.dir, opts)
	require.NoError(t, err, "check %d: the ledger does not open after a kill", a.checks)
	defer l.Close()
	require.NoError(t, l.Verify())
	n, err := l.Len()
	require.NoError(t, err)
	require.GreaterOrEqual(t, n, int64(len(a.seen)), "documents were lost")
	digests := make([]Digest, n)
	for i := int64(1); i <= n; i++ {
		b := mustRead(t, l, i)
		d, err := ParseSigned(b)
		require.NoError(t, err)
		require.Equal(t, i, d.Seq)
		digests[i-1] = DigestOf(b)
	}
	require.Equal(t, a.seen, digests[:len(a.seen)], "a document changed")
	a.seen = digests
	for seq, d := range a.acked {
		require.LessOrEqual(t, seq, n, "acknowledged document %d is missing", seq)
		require.Equal(t, d, digests[seq-1], "acknowledged document %d changed", seq)
	}

	msg, err := l.Checkpoint()
	require.NoError(t, err)
	cp, _, err := Policy{}.OpenCheckpoint(msg, a.v)
	require.NoError(t, err)
	require.LessOrEqual(t, cp.Size, n)
	if cp.Size < n {
		a.halfDone++
	}
	if writer {
		require.Equal(t, n, cp.Size, "a writer completes the checkpoint")
	}
	proof, err := l.ConsistencyProof(a.cp.Size, cp.Size)
	require.NoError(t, err)
	require.NoError(t, CheckConsistency(a.cp, cp, proof))
	a.cp = cp
}

// TestCrashKill kills a writer process 20 times at seeded points of its
// appends and checks after each kill that the ledger opens and verifies,
// that every document the writer acknowledged is there unchanged, that
// seq numbers are contiguous, and that the checkpoint is consistent with
// the one seen before.
func TestCrashKill(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns and kills processes")
	}
	a := newCrashAuditor(t)
	rng := rand.New(rand.NewPCG(crashSeed(t, 20260101), 7))
	const kills = 20
	for k := range kills {
		mode := "next"
		if k%3 == 2 {
			mode = "append"
		}
		c := startCrashChild(t, a.dir, fmt.Sprintf("k%d", k), mode)
		// 0 acks: the kill may land while the child opens (and repairs)
		// the ledger.
		c.waitAcks(t, rng.IntN(6))
		time.Sleep(time.Duration(rng.IntN(3000)) * time.Microsecond)
		c.kill(t)
		a.record(t, c.got)
		// Mostly as a reader, so the next child meets the half-done
		// append; every fourth time as a writer that repairs it.
		a.check(t, k%4 == 3)
	}
	a.check(t, true)
	require.GreaterOrEqual(t, len(a.acked), kills, "too few acknowledged appends to mean anything")
	t.Logf("%d kills, %d acknowledged, %d documents; left behind: %d half-done appends, %d with temporary files",
		kills, len(a.acked), len(a.seen), a.halfDone, a.temps)
}

// TestCrashKillTwoWriters runs two writer processes on one ledger at the
// same time, one with AppendNext and one with Head+Append (retrying on
// ErrStale), and kills them at different points, five times.
func TestCrashKillTwoWriters(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns and kills processes")
	}
	a := newCrashAuditor(t)
	rng := rand.New(rand.NewPCG(crashSeed(t, 20260101), 2))
	const rounds = 5
	for r := range rounds {
		c1 := startCrashChild(t, a.dir, fmt.Sprintf("r%da", r), "next")
		c2 := startCrashChild(t, a.dir, fmt.Sprintf("r%db", r), "append")
		first, second := c1, c2
		if rng.IntN(2) == 1 {
			first, second = c2, c1
		}
		first.waitAcks(t, 1+rng.IntN(5))
		time.Sleep(time.Duration(rng.IntN(2000)) * time.Microsecond)
		first.kill(t)
		second.waitAcks(t, 1+rng.IntN(5))
		time.Sleep(time.Duration(rng.IntN(2000)) * time.Microsecond)
		second.kill(t)
		a.record(t, first.got)
		a.record(t, second.got)
		a.check(t, r%2 == 1)
	}
	a.check(t, true)
	require.GreaterOrEqual(t, len(a.acked), 2*rounds)
	t.Logf("%d rounds, %d acknowledged, %d documents; left behind: %d half-done appends, %d with temporary files",
		rounds, len(a.acked), len(a.seen), a.halfDone, a.temps)
}
