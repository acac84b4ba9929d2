package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/fetch"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/doublerandom/doublerandom/examples/internal/samplecounty"
	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/stretchr/testify/require"
)

// The browser tests of the public page (cli site). They build the
// verifier to WebAssembly once per run (siteShared), start one headless
// Chromium (sharedBrowser) and open each site in a fresh tab, served by
// httptest on 127.0.0.1. Without Chromium they skip, except when CI is
// set: then they fail.

// Times and ids of the published county (testdata/dr1-county-7).
const (
	siteSelected = "91371727HD841G735N" // selected, with a substitution and a result
	siteUnknown  = "91000000000000000X"
)

var shared struct {
	once sync.Once
	err  error
	dir  string // removed by TestMain
	wasm string
	site string // the honest site
	pubs []string
	keys []string // the signer keys, for the forger
}

// siteCleanup removes the shared site and stops the browser, after the
// tests (TestMain in script_test.go calls it).
func siteCleanup() {
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	if browser.cancel != nil {
		browser.cancel()
	}
}

// siteShared builds, once, the honest bundle of dr1-county-7 (announce,
// draw, substitution, results), the verifier and the site.
func siteShared(t testing.TB) {
	t.Helper()
	shared.once.Do(func() { shared.err = buildShared() })
	if shared.err != nil {
		t.Fatal(shared.err)
	}
}

func cliErr(args ...string) error {
	var out, errb bytes.Buffer
	if code := run(args, &out, &errb); code != 0 {
		return fmt.Errorf("cli %v: exit %d\n%s%s", args, code, out.String(), errb.String())
	}
	return nil
}

func buildShared() error {
	dir, err := os.MkdirTemp("", "site-test-")
	if err != nil {
		return err
	}
	shared.dir = dir
	shared.wasm = filepath.Join(dir, "verifier.wasm")
	b, err := buildVerifier()
	if err != nil {
		return err
	}
	if err := os.WriteFile(shared.wasm, b, 0o644); err != nil {
		return err
	}
	bundle, err := publishCounty(dir, vectorDir("dr1-county-7"), true)
	if err != nil {
		return err
	}
	shared.site = filepath.Join(dir, "site")
	args := []string{"site", "--bundle", bundle, "--out", shared.site, "--wasm", shared.wasm}
	for _, p := range shared.pubs {
		args = append(args, "--pub", p)
	}
	return cliErr(args...)
}

// publishCounty publishes the draw of county folder src into the ledger
// dir/ledger and the bundle dir/bundle with the CLI, keys in dir; full
// adds a substitution and results. It returns the bundle folder.
func publishCounty(dir, src string, full bool) (string, error) {
	a, w := filepath.Join(dir, "agency"), filepath.Join(dir, "office")
	shared.pubs, shared.keys = []string{a + ".pub", w + ".pub"}, []string{a + ".key", w + ".key"}
	for _, k := range [][]string{{"example.gov.cn/wjw", a}, {"纪检监察组", w}} {
		if _, err := os.Stat(k[1] + ".key"); err == nil {
			continue
		}
		if err := cliErr("keygen", "--name", k[0], "--out", k[1]); err != nil {
			return "", err
		}
	}
	keys := []string{"--key", a + ".key", "--witness-key", w + ".key"}
	ledger := filepath.Join(dir, "ledger")
	steps := [][]string{
		{"announce", "--accept-problems", "--dir", src, "--ledger", ledger, "--dice-ceremony", "2026-11-22T09:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-11-20T10:00:00+08:00"},
		{"draw", "--dir", src, "--ledger", ledger, "--seed-dice", "2023 7331 1281 5921 1123", "--at", "2026-11-22T09:35:00+08:00"},
	}
	if full {
		results := filepath.Join(dir, "results.csv")
		if err := os.WriteFile(results, []byte("\uFEFFpremises,outcome,date,inspectors,note\n"+
			"91371727HD841G735N,发现问题经责令已改正,2026-11-25,WJ3717270084;WJ3717270098,已整改\n"+
			"91371727B23C6F5DAF,no_issue,2026-11-26,WJ3717270084;WJ3717270077,\n"), 0o644); err != nil {
			return "", err
		}
		steps = append(steps,
			[]string{"amend", "--ledger", ledger, "--dir", src, "--premises", siteSelected, "--out", "WJ3717270021", "--reason", "病假", "--at", "2026-11-23T09:00:00+08:00"},
			[]string{"results", "--ledger", ledger, "--file", results, "--at", "2026-12-01T10:00:00+08:00"})
	}
	for _, s := range steps {
		if err := cliErr(append(s, keys...)...); err != nil {
			return "", err
		}
	}
	bundle := filepath.Join(dir, "bundle")
	if err := cliErr("bundle", "--ledger", ledger, "--dir", src, "--out", bundle); err != nil {
		return "", err
	}
	return bundle, nil
}

