package random

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"
)

func TestDiceSeed(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"county-7 vector", "20237331128159211123", "20237331128159211123"},
		{"spaces and line breaks", " 2023 7331\t1281\n5921\r\n1123 \n", "20237331128159211123"},
		{"unicode spaces", "20237\u00a033112\u300081592\u200311123", "20237331128159211123"},
		{"all zeros", strings.Repeat("0", 20), strings.Repeat("0", 20)},
		{"1024 digits", strings.Repeat("9", 1024), strings.Repeat("9", 1024)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := DiceSeed(tc.in)
			require.NoError(t, err)
			require.Equal(t, tc.want, string(got))
		})
	}
	for _, tc := range []struct {
		name   string
		in     string
		pos    int
		char   rune
		digits int
	}{
		{"19 digits", "2023733112815921112", 0, 0, 19},
		{"empty", "", 0, 0, 0},
		{"only spaces", " \n\t ", 0, 0, 0},
		{"1025 digits", strings.Repeat("1", 1025), 0, 0, 1025},
		{"letter", "2023733112815921112a3", 20, 'a', 0},
		{"comma", "20237,331128159211123", 6, ',', 0},
		{"full-width digit", "１20237331128159211123", 1, '１', 0},
		{"position counts characters", "两个 2023733112815921112x", 3, '2', 0},
		{"zero-width space", "2023733112\u200b8159211123", 11, '\u200b', 0},
		{"invalid UTF-8", "20237331\xff128159211123", 9, '\uFFFD', 0},
		{"minus sign", "-20237331128159211123", 1, '-', 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := DiceSeed(tc.in)
			require.ErrorIs(t, err, ErrSeedInvalid)
			var de *DiceError
			require.ErrorAs(t, err, &de)
			if tc.name == "position counts characters" {
				// '两','个',' ' then digits: the first non-digit is '两' at 1.
				tc.pos, tc.char = 1, '两'
			}
			require.Equal(t, tc.pos, de.Pos, err.Error())
			require.Equal(t, tc.char, de.Char, err.Error())
			require.Equal(t, tc.digits, de.Digits, err.Error())
		})
	}
	_, err := DiceSeed("2023733112815921112a3")
	require.EqualError(t, err, `random: dice digits: character "a" (U+0061) at position 20: not a decimal digit`)
}

// seedVectors is the commit_reveal part of testdata/dr1-primitives.json.
type seedVectors struct {
	CommitReveal struct {
		Participants []struct {
			Name      string `json:"name"`
			Secret    string `json:"secret"`
			CommitHex string `json:"commit_hex"`
		} `json:"participants"`
		SeedHex string `json:"seed_hex"`
	} `json:"commit_reveal"`
	KeyExample struct {
		SeedASCII string `json:"seed_ascii"`
	} `json:"key_example"`
}

func loadSeedVectors(t *testing.T) (seedVectors, []Commitment, []Reveal) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "testdata", "dr1-primitives.json"))
	require.NoError(t, err)
	var p seedVectors
	require.NoError(t, json.Unmarshal(b, &p))
	require.Len(t, p.CommitReveal.Participants, 3)
	var cs []Commitment
	var rs []Reveal
	for _, x := range p.CommitReveal.Participants {
		var h [32]byte
		copy(h[:], drandUnhex(t, x.CommitHex))
		cs = append(cs, Commitment{Name: x.Name, Hash: h})
		rs = append(rs, Reveal{Name: x.Name, Secret: []byte(x.Secret)})
	}
	return p, cs, rs
}

// TestCommitRevealVector pins the commit_reveal vector of
// dr1-primitives.json. Do not change: published draws depend on it.
func TestCommitRevealVector(t *testing.T) {
	p, cs, rs := loadSeedVectors(t)
	for i, x := range p.CommitReveal.Participants {
		got := Commit(x.Name, []byte(x.Secret))
		require.Equal(t, x.CommitHex, hex.EncodeToString(got[:]), x.Name)
		require.Equal(t, cs[i], rs[i].Commitment())
	}
	// The order of reveals and of commitments does not matter.
	for _, order := range [][]int{{0, 1, 2}, {2, 1, 0}, {1, 2, 0}} {
		var shuffled []Reveal
		for _, i := range order {
			shuffled = append(shuffled, rs[i])
		}
		s, err := RevealSeed([]Commitment{cs[2], cs[0], cs[1]}, shuffled)
		require.NoError(t, err)
		require.Equal(t, p.CommitReveal.SeedHex, hex.EncodeToString(s))
	}
}

