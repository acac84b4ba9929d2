package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// The words of the county's codes, as its staff say them.
var (
	unitZh = map[string]string{
		"wsjd": "卫生监督", // 卫生健康综合监督执法局
		"slj":  "水利局",
		"scjg": "市场监管局",
		"ybj":  "医保局",
		"cdc":  "疾控中心",
	}
	specialtyZh = map[string]string{
		"public_health":  "公共场所卫生",
		"drinking_water": "生活饮用水卫生",
		"school_health":  "学校卫生",
		"medical":        "医疗卫生",
		"occupational":   "职业卫生",
		"radiation":      "放射卫生",
		"market":         "市场监管",
		"insurance":      "医保基金",
		"disinfection":   "消毒",
		"infection":      "传染病防治",
	}
	categoryZh = map[string]string{
		"public_place":   "公共场所",
		"drinking_water": "生活饮用水",
		"school":         "学校",
		"medical":        "医疗机构",
		"occupational":   "用人单位（职业卫生）",
		"radiation":      "放射诊疗",
	}
	markZh = map[random.Mark]string{
		random.MarkOverdue:  "随机抽取（超期未检优先）",
		random.MarkRandom:   "随机抽取",
		random.MarkTargeted: "定向检查",
	}
)

// word returns the word for a code, or the code.
func word(words map[string]string, code string) string {
	if s, ok := words[code]; ok {
		return s
	}
	return code
}

// printer prints the story. res is set once the draw is made.
type printer struct {
	w    io.Writer
	plan *random.PlanV2
	set  *roster.Set
	res  *random.ResultV2
}

func (p *printer) line(format string, args ...any) { fmt.Fprintf(p.w, format+"\n", args...) }

func (p *printer) title() {
	p.line("doublerandom 快速上手 quickstart：%s（虚构县 a fictional county；protocol v2）", p.plan.Name)
}

// section starts a part of the story: its Chinese title and an English
// gloss.
func (p *printer) section(zh, en string) { p.line("\n%s — %s", zh, en) }

// pad pads s with spaces to width columns, a Chinese character taking
// two.
func pad(s string, width int) string {
	n := 0
	for _, r := range s {
		if r >= 0x2E80 {
			n += 2
		} else {
			n++
		}
	}
	return s + strings.Repeat(" ", max(0, width-n))
}

// premisesName is the name of a premises, from the premises table.
func (p *printer) premisesName(id string) string {
	if row, ok := p.set.Premises.Lookup(id); ok && row.Get("name") != "" {
		return row.Get("name")
	}
	return id
}

// inspector is an inspector's name (from the inspectors table: private,
// shown to the bureau's staff, never published) and id.
func (p *printer) inspector(id string) string {
	if row, ok := p.set.Inspectors.Lookup(id); ok && row.Get("name") != "" {
		return row.Get("name") + " " + id
	}
	return id
}

// unitOf is the unit of an inspector.
func (p *printer) unitOf(id string) string {
	row, _ := p.set.Inspectors.Lookup(id)
	return roster.Inspector{Row: row}.Unit()
}

// slotZh says what a slot asks for: "卫生监督·学校卫生", "市场监管局（限文化娱乐场所）".
func slotZh(s random.Slot) string {
	var parts []string
	if s.Unit != "" {
		parts = append(parts, word(unitZh, s.Unit))
	}
	if s.Specialty != "" {
		parts = append(parts, word(specialtyZh, s.Specialty))
	}
	text := strings.Join(parts, "·")
	if text == "" {
		text = "任一人员"
	}
	var only []string
	for _, t := range s.Match {
		if t.Attr == "insured" {
			only = append(only, "医保定点机构")
		} else {
			only = append(only, strings.Join(t.Values, "、"))
		}
	}
	if len(only) > 0 {
		text += "（限" + strings.Join(only, "、") + "）"
	}
	return text
}

// taskName is the name of the plan's task i.
func (p *printer) taskName(i int) string {
	if t := p.plan.Tasks[i]; t.Name != "" {
		return t.Name
	}
	return p.plan.Tasks[i].ID
}

