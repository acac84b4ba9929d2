//go:build !js && !wasip1

package publish

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"
)

// browser returns the path of a Chromium-like browser, or skips.
func browser(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium to render the notice in")
	return ""
}

// TestNoticeHTMLInChromium renders the HTML notice in headless Chromium:
// it loads from a file with no other request, the document is zh-CN and
// UTF-8, the table holds every selected premises, the premises names'
// markup stays text (no script ran, no element was made from it), and it
// prints to PDF.
func TestNoticeHTMLInChromium(t *testing.T) {
	exe := browser(t)
	f := newNoticeFixture(t)
	var buf bytes.Buffer
	require.NoError(t, WriteNotice(&buf, f.l, f.set, f.options(t, NoticeHTML)))
	file := filepath.Join(t.TempDir(), "notice.html")
	require.NoError(t, os.WriteFile(file, buf.Bytes(), 0o644))

	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(exe), chromedp.NoSandbox)
	actx, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
	defer cancel()
	ctx, cancel := chromedp.NewContext(actx)
	defer cancel()

	// Open the tab first, so that the listener misses no request.
	require.NoError(t, chromedp.Do(ctx))
	var mu sync.Mutex
	var requests []string
	require.NoError(t, chromedp.Listen(ctx, func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requests = append(requests, e.Request.URL)
			mu.Unlock()
		}
	}))
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate("file://"+file)))
	str := func(js string) string {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js))
		require.NoError(t, err, js)
		return v
	}
	lang := str(`document.documentElement.lang`)
	charset := str(`document.characterSet`)
	title, err := chromedp.Run(ctx, chromedp.Title())
	require.NoError(t, err)
	rows := str(`String(document.querySelectorAll("table.list tbody tr").length)`)
	imgs := str(`String(document.images.length)`)
	scripts := str(`String(document.scripts.length)`)
	injected := str(`String(typeof window.alertCalled)`)
	verify := str(`document.getElementById("verify").textContent`)
	pdf, err := chromedp.Run(ctx, chromedp.PrintToPDF())
	require.NoError(t, err)
	require.Equal(t, "zh-CN", lang)
	require.Equal(t, "UTF-8", charset)
	require.Equal(t, "某县卫生健康局双随机抽查结果公示", title)
	require.Equal(t, strconv.Itoa(len(f.res.Selected)), rows)
	require.Equal(t, "0", imgs, "the names' <img> stays text")
	require.Equal(t, "五、如何核验", verify)
	require.Equal(t, "0", scripts, "the names' <script> stays text")
	require.Equal(t, "undefined", injected)
	require.True(t, bytes.HasPrefix(pdf, []byte("%PDF")), "prints")
	mu.Lock()
	defer mu.Unlock()
	for _, u := range requests {
		require.True(t, strings.HasPrefix(u, "file://"), "the page requested %s", u)
	}
	require.Len(t, requests, 1, "only the page itself: %v", requests)
}