func TestCheckReveals(t *testing.T) {
	_, cs, rs := loadSeedVectors(t) // alice, bob, carol
	bad := Reveal{Name: "bob", Secret: []byte("guess")}
	for _, tc := range []struct {
		name string
		cs   []Commitment
		rs   []Reveal
		want RevealError
	}{
		{"carol did not reveal", cs, rs[:2], RevealError{Missing: []string{"carol"}}},
		{"nobody revealed", cs, nil, RevealError{Missing: []string{"alice", "bob", "carol"}}},
		{"wrong secret", cs, []Reveal{rs[0], bad, rs[2]}, RevealError{Mismatch: []string{"bob"}}},
		{"reveal without commitment", cs[:2], rs, RevealError{Unknown: []string{"carol"}}},
		{"revealed twice", cs, []Reveal{rs[0], rs[1], rs[2], rs[1]}, RevealError{Duplicate: []string{"bob"}}},
		{"committed twice", []Commitment{cs[0], cs[0], cs[1], cs[2]}, rs, RevealError{Duplicate: []string{"alice"}}},
		{"empty secret", cs, []Reveal{rs[0], rs[1], {Name: "carol"}}, RevealError{Invalid: []string{"carol"}, Missing: []string{"carol"}}},
		{"bad name", []Commitment{cs[0], {Name: " dave"}}, []Reveal{rs[0], {Name: " dave", Secret: []byte("x")}}, RevealError{Invalid: []string{" dave"}}},
		{"everything at once", cs[1:], []Reveal{{Name: "zed", Secret: []byte("z")}, bad, bad}, RevealError{
			Missing: []string{"carol"}, Mismatch: []string{"bob"}, Unknown: []string{"zed"}, Duplicate: []string{"bob"},
		}},
		{"no commitments", nil, nil, RevealError{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckReveals(tc.cs, tc.rs)
			require.ErrorIs(t, err, ErrSeedEvidence)
			var re *RevealError
			require.ErrorAs(t, err, &re)
			require.Equal(t, tc.want, *re, err.Error())
			_, err = RevealSeed(tc.cs, tc.rs)
			require.Error(t, err)
		})
	}
	err := CheckReveals(cs, rs[:1])
	require.EqualError(t, err, `random: commit-reveal: not revealed: "bob", "carol"`)
}

func TestSecrets(t *testing.T) {
	r := bytes.NewReader(bytes.Repeat([]byte{7}, 64))
	s, err := NewSecret(r)
	require.NoError(t, err)
	require.Equal(t, bytes.Repeat([]byte{7}, SecretSize), s)
	s2, err := SystemSeed(r)
	require.NoError(t, err)
	require.Len(t, s2, SecretSize)
	_, err = NewSecret(bytes.NewReader(make([]byte, 31)))
	require.Error(t, err)
	_, err = SystemSeed(iotest.ErrReader(os.ErrClosed))
	require.ErrorIs(t, err, os.ErrClosed)
}

// TestCombineSeeds pins the combination of protocol §3. Expected values:
//
//	python3 -c "import hashlib,struct;H=lambda b:hashlib.sha256(b).digest();lp=lambda b:struct.pack('>I',len(b))+b;
//	c=lambda ss:H(b'doublerandom/v1/seed'+struct.pack('>I',len(ss))+b''.join(map(lp,ss))).hex();
//	print(c([b'20237331128159211123']), c([b'20237331128159211123',H(b'example seed')]))"
func TestCombineSeeds(t *testing.T) {
	dice := []byte("20237331128159211123")
	example := sha256.Sum256([]byte("example seed"))
	for _, tc := range []struct {
		name  string
		seeds [][]byte
		want  string
	}{
		{"one seed is hashed too", [][]byte{dice}, "ff79b1d88cddfa963324768124f87a4828934777e2e6654d736b4da52bddfa57"},
		{"dice then county-12 seed", [][]byte{dice, example[:]}, "4ecd740866b56ab4c207058757157af7cd642bb173e539f70d06ae999546f566"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := CombineSeeds(tc.seeds)
			require.NoError(t, err)
			require.Equal(t, tc.want, hex.EncodeToString(s))
		})
	}
	swapped, err := CombineSeeds([][]byte{example[:], dice})
	require.NoError(t, err)
	require.NotEqual(t, "4ecd740866b56ab4c207058757157af7cd642bb173e539f70d06ae999546f566", hex.EncodeToString(swapped), "order matters")

	for _, tc := range []struct {
		name  string
		seeds [][]byte
		index int
		size  int
	}{
		{"no seeds", nil, 0, 0},
		{"empty seed", [][]byte{dice, {}}, 2, 0},
		{"too long", [][]byte{make([]byte, MaxSeedSize+1)}, 1, MaxSeedSize + 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := CombineSeeds(tc.seeds)
			require.ErrorIs(t, err, ErrSeedInvalid)
			var se *SeedSizeError
			require.ErrorAs(t, err, &se)
			require.Equal(t, SeedSizeError{Index: tc.index, Size: tc.size}, *se)
		})
	}
}

