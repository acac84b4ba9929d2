//go:build linux

package publish

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

const (
	witnessCrashEnvLedger = "DOUBLERANDOM_WITNESS_CRASH_LEDGER"
	witnessCrashEnvState  = "DOUBLERANDOM_WITNESS_CRASH_STATE"
)

// TestWitnessCrashChild is the body of the child processes of
// TestWitnessCrashKill: it appends a document, has the witness cosign the
// new checkpoint and keeps the cosignature in the ledger folder, again
// and again. It prints "cosigned SIZE" once the witness returned its
// cosignature (the witness's promise: it will never cosign a smaller or
// other checkpoint), and "kept NAME" once AddCosigned returned.
func TestWitnessCrashChild(t *testing.T) {
	dir, state := os.Getenv(witnessCrashEnvLedger), os.Getenv(witnessCrashEnvState)
	if dir == "" {
		t.Skip("only runs as a child of TestWitnessCrashKill")
	}
	s, v := testKey(t, agencyName)
	l, err := OpenDir(dir, DirOptions{Signer: s, Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer l.Close()
	skey, _ := testWitnessKey(t, w1Name)
	c, err := NewCosigner(skey, nil)
	require.NoError(t, err)
	w, err := NewWitness(c, state)
	require.NoError(t, err)
	deadline := time.Now().Add(crashChildMaxTime)
	for i := 0; i < 500 && time.Now().Before(deadline); i++ {
		_, err := l.AppendNext(func(seq int64, prev Digest) ([]byte, error) {
			return SignDocument(&Document{Kind: KindResults, Ledger: agencyName, Seq: seq, Prev: prev, Body: fmt.Appendf(nil, `{"i":%d}`+"\n", i)}, s)
		})
		require.NoError(t, err)
		cp, err := l.Checkpoint()
		require.NoError(t, err)
		_, oc, _, err := w.Last(agencyName)
		require.NoError(t, err)
		cc, err := ParseSignedCheckpoint(cp)
		require.NoError(t, err)
		proof, err := l.ConsistencyProof(oc.Size, cc.Size)
		require.NoError(t, err)
		msg, err := w.Cosign(v, cp, proof)
		require.NoError(t, err)
		_, err = os.Stdout.WriteString(fmt.Sprintf("cosigned %d\n", cc.Size))
		require.NoError(t, err)
		name, err := l.AddCosigned(msg)
		require.NoError(t, err)
		_, err = os.Stdout.WriteString("kept " + name + "\n")
		require.NoError(t, err)
	}
}

// TestWitnessCrashKill kills the witness-and-writer child 12 times at
// seeded points and checks after each kill that the witness's state is
// whole and verifies, that it never forgot a cosignature it handed out
// (its state is at least as large as every acknowledged one), that every
// kept cosigned checkpoint is there and matches the ledger, and that the
// next child goes on cosigning.
func TestWitnessCrashKill(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns and kills processes")
	}
	tmp := t.TempDir()
	dir, state := filepath.Join(tmp, "ledger"), filepath.Join(tmp, "state")
	s, v := testKey(t, agencyName)
	l, err := CreateDir(dir, agencyName, DirOptions{Signer: s})
	require.NoError(t, err)
	require.NoError(t, l.Close())
	skey, _ := testWitnessKey(t, w1Name)
	c, err := NewCosigner(skey, nil)
	require.NoError(t, err)
	w, err := NewWitness(c, state)
	require.NoError(t, err)
	rng := rand.New(rand.NewPCG(crashSeed(t, 20261206), 9))
	var maxCosigned int64
	kept := map[string]bool{}
	for k := range 12 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWitnessCrashChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), witnessCrashEnvLedger+"="+dir, witnessCrashEnvState+"="+state)
		out, err := cmd.StdoutPipe()
		require.NoError(t, err)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		require.NoError(t, cmd.Start())
		lines := make(chan string, 1024)
		go func() {
			defer close(lines)
			sc := bufio.NewScanner(out)
			for sc.Scan() {
				lines <- sc.Text()
			}
			io.Copy(io.Discard, out)
		}()
		want := 1 + rng.IntN(4) // acknowledged cosignatures before the kill
		timeout := time.After(crashAckTimeout)
		for got := 0; got < want; {
			select {
			case line, ok := <-lines:
				require.True(t, ok, "child ended early:\n%s", &stderr)
				if strings.HasPrefix(line, "cosigned ") {
					got++
				}
				record(t, line, &maxCosigned, kept)
			case <-timeout:
				t.Fatalf("no cosignature within %v:\n%s", crashAckTimeout, &stderr)
			}
		}
		time.Sleep(time.Duration(rng.IntN(4000)) * time.Microsecond)
		require.NoError(t, cmd.Process.Signal(syscall.SIGKILL))
		for line := range lines {
			record(t, line, &maxCosigned, kept)
		}
		_ = cmd.Wait()

		// The witness's state: whole, its own, never behind a promise.
		_, sc, _, err := w.Last(agencyName)
		require.NoError(t, err, "after kill %d", k)
		require.GreaterOrEqual(t, sc.Size, maxCosigned, "after kill %d: the witness forgot a cosignature it gave", k)
		// The ledger, read as the public does, with what it kept.
		r, err := OpenDir(dir, DirOptions{Verifiers: []note.Verifier{v}})
		require.NoError(t, err, "after kill %d", k)
		files, err := r.ReadCosigned()
		require.NoError(t, err)
		names := map[string]bool{}
		for _, f := range files {
			names[f.Name] = true
		}
		for name := range kept {
			require.True(t, names[name], "after kill %d: %s acknowledged but missing", k, name)
		}
		rep, err := Verify(r, nil, []note.Verifier{v}, Options{Witnesses: []*CosignatureVerifier{c.Verifier()}})
		require.NoError(t, err)
		for _, p := range rep.Problems {
			require.NotContains(t, p.String(), "cosigned", "after kill %d", k)
		}
		require.Empty(t, rep.Timing.Rollbacks)
		require.Empty(t, rep.Timing.Forks)
		require.NoError(t, r.Close())
	}
	require.Greater(t, maxCosigned, int64(12))
	t.Logf("12 kills, witness state at %d, %d cosigned checkpoints kept", maxCosigned, len(kept))
}

func record(t *testing.T, line string, maxCosigned *int64, kept map[string]bool) {
	if n, ok := strings.CutPrefix(line, "cosigned "); ok {
		size, err := strconv.ParseInt(n, 10, 64)
		require.NoError(t, err)
		*maxCosigned = max(*maxCosigned, size)
	}
	if name, ok := strings.CutPrefix(line, "kept "); ok {
		kept[name] = true
	}
}
