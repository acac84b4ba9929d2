package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// cli runs the tool and returns exit code, stdout and stderr.
func cli(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(args, &out, &errb)
	return code, out.String(), errb.String()
}

func mustCLI(t *testing.T, args ...string) string {
	t.Helper()
	code, out, errs := cli(t, args...)
	require.Equal(t, 0, code, "%v\nstdout:\n%s\nstderr:\n%s", args, out, errs)
	return out
}

// copyDir copies a flat folder.
func copyDir(t *testing.T, from, to string) {
	require.NoError(t, os.MkdirAll(to, 0o755))
	entries, err := os.ReadDir(from)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(from, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(to, e.Name()), b, 0o644))
	}
}

func TestPublishRoundTrip(t *testing.T) {
	tmp := t.TempDir()
	dir := vectorDir("dr1-county-7")
	ledger := filepath.Join(tmp, "ledger")
	a, w := filepath.Join(tmp, "agency"), filepath.Join(tmp, "office")
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", a)
	mustCLI(t, "keygen", "--name", "纪检监察组", "--out", w)
	code, _, errs := cli(t, "keygen", "--name", "x", "--out", a)
	require.Equal(t, 2, code)
	require.Contains(t, errs, "agency.key")
	keys := []string{"--key", a + ".key", "--witness-key", w + ".key"}

	out := mustCLI(t, append([]string{"announce", "--accept-problems", "--dir", dir, "--ledger", ledger,
		"--dice-ceremony", "2026-11-22T09:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-11-20T10:00:00+08:00"}, keys...)...)
	require.Contains(t, out, "announced 000001-announcement.note ")

	view := filepath.Join(tmp, "view.json")
	out = mustCLI(t, append([]string{"draw", "--dir", dir, "--ledger", ledger, "--seed-dice", "2023 7331 1281 5921 1123",
		"--view", view, "--at", "2026-11-22T09:35:00+08:00"}, keys...)...)
	require.Contains(t, out, "published 000002-draw.note ")
	want, err := os.ReadFile(filepath.Join(dir, "expected-view.json"))
	require.NoError(t, err)
	got, err := os.ReadFile(view)
	require.NoError(t, err)
	require.Equal(t, string(want), string(got))

	// A second draw is refused: a re-draw is an amendment.
	code, _, errs = cli(t, append([]string{"draw", "--dir", dir, "--ledger", ledger, "--seed-dice", "1111 2222 3333 4444 5555"}, keys...)...)
	require.Equal(t, 2, code)
	require.Contains(t, errs, "amend --redraw")

	out = mustCLI(t, append([]string{"amend", "--ledger", ledger, "--dir", dir, "--premises", "91371727HD841G735N",
		"--out", "WJ3717270021", "--reason", "病假", "--at", "2026-11-23T09:00:00+08:00"}, keys...)...)
	require.Contains(t, out, "WJ3717270021 out, WJ3717270084 in; team WJ3717270084 WJ3717270098")
	require.Contains(t, out, "published 000003-amendment.note")

	results := filepath.Join(tmp, "results.csv")
	require.NoError(t, os.WriteFile(results, []byte("\uFEFFpremises,outcome,date,inspectors,note\n"+
		"91371727HD841G735N,发现问题经责令已改正,2026-11-25,WJ3717270084;WJ3717270098,已整改\n"+
		"91371727B23C6F5DAF,no_issue,2026-11-26,WJ3717270084;WJ3717270077,\n"), 0o644))
	out = mustCLI(t, append([]string{"results", "--ledger", ledger, "--file", results, "--at", "2026-12-01T10:00:00+08:00"}, keys...)...)
	require.Contains(t, out, "2 results")

	verify := []string{"verify", "--ledger", ledger, "--dir", dir, "--pub", a + ".pub", "--pub", w + ".pub", "--at", "2026-12-02T10:00:00+08:00"}
	out = mustCLI(t, verify...)
	require.Contains(t, out, "replayed: identical, 1 substitutions, 2 outcomes")
	require.Contains(t, out, "verified: OK")

	notice := filepath.Join(tmp, "notice.csv")
	mustCLI(t, "notice", "--ledger", ledger, "--dir", dir, "--pub", a+".pub", "--out", notice)
	nb, err := os.ReadFile(notice)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(nb, []byte("\uFEFF序号,")))
	require.Contains(t, string(nb), "发现问题经责令已改正,2026-11-25,2026-12-01,已整改")
	require.NotContains(t, string(nb), "WJ3717270084")
	priv := mustCLI(t, "notice", "--ledger", ledger, "--dir", dir, "--pub", a+".pub", "--out", "-", "--private")
	require.Contains(t, priv, "WJ3717270084")

	row, proof := filepath.Join(tmp, "row.json"), filepath.Join(tmp, "proof.json")
	mustCLI(t, "prove", "--dir", dir, "--id", "91371727HD841G735N", "--row", row, "--proof", proof)
	out = mustCLI(t, "selfcheck", "--ledger", ledger, "--row", row, "--proof", proof, "--pub", a+".pub")
	require.Contains(t, out, "verdict: selected")
	// A business that edits its row is told the row is not the one drawn.
	rb, _ := os.ReadFile(row)
	require.NoError(t, os.WriteFile(row+"2", bytes.Replace(rb, []byte(`"risk":"`), []byte(`"risk":"X`), 1), 0o644))
	code, out, _ = cli(t, "selfcheck", "--ledger", ledger, "--row", row+"2", "--proof", proof)
	require.Equal(t, 1, code, out)

	t.Run("tampered", func(t *testing.T) {
		files := []string{"000001-announcement.note", "000002-draw.note", "000003-amendment.note", "000004-results.note"}
		for _, f := range files {
			bad := filepath.Join(t.TempDir(), "ledger")
			copyDir(t, ledger, bad)
			b, _ := os.ReadFile(filepath.Join(bad, f))
			b[len(b)/2] ^= 1
			require.NoError(t, os.WriteFile(filepath.Join(bad, f), b, 0o644))
			code, out, errs := cli(t, append([]string{"verify", "--ledger", bad}, verify[3:]...)...)
			require.Equal(t, 1, code, "%s\n%s%s", f, out, errs)
			require.Regexp(t, `\d{6}-[a-z]+\.note`, errs) // the damaged file, or the next one whose prev no longer matches
		}
		// A torn write: the last document cut short.
		bad := filepath.Join(t.TempDir(), "ledger")
		copyDir(t, ledger, bad)
		last := filepath.Join(bad, files[3])
		b, _ := os.ReadFile(last)
		require.NoError(t, os.WriteFile(last, b[:len(b)-40], 0o644))
		code, _, errs := cli(t, append([]string{"verify", "--ledger", bad}, verify[3:]...)...)
		require.Equal(t, 1, code)
		require.Contains(t, errs, files[3])
		// A wrong key.
		other := filepath.Join(t.TempDir(), "other")
		mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", other)
		code, out, _ := cli(t, "verify", "--ledger", ledger, "--dir", dir, "--pub", other+".pub")
		require.Equal(t, 1, code, out)
		require.Contains(t, out, "PROBLEM")
		// A changed table row.
		tables := filepath.Join(t.TempDir(), "tables")
		copyDir(t, dir, tables)
		pb, _ := os.ReadFile(filepath.Join(tables, "premises.csv"))
		pb = bytes.Replace(pb, []byte("华盛盛宾馆"), []byte("华盛宾馆"), 1)
		require.NoError(t, os.WriteFile(filepath.Join(tables, "premises.csv"), pb, 0o644))
		code, out, _ = cli(t, "verify", "--ledger", ledger, "--dir", tables, "--pub", a+".pub")
		require.Equal(t, 1, code)
		require.Contains(t, out, "roots.premises")
	})
}

