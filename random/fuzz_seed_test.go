package random_test

// Native fuzz targets for the seed inputs of package random that come from
// outside: the dice digits read out at a ceremony, and the seed promises
// and evidence of published announcements and draw records. Each target
// checks properties of what is accepted and of how it is rejected, not
// only that nothing panics. Seed corpora live in testdata/fuzz/<target>/
// and run with plain `go test`; .ci/fuzz runs each target briefly.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/stretchr/testify/require"

	"github.com/doublerandom/doublerandom/random"
)

// FuzzDiceSeed checks DiceSeed against its definition. Accepted: the
// input is valid UTF-8 made of ASCII digits and white space only, and the
// seed is its digits in order, 20..1024 of them. Rejected: a *DiceError
// matching ErrSeedInvalid that names the first offending character by its
// 1-based position (within the input), or, at position 0, a digit count
// out of range.
func FuzzDiceSeed(f *testing.F) {
	for _, s := range []string{
		"20237331128159211123",
		"2023 7331 1281\n5921 1123",
		"2023 7331 1281 5921 112O",
		"20237\u00a033112\u300081592\u200311123",
		"２０２３7331128159211123",
		"2023733112815921112",
		strings.Repeat("9", 1025),
		"2023\x807331128159211123",
		"2023\u200b7331128159211123",
		"2023\ufffd7331128159211123",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		out, err := random.DiceSeed(s)
		// What the input holds, computed the way the documentation says.
		var digits []byte
		firstBad, pos := 0, 0
		var badRune rune
		for i, r := range s {
			pos++
			_, size := utf8.DecodeRuneInString(s[i:])
			switch {
			case r == utf8.RuneError && size == 1:
			case r >= '0' && r <= '9':
				digits = append(digits, byte(r))
				continue
			case unicode.IsSpace(r):
				continue
			}
			if firstBad == 0 {
				firstBad, badRune = pos, r
			}
		}
		if err == nil {
			require.Zero(t, firstBad, "DiceSeed(%q) accepted character %q at %d", s, badRune, firstBad)
			require.True(t, utf8.ValidString(s))
			require.Equal(t, string(digits), string(out), "seed is not the input's digits")
			require.Equal(t, strings.Join(strings.FieldsFunc(s, unicode.IsSpace), ""), string(out))
			require.GreaterOrEqual(t, len(out), random.MinDiceDigits)
			require.LessOrEqual(t, len(out), random.MaxSeedSize)
			return
		}
		require.Nil(t, out)
		require.ErrorIs(t, err, random.ErrSeedInvalid)
		var de *random.DiceError
		require.True(t, errors.As(err, &de), "%T: %v", err, err)
		require.NotEmpty(t, de.Error())
		require.True(t, de.Pos >= 0 && de.Pos <= utf8.RuneCountInString(s), "position %d outside an input of %d characters", de.Pos, utf8.RuneCountInString(s))
		if firstBad != 0 {
			require.Equal(t, firstBad, de.Pos, "DiceSeed(%q): wrong position: %v", s, err)
			require.Equal(t, badRune, de.Char, "DiceSeed(%q): wrong character: %v", s, err)
			return
		}
		require.Zero(t, de.Pos, "DiceSeed(%q) blames a good character: %v", s, err)
		require.Zero(t, de.Char)
		require.Equal(t, len(digits), de.Digits)
		require.True(t, len(digits) < random.MinDiceDigits || len(digits) > random.MaxSeedSize, "DiceSeed(%q) rejects %d digits", s, len(digits))
	})
}

// seedFixtures are real promises and evidence, from the protocol's vectors
// and the drand mainnet rounds, that seed the targets below.
type seedFixtures struct {
	promises []random.SeedPromise
	evidence []random.SeedEvidence
}

