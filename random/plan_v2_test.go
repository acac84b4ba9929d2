package random

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// basePlanV2 uses every field of protocol v2 §2.
const basePlanV2 = `{
 "protocol": "doublerandom/v2",
 "id": "t-2",
 "name": "测试",
 "authority": "某县卫生健康局",
 "date": "2026-03-02",
 "active": ["存续", "在职"],
 "inactive": ["注销", "离职"],
 "private": {"inspectors": ["name", "phone"], "conflicts": ["reason"], "premises": ["legal_person"], "history": ["remark"]},
 "scope": {"include": {"category": ["school", "water", "public_place"]},
           "exclude": {"case_open": ["yes"]}},
 "cooldown": [{"days": 365, "max": 1, "kinds": ["random", "targeted"]},
              {"days": 30, "max": 1}],
 "coverage": {"days": 1095, "kinds": ["random", "targeted", "campaign"], "draws_left": 3},
 "tasks": [
  {"id": "school", "name": "学校卫生", "match": {"category": ["school"]}, "ratio": "20%", "min": 2,
   "team": {"slots": [{"specialty": "school_health"}]}},
  {"id": "water", "match": {"matters": ["water"]}, "ratio": "40%", "spread": ["town"],
   "team": {"size": 3, "slots": [{"unit": "wsjd", "specialty": "drinking_water"}, {"unit": "slj"}], "max_per_unit": 2}},
  {"id": "public-place", "match": {"category": ["public_place"]}, "ratio": "1/3", "max": 4,
   "weight": {"attribute": "risk", "values": {"A": 1, "B": 2, "C": 4, "D": 8}},
   "team": {"slots": [{"specialty": "public_health"}, {"unit": "scjg", "match": {"subcategory": ["entertainment"]}}]}},
  {"id": "public-place-d", "matter": "public-place", "match": {"category": ["public_place"], "risk": ["D"]}, "ratio": "30%"}
 ],
 "targeted": [{"id": "P1", "tasks": ["water"], "reason": "投诉举报"}, {"id": "P2"}],
 "teams": {"size": 2, "region_prefix": 6, "max_per_unit": 0},
 "conflicts": {"declared": true, "rotation_days": 365, "home_region": false},
 "default_capacity": 10,
 "notes": {"basis": "…", "anything": {"nested": [1, 2, {"free": true}]}}
}
`

func TestParsePlanV2Fields(t *testing.T) {
	p, err := ParsePlanV2([]byte(basePlanV2))
	require.NoError(t, err)
	require.Equal(t, ProtocolV2, p.Protocol)
	require.Equal(t, "某县卫生健康局", p.Authority)
	require.Equal(t, roster.MustParseDate("2026-03-02"), p.Date)
	require.Equal(t, []string{"存续", "在职"}, p.Active)
	require.Equal(t, []string{"注销", "离职"}, p.Inactive)
	require.Equal(t, roster.Private{roster.KindInspectors: {"name", "phone"}, roster.KindConflicts: {"reason"},
		roster.KindPremises: {"legal_person"}, roster.KindHistory: {"remark"}}, p.Private)
	require.Equal(t, MatchV2{{"category", []string{"school", "water", "public_place"}}}, p.Scope.Include)
	require.Equal(t, MatchV2{{"case_open", []string{"yes"}}}, p.Scope.Exclude)
	require.Equal(t, []CooldownRule{{365, 1, []string{"random", "targeted"}}, {30, 1, nil}}, p.Cooldown)
	require.Equal(t, &Coverage{1095, []string{"random", "targeted", "campaign"}, 3}, p.Coverage)
	require.Len(t, p.Tasks, 4)
	require.Equal(t, "school", p.Tasks[0].Matter, "matter defaults to the id")
	require.Equal(t, "public-place", p.Tasks[3].Matter)
	require.Equal(t, 2, p.Tasks[0].Min)
	require.Equal(t, []string{"town"}, p.Tasks[1].Spread)
	require.Equal(t, &TaskTeam{Size: 3, MaxPerUnit: 2, Slots: []Slot{{Unit: "wsjd", Specialty: "drinking_water"}, {Unit: "slj"}}}, p.Tasks[1].Team)
	require.Equal(t, 8, p.Tasks[2].Weight.Of("D"))
	require.Equal(t, 1, p.Tasks[2].Weight.Of("E"), "a value not listed weighs 1")
	require.Nil(t, p.Tasks[3].Team)
	require.Nil(t, p.Tasks[3].Spread)
	require.Equal(t, []TargetV2{{"P1", []string{"water"}, "投诉举报"}, {"P2", nil, ""}}, p.Targeted)
	require.Equal(t, Teams{Size: 2, RegionPrefix: 6}, p.Teams)
	require.Equal(t, ConflictRules{Declared: true, RotationDays: 365}, p.Conflicts)
	require.Equal(t, 10, p.DefaultCapacity)
	require.JSONEq(t, `{"basis": "…", "anything": {"nested": [1, 2, {"free": true}]}}`, string(p.Notes))

	// Defaults.
	q, err := ParsePlanV2([]byte(`{"protocol": "doublerandom/v2", "date": "2026-03-02", "tasks": [{"id": "a", "ratio": "5%"}]}`))
	require.NoError(t, err)
	require.Nil(t, q.Active)
	require.Equal(t, DefaultInactive, q.Inactive)
	require.Equal(t, Teams{Size: 2}, q.Teams)
	require.Nil(t, q.Coverage)
	require.Nil(t, q.Tasks[0].Match)
	require.True(t, q.Tasks[0].Match.Holds(roster.Row{ID: "x"}))
}

