package site

import (
	"fmt"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// Protocol v2 (protocol-v2.md): a plan of tasks (抽查事项), each with its
// pool, quota, shortfall and groups with their thresholds; visits with
// the tasks they serve and their marks. The page shows them from the
// draw's recorded view, as it shows a v1 draw's strata and selections.

// TaskRow is one task of a v2 draw.
type TaskRow struct {
	ID        string    `json:"id"`
	Name      string    `json:"name,omitempty"`
	Matter    string    `json:"matter,omitempty"`
	Pool      int       `json:"pool"`
	Cooling   int       `json:"cooling"`
	Eligible  int       `json:"eligible"`
	Overdue   int       `json:"overdue"`
	Want      int       `json:"want"`
	Quota     int       `json:"quota"`
	Shortfall int       `json:"shortfall"`
	Selected  int       `json:"selected"`
	Groups    []Stratum `json:"groups"`
}

// VisitTask is one task a visit serves, with its mark.
type VisitTask struct {
	Task   string   `json:"task"`
	Mark   string   `json:"mark"`
	MarkZh string   `json:"mark_zh"`
	Group  []string `json:"group"`
}

// viewTablesV2 turns a v2 view into the tasks and visits tables; plan
// (nil when it did not parse) gives the tasks' names.
func (s *Session) viewTablesV2(v *random.ViewV2, plan *random.PlanV2) ([]TaskRow, []Visit) {
	type key struct{ task, group string }
	selected := map[key]int{}
	perTask := map[string]int{}
	for _, x := range v.Visits {
		for _, t := range x.Tasks {
			if t.Mark != random.MarkTargeted {
				selected[key{t.Task, strings.Join(t.Group, "\x00")}]++
				perTask[t.Task]++
			}
		}
	}
	var tasks []TaskRow
	for _, t := range v.Tasks {
		row := TaskRow{ID: t.ID, Pool: t.Pool, Cooling: t.Cooling, Eligible: t.Eligible, Overdue: t.Overdue, Want: t.Want,
			Quota: t.Quota, Shortfall: t.Shortfall, Selected: perTask[t.ID]}
		if plan != nil {
			if i := plan.TaskIndex(t.ID); i >= 0 {
				row.Name, row.Matter = plan.Tasks[i].Name, plan.Tasks[i].Matter
			}
		}
		for _, g := range t.Groups {
			x := Stratum{Values: g.Values, Eligible: g.Eligible, Overdue: g.Overdue, Quota: g.Quota, Threshold: "—",
				Selected: selected[key{t.ID, strings.Join(g.Values, "\x00")}]}
			if g.Threshold != nil {
				x.Threshold = g.Threshold.String()
			}
			x.Shortfall = max(0, x.Quota-x.Selected)
			row.Groups = append(row.Groups, x)
		}
		tasks = append(tasks, row)
	}
	var visits []Visit
	for _, x := range v.Visits {
		vi := Visit{ID: x.ID, Name: s.premisesName(x.ID), Priority: x.Priority.String(), TeamSize: len(x.Team), EligibleInspectors: x.EligibleInspectors}
		if x.Unstaffed != nil {
			vi.Unstaffed = *x.Unstaffed
		}
		var zh, en []string
		for _, t := range x.Tasks {
			vi.Tasks = append(vi.Tasks, VisitTask{Task: t.Task, Mark: t.Mark.String(), MarkZh: markZh(t.Mark), Group: t.Group})
			zh = append(zh, t.Task+"："+markZh(t.Mark))
			en = append(en, t.Task+": "+t.Mark.String())
			if len(vi.Stratum) == 0 {
				vi.Stratum = t.Group
			}
		}
		vi.MarkZh, vi.Mark = strings.Join(zh, "；"), strings.Join(en, "; ")
		visits = append(visits, vi)
	}
	return tasks, visits
}

// planRulesV2 is the summary table of a v2 plan.
func planRulesV2(p *random.PlanV2) []PlanRuleRow {
	rows := []PlanRuleRow{
		{"协议", "protocol", p.Protocol},
		{"计划编号", "plan id", p.ID},
		{"计划名称", "name", p.Name},
		{"实施机关", "authority", p.Authority},
		{"基准日期", "reference date", p.Date.String()},
	}
	if len(p.Scope.Include) > 0 {
		rows = append(rows, PlanRuleRow{"抽查范围", "scope", describeMatchV2(p.Scope.Include)})
	}
	if len(p.Scope.Exclude) > 0 {
		rows = append(rows, PlanRuleRow{"排除", "excluded", describeMatchV2(p.Scope.Exclude)})
	}
	for _, c := range p.Cooldown {
		kinds := "所有类型 any kind"
		if c.Kinds != nil {
			kinds = strings.Join(c.Kinds, ", ")
		}
		rows = append(rows, PlanRuleRow{"冷却期", "cooldown", fmt.Sprintf("%d 天内已检查 %d 次及以上者不抽（%s）(inspected %d+ times within %d days: excluded)", c.Days, c.Max, kinds, c.Max, c.Days)})
	}
	if c := p.Coverage; c != nil {
		rows = append(rows, PlanRuleRow{"逾期优先", "coverage", fmt.Sprintf("%d 天内该事项未检查者优先 (not inspected for the task's matter within %d days: first)", c.Days, c.Days)})
	}
	for _, t := range p.Tasks {
		parts := []string{t.ID}
		if t.Name != "" {
			parts = append(parts, t.Name)
		}
		if len(t.Match) > 0 {
			parts = append(parts, "范围 match "+describeMatchV2(t.Match))
		}
		q := "比例 ratio " + t.Ratio.String() + fmt.Sprintf(", min %d", t.Min)
		if t.Max > 0 {
			q += fmt.Sprintf(", max %d", t.Max)
		}
		parts = append(parts, q)
		if len(t.Spread) > 0 {
			parts = append(parts, "分组 spread by "+strings.Join(t.Spread, ", "))
		}
		if t.Weight != nil {
			var ws []string
			for _, w := range t.Weight.Values {
				ws = append(ws, fmt.Sprintf("%s=%d", w.Value, w.Weight))
			}
			parts = append(parts, "权重 weight "+t.Weight.Attribute+" ("+strings.Join(ws, ", ")+")")
		}
		if t.Team != nil && t.Team.Size > 0 {
			parts = append(parts, fmt.Sprintf("检查组 %d 人 (team)", t.Team.Size))
		}
		rows = append(rows, PlanRuleRow{"抽查事项", "task", strings.Join(parts, "；")})
	}
	for _, t := range p.Targeted {
		v := t.ID
		if len(t.Tasks) > 0 {
			v += "（" + strings.Join(t.Tasks, ", ") + "）"
		}
		if t.Reason != "" {
			v += " " + t.Reason
		}
		rows = append(rows, PlanRuleRow{"定向检查", "targeted", v})
	}
	rows = append(rows, PlanRuleRow{"检查组", "teams", fmt.Sprintf("%d 人 (members)", p.Teams.Size)})
	for _, k := range roster.Kinds {
		if names := p.Private[k]; len(names) > 0 {
			rows = append(rows, PlanRuleRow{"不公开的属性（仅公开摘要）", "private attributes (published as digests)", k.String() + ": " + strings.Join(names, ", ")})
		}
	}
	return slices.DeleteFunc(rows, func(r PlanRuleRow) bool { return r.Value == "" })
}

func describeMatchV2(m random.MatchV2) string {
	var parts []string
	for _, t := range m {
		parts = append(parts, t.Attr+" ∈ {"+strings.Join(t.Values, ", ")+"}")
	}
	return strings.Join(parts, " ")
}

// parsePlanAny parses an announcement's plan text, v1 or v2.
func parsePlanAny(text string) (*random.Plan, *random.PlanV2) {
	if proto, _ := random.PlanProtocol([]byte(text)); proto == random.ProtocolV2 {
		p, err := random.ParsePlanV2([]byte(text))
		if err != nil {
			return nil, nil
		}
		return nil, p
	}
	p, err := random.ParsePlan([]byte(text))
	if err != nil {
		return nil, nil
	}
	return p, nil
}
