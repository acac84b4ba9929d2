package publish

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// An agency's results file, as Excel on a Chinese Windows saves it.
const resultsZh = "统一社会信用代码,检查结果,检查日期,检查人员,备注,后续处置状态,实施机关,检查类型\r\n" +
	"91371727HD841G735N,发现问题经责令已改正,2026/11/25,WJ3717270084；WJ3717270098,已整改,已完结,,\r\n" +
	"91371727B23C6F5DAF,未发现问题,2026-11-26 00:00:00,WJ3717270084;WJ3717270077,,,,定向抽查\r\n" +
	"9137172702824CJ1C6,发现问题待后续处理；违反其他部门相关规定；注销；,2026/12/1 0:00,WJ3717270021,\"移交县应急局，待复查\",未完结,县市场监督管理局,联合抽查\r\n"

func wantResultsZh(t *testing.T) []ResultEntry {
	return []ResultEntry{
		{Premises: "91371727HD841G735N", Outcome: OutcomeCorrected, Inspected: day(t, "2026-11-25"),
			Inspectors: []string{"WJ3717270084", "WJ3717270098"}, Note: "已整改", FollowUp: FollowUpDone,
			Authority: "县卫生健康局", InspectionType: InspectionRandom},
		{Premises: "91371727B23C6F5DAF", Outcome: OutcomeNoIssue, Inspected: day(t, "2026-11-26"),
			Inspectors: []string{"WJ3717270084", "WJ3717270077"}, Authority: "县卫生健康局", InspectionType: InspectionTargeted},
		{Premises: "9137172702824CJ1C6", Outcome: OutcomePending,
			More:      []OutcomeText{{Code: OutcomeViolatesOtherDept}, {Code: OutcomeDeregistered}},
			Inspected: day(t, "2026-12-01"), Inspectors: []string{"WJ3717270021"}, Note: "移交县应急局，待复查",
			FollowUp: FollowUpOpen, Authority: "县市场监督管理局", InspectionType: InspectionJoint},
	}
}

var resultsDefaults = ResultsOptions{Authority: "县卫生健康局", InspectionType: "双随机抽查"}

func TestReadResultsEncodings(t *testing.T) {
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(resultsZh)
	require.NoError(t, err)
	gb18030, err := simplifiedchinese.GB18030.NewEncoder().String(resultsZh)
	require.NoError(t, err)
	for name, data := range map[string]string{
		"utf-8": resultsZh, "bom": "\ufeff" + resultsZh, "gbk": gbk, "gb18030": gb18030,
	} {
		got, err := ReadResults("results.csv", []byte(data), resultsDefaults)
		require.NoError(t, err, name)
		require.Equal(t, wantResultsZh(t), got, name)
	}
	// The protocol's headers and codes read the same.
	en := "premises,outcome,date,inspectors,note,follow_up,authority,inspection_type\n" +
		"91371727HD841G735N,corrected,2026-11-25,WJ3717270084;WJ3717270098,已整改,done,,\n" +
		"91371727B23C6F5DAF,no_issue,2026-11-26,WJ3717270084;WJ3717270077,,,,targeted\n" +
		"9137172702824CJ1C6,pending;violates_other_dept;deregistered,2026-12-01,WJ3717270021,移交县应急局，待复查,open,县市场监督管理局,joint\n"
	got, err := ReadResults("results.csv", []byte(en), resultsDefaults)
	require.NoError(t, err)
	require.Equal(t, wantResultsZh(t), got)
	// The first release's five columns still read.
	got, err = ReadResults("results.csv", []byte("premises,outcome,date,inspectors,note\nA1,no_issue,2026-11-25,X1,\n"), ResultsOptions{})
	require.NoError(t, err)
	require.Equal(t, []ResultEntry{{Premises: "A1", Outcome: OutcomeNoIssue, Inspected: day(t, "2026-11-25"), Inspectors: []string{"X1"}}}, got)
}

// TestParseResultsFromXLSX feeds ParseResults the cells of a spreadsheet,
// as the .xlsx reader of package roster will: dates as the sheet shows
// them and as Excel stores them (serial day numbers).
func TestParseResultsFromXLSX(t *testing.T) {
	f := excelize.NewFile()
	sheet := f.GetSheetName(0)
	rows := [][]any{
		{"统一社会信用代码", "检查结果", "检查日期", "检查人员"},
		{"91371727HD841G735N", "发现问题经责令已改正", 46351, "WJ3717270084；WJ3717270098"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(t, f.SetSheetRow(sheet, cell, &r))
	}
	style, err := f.NewStyle(&excelize.Style{CustomNumFmt: ptr("yyyy/m/d")})
	require.NoError(t, err)
	require.NoError(t, f.SetCellStyle(sheet, "C2", "C2", style))
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))

	g, err := excelize.OpenReader(&buf)
	require.NoError(t, err)
	for _, raw := range []bool{false, true} {
		cells, err := g.GetRows(sheet, excelize.Options{RawCellValue: raw})
		require.NoError(t, err)
		if !raw {
			require.Equal(t, "2026/11/25", cells[1][2])
		} else {
			require.Equal(t, "46351", cells[1][2])
		}
		got, err := ParseResults(ResultsTable{File: "results.xlsx", Header: cells[0], Rows: cells[1:]}, ResultsOptions{})
		require.NoError(t, err, "raw %v", raw)
		require.Equal(t, []ResultEntry{{Premises: "91371727HD841G735N", Outcome: OutcomeCorrected, Inspected: day(t, "2026-11-25"),
			Inspectors: []string{"WJ3717270084", "WJ3717270098"}}}, got)
	}
}

