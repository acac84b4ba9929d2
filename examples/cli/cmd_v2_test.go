package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

func v2Dir(county string) string { return filepath.Join("..", "..", "testdata", "v2", county) }

// TestRootsV2: roots --dir of a v2 folder prints the v2 roots of the
// vectors (private attributes committed with the all-zero key, with a
// warning), or with --published, of the published tables.
func TestRootsV2(t *testing.T) {
	for _, county := range []string{"dr2-county-a", "dr2-county-b", "dr2-county-c", "dr2-county-d"} {
		t.Run(county, func(t *testing.T) {
			view, err := os.ReadFile(filepath.Join(v2Dir(county), "expected-view.json"))
			require.NoError(t, err)
			var want struct {
				Roots map[string]string `json:"roots"`
			}
			require.NoError(t, json.Unmarshal(view, &want))
			var stdout, stderr bytes.Buffer
			code := run([]string{"roots", "--dir", v2Dir(county)}, &stdout, &stderr)
			require.Equal(t, 0, code, stderr.String())
			require.Contains(t, stderr.String(), "all-zero test key")
			var got map[string]string
			require.NoError(t, json.Unmarshal(stdout.Bytes(), &got))
			require.Equal(t, want.Roots, got)

			// An explicit all-zero key: same roots, no warning.
			key := filepath.Join(t.TempDir(), "blinding.key")
			require.NoError(t, os.WriteFile(key, []byte(strings.Repeat("00", 32)+"\n"), 0o600))
			stdout.Reset()
			stderr.Reset()
			require.Equal(t, 0, run([]string{"roots", "--dir", v2Dir(county), "--blinding-key", key}, &stdout, &stderr), stderr.String())
			require.Empty(t, stderr.String())
			require.NoError(t, json.Unmarshal(stdout.Bytes(), &got))
			require.Equal(t, want.Roots, got)
		})
	}
}

// TestDrawV2CLI: draw --dir of each v2 county writes the expected view
// byte for byte; the refused plan exits 2 naming the file, line and row.
func TestDrawV2CLI(t *testing.T) {
	for _, c := range []struct {
		county, view string
		seed         []string
	}{
		{"dr2-county-a", "expected-view.json", []string{"--seed-dice", "20237331128159211123"}},
		{"dr2-county-b", "expected-view.json", []string{"--seed-dice", "2023 7331 1281 5921 1123"}},
		{"dr2-county-b", "expected-view-hex.json", []string{"--seed-hex", "00ff10203040506070809a"}},
		{"dr2-county-c", "expected-view.json", []string{"--seed-dice", "20237331128159211123"}},
		{"dr2-county-d", "expected-view.json", []string{"--seed-dice", "20237331128159211123"}},
	} {
		t.Run(c.county+"/"+c.view, func(t *testing.T) {
			want, err := os.ReadFile(filepath.Join(v2Dir(c.county), c.view))
			require.NoError(t, err)
			out := filepath.Join(t.TempDir(), "view.json")
			var stdout, stderr bytes.Buffer
			args := append([]string{"draw", "--dir", v2Dir(c.county), "--view", out}, c.seed...)
			require.Equal(t, 0, run(args, &stdout, &stderr), stderr.String())
			got, err := os.ReadFile(out)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
			require.Contains(t, stdout.String(), "visits")
			require.Contains(t, stdout.String(), "shortfall")
		})
	}
	var stdout, stderr bytes.Buffer
	code := run([]string{"draw", "--dir", v2Dir("dr2-county-d/refused"), "--seed-dice", "20237331128159211123", "--view", "-"}, &stdout, &stderr)
	require.Equal(t, 2, code)
	require.Empty(t, stdout.String())
	require.Contains(t, stderr.String(), filepath.Join("refused", "premises.csv")+":27")
	require.Contains(t, stderr.String(), "92451099MA5Y3CF60J")
	require.Contains(t, stderr.String(), "歇业")
}

