package random

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// basePlan uses every field of protocol §2.
const basePlan = `{
 "protocol": "doublerandom/v1",
 "id": "t-1",
 "name": "测试",
 "date": "2026-11-22",
 "scope": {"category": ["a", "b"], "region": ["r1", "r2"]},
 "stratify": ["region", "category"],
 "quotas": [
  {"match": {"category": "a"}, "ratio": "20%", "min": 1, "max": 5},
  {"ratio": "1/3"}
 ],
 "cooldown": {"days": 365, "max": 2},
 "coverage_days": 1095,
 "targeted": [{"id": "P1", "reason": "complaint"}],
 "teams": [
  {"match": {"category": "a"}, "size": 3, "specialty": "s", "units": ["u1"], "max_per_unit": 2, "region_prefix": 6},
  {"size": 2}
 ],
 "conflicts": {"declared": true, "rotation_days": 365, "home_region": true},
 "default_capacity": 10
}
`

func TestParsePlanFields(t *testing.T) {
	p, err := ParsePlan([]byte(basePlan))
	require.NoError(t, err)
	require.Equal(t, Protocol, p.Protocol)
	require.Equal(t, "t-1", p.ID)
	require.Equal(t, "测试", p.Name)
	require.Equal(t, roster.MustParseDate("2026-11-22"), p.Date)
	require.Equal(t, []ScopeRule{{"category", []string{"a", "b"}}, {"region", []string{"r1", "r2"}}}, p.Scope)
	require.Equal(t, []string{"region", "category"}, p.Stratify)
	require.Len(t, p.Quotas, 2)
	require.Equal(t, Match{{"category", "a"}}, p.Quotas[0].Match)
	require.Equal(t, uint64(1), p.Quotas[0].Ratio.Num)
	require.Equal(t, uint64(5), p.Quotas[0].Ratio.Den)
	require.Equal(t, "20%", p.Quotas[0].Ratio.String())
	require.Equal(t, 1, p.Quotas[0].Min)
	require.Equal(t, 5, p.Quotas[0].Max)
	require.Nil(t, p.Quotas[1].Match)
	require.Equal(t, 0, p.Quotas[1].Max)
	require.Equal(t, Cooldown{Days: 365, Max: 2}, p.Cooldown)
	require.Equal(t, 1095, p.CoverageDays)
	require.Equal(t, []Target{{"P1", "complaint"}}, p.Targeted)
	require.Equal(t, TeamRule{Match: Match{{"category", "a"}}, Size: 3, Specialty: "s", Units: []string{"u1"}, MaxPerUnit: 2, RegionPrefix: 6}, p.Teams[0])
	require.Equal(t, TeamRule{Size: 2}, p.Teams[1])
	require.Equal(t, ConflictRules{Declared: true, RotationDays: 365, HomeRegion: true}, p.Conflicts)
	require.Equal(t, 10, p.DefaultCapacity)
	require.Equal(t, []byte(basePlan), p.Bytes())
	require.Equal(t, roster.Hash(sha256.Sum256([]byte(basePlan))), p.Digest())
}

func TestParsePlanVectors(t *testing.T) {
	for _, dir := range []string{"dr1-county-7", "dr1-county-12"} {
		name := filepath.Join(testdata, dir, "plan.json")
		b, err := os.ReadFile(name)
		require.NoError(t, err)
		p, err := LoadPlan(name)
		require.NoError(t, err)
		require.Equal(t, roster.Hash(sha256.Sum256(b)), p.Digest())
		require.Len(t, p.Quotas, 4)
		require.Len(t, p.Teams, 3)
	}
}

