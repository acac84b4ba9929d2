package publish

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
)

const county12 = "../testdata/dr1-county-12"

// The second quarter of the two-roster ledger: announced on 24
// December, dice read on 4 December.
var (
	tAnnounce2 = time.Date(2026, 12, 2, 2, 0, 0, 0, time.UTC)
	tDraw2     = time.Date(2026, 12, 4, 1, 35, 0, 0, time.UTC)
	ceremony2  = random.Ceremony{When: "2026-12-04T09:30:00+08:00", Where: "县卫生健康局三楼会议室"}
	digits2    = "6614 2093 8857 1120 4471"
)

// twoRosters is a ledger whose two announcements use different tables
// (county-7, then county-12), both drawn, with a substitution and
// results on the first.
type twoRosters struct {
	*fixture
	plan2 *random.Plan
	set2  *roster.Set
	ann2  Digest
	draw2 Digest
	res2  *random.Result
}

func newTwoRosters(t *testing.T) *twoRosters {
	t.Helper()
	f := full(t)
	plan2, err := random.LoadPlan(filepath.Join(county12, "plan.json"))
	require.NoError(t, err)
	set2, err := roster.LoadDir(county12, roster.Options{})
	require.NoError(t, err)
	tr := &twoRosters{fixture: f, plan2: plan2, set2: set2}
	tr.ann2, err = Announce(f.l, f.signers, plan2, set2, []random.SeedPromise{random.DiceSource{Ceremony: ceremony2}.Promise()}, tAnnounce2)
	require.NoError(t, err)
	ev, err := random.DiceSource{Ceremony: ceremony2, Digits: digits2}.Evidence()
	require.NoError(t, err)
	tr.res2, tr.draw2, err = PublishDraw(context.Background(), f.l, f.signers, tr.ann2, set2, []random.SeedEvidence{ev}, tDraw2)
	require.NoError(t, err)
	return tr
}

func (tr *twoRosters) tables() TableSource { return TablesByRoots(tr.set, tr.set2) }

// writeBundle writes the bundle of l into a new folder and opens it.
func writeBundle(t *testing.T, l Ledger, tables TableSource) (string, *Bundle) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "bundle")
	require.NoError(t, WriteBundle(dir, l, tables))
	b, err := OpenBundle(os.DirFS(dir))
	require.NoError(t, err)
	return dir, b
}

func problemsOf(rep *Report) string {
	var s []string
	for _, p := range rep.Problems {
		s = append(s, p.String())
	}
	return strings.Join(s, "\n")
}

