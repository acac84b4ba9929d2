package publish_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// After the ceremony, the agency draws with the digits read out and
// publishes the draw record. The ledger takes one draw per announcement:
// a second one, with other digits, is refused.
func ExamplePublishDraw() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	l, signers, _, set, ann := announcedLedger(dir)
	defer l.Close()

	dice := random.DiceSource{Ceremony: ceremony, Digits: "2023 7331 1281 5921 1123"}
	ev, err := dice.Evidence()
	if err != nil {
		log.Fatal(err)
	}
	res, draw, err := publish.PublishDraw(context.Background(), l, signers, ann, set, []random.SeedEvidence{ev},
		time.Date(2026, 11, 22, 9, 35, 0, 0, publish.Zone))
	if err != nil {
		log.Fatal(err)
	}
	n, _ := l.Len()
	fmt.Println(publish.DocFileName(n, publish.KindDraw), draw)
	fmt.Println("key", res.Key)
	fmt.Println(len(res.Selected), "selected; first:", res.Selected[0].ID, res.Selected[0].Mark, res.Selected[0].TeamIDs())

	dice.Digits = "1111 2222 3333 4444 5555"
	ev, _ = dice.Evidence()
	_, _, err = publish.PublishDraw(context.Background(), l, signers, ann, set, []random.SeedEvidence{ev},
		time.Date(2026, 11, 22, 9, 40, 0, 0, publish.Zone))
	fmt.Println("second draw refused:", errors.Is(err, publish.ErrSecondDraw))
	// Output:
	// 000002-draw.note 6e7ef0dde700f8402af7931c6027dc7c3e1ad080e67d23a33166455b1cdc7865
	// key 4730068ff4de32c7ada5bde673866566de11d35a2aa6ac15123ebc7fa4095956
	// 23 selected; first: 91371727B23C6F5DAF random [WJ3717270084 WJ3717270077]
	// second draw refused: true
}

// After the inspections, the agency publishes each selected premises'
// outcome. An outcome for a premises the draw did not select is refused.
func ExamplePublishResults() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	l, signers, _, _, res, draw := drawnLedger(dir)
	defer l.Close()

	sel := res.Selected[0]
	d, err := publish.PublishResults(l, signers, draw, publish.Standard(), []publish.ResultEntry{{
		Premises:   sel.ID,
		Outcome:    publish.OutcomeNoIssue,
		Inspected:  roster.MustParseDate("2026-11-25"),
		Inspectors: sel.TeamIDs(),
		Note:       "现场检查",
	}}, time.Date(2026, 12, 1, 10, 0, 0, 0, publish.Zone))
	if err != nil {
		log.Fatal(err)
	}
	n, _ := l.Len()
	fmt.Println(publish.DocFileName(n, publish.KindResults), d)

	rec, _ := publish.ReadRecord(l)
	r, _ := rec.Result(draw, sel.ID)
	fmt.Println(r.Premises, r.Outcome, r.Inspected, r.Inspectors)

	_, err = publish.PublishResults(l, signers, draw, publish.Standard(), []publish.ResultEntry{{
		Premises: "91371727000000000X", Outcome: publish.OutcomeNoIssue,
		Inspected: roster.MustParseDate("2026-11-25"), Inspectors: sel.TeamIDs(),
	}}, time.Date(2026, 12, 2, 10, 0, 0, 0, publish.Zone))
	fmt.Println(err)
	// Output:
	// 000003-results.note ed5c4440fc3290ea30187c69e0d1a9c1f87adf1edb3847a3803ce54b6843b5d3
	// 91371727B23C6F5DAF no_issue 2026-11-25 [WJ3717270084 WJ3717270077]
	// publish: 000004-results.note: results[0].premises "91371727000000000X": inconsistent record: not selected in 000002-draw.note
}

// The public notice (公示) lists every selected premises with how it was
// selected and its outcome; inspectors only in the private copy.
func ExampleWriteNotice() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	l, signers, _, set, res, draw := drawnLedger(dir)
	defer l.Close()
	sel := res.Selected[0]
	_, err := publish.PublishResults(l, signers, draw, publish.Standard(), []publish.ResultEntry{{
		Premises: sel.ID, Outcome: publish.OutcomeNoIssue, Inspected: roster.MustParseDate("2026-11-25"), Inspectors: sel.TeamIDs(),
	}}, time.Date(2026, 12, 1, 10, 0, 0, 0, publish.Zone))
	if err != nil {
		log.Fatal(err)
	}

	var buf bytes.Buffer
	if err := publish.WriteNotice(&buf, l, set, publish.NoticeOptions{}); err != nil {
		log.Fatal(err)
	}
	lines := strings.Split(strings.TrimPrefix(buf.String(), "\uFEFF"), "\r\n")
	for _, line := range lines[:3] {
		fmt.Println(line)
	}
	fmt.Println(len(lines)-2, "premises")
	// Output:
	// 序号,抽查任务,检查对象名称,统一社会信用代码/许可证号,所属区域,类别,抽取方式,检查结果,检查日期,结果公示日期,备注,检查类型,实施机关,后续处置状态
	// 1,2026年第四季度卫生健康双随机抽查,泰仁恒水厂,91371727B23C6F5DAF,371727001,drinking_water,随机抽取,未发现问题,2026-11-25,2026-12-01,,,,
	// 2,2026年第四季度卫生健康双随机抽查,达安鑫卫生室,371727081235,371727001,medical,随机抽取（超期未检优先）,待公示,,,未能组成检查组（符合条件的检查人员不足）,,,
	// 23 premises
}

// A business owner checks, from the ledger, their own row and its proof
// of inclusion in the announced roster, whether their premises was
// rightly selected or not. Without the history table (private) the
// answer for a premises passed over for overdue ones is conditional. A
// row edited to look different is caught.
func ExampleSelfCheck() {
	dir, _ := os.MkdirTemp("", "example")
	defer os.RemoveAll(dir)
	l, _, v, set, _, _ := drawnLedger(dir)
	defer l.Close()
	opt := publish.SelfCheckOptions{Policy: publish.Policy{Require: []string{"example.gov.cn/wjw"}}}

	// The agency gives each business its row and proof (the "prove"
	// command of the example tool).
	for _, id := range []string{"91371727B23C6F5DAF", "371727045915"} {
		row, _ := set.Premises.Lookup(id)
		proof, err := set.Premises.Prove(id)
		if err != nil {
			log.Fatal(err)
		}
		res, err := publish.SelfCheck(l, []note.Verifier{v}, row, proof, opt)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Printf("%s: %s, priority %016x\n%s\n", res.Premises, res.Verdict, res.Priority, res.Explanation)
	}

	row, _ := set.Premises.Lookup("371727045915")
	proof, _ := set.Premises.Prove(row.ID)
	res, err := publish.SelfCheck(l, []note.Verifier{v}, row.With(roster.AttrRisk, "D"), proof, opt)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("edited row:", res.Verdict)
	// Output:
	// 91371727B23C6F5DAF: selected, priority 8d220a5a5ab961b6
	// 91371727B23C6F5DAF was rightly selected (random) in stratum [371727001 drinking_water] with priority 8d220a5a5ab961b6, as its row and the recorded key give
	// 371727045915: not selected if, priority 1b14baf24163b346
	// 371727045915 was not selected: the quota 2 of stratum [371727003 medical] went to overdue premises; that was right if it was inspected within the plan's coverage days (then it ranked after the overdue premises that filled the quota)
	// edited row: not in the announced roster
}
