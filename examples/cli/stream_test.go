package main

import (
	"bytes"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/examples/internal/samplecounty"
)

// shuffleLines rewrites a CSV file with its rows (not the header) in an
// order drawn from seed.
func shuffleLines(t *testing.T, name string, seed uint64) {
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	rows := lines[1:]
	rand.New(rand.NewPCG(seed, 1)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	require.NoError(t, os.WriteFile(name, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
}

// draw --stream gives the view of the in-memory draw, byte for byte: on
// the vectors as they are (in id order) and shuffled (sorted by the
// command in runs), and on a generated county shaped like an exported
// register, with a memory bound that makes several runs.
func TestDrawStreamView(t *testing.T) {
	for _, v := range drawVectors {
		want, err := os.ReadFile(filepath.Join(vectorDir(v.county), "expected-view.json"))
		require.NoError(t, err)
		for _, shuffled := range []bool{false, true} {
			dir := filepath.Join(t.TempDir(), v.county)
			copyDir(t, vectorDir(v.county), dir)
			if shuffled {
				shuffleLines(t, filepath.Join(dir, "premises.csv"), 3)
			}
			out := mustCLI(t, append([]string{"draw", "--dir", dir, "--stream", "--view", "-"}, v.seed...)...)
			require.Equal(t, string(want), out, "shuffled: %v", shuffled)
		}
	}

	n := 20_000
	if testing.Short() {
		n = 3_000
	}
	f, err := samplecounty.Generate(samplecounty.Config{Premises: n, Shuffle: true, LongIDs: true, Seed: 5})
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, f.WriteDir(dir))
	seed := []string{"--seed-hex", "0123456789abcdef"}
	want := mustCLI(t, append([]string{"draw", "--dir", dir, "--view", "-"}, seed...)...)
	tmp := t.TempDir()
	got := mustCLI(t, append([]string{"draw", "--dir", dir, "--view", "-", "--stream", "--stream-mem", "1048576", "--stream-tmp", tmp}, seed...)...)
	require.Equal(t, want, got)
	left, err := os.ReadDir(tmp)
	require.NoError(t, err)
	require.Empty(t, left, "the sort's temporary files are removed")
	sum := mustCLI(t, append([]string{"draw", "--dir", dir, "--stream"}, seed...)...)
	require.Contains(t, sum, "streamed")
}

// A repeated id in a file not in id order is found by the merge and
// named with both lines; a bad row by the sort's scan, with its line.
func TestDrawStreamErrors(t *testing.T) {
	v := drawVectors[0]
	dir := filepath.Join(t.TempDir(), "c")
	copyDir(t, vectorDir(v.county), dir)
	name := filepath.Join(dir, "premises.csv")
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	// Line 3 again at the end (line len(lines)+1), after line 2.
	lines = append(lines, lines[2])
	lines[1], lines[2] = lines[2], lines[1]
	require.NoError(t, os.WriteFile(name, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	code, _, errs := cli(t, append([]string{"draw", "--dir", dir, "--stream"}, v.seed...)...)
	require.Equal(t, 2, code, errs)
	require.Contains(t, errs, "duplicate")
	require.Contains(t, errs, "first on line 2")

	lines = lines[:len(lines)-1]
	lines[4] = strings.Replace(lines[4], ",", ",\x01", 1)
	require.NoError(t, os.WriteFile(name, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
	code, _, errs = cli(t, append([]string{"draw", "--dir", dir, "--stream"}, v.seed...)...)
	require.Equal(t, 2, code, errs)
	require.Contains(t, errs, ":5")

	code, _, errs = cli(t, append([]string{"draw", "--dir", dir, "--stream-mem", "1048576"}, v.seed...)...)
	require.Equal(t, 2, code)
	require.Contains(t, errs, "needs --stream")
	_ = bytes.MinRead
}
