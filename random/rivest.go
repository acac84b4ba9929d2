package random

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"math/bits"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Compatibility with Ronald L. Rivest's election-audit samplers, so that
// auditors can check this library against tools they already trust. The
// draw itself (protocol §4–§6) does not use them.

// ErrSamplerArgument: an argument of [RivestSample] or [ConsistentSample]
// is out of range.
var ErrSamplerArgument = errors.New("random: invalid sampler argument")

// maxRivestCount bounds the number of picks of [RivestSample].
const maxRivestCount = 1_000_000

// RivestSample reproduces Rivest's sampler.py (November 14, 2011): draw i
// (i = 1, 2, …) picks
//
//	1 + int(SHA-256(UTF-8(seed + "," + str(i)))) mod total
//
// where int reads the 32-byte digest as a big-endian integer (the
// reduction is exact). It returns count picks from 1..total. With unique,
// a pick already made is skipped but the counter i still advances, so
// the picks are the first count distinct values of the same sequence.
//
// The seed is used as given, byte for byte (a numeric seed is not parsed:
// "00" and "0" differ); it must be valid UTF-8. total must be ≥ 1, count
// between 0 and 1,000,000, and, with unique, at most total. Errors are
// *[SamplerError] values.
func RivestSample(seed string, total, count int, unique bool) ([]int, error) {
	switch {
	case !utf8.ValidString(seed):
		return nil, &SamplerError{Arg: "seed", Value: seed, Reason: "not valid UTF-8"}
	case total < 1:
		return nil, &SamplerError{Arg: "total", Value: strconv.Itoa(total), Reason: "must be at least 1"}
	case count < 0 || count > maxRivestCount:
		return nil, &SamplerError{Arg: "count", Value: strconv.Itoa(count), Reason: fmt.Sprintf("must be 0..%d", maxRivestCount)}
	case unique && count > total:
		return nil, &SamplerError{Arg: "count", Value: strconv.Itoa(count), Reason: fmt.Sprintf("cannot draw %d distinct values from 1..%d", count, total)}
	}
	picks := make([]int, 0, count)
	seen := make(map[int]bool)
	n := big.NewInt(int64(total))
	var x big.Int
	for i := 1; len(picks) < count; i++ {
		d := sha256.Sum256([]byte(seed + "," + strconv.Itoa(i)))
		x.SetBytes(d[:])
		x.Mod(&x, n)
		pick := int(x.Int64()) + 1 // x < total ≤ MaxInt, so pick ≤ total
		if unique {
			if seen[pick] {
				continue
			}
			seen[pick] = true
		}
		picks = append(picks, pick)
	}
	return picks, nil
}

// ConsistentTicket returns the ticket number of an id in Rivest's
// consistent_sampler (first generation), a decimal fraction written as a
// string: with h = lowercase hex of SHA-256(UTF-8(seed)), the SHA-256 of
// UTF-8(h + id) read as an integer, written in decimal left-padded with
// zeros to at least 64 digits, digits reversed, behind "0.". Tickets
// compare as strings, as in Rivest's code.
//
// For example ConsistentTicket("01382438112797316654", "AB-130") is
// "0.26299714122838008416507544297546663599715395525154425586041245287750224561854".
func ConsistentTicket(seed, id string) string {
	h := sha256.Sum256([]byte(seed))
	d := sha256.Sum256([]byte(hex.EncodeToString(h[:]) + id))
	digits := []byte(new(big.Int).SetBytes(d[:]).Text(10))
	if pad := 64 - len(digits); pad > 0 {
		digits = append([]byte(strings.Repeat("0", pad)), digits...)
	}
	slices.Reverse(digits)
	return "0." + string(digits)
}