func TestPublishBadInput(t *testing.T) {
	tmp := t.TempDir()
	dir := vectorDir("dr1-county-7")
	ledger := filepath.Join(tmp, "ledger")
	a := filepath.Join(tmp, "agency")
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", a)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"announce", "--accept-problems", "--dir", dir, "--ledger", ledger, "--key", a + ".key"}, "give a seed source"},
		{[]string{"announce", "--accept-problems", "--dir", dir, "--ledger", ledger, "--key", a + ".key", "--dice-ceremony", "tomorrow, hall"}, "RFC 3339"},
		{[]string{"announce", "--accept-problems", "--dir", dir, "--ledger", ledger, "--key", a + ".key", "--beacon", "1000", "--at", "2026-11-20T10:00:00+08:00"}, "seed[0].round \"1000\""},
		{[]string{"announce", "--accept-problems", "--dir", dir, "--ledger", ledger, "--key", a + ".pub", "--beacon", "99999999999"}, "agency.pub"},
		{[]string{"draw", "--dir", dir, "--key", a + ".key", "--seed-dice", "2023 7331 1281 5921 1123"}, "need --ledger"},
	} {
		code, _, errs := cli(t, c.args...)
		require.Equal(t, 2, code, "%v: %s", c.args, errs)
		require.Contains(t, errs, c.want, "%v", c.args)
	}
	mustCLI(t, "announce", "--accept-problems", "--dir", dir, "--ledger", ledger, "--key", a+".key", "--dice-ceremony", "2026-11-22T09:30:00+08:00, 会议室", "--at", "2026-11-20T10:00:00+08:00")
	mustCLI(t, "draw", "--dir", dir, "--ledger", ledger, "--key", a+".key", "--seed-dice", "2023 7331 1281 5921 1123", "--at", "2026-11-22T09:35:00+08:00")
	results := filepath.Join(tmp, "results.csv")
	require.NoError(t, os.WriteFile(results, []byte("premises,outcome,date,inspectors,note\n91371727HD841G735N,great,2026-11-25,WJ3717270021,\n91371727HD841G735N,no_issue,2026-13-01,WJ3717270021,\n"), 0o644))
	code, _, errs := cli(t, "results", "--ledger", ledger, "--key", a+".key", "--file", results)
	require.Equal(t, 2, code)
	require.Contains(t, errs, `results.csv: line 2: outcome "great"`)
	require.Contains(t, errs, `results.csv: line 3: date "2026-13-01"`)
	code, _, errs = cli(t, "amend", "--ledger", ledger, "--dir", dir, "--key", a+".key", "--premises", "91371727HD841G735N", "--out", "WJ3717270077", "--reason", "x")
	require.Equal(t, 2, code)
	require.True(t, strings.Contains(errs, "not on the premises' team"), errs)
}
