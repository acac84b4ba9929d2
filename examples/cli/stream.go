package main

import (
	"bufio"
	"bytes"
	"container/heap"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"iter"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// draw --stream: the premises table is read from its CSV file in two
// passes (random.DrawStream) and never held in memory. The other three
// tables are read into memory as usual. A file in id order is read as it
// is; otherwise the first pass stops at the first row out of order and
// the command sorts the file itself, within --stream-mem bytes of rows
// in memory: runs of rows sorted by id are written to temporary files
// (removed at the end) and merged in each pass. The rows are checked
// when they are cut into runs (roster.ScanCSV, errors naming the file's
// own lines); a repeated id is found in the merge and named with both
// lines.

// defaultStreamMem is the default --stream-mem: the bytes of rows one
// run of the external sort holds.
const defaultStreamMem = 64 << 20

// runDrawStream is "draw --stream".
func runDrawStream(dir string, tf tableFlags, seed []byte, viewFile string, mem int64, tmp string, stdout io.Writer) error {
	opt, err := tf.options()
	if err != nil {
		return err
	}
	if mem < 1<<20 {
		return usagef("--stream-mem %d: want at least 1048576 bytes", mem)
	}
	plan, err := random.LoadPlan(filepath.Join(dir, "plan.json"))
	if err != nil {
		return err
	}
	premises := filepath.Join(dir, "premises.csv")
	if _, err := os.Stat(premises); err != nil {
		return fmt.Errorf("--stream reads the premises from %s: %w", premises, err)
	}
	var others [3]*roster.Table
	for i, k := range roster.Kinds[1:] {
		if others[i], err = readTableFile(dir, k, opt); err != nil {
			return err
		}
	}
	popt := opt
	popt.File = premises
	scan := func() iter.Seq2[roster.Row, error] {
		return func(yield func(roster.Row, error) bool) {
			f, err := os.Open(premises)
			if err != nil {
				yield(roster.Row{}, err)
				return
			}
			defer f.Close()
			for r, err := range roster.ScanCSV(bufio.NewReaderSize(f, 1<<20), roster.KindPremises, popt) {
				if !yield(r, err) {
					return
				}
			}
		}
	}
	ctx := context.Background()
	res, err := random.DrawStream(ctx, plan, random.RowSource{File: premises, Rows: scan}, others[0], others[1], others[2], seed, random.Options{})
	if err != nil && errors.Is(err, roster.ErrOrder) {
		// Not in id order: sort it, then draw from the sorted runs.
		runs, serr := sortRuns(scan, popt, mem, tmp)
		if serr != nil {
			return serr
		}
		defer runs.remove()
		res, err = random.DrawStream(ctx, plan, random.RowSource{File: premises, Rows: runs.rows}, others[0], others[1], others[2], seed, random.Options{})
	}
	if err != nil {
		return err
	}
	if done, err := writeView(viewFile, res.View().Encode, stdout); done || err != nil {
		return err
	}
	return printStreamSummary(stdout, res)
}

// readTableFile reads one of the tables other than the premises from
// dir, in any format LoadDir reads; a missing conflicts or history table
// is empty (nil).
func readTableFile(dir string, k roster.Kind, opt roster.Options) (*roster.Table, error) {
	var found []string
	for _, ext := range []string{".csv", ".xlsx", ".jsonl"} {
		name := filepath.Join(dir, k.String()+ext)
		if _, err := os.Stat(name); err == nil {
			found = append(found, name)
		}
	}
	switch {
	case len(found) > 1:
		return nil, fmt.Errorf("roster: %s exist; keep one", strings.Join(found, " and "))
	case len(found) == 0 && k == roster.KindInspectors:
		return nil, fmt.Errorf("roster: %s: %w", filepath.Join(dir, k.String()+".csv"), os.ErrNotExist)
	case len(found) == 0:
		return nil, nil
	}
	f, err := os.Open(found[0])
	if err != nil {
		return nil, err
	}
	defer f.Close()
	opt.File = found[0]
	switch filepath.Ext(found[0]) {
	case ".xlsx":
		return roster.ReadXLSX(f, k, opt)
	case ".jsonl":
		return roster.ReadJSONL(f, k, opt)
	}
	return roster.ReadCSV(f, k, opt)
}

// sortedRuns are the runs of an external sort of the premises rows.
type sortedRuns struct {
	file  string   // names the input in errors
	names []string // run files
	dir   string   // the temporary folder holding them
}

func (s *sortedRuns) remove() { os.RemoveAll(s.dir) }

// A run record: uvarint(line) uvarint(m) lp(id) then lp(name) lp(value)
// for the m attributes, lp being a uvarint length and the bytes.
func appendRecord(b []byte, r roster.Row) []byte {
	b = binary.AppendUvarint(b, uint64(r.Line))
	b = binary.AppendUvarint(b, uint64(len(r.Attrs)))
	b = appendLPString(b, r.ID)
	for _, a := range r.Attrs {
		b = appendLPString(b, a.Name)
		b = appendLPString(b, a.Value)
	}
	return b
}

func appendLPString(b []byte, s string) []byte {
	return append(binary.AppendUvarint(b, uint64(len(s))), s...)
}

// runReader reads the records of one run file in order.
type runReader struct {
	r   *bufio.Reader
	f   *os.File
	row roster.Row
	err error
}

func (rr *runReader) next() bool {
	line, err := binary.ReadUvarint(rr.r)
	if err != nil {
		if !errors.Is(err, io.EOF) {
			rr.err = err
		}
		return false
	}
	m, err := binary.ReadUvarint(rr.r)
	if err != nil || m > 1<<16 {
		rr.err = fmt.Errorf("sorted run: bad record")
		return false
	}
	str := func() string {
		n, err := binary.ReadUvarint(rr.r)
		if err != nil || n > 1<<20 {
			rr.err = fmt.Errorf("sorted run: bad record")
			return ""
		}
		b := make([]byte, n)
		if _, err := io.ReadFull(rr.r, b); err != nil {
			rr.err = err
		}
		return string(b)
	}
	r := roster.Row{Line: int(line), ID: str(), Attrs: make([]roster.Attr, m)}
	for i := range r.Attrs {
		r.Attrs[i].Name = str()
		r.Attrs[i].Value = str()
	}
	rr.row = r
	return rr.err == nil
}

// sortRuns reads every row of scan (checked by roster.ScanCSV) and
// writes them in runs sorted by id, each run at most mem bytes of
// records, into a new temporary folder under tmp ("" for the system's).
// Row errors are returned as ScanCSV reports them, up to the usual
// limit, and no run is kept.
func sortRuns(scan func() iter.Seq2[roster.Row, error], opt roster.Options, mem int64, tmp string) (_ *sortedRuns, err error) {
	dir, err := os.MkdirTemp(tmp, "doublerandom-sort-")
	if err != nil {
		return nil, err
	}
	s := &sortedRuns{file: opt.File, dir: dir}
	defer func() {
		if err != nil {
			s.remove()
		}
	}()
	var errs roster.ErrorList
	max := opt.MaxErrors
	if max <= 0 {
		max = roster.MaxErrors
	}
	var buf []byte
	type ref struct {
		id       string // a view into buf
		off, end int
	}
	var refs []ref
	flush := func() error {
		if len(refs) == 0 {
			return nil
		}
		slices.SortFunc(refs, func(a, b ref) int { return strings.Compare(a.id, b.id) })
		name := filepath.Join(dir, fmt.Sprintf("run-%06d", len(s.names)))
		f, err := os.Create(name)
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 1<<20)
		for _, r := range refs {
			w.Write(buf[r.off:r.end])
		}
		if err := w.Flush(); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
		s.names = append(s.names, name)
		buf, refs = buf[:0], refs[:0]
		return nil
	}
	for r, rerr := range scan() {
		if rerr != nil {
			var re *roster.RowError
			if !errors.As(rerr, &re) {
				return nil, rerr
			}
			if len(errs.Errs) < max {
				errs.Errs = append(errs.Errs, re)
			} else {
				errs.Omitted++
			}
			continue
		}
		if len(errs.Errs) > 0 {
			continue // only the errors matter now
		}
		if int64(len(buf))+int64(len(refs))*40 >= mem {
			if err := flush(); err != nil {
				return nil, err
			}
		}
		if buf == nil {
			// One buffer of the bound (or of the file, if smaller),
			// so that a run never grows past it by doubling.
			size := mem
			if fi, err := os.Stat(opt.File); err == nil && fi.Size()*2 < size {
				size = fi.Size() * 2
			}
			buf = make([]byte, 0, size)
		}
		off := len(buf)
		buf = appendRecord(buf, r)
		// The id's bytes within the record, for the sort.
		idAt := off + uvarintLen(uint64(r.Line)) + uvarintLen(uint64(len(r.Attrs))) + uvarintLen(uint64(len(r.ID)))
		refs = append(refs, ref{off: off, end: len(buf), id: string(buf[idAt : idAt+len(r.ID)])})
	}
	if len(errs.Errs) > 0 {
		return nil, &errs
	}
	return s, flush()
}

