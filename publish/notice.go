package publish

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// NoticeFormat is the file format of a notice.
type NoticeFormat string

// The notice formats.
const (
	// NoticeCSV is the table alone, for spreadsheets: UTF-8 with a byte
	// order mark, CRLF line ends (the default).
	NoticeCSV NoticeFormat = "csv"
	// NoticeXLSX is an Excel workbook: the table, then a sheet for each
	// of the other sections of the notice.
	NoticeXLSX NoticeFormat = "xlsx"
	// NoticeHTML is a static, printable web page with every section.
	NoticeHTML NoticeFormat = "html"
)

// ParseNoticeFormat reads csv, xlsx or html.
func ParseNoticeFormat(s string) (NoticeFormat, error) {
	switch f := NoticeFormat(strings.ToLower(s)); f {
	case NoticeCSV, NoticeXLSX, NoticeHTML:
		return f, nil
	case "":
		return NoticeCSV, nil
	}
	return "", fmt.Errorf("publish: notice format %q: want csv, xlsx or html", s)
}

// NoticeOptions configure [WriteNotice] and [BuildNotice].
type NoticeOptions struct {
	// Private adds the team drawn (after substitutions) and the
	// inspectors who went, by name and id, and who left and joined each
	// team: the copy sent to the inspected business, not the public one.
	// The public notice names no inspector.
	Private bool
	// Draw restricts the notice to one draw; zero means every draw that
	// no redraw voided, in ledger order.
	Draw Digest
	// Format is the file format; "" means [NoticeCSV].
	Format NoticeFormat
	// Authority is the issuing authority (发布机关) named at the top of
	// the notice; "" means the ledger's name.
	Authority string
	// BundleURL is where the public bundle of the ledger is published
	// (protocol-v2 §9), given in the section on verification.
	BundleURL string
	// VerifierKeys are the verifier keys (the text of PREFIX.pub files)
	// of the ledger, given in the section on verification.
	VerifierKeys []string
	// Labels name the codes of regions, categories and tasks; nil shows
	// codes.
	Labels *Labels
}

// Notice is the public notice (公示) of a ledger's draws and results,
// built by [BuildNotice] and written as CSV, XLSX or HTML.
type Notice struct {
	Title     string // e.g. 某县卫生健康局双随机抽查结果公示
	Authority string
	Ledger    string
	// AsOf names the last document of the ledger the notice reflects:
	// the notice carries no clock of its own.
	AsOf     string
	AsOfTime time.Time
	Private  bool

	Header []string   // [NoticeHeader]
	Rows   [][]string // one per selected premises of each draw

	Draws []NoticeDraw
	// Sealed lists the draws made but sealed ([SealDraw]): when and for
	// which plan, never what was selected, until they are released.
	Sealed    []NoticeSealed
	Withdrawn []NoticeWithdrawn
	Voided    []NoticeVoided

	BundleURL    string
	VerifierKeys []string
}

// NoticeDraw is one draw of a notice.
type NoticeDraw struct {
	Plan, PlanID     string
	Tasks            []NoticeTask
	AnnouncementFile string
	Announcement     Digest
	Announced        time.Time
	DrawFile         string
	Draw             Digest
	Drawn            time.Time
	Seed             []string // each seed source, in words
	Selected         int
	Unstaffed        int
	Results          int
	Substitutions    []NoticeSubstitution
}

// NoticeTask is a task of a draw (抽查事项) and how many premises were
// selected for it. For a plan of protocol v1, which has no tasks, each
// stratum is one.
type NoticeTask struct {
	Name     string
	Selected int
}

// NoticeSubstitution is one substitution on a team: the premises, the
// reason and when. Out and In (inspector ids) are set in a private
// notice only.
type NoticeSubstitution struct {
	Doc          string
	Published    time.Time
	Premises     string
	PremisesName string
	Reason       string
	Conflict     bool // a conflict of interest (利益冲突回避)
	Short        bool // no one qualified: under v1 the team is one short
	// Unstaffed: no one qualified and, under protocol v2, the visit
	// became unstaffed (a team is never left below its size).
	Unstaffed bool
	Out, In   string
}

// NoticeSealed is a draw made and sealed, not yet released: the public
// learns that the announcement was drawn and when, and the seal's
// digest, but not the selection (the businesses are not tipped off).
type NoticeSealed struct {
	Plan, PlanID     string
	AnnouncementFile string
	Announcement     Digest
	Announced        time.Time
	Seed             []string // each seed source, in words (no evidence)
	SealFile         string
	Seal             Digest
	Drawn            time.Time
	Sealed           time.Time
}