func TestBundleTwoRosters(t *testing.T) {
	tr := newTwoRosters(t)

	// One table folder for a two-roster ledger: one announcement or the
	// other fails, naming it and the table.
	for _, c := range []struct {
		set  *roster.Set
		file string
	}{{tr.set, "000005-announcement.note"}, {tr.set2, "000001-announcement.note"}} {
		rep, err := Verify(tr.l, c.set, tr.vs, Options{})
		require.NoError(t, err)
		require.False(t, rep.OK())
		require.Equal(t, c.file, rep.Problems[0].Doc)
		var mm *MismatchError
		require.ErrorAs(t, rep.Problems[0].Err, &mm)
		require.Equal(t, "roots.premises", mm.Field)
	}
	// Each announcement its tables: both draws replayed.
	rep, err := Verify(tr.l, nil, tr.vs, Options{Tables: tr.tables()})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Draws, 2)
	for _, d := range rep.Draws {
		require.True(t, d.Replayed, d.Doc)
	}

	// From the bundle alone, on disk and in memory.
	dir, b := writeBundle(t, tr.l, tr.tables())
	rep, err = VerifyBundle(b, tr.vs, Options{Policy: Policy{Require: []string{agencyName, witnessName}}})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Draws, 2)
	for _, d := range rep.Draws {
		require.True(t, d.Replayed, d.Doc)
	}
	require.Equal(t, 1, rep.Draws[0].Substitutions)
	require.Equal(t, 1, rep.Draws[0].Outcomes)

	mem := memFS(t, dir)
	bm, err := OpenBundle(mem)
	require.NoError(t, err)
	rep, err = VerifyBundle(bm, tr.vs, Options{})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())

	// The layout: the index first line, the ledger's files, each table
	// once (the two announcements share no table but the empty ones
	// would be shared; here all eight differ).
	idx, err := os.ReadFile(filepath.Join(dir, BundleIndexFile))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(string(idx), "{\n \"version\": \"doublerandom/v1 bundle\",\n"), string(idx[:60]))
	require.Len(t, b.Index.Announcements, 2)
	require.Equal(t, "ledger/000005-announcement.note", b.Index.Announcements[1].File)
	require.Equal(t, BundleTableFile(roster.KindPremises, tr.set2.Roots().Premises), b.Index.Announcements[1].Tables.Premises)
	require.Contains(t, b.Index.Files, "ledger/checkpoint")
	require.Contains(t, b.Index.Files, "ledger/hashes")
	require.NotContains(t, b.Index.Files, "ledger/lock")
	for _, f := range b.Index.Files {
		want, err := os.ReadFile(filepath.Join(tr.dir, strings.TrimPrefix(f, "ledger/")))
		require.NoError(t, err)
		require.Equal(t, want, mem[f].Data, f)
	}
}

// memFS reads a folder into an in-memory fs.FS, as the browser page holds
// a bundle it fetched.
func memFS(t *testing.T, dir string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	require.NoError(t, filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		m[filepath.ToSlash(rel)] = &fstest.MapFile{Data: b}
		return nil
	}))
	return m
}

func TestBundleSharedTablesAndDeterminism(t *testing.T) {
	tr := newTwoRosters(t)
	dir1, b := writeBundle(t, tr.l, tr.tables())
	dir2, _ := writeBundle(t, tr.l, tr.tables())
	m1, m2 := memFS(t, dir1), memFS(t, dir2)
	require.Equal(t, len(m1), len(m2))
	for name, f := range m1 {
		require.Contains(t, m2, name)
		require.True(t, bytes.Equal(f.Data, m2[name].Data), name)
	}
	// 2 announcements x 4 tables, all different, + index + ledger files.
	tables := 0
	for name := range m1 {
		if strings.HasPrefix(name, "tables/") {
			tables++
		}
	}
	require.Equal(t, 8, tables)
	require.Len(t, b.Index.Files, 6+2) // 6 documents, checkpoint, hashes

	// A target that exists refuses, and so does a file in place of it.
	require.ErrorIs(t, WriteBundle(dir1, tr.l, tr.tables()), ErrExists)
	empty := filepath.Join(t.TempDir(), "empty")
	require.NoError(t, os.Mkdir(empty, 0o755))
	require.NoError(t, WriteBundle(empty, tr.l, tr.tables()))

	// One roster announced twice: its tables are stored once.
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	_, err := Redraw(f.l, f.signers, f.draw, "骰子掉落在桌下，监督人员要求重新抽取", tAmend)
	require.NoError(t, err)
	_, err = Announce(f.l, f.signers, f.plan, f.set, []random.SeedPromise{random.DiceSource{Ceremony: ceremony2}.Promise()}, tAnnounce2)
	require.NoError(t, err)
	dir3, b3 := writeBundle(t, f.l, TablesByRoots(f.set))
	require.Len(t, b3.Index.Announcements, 2)
	require.Equal(t, b3.Index.Announcements[0].Tables, b3.Index.Announcements[1].Tables)
	n := 0
	for name := range memFS(t, dir3) {
		if strings.HasPrefix(name, "tables/") {
			n++
		}
	}
	require.Equal(t, 4, n)
	rep, err := VerifyBundle(b3, f.vs, Options{})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
}

