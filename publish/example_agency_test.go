package publish_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// A time written without an offset is China Standard Time; records keep
// it as RFC 3339 with +08:00.
func ExampleParseTime() {
	for _, s := range []string{"2026-11-22 09:00", "2026/11/22 09:00", "2026-11-22T01:00:00Z"} {
		t, err := publish.ParseTime(s)
		if err != nil {
			log.Fatal(err)
		}
		fmt.Println(publish.FormatTime(t))
	}
	when, where, err := publish.ParseCeremony("2026-11-22 09:00，三楼会议室")
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(publish.FormatTime(when), where)
	_, err = publish.ParseTime("明天上午")
	fmt.Println(err != nil)
	// Output:
	// 2026-11-22T09:00:00+08:00
	// 2026-11-22T09:00:00+08:00
	// 2026-11-22T09:00:00+08:00
	// 2026-11-22T09:00:00+08:00 三楼会议室
	// true
}

// The default calendar of deadlines holds the State Council's schedules:
// across the 2026 National Day holiday, Sunday 20 September and Saturday
// 10 October are working days and 1 to 7 October are not.
func ExampleOfficial() {
	for _, s := range publish.OfficialSchedules() {
		fmt.Println(s.Year, s.Number)
	}
	inspected, _ := roster.ParseDate("2026-09-18")
	due, err := publish.ResultsDue(publish.Official(), inspected)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("due:", due)
	late, _ := roster.ParseDate("2026-12-15")
	_, err = publish.ResultsDue(publish.Official(), late)
	fmt.Println(err != nil) // 2027 is not built in: load it from a file
	// Output:
	// 2025 国办发明电〔2024〕12号
	// 2026 国办发明电〔2025〕7号
	// due: 2026-10-22
	// true
}

// A results file as a spreadsheet exports it: Chinese headers, outcomes
// by their Chinese names (several separated by '；'), dates as 2026/11/25.
func ExampleReadResults() {
	file := "统一社会信用代码,检查结果,检查日期,检查人员,后续处置状态\n" +
		"91371727HD841G735N,发现问题待后续处理；违反其他部门相关规定,2026/11/25,WJ3717270021；WJ3717270084,未完结\n"
	entries, err := publish.ReadResults("results.csv", []byte(file), publish.ResultsOptions{InspectionType: "双随机抽查"})
	if err != nil {
		log.Fatal(err)
	}
	e := entries[0]
	fmt.Println(e.Premises, e.Outcome, e.More[0].Code, e.Inspected, e.Inspectors, e.FollowUp, e.InspectionType)

	_, err = publish.ReadResults("results.csv", []byte("premises,outcome,date,inspectors\nX1,合格,2026-11-25,A1\n"), publish.ResultsOptions{})
	fmt.Println(err)
	// Output:
	// 91371727HD841G735N pending violates_other_dept 2026-11-25 [WJ3717270021 WJ3717270084] open random
	// results.csv: line 2: outcome "合格" (column B): "合格" is not a known outcome code or text (e.g. no_issue, 未发现问题, 发现问题待后续处理；注销)
}

// The public notice of a draw as a web page: in Chinese, with the
// authority, the plan, the table of selected premises, and how anyone
// verifies it; labels name the region and category codes.
func ExampleWriteNotice_html() {
	dir, _ := os.MkdirTemp("", "ledger")
	defer os.RemoveAll(dir)
	agency, agencyPub := fixedKey("example.gov.cn/wjw")
	l, _ := publish.CreateDir(filepath.Join(dir, "ledger"), "example.gov.cn/wjw",
		publish.DirOptions{Signer: agency, Validate: publish.ValidateRecord})
	defer l.Close()
	plan, _ := random.LoadPlan("../testdata/dr1-county-7/plan.json")
	set, _ := roster.LoadDir("../testdata/dr1-county-7", roster.Options{})
	dice := random.DiceSource{Ceremony: random.Ceremony{When: "2026-11-22T09:30:00+08:00", Where: "三楼会议室"}, Digits: "2023 7331 1281 5921 1123"}
	ann, _ := publish.Announce(l, []publish.Signer{agency}, plan, set, []random.SeedPromise{dice.Promise()}, time.Date(2026, 11, 20, 10, 0, 0, 0, publish.Zone))
	ev, _ := dice.Evidence()
	publish.PublishDraw(context.Background(), l, []publish.Signer{agency}, ann, set, []random.SeedEvidence{ev}, time.Date(2026, 11, 22, 9, 35, 0, 0, publish.Zone))

	labels, err := publish.ParseLabels("labels.csv", []byte("kind,code,label\nregion,371727001,城关镇\ncategory,public_place,公共场所\n"))
	if err != nil {
		log.Fatal(err)
	}
	var page bytes.Buffer
	err = publish.WriteNotice(&page, l, set, publish.NoticeOptions{
		Format: publish.NoticeHTML, Authority: "某县卫生健康局", Labels: labels,
		BundleURL: "https://example.gov.cn/sjsj/2026q4.zip", VerifierKeys: []string{agencyPub},
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range []string{`<html lang="zh-CN">`, "<title>某县卫生健康局双随机抽查结果公示</title>", "<td>祥康顺宾馆</td><td>91371727HD841G735N</td><td>城关镇</td><td>公共场所</td>", "五、如何核验"} {
		fmt.Println(strings.Contains(page.String(), s))
	}
	// Output:
	// true
	// true
	// true
	// true
}