// NoticeVoided is a draw voided by a redraw, with the reason.
type NoticeVoided struct {
	DrawFile   string
	Draw       Digest
	Plan       string
	Drawn      time.Time
	RedrawFile string
	Reason     string
	Published  time.Time
	// AnsweredBy is the announcement of the draw that replaces it, ""
	// while none does.
	AnsweredBy string
}

// NoticeWithdrawn is an announcement withdrawn before its draw.
type NoticeWithdrawn struct {
	AnnouncementFile string
	Plan             string
	Reason           string
	Published        time.Time
	// AfterSeed is set when the withdrawal came after the seed event
	// existed: a re-roll.
	AfterSeed bool
}

// Mark texts of the public notice.
var noticeMarks = map[random.Mark]string{
	random.MarkOverdue:  "随机抽取（超期未检优先）",
	random.MarkRandom:   "随机抽取",
	random.MarkTargeted: "定向检查",
}

// unstaffedZh says in Chinese why a premises has no team. Codes it does
// not know (protocol v2 adds "slot" and "none_eligible") are shown as
// they are.
func unstaffedZh(code string) string {
	switch code {
	case random.CodeShort:
		return "符合条件的检查人员不足"
	case random.CodeUnit:
		return "缺少所需单位的检查人员"
	case random.CodeNoTeamRule:
		return "计划未规定检查组"
	case "slot":
		return "缺少所需专业的检查人员"
	case "none_eligible":
		return "无符合条件的检查人员"
	}
	return code
}

// NoticeHeader returns the column names of the notice's table. The
// columns of the first release come first, in their order; 检查类型,
// 实施机关 and 后续处置状态 (results field set 2) follow.
func NoticeHeader(private bool) []string {
	h := []string{"序号", "抽查任务", "检查对象名称", "统一社会信用代码/许可证号", "所属区域", "类别", "抽取方式"}
	if private {
		h = append(h, "检查组", "实际检查人员")
	}
	return append(h, "检查结果", "检查日期", "结果公示日期", "备注", "检查类型", "实施机关", "后续处置状态")
}

// WriteNotice writes the notice (公示) of the draws of a ledger and their
// results in the format of opt.Format (see [BuildNotice] for the content).
//
// CSV, the default, is the table alone: UTF-8 with a byte order mark,
// CRLF line ends, a header of [NoticeHeader], then one line per selected
// premises of each draw in record order: the task, its name (the "name"
// attribute in set's premises table; empty without set), id, region and
// category (their labels when opt.Labels has them), how it was selected,
// the outcomes' texts joined with "；" (or 待公示 while none is
// published), the day inspected, the day the result was published, a
// note (the results note; 未能组成检查组 for a premises left unstaffed),
// the inspection type, the implementing authority and the follow-up
// status. Inspectors appear only with opt.Private.
//
// XLSX ([Notice.WriteXLSX]) and HTML ([Notice.WriteHTML]) add the other
// sections of the notice.
//
// WriteNotice reads the ledger with [ReadRecord] and checks no
// signature: run [Verify] first.
func WriteNotice(w io.Writer, l Ledger, set *roster.Set, opt NoticeOptions) error {
	format := opt.Format
	if format == "" {
		format = NoticeCSV
	}
	if _, err := ParseNoticeFormat(string(format)); err != nil {
		return err
	}
	n, err := BuildNotice(l, set, opt)
	if err != nil {
		return err
	}
	switch format {
	case NoticeXLSX:
		return n.WriteXLSX(w)
	case NoticeHTML:
		return n.WriteHTML(w)
	}
	return n.WriteCSV(w)
}

