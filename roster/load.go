package roster

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// LoadDir reads the tables of a draw folder: premises and inspectors, and
// conflicts and history when present (absent means empty), each from
// NAME.csv, NAME.xlsx or NAME.jsonl (more than one present is an error),
// and checks their references. opt.File is ignored: errors name the files.
// opt.Sheet and opt.Columns apply to every table they fit (see
// [ReadXLSX] and [ColumnMap]). It returns the problems of every file (up
// to Options.MaxErrors per file) as an *[ErrorList]. [Set.Report] says
// how each table was read. With opt.Protocol = [ProtocolV2] the tables
// are read and the set made under protocol v2 ([NewSetV2], with
// opt.Commitment).
func LoadDir(dir string, opt Options) (*Set, error) {
	// The tables are read side by side (the premises table, the large
	// one, on every core anyway), their problems reported in table order.
	var tables [4]*Table
	var errs [4]error
	var wg sync.WaitGroup
	for i, k := range Kinds {
		wg.Go(func() { tables[i], errs[i] = loadTable(dir, k, opt) })
	}
	wg.Wait()
	var all ErrorList
	for i, err := range errs {
		if err != nil {
			var l *ErrorList
			if !errors.As(err, &l) {
				return nil, err
			}
			all.Errs = append(all.Errs, l.Errs...)
			all.Omitted += l.Omitted
			tables[i] = nil
		}
	}
	if len(all.Errs) > 0 {
		return nil, &all
	}
	var set *Set
	var err error
	if opt.Protocol == ProtocolV2 {
		set, err = NewSetV2(tables[0], tables[1], tables[2], tables[3], opt.Commitment)
	} else {
		set, err = NewSet(tables[0], tables[1], tables[2], tables[3])
	}
	var l *ErrorList
	if errors.As(err, &l) {
		// Errors of references name the cell and header as the
		// tables' own errors do.
		for _, e := range l.Errs {
			for _, t := range tables {
				if t != nil && t.source != nil && t.file == e.File {
					t.source.annotate(e)
				}
			}
		}
	}
	return set, err
}

// tableReaders are the formats LoadDir reads, by file extension.
var tableReaders = []struct {
	ext  string
	read func(io.Reader, Kind, Options) (*Table, error)
}{
	{".csv", ReadCSV},
	{".xlsx", ReadXLSX},
	{".jsonl", ReadJSONL},
}

func loadTable(dir string, k Kind, opt Options) (*Table, error) {
	var found []int
	for i, r := range tableReaders {
		ok, err := exists(filepath.Join(dir, k.String()+r.ext))
		if err != nil {
			return nil, err
		}
		if ok {
			found = append(found, i)
		}
	}
	switch {
	case len(found) > 1:
		names := make([]string, len(found))
		for i, f := range found {
			names[i] = filepath.Join(dir, k.String()+tableReaders[f].ext)
		}
		verb := "both exist"
		if len(names) > 2 {
			verb = "all exist"
		}
		return nil, fmt.Errorf("roster: %s %s; keep one", strings.Join(names, " and "), verb)
	case len(found) == 0:
		if xls := filepath.Join(dir, k.String()+".xls"); func() bool { ok, _ := exists(xls); return ok }() {
			return nil, fmt.Errorf("roster: %s: the old Excel format (.xls) is not read; save it as .xlsx or CSV", xls)
		}
		if k == KindConflicts || k == KindHistory {
			return nil, nil
		}
		return nil, fmt.Errorf("roster: %s: %w", filepath.Join(dir, k.String()+".csv"), os.ErrNotExist)
	}
	r := tableReaders[found[0]]
	name := filepath.Join(dir, k.String()+r.ext)
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	opt.File = name
	t, err := r.read(f, k, opt)
	if t != nil && t.source == nil {
		t.source = &tableSource{format: strings.TrimPrefix(r.ext, ".")}
	}
	return t, err
}

func exists(name string) (bool, error) {
	fi, err := os.Stat(name)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if fi.IsDir() {
		return false, fmt.Errorf("roster: %s is a directory", name)
	}
	return true, nil
}
