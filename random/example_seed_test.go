package random_test

import (
	"encoding/json"
	"fmt"

	"github.com/doublerandom/doublerandom/random"
)

// The seed of a dice ceremony is the digits read out, white space removed.
// Several sources combine in the order the announcement lists them.
func ExampleDiceSeed() {
	dice, err := random.DiceSeed("2023 7331 1281\n5921 1123")
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%s\n", dice)

	other := []byte("second source")
	s, err := random.CombineSeeds([][]byte{dice, other})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%x\n", s)

	_, err = random.DiceSeed("2023 7331 1281 5921 112O") // letter O, not zero
	fmt.Println(err)
	// Output:
	// 20237331128159211123
	// 70b0fc116726b4bdad135361d49770bd7575e214f9d7fb66c80e9bce54e86bf3
	// random: dice digits: character "O" (U+004F) at position 24: not a decimal digit
}

// Rivest's sampler.py: the example of his reference implementation of
// November 14, 2011.
func ExampleRivestSample() {
	picks, err := random.RivestSample("3546311556112163624615351222", 876, 5, false)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(picks)
	// Output:
	// [740 180 264 789 238]
}

// Rivest's consistent_sampler without replacement (USAGE_EXAMPLES.md,
// example 4, ids 0..99).
func ExampleConsistentSample() {
	ids := make([]string, 100)
	for i := range ids {
		ids[i] = fmt.Sprint(i)
	}
	sample, err := random.ConsistentSample("41", ids, 5)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(sample)
	// Output:
	// [73 51 17 58 38]
}

// The publish layer writes a source's promise into the announcement and,
// at draw time, its evidence into the record; an auditor replays the seed
// from the two.
func ExampleDeriveSeed() {
	src := random.DiceSource{
		Ceremony: random.Ceremony{When: "2026-11-22 09:30 +08:00", Where: "county hall"},
		Digits:   "2023 7331 1281 5921 1123", // as read out at the ceremony
	}
	promise := src.Promise()
	evidence, err := src.Evidence()
	if err != nil {
		fmt.Println(err)
		return
	}
	rec, _ := json.Marshal(evidence)
	fmt.Printf("%s\n", rec)

	s, err := random.DeriveSeed([]random.SeedPromise{promise}, []random.SeedEvidence{evidence})
	fmt.Printf("%s %v\n", s, err)

	evidence.Digits = "2023733112815921112"
	_, err = random.DeriveSeed([]random.SeedPromise{promise}, []random.SeedEvidence{evidence})
	fmt.Println(err)
	// Output:
	// {"kind":"dice","digits":"20237331128159211123"}
	// 20237331128159211123 <nil>
	// random: seed source 1 (dice): digits: not a dice seed: random: dice digits: 19 digits, need at least 20
}