// BuildNotice reads the ledger with [ReadRecord] (it checks no
// signature: run [Verify] first) and builds its notice: the authority,
// each live draw (plan, tasks, announcement and draw with their times,
// the seed sources in words, counts) with its substitutions and their
// reasons, the table of selected premises and outcomes, the withdrawn
// announcements and the draws voided by a redraw with the reasons, and
// what anyone needs to verify it. A public notice (opt.Private unset)
// holds no inspector id or name.
func BuildNotice(l Ledger, set *roster.Set, opt NoticeOptions) (*Notice, error) {
	for _, k := range opt.VerifierKeys {
		if _, err := NewVerifier(k); err != nil || strings.HasPrefix(k, "PRIVATE+KEY+") {
			return nil, fmt.Errorf("publish: notice: %q is not a verifier key (a signer key must never be published)", truncateKey(k))
		}
	}
	r, err := ReadRecord(l)
	if err != nil {
		return nil, err
	}
	draws := r.LiveDraws()
	if !opt.Draw.IsZero() {
		d, err := r.liveDraw(&RecordDoc{File: "notice"}, opt.Draw)
		if err != nil {
			return nil, err
		}
		draws = []*RecordDoc{d}
	}
	n := &Notice{
		Authority:    opt.Authority,
		Ledger:       r.Name,
		Private:      opt.Private,
		Header:       NoticeHeader(opt.Private),
		BundleURL:    opt.BundleURL,
		VerifierKeys: append([]string(nil), opt.VerifierKeys...),
	}
	if n.Authority == "" {
		n.Authority = r.Name
	}
	n.Title = n.Authority + "双随机抽查结果公示"
	if len(r.Docs) > 0 {
		last := r.Docs[len(r.Docs)-1]
		n.AsOf, n.AsOfTime = last.File, claimedTime(last.Doc, last.parsedBody())
	}
	premisesName := func(id string) string {
		if set != nil {
			if p, ok := set.Premises.Lookup(id); ok {
				return p.Get("name")
			}
		}
		return ""
	}
	for _, d := range draws {
		if d.Draw.ViewV2 != nil { // protocol v2: notice_v2.go
			n.Draws = append(n.Draws, n.drawV2(r, d, set, opt, premisesName))
			continue
		}
		ann := r.byDigest[d.Draw.Announcement]
		plan := ann.plan
		nd := NoticeDraw{
			Plan: plan.Name, PlanID: plan.ID,
			AnnouncementFile: ann.File, Announcement: ann.Digest, Announced: ann.Announcement.Published.Time,
			DrawFile: d.File, Draw: d.Digest, Drawn: d.Draw.DrawnAt.Time,
			Seed:     seedWords(ann.Announcement.Seed, d.Draw.Evidence),
			Selected: len(d.Draw.View.Selected),
			Tasks:    noticeTasks(plan, d.Draw.View, opt.Labels),
		}
		if nd.Plan == "" {
			nd.Plan = plan.ID
		}
		for _, s := range d.Draw.View.Selected {
			var notes []string
			if s.Unstaffed != "" {
				nd.Unstaffed++
				notes = append(notes, "未能组成检查组（"+unstaffedZh(s.Unstaffed)+"）")
			}
			n.addRow(r, d, &nd, set, opt, []string{taskOf(plan, s, opt.Labels), premisesName(s.ID), s.ID,
				stratumValue(plan, s, set, roster.AttrRegion, opt.Labels), stratumValue(plan, s, set, roster.AttrCategory, opt.Labels),
				noticeMarks[s.Mark]}, notes)
		}
		nd.Substitutions = noticeSubstitutions(r, d, opt, premisesName)
		n.Draws = append(n.Draws, nd)
	}
	if opt.Draw.IsZero() {
		for _, e := range r.Docs {
			if e.Draw == nil {
				continue
			}
			v := r.VoidedBy(e.Digest)
			if v == nil {
				continue
			}
			nv := NoticeVoided{DrawFile: e.File, Draw: e.Digest, Plan: r.byDigest[e.Draw.Announcement].PlanName(),
				Drawn: e.Draw.DrawnAt.Time, RedrawFile: v.File, Reason: v.Amendment.Reason, Published: v.Amendment.Published.Time}
			if a := r.AnsweredBy(v.Digest); a != nil {
				nv.AnsweredBy = a.File
			}
			n.Voided = append(n.Voided, nv)
		}
		n.Withdrawn = noticeWithdrawals(r)
		n.Sealed = noticeSealed(r)
	}
	return n, nil
}

