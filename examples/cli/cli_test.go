package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

var drawVectors = []struct {
	county string
	seed   []string // seed flags
}{
	{"dr1-county-7", []string{"--seed-dice", "2023 7331 1281 5921 1123"}},
	{"dr1-county-12", []string{"--seed-hex", "326eaa548e7bb1b3e97ff8e26929630fa0c04a21179ec71afe5f6b62d0796b81"}},
}

func vectorDir(county string) string { return filepath.Join("..", "..", "testdata", county) }

func TestDraw(t *testing.T) {
	for _, v := range drawVectors {
		t.Run(v.county, func(t *testing.T) {
			dir := vectorDir(v.county)
			want, err := os.ReadFile(filepath.Join(dir, "expected-view.json"))
			require.NoError(t, err)
			viewFile := filepath.Join(t.TempDir(), "view.json")

			var stdout, stderr bytes.Buffer
			args := append([]string{"draw", "--dir", dir, "--view", viewFile}, v.seed...)
			code := run(args, &stdout, &stderr)
			require.Equal(t, 0, code, stderr.String())
			require.Empty(t, stderr.String())
			got, err := os.ReadFile(viewFile)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))

			out := stdout.String()
			require.Contains(t, out, "key ")
			require.Regexp(t, `(?m)^key\s+[0-9a-f]{64}$`, out)
			require.Regexp(t, `(?m)^selected\s+\d+ \(`, out)

			// --view - writes the view to stdout instead of the summary.
			stdout.Reset()
			args = append([]string{"draw", "--dir", dir, "--view", "-"}, v.seed...)
			require.Equal(t, 0, run(args, &stdout, &stderr), stderr.String())
			require.Equal(t, string(want), stdout.String())
		})
	}
}

func TestDrawSummary(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run([]string{"draw", "--dir", vectorDir("dr1-county-7"), "--seed-dice", "20237331128159211123"}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	out := stdout.String()
	for _, want := range []string{
		"key       4730068ff4de32c7ada5bde673866566de11d35a2aa6ac15123ebc7fa4095956\n",
		"selected  23 (15 overdue, 8 random, 0 targeted), 14 staffed, 9 unstaffed\n",
		"371727001/drinking_water  1         0         1      8d220a5a5ab961b6\n",
		"91371727B23C6F5DAF  8d220a5a5ab961b6  random   371727001/drinking_water  9     WJ3717270084 WJ3717270077\n",
		"unstaffed short: fewer eligible inspectors than the team size\n",
	} {
		require.Contains(t, out, want)
	}
}

func TestDrawErrors(t *testing.T) {
	good := vectorDir("dr1-county-7")
	existing := filepath.Join(t.TempDir(), "view.json")
	require.NoError(t, os.WriteFile(existing, []byte("keep me"), 0o644))

	// A folder whose plan writes a ratio as a JSON number.
	badPlan := t.TempDir()
	for _, f := range []string{"premises.csv", "inspectors.csv", "conflicts.csv", "history.csv", "plan.json"} {
		b, err := os.ReadFile(filepath.Join(good, f))
		require.NoError(t, err)
		if f == "plan.json" {
			b = []byte(strings.Replace(string(b), `"ratio": "1/3"`, `"ratio": 0.333`, 1))
		}
		require.NoError(t, os.WriteFile(filepath.Join(badPlan, f), b, 0o644))
	}
	// A folder whose targeted premises does not exist.
	badTarget := t.TempDir()
	for _, f := range []string{"premises.csv", "inspectors.csv", "plan.json"} {
		b, err := os.ReadFile(filepath.Join(good, f))
		require.NoError(t, err)
		if f == "plan.json" {
			b = []byte(strings.Replace(string(b), `"913717273J9H53JJ6U"`, `"91371727000000000X"`, 1))
		}
		require.NoError(t, os.WriteFile(filepath.Join(badTarget, f), b, 0o644))
	}
	// A folder with a bad inspectors table.
	badTable := t.TempDir()
	for _, f := range []string{"premises.csv", "plan.json"} {
		b, err := os.ReadFile(filepath.Join(good, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(badTable, f), b, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(badTable, "inspectors.csv"), []byte("id,capacity\nI1,many\n"), 0o644))

	dice := []string{"--seed-dice", "20237331128159211123"}
	tests := []struct {
		name   string
		args   []string
		stderr []string
	}{
		{"no dir", append([]string{"draw"}, dice...), []string{"--dir is required"}},
		{"no seed", []string{"draw", "--dir", good}, []string{"exactly one of --seed-dice and --seed-hex"}},
		{"two seeds", append([]string{"draw", "--dir", good, "--seed-hex", "00"}, dice...), []string{"exactly one of --seed-dice and --seed-hex"}},
		{"short dice", []string{"draw", "--dir", good, "--seed-dice", "12345"}, []string{`--seed-dice "12345"`, "5 digits"}},
		{"dice letters", []string{"draw", "--dir", good, "--seed-dice", "2023733112815921112x"}, []string{`--seed-dice`, "not a decimal digit"}},
		{"bad hex", []string{"draw", "--dir", good, "--seed-hex", "xyz"}, []string{`--seed-hex "xyz"`, "not hex"}},
		{"long hex", []string{"draw", "--dir", good, "--seed-hex", strings.Repeat("00", 1025)}, []string{"1025 bytes, want 1..1024"}},
		{"view exists", append([]string{"draw", "--dir", good, "--view", existing}, dice...), []string{"--view " + existing, "refusing to overwrite"}},
		{"ratio number", append([]string{"draw", "--dir", badPlan}, dice...), []string{
			filepath.Join(badPlan, "plan.json") + ":37: field quotas[2].ratio value 0.333: bad ratio"}},
		{"targeted unknown", append([]string{"draw", "--dir", badTarget}, dice...), []string{
			filepath.Join(badTarget, "plan.json"), `field targeted[0].id value "91371727000000000X"`, "not in the roster"}},
		{"bad table", append([]string{"draw", "--dir", badTable}, dice...), []string{
			filepath.Join(badTable, "inspectors.csv") + `:2:2: field "capacity" value "many"`}},
		{"missing folder", append([]string{"draw", "--dir", filepath.Join(t.TempDir(), "none")}, dice...), []string{"plan.json"}},
		{"stray argument", append([]string{"draw", "--dir", good, "extra"}, dice...), []string{"extra"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tc.args, &stdout, &stderr)
			require.Equal(t, 2, code, stderr.String())
			for _, s := range tc.stderr {
				require.Contains(t, stderr.String(), s)
			}
			require.Empty(t, stdout.String())
		})
	}
	b, err := os.ReadFile(existing)
	require.NoError(t, err)
	require.Equal(t, "keep me", string(b), "an existing view is never overwritten")
}
