//go:build !js

package publish

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"
)

// WriteXLSX writes the notice as an Excel workbook: the sheet
// 抽查名单及结果 holds the table of [WriteNotice] (title and authority
// above it), then 抽查情况 (one row per draw), 检查人员调整 (the
// substitutions and their reasons), 撤回和作废 (withdrawn announcements
// and voided draws) and 如何核验 (the bundle's address, the verifier
// keys, the command). Every cell is text.
func (n *Notice) WriteXLSX(w io.Writer) error {
	f := excelize.NewFile()
	defer f.Close()
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"EEEEEE"}}})
	if err != nil {
		return err
	}
	title, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true, Size: 14}})
	if err != nil {
		return err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return err
	}
	first := f.GetSheetName(0)
	if err := f.SetSheetName(first, SheetNoticeList); err != nil {
		return err
	}

	// sheet writes a sheet: lines of text above, then a table.
	sheet := func(name string, above []string, header []string, rows [][]string) error {
		if name != SheetNoticeList {
			if _, err := f.NewSheet(name); err != nil {
				return err
			}
		}
		r := 1
		for i, l := range above {
			if err := f.SetCellStr(name, "A"+strconv.Itoa(r), l); err != nil {
				return err
			}
			if i == 0 {
				if err := f.SetCellStyle(name, "A1", "A1", title); err != nil {
					return err
				}
			}
			r++
		}
		if len(above) > 0 {
			r++
		}
		widths := make([]int, len(header))
		put := func(cells []string, style int) error {
			for j, c := range cells {
				ref, err := excelize.CoordinatesToCellName(j+1, r)
				if err != nil {
					return err
				}
				if err := f.SetCellStr(name, ref, c); err != nil {
					return err
				}
				if j < len(widths) {
					widths[j] = max(widths[j], displayWidth(c))
				}
			}
			if style != 0 && len(cells) > 0 {
				last, _ := excelize.CoordinatesToCellName(len(cells), r)
				if err := f.SetCellStyle(name, "A"+strconv.Itoa(r), last, style); err != nil {
					return err
				}
			}
			r++
			return nil
		}
		if len(header) > 0 {
			if err := put(header, bold); err != nil {
				return err
			}
		}
		for _, row := range rows {
			if err := put(row, wrap); err != nil {
				return err
			}
		}
		for j, wd := range widths {
			col, _ := excelize.ColumnNumberToName(j + 1)
			if err := f.SetColWidth(name, col, col, float64(min(wd+2, xlsxMaxColumnWidth))); err != nil {
				return err
			}
		}
		return nil
	}

	head := []string{n.Title, "发布机关：" + n.Authority + "　台账：" + n.Ledger}
	if n.AsOf != "" {
		head = append(head, "截至台账文件 "+n.AsOf+"（"+noticeTime(n.AsOfTime)+"，北京时间）")
	}
	if n.Private {
		head = append(head, "本件含检查人员信息，仅送被检查单位，不得公开。")
	}
	if err := sheet(SheetNoticeList, head, n.Header, n.Rows); err != nil {
		return err
	}

	var draws [][]string
	for _, d := range n.Draws {
		var tasks []string
		for _, t := range d.Tasks {
			tasks = append(tasks, fmt.Sprintf("%s：%d 户", t.Name, t.Selected))
		}
		draws = append(draws, []string{d.Plan, d.PlanID, strings.Join(tasks, "；"), noticeTime(d.Announced), d.AnnouncementFile,
			strings.Join(d.Seed, "；"), noticeTime(d.Drawn), d.DrawFile, d.Draw.String(),
			strconv.Itoa(d.Selected), strconv.Itoa(d.Unstaffed), strconv.Itoa(d.Results)})
	}
	for _, d := range n.Sealed {
		draws = append(draws, []string{d.Plan, d.PlanID, "（封存，检查完成后公开）", noticeTime(d.Announced), d.AnnouncementFile,
			strings.Join(d.Seed, "；"), noticeTime(d.Drawn), "封存 " + d.SealFile, d.Seal.String(), "封存", "", ""})
	}
	if err := sheet(SheetNoticeDraws, nil, []string{"抽查计划", "计划编号", "抽查事项", "公告时间", "公告记录", "随机数来源",
		"抽取时间", "抽取记录", "抽取记录摘要", "抽中户数", "未能组成检查组", "已公示结果"}, draws); err != nil {
		return err
	}

	subHeader := []string{"抽查计划", "检查对象名称", "统一社会信用代码/许可证号", "调整原因", "利益冲突回避", "检查组缺员", "发布时间", "记录"}
	if n.Private {
		subHeader = append(subHeader, "调出", "调入")
	}
	var subs [][]string
	for _, d := range n.Draws {
		for _, s := range d.Substitutions {
			row := []string{d.Plan, s.PremisesName, s.Premises, s.Reason, yesNo(s.Conflict), shortText(s), noticeTime(s.Published), s.Doc}
			if n.Private {
				row = append(row, s.Out, s.In)
			}
			subs = append(subs, row)
		}
	}
	if err := sheet(SheetNoticeSubs, nil, subHeader, orNone(subs)); err != nil {
		return err
	}

	var voided [][]string
	for _, x := range n.Withdrawn {
		note := "在随机数产生之前撤回"
		if x.AfterSeed {
			note = "在随机数产生之后撤回（重新抽取）"
		}
		voided = append(voided, []string{"撤回的公告", x.AnnouncementFile, x.Plan, "", x.Reason, noticeTime(x.Published), note})
	}
	for _, x := range n.Voided {
		again := "尚未重新公告"
		if x.AnsweredBy != "" {
			again = "见公告 " + x.AnsweredBy
		}
		voided = append(voided, []string{"作废的抽取", x.DrawFile, x.Plan, noticeTime(x.Drawn), x.Reason, noticeTime(x.Published) + "（" + x.RedrawFile + "）", again})
	}
	if err := sheet(SheetNoticeVoided, nil, []string{"类别", "记录", "抽查计划", "抽取时间", "原因", "时间", "说明"}, orNone(voided)); err != nil {
		return err
	}

	bundle := n.BundleURL
	if bundle == "" {
		bundle = "（请向发布机关索取公开数据包地址）"
	}
	verify := [][]string{
		{"台账", n.Ledger},
		{"公开数据包", bundle},
	}
	if len(n.VerifierKeys) == 0 {
		verify = append(verify, []string{"核验公钥", "（请向发布机关索取公钥）"})
	}
	for i, k := range n.VerifierKeys {
		verify = append(verify, []string{fmt.Sprintf("核验公钥 %d（保存为 key%d.pub）", i+1, i+1), k})
	}
	verify = append(verify,
		[]string{"核验命令", n.VerifyCommand()},
		[]string{"说明", "在 doublerandom 源码目录中运行上述命令，BUNDLE 为解压后的数据包目录；输出 verified: OK 即表示签名、顺序、抽取重算和人员调整全部一致；公告在随机数产生后被撤回或重新抽取时，输出中标明 re-roll。"})
	if err := sheet(SheetNoticeVerify, nil, []string{"项目", "内容"}, verify); err != nil {
		return err
	}
	f.SetActiveSheet(0)
	_, err = f.WriteTo(w)
	return err
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func orNone(rows [][]string) [][]string {
	if len(rows) == 0 {
		return [][]string{{"无"}}
	}
	return rows
}

// displayWidth estimates the width of s in a spreadsheet column: two
// units for a wide (CJK) character, one for others.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// shortText says, in the workbook, whether a substitution found no one:
// under v1 the team is then one short, under v2 the visit unstaffed.
func shortText(s NoticeSubstitution) string {
	if s.Unstaffed {
		return "是（未能组成检查组）"
	}
	return yesNo(s.Short)
}
