package site

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/doublerandom/doublerandom/publish"
)

// finding puts a problem of the report into words: which document, which
// field, what the document says and what the check computed.
func (s *Session) finding(p publish.Problem) Finding {
	f := Finding{Doc: p.Doc, En: p.String(), Diff: p.Diff}
	// Verify names a document too damaged to parse "document N".
	if num, ok := strings.CutPrefix(p.Doc, "document "); ok {
		if seq, err := strconv.ParseInt(num, 10, 64); err == nil && s.b != nil {
			prefix := fmt.Sprintf("ledger/%06d-", seq)
			for _, file := range s.b.Index.Files {
				if rest, ok := strings.CutPrefix(file, prefix); ok && strings.HasSuffix(rest, ".note") {
					f.Doc = strings.TrimPrefix(file, "ledger/")
				}
			}
		}
	}
	doc := f.Doc
	if doc == "" {
		doc = "台账"
	}
	var me *publish.MismatchError
	var se *publish.SignatureError
	var de *publish.DocumentError
	var re *publish.RecordError
	var ce *publish.ConsistencyError
	var oe *publish.OutcomeError
	var fe *publish.FutureDocumentError
	var rb *publish.RollbackError
	var fk *publish.ForkError
	switch {
	case errors.As(p.Err, &fe):
		f.Field, f.Check = "published", "timing"
		f.Zh = fmt.Sprintf("文件 %s 日期造假（FUTURE-DATED）：它标注的时间是 %s，但见证人在 %s 就已见到它，文件在它所写的时间之前就已发布（例如抽取结果在掷骰仪式之前就已产生）。", doc, localTime(fe.Claimed), localTime(fe.Witness))
	case errors.Is(p.Err, publish.ErrNotProven):
		f.Field, f.Check = "seed", "timing"
		f.Zh = fmt.Sprintf("公告 %s 未能证明（NOT PROVEN）在其种子事件之前发布：见证人联署的时间晚于掷骰仪式或信标轮次，或没有联署覆盖它；种子可能在公告之前就已知道。", doc)
	case errors.As(p.Err, &rb):
		f.Check = "timing"
		f.Zh = fmt.Sprintf("台账被回滚（ROLLBACK）：现有 %d 份文件，但机关曾签署、见证人曾联署含 %d 份文件的检查点。", rb.GotSize, rb.KeptSize)
	case errors.As(p.Err, &fk):
		f.Check = "timing"
		f.Zh = "台账分叉（FORK）：同一台账的两个检查点都有机关的签名，却不可能属于同一段只增不改的历史。证据见“时间与见证人”一节。"
	case strings.Contains(p.Doc, "cosigned"):
		f.Check = "timing"
		f.Zh = fmt.Sprintf("见证人联署的检查点 %s 不正确（签名、格式或所属台账）：%s", doc, p.Err.Error())
	case errors.As(p.Err, &me):
		f.Field = me.Field
		if me.Doc != "" {
			f.Doc, doc = me.Doc, me.Doc
		}
		if strings.HasPrefix(me.Field, "roots.") {
			// checkTables: Want is what the announcement says, Got what
			// the tables published give.
			rows := strings.NewReplacer(" rows)", " 行)", " in the tables given", "", " in tables/", "，文件 tables/")
			f.Zh = fmt.Sprintf("文件 %s 的字段「%s」（%s）不一致：公告中写的是 %s，按本页公布的名录计算得到 %s。", doc, me.Field, fieldZh(me.Field), rows.Replace(orNone(me.Want)), rows.Replace(orNone(me.Got)))
			break
		}
		f.Zh = fmt.Sprintf("文件 %s 的字段「%s」（%s）不一致：文件中写的是 %s，核验重新计算的结果是 %s。", doc, me.Field, fieldZh(me.Field), orNone(me.Got), orNone(me.Want))
	case errors.As(p.Err, &se):
		f.Field = "signature"
		f.Zh = fmt.Sprintf("文件 %s 的签名（%s）核验不通过：文件在签名后被改动过，或不是由所公布的密钥签署的。", doc, se.Key.Name)
	case errors.As(p.Err, &de):
		f.Field = de.Field
		f.Zh = fmt.Sprintf("文件 %s 已损坏，无法按格式读取", doc)
		if de.Line > 0 {
			f.Zh += fmt.Sprintf("（第 %d 行）", de.Line)
		}
		f.Zh += "。"
	case errors.As(p.Err, &re):
		f.Field = re.Field
		f.Zh = fmt.Sprintf("文件 %s 违反记录规则", doc)
		fz := fieldZh(re.Field)
		if errors.Is(re.Err, publish.ErrSelection) {
			fz, f.Check = "抽中名单或分组数据", "record" // a public check of the view, not the replay
		}
		if re.Field != "" {
			f.Zh += fmt.Sprintf("（字段「%s」，%s，值 %s）", re.Field, fz, orNone(re.Value))
		}
		f.Zh += "：" + recordRuleZh(re.Err) + "。"
	case errors.As(p.Err, &ce):
		f.Zh = fmt.Sprintf("台账的检查点 %d 不是此前检查点 %d 的延续：台账被改写过。", ce.NewSize, ce.OldSize)
	case errors.As(p.Err, &oe):
		f.Field = "outcome"
		f.Zh = fmt.Sprintf("文件 %s 中的检查结果代码「%s」不是规定的结果之一。", doc, oe.Code)
	case p.Doc == "checkpoint":
		f.Zh = "台账的检查点（checkpoint）签名或格式不正确。"
	default:
		f.Zh = fmt.Sprintf("文件 %s：%s", doc, p.Err.Error())
	}
	if f.Check == "" {
		f.Check = category(f)
	}
	return f
}

