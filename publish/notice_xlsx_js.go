//go:build js

package publish

import (
	"errors"
	"io"
)

// WriteXLSX is not built into the WebAssembly build (the public page's
// verifier), which never writes a notice: the .xlsx writer
// (github.com/xuri/excelize) would more than double its size.
func (n *Notice) WriteXLSX(w io.Writer) error {
	return errors.New("publish: Notice.WriteXLSX is not built into this program (js/wasm)")
}

// WriteHTML is not built into the WebAssembly build either: html/template
// reaches methods by name through reflection, which makes the linker keep
// every exported method of every type the verifier uses.
func (n *Notice) WriteHTML(w io.Writer) error {
	return errors.New("publish: Notice.WriteHTML is not built into this program (js/wasm)")
}
