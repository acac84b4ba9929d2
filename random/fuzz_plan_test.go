package random

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// planSeeds are the plans of the vectors and the sample county, the
// starting points of FuzzParsePlan (more inputs, mostly malformed, are in
// testdata/fuzz/FuzzParsePlan).
func planSeeds(t testing.TB) [][]byte {
	var out [][]byte
	for _, f := range []string{
		filepath.Join(testdata, "dr1-county-7", "plan.json"),
		filepath.Join(testdata, "dr1-county-12", "plan.json"),
		filepath.Join("..", "examples", "internal", "samplecounty", "data", "plan.json"),
	} {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		out = append(out, b)
	}
	return out
}

// FuzzParsePlan checks that ParsePlan never panics, that everything it
// accepts is a well-formed plan (one JSON object, no repeated key, ratios
// written as strings and valid, teams of at least 2, stratify without
// repeats, quotas matching only stratify attributes, a real date), that
// the digest is the SHA-256 of the input, and that parsing the plan's
// bytes again gives an equal plan.
func FuzzParsePlan(f *testing.F) {
	for _, b := range planSeeds(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePlan(b)
		if err != nil {
			require.Nil(t, p)
			requirePlanError(t, err)
			return
		}
		checkAcceptedPlan(t, b, p)
		again, err := ParsePlan(p.Bytes())
		require.NoError(t, err)
		require.Equal(t, p, again)
	})
}

// checkAcceptedPlan checks the properties of an accepted plan.
func checkAcceptedPlan(t *testing.T, b []byte, p *Plan) {
	t.Helper()
	require.Equal(t, roster.Hash(sha256.Sum256(b)), p.Digest())
	require.Equal(t, b, p.Bytes())
	require.Equal(t, Protocol, p.Protocol)
	require.Equal(t, p.Date, mustParseDate(t, p.Date.String()), "date")

	// Well-formed JSON: one object, no repeated key at any level.
	require.True(t, json.Valid(b))
	require.NoError(t, noRepeatedKeys(b))
	var raw map[string]any
	require.NoError(t, json.Unmarshal(b, &raw))

	for i, q := range p.Quotas {
		require.NotZero(t, q.Ratio.Den, "quotas[%d]", i)
		require.LessOrEqual(t, q.Ratio.Num, q.Ratio.Den, "quotas[%d]", i)
		require.LessOrEqual(t, q.Ratio.Den, uint64(MaxRatioDen), "quotas[%d]", i)
		require.GreaterOrEqual(t, q.Min, 0)
		require.GreaterOrEqual(t, q.Max, 0)
		for _, c := range q.Match {
			require.Contains(t, p.Stratify, c.Attr, "quotas[%d] matches an attribute not stratified", i)
		}
		// The ratio was written as a JSON string, never a number.
		rq := raw["quotas"].([]any)[i].(map[string]any)
		_, isString := rq["ratio"].(string)
		require.True(t, isString, "quotas[%d].ratio is %T", i, rq["ratio"])
	}
	for i, a := range p.Stratify {
		require.Equal(t, i, slices.Index(p.Stratify, a), "stratify repeats %q", a)
	}
	for i, r := range p.Teams {
		require.GreaterOrEqual(t, r.Size, 2, "teams[%d].size", i)
		require.LessOrEqual(t, len(r.Units), r.Size, "teams[%d].units", i)
	}
	ids := map[string]bool{}
	for _, tg := range p.Targeted {
		require.NoError(t, roster.ValidName(tg.ID))
		require.False(t, ids[tg.ID], "targeted repeats %q", tg.ID)
		ids[tg.ID] = true
	}
	for _, n := range []int{p.Cooldown.Days, p.Cooldown.Max, p.CoverageDays, p.DefaultCapacity, p.Conflicts.RotationDays} {
		require.GreaterOrEqual(t, n, 0)
		require.LessOrEqual(t, n, MaxCount)
	}
}

func mustParseDate(t *testing.T, s string) roster.Date {
	t.Helper()
	d, err := roster.ParseDate(s)
	require.NoError(t, err)
	return d
}

// noRepeatedKeys reports an error if a JSON object in b repeats a key.
// It is independent of the plan parser's own check.
func noRepeatedKeys(b []byte) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	type frame struct {
		object bool
		keys   map[string]bool
		expect bool // in an object: the next token is a key
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
		if top != nil && top.object && top.expect {
			if d, ok := tok.(json.Delim); ok && d == '}' {
				stack = stack[:len(stack)-1]
				continue
			}
			k := tok.(string)
			if top.keys[k] {
				return errors.New("repeated key " + k)
			}
			top.keys[k] = true
			top.expect = false
			continue
		}
		if top != nil && top.object {
			top.expect = true // a value is done once it is read
		}
		switch tok {
		case json.Delim('{'):
			stack = append(stack, &frame{object: true, keys: map[string]bool{}, expect: true})
		case json.Delim('['):
			stack = append(stack, &frame{})
		case json.Delim(']'):
			stack = stack[:len(stack)-1]
		}
	}
}