// seedFixture builds the four standard sources over the vectors.
func seedFixture(t *testing.T) (dice DiceSource, cr CommitRevealSource, beacon BeaconSource, system *SystemSource) {
	t.Helper()
	_, cs, rs := loadSeedVectors(t)
	q := loadDrand(t, "drand-quicknet.json")
	var r1000 Beacon
	for _, r := range q.Rounds {
		if r.Beacon.Round == 1000 {
			r1000 = r.Beacon
		}
	}
	require.Equal(t, uint64(1000), r1000.Round)
	dice = DiceSource{Ceremony: Ceremony{When: "2026-11-22 09:30 +08:00", Where: "莱芜区市场监管局三楼会议室"}, Digits: "2023 7331 1281 5921 1123"}
	cr = CommitRevealSource{Commitments: cs, Reveals: []Reveal{rs[2], rs[0], rs[1]}}
	beacon = BeaconSource{Chain: DrandQuicknet(), Round: 1000, Beacon: &r1000}
	system = &SystemSource{Rand: bytes.NewReader(bytes.Repeat([]byte{0x5a}, 64))}
	return
}

// TestDeriveSeed replays seeds from promises and evidence. Expected value
// of the three-source case:
//
//	python3 -c "import hashlib,struct;H=lambda b:hashlib.sha256(b).digest();lp=lambda b:struct.pack('>I',len(b))+b;
//	ss=[b'20237331128159211123',bytes.fromhex('62990e2446740fb7fe43ecf344a81f00a2e9e5e02b6b225149a75601dc02c0d6'),
//	bytes.fromhex('fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd')];
//	print(H(b'doublerandom/v1/seed'+struct.pack('>I',3)+b''.join(map(lp,ss))).hex())"
func TestDeriveSeed(t *testing.T) {
	dice, cr, beacon, system := seedFixture(t)
	for _, tc := range []struct {
		name    string
		sources []SeedSource
		want    string
	}{
		{"dice alone: S is the digits", []SeedSource{dice}, hex.EncodeToString([]byte("20237331128159211123"))},
		{"commit-reveal alone", []SeedSource{cr}, "62990e2446740fb7fe43ecf344a81f00a2e9e5e02b6b225149a75601dc02c0d6"},
		{"beacon alone: S is the randomness", []SeedSource{beacon}, "fe290beca10872ef2fb164d2aa4442de4566183ec51c56ff3cd603d930e54fdd"},
		{"system alone", []SeedSource{system}, strings.Repeat("5a", 32)},
		{"dice, commit-reveal, beacon", []SeedSource{dice, cr, beacon}, "b8efe75bdc18c3b0e217157c33186951f4ce2809306eefebd8208bc1e6605cf6"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var ps []SeedPromise
			var es []SeedEvidence
			for _, s := range tc.sources {
				ps = append(ps, s.Promise())
				e, err := s.Evidence()
				require.NoError(t, err)
				es = append(es, e)
			}
			// What an auditor does: parse the published JSON, replay.
			pj, err := json.Marshal(ps)
			require.NoError(t, err)
			ej, err := json.Marshal(es)
			require.NoError(t, err)
			var ps2 []SeedPromise
			var es2 []SeedEvidence
			require.NoError(t, json.Unmarshal(pj, &ps2))
			require.NoError(t, json.Unmarshal(ej, &es2))
			require.Equal(t, ps, ps2)
			require.Equal(t, es, es2)
			s, err := DeriveSeed(ps2, es2)
			require.NoError(t, err)
			require.Equal(t, tc.want, hex.EncodeToString(s))
		})
	}
}