func TestPlanProtocol(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{basePlanV2, ProtocolV2},
		{basePlan, Protocol},
	} {
		got, err := PlanProtocol([]byte(c.doc))
		require.NoError(t, err)
		require.Equal(t, c.want, got)
	}
	for _, doc := range []string{`{}`, `{"protocol": "doublerandom/v3"}`, `[`, `{"protocol": 2}`} {
		_, err := PlanProtocol([]byte(doc))
		require.Error(t, err, doc)
	}
}

// TestPlanV2MarshalJSON: a plan built in Go encodes to bytes that parse
// back to the same plan, and a parsed plan re-encodes to the same plan.
func TestPlanV2MarshalJSON(t *testing.T) {
	p, err := ParsePlanV2([]byte(basePlanV2))
	require.NoError(t, err)
	b, err := json.Marshal(p)
	require.NoError(t, err)
	q, err := ParsePlanV2(b)
	require.NoError(t, err, string(b))
	clear := func(p *PlanV2) PlanV2 {
		c := *p
		c.bytes, c.digest, c.lines, c.file = nil, roster.Hash{}, nil, ""
		c.Notes = nil
		for i := range c.Tasks {
			c.Tasks[i].Ratio.text = ""
		}
		return c
	}
	require.JSONEq(t, string(p.Notes), string(q.Notes))
	require.Equal(t, clear(p), clear(q))

	r, _ := ParseRatio("1/4")
	built := &PlanV2{Date: roster.MustParseDate("2026-05-01"), Tasks: []Task{{ID: "water", Ratio: r, Match: MatchV2{{"matters", []string{"water"}}}}}}
	b, err = json.Marshal(built)
	require.NoError(t, err)
	got, err := ParsePlanV2(b)
	require.NoError(t, err, string(b))
	require.Equal(t, ProtocolV2, got.Protocol)
	require.Equal(t, "water", got.Tasks[0].Matter)
	require.Equal(t, 2, got.Teams.Size)
	require.Equal(t, "1/4", got.Tasks[0].Ratio.String())
}

