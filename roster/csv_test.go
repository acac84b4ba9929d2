package roster

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// want is the one error a bad file must produce.
type want struct {
	is    error
	line  int
	col   int
	field string
	value string
}

// requireOne checks that err is an *ErrorList holding exactly the error w,
// naming file.
func requireOne(t *testing.T, err error, file string, w want) {
	t.Helper()
	require.Error(t, err)
	var l *ErrorList
	require.True(t, errors.As(err, &l), "%T %v", err, err)
	require.Len(t, l.Errs, 1, "%v", err)
	requireErr(t, l.Errs[0], file, w)
}

func requireErr(t *testing.T, e *RowError, file string, w want) {
	t.Helper()
	require.ErrorIs(t, e, w.is)
	require.Equal(t, want{w.is, w.line, w.col, w.field, w.value}, want{w.is, e.Line, e.Column, e.Field, e.Value}, "%v", e)
	require.Equal(t, file, e.File)
	require.Contains(t, e.Error(), file)
}

const goodUSCC = "9137172702824CJ1C6" // from dr1-county-7, check character right
const badUSCC = "9137172702824CJ1C7"  // the same with a wrong check character

// One bad file per rule of protocol §1 and of the loader.
func TestReadCSVBadFiles(t *testing.T) {
	long := strings.Repeat("x", MaxNameLen+1)
	longValue := strings.Repeat("v", MaxValueLen+1)
	tests := []struct {
		name string
		kind Kind
		csv  string
		opt  Options
		want want
	}{
		{"empty id", KindPremises, "id,name\n,Foo\n", Options{}, want{ErrBadName, 2, 1, "id", ""}},
		{"id with leading space", KindPremises, "id,name\n A1,x\n", Options{}, want{ErrBadName, 2, 1, "id", " A1"}},
		{"id with trailing space", KindPremises, "id,name\nA1 ,x\n", Options{}, want{ErrBadName, 2, 1, "id", "A1 "}},
		{"id too long", KindPremises, "id,name\n" + long + ",x\n", Options{}, want{ErrBadName, 2, 1, "id", long}},
		{"control character in id", KindPremises, "id,name\nA\x011,x\n", Options{}, want{ErrBadName, 2, 1, "id", "A\x011"}},
		{"control character in value", KindPremises, "id,name\nA1,a\x07b\n", Options{}, want{ErrBadValue, 2, 2, "name", "a\x07b"}},
		{"DEL in value", KindPremises, "id,name\nA1,a\x7fb\n", Options{}, want{ErrBadValue, 2, 2, "name", "a\x7fb"}},
		{"newline in quoted value", KindPremises, "id,name\nA1,\"a\nb\"\n", Options{}, want{ErrBadValue, 2, 2, "name", "a\nb"}},
		{"value too long", KindPremises, "id,name\nA1," + longValue + "\n", Options{}, want{ErrBadValue, 2, 2, "name", longValue}},
		{"invalid UTF-8", KindPremises, "id,name\nA1,a\xffb\n", Options{Encoding: EncodingUTF8}, want{ErrEncoding, 2, 2, "name", "a\xffb"}},
		{"invalid UTF-8, detected", KindPremises, "id,name\nA1,a\xffb\n", Options{}, want{ErrBadValue, 2, 2, "name", "a\xffb"}},
		{"bad column name", KindPremises, "id,name \nA1,x\n", Options{}, want{ErrBadName, 1, 2, "name ", "name "}},
		{"empty column name", KindPremises, "id,,name\nA1,,x\n", Options{}, want{ErrBadName, 1, 2, "", ""}},
		{"repeated column", KindPremises, "id,name,name\nA1,x,y\n", Options{}, want{ErrBadName, 1, 3, "name", "name"}},
		{"no id column", KindPremises, "name,region\nx,1\n", Options{}, want{ErrMissingField, 1, 0, "id", "name,region"}},
		{"no header", KindPremises, "", Options{}, want{ErrSyntax, 1, 0, "", ""}},
		{"duplicate id", KindPremises, "id,name\nA1,x\nA2,y\nA1,z\n", Options{}, want{ErrDuplicateID, 4, 1, "id", "A1"}},
		{"too few fields", KindPremises, "id,name,region\nA1,x,1\nA2,x\n", Options{}, want{ErrFieldCount, 3, 3, "region", ""}},
		{"too many fields", KindPremises, "id,name\nA1,x,y\n", Options{}, want{ErrFieldCount, 2, 3, "", "y"}},
		{"bare quote", KindPremises, "id,name\nA1,x\"y\n", Options{}, want{ErrSyntax, 2, 0, "", ""}},
		{"unterminated quote", KindPremises, "id,name\nA1,\"xy\n", Options{}, want{ErrSyntax, 2, 0, "", ""}},
		{"bad date", KindHistory, "id,premises,date\nH1,P1,2026-02-30\n", Options{}, want{ErrBadDate, 2, 3, "date", "2026-02-30"}},
		{"date not YYYY-MM-DD", KindInspectors, "id,credential_expires\nI1,31/01/2026\n", Options{}, want{ErrBadDate, 2, 2, "credential_expires", "31/01/2026"}},
		{"missing date", KindHistory, "id,premises,date\nH1,P1,\n", Options{}, want{ErrMissingField, 2, 3, "date", ""}},
		{"conflict without premises", KindConflicts, "inspector,premises\nI1,\n", Options{}, want{ErrMissingField, 2, 2, "premises", ""}},
		{"bad capacity", KindInspectors, "id,capacity\nI1,03\n", Options{}, want{ErrBadNumber, 2, 2, "capacity", "03"}},
		{"negative capacity", KindInspectors, "id,capacity\nI1,-1\n", Options{}, want{ErrBadNumber, 2, 2, "capacity", "-1"}},
		{"empty list item", KindInspectors, "id,specialties\nI1,a;;b\n", Options{}, want{ErrBadValue, 2, 2, "specialties", "a;;b"}},
		{"spaced list item", KindHistory, "id,premises,date,inspectors\nH1,P1,2026-01-01,I1; I2\n", Options{}, want{ErrBadValue, 2, 4, "inspectors", "I1; I2"}},
		{"credit code, strict", KindPremises, "id,name\n" + badUSCC + ",x\n", Options{Strict: true}, want{ErrCreditCode, 2, 1, "id", badUSCC}},
		{"credit code letter, strict", KindPremises, "id,name\n9137172702824CI1C6,x\n", Options{Strict: true}, want{ErrCreditCode, 2, 1, "id", "9137172702824CI1C6"}},
		{"GBK bytes that do not decode", KindPremises, "id,name\nA1,\xc4\xe3\nA2,\x81\x20\n", Options{Encoding: EncodingGBK}, want{ErrEncoding, 3, 0, "", "A2,\ufffd "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := tt.opt
			opt.File = "bad/" + tt.kind.String() + ".csv"
			tab, err := ReadCSV(strings.NewReader(tt.csv), tt.kind, opt)
			require.Nil(t, tab)
			requireOne(t, err, opt.File, tt.want)
		})
	}
}

