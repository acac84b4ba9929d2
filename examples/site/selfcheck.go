package site

import (
	"fmt"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// SelfCheckAnswer is the answer to a business that typed its credit code.
type SelfCheckAnswer struct {
	// Status is selected, not-selected or failed.
	Status   string   `json:"status"`
	ID       string   `json:"id"`
	Name     string   `json:"name,omitempty"`
	Draw     string   `json:"draw,omitempty"`
	Verdict  string   `json:"verdict,omitempty"` // publish.Verdict.String()
	Stratum  []string `json:"stratum,omitempty"`
	Priority string   `json:"priority,omitempty"`
	// Threshold is the priority of the last premises its stratum selected
	// at random; empty when none was.
	Threshold string `json:"threshold,omitempty"`
	Quota     int    `json:"quota"`
	Eligible  int    `json:"eligible"`
	Mark      string `json:"mark,omitempty"`
	MarkZh    string `json:"mark_zh,omitempty"`
	TeamSize  int    `json:"team_size"`
	// Proof says how the row was checked against the announced root.
	Root     string `json:"root,omitempty"`
	ProofLen int    `json:"proof_len"`
	ProofOK  bool   `json:"proof_ok"`
	// Result is the published outcome, or why there is none yet.
	ResultZh string `json:"result_zh,omitempty"`
	ResultEn string `json:"result_en,omitempty"`
	Zh       string `json:"zh"`
	En       string `json:"en"`
	// Tasks, for a v2 draw: per task of the plan whose match holds for
	// the premises, its weighted priority W against its group's
	// threshold.
	Tasks []SelfCheckTask `json:"tasks,omitempty"`
}

// SelfCheckTask is the self-check's answer for one task of a v2 plan
// (publish.SelfCheckTask in words).
type SelfCheckTask struct {
	Task      string   `json:"task"`
	Name      string   `json:"name,omitempty"`
	Group     []string `json:"group"`
	Weight    int      `json:"weight"`
	W         string   `json:"w"`
	Threshold string   `json:"threshold,omitempty"`
	Mark      string   `json:"mark,omitempty"`
	MarkZh    string   `json:"mark_zh,omitempty"`
	Verdict   string   `json:"verdict"`
	Zh        string   `json:"zh"`
	En        string   `json:"en"`
}

// SelfCheck answers a business: was the premises id rightly selected or
// not, in the last draw no redraw voided? [publish.SelfCheckBundle] takes
// its row and inclusion proof from the premises table the bundle holds
// for that draw, checks the table against the announced root, the
// signatures of the announcement and the draw, the proof, and compares
// the priority with the stratum's threshold. The answer adds the
// proof checked again here, the team's size and the result.
func (s *Session) SelfCheck(id string) *SelfCheckAnswer {
	id = strings.TrimSpace(id)
	a := &SelfCheckAnswer{Status: StatusFailed, ID: id}
	fail := func(zh, en string) *SelfCheckAnswer { a.Zh, a.En = zh, en; return a }
	if s == nil || s.b == nil || s.rep == nil {
		return fail("公示包无法读取，无法自查。", "the bundle could not be read: no self-check")
	}
	if id == "" {
		return fail("请输入统一社会信用代码。", "type the unified social credit code")
	}
	res, err := publish.SelfCheckBundle(s.b, s.verifiers, id, publish.SelfCheckOptions{Policy: s.policy})
	if err != nil {
		return fail("自查无法完成："+err.Error(), err.Error())
	}
	a.Draw, a.Verdict, a.Stratum = res.Draw, res.Verdict.String(), res.Stratum
	a.En = res.Explanation
	var d *publish.DrawBody
	var ann *publish.RecordDoc
	rec := s.rep.Record
	if rec != nil {
		for _, e := range rec.Docs {
			if e.File == res.Draw && e.Draw != nil {
				d = e.Draw
				ann, _ = rec.Lookup(e.Draw.Announcement)
			}
		}
	}
	// The row and its proof, checked here against the announced root.
	var row roster.Row
	found := false
	if ann != nil && ann.Announcement != nil {
		if t := s.premisesOf(ann); t != nil {
			row, found = t.Lookup(id)
			if found {
				a.Name = row.Get("name")
				if p2 := ann.PlanV2(); p2 != nil { // v2: the row in published form
					c := roster.Commitment{Published: true}
					if proof, err := t.ProveV2(id, p2.Private, c); err == nil {
						a.ProofLen = len(proof.Path)
						a.Root = ann.Announcement.Roots.Premises.String()
						a.ProofOK = roster.VerifyProofV2(ann.Announcement.Roots.Premises, roster.KindPremises, row, p2.Private, c, proof) == nil
					}
				} else if proof, err := t.Prove(id); err == nil {
					a.ProofLen = len(proof.Path)
					a.Root = ann.Announcement.Roots.Premises.String()
					a.ProofOK = roster.VerifyProof(ann.Announcement.Roots.Premises, row, proof) == nil
				}
			}
		}
	}
	if res.Verdict == publish.VerdictNotInRoster && !found {
		return fail("公布的经营场所名录中没有 "+id+"：它没有参加本次抽取。请核对代码；如确应在名录中，请向监管部门反映。",
			id+" is not in the published premises table: it took no part in the draw; check the code, and if it should be there, tell the agency")
	}
	a.Priority = random.FormatPriority(res.Priority)
	if res.Threshold != nil {
		a.Threshold = random.FormatPriority(*res.Threshold)
	}
	if d != nil && d.ViewV2 != nil {
		return s.selfCheckV2(a, res, d, ann)
	}
	if d != nil && d.View != nil {
		if i := slices.IndexFunc(d.View.Strata, func(st random.ViewStratum) bool { return slices.Equal(st.Values, res.Stratum) }); i >= 0 {
			a.Quota, a.Eligible = d.View.Strata[i].Quota, d.View.Strata[i].Eligible
		}
		if i := slices.IndexFunc(d.View.Selected, func(x random.ViewSelection) bool { return x.ID == id }); i >= 0 {
			sel := d.View.Selected[i]
			a.Mark, a.MarkZh, a.TeamSize = sel.Mark.String(), markZh(sel.Mark), len(sel.Team)
			if rec != nil {
				for _, e := range rec.Docs {
					if e.File == res.Draw {
						if t := rec.Team(e.Digest, id); t != nil {
							a.TeamSize = len(t) // after substitutions
						}
						if r, doc := rec.Result(e.Digest, id); r != nil {
							a.ResultZh = fmt.Sprintf("检查结果已公开（%s）：%s，检查日期 %s。", doc.File, r.Zh, r.Inspected)
							a.ResultEn = fmt.Sprintf("result published (%s): %s, inspected %s", doc.File, r.En, r.Inspected)
						}
					}
				}
			}
			if a.ResultZh == "" {
				a.ResultZh, a.ResultEn = s.pending(res.Draw)
			}
		}
	}
	group := "本组（" + strings.Join(res.Stratum, "、") + "）"
	P := a.Priority
	switch res.Verdict {
	case publish.VerdictSelected:
		a.Status = StatusSelected
		switch res.Mark {
		case random.MarkTargeted:
			a.Zh = fmt.Sprintf("已被抽中：计划点名定向检查 %s。", id)
		case random.MarkOverdue:
			a.Zh = fmt.Sprintf("已被抽中：%s 在计划规定的期限内未被检查过（逾期），按规则优先抽取；其优先数为 %s。", id, P)
		default:
			if a.Threshold != "" {
				a.Zh = fmt.Sprintf("已被抽中：%s 的优先数 %s 不大于%s的阈值 %s（本组随机抽中的最后一家的优先数），所以被抽中。", id, P, group, a.Threshold)
			} else {
				a.Zh = fmt.Sprintf("已被抽中：%s 在%s中随机抽中，优先数 %s。", id, group, P)
			}
		}
		a.Zh += fmt.Sprintf(" 检查组人数：%d 人（不公开姓名）。", a.TeamSize)
	case publish.VerdictNotSelected:
		a.Status = StatusNotSelected
		if a.Threshold != "" {
			a.Zh = fmt.Sprintf("未被抽中，且正确：%s 的优先数 %s 大于%s的阈值 %s（本组随机抽中的最后一家的优先数），排在所有被抽中者之后。", id, P, group, a.Threshold)
		} else {
			a.Zh = fmt.Sprintf("未被抽中，且正确：%s本次没有抽查配额。", group)
		}
	case publish.VerdictConditional:
		a.Status = StatusNotSelected
		if a.Threshold != "" {
			a.Zh = fmt.Sprintf("未被抽中。优先数 %s，%s阈值 %s。", P, group, a.Threshold)
		} else {
			a.Zh = fmt.Sprintf("未被抽中。优先数 %s；%s的 %d 个名额全部用于逾期未检的单位，没有随机抽取（没有阈值）。", P, group, a.Quota)
		}
		a.Zh += "是否正确取决于贵单位自己的检查记录（检查历史不公开）："
		switch {
		case strings.Contains(res.Explanation, "cooldown"):
			a.Zh += "若贵单位在冷却期内已被检查达到规定次数，按规则不再抽取（冷却）。"
		case strings.Contains(res.Explanation, "overdue"):
			a.Zh += "若贵单位在计划规定的期限内被检查过（未逾期），则排在逾期单位之后，未被抽中是正确的；若已逾期却未被抽中，请向监管部门反映。"
		default:
			a.Zh += "见英文说明。"
		}
	case publish.VerdictOutOfScope:
		a.Status = StatusNotSelected
		a.Zh = fmt.Sprintf("未参加本次抽取：%s 不在本次计划的抽查范围内（或已停业、注销）。", id)
	case publish.VerdictWrong:
		a.Zh = "记录与名录矛盾，请向监管部门或纪检监察机关反映：" + res.Explanation
	case publish.VerdictNotInRoster:
		a.Zh = "名录中的这一行与公告的根哈希不符：所公布的名录不是抽取所用的名录。"
	}
	return s.untrusted(a)
}

// untrusted marks an answer failed when the bundle did not verify.
func (s *Session) untrusted(a *SelfCheckAnswer) *SelfCheckAnswer {
	if s.rep != nil && !s.rep.OK() {
		a.Status = StatusFailed
		a.Zh = "本次公示的核验未通过（见上方），自查结果不可信。" + a.Zh
		a.En = "the bundle failed verification (see above): this self-check cannot be trusted. " + a.En
	}
	return a
}

// selfCheckV2 completes the answer for a draw of protocol v2: per task,
// W against its group's threshold; the visit's team size and result.
func (s *Session) selfCheckV2(a *SelfCheckAnswer, res *publish.SelfCheckResult, d *publish.DrawBody, ann *publish.RecordDoc) *SelfCheckAnswer {
	id := a.ID
	var plan *random.PlanV2
	if ann != nil {
		plan = ann.PlanV2()
	}
	rec := s.rep.Record
	if i := slices.IndexFunc(d.ViewV2.Visits, func(x random.ViewVisit) bool { return x.ID == id }); i >= 0 {
		a.TeamSize = len(d.ViewV2.Visits[i].Team)
		for _, e := range rec.Docs {
			if e.File == res.Draw {
				if t := rec.Team(e.Digest, id); t != nil {
					a.TeamSize = len(t) // after substitutions
				}
				if r, doc := rec.Result(e.Digest, id); r != nil {
					a.ResultZh = fmt.Sprintf("检查结果已公开（%s）：%s，检查日期 %s。", doc.File, r.Zh, r.Inspected)
					a.ResultEn = fmt.Sprintf("result published (%s): %s, inspected %s", doc.File, r.En, r.Inspected)
				}
			}
		}
		if a.ResultZh == "" {
			a.ResultZh, a.ResultEn = s.pending(res.Draw)
		}
	}
	var lines []string
	for _, t := range res.Tasks {
		x := SelfCheckTask{Task: t.Task, Group: t.Group, Weight: t.Weight, W: random.FormatPriority(t.W), Verdict: t.Verdict.String(), En: t.Explanation}
		if plan != nil {
			if i := plan.TaskIndex(t.Task); i >= 0 {
				x.Name = plan.Tasks[i].Name
			}
		}
		if t.Threshold != nil {
			x.Threshold = random.FormatPriority(*t.Threshold)
		}
		if t.Mark != 0 {
			x.Mark, x.MarkZh = t.Mark.String(), markZh(t.Mark)
		}
		group := "本组"
		if len(t.Group) > 0 {
			group = "本组（" + strings.Join(t.Group, "、") + "）"
		}
		w := "优先数 W " + x.W
		if t.Weight > 1 {
			w = fmt.Sprintf("加权优先数 W %s（权重 %d）", x.W, t.Weight)
		}
		switch {
		case t.Mark == random.MarkTargeted:
			x.Zh = "计划点名定向检查。"
		case t.Mark == random.MarkOverdue:
			x.Zh = "逾期未检，按规则优先抽取；" + w + "。"
		case t.Mark == random.MarkRandom && x.Threshold != "":
			x.Zh = fmt.Sprintf("随机抽中：%s 不大于%s的阈值 %s。", w, group, x.Threshold)
		case t.Mark != 0:
			x.Zh = markZh(t.Mark) + "；" + w + "。"
		case x.Threshold != "":
			x.Zh = fmt.Sprintf("未抽中：%s 大于%s的阈值 %s（本组随机抽中的最后一家的 W）。", w, group, x.Threshold)
		default:
			x.Zh = fmt.Sprintf("未抽中：%s没有随机抽取（没有阈值），%s。", group, w)
		}
		if t.Verdict == publish.VerdictWrong {
			x.Zh = "记录矛盾：" + x.Zh
		}
		a.Tasks = append(a.Tasks, x)
		label := t.Task
		if x.Name != "" {
			label += "（" + x.Name + "）"
		}
		lines = append(lines, "事项 "+label+"："+x.Zh)
	}
	switch res.Verdict {
	case publish.VerdictSelected:
		a.Status = StatusSelected
		a.Zh = fmt.Sprintf("已被抽中。检查组人数：%d 人（不公开姓名）。", a.TeamSize)
	case publish.VerdictNotSelected:
		a.Status = StatusNotSelected
		a.Zh = "未被抽中，且正确。"
	case publish.VerdictConditional:
		a.Status = StatusNotSelected
		a.Zh = "未被抽中。是否正确取决于贵单位自己的检查记录（检查历史不公开）：若在冷却期内已被检查达到规定次数，按规则不再抽取。"
	case publish.VerdictOutOfScope:
		a.Status = StatusNotSelected
		a.Zh = fmt.Sprintf("未参加本次抽取：%s 不在本次计划的抽查范围内（或已停业、注销）。", id)
	case publish.VerdictWrong:
		a.Zh = "记录与名录矛盾，请向监管部门或纪检监察机关反映：" + res.Explanation
	case publish.VerdictNotInRoster:
		a.Zh = "名录中的这一行与公告的根哈希不符：所公布的名录不是抽取所用的名录。"
	}
	if len(lines) > 0 {
		a.Zh += " " + strings.Join(lines, " ")
	}
	return s.untrusted(a)
}

// pending says why a selected premises has no result yet.
func (s *Session) pending(draw string) (string, string) {
	if s.rep == nil {
		return "", ""
	}
	for _, d := range s.rep.Draws {
		if d.Doc == draw {
			if d.Overdue {
				return "检查结果尚未公开，已超过抽取后 20 个工作日的期限（逾期）。", "no result published yet: overdue (more than 20 working days after the draw)"
			}
			return "检查结果尚未公开（在规定期限内）。", "no result published yet (within the deadline)"
		}
	}
	return "", ""
}
