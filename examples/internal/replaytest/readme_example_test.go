package replaytest_test

import (
	"context"
	"fmt"
	"log"
	"path/filepath"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// The Go example of the README, "The library in a few lines". Its
// lines after the first (which names the folder) must equal the README's:
// TestReadmeGoExample checks it.
func Example_readme() {
	dir := filepath.Join("..", "..", "..", "testdata", "dr1-county-7")
	set, err := roster.LoadDir(dir, roster.Options{}) // premises, inspectors, conflicts, history
	if err != nil {
		log.Fatal(err)
	}
	plan, err := random.LoadPlan(filepath.Join(dir, "plan.json")) // digest = SHA-256 of its bytes
	if err != nil {
		log.Fatal(err)
	}
	seed, err := random.DiceSeed("2023 7331 1281 5921 1123") // read out at the ceremony
	if err != nil {
		log.Fatal(err)
	}
	res, err := random.Draw(context.Background(), plan, set, seed, random.Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("key", res.Key)
	for _, s := range res.Selected[:2] {
		fmt.Println(s.ID, s.Mark, s.TeamIDs(), s.Unstaffed)
	}
	// Output:
	// key 4730068ff4de32c7ada5bde673866566de11d35a2aa6ac15123ebc7fa4095956
	// 91371727B23C6F5DAF random [WJ3717270084 WJ3717270077] staffed
	// 371727081235 overdue [] fewer eligible inspectors than the team size
}
