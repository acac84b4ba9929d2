// Package floor is the floor program of the performance benchmarks: a
// draw of protocol v1 from a folder of CSV files that does only what the
// protocol must, and nothing a tool for people adds. It cuts and checks
// each line, hashes each leaf (in file order), sorts compact keys of the
// ids, builds the four roots, hashes the priorities of the premises in
// scope, ranks the strata, hashes Q(p, i) for each eligible inspector of
// each selected premises, staffs the teams and writes the selections, on
// every core, with plain crypto/sha256.
//
// It is not a second implementation to trust: it reads only well-formed
// files whose headers are attribute names (as the sample county writes
// them), refuses anything else, and keeps no error messages, reports,
// views or explanations. Its use is as a yardstick: the benchmarks of
// this package time the command-line draw beside it on the same files,
// and its tests check that it reproduces the draw's roots and selections.
package floor

import (
	"bytes"
	"cmp"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// Selection is one selected premises and its team.
type Selection struct {
	ID       string
	Priority uint64
	Mark     random.Mark
	// Eligible is |E(p)|; Team the member ids in the order added (nil
	// when unstaffed).
	Eligible int
	Team     []string
}

// Result is what the floor program computes.
type Result struct {
	Roots    roster.Roots
	Inputs   roster.Hash
	Key      random.Key
	Selected []Selection
}

// errBad is every refusal: the floor reads only well-formed files.
var errBad = errors.New("floor: input the floor program does not read")

// table is one CSV file: its text and, per row in file order, where the
// row and its id are, and its leaf hash.
type table struct {
	text   []byte
	header []string
	idCol  int   // -1: conflicts without an id column
	order  []int // the other columns, in name order
	rows   []rowRef
	leaves []roster.Hash
	// keys are the rows in id order.
	keys []key
}

type rowRef struct {
	start, end     uint32 // the line
	idStart, idLen uint32 // the id (idLen 0: derived, conflicts)
}

// key is a row's compact sort key: the first 16 bytes of its id, big
// endian, zero-padded (ids hold no zero byte), and the row.
type key struct {
	hi, lo uint64
	row    uint32
}

func compactKey(id string) (hi, lo uint64) {
	var b [16]byte
	copy(b[:], id)
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
}

// fields cuts a line into its fields, into ends.
func fields(line []byte, ends []int) bool {
	nf := 0
	for i := 0; ; {
		j := bytes.IndexByte(line[i:], ',')
		if nf == len(ends) {
			return false
		}
		if j < 0 {
			ends[nf] = len(line)
			nf++
			break
		}
		ends[nf] = i + j
		nf++
		i += j + 1
	}
	return nf == len(ends)
}

func field(line []byte, ends []int, i int) []byte {
	start := 0
	if i > 0 {
		start = ends[i-1] + 1
	}
	return line[start:ends[i]]
}

// plain reports whether a line is UTF-8 without control characters.
func plain(line []byte) bool {
	ascii := true
	for _, c := range line {
		if c < 0x20 || c == 0x7f {
			return false
		}
		if c >= 0x80 {
			ascii = false
		}
	}
	return ascii || utf8.Valid(line)
}

// lineEnds splits text into n parts ending at newlines.
func split(text []byte, n int) []int {
	bounds := []int{0}
	for k := 1; k < n; k++ {
		at := max(bounds[len(bounds)-1], len(text)/n*k)
		i := bytes.IndexByte(text[at:], '\n')
		if i < 0 {
			break
		}
		bounds = append(bounds, at+i+1)
	}
	return append(bounds, len(text))
}

func parallel(n int, f func(k int)) {
	var wg sync.WaitGroup
	for k := range n {
		wg.Go(func() { f(k) })
	}
	wg.Wait()
}

// readTable reads a CSV file: cuts and checks each line, hashes each
// leaf, and calls classify (when set) with each row's fields, on every
// core, then sorts the compact keys.
func readTable(name string, conflicts bool, workers int, size func(n int), classify func(w, row int, f func(col int) []byte)) (*table, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	if uint64(len(data)) >= 1<<32 {
		return nil, errBad
	}
	t := &table{text: data, idCol: -1}
	head, _, _ := bytes.Cut(data, []byte{'\n'})
	if len(head) == 0 || bytes.IndexByte(data, '"') >= 0 || bytes.IndexByte(data, '\r') >= 0 || !plain(head) {
		return nil, errBad
	}
	for h := range bytes.SplitSeq(head, []byte{','}) {
		t.header = append(t.header, string(h))
	}
	for i, h := range t.header {
		if h == "id" {
			t.idCol = i
		} else {
			t.order = append(t.order, i)
		}
	}
	if t.idCol < 0 && !conflicts {
		return nil, errBad
	}
	slices.SortFunc(t.order, func(a, b int) int { return strings.Compare(t.header[a], t.header[b]) })
	body := len(head) + 1
	if body > len(data) {
		body = len(data)
	}
	n := bytes.Count(data[body:], []byte{'\n'})
	if len(data) > body && data[len(data)-1] != '\n' {
		n++
	}
	t.rows = make([]rowRef, 0, n)
	t.leaves = make([]roster.Hash, n)
	t.keys = make([]key, n)
	bounds := split(data[body:], workers)
	parts := len(bounds) - 1
	// Rows per part first, so that each writes its own places.
	counts := make([]int, parts+1)
	parallel(parts, func(k int) {
		c := data[body+bounds[k] : body+bounds[k+1]]
		counts[k+1] = bytes.Count(c, []byte{'\n'})
		if len(c) > 0 && c[len(c)-1] != '\n' {
			counts[k+1]++
		}
	})
	for k := range parts {
		counts[k+1] += counts[k]
	}
	t.rows = t.rows[:n]
	if size != nil {
		size(n)
	}
	failed := make([]bool, parts)
	parallel(parts, func(k int) {
		ends := make([]int, len(t.header))
		buf := make([]byte, 0, 512)
		var id []byte
		i := counts[k]
		for at := body + bounds[k]; at < body+bounds[k+1]; {
			end := bytes.IndexByte(data[at:], '\n')
			if end < 0 {
				end = len(data)
			} else {
				end += at
			}
			line := data[at:end]
			if len(line) == 0 || !plain(line) || !fields(line, ends) || len(line) > 1<<20 {
				failed[k] = true
				return
			}
			t.rows[i] = rowRef{start: uint32(at), end: uint32(end)}
			// The leaf: lp(id) || u32(m) || lp(name) || lp(value) ….
			buf = append(buf[:0], 0, 0, 0, 0, 0)
			if t.idCol >= 0 {
				id = field(line, ends, t.idCol)
				buf = append(buf, id...)
				off := 0
				if t.idCol > 0 {
					off = ends[t.idCol-1] + 1
				}
				t.rows[i].idStart, t.rows[i].idLen = uint32(at+off), uint32(len(id))
			} else {
				// conflicts: inspector + " " + premises
				ins, pre := t.get(line, ends, "inspector"), t.get(line, ends, "premises")
				id = append(append(append(id[:0], ins...), ' '), pre...)
				buf = append(buf, id...)
			}
			if len(id) == 0 || len(id) > roster.MaxNameLen || id[0] == ' ' || id[len(id)-1] == ' ' {
				failed[k] = true
				return
			}
			binary.BigEndian.PutUint32(buf[1:], uint32(len(id)))
			m := len(buf)
			buf = append(buf, 0, 0, 0, 0)
			attrs := 0
			for _, c := range t.order {
				v := field(line, ends, c)
				if len(v) == 0 {
					continue
				}
				if len(v) > roster.MaxValueLen {
					failed[k] = true
					return
				}
				attrs++
				buf = binary.BigEndian.AppendUint32(buf, uint32(len(t.header[c])))
				buf = append(buf, t.header[c]...)
				buf = binary.BigEndian.AppendUint32(buf, uint32(len(v)))
				buf = append(buf, v...)
			}
			binary.BigEndian.PutUint32(buf[m:], uint32(attrs))
			t.leaves[i] = sha256.Sum256(buf)
			hi, lo := compactKey(string(id))
			t.keys[i] = key{hi, lo, uint32(i)}
			if classify != nil {
				classify(k, i, func(col int) []byte { return field(line, ends, col) })
			}
			i++
			at = end + 1
		}
		// Each part sorts its keys; the parts are merged below.
		slices.SortFunc(t.keys[counts[k]:counts[k+1]], t.compare)
	})
	if slices.Contains(failed, true) {
		return nil, errBad
	}
	t.keys = mergeKeys(t.keys, counts, t.compare)
	for j := 1; j < len(t.keys); j++ {
		if t.compare(t.keys[j-1], t.keys[j]) >= 0 {
			return nil, errBad // a repeated id
		}
	}
	return t, nil
}

// mergeKeys merges the sorted runs keys[ends[k]:ends[k+1]].
func mergeKeys(keys []key, ends []int, cmp func(a, b key) int) []key {
	for len(ends) > 2 {
		out := make([]key, len(keys))
		var next []int
		var wg sync.WaitGroup
		for k := 0; k+1 < len(ends); k += 2 {
			lo := ends[k]
			if k+2 >= len(ends) {
				copy(out[lo:], keys[lo:ends[k+1]])
				next = append(next, lo)
				break
			}
			mid, hi := ends[k+1], ends[k+2]
			next = append(next, lo)
			wg.Go(func() {
				a, b, o := keys[lo:mid], keys[mid:hi], out[lo:hi]
				i, j, n := 0, 0, 0
				for i < len(a) && j < len(b) {
					if cmp(b[j], a[i]) < 0 {
						o[n] = b[j]
						j++
					} else {
						o[n] = a[i]
						i++
					}
					n++
				}
				n += copy(o[n:], a[i:])
				copy(o[n:], b[j:])
			})
		}
		wg.Wait()
		keys, ends = out, append(next, len(keys))
	}
	return keys
}

func (t *table) get(line []byte, ends []int, name string) []byte {
	for i, h := range t.header {
		if h == name {
			return field(line, ends, i)
		}
	}
	return nil
}

func (t *table) line(row int) []byte {
	r := t.rows[row]
	return t.text[r.start:r.end]
}

// id returns the id of a row (cut again from its line).
func (t *table) id(row int) string {
	if r := t.rows[row]; r.idLen > 0 {
		return unsafe.String(&t.text[r.idStart], int(r.idLen))
	}
	line := t.line(row)
	ends := make([]int, len(t.header))
	fields(line, ends)
	if t.idCol >= 0 {
		return string(field(line, ends, t.idCol))
	}
	return string(t.get(line, ends, "inspector")) + " " + string(t.get(line, ends, "premises"))
}

func (t *table) compare(a, b key) int {
	if c := cmp.Compare(a.hi, b.hi); c != 0 {
		return c
	}
	if c := cmp.Compare(a.lo, b.lo); c != 0 {
		return c
	}
	if a.row == b.row {
		return 0
	}
	return strings.Compare(t.id(int(a.row)), t.id(int(b.row)))
}

// Row returns a row as a roster.Row (for the few rows whose rules the
// floor checks: inspectors and selected premises).
func (t *table) Row(row int) roster.Row {
	line := t.line(row)
	ends := make([]int, len(t.header))
	fields(line, ends)
	r := roster.Row{}
	if t.idCol >= 0 {
		r.ID = string(field(line, ends, t.idCol))
	}
	for _, c := range t.order {
		if v := field(line, ends, c); len(v) > 0 {
			r.Attrs = append(r.Attrs, roster.Attr{Name: t.header[c], Value: string(v)})
		}
	}
	return r
}

// root builds the table's root over its leaves in id order, chunks of
// 8,192 leaves on every core.
func (t *table) root(workers int) roster.Hash {
	const chunk = 1 << 13
	n := len(t.keys)
	chunks := (n + chunk - 1) / chunk
	roots := make([]roster.Hash, chunks)
	parallel(workers, func(w int) {
		for c := w; c < chunks; c += workers {
			var b roster.TreeBuilder
			for _, k := range t.keys[c*chunk : min(n, (c+1)*chunk)] {
				b.AddLeafHash(t.leaves[k.row])
			}
			roots[c] = b.Root()
		}
	})
	var b roster.TreeBuilder
	for _, r := range roots {
		b.AddLeafHash(r)
	}
	return b.Root()
}

// position returns the position in id order of the row with the id.
func (t *table) position(id string) int {
	hi, lo := compactKey(id)
	i := sort(len(t.keys), func(j int) bool {
		k := t.keys[j]
		if k.hi != hi {
			return k.hi > hi
		}
		if k.lo != lo {
			return k.lo > lo
		}
		return t.id(int(k.row)) >= id
	})
	if i < len(t.keys) && t.id(int(t.keys[i].row)) == id {
		return i
	}
	return -1
}

func sort(n int, f func(int) bool) int {
	lo, hi := 0, n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if !f(m) {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// Draw runs the floor program on the folder dir (plan.json and the four
// CSV files) and writes the selections to w (one line each: id, mark,
// priority, team).
func Draw(dir string, seed []byte, w io.Writer) (*Result, error) {
	workers := runtime.GOMAXPROCS(0)
	plan, err := random.LoadPlan(filepath.Join(dir, "plan.json"))
	if err != nil {
		return nil, err
	}
	res := &Result{}

	// The premises: in scope and stratum of each row, in file order,
	// found while the rows are cut and hashed.
	hdr, err := readHeader(filepath.Join(dir, "premises.csv"))
	if err != nil {
		return nil, err
	}
	local := make([]map[string]int32, workers)
	localValues := make([][]string, workers)
	keyBufs := make([][]byte, workers)
	for k := range local {
		local[k] = map[string]int32{}
	}
	var stratum []int32 // per row: worker << 24 | its stratum; -1 out of scope
	scopeCols := make([]int, len(plan.Scope))
	stratCols := make([]int, len(plan.Stratify))
	statusCol := slices.Index(hdr, roster.AttrStatus)
	for i, s := range plan.Scope {
		scopeCols[i] = slices.Index(hdr, s.Attr)
	}
	for i, a := range plan.Stratify {
		stratCols[i] = slices.Index(hdr, a)
	}
	prem, err := readTable(filepath.Join(dir, "premises.csv"), false, workers, func(n int) { stratum = make([]int32, n) },
		func(k, i int, f func(int) []byte) {
			get := func(c int) []byte {
				if c < 0 {
					return nil
				}
				return f(c)
			}
			stratum[i] = -1
			if s := get(statusCol); string(s) == "inactive" || string(s) == "closed" {
				return
			}
			for j, s := range plan.Scope {
				if !slices.Contains(s.Values, string(get(scopeCols[j]))) {
					return
				}
			}
			kb := keyBufs[k][:0]
			for _, c := range stratCols {
				kb = append(append(kb, get(c)...), 0)
			}
			keyBufs[k] = kb
			s, ok := local[k][string(kb)]
			if !ok {
				s = int32(len(localValues[k]))
				local[k][string(kb)] = s
				localValues[k] = append(localValues[k], string(kb))
			}
			stratum[i] = int32(k)<<24 | s
		})
	if err != nil {
		return nil, fmt.Errorf("premises: %w", err)
	}

	insp, err := readTable(filepath.Join(dir, "inspectors.csv"), false, 1, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("inspectors: %w", err)
	}
	conf, err := readTable(filepath.Join(dir, "conflicts.csv"), true, 1, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("conflicts: %w", err)
	}
	// History: the date and premises of each row.
	var hist *table
	histName := filepath.Join(dir, "history.csv")
	hdr, err = readHeader(histName)
	if err != nil {
		return nil, err
	}
	hDate, hPrem := slices.Index(hdr, roster.AttrDate), slices.Index(hdr, roster.AttrPremises)
	var dates []roster.Date
	var refs []key // premises id of each history row, with the row
	bad := make([]bool, workers)
	hist, err = readTable(histName, false, workers, func(n int) { dates = make([]roster.Date, n); refs = make([]key, n) },
		func(k, row int, f func(int) []byte) {
			d, err := roster.ParseDate(string(f(hDate)))
			if err != nil {
				bad[k] = true
			}
			dates[row] = d
			hi, lo := compactKey(string(f(hPrem)))
			refs[row] = key{hi, lo, uint32(row)}
		})
	if err != nil {
		return nil, fmt.Errorf("history: %w", err)
	}
	if slices.Contains(bad, true) {
		return nil, fmt.Errorf("history: %w", errBad)
	}

	// Roots, inputs, key.
	res.Roots = roster.Roots{Premises: prem.root(workers), Inspectors: insp.root(1), Conflicts: conf.root(1), History: hist.root(workers)}
	res.Inputs = res.Roots.Inputs(plan.Digest())
	if res.Key, err = random.NewKey(seed, res.Inputs); err != nil {
		return nil, err
	}

	// History of each premises (by position in id order): sort the
	// references and walk them beside the premises keys.
	histPrem := func(h int) string {
		line := hist.line(h)
		ends := make([]int, len(hist.header))
		fields(line, ends)
		return string(field(line, ends, hPrem))
	}
	refCmp := func(a, b key) int {
		if c := cmp.Compare(a.hi, b.hi); c != 0 {
			return c
		}
		if c := cmp.Compare(a.lo, b.lo); c != 0 {
			return c
		}
		if c := strings.Compare(histPrem(int(a.row)), histPrem(int(b.row))); c != 0 {
			return c
		}
		return cmp.Compare(a.row, b.row)
	}
	slices.SortFunc(refs, refCmp)
	np := len(prem.keys)
	histStart := make([]int32, np+1)
	{
		j := 0
		for p := range np {
			histStart[p] = int32(j)
			pk := prem.keys[p]
			for j < len(refs) && (refs[j].hi < pk.hi || refs[j].hi == pk.hi && refs[j].lo < pk.lo) {
				j++ // names no premises: NewSet would refuse
			}
			if j < len(refs) && refs[j].hi == pk.hi && refs[j].lo == pk.lo {
				id := prem.id(int(pk.row))
				for j < len(refs) && refs[j].hi == pk.hi && refs[j].lo == pk.lo && histPrem(int(refs[j].row)) == id {
					j++
				}
			}
		}
		histStart[np] = int32(j)
	}
	within := func(p int, days int) int {
		n := 0
		for _, r := range refs[histStart[p]:histStart[p+1]] {
			if dates[r.row].Within(plan.Date, days) {
				n++
			}
		}
		return n
	}

	// Strata in value order.
	var all []string
	for k := range localValues {
		all = append(all, localValues[k]...)
	}
	slices.Sort(all)
	all = slices.Compact(all)
	remap := make([][]int32, workers)
	for k := range localValues {
		for _, v := range localValues[k] {
			i, _ := slices.BinarySearch(all, v)
			remap[k] = append(remap[k], int32(i))
		}
	}
	type ranked struct {
		notOverdue bool
		p          uint64
		pos        int32
	}
	strata := make([][]ranked, len(all))
	// Priorities and overdue, cooling, in id order on every core.
	type outcome struct {
		p        uint64
		overdue  bool
		cooling  bool
		selected bool
	}
	out := make([]outcome, np)
	parallel(workers, func(k int) {
		for p := np * k / workers; p < np*(k+1)/workers; p++ {
			row := prem.keys[p].row
			if stratum[row] < 0 {
				continue
			}
			o := &out[p]
			o.p = res.Key.Priority(prem.id(int(row)))
			if plan.Cooldown.On() {
				o.cooling = within(p, plan.Cooldown.Days) >= plan.Cooldown.Max
			}
			o.overdue = plan.CoverageDays > 0 && within(p, plan.CoverageDays) == 0
		}
	})
	for p := range np {
		s := stratum[prem.keys[p].row]
		if s < 0 || out[p].cooling {
			continue
		}
		g := remap[s>>24][s&(1<<24-1)]
		strata[g] = append(strata[g], ranked{!out[p].overdue, out[p].p, int32(p)})
	}
	var sel []Selection
	var selPos []int
	for g, list := range strata {
		slices.SortFunc(list, func(a, b ranked) int {
			if a.notOverdue != b.notOverdue {
				if a.notOverdue {
					return 1
				}
				return -1
			}
			return cmp.Or(cmp.Compare(a.p, b.p), cmp.Compare(a.pos, b.pos))
		})
		values := strings.Split(all[g], "\x00")
		values = values[:len(values)-1]
		quota := 0
		for _, q := range plan.Quotas {
			holds := true
			for _, c := range q.Match {
				i := slices.Index(plan.Stratify, c.Attr)
				if i < 0 || values[i] != c.Value {
					holds = false
					break
				}
			}
			if holds {
				quota = q.Size(len(list))
				break
			}
		}
		for _, r := range list[:quota] {
			mark := random.MarkRandom
			if !r.notOverdue {
				mark = random.MarkOverdue
			}
			out[r.pos].selected = true
			sel = append(sel, Selection{ID: prem.id(int(prem.keys[r.pos].row)), Priority: r.p, Mark: mark})
			selPos = append(selPos, int(r.pos))
		}
	}
	for _, t := range plan.Targeted {
		p := prem.position(t.ID)
		if p < 0 {
			return nil, errBad
		}
		if out[p].selected {
			continue
		}
		out[p].selected = true
		sel = append(sel, Selection{ID: t.ID, Priority: out[p].p, Mark: random.MarkTargeted})
		selPos = append(selPos, p)
	}

	// Teams.
	if err := staff(plan, res.Key, prem, insp, conf, hist, refs, histStart, dates, sel, selPos); err != nil {
		return nil, err
	}
	res.Selected = sel

	bw := make([]byte, 0, 1<<16)
	for _, s := range sel {
		bw = append(bw, s.ID...)
		bw = append(bw, ' ')
		bw = append(bw, s.Mark.String()...)
		bw = append(bw, ' ')
		bw = strconv.AppendUint(bw, s.Priority, 16)
		for _, m := range s.Team {
			bw = append(append(bw, ' '), m...)
		}
		bw = append(bw, '\n')
		if len(bw) > 1<<15 {
			if _, err := w.Write(bw); err != nil {
				return nil, err
			}
			bw = bw[:0]
		}
	}
	if _, err := w.Write(bw); err != nil {
		return nil, err
	}
	return res, nil
}

func readHeader(name string) ([]string, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b := make([]byte, 4096)
	n, _ := io.ReadFull(f, b)
	head, _, _ := bytes.Cut(b[:n], []byte{'\n'})
	return strings.Split(string(head), ","), nil
}