// recordRuleZh names the rule a *RecordError broke.
func recordRuleZh(err error) string {
	switch {
	case errors.Is(err, publish.ErrSelection):
		return "抽中名单与公告的计划或抽取密钥相矛盾（无需名录即可看出）"
	case errors.Is(err, publish.ErrSecondDraw):
		return "同一公告被第二次抽取（重抽必须先作废并重新公告）"
	case errors.Is(err, publish.ErrTimeOrder):
		return "时间顺序不对（例如种子在公告之前就已存在，或文件日期早于前一文件）"
	case errors.Is(err, publish.ErrReference):
		return "引用的文件不存在或不适用"
	case errors.Is(err, publish.ErrRecord):
		return "与此前的文件相矛盾"
	}
	return err.Error()
}

// fieldZh says in Chinese what a field of a document is.
func fieldZh(field string) string {
	switch {
	case field == "prev":
		return "前一文件的摘要，链接各文件的链"
	case field == "seq":
		return "文件序号"
	case field == "ledger":
		return "台账名称"
	case field == "checkpoint":
		return "检查点：文件数与默克尔树根"
	case strings.HasPrefix(field, "roots.premises"), strings.HasPrefix(field, "view.roots.premises"):
		return "经营场所名录的根哈希：名录内容与公告时不同"
	case strings.HasPrefix(field, "roots.inspectors"), strings.HasPrefix(field, "view.roots.inspectors"):
		return "执法检查人员名录的根哈希：名录内容与公告时不同"
	case strings.HasPrefix(field, "roots.conflicts"), strings.HasPrefix(field, "view.roots.conflicts"):
		return "回避关系表的根哈希：表的内容与公告时不同"
	case strings.HasPrefix(field, "roots.history"), strings.HasPrefix(field, "view.roots.history"):
		return "检查历史表的根哈希：表的内容与公告时不同"
	case strings.HasPrefix(field, "counts"):
		return "名录行数"
	case strings.HasPrefix(field, "view.selected"):
		return "抽中名单：按公告的规则和种子重新抽取，结果与公布的不同"
	case strings.HasPrefix(field, "view.strata"):
		return "分组数据（可抽数、配额、阈值）：重新抽取的结果与公布的不同"
	case strings.HasPrefix(field, "view.visits"):
		return "抽中名单（各检查对象及其抽查事项、方式、检查组）：与计划或重新抽取的结果不同"
	case strings.HasPrefix(field, "view.tasks"):
		return "抽查事项的数据（范围内数、可抽数、配额、缺额、分组、阈值）：与计划的算法或重新抽取的结果不同"
	case strings.HasPrefix(field, "view.key"):
		return "抽取密钥"
	case strings.HasPrefix(field, "substitutions"):
		return "人员替换：按规则重新计算的替换人员与公布的不同"
	case strings.HasPrefix(field, "outcome"):
		return "检查结果"
	}
	return "字段"
}