var browser struct {
	once   sync.Once
	ctx    context.Context
	cancel context.CancelFunc
	skip   string

	mu       sync.Mutex
	requests []string // every request of every tab and worker, in order
}

// watchRequests pauses every request the browser makes, of any tab or
// worker (Fetch domain of the browser target), records its URL, lets
// those to 127.0.0.1 go and fails the others.
func watchRequests(bctx context.Context) error {
	br := chromedp.FromContext(bctx).Browser
	events := chromedp.BrowserEvents(bctx, fetch.RequestPaused)
	if _, err := cdp.Call(bctx, br, fetch.Enable, fetch.EnableParams{}); err != nil {
		return err
	}
	go func() {
		for ev, err := range events {
			if err != nil {
				return
			}
			browser.mu.Lock()
			browser.requests = append(browser.requests, ev.Request.URL)
			browser.mu.Unlock()
			if u, err := url.Parse(ev.Request.URL); err == nil && u.Hostname() == "127.0.0.1" {
				cdp.Call(bctx, br, fetch.ContinueRequest, fetch.ContinueRequestParams{RequestID: ev.RequestID})
			} else {
				cdp.Call(bctx, br, fetch.FailRequest, fetch.FailRequestParams{RequestID: ev.RequestID, ErrorReason: network.ErrorReasonBlockedByClient})
			}
		}
	}()
	return nil
}

// chromiumPath finds Chromium: $CHROMIUM, then the usual names.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// sharedBrowser starts headless Chromium once, with a fresh profile. A
// test that cannot find it skips, or fails when CI is set.
func sharedBrowser(t testing.TB) context.Context {
	t.Helper()
	browser.once.Do(func() {
		path := chromiumPath()
		if path == "" {
			browser.skip = "no Chromium found (apt-get install chromium, or set CHROMIUM)"
			return
		}
		profile, err := os.MkdirTemp("", "site-chromium-")
		if err != nil {
			browser.skip = err.Error()
			return
		}
		opts := []chromedp.ExecAllocatorOption{
			chromedp.ExecPath(path),
			chromedp.UserDataDir(profile),
			chromedp.Flag("headless", true),
			chromedp.Flag("no-sandbox", true),
			chromedp.Flag("disable-gpu", true),
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("no-first-run", true),
			chromedp.Flag("disable-background-networking", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
			chromedp.Flag("disable-dev-shm-usage", true),
			chromedp.WindowSize(1200, 900),
		}
		actx, acancel := chromedp.NewExecAllocator(context.Background(), opts...)
		bctx, bcancel := chromedp.NewContext(actx)
		if err := chromedp.Do(bctx); err != nil {
			bcancel()
			acancel()
			os.RemoveAll(profile)
			browser.skip = fmt.Sprintf("Chromium %s does not start: %v", path, err)
			return
		}
		if err := watchRequests(bctx); err != nil {
			bcancel()
			acancel()
			os.RemoveAll(profile)
			browser.skip = fmt.Sprintf("Chromium %s: Fetch.enable: %v", path, err)
			return
		}
		browser.ctx = bctx
		browser.cancel = func() { bcancel(); acancel(); os.RemoveAll(profile) }
	})
	if browser.ctx == nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("CI is set and the browser tests cannot run: %s", browser.skip)
		}
		t.Skip(browser.skip)
	}
	return browser.ctx
}

// page is one tab on a site served on 127.0.0.1.
type page struct {
	ctx   context.Context
	base  string
	first int // the index of its first request in browser.requests
}

func openSite(t testing.TB, dir string) *page {
	t.Helper()
	bctx := sharedBrowser(t)
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	t.Cleanup(srv.Close)
	tab, cancel := chromedp.NewContext(bctx)
	t.Cleanup(cancel)
	browser.mu.Lock()
	p := &page{base: srv.URL, first: len(browser.requests)}
	browser.mu.Unlock()
	// Open the tab before the timeout: it applies to what runs in it after.
	require.NoError(t, chromedp.Do(tab))
	ctx, cancel2 := context.WithTimeout(tab, 90*time.Second)
	t.Cleanup(cancel2)
	p.ctx = ctx
	t.Cleanup(func() { p.checkRequests(t) })
	return p
}

