package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
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
