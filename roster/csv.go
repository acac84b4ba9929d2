package roster

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ReadCSV reads a table from CSV with a header row naming the attributes
// (one of them "id", except for conflicts, where it may be derived).
// The input is UTF-8, with or without a byte order mark.
func ReadCSV(r io.Reader, kind Kind, opt Options) (*Table, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", opt.File, err)
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	cr := csv.NewReader(bytes.NewReader(data))
	cr.ReuseRecord = false
	header, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, &RowError{File: opt.File, Line: 1, Err: fmt.Errorf("%w: no header row", ErrSyntax)}
		}
		return nil, &RowError{File: opt.File, Line: 1, Err: fmt.Errorf("%w: %v", ErrSyntax, err)}
	}
	var errs ErrorList
	idCol := -1
	seen := map[string]int{}
	for i, name := range header {
		if err := ValidName(name); err != nil {
			errs.add(&RowError{File: opt.File, Line: 1, Column: i + 1, Value: name, Err: err})
		}
		if j, dup := seen[name]; dup {
			errs.add(&RowError{File: opt.File, Line: 1, Column: i + 1, Value: name, Err: fmt.Errorf("%w: column name repeats column %d", ErrBadName, j+1)})
		}
		seen[name] = i
		if name == "id" {
			idCol = i
		}
	}
	if idCol < 0 && kind != KindConflicts {
		errs.add(&RowError{File: opt.File, Line: 1, Field: "id", Err: fmt.Errorf("%w: no id column", ErrMissingField)})
	}
	if err := errs.err(); err != nil {
		return nil, err
	}
	var rows []Row
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				e := &RowError{File: opt.File, Line: pe.Line, Column: pe.Column, Err: fmt.Errorf("%w: %v", ErrSyntax, pe.Err)}
				if errors.Is(pe.Err, csv.ErrFieldCount) {
					e.Err = fmt.Errorf("%w: %d fields, header has %d", ErrFieldCount, len(rec), len(header))
					e.Column = 0
					errs.add(e)
					continue
				}
				errs.add(e)
			} else {
				errs.add(&RowError{File: opt.File, Err: err})
			}
			break
		}
		line, _ := cr.FieldPos(0)
		row := Row{Line: line}
		for i, v := range rec {
			if i == idCol {
				row.ID = v
				continue
			}
			if v != "" {
				row.Attrs = append(row.Attrs, Attr{header[i], v})
			}
		}
		sortAttrs(row.Attrs)
		rows = append(rows, row)
	}
	t, terr := NewTable(kind, rows, opt)
	if terr != nil {
		var l *ErrorList
		if errors.As(terr, &l) {
			for _, e := range l.Errs {
				errs.add(e)
			}
			errs.Omitted += l.Omitted
		}
	}
	if err := errs.err(); err != nil {
		sortErrors(errs.Errs)
		return nil, err
	}
	return t, nil
}

// LoadDir reads the tables of a draw folder: premises.csv and
// inspectors.csv, and conflicts.csv and history.csv when present (absent
// means empty), and checks their references.
func LoadDir(dir string, opt Options) (*Set, error) {
	var tables [4]*Table
	var all ErrorList
	for i, k := range Kinds {
		name := filepath.Join(dir, k.String()+".csv")
		f, err := os.Open(name)
		if err != nil {
			if errors.Is(err, os.ErrNotExist) && (k == KindConflicts || k == KindHistory) {
				continue
			}
			return nil, err
		}
		o := opt
		o.File = name
		t, err := ReadCSV(f, k, o)
		f.Close()
		if err != nil {
			var l *ErrorList
			if !errors.As(err, &l) {
				return nil, err
			}
			for _, e := range l.Errs {
				all.add(e)
			}
			continue
		}
		tables[i] = t
	}
	if err := all.err(); err != nil {
		return nil, err
	}
	return NewSet(tables[0], tables[1], tables[2], tables[3])
}