func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644))
	}
	return dir
}

const (
	smallPremises   = "id,name,region\n" + goodUSCC + ",甲,371727\nP2,乙,371727\n"
	smallInspectors = "id,name,specialties\nI1,张三,medical;public_health\nI2,李四,\n"
)

func TestLoadDirUnknownReferences(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		csv   string
		want  want
		other string // the other optional table, valid
	}{
		{"conflict names unknown inspector", "conflicts.csv", "inspector,premises,reason\nI1,P2,kinship\nI9,P2,interest\n",
			want{ErrUnknownRef, 3, 1, "inspector", "I9"}, ""},
		{"conflict names unknown premises", "conflicts.csv", "premises,inspector\nP9,I1\n",
			want{ErrUnknownRef, 2, 1, "premises", "P9"}, ""},
		{"history names unknown premises", "history.csv", "id,premises,date,inspectors\nH1,P9,2026-01-02,I1\n",
			want{ErrUnknownRef, 2, 2, "premises", "P9"}, ""},
		{"history names unknown inspector", "history.csv", "id,premises,date,inspectors\nH1,P2,2026-01-02,I1;I7\n",
			want{ErrUnknownRef, 2, 4, "inspectors", "I7"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeDir(t, map[string]string{"premises.csv": smallPremises, "inspectors.csv": smallInspectors, tt.file: tt.csv})
			_, err := LoadDir(dir, Options{})
			requireOne(t, err, filepath.Join(dir, tt.file), tt.want)
		})
	}
}

