package roster

import (
	"encoding/binary"
	"fmt"
	"maps"
	"slices"
	"strings"
	"unicode/utf8"
)

// Limits of protocol §1.
const (
	MaxNameLen  = 128  // bytes in an id or attribute name
	MaxValueLen = 4096 // bytes in an attribute value
)

// Attr is one attribute of a row: a name and a non-empty value.
type Attr struct {
	Name  string
	Value string
}

// Row is one row of a table: a non-empty id and its non-empty attributes,
// sorted by name bytes. Empty values are the same as absent and are never
// stored. Rows are values; build them with [NewRow] or [Row.With] so the
// attributes stay sorted and valid.
type Row struct {
	ID    string
	Attrs []Attr
	// Line is the line of the input the row was read from (0 when built
	// in Go). It is for error messages only and is not hashed.
	Line int
}

// NewRow returns the row with the given id and attributes, empty values
// dropped. It checks the id, names and values against protocol §1.
// The "id" key of attrs, if present, must equal id.
func NewRow(id string, attrs map[string]string) (Row, error) {
	r := Row{ID: id}
	if err := ValidName(id); err != nil {
		return Row{}, &RowError{Field: "id", Value: id, Err: err}
	}
	// Visit names in order so that the error reported does not depend on
	// map iteration order.
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		v := attrs[name]
		if name == "id" {
			if v != id {
				return Row{}, &RowError{Field: "id", Value: v, Err: fmt.Errorf("%w: differs from id %q", ErrBadValue, id)}
			}
			continue
		}
		if err := ValidName(name); err != nil {
			return Row{}, &RowError{Field: name, Value: name, Err: err}
		}
		if err := ValidValue(v); err != nil {
			return Row{}, &RowError{Field: name, Value: v, Err: err}
		}
		if v != "" {
			r.Attrs = append(r.Attrs, Attr{name, v})
		}
	}
	sortAttrs(r.Attrs)
	return r, nil
}

// Get returns the value of the named attribute, or "" when absent.
// Get("id") returns the id.
func (r Row) Get(name string) string {
	if name == "id" {
		return r.ID
	}
	if len(r.Attrs) <= 8 {
		// A few names: comparing each for equality is quicker than
		// ordering them (names of one table often share their bytes).
		for _, a := range r.Attrs {
			if a.Name == name {
				return a.Value
			}
		}
		return ""
	}
	i, ok := slices.BinarySearchFunc(r.Attrs, name, func(a Attr, n string) int { return strings.Compare(a.Name, n) })
	if !ok {
		return ""
	}
	return r.Attrs[i].Value
}

// With returns a copy of r with the named attribute set to value (removed
// when value is empty). It does not validate; tables validate their rows.
func (r Row) With(name, value string) Row {
	attrs := slices.Clone(r.Attrs)
	i, ok := slices.BinarySearchFunc(attrs, name, func(a Attr, n string) int { return strings.Compare(a.Name, n) })
	switch {
	case ok && value == "":
		attrs = slices.Delete(attrs, i, i+1)
	case ok:
		attrs[i].Value = value
	case value != "":
		attrs = slices.Insert(attrs, i, Attr{name, value})
	}
	r.Attrs = attrs
	return r
}

// Map returns the row's attributes, id included, as a map.
func (r Row) Map() map[string]string {
	m := make(map[string]string, len(r.Attrs)+1)
	m["id"] = r.ID
	for _, a := range r.Attrs {
		m[a.Name] = a.Value
	}
	return m
}

// Equal reports whether two rows have the same id and attributes (Line is
// not compared).
func (r Row) Equal(o Row) bool {
	return r.ID == o.ID && slices.Equal(r.Attrs, o.Attrs)
}

