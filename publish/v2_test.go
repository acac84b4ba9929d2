package publish

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

const countyC = "../testdata/v2/dr2-county-c"

type fixtureV2 struct {
	l       *DirLedger
	signers []Signer
	vs      []note.Verifier
	plan    *random.PlanV2
	set     *roster.Set
	ann     Digest
	draw    Digest
	res     *random.ResultV2
}

func newFixtureV2(t *testing.T) *fixtureV2 {
	t.Helper()
	f := newAnnouncedV2(t)
	dice := random.DiceSource{Ceremony: random.Ceremony{When: "2026-03-03T09:30:00+08:00", Where: "会议室"}, Digits: "20237331128159211123"}
	ev, err := dice.Evidence()
	require.NoError(t, err)
	f.res, f.draw, err = PublishDrawV2(context.Background(), f.l, f.signers, f.ann, f.set, []random.SeedEvidence{ev}, time.Date(2026, 3, 3, 1, 35, 0, 0, time.UTC))
	require.NoError(t, err)
	return f
}

// forge frames a document of the given kind and body after the ledger's
// documents and returns the error the record rules give it.
func (f *fixtureV2) forge(t *testing.T, kind Kind, body string) error {
	t.Helper()
	r, err := ReadRecord(f.l)
	require.NoError(t, err)
	last := r.Docs[len(r.Docs)-1]
	signed, err := SignDocument(&Document{Kind: kind, Ledger: r.Name, Seq: int64(len(r.Docs)) + 1, Prev: last.Digest, Body: []byte(body)}, f.signers...)
	require.NoError(t, err)
	e, err := r.frame(int64(len(r.Docs))+1, signed)
	require.NoError(t, err)
	return r.add(e)
}

// The record rules of v2 draws, played by the operator with the real key.
func TestRecordV2Forged(t *testing.T) {
	f := newFixtureV2(t)
	r, err := ReadRecord(f.l)
	require.NoError(t, err)
	honest := string(r.Docs[1].Doc.Body)
	require.True(t, r.Docs[1].Draw.IsV2())
	require.NotNil(t, r.Docs[0].PlanV2())
	require.Nil(t, r.Docs[0].Plan())
	require.Equal(t, "清溪县卫生健康局2026年度双随机抽查（第一批）", r.Docs[0].PlanName())

	// A second draw for the announcement.
	err = f.forge(t, KindDraw, strings.Replace(honest, "2026-03-03T01:35:00Z", "2026-03-03T01:36:00Z", 1))
	require.ErrorIs(t, err, ErrSecondDraw)

	// Draws for a fresh announcement: a wrong key, a task not in the
	// plan, the plan's tasks renamed.
	for _, c := range []struct {
		name, field string
		edit        func(string) string
	}{
		{"key", "view.key", func(b string) string { return strings.Replace(b, `"key": "0d1e`, `"key": "1d1e`, 1) }},
		{"task", "view.visits[0].tasks[0].task", func(b string) string { return strings.Replace(b, `"task": "infection"`, `"task": "infektion"`, 1) }},
		{"tasks", "view.tasks[1].id", func(b string) string { return strings.Replace(b, `"id": "water"`, `"id": "wasser"`, 1) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := newFixtureV2(t)
			r, err := ReadRecord(h.l)
			require.NoError(t, err)
			body := c.edit(string(r.Docs[1].Doc.Body))
			require.NotEqual(t, string(r.Docs[1].Doc.Body), body)
			// Replace the honest draw: a fresh ledger with only the announcement.
			k := newAnnouncedV2(t)
			err = k.forge(t, KindDraw, body)
			var re *RecordError
			require.ErrorAs(t, err, &re)
			require.Equal(t, c.field, re.Field)
		})
	}

	// A substitution that leaves a v2 team below its size (the v1 form:
	// the member removed, nobody in) is refused: the visit becomes
	// unstaffed, team [].
	am := `{
 "kind": "substitution",
 "published": "2026-03-04T01:00:00Z",
 "draw": "` + f.draw.String() + `",
 "substitutions": [
  {"premises": "12451099498231630C", "out": "WJ4510990002", "in": "", "team": ["WJ4510990008", "WJ4510990009"], "reason": "病假", "conflict": false}
 ]
}
`
	err = f.forge(t, KindAmendment, am)
	require.ErrorIs(t, err, ErrRecord)
	require.Contains(t, err.Error(), "substitutions[0].team")
	require.NoError(t, f.forge(t, KindAmendment, strings.Replace(am, `["WJ4510990008", "WJ4510990009"]`, `[]`, 1)))
}

