package roster

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// workbook builds an .xlsx file: cells maps a cell name to its value
// (string, int, float64 or bool as excelize writes them); edit, when set,
// changes the file further.
func workbook(t *testing.T, sheet string, cells map[string]any, edit func(f *excelize.File)) []byte {
	t.Helper()
	f := excelize.NewFile()
	if sheet != "Sheet1" {
		require.NoError(t, f.SetSheetName("Sheet1", sheet))
	}
	for c, v := range cells {
		require.NoError(t, f.SetCellValue(sheet, c, v))
	}
	if edit != nil {
		edit(f)
	}
	b, err := f.WriteToBuffer()
	require.NoError(t, err)
	return b.Bytes()
}

func readWorkbook(data []byte, kind Kind, opt Options) (*Table, error) {
	if opt.File == "" {
		opt.File = "premises.xlsx"
	}
	return ReadXLSX(bytes.NewReader(data), kind, opt)
}

func TestXLSXMergedCells(t *testing.T) {
	data := workbook(t, "名录", map[string]any{"A1": "统一社会信用代码", "C1": "所属区域", "A2": "P1", "C2": "371727"},
		func(f *excelize.File) { require.NoError(t, f.MergeCell("名录", "A1", "B1")) })
	_, err := readWorkbook(data, KindPremises, Options{})
	require.ErrorIs(t, err, ErrMergedCell)
	require.EqualError(t, err, "premises.xlsx: sheet 名录: header cell A1:B1 is merged (the header must be one row with one name per column: unmerge it, and delete any title rows above it)")

	// A title row merged above the header is the header to the reader:
	// refused the same way.
	data = workbook(t, "名录", map[string]any{"A1": "清溪县检查对象名录", "A2": "统一社会信用代码", "A3": "P1"},
		func(f *excelize.File) { require.NoError(t, f.MergeCell("名录", "A1", "D1")) })
	_, err = readWorkbook(data, KindPremises, Options{})
	require.ErrorContains(t, err, "header cell A1:D1 is merged")

	// Merged cells in the rows hold their value in the first only.
	data = workbook(t, "名录", map[string]any{"A1": "统一社会信用代码", "B1": "监管类别", "A2": "P1", "A3": "P2", "B2": "school"},
		func(f *excelize.File) { require.NoError(t, f.MergeCell("名录", "B2", "B3")) })
	_, err = readWorkbook(data, KindPremises, Options{})
	require.ErrorIs(t, err, ErrMergedCell)
	require.EqualError(t, err, "premises.xlsx: sheet 名录: cell B2: cells B2:B3 are merged (only the first holds the value: unmerge them and fill every cell)")
}

