package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// badInputCommands are the commands that read a county folder, with the
// arguments they need besides --dir. A command another change has not
// registered yet is skipped.
var badInputCommands = []struct {
	name     string
	args     []string
	readPlan bool
}{
	{"draw", []string{"--seed-dice", "20237331128159211123"}, true},
	{"roots", nil, false},
	{"explain", []string{"--seed-dice", "20237331128159211123", "--id", "91371727B23C6F5DAF"}, true},
	{"preflight", nil, true},
}

func registered(name string) bool {
	return slices.ContainsFunc(commands, func(c command) bool { return c.name == name })
}

// countyCopy copies testdata/dr1-county-7 into a new folder.
func countyCopy(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "county")
	require.NoError(t, os.Mkdir(dir, 0o755))
	src := vectorDir("dr1-county-7")
	for _, f := range []string{"plan.json", "premises.csv", "inspectors.csv", "conflicts.csv", "history.csv"} {
		b, err := os.ReadFile(filepath.Join(src, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	return dir
}

// replaceIn replaces the first old in dir/file with new, which must
// change the file.
func replaceIn(old, new string) func(t *testing.T, dir, file string) {
	return func(t *testing.T, dir, file string) {
		t.Helper()
		name := filepath.Join(dir, file)
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		out := strings.Replace(string(b), old, new, 1)
		require.NotEqual(t, string(b), out, "%q not in %s", old, file)
		require.NoError(t, os.WriteFile(name, []byte(out), 0o644))
	}
}

// checkNoCrash fails if the output looks like a panic or a stack trace.
func checkNoCrash(t *testing.T, out string) {
	t.Helper()
	for _, s := range []string{"panic", "goroutine ", "runtime.", ".go:"} {
		require.NotContains(t, out, s, "crash-like output")
	}
}

// runCounty runs a command on dir and returns its exit code and output.
func runCounty(t *testing.T, name string, dir string, extra []string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	var code int
	require.NotPanics(t, func() {
		code = run(append([]string{name, "--dir", dir}, extra...), &stdout, &stderr)
	})
	checkNoCrash(t, stdout.String())
	checkNoCrash(t, stderr.String())
	return code, stdout.String(), stderr.String()
}

// TestBadInputNamesFileLineFieldValue breaks one thing of a good county
// folder per case and requires of every command that reads the broken
// file: exit 2, nothing on stdout, and a message on stderr that names
// the file, the line, the field and the value.
func TestBadInputNamesFileLineFieldValue(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		spoil func(t *testing.T, dir, file string)
		want  []string // after the file path
	}{
		{"duplicate premises id", "premises.csv",
			replaceIn("371727589015,华泰恒卫生室", "9137172702824CJ1C6,华泰恒卫生室"),
			[]string{":3:1: ", `field "id"`, `value "9137172702824CJ1C6"`, "duplicate id (first on line 2)"}},
		{"duplicate inspector id", "inspectors.csv",
			replaceIn("WJ3717270014,监督员3", "WJ3717270021,监督员3"),
			[]string{":3:1: ", `field "id"`, `value "WJ3717270021"`, "duplicate id"}},
		{"missing id column", "inspectors.csv",
			replaceIn("id,name,unit", "ident,name,unit"),
			[]string{":1: ", `field "id"`, `value "ident,name,unit`, "no id column"}},
		{"control character", "premises.csv",
			replaceIn("华泰恒卫生室", "华泰\x01恒卫生室"),
			[]string{":3:2: ", `field "name"`, `value "华泰\x01恒卫生室"`, "control character U+0001"}},
		{"invalid UTF-8", "premises.csv",
			replaceIn("达瑞泰卫生室", "\xff\xfe卫生室"),
			[]string{":4:2: ", `field "name"`, `value "\xff\xfe卫生室"`, "invalid UTF-8"}},
		{"short row", "premises.csv",
			replaceIn("371727001,medical,B,closed", "371727001,medical"),
			[]string{":3:5: ", `field "risk"`, `value ""`, "4 fields, the header has 6"}},
		{"bad number", "inspectors.csv",
			replaceIn(",,6,active", ",,six,active"),
			[]string{":2:8: ", `field "capacity"`, `value "six"`, "bad number"}},
		{"impossible credential date", "inspectors.csv",
			replaceIn("2028-06-30", "2027-02-29"),
			[]string{":4:7: ", `field "credential_expires"`, `value "2027-02-29"`, "does not exist"}},
		{"impossible history date", "history.csv",
			replaceIn("2024-08-31", "2025-02-29"),
			[]string{":3:3: ", `field "date"`, `value "2025-02-29"`, "does not exist"}},
		{"malformed history date", "history.csv",
			replaceIn("2024-08-31", "2024-13-01"),
			[]string{":3:3: ", `field "date"`, `value "2024-13-01"`, "bad date"}},
		{"history names unknown premises", "history.csv",
			replaceIn("JC0000011,371727647592", "JC0000011,371727999999"),
			[]string{":2:2: ", `field "premises"`, `value "371727999999"`, "no premises with this id"}},
		{"history names unknown inspector", "history.csv",
			replaceIn("WJ3717270035;WJ3717270056", "WJ3717279999;WJ3717270056"),
			[]string{":2:4: ", `field "inspectors"`, `value "WJ3717279999"`, "no inspectors with this id"}},
		{"conflict names unknown inspector", "conflicts.csv",
			replaceIn("WJ3717270077,9137172702824CJ1C6", "WJ9999999999,9137172702824CJ1C6"),
			[]string{":2:1: ", `field "inspector"`, `value "WJ9999999999"`, "no inspectors with this id"}},
		{"conflict names unknown premises", "conflicts.csv",
			replaceIn("WJ3717270077,9137172702824CJ1C6", "WJ3717270077,91371727000000000X"),
			[]string{":2:2: ", `field "premises"`, `value "91371727000000000X"`, "no premises with this id"}},
		{"ratio as JSON number", "plan.json",
			replaceIn(`"ratio": "20%"`, `"ratio": 0.2`),
			[]string{":24: ", "field quotas[0].ratio", "value 0.2", "not a number"}},
		{"ratio junk", "plan.json",
			replaceIn(`"ratio": "20%"`, `"ratio": "twenty"`),
			[]string{":24: ", "field quotas[0].ratio", `value "twenty"`, "bad ratio"}},
		{"ratio above one", "plan.json",
			replaceIn(`"ratio": "1/3"`, `"ratio": "4/3"`),
			[]string{":37: ", "field quotas[2].ratio", `value "4/3"`, "bad ratio"}},
		{"impossible plan date", "plan.json",
			replaceIn(`"date": "2026-11-22"`, `"date": "2026-02-30"`),
			[]string{":5: ", "field date", `value "2026-02-30"`, "does not exist"}},
		{"repeated plan key", "plan.json",
			replaceIn(`"coverage_days": 1095,`, `"coverage_days": 1095, "coverage_days": 0,`),
			[]string{":51: ", "field coverage_days", "repeated"}},
		{"targeted id not in roster", "plan.json",
			replaceIn(`"913717273J9H53JJ6U"`, `"91371727000000000X"`),
			[]string{":54: ", "field targeted[0].id", `value "91371727000000000X"`, "not in the roster"}},
		{"quota matches unstratified attribute", "plan.json",
			replaceIn(`"category": "school"`, `"risk": "A"`),
			[]string{":22: ", "field quotas[0].match.risk", `value "risk"`, "stratify"}},
		{"team of one", "plan.json",
			replaceIn(`"size": 2,`, `"size": 1,`),
			[]string{":63: ", "field teams[0].size", "value 1", "at least 2"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := countyCopy(t)
			tc.spoil(t, dir, tc.file)
			ran := 0
			for _, c := range badInputCommands {
				if !registered(c.name) || (tc.file == "plan.json" && !c.readPlan) {
					continue
				}
				ran++
				code, stdout, stderr := runCounty(t, c.name, dir, c.args)
				require.Equal(t, 2, code, "%s: %s", c.name, stderr)
				require.Empty(t, stdout, c.name)
				require.True(t, strings.HasPrefix(stderr, c.name+": "+filepath.Join(dir, tc.file)), "%s: file not named first:\n%s", c.name, stderr)
				for _, w := range tc.want {
					require.Contains(t, stderr, w, c.name)
				}
			}
			require.NotZero(t, ran)
		})
	}
}

// TestBadInputJSONL: the JSON Lines loader's errors name the file, line,
// field and value too.
func TestBadInputJSONL(t *testing.T) {
	tests := []struct {
		name string
		line string
		want []string
	}{
		{"number value", `{"id":"WJ3717270021","unit":"county-bureau","capacity":6}`, []string{":1:3: ", `field "capacity"`, `value "6"`, "JSON strings"}},
		{"repeated name", `{"id":"WJ3717270021","unit":"a","unit":"b"}`, []string{":1:3: ", `field "unit"`, "repeated"}},
		{"lone surrogate", `{"id":"WJ3717270021","unit":"a\ud800"}`, []string{":1: ", `\\ud800`, "lone surrogate"}},
		{"not an object", `["WJ3717270021"]`, []string{":1"}},
		{"truncated", `{"id":"WJ3717270021","unit":"a"`, []string{":1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := countyCopy(t)
			require.NoError(t, os.Remove(filepath.Join(dir, "inspectors.csv")))
			file := filepath.Join(dir, "inspectors.jsonl")
			require.NoError(t, os.WriteFile(file, []byte(tc.line+"\n"), 0o644))
			code, stdout, stderr := runCounty(t, "roots", dir, nil)
			require.Equal(t, 2, code, stderr)
			require.Empty(t, stdout)
			require.True(t, strings.HasPrefix(stderr, "roots: "+file), stderr)
			for _, w := range tc.want {
				require.Contains(t, stderr, w)
			}
		})
	}
}

// TestBadInputSeed: a dice seed of fewer than 20 digits is refused,
// naming the flag and the value.
func TestBadInputSeed(t *testing.T) {
	for _, c := range badInputCommands {
		if !registered(c.name) || !slices.Contains(c.args, "--seed-dice") {
			continue
		}
		for _, seed := range []string{"1234567890123456789", "2023 7331 1281 5921 112", "", "٢٠٢٣٧٣٣١١٢٨١٥٩٢١١١٢٣"} {
			args := slices.Clone(c.args)
			args[slices.Index(args, "--seed-dice")+1] = seed
			code, stdout, stderr := runCounty(t, c.name, countyCopy(t), args)
			require.Equal(t, 2, code, "%s %q: %s", c.name, seed, stderr)
			require.Empty(t, stdout)
			require.Contains(t, stderr, "--seed-dice", seed)
			if seed != "" {
				require.Contains(t, stderr, `"`+seed+`"`, seed)
			}
		}
	}
}

// TestBadInputNoCrash feeds broken folders to every command that reads
// one: each must end with exit 2 and a message naming what is wrong,
// never a panic.
func TestBadInputNoCrash(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T) string // returns the --dir
		want  string                    // in stderr
	}{
		{"empty folder", func(t *testing.T) string { return t.TempDir() }, ""},
		{"no folder", func(t *testing.T) string { return filepath.Join(t.TempDir(), "none") }, "none"},
		{"a file as the folder", func(t *testing.T) string { return filepath.Join(countyCopy(t), "premises.csv") }, "premises.csv"},
		{"missing premises", func(t *testing.T) string {
			dir := countyCopy(t)
			require.NoError(t, os.Remove(filepath.Join(dir, "premises.csv")))
			return dir
		}, "premises.csv"},
		{"missing inspectors", func(t *testing.T) string {
			dir := countyCopy(t)
			require.NoError(t, os.Remove(filepath.Join(dir, "inspectors.csv")))
			return dir
		}, "inspectors.csv"},
		{"folder as premises", func(t *testing.T) string {
			dir := countyCopy(t)
			require.NoError(t, os.Remove(filepath.Join(dir, "premises.csv")))
			require.NoError(t, os.Mkdir(filepath.Join(dir, "premises.csv"), 0o755))
			return dir
		}, "premises.csv"},
		{"folder as history", func(t *testing.T) string {
			dir := countyCopy(t)
			require.NoError(t, os.Remove(filepath.Join(dir, "history.csv")))
			require.NoError(t, os.Mkdir(filepath.Join(dir, "history.csv"), 0o755))
			return dir
		}, "history.csv"},
		{"csv and jsonl", func(t *testing.T) string {
			dir := countyCopy(t)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "premises.jsonl"), nil, 0o644))
			return dir
		}, "premises"},
		{"0-byte premises", func(t *testing.T) string {
			dir := countyCopy(t)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "premises.csv"), nil, 0o644))
			return dir
		}, "premises.csv:1"},
		{"binary premises", func(t *testing.T) string {
			dir := countyCopy(t)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "premises.csv"), []byte("id,name\n\x00\x01\x02\xff,\"\n"), 0o644))
			return dir
		}, "premises.csv:2"},
	}
	planCases := []struct {
		name  string
		setup func(t *testing.T) string
		want  string
	}{
		{"missing plan", func(t *testing.T) string {
			dir := countyCopy(t)
			require.NoError(t, os.Remove(filepath.Join(dir, "plan.json")))
			return dir
		}, "plan.json"},
		{"folder as plan", func(t *testing.T) string {
			dir := countyCopy(t)
			require.NoError(t, os.Remove(filepath.Join(dir, "plan.json")))
			require.NoError(t, os.Mkdir(filepath.Join(dir, "plan.json"), 0o755))
			return dir
		}, "plan.json"},
		{"0-byte plan", func(t *testing.T) string {
			dir := countyCopy(t)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "plan.json"), nil, 0o644))
			return dir
		}, "plan.json:1: malformed plan"},
		{"plan is a JSON array", func(t *testing.T) string {
			dir := countyCopy(t)
			b, err := os.ReadFile(filepath.Join(dir, "plan.json"))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "plan.json"), append(append([]byte("["), b...), ']'), 0o644))
			return dir
		}, "plan.json:1: malformed plan"},
		{"plan is null", func(t *testing.T) string {
			dir := countyCopy(t)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "plan.json"), []byte("null\n"), 0o644))
			return dir
		}, "plan.json:1: malformed plan"},
		{"plan is binary", func(t *testing.T) string {
			dir := countyCopy(t)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "plan.json"), []byte("\x00\xff{"), 0o644))
			return dir
		}, "plan.json:1: malformed plan"},
	}
	check := func(t *testing.T, setup func(t *testing.T) string, want string, plan bool) {
		dir := setup(t)
		ran := 0
		for _, c := range badInputCommands {
			if !registered(c.name) || (plan && !c.readPlan) {
				continue
			}
			ran++
			code, stdout, stderr := runCounty(t, c.name, dir, c.args)
			require.Equal(t, 2, code, "%s: %s", c.name, stderr)
			require.Empty(t, stdout, c.name)
			require.NotEmpty(t, strings.TrimSpace(stderr), c.name)
			require.Contains(t, stderr, want, c.name)
		}
		require.NotZero(t, ran)
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { check(t, tc.setup, tc.want, false) })
	}
	for _, tc := range planCases {
		t.Run(tc.name, func(t *testing.T) { check(t, tc.setup, tc.want, true) })
	}
}
