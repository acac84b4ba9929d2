package roster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
)

// LoadDir reads the tables of a draw folder: premises and inspectors, and
// conflicts and history when present (absent means empty), each from
// NAME.csv or NAME.jsonl (both present is an error), and checks their
// references. opt.File is ignored: errors name the files. It returns the
// problems of every file (up to Options.MaxErrors per file) as an
// *[ErrorList]. With opt.Protocol = [ProtocolV2] the tables are read and
// the set made under protocol v2 ([NewSetV2], with opt.Commitment).
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
	if opt.Protocol == ProtocolV2 {
		return NewSetV2(tables[0], tables[1], tables[2], tables[3], opt.Commitment)
	}
	return NewSet(tables[0], tables[1], tables[2], tables[3])
}

func loadTable(dir string, k Kind, opt Options) (*Table, error) {
	csvName := filepath.Join(dir, k.String()+".csv")
	jsonlName := filepath.Join(dir, k.String()+".jsonl")
	csvOK, err := exists(csvName)
	if err != nil {
		return nil, err
	}
	jsonlOK, err := exists(jsonlName)
	if err != nil {
		return nil, err
	}
	name, read := csvName, ReadCSV
	switch {
	case csvOK && jsonlOK:
		return nil, fmt.Errorf("roster: both %s and %s exist; keep one", csvName, jsonlName)
	case jsonlOK:
		name, read = jsonlName, ReadJSONL
	case !csvOK && (k == KindConflicts || k == KindHistory):
		return nil, nil
	case !csvOK:
		return nil, fmt.Errorf("roster: %s: %w", csvName, os.ErrNotExist)
	}
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	opt.File = name
	return read(f, k, opt)
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