func TestXLSXErrorsNameTheCell(t *testing.T) {
	tests := []struct {
		name  string
		kind  Kind
		cells map[string]any
		edit  func(f *excelize.File)
		want  string
		is    error
	}{
		{"bad text date", KindHistory, map[string]any{"A1": "检查编号", "B1": "统一社会信用代码", "C1": "检查日期", "A2": "H1", "B2": "P1", "C2": "25/11/2026"}, nil,
			`h.xlsx: sheet Sheet1: cell C2: field "date" (column "检查日期") value "25/11/2026": bad date: "25/11/2026" is not a date in one of the accepted forms (dates are read as YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日, optionally with the time 00:00:00)`, ErrBadDate},
		{"date with a time of day", KindHistory, map[string]any{"A1": "id", "B1": "premises", "C1": "date", "A2": "H1", "B2": "P1", "C2": "2026/11/25 09:30"}, nil,
			`h.xlsx: sheet Sheet1: cell C2: field "date" value "2026/11/25 09:30": bad date: "2026/11/25 09:30" has a time of day other than midnight (the protocol's dates are calendar days)`, ErrBadDate},
		{"serial date with a time of day", KindHistory, map[string]any{"A1": "id", "B1": "premises", "C1": "date", "A2": "H1", "B2": "P1", "C2": 46351.5}, nil,
			`h.xlsx: sheet Sheet1: cell C2: field "date" value "2026-11-25 12:00:00": bad date: "2026-11-25 12:00:00" has a time of day other than midnight (the protocol's dates are calendar days)`, ErrBadDate},
		{"serial date 60", KindHistory, map[string]any{"A1": "id", "B1": "premises", "C1": "date", "A2": "H1", "B2": "P1", "C2": 60}, nil,
			`h.xlsx: sheet Sheet1: cell C2: field "date" value "60": bad date: serial date 60 is 1900-02-29, a day that does not exist`, ErrBadDate},
		{"negative serial date", KindInspectors, map[string]any{"A1": "执法证号", "B1": "证件有效期至", "A2": "I1", "B2": -3}, nil,
			`h.xlsx: sheet Sheet1: cell B2: field "credential_expires" (column "证件有效期至") value "-3": bad date: serial date -3 is negative`, ErrBadDate},
		{"value right of the header", KindPremises, map[string]any{"A1": "id", "B1": "name", "A2": "P1", "D2": "x"}, nil,
			`h.xlsx: sheet Sheet1: cell D2: value "x": wrong number of fields: a value right of the header's last column (B)`, ErrFieldCount},
		{"empty header cell", KindPremises, map[string]any{"A1": "id", "C1": "name", "A2": "P1"}, nil,
			`h.xlsx: sheet Sheet1: cell B1: column name: bad identifier or attribute name: empty`, ErrBadName},
		{"control character", KindPremises, map[string]any{"A1": "统一社会信用代码", "B1": "单位名称", "A2": "P1", "B2": "a\nb"}, nil,
			`h.xlsx: sheet Sheet1: cell B2: field "name" (column "单位名称") value "a\nb": bad attribute value: control character U+000A at byte 2`, ErrBadValue},
		{"duplicate id", KindPremises, map[string]any{"A1": "注册号", "A2": "P1", "A3": "P1"}, nil,
			`h.xlsx: sheet Sheet1: cell A3: field "id" (column "注册号") value "P1": duplicate id (first on line 2)`, ErrDuplicateID},
		{"two headers, one attribute", KindPremises, map[string]any{"A1": "统一社会信用代码", "B1": "注册号", "A2": "P1"}, nil,
			`h.xlsx: sheet Sheet1: cell B1: field "id" (column "注册号") value "注册号": bad identifier or attribute name: columns A (统一社会信用代码) and B (注册号) both read as "id"; map one of them to another name, or to "-" to leave it out, in a column-mapping file`, ErrBadName},
		{"no id column", KindPremises, map[string]any{"A1": "名称", "A2": "x"}, nil,
			`h.xlsx: sheet Sheet1: row 1: field "id" value "名称": missing required field: the header has no id column (a column named id, or one the built-in table reads as id: 统一社会信用代码, 社会信用代码, 信用代码, …; map another header to id in a column-mapping file)`, ErrMissingField},
		{"no such sheet", KindPremises, map[string]any{"A1": "id"}, nil, "", nil},
		{"empty sheet", KindPremises, map[string]any{}, nil,
			`h.xlsx: sheet Sheet1: malformed file: no header row (the sheet is empty)`, ErrSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			data := workbook(t, "Sheet1", tc.cells, tc.edit)
			opt := Options{File: "h.xlsx"}
			if tc.name == "no such sheet" {
				opt.Sheet = "名录"
				_, err := readWorkbook(data, tc.kind, opt)
				require.EqualError(t, err, `h.xlsx: malformed file: no sheet "名录" (the workbook has "Sheet1")`)
				return
			}
			_, err := readWorkbook(data, tc.kind, opt)
			require.ErrorIs(t, err, tc.is)
			require.EqualError(t, err, tc.want)
		})
	}
}

// patchPart replaces old by new in one part of an .xlsx file: a way to
// write what excelize's API does not (an error cell, t="e").
func patchPart(t *testing.T, data []byte, part, old, new string) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	found := false
	for _, f := range zr.File {
		rc, err := f.Open()
		require.NoError(t, err)
		b, err := io.ReadAll(rc)
		require.NoError(t, err)
		rc.Close()
		if f.Name == part {
			require.Contains(t, string(b), old)
			b = []byte(strings.Replace(string(b), old, new, 1))
			found = true
		}
		w, err := zw.Create(f.Name)
		require.NoError(t, err)
		_, err = w.Write(b)
		require.NoError(t, err)
	}
	require.True(t, found, part)
	require.NoError(t, zw.Close())
	return out.Bytes()
}

