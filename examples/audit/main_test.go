package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/doublerandom/doublerandom/random"
	"github.com/stretchr/testify/require"
)

func TestRun(t *testing.T) {
	dir := t.TempDir()
	var out bytes.Buffer
	require.Equal(t, 0, run(&out, []string{"-dir", dir}), out.String())
	s := out.String()
	for _, want := range []string{
		"files in D=" + dir,
		"$ go run ./examples/cli verify --ledger $D/ledger --dir $D/county --pub $D/agency.pub",
		"REFUSED: ",
		"signature does not verify",
		"PROBLEM: checkpoint: ",
		"diff (-recorded +replayed):",
		"PROBLEM: 000001-announcement.note: roots.premises is ",
		"summary: the honest ledger verified: true; the three tampered copies were caught: true",
	} {
		require.Contains(t, s, want)
	}
	require.Equal(t, 1, strings.Count(s, "verified: OK"), "only the honest ledger verifies")
	require.Equal(t, 3, strings.Count(s, "verified: FAILED"))

	// The plain-files reader sees the honest ledger as it is.
	p := paths{dir}
	rep, err := verifyFiles(p.ledger(), p.county(), p.pub())
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	require.True(t, rep.Draws[0].Replayed)
}

func TestRunUsage(t *testing.T) {
	var out bytes.Buffer
	require.Equal(t, 2, run(&out, []string{"-dir", t.TempDir(), "extra"}))
	require.Contains(t, out.String(), `unexpected argument "extra"`)
}

func TestReplaceTeamMember(t *testing.T) {
	doc := []byte(`{"selected": [{"id": "A", "team": ["X", "Y"]}, {"id": "B", "team": ["X", "Y"]}]}`)
	for _, c := range []struct {
		name, id, want, err string
	}{
		{"second premises only", "B", `{"selected": [{"id": "A", "team": ["X", "Y"]}, {"id": "B", "team": ["X", "Z"]}]}`, ""},
		{"first premises", "A", `{"selected": [{"id": "A", "team": ["X", "Z"]}, {"id": "B", "team": ["X", "Y"]}]}`, ""},
		{"unknown premises", "C", "", "premises C not found"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, err := replaceTeamMember(doc, random.ViewSelection{ID: c.id, Team: []string{"X", "Y"}}, "Z")
			if c.err != "" {
				require.ErrorContains(t, err, c.err)
				return
			}
			require.NoError(t, err)
			require.Equal(t, c.want, string(got))
		})
	}
}