// addRow adds the notice row of one selected premises of draw d: the
// number, the cells given (task, name, id, region, category, how
// selected), the team and who went (private notices), the result, its
// dates, the notes and the result's further fields.
func (n *Notice) addRow(r *Record, d *RecordDoc, nd *NoticeDraw, set *roster.Set, opt NoticeOptions, cells []string, notes []string) {
	id := cells[2]
	row := append([]string{strconv.Itoa(len(n.Rows) + 1)}, cells...)
	x, doc := r.Result(d.Digest, id)
	if opt.Private {
		went := ""
		if x != nil {
			went = inspectorNames(set, x.Inspectors)
		}
		row = append(row, inspectorNames(set, r.Team(d.Digest, id)), went)
	}
	if x == nil {
		row = append(row, "待公示", "", "")
	} else {
		nd.Results++
		row = append(row, x.ZhText(), x.Inspected.String(), LocalDate(doc.Results.Published.Time).String())
		if x.Note != "" {
			notes = append(notes, x.Note)
		}
	}
	row = append(row, strings.Join(notes, "；"))
	if x == nil {
		row = append(row, "", "", "")
	} else {
		typ := ""
		if t, ok := LookupInspectionType(x.InspectionType); ok {
			typ = t.Zh
		}
		row = append(row, typ, x.Authority, FollowUpZh(x.FollowUp))
	}
	n.Rows = append(n.Rows, row)
}

// noticeSubstitutions lists the substitutions of a draw for the notice.
func noticeSubstitutions(r *Record, d *RecordDoc, opt NoticeOptions, premisesName func(string) string) []NoticeSubstitution {
	var out []NoticeSubstitution
	for _, sr := range r.subs[d.Digest] {
		s := NoticeSubstitution{Doc: sr.doc.File, Published: sr.doc.Amendment.Published.Time,
			Premises: sr.item.Premises, PremisesName: premisesName(sr.item.Premises),
			Reason: sr.item.Reason, Conflict: sr.item.Conflict, Short: sr.item.In == ""}
		s.Unstaffed = s.Short && d.Draw.ViewV2 != nil
		if opt.Private {
			s.Out, s.In = sr.item.Out, sr.item.In
		}
		out = append(out, s)
	}
	return out
}

// noticeSealed lists the seals of the record not yet released.
func noticeSealed(r *Record) []NoticeSealed {
	var out []NoticeSealed
	for _, e := range r.Seals() {
		if r.ReleasedBy(e.Digest) != nil {
			continue
		}
		ann := r.byDigest[e.Seal.Announcement]
		name, id := "", ""
		if ann.plan != nil {
			name, id = ann.plan.Name, ann.plan.ID
		} else if ann.planV2 != nil {
			name, id = ann.planV2.Name, ann.planV2.ID
		}
		x := NoticeSealed{Plan: name, PlanID: id, AnnouncementFile: ann.File, Announcement: ann.Digest,
			Announced: ann.Announcement.Published.Time, Seed: seedWords(ann.Announcement.Seed, nil),
			SealFile: e.File, Seal: e.Digest, Drawn: e.Seal.DrawnAt.Time, Sealed: e.Seal.Published.Time}
		if x.Plan == "" {
			x.Plan = x.PlanID
		}
		out = append(out, x)
	}
	return out
}

// truncateKey shows the start of a key, never a whole signer key.
func truncateKey(k string) string {
	if len(k) > 16 {
		return k[:16] + "…"
	}
	return k
}

// noticeWithdrawals lists the withdrawn announcements of the record
// (protocol v2 §8: "the public notice shows withdrawn announcements"),
// from [Record.Fates]: the announcement's file and plan, the reason, the
// time, and whether the withdrawal came at or after the seed event, or
// after one of unknown time (AfterSeed: a possible re-roll).
func noticeWithdrawals(r *Record) []NoticeWithdrawn {
	var out []NoticeWithdrawn
	for _, f := range r.Fates() {
		if f.Fate != FateWithdrawn {
			continue
		}
		a := f.Announcement
		plan := a.Announcement.PlanID
		if a.plan != nil && a.plan.Name != "" {
			plan = a.plan.Name
		} else if a.planV2 != nil && a.planV2.Name != "" {
			plan = a.planV2.Name
		}
		out = append(out, NoticeWithdrawn{AnnouncementFile: a.File, Plan: plan, Reason: f.Reason,
			Published: f.At, AfterSeed: f.ReRoll || f.ReRollUnknown})
	}
	return out
}

