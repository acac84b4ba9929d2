package replaytest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/doublerandom/doublerandom/examples/internal/samplecounty"
	"github.com/doublerandom/doublerandom/random"
	"github.com/stretchr/testify/require"
)

// root is the repository root, seen from this package.
var root = filepath.Join("..", "..", "..")

func readme(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	return string(b)
}

// block returns the fenced code blocks of text whose info string is
// lang, each with the line before its opening fence.
func blocks(text, lang string) (code, before []string) {
	lines := strings.Split(text, "\n")
	for i := 0; i < len(lines); i++ {
		if lines[i] != "```"+lang {
			continue
		}
		j := i + 1
		for j < len(lines) && lines[j] != "```" {
			j++
		}
		prev := ""
		if i > 0 {
			prev = lines[i-1]
		}
		code = append(code, strings.Join(lines[i+1:j], "\n")+"\n")
		before = append(before, prev)
		i = j
	}
	return code, before
}

// The README's Go example is Example_readme, but for its first line
// (the folder, relative to the repository root there).
func TestReadmeGoExample(t *testing.T) {
	code, _ := blocks(readme(t), "go")
	require.Len(t, code, 1, "the README has one Go block")
	src, err := os.ReadFile("readme_example_test.go")
	require.NoError(t, err)
	body := string(src)
	body = body[strings.Index(body, "func Example_readme() {\n")+len("func Example_readme() {\n"):]
	body = body[:strings.Index(body, "\n}\n")+1]
	var example []string
	for _, l := range strings.Split(body, "\n") {
		l = strings.TrimPrefix(l, "\t")
		if l != "// Output:" {
			example = append(example, l)
		}
	}
	lines := strings.Split(code[0], "\n")
	require.Equal(t, `dir := "testdata/dr1-county-7"`, lines[0])
	require.Equal(t, strings.Join(example[1:], "\n"), strings.Join(lines[1:], "\n"))
}

// The README shows scripts/replay.py in full.
func TestReadmePythonSnippet(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(root, "scripts", "replay.py"))
	require.NoError(t, err)
	code, _ := blocks(readme(t), "python")
	require.Equal(t, []string{string(script)}, code)
	require.LessOrEqual(t, strings.Count(string(script), "\n"), 30, "the README promises thirty lines")
}

// subset keeps the fields of a JSON view that the Python replay
// computes: everything but the teams.
func subset(t *testing.T, view []byte) map[string]any {
	t.Helper()
	var v map[string]any
	require.NoError(t, json.Unmarshal(view, &v))
	out := map[string]any{}
	for _, k := range []string{"key", "inputs", "plan_digest", "roots", "strata"} {
		out[k] = v[k]
	}
	var sel []any
	for _, s := range v["selected"].([]any) {
		m := s.(map[string]any)
		sel = append(sel, map[string]any{"id": m["id"], "priority": m["priority"], "mark": m["mark"]})
	}
	out["selected"] = sel
	return out
}

func python(t *testing.T, dir, seed string) []byte {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not installed")
	}
	var stderr bytes.Buffer
	cmd := exec.Command(py, filepath.Join(root, "scripts", "replay.py"), dir, seed)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	return out
}

// The Python replay reproduces the vectors: key, inputs, roots, strata
// and every selected premises (id, priority, mark).
func TestPythonReplayVectors(t *testing.T) {
	for _, c := range []struct{ county, seed string }{
		{"dr1-county-7", "20237331128159211123"},
		{"dr1-county-12", "326eaa548e7bb1b3e97ff8e26929630fa0c04a21179ec71afe5f6b62d0796b81"},
	} {
		t.Run(c.county, func(t *testing.T) {
			dir := filepath.Join(root, "testdata", c.county)
			want, err := os.ReadFile(filepath.Join(dir, "expected-view.json"))
			require.NoError(t, err)
			got := python(t, dir, c.seed)
			require.Equal(t, subset(t, want), subset(t, got))
		})
	}
}

// On the sample county (3,000 premises, cooldown, targeted premises) the
// Python replay agrees with the Go draw.
func TestPythonReplaySampleCounty(t *testing.T) {
	if testing.Short() {
		t.Skip("about a second of Python")
	}
	dir := t.TempDir()
	require.NoError(t, samplecounty.WriteDir(dir))
	const digits = "14159265358979323846"
	set, err := samplecounty.Load()
	require.NoError(t, err)
	plan, err := random.ParsePlan(samplecounty.Plan())
	require.NoError(t, err)
	seed, err := random.DiceSeed(digits)
	require.NoError(t, err)
	res, err := random.Draw(context.Background(), plan, set, seed, random.Options{})
	require.NoError(t, err)
	want, err := res.View().Encode()
	require.NoError(t, err)
	got := python(t, dir, digits)
	require.Equal(t, subset(t, want), subset(t, got))
}

// Every shell block of the README marked "<!-- run" runs, in order,
// from the repository root, with `go run ./examples/cli` standing for a
// binary built once.
func TestReadmeCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI")
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash not installed")
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		t.Skip("go not in PATH")
	}
	tmp := t.TempDir()
	cli := filepath.Join(tmp, "cli")
	build := exec.Command(goTool, "build", "-o", cli, "./examples/cli")
	build.Dir = root
	out, err := build.CombinedOutput()
	require.NoError(t, err, string(out))

	code, before := blocks(readme(t), "sh")
	var script strings.Builder
	script.WriteString(`go() {
  if [ "$1" = run ] && [ "$2" = ./examples/cli ]; then shift 2; "$DR_CLI" "$@"
  else echo "README test: unexpected command: go $*" >&2; return 99; fi
}
`)
	n := 0
	for i, c := range code {
		if strings.HasPrefix(before[i], "<!-- run") {
			script.WriteString(c)
			n++
		}
	}
	require.Equal(t, 2, n, "runnable blocks in the README")
	cmd := exec.Command(bash, "-euo", "pipefail", "-c", script.String())
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "DR_CLI="+cli, "TMPDIR="+tmp)
	out, err = cmd.CombinedOutput()
	require.NoError(t, err, string(out))
	for _, want := range []string{
		`"premises": "be78b09baa930e8c5440b5b01a9a2e4dab6cbbd697cbc2579902a4bb41a7bc88"`,
		"view: identical",
		"8d220a5a5ab961b6",
		"Premises 91371727B23C6F5DAF was selected at random",
		"replayed: identical, 1 substitutions, 1 outcomes",
		"verified: OK",
		"verdict: selected",
	} {
		require.Contains(t, string(out), want)
	}
}
