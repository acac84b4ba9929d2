package roster

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// The tests of this file read an agency's files: the dr1-county-7 tables
// as a county bureau's register exports them (Chinese headers, an .xlsx
// workbook with number and date cells, a GBK CSV with dates as Excel
// writes them), which must load to the same roots as the canonical CSV
// files.

// chineseHeaders is the header a register export gives each attribute of
// the county's tables (all in the built-in table).
var chineseHeaders = map[Kind]map[string]string{
	KindPremises: {"id": "统一社会信用代码", "name": "单位名称", "region": "所属区域", "category": "监管类别", "risk": "风险等级", "status": "登记状态"},
	KindInspectors: {"id": "执法证号", "name": "姓名", "unit": "所属单位", "region": "行政区划代码", "home_region": "居住地",
		"specialties": "专业领域", "credential_expires": "证件有效期至", "capacity": "任务上限", "status": "状态"},
	KindConflicts: {"inspector": "执法证号", "premises": "统一社会信用代码", "reason": "回避原因"},
	KindHistory:   {"id": "检查编号", "premises": "统一社会信用代码", "date": "检查日期", "inspectors": "检查人员"},
}

// numericUSCC is an 18-digit unified social credit code of digits only,
// with a right check character: the kind of id Excel turns into a number.
func numericUSCC(t testing.TB) string {
	for n := int64(91371727000000001); ; n++ {
		body := strconv.FormatInt(n, 10)
		c, err := USCCCheckChar(body)
		require.NoError(t, err)
		if c >= '0' && c <= '9' {
			return body + string(c)
		}
	}
}

// countyRecords returns the CSV records (header first) of the county's
// four tables, with one more premises whose id is numericUSCC.
func countyRecords(t testing.TB) map[Kind][][]string {
	out := map[Kind][][]string{}
	for _, k := range Kinds {
		f, err := os.Open(filepath.Join("..", "testdata", "dr1-county-7", k.String()+".csv"))
		require.NoError(t, err)
		recs, err := csv.NewReader(f).ReadAll()
		f.Close()
		require.NoError(t, err)
		out[k] = recs
	}
	out[KindPremises] = append(out[KindPremises], []string{numericUSCC(t), "数字代码公司", "371727001", "public_place", "A", "active"})
	return out
}

// writeRecords writes records as a UTF-8 CSV file.
func writeRecords(t testing.TB, name string, recs [][]string) {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	require.NoError(t, w.WriteAll(recs))
	require.NoError(t, os.WriteFile(name, b.Bytes(), 0o644))
}

// renamed returns recs with the header in Chinese.
func renamed(k Kind, recs [][]string) [][]string {
	out := [][]string{make([]string, len(recs[0]))}
	for i, h := range recs[0] {
		out[0][i] = chineseHeaders[k][h]
	}
	return append(out, recs[1:]...)
}

// slashDate writes a YYYY-MM-DD date as Excel does in a Chinese locale:
// 2026/6/21.
func slashDate(s string) string {
	d := MustParseDate(s).Time()
	return fmt.Sprintf("%d/%d/%d", d.Year(), d.Month(), d.Day())
}

// canonicalDir writes the county as canonical UTF-8 CSV files.
func canonicalDir(t *testing.T, recs map[Kind][][]string) string {
	dir := t.TempDir()
	for k, r := range recs {
		writeRecords(t, filepath.Join(dir, k.String()+".csv"), r)
	}
	return dir
}

