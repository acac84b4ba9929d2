package site

import (
	"fmt"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/publish"
)

// Timing is the timing section of the page: publish.TimingReport (what
// `cli verify --witness` prints) in words.
type Timing struct {
	// Witnessed: witness keys were given; otherwise AgencyWord lists what
	// rests on the agency's word alone.
	Witnessed bool     `json:"witnessed"`
	Witnesses []string `json:"witnesses"` // name+keyID
	Quorum    int      `json:"quorum"`
	// Cosigned counts the cosigned checkpoints examined, Matching those
	// that match the ledger and carry a witness's valid cosignature.
	Cosigned      int                `json:"cosigned"`
	Matching      int                `json:"matching"`
	Announcements []AnnouncementTime `json:"announcements"`
	FutureDated   []FutureDated      `json:"future_dated"`
	// Rollbacks and Forks are the proofs, each in Chinese and English
	// with the signed notes.
	Rollbacks  []Proof `json:"rollbacks"`
	Forks      []Proof `json:"forks"`
	AgencyWord []Line  `json:"agency_word"`
	// Report is publish.TimingReport.String().
	Report string `json:"report"`
}

// Timing statuses of an announcement.
const (
	TimingProven     = "proven"
	TimingNotProven  = "not-proven"
	TimingPending    = "pending"
	TimingNoEvent    = "no-event"    // commit-reveal or system: no event time
	TimingAgencyWord = "agency-word" // no witnesses given
)

// AnnouncementTime is the verdict on "announced before its seed event".
type AnnouncementTime struct {
	File      string   `json:"file"`
	Status    string   `json:"status"`
	Zh        string   `json:"zh"`
	En        string   `json:"en"`
	Published string   `json:"published"`
	Witnessed string   `json:"witnessed,omitempty"`
	Events    []string `json:"events"`
}

// FutureDated is a document dated after witnesses saw it.
type FutureDated struct {
	File      string `json:"file"`
	Claimed   string `json:"claimed"`
	Witnessed string `json:"witnessed"`
	Zh        string `json:"zh"`
	En        string `json:"en"`
}

// Proof is a rollback or a fork, with the signed notes that prove it.
type Proof struct {
	Zh    string `json:"zh"`
	En    string `json:"en"`
	Notes string `json:"notes"`
}

// Line is one sentence in Chinese and English.
type Line struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}

// fateZh says an announcement's fate (publish.FateReport) in Chinese.
func fateZh(f *publish.FateReport) string {
	var s string
	switch f.Fate {
	case publish.FateOpen:
		s = "尚未抽取"
	case publish.FateDrawn:
		s = "已抽取：" + f.By
	case publish.FateRedrawn:
		s = fmt.Sprintf("已抽取（%s），但于 %s 被 %s 作废重抽，理由：%s", f.Draw, localTime(f.At), f.By, f.Reason)
	case publish.FateSealed:
		s = "已抽取并封存：" + f.By + "（抽取结果在检查完成后公开；封存的检查点已由见证人联署时，公开后可核对未被改动）"
	case publish.FateWithdrawn:
		s = fmt.Sprintf("已撤回：%s 于 %s 撤回，理由：%s", f.By, localTime(f.At), f.Reason)
	default:
		s = string(f.Fate)
	}
	switch {
	case f.ReRoll && f.Fate == publish.FateRedrawn:
		s += "。重抽（re-roll）：作废发生在种子事件之后，种子已经公开"
	case f.ReRoll:
		s += "。重抽（re-roll）：撤回发生在种子事件（" + localTime(f.SeedTime) + "）当时或之后，撤回时可能已知道种子"
	case f.ReRollUnknown:
		s += "。可能的重抽（re-roll）：种子事件没有时间，撤回时可能已知道种子"
	}
	return s
}

