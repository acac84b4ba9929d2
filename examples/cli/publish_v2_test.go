package main

import (
	"github.com/doublerandom/doublerandom/examples/internal/samplecounty"
	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

const diceV2 = "20237331128159211123"

// ledgerV2 sets up an agency key and a ledger for a v2 folder; with
// zero, the blinding key beside the signer key is the all-zero key of
// the vectors (so that the views are the expected ones).
type ledgerV2 struct {
	tmp, dir, ledger, prefix string
	keys                     []string
}

func newLedgerV2(t *testing.T, dir string, zero bool) *ledgerV2 {
	tmp := t.TempDir()
	x := &ledgerV2{tmp: tmp, dir: dir, ledger: filepath.Join(tmp, "ledger"), prefix: filepath.Join(tmp, "agency")}
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", x.prefix)
	if zero {
		require.NoError(t, os.WriteFile(x.prefix+".blind", []byte(strings.Repeat("00", 32)+"\n"), 0o600))
	}
	x.keys = []string{"--key", x.prefix + ".key"}
	return x
}

func (x *ledgerV2) run(t *testing.T, args ...string) string {
	t.Helper()
	return mustCLI(t, append(args, x.keys...)...)
}

func (x *ledgerV2) announceAndDraw(t *testing.T, view string) {
	t.Helper()
	out := x.run(t, "announce", "--accept-problems", "--dir", x.dir, "--ledger", x.ledger,
		"--dice-ceremony", "2026-03-03T09:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-03-02T10:00:00+08:00")
	require.Contains(t, out, "announced 000001-announcement.note ")
	args := []string{"draw", "--dir", x.dir, "--ledger", x.ledger, "--seed-dice", diceV2, "--at", "2026-03-03T09:35:00+08:00"}
	if view != "" {
		args = append(args, "--view", view)
	}
	out = x.run(t, args...)
	require.Contains(t, out, "published 000002-draw.note ")
}

func (x *ledgerV2) verify(t *testing.T, extra ...string) (int, string, string) {
	t.Helper()
	return cli(t, append([]string{"verify", "--ledger", x.ledger, "--dir", x.dir, "--pub", x.prefix + ".pub",
		"--blinding-key", x.prefix + ".blind", "--at", "2026-03-20T10:00:00+08:00"}, extra...)...)
}

// Every v2 vector county goes announce -> draw -> verify through the
// CLI, and the published view is the expected one byte for byte.
func TestPublishV2Counties(t *testing.T) {
	for _, county := range []string{"dr2-county-a", "dr2-county-b", "dr2-county-c", "dr2-county-d"} {
		t.Run(county, func(t *testing.T) {
			x := newLedgerV2(t, v2Dir(county), true)
			view := filepath.Join(x.tmp, "view.json")
			x.announceAndDraw(t, view)
			want, err := os.ReadFile(filepath.Join(x.dir, "expected-view.json"))
			require.NoError(t, err)
			got, err := os.ReadFile(view)
			require.NoError(t, err)
			require.Equal(t, string(want), string(got))
			code, out, errs := x.verify(t)
			require.Equal(t, 0, code, "%s\n%s", out, errs)
			require.Contains(t, out, "replayed: identical")
			require.Contains(t, out, "verified: OK")
		})
	}
}

// forgeDrawV2 plays the dishonest operator with the real key: it
// announces into a second ledger exactly as x did, then appends x's draw
// with its body changed by edit, signed with the agency's key.
func forgeDrawV2(t *testing.T, x *ledgerV2, edit func(string) string) *ledgerV2 {
	t.Helper()
	return forgeDrawV2With(t, x, edit, publish.ValidateRecord)
}

// forgeDrawV2With is forgeDrawV2 appending under validate (nil: none, as
// an operator writing the folder by hand).
func forgeDrawV2With(t *testing.T, x *ledgerV2, edit func(string) string, validate publish.Validator) *ledgerV2 {
	t.Helper()
	y := &ledgerV2{tmp: x.tmp, dir: x.dir, ledger: filepath.Join(t.TempDir(), "ledger"), prefix: x.prefix, keys: x.keys}
	y.run(t, "announce", "--accept-problems", "--dir", y.dir, "--ledger", y.ledger,
		"--dice-ceremony", "2026-03-03T09:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-03-02T10:00:00+08:00")
	b, err := os.ReadFile(filepath.Join(x.ledger, "000002-draw.note"))
	require.NoError(t, err)
	doc, err := publish.ParseSigned(b)
	require.NoError(t, err)
	body := edit(string(doc.Body))
	require.NotEqual(t, string(doc.Body), body, "the edit changed nothing")
	doc.Body = []byte(body)
	signer, err := publish.LoadSigner(x.prefix + ".key")
	require.NoError(t, err)
	signed, err := publish.SignDocument(doc, signer)
	require.NoError(t, err)
	l, err := publish.OpenDir(y.ledger, publish.DirOptions{Signer: signer, Validate: validate})
	require.NoError(t, err)
	defer l.Close()
	_, err = l.Append(signed)
	require.NoError(t, err, "the forged team passes the record rules: only the replay catches it")
	return y
}

// A v2 draw whose team was changed after the fact, signed with the real
// key, fails verification (exit 1) naming the document and the field; a
// third party without the key who changes a byte fails the signature.
func TestPublishV2TamperedDraw(t *testing.T) {
	x := newLedgerV2(t, v2Dir("dr2-county-c"), true)
	x.announceAndDraw(t, "")
	// 清溪镇供水站's slot-0 member 002 replaced by 004 (wsjd, drinking_water:
	// a plausible choice that the draw did not make).
	y := forgeDrawV2(t, x, func(body string) string {
		i := strings.Index(body, `"id": "12451099498231630C"`)
		require.Positive(t, i)
		j := i + strings.Index(body[i:], `"WJ4510990002"`)
		return body[:j] + `"WJ4510990004"` + body[j+len(`"WJ4510990002"`):]
	})
	code, out, errs := y.verify(t)
	require.Equal(t, 1, code, "%s\n%s", out, errs)
	require.Contains(t, out, "000002-draw.note")
	require.Contains(t, out, "view.visits[")
	require.Contains(t, out, "].team")
	require.Contains(t, out, "verified: FAILED")

	// A changed threshold is named too.
	z := forgeDrawV2(t, x, func(body string) string {
		return strings.Replace(body, `"threshold": "114f052c68e9c77e"`, `"threshold": "114f052c68e9c77f"`, 1)
	})
	code, out, _ = z.verify(t)
	require.Equal(t, 1, code)
	require.Contains(t, out, ".threshold")

	// Third party: one byte of the draw changed, no key to re-sign.
	f := filepath.Join(x.ledger, "000002-draw.note")
	b, err := os.ReadFile(f)
	require.NoError(t, err)
	b = []byte(strings.Replace(string(b), `"eligible_inspectors": 14`, `"eligible_inspectors": 13`, 1))
	require.NoError(t, os.WriteFile(f, b, 0o644))
	code, out, errs = x.verify(t)
	require.Equal(t, 1, code, "%s\n%s", out, errs)
}

// announce -> draw -> amend (a chain ending unstaffed) -> results ->
// verify OK, on county c.
func TestPublishV2AmendResults(t *testing.T) {
	x := newLedgerV2(t, v2Dir("dr2-county-c"), true)
	x.announceAndDraw(t, "")
	out := x.run(t, "amend", "--ledger", x.ledger, "--dir", x.dir, "--premises", "12451099498231630C",
		"--out", "WJ4510990002", "--reason", "病假", "--at", "2026-03-04T09:00:00+08:00")
	require.Contains(t, out, "WJ4510990002 out, WJ4510990004 in; team WJ4510990004 WJ4510990008 WJ4510990009")
	out = x.run(t, "amend", "--ledger", x.ledger, "--dir", x.dir, "--premises", "12451099498231630C",
		"--out", "WJ4510990004", "--reason", "与该单位负责人系亲属", "--conflict", "--at", "2026-03-04T10:00:00+08:00")
	require.Contains(t, out, "the visit is now unstaffed")
	code, _, errs := cli(t, append([]string{"amend", "--ledger", x.ledger, "--dir", x.dir, "--premises", "12451099498231630C",
		"--out", "WJ4510990008", "--reason", "x", "--at", "2026-03-04T11:00:00+08:00"}, x.keys...)...)
	require.Equal(t, 2, code)
	require.Contains(t, errs, "no team")

	results := filepath.Join(x.tmp, "results.csv")
	require.NoError(t, os.WriteFile(results, []byte("premises,outcome,date,inspectors\n"+
		"12451099498203250Y,no_issue,2026-03-05,WJ4510990004;WJ4510990012;WJ4510990011;WJ4510990002\n"), 0o644))
	out = x.run(t, "results", "--ledger", x.ledger, "--file", results, "--at", "2026-03-06T10:00:00+08:00")
	require.Contains(t, out, "published 000005-results.note")
	code, out, errs = x.verify(t)
	require.Equal(t, 0, code, "%s\n%s", out, errs)
	require.Contains(t, out, "2 substitutions, 1 outcomes")

	// The operator's amendment claiming a replacement the rules did not
	// give fails the replay.
	signer, err := publish.LoadSigner(x.prefix + ".key")
	require.NoError(t, err)
	l, err := publish.OpenDir(x.ledger, publish.DirOptions{Signer: signer, Validate: publish.ValidateRecord})
	require.NoError(t, err)
	rec, err := publish.ReadRecord(l)
	require.NoError(t, err)
	draw := rec.LiveDraws()[0].Digest
	last := rec.Docs[len(rec.Docs)-1]
	body := `{
 "kind": "substitution",
 "published": "2026-03-07T02:00:00Z",
 "draw": "` + draw.String() + `",
 "substitutions": [
  {
   "premises": "12451099498203250Y",
   "out": "WJ4510990002",
   "in": "WJ4510990006",
   "team": [
    "WJ4510990004",
    "WJ4510990012",
    "WJ4510990011",
    "WJ4510990006"
   ],
   "reason": "病假",
   "conflict": false
  }
 ]
}
`
	signed, err := publish.SignDocument(&publish.Document{Kind: publish.KindAmendment, Ledger: rec.Name, Seq: int64(len(rec.Docs)) + 1, Prev: last.Digest, Body: []byte(body)}, signer)
	require.NoError(t, err)
	_, err = l.Append(signed)
	require.NoError(t, err)
	l.Close()
	code, out, _ = x.verify(t)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "000006-amendment.note")
	require.Contains(t, out, "substitutions[0].in")
}

