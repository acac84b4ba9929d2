package roster

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors. A *RowError wraps one of them, so callers test the kind
// of failure with errors.Is and read where it happened from the RowError.
var (
	ErrBadName      = errors.New("bad identifier or attribute name")
	ErrBadValue     = errors.New("bad attribute value")
	ErrDuplicateID  = errors.New("duplicate id")
	ErrFieldCount   = errors.New("wrong number of fields")
	ErrBadDate      = errors.New("bad date")
	ErrBadNumber    = errors.New("bad number")
	ErrUnknownRef   = errors.New("unknown reference")
	ErrCreditCode   = errors.New("bad unified social credit code")
	ErrMissingField = errors.New("missing required field")
	ErrEncoding     = errors.New("bad text encoding")
	ErrSyntax       = errors.New("malformed file")
)

// RowError says where in an input a value was rejected. Line and Column
// are 1-based; 0 means unknown (a row built in Go has no line). Field is
// the attribute name and Value the offending value as read.
type RowError struct {
	File   string
	Line   int
	Column int
	Field  string
	Value  string
	Err    error
}

func (e *RowError) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(e.File)
	} else {
		b.WriteString("<input>")
	}
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q ", e.Field)
	}
	if e.Field != "" || e.Value != "" {
		fmt.Fprintf(&b, "value %q: ", truncate(e.Value, 80))
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *RowError) Unwrap() error { return e.Err }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// MaxErrors is how many row errors of one file an ErrorList keeps; the
// rest are counted in Omitted.
const MaxErrors = 100

// ErrorList is every row error found in one input, up to MaxErrors.
// errors.Is and errors.As look through all of them.
type ErrorList struct {
	Errs    []*RowError
	Omitted int
}

func (l *ErrorList) add(e *RowError) {
	if len(l.Errs) < MaxErrors {
		l.Errs = append(l.Errs, e)
	} else {
		l.Omitted++
	}
}

func (l *ErrorList) err() error {
	if len(l.Errs) == 0 {
		return nil
	}
	return l
}

func (l *ErrorList) Error() string {
	var b strings.Builder
	for i, e := range l.Errs {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(e.Error())
	}
	if l.Omitted > 0 {
		fmt.Fprintf(&b, "\n(%d more errors)", l.Omitted)
	}
	return b.String()
}

// Unwrap returns the errors for errors.Is and errors.As.
func (l *ErrorList) Unwrap() []error {
	out := make([]error, len(l.Errs))
	for i, e := range l.Errs {
		out[i] = e
	}
	return out
}