func TestBundleWrongTables(t *testing.T) {
	tr := newTwoRosters(t)
	// The writer refuses tables that are not the ones announced, naming
	// the announcement; nothing is written.
	dir := filepath.Join(t.TempDir(), "bundle")
	err := WriteBundle(dir, tr.l, TablesByRoots(tr.set))
	require.ErrorContains(t, err, "000005-announcement.note")
	require.ErrorContains(t, err, "roots.premises")
	require.NoDirExists(t, dir)
	err = WriteBundle(dir, tr.l, TablesByRoots(tr.set, tr.set))
	require.ErrorContains(t, err, "none of the 2 sets of tables")
	require.NoDirExists(t, dir)

	dir, _ = writeBundle(t, tr.l, tr.tables())
	verifyDir := func(t *testing.T, m fstest.MapFS) *Report {
		b, err := OpenBundle(m)
		require.NoError(t, err)
		rep, err := VerifyBundle(b, tr.vs, Options{})
		require.NoError(t, err)
		require.False(t, rep.OK())
		return rep
	}
	t.Run("changed row", func(t *testing.T) {
		m := memFS(t, dir)
		name := BundleTableFile(roster.KindPremises, tr.set2.Roots().Premises)
		data := string(m[name].Data)
		row := tr.set2.Premises.At(3)
		changed := strings.Replace(data, row.Get("name"), row.Get("name")+"分店", 1)
		require.NotEqual(t, data, changed)
		m[name] = &fstest.MapFile{Data: []byte(changed)}
		rep := verifyDir(t, m)
		p := rep.Problems[0]
		require.Equal(t, "000005-announcement.note", p.Doc)
		var mm *MismatchError
		require.ErrorAs(t, p.Err, &mm)
		require.Equal(t, "roots.premises", mm.Field)
		require.Contains(t, mm.Got, name)
		require.False(t, rep.Draws[1].Replayed)
		require.True(t, rep.Draws[0].Replayed)
	})
	t.Run("missing table", func(t *testing.T) {
		m := memFS(t, dir)
		name := BundleTableFile(roster.KindInspectors, tr.set.Roots().Inspectors)
		delete(m, name)
		rep := verifyDir(t, m)
		p := rep.Problems[0]
		require.Equal(t, "000001-announcement.note", p.Doc)
		var re *RecordError
		require.ErrorAs(t, p.Err, &re)
		require.Equal(t, "tables.inspectors", re.Field)
		require.Equal(t, name, re.Value)
		require.ErrorIs(t, p.Err, fs.ErrNotExist)
	})
	t.Run("announcement not listed", func(t *testing.T) {
		m := memFS(t, dir)
		x, err := ParseBundleIndex(m[BundleIndexFile].Data)
		require.NoError(t, err)
		x.Announcements = x.Announcements[:1]
		idx, err := encodeBody(x)
		require.NoError(t, err)
		m[BundleIndexFile] = &fstest.MapFile{Data: idx}
		for k := range m {
			if strings.HasPrefix(k, "tables/") && !slices.Contains([]string{x.Announcements[0].Tables.Premises, x.Announcements[0].Tables.Inspectors, x.Announcements[0].Tables.Conflicts, x.Announcements[0].Tables.History}, k) {
				delete(m, k)
			}
		}
		rep := verifyDir(t, m)
		require.Equal(t, "000005-announcement.note", rep.Problems[0].Doc)
		require.Contains(t, rep.Problems[0].String(), "lists no tables")
	})
	t.Run("unlisted file", func(t *testing.T) {
		m := memFS(t, dir)
		m["tables/extra.csv"] = &fstest.MapFile{Data: []byte("id\n")}
		_, err := OpenBundle(m)
		var be *BundleError
		require.ErrorAs(t, err, &be)
		require.Equal(t, "tables/extra.csv", be.File)
	})
	t.Run("hashes", func(t *testing.T) {
		m := memFS(t, dir)
		h := bytes.Clone(m["ledger/hashes"].Data)
		h[5] ^= 1
		m["ledger/hashes"] = &fstest.MapFile{Data: h}
		rep := verifyDir(t, m)
		require.Equal(t, "ledger/hashes", rep.Problems[0].Doc)
	})
}