// The history written after a first batch, fed to the second batch's
// folder, makes the premises visited in the first cool in the second:
// none of them is drawn again at random (targeted entries excepted).
func TestHistoryChainsBatches(t *testing.T) {
	x := newLedgerV2(t, v2Dir("dr2-county-c"), true)
	first := filepath.Join(x.tmp, "first.json")
	x.announceAndDraw(t, first)
	results := filepath.Join(x.tmp, "results.csv")
	require.NoError(t, os.WriteFile(results, []byte("premises,outcome,date,inspectors\n"+
		"12451099498203250Y,no_issue,2026-03-05,WJ4510990004;WJ4510990012;WJ4510990011;WJ4510990002\n"), 0o644))
	x.run(t, "results", "--ledger", x.ledger, "--file", results, "--at", "2026-03-06T10:00:00+08:00")

	next := filepath.Join(x.tmp, "next")
	copyDir(t, x.dir, next)
	require.NoError(t, os.Remove(filepath.Join(next, "history.csv")))
	require.NoError(t, os.Remove(filepath.Join(next, "expected-view.json")))
	out := mustCLI(t, "history", "--ledger", x.ledger, "--base", filepath.Join(x.dir, "history.csv"),
		"--pub", x.prefix+".pub", "--out", filepath.Join(next, "history.csv"))
	require.Contains(t, out, "with results")
	hist, err := os.ReadFile(filepath.Join(next, "history.csv"))
	require.NoError(t, err)
	require.Contains(t, string(hist), "-12451099498203250Y,2026-03-05,WJ4510990002;WJ4510990004;WJ4510990011;WJ4510990012,random,disinfection;infection;school,12451099498203250Y,\n")
	require.Contains(t, string(hist), "-12451099498231630C,2026-03-03,,random,water,12451099498231630C,\n")
	// It is never overwritten.
	code, _, errs := cli(t, "history", "--ledger", x.ledger, "--out", filepath.Join(next, "history.csv"))
	require.Equal(t, 2, code)
	require.Contains(t, errs, "refusing to overwrite")

	plan, err := os.ReadFile(filepath.Join(next, "plan.json"))
	require.NoError(t, err)
	plan = []byte(strings.Replace(strings.Replace(string(plan), `"2026-03-02"`, `"2026-06-01"`, 1), `"qx-wsjk-2026-04"`, `"qx-wsjk-2026-06"`, 1))
	require.NoError(t, os.WriteFile(filepath.Join(next, "plan.json"), plan, 0o644))
	second := filepath.Join(x.tmp, "second.json")
	mustCLI(t, "draw", "--dir", next, "--seed-dice", diceV2, "--view", second, "--blinding-key", x.prefix+".blind")

	v1 := readViewV2(t, first)
	v2 := readViewV2(t, second)
	visitedFirst := map[string]bool{}
	for _, v := range v1.Visits {
		if v.Team != nil {
			visitedFirst[v.ID] = true
		}
	}
	require.NotEmpty(t, visitedFirst)
	again := 0
	for _, v := range v2.Visits {
		if !visitedFirst[v.ID] {
			continue
		}
		for _, task := range v.Tasks {
			require.Equal(t, random.MarkTargeted, task.Mark, "%s visited in the first batch is drawn again for %s", v.ID, task.Task)
		}
		again++
	}
	cool1, cool2 := 0, 0
	for i := range v1.Tasks {
		cool1 += v1.Tasks[i].Cooling
		cool2 += v2.Tasks[i].Cooling
	}
	require.Greater(t, cool2, cool1)
	require.Less(t, again, len(visitedFirst))
}