// checkRequests fails on any request to a host other than 127.0.0.1,
// and checks that the listener saw the worker's requests (the wasm and
// the bundle), so that it cannot pass by seeing nothing.
func (p *page) checkRequests(t testing.TB) {
	browser.mu.Lock()
	requests := slices.Clone(browser.requests[p.first:])
	browser.mu.Unlock()
	var sawWasm, sawBundle bool
	for _, r := range requests {
		u, err := url.Parse(r)
		if err != nil {
			t.Errorf("request to %q: %v", r, err)
			continue
		}
		switch u.Scheme {
		case "data", "blob", "about":
			continue
		}
		if u.Hostname() != "127.0.0.1" {
			t.Errorf("the page made a request that leaves 127.0.0.1: %s", r)
		}
		sawWasm = sawWasm || strings.HasSuffix(u.Path, "/verifier.wasm")
		sawBundle = sawBundle || strings.Contains(u.Path, "/bundle/ledger/")
	}
	if !sawWasm || !sawBundle {
		t.Errorf("the request listener missed the worker's requests (wasm %v, bundle %v): %v", sawWasm, sawBundle, requests)
	}
}

// load opens index.html (with a query) and waits for the verdict.
func (p *page) load(t testing.TB, query string) (status, text string) {
	t.Helper()
	require.NoError(t, chromedp.Do(p.ctx, chromedp.Navigate(p.base+"/index.html"+query)))
	status, err := chromedp.Run(p.ctx, chromedp.Poll[string](`(() => { const s = document.getElementById('verdict').dataset.status; return (s === 'verified' || s === 'failed') ? s : false; })()`, chromedp.WithPollingTimeout(80*time.Second)))
	require.NoError(t, err)
	return status, p.text(t, "verdict")
}

// text returns the text of the element with the id.
func (p *page) text(t testing.TB, id string) string {
	t.Helper()
	s, err := chromedp.Run(p.ctx, chromedp.TextContent(chromedp.ID(id)))
	require.NoError(t, err)
	return s
}

