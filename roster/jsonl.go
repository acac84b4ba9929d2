package roster

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"unicode/utf8"
)

// MaxLineLen is the longest line of JSON Lines input accepted, in bytes.
const MaxLineLen = 16 << 20

// ReadJSONL reads a table from JSON Lines. See [ScanJSONL] for the rules;
// ReadJSONL also rejects duplicate ids. It returns every problem found (up
// to Options.MaxErrors) as an *[ErrorList].
func ReadJSONL(r io.Reader, kind Kind, opt Options) (*Table, error) {
	if !kind.valid() {
		return nil, fmt.Errorf("roster: unknown table kind %d", uint8(kind))
	}
	c := newCollector(opt)
	scanJSONL(r, kind, c.opt, c.yield)
	return c.table(kind, nil)
}

// ScanJSONL returns the rows of a JSON Lines table one at a time, checked
// like those of [ScanCSV], with Line set.
//
// The rules: each line holds one JSON object whose members are the row's
// attributes, "id" among them (except in the conflicts table, as in CSV).
// Every value is a JSON string: "capacity": "3", never 3; a number,
// true, false, null, an array or an object is an error. A name may appear
// once per object. The text is UTF-8 (a byte order mark at the start is
// dropped; Options.Encoding does not apply); escapes that do not stand for
// a character (a lone surrogate such as \ud800) are errors. Empty lines
// are skipped; a line ending in CR LF is read as ending in LF. Column in
// errors is the 1-based position of the member in its object.
func ScanJSONL(r io.Reader, kind Kind, opt Options) iter.Seq2[Row, error] {
	return func(yield func(Row, error) bool) {
		if !kind.valid() {
			yield(Row{}, fmt.Errorf("roster: unknown table kind %d", uint8(kind)))
			return
		}
		scanJSONL(r, kind, opt, yield)
	}
}

func scanJSONL(r io.Reader, kind Kind, opt Options, yield func(Row, error) bool) {
	lr := &lineReader{r: r}
	for n := 1; ; n++ {
		raw, err := lr.next()
		if err != nil {
			if !errors.Is(err, io.EOF) {
				yield(Row{}, &RowError{File: opt.File, Line: n, Err: err})
			}
			return
		}
		if n == 1 {
			raw = bytes.TrimPrefix(raw, bom)
		}
		raw = bytes.TrimSuffix(raw, []byte("\n"))
		raw = bytes.TrimSuffix(raw, []byte("\r"))
		if len(bytes.Trim(raw, " \t")) == 0 {
			continue
		}
		if len(raw) > MaxLineLen {
			if !yield(Row{}, &RowError{File: opt.File, Line: n, Value: string(raw[:80]),
				Err: fmt.Errorf("%w: line of %d bytes, at most %d", ErrSyntax, len(raw), MaxLineLen)}) {
				return
			}
			continue
		}
		p := jsonLine{file: opt.File, line: n, raw: raw}
		row, ok := p.parse()
		if ok {
			var fields []string
			for _, m := range p.members {
				fields = append(fields, m.Name)
			}
			c := checker{kind: kind, opt: opt, column: func(f string) int {
				for i, name := range fields {
					if name == f {
						return i + 1
					}
				}
				return 0
			}}
			row, ok = c.check(row, func(e *RowError, warn bool) {
				if !warn {
					p.errs = append(p.errs, e)
				}
			})
			ok = !ok
		}
		if !ok {
			for _, e := range p.errs {
				if !yield(Row{}, e) {
					return
				}
			}
			continue
		}
		if !yield(row, nil) {
			return
		}
	}
}

// jsonLine parses one line of JSON Lines.
type jsonLine struct {
	file    string
	line    int
	raw     []byte
	members []Attr
	errs    []*RowError
}

func (p *jsonLine) fail(col int, field, value string, err error) {
	p.errs = append(p.errs, &RowError{File: p.file, Line: p.line, Column: col, Field: field, Value: value, Err: err})
}

func (p *jsonLine) syntax(err error) {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		err = fmt.Errorf("%w: %v (byte %d of the line)", ErrSyntax, se, se.Offset)
	} else {
		err = fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	p.fail(0, "", truncate(string(p.raw), 80), err)
}

