package random

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
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

// TestParseViewStrict is the regression test for the lenient ParseView
// (encoding/json rules): most cases were accepted before (keys in another
// case, repeated keys, negative counts, lone surrogates, "team": [] next
// to "unstaffed", missing fields); each must be refused with a
// *ViewError naming the field and, where wantLine is set, a line holding
// that text.
func TestParseViewStrict(t *testing.T) {
	good, err := os.ReadFile(filepath.Join(testdata, "dr1-county-7", "expected-view.json"))
	require.NoError(t, err)
	s := string(good)
	replace := func(old, new string) string {
		out := strings.Replace(s, old, new, 1)
		require.NotEqual(t, s, out, "%q not in the view", old)
		return out
	}
	const team0 = "\"team\": [\n    \"WJ3717270084\",\n    \"WJ3717270077\"\n   ]"
	tests := []struct {
		name, in, field, wantLine string
		also                      error // a second error the ViewError wraps
	}{
		{"key in upper case", replace(`"protocol"`, `"PROTOCOL"`), "PROTOCOL", `"PROTOCOL"`, nil},
		{"key in another case, nested", replace(`"eligible_inspectors": 9`, `"Eligible_Inspectors": 9`), "selected[0].Eligible_Inspectors", `"Eligible_Inspectors"`, nil},
		{"repeated key", replace(`"protocol": "doublerandom/v1",`, `"protocol": "doublerandom/v1", "protocol": "doublerandom/v1",`), "protocol", `"protocol"`, nil},
		{"repeated key, last wins", replace(`"quota": 1,`, `"quota": 1, "quota": 0,`), "strata[0].quota", `"quota": 1, "quota": 0`, nil},
		{"repeated key in roots", replace(`"history": "680f`, `"history": "00", "history": "680f`), "roots.history", `"history"`, nil},
		{"negative eligible", replace(`"eligible": 8,`, `"eligible": -8,`), "strata[1].eligible", `"eligible": -8`, nil},
		{"negative excluded", replace(`"excluded": 0,`, `"excluded": -1,`), "strata[0].excluded", `"excluded": -1`, nil},
		{"negative quota", replace(`"quota": 3,`, `"quota": -3,`), "strata[1].quota", `"quota": -3`, nil},
		{"negative eligible inspectors", replace(`"eligible_inspectors": 1,`, `"eligible_inspectors": -1,`), "selected[1].eligible_inspectors", `"eligible_inspectors": -1`, nil},
		{"lone surrogate in an id", replace(`"id": "91371727B23C6F5DAF"`, `"id": "\ud800"`), "selected[0].id", `"\ud800"`, roster.ErrEncoding},
		{"lone low surrogate in a value", replace(`"drinking_water"`, `"\udc00x"`), "strata[0].values[1]", `"\udc00x"`, roster.ErrEncoding},
		{"lone surrogate in a key", replace(`"protocol"`, `"\ud800protocol"`), "\ufffdprotocol", `"\ud800protocol"`, roster.ErrEncoding},
		{"empty team next to unstaffed", replace(`"unstaffed": "short"`, `"team": [], "unstaffed": "short"`), "selected[1]", "", nil},
		{"empty team", replace(team0, `"team": []`), "selected[0].team", `"team": []`, nil},
		{"null team", replace(team0, `"team": null`), "selected[0]", "", nil},
		{"empty unstaffed", replace(`"unstaffed": "short"`, `"unstaffed": ""`), "selected[1]", "", nil},
		{"missing key", replace(`"key": "4730068ff4de32c7ada5bde673866566de11d35a2aa6ac15123ebc7fa4095956",`, ""), "key", "{", nil},
		{"missing excluded", replace(`"excluded": 0,`, ""), "strata[0].excluded", "", nil},
		{"missing eligible inspectors", replace(`"eligible_inspectors": 9,`, ""), "selected[0].eligible_inspectors", "", nil},
		{"no quota rule false", replace(`"threshold": null`, `"threshold": null, "no_quota_rule": false`), "strata[1].no_quota_rule", `"no_quota_rule": false`, nil},
		{"object in a list of ids", replace(`"WJ3717270084",`, `{},`), "selected[0].team[0]", "{}", nil},
		{"invalid UTF-8", replace(`"random"`, "\"rand\xffom\""), "", "\xff", roster.ErrEncoding},
		{"count above MaxCount", replace(`"eligible": 8,`, `"eligible": 2147483648,`), "", "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := ParseView([]byte(tc.in))
			require.Nil(t, v)
			require.ErrorIs(t, err, ErrBadView)
			if tc.also != nil {
				require.ErrorIs(t, err, tc.also)
			}
			var ve *ViewError
			require.ErrorAs(t, err, &ve)
			if tc.field != "" {
				require.Equal(t, tc.field, ve.Field, "%v", err)
			}
			if tc.wantLine != "" {
				lines := strings.Split(tc.in, "\n")
				require.Positive(t, ve.Line, "%v", err)
				require.Contains(t, lines[ve.Line-1], tc.wantLine, "%v", err)
			}
			t.Log(err)
		})
	}
}

