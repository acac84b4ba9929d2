package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/doublerandom/doublerandom/examples/internal/samplecounty"
	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

// testRuns keeps the simulation short in tests (the program's default
// is 200); the story is the same.
var testRuns = []string{"-runs", "20"}

func TestRun(t *testing.T) {
	for _, c := range []struct {
		name   string
		args   []string // after -dir
		status int
		want   []string
	}{
		{"example digits", testRuns, 0, []string{
			"快速上手 quickstart：澄溪县卫生健康局2026年度双随机抽查（第一批）",
			"1 学校卫生", "2 生活饮用水卫生（与水利局联合）", "6 传染病防治（医院、卫生院）",
			"检查对象名录 premises    3000 户",
			"二、公告前模拟 — simulated before announcing: 20 draws",
			"同一检查员派往同一检查对象的最大概率",
			"14159265358979323846（示例仪式的数字",
			"公布 000002-draw.note，密钥 key K = ",
			"← 联合检查 joint: 水利局",
			"病假 sick leave: ",
			"无人可补「疾控中心·传染病防治」岗",
			"发现问题经责令已改正（已完结）", "未发现问题",
			"notice.html", "next-history.csv",
			"000002-draw.note 由四表重放 replayed from the tables：完全一致 identical（含 ",
			"go run ./examples/cli verify --ledger ",
		}},
		{"own digits", append([]string{"-seed-dice", "2023 7331 1281 5921 1123"}, testRuns...), 0, []string{
			"20237331128159211123（由 -seed-dice 给出", "verified: OK",
		}},
		{"v1", []string{"-v1"}, 0, []string{
			"000002-draw.note replayed from the tables: identical",
			"digits 14159265358979323846 (the example ceremony's digits",
			"category/risk",
			"unstaffed:",
			"max_per_unit leaves too few eligible inspectors",
			"go run ./examples/cli verify --ledger ",
		}},
		{"too few digits", []string{"-seed-dice", "123", "-runs", "1"}, 2, []string{"quickstart: ", "dice"}},
		{"no runs", []string{"-runs", "0"}, 2, []string{"quickstart: -runs 0: want at least 1"}},
		{"stray argument", []string{"now"}, 2, []string{`unexpected argument "now"`}},
		{"unknown flag", []string{"-seed", "1"}, 2, []string{"flag provided but not defined"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var out bytes.Buffer
			status := run(&out, append([]string{"-dir", dir}, c.args...))
			require.Equal(t, c.status, status, out.String())
			for _, w := range c.want {
				require.Contains(t, out.String(), w)
			}
			if status != 0 {
				require.NotContains(t, out.String(), "verified: OK")
				return
			}
			lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
			require.LessOrEqual(t, len(lines), 110, "the story should fit two screens")
			if c.name == "v1" {
				requireVerifiesV1(t, dir)
				return
			}
			// The last three lines (what .ci/run shows): the verifier's
			// summary, the command to replay, the verdict.
			last := lines[len(lines)-3:]
			require.True(t, strings.HasPrefix(last[0], "核验 verify: 5 份文件"), last[0])
			require.True(t, strings.HasPrefix(last[1], "自己核验 replay it yourself: go run ./examples/cli verify"), last[1])
			require.Equal(t, "verified: OK", last[2])
			// The draw differs on every run (fresh blinding key): the
			// sick inspector is replaced in the same slot or nobody is
			// left; the joint teams shown depend on the draw.
			require.Regexp(t, `(补入同一岗位「卫生监督·|无人可补「卫生监督·)`, out.String())
			require.Regexp(t, `← 联合检查 joint: (水利局|市场监管局|医保局|疾控中心)`, out.String())
			requireVerifies(t, dir, out.String())
		})
	}
}

