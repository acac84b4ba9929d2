package roster

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"math"
	"runtime"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
	"unsafe"
)

// The fast path of ReadCSV: plain input (UTF-8, no quote) split at
// newlines into one chunk per worker, each chunk's rows built and checked
// on its own goroutine. It only ever accepts: on any
// problem at all (a field count, a bad name or value, a duplicate id, bytes
// that are not UTF-8) it declines, and ReadCSV reads the input again on the
// slow path, which finds and reports the problems. So errors always come
// from the slow path, and a table from the fast path is the one the slow
// path would have built: same rows in the same order, same lines, same
// warnings.
//
// Without '"', encoding/csv reads a line (CRLF read as LF, see cutLine) as
// one record whose fields are the line split at ',', skips empty lines
// (counting them in line numbers) and needs the header's number of fields
// on every line; the fast path does the same.

// fastCSVMin is the input size from which ReadCSV tries the fast path;
// smaller inputs (and every error test) go straight to the slow path.
const fastCSVMin = 1 << 20

// fastCSVCheckEvery is how many rows a worker builds between looks at
// whether another worker has already declined.
const fastCSVCheckEvery = 1024

// readCSVFast reads data as ReadCSV would, on up to chunks goroutines, or
// returns false when the input is not plain or has any problem. opt is
// ReadCSV's (before the encoding is detected).
//
// The table's ids and values are cut from one string that shares data's
// memory, rather than copied field by field (a million small strings
// cost more time, memory and garbage collection than the file): data
// must not be written to afterwards. ReadCSV's buffer is its own.
func readCSVFast(data []byte, kind Kind, opt Options, chunks int) (*Table, bool) {
	if opt.Encoding != EncodingAuto && opt.Encoding != EncodingUTF8 {
		return nil, false
	}
	// With EncodingAuto, a byte order mark means UTF-8; without one, the
	// input is UTF-8 only when all of it is valid UTF-8, which the
	// workers check (each chunk ends at a newline, so no character is
	// cut). With EncodingUTF8, bytes that are not UTF-8 are errors.
	data = bytes.TrimPrefix(data, bom)
	if bytes.IndexByte(data, '"') >= 0 {
		return nil, false
	}
	// The header is the first line that is not empty.
	headerLine := 1
	var head, body []byte
	for {
		if len(data) == 0 {
			return nil, false // no header: the slow path reports it
		}
		head, data = cutLine(data)
		if len(head) > 0 {
			break
		}
		headerLine++
	}
	body = data
	if !utf8.Valid(head) {
		return nil, false
	}
	header := splitHeader(head)
	idCol, order, ok := checkFastHeader(header, kind)
	if !ok || headerNeedsMapping(kind, header, opt.Columns) {
		return nil, false // the slow path maps the header
	}

	// Chunks of about equal size, each ending just after a newline (or
	// at the end of the input).
	chunks = max(1, min(chunks, len(body)/64+1))
	bounds := make([]int, 0, chunks+1)
	bounds = append(bounds, 0)
	for k := 1; k < chunks; k++ {
		at := max(bounds[len(bounds)-1], len(body)/chunks*k)
		i := bytes.IndexByte(body[at:], '\n')
		if i < 0 {
			break
		}
		bounds = append(bounds, at+i+1)
	}
	bounds = append(bounds, len(body))
	n := len(bounds) - 1

	text := unsafe.String(unsafe.SliceData(body), len(body))

	// Pass one: the lines of each chunk (a line per newline, and one
	// more for text after the last newline), so that each chunk knows
	// its first line number and where its rows go.
	lines := make([]int, n)
	parallel(n, func(k int) {
		c := body[bounds[k]:bounds[k+1]]
		lines[k] = bytes.Count(c, []byte{'\n'})
		if len(c) > 0 && c[len(c)-1] != '\n' {
			lines[k]++
		}
	})
	starts := make([]int, n+1) // index of the chunk's first line in body
	for k := range n {
		starts[k+1] = starts[k] + lines[k]
	}

	// Pass two: the rows, each chunk's written at its lines' places
	// (empty lines leave holes, closed up below).
	rows := make([]Row, starts[n])
	counts := make([]int, n)
	dates := make([]int, n)
	warns := make([][]*RowError, n)
	var failed atomic.Bool
	// v1 leaf hashes, by line, hashed while each row is at hand (in file
	// order, its text in cache) rather than in a later pass in id order.
	var leaves []Hash
	if opt.Protocol != ProtocolV2 {
		leaves = make([]Hash, starts[n])
	}
	parallel(n, func(k int) {
		var tb TreeBuilder
		w := newFastWorker(kind, opt, header, idCol, order)
		c := text[bounds[k]:bounds[k+1]]
		if !plainText(c) {
			failed.Store(true)
			return
		}
		// The chunk's attributes in one allocation: a line has at most
		// one per column but the id's, and row wants room for every
		// field of a line before it reads one.
		w.s.attrs = make([]Attr, 0, lines[k]*len(order)+len(header)-len(order))
		out := rows[starts[k]:starts[k+1]]
		line := headerLine + 1 + starts[k]
		m := 0
		for len(c) > 0 {
			if m%fastCSVCheckEvery == 0 && failed.Load() {
				return
			}
			var text string
			text, c = cutLineString(c)
			if len(text) > 0 {
				r, ok := w.row(line, text)
				if !ok {
					failed.Store(true)
					return
				}
				if leaves != nil {
					tb.buf = r.AppendLeaf(append(tb.buf[:0], 0))
					leaves[line-headerLine-1] = tb.sum()
				}
				out[m] = r
				m++
			}
			line++
		}
		// Each chunk sorts its own rows; the runs are merged below.
		if !slices.IsSortedFunc(out[:m], compareRowsLines) {
			sortRows(out[:m])
		}
		counts[k] = m
		dates[k] = w.s.dates
		warns[k] = w.warns
	})
	if failed.Load() {
		return nil, false
	}
	total := counts[0]
	ends := []int{total}
	for k := 1; k < n; k++ {
		total += copy(rows[total:], rows[starts[k]:starts[k]+counts[k]])
		ends = append(ends, total)
	}
	clear(rows[total:])
	rows = mergeRuns(rows[:total], ends)

	var all []*RowError
	for _, ws := range warns {
		all = append(all, ws...)
	}
	errs := newErrorList(opt)
	t, err := buildTable(kind, rows, all, header, opt, &errs)
	if err != nil {
		return nil, false // duplicate ids
	}
	src := &tableSource{format: "csv", encoding: EncodingUTF8, columns: make([]ColumnReport, len(header))}
	for i, h := range header {
		src.columns[i] = ColumnReport{Column: i + 1, Header: h, Name: h}
	}
	for _, d := range dates {
		src.dates += d
	}
	t.source = src
	t.fileLeaves, t.leafBase = leaves, headerLine+1
	// Warnings reach Options.Warn only now that the table stands, so
	// that a decline does not report them twice.
	if opt.Warn != nil {
		for _, e := range all {
			opt.Warn(e)
		}
	}
	return t, true
}

