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
	"unicode/utf8"

	"github.com/doublerandom/doublerandom/examples/internal/samplecounty"
	"github.com/doublerandom/doublerandom/random"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
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

// The README shows how to run scripts/replay.py, and the script says
// in its first lines how it is called.
func TestReadmePythonCommand(t *testing.T) {
	script, err := os.ReadFile(filepath.Join(root, "scripts", "replay.py"))
	require.NoError(t, err)
	require.Contains(t, string(script), "python3 scripts/replay.py DIR (--dice DIGITS | --hex HEX)")
	require.Contains(t, readme(t), "python3 scripts/replay.py testdata/v2/dr2-county-c --dice 20237331128159211123")
	require.LessOrEqual(t, strings.Count(string(script), "\n"), 300, "short enough to read in one sitting")
}

// subset keeps the fields of a v1 JSON view that the Python replay
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

// python runs scripts/replay.py with args and returns its output; with
// fail set it expects exit status 2 and returns the standard error.
func python(t *testing.T, fail bool, args ...string) []byte {
	t.Helper()
	py, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("python3 not installed: CI must run the Python replay")
		}
		t.Skip("python3 not installed")
	}
	var stderr bytes.Buffer
	cmd := exec.Command(py, append([]string{filepath.Join(root, "scripts", "replay.py")}, args...)...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if fail {
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "replay.py %v should fail", args)
		require.Equal(t, 2, exit.ExitCode(), stderr.String())
		return stderr.Bytes()
	}
	require.NoError(t, err, stderr.String())
	return out
}

// The Python replay reproduces the v1 vectors: key, inputs, roots,
// strata and every selected premises (id, priority, mark).
func TestPythonReplayVectors(t *testing.T) {
	for _, c := range []struct{ county, flag, seed string }{
		{"dr1-county-7", "--dice", "20237331128159211123"},
		{"dr1-county-12", "--hex", "326eaa548e7bb1b3e97ff8e26929630fa0c04a21179ec71afe5f6b62d0796b81"},
	} {
		t.Run(c.county, func(t *testing.T) {
			dir := filepath.Join(root, "testdata", c.county)
			want, err := os.ReadFile(filepath.Join(dir, "expected-view.json"))
			require.NoError(t, err)
			got := python(t, false, dir, c.flag, c.seed)
			require.Equal(t, subset(t, want), subset(t, got))
		})
	}
}

// The Python replay reproduces every v2 vector county byte for byte,
// teams included, and refuses county d's plan that forgot a status,
// naming the file, line and row.
func TestPythonReplayV2Vectors(t *testing.T) {
	v2 := filepath.Join(root, "testdata", "v2")
	for _, c := range []struct{ county, flag, seed, view string }{
		{"dr2-county-a", "--dice", "20237331128159211123", "expected-view.json"},
		{"dr2-county-b", "--dice", "20237331128159211123", "expected-view.json"},
		{"dr2-county-b", "--hex", "00ff10203040506070809a", "expected-view-hex.json"},
		{"dr2-county-c", "--dice", "20237331128159211123", "expected-view.json"},
		{"dr2-county-d", "--dice", "20237331128159211123", "expected-view.json"},
	} {
		t.Run(c.county+c.flag, func(t *testing.T) {
			dir := filepath.Join(v2, c.county)
			want, err := os.ReadFile(filepath.Join(dir, c.view))
			require.NoError(t, err)
			require.Equal(t, string(want), string(python(t, false, dir, c.flag, c.seed)))
		})
	}
	t.Run("refused", func(t *testing.T) {
		msg := python(t, true, filepath.Join(v2, "dr2-county-d", "refused"), "--dice", "20237331128159211123")
		require.Contains(t, string(msg), "premises.csv:27: row '92451099MA5Y3CF60J'")
		require.Contains(t, string(msg), "歇业")
	})
	// "20237331128159211123" as --hex is ten bytes, not the dice digits:
	// the flag, not the look of the digits, says which.
	t.Run("hex-digits", func(t *testing.T) {
		got := python(t, false, filepath.Join(v2, "dr2-county-c"), "--hex", "20237331128159211123")
		want, err := os.ReadFile(filepath.Join(v2, "dr2-county-c", "expected-view.json"))
		require.NoError(t, err)
		require.NotEqual(t, string(want), string(got))
	})
}

// Files as agencies export them: the same county in GBK with a byte
// order mark-less header, and in UTF-8 with a BOM, replays to the same
// view.
func TestPythonReplayEncodings(t *testing.T) {
	src := filepath.Join(root, "testdata", "v2", "dr2-county-c")
	want, err := os.ReadFile(filepath.Join(src, "expected-view.json"))
	require.NoError(t, err)
	for _, enc := range []string{"gbk", "bom"} {
		t.Run(enc, func(t *testing.T) {
			dir := t.TempDir()
			entries, err := os.ReadDir(src)
			require.NoError(t, err)
			for _, e := range entries {
				b, err := os.ReadFile(filepath.Join(src, e.Name()))
				require.NoError(t, err)
				if strings.HasSuffix(e.Name(), ".csv") {
					switch enc {
					case "gbk":
						b, err = simplifiedchinese.GBK.NewEncoder().Bytes(b)
						require.NoError(t, err)
						require.False(t, utf8.Valid(b), "%s has Chinese text", e.Name())
					case "bom":
						b = append([]byte("\ufeff"), b...)
					}
				}
				require.NoError(t, os.WriteFile(filepath.Join(dir, e.Name()), b, 0o644))
			}
			require.Equal(t, string(want), string(python(t, false, dir, "--dice", "20237331128159211123")))
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
	got := python(t, false, dir, "--dice", digits)
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
