package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

func TestRun(t *testing.T) {
	for _, c := range []struct {
		name   string
		args   []string
		status int
		want   []string
	}{
		{"demo", nil, 0, []string{
			`not revealed: "个体劳动者协会"`,
			"missing: 个体劳动者协会",
			"round 9367912 published; its signature verifies",
			"a past round",
			"signed by: jjjc.chengxi.example, wjw.chengxi.example",
			"replayed: identical",
			"no outcome yet (pending, ",
			"verified: OK",
			"go run ./examples/cli verify --ledger ",
		}},
		{"stray argument", []string{"x"}, 2, []string{`unexpected argument "x"`}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out bytes.Buffer
			status := run(&out, append([]string{"-dir", t.TempDir()}, c.args...))
			require.Equal(t, c.status, status, out.String())
			for _, w := range c.want {
				require.Contains(t, out.String(), w)
			}
		})
	}
}

// The seed recorded is the combination, in the announcement's order, of
// the commit-reveal seed of the secrets made and the beacon's randomness.
func TestSeedFromSecrets(t *testing.T) {
	dir := t.TempDir()
	secrets := bytes.Repeat([]byte{7}, 3*random.SecretSize)
	var out bytes.Buffer
	ok, err := ceremony(&out, dir, bytes.NewReader(secrets))
	require.NoError(t, err)
	require.True(t, ok, out.String())

	var vs []note.Verifier
	for _, f := range []string{"wjw.pub", "jjjc.pub"} {
		v, err := publish.LoadVerifier(filepath.Join(dir, f))
		require.NoError(t, err)
		vs = append(vs, v)
	}
	l, err := publish.OpenDir(filepath.Join(dir, "ledger"), publish.DirOptions{Verifiers: vs})
	require.NoError(t, err)
	defer l.Close()
	r, err := publish.ReadRecord(l)
	require.NoError(t, err)
	require.Len(t, r.Docs, 2)
	ann, draw := r.Docs[0].Announcement, r.Docs[1].Draw
	require.NotNil(t, ann)
	require.NotNil(t, draw)

	var reveals []random.Reveal
	for i, p := range participants {
		secret := secrets[i*random.SecretSize : (i+1)*random.SecretSize]
		require.Equal(t, random.Commit(p.name, secret), ann.Seed[0].Commitments[i].Hash, p.name)
		reveals = append(reveals, random.Reveal{Name: p.name, Secret: secret})
	}
	crSeed, err := random.RevealSeed(ann.Seed[0].Commitments, reveals)
	require.NoError(t, err)
	require.Equal(t, uint64(beaconRound), ann.Seed[1].Round)
	b := draw.Evidence[1].Beacon.Seed()
	want, err := random.CombineSeeds([][]byte{crSeed, b[:]})
	require.NoError(t, err)
	require.Equal(t, want, []byte(draw.Seed))
	require.True(t, draw.DrawnAt.After(random.DrandQuicknet().RoundTime(beaconRound)))
}

func TestShortOfSecrets(t *testing.T) {
	var out bytes.Buffer
	_, err := ceremony(&out, t.TempDir(), bytes.NewReader(make([]byte, random.SecretSize)))
	require.ErrorContains(t, err, "secret")
}

// The round written into the program is the one in the project's drand
// test data, which the random package verifies.
func TestBeaconConstantMatchesTestdata(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "random", "testdata", "drand-quicknet.json"))
	require.NoError(t, err)
	var data struct {
		Rounds []struct {
			Beacon struct {
				Round     uint64 `json:"round"`
				Signature string `json:"signature"`
			} `json:"beacon"`
		} `json:"rounds"`
	}
	require.NoError(t, json.Unmarshal(b, &data))
	found := false
	for _, r := range data.Rounds {
		if r.Beacon.Round == beaconRound {
			found = true
			require.Equal(t, beaconSignature, strings.ToLower(r.Beacon.Signature))
		}
	}
	require.True(t, found, "round %d not in drand-quicknet.json", beaconRound)
}
