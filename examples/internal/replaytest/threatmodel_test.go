package replaytest_test

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// testFuncRE matches the declaration of a test, fuzz target, benchmark or
// example at the start of a line of a _test.go file.
var testFuncRE = regexp.MustCompile(`^func ((?:Test|Fuzz|Benchmark|Example)\w*)\(`)

// definedTests walks the repository and returns, per package folder
// (slash-separated, relative to the root: "publish", "examples/cli"),
// the names of the tests, fuzz targets, benchmarks and examples its
// _test.go files define.
func definedTests(t *testing.T) map[string]map[string]bool {
	t.Helper()
	defs := map[string]map[string]bool{}
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if name := d.Name(); path != root && (strings.HasPrefix(name, ".") || name == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		rel, err := filepath.Rel(root, filepath.Dir(path))
		if err != nil {
			return err
		}
		pkg := filepath.ToSlash(rel)
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
		for sc.Scan() {
			if m := testFuncRE.FindStringSubmatch(sc.Text()); m != nil {
				if defs[pkg] == nil {
					defs[pkg] = map[string]bool{}
				}
				defs[pkg][m[1]] = true
			}
		}
		return sc.Err()
	})
	require.NoError(t, err)
	return defs
}

// refRE matches a reference to a test in THREAT-MODEL.md: a name starting
// with Test, Fuzz or Benchmark and a character that is not a lower-case
// letter (as go test requires: "Tests" is a word), or an Example name,
// optionally followed by
// "/subtest" (only the top-level name is checked), and optionally
// preceded by the package it is in ("publish TestWitnessCosign",
// "examples/cli TestCLIWrongKey", "cli TestWitnessCLIFork").
var refRE = regexp.MustCompile(`(?:\b([a-z][a-z0-9]*(?:/[a-z][a-z0-9]*)*)\s+)?\b((?:Test|Fuzz|Benchmark)[A-Z0-9_]\w*|Example(?:[A-Z0-9_]\w*)?\b)(?:/\S*)?`)

// listItemRE splits a paragraph into its list items.
var listItemRE = regexp.MustCompile(`(?m)^- `)

// TestThreatModelReferences keeps THREAT-MODEL.md true: every test it
// names must exist. A name after a package ("publish TestX") must be
// defined in that package's folder; the names that follow it in the same
// table cell or paragraph, up to the next package, belong to that
// package too ("random TestA, TestB; roster TestC"). A name with no
// package before it must be defined somewhere in the repository.
func TestThreatModelReferences(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(root, "THREAT-MODEL.md"))
	require.NoError(t, err)
	defs := definedTests(t)

	// folder returns the package folders a package word names: the
	// folder itself or any folder ending in "/word" ("cli" is
	// examples/cli, "padsum" is internal/padsum).
	folders := func(word string) []string {
		var out []string
		for dir := range defs {
			if dir == word || strings.HasSuffix(dir, "/"+word) {
				out = append(out, dir)
			}
		}
		sort.Strings(out)
		return out
	}
	definedIn := func(name string, dirs []string) bool {
		for _, d := range dirs {
			if defs[d][name] {
				return true
			}
		}
		return false
	}
	anywhere := func(name string) bool {
		for _, names := range defs {
			if names[name] {
				return true
			}
		}
		return false
	}

	// A unit is a table cell, or a paragraph or list item outside tables.
	var units []string
	for _, para := range strings.Split(string(b), "\n\n") {
		for _, line := range strings.Split(para, "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "|") {
				units = append(units, strings.Split(line, "|")...)
				para = strings.Replace(para, line, "", 1)
			}
		}
		units = append(units, listItemRE.Split(para, -1)...)
	}

	var refs, broken []string
	for _, unit := range units {
		unit = strings.ReplaceAll(unit, "`", "")
		var pkgDirs []string
		pkgWord := ""
		for _, m := range refRE.FindAllStringSubmatch(unit, -1) {
			word, name := m[1], m[2]
			if word != "" {
				if dirs := folders(word); len(dirs) > 0 {
					pkgDirs, pkgWord = dirs, word
				}
			}
			refs = append(refs, name)
			switch {
			case pkgDirs != nil && !definedIn(name, pkgDirs):
				where := "defined in no _test.go of the repository"
				if anywhere(name) {
					where = "not in package " + pkgWord + " (it is defined elsewhere)"
				}
				broken = append(broken, pkgWord+" "+name+": "+where)
			case pkgDirs == nil && !anywhere(name):
				broken = append(broken, name+": defined in no _test.go of the repository")
			}
		}
	}
	require.NotEmpty(t, refs, "THREAT-MODEL.md names no tests: is the pattern still right?")
	if len(broken) > 0 {
		t.Errorf("THREAT-MODEL.md names %d tests that do not exist:\n  %s", len(broken), strings.Join(broken, "\n  "))
	}
	t.Logf("%d test references checked", len(refs))
}
