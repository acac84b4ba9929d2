package random

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/roster"
)

// primitivesV2 is testdata/v2/dr2-primitives.json, the parts of protocol
// v2 §§3–6 (roster's tests check §1). Frozen: do not change the values.
type primitivesV2 struct {
	KeyV2 struct {
		Examples []struct {
			SeedHex   string `json:"seed_hex"`
			InputsHex string `json:"inputs_hex"`
			KeyHex    string `json:"key_hex"`
		} `json:"examples"`
	} `json:"key_v2"`
	Priority struct {
		KeyHex   string `json:"key_hex"`
		Examples []struct {
			ID   string `json:"id"`
			PHex string `json:"P_hex"`
		} `json:"examples"`
	} `json:"premises_priority"`
	Weighted struct {
		KeyHex   string `json:"key_hex"`
		Examples []struct {
			ID    string   `json:"id"`
			W     int      `json:"w"`
			PHex  string   `json:"P_hex"`
			PjHex []string `json:"P_j_hex"`
			WHex  string   `json:"W_hex"`
		} `json:"examples"`
	} `json:"weighted_priority"`
	InspectorKey struct {
		KeyHex   string `json:"key_hex"`
		Examples []struct {
			Premises  string `json:"premises"`
			Inspector string `json:"inspector"`
			QHex      string `json:"Q_hex"`
		} `json:"examples"`
	} `json:"inspector_key"`
	Want struct {
		Examples []struct {
			N, E, O    int
			Ratio      string `json:"ratio"`
			Min        int    `json:"min"`
			Max        int    `json:"max"`
			DrawsLeft  int    `json:"draws_left"`
			CeilNRatio int    `json:"ceil_N_ratio"`
			Want       int    `json:"want"`
			K          int    `json:"k"`
			Shortfall  int    `json:"shortfall"`
			Note       string `json:"note"`
		} `json:"examples"`
	} `json:"want"`
	Spread struct {
		Examples []struct {
			K      int    `json:"k"`
			E      int    `json:"E"`
			Note   string `json:"note"`
			R      int    `json:"R"`
			Groups []struct {
				Values    []string `json:"values"`
				EG        int      `json:"e_g"`
				KEG       int      `json:"k_e_g"`
				Floor     int      `json:"floor"`
				Remainder int      `json:"remainder"`
				Extra     int      `json:"extra"`
				AG        int      `json:"a_g"`
			} `json:"groups"`
		} `json:"examples"`
	} `json:"spread_allocation"`
	SlotMerge struct {
		Examples []struct {
			Teams struct {
				Size         int `json:"size"`
				RegionPrefix int `json:"region_prefix"`
				MaxPerUnit   int `json:"max_per_unit"`
			} `json:"teams"`
			Premises map[string]string `json:"premises"`
			Tasks    []struct {
				ID   string `json:"id"`
				Team *struct {
					Size       int `json:"size"`
					MaxPerUnit int `json:"max_per_unit"`
					Slots      []struct {
						Unit      string              `json:"unit"`
						Specialty string              `json:"specialty"`
						Match     map[string][]string `json:"match"`
					} `json:"slots"`
				} `json:"team"`
			} `json:"tasks_in_plan_order"`
			Merged []struct {
				Unit      string `json:"unit"`
				Specialty string `json:"specialty"`
			} `json:"merged_slots"`
			Size       int    `json:"size"`
			MaxPerUnit int    `json:"max_per_unit"`
			Note       string `json:"note"`
		} `json:"examples"`
	} `json:"slot_merge"`
}

func loadPrimitivesV2(t *testing.T) primitivesV2 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(testdataV2, "dr2-primitives.json"))
	require.NoError(t, err)
	var p primitivesV2
	require.NoError(t, json.Unmarshal(b, &p))
	return p
}

func TestPrimitivesKeyV2(t *testing.T) {
	p := loadPrimitivesV2(t)
	require.NotEmpty(t, p.KeyV2.Examples)
	for _, v := range p.KeyV2.Examples {
		var zero roster.Roots
		inputs := zero.InputsV2(roster.Hash{})
		require.Equal(t, v.InputsHex, inputs.String())
		k, err := NewKeyV2(hexSeed(t, v.SeedHex), inputs)
		require.NoError(t, err)
		require.Equal(t, v.KeyHex, k.String())
	}
}

func TestPrimitivesPrioritiesV2(t *testing.T) {
	p := loadPrimitivesV2(t)
	k, err := ParseKey(p.Priority.KeyHex)
	require.NoError(t, err)
	require.NotEmpty(t, p.Priority.Examples)
	for _, v := range p.Priority.Examples {
		require.Equal(t, v.PHex, FormatPriority(k.Priority(v.ID)), v.ID)
	}
	k, err = ParseKey(p.Weighted.KeyHex)
	require.NoError(t, err)
	require.NotEmpty(t, p.Weighted.Examples)
	for _, v := range p.Weighted.Examples {
		require.Equal(t, v.PHex, FormatPriority(k.Priority(v.ID)))
		require.Len(t, v.PjHex, v.W-1)
		for j, want := range v.PjHex {
			require.Equal(t, want, FormatPriority(k.ExtraPriority(v.ID, uint32(j+1))), "%s P_%d", v.ID, j+1)
		}
		require.Equal(t, v.WHex, FormatPriority(k.WeightedPriority(v.ID, v.W)), "%s w=%d", v.ID, v.W)
	}
	k, err = ParseKey(p.InspectorKey.KeyHex)
	require.NoError(t, err)
	require.NotEmpty(t, p.InspectorKey.Examples)
	for _, v := range p.InspectorKey.Examples {
		require.Equal(t, v.QHex, FormatPriority(k.InspectorKey(v.Premises, v.Inspector)))
	}
}