func loadSeedFixtures(tb testing.TB) seedFixtures {
	tb.Helper()
	var fx seedFixtures
	add := func(src random.SeedSource) {
		e, err := src.Evidence()
		require.NoError(tb, err)
		fx.promises = append(fx.promises, src.Promise())
		fx.evidence = append(fx.evidence, e)
	}
	add(random.DiceSource{
		Ceremony: random.Ceremony{When: "2026-11-22 09:30 CST", Where: "市市场监管局三楼会议室"},
		Digits:   "2023 7331 1281 5921 1123",
	})

	// The commit-reveal vector of dr1-primitives.json.
	var prim struct {
		CommitReveal struct {
			Participants []struct {
				Name   string `json:"name"`
				Secret string `json:"secret"`
			} `json:"participants"`
			SeedHex string `json:"seed_hex"`
		} `json:"commit_reveal"`
	}
	b, err := os.ReadFile(filepath.Join("..", "testdata", "dr1-primitives.json"))
	require.NoError(tb, err)
	require.NoError(tb, json.Unmarshal(b, &prim))
	var cr random.CommitRevealSource
	for _, p := range prim.CommitReveal.Participants {
		r := random.Reveal{Name: p.Name, Secret: []byte(p.Secret)}
		cr.Reveals = append(cr.Reveals, r)
		cr.Commitments = append(cr.Commitments, r.Commitment())
	}
	add(cr)
	e := fx.evidence[len(fx.evidence)-1]
	seed, err := random.DeriveSeed([]random.SeedPromise{cr.Promise()}, []random.SeedEvidence{e})
	require.NoError(tb, err)
	require.Equal(tb, prim.CommitReveal.SeedHex, hex.EncodeToString(seed))

	// Round 1 of the drand mainnet chain.
	var drand struct {
		Chain  random.ChainInfo `json:"chain"`
		Rounds []struct {
			Beacon random.Beacon `json:"beacon"`
		} `json:"rounds"`
	}
	b, err = os.ReadFile(filepath.Join("testdata", "drand-mainnet.json"))
	require.NoError(tb, err)
	require.NoError(tb, json.Unmarshal(b, &drand))
	beacon := drand.Rounds[0].Beacon
	add(random.BeaconSource{Chain: drand.Chain, Round: beacon.Round, Beacon: &beacon})

	add(&random.SystemSource{Rand: bytes.NewReader(bytes.Repeat([]byte{7}, random.SecretSize))})
	return fx
}

func mustJSON(tb testing.TB, v any) []byte {
	tb.Helper()
	b, err := json.Marshal(v)
	require.NoError(tb, err)
	return b
}

// sameOutcome checks that two outcomes of a check are the same: both
// nil, or both *SourceError values at the same source and field.
func sameOutcome(t *testing.T, what string, err1, err2 error) {
	t.Helper()
	require.Equal(t, err1 == nil, err2 == nil, "%s: before re-encoding: %v; after: %v", what, err1, err2)
	if err1 == nil {
		return
	}
	var s1, s2 *random.SourceError
	require.True(t, errors.As(err1, &s1), "%s: %T: %v", what, err1, err1)
	require.True(t, errors.As(err2, &s2), "%s: %T: %v", what, err2, err2)
	require.Equal(t, [2]any{s1.Index, s1.Field}, [2]any{s2.Index, s2.Field}, "%s: before re-encoding: %v; after: %v", what, err1, err2)
}

// roundTrip decodes data into a new *T; when that succeeds, it checks that
// the value re-encodes, decodes to an equal value (empty and nil lists
// are equal in Go; see the semantic checks for whether they mean the same)
// and encodes to the same bytes again, and returns both values.
func roundTrip[T any](t *testing.T, data []byte) (first, again *T, ok bool) {
	t.Helper()
	first = new(T)
	if err := json.Unmarshal(data, first); err != nil {
		require.NotEmpty(t, err.Error())
		return nil, nil, false
	}
	b1, err := json.Marshal(first)
	require.NoError(t, err)
	again = new(T)
	require.NoError(t, json.Unmarshal(b1, again), "re-encoded value does not decode: %s", b1)
	require.Empty(t, cmp.Diff(first, again, cmpopts.EquateEmpty()), "decode(encode(v)) != v")
	b2, err := json.Marshal(again)
	require.NoError(t, err)
	require.Equal(t, string(b1), string(b2), "second encoding differs")
	return first, again, true
}

// FuzzSeedPromise decodes arbitrary bytes as a SeedPromise. Properties: no
// panic; an accepted promise re-encodes and decodes to the same value and
// the same bytes; Validate gives the same verdict (same field) before and
// after re-encoding, so the published JSON means what the value means; a
// valid promise is of a known kind and is verifiable unless it is a
// system source.
func FuzzSeedPromise(f *testing.F) {
	fx := loadSeedFixtures(f)
	for _, p := range fx.promises {
		f.Add(mustJSON(f, p))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		p, p2, ok := roundTrip[random.SeedPromise](t, data)
		if !ok {
			return
		}
		err := p.Validate()
		sameOutcome(t, "Validate", err, p2.Validate())
		if err != nil {
			var se *random.SourceError
			require.True(t, errors.As(err, &se), "%T: %v", err, err)
			require.ErrorIs(t, err, random.ErrSeedEvidence)
			return
		}
		require.Contains(t, []random.SourceKind{random.SourceDice, random.SourceCommitReveal, random.SourceBeacon, random.SourceSystem}, p.Kind)
		require.Equal(t, p.Kind != random.SourceSystem, p.Verifiable)
	})
}