func readViewV2(t *testing.T, name string) *random.ViewV2 {
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	v, err := random.ParseViewV2(b)
	require.NoError(t, err)
	return v
}

func TestExplainSimulateV2CLI(t *testing.T) {
	dir := v2Dir("dr2-county-c")
	out := mustCLI(t, "explain", "--dir", dir, "--seed-dice", diceV2, "--id", "91451099MA5H8MLB99")
	require.Contains(t, out, "task public-place (公共场所卫生): eligible in its only group (8 eligible, 0 overdue, quota 3)")
	require.Contains(t, out, "the group's threshold is 114f052c68e9c77e")
	out = mustCLI(t, "explain", "--dir", dir, "--seed-dice", diceV2, "--id", "124510994981015613", "--inspector", "WJ4510990005")
	require.Contains(t, out, "rotation: history row JC202500388")
	code, _, errs := cli(t, "explain", "--dir", dir, "--seed-dice", diceV2, "--id", "124510994981015613", "--inspector", "WJ4510990099")
	require.Equal(t, 2, code)
	require.Contains(t, errs, `--inspector "WJ4510990099"`)
	require.Contains(t, errs, "inspectors.csv")

	out = mustCLI(t, "simulate", "--dir", dir, "--runs", "40", "--top", "3")
	require.Contains(t, out, "runs              40 (made-up seeds")
	require.Contains(t, out, "tableware     0/0.00/0            1/1.00/1")
	require.Contains(t, out, "radiation     1/1.00/1            0/0.00/0                1/1.00/1")
	require.Contains(t, out, "largest pair probability")
	require.Contains(t, out, "premises selected most often")
	again := mustCLI(t, "simulate", "--dir", dir, "--runs", "40", "--top", "3")
	require.Equal(t, out, again, "same plan, tables and runs: same simulation")
	other := mustCLI(t, "simulate", "--dir", dir, "--runs", "40", "--top", "3", "--seed-base", "00ff")
	require.NotEqual(t, out, other)
	for _, bad := range [][]string{
		{"simulate", "--dir", dir},
		{"simulate", "--dir", dir, "--runs", "0"},
		{"simulate", "--dir", dir, "--runs", "2000000"},
		{"simulate", "--dir", dir, "--runs", "3", "--seed-base", "xyz"},
		{"simulate", "--dir", vectorDir("dr1-county-7"), "--runs", "3"},
	} {
		code, _, _ := cli(t, bad...)
		require.Equal(t, 2, code, "%v", bad)
	}
}

