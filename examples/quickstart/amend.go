package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// teamState is a visit's team after some substitutions: the members
// now, everyone who ever was on it, and the teams each inspector joined
// by substitution (anywhere), which use up capacity.
type teamState struct {
	team   []random.Member
	ever   map[string]bool
	joined map[string]int
}

// stateAfter replays the substitutions made so far (prior, in ledger
// order) to find visit v's team and who used capacity.
func (p *printer) stateAfter(v *random.Visit, prior []random.Substitution) (*teamState, error) {
	st := &teamState{team: slices.Clone(v.Team), ever: map[string]bool{}, joined: map[string]int{}}
	for _, m := range v.Team {
		st.ever[m.ID] = true
	}
	reps, err := p.res.Substitute(prior)
	if err != nil {
		return nil, err
	}
	for _, r := range reps {
		if r.In != "" {
			st.joined[r.In]++
		}
		if r.Premises != v.ID {
			continue
		}
		st.ever[r.In] = true
		if r.Unstaffed {
			st.team = nil
			continue
		}
		i := slices.IndexFunc(st.team, func(m random.Member) bool { return m.ID == r.Out })
		st.team[i].Candidate = random.Candidate{Inspector: p.set.Inspectors.Index(r.In), ID: r.In}
	}
	return st, nil
}

// passedOver says why inspector c of E(v) cannot replace out on visit
// v (the replacement rule, protocol v2 §6, in its order): on the team or
// once on it, no capacity left, not of the slot's unit or specialty,
// their unit already at max_per_unit. "" means c qualifies.
func (p *printer) passedOver(v *random.Visit, st *teamState, out random.Member, c random.Candidate) string {
	row := p.set.Inspectors.At(c.Inspector)
	in := roster.Inspector{Row: row}
	switch {
	case slices.ContainsFunc(st.team, func(m random.Member) bool { return m.ID == c.ID }):
		return "已在本组 on the team"
	case st.ever[c.ID]:
		return "曾在本组 left the team"
	}
	load := p.res.Load[c.Inspector]
	if load.Capacity >= 0 && load.Used+st.joined[c.ID] >= load.Capacity {
		return "本批任务已排满 no capacity left"
	}
	if out.Slot >= 0 {
		s := v.Slots[out.Slot]
		if s.Unit != "" && in.Unit() != s.Unit {
			return "不是" + word(unitZh, s.Unit) + "人员 not of the unit"
		}
		if s.Specialty != "" && !in.HasSpecialty(s.Specialty) {
			return "无" + word(specialtyZh, s.Specialty) + "专业 lacks the specialty"
		}
	}
	if v.MaxPerUnit > 0 {
		same := 0
		for _, m := range st.team {
			if m.ID != out.ID && p.unitOf(m.ID) == in.Unit() {
				same++
			}
		}
		if same >= v.MaxPerUnit {
			return fmt.Sprintf("本单位已有 %d 人（每单位至多 %d 人）max_per_unit", same, v.MaxPerUnit)
		}
	}
	return ""
}

// replacement walks E(v) in (Q, id) order as the rule does and returns
// the first who qualifies ("" when nobody does), and, for the people
// passed over before, how many for each reason, in the order first met.
func (p *printer) replacement(v *random.Visit, st *teamState, out random.Member) (in string, rank int, passed []string) {
	count := map[string]int{}
	var reasons []string
	for k, c := range p.res.EligibleV2(v.Premises) {
		why := p.passedOver(v, st, out, c)
		if why == "" {
			in, rank = c.ID, k+1
			break
		}
		if count[why] == 0 {
			reasons = append(reasons, why)
		}
		count[why]++
	}
	for _, r := range reasons {
		passed = append(passed, fmt.Sprintf("%d 人%s", count[r], r))
	}
	return in, rank, passed
}

