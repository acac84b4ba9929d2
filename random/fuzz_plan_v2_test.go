package random

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// FuzzParsePlanV2 checks that ParsePlanV2 never panics, that every error
// is a *PlanError of a known kind, that what it accepts keeps the rules
// of protocol v2 §2 (tasks with valid, unique ids and valid ratios, teams
// of at least 2, weights 1..1000, no private attribute the draw reads),
// that the digest is the SHA-256 of the input, and that the plan's
// MarshalJSON parses back to the same fields.
func FuzzParsePlanV2(f *testing.F) {
	for _, d := range []string{"dr2-county-a", "dr2-county-b", "dr2-county-c", "dr2-county-d", "dr2-county-d/refused"} {
		b, err := os.ReadFile(filepath.Join(testdataV2, d, "plan.json"))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte(basePlanV2))
	f.Add([]byte(`{"protocol": "doublerandom/v2", "date": "2026-03-02", "tasks": [{"id": "a", "ratio": "5%"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := ParsePlanV2(b)
		if err != nil {
			require.Nil(t, p)
			requirePlanError(t, err)
			return
		}
		require.Equal(t, roster.Hash(sha256.Sum256(b)), p.Digest())
		require.Equal(t, ProtocolV2, p.Protocol)
		require.NotEmpty(t, p.Tasks)
		require.GreaterOrEqual(t, p.Teams.Size, 2)
		for i, task := range p.Tasks {
			require.NoError(t, validTaskID(task.ID))
			require.NoError(t, validTaskID(task.Matter))
			require.Equal(t, i, p.TaskIndex(task.ID))
			require.True(t, task.Ratio.Valid())
			if task.Weight != nil {
				for _, w := range task.Weight.Values {
					require.True(t, w.Weight >= 1 && w.Weight <= MaxWeight)
				}
			}
		}
		read := p.premisesRead()
		for _, n := range p.Private[roster.KindPremises] {
			_, isRead := read[n]
			require.False(t, isRead, n)
		}
		enc, err := json.Marshal(p)
		require.NoError(t, err)
		again, err := ParsePlanV2(enc)
		require.NoError(t, err, "%s", enc)
		require.Equal(t, stripPlan(p), stripPlan(again))
	})
}

// stripPlan is the plan's fields without its bytes (and ratio texts,
// which MarshalJSON keeps but may not be byte-equal after JSON escapes).
func stripPlan(p *PlanV2) PlanV2 {
	c := *p
	c.bytes, c.digest, c.lines, c.file, c.Notes = nil, roster.Hash{}, nil, "", nil
	c.Tasks = slices.Clone(c.Tasks)
	for i := range c.Tasks {
		c.Tasks[i].Ratio.text = ""
	}
	return c
}

// TestDrawV2Shuffled reads the county tables from shuffled rows and draws
// with different worker counts: the view's bytes must not change.
func TestDrawV2Shuffled(t *testing.T) {
	for _, v := range countyV2Vectors(t) {
		t.Run(v.dir+"/"+v.view, func(t *testing.T) {
			plan, set := loadCountyV2(t, v.dir)
			res, err := DrawV2(context.Background(), plan, set, v.seed, Options{Workers: 1})
			require.NoError(t, err)
			want, err := res.View().Encode()
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(7, 22))
			for round := range 3 {
				shuffle := shuffler(t, rng, roster.Options{Protocol: roster.ProtocolV2})
				s2, err := roster.NewSetV2(shuffle(set.Premises), shuffle(set.Inspectors), shuffle(set.Conflicts), shuffle(set.History), zeroBlinding)
				require.NoError(t, err)
				res2, err := DrawV2(context.Background(), plan, s2, v.seed, Options{Workers: round + 2})
				require.NoError(t, err)
				got, err := res2.View().Encode()
				require.NoError(t, err)
				require.Equal(t, string(want), string(got), "round %d", round)
			}
		})
	}
}

// TestDrawV2Published: a draw from the published tables (private values
// replaced by their digests, no blinding key) gives the same view.
func TestDrawV2Published(t *testing.T) {
	for _, v := range countyV2Vectors(t) {
		plan, set := loadCountyV2(t, v.dir)
		pub, err := set.PublishedV2(plan.Private)
		require.NoError(t, err)
		res, err := DrawV2(context.Background(), plan, pub, v.seed, Options{})
		require.NoError(t, err)
		got, err := res.View().Encode()
		require.NoError(t, err)
		want, err := os.ReadFile(filepath.Join(testdataV2, v.dir, v.view))
		require.NoError(t, err)
		require.Equal(t, string(want), string(got), v.dir)
		// Another blinding key: other roots, another key, another view.
		other := roster.Commitment{Key: slices.Repeat([]byte{1}, roster.BlindingKeySize)}
		s3, err := roster.NewSetV2(set.Premises, set.Inspectors, set.Conflicts, set.History, other)
		require.NoError(t, err)
		res3, err := DrawV2(context.Background(), plan, s3, v.seed, Options{})
		require.NoError(t, err)
		require.NotEqual(t, res.Roots.Inspectors, res3.Roots.Inspectors)
		require.NotEqual(t, res.Key, res3.Key)
	}
}

// TestDrawV2Context: a cancelled context stops the draw.
func TestDrawV2Context(t *testing.T) {
	plan, set := loadCountyV2(t, "dr2-county-b")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := DrawV2(ctx, plan, set, diceV2, Options{})
	require.ErrorIs(t, err, context.Canceled)
	var phases []Phase
	_, err = DrawV2(context.Background(), plan, set, diceV2, Options{Progress: func(p Progress) {
		if len(phases) == 0 || phases[len(phases)-1] != p.Phase {
			phases = append(phases, p.Phase)
		}
	}})
	require.NoError(t, err)
	require.Equal(t, []Phase{PhaseScope, PhasePriorities, PhaseSelect, PhaseTeams}, phases)
	// A v1 set is refused.
	v1, err := roster.LoadDir(filepath.Join(testdataV2, "dr2-county-b"), roster.Options{})
	if err == nil {
		_, err = DrawV2(context.Background(), plan, v1, diceV2, Options{})
	}
	require.Error(t, err)
}
