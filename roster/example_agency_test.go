package roster_test

import (
	"bytes"
	"fmt"
	"os"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/doublerandom/doublerandom/roster"
)

// A register's export, read as it is: Chinese headers mapped by the
// built-in table, a column the bureau names in its column-mapping file,
// dates as Excel writes them. The table is the one the canonical file
// gives, root included; the load report says what was mapped and warns
// about the credit code with a wrong check character.
func ExampleReadCSV_agencyExport() {
	const export = `序号,统一社会信用代码,单位名称,所属区域,许可证编号
1,91350100M000100Y43,示例公司,350100,卫公证字[2026]第001号
2,91350100M000100Y44,示例二公司,350100,
`
	const mapping = `table,header,attribute
premises,许可证编号,license
`
	columns, err := roster.ReadColumnMap(strings.NewReader(mapping), "columns.csv")
	if err != nil {
		fmt.Println(err)
		return
	}
	t, err := roster.ReadCSV(strings.NewReader(export), roster.KindPremises, roster.Options{File: "premises.csv", Columns: columns})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range t.Rows() {
		fmt.Println(r.Map())
	}
	report := roster.LoadReport{Tables: []roster.TableReport{t.Report()}}
	report.WriteSummary(os.Stdout, 10)
	// Output:
	// map[id:91350100M000100Y43 license:卫公证字[2026]第001号 name:示例公司 region:350100]
	// map[id:91350100M000100Y44 name:示例二公司 region:350100]
	// premises: read premises.csv as utf-8, 2 rows
	//   column 1 "序号" left out (built-in)
	//   column 2 "统一社会信用代码" read as id (built-in)
	//   column 3 "单位名称" read as name (built-in)
	//   column 4 "所属区域" read as region (built-in)
	//   column 5 "许可证编号" read as license (columns.csv:2)
	// warning: premises.csv:3:2: field "id" (column "统一社会信用代码") value "91350100M000100Y44": bad unified social credit code: "91350100M000100Y44" has check character '4', want '3'
}

// An .xlsx workbook, its sheet read as the workbook stores it: Chinese
// headers mapped, numbers as their exact text, a number in a date cell as
// its day.
func ExampleReadXLSX() {
	f := excelize.NewFile()
	rows := [][]any{
		{"执法证号", "姓名", "证件有效期至", "任务上限"},
		{"WJ3717270021", "监督员4", 46351, 6},
	}
	for i, r := range rows {
		_ = f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &r)
	}
	date, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	_ = f.SetCellStyle("Sheet1", "C2", "C2", date)
	_ = f.SetSheetName("Sheet1", "人员")
	var b bytes.Buffer
	_ = f.Write(&b)

	t, err := roster.ReadXLSX(&b, roster.KindInspectors, roster.Options{File: "inspectors.xlsx"})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.At(0).Map())
	fmt.Println(t.Report().Sheet)
	// Output:
	// map[capacity:6 credential_expires:2026-11-25 id:WJ3717270021 name:监督员4]
	// 人员
}

// Dates as agency files write them; a day-first date is ambiguous and
// refused.
func ExampleParseInputDate() {
	for _, s := range []string{"2026-11-25", "2026/11/25", "2026年11月25日", "2026-11-25 00:00:00", "25/11/2026"} {
		d, err := roster.ParseInputDate(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(d)
	}
	// Output:
	// 2026-11-25
	// 2026-11-25
	// 2026-11-25
	// 2026-11-25
	// bad date: "25/11/2026" is not a date in one of the accepted forms (dates are read as YYYY-MM-DD, YYYY/M/D, YYYY.M.D or YYYY年M月D日, optionally with the time 00:00:00)
}
