package roster

import (
	"fmt"
	"iter"
)

// RootBuilder computes the root of a table whose rows arrive already in
// ascending order of id bytes, as [WriteCSV] and [WriteJSONL] write them,
// holding O(log n) hashes and the last id: a 10-million-row roster needs
// no more memory than a small one. It checks the order, and so that ids
// are unique, but not the rows themselves: give it rows from [ScanCSV] or
// [ScanJSONL], which check them. The zero value is ready to use.
type RootBuilder struct {
	// File names the input in errors.
	File string

	tree     TreeBuilder
	last     string
	lastLine int
}

// Add appends the next row. A row whose id is not greater than the
// previous one is an ErrOrder or ErrDuplicateID *RowError, and is not
// added.
func (b *RootBuilder) Add(r Row) error {
	if b.tree.Len() > 0 && r.ID <= b.last {
		err := fmt.Errorf("%w: id %q follows %q (line %d)", ErrOrder, r.ID, b.last, b.lastLine)
		if r.ID == b.last {
			err = fmt.Errorf("%w (first on line %d)", ErrDuplicateID, b.lastLine)
		}
		return &RowError{File: b.File, Line: r.Line, Field: "id", Value: r.ID, Err: err}
	}
	b.tree.AddRow(r)
	b.last, b.lastLine = r.ID, r.Line
	return nil
}

// Len returns the number of rows added.
func (b *RootBuilder) Len() int { return int(b.tree.Len()) }

// Root returns the root of the rows added so far.
func (b *RootBuilder) Root() Hash { return b.tree.Root() }

// StreamRoot computes the root and row count of a table from a stream of
// rows in ascending id order, such as ScanCSV over a file written by
// [WriteCSV]. Row errors are collected (up to Options.MaxErrors) and the
// stream read on; the first row out of order, or with a repeated id, ends
// it. Any error is returned as an *[ErrorList].
func StreamRoot(rows iter.Seq2[Row, error], opt Options) (Hash, int, error) {
	b := RootBuilder{File: opt.File}
	errs := newErrorList(opt)
	for r, err := range rows {
		if err != nil {
			errs.addErr(opt.File, err)
			continue
		}
		if err := b.Add(r); err != nil {
			errs.addErr(opt.File, err)
			break
		}
	}
	if err := errs.err(); err != nil {
		return Hash{}, 0, err
	}
	return b.Root(), b.Len(), nil
}