// notice and selfcheck of a v2 ledger through the CLI (county c): the
// notice names the plan's tasks and the unstaffed visits; a business's
// self-check with its published row and proof.
func TestNoticeSelfcheckV2(t *testing.T) {
	x := newLedgerV2(t, v2Dir("dr2-county-c"), true)
	x.announceAndDraw(t, "")
	x.run(t, "amend", "--ledger", x.ledger, "--dir", x.dir, "--premises", "12451099498231630C",
		"--out", "WJ4510990008", "--reason", "病假", "--at", "2026-03-04T09:00:00+08:00")
	notice := filepath.Join(x.tmp, "notice.csv")
	mustCLI(t, "notice", "--ledger", x.ledger, "--dir", x.dir, "--pub", x.prefix+".pub", "--out", notice)
	b, err := os.ReadFile(notice)
	require.NoError(t, err)
	text := string(b)
	require.Contains(t, text, "学校卫生、传染病防治、消毒产品与消毒管理,城关镇中心小学,12451099498203250Y")
	require.Contains(t, text, "清溪县康美口腔诊所有限公司,91451099MA5MN2HC34,451099001,medical,随机抽取,待公示,,,未能组成检查组（缺少所需专业的检查人员）")
	require.Contains(t, text, "换人后未能组成检查组")
	// The page's list of changes says so too, not v1's "one short".
	page := filepath.Join(x.tmp, "notice.html")
	mustCLI(t, "notice", "--ledger", x.ledger, "--dir", x.dir, "--pub", x.prefix+".pub", "--format", "html", "--out", page)
	h, err := os.ReadFile(page)
	require.NoError(t, err)
	require.Contains(t, string(h), "无符合条件的替补人员，未能组成检查组")
	require.NotContains(t, string(h), "检查组缺员")
	require.Contains(t, text, "生活饮用水,清溪温泉度假酒店有限公司,91451099MA5020EJ1K")
	require.Contains(t, text, "定向检查")
	require.NotContains(t, text, "王建华", "no inspector names in the public notice")

	prove := func(id string) (string, string) {
		row, proof := filepath.Join(x.tmp, id+".row"), filepath.Join(x.tmp, id+".proof")
		mustCLI(t, "prove", "--dir", x.dir, "--id", id, "--row", row, "--proof", proof, "--blinding-key", x.prefix+".blind")
		return row, proof
	}
	check := func(id string) (int, string) {
		row, proof := prove(id)
		code, out, errs := cli(t, "selfcheck", "--ledger", x.ledger, "--row", row, "--proof", proof, "--pub", x.prefix+".pub")
		require.NotEqual(t, 2, code, errs)
		return code, out
	}
	code, out := check("91451099MA5H8MLB99") // 好运来: random for public-place at the threshold
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "verdict: selected")
	require.Contains(t, out, "task public-place: selected: selected (random), W 114f052c68e9c77e")
	code, out = check("91451099MA5CM9HL1R") // 河口大酒店: cooling, W before the threshold
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "verdict: not selected if")
	require.Contains(t, out, "only if it was cooling")
	code, out = check("92451099MA5LB00G6P") // 注销
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "verdict: out of scope")

	// A row changed by the business (or a forged one) is not in the roster.
	row, proof := prove("12451099498203170B")
	b, err = os.ReadFile(row)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(row, []byte(strings.Replace(string(b), `"risk":"B"`, `"risk":"A"`, 1)), 0o644))
	code, out, _ = cli(t, "selfcheck", "--ledger", x.ledger, "--row", row, "--proof", proof, "--pub", x.prefix+".pub")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "not in the announced roster")
}