// forgedBundle writes the bundle of a ledger that the record rules
// refuse, as the dishonest operator would publish it by hand.
func forgedBundle(t *testing.T, l Ledger, tables TableSource) *Bundle {
	t.Helper()
	snap, err := snapshotLedger(l)
	require.NoError(t, err)
	files, err := bundleFiles(snap, tables, nil)
	require.NoError(t, err)
	m := fstest.MapFS{}
	for name, data := range files {
		m[name] = &fstest.MapFile{Data: data}
	}
	b, err := OpenBundle(m)
	require.NoError(t, err)
	return b
}

// forgeSecondDraw copies the two-roster ledger up to its second
// announcement and appends a draw of it whose view edit changed.
func (tr *twoRosters) forgeSecondDraw(t *testing.T, signers []Signer, edit func(v *random.View)) *memLedger {
	t.Helper()
	m := tr.copyLedger(t)
	m.docs = m.docs[:len(m.docs)-1] // drop the honest draw
	seed, err := random.DiceSeed(digits2)
	require.NoError(t, err)
	ev, err := random.DiceSource{Ceremony: ceremony2, Digits: digits2}.Evidence()
	require.NoError(t, err)
	v := tr.res2.View()
	edit(v)
	f := *tr.fixture
	f.signers = signers
	f.forge(t, m, KindDraw, &DrawBody{Announcement: tr.ann2, DrawnAt: At(tDraw2), Evidence: []random.SeedEvidence{ev}, Seed: seed, View: v})
	if len(signers) > 0 {
		m.signer = signers[0]
	}
	return m
}