// noticeTasks returns the tasks of a draw with their counts.
//
// A plan of protocol v1 has no tasks, so each stratum is one, named by
// the labels of its values. A plan of protocol v2 lists its tasks: see
// [Notice.drawV2] (notice_v2.go).
func noticeTasks(plan *random.Plan, v *random.View, labels *Labels) []NoticeTask {
	var out []NoticeTask
	index := map[string]int{}
	for _, st := range v.Strata {
		name := stratumName(plan, st.Values, labels)
		index[name] = len(out)
		out = append(out, NoticeTask{Name: name})
	}
	for _, s := range v.Selected {
		name := stratumName(plan, s.Stratum, labels)
		if i, ok := index[name]; ok {
			out[i].Selected++
		}
	}
	return out
}

// stratumName names a stratum by the labels of its values, joined with
// " · ".
func stratumName(plan *random.Plan, values []string, labels *Labels) string {
	parts := make([]string, len(values))
	for i, v := range values {
		kind := ""
		if i < len(plan.Stratify) {
			kind = plan.Stratify[i]
		}
		parts[i] = labels.Name(kind, v)
		if parts[i] == "" {
			parts[i] = "（空）"
		}
	}
	if len(parts) == 0 {
		return "全部"
	}
	return strings.Join(parts, " · ")
}

// taskOf returns the task column of a selected premises: the plan's
// name for a plan of protocol v1 (a v2 visit lists its tasks' names:
// notice_v2.go).
func taskOf(plan *random.Plan, s random.ViewSelection, labels *Labels) string {
	if plan.Name != "" {
		return plan.Name
	}
	return plan.ID
}

// stratumValue returns a premises' value of attr, labelled: from the
// tables when given, else from the stratum when the plan stratifies by
// attr.
func stratumValue(plan *random.Plan, s random.ViewSelection, set *roster.Set, attr string, labels *Labels) string {
	v := ""
	if set != nil {
		if p, ok := set.Premises.Lookup(s.ID); ok {
			v = p.Get(attr)
		}
	} else {
		for i, a := range plan.Stratify {
			if a == attr && i < len(s.Stratum) {
				v = s.Stratum[i]
			}
		}
	}
	if v == "" {
		return ""
	}
	return labels.Name(attr, v)
}

// seedWords describes each seed source of an announcement in Chinese,
// with what its draw record shows of it.
func seedWords(promises []random.SeedPromise, evidence []random.SeedEvidence) []string {
	var out []string
	for i, p := range promises {
		var e random.SeedEvidence
		if i < len(evidence) {
			e = evidence[i]
		}
		switch p.Kind {
		case random.SourceDice:
			s := "公开掷骰"
			if p.Ceremony != nil {
				when := p.Ceremony.When
				if t, err := CeremonyTime(when); err == nil {
					when = FormatTime(t)
				}
				s += "：" + when + "，" + p.Ceremony.Where
			}
			if e.Digits != "" {
				s += "；骰子读数 " + e.Digits
			}
			out = append(out, s)
		case random.SourceBeacon:
			s := fmt.Sprintf("drand 公共随机信标第 %d 轮", p.Round)
			if p.Chain != nil {
				s += "（" + p.Chain.BeaconID + "，于 " + FormatTime(p.Chain.RoundTime(p.Round)) + " 产生）"
			}
			out = append(out, s)
		case random.SourceCommitReveal:
			var names []string
			for _, c := range p.Commitments {
				names = append(names, c.Name)
			}
			out = append(out, "多方承诺-揭示："+strings.Join(names, "、"))
		case random.SourceSystem:
			out = append(out, "系统随机数（无法独立核验）")
		default:
			out = append(out, string(p.Kind))
		}
	}
	return out
}

// WriteCSV writes the notice's table as CSV (see [WriteNotice]).
func (n *Notice) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(n.Header); err != nil {
		return err
	}
	for _, row := range n.Rows {
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// VerifyCommand returns the command that verifies the notice's ledger
// from its public bundle, with the names of its key files.
func (n *Notice) VerifyCommand() string {
	var b strings.Builder
	b.WriteString("go run ./examples/cli verify --bundle BUNDLE")
	if len(n.VerifierKeys) == 0 {
		b.WriteString(" --pub AGENCY.pub")
	}
	for i := range n.VerifierKeys {
		fmt.Fprintf(&b, " --pub key%d.pub", i+1)
	}
	return b.String()
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

// Sheet names of the XLSX notice.
const (
	SheetNoticeList    = "抽查名单及结果"
	SheetNoticeDraws   = "抽查情况"
	SheetNoticeSubs    = "检查人员调整"
	SheetNoticeVoided  = "撤回和作废"
	SheetNoticeVerify  = "如何核验"
	xlsxMaxColumnWidth = 60
)
