package roster_test

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/doublerandom/doublerandom/roster"
)

// Load a premises table from CSV and print its root, the value an
// announcement publishes. Row order in the file does not matter.
func ExampleReadCSV() {
	const premises = `id,name,region,category
B2,,,school
91350100M000100Y43,示例公司,350100,public_place
`
	t, err := roster.ReadCSV(strings.NewReader(premises), roster.KindPremises, roster.Options{File: "premises.csv"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Len(), "rows")
	fmt.Println(t.Root())
	// Output:
	// 2 rows
	// 9a5dc233cee54ebb119d07f86e544d28d1d9523314086b6e5381323f5d4f0fb0
}

// Errors name the file, line, column, field and value; all of a file's
// errors are reported.
func ExampleReadCSV_errors() {
	const inspectors = `id,credential_expires,capacity
I1,2026-02-30,2
I2,2027-01-01,two
`
	_, err := roster.ReadCSV(strings.NewReader(inspectors), roster.KindInspectors, roster.Options{File: "inspectors.csv"})
	fmt.Println(err)
	// Output:
	// inspectors.csv:2:2: field "credential_expires" value "2026-02-30": bad date: "2026-02-30" does not exist
	// inspectors.csv:3:3: field "capacity" value "two": bad number: "two" is not a whole number 0..999999999
}

// A business proves that its row was in the announced roster: the proof
// and the row are checked against the published root alone.
func ExampleVerifyProof() {
	set, err := roster.LoadDir("../testdata/dr1-county-7", roster.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	root := set.Roots().Premises // published in the announcement
	row, _ := set.Premises.Lookup("9137172702824CJ1C6")
	proof, err := set.Premises.Prove(row.ID)
	if err != nil {
		fmt.Println(err)
		return
	}
	b, _ := json.Marshal(proof) // published with the row
	fmt.Printf("%.40s…\n", b)

	var got roster.Proof
	if err := json.Unmarshal(b, &got); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(roster.VerifyProof(root, row, got))
	fmt.Println(roster.VerifyProof(root, row.With("risk", "A"), got) != nil)
	// Output:
	// {"index":9,"size":56,"path":["096f78bbb7…
	// <nil>
	// true
}

// Write a table in canonical form: sorted by id, byte-stable.
func ExampleWriteCSV() {
	exp := roster.MustParseDate("2027-06-30")
	t, err := roster.NewTable(roster.KindInspectors, []roster.Row{
		roster.InspectorRecord{ID: "WJ2", Name: "李四", Specialties: []string{"radiation", "medical"}}.Row(),
		roster.InspectorRecord{ID: "WJ1", Name: "张三", CredentialExpires: &exp}.Row(),
	}, roster.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := roster.WriteCSV(os.Stdout, t); err != nil {
		fmt.Println(err)
	}
	// Output:
	// id,credential_expires,name,specialties
	// WJ1,2027-06-30,张三,
	// WJ2,,李四,medical;radiation
}