// AppendLeaf appends the leaf bytes of protocol §1 to dst:
// lp(id) || u32(m) || lp(name_1) || lp(value_1) || … over the m attributes
// in name order.
func (r Row) AppendLeaf(dst []byte) []byte {
	dst = appendLP(dst, r.ID)
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(r.Attrs)))
	for _, a := range r.Attrs {
		dst = appendLP(dst, a.Name)
		dst = appendLP(dst, a.Value)
	}
	return dst
}

// Leaf returns the leaf bytes of the row (see [Row.AppendLeaf]).
func (r Row) Leaf() []byte { return r.AppendLeaf(nil) }

func appendLP(dst []byte, s string) []byte {
	dst = binary.BigEndian.AppendUint32(dst, uint32(len(s)))
	return append(dst, s...)
}

// ValidName checks an id or attribute name: 1..128 bytes of valid UTF-8,
// no control characters, no leading or trailing space.
func ValidName(s string) error { return validName(s, false) }

// validName is ValidName; plain says s is already known to be valid UTF-8
// without control characters.
func validName(s string, plain bool) error {
	if s == "" {
		return fmt.Errorf("%w: empty", ErrBadName)
	}
	if len(s) > MaxNameLen {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrBadName, len(s), MaxNameLen)
	}
	if !plain {
		if err := checkText(s); err != nil {
			return fmt.Errorf("%w: %w", ErrBadName, err)
		}
	}
	if s[0] == ' ' || s[len(s)-1] == ' ' {
		return fmt.Errorf("%w: leading or trailing space", ErrBadName)
	}
	return nil
}

// ValidValue checks an attribute value: valid UTF-8, no control
// characters, at most 4096 bytes. The empty value is valid (it is absent).
func ValidValue(s string) error {
	if len(s) > MaxValueLen {
		return fmt.Errorf("%w: %d bytes, at most %d", ErrBadValue, len(s), MaxValueLen)
	}
	if err := checkText(s); err != nil {
		return fmt.Errorf("%w: %w", ErrBadValue, err)
	}
	return nil
}

// errInvalidUTF8 wraps ErrEncoding, so a value with bytes that are not
// UTF-8 is both an ErrBadValue (or ErrBadName) and an ErrEncoding.
var errInvalidUTF8 = fmt.Errorf("%w: invalid UTF-8", ErrEncoding)

func checkText(s string) error {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c < 0x20 || c == 0x7f {
				return fmt.Errorf("control character U+%04X at byte %d", c, i+1)
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			return fmt.Errorf("%w at byte %d", errInvalidUTF8, i+1)
		}
		i += n
	}
	return nil
}

// CanonicalList returns the canonical form of a multi-valued attribute:
// its ';'-separated values sorted by bytes, de-duplicated and joined with
// ';'. A value that is empty or has a leading or trailing space is an
// error, not something to repair.
func CanonicalList(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	// Most lists are canonical already (every list a table wrote is):
	// say so without splitting them.
	canonical, prev := true, ""
	for i, rest := 0, s; canonical; i++ {
		p, tail, more := strings.Cut(rest, ";")
		canonical = p != "" && p[0] != ' ' && p[len(p)-1] != ' ' && (i == 0 || prev < p)
		if !more {
			break
		}
		prev, rest = p, tail
	}
	if canonical {
		return s, nil
	}
	parts := strings.Split(s, ";")
	for _, p := range parts {
		if p == "" {
			return "", fmt.Errorf("%w: empty item in list %q", ErrBadValue, s)
		}
		if p[0] == ' ' || p[len(p)-1] == ' ' {
			return "", fmt.Errorf("%w: item %q of list has a leading or trailing space", ErrBadValue, p)
		}
	}
	slices.Sort(parts)
	parts = slices.Compact(parts)
	return strings.Join(parts, ";"), nil
}

// SplitList splits a canonical multi-valued attribute into its values.
func SplitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ";")
}

func sortAttrs(a []Attr) {
	slices.SortFunc(a, func(x, y Attr) int { return strings.Compare(x.Name, y.Name) })
}
