package roster

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"
)

// fastChunks are the worker counts the fast path is tried with: one
// chunk, and chunk boundaries in several places.
var fastChunks = []int{1, 2, 3, 8}

// plainCSV reports whether the fast path should accept data whenever the
// slow path does: no quote, UTF-8 after the byte order mark.
func plainCSV(data []byte) bool {
	data = bytes.TrimPrefix(data, bom)
	return !bytes.Contains(data, []byte{'"'}) && utf8.Valid(data)
}

// mappedHeader reports whether the header of data (its first line that
// is not empty) needs a column mapping, which the fast path leaves to the
// slow path.
func mappedHeader(data []byte, kind Kind, opt Options) bool {
	data = bytes.TrimPrefix(data, bom)
	for len(data) > 0 {
		var head []byte
		head, data = cutLine(data)
		if len(head) > 0 {
			return headerNeedsMapping(kind, splitHeader(head), opt.Columns)
		}
	}
	return false
}

// requireFastAgrees reads data on the slow path and on the fast path with
// each of fastChunks, and checks that the fast path either declines or
// builds the slow path's table (rows with their lines, warnings, header,
// root, and the warnings passed to Options.Warn), and that on plain input
// it declines only when the slow path fails. It returns whether the fast
// path accepted.
func requireFastAgrees(t *testing.T, data []byte, kind Kind, opt Options) bool {
	t.Helper()
	var slowWarned, fastWarned []*RowError
	opt.File = "in.csv"
	opt.MaxErrors = 1 << 30
	slowOpt := opt
	slowOpt.Warn = func(e *RowError) { slowWarned = append(slowWarned, e) }
	want, werr := readCSVSlow(bytes.Clone(data), kind, slowOpt)
	accepted := false
	for _, chunks := range fastChunks {
		fastWarned = nil
		fastOpt := opt
		fastOpt.Warn = func(e *RowError) { fastWarned = append(fastWarned, e) }
		got, ok := readCSVFast(bytes.Clone(data), kind, fastOpt, chunks)
		msg := fmt.Sprintf("kind %v, %+v, %d chunks, input %.200q", kind, opt, chunks, data)
		if !ok {
			require.Nil(t, got, msg)
			require.Empty(t, fastWarned, msg)
			if opt.Encoding != EncodingGBK && plainCSV(data) && !mappedHeader(data, kind, opt) {
				require.Error(t, werr, "the fast path declined a good plain input: %s", msg)
			}
			continue
		}
		accepted = true
		require.NoError(t, werr, msg)
		require.Equal(t, want.Kind(), got.Kind(), msg)
		require.Equal(t, want.File(), got.File(), msg)
		require.Equal(t, want.header, got.header, msg)
		require.Equal(t, want.Rows(), got.Rows(), msg)
		require.Equal(t, want.Warnings, got.Warnings, msg)
		require.Equal(t, slowWarned, fastWarned, msg)
		if opt.Protocol != ProtocolV2 {
			// The root from the leaves hashed while reading.
			require.NotNil(t, got.fileLeaves, msg)
		}
		require.Equal(t, want.Root(), got.Root(), msg)
		require.Nil(t, got.fileLeaves, "dropped once the root is known")
		require.Equal(t, rowsRoot(got.Rows()), got.Root(), msg)
		for _, r := range got.Rows() {
			require.Equal(t, len(r.Attrs), cap(r.Attrs), msg)
		}
	}
	return accepted
}

// requireFastAgreesAll is requireFastAgrees for every kind and the
// encodings and strictness that matter to the fast path.
func requireFastAgreesAll(t *testing.T, data []byte) (accepted int) {
	t.Helper()
	for _, kind := range Kinds {
		for _, enc := range []Encoding{EncodingAuto, EncodingUTF8, EncodingGBK} {
			for _, strict := range []bool{false, true} {
				if requireFastAgrees(t, data, kind, Options{Encoding: enc, Strict: strict}) {
					accepted++
				}
			}
		}
	}
	return accepted
}

