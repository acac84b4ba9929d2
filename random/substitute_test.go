package random

import (
	"context"
	"crypto/sha256"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// drawVector replays a county vector of testdata/ (seeds from
// testdata/README.md).
func drawVector(t testing.TB, county string) *Result {
	t.Helper()
	seed := []byte("20237331128159211123")
	if county == "dr1-county-12" {
		h := sha256.Sum256([]byte("example seed"))
		seed = h[:]
	}
	dir := filepath.Join("..", "testdata", county)
	plan, err := LoadPlan(filepath.Join(dir, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(dir, roster.Options{})
	require.NoError(t, err)
	r, err := Draw(context.Background(), plan, set, seed, Options{})
	require.NoError(t, err)
	return r
}

// County-7 ids used below (from its draw: see expected-view.json).
const (
	c7Random   = "91371727B23C6F5DAF" // random, rule 2 (unit county-bureau), team 0084 (county-bureau), 0077
	c7Overdue  = "91371727HD841G735N" // overdue, rule 2, team 0021, 0098
	c7School   = "913717271J37J1JJCY" // overdue, rule 2, team 0000, 0056
	c7Water    = "91371727B14028D51C" // overdue, rule 2, team 0021, 0007
	c7Short    = "371727081235"       // overdue, unstaffed (one eligible inspector)
	c7NotDrawn = "371727045915"       // in scope, ranked after the quota
)

// bruteSubstitute is an independent reading of protocol §6
// substitution, for the tests: for each substitution, scan E(p) in
// (Q, id) order and take the first inspector who was never on p's team
// (the draw's team and every earlier In and Out of p), whose used
// capacity (the draw's plus every earlier In anywhere) is under their
// capacity, and with whom the new team breaks no max_per_unit and
// covers each required unit at least as well as the team before it
// (capped at what the rule requires).
func bruteSubstitute(t testing.TB, r *Result, subs []Substitution) []Replacement {
	unitOf := func(id string) string {
		row, _ := r.Set.Inspectors.Lookup(id)
		return row.Get(roster.AttrUnit)
	}
	var done []Replacement
	for _, sub := range subs {
		sel := &r.Selected[r.Premises[r.Set.Premises.Index(sub.Premises)].Selected]
		rule := r.Plan.Teams[sel.Rule]
		team := sel.TeamIDs()
		ever := sel.TeamIDs()
		for _, d := range done {
			if d.Premises == sub.Premises {
				team = d.Team
				ever = append(ever, d.Out, d.In)
			}
		}
		pos := slices.Index(team, sub.Out)
		cover := func(team []string, u string) int {
			n := 0
			for _, m := range team {
				if unitOf(m) == u {
					n++
				}
			}
			return min(n, countOf(rule.Units, u))
		}
		in := ""
		all, err := r.EligibleFor(sub.Premises) // all of E(p), not the kept prefix
		require.NoError(t, err)
		for _, c := range all {
			if slices.Contains(ever, c.ID) {
				continue
			}
			load := r.Load[c.Inspector]
			for _, d := range done {
				if d.In == c.ID {
					load.Used++
				}
			}
			if !load.hasRoom() {
				continue
			}
			next := slices.Clone(team)
			next[pos] = c.ID
			ok := true
			for _, m := range next {
				n := 0
				for _, o := range next {
					if unitOf(o) == unitOf(m) {
						n++
					}
				}
				if rule.MaxPerUnit > 0 && n > rule.MaxPerUnit {
					ok = false
				}
			}
			for _, u := range rule.Units {
				if cover(next, u) < cover(team, u) {
					ok = false
				}
			}
			if ok {
				in = c.ID
				break
			}
		}
		next := slices.Clone(team)
		if in != "" {
			next[pos] = in
		} else {
			next = slices.Delete(next, pos, pos+1)
		}
		done = append(done, Replacement{Substitution: sub, In: in, Team: next, Short: len(next) < rule.Size, Rule: sel.Rule})
	}
	return done
}

func TestSubstitute(t *testing.T) {
	r := drawVector(t, "dr1-county-7")
	viewBefore, err := r.View().Encode()
	require.NoError(t, err)
	loadBefore := slices.Clone(r.Load)

	sub := func(p, out string) Substitution { return Substitution{Premises: p, Out: out, Reason: "ill"} }
	type want struct {
		in    string
		team  []string
		short bool
	}
	tests := []struct {
		name string
		subs []Substitution
		want []want
	}{
		{
			// E(p) in (Q, id) order: 0077 0084 0028 0091 0098 0021 0000
			// 0007 0056; 0098 0021 0000 0056 are at capacity after the
			// draw. Each replacement is the next qualifying candidate and
			// nobody ever comes back.
			name: "chain on one premises",
			subs: []Substitution{sub(c7Random, "WJ3717270077"), sub(c7Random, "WJ3717270028"), sub(c7Random, "WJ3717270091"), sub(c7Random, "WJ3717270007")},
			want: []want{
				{"WJ3717270028", []string{"WJ3717270084", "WJ3717270028"}, false},
				{"WJ3717270091", []string{"WJ3717270084", "WJ3717270091"}, false},
				{"WJ3717270007", []string{"WJ3717270084", "WJ3717270007"}, false},
				{"", []string{"WJ3717270084"}, true},
			},
		},
		{
			// 0084 is the team's only county-bureau member; the other
			// county-bureau inspectors of E(p) (0021, 0000) are at
			// capacity: no candidate keeps the required unit.
			name: "required unit, no candidate",
			subs: []Substitution{sub(c7Random, "WJ3717270084")},
			want: []want{{"", []string{"WJ3717270077"}, true}},
		},
		{
			name: "first qualifying candidate",
			subs: []Substitution{sub(c7Water, "WJ3717270007")},
			want: []want{{"WJ3717270091", []string{"WJ3717270021", "WJ3717270091"}, false}},
		},
		{
			// 0091 has 2 teams left after the draw: two substitutions use
			// them, and the third premises, whose first candidate it is,
			// gets the next one.
			name: "capacity consumed across premises",
			subs: []Substitution{sub(c7Overdue, "WJ3717270098"), sub(c7School, "WJ3717270056"), sub(c7Water, "WJ3717270007")},
			want: []want{
				{"WJ3717270091", []string{"WJ3717270021", "WJ3717270091"}, false},
				{"WJ3717270091", []string{"WJ3717270000", "WJ3717270091"}, false},
				{"WJ3717270077", []string{"WJ3717270021", "WJ3717270077"}, false},
			},
		},
		{
			// An Out's capacity is not given back: 0091 leaves the team
			// it got and is still at capacity for the next premises.
			name: "capacity not returned",
			subs: []Substitution{sub(c7Overdue, "WJ3717270098"), sub(c7School, "WJ3717270056"), sub(c7School, "WJ3717270091"), sub(c7Water, "WJ3717270007")},
			want: []want{
				{"WJ3717270091", []string{"WJ3717270021", "WJ3717270091"}, false},
				{"WJ3717270091", []string{"WJ3717270000", "WJ3717270091"}, false},
				{"WJ3717270084", []string{"WJ3717270000", "WJ3717270084"}, false},
				{"WJ3717270077", []string{"WJ3717270021", "WJ3717270077"}, false},
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Substitute(tc.subs)
			require.NoError(t, err)
			require.Len(t, got, len(tc.want))
			for i, w := range tc.want {
				require.Equal(t, tc.subs[i], got[i].Substitution)
				require.Equal(t, w.in, got[i].In, "substitution %d", i)
				require.Equal(t, w.team, got[i].Team, "substitution %d", i)
				require.Equal(t, w.short, got[i].Short, "substitution %d", i)
				require.Equal(t, 2, got[i].Rule)
			}
			require.Equal(t, bruteSubstitute(t, r, tc.subs), got)
		})
	}

	// The result is not modified.
	viewAfter, err := r.View().Encode()
	require.NoError(t, err)
	require.Equal(t, string(viewBefore), string(viewAfter))
	require.Equal(t, loadBefore, r.Load)
}

// TestSubstituteRandomChains compares Substitute with bruteSubstitute on
// random sequences of valid substitutions on both counties, and checks
// that no premises ever gets back an earlier member.
func TestSubstituteRandomChains(t *testing.T) {
	for _, county := range []string{"dr1-county-7", "dr1-county-12"} {
		t.Run(county, func(t *testing.T) {
			r := drawVector(t, county)
			rng := rand.New(rand.NewPCG(6, 12))
			for range 30 {
				var subs []Substitution
				teams := map[string][]string{}
				for _, s := range r.Selected {
					if s.Team != nil {
						teams[s.ID] = s.TeamIDs()
					}
				}
				var staffed []string
				for _, s := range r.Selected {
					if s.Team != nil {
						staffed = append(staffed, s.ID)
					}
				}
				for range 12 {
					p := staffed[rng.IntN(len(staffed))]
					if len(teams[p]) == 0 {
						continue
					}
					out := teams[p][rng.IntN(len(teams[p]))]
					subs = append(subs, Substitution{Premises: p, Out: out, Reason: "ill", Conflict: rng.IntN(2) == 0})
					got, err := r.Substitute(subs)
					require.NoError(t, err)
					teams[p] = got[len(got)-1].Team
				}
				got, err := r.Substitute(subs)
				require.NoError(t, err)
				require.Equal(t, bruteSubstitute(t, r, subs), got)
				// Nobody returns to a premises they left.
				left := map[string]bool{}
				for _, rep := range got {
					left[rep.Premises+" "+rep.Out] = true
					require.False(t, left[rep.Premises+" "+rep.In], "%s returns to %s", rep.In, rep.Premises)
				}
			}
		})
	}
}

func TestSubstituteErrors(t *testing.T) {
	r := drawVector(t, "dr1-county-7")
	ok := Substitution{Premises: c7Random, Out: "WJ3717270077", Reason: "ill"}
	tests := []struct {
		name  string
		subs  []Substitution
		index int
		want  error
	}{
		{"no reason", []Substitution{{Premises: c7Random, Out: "WJ3717270077"}}, 0, ErrBadReason},
		{"blank reason", []Substitution{ok, {Premises: c7Random, Out: "WJ3717270084", Reason: " \u3000 "}}, 1, ErrBadReason},
		{"control character in reason", []Substitution{{Premises: c7Random, Out: "WJ3717270077", Reason: "ill\nagain"}}, 0, ErrBadReason},
		{"unknown premises", []Substitution{{Premises: "91371727000000000X", Out: "WJ3717270077", Reason: "ill"}}, 0, ErrUnknownPremises},
		{"premises not selected", []Substitution{{Premises: c7NotDrawn, Out: "WJ3717270077", Reason: "ill"}}, 0, ErrNotSelected},
		{"premises unstaffed", []Substitution{{Premises: c7Short, Out: "WJ3717270056", Reason: "ill"}}, 0, ErrUnstaffed},
		{"unknown inspector", []Substitution{{Premises: c7Random, Out: "WJ0000000000", Reason: "ill"}}, 0, ErrUnknownInspector},
		{"not on the team", []Substitution{{Premises: c7Random, Out: "WJ3717270028", Reason: "ill"}}, 0, ErrNotOnTeam},
		{"already replaced", []Substitution{ok, ok}, 1, ErrNotOnTeam},
		{"team emptied", []Substitution{
			{Premises: c7Random, Out: "WJ3717270084", Reason: "ill"},
			{Premises: c7Random, Out: "WJ3717270077", Reason: "ill"},
			{Premises: c7Random, Out: "WJ3717270077", Reason: "ill"},
		}, 2, ErrNotOnTeam},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := r.Substitute(tc.subs)
			require.Nil(t, got)
			require.ErrorIs(t, err, tc.want)
			var se *SubstitutionError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.index, se.Index)
			require.Equal(t, tc.subs[tc.index].Premises, se.Premises)
			require.Equal(t, tc.subs[tc.index].Out, se.Inspector)
			require.Contains(t, err.Error(), tc.subs[tc.index].Premises)
		})
	}

	// Unknown ids are also *LookupError values naming the table.
	_, err := r.Substitute([]Substitution{{Premises: c7Random, Out: "WJ0000000000", Reason: "ill"}})
	var le *LookupError
	require.ErrorAs(t, err, &le)
	require.Equal(t, roster.KindInspectors, le.Kind)
	require.Equal(t, "WJ0000000000", le.ID)

	// No substitutions, no replacements.
	got, err := r.Substitute(nil)
	require.NoError(t, err)
	require.Empty(t, got)
}

func TestReplacementConflictRow(t *testing.T) {
	r := drawVector(t, "dr1-county-7")
	got, err := r.Substitute([]Substitution{
		{Premises: c7Random, Out: "WJ3717270077", Reason: "cousin of the owner", Conflict: true},
		{Premises: c7Random, Out: "WJ3717270084", Reason: "ill"},
	})
	require.NoError(t, err)
	row, ok := got[0].ConflictRow()
	require.True(t, ok)
	require.Equal(t, "WJ3717270077 "+c7Random, row.ID)
	require.Equal(t, "WJ3717270077", row.Get(roster.AttrInspector))
	require.Equal(t, c7Random, row.Get(roster.AttrPremises))
	require.Equal(t, "cousin of the owner", row.Get(roster.AttrReason))
	// The row is a valid conflicts row.
	_, err = roster.NewTable(roster.KindConflicts, []roster.Row{row}, roster.Options{})
	require.NoError(t, err)
	_, ok = got[1].ConflictRow()
	require.False(t, ok)
}