func TestXLSXErrorCell(t *testing.T) {
	data := workbook(t, "Sheet1", map[string]any{"A1": "id", "B1": "name", "A2": "P1", "B2": 7}, nil)
	data = patchPart(t, data, "xl/worksheets/sheet1.xml", `<c r="B2"><v>7</v></c>`, `<c r="B2" t="e"><f>NA()</f><v>#N/A</v></c>`)
	_, err := readWorkbook(data, KindPremises, Options{File: "h.xlsx"})
	require.ErrorIs(t, err, ErrBadValue)
	require.EqualError(t, err, `h.xlsx: sheet Sheet1: cell B2: field "name" value "#N/A": bad attribute value: the cell holds the error value #N/A`)
}

func TestXLSXNotAWorkbook(t *testing.T) {
	_, err := readWorkbook([]byte("id,name\nP1,x\n"), KindPremises, Options{})
	require.ErrorIs(t, err, ErrSyntax)
	require.ErrorContains(t, err, "premises.xlsx: malformed file: not an .xlsx workbook")
}

func TestXLSXCells(t *testing.T) {
	// Number formats of every sort; the numbers read as stored, the
	// dates as days.
	pct, sci, cn := 10, 11, `yyyy"年"m"月"d"日"`
	tm := "h:mm"
	data := workbook(t, "Sheet1", map[string]any{
		"A1": "id", "B1": "big", "C1": "pct", "D1": "sci", "E1": "cn_date", "F1": "flag", "G1": "time", "H1": "frac", "I1": "text_digits", "J1": "datetime",
		"A2": "P1", "B2": int64(123456789012345678), "C2": 0.25, "D2": 12345.678, "E2": 46351, "F2": true, "G2": 0.375, "H2": 0.1, "I2": "007", "J2": 46351.75,
	}, func(f *excelize.File) {
		style := func(s *excelize.Style) int {
			id, err := f.NewStyle(s)
			require.NoError(t, err)
			return id
		}
		require.NoError(t, f.SetCellStyle("Sheet1", "C2", "C2", style(&excelize.Style{NumFmt: pct})))
		require.NoError(t, f.SetCellStyle("Sheet1", "D2", "D2", style(&excelize.Style{NumFmt: sci})))
		require.NoError(t, f.SetCellStyle("Sheet1", "E2", "E2", style(&excelize.Style{CustomNumFmt: &cn})))
		require.NoError(t, f.SetCellStyle("Sheet1", "G2", "G2", style(&excelize.Style{CustomNumFmt: &tm})))
		require.NoError(t, f.SetCellStyle("Sheet1", "J2", "J2", style(&excelize.Style{NumFmt: 22})))
	})
	tab, err := readWorkbook(data, KindPremises, Options{})
	require.NoError(t, err)
	r := tab.At(0)
	require.Equal(t, map[string]string{
		"id": "P1", "big": "123456789012345678", "pct": "0.25", "sci": "12345.678", "cn_date": "2026-11-25", "flag": "TRUE",
		"time": "0.375", "frac": "0.1", "text_digits": "007", "datetime": "2026-11-25 18:00:00",
	}, r.Map())
	require.Len(t, tab.Warnings, 1) // the 18-digit number
	require.ErrorIs(t, tab.Warnings[0], ErrPrecision)
	// Strict turns it into an error.
	_, err = readWorkbook(data, KindPremises, Options{Strict: true})
	require.ErrorIs(t, err, ErrPrecision)
}

func TestXLSX1904(t *testing.T) {
	data := workbook(t, "Sheet1", map[string]any{"A1": "id", "B1": "premises", "C1": "date", "A2": "H1", "B2": "P1", "C2": 0, "A3": "H2", "B3": "P1", "C3": 44889},
		func(f *excelize.File) {
			yes := true
			require.NoError(t, f.SetWorkbookProps(&excelize.WorkbookPropsOptions{Date1904: &yes}))
		})
	tab, err := readWorkbook(data, KindHistory, Options{})
	require.NoError(t, err)
	require.Equal(t, "1904-01-01", tab.At(0).Get("date"))
	require.Equal(t, "2026-11-25", tab.At(1).Get("date"))
	require.Equal(t, 2, tab.Report().Dates)
}