// ConsistentSample reproduces Rivest's consistent_sampler sampling without
// replacement (sampler(ids, seed, take=k, output='id')): the ids in
// ascending order of [ConsistentTicket] (ties, which do not happen in
// practice, by id), the first k of them. k is an upper bound: with k ≥
// len(ids) the whole list comes back, shuffled. Because each id's ticket
// depends on the seed and that id only, the sample of a sub-list is the
// sample of the whole list filtered to it. ids must be distinct, valid
// UTF-8; k ≥ 0. Errors are *[SamplerError] values.
//
// It orders ids without writing their tickets out: a ticket's first 19
// digits after "0." are the 19 lowest decimal digits of the hash, reversed,
// so the number they form ([ticketPrefix]) orders tickets exactly as the
// strings do wherever it differs; only ids whose prefixes are equal (about
// one pair in 10^19) are compared by their whole tickets. The hash of
// hex(SHA-256(seed)) || id resumes from the state after its first 64
// bytes, which are the same for every id. Hashing runs on every core.
func ConsistentSample(seed string, ids []string, k int) ([]string, error) {
	if !utf8.ValidString(seed) {
		return nil, &SamplerError{Arg: "seed", Value: seed, Reason: "not valid UTF-8"}
	}
	if k < 0 {
		return nil, &SamplerError{Arg: "k", Value: strconv.Itoa(k), Reason: "must be at least 0"}
	}
	for _, id := range ids {
		if !utf8.ValidString(id) {
			return nil, &SamplerError{Arg: "ids", Value: id, Reason: "not valid UTF-8"}
		}
	}
	if len(ids) > math.MaxInt32 {
		return nil, &SamplerError{Arg: "ids", Value: strconv.Itoa(len(ids)), Reason: "too many ids"}
	}
	h := sha256.Sum256([]byte(seed))
	base := sha256.New()
	base.Write([]byte(hex.EncodeToString(h[:]))) // exactly one block
	state, err := base.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return nil, err
	}
	// A rankKey per id: the ticket prefix as p, the index into ids as row
	// (below 2^31, so none is "overdue" and the radix sort orders by p,
	// ties in index order).
	tickets := make([]rankKey, len(ids))
	parts := max(1, min(runtime.GOMAXPROCS(0), len(ids)/4096))
	var wg sync.WaitGroup
	errs := make([]error, parts)
	for part := range parts {
		wg.Go(func() {
			d := sha256.New()
			var sum [sha256.Size]byte
			for j := len(ids) * part / parts; j < len(ids)*(part+1)/parts; j++ {
				if err := d.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
					errs[part] = err
					return
				}
				io.WriteString(d, ids[j])
				tickets[j] = rankKey{ticketPrefix(d.Sum(sum[:0])), uint32(j)}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	tickets, _ = sortRankKeys(tickets, nil)
	// Runs of equal prefixes: order by the whole ticket, then by id; a
	// repeated id has a repeated ticket.
	for lo := 0; lo < len(tickets); {
		hi := lo + 1
		for hi < len(tickets) && tickets[hi].p == tickets[lo].p {
			hi++
		}
		if hi-lo > 1 {
			run := tickets[lo:hi]
			slices.SortFunc(run, func(a, b rankKey) int {
				ta, tb := ConsistentTicket(seed, ids[a.row]), ConsistentTicket(seed, ids[b.row])
				if c := strings.Compare(ta, tb); c != 0 {
					return c
				}
				return strings.Compare(ids[a.row], ids[b.row])
			})
			for r := 1; r < len(run); r++ {
				if ids[run[r].row] == ids[run[r-1].row] {
					return nil, &SamplerError{Arg: "ids", Value: ids[run[r].row], Reason: "duplicate id"}
				}
			}
		}
		lo = hi
	}
	k = min(k, len(tickets))
	out := make([]string, k)
	for i := range out {
		out[i] = ids[tickets[i].row]
	}
	return out, nil
}

// ticketPrefix returns the number formed by the first 19 digits of the
// ticket of a hash: with N the hash read as a big-endian integer, the 19
// lowest decimal digits of N (N mod 10^19, zero-padded) in reverse order.
// Tickets whose prefixes differ compare as their prefixes do.
func ticketPrefix(sum []byte) uint64 {
	const e19 = 10_000_000_000_000_000_000
	var rem uint64
	for i := 0; i < len(sum); i += 8 {
		_, rem = bits.Div64(rem, binary.BigEndian.Uint64(sum[i:]), e19)
	}
	var r uint64
	for range 19 {
		r = r*10 + rem%10
		rem /= 10
	}
	return r
}

// SamplerError reports an argument of [RivestSample] or
// [ConsistentSample] that is out of range. It matches
// [ErrSamplerArgument].
type SamplerError struct {
	Arg    string // "seed", "total", "count", "ids" or "k"
	Value  string // the offending value
	Reason string
}

func (e *SamplerError) Error() string {
	return fmt.Sprintf("random: sampler: %s %q: %s", e.Arg, e.Value, e.Reason)
}

// Unwrap makes a SamplerError match [ErrSamplerArgument].
func (e *SamplerError) Unwrap() error { return ErrSamplerArgument }