func uvarintLen(v uint64) int {
	var b [binary.MaxVarintLen64]byte
	return binary.PutUvarint(b[:], v)
}

// runHeap orders run readers by their current row's id.
type runHeap []*runReader

func (h runHeap) Len() int           { return len(h) }
func (h runHeap) Less(i, j int) bool { return h[i].row.ID < h[j].row.ID }
func (h runHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *runHeap) Push(x any)        { *h = append(*h, x.(*runReader)) }
func (h *runHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// rows merges the runs into one pass over the rows in id order; a
// repeated id is an ErrDuplicateID error naming both lines.
func (s *sortedRuns) rows() iter.Seq2[roster.Row, error] {
	return func(yield func(roster.Row, error) bool) {
		var h runHeap
		defer func() {
			for _, rr := range h {
				rr.f.Close()
			}
		}()
		for _, name := range s.names {
			f, err := os.Open(name)
			if err != nil {
				yield(roster.Row{}, err)
				return
			}
			rr := &runReader{f: f, r: bufio.NewReaderSize(f, 1<<16)}
			if rr.next() {
				h = append(h, rr)
			} else {
				f.Close()
				if rr.err != nil {
					yield(roster.Row{}, rr.err)
					return
				}
			}
		}
		heap.Init(&h)
		var last roster.Row
		for n := 0; len(h) > 0; n++ {
			rr := h[0]
			r := rr.row
			if n > 0 && r.ID == last.ID {
				first, second := last, r
				if second.Line < first.Line {
					first, second = second, first
				}
				e := &roster.RowError{File: s.file, Line: second.Line, Field: "id", Value: r.ID,
					Err: fmt.Errorf("%w (first on line %d)", roster.ErrDuplicateID, first.Line)}
				if !yield(roster.Row{}, e) {
					return
				}
			} else if !yield(r, nil) {
				return
			}
			last = r
			if rr.next() {
				heap.Fix(&h, 0)
			} else {
				heap.Pop(&h)
				rr.f.Close()
				if rr.err != nil {
					yield(roster.Row{}, rr.err)
					return
				}
			}
		}
	}
}

// printStreamSummary writes the summary of a streamed draw: what
// printDrawSummary writes but the per-row counts a stream does not keep.
func printStreamSummary(w io.Writer, res *random.StreamResult) error {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	summaryHead(tw, res.Plan.ID, res.Plan.Date, res.Plan.Digest(), res.Inputs, res.Key)
	fmt.Fprintf(tw, "premises\t%d rows (streamed), %d strata\n", res.Rows, len(res.Strata))
	summarySelected(tw, res.Selected)
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}
