package random

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestViewEncodeLikePython pins the encoding of View.Encode to what
// Python's json.dumps(v, indent=1) writes (ensure_ascii on): do not
// change.
func TestViewEncodeLikePython(t *testing.T) {
	th := Hex64(0x8d220a5a5ab961b6)
	v := &View{
		Protocol: Protocol,
		Strata: []ViewStratum{
			{Values: []string{}, Eligible: 1, Quota: 0, NoQuotaRule: true},
			{Values: []string{"r1"}, Eligible: 2, Excluded: 1, Quota: 1, Threshold: &th},
		},
		Selected: []ViewSelection{
			{ID: "测试-01 😀 <&> \x7f é", Priority: 1, Stratum: []string{"r1"}, Mark: MarkRandom, EligibleInspectors: 2, Team: []string{"I1", "I2"}},
			{ID: "P2", Priority: 2, Stratum: []string{"r1"}, Mark: MarkTargeted, Unstaffed: CodeShort},
		},
	}
	got, err := v.Encode()
	require.NoError(t, err)
	// Written by python3 -c 'import json; print(json.dumps(v, indent=1))'.
	want := `{
 "protocol": "doublerandom/v1",
 "key": "0000000000000000000000000000000000000000000000000000000000000000",
 "inputs": "0000000000000000000000000000000000000000000000000000000000000000",
 "plan_digest": "0000000000000000000000000000000000000000000000000000000000000000",
 "roots": {
  "premises": "0000000000000000000000000000000000000000000000000000000000000000",
  "inspectors": "0000000000000000000000000000000000000000000000000000000000000000",
  "conflicts": "0000000000000000000000000000000000000000000000000000000000000000",
  "history": "0000000000000000000000000000000000000000000000000000000000000000"
 },
 "strata": [
  {
   "values": [],
   "eligible": 1,
   "excluded": 0,
   "quota": 0,
   "threshold": null,
   "no_quota_rule": true
  },
  {
   "values": [
    "r1"
   ],
   "eligible": 2,
   "excluded": 1,
   "quota": 1,
   "threshold": "8d220a5a5ab961b6"
  }
 ],
 "selected": [
  {
   "id": "\u6d4b\u8bd5-01 \ud83d\ude00 <&> \u007f \u00e9",
   "priority": "0000000000000001",
   "stratum": [
    "r1"
   ],
   "mark": "random",
   "eligible_inspectors": 2,
   "team": [
    "I1",
    "I2"
   ]
  },
  {
   "id": "P2",
   "priority": "0000000000000002",
   "stratum": [
    "r1"
   ],
   "mark": "targeted",
   "eligible_inspectors": 0,
   "unstaffed": "short"
  }
 ]
}
`
	require.Equal(t, want, string(got))

	back, err := ParseView(got)
	require.NoError(t, err)
	require.Equal(t, v, back)

	var buf bytes.Buffer
	n, err := v.WriteTo(&buf)
	require.NoError(t, err)
	require.Equal(t, int64(len(got)), n)
	require.Equal(t, got, buf.Bytes())

	_, err = (&View{Selected: []ViewSelection{{Mark: 0}}}).Encode()
	require.Error(t, err, "a selection without a mark cannot be encoded")
}

func TestParseViewRejects(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(testdata, "dr1-county-7", "expected-view.json"))
	require.NoError(t, err)
	_, err = ParseView(good)
	require.NoError(t, err)
	s := string(good)
	cases := map[string]string{
		"empty":            "",
		"trailing":         s + "{}",
		"unknown field":    strings.Replace(s, `"protocol"`, `"extra": 1, "protocol"`, 1),
		"protocol":         strings.Replace(s, `"doublerandom/v1"`, `"doublerandom/v2"`, 1),
		"short key":        strings.Replace(s, `"key": "4730`, `"key": "30`, 1),
		"short priority":   strings.Replace(s, `"priority": "8d220a5a5ab961b6"`, `"priority": "8d220a5a5ab961b"`, 1),
		"threshold number": strings.Replace(s, `"threshold": "8d220a5a5ab961b6"`, `"threshold": 5`, 1),
		"mark":             strings.Replace(s, `"mark": "random"`, `"mark": "lucky"`, 1),
		"team and unstaffed": strings.Replace(s, `"eligible_inspectors": 9,
   "team"`, `"eligible_inspectors": 9, "unstaffed": "short",
   "team"`, 1),
		"neither team nor unstaffed": strings.Replace(s, `,
   "unstaffed": "short"`, ``, 1),
		"unknown code": strings.Replace(s, `"unstaffed": "short"`, `"unstaffed": "ill"`, 1),
		"no stratum":   strings.Replace(s, "\"stratum\": [\n    \"371727001\",\n    \"drinking_water\"\n   ],\n   ", "", 1),
		"no values":    strings.Replace(s, "\"values\": [\n    \"371727001\",\n    \"drinking_water\"\n   ],\n   ", "", 1),
		"no id":        strings.Replace(s, `"id": "91371727B23C6F5DAF",`, ``, 1),
		"no mark":      strings.Replace(s, `"mark": "random",`, ``, 1),
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			require.NotEqual(t, s, in, "the case must change the input")
			_, err := ParseView([]byte(in))
			require.ErrorIs(t, err, ErrBadView)
		})
	}
}

func TestHex64(t *testing.T) {
	var h Hex64
	require.NoError(t, h.UnmarshalText([]byte("00000000000000ff")))
	require.Equal(t, Hex64(255), h)
	require.Equal(t, "00000000000000ff", h.String())
	require.Error(t, h.UnmarshalText([]byte("ff")))
}