// selfcheckStatus waits for the self-check's verdict.
func (p *page) selfcheckStatus(t testing.TB) (status, text string) {
	t.Helper()
	status, err := chromedp.Run(p.ctx, chromedp.Poll[string](`(() => { const s = document.getElementById('selfcheck-verdict').dataset.status; return ['selected','not-selected','failed'].includes(s) ? s : false; })()`, chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(t, err)
	return status, p.text(t, "selfcheck-verdict")
}

// notSelected finds a premises of the honest site that the native
// self-check says was not selected (the county's plan ranks overdue
// premises first, so the verdict may be conditional on its inspection
// history).
func notSelected(t *testing.T) string {
	l, err := publish.OpenDir(filepath.Join(shared.dir, "ledger"), publish.DirOptions{})
	require.NoError(t, err)
	defer l.Close()
	set, err := loadSet(vectorDir("dr1-county-7"), tableFlags{})
	require.NoError(t, err)
	for _, row := range set.Premises.Rows() {
		proof, err := set.Premises.Prove(row.ID)
		require.NoError(t, err)
		res, err := publish.SelfCheck(l, nil, row, proof, publish.SelfCheckOptions{})
		require.NoError(t, err)
		if res.Verdict == publish.VerdictNotSelected || res.Verdict == publish.VerdictConditional {
			return row.ID
		}
	}
	t.Fatal("no premises rightly not selected")
	return ""
}

// TestSiteHonest opens the honest site: verified, with the announcement,
// the draw's tables and results; the self-check of a selected, a not
// selected and an unknown premises (by URL and by typing); and, when
// SITE_SCREENSHOT names a file, a screenshot of the page for the README.
func TestSiteHonest(t *testing.T) {
	siteShared(t)
	p := openSite(t, shared.site)
	status, text := p.load(t, "?selfcheck="+siteSelected)
	require.Equal(t, "verified", status, "%s\n%s", text, p.text(t, "problems-box"))
	require.Contains(t, text, "核验通过")
	require.Contains(t, text, "Verified")
	ann := p.text(t, "announcements")
	require.Contains(t, ann, "000001-announcement.note")
	require.Contains(t, ann, "已抽取")
	draws := p.text(t, "draws")
	require.Contains(t, draws, "000002-draw.note")
	require.Contains(t, draws, siteSelected)
	require.Contains(t, draws, "发现问题经责令已改正")
	require.Contains(t, draws, "replayed: identical")
	require.Contains(t, p.text(t, "report"), "verified: OK")
	require.NotContains(t, draws, "WJ3717270084", "inspector ids are not shown")
	timing := p.text(t, "timing")
	require.Contains(t, timing, "仅凭机关自述", "without witnesses the page says what rests on the agency's word")
	require.Contains(t, timing, "the time of each of the 4 documents")

	st, sc := p.selfcheckStatus(t)
	require.Equal(t, "selected", st, sc)
	require.Contains(t, sc, "已被抽中")
	details := p.text(t, "selfcheck-details")
	require.Contains(t, details, "2 人", "the team's size after the substitution")
	require.Contains(t, details, "已核对")
	require.Contains(t, details, "已公开")

	if shot := os.Getenv("SITE_SCREENSHOT"); shot != "" {
		png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(shot, png, 0o644))
		t.Logf("screenshot written to %s", shot)
	}

	// Printable: a PDF; in print the form and the progress line are
	// left out.
	pdf, err := chromedp.Run(p.ctx, chromedp.PrintToPDF())
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF")))
	require.Greater(t, len(pdf), 10_000)
	shown := func() bool {
		v, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`getComputedStyle(document.getElementById('selfcheck-form')).display !== 'none'`))
		require.NoError(t, err)
		return v
	}
	require.True(t, shown(), "on screen the form shows")
	_, err = chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: "print"})
	require.NoError(t, err)
	require.False(t, shown(), "in print the form is left out")
	_, err = chromedp.Call(p.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: ""})
	require.NoError(t, err)

	// Typing an id: not selected, and an unknown one.
	other := notSelected(t)
	for _, c := range []struct{ id, want, says string }{
		{other, "not-selected", "优先数"},
		{siteUnknown, "failed", "没有"},
	} {
		_, err := chromedp.Run(p.ctx, chromedp.Evaluate[bool](`(document.getElementById('selfcheck-id').value = '', true)`))
		require.NoError(t, err)
		require.NoError(t, chromedp.Do(p.ctx,
			chromedp.SendKeys(chromedp.ID("selfcheck-id"), c.id),
			chromedp.Click(chromedp.ID("selfcheck-go"))))
		st, sc := p.selfcheckStatus(t)
		require.Equal(t, c.want, st, "%s: %s", c.id, sc)
		require.Contains(t, sc, c.id)
		require.Contains(t, sc, c.says)
	}
	// By URL, on a fresh load.
	_, _ = p.load(t, "?selfcheck="+other)
	st, sc = p.selfcheckStatus(t)
	require.Equal(t, "not-selected", st, sc)
}

// forge writes, into ledger, the ledger a dishonest operator with the
// real keys would publish: the honest announcement and a draw record
// whose first selected premises is replaced by another, re-signed and
// re-chained, with a fresh signed checkpoint.
func forge(t *testing.T, honest, ledger string) {
	src, err := publish.OpenDir(honest, publish.DirOptions{})
	require.NoError(t, err)
	defer src.Close()
	var signers []publish.Signer
	for _, k := range shared.keys {
		s, err := publish.LoadSigner(k)
		require.NoError(t, err)
		signers = append(signers, s)
	}
	require.NoError(t, os.RemoveAll(ledger))
	l, err := publish.CreateDir(ledger, src.Name(), publish.DirOptions{Signer: signers[0]})
	require.NoError(t, err)
	defer l.Close()
	ann, err := src.Read(1)
	require.NoError(t, err)
	_, err = l.Append(ann)
	require.NoError(t, err)
	draw, err := src.Read(2)
	require.NoError(t, err)
	doc, err := publish.ParseSigned(draw)
	require.NoError(t, err)
	body, err := publish.ParseBody(doc)
	require.NoError(t, err)
	view := body.(*publish.DrawBody).View
	victim := view.Selected[0].ID
	set, err := loadSet(vectorDir("dr1-county-7"), tableFlags{})
	require.NoError(t, err)
	var stranger string
	for _, r := range set.Premises.Rows() {
		if len(r.ID) == len(victim) && !slices.ContainsFunc(view.Selected, func(s random.ViewSelection) bool { return s.ID == r.ID }) {
			stranger = r.ID
			break
		}
	}
	require.NotEmpty(t, stranger)
	forged := bytes.Replace(doc.Body, []byte(`"id": "`+victim+`"`), []byte(`"id": "`+stranger+`"`), 1)
	require.NotEqual(t, doc.Body, forged)
	doc.Body = forged
	_, prev, err := publish.Head(l)
	require.NoError(t, err)
	doc.Prev = prev
	signed, err := publish.SignDocument(doc, signers...)
	require.NoError(t, err)
	_, err = l.Append(signed)
	require.NoError(t, err)
}

