package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/random"
)

func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errw bytes.Buffer
	code = run(args, &out, &errw)
	return code, out.String(), errw.String()
}

func TestExplain(t *testing.T) {
	c7 := []string{"--dir", vectorDir("dr1-county-7"), "--seed-dice", "2023 7331 1281 5921 1123"}
	c12 := []string{"--dir", vectorDir("dr1-county-12"), "--seed-hex", "326eaa548e7bb1b3e97ff8e26929630fa0c04a21179ec71afe5f6b62d0796b81"}
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"selected", append(c7, "--id", "91371727B23C6F5DAF"), []string{
			"Premises 91371727B23C6F5DAF was selected at random, by its priority.\n",
			"Its priority is 8d220a5a5ab961b6",
			"Its team (team rule 2): WJ3717270084, WJ3717270077, chosen from 9 eligible inspectors.\n",
		}},
		{"not reached", append(c7, "--id", "371727045915"), []string{"it ranked 4th of 5 in its stratum and the quota is 2"}},
		{"out of scope", append(c7, "--id", "9137172773744G3E2W"), []string{"Its category is disinfection"}},
		{"cooling down", append(c12, "--id", "371727842405"), []string{"it is cooling down", "inspected on 2026-05-23, 2026-09-24"}},
		{"targeted", append(c12, "--id", "91371727GB4C0BF8EM"), []string{"targeted, outside the quota): complaint 2026-113"}},
		{"inspector", append(c12, "--id", "371727842405", "--inspector", "WJ3717270000"), []string{
			"not eligible for premises 371727842405: inspected the premises within rotation_days",
			"record JC0000025",
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, append([]string{"explain"}, tc.args...)...)
			require.Equal(t, 0, code, errs)
			require.Empty(t, errs)
			for _, w := range tc.want {
				require.Contains(t, out, w)
			}
		})
	}
}

func TestPreflight(t *testing.T) {
	code, out, errs := runCLI(t, "preflight", "--dir", vectorDir("dr1-county-7"))
	require.Equal(t, 0, code, errs)
	require.Empty(t, errs)
	for _, w := range []string{
		"Pre-flight of plan test-7 dated 2026-11-22",
		"Selections: at most 24 (23 by the quotas, 1 targeted).",
		"rule 0, size 2: 1 candidate (active, credential valid, specialty), largest team 1; PROBLEM.",
		"  371727647592: 0 eligible, team rule 0 needs 2\n",
	} {
		require.Contains(t, out, w)
	}

	// --check turns problems into exit 1.
	code, out, errs = runCLI(t, "preflight", "--dir", vectorDir("dr1-county-12"), "--check")
	require.Equal(t, 1, code)
	require.Contains(t, out, "9137172738H8CH6C6J: 1 eligible, team rule 1 needs 2")
	require.Contains(t, errs, "preflight: the plan has problems to fix")

	// A plan without problems: county-7's tables, one stratum, one team
	// rule anybody active can staff, no limit on capacity.
	dir := t.TempDir()
	for _, f := range []string{"premises.csv", "inspectors.csv"} {
		b, err := os.ReadFile(filepath.Join(vectorDir("dr1-county-7"), f))
		require.NoError(t, err)
		if f == "inspectors.csv" {
			// drop the capacity column's values: default_capacity 0 is no limit
			var lines []string
			for _, l := range strings.Split(strings.TrimSuffix(string(b), "\n"), "\n") {
				cols := strings.Split(l, ",")
				if cols[7] != "capacity" {
					cols[7] = ""
				}
				lines = append(lines, strings.Join(cols, ","))
			}
			b = []byte(strings.Join(lines, "\n") + "\n")
		}
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	plan := `{"protocol": "doublerandom/v1", "date": "2026-11-22", "quotas": [{"ratio": "10%"}], "teams": [{"size": 2}]}`
	require.NoError(t, os.WriteFile(filepath.Join(dir, "plan.json"), []byte(plan), 0o644))
	code, out, errs = runCLI(t, "preflight", "--dir", dir, "--check")
	require.Equal(t, 0, code, errs+out)
	require.Contains(t, out, "Nothing to fix.")

	code, _, errs = runCLI(t, "preflight")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "--dir is required")
	code, _, errs = runCLI(t, "preflight", "--dir", filepath.Join(t.TempDir(), "none"))
	require.Equal(t, 2, code)
	require.Contains(t, errs, "plan.json")
}

