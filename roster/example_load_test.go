package roster_test

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/doublerandom/doublerandom/roster"
)

// Load the tables of a draw folder (premises and inspectors; conflicts
// and history when present) and print what an announcement publishes of
// them: the row counts and the roots.
func ExampleLoadDir() {
	set, err := roster.LoadDir("../testdata/dr1-county-7", roster.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.Marshal(set.Counts())
	fmt.Println(string(b))
	fmt.Println("premises root", set.Roots().Premises)
	row, _ := set.Premises.Lookup("9137172702824CJ1C6")
	fmt.Println(row.Get(roster.AttrName), row.Get(roster.AttrCategory))

	// A missing table is named.
	_, err = roster.LoadDir("../testdata/no-such-county", roster.Options{})
	fmt.Println(err)
	// Output:
	// {"premises":56,"inspectors":15,"conflicts":7,"history":52}
	// premises root be78b09baa930e8c5440b5b01a9a2e4dab6cbbd697cbc2579902a4bb41a7bc88
	// 华盛盛宾馆 public_place
	// roster: ../testdata/no-such-county/premises.csv: file does not exist
}

// Build the tables from Go values, as a program that holds its roster
// in a database would, and check them as the loaders do: references
// between tables, ids, values.
func ExampleNewSet() {
	premises, err := roster.NewTable(roster.KindPremises, []roster.Row{
		roster.PremisesRecord{ID: "91350100M000100Y43", Name: "示例公司", Region: "350100", Category: "public_place", Risk: "B"}.Row(),
		roster.PremisesRecord{ID: "91350100M000200Y38", Name: "示例学校", Region: "350100", Category: "school", Status: "active"}.Row(),
	}, roster.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	capacity, expires := 6, roster.MustParseDate("2027-06-30")
	inspectors, err := roster.NewTable(roster.KindInspectors, []roster.Row{
		roster.InspectorRecord{ID: "WJ1", Name: "张三", Unit: "county-bureau", Specialties: []string{"school"}, Capacity: &capacity}.Row(),
		roster.InspectorRecord{ID: "WJ2", Name: "李四", Unit: "county-bureau", CredentialExpires: &expires}.Row(),
	}, roster.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	conflicts, _ := roster.NewTable(roster.KindConflicts, []roster.Row{
		roster.ConflictRecord{Inspector: "WJ1", Premises: "91350100M000100Y43", Reason: "relative"}.Row(),
	}, roster.Options{})
	history, _ := roster.NewTable(roster.KindHistory, []roster.Row{
		roster.InspectionRecord{ID: "JC1", Premises: "91350100M000200Y38", Date: roster.MustParseDate("2026-03-02"), Inspectors: []string{"WJ2", "WJ1"}}.Row(),
	}, roster.Options{})
	set, err := roster.NewSet(premises, inspectors, conflicts, history)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.MarshalIndent(set.Roots(), "", " ")
	fmt.Println(string(b))
	roster.WriteCSV(os.Stdout, set.History)

	// A conflict naming an inspector who is not in the roster is refused.
	bad, _ := roster.NewTable(roster.KindConflicts, []roster.Row{
		roster.ConflictRecord{Inspector: "WJ9", Premises: "91350100M000100Y43"}.Row(),
	}, roster.Options{File: "conflicts"})
	_, err = roster.NewSet(premises, inspectors, bad, history)
	fmt.Println(err)
	// Output:
	// {
	//  "premises": "4be1db148f0a16b134b0c380be6f1aa9ad2443b9a37365d6fcb050dd67540a6f",
	//  "inspectors": "2bebffea4ca7fc20f8845b20a9e4ab2a5161c31e99e01604c28a81460b7d82d8",
	//  "conflicts": "a91a5899e1628197cc228b1731e74185ce31141b5f985c5726747bd1e99f53ca",
	//  "history": "693634a50e4632152bb308e820ffe7c3ca6cf5ef158b9dd7184b478cc7a98d5e"
	// }
	// id,date,inspectors,premises
	// JC1,2026-03-02,WJ1;WJ2,91350100M000200Y38
	// conflicts: field "inspector" value "WJ9": unknown reference: no inspectors with this id
}
