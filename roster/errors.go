package roster

import (
	"errors"
	"fmt"
	"slices"
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
	ErrOrder        = errors.New("rows not in ascending id order")
	ErrMergedCell   = errors.New("merged") // cells of a worksheet

	ErrColumnMap = errors.New("bad column mapping")
)

// RowError says where in an input a value was rejected. Line and Column
// are 1-based; 0 means unknown (a row built in Go has no line). Field is
// the attribute name and Value the offending value as read.
//
// In a worksheet (.xlsx), Sheet names the sheet, Line is the row number
// and Column the column number, and the error reads them as a cell
// ("sheet 名录: cell C5"). Header is the column's header as the file has
// it, when a column mapping made it Field (统一社会信用代码 read as id).
type RowError struct {
	File   string
	Sheet  string
	Line   int
	Column int
	Field  string
	Header string
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
	switch {
	case e.Sheet != "":
		fmt.Fprintf(&b, ": sheet %s", e.Sheet)
		switch {
		case e.Line > 0 && e.Column > 0:
			fmt.Fprintf(&b, ": cell %s%d", ColumnLetters(e.Column), e.Line)
		case e.Line > 0:
			fmt.Fprintf(&b, ": row %d", e.Line)
		case e.Column > 0:
			fmt.Fprintf(&b, ": column %s", ColumnLetters(e.Column))
		}
	case e.Line > 0:
		fmt.Fprintf(&b, ":%d", e.Line)
		if e.Column > 0 {
			fmt.Fprintf(&b, ":%d", e.Column)
		}
	}
	b.WriteString(": ")
	if e.Field != "" {
		fmt.Fprintf(&b, "field %q ", e.Field)
		if e.Header != "" && e.Header != e.Field {
			fmt.Fprintf(&b, "(column %q) ", e.Header)
		}
	}
	if e.Field != "" || e.Value != "" {
		fmt.Fprintf(&b, "value %q: ", truncate(e.Value, 80))
	}
	b.WriteString(e.Err.Error())
	return b.String()
}

func (e *RowError) Unwrap() error { return e.Err }

// ColumnLetters returns the spreadsheet name of the 1-based column n: A,
// B, …, Z, AA, AB, …; "" when n < 1.
func ColumnLetters(n int) string {
	var b []byte
	for n > 0 {
		n--
		b = append(b, byte('A'+n%26))
		n /= 26
	}
	slices.Reverse(b)
	return string(b)
}

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

// MaxErrors is how many row errors of one file an ErrorList keeps by
// default (see Options.MaxErrors); the rest are counted in Omitted.
const MaxErrors = 100

// ErrorList is every row error found in one input, up to a limit
// (MaxErrors unless Options.MaxErrors says otherwise). errors.Is and
// errors.As look through all of them.
type ErrorList struct {
	Errs    []*RowError
	Omitted int

	max int // 0 means MaxErrors
}

func newErrorList(opt Options) ErrorList { return ErrorList{max: opt.MaxErrors} }

func (l *ErrorList) add(e *RowError) {
	max := l.max
	if max <= 0 {
		max = MaxErrors
	}
	if len(l.Errs) < max {
		l.Errs = append(l.Errs, e)
	} else {
		l.Omitted++
	}
}

// addErr adds err: each entry of an *ErrorList, a *RowError as is, and any
// other error as a RowError of the given file.
func (l *ErrorList) addErr(file string, err error) {
	var list *ErrorList
	var re *RowError
	switch {
	case errors.As(err, &list):
		for _, e := range list.Errs {
			l.add(e)
		}
		l.Omitted += list.Omitted
	case errors.As(err, &re):
		l.add(re)
	default:
		l.add(&RowError{File: file, Err: err})
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
