package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/stretchr/testify/require"
	"golang.org/x/mod/sumdb/tlog"
)

// forgeBundleDraw plays the dishonest operator with the real key: it
// replaces the last draw of a bundle with one whose view edit changed,
// signed with keyFile, and re-signs the hashes and checkpoint, as one
// would publish a bundle by hand.
func forgeBundleDraw(t *testing.T, bundle, keyFile string, edit func(v *random.View)) {
	t.Helper()
	signer, err := publish.LoadSigner(keyFile)
	require.NoError(t, err)
	ledgerDir := filepath.Join(bundle, "ledger")
	docs, err := filepath.Glob(filepath.Join(ledgerDir, "*.note"))
	require.NoError(t, err)
	slices.Sort(docs)
	last := docs[len(docs)-1]
	require.True(t, strings.HasSuffix(last, "-draw.note"), last)
	old, err := os.ReadFile(last)
	require.NoError(t, err)
	doc, err := publish.ParseSigned(old)
	require.NoError(t, err)
	body, err := publish.ParseBody(doc)
	require.NoError(t, err)
	d := body.(*publish.DrawBody)
	edit(d.View)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	require.NoError(t, enc.Encode(d))
	doc.Body = buf.Bytes()
	signed, err := publish.SignDocument(doc, signer)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(last, signed, 0o644))

	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(idx []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(idx))
		for i, x := range idx {
			out[i] = stored[x]
		}
		return out, nil
	})
	for i, f := range docs {
		b, err := os.ReadFile(f)
		require.NoError(t, err)
		dg := publish.DigestOf(b)
		hs, err := tlog.StoredHashes(int64(i), dg[:], reader)
		require.NoError(t, err)
		stored = append(stored, hs...)
	}
	var hb []byte
	for _, h := range stored {
		hb = append(hb, h[:]...)
	}
	require.NoError(t, os.WriteFile(filepath.Join(ledgerDir, "hashes"), hb, 0o644))
	root, err := tlog.TreeHash(int64(len(docs)), reader)
	require.NoError(t, err)
	cp, err := publish.SignCheckpoint(publish.Checkpoint{Origin: doc.Ledger, Size: int64(len(docs)), Root: root}, signer)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(ledgerDir, "checkpoint"), cp, 0o644))
}

// TestBundleForgedSelectionsCLI: selections forged by the operator with
// the real key are caught from the bundle alone, through the CLI; a third
// party without the key fails on signatures.
func TestBundleForgedSelectionsCLI(t *testing.T) {
	tmp := t.TempDir()
	d12 := vectorDir("dr1-county-12")
	ledger := filepath.Join(tmp, "ledger")
	a, m := filepath.Join(tmp, "agency"), filepath.Join(tmp, "mallory")
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", a)
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", m) // same name, another key
	mustCLI(t, "announce", "--dir", d12, "--ledger", ledger, "--key", a+".key",
		"--dice-ceremony", "2026-12-04T09:30:00+08:00, 县卫生健康局三楼会议室", "--at", "2026-12-02T10:00:00+08:00")
	view := filepath.Join(tmp, "view.json")
	mustCLI(t, "draw", "--dir", d12, "--ledger", ledger, "--key", a+".key", "--seed-dice", "6614 2093 8857 1120 4471",
		"--at", "2026-12-04T09:35:00+08:00", "--view", view)
	vb, err := os.ReadFile(view)
	require.NoError(t, err)
	honest, err := random.ParseView(vb)
	require.NoError(t, err)
	// 371727005886: in scope, not selected, priority above its stratum's
	// threshold (see the publish tests).
	const outsider = "371727005886"
	require.False(t, slices.ContainsFunc(honest.Selected, func(s random.ViewSelection) bool { return s.ID == outsider }))
	prio := random.Hex64(honest.Key.Priority(outsider))
	bundle := filepath.Join(tmp, "bundle")
	mustCLI(t, "bundle", "--ledger", ledger, "--dir", d12, "--out", bundle)
	pub := []string{"--pub", a + ".pub", "--at", "2026-12-05T10:00:00+08:00"}
	mustCLI(t, append([]string{"verify", "--bundle", bundle}, pub...)...)

	for _, c := range []struct {
		name, key, want string
		edit            func(v *random.View)
	}{
		{"targeted", a + ".key", `view.selected[26].mark "targeted"`, func(v *random.View) {
			v.Selected = append(v.Selected, random.ViewSelection{ID: outsider, Priority: prio,
				Stratum: []string{"371727004", "medical"}, Mark: random.MarkTargeted, EligibleInspectors: 2, Team: []string{"a", "b"}})
		}},
		{"random above the threshold", a + ".key", "above the threshold", func(v *random.View) {
			for i := len(v.Selected) - 1; i >= 0; i-- {
				if v.Selected[i].Mark == random.MarkRandom && slices.Equal(v.Selected[i].Stratum, []string{"371727004", "medical"}) {
					v.Selected[i].ID, v.Selected[i].Priority = outsider, prio
					return
				}
			}
			t.Fatal("no random selection in the stratum")
		}},
		{"third party", m + ".key", "signed by an unknown key", func(v *random.View) {}},
	} {
		t.Run(c.name, func(t *testing.T) {
			bad := filepath.Join(t.TempDir(), "bundle")
			copyTree(t, bundle, bad)
			forgeBundleDraw(t, bad, c.key, c.edit)
			code, out, errs := cli(t, append([]string{"verify", "--bundle", bad}, pub...)...)
			require.Equal(t, 1, code, out+errs)
			require.Contains(t, out+errs, "000002-draw.note")
			require.Contains(t, out+errs, c.want)
			code, out, errs = cli(t, "selfcheck", "--bundle", bad, "--id", outsider, "--pub", a+".pub")
			if c.name == "third party" {
				require.Equal(t, 2, code, out+errs)
				require.Contains(t, out+errs, "000002-draw.note")
				return
			}
			require.Equal(t, 1, code, out+errs)
			require.Contains(t, out, "verdict: WRONG")
			require.Contains(t, out, "000002-draw.note")
		})
	}
}