// explainReplacement prints who replaces out and why, and checks the
// demo's reading of the rule against the library's answer (got).
func (p *printer) explainReplacement(v *random.Visit, st *teamState, out random.Member, got string) error {
	in, rank, passed := p.replacement(v, st, out)
	if in != got {
		return fmt.Errorf("the demo's reading of the replacement rule gives %q for %s on %s, the library %q", in, out.ID, v.ID, got)
	}
	slot := "补足人数"
	if out.Slot >= 0 {
		slot = slotZh(v.Slots[out.Slot])
	}
	n := v.EligibleCount
	if in == "" {
		p.line("      按 Q 值顺序查看 %d 名合格人员 (E(v) in (Q, id) order)：%s", n, strings.Join(passed, "，"))
		p.line("      → 无人可补「%s」岗：该次检查无法组成检查组，成为无人检查 unstaffed (short)，另行安排", slot)
		return nil
	}
	before := "第 1 位即符合"
	if len(passed) > 0 {
		before = fmt.Sprintf("前 %d 位不能补：%s", rank-1, strings.Join(passed, "，"))
	}
	p.line("      按 Q 值顺序查看 %d 名合格人员 (E(v) in (Q, id) order)：%s", n, before)
	p.line("      → 第 %d 位 %s 补入同一岗位「%s」(the first who qualifies takes the slot)", rank, p.inspector(in), slot)
	return nil
}

// illness prints the substitution of m, who fell ill, on visit v, and
// why the replacement is who it is. prior are the substitutions before.
func (p *printer) illness(v *random.Visit, m random.Member, rep random.Replacement, prior []random.Substitution) error {
	st, err := p.stateAfter(v, prior)
	if err != nil {
		return err
	}
	p.line("  病假 sick leave: %s 检查组的 %s（%s）", p.premisesName(v.ID), p.inspector(m.ID), p.memberRole(v, m))
	if err := p.explainReplacement(v, st, m, rep.In); err != nil {
		return err
	}
	p.line("      检查组 team now: %s（公布 000003-amendment.note）", p.names(rep.Team))
	return nil
}

// stepAside builds the chain of the second example: the member of unit
// on visit v declares a conflict of interest (回避), the replacement
// too, and so on until nobody is left (at most one step per inspector of
// the unit). It only computes; the caller publishes the chain.
func (p *printer) stepAside(v *random.Visit, unit string, prior []random.Substitution) ([]random.Substitution, error) {
	i := slices.IndexFunc(v.Team, func(m random.Member) bool { return m.Slot >= 0 && p.unitOf(m.ID) == unit })
	out := v.Team[i].ID
	var chain []random.Substitution
	for range p.unitSize(unit) {
		chain = append(chain, random.Substitution{Premises: v.ID, Out: out, Reason: "回避：近亲属在该单位任职", Conflict: true})
		reps, err := p.res.Substitute(append(slices.Clone(prior), chain...))
		if err != nil {
			return nil, err
		}
		last := reps[len(reps)-1]
		if last.Unstaffed {
			break
		}
		out = last.In
	}
	return chain, nil
}

// unitSize is the number of inspectors of a unit.
func (p *printer) unitSize(unit string) int {
	n := 0
	for _, row := range p.set.Inspectors.Rows() {
		if (roster.Inspector{Row: row}).Unit() == unit {
			n++
		}
	}
	return n
}

// conflicts prints the chain of stepAside, published in one amendment,
// step by step.
func (p *printer) conflicts(v *random.Visit, chain []random.Substitution, reps []random.Replacement, prior []random.Substitution) error {
	p.line("  回避 conflicts of interest: %s 检查组的%s人员依次申请回避（%s）", p.premisesName(v.ID), word(unitZh, p.unitOf(chain[0].Out)), chain[0].Reason)
	for k, sub := range chain {
		st, err := p.stateAfter(v, append(slices.Clone(prior), chain[:k]...))
		if err != nil {
			return err
		}
		i := slices.IndexFunc(st.team, func(m random.Member) bool { return m.ID == sub.Out })
		p.line("    %d. %s 回避", k+1, p.inspector(sub.Out))
		if err := p.explainReplacement(v, st, st.team[i], reps[k].In); err != nil {
			return err
		}
	}
	p.line("    （公布 000004-amendment.note；公示注明「换人后未能组成检查组」the notice says so）")
	return nil
}

