package random

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// tables are hand-made rows for small tests.
type tables struct {
	premises, inspectors, conflicts, history []map[string]string
}

func mkTable(t *testing.T, kind roster.Kind, rows []map[string]string) *roster.Table {
	t.Helper()
	var rs []roster.Row
	for i, m := range rows {
		id := m["id"]
		attrs := map[string]string{}
		for k, v := range m {
			if k != "id" {
				attrs[k] = v
			}
		}
		r, err := roster.NewRow(id, attrs)
		if kind == roster.KindConflicts && id == "" {
			r, err = roster.Row{Attrs: []roster.Attr{{Name: "inspector", Value: m["inspector"]}, {Name: "premises", Value: m["premises"]}}}, nil
		}
		require.NoError(t, err)
		r.Line = i + 2
		rs = append(rs, r)
	}
	tb, err := roster.NewTable(kind, rs, roster.Options{File: kind.String() + ".csv"})
	require.NoError(t, err)
	return tb
}

func mkSet(t *testing.T, tb tables) *roster.Set {
	t.Helper()
	set, err := roster.NewSet(
		mkTable(t, roster.KindPremises, tb.premises),
		mkTable(t, roster.KindInspectors, tb.inspectors),
		mkTable(t, roster.KindConflicts, tb.conflicts),
		mkTable(t, roster.KindHistory, tb.history),
	)
	require.NoError(t, err)
	return set
}

// planDate is the date of every small test plan.
const planDate = "2026-11-22"

// smallPlan returns a plan with the given fields after protocol and date.
func smallPlan(t *testing.T, fields string) *Plan {
	t.Helper()
	js := `{"protocol": "doublerandom/v1", "date": "` + planDate + `"`
	if fields != "" {
		js += ", " + fields
	}
	p, err := ParsePlan([]byte(js + "}"))
	require.NoError(t, err)
	return p
}

func drawSmall(t *testing.T, fields string, tb tables) *Result {
	t.Helper()
	res, err := Draw(context.Background(), smallPlan(t, fields), mkSet(t, tb), []byte("test seed"), Options{})
	require.NoError(t, err)
	return res
}

// day returns the plan date plus n days as YYYY-MM-DD.
func day(n int) string { return roster.MustParseDate(planDate).AddDays(n).String() }

func TestDrawErrors(t *testing.T) {
	tb := tables{premises: []map[string]string{{"id": "P1"}}, inspectors: []map[string]string{{"id": "I1"}}}
	set := mkSet(t, tb)
	plan := smallPlan(t, `"quotas": [{"ratio": "100%"}]`)
	ctx := context.Background()

	_, err := Draw(ctx, plan, set, nil, Options{})
	require.ErrorIs(t, err, ErrSeedInvalid)
	_, err = Draw(ctx, plan, set, make([]byte, MaxSeedSize+1), Options{})
	require.ErrorIs(t, err, ErrSeedInvalid)
	_, err = Draw(ctx, &Plan{Protocol: Protocol}, set, []byte("s"), Options{})
	require.Error(t, err, "a plan without bytes has no digest")
	_, err = Draw(ctx, nil, set, []byte("s"), Options{})
	require.Error(t, err)
	_, err = Draw(ctx, plan, nil, []byte("s"), Options{})
	require.Error(t, err)
	_, err = Draw(ctx, smallPlan(t, `"targeted": [{"id": "P2"}]`), set, []byte("s"), Options{})
	require.ErrorIs(t, err, ErrTargetUnknown)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = Draw(cancelled, plan, set, []byte("s"), Options{})
	require.True(t, errors.Is(err, context.Canceled), "%v", err)
}

func TestDrawProgress(t *testing.T) {
	plan, set := loadCounty(t, "dr1-county-7")
	var got []Progress
	_, err := Draw(context.Background(), plan, set, []byte("20237331128159211123"), Options{Progress: func(p Progress) { got = append(got, p) }})
	require.NoError(t, err)
	var phases []Phase
	for _, p := range got {
		require.LessOrEqual(t, p.Done, p.Total)
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
	}
	require.Equal(t, []Phase{PhaseScope, PhasePriorities, PhaseSelect, PhaseTeams}, phases)
	last := got[len(got)-1]
	require.Equal(t, last.Total, last.Done)
	require.Equal(t, "teams", last.Phase.String())
}

func TestDrawCancelledMidway(t *testing.T) {
	// Enough rows for several progress batches; cancel at the first report
	// after the start.
	var rows []map[string]string
	for i := range 2*ProgressEvery + 1 {
		rows = append(rows, map[string]string{"id": "P" + itoa(i)})
	}
	set := mkSet(t, tables{premises: rows})
	plan := smallPlan(t, `"quotas": [{"ratio": "1%"}]`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	calls := 0
	_, err := Draw(ctx, plan, set, []byte("s"), Options{Progress: func(p Progress) {
		calls++
		if p.Done > 0 {
			cancel()
		}
	}})
	require.ErrorIs(t, err, context.Canceled)
	require.Less(t, calls, 10)
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b []byte
	for ; i > 0; i /= 10 {
		b = append([]byte{byte('0' + i%10)}, b...)
	}
	return string(b)
}

func TestMarkText(t *testing.T) {
	for _, m := range []Mark{MarkOverdue, MarkRandom, MarkTargeted} {
		b, err := m.MarshalText()
		require.NoError(t, err)
		var back Mark
		require.NoError(t, back.UnmarshalText(b))
		require.Equal(t, m, back)
	}
	_, err := Mark(0).MarshalText()
	require.Error(t, err)
	var m Mark
	require.Error(t, m.UnmarshalText([]byte("lucky")))
	require.Equal(t, "Mark(9)", Mark(9).String())
	require.Equal(t, "Phase(9)", Phase(9).String())
}

func TestInspectorLoad(t *testing.T) {
	left, limited := InspectorLoad{Capacity: -1, Used: 4}.Left()
	require.False(t, limited)
	require.Zero(t, left)
	left, limited = InspectorLoad{Capacity: 3, Used: 1}.Left()
	require.True(t, limited)
	require.Equal(t, 2, left)
}