// TestParsePlanV2Errors: every rule of protocol v2 §2 has a plan that
// breaks it, and the error names the field (JSON path) and its line.
func TestParsePlanV2Errors(t *testing.T) {
	for _, c := range []struct {
		name     string
		old, new string
		field    string
		is       error
		contains string
	}{
		{"unknown field", `"default_capacity": 10`, `"default_capacity": 10, "capacity": 3`, "capacity", ErrPlanValue, "unknown field"},
		{"typo in cooldown", `"cooldown": [`, `"cooldwon": [`, "cooldwon", ErrPlanValue, `did you mean "cooldown"`},
		{"case of a field", `"coverage": {`, `"Coverage": {`, "Coverage", ErrPlanValue, `did you mean "coverage"`},
		{"unknown task field", `"ratio": "40%"`, `"ratio": "40%", "ratios": "1%"`, "tasks[1].ratios", ErrPlanValue, "unknown field"},
		{"unknown slot field", `{"unit": "slj"}`, `{"unit": "slj", "units": ["a"]}`, "tasks[1].team.slots[1].units", ErrPlanValue, "unknown field"},
		{"unknown scope field", `"exclude": {`, `"excludes": {`, "scope.excludes", ErrPlanValue, "did you mean"},
		{"unknown teams field", `"region_prefix": 6`, `"region_prefix": 6, "specialty": "x"`, "teams.specialty", ErrPlanValue, "unknown field"},
		{"unknown conflicts field", `"home_region": false`, `"home_region": false, "kin": true`, "conflicts.kin", ErrPlanValue, "unknown field"},
		{"unknown targeted field", `{"id": "P2"}`, `{"id": "P2", "task": ["water"]}`, "targeted[1].task", ErrPlanValue, "tasks"},
		{"unknown weight field", `"attribute": "risk"`, `"attribute": "risk", "default": 1`, "tasks[2].weight.default", ErrPlanValue, "unknown field"},
		{"unknown cooldown field", `{"days": 30, "max": 1}`, `{"days": 30, "max": 1, "min": 0}`, "cooldown[1].min", ErrPlanValue, "unknown field"},
		{"unknown coverage field", `"draws_left": 3`, `"draws_left": 3, "cycle": 3`, "coverage.cycle", ErrPlanValue, "unknown field"},
		{"unknown private table", `"history": ["remark"]`, `"histories": ["remark"]`, "private.histories", ErrPlanValue, "want premises"},
		{"duplicate key", `"default_capacity": 10`, `"default_capacity": 10, "default_capacity": 11`, "default_capacity", ErrPlanSyntax, "repeated"},
		{"duplicate key in notes", `"basis": "…"`, `"basis": "…", "basis": "x"`, "notes.basis", ErrPlanSyntax, "repeated"},
		{"protocol v1", `"protocol": "doublerandom/v2"`, `"protocol": "doublerandom/v1"`, "protocol", ErrPlanValue, "doublerandom/v2"},
		{"no date", `"date": "2026-03-02",`, ``, "date", ErrPlanValue, "missing"},
		{"bad date", `"date": "2026-03-02"`, `"date": "2026-02-30"`, "date", ErrPlanValue, ""},
		{"ratio above 100%", `"ratio": "30%"`, `"ratio": "101%"`, "tasks[3].ratio", ErrBadRatio, "more than 100%"},
		{"ratio as a number", `"ratio": "30%"`, `"ratio": 0.3`, "tasks[3].ratio", ErrBadRatio, "never a JSON number"},
		{"no ratio", `"ratio": "30%"`, `"name": "x"`, "tasks[3].ratio", ErrPlanValue, "missing"},
		{"weight 0", `"B": 2`, `"B": 0`, "tasks[2].weight.values.B", ErrPlanValue, "1..1000"},
		{"weight 1001", `"B": 2`, `"B": 1001`, "tasks[2].weight.values.B", ErrPlanValue, "1..1000"},
		{"weight not whole", `"B": 2`, `"B": 1.5`, "tasks[2].weight.values.B", ErrPlanValue, ""},
		{"weight without values", `, "values": {"A": 1, "B": 2, "C": 4, "D": 8}`, ``, "tasks[2].weight.values", ErrPlanValue, "missing"},
		{"weight on a list attribute", `"attribute": "risk"`, `"attribute": "matters"`, "tasks[2].weight.attribute", ErrPlanValue, "list attribute"},
		{"spread on a list attribute", `"spread": ["town"]`, `"spread": ["matters"]`, "tasks[1].spread[0]", ErrPlanValue, "list attribute"},
		{"spread empty", `"spread": ["town"]`, `"spread": []`, "tasks[1].spread", ErrPlanValue, "empty list"},
		{"spread repeated", `"spread": ["town"]`, `"spread": ["town", "town"]`, "tasks[1].spread[1]", ErrPlanValue, "repeated"},
		{"private attribute the draw reads", `"inspectors": ["name", "phone"]`, `"inspectors": ["name", "unit"]`, "private.inspectors[1]", ErrPlanValue, "cannot be private"},
		{"private status", `"premises": ["legal_person"]`, `"premises": ["status"]`, "private.premises[0]", ErrPlanValue, "cannot be private"},
		{"private region", `"premises": ["legal_person"]`, `"premises": ["region"]`, "private.premises[0]", ErrPlanValue, "cannot be private"},
		{"private scope attribute", `"premises": ["legal_person"]`, `"premises": ["case_open"]`, "private.premises[0]", ErrPlanValue, "scope.exclude.case_open"},
		{"private match attribute", `"premises": ["legal_person"]`, `"premises": ["matters"]`, "private.premises[0]", ErrPlanValue, "tasks[1].match.matters"},
		{"private spread attribute", `"premises": ["legal_person"]`, `"premises": ["town"]`, "private.premises[0]", ErrPlanValue, "tasks[1].spread[0]"},
		{"private weight attribute", `"premises": ["legal_person"]`, `"premises": ["risk"]`, "private.premises[0]", ErrPlanValue, "cannot be private"},
		{"private slot match attribute", `"premises": ["legal_person"]`, `"premises": ["subcategory"]`, "private.premises[0]", ErrPlanValue, "slots[1].match"},
		{"private history kind", `"history": ["remark"]`, `"history": ["kind"]`, "private.history[0]", ErrPlanValue, "cannot be private"},
		{"private conflict inspector", `"conflicts": ["reason"]`, `"conflicts": ["inspector"]`, "private.conflicts[0]", ErrPlanValue, "cannot be private"},
		{"private id", `"conflicts": ["reason"]`, `"conflicts": ["id"]`, "private.conflicts[0]", ErrPlanValue, "cannot be private"},
		{"private repeated", `"inspectors": ["name", "phone"]`, `"inspectors": ["name", "name"]`, "private.inspectors[1]", ErrPlanValue, "repeated"},
		{"bad task id", `"id": "school"`, `"id": "School"`, "tasks[0].id", ErrPlanValue, "a-z"},
		{"task id with a space", `"id": "school"`, `"id": "sch ool"`, "tasks[0].id", ErrPlanValue, "a-z"},
		{"task id too long", `"id": "school"`, `"id": "` + strings.Repeat("s", 65) + `"`, "tasks[0].id", ErrPlanValue, "1..64"},
		{"empty task id", `"id": "school"`, `"id": ""`, "tasks[0].id", ErrPlanValue, ""},
		{"no task id", `"id": "school", `, ``, "tasks[0].id", ErrPlanValue, "missing"},
		{"duplicate task id", `"id": "water"`, `"id": "school"`, "tasks[1].id", ErrPlanValue, "repeats tasks[0]"},
		{"bad matter", `"matter": "public-place"`, `"matter": "公共场所"`, "tasks[3].matter", ErrPlanValue, "a-z"},
		{"no tasks", `"tasks": [`, `"tasks_": [`, "tasks_", ErrPlanValue, "unknown field"},
		{"empty match list", `"match": {"category": ["school"]}`, `"match": {"category": []}`, "tasks[0].match.category", ErrPlanValue, "at least one value"},
		{"match value not a list", `"match": {"category": ["school"]}`, `"match": {"category": "school"}`, "tasks[0].match.category", ErrPlanValue, "a list"},
		{"empty scope list", `"case_open": ["yes"]`, `"case_open": []`, "scope.exclude.case_open", ErrPlanValue, "at least one value"},
		{"slot without unit or specialty", `{"unit": "slj"}`, `{"match": {"a": ["b"]}}`, "tasks[1].team.slots[1]", ErrPlanValue, "unit, a specialty"},
		{"slot with an empty unit", `{"unit": "slj"}`, `{"unit": "", "specialty": "x"}`, "tasks[1].team.slots[1].unit", ErrPlanValue, "empty"},
		{"task team size 1", `"size": 3`, `"size": 1`, "tasks[1].team.size", ErrPlanValue, "at least 2"},
		{"teams size 1", `"teams": {"size": 2`, `"teams": {"size": 1`, "teams.size", ErrPlanValue, "at least 2"},
		{"negative count", `"min": 2`, `"min": -1`, "tasks[0].min", ErrPlanValue, "whole number"},
		{"cooldown without max", `{"days": 30, "max": 1}`, `{"days": 30}`, "cooldown[1].max", ErrPlanValue, "missing"},
		{"cooldown days 0", `{"days": 30, "max": 1}`, `{"days": 0, "max": 1}`, "cooldown[1].days", ErrPlanValue, "at least 1"},
		{"cooldown max 0", `{"days": 30, "max": 1}`, `{"days": 30, "max": 0}`, "cooldown[1].max", ErrPlanValue, "at least 1"},
		{"cooldown kinds empty", `{"days": 30, "max": 1}`, `{"days": 30, "max": 1, "kinds": []}`, "cooldown[1].kinds", ErrPlanValue, "empty list"},
		{"cooldown as an object", `"cooldown": [{"days": 365, "max": 1, "kinds": ["random", "targeted"]},
              {"days": 30, "max": 1}]`, `"cooldown": {"days": 365, "max": 1}`, "cooldown", ErrPlanValue, "a list"},
		{"coverage without days", `"coverage": {"days": 1095, `, `"coverage": {`, "coverage.days", ErrPlanValue, "missing"},
		{"coverage draws_left 0", `"draws_left": 3`, `"draws_left": 0`, "coverage.draws_left", ErrPlanValue, "at least 1"},
		{"coverage kinds empty", `"kinds": ["random", "targeted", "campaign"]`, `"kinds": []`, "coverage.kinds", ErrPlanValue, "empty list"},
		{"targeted task unknown", `"tasks": ["water"]`, `"tasks": ["waters"]`, "targeted[0].tasks[0]", ErrPlanValue, "no task"},
		{"targeted tasks empty", `"tasks": ["water"]`, `"tasks": []`, "targeted[0].tasks", ErrPlanValue, "empty list"},
		{"targeted task repeated", `"tasks": ["water"]`, `"tasks": ["water", "water"]`, "targeted[0].tasks[1]", ErrPlanValue, "repeated"},
		{"targeted id repeated", `{"id": "P2"}`, `{"id": "P1"}`, "targeted[1].id", ErrPlanValue, "repeats targeted[0]"},
		{"targeted without id", `{"id": "P2"}`, `{"reason": "x"}`, "targeted[1].id", ErrPlanValue, "missing"},
		{"active empty", `"active": ["存续", "在职"]`, `"active": []`, "active", ErrPlanValue, "empty active list"},
		{"status in both lists", `"active": ["存续", "在职"]`, `"active": ["存续", "离职"]`, "active[1]", ErrPlanValue, "also in the inactive list"},
		{"notes not an object", `"notes": {"basis": "…", "anything": {"nested": [1, 2, {"free": true}]}}`, `"notes": "free"`, "notes", ErrPlanValue, "an object"},
		{"null", `"default_capacity": 10`, `"default_capacity": null`, "default_capacity", ErrPlanValue, "null"},
		{"data after the plan", "}}\n}\n", "}}\n}\n{}", "", ErrPlanSyntax, "data after"},
	} {
		t.Run(c.name, func(t *testing.T) {
			require.Contains(t, basePlanV2, c.old)
			doc := strings.Replace(basePlanV2, c.old, c.new, 1)
			_, err := ParsePlanV2([]byte(doc))
			require.Error(t, err)
			require.ErrorIs(t, err, c.is)
			var pe *PlanError
			require.True(t, errors.As(err, &pe))
			require.Equal(t, c.field, pe.Field, "%v", err)
			require.Positive(t, pe.Line, "%v", err)
			require.Contains(t, err.Error(), c.contains)
		})
	}
}