// The dishonest operator lowers a threshold in a v2 draw, signed with
// the real key: the business whose random selection is now after it
// hears WRONG; a third party's byte change fails the signatures of
// selfcheck and history.
func TestSelfcheckHistoryV2Forged(t *testing.T) {
	x := newLedgerV2(t, v2Dir("dr2-county-c"), true)
	x.announceAndDraw(t, "")
	lower := func(body string) string {
		return strings.Replace(body, `"threshold": "114f052c68e9c77e"`, `"threshold": "0000000000000001"`, 1)
	}
	// The public checks of a v2 draw refuse it at append time (the
	// record rules); written into the folder by hand, it is still caught.
	y := forgeDrawV2With(t, x, lower, nil)
	ly, err := publish.OpenDir(y.ledger, publish.DirOptions{})
	require.NoError(t, err)
	_, err = publish.ReadRecord(ly)
	require.ErrorIs(t, err, publish.ErrSelection, "the lowered threshold contradicts the plan, visible without the tables")
	require.NoError(t, ly.Close())
	row, proof := filepath.Join(x.tmp, "row.json"), filepath.Join(x.tmp, "proof.json")
	mustCLI(t, "prove", "--dir", x.dir, "--id", "91451099MA5H8MLB99", "--row", row, "--proof", proof, "--blinding-key", x.prefix+".blind")
	code, out, _ := cli(t, "selfcheck", "--ledger", y.ledger, "--row", row, "--proof", proof, "--pub", x.prefix+".pub")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "verdict: WRONG")
	require.Contains(t, out, "above the threshold 0000000000000001") // the public checks of the draw, whatever the row

	f := filepath.Join(x.ledger, "000002-draw.note")
	b, err := os.ReadFile(f)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(f, []byte(strings.Replace(string(b), `"eligible_inspectors": 14`, `"eligible_inspectors": 13`, 1)), 0o644))
	code, _, _ = cli(t, "selfcheck", "--ledger", x.ledger, "--row", row, "--proof", proof, "--pub", x.prefix+".pub")
	require.NotEqual(t, 0, code)
	code, _, _ = cli(t, "history", "--ledger", x.ledger, "--pub", x.prefix+".pub", "--out", filepath.Join(x.tmp, "h.csv"))
	require.NotEqual(t, 0, code)
	_, err = os.Stat(filepath.Join(x.tmp, "h.csv"))
	require.True(t, os.IsNotExist(err), "nothing written from a ledger that fails its signatures")
}