// FuzzSeedEvidence decodes arbitrary bytes as SeedEvidence. Properties:
// no panic; an accepted value re-encodes and decodes to the same value and
// bytes; and checking it against each of the fixture promises gives the
// same result (same seed, or an error at the same field) before and after
// re-encoding. A seed it yields has 1..MaxSeedSize bytes.
func FuzzSeedEvidence(f *testing.F) {
	fx := loadSeedFixtures(f)
	for _, e := range fx.evidence {
		f.Add(mustJSON(f, e))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		e, e2, ok := roundTrip[random.SeedEvidence](t, data)
		if !ok {
			return
		}
		for _, p := range fx.promises {
			s1, err1 := p.Check(*e)
			s2, err2 := p.Check(*e2)
			sameOutcome(t, "Check against a "+string(p.Kind)+" promise", err1, err2)
			require.Equal(t, s1, s2)
			if err1 == nil {
				require.True(t, len(s1) >= 1 && len(s1) <= random.MaxSeedSize)
			}
		}
	})
}

// FuzzSeedDerive decodes a list of promises and a list of evidence and
// replays the seed. Properties: no panic; the result is deterministic;
// errors are *SourceError values (matching ErrSeedEvidence) whose Index is
// 0 or a source of the list; a derived seed comes from valid promises
// whose evidence checks, is that source's seed when there is one source
// and CombineSeeds of them otherwise, and does not depend on the order of
// the reveals; both lists re-encode and decode to the same values, which
// derive the same seed or fail at the same source and field.
func FuzzSeedDerive(f *testing.F) {
	fx := loadSeedFixtures(f)
	for i := range fx.promises {
		f.Add(mustJSON(f, fx.promises[i:i+1]), mustJSON(f, fx.evidence[i:i+1]))
	}
	f.Add(mustJSON(f, fx.promises), mustJSON(f, fx.evidence))
	f.Add(mustJSON(f, fx.promises[:2]), mustJSON(f, []random.SeedEvidence{fx.evidence[1], fx.evidence[0]}))
	f.Fuzz(func(t *testing.T, pdata, edata []byte) {
		ps, ps2, ok := roundTrip[[]random.SeedPromise](t, pdata)
		if !ok {
			return
		}
		es, es2, ok := roundTrip[[]random.SeedEvidence](t, edata)
		if !ok {
			return
		}
		seed, err := random.DeriveSeed(*ps, *es)
		again, err2 := random.DeriveSeed(*ps, *es)
		require.Equal(t, seed, again, "not deterministic")
		require.Equal(t, err == nil, err2 == nil)

		seedRT, errRT := random.DeriveSeed(*ps2, *es2)
		sameOutcome(t, "DeriveSeed", err, errRT)
		require.Equal(t, seed, seedRT, "re-encoded promises and evidence derive another seed")

		if err != nil {
			require.Nil(t, seed)
			require.ErrorIs(t, err, random.ErrSeedEvidence)
			var se *random.SourceError
			require.True(t, errors.As(err, &se), "%T: %v", err, err)
			require.True(t, se.Index >= 0 && se.Index <= len(*ps), "error names source %d of %d", se.Index, len(*ps))
			return
		}
		require.NotEmpty(t, *ps)
		require.Len(t, *es, len(*ps))
		var seeds [][]byte
		for i, p := range *ps {
			require.NoError(t, p.Validate(), "source %d", i+1)
			s, err := p.Check((*es)[i])
			require.NoError(t, err, "source %d", i+1)
			require.True(t, len(s) >= 1 && len(s) <= random.MaxSeedSize)
			if p.Kind == random.SourceDice {
				require.Equal(t, (*es)[i].Digits, string(s))
			}
			seeds = append(seeds, s)
		}
		if len(seeds) == 1 {
			require.Equal(t, seeds[0], seed)
		} else {
			want, err := random.CombineSeeds(seeds)
			require.NoError(t, err)
			require.Equal(t, want, seed)
		}

		// The order of the reveals does not matter.
		reversed := make([]random.SeedEvidence, len(*es))
		for i, e := range *es {
			e.Reveals = slices.Clone(e.Reveals)
			slices.Reverse(e.Reveals)
			reversed[i] = e
		}
		s, err := random.DeriveSeed(*ps, reversed)
		require.NoError(t, err)
		require.Equal(t, seed, s, "reveal order changes the seed")
	})
}
