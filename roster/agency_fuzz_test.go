package roster_test

// Fuzz targets for the readers of agency files: .xlsx workbooks,
// column-mapping files and dates as agency files write them.

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/doublerandom/doublerandom/roster"
)

func init() {
	sentinels = append(sentinels, roster.ErrMergedCell, roster.ErrColumnMap, roster.ErrPrecision)
}

// xlsxSeed builds a small workbook for the seed corpus.
func xlsxSeed(f *testing.F, rows [][]any, edit func(x *excelize.File)) []byte {
	x := excelize.NewFile()
	for i, r := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		require.NoError(f, err)
		require.NoError(f, x.SetSheetRow("Sheet1", cell, &r))
	}
	if edit != nil {
		edit(x)
	}
	b, err := x.WriteToBuffer()
	require.NoError(f, err)
	return b.Bytes()
}

// FuzzReadXLSX reads arbitrary bytes as an .xlsx table of any kind.
// Properties: no panic; an accepted table holds valid rows and survives
// the canonical writers (see checkTable), its rows on sheet rows 2 and
// later; errors are *ErrorList or *RowError that name the input and wrap
// a roster sentinel; strict mode agrees with the warnings.
func FuzzReadXLSX(f *testing.F) {
	f.Add(xlsxSeed(f, [][]any{{"统一社会信用代码", "单位名称", "所属区域"}, {"9137172702824CJ1C6", "华盛盛宾馆", 371727002}}, nil), uint8(0))
	f.Add(xlsxSeed(f, [][]any{{"检查编号", "统一社会信用代码", "检查日期", "检查人员"}, {"H1", "P1", 46351, "WJ2;WJ1"}, {"H2", "P1", "2026/1/5", "WJ1"}}, nil), uint8(3))
	f.Add(xlsxSeed(f, [][]any{{"执法证号", "证件有效期至", "任务上限"}, {"WJ1", 46351.5, 3}}, func(x *excelize.File) {
		st, _ := x.NewStyle(&excelize.Style{NumFmt: 14})
		_ = x.SetCellStyle("Sheet1", "B2", "B2", st)
	}), uint8(1))
	f.Add(xlsxSeed(f, [][]any{{"id", "name"}, {"P1", "x"}}, func(x *excelize.File) { _ = x.MergeCell("Sheet1", "A1", "B1") }), uint8(0))
	f.Add([]byte("PK\x03\x04"), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, kindSel uint8) {
		kind := kindOf(kindSel)
		opt := roster.Options{File: fuzzFile, MaxErrors: 1 << 30}
		read := func(o roster.Options) (*roster.Table, error) {
			return roster.ReadXLSX(bytes.NewReader(data), kind, o)
		}
		tab, err := read(opt)
		if err != nil {
			var list *roster.ErrorList
			var re *roster.RowError
			var errs []*roster.RowError
			switch {
			case errors.As(err, &list):
				require.NotEmpty(t, list.Errs)
				errs = list.Errs
			case errors.As(err, &re):
				errs = []*roster.RowError{re}
			default:
				require.Failf(t, "wrong error type", "%T: %v", err, err)
			}
			for _, e := range errs {
				require.Equal(t, fuzzFile, e.File, "%v", e)
				require.GreaterOrEqual(t, e.Line, 0)
				require.GreaterOrEqual(t, e.Column, 0)
				require.True(t, slices.ContainsFunc(sentinels, func(s error) bool { return errors.Is(e, s) }), "error wraps no roster sentinel: %v", e)
			}
		} else {
			checkTable(t, tab, kind, 2, 1<<20)
			rep := tab.Report()
			require.Equal(t, "xlsx", rep.Format)
			require.NotEmpty(t, rep.Sheet)
		}
		checkStrict(t, tab, err, read, opt)
	})
}

// FuzzReadColumnMap reads arbitrary bytes as a column-mapping file.
// Properties: no panic; an accepted map holds only trimmed, valid headers
// mapped to valid names or "-", and reading a table whose header is the
// map's headers never panics and reports every column; errors name the
// file, wrap a sentinel and point at a line of the input.
func FuzzReadColumnMap(f *testing.F) {
	f.Add([]byte("table,header,attribute\npremises,许可证编号,license\npremises,序号,-\n"))
	f.Add([]byte("table,header,attribute\n# comment\ninspectors, 手机 ,phone\nhistory,抽查结果,outcome\n"))
	f.Add([]byte("table,header,attribute\npremises,a,b\npremises,a ,c\n"))
	f.Add([]byte("\xef\xbb\xbftable,header,attribute\r\nconflicts,\"回避,原因\",reason\r\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := roster.ReadColumnMap(bytes.NewReader(data), fuzzFile)
		if err != nil {
			rowErrors(t, err, data)
			return
		}
		for _, k := range roster.Kinds {
			entries := m.Entries(k)
			var header []string
			for h, name := range entries {
				require.NoError(t, roster.ValidName(h))
				require.Equal(t, strings.Trim(h, " \u3000"), h)
				if name != roster.DropColumn {
					require.NoError(t, roster.ValidName(name))
				}
				if !strings.ContainsAny(h, "\",\r\n") {
					header = append(header, h)
				}
			}
			slices.Sort(header)
			if len(header) == 0 {
				continue
			}
			csvData := strings.Join(header, ",") + "\n" + strings.Repeat("v,", len(header)-1) + "v\n"
			tab, err := roster.ReadCSV(strings.NewReader(csvData), k, roster.Options{File: fuzzFile, Columns: m})
			if err == nil {
				require.Len(t, tab.Report().Columns, len(header))
				for i, c := range tab.Report().Columns {
					require.Equal(t, header[i], c.Header)
					require.True(t, c.Mapped())
				}
			}
		}
	})
}

// inputDateRE is the forms of ParseInputDate, written independently.
var inputDateRE = regexp.MustCompile(`^(\d{4})(?:([-/.])(\d{1,2})([-/.])(\d{1,2})|年(\d{1,2})月(\d{1,2})日)(?: (?:00?:00(?::00(?:\.0+)?)?|0:00:00(?:\.0+)?))?$`)

// FuzzParseInputDate checks ParseInputDate against a regular expression
// of its forms and a calendar: accepted exactly when the form matches
// (with one separator) and the day exists, and then the day is the one
// written.
func FuzzParseInputDate(f *testing.F) {
	for _, s := range []string{"2026-11-25", "2026/1/5", "2026.11.25", "2026年11月25日", "2026/11/25 0:00", "2026-11-25 00:00:00.000", "2026/2/30", "25/11/2026", "2026-11-25 09:30"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := roster.ParseInputDate(s)
		m := inputDateRE.FindStringSubmatch(s)
		ok := m != nil && (m[2] == m[4])
		var y, mo, da int
		if ok {
			y, _ = strconv.Atoi(m[1])
			if m[2] != "" {
				mo, _ = strconv.Atoi(m[3])
				da, _ = strconv.Atoi(m[5])
			} else {
				mo, _ = strconv.Atoi(m[6])
				da, _ = strconv.Atoi(m[7])
			}
			ok = mo >= 1 && mo <= 12 && da >= 1 && da <= daysIn(y, mo)
		}
		if !ok {
			require.Error(t, err, "%q accepted as %v", s, d)
			require.ErrorIs(t, err, roster.ErrBadDate)
			return
		}
		require.NoError(t, err, "%q", s)
		require.Equal(t, fmt.Sprintf("%04d-%02d-%02d", y, mo, da), d.String())
	})
}