func orNone(s string) string {
	if s == "" {
		return "（空）"
	}
	return s
}

// checks sums up which kinds of checks passed.
func checks(problems []Finding, rep *publish.Report) []CheckItem {
	list := []CheckItem{
		{Code: "keys", Zh: "公钥已读取", En: "verifier keys read"},
		{Code: "signatures", Zh: "每份文件的签名", En: "signatures of every document"},
		{Code: "chain", Zh: "文件链（序号与前一文件摘要）", En: "the chain (seq and prev of every document)"},
		{Code: "checkpoint", Zh: "检查点（默克尔树根）", En: "the checkpoint (Merkle root over all documents)"},
		{Code: "record", Zh: "记录规则：先公告后取种子、时间顺序、不得二次抽取", En: "record rules: announced before the seed, times in order, no second draw"},
		{Code: "bundle", Zh: "公示包目录（bundle.json）列出全部公告和文件", En: "the bundle's index lists every announcement and file"},
		{Code: "tables", Zh: "名录根哈希与公告一致", En: "table roots against the announcements"},
		{Code: "replay", Zh: "重新抽取每一次抽查和人员替换，结果一致", En: "replay of every draw and substitution"},
		{Code: "results", Zh: "检查结果代码与人员", En: "results: outcome codes and inspectors"},
		{Code: "timing", Zh: "时间：见证人联署证明公告早于种子事件、文件没有倒填日期、台账没有回滚或分叉", En: "times from witnesses: announced before the seed event, no future-dated document, no rollback or fork"},
	}
	ran := rep != nil
	for i := range list {
		list[i].OK = ran
	}
	if !ran && len(problems) > 0 && problems[0].Doc != KeysDir {
		list[0].OK = true
	}
	for _, p := range problems {
		code := p.Check
		if code == "" {
			code = category(p)
		}
		for i := range list {
			if list[i].Code == code {
				list[i].OK = false
			}
		}
	}
	if rep != nil && (rep.Timing == nil || len(rep.Timing.Witnesses) == 0) {
		// Without witnesses the times are the agency's word: say so.
		for i := range list {
			if list[i].Code == "timing" && list[i].OK {
				list[i].Skipped = true
				list[i].Zh = "时间：没有见证人，公告是否早于种子事件、各文件的时间仅凭机关自述（未核验）"
				list[i].En = "times: no witnesses; whether each announcement came before its seed event, and every document's time, rest on the agency's word (not checked)"
			}
		}
	}
	if rep != nil {
		for _, d := range rep.Draws {
			for i := range list {
				if list[i].Code == "replay" && !d.Replayed {
					list[i].OK = false
				}
			}
		}
	}
	return list
}

func category(p Finding) string {
	switch {
	case p.Doc == KeysDir || strings.HasPrefix(p.Doc, KeysDir+"/"):
		return "keys"
	case p.Field == "signature":
		return "signatures"
	case p.Field == "prev" || p.Field == "seq" || p.Field == "ledger":
		return "chain"
	case p.Doc == "checkpoint" || p.Field == "checkpoint":
		return "checkpoint"
	case strings.HasPrefix(p.Field, "roots") || strings.HasPrefix(p.Field, "counts") || strings.HasPrefix(p.Field, "tables") || strings.Contains(p.Field, ".tables."):
		return "tables"
	case strings.Contains(p.Doc, "bundle.json") || strings.Contains(p.Doc, "hashes") || strings.Contains(p.Field, "stored hashes"):
		return "bundle"
	case strings.HasPrefix(p.Field, "view.") || strings.HasPrefix(p.Field, "substitutions") || strings.Contains(p.En, "replay"):
		return "replay"
	case strings.HasPrefix(p.Field, "outcome") || strings.HasPrefix(p.Field, "inspectors"):
		return "results"
	}
	return "record"
}