func TestParseInputDate(t *testing.T) {
	good := map[string]string{
		"2026-11-25": "2026-11-25", "2026-1-5": "2026-01-05", "2026/11/25": "2026-11-25", "2026/1/5": "2026-01-05",
		"2026.11.25": "2026-11-25", "2026年11月25日": "2026-11-25", "2026年1月5日": "2026-01-05",
		"2026-11-25 00:00:00": "2026-11-25", "2026/11/25 0:00": "2026-11-25", "2026/11/25 00:00": "2026-11-25",
		"2024/2/29": "2024-02-29", "2026-11-25 00:00:00.000": "2026-11-25",
	}
	for in, want := range good {
		d, err := ParseInputDate(in)
		require.NoError(t, err, in)
		require.Equal(t, want, d.String(), in)
	}
	bad := map[string]string{
		"2026-02-30":          "does not exist",
		"2026/2/30":           "does not exist",
		"2025/2/29":           "does not exist",
		"26/11/25":            "not a date in one of the accepted forms",
		"25/11/2026":          "not a date in one of the accepted forms",
		"11/25/2026":          "not a date in one of the accepted forms",
		"2026/11-25":          "not a date in one of the accepted forms",
		"2026年11月25":          "not a date in one of the accepted forms",
		"2026-11-25 09:30:00": "time of day other than midnight",
		"2026-11-25 0:00:01":  "time of day other than midnight",
		"2026-11-25T00:00:00": "not a date in one of the accepted forms",
		" 2026-11-25":         "is not a date",
		"2026-11-25 ":         "is not a date",
		"46351":               "not a date in one of the accepted forms",
		"20261125":            "not a date in one of the accepted forms",
		"2026/011/25":         "not a date in one of the accepted forms",
		"":                    "not a date in one of the accepted forms",
	}
	for in, why := range bad {
		_, err := ParseInputDate(in)
		require.ErrorIs(t, err, ErrBadDate, in)
		require.ErrorContains(t, err, why, in)
	}
}

func TestExcelSerialDate(t *testing.T) {
	tests := []struct {
		serial string
		d1904  bool
		day    string
		secs   int
	}{
		{"1", false, "1900-01-01", 0},
		{"59", false, "1900-02-28", 0},
		{"61", false, "1900-03-01", 0},
		{"45658", false, "2025-01-01", 0},
		{"46351", false, "2026-11-25", 0},
		{"4.6351E4", false, "2026-11-25", 0},
		{"46351.5", false, "2026-11-25", 43200},
		{"46351.999999999", false, "2026-11-26", 0}, // rounds to the next second: midnight
		{"2958465", false, "9999-12-31", 0},
		{"0", true, "1904-01-01", 0},
		{"44889", true, "2026-11-25", 0},
	}
	for _, tc := range tests {
		d, s, err := ExcelSerialDate(tc.serial, tc.d1904)
		require.NoError(t, err, tc.serial)
		require.Equal(t, tc.day, d.String(), tc.serial)
		require.Equal(t, tc.secs, s, tc.serial)
	}
	for _, bad := range []string{"0", "60", "-1", "2958466", "x", "1/2", "1e999999"} {
		_, _, err := ExcelSerialDate(bad, false)
		require.ErrorIs(t, err, ErrBadDate, bad)
	}
}

func TestPlainDecimal(t *testing.T) {
	tests := map[string]string{
		"913717270282400001": "913717270282400001", "9.1371727028240003E+17": "913717270282400030",
		"1.5": "1.5", "1.50": "1.5", "100": "100", "007": "7", "-0": "0", "0.05": "0.05", ".5": "0.5",
		"1E-3": "0.001", "1.2E+17": "120000000000000000", "-12.5e1": "-125", "+3": "3", "0": "0", "0.0": "0",
	}
	for in, want := range tests {
		got, _, ok := plainDecimal(in)
		require.True(t, ok, in)
		require.Equal(t, want, got, in)
	}
	for _, bad := range []string{"", "e5", "1e", "1.2.3", "0x10", "NaN", "Inf", "1e1000", "1,5"} {
		_, _, ok := plainDecimal(bad)
		require.False(t, ok, bad)
	}
}

