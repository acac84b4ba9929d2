package roster

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestInspections checks the history rows of each premises row against
// a plain scan, on random tables where some premises have no history,
// some many, and (for a Set not made by NewSet) some history rows name
// no known premises.
func TestInspections(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		n := []int{0, 1, 2, 5, 100, 3000}[seed%6]
		var prows, hrows []Row
		for i := range n {
			r, err := NewRow(fmt.Sprintf("P%06d", i*3+rng.IntN(3)), nil)
			require.NoError(t, err)
			prows = append(prows, r)
		}
		premises, err := NewTable(KindPremises, prows, Options{})
		require.NoError(t, err)
		unknown := seed%2 == 1
		for h := range rng.IntN(2*n + 3) {
			id := fmt.Sprintf("P%06d", rng.IntN(3*n+3))
			if !unknown || rng.IntN(4) > 0 {
				if n == 0 {
					break
				}
				id = prows[rng.IntN(n)].ID
			}
			r, err := NewRow(fmt.Sprintf("H%06d", h), map[string]string{AttrPremises: id, AttrDate: "2026-01-02"})
			require.NoError(t, err)
			hrows = append(hrows, r)
		}
		history, err := NewTable(KindHistory, hrows, Options{})
		require.NoError(t, err)

		var sets []*Set
		set, err := NewSet(premises, nil, nil, history)
		if err == nil {
			sets = append(sets, set)
		} else {
			require.ErrorIs(t, err, ErrUnknownRef)
		}
		sets = append(sets, &Set{Premises: premises, History: history})
		byID := map[string][]int32{} // the plain scan
		for h, r := range history.Rows() {
			byID[r.Get(AttrPremises)] = append(byID[r.Get(AttrPremises)], int32(h))
		}
		for _, s := range sets {
			x := s.Inspections()
			for i := -1; i <= premises.Len(); i++ {
				var want []int32
				if i >= 0 && i < premises.Len() {
					want = byID[premises.At(i).ID]
				}
				require.Equal(t, want, nilIfEmpty(x.Of(i)), "seed %d, premises row %d", seed, i)
			}
		}
	}
}

func nilIfEmpty(s []int32) []int32 {
	if len(s) == 0 {
		return nil
	}
	return s
}

// canonicalListPlain is CanonicalList without its shortcut for lists
// already canonical.
func canonicalListPlain(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	parts := strings.Split(s, ";")
	for _, p := range parts {
		if p == "" || p[0] == ' ' || p[len(p)-1] == ' ' {
			return "", ErrBadValue
		}
	}
	slices.Sort(parts)
	return strings.Join(slices.Compact(parts), ";"), nil
}

// TestCanonicalList checks CanonicalList against the plain
// split-sort-join on lists in and out of order, with repeats, empty
// items and spaces.
func TestCanonicalList(t *testing.T) {
	items := []string{"a", "b", "ab", "B", " a", "a ", "", "x y", "专业", "a;"}
	rng := rand.New(rand.NewPCG(9, 9))
	cases := []string{"", "a", "a;b", "b;a", "a;a", "a;;b", ";a", "a;", " a;b", "a;b ", "ab;b", "B;a;ab"}
	for range 2000 {
		parts := make([]string, 1+rng.IntN(4))
		for i := range parts {
			parts[i] = items[rng.IntN(len(items))]
		}
		cases = append(cases, strings.Join(parts, ";"))
	}
	for _, s := range cases {
		want, wantErr := canonicalListPlain(s)
		got, err := CanonicalList(s)
		if wantErr != nil {
			require.ErrorIs(t, err, ErrBadValue, "%q", s)
			continue
		}
		require.NoError(t, err, "%q", s)
		require.Equal(t, want, got, "%q", s)
	}
}

// TestInspectionsNilTables: a Set made without NewSet may leave tables
// nil, which are empty.
func TestInspectionsNilTables(t *testing.T) {
	require.Empty(t, (&Set{}).Inspections().Of(0))
	p, err := NewTable(KindPremises, []Row{{ID: "P1"}}, Options{})
	require.NoError(t, err)
	require.Empty(t, (&Set{Premises: p}).Inspections().Of(0))
}
