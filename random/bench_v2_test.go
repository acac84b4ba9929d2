package random

import (
	"context"
	"fmt"
	"testing"

	"github.com/doublerandom/doublerandom/roster"
)

// synthV2 is a synthetic v2 county of n premises and m inspectors in
// three regions, a third of the premises with a history row.
func synthV2(tb testing.TB, n, m int) (*PlanV2, *roster.Set) {
	tb.Helper()
	var prem, ins, hist []roster.Row
	cats := []string{"school", "water", "public_place", "medical"}
	for i := range n {
		r, err := roster.NewRow(fmt.Sprintf("P%08d", i), map[string]string{"category": cats[i%4], "town": fmt.Sprintf("t%d", i%17),
			"risk": string(rune('A' + i%4)), "region": fmt.Sprintf("4510%02d", i%3), "matters": "infection;water"})
		if err != nil {
			tb.Fatal(err)
		}
		prem = append(prem, r)
		if i%3 == 0 {
			h, err := roster.NewRow(fmt.Sprintf("H%08d", i), map[string]string{"premises": r.ID, "date": "2025-06-01", "kind": "random",
				"matters": "water", "inspectors": fmt.Sprintf("I%05d", i%m)})
			if err != nil {
				tb.Fatal(err)
			}
			hist = append(hist, h)
		}
	}
	for i := range m {
		r, err := roster.NewRow(fmt.Sprintf("I%05d", i), map[string]string{"unit": fmt.Sprintf("u%d", i%5), "specialties": "a;b",
			"region": fmt.Sprintf("4510%02d", i%3), "capacity": "20"})
		if err != nil {
			tb.Fatal(err)
		}
		ins = append(ins, r)
	}
	opt := roster.Options{Protocol: roster.ProtocolV2}
	p, err := roster.NewTable(roster.KindPremises, prem, opt)
	if err != nil {
		tb.Fatal(err)
	}
	it, err := roster.NewTable(roster.KindInspectors, ins, opt)
	if err != nil {
		tb.Fatal(err)
	}
	h, err := roster.NewTable(roster.KindHistory, hist, opt)
	if err != nil {
		tb.Fatal(err)
	}
	set, err := roster.NewSetV2(p, it, nil, h, roster.Commitment{})
	if err != nil {
		tb.Fatal(err)
	}
	plan, err := ParsePlanV2([]byte(`{"protocol": "doublerandom/v2", "date": "2026-03-02",
 "cooldown": [{"days": 365, "max": 1}], "coverage": {"days": 1095}, "teams": {"region_prefix": 6},
 "conflicts": {"rotation_days": 365},
 "tasks": [{"id": "school", "match": {"category": ["school"]}, "ratio": "5%", "spread": ["town"], "team": {"slots": [{"specialty": "a"}]}},
  {"id": "water", "match": {"matters": ["water"]}, "ratio": "3%", "weight": {"attribute": "risk", "values": {"D": 8}}},
  {"id": "infection", "match": {"matters": ["infection"]}, "ratio": "2%", "team": {"slots": [{"unit": "u1"}]}}]}`))
	if err != nil {
		tb.Fatal(err)
	}
	return plan, set
}

func BenchmarkDrawV2(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			plan, set := synthV2(b, n, n/100)
			seed := []byte("20237331128159211123")
			b.ResetTimer()
			for b.Loop() {
				if _, err := DrawV2(context.Background(), plan, set, seed, Options{}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