// TestParsePlanExtraFields: fields the protocol does not name are
// allowed, carried and hashed.
func TestParsePlanExtraFields(t *testing.T) {
	extra := strings.Replace(basePlan, `"id": "t-1",`, `"id": "t-1", "approved_by": {"name": "x", "n": [1, 2.5, null]}, "Protocol": 7,`, 1)
	extra = strings.Replace(extra, `{"ratio": "1/3"}`, `{"ratio": "1/3", "note": "rest"}`, 1)
	p, err := ParsePlan([]byte(extra))
	require.NoError(t, err)
	base, err := ParsePlan([]byte(basePlan))
	require.NoError(t, err)
	require.NotEqual(t, base.Digest(), p.Digest())
	require.Equal(t, base.Quotas, p.Quotas)
	// Whitespace is part of the bytes, hence of the digest.
	p2, err := ParsePlan([]byte(basePlan + "\n"))
	require.NoError(t, err)
	require.NotEqual(t, base.Digest(), p2.Digest())
}

// mutate decodes basePlan, applies f, and encodes it again.
func mutate(f func(m map[string]any)) string {
	var m map[string]any
	if err := json.Unmarshal([]byte(basePlan), &m); err != nil {
		panic(err)
	}
	f(m)
	b, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		panic(err)
	}
	return string(b)
}

func quota(m map[string]any, i int) map[string]any {
	return m["quotas"].([]any)[i].(map[string]any)
}

func team(m map[string]any, i int) map[string]any {
	return m["teams"].([]any)[i].(map[string]any)
}