// TestSiteSameVerdict holds the page and `cli verify` to the same
// verdict on the honest bundle and on tampered ones: a flipped byte in a
// ledger document, a changed table row, a forged selection re-signed with
// the operator's real key. The page names the document that disagrees.
// With SITE_SCREENSHOT_FAILED=FILE it writes a PNG of the page on the
// forged selection.
func TestSiteSameVerdict(t *testing.T) {
	siteShared(t)
	sharedBrowser(t)
	cases := []struct {
		name   string
		tamper func(t *testing.T, site string)
		doc    string // the document the page must name; "" when verified
	}{
		{"honest", func(*testing.T, string) {}, ""},
		{"flipped byte in a ledger document", func(t *testing.T, site string) {
			f := filepath.Join(site, "bundle", "ledger", "000002-draw.note")
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			b[len(b)/2] ^= 1
			require.NoError(t, os.WriteFile(f, b, 0o644))
		}, "000002-draw.note"},
		{"changed table row", func(t *testing.T, site string) {
			f := premisesFile(t, filepath.Join(site, "bundle"))
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			b2 := bytes.Replace(b, []byte("华盛盛宾馆"), []byte("华盛宾馆"), 1)
			require.NotEqual(t, b, b2)
			require.NoError(t, os.WriteFile(f, b2, 0o644))
		}, "000001-announcement.note"},
		{"forged selection re-signed by the operator", func(t *testing.T, site string) {
			forged := filepath.Join(t.TempDir(), "ledger")
			forge(t, filepath.Join(shared.dir, "ledger"), forged)
			replaceLedger(t, filepath.Join(site, "bundle"), forged)
			rewriteManifest(t, site)
		}, "000002-draw.note"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			site := filepath.Join(t.TempDir(), "site")
			copyTree(t, shared.site, site)
			c.tamper(t, site)
			args := []string{"verify", "--bundle", filepath.Join(site, "bundle"), "--at", "2026-12-02T10:00:00+08:00"}
			for _, p := range shared.pubs {
				args = append(args, "--pub", p)
			}
			code, out, errs := cli(t, args...)
			p := openSite(t, site)
			status, text := p.load(t, "")
			problems := p.text(t, "problems")
			if c.doc == "" {
				require.Equal(t, 0, code, out+errs)
				require.Equal(t, "verified", status, text+problems)
				return
			}
			t.Logf("page: %s", text)
			require.Equal(t, 1, code, out+errs)
			require.Equal(t, "failed", status, text)
			require.Contains(t, text, "核验未通过")
			require.Contains(t, text, c.doc, "the verdict names the document:\n%s\n%s", text, problems)
			if shot := os.Getenv("SITE_SCREENSHOT_FAILED"); shot != "" && strings.HasPrefix(c.name, "forged") {
				png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(shot, png, 0o644))
			}
			// cli verify names a document too: the damaged one, or (for a
			// flipped byte, as DirLedger opens the folder) the next one,
			// whose prev no longer matches.
			require.Regexp(t, `\d{6}-[a-z]+\.note`, out+errs)
		})
	}
}

// premisesFile returns the premises table of a bundle of one roster.
func premisesFile(t *testing.T, bundle string) string {
	m, err := filepath.Glob(filepath.Join(bundle, "tables", "premises-*.csv"))
	require.NoError(t, err)
	require.Len(t, m, 1)
	return m[0]
}