// The sample county of protocol v2 (samplecounty.GenerateV2) through the
// whole path: announce (which creates the blinding key beside the signer
// key: the plan has private attributes) -> draw -> amend -> results ->
// verify OK; then history.
func TestPublishV2SampleCounty(t *testing.T) {
	files, err := samplecounty.GenerateV2(samplecounty.Config{Premises: 800})
	require.NoError(t, err)
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "county")
	require.NoError(t, files.WriteDir(dir))
	x := newLedgerV2(t, dir, false)
	code, out, errs := cli(t, "announce", "--dir", dir, "--ledger", x.ledger, "--key", x.prefix+".key",
		"--dice-ceremony", "2026-03-03T09:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-03-02T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "announced 000001-announcement.note")
	require.Contains(t, errs, "created the blinding key "+x.prefix+".blind")
	key, err := os.ReadFile(x.prefix + ".blind")
	require.NoError(t, err)
	require.Len(t, strings.TrimSpace(string(key)), 64)
	require.NotEqual(t, strings.Repeat("0", 64), strings.TrimSpace(string(key)))
	fi, err := os.Stat(x.prefix + ".blind")
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	ann, err := os.ReadFile(filepath.Join(x.ledger, "000001-announcement.note"))
	require.NoError(t, err)
	require.NotContains(t, string(ann), strings.TrimSpace(string(key)), "the blinding key is never published")

	view := filepath.Join(x.tmp, "view.json")
	x.run(t, "draw", "--dir", dir, "--ledger", x.ledger, "--seed-dice", diceV2, "--view", view, "--at", "2026-03-03T09:35:00+08:00")
	v := readViewV2(t, view)
	require.NotEmpty(t, v.Visits)
	var staffed []random.ViewVisit
	for _, vis := range v.Visits {
		if vis.Team != nil {
			staffed = append(staffed, vis)
		}
	}
	require.GreaterOrEqual(t, len(staffed), 2)
	first, second := staffed[0], staffed[1]
	out = x.run(t, "amend", "--ledger", x.ledger, "--dir", dir, "--premises", first.ID, "--out", first.Team[0].ID,
		"--reason", "病假", "--at", "2026-03-04T09:00:00+08:00")
	require.Contains(t, out, first.ID+": "+first.Team[0].ID+" out, ")
	var ids []string
	for _, m := range second.Team {
		ids = append(ids, m.ID)
	}
	results := filepath.Join(x.tmp, "results.csv")
	require.NoError(t, os.WriteFile(results, []byte("premises,outcome,date,inspectors\n"+
		second.ID+",no_issue,2026-03-05,"+strings.Join(ids, ";")+"\n"), 0o644))
	x.run(t, "results", "--ledger", x.ledger, "--file", results, "--at", "2026-03-06T10:00:00+08:00")
	code, out, errs = x.verify(t)
	require.Equal(t, 0, code, "%s\n%s", out, errs)
	require.Contains(t, out, "replayed: identical, 1 substitutions, 1 outcomes")

	// Without the blinding key the tables do not give the announced roots.
	code, out, _ = cli(t, "verify", "--ledger", x.ledger, "--dir", dir, "--pub", x.prefix+".pub", "--at", "2026-03-20T10:00:00+08:00")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "000001-announcement.note: roots.")

	hist := filepath.Join(x.tmp, "history.csv")
	out = mustCLI(t, "history", "--ledger", x.ledger, "--base", filepath.Join(dir, "history.csv"), "--pub", x.prefix+".pub", "--out", hist)
	require.Contains(t, out, "(1 with results)")
}

