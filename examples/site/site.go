// Package site is the verifier behind the public page that `cli site`
// writes: it opens a published bundle from an fs.FS, verifies it with
// [publish.VerifyBundle] (the same code as `cli verify --bundle`) and
// answers a business's self-check with [publish.SelfCheckBundle], in facts
// a page can show in Chinese and English.
//
// The page runs it compiled to WebAssembly (package
// examples/site/verifier); tests and `cli site` run it natively. It never
// reads a clock or the network: the caller gives the files and the time.
//
// The folder it reads (fs.FS paths):
//
//	bundle/...           a public bundle (publish.OpenBundle: bundle.json, ledger/, tables/)
//	keys/*.pub           the verifier keys every document must carry
//	witnesses/*.pub      the witnesses' keys whose cosignatures count (optional)
//	witnesses/quorum     how many distinct witnesses must have cosigned (optional, default 1)
package site

import (
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// Paths of the site folder, as the page fetches them and fs.FS names them.
const (
	BundleDir = "bundle"
	KeysDir   = "keys"
	// WitnessesDir holds the witness keys (publish.Options.Witnesses)
	// and QuorumFile the quorum (publish.Options.Quorum), one decimal
	// number.
	WitnessesDir = "witnesses"
	QuorumFile   = WitnessesDir + "/quorum"
	// Manifest lists the files the page fetches (see [Manifest]).
	Manifest = "files.json"
)

// ManifestFile is one entry of the manifest the page reads first: the
// path of a file of the site, relative to index.html, and its size.
type ManifestFile struct {
	Path string `json:"path"`
	Size int64  `json:"size"`
}

// Options configure [Check].
type Options struct {
	// Now is the reader's time (overdue results); zero: not checked.
	Now time.Time
	// Progress, when set, is told each step: a short English key
	// ("ledger", "tables", "verify", "done") and counts where known.
	Progress func(step string, done, total int64)
}

// Status values of [Result] and [SelfCheckAnswer].
const (
	StatusVerified    = "verified"
	StatusFailed      = "failed"
	StatusSelected    = "selected"
	StatusNotSelected = "not-selected"
)

// Result is what the page shows after verifying a bundle. Every text a
// person reads comes in Chinese (Zh) and English (En).
type Result struct {
	Status     string `json:"status"`
	Ledger     string `json:"ledger"`
	Documents  int64  `json:"documents"`
	Checkpoint string `json:"checkpoint"`
	Keys       []Key  `json:"keys"`
	// Witnesses are the witness keys the timing was checked with, and
	// Quorum how many of them had to cosign; none: the times rest on the
	// agency's word (Timing says which).
	Witnesses     []Key          `json:"witnesses"`
	Quorum        int            `json:"quorum"`
	Timing        *Timing        `json:"timing,omitempty"`
	Signers       []string       `json:"signers"`
	Checks        []CheckItem    `json:"checks"`
	Announcements []Announcement `json:"announcements"`
	Draws         []Draw         `json:"draws"`
	Problems      []Finding      `json:"problems"`
	Warnings      []Finding      `json:"warnings"`
	Tables        []TableInfo    `json:"tables"`
	// Report is publish.Report.String(), what `cli verify` prints.
	Report string `json:"report"`
	Millis int64  `json:"millis"`
}

// Key is a verifier key the documents were checked against.
type Key struct {
	Name string `json:"name"`
	ID   string `json:"id"` // name+hash, as in the signature lines
	Text string `json:"text"`
}

// CheckItem is one kind of check and whether everything of that kind passed.
type CheckItem struct {
	Code string `json:"code"`
	Zh   string `json:"zh"`
	En   string `json:"en"`
	OK   bool   `json:"ok"`
	// Skipped: nothing to check it with (timing without witnesses);
	// Zh and En say what rests on trust instead.
	Skipped bool `json:"skipped,omitempty"`
}

// Finding is a problem or a warning, in words.
type Finding struct {
	Doc   string `json:"doc"`
	Field string `json:"field,omitempty"`
	Zh    string `json:"zh"`
	En    string `json:"en"`
	Diff  string `json:"diff,omitempty"`
	// Check is the code of the check (CheckItem.Code) it failed.
	Check string `json:"check,omitempty"`
}

// TableInfo is one table read, with its row count and root.
type TableInfo struct {
	Name string `json:"name"`
	File string `json:"file"`
	Rows int    `json:"rows"`
	Root string `json:"root"`
}

// Announcement is one announcement with its fate.
type Announcement struct {
	File      string   `json:"file"`
	Published string   `json:"published"`
	PlanID    string   `json:"plan_id"`
	PlanName  string   `json:"plan_name"`
	PlanDate  string   `json:"plan_date"`
	Seed      []string `json:"seed"`
	// Fate is publish.FateKind (open, drawn, redrawn, withdrawn), or
	// "unknown" for an announcement that did not verify; FateEn is the
	// line `cli verify` prints (publish.FateReport.Line).
	Fate   string `json:"fate"`
	FateZh string `json:"fate_zh"`
	FateEn string `json:"fate_en"`
	// ReRoll: withdrawn or voided at or after its seed event (or,
	// possibly, when the event has no time): the seed may have been known.
	ReRoll bool   `json:"reroll,omitempty"`
	By     string `json:"by,omitempty"` // the draw, withdrawal or redraw amendment
	Reason string `json:"reason,omitempty"`
	Draw   string `json:"draw,omitempty"`
	// Timing is the verdict on "announced before its seed event"
	// (AnnouncementTime.Status), TimingZh/En in words.
	Timing   string        `json:"timing,omitempty"`
	TimingZh string        `json:"timing_zh,omitempty"`
	TimingEn string        `json:"timing_en,omitempty"`
	Plan     string        `json:"plan"`
	Rules    []PlanRuleRow `json:"rules"`
	// Unverified: the document failed a check (named among the
	// problems); it is shown as it reads, for reference.
	Unverified bool `json:"unverified,omitempty"`
}

// PlanRuleRow is one line of the plan's summary table.
type PlanRuleRow struct {
	Zh    string `json:"zh"`
	En    string `json:"en"`
	Value string `json:"value"`
}

// Draw is one draw: its strata, visits (the selected premises) and results.
type Draw struct {
	File          string    `json:"file"`
	Announcement  string    `json:"announcement"`
	DrawnAt       string    `json:"drawn_at"`
	Seed          string    `json:"seed"`
	Key           string    `json:"key"`
	Replayed      bool      `json:"replayed"`
	VoidedBy      string    `json:"voided_by,omitempty"`
	Substitutions int       `json:"substitutions"`
	Strata        []Stratum `json:"strata"`
	// Protocol is the draw's protocol ("doublerandom/v1" or "/v2"); a
	// v2 draw has Tasks instead of Strata.
	Protocol   string    `json:"protocol"`
	Tasks      []TaskRow `json:"tasks,omitempty"`
	Visits     []Visit   `json:"visits"`
	Results    []Outcome `json:"results"`
	Missing    int       `json:"missing"`
	Overdue    bool      `json:"overdue"`
	Unverified bool      `json:"unverified,omitempty"` // as for Announcement
}

// Stratum is one stratum (group) of a draw.
type Stratum struct {
	Values    []string `json:"values"`
	Eligible  int      `json:"eligible"`
	Excluded  int      `json:"excluded"`
	Overdue   int      `json:"overdue,omitempty"` // v2 groups
	Quota     int      `json:"quota"`
	Shortfall int      `json:"shortfall"`
	Threshold string   `json:"threshold"`
	Selected  int      `json:"selected"`
}

// Visit is one selected premises.
type Visit struct {
	ID        string   `json:"id"`
	Name      string   `json:"name"`
	Stratum   []string `json:"stratum"`
	Priority  string   `json:"priority"`
	Mark      string   `json:"mark"`
	MarkZh    string   `json:"mark_zh"`
	TeamSize  int      `json:"team_size"`
	Unstaffed string   `json:"unstaffed,omitempty"`
	Outcome   string   `json:"outcome,omitempty"`
	// Tasks are the tasks a v2 visit serves, each with its mark (Mark
	// and MarkZh then list them all); EligibleInspectors how many could
	// have joined its team.
	Tasks              []VisitTask `json:"tasks,omitempty"`
	EligibleInspectors int         `json:"eligible_inspectors,omitempty"`
}

// Outcome is one published result.
type Outcome struct {
	Doc       string `json:"doc"`
	Premises  string `json:"premises"`
	Name      string `json:"name"`
	Code      string `json:"code"`
	Zh        string `json:"zh"`
	En        string `json:"en"`
	Inspected string `json:"inspected"`
	Published string `json:"published"`
	Late      bool   `json:"late"`
	Note      string `json:"note,omitempty"`
}

// Session holds a verified bundle for self-checks.
type Session struct {
	b         *publish.Bundle
	l         publish.Ledger
	verifiers []note.Verifier
	policy    publish.Policy
	rep       *publish.Report
	res       *Result
	names     map[string]string // premises id → name, over the tables verified
}

// Check opens the site folder in fsys, verifies its bundle with
// [publish.VerifyBundle] (what `cli verify --bundle` runs) and returns
// what the page shows. It never fails: a bundle that cannot be read is a
// failed result saying why.
func Check(fsys fs.FS, opt Options) (*Session, *Result) {
	start := time.Now()
	s := &Session{}
	res := &Result{Status: StatusFailed}
	s.res = res
	progress := func(step string, done, total int64) {
		if opt.Progress != nil {
			opt.Progress(step, done, total)
		}
	}
	fail := func(doc string, zh string, err error) (*Session, *Result) {
		res.Problems = append(res.Problems, Finding{Doc: doc, Zh: zh, En: err.Error()})
		res.Checks = checks(res.Problems, nil)
		res.Millis = time.Since(start).Milliseconds()
		return s, res
	}
	// Keys.
	keys, err := fs.Glob(fsys, KeysDir+"/*.pub")
	if err == nil && len(keys) == 0 {
		err = errors.New("no verifier key (keys/*.pub) in the site")
	}
	if err != nil {
		return fail(KeysDir, "找不到用于核验签名的公钥（keys/*.pub）。", err)
	}
	for _, k := range keys {
		text, err := keyText(fsys, k)
		var v note.Verifier
		if err == nil {
			v, err = publish.NewVerifier(text)
		}
		if err != nil {
			return fail(k, "公钥文件 "+k+" 无法读取或格式不正确。", fmt.Errorf("%s: %w", k, err))
		}
		s.verifiers = append(s.verifiers, v)
		s.policy.Require = append(s.policy.Require, v.Name())
		res.Keys = append(res.Keys, Key{Name: v.Name(), ID: fmt.Sprintf("%s+%08x", v.Name(), v.KeyHash()), Text: text})
	}
	s.policy.AllowUnknown = true
	// Witness keys and the quorum (none: timing rests on the agency's word).
	var witnesses []*publish.CosignatureVerifier
	wkeys, _ := fs.Glob(fsys, WitnessesDir+"/*.pub")
	for _, k := range wkeys {
		text, err := keyText(fsys, k)
		var w *publish.CosignatureVerifier
		if err == nil {
			w, err = publish.NewCosignatureVerifier(text)
		}
		if err != nil {
			return fail(k, "见证人公钥文件 "+k+" 无法读取或格式不正确。", fmt.Errorf("%s: %w", k, err))
		}
		witnesses = append(witnesses, w)
		res.Witnesses = append(res.Witnesses, Key{Name: w.Name(), ID: w.ID().String(), Text: text})
	}
	res.Quorum = 1
	if b, err := fs.ReadFile(fsys, QuorumFile); err == nil {
		q, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || q < 1 || q > len(witnesses) {
			return fail(QuorumFile, fmt.Sprintf("见证人法定数文件 %s 不正确：应为 1 到 %d 之间的整数。", QuorumFile, len(witnesses)),
				fmt.Errorf("%s: %q: want a number from 1 to %d (the witness keys)", QuorumFile, strings.TrimSpace(string(b)), len(witnesses)))
		}
		res.Quorum = q
	}

	// The bundle.
	progress("ledger", 0, 0)
	bfs, err := fs.Sub(fsys, BundleDir)
	if err == nil {
		s.b, err = publish.OpenBundle(bfs)
	}
	if err != nil {
		doc := BundleDir + "/" + publish.BundleIndexFile
		var be *publish.BundleError
		if errors.As(err, &be) && be.File != "" {
			doc = BundleDir + "/" + be.File
		}
		return fail(doc, "公示包无法读取："+err.Error(), err)
	}
	s.l = s.b.Ledger()
	res.Ledger = s.l.Name()
	n, _ := s.l.Len()
	progress("ledger", n, n)
	for _, a := range s.b.Index.Announcements {
		for _, t := range []struct{ name, file string }{{"premises", a.Tables.Premises}, {"inspectors", a.Tables.Inspectors},
			{"conflicts", a.Tables.Conflicts}, {"history", a.Tables.History}} {
			if !slices.ContainsFunc(res.Tables, func(x TableInfo) bool { return x.File == t.file }) {
				res.Tables = append(res.Tables, TableInfo{Name: t.name, File: t.file})
			}
		}
	}

	// The verification: publish.VerifyBundle, exactly as `cli verify --bundle`.
	progress("verify", 0, n)
	rep, err := publish.VerifyBundle(s.b, s.verifiers, publish.Options{Policy: s.policy, Now: opt.Now, Witnesses: witnesses, Quorum: res.Quorum})
	if err != nil {
		return fail(BundleDir+"/ledger", "台账无法读取。", err)
	}
	s.rep = rep
	res.Report = rep.String()
	res.Documents = rep.Documents
	res.Checkpoint = rep.Checkpoint.String()
	res.Signers = rep.Signers
	for _, p := range rep.Problems {
		res.Problems = append(res.Problems, s.finding(p))
	}
	for _, p := range rep.Warnings {
		res.Warnings = append(res.Warnings, s.finding(p))
	}
	s.describe(rep)
	res.Timing = describeTiming(rep.Timing)
	s.annotateTiming()
	res.Checks = checks(res.Problems, rep)
	for _, d := range res.Draws {
		for i := range res.Checks {
			if res.Checks[i].Code == "replay" && !d.Replayed {
				res.Checks[i].OK = false // a draw shown but not replayed (it did not verify)
			}
		}
	}
	if rep.OK() {
		res.Status = StatusVerified
	}
	progress("done", n, n)
	res.Millis = time.Since(start).Milliseconds()
	return s, res
}

// keyText reads a key file: one line holding the key.
func keyText(fsys fs.FS, name string) (string, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return "", err
	}
	text := strings.TrimSpace(string(b))
	if strings.ContainsAny(text, "\r\n\t ") {
		return "", errors.New("want exactly one line holding the key")
	}
	return text, nil
}