func TestLoadDir(t *testing.T) {
	t.Run("optional tables", func(t *testing.T) {
		dir := writeDir(t, map[string]string{"premises.csv": smallPremises, "inspectors.csv": smallInspectors})
		s, err := LoadDir(dir, Options{})
		require.NoError(t, err)
		require.Equal(t, Counts{Premises: 2, Inspectors: 2}, s.Counts())
		require.Equal(t, EmptyRoot, s.Roots().Conflicts)
	})
	t.Run("missing premises", func(t *testing.T) {
		dir := writeDir(t, map[string]string{"inspectors.csv": smallInspectors})
		_, err := LoadDir(dir, Options{})
		require.ErrorIs(t, err, os.ErrNotExist)
		require.Contains(t, err.Error(), "premises.csv")
	})
	t.Run("jsonl", func(t *testing.T) {
		dir := writeDir(t, map[string]string{"premises.csv": smallPremises, "inspectors.csv": smallInspectors})
		want, err := LoadDir(dir, Options{})
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, WriteJSONL(&b, want.Inspectors))
		require.NoError(t, os.Remove(filepath.Join(dir, "inspectors.csv")))
		require.NoError(t, os.WriteFile(filepath.Join(dir, "inspectors.jsonl"), b.Bytes(), 0o644))
		got, err := LoadDir(dir, Options{})
		require.NoError(t, err)
		require.Equal(t, want.Roots(), got.Roots())

		require.NoError(t, os.WriteFile(filepath.Join(dir, "inspectors.csv"), []byte(smallInspectors), 0o644))
		_, err = LoadDir(dir, Options{})
		require.ErrorContains(t, err, "both")
	})
	t.Run("errors of every file", func(t *testing.T) {
		dir := writeDir(t, map[string]string{
			"premises.csv":   "id,name\n,x\n",
			"inspectors.csv": "id\nI1\nI1\n",
		})
		_, err := LoadDir(dir, Options{})
		var l *ErrorList
		require.True(t, errors.As(err, &l))
		require.Len(t, l.Errs, 2)
		requireErr(t, l.Errs[0], filepath.Join(dir, "premises.csv"), want{ErrBadName, 2, 1, "id", ""})
		requireErr(t, l.Errs[1], filepath.Join(dir, "inspectors.csv"), want{ErrDuplicateID, 3, 1, "id", "I1"})
	})
}

// A file's errors are all reported, in line order, up to the limit.
func TestReadCSVCollectsErrors(t *testing.T) {
	in := "id,name,premises,date\n" +
		"H1,x,P1,2026-01-01\n" +
		"H2,x,P1,2026-13-01\n" + // bad date
		",x,P1,2026-01-01\n" + // empty id
		"H4,x,P1\n" + // too few fields
		"H5,a\x01b,P1,26-1-1\n" + // control character and bad date
		"H1,x,P1,2026-01-02\n" // duplicate
	_, err := ReadCSV(strings.NewReader(in), KindHistory, Options{File: "h.csv"})
	var l *ErrorList
	require.True(t, errors.As(err, &l))
	got := []want{}
	for _, e := range l.Errs {
		var kind error
		for _, k := range []error{ErrBadDate, ErrBadName, ErrFieldCount, ErrBadValue, ErrDuplicateID, ErrMissingField} {
			if errors.Is(e, k) {
				kind = k
				break
			}
		}
		got = append(got, want{kind, e.Line, e.Column, e.Field, e.Value})
	}
	require.Equal(t, []want{
		{ErrBadDate, 3, 4, "date", "2026-13-01"},
		{ErrBadName, 4, 1, "id", ""},
		{ErrFieldCount, 5, 4, "date", ""},
		{ErrBadValue, 6, 2, "name", "a\x01b"},
		{ErrBadDate, 6, 4, "date", "26-1-1"},
		{ErrDuplicateID, 7, 1, "id", "H1"},
	}, got)
	require.Equal(t, 0, l.Omitted)
	require.Contains(t, err.Error(), "h.csv:3:4: field \"date\" value \"2026-13-01\"")
}

