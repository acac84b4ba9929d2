package random

import (
	"context"
	"flag"
	"fmt"
	"iter"
	"log"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// largeFlag turns on the streaming draw over 10^7 premises (and sets
// the size of the benchmarks' large cases): go test ./random -run
// Large -doublerandom.large. DOUBLERANDOM_LARGE=1 does the same.
var largeFlag = flag.Bool("doublerandom.large", false, "run the tests and benchmarks over 10^7 premises and more")

func large() bool { return *largeFlag || os.Getenv("DOUBLERANDOM_LARGE") != "" }

// synth is a deterministic synthetic national roster that is generated
// row by row, in id order, without a file: premises row i depends only
// on i and the seed, so a pass over 10^8 rows holds nothing but the row
// at hand. Ids are valid unified social credit codes ("91", 15 digits of
// i, the check character), 18 bytes like real ones, so each priority is
// one 55-byte SHA-256 block and each leaf two blocks.
type synth struct {
	premises   int
	inspectors int
	counties   int    // 6-digit division codes, 20 townships each
	seed       uint64 // varies every attribute
	history    int    // one premises in history inspected (0: none)
	conflicts  int    // one premises in conflicts declared (0: none)
}

var (
	synthCategories = []string{"public_place", "drinking_water", "school", "medical", "occupational", "radiation", "other"}
	synthCatWeights = []uint64{400, 60, 60, 300, 100, 5, 75} // per 1000
	synthRisks      = []string{"A", "B", "C", "D"}
	synthSpecs      = []string{"medical", "public_health", "radiation", "school"}
)

// mix is splitmix64: a fixed, platform-independent hash of (seed, i, salt).
func mix(seed, i, salt uint64) uint64 {
	z := seed ^ (i+1)*0x9e3779b97f4a7c15 ^ salt*0xbf58476d1ce4e5b9
	z = (z ^ z>>30) * 0xbf58476d1ce4e5b9
	z = (z ^ z>>27) * 0x94d049bb133111eb
	return z ^ z>>31
}

func (s synth) county(c int) string    { return strconv.Itoa(110000 + 37*c) }
func (s synth) region(c, t int) string { return fmt.Sprintf("%s%03d", s.county(c), t+1) }

// premisesID is the id of premises row i; ids ascend with i. It is
// "91", i in 15 digits and the check character of GB 32100-2015,
// computed here so that a 10^8-row stream does not spend its time in
// fmt.
func premisesID(i int) string {
	var c idCounter
	c.set(i)
	return string(c.b[:])
}

// usccWeights are the weights 3^k mod 31 of the 17 digits of a unified
// social credit code in its check character.
var usccWeights = func() (w [17]int) {
	v := 1
	for k := range w {
		w[k] = v
		v = v * 3 % 31
	}
	return w
}()

// idCounter holds the id of one premises row and steps to the next one
// with a carry over its digits, keeping the weighted digit sum so that
// the check character costs one division.
type idCounter struct {
	b   [18]byte
	sum int // Σ digit × weight over b[:17]
}

func (c *idCounter) set(i int) {
	c.b[0], c.b[1] = '9', '1'
	for k, v := 16, i; k >= 2; k-- {
		c.b[k] = byte('0' + v%10)
		v /= 10
	}
	c.sum = 0
	for k := range 17 {
		c.sum += int(c.b[k]-'0') * usccWeights[k] // digits only: their code value is the digit
	}
	c.b[17] = usccAlphabet[(31-c.sum%31)%31]
}

// next steps to the id of the next row.
func (c *idCounter) next() {
	for k := 16; k >= 2; k-- {
		if c.b[k] != '9' {
			c.b[k]++
			c.sum += usccWeights[k]
			break
		}
		c.b[k] = '0'
		c.sum -= 9 * usccWeights[k]
	}
	c.b[17] = usccAlphabet[(31-c.sum%31)%31]
}

// idString returns the ids of rows lo to hi-1, one after the other in
// one string (one allocation).
func idString(lo, hi int) string {
	var b strings.Builder
	b.Grow(18 * (hi - lo))
	var c idCounter
	c.set(lo)
	for i := lo; i < hi; i++ {
		b.Write(c.b[:])
		c.next()
	}
	return b.String()
}

const usccAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func TestPremisesID(t *testing.T) {
	for _, i := range []int{0, 1, 9, 10, 12345, 999_999_999, 2_000_000_000} {
		id := premisesID(i)
		require.Len(t, id, 18)
		require.NoError(t, roster.CheckUSCC(id), id)
		want, err := roster.USCCCheckChar(id[:17])
		require.NoError(t, err)
		require.Equal(t, want, id[17])
	}
	require.Less(t, premisesID(99), premisesID(100))

	// The counter's steps, carries included, give the ids premisesID
	// computes digit by digit.
	for _, start := range []int{0, 95, 99_990, 999_999_990, 1_999_999_995} {
		var c idCounter
		c.set(start)
		for i := start; i < start+12; i++ {
			var want idCounter
			want.set(i)
			require.Equal(t, string(want.b[:]), string(c.b[:]), "row %d", i)
			require.NoError(t, roster.CheckUSCC(string(c.b[:])))
			c.next()
		}
	}
	ids := idString(95, 105)
	require.Len(t, ids, 18*10)
	require.Equal(t, premisesID(100), ids[18*5:18*6])
}

// regions caches the region codes of the synthetic counties, 20
// townships each, as one string of 9-byte codes: a row's region is a
// substring, found without reading a table of string headers. County
// codes have 6 digits up to 24,323 counties.
type regions string

func (s synth) regions() regions {
	b := make([]byte, 0, 9*20*s.counties)
	for c := range s.counties {
		for t := range 20 {
			b = append(b, s.region(c, t)...)
		}
	}
	if len(b) != 9*20*s.counties {
		panic(fmt.Sprintf("synth: %d counties: the region codes are not all 9 bytes long", s.counties))
	}
	return regions(b)
}

// at returns the code of township t of county c.
func (r regions) at(c, t int) string {
	k := 9 * (20*c + t)
	return string(r[k : k+9])
}

func (s synth) premisesRow(i int, reg regions) roster.Row {
	attrs := make([]roster.Attr, synthAttrs)
	s.premisesAttrs(i, reg, attrs)
	return roster.Row{ID: premisesID(i), Line: i + 2, Attrs: attrs}
}

// synthAttrs is the number of attributes of a synthetic premises row.
const synthAttrs = 4

// synthCategoryOf maps h % 1000 to a category by synthCatWeights,
// which add up to 1000.
var synthCategoryOf = func() (t [1000]uint8) {
	w := 0
	for cat, n := range synthCatWeights {
		for range n {
			t[w] = uint8(cat)
			w++
		}
	}
	return t
}()

// premisesAttrs writes the attributes of premises row i, in name
// order, into a (synthAttrs long). The values are the constant strings
// above and the cached region codes: nothing is allocated.
func (s synth) premisesAttrs(i int, reg regions, a []roster.Attr) {
	a[0].Name, a[1].Name, a[2].Name, a[3].Name = roster.AttrCategory, roster.AttrRegion, roster.AttrRisk, roster.AttrStatus
	s.premisesValues(i, reg, a)
}

// premisesValues writes the values of the attributes of premises row i
// into a, whose names premisesAttrs wrote.
func (s synth) premisesValues(i int, reg regions, a []roster.Attr) {
	h := mix(s.seed, uint64(i), 1)
	cat := synthCategoryOf[h%1000]
	h >>= 10
	c := int(h % uint64(s.counties))
	h /= uint64(s.counties)
	t := int(h % 20)
	h /= 20
	risk := synthRisks[h%4]
	h /= 4
	status := "active"
	switch h % 100 {
	case 0, 1, 2:
		status = "inactive"
	case 3, 4:
		status = "closed"
	}
	a = a[:synthAttrs]
	a[0].Value = synthCategories[cat]
	a[1].Value = reg.at(c, t)
	a[2].Value = risk
	a[3].Value = status
}

// synthChunk is how many rows the generators make at a time: their ids
// share one string and, for [synth.Premises], their attributes one
// slice, so a row costs no allocation of its own.
const synthChunk = 4096

// Premises returns the premises rows in id order. The rows are the
// caller's to keep (Draw's tables and DrawStream's batches keep them);
// the rows of one chunk share their storage.
func (s synth) Premises() iter.Seq2[roster.Row, error] {
	reg := s.regions()
	return func(yield func(roster.Row, error) bool) {
		for lo := 0; lo < s.premises; lo += synthChunk {
			hi := min(s.premises, lo+synthChunk)
			str := idString(lo, hi)
			attrs := make([]roster.Attr, (hi-lo)*synthAttrs)
			for i := lo; i < hi; i++ {
				k := i - lo
				a := attrs[k*synthAttrs : (k+1)*synthAttrs : (k+1)*synthAttrs]
				s.premisesAttrs(i, reg, a)
				if !yield(roster.Row{ID: str[k*18 : (k+1)*18], Line: i + 2, Attrs: a}, nil) {
					return
				}
			}
		}
	}
}

func (s synth) source() RowSource { return RowSource{File: "synthetic", Rows: s.Premises} }

// rangeSource serves the same rows in ranges: row i is made from i
// alone, so any goroutine can make any range. A range reuses one
// attribute slice for all its rows, as RangeSource allows, and its ids
// share one string.
func (s synth) rangeSource() RangeSource {
	reg := s.regions()
	return RangeSource{File: "synthetic", N: int64(s.premises), Rows: func(lo, hi int64) iter.Seq2[roster.Row, error] {
		return func(yield func(roster.Row, error) bool) {
			ids := idString(int(lo), int(hi))
			attrs := make([]roster.Attr, synthAttrs)
			s.premisesAttrs(int(lo), reg, attrs)
			for i := lo; i < hi; i++ {
				k := int(i - lo)
				s.premisesValues(int(i), reg, attrs)
				if !yield(roster.Row{ID: ids[k*18 : (k+1)*18], Line: int(i) + 2, Attrs: attrs}, nil) {
					return
				}
			}
		}
	}}
}

// tableRanges serves a table's rows in ranges.
func tableRanges(file string, t *roster.Table) RangeSource {
	return RangeSource{File: file, N: int64(t.Len()), Rows: func(lo, hi int64) iter.Seq2[roster.Row, error] {
		return func(yield func(roster.Row, error) bool) {
			for i := lo; i < hi; i++ {
				if !yield(t.At(int(i)), nil) {
					return
				}
			}
		}
	}}
}

func (s synth) inspectorID(j int) string { return fmt.Sprintf("WJ%08d", j) }

func (s synth) inspectorTable(t testing.TB) *roster.Table {
	rows := make([]roster.Row, s.inspectors)
	for j := range rows {
		h := mix(s.seed, uint64(j), 2)
		c := int(h % uint64(s.counties))
		h /= uint64(s.counties)
		unit, region := "station", s.region(c, int(h%20))
		if h%3 == 0 {
			unit, region = "bureau", s.county(c)
		}
		h /= 20
		home := s.region(c, int(h%20))
		h /= 20
		specs := synthSpecs[h%4]
		if h/4%2 == 0 {
			specs += ";" + synthSpecs[h/8%4]
		}
		h /= 32
		expires := roster.MustParseDate(planDate).AddDays(int(h%2000) - 100).String()
		h /= 2000
		capacity := ""
		if h%5 == 0 {
			capacity = strconv.Itoa(int(h / 5 % 12))
		}
		status := "active"
		if h/60%40 == 0 {
			status = "inactive"
		}
		row, err := roster.NewRow(s.inspectorID(j), map[string]string{
			roster.AttrUnit: unit, roster.AttrRegion: region, roster.AttrHomeRegion: home,
			roster.AttrSpecialties: specs, roster.AttrCredentialExpires: expires,
			roster.AttrCapacity: capacity, roster.AttrStatus: status,
		})
		require.NoError(t, err)
		rows[j] = row
	}
	tb, err := roster.NewTable(roster.KindInspectors, rows, roster.Options{})
	require.NoError(t, err)
	return tb
}

// historyTables returns the conflicts and history tables: every
// s.history'th premises (by a hash) was inspected one to three times in
// the last four years, every s.conflicts'th has a declared conflict.
func (s synth) historyTables(t testing.TB) (conflicts, history *roster.Table) {
	var crow, hrow []roster.Row
	plan := roster.MustParseDate(planDate)
	for i := range s.premises {
		h := mix(s.seed, uint64(i), 3)
		hist := s.history > 0 && h%uint64(s.history) == 0
		conf := s.conflicts > 0 && h>>32%uint64(s.conflicts) == 0
		if !hist && !conf {
			continue
		}
		id := premisesID(i)
		if hist {
			for k := range 1 + int(h>>20%3) {
				g := mix(s.seed, uint64(i), 4+uint64(k))
				a, b := int(g%uint64(s.inspectors)), int(g>>24%uint64(s.inspectors))
				row, err := roster.NewRow(fmt.Sprintf("JC%09d-%d", i, k), map[string]string{
					roster.AttrPremises: id, roster.AttrDate: plan.AddDays(-int(g>>48%1400) - 1).String(),
					roster.AttrInspectors: s.inspectorID(a) + ";" + s.inspectorID(b),
				})
				require.NoError(t, err)
				hrow = append(hrow, row)
			}
		}
		if conf {
			row, err := roster.NewRow(s.inspectorID(int(h>>8%uint64(s.inspectors)))+" "+id, map[string]string{
				roster.AttrInspector: s.inspectorID(int(h >> 8 % uint64(s.inspectors))), roster.AttrPremises: id, roster.AttrReason: "kinship",
			})
			require.NoError(t, err)
			crow = append(crow, row)
		}
	}
	var err error
	conflicts, err = roster.NewTable(roster.KindConflicts, crow, roster.Options{})
	require.NoError(t, err)
	history, err = roster.NewTable(roster.KindHistory, hrow, roster.Options{})
	require.NoError(t, err)
	return conflicts, history
}

// premisesTable collects the stream into a table, for Draw.
func (s synth) premisesTable(t testing.TB) *roster.Table {
	rows := make([]roster.Row, 0, s.premises)
	for r, err := range s.Premises() {
		require.NoError(t, err)
		rows = append(rows, r)
	}
	tb, err := roster.NewTable(roster.KindPremises, rows, roster.Options{})
	require.NoError(t, err)
	return tb
}

// targets returns up to n premises ids in scope (active, category not
// "other"), spread over the roster.
func (s synth) targets(n int) []string {
	reg := s.regions()
	var out []string
	for i := s.premises / 3; i < s.premises && len(out) < n; i += 7 {
		r := s.premisesRow(i, reg)
		if roster.Active(r) && r.Get(roster.AttrCategory) != "other" {
			out = append(out, r.ID)
		}
	}
	return out
}

// synthPlan is the plan of the synthetic draws: ratio sets the default
// quota ratio and max its maximum (0: none).
func synthPlan(t testing.TB, ratio string, maxQuota int, targets []string) *Plan {
	var tg []string
	for i, id := range targets {
		tg = append(tg, fmt.Sprintf(`{"id": %q, "reason": "complaint %d"}`, id, i))
	}
	src := fmt.Sprintf(`{
  "protocol": "doublerandom/v1",
  "id": "synthetic",
  "date": %q,
  "scope": {"category": ["drinking_water", "medical", "occupational", "public_place", "radiation", "school"]},
  "stratify": ["category", "risk"],
  "quotas": [
    {"match": {"category": "radiation"}, "ratio": "100%%"},
    {"match": {"category": "school", "risk": "D"}, "ratio": "1/3", "min": 2, "max": 5000},
    {"match": {"category": "occupational"}, "ratio": "0%%", "min": 3},
    {"match": {}, "ratio": %q, "min": 1, "max": %d}
  ],
  "cooldown": {"days": 365, "max": 2},
  "coverage_days": 1095,
  "targeted": [%s],
  "teams": [
    {"match": {"category": "medical"}, "size": 2, "specialty": "medical", "region_prefix": 6},
    {"match": {"category": "radiation"}, "size": 2, "specialty": "radiation", "region_prefix": 4},
    {"match": {"category": "school"}, "size": 3, "specialty": "school", "units": ["bureau"], "region_prefix": 6},
    {"match": {}, "size": 2, "units": ["bureau"], "max_per_unit": 1, "region_prefix": 6}
  ],
  "conflicts": {"declared": true, "rotation_days": 730, "home_region": true},
  "default_capacity": 6
}`, planDate, ratio, maxQuota, strings.Join(tg, ", "))
	if maxQuota == 0 {
		src = strings.Replace(src, `, "max": 0`, "", 1)
	}
	p, err := ParsePlan([]byte(src))
	require.NoError(t, err)
	return p
}

// requireSameDraw checks that a streaming draw gave what Draw gave.
func requireSameDraw(t *testing.T, want *Result, got *StreamResult) {
	t.Helper()
	wb, err := want.View().Encode()
	require.NoError(t, err)
	gb, err := got.View().Encode()
	require.NoError(t, err)
	require.Equal(t, string(wb), string(gb), "view bytes")
	require.Equal(t, want.Key, got.Key)
	require.Equal(t, want.Roots, got.Roots)
	require.Equal(t, want.Set.Premises.Len(), got.Rows)
	require.Equal(t, want.Load, got.Load)
	require.Equal(t, want.StaffOrder, got.StaffOrder)
	require.Len(t, got.Selected, len(want.Selected))
	for i, w := range want.Selected {
		g := got.Selected[i]
		require.Equal(t, w.ID, got.Kept.At(g.Premises).ID)
		w.Premises, g.Premises = 0, 0
		require.Equal(t, w, g, "selection %d", i)
	}
	require.Len(t, got.Strata, len(want.Strata))
	for i, w := range want.Strata {
		g := got.Strata[i]
		require.Equal(t, w.Values, g.Values)
		require.Equal(t, [4]int{w.Eligible, w.Excluded, w.Rule, w.Quota}, [4]int{g.Eligible, g.Excluded, g.Rule, g.Quota})
		require.Equal(t, w.Threshold, g.Threshold)
		require.Len(t, g.Ranked, w.Quota)
		for k := range g.Ranked {
			require.Equal(t, want.Set.Premises.At(w.Ranked[k]).ID, got.Kept.At(g.Ranked[k]).ID)
		}
	}
}

func TestDrawStreamEqualsDraw(t *testing.T) {
	seed := []byte("20237331128159211123")
	for _, tc := range []struct {
		name string
		s    synth
		max  int
	}{
		{"100k", synth{premises: 100_000, inspectors: 3000, counties: 40, seed: 1, history: 9, conflicts: 50}, 400},
		{"one-batch", synth{premises: streamBatch, inspectors: 200, counties: 5, seed: 2, history: 4, conflicts: 30}, 0},
		{"batch+1", synth{premises: streamBatch + 1, inspectors: 200, counties: 5, seed: 3, history: 4, conflicts: 30}, 20},
		{"3-batches-1", synth{premises: 3*streamBatch - 1, inspectors: 150, counties: 3, seed: 4, history: 3, conflicts: 0}, 7},
		{"tiny", synth{premises: 60, inspectors: 30, counties: 2, seed: 5, history: 2, conflicts: 5}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.s
			plan := synthPlan(t, "2%", tc.max, s.targets(3))
			insp := s.inspectorTable(t)
			conf, hist := s.historyTables(t)
			set, err := roster.NewSet(s.premisesTable(t), insp, conf, hist)
			require.NoError(t, err)
			want, err := Draw(context.Background(), plan, set, seed, Options{})
			require.NoError(t, err)
			require.NotEmpty(t, want.Selected)
			for _, workers := range []int{1, 3} {
				got, err := DrawStream(context.Background(), plan, s.source(), insp, conf, hist, seed, Options{Workers: workers})
				require.NoError(t, err)
				requireSameDraw(t, want, got)
				got, err = DrawStreamRanges(context.Background(), plan, s.rangeSource(), insp, conf, hist, seed, Options{Workers: workers})
				require.NoError(t, err)
				requireSameDraw(t, want, got)
			}
		})
	}
}

