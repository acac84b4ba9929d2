package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
)

// TestSiteV2 publishes the v2 county testdata/v2/dr2-county-c with the
// CLI (announce, which creates the blinding key; draw; bundle with the
// blinding key; site) and opens the page: verified, a table per task
// (pool, quota, shortfall, groups and thresholds), visits with their
// marks, the self-check of a visited premises per task; and no private
// value of the full tables (an inspector's name or phone, a conflict's
// reason, a history remark) in the bundle's files or in the page.
func TestSiteV2(t *testing.T) {
	siteShared(t)
	sharedBrowser(t)
	dir := t.TempDir()
	src := v2Dir("dr2-county-c")
	agency, ledger, bundle, site := filepath.Join(dir, "agency"), filepath.Join(dir, "ledger"), filepath.Join(dir, "bundle"), filepath.Join(dir, "site")
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", agency)
	mustCLI(t, "announce", "--accept-problems", "--dir", src, "--ledger", ledger, "--key", agency+".key",
		"--dice-ceremony", "2026-03-03T09:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-03-02T10:00:00+08:00")
	_, err := os.Stat(agency + ".blind")
	require.NoError(t, err, "announce created the blinding key")
	mustCLI(t, "draw", "--dir", src, "--ledger", ledger, "--key", agency+".key", "--seed-dice", diceV2, "--at", "2026-03-03T09:35:00+08:00")
	mustCLI(t, "bundle", "--ledger", ledger, "--dir", src, "--blinding-key", agency+".blind", "--out", bundle)
	out := mustCLI(t, "verify", "--bundle", bundle, "--pub", agency+".pub", "--at", "2026-03-04T10:00:00+08:00")
	require.Contains(t, out, "replayed: identical")
	mustCLI(t, "site", "--bundle", bundle, "--out", site, "--wasm", shared.wasm, "--pub", agency+".pub")

	// The private values of the full tables.
	plan, err := random.LoadPlanV2(filepath.Join(src, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(src, roster.Options{Protocol: roster.ProtocolV2, Commitment: roster.Commitment{Key: make([]byte, 32)}})
	require.NoError(t, err)
	var private []string
	for _, k := range roster.Kinds {
		for _, r := range set.Table(k).Rows() {
			for _, name := range plan.Private[k] {
				if v := r.Get(name); len(v) >= 4 {
					private = append(private, v)
				}
			}
		}
	}
	require.Contains(t, private, "王建华")
	require.Contains(t, private, "13907761201")
	var files strings.Builder
	require.NoError(t, filepath.WalkDir(site, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".wasm") {
			b, err := os.ReadFile(p)
			files.Write(b)
			return err
		}
		return err
	}))
	for _, v := range private {
		require.NotContains(t, files.String(), v, "a private value in the published site")
	}

	visited := set.Premises.Rows()[0].ID
	view, err := os.ReadFile(filepath.Join(ledger, "000002-draw.note"))
	require.NoError(t, err)
	for _, r := range set.Premises.Rows() {
		if strings.Contains(string(view), `"id": "`+r.ID+`"`) {
			visited = r.ID
			break
		}
	}
	p := openSite(t, site)
	status, text := p.load(t, "?selfcheck="+visited)
	require.Equal(t, "verified", status, "%s\n%s", text, p.text(t, "problems-box"))
	draws := p.text(t, "draws")
	require.Contains(t, draws, "replayed: identical")
	n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#draws table.task').length`))
	require.NoError(t, err)
	require.Equal(t, len(plan.Tasks), n, "a table per task")
	for _, task := range plan.Tasks {
		require.Contains(t, draws, "抽查事项 Task "+task.ID)
	}
	require.Contains(t, draws, "阈值 Threshold")
	require.Contains(t, draws, "事项与方式 Tasks and marks")
	require.Contains(t, draws, plan.Tasks[0].ID+"：")
	require.Contains(t, p.text(t, "plans"), "doublerandom/v2")

	st, sc := p.selfcheckStatus(t)
	require.Equal(t, "selected", st, sc)
	details := p.text(t, "selfcheck-details")
	require.Contains(t, details, "事项 Task")
	require.Contains(t, details, "已核对", "the published row's proof checked against the announced root")

	if shot := os.Getenv("SITE_SCREENSHOT_V2"); shot != "" {
		png, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.ID("draws-box")))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(shot, png, 0o644))
		png, err = chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.ID("selfcheck")))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(strings.TrimSuffix(shot, ".png")+"-selfcheck.png", png, 0o644))
	}
	body, err := chromedp.Run(p.ctx, chromedp.Evaluate[string](`document.body.innerText`))
	require.NoError(t, err)
	for _, v := range private {
		require.NotContains(t, body, v, "a private value in the page")
	}
}