func TestMaxErrors(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,name\n")
	for range 250 {
		b.WriteString(",x\n")
	}
	for _, tt := range []struct{ max, kept int }{{0, MaxErrors}, {3, 3}, {1000, 250}} {
		_, err := ReadCSV(strings.NewReader(b.String()), KindPremises, Options{MaxErrors: tt.max})
		var l *ErrorList
		require.True(t, errors.As(err, &l))
		require.Len(t, l.Errs, tt.kept)
		require.Equal(t, 250-tt.kept, l.Omitted)
		require.Equal(t, 2, l.Errs[0].Line)
		if l.Omitted > 0 {
			require.Contains(t, err.Error(), "more errors")
		}
	}
}

func TestCreditCodeWarning(t *testing.T) {
	in := "id,name\n" + goodUSCC + ",x\n" + badUSCC + ",y\n"
	var warned []*RowError
	tab, err := ReadCSV(strings.NewReader(in), KindPremises, Options{File: "p.csv", Warn: func(e *RowError) { warned = append(warned, e) }})
	require.NoError(t, err)
	require.Equal(t, 2, tab.Len())
	require.Len(t, tab.Warnings, 1)
	requireErr(t, tab.Warnings[0], "p.csv", want{ErrCreditCode, 3, 1, "id", badUSCC})
	require.Equal(t, tab.Warnings, warned)

	// Only premises ids are credit codes, and only 18-character ones.
	_, err = ReadCSV(strings.NewReader("id\n"+badUSCC+"\n"), KindInspectors, Options{Strict: true})
	require.NoError(t, err)
	_, err = ReadCSV(strings.NewReader("id\n371727081235\n"), KindPremises, Options{Strict: true})
	require.NoError(t, err)

	_, err = NewTable(KindPremises, []Row{{ID: badUSCC}}, Options{Strict: true})
	require.ErrorIs(t, err, ErrCreditCode)
}

