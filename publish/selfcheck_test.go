package publish

import (
	"bytes"
	"strings"
	"testing"

	"github.com/doublerandom/doublerandom/random"
	"github.com/stretchr/testify/require"
)

func TestSelfCheck(t *testing.T) {
	f := full(t)
	seen := map[Verdict]int{}
	for _, row := range f.set.Premises.Rows() {
		proof, err := f.set.Premises.Prove(row.ID)
		require.NoError(t, err)
		res, err := SelfCheck(f.l, f.vs, row, proof, SelfCheckOptions{Policy: Policy{Require: []string{agencyName, witnessName}}})
		require.NoError(t, err)
		require.True(t, res.SignaturesChecked)
		require.NotEqual(t, VerdictWrong, res.Verdict, res.Explanation)
		require.NotEqual(t, VerdictNotInRoster, res.Verdict, res.Explanation)
		o, _ := f.res.Outcome(row.ID)
		require.Equal(t, o.Selected >= 0, res.Verdict == VerdictSelected, res.Explanation)
		seen[res.Verdict]++
	}
	require.Positive(t, seen[VerdictSelected])
	require.Positive(t, seen[VerdictOutOfScope])

	// A row changed by the business (or the agency): the proof fails.
	row := f.set.Premises.At(0)
	proof, _ := f.set.Premises.Prove(row.ID)
	res, err := SelfCheck(f.l, f.vs, row.With("name", "改过的名字"), proof, SelfCheckOptions{})
	require.NoError(t, err)
	require.Equal(t, VerdictNotInRoster, res.Verdict)
}

func TestSelfCheckWrongRecord(t *testing.T) {
	// A forged draw that drops a selected premises: its owner sees it.
	f := newFixture(t)
	f.announce(t)
	m := f.copyLedger(t)
	ev, _ := random.DiceSource{Digits: digits}.Evidence()
	seed, _ := random.DiceSeed(digits)
	res, err := random.Draw(t.Context(), f.plan, f.set, seed, random.Options{})
	require.NoError(t, err)
	v := res.View()
	var dropped random.ViewSelection
	for i, s := range v.Selected {
		if s.Mark == random.MarkRandom {
			dropped = s
			v.Selected = append(v.Selected[:i], v.Selected[i+1:]...)
			break
		}
	}
	f.forge(t, m, KindDraw, &DrawBody{Announcement: f.ann, DrawnAt: At(tDraw), Evidence: []random.SeedEvidence{ev}, Seed: seed, View: v})
	row, _ := f.set.Premises.Lookup(dropped.ID)
	proof, _ := f.set.Premises.Prove(dropped.ID)
	sc, err := SelfCheck(m, f.vs, row, proof, SelfCheckOptions{})
	require.NoError(t, err)
	require.Equal(t, VerdictWrong, sc.Verdict, sc.Explanation)
}

func TestNotice(t *testing.T) {
	f := full(t)
	var pub, priv bytes.Buffer
	require.NoError(t, WriteNotice(&pub, f.l, f.set, NoticeOptions{}))
	require.NoError(t, WriteNotice(&priv, f.l, f.set, NoticeOptions{Private: true}))
	require.True(t, strings.HasPrefix(pub.String(), "\uFEFF序号,抽查任务,检查对象名称,统一社会信用代码/许可证号,所属区域,类别,抽取方式,检查结果,检查日期,结果公示日期,备注,检查类型,实施机关,后续处置状态\r\n"))
	lines := strings.Split(strings.TrimSuffix(pub.String(), "\r\n"), "\r\n")
	require.Len(t, lines, 1+len(f.res.Selected))
	require.Contains(t, pub.String(), "发现问题经责令已改正,2026-11-25,2026-12-01,已整改")
	require.Contains(t, pub.String(), "待公示")
	for _, insp := range f.set.Inspectors.Rows() {
		require.NotContains(t, pub.String(), insp.ID, "the public notice names no inspector")
	}
	require.Contains(t, priv.String(), "检查组,实际检查人员")
	s := f.staffed(t)
	row, _ := f.set.Inspectors.Lookup(s.Team[0].ID)
	require.Contains(t, priv.String(), row.Get("name")+"("+row.ID+")")
}
