package publish

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// evilName is appended to every premises name: markup a notice must
// escape, never run.
const evilName = `<script>alert("x")</script> & 'Co' <img src=https://evil.example/x.png>`

// noticeFixture runs a whole life on county 7 whose premises names carry
// evilName: a draw voided by a redraw, the new draw (its ceremony time
// written without an offset), a substitution, and results of field set 2.
type noticeFixture struct {
	*fixture
	pub    string // the agency's verifier key text
	voided Digest
}

func newNoticeFixture(t *testing.T) *noticeFixture {
	t.Helper()
	tables := t.TempDir()
	for _, name := range []string{"plan.json", "premises.csv", "inspectors.csv", "conflicts.csv", "history.csv"} {
		b, err := os.ReadFile(filepath.Join(county7, name))
		require.NoError(t, err)
		if name == "premises.csv" {
			recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
			require.NoError(t, err)
			for i := 1; i < len(recs); i++ {
				recs[i][1] += evilName
			}
			var buf bytes.Buffer
			require.NoError(t, csv.NewWriter(&buf).WriteAll(recs))
			b = buf.Bytes()
		}
		require.NoError(t, os.WriteFile(filepath.Join(tables, name), b, 0o644))
	}
	f := &noticeFixture{fixture: newFixtureOf(t, tables)}
	l, plan, set := f.l, f.plan, f.set
	f.pub = testVerifierKey(t, agencyName)
	f.announce(t)
	f.drawDice(t)
	f.voided = f.draw
	_, err := Redraw(l, f.signers, f.draw, "掷骰时有一枚骰子落地未读清，依规定重新抽取", tDraw.Add(time.Hour))
	require.NoError(t, err)
	again := random.Ceremony{When: "2026-11-23 15:00", Where: "县卫生健康局三楼会议室"}
	f.ann, err = Announce(l, f.signers, plan, set, []random.SeedPromise{random.DiceSource{Ceremony: again}.Promise()}, tDraw.Add(2*time.Hour))
	require.NoError(t, err)
	ev, err := random.DiceSource{Ceremony: again, Digits: "6152 3341 2266 5143 1625"}.Evidence()
	require.NoError(t, err)
	f.res, f.draw, err = PublishDraw(context.Background(), l, f.signers, f.ann, set, []random.SeedEvidence{ev}, time.Date(2026, 11, 23, 7, 5, 0, 0, time.UTC))
	require.NoError(t, err)
	s := f.staffed(t)
	reps, _, err := Substitute(context.Background(), l, f.signers, f.draw, set,
		[]random.Substitution{{Premises: s.ID, Out: s.Team[0].ID, Reason: "与检查对象负责人系亲属，回避", Conflict: true}}, tAmend.Add(6*time.Hour))
	require.NoError(t, err)
	var other random.Selection
	for _, x := range f.res.Selected {
		if x.ID != s.ID {
			other = x
			break
		}
	}
	_, err = PublishResults(l, f.signers, f.draw, nil, []ResultEntry{
		{Premises: s.ID, Outcome: OutcomePending, More: []OutcomeText{{Code: OutcomeViolatesOtherDept}},
			Inspected: roster.MustParseDate("2026-11-25"), Inspectors: reps[0].Team, Note: "已移交县应急管理局",
			FollowUp: FollowUpOpen, Authority: "某县卫生健康局", InspectionType: InspectionRandom},
		{Premises: other.ID, Outcome: OutcomeNoIssue, Inspected: roster.MustParseDate("2026-11-26"), Inspectors: []string{"WJ3717270021"}},
	}, tResults)
	require.NoError(t, err)
	rep, err := Verify(l, set, f.vs, Options{})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	return f
}

// testVerifierKey returns the verifier key text of testKey(name).
func testVerifierKey(t *testing.T, name string) string {
	seed := sha256.Sum256([]byte(name))
	_, vkey, err := GenerateKey(bytes.NewReader(seed[:]), name)
	require.NoError(t, err)
	return vkey
}