// TestParseViewAccepts checks the views ParseView must keep accepting:
// the vectors, a stratum without "threshold", another layout, non-ASCII
// text written as UTF-8 or as escapes (a surrogate pair among them), and
// every view the library writes.
func TestParseViewAccepts(t *testing.T) {
	var inputs []string
	for _, dir := range []string{"dr1-county-7", "dr1-county-12"} {
		b, err := os.ReadFile(filepath.Join(testdata, dir, "expected-view.json"))
		require.NoError(t, err)
		inputs = append(inputs, string(b))
	}
	s := inputs[0]
	inputs = append(inputs,
		strings.Replace(s, `"quota": 3,
   "threshold": null`, `"quota": 3`, 1),
		strings.Join(strings.Fields(s), ""),
		strings.Replace(s, `"371727001"`, `"37\u00e9\ud83d\ude00 \\ud800 测试"`, 1),
	)
	th := Hex64(1)
	v := &View{Protocol: Protocol,
		Strata: []ViewStratum{{Values: []string{"测试 😀"}, Eligible: 2, Quota: 1, Threshold: &th}, {Values: []string{}, NoQuotaRule: true}},
		Selected: []ViewSelection{
			{ID: "P1 😀", Priority: th, Stratum: []string{"测试 😀"}, Mark: MarkRandom, EligibleInspectors: 2, Team: []string{"I2", "I1"}},
			{ID: "P2", Stratum: []string{}, Mark: MarkTargeted, Unstaffed: CodeNoTeamRule},
		}}
	enc, err := v.Encode()
	require.NoError(t, err)
	inputs = append(inputs, string(enc))
	for i, in := range inputs {
		got, err := ParseView([]byte(in))
		require.NoError(t, err, "input %d", i)
		again, err := got.Encode()
		require.NoError(t, err)
		back, err := ParseView(again)
		require.NoError(t, err, "input %d: the encoding is refused", i)
		require.Equal(t, got, back, "input %d", i)
	}
	got, err := ParseView(enc)
	require.NoError(t, err)
	require.Equal(t, v, got)
}

// encodeViewReflect is View.Encode as it was first written, with
// encoding/json: the reference the hand-written encoder must match.
func encodeViewReflect(t testing.TB, v *View) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	require.NoError(t, enc.Encode(v))
	return asciiJSON(buf.Bytes())
}

// TestViewEncodeMatchesEncodingJSON holds View.Encode to encoding/json's
// bytes on the vectors' views and on views with awkward strings, empty
// and nil lists.
func TestViewEncodeMatchesEncodingJSON(t *testing.T) {
	var views []*View
	for _, dir := range []string{"dr1-county-7", "dr1-county-12"} {
		b, err := os.ReadFile(filepath.Join(testdata, dir, "expected-view.json"))
		require.NoError(t, err)
		v, err := ParseView(b)
		require.NoError(t, err)
		views = append(views, v)
	}
	odd := []string{"", "P1", `a"b`, `back\slash`, "tab\there", "nl\n", "\x00\x01\x1f", "\x7f", "é", "测试", "😀", "\u2028\u2029", "<&>", "\xff\xfe", "a\u0080b"}
	rng := rand.New(rand.NewPCG(1, 2))
	pick := func() []string {
		switch rng.IntN(4) {
		case 0:
			return nil
		case 1:
			return []string{}
		}
		out := make([]string, 1+rng.IntN(3))
		for i := range out {
			out[i] = odd[rng.IntN(len(odd))]
		}
		return out
	}
	for range 200 {
		v := &View{Protocol: odd[rng.IntN(len(odd))], Key: Key{byte(rng.IntN(256))}}
		if rng.IntN(5) > 0 {
			v.Strata = []ViewStratum{}
			for range rng.IntN(3) {
				s := ViewStratum{Values: pick(), Eligible: rng.IntN(1000), Excluded: rng.IntN(3), Quota: rng.IntN(9), NoQuotaRule: rng.IntN(2) == 0}
				if rng.IntN(2) == 0 {
					th := Hex64(rng.Uint64())
					s.Threshold = &th
				}
				v.Strata = append(v.Strata, s)
			}
		}
		if rng.IntN(5) > 0 {
			v.Selected = []ViewSelection{}
			for range rng.IntN(3) {
				v.Selected = append(v.Selected, ViewSelection{ID: odd[rng.IntN(len(odd))], Priority: Hex64(rng.Uint64()), Stratum: pick(),
					Mark: Mark(1 + rng.IntN(3)), EligibleInspectors: rng.IntN(50), Team: pick(), Unstaffed: odd[rng.IntN(len(odd))]})
			}
		}
		views = append(views, v)
	}
	for i, v := range views {
		got, err := v.Encode()
		require.NoError(t, err)
		require.Equal(t, string(encodeViewReflect(t, v)), string(got), "view %d", i)
	}
}
