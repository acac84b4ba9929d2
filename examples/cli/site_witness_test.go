package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/doublerandom/doublerandom/publish"
	"github.com/stretchr/testify/require"
)

// The page with witnesses: a ledger published with the CLI where a
// first announcement is withdrawn after its ceremony (a re-roll) and a
// second is drawn, each publication cosigned by a witness at its time;
// the site is written with `cli site --witness`.
var witnessSite struct {
	once sync.Once
	err  error
	dir  string // under shared.dir
	site string
	// the ledger, the county folder, the agency's key prefix and the
	// witness's
	ledger, src, agency, w1 string
}

func witnessShared(t testing.TB) {
	t.Helper()
	siteShared(t)
	witnessSite.once.Do(func() { witnessSite.err = buildWitnessSite() })
	if witnessSite.err != nil {
		t.Fatal(witnessSite.err)
	}
}

func buildWitnessSite() error {
	ws := &witnessSite
	ws.dir = filepath.Join(shared.dir, "witness")
	ws.src = vectorDir("dr1-county-7")
	ws.ledger = filepath.Join(ws.dir, "ledger")
	ws.agency, ws.w1 = filepath.Join(ws.dir, "agency"), filepath.Join(ws.dir, "w1")
	state := filepath.Join(ws.dir, "w1-state")
	key := []string{"--key", ws.agency + ".key"}
	cosign := func(at string) []string {
		return []string{"witness", "cosign", "--key", ws.w1 + ".key", "--ledger", ws.ledger, "--state", state, "--log-pub", ws.agency + ".pub", "--at", at}
	}
	steps := [][]string{
		{"keygen", "--name", "example.gov.cn/wjw", "--out", ws.agency},
		{"witness", "keygen", "--name", "witness.example.org/w1", "--out", ws.w1},
		append([]string{"announce", "--accept-problems", "--dir", ws.src, "--ledger", ws.ledger, "--dice-ceremony", "2026-11-22T09:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-11-20T10:00:00+08:00"}, key...),
		cosign("2026-11-20T10:05:00+08:00"),
		append([]string{"withdraw", "--ledger", ws.ledger, "--reason", "骰子损坏", "--at", "2026-11-22T09:40:00+08:00"}, key...),
		append([]string{"announce", "--accept-problems", "--dir", ws.src, "--ledger", ws.ledger, "--dice-ceremony", "2026-11-22T10:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-11-22T09:45:00+08:00"}, key...),
		cosign("2026-11-22T09:50:00+08:00"),
		append([]string{"draw", "--dir", ws.src, "--ledger", ws.ledger, "--seed-dice", digitsCounty7, "--at", "2026-11-22T10:35:00+08:00"}, key...),
		cosign("2026-11-22T10:40:00+08:00"),
		{"bundle", "--ledger", ws.ledger, "--dir", ws.src, "--out", filepath.Join(ws.dir, "bundle")},
	}
	if err := os.MkdirAll(ws.dir, 0o755); err != nil {
		return err
	}
	for _, s := range steps {
		if err := cliErr(s...); err != nil {
			return err
		}
	}
	ws.site = filepath.Join(ws.dir, "site")
	return cliErr("site", "--bundle", filepath.Join(ws.dir, "bundle"), "--out", ws.site, "--wasm", shared.wasm,
		"--pub", ws.agency+".pub", "--witness", ws.w1+".pub")
}

