package publish

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const goodDoc = "doublerandom/v1 draw\n" +
	"ledger: example.gov.cn/scjgj\n" +
	"seq: 2\n" +
	"prev: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n" +
	"announcement: 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n" +
	"plan: 2026-Q4-public-health\n" +
	"\n" +
	"{\"protocol\":\"doublerandom/v1\",\"名称\":\"公共卫生\"}\n"

func TestDocumentRoundTrip(t *testing.T) {
	d, err := ParseDocument([]byte(goodDoc))
	require.NoError(t, err)
	require.Equal(t, KindDraw, d.Kind)
	require.Equal(t, "example.gov.cn/scjgj", d.Ledger)
	require.Equal(t, int64(2), d.Seq)
	require.Equal(t, "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", d.Prev.String())
	require.Equal(t, []Header{
		{"announcement", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"},
		{"plan", "2026-Q4-public-health"},
	}, d.Headers)
	v, ok := d.Header("plan")
	require.True(t, ok)
	require.Equal(t, "2026-Q4-public-health", v)
	out, err := d.MarshalText()
	require.NoError(t, err)
	require.Equal(t, goodDoc, string(out))

	d2 := &Document{Kind: KindAnnouncement, Ledger: "县局", Seq: 1, Body: []byte("{}\n  indented\n")}
	out, err = d2.MarshalText()
	require.NoError(t, err)
	require.Equal(t, "doublerandom/v1 announcement\nledger: 县局\nseq: 1\nprev: "+strings.Repeat("0", 64)+"\n\n{}\n  indented\n", string(out))
	back, err := ParseDocument(out)
	require.NoError(t, err)
	require.Equal(t, d2, back)
}

func TestParseDocumentRejects(t *testing.T) {
	zeros := strings.Repeat("0", 64)
	head := "doublerandom/v1 draw\nledger: L\nseq: 1\nprev: " + zeros + "\n"
	cases := []struct {
		name, text, field string
		line              int
	}{
		{"unknown version", "doublerandom/v2 draw\nledger: L\nseq: 1\nprev: " + zeros + "\n\nx\n", "version", 1},
		{"unknown kind", "doublerandom/v1 verdict\nledger: L\nseq: 1\nprev: " + zeros + "\n\nx\n", "version", 1},
		{"version trailing space", "doublerandom/v1 draw \nledger: L\nseq: 1\nprev: " + zeros + "\n\nx\n", "version", 1},
		{"bom", "\ufeffdoublerandom/v1 draw\nledger: L\nseq: 1\nprev: " + zeros + "\n\nx\n", "version", 1},
		{"header order", "doublerandom/v1 draw\nseq: 1\nledger: L\nprev: " + zeros + "\n\nx\n", "seq", 2},
		{"missing prev", "doublerandom/v1 draw\nledger: L\nseq: 1\n\nx\n", "prev", 4},
		{"duplicate fixed", head + "seq: 1\n\nx\n", "seq", 5},
		{"duplicate extra", head + "a: 1\na: 2\n\nx\n", "a", 6},
		{"unsorted extra", head + "b: 1\na: 2\n\nx\n", "a", 6},
		{"uppercase name", head + "Plan: x\n\nx\n", "header", 5},
		{"no space after colon", head + "plan:x\n\nx\n", "plan", 5},
		{"two spaces after colon", head + "plan:  x\n\nx\n", "plan", 5},
		{"trailing space in header", head + "plan: x \n\nx\n", "plan", 5},
		{"empty value", head + "plan: \n\nx\n", "plan", 5},
		{"no colon", head + "plan\n\nx\n", "header", 5},
		{"seq leading zero", "doublerandom/v1 draw\nledger: L\nseq: 01\nprev: " + zeros + "\n\nx\n", "seq", 3},
		{"seq zero", "doublerandom/v1 draw\nledger: L\nseq: 0\nprev: " + zeros + "\n\nx\n", "seq", 3},
		{"seq sign", "doublerandom/v1 draw\nledger: L\nseq: +1\nprev: " + zeros + "\n\nx\n", "seq", 3},
		{"prev uppercase", "doublerandom/v1 draw\nledger: L\nseq: 1\nprev: " + strings.Repeat("A", 64) + "\n\nx\n", "prev", 4},
		{"prev short", "doublerandom/v1 draw\nledger: L\nseq: 1\nprev: 00\n\nx\n", "prev", 4},
		{"ledger with space", "doublerandom/v1 draw\nledger: a b\nseq: 1\nprev: " + zeros + "\n\nx\n", "ledger", 2},
		{"ledger with plus", "doublerandom/v1 draw\nledger: a+b\nseq: 1\nprev: " + zeros + "\n\nx\n", "ledger", 2},
		{"crlf", "doublerandom/v1 draw\r\nledger: L\nseq: 1\nprev: " + zeros + "\n\nx\n", "text", 1},
		{"tab", head + "\nx\ty\n", "text", 6},
		{"del", head + "\nx\x7fy\n", "text", 6},
		{"invalid utf8", head + "\nx\xffy\n", "text", 6},
		{"no blank line", head, "header", 4},
		{"empty body", head + "\n", "body", 6},
		{"body empty line", head + "\nx\n\ny\n", "body", 7},
		{"body trailing space", head + "\nx \n", "body", 6},
		{"body trailing blank", head + "\nx\n\n", "body", 7},
		{"no final newline", head + "\nx", "text", 6},
		{"empty", "", "text", 0},
	}
	for _, c := range cases {
		_, err := ParseDocument([]byte(c.text))
		var de *DocumentError
		require.ErrorAs(t, err, &de, c.name)
		require.ErrorIs(t, err, ErrMalformed, c.name)
		require.Equal(t, c.field, de.Field, "%s: %v", c.name, err)
		require.Equal(t, c.line, de.Line, "%s: %v", c.name, err)
	}
}

func TestMarshalTextRejects(t *testing.T) {
	ok := Document{Kind: KindResults, Ledger: "L", Seq: 1, Body: []byte("x\n")}
	for name, mod := range map[string]func(d *Document){
		"kind":           func(d *Document) { d.Kind = "Results" },
		"ledger":         func(d *Document) { d.Ledger = "a b" },
		"seq":            func(d *Document) { d.Seq = 0 },
		"unsorted":       func(d *Document) { d.Headers = []Header{{"b", "1"}, {"a", "1"}} },
		"duplicate":      func(d *Document) { d.Headers = []Header{{"a", "1"}, {"a", "1"}} },
		"fixed as extra": func(d *Document) { d.Headers = []Header{{"seq", "1"}} },
		"value space":    func(d *Document) { d.Headers = []Header{{"a", " 1"}} },
		"value newline":  func(d *Document) { d.Headers = []Header{{"a", "1\nb: 2"}} },
		"body":           func(d *Document) { d.Body = []byte("x") },
		"body empty":     func(d *Document) { d.Body = nil },
	} {
		d := ok
		mod(&d)
		_, err := d.MarshalText()
		require.ErrorIs(t, err, ErrMalformed, name)
	}
	_, err := ok.MarshalText()
	require.NoError(t, err)
}

func TestSignedDocument(t *testing.T) {
	as, av := testKey(t, agencyName)
	ws, wv := testKey(t, witnessName)
	d := &Document{Kind: KindAnnouncement, Ledger: agencyName, Seq: 1, Body: []byte("{}\n")}
	msg, err := SignDocument(d, as, ws)
	require.NoError(t, err)
	got, err := ParseSigned(msg)
	require.NoError(t, err)
	require.Equal(t, d, got)
	got, o, err := Policy{Require: []string{witnessName}}.OpenDocument(msg, av, wv)
	require.NoError(t, err)
	require.Equal(t, d, got)
	require.Len(t, o.Signers, 2)
	// A signed note whose text is not a document.
	msg, err = Sign([]byte("hello\n"), as)
	require.NoError(t, err)
	_, _, err = OpenDocument(msg, av)
	require.ErrorIs(t, err, ErrMalformed)
}

func FuzzParseDocument(f *testing.F) {
	f.Add([]byte(goodDoc))
	f.Add([]byte("doublerandom/v1 results\nledger: L\nseq: 9\nprev: " + strings.Repeat("f", 64) + "\n\nx\n"))
	f.Add([]byte("doublerandom/v1 withdrawal\nledger: L\nseq: 2\nprev: " + strings.Repeat("a", 64) + "\n\n{\n \"reason\": \"x\"\n}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseDocument(b)
		if err != nil {
			return
		}
		out, err := d.MarshalText()
		if err != nil {
			t.Fatalf("parsed but does not marshal: %v", err)
		}
		if !bytes.Equal(out, b) {
			t.Fatalf("round trip changed\n%q\n%q", b, out)
		}
	})
}