// Result returns the result of the verification.
func (s *Session) Result() *Result { return s.res }

// loadNames collects the names of the premises the verification
// read, from the tables it checked against the announced roots.
func (s *Session) loadNames(rep *publish.Report) {
	s.names = map[string]string{}
	for _, set := range rep.Tables {
		if set == nil || set.Premises == nil {
			continue
		}
		for _, r := range set.Premises.Rows() {
			if n := r.Get("name"); n != "" {
				s.names[r.ID] = n
			}
		}
	}
}

// premisesOf returns the premises table an announcement was verified
// with, nil when it had none.
func (s *Session) premisesOf(ann *publish.RecordDoc) *roster.Table {
	if set := s.rep.Tables[ann.Digest]; set != nil {
		return set.Premises
	}
	return nil
}

// describe fills the announcements and draws from the ledger's documents
// (parsed one by one, so that a ledger that fails still shows what it
// holds) and the report.
func (s *Session) describe(rep *publish.Report) {
	res := s.res
	s.loadNames(rep)
	n, _ := s.l.Len()
	fateOf := map[string]*publish.FateReport{}
	for i := range rep.Fates {
		fateOf[rep.Fates[i].Announcement] = &rep.Fates[i]
	}
	byFile := map[string]*publish.DrawReport{}
	for i := range rep.Draws {
		byFile[rep.Draws[i].Doc] = &rep.Draws[i]
	}
	annFile := map[publish.Digest]string{}
	annPlanV2 := map[publish.Digest]*random.PlanV2{}
	var results []*publish.ResultsBody
	var resultFiles []string
	parsed := map[int64]*publish.RecordDoc{}
	if rep.Record != nil {
		for _, e := range rep.Record.Docs {
			parsed[e.Seq] = e
		}
	}
	for seq := int64(1); seq <= n; seq++ {
		// The documents Verify parsed, and the others (which failed) parsed
		// here as far as they go.
		e := parsed[seq]
		var body any
		var digest publish.Digest
		var file string
		if e != nil {
			file, digest = e.File, e.Digest
			switch {
			case e.Announcement != nil:
				body = e.Announcement
			case e.Draw != nil:
				body = e.Draw
			case e.Amendment != nil:
				body = e.Amendment
			case e.Results != nil:
				body = e.Results
			}
		} else {
			b, err := s.l.Read(seq)
			if err != nil {
				continue
			}
			doc, err := publish.ParseSigned(b)
			if err != nil {
				continue
			}
			if body, err = publish.ParseBody(doc); err != nil {
				continue
			}
			file, digest = publish.DocFileName(seq, doc.Kind), publish.DigestOf(b)
		}
		switch x := body.(type) {
		case *publish.AnnouncementBody:
			a := Announcement{File: file, Published: localTime(x.Published.Time), PlanID: x.PlanID, Plan: x.Plan, Unverified: e == nil}
			p := (*random.Plan)(nil)
			if e != nil {
				p = e.Plan()
			}
			var p2 *random.PlanV2
			if e != nil {
				p2 = e.PlanV2()
			}
			if p == nil && p2 == nil {
				p, p2 = parsePlanAny(x.Plan)
			}
			switch {
			case p != nil:
				a.PlanName, a.PlanDate = p.Name, p.Date.String()
				a.Rules = planRules(p)
			case p2 != nil:
				a.PlanName, a.PlanDate = p2.Name, p2.Date.String()
				a.Rules = planRulesV2(p2)
			}
			annFile[digest], annPlanV2[digest] = file, p2
			for _, sp := range x.Seed {
				a.Seed = append(a.Seed, describeSeed(sp))
			}
			if f := fateOf[file]; f != nil {
				a.Fate, a.FateZh, a.FateEn = string(f.Fate), fateZh(f), f.Line
				a.ReRoll, a.By, a.Reason, a.Draw = f.ReRoll || f.ReRollUnknown, f.By, f.Reason, f.Draw
			} else {
				a.Fate, a.FateZh, a.FateEn = "unknown", "未通过核验，结果不明", "did not verify: fate unknown"
			}
			res.Announcements = append(res.Announcements, a)
		case *publish.DrawBody:
			d := Draw{File: file, Announcement: annFile[x.Announcement], DrawnAt: localTime(x.DrawnAt.Time), Seed: fmt.Sprintf("%x", []byte(x.Seed)), Unverified: e == nil}
			if x.View != nil {
				d.Protocol = x.View.Protocol
				d.Key = x.View.Key.String()
				d.Strata, d.Visits = s.viewTables(x.View)
			}
			if x.ViewV2 != nil { // protocol v2: tasks, visits with marks (v2.go)
				d.Protocol = x.ViewV2.Protocol
				d.Key = x.ViewV2.Key.String()
				d.Tasks, d.Visits = s.viewTablesV2(x.ViewV2, annPlanV2[x.Announcement])
			}
			if r := byFile[file]; r != nil {
				d.Replayed, d.VoidedBy, d.Substitutions = r.Replayed, r.VoidedBy, r.Substitutions
				d.Missing, d.Overdue = len(r.Missing), r.Overdue
			}
			res.Draws = append(res.Draws, d)
		case *publish.ResultsBody:
			results = append(results, x)
			resultFiles = append(resultFiles, file)
		}
	}
	// Results, attached to their draws.
	late := map[string]bool{}
	for _, d := range rep.Draws {
		for _, l := range d.Late {
			late[l.Doc+" "+l.Premises] = true
		}
	}
	for i, x := range results {
		for j := range res.Draws {
			d := &res.Draws[j]
			if d.File != drawFileOf(rep, x.Draw) {
				continue
			}
			for _, e := range x.Results {
				d.Results = append(d.Results, Outcome{Doc: resultFiles[i], Premises: e.Premises, Name: s.premisesName(e.Premises),
					Code: e.Outcome, Zh: e.Zh, En: e.En, Inspected: e.Inspected.String(),
					Published: publish.LocalDate(x.Published.Time).String(), Late: late[resultFiles[i]+" "+e.Premises], Note: e.Note})
				for k := range d.Visits {
					if d.Visits[k].ID == e.Premises {
						d.Visits[k].Outcome = e.Zh
					}
				}
			}
		}
	}
}