// names lists inspectors by name and id.
func (p *printer) names(ids []string) string {
	var out []string
	for _, id := range ids {
		out = append(out, p.inspector(id))
	}
	return strings.Join(out, "、")
}

// resultEntries makes the results of two visits, inspected today by
// their teams (after the substitutions): the visit whose inspector fell
// ill found a problem that was corrected; the first staffed visit that no
// substitution touched (none of its members left another team) found
// none.
func (p *printer) resultEntries(subs []random.Substitution, now time.Time) ([]publish.ResultEntry, error) {
	reps, err := p.res.Substitute(subs)
	if err != nil {
		return nil, err
	}
	teams := map[string][]string{}
	for i := range p.res.Visits {
		v := &p.res.Visits[i]
		for _, m := range v.Team {
			teams[v.ID] = append(teams[v.ID], m.ID)
		}
	}
	for _, r := range reps {
		teams[r.Premises] = r.Team
	}
	day := publish.LocalDate(now)
	var entries []publish.ResultEntry
	add := func(v *random.Visit, outcome, followUp string) {
		kind := publish.InspectionRandom
		if p.isJoint(v) {
			kind = publish.InspectionJoint
		}
		entries = append(entries, publish.ResultEntry{
			Premises: v.ID, Outcome: outcome, Inspected: day, Inspectors: teams[v.ID],
			FollowUp: followUp, Authority: p.plan.Authority, InspectionType: kind,
		})
	}
	touched := map[string]bool{} // visits and inspectors of a substitution
	for _, s := range subs {
		touched[s.Premises], touched[s.Out] = true, true
	}
	if len(subs) > 0 {
		if v := p.firstVisit(func(v *random.Visit) bool { return v.ID == subs[0].Premises }); v != nil {
			add(v, publish.OutcomeCorrected, publish.FollowUpDone)
		}
	}
	quiet := func(v *random.Visit) bool {
		return v.Team != nil && !touched[v.ID] && !slices.ContainsFunc(v.Team, func(m random.Member) bool { return touched[m.ID] })
	}
	if v := p.firstVisit(quiet); v != nil {
		add(v, publish.OutcomeNoIssue, "")
	}
	return entries, nil
}

// results prints the results published.
func (p *printer) results(entries []publish.ResultEntry, now time.Time) {
	outcomes := publish.Standard()
	p.line("  %s  公布结果 000005-results.note（检查日期 %s）:", clock(now), publish.LocalDate(now))
	for _, e := range entries {
		o, _ := outcomes.Lookup(e.Outcome)
		text := o.Zh
		if e.FollowUp != "" {
			text += "（" + publish.FollowUpZh(e.FollowUp) + "）"
		}
		t, _ := publish.LookupInspectionType(e.InspectionType)
		p.line("    %s：%s，%s，检查人员 %s", p.premisesName(e.Premises), text, t.Zh, p.names(e.Inspectors))
	}
}

// verification prints the verifier's report and its verdict, last.
func (p *printer) verification(rep *publish.Report, command string) {
	for _, w := range rep.Warnings {
		p.line("warning: %s", w)
	}
	for _, pr := range rep.Problems {
		p.line("PROBLEM: %s", pr)
	}
	summary := fmt.Sprintf("核验 verify: %d 份文件均由 %s 签名，checkpoint %d", rep.Documents, strings.Join(rep.Signers, ", "), rep.Checkpoint.Size)
	for _, d := range rep.Draws {
		if d.Replayed {
			summary += fmt.Sprintf("；%s 由四表重放 replayed from the tables：完全一致 identical（含 %d 次换人，%d 条结果）", d.Doc, d.Substitutions, d.Outcomes)
		}
	}
	p.line("%s", summary)
	p.line("自己核验 replay it yourself: %s", command)
	if rep.OK() {
		p.line("verified: OK")
	} else {
		p.line("verified: FAILED, %d problems", len(rep.Problems))
	}
}
