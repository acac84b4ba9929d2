package main

import (
	"bytes"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// agencyLedger announces and draws county 7 into a new ledger and
// returns the folder, the ledger and the key prefix.
func agencyLedger(t *testing.T) (dir, ledger, key string) {
	t.Helper()
	tmp := t.TempDir()
	dir = vectorDir("dr1-county-7")
	ledger = filepath.Join(tmp, "ledger")
	key = filepath.Join(tmp, "agency")
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", key)
	mustCLI(t, "announce", "--accept-problems", "--dir", dir, "--ledger", ledger, "--key", key+".key",
		"--dice-ceremony", "2026-11-22T09:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-11-20T10:00:00+08:00")
	mustCLI(t, "draw", "--dir", dir, "--ledger", ledger, "--key", key+".key", "--seed-dice", "2023 7331 1281 5921 1123",
		"--at", "2026-11-22T09:35:00+08:00")
	return dir, ledger, key
}

// The results file of the round trip test, as Excel on a Chinese Windows
// saves it: GBK, Chinese headers, dates as 2026/11/25, full-width
// separators, several outcomes for one premises.
const resultsGBKText = "统一社会信用代码,检查结果,检查日期,检查人员,备注,后续处置状态\r\n" +
	"91371727HD841G735N,发现问题待后续处理；违反其他部门相关规定,2026/11/25,WJ3717270021；WJ3717270084,移交县应急管理局,未完结\r\n" +
	"91371727B23C6F5DAF,未发现问题,2026-11-26 00:00:00,WJ3717270084;WJ3717270077,,\r\n"

func TestResultsAsExported(t *testing.T) {
	dir, ledger, key := agencyLedger(t)
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(resultsGBKText)
	require.NoError(t, err)
	file := filepath.Join(t.TempDir(), "结果.csv")
	require.NoError(t, os.WriteFile(file, []byte(gbk), 0o644))

	code, out, errs := cli(t, "results", "--ledger", ledger, "--key", key+".key", "--file", file,
		"--at", "2026-12-01 10:00", "--authority", "某县卫生健康局", "--inspection-type", "双随机抽查")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "2 results")
	require.Contains(t, errs, "at: 2026-12-01T10:00:00+08:00", "echoes the time understood")

	out = mustCLI(t, "verify", "--ledger", ledger, "--dir", dir, "--pub", key+".pub", "--at", "2026-12-02T10:00:00+08:00")
	require.Contains(t, out, "verified: OK")
	require.Contains(t, out, "2 outcomes")

	csvOut := mustCLI(t, "notice", "--ledger", ledger, "--dir", dir, "--pub", key+".pub", "--out", "-")
	require.Contains(t, csvOut, "发现问题待后续处理；违反其他部门相关规定,2026-11-25,2026-12-01,移交县应急管理局,双随机抽查,某县卫生健康局,未完结")
}

func TestResultsXLSX(t *testing.T) {
	_, ledger, key := agencyLedger(t)
	f := excelize.NewFile()
	sheet := "检查结果"
	require.NoError(t, f.SetSheetName(f.GetSheetName(0), sheet))
	rows := [][]any{
		{"统一社会信用代码", "检查结果", "检查日期", "检查人员"},
		{"91371727HD841G735N", "发现问题经责令已改正", 46351, "WJ3717270021;WJ3717270084"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, f.SetSheetRow(sheet, cell, &r))
	}
	fmtID := "yyyy/m/d"
	style, err := f.NewStyle(&excelize.Style{CustomNumFmt: &fmtID})
	require.NoError(t, err)
	require.NoError(t, f.SetCellStyle(sheet, "C2", "C2", style))
	file := filepath.Join(t.TempDir(), "results.xlsx")
	require.NoError(t, f.SaveAs(file))

	code, _, errs := cli(t, "results", "--ledger", ledger, "--key", key+".key", "--file", file, "--sheet", "Sheet9")
	require.Equal(t, 2, code)
	require.Contains(t, errs, `no sheet "Sheet9" (the workbook has "检查结果")`)
	out := mustCLI(t, "results", "--ledger", ledger, "--key", key+".key", "--file", file, "--at", "2026-12-01T10:00:00+08:00")
	require.Contains(t, out, "1 results")
}

