package publish

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
)

// The bundle of a v2 ledger (protocol v2 §9): its tables are in published
// form — no private value (an inspector's name or phone, a conflict's
// reason, a history remark) appears anywhere in the bundle, each only as
// its digest — and they still give the announced roots, so that
// VerifyBundle replays the v2 draw from the bundle alone and
// SelfCheckBundle answers per task with a proof checked against the
// announced root.
func TestBundleV2(t *testing.T) {
	f := newFixtureV2(t)
	dir := filepath.Join(t.TempDir(), "bundle")
	require.NoError(t, WriteBundle(dir, f.l, TablesByRoots(f.set)))

	// No private value anywhere in the bundle.
	var all bytes.Buffer
	require.NoError(t, filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, err := os.ReadFile(p)
			all.Write(b)
			return err
		}
		return err
	}))
	var private []string
	for _, k := range roster.Kinds {
		for _, r := range f.set.Table(k).Rows() {
			for _, name := range f.plan.Private[k] {
				if v := r.Get(name); len(v) >= 4 {
					private = append(private, v)
				}
			}
		}
	}
	require.Greater(t, len(private), 10, "the county has private values")
	require.Contains(t, private, "王建华")
	require.Contains(t, private, "13907761201")
	for _, v := range private {
		require.NotContains(t, all.String(), v, "a private value in the bundle")
	}
	// Public attributes are there (the tables are not empty shells).
	require.Contains(t, all.String(), "WJ4510990001")

	b, err := OpenBundle(os.DirFS(dir))
	require.NoError(t, err)
	r, err := ReadRecord(f.l)
	require.NoError(t, err)
	set, err := b.Tables(r.Docs[0])
	require.NoError(t, err)
	require.Equal(t, roster.ProtocolV2, set.Protocol())
	require.True(t, set.Commitment().Published)
	roots, err := set.RootsV2(f.plan.Private)
	require.NoError(t, err)
	require.Equal(t, r.Docs[0].Announcement.Roots, roots, "the published tables give the announced roots")
	row, ok := set.Inspectors.Lookup("WJ4510990001")
	require.True(t, ok)
	require.Len(t, row.Get("name"), 64, "the name is its digest D")

	rep, err := VerifyBundle(b, f.vs, Options{Policy: Policy{Require: []string{agencyName}}})
	require.NoError(t, err)
	require.True(t, rep.OK(), "%v", rep.Problems)
	require.Len(t, rep.Draws, 1)
	require.True(t, rep.Draws[0].Replayed, "the v2 draw replays from the bundle alone")

	// Self-checks: a visited premises, per task; one not visited.
	visited := f.res.View().Visits[0].ID
	sc, err := SelfCheckBundle(b, f.vs, visited, SelfCheckOptions{Policy: Policy{Require: []string{agencyName}}})
	require.NoError(t, err)
	require.Equal(t, VerdictSelected, sc.Verdict, sc.Explanation)
	require.NotEmpty(t, sc.Tasks)
	var other string
	for _, p := range f.set.Premises.Rows() {
		if sc, err := SelfCheckBundle(b, f.vs, p.ID, SelfCheckOptions{}); err == nil && sc.Verdict == VerdictNotSelected {
			other = p.ID
			require.NotEmpty(t, sc.Tasks, "the not-selected answer compares W with each task's threshold")
			break
		}
	}
	require.NotEmpty(t, other, "a premises rightly not selected")

	// A changed row of the published inspectors table: the root differs.
	files, err := filepath.Glob(filepath.Join(dir, "tables", "inspectors-*.csv"))
	require.NoError(t, err)
	require.Len(t, files, 1)
	data, err := os.ReadFile(files[0])
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(files[0], []byte(strings.Replace(string(data), "WJ4510990001,", "WJ4510990001,x", 1)), 0o644))
	b, err = OpenBundle(os.DirFS(dir))
	require.NoError(t, err)
	rep, err = VerifyBundle(b, f.vs, Options{})
	require.NoError(t, err)
	require.False(t, rep.OK())
	require.Contains(t, rep.Problems[0].Err.Error(), "inspectors")
}

// The operator, with the real key and no regard for the tables, publishes
// a bundle whose v2 draw marks a premises drawn at random as targeted by
// the plan: VerifyBundle refuses it by the public checks (naming the
// draw and the field), and the business is told WRONG by its self-check.
func TestBundleV2ForgedSelection(t *testing.T) {
	f := newFixtureV2(t)
	r, err := ReadRecord(f.l)
	require.NoError(t, err)
	m := &memLedger{name: r.Name, signer: f.signers[0], docs: [][]byte{r.Docs[0].Signed}}
	d := r.Docs[1].Draw
	v := f.res.View()
	var id string
	for i := range v.Visits {
		if len(v.Visits[i].Tasks) == 1 && v.Visits[i].Tasks[0].Mark == random.MarkRandom {
			v.Visits[i].Tasks[0].Mark, id = random.MarkTargeted, v.Visits[i].ID
			break
		}
	}
	require.NotEmpty(t, id)
	(&fixture{signers: f.signers}).forge(t, m, KindDraw, &drawBodyV2{Announcement: d.Announcement, DrawnAt: d.DrawnAt, Evidence: d.Evidence, Seed: d.Seed, View: v})
	b := forgedBundle(t, m, TablesByRoots(f.set))
	rep, err := VerifyBundle(b, f.vs, Options{})
	require.NoError(t, err)
	require.False(t, rep.OK())
	p := rep.Problems[0]
	require.Equal(t, "000002-draw.note", p.Doc)
	require.ErrorIs(t, p.Err, ErrSelection)
	require.Contains(t, p.String(), "the plan does not target "+id)
	var re *RecordError
	require.ErrorAs(t, p.Err, &re)
	require.Regexp(t, `^view\.visits\[\d+\]\.tasks\[0\]\.mark$`, re.Field)

	sc, err := SelfCheckBundle(b, f.vs, id, SelfCheckOptions{})
	require.NoError(t, err)
	require.Equal(t, VerdictWrong, sc.Verdict, sc.Explanation)
	require.Contains(t, sc.Explanation, "000002-draw.note")
}