// newAnnouncedV2 is a ledger holding county c's announcement only, as
// newFixtureV2 starts from (so the same digest).
func newAnnouncedV2(t *testing.T) *fixtureV2 {
	t.Helper()
	agency, av := testKey(t, agencyName)
	l, err := CreateDir(filepath.Join(t.TempDir(), "ledger"), agencyName, DirOptions{Signer: agency, Verifiers: []note.Verifier{av}, Validate: ValidateRecord})
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	plan, err := random.LoadPlanV2(filepath.Join(countyC, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(countyC, roster.Options{Protocol: roster.ProtocolV2, Commitment: roster.Commitment{Key: make([]byte, 32)}})
	require.NoError(t, err)
	dice := random.DiceSource{Ceremony: random.Ceremony{When: "2026-03-03T09:30:00+08:00", Where: "会议室"}}
	f := &fixtureV2{l: l, signers: []Signer{agency}, vs: []note.Verifier{av}, plan: plan, set: set}
	f.ann, err = AnnounceV2(l, f.signers, plan, set, []random.SeedPromise{dice.Promise()}, time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	return f
}

// Tables of the wrong protocol or without the blinding key are refused
// before anything is written.
func TestAnnounceV2Refusals(t *testing.T) {
	f := newAnnouncedV2(t)
	n, _ := f.l.Len()
	v1set, err := roster.LoadDir("../testdata/dr1-county-7", roster.Options{})
	require.NoError(t, err)
	_, err = AnnounceV2(f.l, f.signers, f.plan, v1set, nil, time.Now())
	require.ErrorIs(t, err, errV2Tables)
	pub, err := f.set.PublishedV2(f.plan.Private)
	require.NoError(t, err)
	_, err = AnnounceV2(f.l, f.signers, f.plan, pub, nil, time.Now())
	require.ErrorContains(t, err, "published form")
	// A draw of the v2 announcement from tables read with another
	// blinding key: the roots differ (a private attribute).
	other, err := roster.LoadDir(countyC, roster.Options{Protocol: roster.ProtocolV2, Commitment: roster.Commitment{Key: []byte(strings.Repeat("k", 32))}})
	require.NoError(t, err)
	dice := random.DiceSource{Ceremony: random.Ceremony{When: "2026-03-03T09:30:00+08:00", Where: "会议室"}, Digits: "20237331128159211123"}
	ev, err := dice.Evidence()
	require.NoError(t, err)
	_, _, err = PublishDrawV2(context.Background(), f.l, f.signers, f.ann, other, []random.SeedEvidence{ev}, time.Date(2026, 3, 3, 1, 35, 0, 0, time.UTC))
	var me *MismatchError
	require.ErrorAs(t, err, &me)
	require.Equal(t, "roots.inspectors", me.Field)
	// The v1 draw function on a v2 announcement is refused too.
	_, _, err = PublishDraw(context.Background(), f.l, f.signers, f.ann, f.set, []random.SeedEvidence{ev}, time.Date(2026, 3, 3, 1, 35, 0, 0, time.UTC))
	require.Error(t, err)
	m, _ := f.l.Len()
	require.Equal(t, n, m, "nothing written")
}

// History rows: kinds, matters, dates and inspectors from the results;
// an unstaffed visit without results has no row; a voided draw none.
func TestHistoryRowsV2(t *testing.T) {
	f := newFixtureV2(t)
	_, err := PublishResults(f.l, f.signers, f.draw, nil, []ResultEntry{{
		Premises: "91451099MA5MN2HC34", Outcome: OutcomeNoIssue, Inspected: roster.MustParseDate("2026-03-05"),
		Inspectors: []string{"WJ4510990015", "WJ4510990014"}, // unstaffed by the draw, inspected anyway
	}}, time.Date(2026, 3, 6, 2, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	r, err := ReadRecord(f.l)
	require.NoError(t, err)
	rows := HistoryRows(r)
	byID := map[string]HistoryRow{}
	for _, h := range rows {
		byID[h.Premises] = h
	}
	require.Len(t, rows, 14) // 15 visits, 康乐足浴店 unstaffed without results
	_, ok := byID["92451099MA5GDC4G0P"]
	require.False(t, ok)
	k := byID["91451099MA5MN2HC34"]
	require.True(t, k.Inspected)
	require.Equal(t, "2026-03-05", k.Date.String())
	require.Equal(t, []string{"WJ4510990014", "WJ4510990015"}, k.Inspectors)
	require.Equal(t, []string{"radiation"}, k.Matters)
	require.Equal(t, "random", k.Kind)
	w := byID["91451099MA5020EJ1K"]
	require.Equal(t, "targeted", w.Kind)
	require.Equal(t, "2026-03-03", w.Date.String())
	require.Empty(t, w.Inspectors)
	require.Equal(t, []string{"disinfection", "infection", "school"}, byID["12451099498203250Y"].Matters)

	// The rows read back as a v2 history table.
	var b strings.Builder
	n, err := WriteHistory(&b, f.set.History, rows)
	require.NoError(t, err)
	require.Equal(t, 14, n)
	tab, err := roster.ReadCSV(strings.NewReader(b.String()), roster.KindHistory, roster.Options{Protocol: roster.ProtocolV2})
	require.NoError(t, err)
	require.Equal(t, f.set.History.Len()+14, tab.Len())

	// A redraw voids the draw: no rows until the new draw.
	_, err = Redraw(f.l, f.signers, f.draw, "骰子读数有误", time.Date(2026, 3, 7, 2, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	r, err = ReadRecord(f.l)
	require.NoError(t, err)
	require.Empty(t, HistoryRows(r))
}

// A v2 draw voided by a redraw amendment, announced and drawn again:
// the new announcement answers the redraw and Verify replays both draws.
func TestRedrawV2(t *testing.T) {
	f := newFixtureV2(t)
	red, err := Redraw(f.l, f.signers, f.draw, "骰子读数记录有误", time.Date(2026, 3, 3, 3, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	dice := random.DiceSource{Ceremony: random.Ceremony{When: "2026-03-05T09:30:00+08:00", Where: "会议室"}}
	ann, err := AnnounceV2(f.l, f.signers, f.plan, f.set, []random.SeedPromise{dice.Promise()}, time.Date(2026, 3, 4, 2, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	r, err := ReadRecord(f.l)
	require.NoError(t, err)
	a, _ := r.Lookup(ann)
	require.NotNil(t, a.Announcement.Redraw)
	require.Equal(t, red, *a.Announcement.Redraw)
	dice.Digits = "11112222333344445555"
	ev, err := dice.Evidence()
	require.NoError(t, err)
	_, _, err = PublishDrawV2(context.Background(), f.l, f.signers, ann, f.set, []random.SeedEvidence{ev}, time.Date(2026, 3, 5, 1, 35, 0, 0, time.UTC))
	require.NoError(t, err)
	rep, err := Verify(f.l, f.set, f.vs, Options{})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Draws, 2)
	require.True(t, rep.Draws[0].Replayed && rep.Draws[1].Replayed)
	require.NotEmpty(t, rep.Draws[0].VoidedBy)
	require.Len(t, rep.Redraws, 1)
	// Amendments of the voided draw are refused.
	_, _, err = Substitute(context.Background(), f.l, f.signers, f.draw, f.set,
		[]random.Substitution{{Premises: "12451099498231630C", Out: "WJ4510990002", Reason: "病假"}}, time.Date(2026, 3, 6, 1, 0, 0, 0, time.UTC))
	require.ErrorIs(t, err, ErrReference)
}
