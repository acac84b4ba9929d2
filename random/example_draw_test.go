package random_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"strings"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// Example_draw replays the county-7 test vector: load the tables and
// the plan, make the seed from the dice digits, draw, and read the
// result.
func Example_draw() {
	set, err := roster.LoadDir("../testdata/dr1-county-7", roster.Options{})
	if err != nil {
		log.Fatal(err)
	}
	plan, err := random.LoadPlan("../testdata/dr1-county-7/plan.json")
	if err != nil {
		log.Fatal(err)
	}
	seed, err := random.DiceSeed("2023 7331 1281 5921 1123")
	if err != nil {
		log.Fatal(err)
	}
	res, err := random.Draw(context.Background(), plan, set, seed, random.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("key", res.Key)
	for _, st := range res.Strata[:2] {
		fmt.Println("stratum", st.Values, "n", st.Eligible, "k", st.Quota, "threshold", st.HasThreshold, random.FormatPriority(st.Threshold))
	}
	for _, s := range res.Selected[:3] {
		team := strings.Join(s.TeamIDs(), ",")
		if s.Unstaffed != random.Staffed {
			team = "unstaffed: " + s.Unstaffed.Code() + " (" + s.Unstaffed.String() + ")"
		}
		fmt.Println(s.ID, random.FormatPriority(s.Priority), s.Mark, s.EligibleCount, team)
	}
	// Output:
	// key 4730068ff4de32c7ada5bde673866566de11d35a2aa6ac15123ebc7fa4095956
	// stratum [371727001 drinking_water] n 1 k 1 threshold true 8d220a5a5ab961b6
	// stratum [371727001 medical] n 8 k 3 threshold false 0000000000000000
	// 91371727B23C6F5DAF 8d220a5a5ab961b6 random 9 WJ3717270084,WJ3717270077
	// 371727081235 04a1541c8cea0fe8 overdue 1 unstaffed: short (fewer eligible inspectors than the team size)
	// 913717274F3H1AGGH4 3b5f8b2ee15a028b overdue 1 unstaffed: short (fewer eligible inspectors than the team size)
}

// A business owner checks their own priority with the key published in
// the draw record: one SHA-256.
func ExampleKey_Priority() {
	key, err := random.ParseKey("4730068ff4de32c7ada5bde673866566de11d35a2aa6ac15123ebc7fa4095956")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(random.FormatPriority(key.Priority("91371727B23C6F5DAF")))
	fmt.Println(random.FormatPriority(key.InspectorKey("91371727B23C6F5DAF", "WJ3717270084")))
	// Output:
	// 8d220a5a5ab961b6
	// 3d6f60671d91b3ab
}

// The key binds the seed to the digests of the plan and every table.
func ExampleNewKey() {
	set, err := roster.LoadDir("../testdata/dr1-county-7", roster.Options{})
	if err != nil {
		log.Fatal(err)
	}
	plan, err := random.LoadPlan("../testdata/dr1-county-7/plan.json")
	if err != nil {
		log.Fatal(err)
	}
	inputs := set.Roots().Inputs(plan.Digest())
	key, err := random.NewKey([]byte("20237331128159211123"), inputs)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("plan  ", plan.Digest())
	fmt.Println("inputs", inputs)
	fmt.Println("key   ", key)
	// Output:
	// plan   346dd282b1dded9021c0785f3dc0ddb45dc9b809d83106821d7c7d08c754403c
	// inputs 52f8c1739e84b1737fe26b7177d8f9d53603c6f9e2707a546edfa7f0bad40edf
	// key    4730068ff4de32c7ada5bde673866566de11d35a2aa6ac15123ebc7fa4095956
}

// Plans are parsed strictly; errors name the field and the value.
func ExampleParsePlan() {
	_, err := random.ParsePlan([]byte(`{
  "protocol": "doublerandom/v1",
  "date": "2026-11-22",
  "quotas": [{"ratio": "5%"}, {"ratio": 0.05}]
}`))
	fmt.Println(err)
	plan, err := random.ParsePlan([]byte(`{"protocol": "doublerandom/v1", "date": "2026-11-22", "quotas": [{"ratio": "12.5%", "min": 1}]}`))
	if err != nil {
		log.Fatal(err)
	}
	q := plan.Quotas[0]
	fmt.Println(q.Ratio, q.Ratio.Num, q.Ratio.Den, q.Size(9))
	// Output:
	// plan:4: field quotas[1].ratio value 0.05: bad ratio: want a string, not a number (write a ratio as a string such as "5%" or "1/3", never a JSON number)
	// 12.5% 1 8 2
}

// The JSON view is written exactly as published.
func ExampleResult_View() {
	set, err := roster.LoadDir("../testdata/dr1-county-12", roster.Options{})
	if err != nil {
		log.Fatal(err)
	}
	plan, err := random.LoadPlan("../testdata/dr1-county-12/plan.json")
	if err != nil {
		log.Fatal(err)
	}
	seed := []byte{0x32, 0x6e, 0xaa, 0x54, 0x8e, 0x7b, 0xb1, 0xb3, 0xe9, 0x7f, 0xf8, 0xe2, 0x69, 0x29, 0x63, 0x0f,
		0xa0, 0xc0, 0x4a, 0x21, 0x17, 0x9e, 0xc7, 0x1a, 0xfe, 0x5f, 0x6b, 0x62, 0xd0, 0x79, 0x6b, 0x81}
	res, err := random.Draw(context.Background(), plan, set, seed, random.Options{})
	if err != nil {
		log.Fatal(err)
	}
	b, err := res.View().Encode()
	if err != nil {
		log.Fatal(err)
	}
	want, err := os.ReadFile("../testdata/dr1-county-12/expected-view.json")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(string(b) == string(want))
	fmt.Print(strings.Join(strings.Split(string(b), "\n")[:3], "\n"), "\n")
	// Output:
	// true
	// {
	//  "protocol": "doublerandom/v1",
	//  "key": "910de33f51007a6f07bcd37e0844ec6f635d0b1394836130904a804c88151091",
}