// TestSiteWitness opens the witnessed site: verified, the withdrawn
// announcement shown with its reason as a re-roll, and both
// announcements PROVEN announced before their seed events. Then a copy
// whose bundle carries a cosignature by the same witness (from a lost
// state, consistency only) made at 10:00, before the draw's own date
// (10:35): the draw existed before the ceremony it claims to follow, and
// the page fails naming it FUTURE-DATED, as `cli verify --bundle
// --witness` does.
func TestSiteWitness(t *testing.T) {
	witnessShared(t)
	ws := &witnessSite
	verify := func(bundle string) (int, string) {
		code, out, errs := cli(t, "verify", "--bundle", bundle, "--pub", ws.agency+".pub", "--witness", ws.w1+".pub", "--at", "2026-11-23T10:00:00+08:00")
		return code, out + errs
	}

	t.Run("usage", func(t *testing.T) {
		b := filepath.Join(ws.dir, "bundle")
		code, _, errs := cli(t, "site", "--bundle", b, "--out", filepath.Join(t.TempDir(), "s"), "--wasm", shared.wasm, "--pub", ws.agency+".pub", "--witness", ws.w1+".pub", "--quorum", "2")
		require.Equal(t, 2, code)
		require.Contains(t, errs, "--quorum 2: want 1 to 1")
		code, _, errs = cli(t, "site", "--bundle", b, "--out", filepath.Join(t.TempDir(), "s"), "--wasm", shared.wasm, "--pub", ws.agency+".pub", "--witness", ws.agency+".pub")
		require.Equal(t, 2, code, errs)
		b2, err := os.ReadFile(filepath.Join(ws.site, "witnesses", "witness.example.org_2fw1_2b"+witnessKeyID(t, ws.w1)+".pub"))
		require.NoError(t, err, "the witness key is in the site")
		require.Contains(t, string(b2), "witness.example.org/w1+")
	})

	t.Run("proven", func(t *testing.T) {
		code, out := verify(filepath.Join(ws.site, "bundle"))
		require.Equal(t, 0, code, out)
		require.Contains(t, out, "re-roll")
		p := openSite(t, ws.site)
		status, text := p.load(t, "")
		require.Equal(t, "verified", status, "%s\n%s", text, p.text(t, "problems-box"))
		ann := p.text(t, "announcements")
		require.Contains(t, ann, "已撤回：000002-withdrawal.note")
		require.Contains(t, ann, "骰子损坏")
		require.Contains(t, ann, "重抽（re-roll）")
		require.Contains(t, ann, "WITHDRAWN by 000002-withdrawal.note")
		require.Contains(t, ann, "已抽取：000004-draw.note")
		n, err := chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#announcements tr[data-fate="withdrawn"][data-reroll="true"]').length`))
		require.NoError(t, err)
		require.Equal(t, 1, n, "the withdrawal is marked as a re-roll")
		n, err = chromedp.Run(p.ctx, chromedp.Evaluate[int](`document.querySelectorAll('#announcements tr[data-timing="proven"]').length`))
		require.NoError(t, err)
		require.Equal(t, 2, n, "both announcements proven before their seed events")
		timing := p.text(t, "timing")
		require.Contains(t, timing, "witness.example.org/w1")
		require.Contains(t, timing, "PROVEN announced before its seed event")
		require.Contains(t, timing, "已证明在种子事件")
		require.NotContains(t, timing, "NOT PROVEN")
		require.Contains(t, p.text(t, "checks"), "见证人联署证明公告早于种子事件")
		if shot := os.Getenv("SITE_SCREENSHOT_WITNESS"); shot != "" {
			// The announcements and the timing section, for the README.
			png, err := chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.ID("announcements-box")))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(shot, png, 0o644))
			png, err = chromedp.Run(p.ctx, chromedp.Screenshot(chromedp.ID("timing-box")))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(strings.TrimSuffix(shot, ".png")+"-timing.png", png, 0o644))
		}
	})

	t.Run("future-dated", func(t *testing.T) {
		dir := t.TempDir()
		ledger := filepath.Join(dir, "ledger")
		copyTree(t, ws.ledger, ledger)
		wkey, err := os.ReadFile(ws.w1 + ".key")
		require.NoError(t, err)
		c, err := publish.NewCosigner(strings.TrimSpace(string(wkey)), func() time.Time { return time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC) })
		require.NoError(t, err)
		w, err := publish.NewWitness(c, filepath.Join(dir, "lost-state"))
		require.NoError(t, err)
		agency, err := publish.LoadVerifier(ws.agency + ".pub")
		require.NoError(t, err)
		l, err := publish.OpenDir(ledger, publish.DirOptions{})
		require.NoError(t, err)
		cp, err := l.Checkpoint()
		require.NoError(t, err)
		msg, err := w.Cosign(agency, cp, nil)
		require.NoError(t, err)
		_, err = l.AddCosigned(msg)
		require.NoError(t, err)
		require.NoError(t, l.Close())
		bundle := filepath.Join(dir, "bundle")
		mustCLI(t, "bundle", "--ledger", ledger, "--dir", ws.src, "--out", bundle)
		code, out := verify(bundle)
		require.Equal(t, 1, code, out)
		require.Contains(t, out, "FUTURE-DATED 000004-draw.note")

		site := filepath.Join(dir, "site")
		copyTree(t, ws.site, site)
		require.NoError(t, os.RemoveAll(filepath.Join(site, "bundle")))
		copyTree(t, bundle, filepath.Join(site, "bundle"))
		rewriteManifest(t, site)
		p := openSite(t, site)
		status, text := p.load(t, "")
		require.Equal(t, "failed", status, text)
		require.Contains(t, text, "000004-draw.note")
		require.Contains(t, text, "FUTURE-DATED")
		timing := p.text(t, "timing")
		require.Contains(t, timing, "FUTURE-DATED 000004-draw.note")
		require.Contains(t, timing, "日期造假")
	})
}

// witnessKeyID returns the key ID (8 hex digits) of a witness key file.
func witnessKeyID(t *testing.T, prefix string) string {
	w, err := publish.LoadCosignatureVerifier(prefix + ".pub")
	require.NoError(t, err)
	return fmt.Sprintf("%08x", w.KeyHash())
}