func TestParsePlanRejects(t *testing.T) {
	cases := []struct {
		name  string
		plan  string
		field string
		value string // substring of PlanError.Value
		is    error
	}{
		{"empty", "", "", "", ErrPlanSyntax},
		{"not an object", `["protocol"]`, "", "", ErrPlanSyntax},
		{"truncated", basePlan[:100], "", "", ErrPlanSyntax},
		{"trailing data", basePlan + "{}", "", "", ErrPlanSyntax},
		{"trailing junk", basePlan + "x", "", "", ErrPlanSyntax},
		{"bad utf-8", strings.Replace(basePlan, "测试", "\xff", 1), "", "", ErrPlanSyntax},
		{"duplicate key", strings.Replace(basePlan, `"id": "t-1",`, `"id": "t-1", "id": "t-2",`, 1), "id", "", ErrPlanSyntax},
		{"duplicate nested key", strings.Replace(basePlan, `"min": 1,`, `"min": 1, "min": 2,`, 1), "quotas[0].min", "", ErrPlanSyntax},
		{"duplicate key in extra field", strings.Replace(basePlan, `"id": "t-1",`, `"x": {"a": 1, "a": 1},`, 1), "x.a", "", ErrPlanSyntax},
		{"protocol missing", mutate(func(m map[string]any) { delete(m, "protocol") }), "protocol", "", ErrPlanValue},
		{"protocol wrong", mutate(func(m map[string]any) { m["protocol"] = "doublerandom/v2" }), "protocol", `"doublerandom/v2"`, ErrPlanValue},
		{"protocol number", mutate(func(m map[string]any) { m["protocol"] = 1 }), "protocol", "1", ErrPlanValue},
		{"date missing", mutate(func(m map[string]any) { delete(m, "date") }), "date", "", ErrPlanValue},
		{"date impossible", mutate(func(m map[string]any) { m["date"] = "2026-02-30" }), "date", "2026-02-30", roster.ErrBadDate},
		{"date format", mutate(func(m map[string]any) { m["date"] = "22/11/2026" }), "date", "22/11/2026", roster.ErrBadDate},
		{"id number", mutate(func(m map[string]any) { m["id"] = 12 }), "id", "12", ErrPlanValue},
		{"ratio number", mutate(func(m map[string]any) { quota(m, 1)["ratio"] = 0.05 }), "quotas[1].ratio", "0.05", ErrBadRatio},
		{"ratio above 1", mutate(func(m map[string]any) { quota(m, 0)["ratio"] = "150%" }), "quotas[0].ratio", "150%", ErrBadRatio},
		{"ratio zero denominator", mutate(func(m map[string]any) { quota(m, 0)["ratio"] = "1/0" }), "quotas[0].ratio", "1/0", ErrBadRatio},
		{"ratio junk", mutate(func(m map[string]any) { quota(m, 0)["ratio"] = "lots" }), "quotas[0].ratio", "lots", ErrBadRatio},
		{"ratio negative", mutate(func(m map[string]any) { quota(m, 0)["ratio"] = "-5%" }), "quotas[0].ratio", "-5%", ErrBadRatio},
		{"ratio missing", mutate(func(m map[string]any) { delete(quota(m, 1), "ratio") }), "quotas[1].ratio", "", ErrPlanValue},
		{"ratio null", mutate(func(m map[string]any) { quota(m, 1)["ratio"] = nil }), "quotas[1].ratio", "null", ErrPlanValue},
		{"min negative", mutate(func(m map[string]any) { quota(m, 0)["min"] = -1 }), "quotas[0].min", "-1", ErrPlanValue},
		{"min fraction", mutate(func(m map[string]any) { quota(m, 0)["min"] = 1.5 }), "quotas[0].min", "1.5", ErrPlanValue},
		{"min string", mutate(func(m map[string]any) { quota(m, 0)["min"] = "1" }), "quotas[0].min", `"1"`, ErrPlanValue},
		{"min exponent", strings.Replace(basePlan, `"min": 1,`, `"min": 1e2,`, 1), "quotas[0].min", "1e2", ErrPlanValue},
		{"min huge", strings.Replace(basePlan, `"min": 1,`, `"min": 2147483648,`, 1), "quotas[0].min", "2147483648", ErrPlanValue},
		{"max null", mutate(func(m map[string]any) { quota(m, 0)["max"] = nil }), "quotas[0].max", "null", ErrPlanValue},
		{"min above max", mutate(func(m map[string]any) { quota(m, 0)["min"] = 6 }), "quotas[0].min", "6", ErrPlanValue},
		{"match not object", mutate(func(m map[string]any) { quota(m, 0)["match"] = []any{"a"} }), "quotas[0].match", "", ErrPlanValue},
		{"match value number", mutate(func(m map[string]any) { quota(m, 0)["match"] = map[string]any{"category": 1} }), "quotas[0].match.category", "1", ErrPlanValue},
		{"quota match not stratified", mutate(func(m map[string]any) { quota(m, 0)["match"] = map[string]any{"risk": "D"} }), "quotas[0].match.risk", "risk", ErrPlanValue},
		{"quotas not list", mutate(func(m map[string]any) { m["quotas"] = map[string]any{} }), "quotas", "", ErrPlanValue},
		{"quota not object", mutate(func(m map[string]any) { m["quotas"] = []any{"5%"} }), "quotas[0]", "5%", ErrPlanValue},
		{"scope not object", mutate(func(m map[string]any) { m["scope"] = []any{"a"} }), "scope", "", ErrPlanValue},
		{"scope empty list", mutate(func(m map[string]any) { m["scope"] = map[string]any{"category": []any{}} }), "scope.category", "[]", ErrPlanValue},
		{"scope value number", mutate(func(m map[string]any) { m["scope"] = map[string]any{"category": []any{"a", 2}} }), "scope.category[1]", "2", ErrPlanValue},
		{"stratify repeated", mutate(func(m map[string]any) { m["stratify"] = []any{"region", "region"} }), "stratify[1]", "region", ErrPlanValue},
		{"stratify string", mutate(func(m map[string]any) { m["stratify"] = "region" }), "stratify", "region", ErrPlanValue},
		{"cooldown days string", mutate(func(m map[string]any) { m["cooldown"] = map[string]any{"days": "365"} }), "cooldown.days", "365", ErrPlanValue},
		{"coverage negative", mutate(func(m map[string]any) { m["coverage_days"] = -5 }), "coverage_days", "-5", ErrPlanValue},
		{"targeted id missing", mutate(func(m map[string]any) { m["targeted"] = []any{map[string]any{"reason": "x"}} }), "targeted[0].id", "", ErrPlanValue},
		{"targeted repeated", mutate(func(m map[string]any) {
			m["targeted"] = []any{map[string]any{"id": "P1"}, map[string]any{"id": "P1"}}
		}), "targeted[1].id", "P1", ErrPlanValue},
		{"targeted bad id", mutate(func(m map[string]any) { m["targeted"] = []any{map[string]any{"id": " P1"}} }), "targeted[0].id", "P1", roster.ErrBadName},
		{"targeted string", mutate(func(m map[string]any) { m["targeted"] = []any{"P1"} }), "targeted[0]", "P1", ErrPlanValue},
		{"team size 1", mutate(func(m map[string]any) { team(m, 1)["size"] = 1 }), "teams[1].size", "1", ErrPlanValue},
		{"team size missing", mutate(func(m map[string]any) { delete(team(m, 1), "size") }), "teams[1].size", "", ErrPlanValue},
		{"team units too many", mutate(func(m map[string]any) { team(m, 1)["units"] = []any{"u1", "u2", "u3"} }), "teams[1].units", "u3", ErrPlanValue},
		{"team unit over max_per_unit", mutate(func(m map[string]any) {
			team(m, 0)["units"] = []any{"u1", "u1"}
			team(m, 0)["max_per_unit"] = 1
		}), "teams[0].units[0]", "u1", ErrPlanValue},
		{"team units string", mutate(func(m map[string]any) { team(m, 0)["units"] = "u1" }), "teams[0].units", "u1", ErrPlanValue},
		{"team region_prefix negative", mutate(func(m map[string]any) { team(m, 0)["region_prefix"] = -6 }), "teams[0].region_prefix", "-6", ErrPlanValue},
		{"team specialty list", mutate(func(m map[string]any) { team(m, 0)["specialty"] = []any{"s"} }), "teams[0].specialty", "", ErrPlanValue},
		{"conflicts declared string", mutate(func(m map[string]any) { m["conflicts"] = map[string]any{"declared": "yes"} }), "conflicts.declared", "yes", ErrPlanValue},
		{"default_capacity bool", mutate(func(m map[string]any) { m["default_capacity"] = true }), "default_capacity", "true", ErrPlanValue},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := ParsePlan([]byte(c.plan))
			require.Error(t, err)
			require.ErrorIs(t, err, c.is)
			var pe *PlanError
			require.True(t, errors.As(err, &pe), "%T %v", err, err)
			require.Equal(t, c.field, pe.Field, err.Error())
			require.Contains(t, pe.Value, c.value)
			if c.plan != "" {
				require.Positive(t, pe.Line, err.Error())
			}
			require.NotEmpty(t, err.Error())
		})
	}
}

