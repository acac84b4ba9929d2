package roster

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

// DecodeText returns the text of a whole input in the encoding enc, as
// the CSV readers read it: [EncodingAuto] decides between UTF-8 and GBK
// (GB18030) the way they do, a UTF-8 byte order mark is dropped, and GBK
// is decoded line by line. It returns the encoding used. Bytes that do
// not decode are a *RowError wrapping [ErrEncoding] that names file and
// line (the first bad line).
//
// It is for small inputs that are not tables of the draw (results files,
// mapping and label files); tables go through [ReadCSV] and [ScanCSV].
func DecodeText(file string, data []byte, enc Encoding) (string, Encoding, error) {
	if enc == EncodingAuto {
		enc = detectEncoding(data, true)
	}
	switch enc {
	case EncodingUTF8:
		data = bytes.TrimPrefix(data, bom)
		if !utf8.Valid(data) {
			line := 1
			for l := range bytes.Lines(data) {
				if !utf8.Valid(l) {
					break
				}
				line++
			}
			return "", enc, &RowError{File: file, Line: line, Err: fmt.Errorf("%w: not valid UTF-8 on this line", ErrEncoding)}
		}
		return string(data), enc, nil
	case EncodingGBK:
		var b strings.Builder
		line := 0
		for l := range bytes.Lines(data) {
			line++
			dec, ok := decodeGBK(l)
			if !ok {
				return "", enc, &RowError{File: file, Line: line, Value: strings.TrimRight(string(dec), "\r\n"),
					Err: fmt.Errorf("%w: bytes that are not GBK (GB18030) on this line", ErrEncoding)}
			}
			b.Write(dec)
		}
		return b.String(), enc, nil
	}
	return "", enc, fmt.Errorf("roster: unknown encoding %v", enc)
}