// TestRivest compares the rivest command with the published cases of
// testdata/rivest-sampler-tests.json.
func TestRivest(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", "rivest-sampler-tests.json"))
	require.NoError(t, err)
	var vectors struct {
		Tests []struct {
			Data struct {
				Count int    `json:"count"`
				Seed  string `json:"seed"`
				Total int    `json:"total"`
			} `json:"data"`
			Expected []int `json:"expected"`
		} `json:"tests"`
	}
	require.NoError(t, json.Unmarshal(b, &vectors))
	require.GreaterOrEqual(t, len(vectors.Tests), 3)
	for _, tc := range vectors.Tests {
		t.Run(tc.Data.Seed, func(t *testing.T) {
			code, out, errs := runCLI(t, "rivest", "--seed", tc.Data.Seed,
				"--total", fmt.Sprint(tc.Data.Total), "--count", fmt.Sprint(tc.Data.Count))
			require.Equal(t, 0, code, errs)
			var want strings.Builder
			for _, n := range tc.Expected {
				fmt.Fprintln(&want, n)
			}
			require.Equal(t, want.String(), out)
		})
	}

	// --unique skips the repeat of seed "0", total 2 (1, 1, 2).
	code, out, errs := runCLI(t, "rivest", "--seed", "0", "--total", "2", "--count", "2", "--unique")
	require.Equal(t, 0, code, errs)
	require.Equal(t, "1\n2\n", out)

	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--total", "10", "--count", "1"}, "--seed, --total and --count are required"},
		{[]string{"--seed", "1", "--count", "1"}, "--seed, --total and --count are required"},
		{[]string{"--seed", "1", "--total", "0", "--count", "1"}, `--total "0": must be at least 1`},
		{[]string{"--seed", "1", "--total", "2", "--count", "3", "--unique"}, `--count "3": cannot draw 3 distinct values from 1..2`},
		{[]string{"--seed", "1", "--total", "x", "--count", "1"}, `invalid value "x" for flag --total`},
	} {
		code, out, errs := runCLI(t, append([]string{"rivest"}, tc.args...)...)
		require.Equal(t, 2, code)
		require.Empty(t, out)
		require.Contains(t, errs, tc.want)
	}
}

func TestConsistent(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o644))
		return p
	}
	// consistent_sampler's sampler() docstring: seed 314159.
	ids := write("ids.txt", "ab-1\nab-2\ncd-1\nef-3\n")
	code, out, errs := runCLI(t, "consistent", "--seed", "314159", "--ids", ids, "--take", "4")
	require.Equal(t, 0, code, errs)
	require.Equal(t, "cd-1\nef-3\nab-1\nab-2\n", out)

	// CRLF, a byte order mark and no final newline read the same; --take
	// is a bound.
	crlf := write("crlf.txt", "\ufeffab-1\r\nab-2\r\ncd-1\r\nef-3")
	code, out, errs = runCLI(t, "consistent", "--seed", "314159", "--ids", crlf, "--take", "2")
	require.Equal(t, 0, code, errs)
	require.Equal(t, "cd-1\nef-3\n", out)

	// USAGE_EXAMPLES.md example 4: ids 0..99, seed 41, first 5.
	var hundred strings.Builder
	for i := range 100 {
		fmt.Fprintln(&hundred, i)
	}
	h := write("hundred.txt", hundred.String())
	code, out, errs = runCLI(t, "consistent", "--seed", "41", "--ids", h, "--take", "5")
	require.Equal(t, 0, code, errs)
	require.Equal(t, "73\n51\n17\n58\n38\n", out)
	// The same as the library.
	all := strings.Split(strings.TrimSuffix(hundred.String(), "\n"), "\n")
	want, err := random.ConsistentSample("41", all, 100)
	require.NoError(t, err)
	code, out, _ = runCLI(t, "consistent", "--seed", "41", "--ids", h, "--take", "1000")
	require.Equal(t, 0, code)
	require.Equal(t, strings.Join(want, "\n")+"\n", out)

	empty := write("empty.txt", "")
	code, out, _ = runCLI(t, "consistent", "--seed", "41", "--ids", empty, "--take", "3")
	require.Equal(t, 0, code)
	require.Empty(t, out)

	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"blank line", []string{"--seed", "1", "--ids", write("blank.txt", "a\n\nb\n"), "--take", "1"}, "blank.txt:2: empty line"},
		{"two final newlines", []string{"--seed", "1", "--ids", write("two.txt", "a\nb\n\n"), "--take", "1"}, "two.txt:3: empty line"},
		{"repeat", []string{"--seed", "1", "--ids", write("dup.txt", "a\nb\na\n"), "--take", "1"}, `dup.txt:3: id "a" repeats line 1`},
		{"bad utf-8", []string{"--seed", "1", "--ids", write("bad.txt", "a\n\xff\n"), "--take", "1"}, "bad.txt:2: id"},
		{"missing file", []string{"--seed", "1", "--ids", filepath.Join(dir, "none.txt"), "--take", "1"}, "none.txt"},
		{"negative take", []string{"--seed", "1", "--ids", ids, "--take", "-2"}, "--take -2: must be at least 0"},
		{"no take", []string{"--seed", "1", "--ids", ids}, "--seed, --ids and --take are required"},
		{"no seed", []string{"--ids", ids, "--take", "1"}, "--seed, --ids and --take are required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := runCLI(t, append([]string{"consistent"}, tc.args...)...)
			require.Equal(t, 2, code)
			require.Empty(t, out)
			require.Contains(t, errs, tc.want)
		})
	}
}