// tables prints the tables loaded: counts and roots (v2: private
// attributes committed with the blinding key).
func (p *printer) tables() {
	roots, err := p.set.RootsV2(p.plan.Private)
	if err != nil { // cannot happen: the plan was checked against the tables
		p.line("  roots: %v", err)
		return
	}
	n := p.set.Counts()
	status := map[string]int{}
	for _, row := range p.set.Premises.Rows() {
		status[row.Get("status")]++
	}
	units := map[string]int{}
	for _, row := range p.set.Inspectors.Rows() {
		units[roster.Inspector{Row: row}.Unit()]++
	}
	var byUnit []string
	for _, u := range []string{"wsjd", "slj", "scjg", "ybj", "cdc"} {
		byUnit = append(byUnit, fmt.Sprintf("%s %d", word(unitZh, u), units[u]))
	}
	p.line("  检查对象名录 premises   %5d 户  根值 root %s  存续 %d，注销 %d，停业 %d",
		n.Premises, short(roots.Premises.String()), status["存续"], status["注销"], status["停业"])
	p.line("  执法检查人员 inspectors %5d 人  根值 root %s  %s", n.Inspectors, short(roots.Inspectors.String()), strings.Join(byUnit, "，"))
	p.line("  回避关系 conflicts      %5d 条  根值 root %s", n.Conflicts, short(roots.Conflicts.String()))
	p.line("  检查记录 history        %5d 条  根值 root %s", n.History, short(roots.History.String()))
	p.line("  （姓名、电话、回避原因等为隐私字段：根值只含其加盐摘要 private values enter the roots salted with the blinding key）")
}

// tasks prints the plan and its tasks in words.
func (p *printer) tasks() {
	p.line("  计划 plan %s「%s」，计划日期 %s", p.plan.ID, p.plan.Name, p.plan.Date)
	p.line("  %s%s%s", pad("抽查任务 task", 36), pad("比例 ratio", 26), "检查组 team")
	for i, t := range p.plan.Tasks {
		ratio := t.Ratio.String()
		if t.Min > 0 {
			ratio += fmt.Sprintf("，至少 %d 户", t.Min)
		}
		if len(t.Spread) > 0 {
			ratio += "，按乡镇分配"
		}
		if t.Weight != nil {
			var ws []string
			for _, v := range t.Weight.Values {
				ws = append(ws, fmt.Sprintf("%s%d", v.Value, v.Weight))
			}
			ratio += "，按风险加权 " + strings.Join(ws, " ")
		}
		team := "—"
		if t.Team != nil {
			var slots []string
			for _, s := range t.Team.Slots {
				slots = append(slots, slotZh(s))
			}
			size := max(t.Team.Size, p.plan.Teams.Size, len(t.Team.Slots))
			team = fmt.Sprintf("%d 人：%s", size, strings.Join(slots, "、"))
			if extra := size - len(t.Team.Slots); extra > 0 {
				team += fmt.Sprintf(" + %d 人", extra)
			}
		}
		p.line("  %d %s%s%s", i+1, pad(p.taskName(i), 34), pad(ratio, 26), team)
	}
	for _, t := range p.plan.Targeted {
		p.line("  定向 targeted: %s（%s）", p.premisesName(t.ID), t.Reason)
	}
}

// simulation prints what the plan did over made-up seeds.
func (p *printer) simulation(sim *random.Simulation) {
	p.line("  %s%s%s%s", pad("任务 task", 36), pad("应抽 quota", 14), pad("缺额 shortfall", 16), "出现无人检查 unstaffed")
	for i, t := range sim.Tasks {
		quota := fmt.Sprint(t.Quota.Min())
		if t.Quota.Min() != t.Quota.Max() {
			quota = fmt.Sprintf("%d–%d", t.Quota.Min(), t.Quota.Max())
		}
		p.line("  %s%s%s%s", pad(p.taskName(i), 36), pad(quota, 14), pad(fmt.Sprintf("%.1f", t.Shortfall.Mean()), 16),
			percent(t.Unstaffed.Positive(), sim.Runs))
	}
	p.line("  每批平均 %.1f 户待检，平均 %.1f 户无人检查（%s 的抽取中至少一户）", sim.Visits.Mean(), sim.Unstaffed.Mean(), percent(sim.Unstaffed.Positive(), sim.Runs))
	if sim.Pair.Runs > 0 {
		p.line("  同一检查员派往同一检查对象的最大概率 %s：%s（%s）→ %s（%d/%d 次）",
			percent(sim.Pair.Runs, sim.Runs), p.inspector(sim.Pair.Inspector), word(unitZh, p.unitOf(sim.Pair.Inspector)),
			p.premisesName(sim.Pair.Premises), sim.Pair.Runs, sim.Runs)
		p.line("  （the largest chance that one inspector is sent to one premises: random teams keep it low）")
	}
	p.line("  模拟用的是假想种子：它说明计划会怎样，不预示真实抽取 made-up seeds tell what the plan does, not what the real draw picks")
}

