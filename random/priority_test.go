package random

import (
	"crypto/sha256"
	"encoding/binary"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPriorityVectors(t *testing.T) {
	p := loadDrawPrimitives(t)
	// Golden values of protocol §4 and §6: do not change.
	for _, c := range p.PremisesPriority {
		k, err := ParseKey(c.KeyHex)
		require.NoError(t, err)
		require.Equal(t, c.PriorityHex, FormatPriority(k.Priority(c.ID)), c.ID)
	}
	for _, c := range p.InspectorKey {
		k, err := ParseKey(c.KeyHex)
		require.NoError(t, err)
		require.Equal(t, c.QHex, FormatPriority(k.InspectorKey(c.Premises, c.Inspector)), c.Premises+" "+c.Inspector)
	}
}

// reference recomputes a keyed hash the slow, obvious way.
func reference(k Key, tag byte, ids ...string) uint64 {
	b := append([]byte{}, k[:]...)
	b = append(b, tag)
	for _, id := range ids {
		b = binary.BigEndian.AppendUint32(b, uint32(len(id)))
		b = append(b, id...)
	}
	s := sha256.Sum256(b)
	return binary.BigEndian.Uint64(s[:8])
}

func TestPriorityLongIDs(t *testing.T) {
	k := Key{1, 2, 3}
	for _, n := range []int{0, 1, 127, 128, 129, 300} {
		id := strings.Repeat("x", n)
		require.Equal(t, reference(k, 0x01, id), k.Priority(id), n)
		require.Equal(t, reference(k, 0x02, id, "i"), k.InspectorKey(id, "i"), n)
		require.Equal(t, reference(k, 0x02, "p", id), k.InspectorKey("p", id), n)
	}
	require.NotEqual(t, k.InspectorKey("ab", "c"), k.InspectorKey("a", "bc"))
}

func TestPriorityNoAllocation(t *testing.T) {
	k := Key{9}
	var sink uint64
	allocs := testing.AllocsPerRun(100, func() {
		sink += k.Priority("91350100M000100Y43")
		sink += k.InspectorKey("91350100M000100Y43", "WJ3717270000")
	})
	require.Zero(t, allocs)
	_ = sink
}

func TestFormatParsePriority(t *testing.T) {
	require.Equal(t, "0000000000000001", FormatPriority(1))
	v, err := ParsePriority("8d220a5a5ab961b6")
	require.NoError(t, err)
	require.Equal(t, uint64(0x8d220a5a5ab961b6), v)
	for _, s := range []string{"", "8d220a5a5ab961b", "8d220a5a5ab961b6a", "0x220a5a5ab961b6", "8d220a5a5ab961g6", "+d220a5a5ab961b6"} {
		_, err := ParsePriority(s)
		require.Error(t, err, s)
	}
}

func BenchmarkPriority(b *testing.B) {
	k := Key{9}
	for b.Loop() {
		k.Priority("91350100M000100Y43")
	}
}

// TestPriorityHasher holds the hasher of the draw to Key.Priority for ids
// of every length around the block boundaries, one after another in one
// hasher (so that a longer id's bytes are never left behind).
func TestPriorityHasher(t *testing.T) {
	for _, key := range []Key{{}, {1, 2, 3}, {0xff, 0x80}} {
		ph := newPriorityHasher(key)
		require.NotNil(t, ph.ps, "crypto/sha256 keeps its state as package padsum expects")
		for _, n := range []int{0, 1, 17, 18, 19, 26, 27, 28, 90, 91, 92, 128, 130, 200, 18, 3, 0} {
			id := strings.Repeat("9137", 60)[:n]
			require.Equal(t, key.Priority(id), ph.priority(id), "key %x, id of %d bytes", key[:3], n)
		}
	}
}