func TestPlanErrorLine(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(testdata, "dr1-county-7", "plan.json"))
	require.NoError(t, err)
	bad := strings.Replace(string(b), `"ratio": "1/3",`, `"ratio": 0.333,`, 1)
	_, err = ParsePlan([]byte(bad))
	var pe *PlanError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "quotas[2].ratio", pe.Field)
	require.Equal(t, "0.333", pe.Value)
	lines := strings.Split(bad, "\n")
	require.Contains(t, lines[pe.Line-1], `"ratio": 0.333`)
	require.Contains(t, err.Error(), "quotas[2].ratio")
	require.Contains(t, err.Error(), "0.333")

	dir := t.TempDir()
	name := filepath.Join(dir, "plan.json")
	require.NoError(t, os.WriteFile(name, []byte(bad), 0o644))
	_, err = LoadPlan(name)
	require.ErrorAs(t, err, &pe)
	require.Equal(t, name, pe.File)
	require.True(t, strings.HasPrefix(err.Error(), name+":"), err.Error())
	_, err = LoadPlan(filepath.Join(dir, "missing.json"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestPlanCheck(t *testing.T) {
	set := mkSet(t, tables{
		premises: []map[string]string{
			{"id": "P1", "region": "r1", "category": "a"},
			{"id": "P2", "region": "r1", "category": "c"},
			{"id": "P3", "region": "r1", "category": "a", "status": "closed"},
		},
		inspectors: []map[string]string{
			{"id": "I1", "unit": "u1"},
			{"id": "I2", "unit": "u2", "status": "inactive"},
		},
	})
	base, err := ParsePlan([]byte(basePlan))
	require.NoError(t, err)
	require.NoError(t, base.Check(set))

	cases := []struct {
		name  string
		plan  string
		field string
		is    error
	}{
		{"targeted unknown", mutate(func(m map[string]any) { m["targeted"] = []any{map[string]any{"id": "P9"}} }), "targeted[0].id", ErrTargetUnknown},
		{"targeted out of scope attr", mutate(func(m map[string]any) {
			m["targeted"] = []any{map[string]any{"id": "P1"}, map[string]any{"id": "P2"}}
		}), "targeted[1].id", ErrTargetOutOfScope},
		{"targeted closed", mutate(func(m map[string]any) { m["targeted"] = []any{map[string]any{"id": "P3"}} }), "targeted[0].id", ErrTargetOutOfScope},
		{"unit nobody has", mutate(func(m map[string]any) { team(m, 1)["units"] = []any{"u9"} }), "teams[1].units[0]", ErrUnitUnknown},
		{"unit only inactive inspectors have", mutate(func(m map[string]any) { team(m, 1)["units"] = []any{"u1", "u2"} }), "teams[1].units[1]", ErrUnitUnknown},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p, err := ParsePlan([]byte(c.plan))
			require.NoError(t, err)
			err = p.Check(set)
			require.ErrorIs(t, err, c.is)
			var pe *PlanError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, c.field, pe.Field)
			require.Positive(t, pe.Line)
		})
	}

	// A plan changed in Go after parsing is checked again.
	p, err := ParsePlan([]byte(basePlan))
	require.NoError(t, err)
	p.Teams[1].Size = 1
	require.ErrorIs(t, p.Check(set), ErrPlanValue)
}