// TestNoRepeatedKeys checks the checker the fuzz target relies on.
func TestNoRepeatedKeys(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{`{"a":1,"b":{"a":2,"c":[{"a":1},{"a":2}]}}`, true},
		{`{"a":{},"b":[[],{}],"c":"a"}`, true},
		{`{"a":1,"a":2}`, false},
		{`{"a":{"b":1,"b":2}}`, false},
		{`{"a":[{"b":1,"c":{},"b":2}]}`, false},
		{`{"x":[1,{"y":{}}],"x":0}`, false},
	}
	for _, tc := range tests {
		err := noRepeatedKeys([]byte(tc.in))
		if tc.ok {
			require.NoError(t, err, tc.in)
		} else {
			require.Error(t, err, tc.in)
		}
	}
}

// TestParsePlanRefusesMalformed is the fuzz target's list of known
// malformed plans, run as a test: each must be refused with a
// *PlanError naming the field.
func TestParsePlanRefusesMalformed(t *testing.T) {
	good := string(planSeeds(t)[0])
	replace := func(old, new string) []byte {
		out := bytes.Replace([]byte(good), []byte(old), []byte(new), 1)
		require.NotEqual(t, good, string(out), "%q not in the plan", old)
		return out
	}
	tests := []struct {
		name  string
		in    []byte
		field string
		err   error
	}{
		{"ratio number", replace(`"ratio": "20%"`, `"ratio": 0.2`), "quotas[0].ratio", ErrBadRatio},
		{"ratio junk", replace(`"ratio": "20%"`, `"ratio": "twenty"`), "quotas[0].ratio", ErrBadRatio},
		{"ratio above 1", replace(`"ratio": "20%"`, `"ratio": "3/2"`), "quotas[0].ratio", ErrBadRatio},
		{"ratio zero den", replace(`"ratio": "20%"`, `"ratio": "1/0"`), "quotas[0].ratio", ErrBadRatio},
		{"impossible date", replace(`"date": "2026-11-22"`, `"date": "2026-02-30"`), "date", ErrPlanValue},
		{"date not a string", replace(`"date": "2026-11-22"`, `"date": 20261122`), "date", ErrPlanValue},
		{"repeated key", replace(`"id": "test-7",`, `"id": "test-7", "id": "test-8",`), "id", ErrPlanSyntax},
		{"team of one", replace(`"size": 2,`, `"size": 1,`), "teams[0].size", ErrPlanValue},
		{"stratify repeated", replace(`"category"
  ],
  "quotas"`, `"category", "region"
  ],
  "quotas"`), "stratify[2]", ErrPlanValue},
		{"quota on unstratified attribute", replace(`"category": "school"`, `"risk": "A"`), "quotas[0].match.risk", ErrPlanValue},
		{"null", replace(`"min": 2`, `"min": null`), "quotas[0].min", ErrPlanValue},
		{"negative", replace(`"min": 2`, `"min": -2`), "quotas[0].min", ErrPlanValue},
		{"fraction count", replace(`"min": 2`, `"min": 2.0`), "quotas[0].min", ErrPlanValue},
		{"wrong protocol", replace(`"doublerandom/v1"`, `"doublerandom/v2"`), "protocol", ErrPlanValue},
		{"trailing data", []byte(good + "{}"), "", ErrPlanSyntax},
		{"array", []byte("[" + good + "]"), "", ErrPlanSyntax},
		{"empty", []byte{}, "", ErrPlanSyntax},
		{"invalid UTF-8", replace(`卫生健康`, "\xff\xfe"), "", ErrPlanSyntax},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, err := ParsePlan(tc.in)
			require.Nil(t, p)
			require.ErrorIs(t, err, tc.err)
			var pe *PlanError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, tc.field, pe.Field, "%v", err)
		})
	}
}

// requirePlanError checks an error of ParsePlan or ParsePlanV2: a
// *PlanError of a known kind, whose message can be written.
func requirePlanError(t *testing.T, err error) {
	t.Helper()
	var pe *PlanError
	require.ErrorAs(t, err, &pe, "every error is a *PlanError")
	require.True(t, errors.Is(err, ErrPlanSyntax) || errors.Is(err, ErrPlanValue) || errors.Is(err, ErrBadRatio), "error kind: %v", err)
	require.NotPanics(t, func() { _ = err.Error() })
}
