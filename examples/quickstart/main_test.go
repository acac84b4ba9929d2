package main

import (
	"bytes"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/note"
)

func TestRun(t *testing.T) {
	for _, c := range []struct {
		name   string
		args   []string // after -dir
		status int
		want   []string
	}{
		{"example digits", nil, 0, []string{
			"verified: OK",
			"000002-draw.note replayed from the tables: identical",
			"digits 14159265358979323846 (the example ceremony's digits",
			"category/risk",
			"unstaffed:",
			"max_per_unit leaves too few eligible inspectors",
			"go run ./examples/cli verify --ledger ",
		}},
		{"own digits", []string{"-seed-dice", "2023 7331 1281 5921 1123"}, 0, []string{
			"digits 20237331128159211123 (given with -seed-dice)", "verified: OK",
		}},
		{"too few digits", []string{"-seed-dice", "123"}, 2, []string{"quickstart: ", "dice"}},
		{"stray argument", []string{"now"}, 2, []string{`unexpected argument "now"`}},
		{"unknown flag", []string{"-seed", "1"}, 2, []string{"flag provided but not defined"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			var out bytes.Buffer
			status := run(&out, append([]string{"-dir", dir}, c.args...))
			require.Equal(t, c.status, status, out.String())
			for _, w := range c.want {
				require.Contains(t, out.String(), w)
			}
			if status != 0 {
				require.NotContains(t, out.String(), "verified: OK")
				return
			}
			require.LessOrEqual(t, strings.Count(out.String(), "\n"), 70, "the summary should fit a screen or two")
			requireVerifies(t, dir)
		})
	}
}

// requireVerifies checks the files the quickstart left, the way an
// auditor would: the ledger folder, the county's files and the .pub key.
func requireVerifies(t *testing.T, dir string) {
	t.Helper()
	v, err := publish.LoadVerifier(filepath.Join(dir, "agency.pub"))
	require.NoError(t, err)
	l, err := publish.OpenDir(filepath.Join(dir, "ledger"), publish.DirOptions{Verifiers: []note.Verifier{v}})
	require.NoError(t, err)
	defer l.Close()
	set, err := roster.LoadDir(filepath.Join(dir, "county"), roster.Options{})
	require.NoError(t, err)
	rep, err := publish.Verify(l, set, []note.Verifier{v}, publish.Options{})
	require.NoError(t, err)
	require.True(t, rep.OK(), rep.String())
	require.Len(t, rep.Draws, 1)
	require.True(t, rep.Draws[0].Replayed)
}

// The clock only places the announcement, ceremony and draw; the draw
// itself does not depend on it.
func TestQuickstartClock(t *testing.T) {
	var a, b bytes.Buffer
	okA, err := quickstart(&a, t.TempDir(), exampleDigits, time.Date(2026, 11, 20, 10, 0, 0, 0, publish.Zone))
	require.NoError(t, err)
	okB, err := quickstart(&b, t.TempDir(), exampleDigits, time.Date(2027, 1, 5, 23, 59, 59, 0, time.UTC))
	require.NoError(t, err)
	require.True(t, okA && okB)
	key := func(s string) string {
		_, after, found := strings.Cut(s, "key K = ")
		require.True(t, found)
		return after[:64]
	}
	require.Equal(t, key(a.String()), key(b.String()))
	require.Contains(t, a.String(), "1. announced 09:58:00")
	require.Contains(t, a.String(), "3. drawn     10:00:00")
}