func percent(n, of int) string { return fmt.Sprintf("%.0f%%", 100*float64(n)/float64(max(1, of))) }

// announcement prints the keys, the announcement and the ceremony.
func (p *printer) announcement(vk string, announced, held time.Time, digits string, example bool) {
	p.line("  签名密钥 signing key   %s（本次新生成，演示用 a fresh demonstration key）", vk)
	p.line("  盲化密钥 blinding key  agency.blind（与签名密钥一同保管，绝不公开 kept with the signing key, never published）")
	p.line("  （盲化密钥每次运行都新生成，四表根值随之不同，同样的骰子数字每次抽出的结果也不同 a fresh blinding key: other roots, another draw）")
	p.line("  %s  公布 000001-announcement.note：计划、四表根值、摇号仪式的时间地点（种子尚不存在 the seed does not exist yet）", clock(announced))
	label := "示例仪式的数字：圆周率的前 20 位；-seed-dice 用你自己的 the example's digits"
	if !example {
		label = "由 -seed-dice 给出 given with -seed-dice"
	}
	p.line("  %s  摇号 dice ceremony，%s：%s（%s）", clock(held), exampleWhere, digits, label)
}

// taskFigures prints each task's figures of the draw.
func (p *printer) taskFigures() {
	p.line("  %s%s%s%s%s%s", pad("任务 task", 36), pad("库内 pool", 11), pad("冷却 cooling", 14), pad("可抽 eligible", 15), pad("应抽 quota", 12), "缺额 shortfall")
	for i, t := range p.res.Tasks {
		p.line("  %s%s%s%s%s%d", pad(p.taskName(i), 36), pad(fmt.Sprint(t.Pool), 11), pad(fmt.Sprint(t.Cooling), 14),
			pad(fmt.Sprint(t.Eligible), 15), pad(fmt.Sprint(t.Quota), 12), t.Shortfall)
	}
	p.line("  （冷却：近一年已检查两次的不再抽 cooling: inspected twice within the year）")
}

// visits prints the visits: how many, how chosen, and some teams.
func (p *printer) visits() {
	marks := map[random.Mark]int{}
	multi, joint := 0, 0
	for i := range p.res.Visits {
		v := &p.res.Visits[i]
		marks[visitMark(v)]++
		if len(v.Tasks) > 1 {
			multi++
		}
		if p.isJoint(v) {
			joint++
		}
	}
	p.line("  待检 visits: %d 户（%s %d，%s %d，%s %d）；%d 户一次上门查多项任务（进一次门、查多项事），%d 户为多部门联合检查 joint",
		len(p.res.Visits), markZh[random.MarkOverdue], marks[random.MarkOverdue], markZh[random.MarkRandom], marks[random.MarkRandom],
		markZh[random.MarkTargeted], marks[random.MarkTargeted], multi, joint)
	p.line("  检查组示例 some teams (姓名只给本局看，公示不含 names are for the bureau, not the public notice):")
	shown := map[string]bool{}
	show := func(v *random.Visit) {
		if v == nil || shown[v.ID] {
			return
		}
		shown[v.ID] = true
		p.team(v)
	}
	show(p.firstVisit(p.hasTask("water")))
	show(p.firstVisit(p.withMember("scjg")))
	show(p.firstVisit(func(v *random.Visit) bool { return v.Team != nil && len(v.Tasks) > 1 && !shown[v.ID] }))
}

// visitMark is how a visit was chosen: targeted only when every task
// targeted it, else overdue when one task took it as overdue, else random.
func visitMark(v *random.Visit) random.Mark {
	m := random.MarkTargeted
	for _, t := range v.Tasks {
		switch {
		case t.Mark == random.MarkOverdue:
			return random.MarkOverdue
		case t.Mark == random.MarkRandom:
			m = random.MarkRandom
		}
	}
	return m
}

