package publish

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
)

// TestResultsV1BodyUnchanged: a results body of the first release (no
// field set 2 keys) parses and encodes to the very same bytes.
func TestResultsV1BodyUnchanged(t *testing.T) {
	v1 := "{\n \"draw\": \"" + strings.Repeat("ab", 32) + "\",\n \"published\": \"2026-12-01T02:00:00Z\",\n \"results\": [\n  {\n   \"premises\": \"91371727HD841G735N\",\n   \"outcome\": \"corrected\",\n   \"outcome_zh\": \"发现问题经责令已改正\",\n   \"outcome_en\": \"Problem found and corrected as ordered\",\n   \"inspected\": \"2026-11-25\",\n   \"inspectors\": [\n    \"WJ3717270084\",\n    \"WJ3717270098\"\n   ],\n   \"note\": \"已整改\"\n  }\n ]\n}\n"
	v, err := ParseBody(&Document{Kind: KindResults, Body: []byte(v1)})
	require.NoError(t, err)
	b := v.(*ResultsBody)
	require.Nil(t, b.Results[0].More)
	require.Equal(t, "", b.Results[0].FollowUp+b.Results[0].Authority+b.Results[0].InspectionType)
	out, err := encodeBody(b)
	require.NoError(t, err)
	require.Equal(t, v1, string(out))

	// Field set 2 keys, in their places.
	b.Results[0].More = []OutcomeText{{OutcomeViolatesOtherDept, "违反其他部门相关规定", "x"}}
	b.Results[0].FollowUp, b.Results[0].Authority, b.Results[0].InspectionType = FollowUpOpen, "某县卫生健康局", InspectionJoint
	out, err = encodeBody(b)
	require.NoError(t, err)
	s := string(out)
	require.Less(t, strings.Index(s, `"outcome_en"`), strings.Index(s, `"more_outcomes"`))
	require.Less(t, strings.Index(s, `"more_outcomes"`), strings.Index(s, `"inspected"`))
	require.Less(t, strings.Index(s, `"note"`), strings.Index(s, `"follow_up"`))
	require.Less(t, strings.Index(s, `"authority"`), strings.Index(s, `"inspection_type"`))
	v, err = ParseBody(&Document{Kind: KindResults, Body: out})
	require.NoError(t, err)
	require.Equal(t, b, v)
	// An empty list is not a way to say "none".
	bad := bytes.Replace(out, []byte(`"more_outcomes": [`), []byte(`"more_outcomes": [], "x": [`), 1)
	_, err = ParseBody(&Document{Kind: KindResults, Body: bad})
	require.ErrorIs(t, err, ErrMalformed)
	var w map[string]any
	require.NoError(t, json.Unmarshal(out, &w))
}

func TestPublishResultsFieldSet2(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	s := f.staffed(t)
	d, err := PublishResults(f.l, f.signers, f.draw, nil, []ResultEntry{{
		Premises: s.ID, Outcome: OutcomePending,
		More:      []OutcomeText{{Code: OutcomeViolatesOtherDept}, {Code: OutcomeDeregistered}},
		Inspected: roster.MustParseDate("2026-11-25"), Inspectors: s.TeamIDs(),
		FollowUp: FollowUpOpen, Authority: "某县卫生健康局", InspectionType: InspectionRandom,
	}}, tResults)
	require.NoError(t, err)
	rep := verifyMem(t, f, f.l, f.set)
	require.True(t, rep.OK(), rep.String())
	r, err := ReadRecord(f.l)
	require.NoError(t, err)
	x, doc := r.Result(f.draw, s.ID)
	require.Equal(t, d, doc.Digest)
	require.Equal(t, "发现问题待后续处理；违反其他部门相关规定；注销", x.ZhText())
	require.Len(t, x.Outcomes(), 3)

	// Unknown further outcome: refused before anything is written.
	_, err = PublishResults(f.l, f.signers, f.draw, nil, []ResultEntry{{Premises: f.res.Selected[1].ID, Outcome: OutcomePending,
		More: []OutcomeText{{Code: "great"}}, Inspected: roster.MustParseDate("2026-11-25"), Inspectors: []string{"x"}}}, tResults)
	var oe *OutcomeError
	require.ErrorAs(t, err, &oe)
	require.Equal(t, "great", oe.Code)
}

// TestResultsFieldSet2Dishonest plays the operator with the real key who
// signs results that break the rules of field set 2: the ledger refuses
// them, and a forged ledger holding them fails Verify (a third party
// without the key).
func TestResultsFieldSet2Dishonest(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	s := f.staffed(t)
	std := Standard()
	text := func(code string) OutcomeText {
		o, ok := std.Lookup(code)
		require.True(t, ok, code)
		return OutcomeText{o.Code, o.Zh, o.En}
	}
	base := func() ResultEntry {
		o := text(OutcomePending)
		return ResultEntry{Premises: s.ID, Outcome: o.Code, Zh: o.Zh, En: o.En,
			Inspected: roster.MustParseDate("2026-11-25"), Inspectors: s.TeamIDs()}
	}
	good := f.copyLedger(t)
	for _, tc := range []struct {
		name, field string
		edit        func(*ResultEntry)
	}{
		{"no_issue with another", "results[0].more_outcomes", func(e *ResultEntry) {
			o := text(OutcomeNoIssue)
			e.Outcome, e.Zh, e.En = o.Code, o.Zh, o.En
			e.More = []OutcomeText{text(OutcomeCorrected)}
		}},
		{"repeated outcome", "results[0].more_outcomes[0].outcome", func(e *ResultEntry) { e.More = []OutcomeText{text(OutcomePending)} }},
		{"bad code", "results[0].more_outcomes[0].outcome", func(e *ResultEntry) { e.More = []OutcomeText{{"Bad", "x", "x"}} }},
		{"bad follow-up", "results[0].follow_up", func(e *ResultEntry) { e.FollowUp = "finished" }},
		{"bad inspection type", "results[0].inspection_type", func(e *ResultEntry) { e.InspectionType = "双随机抽查" }},
		{"bad authority", "results[0].authority", func(e *ResultEntry) { e.Authority = " 县局" }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := base()
			tc.edit(&e)
			body := &ResultsBody{Draw: f.draw, Published: At(tResults), Results: []ResultEntry{e}}
			_, err := f.l.Append(f.signNext(t, f.l, KindResults, body))
			var re *RecordError
			require.ErrorAs(t, err, &re)
			require.Equal(t, tc.field, re.Field)

			m := &memLedger{name: good.name, signer: good.signer, docs: append([][]byte(nil), good.docs...)}
			f.forge(t, m, KindResults, body)
			rep := verifyMem(t, f, m, f.set)
			require.False(t, rep.OK())
			require.Contains(t, rep.String(), tc.field)
		})
	}
	// A further outcome whose text is not the registry's: the ledger takes
	// it (it checks no registry), Verify does not.
	e := base()
	e.More = []OutcomeText{{OutcomeDeregistered, "已注销并恢复", "x"}}
	m := &memLedger{name: good.name, signer: good.signer, docs: append([][]byte(nil), good.docs...)}
	f.forge(t, m, KindResults, &ResultsBody{Draw: f.draw, Published: At(tResults), Results: []ResultEntry{e}})
	rep := verifyMem(t, f, m, f.set)
	requireProblem(t, rep, func(err error) bool {
		var me *MismatchError
		return errors.As(err, &me) && me.Field == "outcome_zh of "+s.ID && me.Got == "已注销并恢复"
	})
}
