package publish

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestStandardOutcomes(t *testing.T) {
	o := Standard()
	all := o.All()
	// Do not change: the codes are part of the published results format.
	// New outcomes are only ever appended.
	want := []string{"no_issue", "not_disclosed", "false_disclosure", "unreachable", "corrected",
		"pending", "no_activity", "closed", "obstructed", "referred",
		"violates_market_rules", "violates_other_market", "violates_food_drug", "violates_quality",
		"violates_police", "violates_other_dept", "deregistered", "licence_revoked",
		"registration_revoked", "moved_out"}
	require.Len(t, all, len(want))
	for i, x := range all {
		require.Equal(t, want[i], x.Code)
		got, ok := o.Lookup(x.Code)
		require.True(t, ok)
		require.Equal(t, x, got)
		got, ok = o.LookupZh(x.Zh)
		require.True(t, ok)
		require.Equal(t, x, got)
	}
	x, ok := o.Lookup(OutcomeUnreachable)
	require.True(t, ok)
	require.Equal(t, "通过登记的住所（经营场所）无法联系", x.Zh)
	_, ok = o.Lookup("missing")
	require.False(t, ok)

	// Each registry is its own: adding to one does not touch another.
	local := Outcome{Code: "licence_expired", Zh: "许可证已过期", En: "Licence expired"}
	require.NoError(t, o.Add(local))
	_, ok = Standard().Lookup("licence_expired")
	require.False(t, ok)
	got, ok := o.Lookup("licence_expired")
	require.True(t, ok)
	require.Equal(t, local, got)

	var oe *OutcomeError
	require.ErrorIs(t, o.Add(local), ErrExists)
	require.ErrorIs(t, o.Add(Outcome{Code: "other", Zh: "未发现问题", En: "x"}), ErrExists)
	for _, bad := range []Outcome{
		{Code: "", Zh: "a", En: "a"},
		{Code: "No", Zh: "a", En: "a"},
		{Code: "1x", Zh: "a", En: "a"},
		{Code: "a-b", Zh: "a", En: "a"},
		{Code: "ok", Zh: "", En: "a"},
		{Code: "ok", Zh: "a", En: " a"},
		{Code: "ok", Zh: "a\n", En: "a"},
	} {
		err := o.Add(bad)
		require.ErrorAs(t, err, &oe, "%+v", bad)
		require.ErrorIs(t, err, ErrMalformed, "%+v", bad)
	}
	var zero Outcomes
	require.NoError(t, zero.Add(local))
	require.Len(t, zero.All(), 1)
}

func TestOutcomeTree(t *testing.T) {
	o := Standard()
	zh := map[string]string{}
	for _, x := range o.All() {
		zh[x.Code] = x.Zh
		if x.Parent != "" {
			p, ok := o.Lookup(x.Parent)
			require.True(t, ok, x.Code)
			// Every sub-item leads up to 发现问题待后续处理.
			for p.Parent != "" {
				p, _ = o.Lookup(p.Parent)
			}
			require.Equal(t, OutcomePending, p.Code, x.Code)
		}
	}
	// The list of the issue, in the national system's wording.
	for code, text := range map[string]string{
		OutcomeNoIssue: "未发现问题", OutcomePending: "发现问题待后续处理", OutcomeCorrected: "发现问题经责令已改正",
		OutcomeNoActivity: "未发现开展本次抽查涉及的经营活动", OutcomeClosed: "已关闭停业或正在组织清算",
		OutcomeObstructed: "不配合检查情节严重", OutcomeDeregistered: "注销", OutcomeLicenceRevoked: "被吊销",
		OutcomeRegistrationRevoked: "被撤销", OutcomeMovedOut: "迁出",
	} {
		require.Equal(t, text, zh[code], code)
	}
	for s, code := range map[string]string{
		"发现问题已责令改正":         OutcomeCorrected,
		"查无下落":              OutcomeUnreachable,
		"通过登记的住所(经营场所)无法联系": OutcomeUnreachable,
		" 注销；":              OutcomeDeregistered,
		"公示信息隐瞒真实情况、弄虚作假":   OutcomeFalseDisclosure,
		"no_issue": OutcomeNoIssue,
		"未发现问题。":   OutcomeNoIssue,
	} {
		x, ok := o.Find(s)
		require.True(t, ok, s)
		require.Equal(t, code, x.Code, s)
	}
	_, ok := o.Find("great")
	require.False(t, ok)
	// A local outcome must name a parent the registry holds.
	err := o.Add(Outcome{Code: "local_sub", Zh: "地方子项", En: "Local", Parent: "missing"})
	require.ErrorIs(t, err, ErrMalformed)
	require.NoError(t, o.Add(Outcome{Code: "local_sub", Zh: "地方子项", En: "Local", Parent: OutcomePending}))
}

func TestInspectionTypesAndFollowUp(t *testing.T) {
	for s, code := range map[string]string{
		"random": InspectionRandom, "双随机抽查": InspectionRandom, "不定向抽查": InspectionRandom,
		"定向抽查": InspectionTargeted, "targeted": InspectionTargeted,
		"联合抽查": InspectionJoint, "部门联合双随机抽查": InspectionJoint,
	} {
		x, ok := LookupInspectionType(s)
		require.True(t, ok, s)
		require.Equal(t, code, x.Code, s)
	}
	_, ok := LookupInspectionType("专项")
	require.False(t, ok)
	require.Len(t, InspectionTypes(), 3)
	for s, code := range map[string]string{"open": FollowUpOpen, "未完结": FollowUpOpen, "已完结": FollowUpDone, "done": FollowUpDone} {
		got, ok := ParseFollowUp(s)
		require.True(t, ok, s)
		require.Equal(t, code, got)
	}
	_, ok = ParseFollowUp("finished")
	require.False(t, ok)
	require.Equal(t, "已完结", FollowUpZh(FollowUpDone))
	require.Equal(t, "", FollowUpZh("x"))
}