// requireVerifies checks the files the quickstart left, the way an
// auditor would (the ledger folder, the county's files, the .pub key and
// the agency's blinding key), and that the story told of every visit
// without a team.
func requireVerifies(t *testing.T, dir, out string) {
	t.Helper()
	v, err := publish.LoadVerifier(filepath.Join(dir, "agency.pub"))
	require.NoError(t, err)
	l, err := publish.OpenDir(filepath.Join(dir, "ledger"), publish.DirOptions{Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer l.Close()
	set := loadCounty(t, dir, readBlindingKey(t, dir))
	rep, err := publish.Verify(l, set, []note.Verifier{v}, publish.Options{})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Draws, 1)
	require.True(t, rep.Draws[0].Replayed)
	require.GreaterOrEqual(t, rep.Draws[0].Substitutions, 2, "the sick leave and at least one conflict")
	require.Equal(t, 2, rep.Draws[0].Outcomes)

	// Every visit is staffed, or the story says which is not and why: by
	// the draw (无人检查 unstaffed: NAME) or after a substitution (无人可补).
	view := rep.Record.LiveDraws()[0].Draw.ViewV2
	require.NotNil(t, view, "a v2 draw")
	for _, visit := range view.Visits {
		if visit.Team == nil {
			row, _ := set.Premises.Lookup(visit.ID)
			require.Contains(t, out, "无人检查 unstaffed: "+row.Get("name"), visit.ID)
		}
	}
	if !strings.Contains(out, "无人检查 unstaffed: ") {
		require.Contains(t, out, fmt.Sprintf("全部 %d 户均已组成检查组 every visit is staffed", len(view.Visits)))
	}
	var unstaffedLater int
	for _, s := range rep.Record.Substitutions(rep.Draws[0].Digest) {
		if s.In == "" {
			unstaffedLater++
		}
	}
	require.Equal(t, unstaffedLater, strings.Count(out, "→ 无人可补"))

	// A third party without the blinding key cannot match the announced
	// roots (the private values are committed with it).
	other := make([]byte, roster.BlindingKeySize)
	rep, err = publish.Verify(l, loadCounty(t, dir, other), []note.Verifier{v}, publish.Options{})
	require.NoError(t, err)
	require.False(t, rep.OK())
	require.Contains(t, rep.String(), "roots.")

	// The notice is the Chinese HTML page, and the next batch's history
	// table holds the current rows and one per staffed visit.
	html, err := os.ReadFile(filepath.Join(dir, "notice.html"))
	require.NoError(t, err)
	require.Contains(t, string(html), `lang="zh-CN"`)
	require.Contains(t, string(html), "澄溪县卫生健康局")
	require.Contains(t, string(html), "学校卫生")
	f, err := os.Open(filepath.Join(dir, "next-history.csv"))
	require.NoError(t, err)
	defer f.Close()
	next, err := roster.ReadCSV(f, roster.KindHistory, roster.Options{File: "next-history.csv", Protocol: roster.ProtocolV2})
	require.NoError(t, err)
	require.Greater(t, next.Len(), set.History.Len())
	require.Contains(t, out, fmt.Sprintf("现有 %d 行 + 本批 %d 行", set.History.Len(), next.Len()-set.History.Len()))
}

func readBlindingKey(t *testing.T, dir string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "agency.blind"))
	require.NoError(t, err)
	fi, err := os.Stat(filepath.Join(dir, "agency.blind"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	require.NoError(t, err)
	return key
}

func loadCounty(t *testing.T, dir string, key []byte) *roster.Set {
	t.Helper()
	set, err := roster.LoadDir(filepath.Join(dir, "county"), roster.Options{Protocol: roster.ProtocolV2, Commitment: roster.Commitment{Key: key}})
	require.NoError(t, err)
	return set
}

// requireVerifiesV1 checks the files of the v1 story.
func requireVerifiesV1(t *testing.T, dir string) {
	t.Helper()
	v, err := publish.LoadVerifier(filepath.Join(dir, "agency.pub"))
	require.NoError(t, err)
	l, err := publish.OpenDir(filepath.Join(dir, "ledger"), publish.DirOptions{Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer l.Close()
	set, err := roster.LoadDir(filepath.Join(dir, "county"), roster.Options{})
	require.NoError(t, err)
	rep, err := publish.Verify(l, set, []note.Verifier{v}, publish.Options{})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Draws, 1)
	require.True(t, rep.Draws[0].Replayed)
}

// The clock only dates the documents, shown in China Standard Time
// whatever the clock's zone.
func TestQuickstartClock(t *testing.T) {
	var out bytes.Buffer
	ok, err := quickstart(&out, config{dir: t.TempDir(), digits: exampleDigits, runs: 1, now: time.Date(2027, 1, 5, 23, 59, 59, 0, time.UTC)})
	require.NoError(t, err)
	require.True(t, ok, out.String())
	for _, w := range []string{
		"2027-01-06 07:54:59 +08:00  公布 000001-announcement.note",
		"2027-01-06 07:55:59 +08:00  摇号 dice ceremony",
		"2027-01-06 07:56:59 +08:00  公布 000002-draw.note",
		"2027-01-06 07:59:59 +08:00  公布结果 000005-results.note（检查日期 2027-01-06）",
	} {
		require.Contains(t, out.String(), w)
	}
}

// In the v1 story the draw does not depend on the clock: the same digits
// give the same key.
func TestQuickstartV1Clock(t *testing.T) {
	var a, b bytes.Buffer
	okA, err := quickstartV1(&a, t.TempDir(), exampleDigits, time.Date(2026, 11, 20, 10, 0, 0, 0, publish.Zone))
	require.NoError(t, err)
	okB, err := quickstartV1(&b, t.TempDir(), exampleDigits, time.Date(2027, 1, 5, 23, 59, 59, 0, time.UTC))
	require.NoError(t, err)
	require.True(t, okA && okB)
	key := func(s string) string {
		_, after, found := strings.Cut(s, "key K = ")
		require.True(t, found)
		return after[:64]
	}
	require.Equal(t, key(a.String()), key(b.String()))
	require.Contains(t, a.String(), "1. announced 09:58:00")
	require.Contains(t, a.String(), "3. drawn     10:00:00")
}

// When a draw leaves visits without a team, the story names each and
// says why in words (from the draw's explanation). The sample plan staffs
// every visit, so this plan is edited: radiation asks for a disease
// control inspector with the radiation specialty (nobody has both), and
// occupational health for teams of 60 (more than are eligible).
func TestUnstaffedExplained(t *testing.T) {
	files, err := samplecounty.GenerateV2(samplecounty.DefaultConfig())
	require.NoError(t, err)
	var plan map[string]any
	require.NoError(t, json.Unmarshal(files.Plan, &plan))
	for _, task := range plan["tasks"].([]any) {
		task := task.(map[string]any)
		team := task["team"].(map[string]any)
		switch task["id"] {
		case "radiation":
			team["slots"] = append(team["slots"].([]any), map[string]any{"unit": "cdc", "specialty": "radiation"})
		case "occupational":
			team["size"] = 60
		}
	}
	b, err := json.Marshal(plan)
	require.NoError(t, err)
	p, err := random.ParsePlanV2(b)
	require.NoError(t, err)
	dir := t.TempDir()
	require.NoError(t, files.WriteDir(filepath.Join(dir, "county")))
	set := loadCounty(t, dir, make([]byte, roster.BlindingKeySize))
	res, err := random.DrawV2(context.Background(), p, set, []byte("a seed of the test, 32 bytes....")[:32], random.Options{})
	require.NoError(t, err)

	var out bytes.Buffer
	pr := printer{w: &out, plan: p, set: set, res: res}
	require.NoError(t, pr.unstaffed())
	var radiation, occupational int
	for _, v := range res.Visits {
		if v.Team != nil {
			continue
		}
		row, _ := set.Premises.Lookup(v.ID)
		require.Contains(t, out.String(), "无人检查 unstaffed: "+row.Get("name")+"（"+v.Unstaffed.Code()+"）")
		for _, task := range v.Tasks {
			switch p.Tasks[task.Task].ID {
			case "radiation":
				radiation++
			case "occupational":
				occupational++
			}
		}
	}
	require.Equal(t, res.Tasks[p.TaskIndex("radiation")].Quota, radiation, "every radiation visit is unstaffed")
	require.Equal(t, res.Tasks[p.TaskIndex("occupational")].Quota, occupational, "every occupational visit is unstaffed")
	require.Contains(t, out.String(), "名合格人员中没有疾控中心·放射卫生")
	require.Regexp(t, `\d+ 名合格人员中尚有余量的只有 \d+ 人，不足 60 人的检查组`, out.String())
	require.NotContains(t, out.String(), "every visit is staffed")
}
