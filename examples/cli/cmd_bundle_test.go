package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestBundleTwoRosters publishes two quarters with different tables,
// bundles them and verifies the bundle alone.
func TestBundleTwoRosters(t *testing.T) {
	tmp := t.TempDir()
	d7, d12 := vectorDir("dr1-county-7"), vectorDir("dr1-county-12")
	ledger := filepath.Join(tmp, "ledger")
	a := filepath.Join(tmp, "agency")
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", a)
	key := []string{"--key", a + ".key"}
	mustCLI(t, append([]string{"announce", "--dir", d7, "--ledger", ledger,
		"--dice-ceremony", "2026-11-22T09:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-11-20T10:00:00+08:00"}, key...)...)
	mustCLI(t, append([]string{"draw", "--dir", d7, "--ledger", ledger, "--seed-dice", "2023 7331 1281 5921 1123", "--at", "2026-11-22T09:35:00+08:00"}, key...)...)
	mustCLI(t, append([]string{"announce", "--dir", d12, "--ledger", ledger,
		"--dice-ceremony", "2026-12-04T09:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-12-02T10:00:00+08:00"}, key...)...)
	mustCLI(t, append([]string{"draw", "--dir", d12, "--ledger", ledger, "--seed-dice", "6614 2093 8857 1120 4471", "--at", "2026-12-04T09:35:00+08:00"}, key...)...)
	pub := []string{"--pub", a + ".pub", "--at", "2026-12-05T10:00:00+08:00"}

	// One table folder for two rosters: a difference (exit 1) naming the
	// announcement and the table. Both folders: verified.
	code, out, errs := cli(t, append([]string{"verify", "--ledger", ledger, "--dir", d7}, pub...)...)
	require.Equal(t, 1, code, out+errs)
	require.Contains(t, out+errs, "000003-announcement.note: roots.premises")
	require.Contains(t, out, "hint: a ledger whose announcements use different tables needs one --dir per set of tables")
	out = mustCLI(t, append([]string{"verify", "--ledger", ledger, "--dir", d7, "--dir", d12}, pub...)...)
	require.Equal(t, 2, strings.Count(out, "replayed: identical"), out)

	bundle := filepath.Join(tmp, "bundle")
	out = mustCLI(t, "bundle", "--ledger", ledger, "--dir", d12, "--dir", d7, "--out", bundle)
	require.Contains(t, out, "000001-announcement.note: tables of "+d7)
	require.Contains(t, out, "000003-announcement.note: tables of "+d12)
	out = mustCLI(t, append([]string{"verify", "--bundle", bundle}, pub...)...)
	require.Equal(t, 2, strings.Count(out, "replayed: identical"), out)
	require.Contains(t, out, "verified: OK")

	// Explicit tables per announcement give the same bytes.
	bundle2 := filepath.Join(tmp, "bundle2")
	mustCLI(t, "bundle", "--ledger", ledger, "--tables", "1="+d7, "--tables", "000003-announcement.note="+d12, "--out", bundle2)
	requireSameTree(t, bundle, bundle2)

	// A bundle target that holds something is refused; so is a wrong folder.
	code, _, errs = cli(t, "bundle", "--ledger", ledger, "--dir", d7, "--dir", d12, "--out", bundle)
	require.Equal(t, 2, code)
	require.Contains(t, errs, "not empty")
	code, _, errs = cli(t, "bundle", "--ledger", ledger, "--dir", d7, "--out", filepath.Join(tmp, "b3"))
	require.Equal(t, 2, code)
	require.Contains(t, errs, "000003-announcement.note")
	require.NoDirExists(t, filepath.Join(tmp, "b3"))

	// Self-check from the bundle: by id alone; loud without a key.
	out = mustCLI(t, "selfcheck", "--bundle", bundle, "--id", "913717274BHAGJ4H0N", "--pub", a+".pub")
	require.Contains(t, out, "verdict: ")
	require.NotContains(t, out, "WARNING")
	out = mustCLI(t, "selfcheck", "--bundle", bundle, "--id", "913717274BHAGJ4H0N")
	require.Equal(t, 2, strings.Count(out, "WARNING: SIGNATURES NOT CHECKED"), out)

	// A row changed in the bundle: exit 1 naming the announcement, the
	// table and its file.
	bad := filepath.Join(tmp, "bad")
	copyTree(t, bundle, bad)
	files, err := filepath.Glob(filepath.Join(bad, "tables", "premises-*.csv"))
	require.NoError(t, err)
	require.Len(t, files, 2)
	for _, f := range files {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		if strings.Contains(string(b), "913717274BHAGJ4H0N") {
			require.NoError(t, os.WriteFile(f, []byte(strings.Replace(string(b), "德昌福餐具消毒中心", "德昌福餐具消毒中心二店", 1)), 0o644))
		}
	}
	code, out, errs = cli(t, append([]string{"verify", "--bundle", bad}, pub...)...)
	require.Equal(t, 1, code, out+errs)
	require.Contains(t, out+errs, "000003-announcement.note: roots.premises")
	require.Contains(t, out+errs, "tables/premises-")
	code, out, errs = cli(t, "selfcheck", "--bundle", bad, "--id", "913717274BHAGJ4H0N", "--pub", a+".pub")
	require.Equal(t, 1, code)
	require.Contains(t, out+errs, "roots.premises")

	// Flags: --bundle excludes --ledger and --dir.
	code, _, _ = cli(t, append([]string{"verify", "--bundle", bundle, "--dir", d7}, pub...)...)
	require.Equal(t, 2, code)
}

func requireSameTree(t *testing.T, a, b string) {
	t.Helper()
	var names []string
	require.NoError(t, filepath.WalkDir(a, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(a, p)
		names = append(names, rel)
		want, _ := os.ReadFile(p)
		got, err := os.ReadFile(filepath.Join(b, rel))
		require.NoError(t, err)
		require.Equal(t, want, got, rel)
		return nil
	}))
	n := 0
	require.NoError(t, filepath.WalkDir(b, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			n++
		}
		return err
	}))
	require.Equal(t, len(names), n)
}

func copyTree(t *testing.T, from, to string) {
	t.Helper()
	require.NoError(t, filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(to, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(to, rel), b, 0o644)
	}))
}
