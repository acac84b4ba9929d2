package publish_test

import (
	"errors"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// An agency and its discipline inspection office both sign an
// announcement; a reader requires both signatures.
func ExampleSign() {
	agency, agencyPub := fixedKey("example.gov.cn/scjgj")
	office, officePub := fixedKey("纪检监察组")

	doc := &publish.Document{
		Kind:   publish.KindAnnouncement,
		Ledger: "example.gov.cn/scjgj",
		Seq:    1,
		Body:   []byte(`{"plan":"2026-Q4-public-health"}` + "\n"),
	}
	text, err := doc.MarshalText()
	if err != nil {
		log.Fatal(err)
	}
	signed, err := publish.Sign(text, agency, office)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s", signed)

	v1, _ := publish.NewVerifier(agencyPub)
	v2, _ := publish.NewVerifier(officePub)
	opened, err := publish.Policy{Require: []string{"example.gov.cn/scjgj", "纪检监察组"}}.Open(signed, v1, v2)
	if err != nil {
		log.Fatal(err)
	}
	for _, k := range opened.Signers {
		fmt.Println("signed by", k.Name)
	}

	signed[len(text)-3] ^= 1 // change one byte of the body
	_, err = publish.Open(signed, v1, v2)
	fmt.Println("altered:", errors.Is(err, publish.ErrBadSignature))
	// Output:
	// doublerandom/v1 announcement
	// ledger: example.gov.cn/scjgj
	// seq: 1
	// prev: 0000000000000000000000000000000000000000000000000000000000000000
	//
	// {"plan":"2026-Q4-public-health"}
	//
	// — example.gov.cn/scjgj ygLau8K8nogwt9HOnWUlEf5Wy+zIXHMHpFRlP4fKKArZF+Qo1wLCDagq5/PSzwh+0xhZwhIoTqRc3U8PhWDVZKsjfQ4=
	// — 纪检监察组 DxZzcLJ3hWpKyW/TUzcepg+1LbZG62AL29HV2rVHKKy51THGoaT/GGpUbhppfnPzsTI7ooER0HU0ppECH4T2AePD4wQ=
	// signed by example.gov.cn/scjgj
	// signed by 纪检监察组
	// altered: true
}

// Results are due within 20 working days of the inspection. Across the
// National Day holiday of 2026 the Saturday 10 October is a working day
// (调休), and the seven days off are not.
func ExampleResultsDue() {
	cal, err := publish.LoadCalendar("testdata/cn-holidays-2026.csv")
	if err != nil {
		log.Fatal(err)
	}
	inspected, _ := roster.ParseDate("2026-09-28")
	due, err := publish.ResultsDue(cal, inspected)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("with holidays:", due)

	due, _ = publish.ResultsDue(publish.WeekendCalendar{}, inspected)
	fmt.Println("weekends only:", due)
	// Output:
	// with holidays: 2026-10-30
	// weekends only: 2026-10-26
}

func ExampleStandard() {
	outcomes := publish.Standard()
	o, _ := outcomes.Lookup(publish.OutcomeCorrected)
	fmt.Println(o.Code, o.Zh, "/", o.En)
	// Output:
	// corrected 发现问题经责令已改正 / Problem found and corrected as ordered
}

// An agency keeps its documents in a ledger folder; each append is
// chained to the previous document and covered by a new signed
// checkpoint.
func ExampleDirLedger() {
	dir, err := os.MkdirTemp("", "ledger")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	agency, agencyPub := fixedKey("example.gov.cn/scjgj")
	v, _ := publish.NewVerifier(agencyPub)

	l, err := publish.CreateDir(filepath.Join(dir, "ledger"), "example.gov.cn/scjgj",
		publish.DirOptions{Signer: agency, Verifiers: []note.Verifier{v}})
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close()
	for _, kind := range []publish.Kind{publish.KindAnnouncement, publish.KindDraw} {
		seq, err := l.AppendNext(func(seq int64, prev publish.Digest) ([]byte, error) {
			return publish.SignDocument(&publish.Document{
				Kind: kind, Ledger: l.Name(), Seq: seq, Prev: prev, Body: []byte("{}\n"),
			}, agency)
		})
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println("appended", publish.DocFileName(seq, kind))
	}
	msg, _ := l.Checkpoint()
	cp, _, err := publish.Policy{}.OpenCheckpoint(msg, v)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("checkpoint size", cp.Size)
	// Output:
	// appended 000001-announcement.note
	// appended 000002-draw.note
	// checkpoint size 2
}