func TestReadCSVFastVectors(t *testing.T) {
	for _, county := range []string{"dr1-county-7", "dr1-county-12"} {
		for _, kind := range Kinds {
			t.Run(county+"/"+kind.String(), func(t *testing.T) {
				data, err := os.ReadFile(filepath.Join("..", "testdata", county, kind.String()+".csv"))
				require.NoError(t, err)
				require.True(t, requireFastAgrees(t, data, kind, Options{}))
				require.True(t, requireFastAgrees(t, data, kind, Options{Encoding: EncodingUTF8}))
				require.False(t, requireFastAgrees(t, data, kind, Options{Encoding: EncodingGBK}))
				requireFastAgreesAll(t, data)
			})
		}
	}
}

// countyCSV returns a premises table shaped like a sample county's: n
// rows, credit-code ids (every 97th with a wrong check character, which
// is a warning), Chinese names, shared short values, some empty cells,
// and an address too long to be shared on every 5th row.
func countyCSV(t testing.TB, n int) []byte {
	var b bytes.Buffer
	b.WriteString("id,name,region,category,risk,status,address\n")
	cats := []string{"public_place", "medical", "school", "drinking_water"}
	for i := range n {
		body := fmt.Sprintf("9137%013d", i*7919)
		c, err := USCCCheckChar(body)
		require.NoError(t, err)
		if i%97 == 5 {
			if c == '0' {
				c = '1'
			} else {
				c = '0'
			}
		}
		id := body + string(c)
		if i%11 == 3 {
			id = "3717" + strconv.Itoa(270000+i) // a registration number, no check character
		}
		risk := string(rune('A' + i%4))
		if i%13 == 0 {
			risk = ""
		}
		addr := ""
		if i%5 == 0 {
			addr = "山东省某某县某某镇某某村" + strconv.Itoa(i) + "号，临街门面第" + strconv.Itoa(i%9) + "间"
		}
		fmt.Fprintf(&b, "%s,%s%d号%s,%09d,%s,%s,%s,%s\n", id, "华盛", i, "宾馆", 371727001+i%31, cats[i%len(cats)], risk, "active", addr)
	}
	return b.Bytes()
}