func TestMatchHolds(t *testing.T) {
	r, err := roster.NewRow("P1", map[string]string{"category": "a", "region": "r1"})
	require.NoError(t, err)
	require.True(t, Match(nil).Holds(r))
	require.True(t, Match{{"category", "a"}}.Holds(r))
	require.True(t, Match{{"category", "a"}, {"region", "r1"}}.Holds(r))
	require.False(t, Match{{"category", "a"}, {"region", "r2"}}.Holds(r))
	require.True(t, Match{{"risk", ""}}.Holds(r), "empty value matches an absent attribute")
	require.False(t, Match{{"risk", "D"}}.Holds(r))
}

// TestParsePlanLoneSurrogate is the regression test for plans with an
// escape of a lone surrogate, which encoding/json reads as U+FFFD (so
// "\ud800" and "\ufffd" would give the same id) and the JSON Lines loader
// refuses: ParsePlan refuses them too, naming the line, the field and the
// escape's offset; escapes of characters, pairs among them, still parse.
func TestParsePlanLoneSurrogate(t *testing.T) {
	refused := []struct {
		name, old, new, field, line string
	}{
		{"high surrogate in id", `"id": "t-1"`, `"id": "\ud800"`, "id", `"id": "\ud800"`},
		{"low surrogate in name", `"name": "测试"`, `"name": "测\uDC00试"`, "name", `"name": "测\uDC00试"`},
		{"high then other escape", `"id": "t-1"`, `"id": "\ud800\u0041"`, "id", `"id": "\ud800\u0041"`},
		{"in a list", `"stratify": ["region", "category"]`, `"stratify": ["region", "\udbff"]`, "stratify[1]", `"\udbff"`},
		{"in a key", `"id": "t-1"`, `"x\ud800": "t-1"`, "x\ufffd", `"x\ud800"`},
		{"in an extra field", `"id": "t-1"`, `"extra": {"a": ["\udfff"]}`, "extra.a[0]", `"\udfff"`},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			in := strings.Replace(basePlan, tc.old, tc.new, 1)
			require.NotEqual(t, basePlan, in)
			p, err := ParsePlan([]byte(in))
			require.Nil(t, p)
			require.ErrorIs(t, err, ErrPlanSyntax)
			require.ErrorIs(t, err, roster.ErrEncoding)
			var pe *PlanError
			require.ErrorAs(t, err, &pe)
			require.Equal(t, tc.field, pe.Field, "%v", err)
			require.Contains(t, strings.Split(in, "\n")[pe.Line-1], tc.line, "%v", err)
			off := strings.Index(in, tc.new) + strings.Index(tc.new, `\u`)
			require.Contains(t, err.Error(), fmt.Sprintf("byte offset %d", off))
		})
	}
	for _, text := range []string{`"\ud83d\ude00"`, `"\\ud800"`, `"\ufffd"`, `"\u00e9\uD83D\uDE00"`} {
		in := strings.Replace(basePlan, `"测试"`, text, 1)
		p, err := ParsePlan([]byte(in))
		require.NoError(t, err, text)
		require.NotEmpty(t, p.Name)
	}
}

