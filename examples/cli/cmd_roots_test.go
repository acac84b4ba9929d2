package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRoots(t *testing.T) {
	for _, county := range []string{"dr1-county-7", "dr1-county-12"} {
		t.Run(county, func(t *testing.T) {
			dir := filepath.Join("..", "..", "testdata", county)
			view, err := os.ReadFile(filepath.Join(dir, "expected-view.json"))
			require.NoError(t, err)
			var want struct {
				Roots map[string]string `json:"roots"`
			}
			require.NoError(t, json.Unmarshal(view, &want))
			require.Len(t, want.Roots, 4)

			var stdout, stderr bytes.Buffer
			code := run([]string{"roots", "--dir", dir}, &stdout, &stderr)
			require.Equal(t, 0, code, stderr.String())
			require.Empty(t, stderr.String())
			require.Equal(t, "{\n"+
				" \"premises\": \""+want.Roots["premises"]+"\",\n"+
				" \"inspectors\": \""+want.Roots["inspectors"]+"\",\n"+
				" \"conflicts\": \""+want.Roots["conflicts"]+"\",\n"+
				" \"history\": \""+want.Roots["history"]+"\"\n"+
				"}\n", stdout.String())
		})
	}
}

func TestRootsErrors(t *testing.T) {
	bad := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(bad, "premises.csv"), []byte("id,name\nP1,x\nP1,y\n"), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(bad, "inspectors.csv"), []byte("id,capacity\nI1,many\n"), 0o644))
	missing := t.TempDir()

	tests := []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"bad input", []string{"roots", "--dir", bad}, 2, []string{
			filepath.Join(bad, "premises.csv") + `:3:1: field "id" value "P1": duplicate id`,
			filepath.Join(bad, "inspectors.csv") + `:2:2: field "capacity" value "many": bad number`,
		}},
		{"missing files", []string{"roots", "--dir", missing}, 2, []string{"premises.csv"}},
		{"no dir", []string{"roots"}, 2, []string{"--dir is required"}},
		{"bad encoding", []string{"roots", "--dir", bad, "--encoding", "latin1"}, 2, []string{"latin1"}},
		{"stray argument", []string{"roots", "--dir", bad, "extra"}, 2, []string{"extra"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			require.Equal(t, tt.code, run(tt.args, &stdout, &stderr))
			require.Empty(t, stdout.String())
			for _, s := range tt.stderr {
				require.True(t, strings.Contains(stderr.String(), s), "stderr %q lacks %q", stderr.String(), s)
			}
		})
	}
}
