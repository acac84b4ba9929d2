package floor

import (
	"cmp"
	"runtime"
	"slices"
	"strings"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

type inspector struct {
	id, unit, region, home string
	row                    roster.Row
	active                 bool
	expired                bool
	capacity               int // -1: no limit
	used                   int
}

type candidate struct {
	q uint64
	i int32 // inspector, in id order
}

// staff computes E(p) (one Q(p, i) per eligible inspector) of each
// selected premises on every core, then staffs the teams in the order of
// protocol §6: ascending (|E(p)|, P, id).
func staff(plan *random.Plan, k random.Key, prem, insp, conf, hist *table, refs []key, histStart []int32, dates []roster.Date, sel []Selection, selPos []int) error {
	ins := make([]inspector, len(insp.keys))
	for j, kk := range insp.keys {
		row := insp.Row(int(kk.row))
		in := roster.Inspector{Row: row}
		x := inspector{id: row.ID, unit: in.Unit(), region: in.Region(), home: in.HomeRegion(), row: row, active: in.Active()}
		if exp, ok := in.CredentialExpires(); ok && exp < plan.Date {
			x.expired = true
		}
		c, ok := in.Capacity()
		if !ok {
			c = plan.DefaultCapacity
			if c == 0 {
				c = -1
			}
		}
		x.capacity = c
		ins[j] = x
	}
	declared := map[string][]string{}
	if plan.Conflicts.Declared {
		for _, kk := range conf.keys {
			c := roster.Conflict{Row: conf.Row(int(kk.row))}
			declared[c.Premises()] = append(declared[c.Premises()], c.Inspector())
		}
	}
	hIns := slices.Index(hist.header, roster.AttrInspectors)

	elig := make([][]candidate, len(sel))
	rules := make([]int, len(sel))
	workers := runtime.GOMAXPROCS(0)
	parallel(workers, func(w int) {
		ends := make([]int, len(hist.header))
		for si := w; si < len(sel); si += workers {
			p := selPos[si]
			prow := prem.Row(int(prem.keys[p].row))
			rules[si] = -1
			for ti, t := range plan.Teams {
				if t.Match.Holds(prow) {
					rules[si] = ti
					break
				}
			}
			if rules[si] < 0 {
				continue
			}
			rule := &plan.Teams[rules[si]]
			region := prow.Get(roster.AttrRegion)
			var recent []string
			if d := plan.Conflicts.RotationDays; d > 0 {
				for _, r := range refs[histStart[p]:histStart[p+1]] {
					if dates[r.row].Within(plan.Date, d) {
						line := hist.line(int(r.row))
						fields(line, ends)
						recent = append(recent, strings.Split(string(field(line, ends, hIns)), ";")...)
					}
				}
			}
			var out []candidate
			for i := range ins {
				in := &ins[i]
				if !in.active || in.expired {
					continue
				}
				if rule.Specialty != "" && !(roster.Inspector{Row: in.row}).HasSpecialty(rule.Specialty) {
					continue
				}
				if l := rule.RegionPrefix; l > 0 && (len(in.region) < l || len(region) < l || in.region[:l] != region[:l]) {
					continue
				}
				if plan.Conflicts.Declared && slices.Contains(declared[prow.ID], in.id) {
					continue
				}
				if slices.Contains(recent, in.id) {
					continue
				}
				if plan.Conflicts.HomeRegion && in.home != "" && in.home == region {
					continue
				}
				out = append(out, candidate{k.InspectorKey(prow.ID, in.id), int32(i)})
			}
			slices.SortFunc(out, func(a, b candidate) int { return cmp.Or(cmp.Compare(a.q, b.q), cmp.Compare(a.i, b.i)) })
			elig[si] = out
			sel[si].Eligible = len(out)
		}
	})

	order := make([]int, len(sel))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(sel[a].Eligible, sel[b].Eligible), cmp.Compare(sel[a].Priority, sel[b].Priority), strings.Compare(sel[a].ID, sel[b].ID))
	})
	var team, cands []int32
	for _, si := range order {
		if rules[si] < 0 {
			continue
		}
		rule := &plan.Teams[rules[si]]
		cands = cands[:0]
		for _, c := range elig[si] {
			if in := &ins[c.i]; in.capacity < 0 || in.used < in.capacity {
				cands = append(cands, c.i)
			}
		}
		team = team[:0]
		unitFull := func(u string) bool {
			if rule.MaxPerUnit <= 0 {
				return false
			}
			n := 0
			for _, m := range team {
				if ins[m].unit == u {
					n++
				}
			}
			return n >= rule.MaxPerUnit
		}
		missing := false
		for _, u := range rule.Units {
			found := false
			if !unitFull(u) {
				for _, c := range cands {
					if ins[c].unit == u && !slices.Contains(team, c) {
						team = append(team, c)
						found = true
						break
					}
				}
			}
			missing = missing || !found
		}
		for _, c := range cands {
			if len(team) >= rule.Size {
				break
			}
			if slices.Contains(team, c) || unitFull(ins[c].unit) {
				continue
			}
			team = append(team, c)
		}
		if len(team) < rule.Size || missing {
			continue
		}
		for _, m := range team {
			ins[m].used++
			sel[si].Team = append(sel[si].Team, ins[m].id)
		}
	}
	return nil
}