func drawFileOf(rep *publish.Report, d publish.Digest) string {
	for _, x := range rep.Draws {
		if x.Digest == d {
			return x.Doc
		}
	}
	return ""
}

func (s *Session) premisesName(id string) string { return s.names[id] }

// viewTables turns a draw view into the strata and visits tables.
func (s *Session) viewTables(v *random.View) ([]Stratum, []Visit) {
	var strata []Stratum
	count := map[string]int{}
	for _, sel := range v.Selected {
		if sel.Mark != random.MarkTargeted {
			count[strings.Join(sel.Stratum, "\x00")]++
		}
	}
	for _, st := range v.Strata {
		x := Stratum{Values: st.Values, Eligible: st.Eligible, Excluded: st.Excluded, Quota: st.Quota, Threshold: "—",
			Selected: count[strings.Join(st.Values, "\x00")]}
		if st.Threshold != nil {
			x.Threshold = st.Threshold.String()
		}
		x.Shortfall = max(0, x.Quota-x.Selected)
		strata = append(strata, x)
	}
	var visits []Visit
	for _, sel := range v.Selected {
		visits = append(visits, Visit{ID: sel.ID, Name: s.premisesName(sel.ID), Stratum: sel.Stratum, Priority: sel.Priority.String(),
			Mark: sel.Mark.String(), MarkZh: markZh(sel.Mark), TeamSize: len(sel.Team), Unstaffed: sel.Unstaffed})
	}
	return strata, visits
}

