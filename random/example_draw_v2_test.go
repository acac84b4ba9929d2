package random_test

import (
	"context"
	"fmt"
	"log"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// Example_drawV2 replays county c of the v2 vectors: load the plan and
// the tables under protocol v2 (private attributes committed with the
// vectors' all-zero blinding key), draw, and read a task's groups and a
// visit's team.
func Example_drawV2() {
	plan, err := random.LoadPlanV2("../testdata/v2/dr2-county-c/plan.json")
	if err != nil {
		log.Fatal(err)
	}
	set, err := roster.LoadDir("../testdata/v2/dr2-county-c", roster.Options{
		Protocol:   roster.ProtocolV2,
		Commitment: roster.Commitment{Key: make([]byte, roster.BlindingKeySize)},
	})
	if err != nil {
		log.Fatal(err)
	}
	seed, err := random.DiceSeed("2023 7331 1281 5921 1123")
	if err != nil {
		log.Fatal(err)
	}
	res, err := random.DrawV2(context.Background(), plan, set, seed, random.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("key", res.Key)
	water := res.Tasks[plan.TaskIndex("water")]
	fmt.Println("water: pool", water.Pool, "eligible", water.Eligible, "want", water.Want, "quota", water.Quota)
	for _, g := range water.Groups {
		fmt.Println(" ", g.Values, "eligible", g.Eligible, "quota", g.Quota)
	}
	v := res.Visits[0]
	for _, t := range v.Tasks {
		fmt.Println(v.ID, plan.Tasks[t.Task].ID, t.Mark)
	}
	for _, m := range v.Team {
		fmt.Println("  member", m.ID, "slot", m.Slot)
	}
	// Output:
	// key 0d1e0996c7614470ec5ec86c99c2df13e8e11e97057c31de6b4aa10f7818c13d
	// water: pool 9 eligible 7 want 4 quota 4
	//   [城关镇] eligible 3 quota 2
	//   [河口镇] eligible 2 quota 1
	//   [清溪镇] eligible 1 quota 1
	//   [石门乡] eligible 1 quota 0
	// 124510994981015613 infection targeted
	// 124510994981015613 disinfection targeted
	//   member WJ4510990011 slot 0
	//   member WJ4510990007 slot 1
	//   member WJ4510990012 slot 2
}

// ExamplePlanV2_Encode builds a plan in Go and writes it: the bytes,
// parsed with ParsePlanV2, are the plan that is published and drawn.
func ExamplePlanV2_Encode() {
	ratio, err := random.ParseRatio("20%")
	if err != nil {
		log.Fatal(err)
	}
	plan := &random.PlanV2{
		Date:     roster.MustParseDate("2026-03-02"),
		Inactive: []string{"注销", "吊销"},
		Tasks: []random.Task{{
			ID:    "school",
			Match: random.MatchV2{{Attr: "category", Values: []string{"school"}}},
			Ratio: ratio,
			Min:   2,
			Team:  &random.TaskTeam{Slots: []random.Slot{{Specialty: "school_health"}}},
		}},
	}
	b, err := plan.Encode()
	if err != nil {
		log.Fatal(err)
	}
	parsed, err := random.ParsePlanV2(b)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Print(string(b))
	fmt.Println(parsed.Tasks[0].Matter, parsed.Teams.Size)
	// Output:
	// {
	//   "protocol": "doublerandom/v2",
	//   "date": "2026-03-02",
	//   "inactive": [
	//     "注销",
	//     "吊销"
	//   ],
	//   "tasks": [
	//     {
	//       "id": "school",
	//       "match": {
	//         "category": [
	//           "school"
	//         ]
	//       },
	//       "ratio": "20%",
	//       "min": 2,
	//       "team": {
	//         "slots": [
	//           {
	//             "specialty": "school_health"
	//           }
	//         ]
	//       }
	//     }
	//   ]
	// }
	// school 2
}