func TestDrawStreamVectors(t *testing.T) {
	for _, v := range countyVectors() {
		t.Run(v.dir, func(t *testing.T) {
			plan, set := loadCounty(t, v.dir)
			src := RowSource{File: "premises.csv", Rows: func() iter.Seq2[roster.Row, error] {
				return func(yield func(roster.Row, error) bool) {
					for _, r := range set.Premises.Rows() {
						if !yield(r, nil) {
							return
						}
					}
				}
			}}
			want, err := os.ReadFile(filepath.Join(testdata, v.dir, "expected-view.json"))
			require.NoError(t, err)
			got, err := DrawStream(context.Background(), plan, src, set.Inspectors, set.Conflicts, set.History, v.seed, Options{})
			require.NoError(t, err)
			b, err := got.View().Encode()
			require.NoError(t, err)
			require.Equal(t, string(want), string(b))
			got, err = DrawStreamRanges(context.Background(), plan, tableRanges("premises.csv", set.Premises), set.Inspectors, set.Conflicts, set.History, v.seed, Options{})
			require.NoError(t, err)
			b, err = got.View().Encode()
			require.NoError(t, err)
			require.Equal(t, string(want), string(b))
		})
	}
}

func TestDrawStreamErrors(t *testing.T) {
	s := synth{premises: 500, inspectors: 40, counties: 2, seed: 9, history: 5, conflicts: 20}
	plan := synthPlan(t, "2%", 0, s.targets(1))
	insp := s.inspectorTable(t)
	conf, hist := s.historyTables(t)
	seed := []byte("seed")
	rowsOf := func(f func(i int, r roster.Row) (roster.Row, error, bool)) RowSource {
		return RowSource{File: "p.csv", Rows: func() iter.Seq2[roster.Row, error] {
			return func(yield func(roster.Row, error) bool) {
				i := 0
				for r := range s.Premises() {
					r, err, keep := f(i, r)
					i++
					if keep && !yield(r, err) {
						return
					}
				}
			}
		}}
	}
	var pass atomic.Int32
	changing := RowSource{File: "p.csv", Rows: func() iter.Seq2[roster.Row, error] {
		n := pass.Add(1)
		return func(yield func(roster.Row, error) bool) {
			for r := range s.Premises() {
				if n == 2 && strings.HasSuffix(r.ID[:17], "7") {
					r = r.With(roster.AttrRisk, "D")
				}
				if !yield(r, nil) {
					return
				}
			}
		}
	}}
	target := plan.Targeted[0].ID
	for _, tc := range []struct {
		name string
		src  RowSource
		want []string
		is   error
	}{
		{"order", rowsOf(func(i int, r roster.Row) (roster.Row, error, bool) {
			if i == 10 {
				r.ID = premisesID(3)
			}
			return r, nil, true
		}), []string{"p.csv:12", "id", premisesID(3)}, roster.ErrOrder},
		{"duplicate", rowsOf(func(i int, r roster.Row) (roster.Row, error, bool) {
			if i == 10 {
				r.ID = premisesID(9)
			}
			return r, nil, true
		}), []string{"p.csv:12"}, roster.ErrDuplicateID},
		{"row error", rowsOf(func(i int, r roster.Row) (roster.Row, error, bool) {
			if i == 4 {
				return roster.Row{}, &roster.RowError{Line: 6, Field: "risk", Value: "Z", Err: roster.ErrBadValue}, true
			}
			return r, nil, true
		}), []string{"p.csv:6", "risk"}, roster.ErrBadValue},
		{"missing reference", rowsOf(func(i int, r roster.Row) (roster.Row, error, bool) {
			return r, nil, conf.Index(conf.At(0).ID) < 0 || r.ID != conf.At(0).Get(roster.AttrPremises)
		}), []string{conf.At(0).Get(roster.AttrPremises)}, roster.ErrUnknownRef},
		{"missing target", rowsOf(func(i int, r roster.Row) (roster.Row, error, bool) {
			return r, nil, r.ID != target
		}), []string{"targeted[0].id", target}, ErrTargetUnknown},
		{"changed", changing, []string{"changed"}, ErrStreamChanged},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DrawStream(context.Background(), plan, tc.src, insp, conf, hist, seed, Options{})
			require.Error(t, err)
			require.ErrorIs(t, err, tc.is)
			for _, w := range tc.want {
				require.Contains(t, err.Error(), w)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := DrawStream(ctx, plan, s.source(), insp, conf, hist, seed, Options{})
	require.ErrorIs(t, err, context.Canceled)
	_, err = DrawStream(context.Background(), plan, RowSource{}, insp, conf, hist, seed, Options{})
	require.Error(t, err)
	_, err = DrawStream(context.Background(), &Plan{}, s.source(), insp, conf, hist, seed, Options{})
	require.Error(t, err)
}

// memPeak samples the heap while f runs and returns the highest
// HeapInuse seen and the Sys reached at the end. It samples with
// runtime/metrics, which does not stop the world as
// runtime.ReadMemStats does: 50 stops a second would slow f down.
func memPeak(f func()) (peakInuse, sys uint64) {
	runtime.GC()
	var stop atomic.Bool
	done := make(chan struct{})
	var peak atomic.Uint64
	go func() {
		defer close(done)
		samples := []metrics.Sample{
			{Name: "/memory/classes/heap/objects:bytes"},
			{Name: "/memory/classes/heap/unused:bytes"},
		}
		for !stop.Load() {
			metrics.Read(samples)
			if inuse := samples[0].Value.Uint64() + samples[1].Value.Uint64(); inuse > peak.Load() {
				peak.Store(inuse)
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	f()
	stop.Store(true)
	<-done
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return max(peak.Load(), m.HeapInuse), m.Sys
}

// largeSynth is the synthetic roster of the large streaming draws.
func largeSynth(n int) synth {
	return synth{premises: n, inspectors: 20_000, counties: 2000, seed: 7, history: 1000, conflicts: 5000}
}

// largePlan is the plan of the large streaming draws. Its radiation rule
// selects 100% with no maximum, so Σk grows with n (about 0.5% of the
// rows: 985,838 selections at 2×10^8, whose records, prefixes of E(p)
// and teams take ~700 MB of live heap themselves); capped caps it at
// 2,000 per stratum, so that the memory measured is the passes' and not
// the selections'.
func largePlan(t testing.TB, s synth, capped bool) *Plan {
	plan := synthPlan(t, "1%", 2000, s.targets(3))
	if !capped {
		return plan
	}
	src := strings.Replace(string(plan.Bytes()), `"ratio": "100%"}`, `"ratio": "100%", "max": 2000}`, 1)
	require.NotEqual(t, string(plan.Bytes()), src)
	plan, err := ParsePlan([]byte(src))
	require.NoError(t, err)
	return plan
}

// TestDrawStreamLarge draws over 10^7 synthetic premises (behind
// -doublerandom.large) and checks the memory target: 256 MiB.
// DOUBLERANDOM_STREAM_N sets another number of premises.
func TestDrawStreamLarge(t *testing.T) { testDrawStreamLarge(t, false) }

// TestDrawStreamRangesLarge is TestDrawStreamLarge with the rows made
// in ranges on every core (DrawStreamRanges).
func TestDrawStreamRangesLarge(t *testing.T) { testDrawStreamLarge(t, true) }

func testDrawStreamLarge(t *testing.T, ranges bool) {
	if !large() {
		t.Skip("behind -doublerandom.large or DOUBLERANDOM_LARGE=1")
	}
	n := 10_000_000
	if v := os.Getenv("DOUBLERANDOM_STREAM_N"); v != "" {
		var err error
		n, err = strconv.Atoi(v)
		require.NoError(t, err)
	}
	s := largeSynth(n)
	unbounded := os.Getenv("DOUBLERANDOM_STREAM_UNBOUNDED") != ""
	plan := largePlan(t, s, n > 10_000_000 && !unbounded || os.Getenv("DOUBLERANDOM_STREAM_BOUNDED") != "")
	insp := s.inspectorTable(t)
	conf, hist := s.historyTables(t)
	runtime.GC()
	var before runtime.MemStats
	runtime.ReadMemStats(&before)
	t.Logf("in-memory tables: %d inspectors, %d conflicts, %d history rows, HeapInuse %.1f MiB",
		insp.Len(), conf.Len(), hist.Len(), float64(before.HeapInuse)/(1<<20))
	var res *StreamResult
	var err error
	start, cpu := time.Now(), cpuTime()
	var phases []string // when each phase ended
	opt := Options{Progress: func(p Progress) {
		if p.Total > 0 && p.Done == p.Total {
			phases = append(phases, fmt.Sprintf("%v %v", p.Phase, time.Since(start).Round(time.Millisecond)))
		}
	}}
	peak, sys := memPeak(func() {
		if ranges {
			res, err = DrawStreamRanges(context.Background(), plan, s.rangeSource(), insp, conf, hist, []byte("large"), opt)
		} else {
			res, err = DrawStream(context.Background(), plan, s.source(), insp, conf, hist, []byte("large"), opt)
		}
	})
	t.Logf("phases ended: %s", strings.Join(phases, ", "))
	require.NoError(t, err)
	t.Logf("%d premises (ranges %v): %v (CPU %v), %d selected, key %x, peak HeapInuse %.1f MiB, Sys %.1f MiB", n, ranges, time.Since(start).Round(time.Millisecond),
		(cpuTime() - cpu).Round(time.Millisecond), len(res.Selected), res.Key[:8], float64(peak)/(1<<20), float64(sys)/(1<<20))
	require.Equal(t, n, res.Rows)
	switch {
	case n <= 10_000_000:
		require.LessOrEqual(t, sys, uint64(256<<20), "memory target for 10^7 premises")
	case !unbounded:
		require.LessOrEqual(t, sys, uint64(1<<30), "memory target for 2x10^8 premises")
	}
}

// TestDrawStreamSharedStorage serves rows from storage the source
// reuses and scribbles over once each row has been handed on (as
// RangeSource allows), and rows whose strings all share one string
// per range: the draw must still equal Draw's, so it copies what it
// keeps.
func TestDrawStreamSharedStorage(t *testing.T) {
	s := synth{premises: 3*streamBatch + 100, inspectors: 300, counties: 4, seed: 13, history: 5, conflicts: 40}
	plan := synthPlan(t, "3%", 40, s.targets(3))
	insp := s.inspectorTable(t)
	conf, hist := s.historyTables(t)
	seed := []byte("shared storage")
	set, err := roster.NewSet(s.premisesTable(t), insp, conf, hist)
	require.NoError(t, err)
	want, err := Draw(context.Background(), plan, set, seed, Options{})
	require.NoError(t, err)

	inner := s.rangeSource()
	rng := RangeSource{File: "synthetic", N: inner.N, Rows: func(lo, hi int64) iter.Seq2[roster.Row, error] {
		return func(yield func(roster.Row, error) bool) {
			var arena []byte // every string of the range, one after the other
			var rows []roster.Row
			for r := range inner.Rows(lo, hi) {
				rows = append(rows, roster.Row{ID: r.ID, Line: r.Line, Attrs: slices.Clone(r.Attrs)})
				arena = append(arena, r.ID...)
				for _, a := range r.Attrs {
					arena = append(arena, a.Name...)
					arena = append(arena, a.Value...)
				}
			}
			all, off := string(arena), 0
			take := func(n int) string {
				off += n
				return all[off-n : off]
			}
			attrs := make([]roster.Attr, synthAttrs)
			for _, r := range rows {
				row := roster.Row{ID: take(len(r.ID)), Line: r.Line, Attrs: attrs[:len(r.Attrs)]}
				for k, a := range r.Attrs {
					attrs[k] = roster.Attr{Name: take(len(a.Name)), Value: take(len(a.Value))}
				}
				if !yield(row, nil) {
					return
				}
				for k := range attrs {
					attrs[k] = roster.Attr{Name: "zz", Value: "scribbled"}
				}
			}
		}
	}}
	for _, workers := range []int{1, 2} {
		got, err := DrawStreamRanges(context.Background(), plan, rng, insp, conf, hist, seed, Options{Workers: workers})
		require.NoError(t, err)
		requireSameDraw(t, want, got)
	}
}

// TestDrawStreamManyStrata stratifies by region too, so that the
// workers' small table of recent classes keeps missing and its cheap
// hash collides: the draw must still equal Draw's.
func TestDrawStreamManyStrata(t *testing.T) {
	s := synth{premises: 30_000, inspectors: 600, counties: 30, seed: 14, history: 6, conflicts: 60}
	plan := synthPlan(t, "2%", 0, s.targets(2))
	src := strings.Replace(string(plan.Bytes()), `"stratify": ["category", "risk"]`, `"stratify": ["category", "risk", "region"]`, 1)
	require.NotEqual(t, string(plan.Bytes()), src)
	plan, err := ParsePlan([]byte(src))
	require.NoError(t, err)
	insp := s.inspectorTable(t)
	conf, hist := s.historyTables(t)
	set, err := roster.NewSet(s.premisesTable(t), insp, conf, hist)
	require.NoError(t, err)
	seed := []byte("many strata")
	want, err := Draw(context.Background(), plan, set, seed, Options{})
	require.NoError(t, err)
	require.Greater(t, len(want.Strata), 3*classSlots)
	got, err := DrawStreamRanges(context.Background(), plan, s.rangeSource(), insp, conf, hist, seed, Options{})
	require.NoError(t, err)
	requireSameDraw(t, want, got)
	gotSeq, err := DrawStream(context.Background(), plan, s.source(), insp, conf, hist, seed, Options{Workers: 3})
	require.NoError(t, err)
	requireSameDraw(t, want, gotSeq)
}

// TestOwnRow checks that a row kept as its leaf bytes decodes to the
// row.
func TestOwnRow(t *testing.T) {
	for _, r := range []roster.Row{
		{ID: "x", Line: 7},
		{ID: premisesID(12), Line: 14, Attrs: []roster.Attr{{Name: "a", Value: "1"}, {Name: "名称", Value: strings.Repeat("值", 1000)}}},
		synth{premises: 10, counties: 2, seed: 3}.premisesRow(4, synth{counties: 2}.regions()),
	} {
		c := ownRow(r)
		require.True(t, c.Equal(r), "%v", r)
		require.Equal(t, r.Line, c.Line)
		k := cand{leaf: string(r.AppendLeaf(nil))}
		require.Equal(t, r.ID, k.id())
	}
}

// TestDrawStreamRangesErrors injects the same faults into a RowSource
// and a RangeSource over three ranges and more: DrawStreamRanges must
// return the error DrawStream returns, byte for byte, wherever the
// fault falls relative to the range boundaries.
func TestDrawStreamRangesErrors(t *testing.T) {
	s := synth{premises: 3*streamBatch + 5, inspectors: 60, counties: 2, seed: 10, history: 7, conflicts: 40}
	plan := synthPlan(t, "2%", 0, s.targets(1))
	insp := s.inspectorTable(t)
	conf, hist := s.historyTables(t)
	seed := []byte("seed")
	reg := s.regions()
	type fault func(i int, r roster.Row) (roster.Row, error)
	sources := func(f fault) (RowSource, RangeSource) {
		rng := RangeSource{File: "p.csv", N: int64(s.premises), Rows: func(lo, hi int64) iter.Seq2[roster.Row, error] {
			return func(yield func(roster.Row, error) bool) {
				for i := int(lo); i < int(hi); i++ {
					if !yield(f(i, s.premisesRow(i, reg))) {
						return
					}
				}
			}
		}}
		seq := RowSource{File: "p.csv", Rows: func() iter.Seq2[roster.Row, error] {
			return func(yield func(roster.Row, error) bool) {
				for i := range s.premises {
					if !yield(f(i, s.premisesRow(i, reg))) {
						return
					}
				}
			}
		}}
		return seq, rng
	}
	setID := func(at map[int]int) fault {
		return func(i int, r roster.Row) (roster.Row, error) {
			if j, ok := at[i]; ok {
				r.ID = premisesID(j)
			}
			return r, nil
		}
	}
	bad := func(pred func(i int) bool) fault {
		return func(i int, r roster.Row) (roster.Row, error) {
			if pred(i) {
				return roster.Row{}, &roster.RowError{Line: i + 2, Field: "risk", Value: "Z", Err: roster.ErrBadValue}
			}
			return r, nil
		}
	}
	b := streamBatch
	for _, tc := range []struct {
		name string
		f    fault
		is   error
	}{
		{"order inside a range", setID(map[int]int{b + 10: 3}), roster.ErrOrder},
		{"order across a boundary", setID(map[int]int{2 * b: 5}), roster.ErrOrder},
		{"duplicate across a boundary", setID(map[int]int{b: b - 1}), roster.ErrDuplicateID},
		{"last row of a range too high", setID(map[int]int{b - 1: b + 3}), roster.ErrOrder},
		{"two order errors, the first wins", setID(map[int]int{2*b + 7: 1, b + 1: 0}), roster.ErrOrder},
		{"row errors then order", func(i int, r roster.Row) (roster.Row, error) {
			if i == b || i == b+1 {
				return bad(func(int) bool { return true })(i, r)
			}
			return setID(map[int]int{b + 2: 2})(i, r)
		}, roster.ErrOrder},
		{"a range of errors only", bad(func(i int) bool { return i >= b && i < 2*b }), roster.ErrBadValue},
		{"too many errors across ranges", bad(func(i int) bool { return i%b >= b-60 }), roster.ErrBadValue},
		{"errors after the first row", bad(func(i int) bool { return i%b == 5 }), roster.ErrBadValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			seq, rng := sources(tc.f)
			_, want := DrawStream(context.Background(), plan, seq, insp, conf, hist, seed, Options{})
			require.ErrorIs(t, want, tc.is)
			for _, workers := range []int{1, 2, 5} {
				_, err := DrawStreamRanges(context.Background(), plan, rng, insp, conf, hist, seed, Options{Workers: workers})
				require.ErrorIs(t, err, tc.is)
				require.Equal(t, want.Error(), err.Error(), "workers=%d", workers)
			}
		})
	}

	t.Run("short range", func(t *testing.T) {
		rng := s.rangeSource()
		rows := rng.Rows
		rng.Rows = func(lo, hi int64) iter.Seq2[roster.Row, error] {
			if lo == int64(b) {
				hi--
			}
			return rows(lo, hi)
		}
		_, err := DrawStreamRanges(context.Background(), plan, rng, insp, conf, hist, seed, Options{})
		require.ErrorIs(t, err, ErrRangeSize)
		require.Contains(t, err.Error(), "synthetic")
	})
	t.Run("changed outside the strata", func(t *testing.T) {
		// Only the region changes: the strata and their counts stay,
		// the fingerprint of the leaves does not.
		rng := changedRanges(s, func(lo int64, r roster.Row) roster.Row {
			if lo == int64(b) && r.Line == b+100 {
				r = r.With(roster.AttrRegion, "110000999")
			}
			return r
		})
		_, err := DrawStreamRanges(context.Background(), plan, rng, insp, conf, hist, seed, Options{})
		require.ErrorIs(t, err, ErrStreamChanged)
		var pass atomic.Int32
		seq := RowSource{File: "p.csv", Rows: func() iter.Seq2[roster.Row, error] {
			n := pass.Add(1)
			return func(yield func(roster.Row, error) bool) {
				for r := range s.Premises() {
					if n == 2 && r.Line == b+100 {
						r = r.With(roster.AttrRegion, "110000999")
					}
					if !yield(r, nil) {
						return
					}
				}
			}
		}}
		_, err = DrawStream(context.Background(), plan, seq, insp, conf, hist, seed, Options{})
		require.ErrorIs(t, err, ErrStreamChanged)
	})
	t.Run("changed", func(t *testing.T) {
		rng := changedRanges(s, func(lo int64, r roster.Row) roster.Row {
			if lo == 0 && strings.HasSuffix(r.ID[:17], "7") {
				r = r.With(roster.AttrRisk, "D")
			}
			return r
		})
		_, err := DrawStreamRanges(context.Background(), plan, rng, insp, conf, hist, seed, Options{})
		require.ErrorIs(t, err, ErrStreamChanged)
	})
	t.Run("cancelled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := DrawStreamRanges(ctx, plan, s.rangeSource(), insp, conf, hist, seed, Options{})
		require.ErrorIs(t, err, context.Canceled)
	})
	t.Run("bad source", func(t *testing.T) {
		_, err := DrawStreamRanges(context.Background(), plan, RangeSource{}, insp, conf, hist, seed, Options{})
		require.Error(t, err)
		rng := s.rangeSource()
		rng.N = -1
		_, err = DrawStreamRanges(context.Background(), plan, rng, insp, conf, hist, seed, Options{})
		require.Error(t, err)
	})
}

// changedRanges is s's range source, but from the fifth call of Rows on
// (the second pass) each row passes through change, given the start of
// its range.
func changedRanges(s synth, change func(lo int64, r roster.Row) roster.Row) RangeSource {
	var calls atomic.Int32
	rng := s.rangeSource()
	rows := rng.Rows
	rng.Rows = func(lo, hi int64) iter.Seq2[roster.Row, error] {
		second := calls.Add(1) > 4
		return func(yield func(roster.Row, error) bool) {
			for r := range rows(lo, hi) {
				if second {
					r = change(lo, r)
				}
				if !yield(r, nil) {
					return
				}
			}
		}
	}
	return rng
}

// ExampleDrawStreamRanges draws the county-7 test vector with the
// premises served in ranges, as a generator or an indexed file would
// serve them on several goroutines: the key and the selections are
// those of Draw.
func ExampleDrawStreamRanges() {
	set, err := roster.LoadDir("../testdata/dr1-county-7", roster.Options{})
	if err != nil {
		log.Fatal(err)
	}
	plan, err := LoadPlan("../testdata/dr1-county-7/plan.json")
	if err != nil {
		log.Fatal(err)
	}
	seed, err := DiceSeed("2023 7331 1281 5921 1123")
	if err != nil {
		log.Fatal(err)
	}
	premises := RangeSource{File: "premises.csv", N: int64(set.Premises.Len()),
		Rows: func(lo, hi int64) iter.Seq2[roster.Row, error] {
			return func(yield func(roster.Row, error) bool) {
				for i := lo; i < hi; i++ {
					if !yield(set.Premises.At(int(i)), nil) {
						return
					}
				}
			}
		}}
	res, err := DrawStreamRanges(context.Background(), plan, premises, set.Inspectors, set.Conflicts, set.History, seed, Options{})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("rows", res.Rows, "key", res.Key)
	for _, s := range res.Selected[:3] {
		fmt.Println(s.ID, FormatPriority(s.Priority), s.Mark)
	}
	// Output:
	// rows 56 key 4730068ff4de32c7ada5bde673866566de11d35a2aa6ac15123ebc7fa4095956
	// 91371727B23C6F5DAF 8d220a5a5ab961b6 random
	// 371727081235 04a1541c8cea0fe8 overdue
	// 913717274F3H1AGGH4 3b5f8b2ee15a028b overdue
}