// TestParsePlanV2ErrorLine: the line of an error is the line of the
// field in the plan's bytes.
func TestParsePlanV2ErrorLine(t *testing.T) {
	doc := strings.Replace(basePlanV2, `"B": 2`, `"B": 0`, 1)
	_, err := ParsePlanV2([]byte(doc))
	var pe *PlanError
	require.ErrorAs(t, err, &pe)
	want := strings.Count(doc[:strings.Index(doc, `"B": 0`)], "\n") + 1
	require.Equal(t, want, pe.Line)
	require.Contains(t, err.Error(), "plan:"+itoa(want)+": field tasks[2].weight.values.B value 0")

	doc = strings.Replace(basePlanV2, `"cooldown": [`, `"cooldwon": [`, 1)
	_, err = ParsePlanV2([]byte(doc))
	require.ErrorAs(t, err, &pe)
	require.Equal(t, strings.Count(doc[:strings.Index(doc, `"cooldwon"`)], "\n")+1, pe.Line)
}

// checkSet is a small v2 set for PlanV2.Check.
func checkSet(t *testing.T, premises, inspectors string) *roster.Set {
	t.Helper()
	opt := roster.Options{Protocol: roster.ProtocolV2}
	opt.File = "premises.csv"
	p, err := roster.ReadCSV(strings.NewReader(premises), roster.KindPremises, opt)
	require.NoError(t, err)
	opt.File = "inspectors.csv"
	i, err := roster.ReadCSV(strings.NewReader(inspectors), roster.KindInspectors, opt)
	require.NoError(t, err)
	s, err := roster.NewSetV2(p, i, nil, nil, roster.Commitment{})
	require.NoError(t, err)
	return s
}

