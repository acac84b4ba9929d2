//go:build js

package roster

import (
	"errors"
	"fmt"
	"io"
)

// The WebAssembly build (GOOS=js: the public page's verifier) reads
// tables in canonical CSV only: reading .xlsx workbooks needs
// github.com/xuri/excelize, which would more than double the size of the
// verifier the page downloads. The other builds read them (xlsx.go).

// ErrPrecision is the warning for a number cell of an .xlsx file with
// more than 15 significant digits (see xlsx.go).
var ErrPrecision = errors.New("number beyond Excel's 15 significant digits")

var errNoXLSX = errors.New("reading .xlsx workbooks is not built into this program (js/wasm); export the sheet as CSV")

// ReadXLSX is not available under js/wasm (see above).
func ReadXLSX(r io.Reader, kind Kind, opt Options) (*Table, error) {
	return nil, &RowError{File: opt.File, Err: fmt.Errorf("%w: %w", ErrSyntax, errNoXLSX)}
}

func readCellsXLSX(data []byte, opt Options, dateColumns []string) (*Cells, error) {
	return nil, &RowError{File: opt.File, Err: fmt.Errorf("%w: %w", ErrSyntax, errNoXLSX)}
}
