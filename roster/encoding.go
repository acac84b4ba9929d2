package roster

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// Encoding is the text encoding of a CSV input.
type Encoding uint8

// The encodings a CSV input may be in.
const (
	// EncodingAuto detects the encoding: UTF-8 when the input starts
	// with a UTF-8 byte order mark or is valid UTF-8, GBK (read as
	// GB18030) when it is valid GB18030 and not UTF-8; when it is valid
	// in neither, the one with fewer bad lines (UTF-8 on a tie), whose
	// bad lines are then errors. Streaming readers decide on the first
	// 64 KiB, whole-table readers on all of it. Plain ASCII is the same
	// in all three.
	EncodingAuto Encoding = iota
	// EncodingUTF8 is UTF-8, with or without a byte order mark.
	EncodingUTF8
	// EncodingGBK is GBK (code page 936, what Excel on a Chinese Windows
	// saves as "CSV"), read as its superset GB18030 (GB 18030-2022): the
	// four-byte sequences of GB18030 (characters outside GBK, such as
	// 𠮷) are read too, so a GB18030 file is read with this encoding.
	EncodingGBK
)

// String returns auto, utf-8 or gbk.
func (e Encoding) String() string {
	switch e {
	case EncodingAuto:
		return "auto"
	case EncodingUTF8:
		return "utf-8"
	case EncodingGBK:
		return "gbk"
	}
	return fmt.Sprintf("Encoding(%d)", uint8(e))
}

// ParseEncoding reads an encoding name: auto, utf-8 (or utf8), gbk (or
// gb18030, cp936), in any case.
func ParseEncoding(s string) (Encoding, error) {
	switch strings.ToLower(s) {
	case "auto", "":
		return EncodingAuto, nil
	case "utf-8", "utf8":
		return EncodingUTF8, nil
	case "gbk", "gb18030", "cp936":
		return EncodingGBK, nil
	}
	return 0, fmt.Errorf("roster: unknown encoding %q (want auto, utf-8, gbk or gb18030)", s)
}

var bom = []byte("\xef\xbb\xbf")

// detectPrefix is how much of a stream EncodingAuto looks at.
const detectPrefix = 64 << 10

// detectEncoding decides the encoding of an input from its first bytes p
// (all of it when atEOF). A byte order mark means UTF-8. Otherwise valid
// UTF-8 is UTF-8 and valid GB18030 is GBK; when p is valid in neither, the
// encoding with fewer bad lines wins (UTF-8 on a tie), and the bad lines
// are reported as the file is read.
func detectEncoding(p []byte, atEOF bool) Encoding {
	if bytes.HasPrefix(p, bom) {
		return EncodingUTF8
	}
	if !atEOF {
		// Look at whole lines only, so no character is cut in two.
		if i := bytes.LastIndexByte(p, '\n'); i >= 0 {
			p = p[:i+1]
		} else {
			p = trimPartialRune(p)
		}
	}
	if utf8.Valid(p) {
		return EncodingUTF8
	}
	badUTF8, badGBK := 0, 0
	for line := range bytes.Lines(p) {
		if !utf8.Valid(line) {
			badUTF8++
		}
		if _, ok := decodeGBK(line); !ok {
			badGBK++
		}
	}
	if badGBK < badUTF8 {
		return EncodingGBK
	}
	return EncodingUTF8
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of p.
func trimPartialRune(p []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(p); i++ {
		c := p[len(p)-i]
		if c < utf8.RuneSelf {
			break
		}
		if utf8.RuneStart(c) {
			if !utf8.FullRune(p[len(p)-i:]) {
				return p[:len(p)-i]
			}
			break
		}
	}
	return p
}

// decodeGBK decodes one line of GB18030. ok is false when the line holds
// bytes that are not GB18030: the x/text decoder replaces those with
// U+FFFD, which we refuse to pass on as data.
func decodeGBK(line []byte) (_ []byte, ok bool) {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(line)
	if err != nil || bytes.ContainsRune(out, utf8.RuneError) {
		return out, false
	}
	return out, true
}

// badLine is a line of a GBK input that does not decode.
type badLine struct {
	line int
	text string // as decoded, with U+FFFD where bytes were bad
}

// gbkReader decodes a GBK input line by line. GB18030 never uses the byte
// 0x0A inside a character, so line numbers survive decoding. Lines that do
// not decode are passed on (so line numbers stay right) and recorded in
// bad for the scanner to report.
type gbkReader struct {
	src  *lineReader
	out  []byte
	line int
	bad  []badLine
	err  error
}

func (g *gbkReader) Read(p []byte) (int, error) {
	for len(g.out) == 0 {
		if g.err != nil {
			return 0, g.err
		}
		raw, err := g.src.next()
		if len(raw) > 0 {
			g.line++
			dec, ok := decodeGBK(raw)
			if !ok {
				g.bad = append(g.bad, badLine{g.line, strings.TrimRight(string(dec), "\r\n")})
			}
			g.out = dec
		}
		if err != nil {
			g.err = err
		}
	}
	n := copy(p, g.out)
	g.out = g.out[n:]
	return n, nil
}

// lineReader returns the lines of a reader, newline included.
type lineReader struct {
	r   io.Reader
	buf []byte
	err error
}

// next returns the next line (with its '\n', if any) or an error (io.EOF
// at the end) once no bytes are left.
func (l *lineReader) next() ([]byte, error) {
	for {
		if i := bytes.IndexByte(l.buf, '\n'); i >= 0 {
			line := l.buf[:i+1]
			l.buf = l.buf[i+1:]
			return line, nil
		}
		if l.err != nil {
			line := l.buf
			l.buf = nil
			if len(line) > 0 {
				return line, nil
			}
			return nil, l.err
		}
		// Keep the unread part at the front, then fill.
		rest := make([]byte, len(l.buf), max(2*len(l.buf), 4096))
		copy(rest, l.buf)
		n, err := l.r.Read(rest[len(rest):cap(rest)])
		l.buf = rest[:len(rest)+n]
		if err != nil {
			l.err = err
		}
	}
}
