package roster_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/doublerandom/doublerandom/roster"
)

// ExampleTable_PublishedV2 commits an inspector's name and phone as
// private attributes (protocol v2 §1) and publishes the table with their
// digests in their place: the published table has the same root, and
// reveals neither. (The row and root are those of dr2-primitives.json.)
func ExampleTable_PublishedV2() {
	csv := "id,name,phone,unit,region,specialties,capacity\nWJ4510990001,王伟,13800000001,wsjd,451099,radiation;medical;medical,3\n"
	t, err := roster.ReadCSV(strings.NewReader(csv), roster.KindInspectors, roster.Options{Protocol: roster.ProtocolV2})
	if err != nil {
		log.Fatal(err)
	}
	private := roster.Private{roster.KindInspectors: {"name", "phone"}}
	full := roster.Commitment{Key: make([]byte, roster.BlindingKeySize)} // the vectors' all-zero key
	root, err := t.RootV2(private, full)
	if err != nil {
		log.Fatal(err)
	}
	pub, err := t.PublishedV2(private, full)
	if err != nil {
		log.Fatal(err)
	}
	same, err := pub.RootV2(private, roster.Commitment{Published: true})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(root)
	fmt.Println(same == root)
	fmt.Println(pub.At(0).Get("specialties"))
	fmt.Println(pub.At(0).Get("name"))
	// Output:
	// 12e806b350a171a5f9f4b68daa32f8914b1c06e01167a46a4248295a9019f448
	// true
	// medical;radiation
	// d2717279ac1b07ff4929532c150be7de90d64b466747d99b1e2c416637e72b87
}
