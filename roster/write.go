package roster

import (
	"bufio"
	"encoding/csv"
	"io"
	"slices"
	"unicode/utf8"
)

// Columns returns the table's column names in canonical order: "id", then
// the union of the rows' attribute names in byte order.
func (t *Table) Columns() []string {
	seen := map[string]bool{}
	var names []string
	for _, r := range t.Rows() {
		for _, a := range r.Attrs {
			if !seen[a.Name] {
				seen[a.Name] = true
				names = append(names, a.Name)
			}
		}
	}
	slices.Sort(names)
	return append([]string{"id"}, names...)
}

// WriteCSV writes the table in canonical CSV form, so that a published
// table is byte-stable: UTF-8 without a byte order mark, LF line ends, a
// header of [Table.Columns], one line per row in id order, absent
// attributes as empty cells, and quotes only where RFC 4180 needs them.
// The rows are sorted by id, as [RootBuilder] and [StreamRoot] require.
// Reading the output back gives a table with the same rows and root, and
// writing that again gives the same bytes.
func WriteCSV(w io.Writer, t *Table) error {
	cols := t.Columns()
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return err
	}
	rec := make([]string, len(cols))
	for _, r := range t.Rows() {
		rec[0] = r.ID
		j := 0
		for i, c := range cols[1:] {
			for j < len(r.Attrs) && r.Attrs[j].Name < c {
				j++
			}
			rec[i+1] = ""
			if j < len(r.Attrs) && r.Attrs[j].Name == c {
				rec[i+1] = r.Attrs[j].Value
			}
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// WriteJSONL writes the table in canonical JSON Lines form: one object per
// row in id order, "id" first and then the row's attributes in name
// order, every value a string, no spaces, only '"', '\' and control
// characters escaped (a valid table has no control characters), LF line
// ends.
func WriteJSONL(w io.Writer, t *Table) error {
	bw := bufio.NewWriter(w)
	var buf []byte
	for _, r := range t.Rows() {
		buf = append(buf[:0], `{"id":`...)
		buf = appendJSONString(buf, r.ID)
		for _, a := range r.Attrs {
			buf = append(buf, ',')
			buf = appendJSONString(buf, a.Name)
			buf = append(buf, ':')
			buf = appendJSONString(buf, a.Value)
		}
		buf = append(buf, "}\n"...)
		if _, err := bw.Write(buf); err != nil {
			return err
		}
	}
	return bw.Flush()
}

const hexDigits = "0123456789abcdef"

func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '"' || c == '\\':
			dst = append(dst, '\\', c)
			i++
		case c < 0x20:
			dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			i++
		case c < utf8.RuneSelf:
			dst = append(dst, c)
			i++
		default:
			r, n := utf8.DecodeRuneInString(s[i:])
			if r == utf8.RuneError && n == 1 {
				dst = append(dst, `\ufffd`...) // never in a valid table
			} else {
				dst = append(dst, s[i:i+n]...)
			}
			i += n
		}
	}
	return append(dst, '"')
}
