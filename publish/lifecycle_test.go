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

const county7 = "../testdata/dr1-county-7"

// Times of the test draw: announced on 20 November, dice read at the
// ceremony on the morning of 22 November (CST), results on 1 December.
var (
	tAnnounce = time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC)
	tDraw     = time.Date(2026, 11, 22, 1, 35, 0, 0, time.UTC)
	tAmend    = time.Date(2026, 11, 23, 3, 0, 0, 0, time.UTC)
	tResults  = time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	ceremony  = random.Ceremony{When: "2026-11-22T09:30:00+08:00", Where: "县卫生健康局三楼会议室"}
	digits    = "2023 7331 1281 5921 1123"
)

type fixture struct {
	dir      string
	l        *DirLedger
	signers  []Signer
	vs       []note.Verifier
	plan     *random.Plan
	set      *roster.Set
	ann      Digest
	draw     Digest
	res      *random.Result
	promises []random.SeedPromise
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	return newFixtureOf(t, county7)
}

// newFixtureOf is newFixture for the tables (and plan) in the folder
// tables.
func newFixtureOf(t *testing.T, tables string) *fixture {
	t.Helper()
	agency, av := testKey(t, agencyName)
	office, ov := testKey(t, witnessName)
	dir := filepath.Join(t.TempDir(), "ledger")
	l, err := CreateDir(dir, agencyName, DirOptions{Signer: agency, Verifiers: []note.Verifier{av}, Validate: ValidateRecord})
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	plan, err := random.LoadPlan(filepath.Join(tables, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(tables, roster.Options{})
	require.NoError(t, err)
	return &fixture{dir: dir, l: l, signers: []Signer{agency, office}, vs: []note.Verifier{av, ov}, plan: plan, set: set,
		promises: []random.SeedPromise{random.DiceSource{Ceremony: ceremony}.Promise()}}
}

func (f *fixture) announce(t *testing.T) {
	t.Helper()
	var err error
	f.ann, err = Announce(f.l, f.signers, f.plan, f.set, f.promises, tAnnounce)
	require.NoError(t, err)
}

func (f *fixture) drawDice(t *testing.T) {
	t.Helper()
	ev, err := random.DiceSource{Ceremony: ceremony, Digits: digits}.Evidence()
	require.NoError(t, err)
	f.res, f.draw, err = PublishDraw(context.Background(), f.l, f.signers, f.ann, f.set, []random.SeedEvidence{ev}, tDraw)
	require.NoError(t, err)
}

// staffed returns the first selected premises with a team.
func (f *fixture) staffed(t *testing.T) random.Selection {
	for _, s := range f.res.Selected {
		if s.Team != nil {
			return s
		}
	}
	t.Fatal("no staffed premises")
	return random.Selection{}
}

func TestLifecycle(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	require.Equal(t, "4730068ff4de32c7ada5bde673866566de11d35a2aa6ac15123ebc7fa4095956", f.res.Key.String())
	// The worked example of the SPEC draft (publish-documents.md). Do not
	// change: these digests cover the published bytes of the bodies.
	require.Equal(t, "619a7bce6c1f17640b95d2dde57c3c0b9880fe4b058a04afd3a44740001216e7", f.ann.String())
	require.Equal(t, "b79567f387f7649bf322840049f3cde888de4de7390be2b04f4bbffedc04e1c7", f.draw.String())

	// The first staffed premises has no replacement left (its team
	// shrinks); the second gets one.
	pick := func(id string) random.Selection {
		o, _ := f.res.Outcome(id)
		return f.res.Selected[o.Selected]
	}
	s0, s := pick("91371727B23C6F5DAF"), pick("91371727HD841G735N")
	reps, _, err := Substitute(context.Background(), f.l, f.signers, f.draw, f.set, []random.Substitution{
		{Premises: s0.ID, Out: s0.Team[0].ID, Reason: "病假 (sick leave)"},
		{Premises: s.ID, Out: s.Team[0].ID, Reason: "回避", Conflict: true},
	}, tAmend)
	require.NoError(t, err)
	require.Len(t, reps, 2)
	require.Equal(t, "", reps[0].In)
	require.Equal(t, []string{s0.Team[1].ID}, reps[0].Team)
	require.Equal(t, "WJ3717270084", reps[1].In)
	reps = reps[1:]
	r, err := ReadRecord(f.l)
	require.NoError(t, err)
	amend := r.Docs[len(r.Docs)-1].Amendment
	require.Equal(t, []ConflictItem{{Inspector: s.Team[0].ID, Premises: s.ID, Reason: "回避"}}, amend.Conflicts)
	_, _, err = Substitute(context.Background(), f.l, f.signers, f.draw, f.set,
		[]random.Substitution{{Premises: s.ID, Out: s.Team[0].ID, Reason: "again"}}, tAmend)
	require.ErrorIs(t, err, random.ErrNotOnTeam)

	var results []ResultEntry
	for _, sel := range f.res.Selected {
		team := sel.TeamIDs()
		if sel.ID == s.ID {
			team = reps[0].Team
		}
		if len(team) == 0 {
			continue
		}
		results = append(results, ResultEntry{Premises: sel.ID, Outcome: OutcomeNoIssue, Inspected: roster.MustParseDate("2026-11-25"), Inspectors: team})
	}
	_, err = PublishResults(f.l, f.signers, f.draw, nil, results, tResults)
	require.NoError(t, err)

	rep, err := Verify(f.l, f.set, f.vs, Options{Policy: Policy{Require: []string{agencyName, witnessName}}})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Draws, 1)
	require.True(t, rep.Draws[0].Replayed)
	require.Equal(t, 2, rep.Draws[0].Substitutions)
	require.Equal(t, []string{agencyName, witnessName}, rep.Signers)
	t.Log(rep.String())
}

// A body is read strictly: a repeated key or an escape of half a
// surrogate pair is malformed, not silently resolved.
func TestParseBodyStrict(t *testing.T) {
	for name, body := range map[string]string{
		"repeated key":   `{"kind":"redraw","kind":"redraw"}`,
		"lone surrogate": `{"kind":"redraw","published":"2026-11-23T01:00:00Z","draw":"` + strings.Repeat("0", 64) + `","reason":"\ud800"}`,
		"trailing data":  `{"kind":"redraw"} {}`,
	} {
		_, err := ParseBody(&Document{Kind: KindAmendment, Body: []byte(body + "\n")})
		require.ErrorIs(t, err, ErrMalformed, name)
	}
	// The same amendment with a real character parses.
	ok := `{"kind":"redraw","published":"2026-11-23T01:00:00Z","draw":"` + strings.Repeat("0", 64) + `","reason":"\u75c5"}`
	_, err := ParseBody(&Document{Kind: KindAmendment, Body: []byte(ok + "\n")})
	require.NoError(t, err)
}