// mergeRuns returns rows in compareRowsLines order, given runs that are
// each in that order and end at ends (the last is len(rows)). Runs
// already in order one after the other (a file written in id order) cost
// one comparison each; otherwise pairs of runs are merged, side by side,
// into a second slice, round after round.
func mergeRuns(rows []Row, ends []int) []Row {
	ordered := true
	for k := 0; k+1 < len(ends); k++ {
		if ends[k] > 0 && ends[k] < len(rows) && compareRowsLines(rows[ends[k]-1], rows[ends[k]]) > 0 {
			ordered = false
			break
		}
	}
	if ordered {
		return rows
	}
	src, dst := rows, make([]Row, len(rows))
	for len(ends) > 1 {
		next := make([]int, 0, (len(ends)+1)/2)
		var wg sync.WaitGroup
		lo := 0
		for k := 0; k < len(ends); k += 2 {
			if k+1 == len(ends) {
				copy(dst[lo:], src[lo:ends[k]])
				next = append(next, ends[k])
				break
			}
			a, b, c := lo, ends[k], ends[k+1]
			wg.Go(func() { mergeTwo(dst[a:c], src[a:b], src[b:c]) })
			next = append(next, c)
			lo = c
		}
		wg.Wait()
		src, dst, ends = dst, src, next
	}
	return src
}