func TestEncodings(t *testing.T) {
	utf8Text := "id,name,region\nA1,华盛宾馆,371727\nA2,示例公司,350100\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(utf8Text)
	require.NoError(t, err)
	require.NotEqual(t, utf8Text, gbk)
	ref, err := ReadCSV(strings.NewReader(utf8Text), KindPremises, Options{})
	require.NoError(t, err)
	require.Equal(t, "华盛宾馆", Premises{ref.At(0)}.Name())

	for _, tt := range []struct {
		name string
		in   string
		enc  Encoding
	}{
		{"utf-8 auto", utf8Text, EncodingAuto},
		{"utf-8 explicit", utf8Text, EncodingUTF8},
		{"bom auto", "\ufeff" + utf8Text, EncodingAuto},
		{"bom explicit", "\ufeff" + utf8Text, EncodingUTF8},
		{"gbk auto", gbk, EncodingAuto},
		{"gbk explicit", gbk, EncodingGBK},
		{"crlf", strings.ReplaceAll(utf8Text, "\n", "\r\n"), EncodingAuto},
		{"gbk crlf", strings.ReplaceAll(gbk, "\n", "\r\n"), EncodingAuto},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadCSV(strings.NewReader(tt.in), KindPremises, Options{Encoding: tt.enc})
			require.NoError(t, err)
			require.Equal(t, ref.Root(), got.Root())
			rows := collectRows(t, ScanCSV(strings.NewReader(tt.in), KindPremises, Options{Encoding: tt.enc}))
			require.Equal(t, ref.Rows(), rows)
		})
	}

	// GBK read as UTF-8 is invalid UTF-8, reported per field.
	_, err = ReadCSV(strings.NewReader(gbk), KindPremises, Options{Encoding: EncodingUTF8, File: "p.csv"})
	require.ErrorIs(t, err, ErrEncoding)
	require.ErrorContains(t, err, "p.csv:2:2: field \"name\"")

	// Streaming decides on the first 64 KiB: a later bad byte is an error
	// with its line, not a reason to switch encodings.
	var b strings.Builder
	b.WriteString("id,name\n")
	n := 0
	for b.Len() < 2*detectPrefix {
		n++
		b.WriteString("A" + strconv.Itoa(n) + ",华盛宾馆\n")
	}
	b.WriteString("Z1,\xff\n")
	var errs []error
	for _, err := range ScanCSV(strings.NewReader(b.String()), KindPremises, Options{File: "big.csv"}) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	require.Len(t, errs, 1)
	var re *RowError
	require.ErrorAs(t, errs[0], &re)
	requireErr(t, re, "big.csv", want{ErrEncoding, n + 2, 2, "name", "\xff"})

	// The same for a GBK stream: the bad line is reported, the others read.
	gbkBig, err := simplifiedchinese.GBK.NewEncoder().String(b.String()[:len(b.String())-len("Z1,\xff\n")])
	require.NoError(t, err)
	gbkBig += "Z1,\x81\n"
	rows := 0
	errs = nil
	for _, err := range ScanCSV(strings.NewReader(gbkBig), KindPremises, Options{File: "big.csv"}) {
		if err != nil {
			errs = append(errs, err)
		} else {
			rows++
		}
	}
	require.Equal(t, n, rows)
	require.Len(t, errs, 1)
	require.ErrorAs(t, errs[0], &re)
	requireErr(t, re, "big.csv", want{ErrEncoding, n + 2, 0, "", "Z1,\ufffd"})
}

func collectRows(t *testing.T, seq func(func(Row, error) bool)) []Row {
	t.Helper()
	var rows []Row
	for r, err := range seq {
		require.NoError(t, err)
		rows = append(rows, r)
	}
	return rows
}

func TestParseEncoding(t *testing.T) {
	for s, want := range map[string]Encoding{"auto": EncodingAuto, "UTF-8": EncodingUTF8, "utf8": EncodingUTF8, "GBK": EncodingGBK, "gb18030": EncodingGBK} {
		got, err := ParseEncoding(s)
		require.NoError(t, err)
		require.Equal(t, want, got)
		if s == strings.ToLower(s) && s != "utf8" && s != "gb18030" {
			require.Equal(t, s, got.String())
		}
	}
	_, err := ParseEncoding("latin1")
	require.Error(t, err)
}

func TestScanCSV(t *testing.T) {
	in := "\ufeffid,name,specialties\n" +
		"I2,b,public_health;medical;medical\n" +
		"\n" + // skipped
		"I1,a,\n" +
		",bad,\n" +
		"I3,\"q,uoted\",x\n"
	var rows []Row
	var errs []error
	for r, err := range ScanCSV(strings.NewReader(in), KindInspectors, Options{File: "i.csv"}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		rows = append(rows, r)
	}
	require.Equal(t, []Row{
		{ID: "I2", Attrs: []Attr{{"name", "b"}, {"specialties", "medical;public_health"}}, Line: 2},
		{ID: "I1", Attrs: []Attr{{"name", "a"}}, Line: 4},
		{ID: "I3", Attrs: []Attr{{"name", "q,uoted"}, {"specialties", "x"}}, Line: 6},
	}, rows)
	require.Len(t, errs, 1)
	var re *RowError
	require.ErrorAs(t, errs[0], &re)
	requireErr(t, re, "i.csv", want{ErrBadName, 5, 1, "id", ""})

	// Header problems end the scan; stopping early is honoured.
	n := 0
	for _, err := range ScanCSV(strings.NewReader("id,id\nA,B\n"), KindPremises, Options{}) {
		require.ErrorIs(t, err, ErrBadName)
		n++
	}
	require.Equal(t, 1, n)
	n = 0
	for range ScanCSV(strings.NewReader(in), KindInspectors, Options{}) {
		n++
		break
	}
	require.Equal(t, 1, n)
	for _, err := range ScanCSV(strings.NewReader(in), Kind(9), Options{}) {
		require.Error(t, err)
	}
}

