package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// agencyFolder writes a small folder as a bureau exports it: premises in
// an .xlsx workbook on a sheet named 名录 (Chinese headers, a number cell,
// a column only a mapping file knows, a code with a wrong check
// character), inspectors as a GBK CSV with Chinese headers and dates as
// Excel writes them; and the same tables as canonical UTF-8 CSV files.
func agencyFolder(t *testing.T) (agency, canonical, columns string) {
	t.Helper()
	agency, canonical = t.TempDir(), t.TempDir()
	const good, bad = "9137172702824CJ1C6", "9137172702824CJ1C7"

	f := excelize.NewFile()
	require.NoError(t, f.SetSheetName("Sheet1", "名录"))
	rows := [][]any{
		{"统一社会信用代码", "单位名称", "所属区域", "许可证编号"},
		{good, "华盛盛宾馆", 371727002, "L-1"},
		{bad, "华泰恒卫生室", 371727001, "L-2"},
	}
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, err)
		require.NoError(t, f.SetSheetRow("名录", cell, &r))
	}
	require.NoError(t, f.SaveAs(filepath.Join(agency, "premises.xlsx")))
	require.NoError(t, f.Close())
	ins, err := simplifiedchinese.GBK.NewEncoder().String("执法证号,姓名,证件有效期至\r\nWJ1,监督员1,2026/11/25\r\nWJ2,监督员2,\r\n")
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(agency, "inspectors.csv"), []byte(ins), 0o644))

	require.NoError(t, os.WriteFile(filepath.Join(canonical, "premises.csv"),
		[]byte("id,name,region,license\n"+good+",华盛盛宾馆,371727002,L-1\n"+bad+",华泰恒卫生室,371727001,L-2\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(canonical, "inspectors.csv"),
		[]byte("id,name,credential_expires\nWJ1,监督员1,2026-11-25\nWJ2,监督员2,\n"), 0o644))

	columns = filepath.Join(t.TempDir(), "columns.csv")
	require.NoError(t, os.WriteFile(columns, []byte("table,header,attribute\npremises,许可证编号,license\n"), 0o644))
	return agency, canonical, columns
}

func TestRootsAgencyFiles(t *testing.T) {
	agency, canonical, columns := agencyFolder(t)
	var want, stderr bytes.Buffer
	require.Equal(t, 0, run([]string{"roots", "--dir", canonical}, &want, &stderr), stderr.String())

	var got bytes.Buffer
	stderr.Reset()
	code := run([]string{"roots", "--dir", agency, "--sheet", "名录", "--columns", columns}, &got, &stderr)
	require.Equal(t, 0, code, stderr.String())
	require.Equal(t, want.String(), got.String())
	prem, insp := filepath.Join(agency, "premises.xlsx"), filepath.Join(agency, "inspectors.csv")
	require.Equal(t, "premises: read "+prem+", sheet 名录, 2 rows\n"+
		`  column A "统一社会信用代码" read as id (built-in)`+"\n"+
		`  column B "单位名称" read as name (built-in)`+"\n"+
		`  column C "所属区域" read as region (built-in)`+"\n"+
		`  column D "许可证编号" read as license (`+columns+":2)\n"+
		"inspectors: read "+insp+" as GBK (GB18030), 2 rows, 1 date read as YYYY-MM-DD\n"+
		`  column 1 "执法证号" read as id (built-in)`+"\n"+
		`  column 2 "姓名" read as name (built-in)`+"\n"+
		`  column 3 "证件有效期至" read as credential_expires (built-in)`+"\n"+
		"warning: "+prem+`: sheet 名录: cell A3: field "id" (column "统一社会信用代码") value "9137172702824CJ1C7": bad unified social credit code: "9137172702824CJ1C7" has check character '7', want '6'`+"\n",
		stderr.String())

	// The first sheet is the default; without the mapping file the
	// column keeps its Chinese name (not reported: not mapped), and the
	// root differs.
	got.Reset()
	stderr.Reset()
	require.Equal(t, 0, run([]string{"roots", "--dir", agency}, &got, &stderr), stderr.String())
	require.NotEqual(t, want.String(), got.String())
	require.NotContains(t, stderr.String(), `"许可证编号" read as`)

	// Strict: the warning is an error.
	stderr.Reset()
	require.Equal(t, 2, run([]string{"roots", "--dir", agency, "--columns", columns, "--strict"}, &got, &stderr))
	require.Contains(t, stderr.String(), `cell A3: field "id" (column "统一社会信用代码") value "9137172702824CJ1C7": bad unified social credit code`)
}

func TestInputFlagErrors(t *testing.T) {
	agency, _, _ := agencyFolder(t)
	badMap := filepath.Join(t.TempDir(), "columns.csv")
	require.NoError(t, os.WriteFile(badMap, []byte("table,header,attribute\nshops,名称,name\n"), 0o644))
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no such sheet", []string{"roots", "--dir", agency, "--sheet", "Sheet9"}, `premises.xlsx: malformed file: no sheet "Sheet9" (the workbook has "名录")`},
		{"no mapping file", []string{"roots", "--dir", agency, "--columns", filepath.Join(agency, "none.csv")}, "--columns: open " + filepath.Join(agency, "none.csv")},
		{"bad mapping file", []string{"roots", "--dir", agency, "--columns", badMap}, badMap + `:2:1: field "table" value "shops": bad column mapping`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			require.Equal(t, 2, run(tc.args, &stdout, &stderr))
			require.Contains(t, stderr.String(), tc.stderr)
			require.Empty(t, stdout.String())
		})
	}
}