func ptr[T any](v T) *T { return &v }

func TestParseDay(t *testing.T) {
	for s, want := range map[string]string{
		"2026-11-25": "2026-11-25", "2026/11/25": "2026-11-25", "2026/1/5": "2026-01-05",
		"2026-11-25 00:00:00": "2026-11-25", "2026/11/25 0:00": "2026-11-25", "2026-11-25 14:30": "2026-11-25",
		"46351": "2026-11-25", "61": "1900-03-01", " 2026-11-25 ": "2026-11-25",
	} {
		got, err := ParseDay(s)
		require.NoError(t, err, s)
		require.Equal(t, want, got.String(), s)
	}
	for _, s := range []string{"", "2026-13-01", "2026-02-30", "25/11/2026", "11/25/2026", "2026.11.25", "2026-11-25T00:00",
		"2026-11-25 24:00", "2026-11-25 0:0", "46351.5", "60", "2026年11月25日", "2026-1-5"} {
		_, err := ParseDay(s)
		require.Error(t, err, s)
	}
}

func TestReadResultsErrors(t *testing.T) {
	for _, c := range []struct {
		name, data string
		want       []string
	}{
		{"unknown header", "premises,outcome,date,inspectors,grade\n", []string{`results.csv: line 1: header "grade" (column E): unknown column`}},
		{"missing column", "premises,outcome,date\n", []string{"no inspectors column"}},
		{"repeated column", "premises,统一社会信用代码,outcome,date,inspectors\n", []string{`header "统一社会信用代码" (column B)`, "given twice (also column A)"}},
		{"bad cells", "premises,outcome,date,inspectors\n" +
			"A1,great,2026-11-25,X1\n" +
			"A2,no_issue,2026/13/01,X1\n" +
			"A3,未发现问题；注销,2026-11-25,X1\n" +
			"A4,no_issue,2026-11-25,X1;;X2\n" +
			"A1,no_issue,2026-11-25,X1\n" +
			",no_issue,2026-11-25,X1\n" +
			"A7,no_issue;no_issue,2026-11-25,X1\n" +
			"A8,no_issue,2026-11-25,X1,extra\n",
			[]string{
				`results.csv: line 2: outcome "great" (column B): "great" is not a known outcome code or text`,
				`results.csv: line 3: date "2026/13/01" (column C): want a date like 2026-11-25`,
				`line 4: outcome "未发现问题；注销" (column B)`, "cannot go with other outcomes",
				`line 5: inspectors "X1;;X2" (column D)`, "empty item",
				`line 6: premises "A1" (column A): given twice (also line 2)`,
				`line 7: premises "" (column A): empty`,
				`line 8: outcome "no_issue;no_issue"`, "given twice",
				`line 9: line "A8,no_issue,2026-11-25,X1,extra" (column E)`,
			}},
		{"quoted newline keeps line numbers", "premises,outcome,date,inspectors,note\nA1,no_issue,2026-11-25,X1,\"two\nlines\"\nA2,great,2026-11-25,X1,\n",
			[]string{`line 4: outcome "great"`}},
		{"bad follow-up and type", "premises,outcome,date,inspectors,follow_up,inspection_type\nA1,no_issue,2026-11-25,X1,finished,专项\n",
			[]string{`line 2: follow_up "finished" (column E)`, `line 2: inspection_type "专项" (column F)`, "random (双随机抽查)"}},
		{"csv syntax", "premises,outcome,date,inspectors\nA1,\"no_issue,2026-11-25,X1\n", []string{"results.csv: line 2"}},
		{"bad encoding", "premises,outcome,date,inspectors\nA1,\xff\xfe\xfd,2026-11-25,X1\n", []string{"results.csv:2"}},
		{"no results", "premises,outcome,date,inspectors\n,,,\n", []string{"no results"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := ReadResults("results.csv", []byte(c.data), ResultsOptions{})
			require.Error(t, err)
			for _, w := range c.want {
				require.Contains(t, err.Error(), w)
			}
		})
	}
	// Errors are ResultsFileErrors wrapping ErrMalformed.
	_, err := ReadResults("r.csv", []byte("premises,outcome,date,inspectors\nA1,great,2026-11-25,X1\n"), ResultsOptions{})
	var fe *ResultsFileError
	require.ErrorAs(t, err, &fe)
	require.Equal(t, ResultsFileError{File: "r.csv", Line: 2, Column: 2, Field: "outcome", Value: "great", Err: fe.Err}, *fe)
	require.True(t, errors.Is(err, ErrMalformed))
	require.Equal(t, "AA", ColumnName(27))
	require.Equal(t, "Z", ColumnName(26))
	_, err = ReadResults("r.csv", []byte("premises,outcome,date,inspectors\nA1,no_issue,2026-11-25,X1\n"), ResultsOptions{InspectionType: "x"})
	require.ErrorContains(t, err, `inspection type "x"`)
	_, err = ParseResults(ResultsTable{File: "r.xlsx"}, ResultsOptions{})
	require.ErrorContains(t, err, "r.xlsx: line 1")
	require.True(t, strings.Contains(err.Error(), "no header row"))
	_ = roster.EncodingGBK
}