func TestBundleForgedSelections(t *testing.T) {
	tr := newTwoRosters(t)
	v := tr.res2.View()
	// A premises in scope that was not selected, with a priority above
	// its stratum's threshold.
	var outsider random.PremisesOutcome
	var outsiderID string
	var stratum random.ViewStratum
	for i, o := range tr.res2.Premises {
		if o.Selected >= 0 || o.Scope != random.OutOfScopeNone || o.Stratum < 0 || o.Overdue || o.Cooling {
			continue
		}
		if st := tr.res2.Strata[o.Stratum]; st.HasThreshold && o.Priority > st.Threshold {
			outsider, outsiderID, stratum = o, tr.set2.Premises.At(i).ID, v.Strata[o.Stratum]
			break
		}
	}
	require.NotEmpty(t, stratum.Values, "no premises above a threshold")
	require.False(t, slices.ContainsFunc(tr.plan2.Targeted, func(x random.Target) bool { return x.ID == outsiderID }))

	cases := []struct {
		name  string
		edit  func(v *random.View)
		field string
	}{
		{"targeted not in the plan", func(v *random.View) {
			v.Selected = append(v.Selected, random.ViewSelection{ID: outsiderID, Priority: random.Hex64(outsider.Priority),
				Stratum: stratum.Values, Mark: random.MarkTargeted, EligibleInspectors: 3, Team: []string{"x", "y"}})
		}, "view.selected[%d].mark"},
		{"random above the threshold", func(v *random.View) {
			// Replace the stratum's last random selection by the outsider.
			for i := len(v.Selected) - 1; i >= 0; i-- {
				s := &v.Selected[i]
				if s.Mark == random.MarkRandom && slices.Equal(s.Stratum, stratum.Values) {
					s.ID, s.Priority = outsiderID, random.Hex64(outsider.Priority)
					return
				}
			}
			t.Fatal("no random selection")
		}, "view.selected[%d].priority"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := tr.forgeSecondDraw(t, tr.signers, c.edit)
			b := forgedBundle(t, m, tr.tables())
			rep, err := VerifyBundle(b, tr.vs, Options{})
			require.NoError(t, err)
			require.False(t, rep.OK())
			p := rep.Problems[0]
			require.Equal(t, "000006-draw.note", p.Doc, problemsOf(rep))
			require.ErrorIs(t, p.Err, ErrSelection)
			var re *RecordError
			require.ErrorAs(t, p.Err, &re)
			require.Regexp(t, `^view\.selected\[\d+\]\.(mark|priority)$`, re.Field)
			require.Contains(t, p.String(), "000006-draw.note")

			// Even without tables and without keys, the public check
			// of the record refuses it.
			_, err = ReadRecord(m)
			require.ErrorIs(t, err, ErrSelection)
			rep, err = Verify(m, nil, tr.vs, Options{})
			require.NoError(t, err)
			require.False(t, rep.OK())
			require.ErrorIs(t, rep.Problems[0].Err, ErrSelection)
			require.Equal(t, "000006-draw.note", rep.Problems[0].Doc)

			// The business the forgery names is told it is wrong.
			sc, err := SelfCheckBundle(b, tr.vs, outsiderID, SelfCheckOptions{})
			require.NoError(t, err)
			require.Equal(t, VerdictWrong, sc.Verdict, sc.Explanation)
			require.True(t, sc.SignaturesChecked)
			require.Contains(t, sc.Explanation, "000006-draw.note")
		})
	}

	// A forgery the public checks cannot see (a team member swapped) is
	// caught by the replay over the bundle's tables.
	t.Run("team swapped", func(t *testing.T) {
		m := tr.forgeSecondDraw(t, tr.signers, func(v *random.View) {
			for i := range v.Selected {
				if len(v.Selected[i].Team) > 0 {
					v.Selected[i].Team[0] = tr.set2.Inspectors.At(tr.set2.Inspectors.Len() - 1).ID
					if v.Selected[i].Team[0] != tr.res2.View().Selected[i].Team[0] {
						return
					}
				}
			}
			t.Fatal("nothing swapped")
		})
		rep, err := VerifyBundle(forgedBundle(t, m, tr.tables()), tr.vs, Options{})
		require.NoError(t, err)
		require.False(t, rep.OK())
		require.Equal(t, "000006-draw.note", rep.Problems[0].Doc)
		var mm *MismatchError
		require.ErrorAs(t, rep.Problems[0].Err, &mm)
		require.Regexp(t, `^view\.selected\[\d+\]\.team$`, mm.Field)
	})

	// A third party without the key re-signs the forged draw (and the
	// checkpoint) with its own key: signature failures.
	t.Run("third party", func(t *testing.T) {
		mallory, _ := testKey(t, "mallory.example")
		m := tr.forgeSecondDraw(t, []Signer{mallory}, func(v *random.View) {})
		rep, err := VerifyBundle(forgedBundle(t, m, tr.tables()), tr.vs, Options{})
		require.NoError(t, err)
		require.False(t, rep.OK())
		var se *SignatureError
		require.ErrorAs(t, rep.Problems[0].Err, &se, problemsOf(rep))
		require.Equal(t, "000006-draw.note", rep.Problems[0].Doc)
		require.ErrorIs(t, rep.Problems[0].Err, ErrUnknownKey)
	})
}