func TestColumnMapFile(t *testing.T) {
	good := "table,header,attribute\n# the bureau's own columns\npremises,许可证编号,license\npremises, 法定代表人 ,-\ninspectors,手机号码,phone\nhistory,统一社会信用代码,premises\npremises,名称,单位名称\n"
	m, err := ReadColumnMap(strings.NewReader(good), "columns.csv")
	require.NoError(t, err)
	require.Equal(t, map[string]string{"许可证编号": "license", "法定代表人": "-", "名称": "单位名称"}, m.Entries(KindPremises))
	require.Equal(t, "columns.csv", m.File())

	// The same file saved by Excel: GBK, CRLF.
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(strings.ReplaceAll(good, "\n", "\r\n"))
	require.NoError(t, err)
	m2, err := ReadColumnMap(strings.NewReader(gbk), "columns.csv")
	require.NoError(t, err)
	require.Equal(t, m.entries, m2.entries)

	// Applied: a mapping-file entry wins over the built-in table, a
	// dropped column is not read, the report names the file's line.
	csvData := "注册号,名称,许可证编号,法定代表人,所属区域\nP1,华盛宾馆,L-1,张三,371727\n"
	tab, err := ReadCSV(strings.NewReader(csvData), KindPremises, Options{File: "premises.csv", Columns: m})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"id": "P1", "单位名称": "华盛宾馆", "license": "L-1", "region": "371727"}, tab.At(0).Map())
	require.Equal(t, []ColumnReport{
		{1, "注册号", "id", "built-in"}, {2, "名称", "单位名称", "columns.csv:7"}, {3, "许可证编号", "license", "columns.csv:3"},
		{4, "法定代表人", "", "columns.csv:4"}, {5, "所属区域", "region", "built-in"},
	}, tab.Report().Columns)

	bad := []struct {
		name, file, want string
	}{
		{"empty", "", "columns.csv:1: bad column mapping: no header row (want \"table,header,attribute\")"},
		{"wrong header", "表,表头,属性\npremises,a,b\n", `columns.csv:1: value "表,表头,属性": bad column mapping: the header must be "table,header,attribute"`},
		{"unknown table", "table,header,attribute\nshops,名称,name\n", `columns.csv:2:1: field "table" value "shops": bad column mapping: roster: unknown table "shops" (want premises, inspectors, conflicts or history)`},
		{"bad attribute", "table,header,attribute\npremises,名称,na\tme\n", `columns.csv:2:3: field "attribute" value "na\tme": bad column mapping: attribute "na\tme": bad identifier or attribute name: control character U+0009 at byte 3`},
		{"empty attribute", "table,header,attribute\npremises,名称,\n", `columns.csv:2:3: field "attribute" value "": bad column mapping: attribute "": bad identifier or attribute name: empty`},
		{"empty header", "table,header,attribute\npremises, ,name\n", `columns.csv:2:2: field "header" value " ": bad column mapping: empty header`},
		{"twice", "table,header,attribute\npremises,名称,name\ninspectors,名称,name\npremises,名称 ,title\n", `columns.csv:4:2: field "header" value "名称 ": bad column mapping: premises header "名称" is mapped twice (first on line 2)`},
		{"field count", "table,header,attribute\npremises,名称\n", `columns.csv:2: value "premises,名称": wrong number of fields: 2 fields, want 3 (table,header,attribute)`},
		{"bare quote", "table,header,attribute\npremises,a\"b,c\n", `columns.csv:2: malformed file: bare " in non-quoted-field`},
		{"not text", "table,header,attribute\npremises,\xff\xfe\xfd,c\n", "columns.csv:2: value \"premises,\ufffd,c\": bad text encoding: bytes that are neither UTF-8 nor GBK (GB18030) on this line"},
	}
	for _, tc := range bad {
		_, err := ReadColumnMap(strings.NewReader(tc.file), "columns.csv")
		require.Error(t, err, tc.name)
		require.True(t, errors.Is(err, ErrColumnMap) || errors.Is(err, ErrFieldCount) || errors.Is(err, ErrSyntax) || errors.Is(err, ErrEncoding), tc.name)
		require.EqualError(t, err, tc.want, tc.name)
	}

	// In Go.
	m3 := NewColumnMap()
	require.NoError(t, m3.Set(KindHistory, "抽查结果", "outcome"))
	require.ErrorIs(t, m3.Set(KindHistory, "抽查结果", "x"), ErrColumnMap)
	require.ErrorIs(t, m3.Set(Kind(9), "a", "b"), ErrColumnMap)
	tab, err = ReadCSV(strings.NewReader("检查编号,统一社会信用代码,检查日期,抽查结果\nH1,P1,2026年3月1日,未发现问题\n"), KindHistory, Options{Columns: m3})
	require.NoError(t, err)
	require.Equal(t, map[string]string{"id": "H1", "premises": "P1", "date": "2026-03-01", "outcome": "未发现问题"}, tab.At(0).Map())
	require.Equal(t, "Go", tab.Report().Columns[3].Source)
}