// replaceLedger puts the files of the ledger folder src in place of the
// bundle's ledger and lists them in its index, as a forger would.
func replaceLedger(t *testing.T, bundle, src string) {
	dst := filepath.Join(bundle, "ledger")
	require.NoError(t, os.RemoveAll(dst))
	require.NoError(t, os.MkdirAll(dst, 0o755))
	entries, err := os.ReadDir(src)
	require.NoError(t, err)
	var files []string
	for _, e := range entries {
		if e.Name() == "lock" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644))
		files = append(files, "ledger/"+e.Name())
	}
	slices.Sort(files)
	idx, err := os.ReadFile(filepath.Join(bundle, "bundle.json"))
	require.NoError(t, err)
	x, err := publish.ParseBundleIndex(idx)
	require.NoError(t, err)
	old, err := json.Marshal(x.Files)
	require.NoError(t, err)
	// The index as written lists the files one a line: replace the list.
	var lines []string
	for _, f := range x.Files {
		lines = append(lines, strconv.Quote(f))
	}
	oldList := strings.Join(lines, ",\n  ")
	lines = lines[:0]
	for _, f := range files {
		lines = append(lines, strconv.Quote(f))
	}
	require.Contains(t, string(idx), oldList, "index layout: %s", old)
	idx = []byte(strings.Replace(string(idx), oldList, strings.Join(lines, ",\n  "), 1))
	_, err = publish.ParseBundleIndex(idx)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(bundle, "bundle.json"), idx, 0o644))
}