func TestSelfCheckBundle(t *testing.T) {
	tr := newTwoRosters(t)
	_, b := writeBundle(t, tr.l, tr.tables())
	seen := map[Verdict]int{}
	for _, row := range tr.set2.Premises.Rows() {
		res, err := SelfCheckBundle(b, tr.vs, row.ID, SelfCheckOptions{})
		require.NoError(t, err)
		require.True(t, res.SignaturesChecked)
		require.NotEqual(t, VerdictWrong, res.Verdict, res.Explanation)
		o, _ := tr.res2.Outcome(row.ID)
		require.Equal(t, o.Selected >= 0, res.Verdict == VerdictSelected, res.Explanation)
		seen[res.Verdict]++
	}
	require.Positive(t, seen[VerdictSelected])
	require.Positive(t, seen[VerdictNotSelected])

	// The first draw, by its digest, from the first roster.
	row := tr.res.Selected[0]
	res, err := SelfCheckBundle(b, nil, row.ID, SelfCheckOptions{Draw: tr.draw})
	require.NoError(t, err)
	require.Equal(t, VerdictSelected, res.Verdict, res.Explanation)
	require.False(t, res.SignaturesChecked)
	require.Equal(t, "000002-draw.note", res.Draw)

	res, err = SelfCheckBundle(b, nil, "91000000000000000X", SelfCheckOptions{})
	require.NoError(t, err)
	require.Equal(t, VerdictNotInRoster, res.Verdict)
}

func TestParseBundleIndexErrors(t *testing.T) {
	tr := newTwoRosters(t)
	dir, _ := writeBundle(t, tr.l, tr.tables())
	good, err := os.ReadFile(filepath.Join(dir, BundleIndexFile))
	require.NoError(t, err)
	for _, c := range []struct{ old, new, field string }{
		{`"doublerandom/v1 bundle"`, `"doublerandom/v9 bundle"`, "version"},
		{`"version": "doublerandom/v1 bundle",`, ``, "version"},
		{`"ledger": "example.gov.cn/scjgj"`, `"ledger": "bad name"`, "ledger"},
		{`"ledger/000002-draw.note",`, ``, "files"},
		{`"ledger/000002-draw.note"`, `"../000002-draw.note"`, "files[1]"},
		{`"file": "ledger/000005-announcement.note"`, `"file": "ledger/000006-draw.note"`, "announcements[1].file"},
		{`"premises": "tables/premises-`, `"premises": "tables/inspectors-`, "announcements[0].tables.premises"},
	} {
		bad := strings.Replace(string(good), c.old, c.new, 1)
		require.NotEqual(t, string(good), bad, c.old)
		_, err := ParseBundleIndex([]byte(bad))
		var be *BundleError
		require.ErrorAs(t, err, &be, c.old)
		require.Equal(t, c.field, be.Field, err.Error())
		require.ErrorIs(t, err, ErrMalformed)
	}
	_, err = ParseBundleIndex(append(bytes.Clone(good), "{}"...))
	require.ErrorIs(t, err, ErrMalformed)
	_, err = ParseBundleIndex([]byte(strings.Replace(string(good), `"ledger":`, `"extra": 1, "ledger":`, 1)))
	require.ErrorIs(t, err, ErrMalformed)
}

