package publish

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/doublerandom/doublerandom/roster"
)

// Zone is China Standard Time (UTC+8, no daylight saving), the zone in
// which a published instant becomes a calendar day: the date of a results
// document, the day a verification runs. It is a fixed zone so that no
// time zone database is needed.
var Zone = time.FixedZone("CST", 8*60*60)

// LocalDate returns the calendar day of t in [Zone].
func LocalDate(t time.Time) Date { return roster.DateOf(t.In(Zone)) }

// Time is an instant in a document body, written as RFC 3339 in UTC with
// the fraction of a second only when there is one:
// "2026-11-20T01:30:00Z". Reading it is strict: the only accepted text is
// the one Time writes (zone "Z", no trailing zeros in the fraction).
type Time struct{ time.Time }

// At returns t as a body Time.
func At(t time.Time) Time { return Time{t.UTC()} }

// MarshalText writes t in UTC, RFC 3339.
func (t Time) MarshalText() ([]byte, error) {
	if t.IsZero() {
		return nil, errors.New("publish: zero time")
	}
	return []byte(t.UTC().Format(time.RFC3339Nano)), nil
}

// UnmarshalText reads the form MarshalText writes and nothing else.
func (t *Time) UnmarshalText(b []byte) error {
	v, err := time.Parse(time.RFC3339Nano, string(b))
	if err != nil || v.UTC().Format(time.RFC3339Nano) != string(b) {
		return fmt.Errorf("time %q is not RFC 3339 in UTC (like 2026-11-20T01:30:00Z)", b)
	}
	t.Time = v.UTC()
	return nil
}

// MarshalText writes the digest as 64 lowercase hex digits.
func (d Digest) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads 64 lowercase hex digits.
func (d *Digest) UnmarshalText(b []byte) error {
	v, err := ParseDigest(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// encodeBody writes v as a document body: JSON indented by one space,
// keys in struct order, no HTML escaping, ending in a newline. Non-ASCII
// text stays UTF-8, except U+FFFD, which the framing forbids and which is
// written as the escape \ufffd (it can only occur inside strings).
func encodeBody(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.ReplaceAll(buf.Bytes(), []byte("\uFFFD"), []byte(`\ufffd`)), nil
}

// MaxJSONDepth is how deeply objects and lists may nest in a document
// body (a body needs 6; plans and draw views allow 64 too). It is checked
// by a scan that allocates nothing, before any JSON is decoded, so that a
// hostile body of nested lists costs a pass over its bytes and no more.
const MaxJSONDepth = 64

// checkJSONDepth refuses JSON whose objects and lists nest more than max
// levels, reading b once without allocating. It looks only at brackets
// outside strings; everything else is the decoder's business.
func checkJSONDepth(b []byte, max int) error {
	depth, inString, escaped := 0, false, false
	for i, c := range b {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > max {
				return fmt.Errorf("JSON nested more than %d levels deep at byte offset %d", max, i)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

// decodeBody reads a body strictly into v: one JSON object, no unknown
// fields, no key repeated in any object, no escape of half a surrogate
// pair (which encoding/json would read as U+FFFD), nothing after it.
func decodeBody(b []byte, v any) error {
	if err := checkJSONDepth(b, MaxJSONDepth); err != nil {
		return err
	}
	if err := roster.CheckJSONEscapes(b); err != nil {
		return err
	}
	if err := checkDuplicateKeys(b); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the JSON object")
	}
	return nil
}

// checkDuplicateKeys rejects JSON with a key repeated within one object,
// which other JSON readers would resolve differently.
func checkDuplicateKeys(b []byte) error {
	if noDuplicateKeys(b) {
		return nil
	}
	return duplicateKeyTokens(b)
}

// duplicateKeyTokens is checkDuplicateKeys token by token.
func duplicateKeyTokens(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type frame struct {
		obj  bool
		keys map[string]bool
		key  bool // next token in this object is a key
	}
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.obj && top.key {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				if len(stack) > 0 && stack[len(stack)-1].obj {
					stack[len(stack)-1].key = true
				}
				continue
			}
			k, _ := tok.(string)
			if top.keys[k] {
				return fmt.Errorf("key %q appears twice in one object", k)
			}
			top.keys[k] = true
			top.key = false
			continue
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{obj: true, keys: map[string]bool{}, key: true})
			continue
		case json.Delim('['):
			stack = append(stack, &frame{})
			continue
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
		if len(stack) > 0 && stack[len(stack)-1].obj {
			stack[len(stack)-1].key = true
		}
	}
}

// noDuplicateKeys is the quick form of checkDuplicateKeys: one pass over
// the bytes, without tokens. It reports true only when b is one JSON
// value whose objects repeat no key; on anything else (a repeated key, a
// key with an escape, which must be decoded to compare, text that is not
// JSON) it reports false and checkDuplicateKeys decides, with its own
// errors.
func noDuplicateKeys(b []byte) bool {
	if !json.Valid(b) {
		return false
	}
	type frame struct {
		obj  bool
		keys int // index in keys of the object's first key
	}
	var stack []frame
	var keys [][]byte
	expectKey := false
	for i := 0; i < len(b); i++ {
		switch c := b[i]; c {
		case ' ', '\t', '\n', '\r', ',', ':':
			if c == ',' && len(stack) > 0 && stack[len(stack)-1].obj {
				expectKey = true
			}
		case '{':
			stack = append(stack, frame{obj: true, keys: len(keys)})
			expectKey = true
		case '[':
			stack = append(stack, frame{keys: len(keys)})
			expectKey = false
		case '}', ']':
			if len(stack) == 0 || stack[len(stack)-1].obj != (c == '}') {
				return false
			}
			keys = keys[:stack[len(stack)-1].keys]
			stack = stack[:len(stack)-1]
			expectKey = false
		case '"':
			j := i + 1
			for j < len(b) && b[j] != '"' {
				if b[j] == '\\' {
					if expectKey {
						return false
					}
					j++
				}
				j++
			}
			if j >= len(b) {
				return false
			}
			if expectKey {
				k := b[i+1 : j]
				f := stack[len(stack)-1]
				if len(keys)-f.keys > 64 {
					return false // many keys: the map of checkDuplicateKeys
				}
				for _, o := range keys[f.keys:] {
					if bytes.Equal(o, k) {
						return false
					}
				}
				keys = append(keys, k)
				expectKey = false
			}
			i = j
		default:
			// A number, true, false or null: up to the next delimiter.
			if expectKey {
				return false
			}
		scalar:
			for i+1 < len(b) {
				switch b[i+1] {
				case ' ', '\t', '\n', '\r', ',', ':', ']', '}':
					break scalar
				}
				i++
			}
		}
	}
	return len(stack) == 0
}