// gbkDir writes the county as a register exports it from Excel on a
// Chinese Windows: GBK, Chinese headers, dates as 2026/6/21, CRLF.
func gbkDir(t *testing.T, recs map[Kind][][]string) string {
	dir := t.TempDir()
	for k, r := range recs {
		r = renamed(k, r)
		for _, row := range r[1:] {
			for i, h := range r[0] {
				if row[i] != "" && (h == "检查日期" || h == "证件有效期至") {
					row[i] = slashDate(row[i])
				}
			}
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.UseCRLF = true
		require.NoError(t, w.WriteAll(r))
		enc, err := simplifiedchinese.GBK.NewEncoder().Bytes(b.Bytes())
		require.NoError(t, err)
		require.False(t, bytes.Equal(enc, b.Bytes()))
		require.NoError(t, os.WriteFile(filepath.Join(dir, k.String()+".csv"), enc, 0o644))
	}
	return dir
}

// xlsxDir writes the county as .xlsx workbooks made as a register's
// export would be: Chinese headers; codes, region codes and capacities
// that are all digits as number cells (the numeric 18-digit code among
// them); dates in every form a workbook holds them (date cells with a
// built-in and a Chinese custom format, bare serial numbers, text in
// 2026/6/21, 2026年6月21日 and 2026-06-21 00:00:00 forms); a 序号 column
// (left out); an empty row; and, for the premises, the table on a sheet
// named 名录 after an unrelated first sheet.
func xlsxDir(t *testing.T, recs map[Kind][][]string) string {
	dir := t.TempDir()
	for k, r := range recs {
		f := excelize.NewFile()
		sheet := "Sheet1"
		if k == KindPremises {
			sheet = "名录"
			_, err := f.NewSheet(sheet)
			require.NoError(t, err)
			require.NoError(t, f.SetCellStr("Sheet1", "A1", "说明：本表为检查对象名录"))
		}
		builtinDate, err := f.NewStyle(&excelize.Style{NumFmt: 14})
		require.NoError(t, err)
		cnFmt := `yyyy"年"m"月"d"日"`
		cnDate, err := f.NewStyle(&excelize.Style{CustomNumFmt: &cnFmt})
		require.NoError(t, err)

		header := append([]string{"序号"}, renamed(k, r)[0]...)
		for j, h := range header {
			require.NoError(t, f.SetCellStr(sheet, cellName(t, j+1, 1), h))
		}
		row := 2
		for i, rec := range r[1:] {
			if i == 3 {
				row++ // an empty row
			}
			require.NoError(t, f.SetCellInt(sheet, cellName(t, 1, row), int64(i+1)))
			for j, v := range rec {
				cell := cellName(t, j+2, row)
				name := r[0][j]
				switch {
				case v == "":
				case k.isDateAttr(name):
					d := MustParseDate(v)
					serial := int64(d - excel1900)
					switch i % 6 {
					case 0:
						require.NoError(t, f.SetCellInt(sheet, cell, serial))
						require.NoError(t, f.SetCellStyle(sheet, cell, cell, builtinDate))
					case 1:
						require.NoError(t, f.SetCellInt(sheet, cell, serial))
						require.NoError(t, f.SetCellStyle(sheet, cell, cell, cnDate))
					case 2:
						require.NoError(t, f.SetCellInt(sheet, cell, serial)) // a bare serial
					case 3:
						require.NoError(t, f.SetCellStr(sheet, cell, slashDate(v)))
					case 4:
						tm := d.Time()
						require.NoError(t, f.SetCellStr(sheet, cell, fmt.Sprintf("%d年%d月%d日", tm.Year(), tm.Month(), tm.Day())))
					case 5:
						require.NoError(t, f.SetCellStr(sheet, cell, v+" 00:00:00"))
					}
				case allDigits(v) && v[0] != '0' && len(v) <= 18:
					n, err := strconv.ParseInt(v, 10, 64)
					require.NoError(t, err)
					require.NoError(t, f.SetCellInt(sheet, cell, n))
				default:
					require.NoError(t, f.SetCellStr(sheet, cell, v))
				}
			}
			row++
		}
		require.NoError(t, f.SaveAs(filepath.Join(dir, k.String()+".xlsx")))
		require.NoError(t, f.Close())
	}
	return dir
}

func allDigits(s string) bool {
	return s != "" && strings.Trim(s, "0123456789") == ""
}

func cellName(t testing.TB, col, row int) string {
	c, err := excelize.CoordinatesToCellName(col, row)
	require.NoError(t, err)
	return c
}

func TestAgencyFilesSameRoots(t *testing.T) {
	recs := countyRecords(t)
	want, err := LoadDir(canonicalDir(t, recs), Options{})
	require.NoError(t, err)
	require.Equal(t, 57, want.Premises.Len())

	t.Run("gbk", func(t *testing.T) {
		dir := gbkDir(t, countyRecords(t))
		set, err := LoadDir(dir, Options{})
		require.NoError(t, err)
		require.Equal(t, want.Roots(), set.Roots())
		rep := set.Report()
		for _, tr := range rep.Tables {
			require.Equal(t, "csv", tr.Format)
			require.Equal(t, EncodingGBK, tr.Encoding, tr.Kind)
			require.Len(t, tr.Mappings(), len(recs[tr.Kind][0]), tr.Kind)
			for _, c := range tr.Mappings() {
				require.Equal(t, "built-in", c.Source)
				require.Equal(t, chineseHeaders[tr.Kind][c.Name], c.Header)
			}
		}
		require.Equal(t, 52, rep.Tables[3].Dates) // every history date was 2026/6/21-like
		var b strings.Builder
		require.NoError(t, rep.WriteSummary(&b, 0))
		require.Contains(t, b.String(), "premises: read "+filepath.Join(dir, "premises.csv")+" as GBK (GB18030), 57 rows\n")
		require.Contains(t, b.String(), `  column 1 "统一社会信用代码" read as id (built-in)`)
		require.Contains(t, b.String(), "history: read "+filepath.Join(dir, "history.csv")+" as GBK (GB18030), 52 rows, 52 dates read as YYYY-MM-DD\n")
	})

	t.Run("xlsx", func(t *testing.T) {
		dir := xlsxDir(t, countyRecords(t))
		_, err := LoadDir(dir, Options{Sheet: "名录"})
		require.ErrorContains(t, err, `no sheet "名录"`) // only the premises workbook has it
		set, err := LoadDir(dir, Options{})
		require.ErrorContains(t, err, "premises.xlsx: sheet Sheet1: row 1: field \"id\"")
		require.Nil(t, set)

		// The premises on their own, from the sheet named 名录.
		f, err := os.Open(filepath.Join(dir, "premises.xlsx"))
		require.NoError(t, err)
		defer f.Close()
		p, err := ReadXLSX(f, KindPremises, Options{File: "premises.xlsx", Sheet: "名录"})
		require.NoError(t, err)
		require.Equal(t, want.Premises.Root(), p.Root())
		rep := p.Report()
		require.Equal(t, "名录", rep.Sheet)
		require.Equal(t, ColumnReport{1, "序号", "", "built-in"}, rep.Columns[0])
		require.Equal(t, ColumnReport{2, "统一社会信用代码", "id", "built-in"}, rep.Columns[1])
		// The 18-digit number cell: read exactly, and warned about.
		id := numericUSCC(t)
		_, ok := p.Lookup(id)
		require.True(t, ok)
		require.Len(t, p.Warnings, 1)
		require.ErrorIs(t, p.Warnings[0], ErrPrecision)
		require.Equal(t, "premises.xlsx: sheet 名录: cell B59: field \"id\" (column \"统一社会信用代码\") value \""+id+"\": number beyond Excel's 15 significant digits (18): Excel keeps 15, so a code typed into Excel as a number may have lost its last digits; store codes as text", p.Warnings[0].Error())

		// The whole folder, with the premises workbook's table sheet first.
		moveSheetFirst(t, filepath.Join(dir, "premises.xlsx"), "名录")
		set, err = LoadDir(dir, Options{})
		require.NoError(t, err)
		require.Equal(t, want.Roots(), set.Roots())
		r := set.Report()
		require.Equal(t, 52, r.Tables[3].Dates) // every history date came from a cell or another form
		require.Equal(t, "xlsx", r.Tables[1].Format)
		require.Len(t, r.Warnings(), 1)
		var b strings.Builder
		require.NoError(t, r.WriteSummary(&b, 0))
		require.Contains(t, b.String(), "inspectors: read "+filepath.Join(dir, "inspectors.xlsx")+", sheet Sheet1, 15 rows")
		require.Contains(t, b.String(), `  column A "序号" left out (built-in)`)
		require.Contains(t, b.String(), `  column H "证件有效期至" read as credential_expires (built-in)`)
		require.Contains(t, b.String(), "warning: "+filepath.Join(dir, "premises.xlsx")+": sheet 名录: cell B59")
	})
}

// moveSheetFirst rewrites a workbook with only its named sheet.
func moveSheetFirst(t *testing.T, name, sheet string) {
	f, err := excelize.OpenFile(name)
	require.NoError(t, err)
	for _, s := range f.GetSheetList() {
		if s != sheet {
			require.NoError(t, f.DeleteSheet(s))
		}
	}
	require.NoError(t, f.Save())
	require.NoError(t, f.Close())
}