func TestSeedJSON(t *testing.T) {
	dice, _, _, system := seedFixture(t)
	for _, tc := range []struct {
		v    any
		want string
	}{
		{dice.Promise(), `{"kind":"dice","verifiable":true,"ceremony":{"when":"2026-11-22 09:30 +08:00","where":"莱芜区市场监管局三楼会议室"}}`},
		{system.Promise(), `{"kind":"system","verifiable":false}`},
		{SeedEvidence{Kind: SourceDice, Digits: "20237331128159211123"}, `{"kind":"dice","digits":"20237331128159211123"}`},
		{Commitment{Name: "alice", Hash: [32]byte{1}}, `{"name":"alice","hash":"0100000000000000000000000000000000000000000000000000000000000000"}`},
		{Reveal{Name: "bob", Secret: []byte("hi")}, `{"name":"bob","secret":"6869"}`},
	} {
		b, err := json.Marshal(tc.v)
		require.NoError(t, err)
		require.Equal(t, tc.want, string(b))
	}
	var p SeedPromise
	var e SeedEvidence
	var c Commitment
	for _, bad := range []struct {
		v   any
		doc string
	}{
		{&p, `{"kind":"dice","verifiable":true,"ceremony":{"when":"x","where":"y","who":"z"}}`},
		{&p, `{"kind":"dice","verifiable":true,"note":"x"}`},
		{&e, `{"kind":"dice","digits":"1","extra":null}`},
		{&e, `{"kind":"system","seed":"5A"}`},
		{&c, `{"name":"alice","hash":"01"}`},
		{&c, `{"name":"alice","hash":"0100000000000000000000000000000000000000000000000000000000000000","secret":"00"}`},
	} {
		require.Error(t, json.Unmarshal([]byte(bad.doc), bad.v), bad.doc)
	}
}

func TestSeedPromiseCheckRejects(t *testing.T) {
	dice, cr, beacon, system := seedFixture(t)
	ev := func(s SeedSource) SeedEvidence {
		e, err := s.Evidence()
		require.NoError(t, err)
		return e
	}
	diceE, crE, beaconE, systemE := ev(dice), ev(cr), ev(beacon), ev(system)
	otherRound := *beacon.Beacon
	otherRound.Round = 999
	carolMissing := SeedEvidence{Kind: SourceCommitReveal, Reveals: crE.Reveals[:2]}
	noCeremony := dice.Promise()
	noCeremony.Ceremony = nil
	systemClaimsVerifiable := system.Promise()
	systemClaimsVerifiable.Verifiable = true
	mixed := cr.Promise()
	mixed.Round = 5
	badChain := beacon.Promise()
	wrong := DrandMainnet()
	badChain.Chain = &wrong
	for _, tc := range []struct {
		name  string
		p     SeedPromise
		e     SeedEvidence
		field string
		cause any
	}{
		{"kind differs", dice.Promise(), crE, "kind", nil},
		{"digits with spaces", dice.Promise(), SeedEvidence{Kind: SourceDice, Digits: "2023 7331 1281 5921 1123"}, "digits", nil},
		{"too few digits", dice.Promise(), SeedEvidence{Kind: SourceDice, Digits: "123"}, "digits", &DiceError{}},
		{"dice with a seed field", dice.Promise(), SeedEvidence{Kind: SourceDice, Digits: diceE.Digits, Seed: HexBytes{1}}, "seed", nil},
		{"carol missing", cr.Promise(), carolMissing, "reveals", &RevealError{}},
		{"no reveals at all", cr.Promise(), SeedEvidence{Kind: SourceCommitReveal}, "reveals", &RevealError{}},
		{"beacon of another round", beacon.Promise(), SeedEvidence{Kind: SourceBeacon, Beacon: &otherRound}, "beacon.round", nil},
		{"beacon checked against mainnet", badChain, beaconE, "beacon", &BeaconError{}},
		{"no beacon", beacon.Promise(), SeedEvidence{Kind: SourceBeacon}, "beacon", nil},
		{"empty system seed", system.Promise(), SeedEvidence{Kind: SourceSystem, Seed: HexBytes{}}, "seed", nil},
		{"promise without ceremony", noCeremony, diceE, "ceremony", nil},
		{"system claims verifiable", systemClaimsVerifiable, systemE, "verifiable", nil},
		{"commit-reveal with a round", mixed, crE, "round", nil},
		{"unknown kind", SeedPromise{Kind: "lottery", Verifiable: true}, SeedEvidence{Kind: "lottery"}, "kind", nil},
		{"no commitments", SeedPromise{Kind: SourceCommitReveal, Verifiable: true, Commitments: []Commitment{}}, crE, "commitments", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.p.Check(tc.e)
			require.ErrorIs(t, err, ErrSeedEvidence)
			var se *SourceError
			require.ErrorAs(t, err, &se)
			require.Equal(t, tc.field, se.Field, err.Error())
			switch tc.cause.(type) {
			case *DiceError:
				var c *DiceError
				require.ErrorAs(t, err, &c)
				require.ErrorIs(t, err, ErrSeedInvalid)
			case *RevealError:
				var c *RevealError
				require.ErrorAs(t, err, &c)
				require.Contains(t, c.Missing, "carol")
			case *BeaconError:
				var c *BeaconError
				require.ErrorAs(t, err, &c)
			}
		})
	}

	// DeriveSeed names the source by its position.
	_, err := DeriveSeed([]SeedPromise{dice.Promise(), cr.Promise()}, []SeedEvidence{diceE, carolMissing})
	var se *SourceError
	require.ErrorAs(t, err, &se)
	require.Equal(t, 2, se.Index)
	require.Equal(t, `random: seed source 2 (commit-reveal): reveals: reveals do not open the commitments: random: commit-reveal: not revealed: "carol"`, err.Error())
	_, err = DeriveSeed([]SeedPromise{dice.Promise()}, nil)
	require.ErrorAs(t, err, &se)
	_, err = DeriveSeed(nil, nil)
	require.ErrorIs(t, err, ErrSeedEvidence)
}