// rewriteManifest lists the site's bundle and key files again after a
// test changed which files there are.
func rewriteManifest(t *testing.T, site string) {
	var files []string
	for _, sub := range []string{"bundle", "keys", "witnesses"} {
		if _, err := os.Stat(filepath.Join(site, sub)); os.IsNotExist(err) {
			continue
		}
		require.NoError(t, filepath.WalkDir(filepath.Join(site, sub), func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				rel, _ := filepath.Rel(site, p)
				files = append(files, filepath.ToSlash(rel))
			}
			return err
		}))
	}
	var b strings.Builder
	b.WriteString(`{"files": [`)
	for i, f := range files {
		fi, err := os.Stat(filepath.Join(site, f))
		require.NoError(t, err)
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"path": %q, "size": %d}`, f, fi.Size())
	}
	b.WriteString("]}\n")
	require.NoError(t, os.WriteFile(filepath.Join(site, "files.json"), []byte(b.String()), 0o644))
}

// TestSiteCommand covers the command itself: bad usage, a bundle that
// does not verify (nothing written), and the files of the site: no URL
// in them that leaves the folder.
func TestSiteCommand(t *testing.T) {
	siteShared(t)
	code, _, errs := cli(t, "site", "--bundle", filepath.Join(shared.dir, "bundle"))
	require.Equal(t, 2, code)
	require.Contains(t, errs, "--out")
	code, _, errs = cli(t, "site", "--bundle", filepath.Join(shared.dir, "bundle"), "--out", shared.site, "--wasm", shared.wasm)
	require.Equal(t, 2, code)
	require.Contains(t, errs, "not empty")
	code, _, errs = cli(t, "site", "--bundle", filepath.Join(shared.dir, "bundle"), "--out", filepath.Join(t.TempDir(), "s"), "--wasm", shared.wasm)
	require.Equal(t, 2, code)
	require.Contains(t, errs, "--pub")

	bad := filepath.Join(t.TempDir(), "bundle")
	copyTree(t, filepath.Join(shared.dir, "bundle"), bad)
	f := premisesFile(t, bad)
	b, _ := os.ReadFile(f)
	require.NoError(t, os.WriteFile(f, bytes.Replace(b, []byte("华盛盛宾馆"), []byte("华盛宾馆"), 1), 0o644))
	out := filepath.Join(t.TempDir(), "s")
	code, _, errs = cli(t, "site", "--bundle", bad, "--out", out, "--wasm", shared.wasm, "--pub", shared.pubs[0])
	require.Equal(t, 1, code)
	require.Contains(t, errs, "roots.premises")
	_, err := os.Stat(out)
	require.True(t, os.IsNotExist(err), "nothing written for a bundle that does not verify")

	for _, name := range []string{"index.html", "app.js", "worker.js", "style.css", "files.json", "wasm_exec.js"} {
		b, err := os.ReadFile(filepath.Join(shared.site, name))
		require.NoError(t, err)
		for _, ref := range []string{"http://", "https://", "//cdn", "@import"} {
			if name == "wasm_exec.js" {
				break // the Go distribution's file mentions URLs in comments only
			}
			require.NotContains(t, string(b), ref, name)
		}
	}
	for _, f := range []string{"bundle/bundle.json", "bundle/ledger/000001-announcement.note", "keys/example.gov.cn_2fwjw.pub", "verifier.wasm"} {
		_, err := os.Stat(filepath.Join(shared.site, f))
		require.NoError(t, err, f)
	}
	_, err = os.Stat(filepath.Join(shared.site, "bundle", "ledger", "lock"))
	require.True(t, os.IsNotExist(err), "the lock file is not published")
}

// The first and the fastest verification in the page over all rounds of
// BenchmarkSite: the first pays for compiling the verifier (the browser
// caches the compiled code for the next visits).
var benchFirstPage, benchBestPage float64

// BenchmarkSite measures, through the browser, the verifier's size and a
// 10,000-premises county verified in the page against `cli verify` on the
// same bundle in the same run. Metrics: wasm-bytes, wasm-gz-bytes,
// page-ms (the verification in the page, fetching excluded), load-ms
// (from navigation to the verdict), cli-ms (cli verify --bundle, in
// process, every core), cli1-ms (the same on one core, GOMAXPROCS=1),
// page/cli (the budget: at most 5) and page/cli1; page-first-ms (the
// first load, compiling the verifier) and page-best-ms.
func BenchmarkSite(b *testing.B) {
	siteShared(b)
	sharedBrowser(b)
	dir := b.TempDir()
	f, err := samplecounty.Generate(samplecounty.Config{Premises: 10_000})
	require.NoError(b, err)
	county := filepath.Join(dir, "county")
	require.NoError(b, f.WriteDir(county))
	bundle, err := publishCounty(dir, county, false)
	require.NoError(b, err)
	site := filepath.Join(dir, "site")
	args := []string{"site", "--bundle", bundle, "--out", site, "--wasm", shared.wasm}
	for _, p := range shared.pubs {
		args = append(args, "--pub", p)
	}
	require.NoError(b, cliErr(args...))
	if keep := os.Getenv("SITE_BENCH_KEEP"); keep != "" {
		require.NoError(b, os.CopyFS(keep, os.DirFS(site))) // for profiling the page's code elsewhere
	}
	wasm, err := os.ReadFile(shared.wasm)
	require.NoError(b, err)
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(wasm)
	zw.Close()

	verify := []string{"verify", "--bundle", bundle}
	for _, p := range shared.pubs {
		verify = append(verify, "--pub", p)
	}
	p := openSite(b, site)
	var cliTime, cli1Time, pageTime, loadTime time.Duration
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		if err := cliErr(verify...); err != nil {
			b.Fatal(err)
		}
		cliTime += time.Since(start)
		// The same on one core, as the page runs (WebAssembly in the
		// browser has one thread).
		procs := runtime.GOMAXPROCS(1)
		start = time.Now()
		err := cliErr(verify...)
		cli1Time += time.Since(start)
		runtime.GOMAXPROCS(procs)
		if err != nil {
			b.Fatal(err)
		}
		start = time.Now()
		status, text := p.load(b, "")
		loadTime += time.Since(start)
		if status != "verified" {
			b.Fatalf("page: %s: %s", status, text)
		}
		ms, err := chromedp.Run(p.ctx, chromedp.Evaluate[float64](`window.__drMillis`))
		require.NoError(b, err)
		pageTime += time.Duration(ms * float64(time.Millisecond))
		if benchFirstPage == 0 {
			benchFirstPage = ms // the browser has not compiled the verifier yet
		}
		if benchBestPage == 0 || ms < benchBestPage {
			benchBestPage = ms
		}
	}
	b.StopTimer()
	n := float64(b.N)
	b.ReportMetric(float64(len(wasm)), "wasm-bytes")
	b.ReportMetric(float64(gz.Len()), "wasm-gz-bytes")
	b.ReportMetric(float64(cliTime.Milliseconds())/n, "cli-ms")
	b.ReportMetric(float64(pageTime.Milliseconds())/n, "page-ms")
	b.ReportMetric(float64(loadTime.Milliseconds())/n, "load-ms")
	b.ReportMetric(benchFirstPage, "page-first-ms")
	b.ReportMetric(benchBestPage, "page-best-ms")
	b.ReportMetric(float64(cli1Time.Milliseconds())/n, "cli1-ms")
	b.ReportMetric(pageTime.Seconds()/cliTime.Seconds(), "page/cli")
	b.ReportMetric(pageTime.Seconds()/cli1Time.Seconds(), "page/cli1")
}