func TestReadCSVFastCounty(t *testing.T) {
	data := countyCSV(t, 1000)
	tab, err := readCSVSlow(data, KindPremises, Options{})
	require.NoError(t, err)
	require.NotEmpty(t, tab.Warnings)
	require.Equal(t, 1000, tab.Len())
	requireFastAgreesAll(t, data)

	lines := bytes.SplitAfter(data, []byte("\n"))
	edit := func(f func(lines [][]byte) [][]byte) []byte {
		return bytes.Join(f(append([][]byte(nil), lines...)), nil)
	}
	insert := func(at int, s string) []byte {
		return edit(func(l [][]byte) [][]byte {
			return append(l[:at], append([][]byte{[]byte(s)}, l[at:]...)...)
		})
	}
	replace := func(at int, s string) []byte {
		return edit(func(l [][]byte) [][]byte { l[at] = []byte(s); return l })
	}
	tests := []struct {
		name string
		data []byte
		good bool // the slow path accepts it, as premises
	}{
		{"as generated", data, true},
		{"byte order mark", append(append([]byte(nil), bom...), data...), true},
		{"no final newline", bytes.TrimSuffix(data, []byte("\n")), true},
		{"empty lines before the header", append([]byte("\n\n"), data...), true},
		{"empty lines", insert(500, "\n\n"), true},
		{"empty lines at the end", append(bytes.Clone(data), "\n\n\n"...), true},
		{"empty line after the header", insert(1, "\n"), true},
		{"header only", lines[0], true},
		{"header without newline", bytes.TrimSuffix(lines[0], []byte("\n")), true},
		{"header and empty lines", append(bytes.Clone(lines[0]), "\n\n"...), true},
		{"all cells empty but the id", insert(700, "Z1,,,,,,\n"), true},
		{"only empty lines", []byte("\n\n"), false},
		{"empty", nil, false},
		{"too few fields", insert(999, "Z1,x\n"), false},
		{"too many fields", insert(10, "Z1,a,b,c,d,e,f,g\n"), false},
		{"line of spaces", insert(600, "   \n"), false},
		{"duplicate id far apart", insert(990, string(lines[2])), false},
		{"duplicate id next to it", insert(3, string(lines[2])), false},
		{"control character", replace(400, "Z1,a\x01b,,,,,\n"), false},
		{"invalid UTF-8 (GBK bytes)", replace(900, "Z1,\xbb\xaa\xca\xa2,,,,,\n"), false},
		{"bad id", replace(1, " Z1,,,,,,\n"), false},
		{"bad header", replace(0, "id,name,name,category,risk,status,address\n"), false},
		{"no id column", replace(0, "code,name,region,category,risk,status,address\n"), false},
		{"quote", replace(1000, "Z1,\"quoted\",,,,,\n"), true},
		{"CRLF", bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")), true},
		{"CRLF, no final newline", bytes.TrimSuffix(bytes.ReplaceAll(data, []byte("\n"), []byte("\r\n")), []byte("\n")), true},
		{"CRLF and LF", insert(300, "Z1,x,,,,,\r\n\r\n"), true},
		{"CRLF header", replace(0, strings.Replace(string(lines[0]), "\n", "\r\n", 1)), true},
		{"CR alone at the end", append(bytes.Clone(data), '\r'), true},
		{"CRLF lines before the header", append([]byte("\r\n\r\n"), data...), true},
		{"CR CR LF", insert(300, "Z1,x,,,,,\r\r\n"), false},
		{"CR inside a line", insert(300, "Z1,x\ry,,,,,\n"), false},
		{"CR line", insert(300, "\r\r\n"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readCSVSlow(tt.data, KindPremises, Options{})
			require.Equal(t, tt.good, err == nil, "%v", err)
			accepted := requireFastAgrees(t, tt.data, KindPremises, Options{})
			require.Equal(t, tt.good && plainCSV(tt.data), accepted)
			requireFastAgrees(t, tt.data, KindPremises, Options{Encoding: EncodingUTF8})
			requireFastAgrees(t, tt.data, KindPremises, Options{Strict: true})
			requireFastAgrees(t, tt.data, KindConflicts, Options{})
		})
	}
}

// TestReadCSVFastDeclineQuiet: a warning found before the fast path
// declines (a duplicate id, found last) reaches Options.Warn once, from
// the slow path.
func TestReadCSVFastDeclineQuiet(t *testing.T) {
	in := "id,name\n" + badUSCC + ",x\nA1,y\nA1,z\n"
	var n int
	_, ok := readCSVFast([]byte(in), KindPremises, Options{Warn: func(*RowError) { n++ }}, 2)
	require.False(t, ok)
	require.Zero(t, n)
	_, err := ReadCSV(strings.NewReader(in), KindPremises, Options{Warn: func(*RowError) { n++ }})
	requireOne(t, err, "", want{ErrDuplicateID, 4, 1, "id", "A1"})
	require.Equal(t, 1, n)
}

// TestReadCSVFastGate: ReadCSV takes the fast path from fastCSVMin bytes
// on, and builds the slow path's table; with one error at the end, its
// errors are the slow path's.
func TestReadCSVFastGate(t *testing.T) {
	small := countyCSV(t, 100)
	_, ok := tryCSVFast(small, KindPremises, Options{})
	require.False(t, ok)
	n := 100
	for len(countyCSV(t, n)) < fastCSVMin {
		n *= 2
	}
	big := countyCSV(t, n)
	got, ok := tryCSVFast(big, KindPremises, Options{})
	require.True(t, ok)
	tab, err := ReadCSV(bytes.NewReader(big), KindPremises, Options{})
	require.NoError(t, err)
	slow, err := readCSVSlow(big, KindPremises, Options{})
	require.NoError(t, err)
	require.Equal(t, slow.Rows(), tab.Rows())
	require.Equal(t, slow.Rows(), got.Rows())
	require.Equal(t, slow.Warnings, tab.Warnings)
	require.Equal(t, slow.Root(), tab.Root())

	bad := append(bytes.Clone(big), "Z1,a\x01b,,,,,\n"...)
	_, err = ReadCSV(bytes.NewReader(bad), KindPremises, Options{File: "p.csv"})
	_, werr := readCSVSlow(bad, KindPremises, Options{File: "p.csv"})
	require.Error(t, werr)
	require.Equal(t, werr.Error(), err.Error())
	requireOne(t, err, "p.csv", want{ErrBadValue, n + 2, 2, "name", "a\x01b"})
}

// TestReadCSVFastFuzzCorpus: the fast path against the slow path on every
// input of FuzzReadCSV's corpus, as each kind.
func TestReadCSVFastFuzzCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzReadCSV")
	files, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.NotEmpty(t, files)
	accepted := 0
	for _, f := range files {
		t.Run(f.Name(), func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, f.Name()))
			require.NoError(t, err)
			data := corpusBytes(t, raw)
			accepted += requireFastAgreesAll(t, data)
		})
	}
	require.NotZero(t, accepted)
}

