package roster

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestReadJSONL(t *testing.T) {
	in := "\ufeff{\"id\":\"I2\",\"specialties\":\"public_health;medical\",\"capacity\":\"3\"}\r\n" +
		"\n" +
		"  \n" +
		`{"name":"张三","id":"I1","unit":""}` + "\n"
	tab, err := ReadJSONL(strings.NewReader(in), KindInspectors, Options{})
	require.NoError(t, err)
	require.Equal(t, []Row{
		{ID: "I1", Attrs: []Attr{{"name", "张三"}}, Line: 4},
		{ID: "I2", Attrs: []Attr{{"capacity", "3"}, {"specialties", "medical;public_health"}}, Line: 1},
	}, tab.Rows())
	n, ok := Inspector{tab.At(1)}.Capacity()
	require.True(t, ok)
	require.Equal(t, 3, n)
}

func TestReadJSONLBadFiles(t *testing.T) {
	tests := []struct {
		name  string
		kind  Kind
		jsonl string
		want  want
	}{
		{"number value", KindInspectors, `{"id":"I1","capacity":3}`, want{ErrBadValue, 1, 2, "capacity", "3"}},
		{"bool value", KindInspectors, `{"id":"I1","x":true}`, want{ErrBadValue, 1, 2, "x", "true"}},
		{"null value", KindInspectors, `{"id":"I1","x":null}`, want{ErrBadValue, 1, 2, "x", "null"}},
		{"nested value", KindInspectors, `{"id":"I1","x":{"a":[1,2]}}`, want{ErrBadValue, 1, 2, "x", "{"}},
		{"array value", KindInspectors, `{"x":["a"],"id":"I1"}`, want{ErrBadValue, 1, 1, "x", "["}},
		{"numeric id", KindInspectors, `{"id":7}`, want{ErrBadValue, 1, 1, "id", "7"}},
		{"repeated name", KindInspectors, `{"id":"I1","unit":"a","unit":"b"}`, want{ErrBadName, 1, 3, "unit", "unit"}},
		{"no id", KindPremises, `{"name":"x"}`, want{ErrBadName, 1, 0, "id", ""}},
		{"empty id", KindPremises, `{"id":"","name":"x"}`, want{ErrBadName, 1, 1, "id", ""}},
		{"control character", KindPremises, `{"id":"P1","name":"a\u0007b"}`, want{ErrBadValue, 1, 2, "name", "a\x07b"}},
		{"invalid UTF-8", KindPremises, "{\"id\":\"P1\",\"name\":\"a\xffb\"}", want{ErrEncoding, 1, 0, "", "{\"id\":\"P1\",\"name\":\"a\xffb\"}"}},
		{"lone surrogate", KindPremises, `{"id":"P1","name":"a\ud800b"}`, want{ErrEncoding, 1, 0, "", `{"id":"P1","name":"a\ud800b"}`}},
		{"not an object", KindPremises, `["P1"]`, want{ErrSyntax, 1, 0, "", `["P1"]`}},
		{"two objects", KindPremises, `{"id":"P1"}{"id":"P2"}`, want{ErrSyntax, 1, 0, "", `{"id":"P1"}{"id":"P2"}`}},
		{"truncated", KindPremises, `{"id":"P1"`, want{ErrSyntax, 1, 0, "", `{"id":"P1"`}},
		{"bad date", KindHistory, `{"id":"H1","premises":"P1","date":"2026-2-3"}`, want{ErrBadDate, 1, 3, "date", "2026-2-3"}},
		{"duplicate id", KindPremises, "{\"id\":\"P1\"}\n{\"id\":\"P1\"}", want{ErrDuplicateID, 2, 0, "id", "P1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := Options{File: tt.kind.String() + ".jsonl"}
			_, err := ReadJSONL(strings.NewReader(tt.jsonl+"\n"), tt.kind, opt)
			requireOne(t, err, opt.File, tt.want)
		})
	}
}

func TestScanJSONL(t *testing.T) {
	in := "{\"id\":\"P1\"}\n{\"id\":\" P2\"}\n{\"id\":\"P3\"}"
	var ids []string
	var errs []error
	for r, err := range ScanJSONL(strings.NewReader(in), KindPremises, Options{}) {
		if err != nil {
			errs = append(errs, err)
			continue
		}
		ids = append(ids, r.ID)
	}
	require.Equal(t, []string{"P1", "P3"}, ids)
	require.Len(t, errs, 1)
	require.ErrorIs(t, errs[0], ErrBadName)
}

func TestLoneSurrogate(t *testing.T) {
	for _, tc := range []struct {
		raw  string
		lone bool
	}{
		{`{"id":"a","b":"\ud83d\ude00"}`, false}, // a pair: 😀
		{`{"id":"a","b":"\\ud800"}`, false},      // an escaped backslash, then text
		{`{"id":"a","b":"\ufffd"}`, false},       // U+FFFD spelt out is a character
		{`{"id":"a","b":"\ud800"}`, true},
		{`{"id":"a","b":"\udc00"}`, true},
		{`{"id":"a","b":"\ud800\\ufffd"}`, true},
		{`{"id":"a","b":"\ud800\u0041"}`, true},
		{`{"id":"a","\ud800":""}`, true},
		{`{"id":"a","b":"\ud800`, true},
	} {
		require.Equal(t, tc.lone, loneSurrogate([]byte(tc.raw)), tc.raw)
	}
}