// describeTiming turns the timing report into the page's section.
func describeTiming(t *publish.TimingReport) *Timing {
	if t == nil {
		return nil
	}
	out := &Timing{Witnessed: len(t.Witnesses) > 0, Witnesses: t.Witnesses, Quorum: t.Quorum, Cosigned: t.Cosigned, Matching: t.Matching, Report: t.String()}
	for _, a := range t.Announcements {
		x := AnnouncementTime{File: a.Doc, Published: localTime(a.Published), Witnessed: localTime(a.Witnessed)}
		var evZh, evEn []string
		for _, e := range a.Events {
			zh := e.Source
			switch {
			case e.Source == "dice ceremony":
				zh = "掷骰仪式"
			case strings.HasPrefix(e.Source, "beacon round "):
				zh = "公共随机信标第 " + strings.TrimPrefix(e.Source, "beacon round ") + " 轮"
			}
			evZh = append(evZh, zh+" "+localTime(e.At))
			evEn = append(evEn, e.Source+" at "+publish.At(e.At).Format(time.RFC3339))
			x.Events = append(x.Events, zh+" "+e.Source+" "+localTime(e.At))
		}
		events := strings.Join(evZh, "、")
		seenZh, seenEn := "没有见证人联署覆盖它", "not witnessed"
		if !a.Witnessed.IsZero() {
			seenZh, seenEn = "见证人最迟于 "+localTime(a.Witnessed)+" 已见到它", "witnessed by "+publish.At(a.Witnessed).Format(time.RFC3339)
		}
		switch {
		case len(a.Events) == 0:
			x.Status = TimingNoEvent
			x.Zh = "种子来源（承诺-揭示或系统随机数）没有公开的时间，无法证明公告早于种子：" + seenZh
			x.En = "no timed seed event (commit-reveal): " + seenEn
		case !out.Witnessed:
			x.Status = TimingAgencyWord
			x.Zh = "公告是否早于种子事件（" + events + "）：仅凭机关自述，没有见证人证明"
			x.En = "announced before its seed event (" + strings.Join(evEn, ", ") + "): the agency's word alone, no witness"
		case a.Proven:
			x.Status = TimingProven
			x.Zh = "已证明在种子事件（" + events + "）之前公告：" + seenZh
			x.En = "PROVEN announced before its seed event, " + seenEn + "; " + strings.Join(evEn, ", ")
		case a.Pending:
			x.Status = TimingPending
			x.Zh = "待证明：尚无见证人联署，须在种子事件（" + events + "）之前联署"
			x.En = "pending: not witnessed yet; it must be cosigned before its seed event (" + strings.Join(evEn, ", ") + ")"
		default:
			x.Status = TimingNotProven
			x.Zh = "未能证明（NOT PROVEN）在种子事件（" + events + "）之前公告：" + seenZh + "，晚于种子事件"
			if a.Witnessed.IsZero() {
				x.Zh = "未能证明（NOT PROVEN）在种子事件（" + events + "）之前公告：" + seenZh
			}
			x.En = "NOT PROVEN announced before its seed event, " + seenEn + "; " + strings.Join(evEn, ", ")
		}
		out.Announcements = append(out.Announcements, x)
	}
	for _, f := range t.FutureDated {
		out.FutureDated = append(out.FutureDated, FutureDated{File: f.Doc, Claimed: localTime(f.Claimed), Witnessed: localTime(f.Witnessed),
			Zh: fmt.Sprintf("日期造假（FUTURE-DATED）：%s 标注的时间是 %s，但见证人在 %s 就已见到它——文件在它所写的时间之前就已发布。", f.Doc, localTime(f.Claimed), localTime(f.Witnessed)),
			En: fmt.Sprintf("FUTURE-DATED %s: dated %s, but witnessed by %s", f.Doc, publish.At(f.Claimed).Format(time.RFC3339Nano), publish.At(f.Witnessed).Format(time.RFC3339))})
	}
	for _, r := range t.Rollbacks {
		out.Rollbacks = append(out.Rollbacks, Proof{
			Zh:    fmt.Sprintf("台账被回滚（ROLLBACK）：现有 %d 份文件，但机关曾签署、见证人曾联署含 %d 份文件的检查点（如下），已公布的文件被删去了。", r.GotSize, r.KeptSize),
			En:    fmt.Sprintf("ROLLBACK: the ledger has %d documents, but a checkpoint of %d was signed and cosigned", r.GotSize, r.KeptSize),
			Notes: string(r.Kept)})
	}
	for _, f := range t.Forks {
		out.Forks = append(out.Forks, Proof{
			Zh:    "台账分叉（FORK）：同一台账的两个检查点都有机关的签名，却不可能属于同一段只增不改的历史（如下）。不同的人看到了不同的台账。",
			En:    "FORK: " + strings.SplitN(f.Proof(), "\n", 2)[0],
			Notes: f.Proof()})
	}
	if !out.Witnessed {
		for _, w := range t.OperatorWord {
			out.AgencyWord = append(out.AgencyWord, Line{Zh: agencyWordZh(w, t), En: w})
		}
	}
	return out
}

// agencyWordZh says in Chinese one line of TimingReport.OperatorWord.
func agencyWordZh(en string, t *publish.TimingReport) string {
	var n int
	if _, err := fmt.Sscanf(en, "the time of each of the %d documents", &n); err == nil {
		return fmt.Sprintf("全部 %d 份文件上标注的时间", n)
	}
	if _, err := fmt.Sscanf(en, "%d cosigned checkpoints kept", &n); err == nil {
		return fmt.Sprintf("公示包中有 %d 个见证人联署的检查点，但本页没有见证人公钥，未核对其时间", n)
	}
	for _, a := range t.Announcements {
		if strings.HasPrefix(en, a.Doc+" announced before its seed event") {
			var ev []string
			for _, e := range a.Events {
				ev = append(ev, e.Source+" "+localTime(e.At))
			}
			return a.Doc + " 是否在种子事件（" + strings.Join(ev, "、") + "）之前公告"
		}
	}
	return en
}

// annotateTiming puts each announcement's timing verdict beside its fate.
func (s *Session) annotateTiming() {
	if s.res.Timing == nil {
		return
	}
	for i := range s.res.Announcements {
		a := &s.res.Announcements[i]
		for _, t := range s.res.Timing.Announcements {
			if t.File == a.File {
				a.Timing, a.TimingZh, a.TimingEn = t.Status, t.Zh, t.En
			}
		}
	}
}