// verify --published: the tables in published form (private values as
// their digests D) replay the draw without the blinding key.
func TestVerifyV2PublishedTables(t *testing.T) {
	x := newLedgerV2(t, v2Dir("dr2-county-c"), true)
	x.announceAndDraw(t, "")
	plan, set, err := loadDirV2(x.dir, tableFlags{}, v2Flags{blindingKey: x.prefix + ".blind"}, nil)
	require.NoError(t, err)
	pub, err := set.PublishedV2(plan.Private)
	require.NoError(t, err)
	dir := filepath.Join(x.tmp, "published")
	require.NoError(t, os.MkdirAll(dir, 0o755))
	b, err := os.ReadFile(filepath.Join(x.dir, "plan.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "plan.json"), b, 0o644))
	for _, k := range roster.Kinds {
		var buf strings.Builder
		require.NoError(t, roster.WriteCSV(&buf, pub.Table(k)))
		require.NoError(t, os.WriteFile(filepath.Join(dir, k.String()+".csv"), []byte(buf.String()), 0o644))
	}
	insp, err := os.ReadFile(filepath.Join(dir, "inspectors.csv"))
	require.NoError(t, err)
	require.NotContains(t, string(insp), "王建华", "names are private")
	code, out, errs := cli(t, "verify", "--ledger", x.ledger, "--dir", dir, "--published", "--pub", x.prefix+".pub", "--at", "2026-03-20T10:00:00+08:00")
	require.Equal(t, 0, code, "%s\n%s", out, errs)
	require.Contains(t, out, "replayed: identical")
}

// announce checks a v2 plan before publishing it by drawing it under
// made-up seeds: county c's plan (tableware can never reach its want,
// radiation's second slot can never be filled, a targeted public place
// has no eligible inspector) is refused, nothing is
// written; accepted, the announcement records the problems and verify
// shows them.
func TestAnnounceV2Preflight(t *testing.T) {
	x := newLedgerV2(t, v2Dir("dr2-county-c"), true)
	code, out, errs := cli(t, "announce", "--dir", x.dir, "--ledger", x.ledger, "--key", x.prefix+".key",
		"--dice-ceremony", "2026-03-03T09:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-03-02T10:00:00+08:00")
	require.Equal(t, 2, code, out)
	require.Contains(t, errs, "the plan has 3 pre-flight problems (in 100 draws under made-up seeds); nothing was published")
	require.Contains(t, errs, "task public-place: visits left unstaffed in 100 of 100 simulated draws (up to 1 a draw)")
	require.Contains(t, errs, "task tableware: short of its want in 100 of 100 simulated draws (by up to 1)")
	require.Contains(t, errs, "task radiation: visits left unstaffed in 100 of 100 simulated draws (up to 1 a draw)")
	require.NoDirExists(t, x.ledger)

	x.announceAndDraw(t, "")
	code, out, errs = x.verify(t)
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "warning: 000001-announcement.note was published despite 3 pre-flight problems: task public-place: visits left unstaffed")
}