func TestLoadColumnMapFile(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "columns.csv")
	require.NoError(t, os.WriteFile(name, []byte("table,header,attribute\npremises,许可证编号,license\n"), 0o644))
	m, err := LoadColumnMap(name)
	require.NoError(t, err)
	require.Equal(t, name, m.File())
	_, err = LoadColumnMap(filepath.Join(dir, "none.csv"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestHeaderMappingRules(t *testing.T) {
	read := func(data string, kind Kind) (*Table, error) {
		return ReadCSV(strings.NewReader(data), kind, Options{File: "t.csv"})
	}
	// A header with an id column is read as it is: a canonical file
	// reads back to the same table, Chinese attribute names included.
	tab, err := read("id,单位名称,序号\nP1,华盛宾馆,1\n", KindPremises)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"id": "P1", "单位名称": "华盛宾馆", "序号": "1"}, tab.At(0).Map())
	require.Empty(t, tab.Report().Mappings())
	var b bytes.Buffer
	require.NoError(t, WriteCSV(&b, tab))
	again, err := read(b.String(), KindPremises)
	require.NoError(t, err)
	require.Equal(t, tab.Root(), again.Root())

	// Surrounding spaces (ASCII and ideographic) and line breaks are
	// ignored in the look-up.
	tab, err = read(" 统一社会信用代码\u3000,\"单位\r\n名称 \"\nP1,x\n", KindPremises)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"id": "P1", "name": "x"}, tab.At(0).Map())
	require.Equal(t, "单位\n名称 ", tab.Report().Columns[1].Header) // encoding/csv reads CRLF in quotes as LF

	// Conflicts without id: the built-in table applies, and the id is
	// derived as ever.
	tab, err = read("执法证号,统一社会信用代码,回避事由\nI1,P1,亲属\n", KindConflicts)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"id": "I1 P1", "inspector": "I1", "premises": "P1", "reason": "亲属"}, tab.At(0).Map())

	// The same header means different attributes in different tables.
	tab, err = read("执法证号,姓名,所属单位,专业领域\nI1,张三,county-bureau,b;a\n", KindInspectors)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"id": "I1", "name": "张三", "unit": "county-bureau", "specialties": "a;b"}, tab.At(0).Map())

	// Two columns read as one attribute: an error naming both.
	_, err = read("统一社会信用代码,单位名称,企业名称\nP1,x,y\n", KindPremises)
	require.EqualError(t, err, `t.csv:1:3: field "name" (column "企业名称") value "企业名称": bad identifier or attribute name: columns B (单位名称) and C (企业名称) both read as "name"; map one of them to another name, or to "-" to leave it out, in a column-mapping file`)
	_, err = read("统一社会信用代码,name,单位名称\nP1,x,y\n", KindPremises)
	require.ErrorContains(t, err, `columns B (name) and C (单位名称) both read as "name"`)

	// Errors of rows name the attribute and the file's header.
	_, err = read("检查编号,统一社会信用代码,检查日期\nH1,P1,2026/13/01\n", KindHistory)
	require.EqualError(t, err, `t.csv:2:3: field "date" (column "检查日期") value "2026/13/01": bad date: "2026/13/01" does not exist`)
}

// Unknown references in a mapped table name the cell and the header too.
func TestLoadDirReferenceErrorsNameTheHeader(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "premises.csv"), []byte("统一社会信用代码,单位名称\nP1,x\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "inspectors.csv"), []byte("id\nI1\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "conflicts.csv"), []byte("执法证号,统一社会信用代码\nI1,P2\n"), 0o644))
	_, err := LoadDir(dir, Options{})
	require.EqualError(t, err, filepath.Join(dir, "conflicts.csv")+`:2:2: field "premises" (column "统一社会信用代码") value "P2": unknown reference: no premises with this id`)
}