const checkPremises = `id,category,matters,risk,status,case_open,subcategory
P1,water,water,,存续,,
P2,public_place,,D,存续,,entertainment
P3,school,water;school,,存续,yes,
P4,school,,,注销,,
P5,hospital,,,存续,,
`

const checkInspectors = `id,unit,status
I1,wsjd,在职
I2,slj,离职
`

func TestPlanV2Check(t *testing.T) {
	p, err := ParsePlanV2([]byte(basePlanV2))
	require.NoError(t, err)
	require.NoError(t, p.Check(checkSet(t, checkPremises, checkInspectors)))

	withTargets := func(targets string) *PlanV2 {
		doc := strings.Replace(basePlanV2, `[{"id": "P1", "tasks": ["water"], "reason": "投诉举报"}, {"id": "P2"}]`, targets, 1)
		q, err := ParsePlanV2([]byte(doc))
		require.NoError(t, err)
		return q
	}
	for _, c := range []struct {
		targets, field string
		is             error
	}{
		{`[{"id": "P9"}]`, "targeted[0].id", ErrTargetUnknown},
		{`[{"id": "P4"}]`, "targeted[0].id", ErrTargetOutOfScope},                      // 注销
		{`[{"id": "P3"}]`, "targeted[0].id", ErrTargetOutOfScope},                      // case_open yes
		{`[{"id": "P5"}]`, "targeted[0].id", ErrTargetOutOfScope},                      // category not included
		{`[{"id": "P1", "tasks": ["school"]}]`, "targeted[0].tasks[0]", ErrTargetTask}, // school's match does not hold
		{`[{"id": "P2", "tasks": ["public-place-d", "water"]}]`, "targeted[0].tasks[1]", ErrTargetTask},
	} {
		err := withTargets(c.targets).Check(checkSet(t, checkPremises, checkInspectors))
		require.ErrorIs(t, err, c.is, c.targets)
		var pe *PlanError
		require.ErrorAs(t, err, &pe)
		require.Equal(t, c.field, pe.Field, c.targets)
		require.Positive(t, pe.Line)
	}
	// No task holds for a targeted premises named without tasks.
	scope := strings.Replace(basePlanV2, `"school", "water", "public_place"]`, `"school", "water", "public_place", "hospital"]`, 1)
	scope = strings.Replace(scope, `{"id": "P2"}]`, `{"id": "P5"}]`, 1)
	q, err := ParsePlanV2([]byte(scope))
	require.NoError(t, err)
	err = q.Check(checkSet(t, checkPremises, checkInspectors))
	require.ErrorIs(t, err, ErrTargetTask)

	// Active list: every status of premises and inspectors listed.
	bad := checkSet(t, checkPremises+"P6,school,,,歇业,,\n", checkInspectors+"I3,wsjd,\n")
	err = p.Check(bad)
	require.ErrorIs(t, err, ErrStatusUnlisted)
	var list *roster.ErrorList
	require.ErrorAs(t, err, &list)
	require.Len(t, list.Errs, 2)
	require.Equal(t, "premises.csv", list.Errs[0].File)
	require.Equal(t, 7, list.Errs[0].Line)
	require.Equal(t, "歇业", list.Errs[0].Value)
	require.Contains(t, list.Errs[0].Error(), `row "P6"`)
	require.Equal(t, "inspectors.csv", list.Errs[1].File)
	require.Equal(t, 4, list.Errs[1].Line)
	require.Equal(t, "", list.Errs[1].Value, "a missing status is \"\"")
	require.Contains(t, list.Errs[1].Error(), `row "I3"`)
	// Without an active list, nothing is checked.
	noActive, err := ParsePlanV2([]byte(strings.Replace(basePlanV2, ` "active": ["存续", "在职"],`+"\n", "", 1)))
	require.NoError(t, err)
	require.NoError(t, noActive.Check(bad))
}

// TestParsePlanV2OfV1: a v1 plan is refused for its protocol, not for its
// v1 fields.
func TestParsePlanV2OfV1(t *testing.T) {
	_, err := ParsePlanV2([]byte(basePlan))
	var pe *PlanError
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "protocol", pe.Field)
	require.Contains(t, err.Error(), "ParsePlan")
	_, err = ParsePlan([]byte(basePlanV2))
	require.ErrorAs(t, err, &pe)
	require.Equal(t, "protocol", pe.Field)
}
