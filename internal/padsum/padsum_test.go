package padsum

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestAppendPadding(t *testing.T) {
	for n := range 201 {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(i ^ n)
		}
		p := AppendPadding(slices.Clone(msg))
		require.Zero(t, len(p)%sha256.BlockSize, n)
		require.GreaterOrEqual(t, len(p), n+9, n)
		require.Less(t, len(p), n+9+sha256.BlockSize, n)
		require.Equal(t, msg, p[:n])
		require.Equal(t, byte(0x80), p[n])
		require.Equal(t, make([]byte, len(p)-n-9), p[n+1:len(p)-8])
		require.Equal(t, uint64(n)*8, binary.BigEndian.Uint64(p[len(p)-8:]))
	}
}

// TestHasher checks Sum against sha256.Sum256 for messages of 0..200
// bytes in one Hasher, longer and shorter ones in turn.
func TestHasher(t *testing.T) {
	require.True(t, Supported(), "crypto/sha256's saved state no longer holds the digest where padsum looks: hashes are still right (through Sum256) but slower")
	h := New()
	require.NotNil(t, h)
	for _, n := range []int{0, 200, 1, 55, 56, 63, 64, 65, 119, 120, 3, 128, 150} {
		msg := make([]byte, n)
		for i := range msg {
			msg[i] = byte(i*13 + n)
		}
		want := sha256.Sum256(msg)
		require.Equal(t, want[:], h.Sum(AppendPadding(slices.Clone(msg))), n)
	}
}

func BenchmarkSum(b *testing.B) {
	for _, n := range []int{55, 65, 110} {
		msg := make([]byte, n)
		padded := AppendPadding(slices.Clone(msg))
		b.Run("Sum256/"+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				sha256.Sum256(msg)
			}
		})
		h := New()
		b.Run("padsum/"+strconv.Itoa(n), func(b *testing.B) {
			for b.Loop() {
				h.Sum(padded)
			}
		})
	}
}
