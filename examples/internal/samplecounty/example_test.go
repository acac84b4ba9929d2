package samplecounty_test

import (
	"encoding/json"
	"fmt"
	"log"

	"github.com/doublerandom/doublerandom/examples/internal/samplecounty"
)

func ExampleLoad() {
	set, err := samplecounty.Load()
	if err != nil {
		log.Fatal(err)
	}
	c := set.Counts()
	fmt.Println("premises:", c.Premises)
	fmt.Println("inspectors:", c.Inspectors)
	fmt.Println("conflicts:", c.Conflicts)
	fmt.Println("history:", c.History)

	var plan struct{ Protocol, Name, Date string }
	if err := json.Unmarshal(samplecounty.Plan(), &plan); err != nil {
		log.Fatal(err)
	}
	fmt.Println(plan.Protocol, plan.Date, plan.Name)
	// Output:
	// premises: 3000
	// inspectors: 40
	// conflicts: 15
	// history: 1500
	// doublerandom/v1 2026-11-22 2026年第四季度卫生健康双随机抽查
}

func ExampleGenerate() {
	// A county ten times the size of the embedded one, in memory.
	f, err := samplecounty.Generate(samplecounty.Config{Premises: 30_000})
	if err != nil {
		log.Fatal(err)
	}
	set, err := f.Load()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%+v\n", set.Counts())
	// Output:
	// {Premises:30000 Inspectors:400 Conflicts:150 History:15000}
}