func TestLoadDirFormats(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "premises.csv"), []byte("id\nP1\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "premises.xlsx"), workbook(t, "Sheet1", map[string]any{"A1": "id", "A2": "P1"}, nil), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "inspectors.csv"), []byte("id\nI1\n"), 0o644))
	_, err := LoadDir(dir, Options{})
	require.EqualError(t, err, "roster: "+filepath.Join(dir, "premises.csv")+" and "+filepath.Join(dir, "premises.xlsx")+" both exist; keep one")
	require.NoError(t, os.Remove(filepath.Join(dir, "premises.csv")))
	set, err := LoadDir(dir, Options{})
	require.NoError(t, err)
	require.Equal(t, "xlsx", set.Report().Tables[0].Format)
	require.Equal(t, "csv", set.Report().Tables[1].Format)
	require.Equal(t, "", set.Report().Tables[2].Format) // absent

	require.NoError(t, os.WriteFile(filepath.Join(dir, "history.xls"), []byte("\xd0\xcf\x11\xe0"), 0o644))
	_, err = LoadDir(dir, Options{})
	require.EqualError(t, err, "roster: "+filepath.Join(dir, "history.xls")+": the old Excel format (.xls) is not read; save it as .xlsx or CSV")
}

func TestGB18030OnlyCharacters(t *testing.T) {
	// 𠮷 (U+20BB7) is not in GBK: GB18030 writes it in four bytes. A
	// name with it reads the same from GB18030 as from UTF-8, and the
	// file is detected without being told.
	utf := "统一社会信用代码,单位名称,所属区域\n" + goodUSCC + ",𠮷野家记餐饮店,371727\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(utf)
	require.NoError(t, err)
	four, err := simplifiedchinese.GB18030.NewEncoder().String("𠮷")
	require.NoError(t, err)
	require.Len(t, four, 4)
	require.Contains(t, gb, four)
	_, err = simplifiedchinese.GBK.NewEncoder().String("𠮷")
	require.Error(t, err, "GBK has 𠮷")

	want, err := ReadCSV(strings.NewReader(utf), KindPremises, Options{})
	require.NoError(t, err)
	for _, enc := range []Encoding{EncodingAuto, EncodingGBK} {
		got, err := ReadCSV(strings.NewReader(gb), KindPremises, Options{Encoding: enc})
		require.NoError(t, err, enc)
		require.Equal(t, want.Root(), got.Root(), enc)
		require.Equal(t, "𠮷野家记餐饮店", got.At(0).Get("name"))
		require.Equal(t, EncodingGBK, got.Report().Encoding)
	}
	enc, err := ParseEncoding("GB18030")
	require.NoError(t, err)
	require.Equal(t, EncodingGBK, enc)
}

func TestCreditCodeWarningsInReport(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "premises.csv"), []byte("统一社会信用代码,单位名称\n"+goodUSCC+",a\n"+badUSCC+",b\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "inspectors.csv"), []byte("id\nI1\n"), 0o644))
	set, err := LoadDir(dir, Options{})
	require.NoError(t, err)
	w := set.Report().Warnings()
	require.Len(t, w, 1)
	require.ErrorIs(t, w[0], ErrCreditCode)
	require.Equal(t, 3, w[0].Line)
	require.Equal(t, badUSCC, w[0].Value)
	var b strings.Builder
	require.NoError(t, set.Report().WriteSummary(&b, 0))
	require.Contains(t, b.String(), "warning: "+filepath.Join(dir, "premises.csv")+`:3:1: field "id" (column "统一社会信用代码") value "`+badUSCC+`": bad unified social credit code`)

	// Canonical files without warnings: nothing to say.
	b.Reset()
	set, err = LoadDir(filepath.Join("..", "testdata", "dr1-county-7"), Options{})
	require.NoError(t, err)
	require.NoError(t, set.Report().WriteSummary(&b, 0))
	require.Empty(t, b.String())

	// Many warnings: the summary stops at the limit and counts the rest.
	var many strings.Builder
	many.WriteString("id\n")
	for i := range 5 {
		body := fmt.Sprintf("9137172702824%04d", i)
		c, err := USCCCheckChar(body)
		require.NoError(t, err)
		wrong := byte('0')
		if c == '0' {
			wrong = '1'
		}
		many.WriteString(body + string(wrong) + "\n")
	}
	tab, err := ReadCSV(strings.NewReader(many.String()), KindPremises, Options{File: "p.csv"})
	require.NoError(t, err)
	r := LoadReport{Tables: []TableReport{tab.Report()}}
	b.Reset()
	require.NoError(t, r.WriteSummary(&b, 2))
	require.Equal(t, 3, strings.Count(b.String(), "\n"), b.String())
	require.Contains(t, b.String(), "(3 more warnings)")
}

