package samplecounty

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// TestEmbeddedIsGenerated fails when someone edits data/ by hand or changes
// the generator without running go generate.
func TestEmbeddedIsGenerated(t *testing.T) {
	fresh, err := Generate(Config{})
	require.NoError(t, err)
	embedded := Embedded()
	for i, want := range fresh.List() {
		got := embedded.List()[i]
		require.Equal(t, want.Name, got.Name)
		require.True(t, string(want.Data) == string(got.Data),
			"data/%s differs from Generate(DefaultConfig()): run go generate ./examples/internal/samplecounty", got.Name)
	}
}

func TestGenerateDeterministic(t *testing.T) {
	cfg := Config{Premises: 500, Inspectors: 12, Seed: 7}
	a, err := Generate(cfg)
	require.NoError(t, err)
	b, err := Generate(cfg)
	require.NoError(t, err)
	require.Equal(t, a, b)
	c, err := Generate(Config{Premises: 500, Inspectors: 12, Seed: 8})
	require.NoError(t, err)
	require.NotEqual(t, a.Premises, c.Premises)
}

func TestLoad(t *testing.T) {
	set, err := Load()
	require.NoError(t, err)
	for _, k := range roster.Kinds {
		require.Empty(t, set.Table(k).Warnings, "%s", k)
	}
	c := set.Counts()
	for _, tc := range []struct {
		name     string
		got      int
		min, max int
	}{
		{"premises", c.Premises, 2900, 3100},
		{"inspectors", c.Inspectors, 38, 45},
		{"conflicts", c.Conflicts, 12, 18},
		{"history", c.History, 1400, 1800},
	} {
		require.True(t, tc.min <= tc.got && tc.got <= tc.max, "%s: %d rows, want %d..%d", tc.name, tc.got, tc.min, tc.max)
	}
}

// TestTables checks what makes the county realistic and useful: identifiers,
// the spread of categories, risks and statuses, the inspectors' units,
// specialties, credentials and capacities, and dates before the plan.
func TestTables(t *testing.T) {
	set, err := Load()
	require.NoError(t, err)
	planDate := roster.MustParseDate(PlanDate)

	count := func(tab *roster.Table, attr string) map[string]int {
		m := map[string]int{}
		for _, r := range tab.Rows() {
			m[r.Get(attr)]++
		}
		return m
	}
	cat := count(set.Premises, roster.AttrCategory)
	for _, c := range []string{catPublicPlace, catDrinkingWater, catSchool, catMedical, catOccupational, catRadiation} {
		require.Positive(t, cat[c], c)
	}
	require.Len(t, cat, 6)
	risk := count(set.Premises, roster.AttrRisk)
	require.Len(t, risk, 4)
	require.Greater(t, risk["B"]+risk["C"], set.Premises.Len()*2/3, "most premises are B or C")
	require.Less(t, risk["D"], set.Premises.Len()/20, "few are D")
	status := count(set.Premises, roster.AttrStatus)
	require.Greater(t, status["active"], set.Premises.Len()*9/10)
	require.Positive(t, status["inactive"])
	require.Positive(t, status["closed"])

	regions := count(set.Premises, roster.AttrRegion)
	require.Len(t, regions, 18)
	for r := range regions {
		require.Regexp(t, `^3717270(0[1-9]|1[0-8])$`, r)
	}

	var licences int
	for _, r := range set.Premises.Rows() {
		switch len(r.ID) {
		case 18:
			require.NoError(t, roster.CheckUSCC(r.ID))
			require.Contains(t, []string{"91", "92", "12", "52"}, r.ID[:2], r.ID)
			require.Equal(t, CountyCode, r.ID[2:8], r.ID)
		case 12:
			licences++
			require.Equal(t, r.Get(roster.AttrRegion), r.ID[:9], r.ID)
			require.Equal(t, "卫生室", r.Get("subcategory"), r.ID)
		default:
			t.Fatalf("premises id %q is neither a credit code nor a licence number", r.ID)
		}
	}
	require.Positive(t, licences)

	units := count(set.Inspectors, roster.AttrUnit)
	require.Greater(t, units["county-bureau"], 5)
	require.Greater(t, len(units), 10, "the bureau and many stations")
	var expired, blankCapacity, inactive int
	specialties := map[string]int{}
	for _, r := range set.Inspectors.Rows() {
		in := roster.Inspector{Row: r}
		if d, ok := in.CredentialExpires(); ok && d < planDate {
			expired++
		}
		if n, ok := in.Capacity(); !ok {
			blankCapacity++
		} else {
			require.True(t, 3 <= n && n <= 12, "capacity %d", n)
		}
		if !in.Active() {
			inactive++
		}
		for _, s := range in.Specialties() {
			specialties[s]++
		}
		if in.Unit() == "county-bureau" {
			require.Equal(t, CountyCode, in.Region())
		} else {
			require.Equal(t, "station-"+in.Region()[6:], in.Unit())
		}
	}
	require.Positive(t, expired)
	require.Less(t, expired, 6)
	require.Positive(t, blankCapacity)
	require.Positive(t, inactive)
	require.Len(t, specialties, 6)
	require.GreaterOrEqual(t, specialties[specMedical], 8)
	require.GreaterOrEqual(t, specialties[specRadiation], 4)

	from, to := roster.MustParseDate("2024-11-01"), planDate
	for _, r := range set.History.Rows() {
		h := roster.Inspection{Row: r}
		d, ok := h.Date()
		require.True(t, ok)
		require.True(t, from <= d && d < to, "inspection %s on %s", r.ID, d)
		require.Len(t, h.Inspectors(), 2, r.ID)
	}
}