// mergeTwo merges the ordered a and b into out (len(a)+len(b) long).
func mergeTwo(out, a, b []Row) {
	i, j, k := 0, 0, 0
	for i < len(a) && j < len(b) {
		if compareRowsLines(b[j], a[i]) < 0 {
			out[k] = b[j]
			j++
		} else {
			out[k] = a[i]
			i++
		}
		k++
	}
	k += copy(out[k:], a[i:])
	copy(out[k:], b[j:])
}

// cutLine returns the first line of data as encoding/csv reads it, and
// the rest: the line ends at '\n' (not part of it) or at the end of data,
// and a '\r' just before that end is dropped, so that CRLF line ends read
// as LF. Any other '\r' stays in the text (and is a control character in
// a field).
func cutLine(data []byte) (line, rest []byte) {
	line, rest, _ = bytes.Cut(data, []byte{'\n'})
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, rest
}

// cutLineString is cutLine on a string.
func cutLineString(data string) (line, rest string) {
	line, rest, _ = strings.Cut(data, "\n")
	if n := len(line); n > 0 && line[n-1] == '\r' {
		line = line[:n-1]
	}
	return line, rest
}

// plainText reports whether s is valid UTF-8 without control characters
// (U+0000–U+001F, U+007F) but for '\n' and a '\r' just before a '\n' or
// at the end (where cutLine drops it; a chunk that does not end in '\n'
// ends the input): text whose rows need no check of their characters.
// It looks at eight bytes at a time, and at each byte only in a word that
// holds a byte outside 0x20..0x7E.
func plainText(s string) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	i := 0
	for i < len(s) {
		if i+8 <= len(s) {
			w := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
				uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
			// With no byte ≥ 0x80, a byte < 0x20 borrows into its own
			// high bit, and so does a byte 0x7F once xored to 0.
			del := w ^ 0x7f*ones
			if w&highs == 0 && (w-0x20*ones)&^w&highs == 0 && (del-ones)&^del&highs == 0 {
				i += 8
				continue
			}
		}
		// Byte by byte to the end of this word (a character may run past it).
		for end := min(i+8, len(s)); i < end; {
			c := s[i]
			switch {
			case c >= utf8.RuneSelf:
				r, n := utf8.DecodeRuneInString(s[i:])
				if r == utf8.RuneError && n == 1 {
					return false
				}
				i += n
				continue
			case c == '\r':
				if i+1 < len(s) && s[i+1] != '\n' {
					return false
				}
			case c < 0x20 && c != '\n', c == 0x7f:
				return false
			}
			i++
		}
	}
	return true
}

// parallel runs f(0) … f(n-1), each on its own goroutine but the last.
func parallel(n int, f func(k int)) {
	var wg sync.WaitGroup
	for k := range n - 1 {
		wg.Go(func() { f(k) })
	}
	f(n - 1)
	wg.Wait()
}

// splitHeader returns the column names of a header line.
func splitHeader(head []byte) []string {
	header := make([]string, 0, bytes.Count(head, []byte{','})+1)
	for f := range bytes.SplitSeq(head, []byte{','}) {
		header = append(header, string(f))
	}
	return header
}

// checkFastHeader checks the column names as the slow path does, returning
// the id column (-1 when none) and the other columns in the order of
// their names, so that a row's attributes come out sorted.
func checkFastHeader(header []string, kind Kind) (idCol int, order []int, ok bool) {
	idCol = -1
	seen := make(map[string]bool, len(header))
	for i, name := range header {
		if ValidName(name) != nil || seen[name] {
			return 0, nil, false
		}
		seen[name] = true
		if name == "id" {
			idCol = i
		} else {
			order = append(order, i)
		}
	}
	if idCol < 0 && kind != KindConflicts {
		return 0, nil, false
	}
	slices.SortFunc(order, func(a, b int) int {
		if header[a] < header[b] {
			return -1
		}
		return 1 // names are unique
	})
	return idCol, order, true
}

// fastWorker builds and checks the rows of one chunk.
type fastWorker struct {
	s     *csvScanner
	order []int
	ends  []int // the end of each field of the line being read
	bad   bool
	warns []*RowError
}

func newFastWorker(kind Kind, opt Options, header []string, idCol int, order []int) *fastWorker {
	opt.Warn = nil // warnings are collected, and passed on by readCSVFast
	w := &fastWorker{order: order, ends: make([]int, len(header))}
	w.s = newCSVScanner(nil, kind, opt)
	w.s.header = header
	w.s.idCol = idCol
	w.s.check.plain = true
	w.s.report = func(e *RowError, warn bool) {
		if warn {
			w.warns = append(w.warns, e)
		} else {
			w.bad = true
		}
	}
	return w
}

