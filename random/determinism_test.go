package random

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// TestDeterminismPermutedInputs draws each county vector from inputs that
// differ only in ways the protocol says do not matter, and requires the
// bytes of expected-view.json every time, with 1, 2 and 7 workers:
//
//   - CSV files with their data rows, their columns and the parts of
//     multi-valued cells (specialties, history inspectors) permuted, with
//     LF or CR LF line ends, read by roster.LoadDir;
//   - the same tables written as JSON Lines with each object's members in
//     a random order;
//   - tables built in Go through roster.NewRow from maps (Go randomises
//     map iteration) and roster.NewTable from rows in a random order.
func TestDeterminismPermutedInputs(t *testing.T) {
	for vi, v := range countyVectors() {
		t.Run(v.dir, func(t *testing.T) {
			plan, set := loadCounty(t, v.dir)
			want, err := os.ReadFile(filepath.Join(testdata, v.dir, "expected-view.json"))
			require.NoError(t, err)
			rng := rand.New(rand.NewPCG(20261122, uint64(vi)))

			sets := map[string]*roster.Set{}
			for round := range 3 {
				dir := t.TempDir()
				for _, k := range roster.Kinds {
					writePermutedCSV(t, rng, filepath.Join(testdata, v.dir, k.String()+".csv"), filepath.Join(dir, k.String()+".csv"), k)
				}
				s, err := roster.LoadDir(dir, roster.Options{})
				require.NoError(t, err)
				sets[fmt.Sprintf("csv round %d", round)] = s
			}
			dir := t.TempDir()
			for _, k := range roster.Kinds {
				writeShuffledJSONL(t, rng, tableOf(set, k), filepath.Join(dir, k.String()+".jsonl"))
			}
			s, err := roster.LoadDir(dir, roster.Options{})
			require.NoError(t, err)
			sets["jsonl"] = s
			sets["NewRow from maps"] = setFromMaps(t, rng, set)

			for _, name := range slices.Sorted(maps.Keys(sets)) {
				s := sets[name]
				require.Equal(t, set.Roots(), s.Roots(), "%s: roots", name)
				for _, workers := range []int{1, 2, 7} {
					res, err := Draw(context.Background(), plan, s, v.seed, Options{Workers: workers})
					require.NoError(t, err)
					got, err := res.View().Encode()
					require.NoError(t, err)
					require.Equal(t, string(want), string(got), "%s, %d workers", name, workers)
				}
			}
		})
	}
}

func tableOf(s *roster.Set, k roster.Kind) *roster.Table {
	switch k {
	case roster.KindPremises:
		return s.Premises
	case roster.KindInspectors:
		return s.Inspectors
	case roster.KindConflicts:
		return s.Conflicts
	}
	return s.History
}

// writePermutedCSV copies a CSV table with its data rows, columns and
// multi-valued parts in a random order.
func writePermutedCSV(t *testing.T, rng *rand.Rand, from, to string, k roster.Kind) {
	t.Helper()
	b, err := os.ReadFile(from)
	require.NoError(t, err)
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	require.NoError(t, err)
	require.NotEmpty(t, recs)
	head, rows := recs[0], recs[1:]
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	cols := rng.Perm(len(head))
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = rng.IntN(2) == 0
	permute := func(rec []string, header bool) []string {
		out := make([]string, len(rec))
		for i, c := range cols {
			out[i] = rec[c]
			if !header && k.MultiValued(head[c]) && strings.Contains(rec[c], ";") {
				parts := strings.Split(rec[c], ";")
				rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
				out[i] = strings.Join(parts, ";")
			}
		}
		return out
	}
	require.NoError(t, w.Write(permute(head, true)))
	for _, r := range rows {
		require.NoError(t, w.Write(permute(r, false)))
	}
	w.Flush()
	require.NoError(t, w.Error())
	require.NotEqual(t, b, buf.Bytes(), "%s: the permutation changed nothing", from)
	require.NoError(t, os.WriteFile(to, buf.Bytes(), 0o644))
}

// writeShuffledJSONL writes a table as JSON Lines, rows and members in a
// random order (conflict rows without their derived id).
func writeShuffledJSONL(t *testing.T, rng *rand.Rand, tb *roster.Table, to string) {
	t.Helper()
	rows := slices.Clone(tb.Rows())
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	var buf bytes.Buffer
	for _, r := range rows {
		members := make([][2]string, 0, len(r.Attrs)+1)
		if tb.Kind() != roster.KindConflicts {
			members = append(members, [2]string{"id", r.ID})
		}
		for _, a := range r.Attrs {
			members = append(members, [2]string{a.Name, a.Value})
		}
		rng.Shuffle(len(members), func(i, j int) { members[i], members[j] = members[j], members[i] })
		buf.WriteByte('{')
		for i, m := range members {
			if i > 0 {
				buf.WriteByte(',')
			}
			name, err := json.Marshal(m[0])
			require.NoError(t, err)
			value, err := json.Marshal(m[1])
			require.NoError(t, err)
			buf.Write(name)
			buf.WriteByte(':')
			buf.Write(value)
		}
		buf.WriteString("}\n")
	}
	require.NoError(t, os.WriteFile(to, buf.Bytes(), 0o644))
}

// setFromMaps rebuilds a set through roster.NewRow from maps and
// roster.NewTable from shuffled rows.
func setFromMaps(t *testing.T, rng *rand.Rand, s *roster.Set) *roster.Set {
	t.Helper()
	var tables [4]*roster.Table
	for i, k := range roster.Kinds {
		tb := tableOf(s, k)
		rows := make([]roster.Row, 0, tb.Len())
		for _, r := range tb.Rows() {
			m := map[string]string{}
			for _, a := range r.Attrs {
				m[a.Name] = a.Value
			}
			nr, err := roster.NewRow(r.ID, m)
			require.NoError(t, err)
			rows = append(rows, nr)
		}
		rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
		out, err := roster.NewTable(k, rows, roster.Options{})
		require.NoError(t, err)
		tables[i] = out
	}
	out, err := roster.NewSet(tables[0], tables[1], tables[2], tables[3])
	require.NoError(t, err)
	return out
}