// isJoint reports whether a visit's team has a member of a partner
// department.
func (p *printer) isJoint(v *random.Visit) bool {
	return slices.ContainsFunc(v.Team, func(m random.Member) bool { return p.unitOf(m.ID) != "wsjd" })
}

// team prints a visit, its tasks and its team, one member a line.
func (p *printer) team(v *random.Visit) {
	var tasks []string
	for _, t := range v.Tasks {
		tasks = append(tasks, p.taskName(t.Task))
	}
	p.line("  ▸ %s [%s；%s]", p.premisesName(v.ID), strings.Join(tasks, "、"), markZh[visitMark(v)])
	for _, m := range v.Team {
		p.line("      %s%s", pad(p.inspector(m.ID), 22), p.memberRole(v, m))
	}
}

// memberRole says which slot a member fills, and points out a partner
// department's member.
func (p *printer) memberRole(v *random.Visit, m random.Member) string {
	role := word(unitZh, p.unitOf(m.ID)) + "（补足人数 fill-up）"
	if m.Slot >= 0 {
		role = slotZh(v.Slots[m.Slot]) + " 岗"
	}
	if u := p.unitOf(m.ID); u != "wsjd" {
		role += "  ← 联合检查 joint: " + word(unitZh, u)
	}
	return role
}

// firstVisit returns the first visit, in view order, that ok holds for.
func (p *printer) firstVisit(ok func(v *random.Visit) bool) *random.Visit {
	for i := range p.res.Visits {
		if ok(&p.res.Visits[i]) {
			return &p.res.Visits[i]
		}
	}
	return nil
}

// hasTask holds for a staffed visit of the task.
func (p *printer) hasTask(id string) func(v *random.Visit) bool {
	task := p.plan.TaskIndex(id)
	return func(v *random.Visit) bool {
		return v.Team != nil && slices.ContainsFunc(v.Tasks, func(t random.VisitTask) bool { return t.Task == task })
	}
}

// hasUnit holds for a staffed visit with a member of the unit in a slot.
func (p *printer) hasUnit(unit string) func(v *random.Visit) bool {
	return func(v *random.Visit) bool {
		return slices.ContainsFunc(v.Team, func(m random.Member) bool { return m.Slot >= 0 && p.unitOf(m.ID) == unit })
	}
}

// withMember holds for a visit with a member of the unit, in a slot or
// as a fill-up.
func (p *printer) withMember(unit string) func(v *random.Visit) bool {
	return func(v *random.Visit) bool {
		return slices.ContainsFunc(v.Team, func(m random.Member) bool { return p.unitOf(m.ID) == unit })
	}
}

// unstaffed says which visits have no team and why, in words; or that
// every visit has one.
func (p *printer) unstaffed() error {
	n := 0
	for i := range p.res.Visits {
		v := &p.res.Visits[i]
		if v.Team != nil {
			continue
		}
		n++
		e, err := p.res.Explain(v.ID)
		if err != nil {
			return err
		}
		p.line("  无人检查 unstaffed: %s（%s）：%s", p.premisesName(v.ID), e.Unstaffed.Code(), whyUnstaffed(e))
	}
	if n == 0 {
		p.line("  全部 %d 户均已组成检查组 every visit is staffed", len(p.res.Visits))
	}
	return nil
}

// whyUnstaffed says in Chinese why a visit has no team, from its
// explanation.
func whyUnstaffed(e *random.ExplanationV2) string {
	switch e.Unstaffed {
	case random.UnstaffedNoneEligible:
		return "没有符合条件的检查人员（回避、轮换、执法证有效期等规则排除了所有人）"
	case random.UnstaffedSlot:
		s := slotZh(e.Slots[e.FailedSlot])
		switch {
		case e.SlotEligible == 0:
			return fmt.Sprintf("%d 名合格人员中没有%s", e.EligibleCount, s)
		case e.SlotCapacity == 0:
			return fmt.Sprintf("%d 名%s本批任务均已排满", e.SlotEligible, s)
		}
		return fmt.Sprintf("尚有余量的 %d 名%s已被本组其他岗位占用，或其单位人数已达上限", e.SlotCapacity, s)
	case random.UnstaffedShort:
		return fmt.Sprintf("%d 名合格人员中尚有余量的只有 %d 人，不足 %d 人的检查组", e.EligibleCount, e.Candidates, e.Size)
	}
	return ""
}