func FuzzParseBundleIndex(f *testing.F) {
	f.Add([]byte(`{"version":"doublerandom/v1 bundle","ledger":"a","files":["ledger/checkpoint","ledger/hashes"],"announcements":[]}`))
	f.Add([]byte(`{"version":"doublerandom/v1 bundle","ledger":"a","files":["ledger/000001-announcement.note","ledger/checkpoint","ledger/hashes"],"announcements":[{"file":"ledger/000001-announcement.note","digest":"` + strings.Repeat("0", 64) + `","tables":{"premises":"tables/premises-` + strings.Repeat("a", 64) + `.csv","inspectors":"tables/inspectors-` + strings.Repeat("b", 64) + `.csv","conflicts":"tables/conflicts-` + strings.Repeat("c", 64) + `.csv","history":"tables/history-` + strings.Repeat("d", 64) + `.csv"}}]}`))
	f.Add([]byte(`{"version":"doublerandom/v1 bundle","ledger":"a","files":["ledger/000001-announcement.note","ledger/000002-seal.note","ledger/checkpoint","ledger/hashes"],"announcements":[{"file":"ledger/000001-announcement.note","digest":"` + strings.Repeat("0", 64) + `","sealed":"ledger/000002-seal.note"}]}`))
	f.Add([]byte(`{"version":"doublerandom/v2 bundle"}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		x, err := ParseBundleIndex(data)
		if err != nil {
			var be *BundleError
			if !errors.As(err, &be) || be.File != BundleIndexFile {
				t.Fatalf("error %v is not a *BundleError of %s", err, BundleIndexFile)
			}
			return
		}
		// What is accepted writes back to an index that reads the same.
		out, err := encodeBody(x)
		if err != nil {
			t.Fatal(err)
		}
		y, err := ParseBundleIndex(out)
		if err != nil {
			t.Fatalf("re-encoded index refused: %v\n%s", err, out)
		}
		if !slices.Equal(x.Files, y.Files) || !reflect.DeepEqual(x.Announcements, y.Announcements) || x.Ledger != y.Ledger {
			t.Fatalf("round trip changed the index")
		}
	})
}

// Files the ledger keeps in a subfolder (such as cosigned/) are carried
// into the bundle as they are and readable from it.
func TestBundleExtraLedgerFiles(t *testing.T) {
	tr := newTwoRosters(t)
	snap, err := snapshotLedger(tr.l)
	require.NoError(t, err)
	snap.files["extra/0000000006-aaaa"] = []byte("a file another layer keeps\n")
	files, err := bundleFiles(snap, tr.tables(), nil)
	require.NoError(t, err)
	m := fstest.MapFS{}
	for name, data := range files {
		m[name] = &fstest.MapFile{Data: data}
	}
	b, err := OpenBundle(m)
	require.NoError(t, err)
	require.Contains(t, b.Index.Files, "ledger/extra/0000000006-aaaa")
	names, data, err := b.ledger.ReadExtra("extra")
	require.NoError(t, err)
	require.Equal(t, []string{"ledger/extra/0000000006-aaaa"}, names)
	require.Equal(t, "a file another layer keeps\n", string(data[0]))
	rep, err := VerifyBundle(b, tr.vs, Options{})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
}

func TestBundleEmptyLedger(t *testing.T) {
	f := newFixture(t)
	dir, b := writeBundle(t, f.l, TablesByRoots(f.set))
	idx, err := os.ReadFile(filepath.Join(dir, BundleIndexFile))
	require.NoError(t, err)
	require.Contains(t, string(idx), `"announcements": []`)
	require.Equal(t, []string{"ledger/checkpoint", "ledger/hashes"}, b.Index.Files)
	rep, err := VerifyBundle(b, f.vs, Options{})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
}

// A bundle written while the agency appends is a consistent copy: every
// one verifies, whatever it caught of the appends.
func TestBundleWhileAppending(t *testing.T) {
	f := newFixture(t)
	f.announce(t)
	f.drawDice(t)
	done := make(chan error, 1)
	go func() {
		for i, s := range f.res.Selected[:6] {
			if s.Team == nil {
				continue
			}
			_, err := PublishResults(f.l, f.signers, f.draw, nil, []ResultEntry{{Premises: s.ID, Outcome: OutcomeNoIssue,
				Inspected: roster.MustParseDate("2026-11-25"), Inspectors: s.TeamIDs()}}, tResults.Add(time.Duration(i)*time.Hour))
			if err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	sizes := map[int]bool{}
	for i := range 6 {
		dir := filepath.Join(t.TempDir(), fmt.Sprint("b", i))
		require.NoError(t, WriteBundle(dir, f.l, TablesByRoots(f.set)))
		b, err := OpenBundle(os.DirFS(dir))
		require.NoError(t, err)
		rep, err := VerifyBundle(b, f.vs, Options{})
		require.NoError(t, err)
		require.True(t, rep.OK(), rep.String())
		sizes[int(rep.Documents)] = true
	}
	require.NoError(t, <-done)
	t.Log("bundle sizes seen:", sizes)
}
