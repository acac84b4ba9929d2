package main

import (
	"encoding/csv"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The command-line tests as a person types them live in
// testdata/script/*.txtar (testscript, as filippo.io/age keeps its own):
// each runs "exec cli ..." and shows the exit status, stdout and stderr
// side by side. "go test -run TestScript -update" rewrites the files that
// "cmp stdout NAME" compares with (review the diff).

var updateScripts = flag.Bool("update", false, "rewrite the expected output in testdata/script/*.txtar")

func TestMain(m *testing.M) {
	testscript.Main(cleanupM{m}, map[string]func(){"cli": main})
}

// cleanupM runs the tests, then removes what the browser tests shared.
type cleanupM struct{ m *testing.M }

func (c cleanupM) Run() int {
	code := c.m.Run()
	siteCleanup()
	return code
}

func TestScript(t *testing.T) {
	testdata, err := filepath.Abs(filepath.Join("..", "..", "testdata"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       *updateScripts,
		Setup: func(e *testscript.Env) error {
			// $TESTDATA is the repository's testdata folder.
			e.Setenv("TESTDATA", testdata)
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			"county":  cmdCounty,
			"replace": cmdReplace,
			"gbk":     cmdGBK,
			"xlsx":    cmdXLSX,
		},
	})
}

// cmdCounty is the script command "county NAME DIR": it makes DIR a
// fresh copy of the folder $TESTDATA/NAME (e.g. dr1-county-7), removing
// what DIR held.
func cmdCounty(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: county NAME DIR")
	}
	src := filepath.Join(ts.Getenv("TESTDATA"), args[0])
	dst := ts.MkAbs(args[1])
	ts.Check(os.RemoveAll(dst))
	ts.Check(os.MkdirAll(dst, 0o755))
	entries, err := os.ReadDir(src)
	ts.Check(err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		ts.Check(err)
		ts.Check(os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644))
	}
}

// cmdReplace is the script command "replace [-q] FILE OLD NEW": it
// replaces the first OLD in FILE by NEW and fails when FILE lacks OLD.
// With -q, OLD and NEW are Go double-quoted strings ("a\x01b"), for bytes
// a script cannot hold.
func cmdReplace(ts *testscript.TestScript, neg bool, args []string) {
	quoted := len(args) > 0 && args[0] == "-q"
	if quoted {
		args = args[1:]
	}
	if neg || len(args) != 3 {
		ts.Fatalf("usage: replace [-q] FILE OLD NEW")
	}
	old, new := args[1], args[2]
	if quoted {
		var err error
		old, err = strconv.Unquote(old)
		ts.Check(err)
		new, err = strconv.Unquote(new)
		ts.Check(err)
	}
	name := ts.MkAbs(args[0])
	b, err := os.ReadFile(name)
	ts.Check(err)
	if !strings.Contains(string(b), old) {
		ts.Fatalf("replace: %s does not contain %q", args[0], old)
	}
	ts.Check(os.WriteFile(name, []byte(strings.Replace(string(b), old, new, 1)), 0o644))
}

// cmdGBK is the script command "gbk SRC DST": it writes the UTF-8 file SRC
// as GBK to DST, as a register's export would be.
func cmdGBK(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: gbk SRC DST")
	}
	b, err := os.ReadFile(ts.MkAbs(args[0]))
	ts.Check(err)
	g, err := simplifiedchinese.GBK.NewEncoder().Bytes(b)
	ts.Check(err)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), g, 0o644))
}

// cmdXLSX is the script command "xlsx [-merge RANGE] SRC.csv DST.xlsx
// SHEET": it writes the rows of the CSV file SRC as the sheet SHEET of a
// new workbook DST, every cell as text; -merge merges a range of cells
// (such as A1:B1), as a hand-made header may be.
func cmdXLSX(ts *testscript.TestScript, neg bool, args []string) {
	var merge string
	if len(args) > 1 && args[0] == "-merge" {
		merge, args = args[1], args[2:]
	}
	if neg || len(args) != 3 {
		ts.Fatalf("usage: xlsx [-merge RANGE] SRC.csv DST.xlsx SHEET")
	}
	f, err := os.Open(ts.MkAbs(args[0]))
	ts.Check(err)
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	ts.Check(err)
	x := excelize.NewFile()
	defer x.Close()
	ts.Check(x.SetSheetName("Sheet1", args[2]))
	for r, row := range rows {
		for c, v := range row {
			cell, err := excelize.CoordinatesToCellName(c+1, r+1)
			ts.Check(err)
			ts.Check(x.SetCellStr(args[2], cell, v))
		}
	}
	if merge != "" {
		from, to, _ := strings.Cut(merge, ":")
		ts.Check(x.MergeCell(args[2], from, to))
	}
	ts.Check(x.SaveAs(ts.MkAbs(args[1])))
}