func TestConflictIDs(t *testing.T) {
	in := "id,inspector,premises\n,I1,P1\nC2,I2,P1\n"
	tab, err := ReadCSV(strings.NewReader(in), KindConflicts, Options{})
	require.NoError(t, err)
	require.Equal(t, []string{"C2", "I1 P1"}, []string{tab.At(0).ID, tab.At(1).ID})
	c := Conflict{tab.At(1)}
	require.Equal(t, "I1", c.Inspector())
	require.Equal(t, "P1", c.Premises())

	_, err = ReadCSV(strings.NewReader("inspector,premises\nI1,P1\nI1,P1\n"), KindConflicts, Options{File: "c.csv"})
	requireOne(t, err, "c.csv", want{ErrDuplicateID, 3, 0, "id", "I1 P1"})
}

// TestReadCSVSharedStorage: rows read from a file (read at its size) and
// from a plain reader are the same; rows cut from one chunk of
// attributes and sharing interned values stay independent: appending to
// one row's attributes does not touch the next row's.
func TestReadCSVSharedStorage(t *testing.T) {
	var b strings.Builder
	b.WriteString("id,category,region,risk,note\n")
	for i := range 5000 { // more rows than one chunk of attributes holds
		note := ""
		if i%7 == 0 {
			note = strings.Repeat("n", 40) + strconv.Itoa(i) // too long to share
		}
		b.WriteString("P" + strconv.Itoa(i) + ",school," + strconv.Itoa(i%13) + ",A," + note + "\n")
	}
	b.WriteString("bad\x01id,school,1,A,\n")
	path := filepath.Join(t.TempDir(), "premises.csv")
	require.NoError(t, os.WriteFile(path, []byte(b.String()), 0o644))
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	_, fromFile := ReadCSV(f, KindPremises, Options{File: "premises.csv"})
	_, fromBytes := ReadCSV(strings.NewReader(b.String()), KindPremises, Options{File: "premises.csv"})
	require.Error(t, fromFile)
	require.Equal(t, fromBytes.Error(), fromFile.Error())

	good := strings.Replace(b.String(), "bad\x01id", "Z", 1)
	require.NoError(t, os.WriteFile(path, []byte(good), 0o644))
	f2, err := os.Open(path)
	require.NoError(t, err)
	defer f2.Close()
	t1, err := ReadCSV(f2, KindPremises, Options{})
	require.NoError(t, err)
	t2, err := ReadCSV(strings.NewReader(good), KindPremises, Options{})
	require.NoError(t, err)
	require.Equal(t, t2.Len(), t1.Len())
	require.Equal(t, 5001, t1.Len())
	for i := range t1.Len() {
		require.True(t, t1.At(i).Equal(t2.At(i)), t1.At(i).ID)
		require.Equal(t, len(t1.At(i).Attrs), cap(t1.At(i).Attrs), t1.At(i).ID)
	}
	require.Equal(t, t2.Root(), t1.Root())

	// The rows in file order are P0, P1, ...: grow P0's attributes in
	// place and check that P1 keeps its own.
	p0, ok := t1.Lookup("P0")
	require.True(t, ok)
	p1 := t1.At(t1.Index("P1"))
	before := slices.Clone(p1.Attrs)
	_ = append(p0.Attrs, Attr{"zz", "x"}, Attr{"zz", "y"})
	require.Equal(t, before, t1.At(t1.Index("P1")).Attrs)
}