// plan is the part of protocol §2 this test reads.
type plan struct {
	Protocol string              `json:"protocol"`
	Date     string              `json:"date"`
	Scope    map[string][]string `json:"scope"`
	Stratify []string            `json:"stratify"`
	Quotas   []struct {
		Match map[string]string `json:"match"`
		Ratio string            `json:"ratio"`
		Min   int               `json:"min"`
		Max   int               `json:"max"`
	} `json:"quotas"`
	Cooldown struct{ Days, Max int } `json:"cooldown"`
	Targeted []struct{ ID, Reason string }
}

// TestPlanSelects parses the plan and works out, with protocol §5, how many
// premises a draw selects. The quota sizes do not depend on the seed, so
// this pins the size of every draw of the sample county.
func TestPlanSelects(t *testing.T) {
	var p plan
	require.NoError(t, json.Unmarshal(Plan(), &p))
	require.Equal(t, "doublerandom/v1", p.Protocol)
	require.Equal(t, PlanDate, p.Date)
	require.Equal(t, []string{"category", "risk"}, p.Stratify)
	require.Len(t, p.Targeted, 1)

	set, err := Load()
	require.NoError(t, err)
	target, ok := set.Premises.Lookup(p.Targeted[0].ID)
	require.True(t, ok, "targeted premises %s", p.Targeted[0].ID)
	require.True(t, roster.Active(target))

	selected, excluded := planSize(t, &p, set)
	t.Logf("the plan selects %d premises by quota (+1 targeted unless drawn); %d cooling down", selected, excluded)
	require.True(t, 150 <= selected && selected <= 250, "selected %d", selected)
	require.Positive(t, excluded, "cooldown bites")
}

// planSize applies protocol §5 steps 1–3 and the quota formula.
func planSize(t *testing.T, p *plan, set *roster.Set) (selected, excluded int) {
	date := roster.MustParseDate(p.Date)
	recent := map[string]int{}
	for _, r := range set.History.Rows() {
		h := roster.Inspection{Row: r}
		if d, _ := h.Date(); d.Within(date, p.Cooldown.Days) {
			recent[h.Premises()]++
		}
	}
	type stratum struct{ category, risk string }
	n := map[stratum]int{}
	var order []stratum
	for _, r := range set.Premises.Rows() {
		if !roster.Active(r) || !contains(p.Scope["category"], r.Get(roster.AttrCategory)) {
			continue
		}
		if recent[r.ID] >= p.Cooldown.Max {
			excluded++
			continue
		}
		s := stratum{r.Get(roster.AttrCategory), r.Get(roster.AttrRisk)}
		if n[s] == 0 {
			order = append(order, s)
		}
		n[s]++
	}
	for _, s := range order {
		values := map[string]string{"category": s.category, "risk": s.risk}
		for _, q := range p.Quotas {
			if !matches(q.Match, values) {
				continue
			}
			var pct int
			_, err := fmt.Sscanf(q.Ratio, "%d%%", &pct)
			require.NoError(t, err, q.Ratio)
			k := (n[s]*pct + 99) / 100
			if q.Max > 0 {
				k = min(k, q.Max)
			}
			k = min(n[s], max(q.Min, k))
			selected += k
			break
		}
	}
	return selected, excluded
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func matches(match, values map[string]string) bool {
	for k, v := range match {
		if values[k] != v {
			return false
		}
	}
	return true
}

func TestWriteDir(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "county")
	require.NoError(t, WriteDir(dir))
	set, err := roster.LoadDir(dir, roster.Options{Strict: true})
	require.NoError(t, err)
	want, err := Load()
	require.NoError(t, err)
	require.Equal(t, want.Roots(), set.Roots())
	b, err := os.ReadFile(filepath.Join(dir, PlanFile))
	require.NoError(t, err)
	require.Equal(t, Plan(), b)
}