const labelsCSV = "# 县区划与类别\nkind,code,label\nregion,371727001,城关镇\nregion,371727002,东关街道\ncategory,public_place,公共场所\ncategory,drinking_water,生活饮用水\ncategory,school,学校卫生\ncategory,medical,医疗卫生\ncategory,radiation,放射卫生\n"

func (f *noticeFixture) options(t *testing.T, format NoticeFormat) NoticeOptions {
	labels, err := ParseLabels("labels.csv", []byte(labelsCSV))
	require.NoError(t, err)
	return NoticeOptions{Format: format, Authority: "某县卫生健康局", BundleURL: "https://example.gov.cn/sjsj/2026q4/bundle.zip",
		VerifierKeys: []string{f.pub}, Labels: labels}
}

// personal returns the inspectors' ids and names: what a public notice
// must not hold.
func (f *noticeFixture) personal() []string {
	var out []string
	for _, r := range f.set.Inspectors.Rows() {
		out = append(out, r.ID, r.Get("name"))
	}
	return out
}

func TestNoticeHTML(t *testing.T) {
	f := newNoticeFixture(t)
	var buf bytes.Buffer
	require.NoError(t, WriteNotice(&buf, f.l, f.set, f.options(t, NoticeHTML)))
	page := buf.String()

	// Well-formed: parse it as XML, strictly, and walk every element.
	require.True(t, strings.HasPrefix(page, "<!DOCTYPE html>\n<html lang=\"zh-CN\">"))
	dec := xml.NewDecoder(strings.NewReader(page))
	dec.Strict = true
	var text strings.Builder
	var stack []string
	seen := map[string]int{}
	var hrefs []string
	charset := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		switch x := tok.(type) {
		case xml.StartElement:
			stack = append(stack, x.Name.Local)
			seen[x.Name.Local]++
			for _, a := range x.Attr {
				switch a.Name.Local {
				case "src", "srcset", "poster", "data", "background", "action", "formaction":
					t.Errorf("element %s has %s=%q: the page must load nothing", x.Name.Local, a.Name.Local, a.Value)
				case "href":
					hrefs = append(hrefs, a.Value)
				case "charset":
					charset = a.Value == "utf-8"
				case "lang":
					require.Equal(t, "html", x.Name.Local)
					require.Equal(t, "zh-CN", a.Value)
				}
				require.False(t, strings.HasPrefix(strings.ToLower(a.Name.Local), "on"), "no event handler attributes: %s", a.Name.Local)
			}
		case xml.EndElement:
			require.Equal(t, stack[len(stack)-1], x.Name.Local)
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 && stack[len(stack)-1] != "style" {
				text.Write(x)
			}
		}
	}
	require.Empty(t, stack)
	require.True(t, charset, "<meta charset=\"utf-8\"/>")
	require.Equal(t, 1, seen["html"])
	for _, el := range []string{"script", "img", "link", "iframe", "object", "embed", "video", "audio", "source", "form", "input"} {
		require.Zero(t, seen[el], "no <%s>", el)
	}
	require.Equal(t, []string{"https://example.gov.cn/sjsj/2026q4/bundle.zip"}, hrefs, "the only link is the bundle's")
	require.Regexp(t, regexp.MustCompile(`@media print`), page)
	require.NotRegexp(t, regexp.MustCompile(`(?i)url\(|@import`), page, "the style sheet loads nothing")

	// Escaped: the names' markup is text, not markup.
	body := text.String()
	require.Contains(t, body, evilName)
	require.NotContains(t, page, "<script>")
	require.NotContains(t, page, "<img")

	for _, want := range []string{
		"某县卫生健康局双随机抽查结果公示", "发布机关：某县卫生健康局", "2026年第四季度卫生健康双随机抽查", "（编号 test-7）",
		"城关镇", "公共场所", // labels
		"公开掷骰：2026-11-23T15:00:00+08:00，县卫生健康局三楼会议室；骰子读数 61523341226651431625",
		"发现问题待后续处理；违反其他部门相关规定", "已移交县应急管理局", "双随机抽查", "未完结", "未发现问题", "待公示",
		"与检查对象负责人系亲属，回避（利益冲突回避）",
		"掷骰时有一枚骰子落地未读清，依规定重新抽取", "000002-draw.note", "见公告 000004-announcement.note",
		"如何核验", "https://example.gov.cn/sjsj/2026q4/bundle.zip", f.pub,
		"go run ./examples/cli verify --bundle BUNDLE --pub key1.pub",
		f.draw.String(),
	} {
		require.Contains(t, body, want)
	}
	for _, p := range f.personal() {
		require.NotContains(t, page, p, "the public notice holds no inspector's id or name")
	}

	// The private copy names them, and says it is not for publication.
	opt := f.options(t, NoticeHTML)
	opt.Private = true
	buf.Reset()
	require.NoError(t, WriteNotice(&buf, f.l, f.set, opt))
	require.Contains(t, buf.String(), "不得公开")
	s := f.staffed(t)
	require.Contains(t, buf.String(), s.Team[0].ID)

	// An unsafe bundle address is neutralised by the template.
	opt = f.options(t, NoticeHTML)
	opt.BundleURL = "javascript:alert(1)"
	buf.Reset()
	require.NoError(t, WriteNotice(&buf, f.l, f.set, opt))
	require.NotContains(t, buf.String(), `href="javascript:`)
}