func TestSeedSourcesEvidenceErrors(t *testing.T) {
	_, err := DiceSource{Digits: "12"}.Evidence()
	require.ErrorIs(t, err, ErrSeedInvalid)
	_, cs, rs := loadSeedVectors(t)
	_, err = CommitRevealSource{Commitments: cs, Reveals: rs[:1]}.Evidence()
	var re *RevealError
	require.ErrorAs(t, err, &re)
	require.Equal(t, []string{"bob", "carol"}, re.Missing)
	_, err = BeaconSource{Chain: DrandQuicknet(), Round: 5}.Evidence()
	require.ErrorIs(t, err, ErrSeedEvidence)
	_, err = (&SystemSource{}).Evidence()
	require.ErrorIs(t, err, ErrSeedEvidence)
	_, err = (&SystemSource{Rand: iotest.ErrReader(os.ErrClosed)}).Evidence()
	require.ErrorIs(t, err, os.ErrClosed)

	// A system source reads once and keeps its seed.
	s := &SystemSource{Rand: bytes.NewReader(bytes.Repeat([]byte{1, 2}, 64))}
	e1, err := s.Evidence()
	require.NoError(t, err)
	e2, err := s.Evidence()
	require.NoError(t, err)
	require.Equal(t, e1, e2)
}

func TestSeedTextRules(t *testing.T) {
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"alice", true},
		{"市场监管局 张三", true},
		{strings.Repeat("x", 128), true},
		{"", false},
		{strings.Repeat("x", 129), false},
		{"tab\there", false},
		{"del\x7f", false},
		{" lead", false},
		{"trail\u3000", false},
		{"bad\xffutf8", false},
	} {
		require.Equal(t, tc.ok, seedValidName(tc.name), "%q", tc.name)
		p := SeedPromise{Kind: SourceDice, Verifiable: true, Ceremony: &Ceremony{When: tc.name, Where: "hall"}}
		require.Equal(t, tc.ok || len(tc.name) == 129, p.Validate() == nil, "%q", tc.name)
	}
	require.Equal(t, "00ff", HexBytes{0, 255}.String())
	err := (&SourceError{Reason: "r"}).Error()
	require.Equal(t, "random: seed source: r", err)
	_, err2 := RivestSample("s", 0, 1, false)
	require.EqualError(t, err2, `random: sampler: total "0": must be at least 1`)
}