func TestGenerateSizes(t *testing.T) {
	for _, tc := range []struct {
		cfg        Config
		premises   int
		inspectors int
		err        string
	}{
		{Config{Premises: 1}, 1, 40, ""},
		{Config{Premises: 200, Inspectors: 5}, 200, 5, ""},
		{Config{Premises: 30_000}, 30_000, 400, ""},
		{Config{Premises: -1}, 0, 0, "Premises = -1"},
		{Config{Premises: MaxPremises + 1}, 0, 0, "Premises"},
		{Config{Inspectors: 1}, 0, 0, "Inspectors = 1"},
	} {
		t.Run(fmt.Sprint(tc.cfg.Premises, "/", tc.cfg.Inspectors), func(t *testing.T) {
			if testing.Short() && tc.premises > 10_000 {
				t.Skip("large county")
			}
			f, err := Generate(tc.cfg)
			if tc.err != "" {
				require.ErrorContains(t, err, tc.err)
				return
			}
			require.NoError(t, err)
			set, err := f.Load()
			require.NoError(t, err)
			require.Equal(t, tc.premises, set.Premises.Len())
			require.Equal(t, tc.inspectors, set.Inspectors.Len())
			var p plan
			require.NoError(t, json.Unmarshal(f.Plan, &p))
			_, ok := set.Premises.Lookup(p.Targeted[0].ID)
			require.True(t, ok)
			require.False(t, strings.Contains(string(f.Plan), "\r"))
		})
	}
}

// GenerateV2 is deterministic, keeps the v1 rows (same ids, in the same
// order) and writes what v2 plans read.
func TestGenerateV2(t *testing.T) {
	a, err := GenerateV2(DefaultConfig())
	require.NoError(t, err)
	b, err := GenerateV2(DefaultConfig())
	require.NoError(t, err)
	require.Equal(t, a, b)
	v1 := Embedded()
	ids := func(csv []byte) []string {
		var out []string
		for _, line := range strings.Split(string(csv), "\n")[1:] {
			if id, _, ok := strings.Cut(line, ","); ok {
				out = append(out, id)
			}
		}
		return out
	}
	require.Equal(t, ids(v1.Premises), ids(a.Premises))
	require.Equal(t, ids(v1.Inspectors), ids(a.Inspectors)[:len(ids(v1.Inspectors))])
	require.Greater(t, len(ids(a.Inspectors)), len(ids(v1.Inspectors)), "partner departments' inspectors")
	var plan map[string]any
	require.NoError(t, json.Unmarshal(a.Plan, &plan))
	require.Equal(t, "doublerandom/v2", plan["protocol"])
	require.Len(t, plan["tasks"], 8)
	header := func(csv []byte) string { h, _, _ := strings.Cut(string(csv), "\n"); return h }
	require.Equal(t, "id,name,region,town,category,subcategory,matters,risk,insured,status,address,legal_representative", header(a.Premises))
	require.Equal(t, "id,premises,date,kind,matters,inspectors", header(a.History))
	for _, s := range []string{"存续", "注销", "停业"} {
		require.Contains(t, string(a.Premises), ","+s+",")
	}
	require.Contains(t, string(a.Inspectors), ",调离")
}