// TestCheckJSONEscapes tests roster.CheckJSONEscapes, the check ParsePlan
// and ParseView share with the JSON Lines loader.
func TestCheckJSONEscapes(t *testing.T) {
	for _, tc := range []struct {
		raw string
		off int // -1: accepted
	}{
		{`{"a":"\ud83d\ude00"}`, -1},
		{`{"a":"\\ud800"}`, -1},
		{`{"a":"\ufffd","b":"\n\"\/"}`, -1},
		{`{"a":"\ud800"}`, 6},
		{`{"a":"x\udc00"}`, 7},
		{`{"a":"\ud83d\ude00\ud800\u0041"}`, 18},
		{`{"a":"\\\ud800"}`, 8},
		{`"\ud800`, 1},
	} {
		err := roster.CheckJSONEscapes([]byte(tc.raw))
		if tc.off < 0 {
			require.NoError(t, err, tc.raw)
			continue
		}
		require.ErrorIs(t, err, roster.ErrEncoding, tc.raw)
		require.Contains(t, err.Error(), fmt.Sprintf("%s at byte offset %d", tc.raw[tc.off:tc.off+6], tc.off), tc.raw)
	}
}

// TestJSONScannerLimits checks the strict scanner that ParsePlan and
// ParseView share on hostile shapes: nesting deeper than maxJSONDepth is
// refused (it took memory quadratic in the depth for paths), and a long
// key over a long list (an extra field) is read in linear time and memory.
func TestJSONScannerLimits(t *testing.T) {
	withExtra := func(extra string) []byte {
		return []byte(strings.Replace(basePlan, `"id": "t-1",`, `"x": `+extra+`, "id": "t-1",`, 1))
	}
	// The top object is level 0: 63 more levels are allowed.
	_, err := ParsePlan(withExtra(strings.Repeat("[", maxJSONDepth-1) + strings.Repeat("]", maxJSONDepth-1)))
	require.NoError(t, err)
	_, err = ParsePlan(withExtra(strings.Repeat("[", maxJSONDepth) + strings.Repeat("]", maxJSONDepth)))
	require.ErrorIs(t, err, ErrPlanSyntax)
	require.Contains(t, err.Error(), "nested deeper")
	var pe *PlanError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, 3, pe.Line) // the line of "x"

	deep := 150_000 // within MaxPlanSize
	_, err = ParsePlan(withExtra(strings.Repeat(`{"a":`, deep) + "1" + strings.Repeat("}", deep)))
	require.ErrorIs(t, err, ErrPlanSyntax)
	require.Contains(t, err.Error(), "nested deeper")
	deep = 400_000
	_, err = ParseView([]byte(`{"protocol": ` + strings.Repeat("[", deep) + strings.Repeat("]", deep) + `}`))
	require.ErrorIs(t, err, ErrBadView)
	require.Contains(t, err.Error(), "nested deeper")

	// A key of 300 kB over a list of 150 000 numbers.
	key := strings.Repeat("k", 300_000)
	list := "[" + strings.Repeat("1,", 150_000) + "1]"
	p, err := ParsePlan(withExtra(`{"` + key + `": ` + list + `}`))
	require.NoError(t, err)
	require.LessOrEqual(t, len(p.lines), 200, "no line recorded for long paths")
	_, err = ParseView([]byte(`{"` + key + `": ` + list + `}`))
	require.ErrorIs(t, err, ErrBadView)
}
