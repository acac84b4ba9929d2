package roster

import (
	"bytes"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestReadCells(t *testing.T) {
	const text = "\r\n统一社会信用代码,检查结果,检查日期,检查人员\r\n9137172702824CJ1C6,未发现问题,2026/11/25,WJ1;WJ2\r\n\r\nP2,发现问题经责令已改正,2026-11-26,WJ1\r\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	require.NoError(t, err)
	want := &Cells{File: "results.csv", Encoding: EncodingGBK,
		Header:     []string{"统一社会信用代码", "检查结果", "检查日期", "检查人员"},
		HeaderLine: 2,
		Rows:       [][]string{{"9137172702824CJ1C6", "未发现问题", "2026/11/25", "WJ1;WJ2"}, {"P2", "发现问题经责令已改正", "2026-11-26", "WJ1"}},
		Lines:      []int{3, 5}}
	c, err := ReadCells(bytes.NewReader([]byte(gbk)), Options{File: "results.csv"})
	require.NoError(t, err)
	require.Equal(t, want, c)
	require.EqualError(t, c.Errorf(1, 1, "x", ErrBadValue), `results.csv:5:2: field "检查结果" value "x": bad attribute value`)
	require.EqualError(t, c.Errorf(-1, -1, "", ErrMissingField), `results.csv:2: missing required field`)

	c, err = ReadCells(bytes.NewReader([]byte("\xef\xbb\xbf"+text)), Options{File: "results.csv"})
	require.NoError(t, err)
	require.Equal(t, EncodingUTF8, c.Encoding)
	require.Equal(t, want.Rows, c.Rows)

	// The same as a workbook: a date cell and a bare serial in the date
	// column, a number elsewhere kept as a number.
	f := excelize.NewFile()
	rows := [][]any{
		{"统一社会信用代码", "检查结果", "检查日期", "检查人员"},
		{"9137172702824CJ1C6", "未发现问题", 46351, "WJ1;WJ2"},
		{},
		{"P2", "发现问题经责令已改正", 46352, "WJ1"},
		{"P3", 12, "2026/11/27", ""},
	}
	for i, r := range rows {
		require.NoError(t, f.SetSheetRow("Sheet1", cellName(t, 1, i+1), &r))
	}
	var b bytes.Buffer
	require.NoError(t, f.Write(&b))
	c, err = ReadCells(bytes.NewReader(b.Bytes()), Options{File: "results.xlsx"}, "检查日期")
	require.NoError(t, err)
	require.Equal(t, &Cells{File: "results.xlsx", Sheet: "Sheet1",
		Header:     want.Header,
		HeaderLine: 1,
		Rows:       [][]string{{"9137172702824CJ1C6", "未发现问题", "2026-11-25", "WJ1;WJ2"}, {"P2", "发现问题经责令已改正", "2026-11-26", "WJ1"}, {"P3", "12", "2026/11/27", ""}},
		Lines:      []int{2, 4, 5}}, c)
	require.EqualError(t, c.Errorf(2, 1, "12", ErrBadValue), `results.xlsx: sheet Sheet1: cell B5: field "检查结果" value "12": bad attribute value`)

	// Errors: field counts, bytes that do not decode, no header.
	_, err = ReadCells(bytes.NewReader([]byte("a,b\n1,2,3\n4\n")), Options{File: "r.csv"})
	var l *ErrorList
	require.True(t, errors.As(err, &l))
	require.Len(t, l.Errs, 2)
	require.EqualError(t, err, "r.csv:2: value \"1,2,3\": wrong number of fields: 3 fields, the header has 2\nr.csv:3: value \"4\": wrong number of fields: 1 fields, the header has 2")
	_, err = ReadCells(bytes.NewReader([]byte("a,b\n1,\xff\n")), Options{File: "r.csv", Encoding: EncodingUTF8})
	require.ErrorIs(t, err, ErrEncoding)
	require.EqualError(t, err, "r.csv:2: value \"1,\ufffd\": bad text encoding: bytes that are not UTF-8 on this line")
	_, err = ReadCells(bytes.NewReader(nil), Options{File: "r.csv"})
	require.ErrorIs(t, err, ErrSyntax)
	_, err = ReadCells(bytes.NewReader([]byte("not a zip")), Options{File: "r.xlsx"})
	require.ErrorIs(t, err, ErrSyntax)
}