func TestV2FlagsErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "short.key")
	require.NoError(t, os.WriteFile(bad, []byte("0011"), 0o600))
	for _, tt := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"roots", "--dir", v2Dir("dr2-county-a"), "--blinding-key", bad}, "64 hex digits"},
		{[]string{"roots", "--dir", v2Dir("dr2-county-a"), "--blinding-key", bad, "--published"}, "no --blinding-key"},
		{[]string{"roots", "--dir", vectorDir("dr1-county-7"), "--published"}, "apply to v2 plans"},
		{[]string{"draw", "--dir", vectorDir("dr1-county-7"), "--seed-dice", "20237331128159211123", "--published"}, "apply to v2 plans"},
		// The full tables are not in published form: a private value
		// that is not a digest is refused, naming the file and line.
		{[]string{"roots", "--dir", v2Dir("dr2-county-a"), "--published"}, `inspectors.csv:12:2: field "name"`},
	} {
		var stdout, stderr bytes.Buffer
		require.Equal(t, 2, run(tt.args, &stdout, &stderr), "%v", tt.args)
		require.Contains(t, stderr.String(), tt.stderr, "%v", tt.args)
	}
}

// TestRootsV2Published: the published tables (private values replaced by
// their digests) written to a folder give the same roots with
// --published, and the same view.
func TestRootsV2Published(t *testing.T) {
	src := v2Dir("dr2-county-b")
	plan, set, err := loadDirV2(src, tableFlags{}, v2Flags{}, nil)
	require.NoError(t, err)
	pub, err := set.PublishedV2(plan.Private)
	require.NoError(t, err)
	dir := t.TempDir()
	b, err := os.ReadFile(filepath.Join(src, "plan.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "plan.json"), b, 0o644))
	for _, tb := range []*roster.Table{pub.Premises, pub.Inspectors, pub.Conflicts, pub.History} {
		f, err := os.Create(filepath.Join(dir, tb.Kind().String()+".csv"))
		require.NoError(t, err)
		require.NoError(t, roster.WriteCSV(f, tb))
		require.NoError(t, f.Close())
	}
	var full, published, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"roots", "--dir", src}, &full, &stderr), stderr.String())
	require.Equal(t, 0, run([]string{"roots", "--dir", dir, "--published"}, &published, &stderr), stderr.String())
	require.Equal(t, full.String(), published.String())
	inspectors, err := os.ReadFile(filepath.Join(dir, "inspectors.csv"))
	require.NoError(t, err)
	require.NotContains(t, string(inspectors), "13786178957", "no phone number is published")
	require.NotContains(t, string(inspectors), "吴娜秀", "no name is published")

	want, err := os.ReadFile(filepath.Join(src, "expected-view.json"))
	require.NoError(t, err)
	var stdout bytes.Buffer
	require.Equal(t, 0, run([]string{"draw", "--dir", dir, "--published", "--seed-dice", "20237331128159211123", "--view", "-"}, &stdout, &stderr), stderr.String())
	require.Equal(t, string(want), stdout.String())
}

// TestPriorityWeight: priority --weight prints W (dr2-primitives.json).
func TestPriorityWeight(t *testing.T) {
	key := "9ce9fb09c140db15d1e041d6520f69605aa1d3067b5539aa802cc926a153e5c2"
	for _, c := range []struct{ w, want string }{{"1", "5ed6907be7afed8c"}, {"2", "49c393f475bb96c3"}, {"8", "0bc51d3d087ce652"}} {
		var stdout, stderr bytes.Buffer
		require.Equal(t, 0, run([]string{"priority", "--key", key, "--id", "92451099NW0E24W2KR", "--weight", c.w}, &stdout, &stderr), stderr.String())
		require.Equal(t, c.want+"\n", stdout.String())
	}
	var stdout, stderr bytes.Buffer
	require.Equal(t, 2, run([]string{"priority", "--key", key, "--id", "X", "--weight", "0"}, &stdout, &stderr))
	require.Contains(t, stderr.String(), "1..1000")
}