// corpusBytes returns the []byte argument of a "go test fuzz v1" file.
func corpusBytes(t *testing.T, raw []byte) []byte {
	lines := strings.Split(string(raw), "\n")
	require.Equal(t, "go test fuzz v1", lines[0])
	for _, l := range lines[1:] {
		if s, ok := strings.CutPrefix(l, "[]byte("); ok {
			s, ok = strings.CutSuffix(s, ")")
			require.True(t, ok, l)
			v, err := strconv.Unquote(s)
			require.NoError(t, err, l)
			return []byte(v)
		}
	}
	require.Fail(t, "no []byte argument")
	return nil
}

// plainTextByRune is plainText written plainly, rune by rune.
func plainTextByRune(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\r':
			if i+1 < len(s) && s[i+1] != '\n' {
				return false
			}
		case c < 0x20 && c != '\n', c == 0x7f:
			return false
		}
	}
	return true
}

// TestPlainText puts every byte value, and characters of every length,
// at every offset of the eight-byte words plainText reads.
func TestPlainText(t *testing.T) {
	var cases []string
	for b := range 256 {
		for off := range 17 {
			cases = append(cases, strings.Repeat("a", off)+string([]byte{byte(b)})+strings.Repeat("b", 16-off))
		}
	}
	for _, r := range []string{"é", "华", "😀", "\xe5\x8d", "\xed\xa0\x80", "\r\n", "\r", "\n\r", "\x7f", "\x1f", " "} {
		for off := range 17 {
			cases = append(cases, strings.Repeat("x", off)+r, strings.Repeat("x", off)+r+"yyyyyyyyy")
		}
	}
	cases = append(cases, "", "\r", "a\r", "\n", "12345678\r", "1234567\r\n", "华盛0号宾馆,371727001\n")
	for _, s := range cases {
		require.Equal(t, plainTextByRune(s), plainText(s), "%q", s)
	}
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"", "abc,def\n", "华盛\r\n", "a\x00b", "12345678\x7f", "\xff", "0123456\xe5\x8d\x8e"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if plainTextByRune(s) != plainText(s) {
			t.Fatalf("plainText(%q) = %v", s, plainText(s))
		}
	})
}

// TestMergeRuns merges sorted runs (some empty, some already in order
// one after another, ids repeated across runs with other lines) and
// checks the result against one sort.
func TestMergeRuns(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, runs := range []int{1, 2, 3, 5, 8} {
		for trial := range 20 {
			var rows []Row
			var ends []int
			for range runs {
				run := make([]Row, rng.IntN(40))
				for i := range run {
					run[i] = Row{ID: fmt.Sprintf("P%03d", rng.IntN(60)), Line: rng.IntN(1000)}
					if trial%4 == 0 { // runs in order one after another
						run[i].ID = fmt.Sprintf("P%03d-%03d", len(ends), rng.IntN(60))
					}
				}
				slices.SortFunc(run, compareRowsLines)
				rows = append(rows, run...)
				ends = append(ends, len(rows))
			}
			want := slices.Clone(rows)
			slices.SortFunc(want, compareRowsLines)
			require.Equal(t, want, mergeRuns(rows, ends), "%d runs, trial %d", runs, trial)
		}
	}
}

// sortRows orders rows as slices.SortFunc with compareRowsLines does:
// ids sharing their first 16 bytes or more, ids that are prefixes of
// others, repeated ids on different lines.
func TestSortRowsCompactKeys(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	prefixes := []string{"", "91371727MA", "91371727MA1234567", "91371727MA12345678", "a", "ab"}
	var rows []Row
	for i := range 5000 {
		id := prefixes[r.IntN(len(prefixes))]
		for range r.IntN(8) {
			id += string(rune('0' + r.IntN(3)))
		}
		if id == "" {
			id = "z"
		}
		rows = append(rows, Row{ID: id, Line: i + 2})
	}
	r.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	want := slices.Clone(rows)
	slices.SortFunc(want, compareRowsLines)
	sortRows(rows)
	require.Equal(t, want, rows)
}