func TestPrimitivesWantV2(t *testing.T) {
	p := loadPrimitivesV2(t)
	require.NotEmpty(t, p.Want.Examples)
	for _, v := range p.Want.Examples {
		r, err := ParseRatio(v.Ratio)
		require.NoError(t, err)
		require.Equal(t, v.CeilNRatio, r.CeilMul(v.N), v.Note)
		want, k, short := WantV2(v.N, v.E, v.O, r, v.Min, v.Max, v.DrawsLeft)
		require.Equal(t, [3]int{v.Want, v.K, v.Shortfall}, [3]int{want, k, short}, v.Note)
	}
}

func TestPrimitivesSpreadV2(t *testing.T) {
	p := loadPrimitivesV2(t)
	require.NotEmpty(t, p.Spread.Examples)
	for _, v := range p.Spread.Examples {
		sizes := make([]int, len(v.Groups))
		want := make([]int, len(v.Groups))
		total, floors := 0, 0
		for g, gr := range v.Groups {
			sizes[g], want[g] = gr.EG, gr.AG
			total += gr.EG
			require.Equal(t, gr.KEG, v.K*gr.EG)
			require.Equal(t, gr.Floor, v.K*gr.EG/v.E)
			require.Equal(t, gr.Remainder, v.K*gr.EG%v.E)
			require.Equal(t, gr.AG, gr.Floor+gr.Extra)
			floors += gr.Floor
			if g > 0 {
				require.Negative(t, slices.Compare(v.Groups[g-1].Values, gr.Values), "groups in ascending order of values")
			}
		}
		require.Equal(t, v.E, total)
		require.Equal(t, v.R, v.K-floors)
		require.Equal(t, want, SpreadQuota(v.K, sizes), v.Note)
	}
}

func TestPrimitivesSlotMergeV2(t *testing.T) {
	p := loadPrimitivesV2(t)
	require.NotEmpty(t, p.SlotMerge.Examples)
	for _, v := range p.SlotMerge.Examples {
		plan := &PlanV2{Teams: Teams{Size: v.Teams.Size, RegionPrefix: v.Teams.RegionPrefix, MaxPerUnit: v.Teams.MaxPerUnit}}
		var tasks []int
		for i, task := range v.Tasks {
			tk := Task{ID: task.ID}
			if task.Team != nil {
				tk.Team = &TaskTeam{Size: task.Team.Size, MaxPerUnit: task.Team.MaxPerUnit}
				for _, s := range task.Team.Slots {
					sl := Slot{Unit: s.Unit, Specialty: s.Specialty}
					for _, attr := range slices.Sorted(maps.Keys(s.Match)) {
						sl.Match = append(sl.Match, MatchTerm{Attr: attr, Values: s.Match[attr]})
					}
					tk.Team.Slots = append(tk.Team.Slots, sl)
				}
			}
			plan.Tasks = append(plan.Tasks, tk)
			tasks = append(tasks, i)
		}
		id := v.Premises["id"]
		if id == "" {
			id = "P"
		}
		row, err := roster.NewRow(id, v.Premises)
		require.NoError(t, err)
		slots, size, mpu := plan.MergeSlots(row, tasks)
		var got [][2]string
		for _, s := range slots {
			got = append(got, [2]string{s.Unit, s.Specialty})
		}
		var want [][2]string
		for _, s := range v.Merged {
			want = append(want, [2]string{s.Unit, s.Specialty})
		}
		require.Equal(t, want, got, v.Note)
		require.Equal(t, v.Size, size, v.Note)
		require.Equal(t, v.MaxPerUnit, mpu, v.Note)
	}
}

// TestWantV2Limits: the largest counts do not overflow (int is 32 bits
// on 386).
func TestWantV2Limits(t *testing.T) {
	r, err := ParseRatio("100%")
	require.NoError(t, err)
	want, k, short := WantV2(MaxCount, MaxCount, MaxCount, r, 0, 1, MaxCount)
	require.Equal(t, [3]int{1, 1, 0}, [3]int{want, k, short})
	want, k, short = WantV2(MaxCount, 5, MaxCount, r, MaxCount, 0, 1)
	require.Equal(t, [3]int{MaxCount, 5, MaxCount - 5}, [3]int{want, k, short})
	require.Equal(t, []int{MaxCount / 2, MaxCount - MaxCount/2}, SpreadQuota(MaxCount, []int{MaxCount / 2, MaxCount - MaxCount/2}))
}