func TestResultsBadInput(t *testing.T) {
	_, ledger, key := agencyLedger(t)
	file := filepath.Join(t.TempDir(), "results.csv")
	require.NoError(t, os.WriteFile(file, []byte("统一社会信用代码,检查结果,检查日期,检查人员\n"+
		"91371727HD841G735N,合格,2026/11/25,WJ3717270021\n"+
		"91371727B23C6F5DAF,未发现问题,25/11/2026,WJ3717270084\n"), 0o644))
	code, _, errs := cli(t, "results", "--ledger", ledger, "--key", key+".key", "--file", file)
	require.Equal(t, 2, code)
	require.Contains(t, errs, `results.csv: line 2: outcome "合格" (column B): "合格" is not a known outcome code or text`)
	require.Contains(t, errs, `results.csv: line 3: date "25/11/2026" (column C): want a date like 2026-11-25, 2026/11/25`)
	require.Equal(t, 1, strings.Count(errs, "line 2:"), "each error once")

	require.NoError(t, os.WriteFile(file, []byte("premises,outcome,date,inspectors\n91371727HD841G735N,no_issue,2026-11-25,WJ3717270021\n"), 0o644))
	code, _, errs = cli(t, "results", "--ledger", ledger, "--key", key+".key", "--file", file, "--at", "明天上午")
	require.Equal(t, 2, code)
	require.Contains(t, errs, `--at: time "明天上午"`)
	require.Contains(t, errs, "2026-11-22 09:00")
	code, _, errs = cli(t, "results", "--ledger", ledger, "--key", key+".key", "--file", file, "--inspection-type", "专项")
	require.Equal(t, 2, code)
	require.Contains(t, errs, `inspection type "专项"`)
	n, err := os.ReadDir(ledger)
	require.NoError(t, err)
	for _, e := range n {
		require.NotContains(t, e.Name(), "results", "nothing written to the ledger")
	}
}

func TestNoticeFormats(t *testing.T) {
	dir, ledger, key := agencyLedger(t)
	results := filepath.Join(t.TempDir(), "results.csv")
	require.NoError(t, os.WriteFile(results, []byte("premises,outcome,date,inspectors,note\n91371727HD841G735N,corrected,2026-11-25,WJ3717270021,已整改\n"), 0o644))
	mustCLI(t, "results", "--ledger", ledger, "--key", key+".key", "--file", results, "--at", "2026-12-01 10:00")
	labels := filepath.Join(t.TempDir(), "labels.csv")
	require.NoError(t, os.WriteFile(labels, []byte("kind,code,label\nregion,371727001,城关镇\ncategory,public_place,公共场所\n"), 0o644))
	pub, err := os.ReadFile(key + ".pub")
	require.NoError(t, err)
	inspectors, err := os.ReadFile(filepath.Join(dir, "inspectors.csv"))
	require.NoError(t, err)
	var personal []string
	for _, l := range strings.Split(string(inspectors), "\n")[1:] {
		if f := strings.Split(l, ","); len(f) > 1 {
			personal = append(personal, f[0], f[1])
		}
	}
	common := []string{"notice", "--ledger", ledger, "--dir", dir, "--pub", key + ".pub", "--authority", "某县卫生健康局",
		"--bundle-url", "https://example.gov.cn/sjsj/bundle.zip", "--labels", labels}

	out := filepath.Join(t.TempDir(), "notice.html")
	stdout := mustCLI(t, append(common, "--format", "html", "--out", out)...)
	require.Contains(t, stdout, "wrote "+out+" (html)")
	page, err := os.ReadFile(out)
	require.NoError(t, err)
	require.Contains(t, string(page), `<html lang="zh-CN">`)
	dec := xml.NewDecoder(bytes.NewReader(page))
	dec.Strict = true
	var text strings.Builder
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err, "well-formed")
		if cd, ok := tok.(xml.CharData); ok {
			text.Write(cd)
		}
	}
	for _, want := range []string{"某县卫生健康局双随机抽查结果公示", "如何核验", strings.TrimSpace(string(pub)),
		"https://example.gov.cn/sjsj/bundle.zip", "城关镇", "发现问题经责令已改正"} {
		require.Contains(t, text.String(), want)
	}
	for _, p := range personal {
		require.NotContains(t, string(page), p)
	}

	out = filepath.Join(t.TempDir(), "notice.xlsx")
	mustCLI(t, append(common, "--format", "xlsx", "--out", out)...)
	x, err := excelize.OpenFile(out)
	require.NoError(t, err)
	require.Equal(t, "如何核验", x.GetSheetList()[4])
	x.Close()

	// Bad input: a signer key for --pub, an unknown format, a bad labels file.
	code, _, errs := cli(t, "notice", "--ledger", ledger, "--dir", dir, "--pub", key+".key", "--out", "-")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "signer key")
	require.NotContains(t, errs, "PRIVATE+KEY")
	code, _, errs = cli(t, append(common, "--format", "pdf", "--out", "-")...)
	require.Equal(t, 2, code)
	require.Contains(t, errs, `--format "pdf": want csv, xlsx or html`)
	require.NoError(t, os.WriteFile(labels, []byte("kind,code,label\nregion,371727001,\n"), 0o644))
	code, _, errs = cli(t, append(common, "--out", "-")...)
	require.Equal(t, 2, code)
	require.Contains(t, errs, `labels.csv: line 2: label "" (column C)`)

	// A ledger that does not verify gets no notice.
	other := filepath.Join(t.TempDir(), "other")
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", other)
	out = filepath.Join(t.TempDir(), "notice.csv")
	code, _, errs = cli(t, "notice", "--ledger", ledger, "--dir", dir, "--pub", other+".pub", "--out", out)
	require.Equal(t, 1, code)
	require.Contains(t, errs, "does not verify; no notice written")
	_, err = os.Stat(out)
	require.True(t, os.IsNotExist(err))
}
