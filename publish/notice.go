package publish

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// NoticeOptions configure [WriteNotice].
type NoticeOptions struct {
	// Private adds the team drawn (after substitutions) and the
	// inspectors who went, by name and id: the copy sent to the
	// inspected business, not the public one.
	Private bool
	// Draw restricts the notice to one draw; zero means every draw that
	// no redraw voided, in ledger order.
	Draw Digest
}

// Mark texts of the public notice.
var noticeMarks = map[random.Mark]string{
	random.MarkOverdue:  "随机抽取（超期未检优先）",
	random.MarkRandom:   "随机抽取",
	random.MarkTargeted: "定向检查",
}

// NoticeHeader returns the column names of the notice.
func NoticeHeader(private bool) []string {
	h := []string{"序号", "抽查任务", "检查对象名称", "统一社会信用代码/许可证号", "所属区域", "类别", "抽取方式"}
	if private {
		h = append(h, "检查组", "实际检查人员")
	}
	return append(h, "检查结果", "检查日期", "结果公示日期", "备注")
}

// WriteNotice writes the public notice (公示) of the draws of a ledger
// and their results as CSV for spreadsheets: UTF-8 with a byte order
// mark, CRLF line ends, a header of [NoticeHeader], then one line per
// selected premises of each draw in record order: its name (the "name"
// attribute in set's premises table; empty without set), id, region,
// category, how it was selected, the outcome text (or 待公示 while none is
// published), the day inspected, the day the result was published and a
// note (the results note; 未能组成检查组 for a premises left unstaffed).
// Inspectors appear only with opt.Private.
//
// WriteNotice reads the ledger with [ReadRecord] and checks no
// signature: run [Verify] first.
func WriteNotice(w io.Writer, l Ledger, set *roster.Set, opt NoticeOptions) error {
	r, err := ReadRecord(l)
	if err != nil {
		return err
	}
	draws := r.LiveDraws()
	if !opt.Draw.IsZero() {
		d, err := r.liveDraw(&RecordDoc{File: "notice"}, opt.Draw)
		if err != nil {
			return err
		}
		draws = []*RecordDoc{d}
	}
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(NoticeHeader(opt.Private)); err != nil {
		return err
	}
	n := 0
	for _, d := range draws {
		plan := r.byDigest[d.Draw.Announcement].plan
		task := plan.Name
		if task == "" {
			task = plan.ID
		}
		for _, s := range d.Draw.View.Selected {
			n++
			var p roster.Row
			if set != nil {
				p, _ = set.Premises.Lookup(s.ID)
			}
			rec := []string{strconv.Itoa(n), task, p.Get("name"), s.ID, p.Get(roster.AttrRegion), p.Get(roster.AttrCategory), noticeMarks[s.Mark]}
			x, doc := r.Result(d.Digest, s.ID)
			if opt.Private {
				went := ""
				if x != nil {
					went = inspectorNames(set, x.Inspectors)
				}
				rec = append(rec, inspectorNames(set, r.Team(d.Digest, s.ID)), went)
			}
			var notes []string
			if s.Unstaffed != "" {
				notes = append(notes, "未能组成检查组（"+s.Unstaffed+"）")
			}
			if x == nil {
				rec = append(rec, "待公示", "", "")
			} else {
				rec = append(rec, x.Zh, x.Inspected.String(), LocalDate(doc.Results.Published.Time).String())
				if x.Note != "" {
					notes = append(notes, x.Note)
				}
			}
			rec = append(rec, strings.Join(notes, "；"))
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// inspectorNames writes inspectors as "name(id)" joined with "、".
func inspectorNames(set *roster.Set, ids []string) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = id
		if set != nil {
			if row, ok := set.Inspectors.Lookup(id); ok && row.Get("name") != "" {
				parts[i] = fmt.Sprintf("%s(%s)", row.Get("name"), id)
			}
		}
	}
	return strings.Join(parts, "、")
}