// row builds and checks the row of one line as csvScanner.row does; false
// means the line has a problem. The row's strings are parts of text.
func (w *fastWorker) row(line int, text string) (Row, bool) {
	s := w.s
	// Split at commas: exactly one field per column.
	nf := 0
	for i := 0; ; {
		j := strings.IndexByte(text[i:], ',')
		if nf == len(w.ends) {
			return Row{}, false // too many fields
		}
		if j < 0 {
			w.ends[nf] = len(text)
			nf++
			break
		}
		w.ends[nf] = i + j
		nf++
		i += j + 1
	}
	if nf != len(w.ends) {
		return Row{}, false // too few fields
	}
	field := func(i int) string {
		start := 0
		if i > 0 {
			start = w.ends[i-1] + 1
		}
		return text[start:w.ends[i]]
	}

	if n := len(w.ends); cap(s.attrs) < n || s.attrs == nil {
		s.attrs = make([]Attr, 0, max(attrChunk, n))
	}
	r := Row{Line: line, Attrs: s.attrs[:0]}
	if s.idCol >= 0 {
		r.ID = field(s.idCol)
	}
	for _, i := range w.order {
		if v := field(i); v != "" {
			r.Attrs = append(r.Attrs, Attr{s.header[i], v})
		}
	}
	r, bad := s.check.check(r, s.report)
	if bad || w.bad {
		return Row{}, false
	}
	n := len(r.Attrs)
	r.Attrs = r.Attrs[:n:n]
	s.attrs = s.attrs[n:n]
	return r, true
}

// tryCSVFast is the fast path as ReadCSV takes it: for inputs of at least
// fastCSVMin bytes, on GOMAXPROCS goroutines.
func tryCSVFast(data []byte, kind Kind, opt Options) (*Table, bool) {
	if len(data) < fastCSVMin {
		return nil, false
	}
	return readCSVFast(data, kind, opt, runtime.GOMAXPROCS(0))
}

// rowKey is a row's compact sort key: the first 16 bytes of its id, big
// endian and padded with zeros (an id holds no zero byte, so a shorter
// id sorts first, as by bytes), and its index.
type rowKey struct {
	hi, lo uint64
	i      uint32
}

func idKey(id string) (hi, lo uint64) {
	var b [16]byte
	copy(b[:], id)
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
}

// sortRows sorts rows by compareRowsLines, as slices.SortFunc would
// (rows are distinct in (id, line)), but by compact keys: a sort of
// 24-byte keys that compares two integers, and the ids themselves only
// where their first 16 bytes agree, then one pass that moves each row
// to its place. Comparing the rows' ids directly reads each one through
// its pointer, a cache miss on a large table not in id order.
func sortRows(rows []Row) {
	if uint64(len(rows)) > math.MaxUint32 {
		slices.SortFunc(rows, compareRowsLines)
		return
	}
	order := orderByID(len(rows), func(i int) string { return rows[i].ID }, func(a, b int) int { return cmp.Compare(rows[a].Line, rows[b].Line) })
	sorted := make([]Row, len(rows))
	for j, i := range order {
		sorted[j] = rows[i]
	}
	copy(rows, sorted)
}

// orderByID returns the indexes 0..n-1 in ascending order of id(i)
// bytes, ties broken by tie(a, b), sorting compact keys (see rowKey).
func orderByID(n int, id func(i int) string, tie func(a, b int) int) []uint32 {
	keys := make([]rowKey, n)
	for i := range n {
		hi, lo := idKey(id(i))
		keys[i] = rowKey{hi, lo, uint32(i)}
	}
	slices.SortFunc(keys, func(a, b rowKey) int {
		if a.hi != b.hi {
			return cmp.Compare(a.hi, b.hi)
		}
		if a.lo != b.lo {
			return cmp.Compare(a.lo, b.lo)
		}
		if c := strings.Compare(id(int(a.i)), id(int(b.i))); c != 0 {
			return c
		}
		return tie(int(a.i), int(b.i))
	})
	order := make([]uint32, n)
	for j, k := range keys {
		order[j] = k.i
	}
	return order
}