func TestNoticeXLSX(t *testing.T) {
	f := newNoticeFixture(t)
	var buf bytes.Buffer
	require.NoError(t, WriteNotice(&buf, f.l, f.set, f.options(t, NoticeXLSX)))
	x, err := excelize.OpenReader(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	defer x.Close()
	require.Equal(t, []string{SheetNoticeList, SheetNoticeDraws, SheetNoticeSubs, SheetNoticeVoided, SheetNoticeVerify}, x.GetSheetList())
	var all strings.Builder
	cells := map[string][][]string{}
	for _, sh := range x.GetSheetList() {
		rows, err := x.GetRows(sh)
		require.NoError(t, err)
		cells[sh] = rows
		for _, r := range rows {
			all.WriteString(strings.Join(r, "\t") + "\n")
		}
	}
	list := cells[SheetNoticeList]
	require.Equal(t, "某县卫生健康局双随机抽查结果公示", list[0][0])
	// The table after the lines above it and a blank row.
	hi := 0
	for i, r := range list {
		if len(r) > 0 && r[0] == "序号" {
			hi = i
		}
	}
	require.Equal(t, NoticeHeader(false), list[hi])
	require.Len(t, list[hi+1:], len(f.res.Selected))
	require.Contains(t, list[hi+1][2], evilName)
	n, err := BuildNotice(f.l, f.set, f.options(t, NoticeXLSX))
	require.NoError(t, err)
	for i, row := range n.Rows {
		got := list[hi+1+i]
		require.Equal(t, row[:len(got)], got, "row %d as in the CSV (trailing empty cells dropped)", i)
	}
	for _, want := range []string{"发现问题待后续处理；违反其他部门相关规定", "与检查对象负责人系亲属，回避", "掷骰时有一枚骰子落地未读清，依规定重新抽取",
		f.pub, "https://example.gov.cn/sjsj/2026q4/bundle.zip", "城关镇 · 公共场所"} {
		require.Contains(t, all.String(), want)
	}
	for _, p := range f.personal() {
		require.NotContains(t, all.String(), p, "the public notice holds no inspector's id or name")
	}
}

func TestNoticeCSVFormats(t *testing.T) {
	f := newNoticeFixture(t)
	var def, csv1 bytes.Buffer
	opt := f.options(t, "")
	require.NoError(t, WriteNotice(&def, f.l, f.set, opt))
	opt.Format = NoticeCSV
	require.NoError(t, WriteNotice(&csv1, f.l, f.set, opt))
	require.Equal(t, def.String(), csv1.String())
	r := csv.NewReader(strings.NewReader(strings.TrimPrefix(def.String(), "\uFEFF")))
	recs, err := r.ReadAll()
	require.NoError(t, err)
	require.Equal(t, NoticeHeader(false), recs[0])
	require.Len(t, recs, 1+len(f.res.Selected))
	joined := def.String()
	require.Contains(t, joined, "发现问题待后续处理；违反其他部门相关规定,2026-11-25,2026-12-01,已移交县应急管理局,双随机抽查,某县卫生健康局,未完结")
	require.Contains(t, joined, ",城关镇,") // a region label
	for _, p := range f.personal() {
		require.NotContains(t, joined, p)
	}
	opt.Format = "pdf"
	require.ErrorContains(t, WriteNotice(io.Discard, f.l, f.set, opt), `notice format "pdf"`)
	for s, want := range map[string]NoticeFormat{"": NoticeCSV, "HTML": NoticeHTML, "xlsx": NoticeXLSX} {
		got, err := ParseNoticeFormat(s)
		require.NoError(t, err)
		require.Equal(t, want, got)
	}
	// Only the voided draw's record is listed as voided, never drawn twice.
	n, err := BuildNotice(f.l, f.set, opt)
	require.NoError(t, err)
	require.Len(t, n.Draws, 1)
	require.Len(t, n.Voided, 1)
	require.Equal(t, f.voided, n.Voided[0].Draw)
	require.Empty(t, n.Withdrawn)
	require.Equal(t, "000007-results.note", n.AsOf)
}

func TestLabels(t *testing.T) {
	l, err := ParseLabels("labels.csv", []byte("\ufeff"+labelsCSV+"task,water,\"生活饮用水, 二次供水\"\n"))
	require.NoError(t, err)
	require.Equal(t, "城关镇", l.Name("region", "371727001"))
	require.Equal(t, "371727009", l.Name("region", "371727009"))
	require.Equal(t, "生活饮用水, 二次供水", l.Name("task", "water"))
	var none *Labels
	require.Equal(t, "x", none.Name("region", "x"))
	zh, err := ParseLabels("l.csv", []byte("类型,代码,名称\nregion,1,甲\n"))
	require.NoError(t, err)
	require.Equal(t, "甲", zh.Name("region", "1"))

	for data, want := range map[string]string{
		"code,label\n":                   `l.csv: line 1: header "code,label": want "kind,code,label"`,
		"":                               "no header",
		"kind,code,label\nRegion,1,甲\n":  `l.csv: line 2: kind "Region" (column A)`,
		"kind,code,label\nregion, 1,甲\n": `line 2: code " 1" (column B)`,
		"kind,code,label\nregion,1,\n":   `line 2: label "" (column C)`,
		"kind,code,label\nregion,1,甲\nregion,1,乙\n": `line 3: code "1" (column B): region 1 labelled twice (also line 2)`,
		"kind,code,label\nregion,1\n":               `line 2: line "region,1": want 3 cells`,
		"kind,code,label\nregion,1,\"甲\n":           "l.csv: line 2",
	} {
		_, err := ParseLabels("l.csv", []byte(data))
		require.ErrorContains(t, err, want, "%q", data)
	}
}

// TestNoticeRefusesSignerKey: a signer key given where the verifier key
// goes is refused, never printed into a public notice.
func TestNoticeRefusesSignerKey(t *testing.T) {
	f := full(t)
	seed := sha256.Sum256([]byte(agencyName))
	skey, _, err := GenerateKey(bytes.NewReader(seed[:]), agencyName)
	require.NoError(t, err)
	var buf bytes.Buffer
	err = WriteNotice(&buf, f.l, f.set, NoticeOptions{Format: NoticeHTML, VerifierKeys: []string{skey}})
	require.ErrorContains(t, err, "not a verifier key")
	require.NotContains(t, err.Error(), skey)
	require.Zero(t, buf.Len())
}
