package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestTimesAsWritten: times without an offset are China Standard Time,
// the ceremony's place may follow a full-width comma, every command
// echoes the instant it understood on stderr, and the record keeps the
// instant with +08:00.
func TestTimesAsWritten(t *testing.T) {
	tmp := t.TempDir()
	dir := vectorDir("dr1-county-7")
	ledger, key := filepath.Join(tmp, "ledger"), filepath.Join(tmp, "agency")
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", key)
	code, _, errs := cli(t, "announce", "--accept-problems", "--dir", dir, "--ledger", ledger, "--key", key+".key",
		"--dice-ceremony", "2026-11-22 09:30，县卫生健康局三楼会议室", "--at", "2026-11-20 10:00")
	require.Equal(t, 0, code, errs)
	require.Contains(t, errs, "ceremony: 2026-11-22T09:30:00+08:00 (县卫生健康局三楼会议室)")
	require.Contains(t, errs, "at: 2026-11-20T10:00:00+08:00")
	b, err := os.ReadFile(filepath.Join(ledger, "000001-announcement.note"))
	require.NoError(t, err)
	require.Contains(t, string(b), `"when": "2026-11-22T09:30:00+08:00"`)
	require.Contains(t, string(b), `"published": "2026-11-20T02:00:00Z"`)

	code, _, errs = cli(t, "draw", "--dir", dir, "--ledger", ledger, "--key", key+".key", "--seed-dice", "2023 7331 1281 5921 1123", "--at", "2026/11/22 09:35")
	require.Equal(t, 0, code, errs)
	require.Contains(t, errs, "at: 2026-11-22T09:35:00+08:00")
	out := mustCLI(t, "verify", "--ledger", ledger, "--dir", dir, "--pub", key+".pub", "--at", "2026-12-02 10:00")
	require.Contains(t, out, "verified: OK")

	for _, c := range []struct{ dice, want string }{
		{"明天上午，三楼会议室", `time "明天上午"`},
		{"2026-11-22 09:30 三楼会议室", `want "WHEN, WHERE"`},
		{"2026-11-22，三楼会议室", "a date without a time of day"},
	} {
		code, _, errs := cli(t, "announce", "--accept-problems", "--dir", dir, "--ledger", filepath.Join(tmp, "l2"), "--key", key+".key", "--dice-ceremony", c.dice)
		require.Equal(t, 2, code, c.dice)
		require.Contains(t, errs, c.want, c.dice)
		require.Contains(t, errs, "2026-11-22 09:00", "shows an accepted form")
		require.Equal(t, 1, strings.Count(errs, c.want))
	}
	code, _, errs = cli(t, "verify", "--ledger", ledger, "--pub", key+".pub", "--at", "yesterday")
	require.Equal(t, 2, code)
	require.Contains(t, errs, `--at: time "yesterday"`)
}