// The fast path reads canonical UTF-8 files; a file whose header needs
// mapping goes to the slow path and gives the table the canonical file
// gives.
func TestFastPathAndMapping(t *testing.T) {
	data := countyCSV(t, 20000)
	require.GreaterOrEqual(t, len(data), fastCSVMin)
	_, ok := tryCSVFast(bytes.Clone(data), KindPremises, Options{})
	require.True(t, ok, "a canonical UTF-8 file must take the fast path")

	head, body, _ := bytes.Cut(data, []byte("\n"))
	require.Equal(t, "id,name,region,category,risk,status,address", string(head))
	mapped := append([]byte("统一社会信用代码,单位名称,所属区域,监管类别,风险等级,登记状态,地址\n"), body...)
	_, ok = tryCSVFast(bytes.Clone(mapped), KindPremises, Options{})
	require.False(t, ok)

	want, err := ReadCSV(bytes.NewReader(data), KindPremises, Options{})
	require.NoError(t, err)
	got, err := ReadCSV(bytes.NewReader(mapped), KindPremises, Options{})
	require.NoError(t, err)
	require.Equal(t, want.Root(), got.Root())
	require.Equal(t, len(want.Warnings), len(got.Warnings))

	// A mapping file entry for a canonical header sends it to the slow
	// path too.
	m := NewColumnMap()
	require.NoError(t, m.Set(KindPremises, "address", "addr"))
	_, ok = tryCSVFast(bytes.Clone(data), KindPremises, Options{Columns: m})
	require.False(t, ok)

	// Dates in other forms, on the fast path: the same table as the
	// slow path's.
	var hist bytes.Buffer
	hist.WriteString("id,premises,date\n")
	for i := range 50000 {
		form := "2026/%d/%d"
		if i%2 == 0 {
			form = "2026-%02d-%02d"
		}
		fmt.Fprintf(&hist, "H%06d,P1,"+form+"\n", i, i%12+1, i%28+1)
	}
	require.GreaterOrEqual(t, hist.Len(), fastCSVMin)
	fast, ok := tryCSVFast(bytes.Clone(hist.Bytes()), KindHistory, Options{})
	require.True(t, ok)
	slow, err := readCSVSlow(bytes.Clone(hist.Bytes()), KindHistory, Options{})
	require.NoError(t, err)
	require.Equal(t, slow.Root(), fast.Root())
	require.Equal(t, 25000, fast.Report().Dates)
	require.Equal(t, 25000, slow.Report().Dates)
}

// The built-in table: valid names, headers as they are looked up, the
// attributes the protocol reads where they exist, and a copy for callers.
func TestBuiltinColumns(t *testing.T) {
	for _, k := range Kinds {
		m := BuiltinColumns(k)
		require.NotEmpty(t, m)
		require.Equal(t, DropColumn, m["序号"], k)
		for h, name := range m {
			require.Equal(t, headerKey(h), h, k)
			require.NoError(t, ValidName(h), k)
			if name != DropColumn {
				require.NoError(t, ValidName(name), k)
			}
		}
		m["x"] = "y"
		require.NotContains(t, BuiltinColumns(k), "x")
	}
	require.Equal(t, "id", BuiltinColumns(KindPremises)["统一社会信用代码"])
	require.Equal(t, "premises", BuiltinColumns(KindHistory)["统一社会信用代码"])
	require.Equal(t, "id", BuiltinColumns(KindInspectors)["执法证号"])
	require.Equal(t, "inspector", BuiltinColumns(KindConflicts)["执法证号"])
	require.Equal(t, AttrCredentialExpires, BuiltinColumns(KindInspectors)["证件有效期至"])
}