// parse reads the object; ok is false when p.errs holds its problems.
func (p *jsonLine) parse() (_ Row, ok bool) {
	if !utf8.Valid(p.raw) {
		p.fail(0, "", string(p.raw), fmt.Errorf("%w: invalid UTF-8", ErrEncoding))
		return Row{}, false
	}
	dec := json.NewDecoder(bytes.NewReader(p.raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		p.syntax(err)
		return Row{}, false
	}
	if d, isDelim := tok.(json.Delim); !isDelim || d != '{' {
		p.fail(0, "", truncate(string(p.raw), 80), fmt.Errorf("%w: a line must hold one JSON object", ErrSyntax))
		return Row{}, false
	}
	row := Row{Line: p.line}
	seen := map[string]bool{}
	for col := 1; dec.More(); col++ {
		tok, err := dec.Token()
		if err != nil {
			p.syntax(err)
			return Row{}, false
		}
		name := tok.(string) // object keys are always strings
		tok, err = dec.Token()
		if err != nil {
			p.syntax(err)
			return Row{}, false
		}
		p.members = append(p.members, Attr{Name: name})
		if seen[name] {
			p.fail(col, name, name, fmt.Errorf("%w: name repeated in the object", ErrBadName))
		}
		seen[name] = true
		v, isString := tok.(string)
		if !isString {
			p.fail(col, name, jsonText(tok), fmt.Errorf("%w: values must be JSON strings", ErrBadValue))
			if d, isDelim := tok.(json.Delim); isDelim && (d == '{' || d == '[') {
				if err := skipNested(dec); err != nil {
					p.syntax(err)
					return Row{}, false
				}
			}
			continue
		}
		switch {
		case name == "id":
			row.ID = v
		case v != "":
			row.Attrs = append(row.Attrs, Attr{name, v})
		default:
			// An empty value is absent, but its name is still checked.
			if err := ValidName(name); err != nil {
				p.fail(col, name, name, err)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		p.syntax(err)
		return Row{}, false
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		p.fail(0, "", truncate(string(p.raw), 80), fmt.Errorf("%w: text after the object", ErrSyntax))
		return Row{}, false
	}
	// encoding/json turns an escape of a lone surrogate into U+FFFD
	// instead of rejecting it.
	if CheckJSONEscapes(p.raw) != nil {
		p.fail(0, "", truncate(string(p.raw), 80), fmt.Errorf("%w: an escape that is not a character (lone surrogate)", ErrEncoding))
	}
	if len(p.errs) > 0 {
		return Row{}, false
	}
	sortAttrs(row.Attrs)
	return row, true
}

// skipNested reads the rest of an array or object whose opening delimiter
// has been read.
func skipNested(dec *json.Decoder) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		if d, ok := tok.(json.Delim); ok {
			if d == '{' || d == '[' {
				depth++
			} else {
				depth--
			}
		}
	}
	return nil
}

func jsonText(tok json.Token) string {
	switch v := tok.(type) {
	case nil:
		return "null"
	case json.Delim:
		return v.String()
	}
	return fmt.Sprint(tok)
}

// CheckJSONEscapes reports the first \u escape in raw that stands for
// half of a UTF-16 surrogate pair without its other half, such as
// "\ud800" alone or "\udc00" first. Such an escape is not a character,
// yet encoding/json silently decodes it as U+FFFD, so that two different
// texts ("\ud800" and "\ufffd", or "\ud800" and "\udbff") would decode
// alike: a strict loader of hashed or published JSON must refuse them,
// and calls this on the bytes it read.
//
// raw is syntactically valid JSON, or a run of whole JSON tokens of it
// (backslashes appear only inside strings, so a scan from escape to
// escape suffices; a high-surrogate escape at the very end of raw counts
// as unpaired). The error wraps [ErrEncoding] and names the escape and
// its byte offset in raw, counted from 0.
func CheckJSONEscapes(raw []byte) error {
	if i := loneSurrogateAt(raw); i >= 0 {
		return fmt.Errorf("%w: the escape %s at byte offset %d is half of a UTF-16 surrogate pair without its other half, not a character", ErrEncoding, raw[i:i+6], i)
	}
	return nil
}

// loneSurrogate reports whether a syntactically valid JSON text holds a
// \u escape of a UTF-16 surrogate that is not part of a pair (the form
// TestLoneSurrogate checks).
func loneSurrogate(raw []byte) bool { return loneSurrogateAt(raw) >= 0 }

// loneSurrogateAt returns the offset of the first \u escape of an
// unpaired UTF-16 surrogate in raw, or -1.
func loneSurrogateAt(raw []byte) int {
	u := func(i int) (rune, bool) { // the \uXXXX escape at raw[i:], if any
		if i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
			return 0, false
		}
		var r rune
		for _, c := range raw[i+2 : i+6] {
			switch {
			case '0' <= c && c <= '9':
				r = r<<4 | rune(c-'0')
			case 'a' <= c && c <= 'f':
				r = r<<4 | rune(c-'a'+10)
			case 'A' <= c && c <= 'F':
				r = r<<4 | rune(c-'A'+10)
			default:
				return 0, false
			}
		}
		return r, true
	}
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		r, ok := u(i)
		if !ok {
			i++ // a two-character escape such as \\ or \"
			continue
		}
		switch {
		case 0xDC00 <= r && r <= 0xDFFF:
			return i
		case 0xD800 <= r && r <= 0xDBFF:
			low, ok := u(i + 6)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return i
			}
			i += 11
		default:
			i += 5
		}
	}
	return -1
}