func markZh(m random.Mark) string {
	switch m {
	case random.MarkOverdue:
		return "逾期未检，优先抽取"
	case random.MarkRandom:
		return "随机抽取"
	case random.MarkTargeted:
		return "定向检查"
	}
	return m.String()
}

func planRules(p *random.Plan) []PlanRuleRow {
	rows := []PlanRuleRow{
		{"计划编号", "plan id", p.ID},
		{"计划名称", "name", p.Name},
		{"基准日期", "reference date", p.Date.String()},
		{"分层属性", "stratified by", strings.Join(p.Stratify, ", ")},
	}
	for _, sc := range p.Scope {
		rows = append(rows, PlanRuleRow{"抽查范围", "scope", sc.Attr + " ∈ {" + strings.Join(sc.Values, ", ") + "}"})
	}
	for _, q := range p.Quotas {
		rows = append(rows, PlanRuleRow{"抽查比例", "quota", fmt.Sprintf("%s: %s, min %d, max %d", describeMatch(q.Match), q.Ratio, q.Min, q.Max)})
	}
	if p.Cooldown.On() {
		rows = append(rows, PlanRuleRow{"冷却期", "cooldown", fmt.Sprintf("%d 天内已检查 %d 次及以上者不抽 (inspected %d+ times within %d days: excluded)", p.Cooldown.Days, p.Cooldown.Max, p.Cooldown.Max, p.Cooldown.Days)})
	}
	if p.CoverageDays > 0 {
		rows = append(rows, PlanRuleRow{"逾期优先", "coverage", fmt.Sprintf("%d 天内未检查者优先 (not inspected within %d days: first)", p.CoverageDays, p.CoverageDays)})
	}
	for _, t := range p.Targeted {
		rows = append(rows, PlanRuleRow{"定向检查", "targeted", t.ID})
	}
	for _, t := range p.Teams {
		rows = append(rows, PlanRuleRow{"检查组", "team", fmt.Sprintf("%s: %d 人 (members)", describeMatch(t.Match), t.Size)})
	}
	return slices.DeleteFunc(rows, func(r PlanRuleRow) bool { return r.Value == "" })
}

func describeMatch(m random.Match) string {
	if len(m) == 0 {
		return "*"
	}
	var parts []string
	for _, c := range m {
		parts = append(parts, c.Attr+"="+c.Value)
	}
	return strings.Join(parts, " ")
}

func describeSeed(sp random.SeedPromise) string {
	switch {
	case sp.Ceremony != nil:
		return fmt.Sprintf("掷骰仪式 dice ceremony: %s, %s", sp.Ceremony.When, sp.Ceremony.Where)
	case sp.Chain != nil:
		return fmt.Sprintf("公共随机信标 beacon: round %d", sp.Round)
	case len(sp.Commitments) > 0:
		var names []string
		for _, c := range sp.Commitments {
			names = append(names, c.Name)
		}
		return "承诺-揭示 commit-reveal: " + strings.Join(names, ", ")
	}
	return string(sp.Kind)
}

// localTime shows a time in China Standard Time.
func localTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(publish.Zone).Format("2006-01-02 15:04 (UTC+8)")
}
