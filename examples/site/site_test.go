package site

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"github.com/stretchr/testify/require"
)

// The page's checks natively (the browser tests in examples/cli run
// the same code compiled to WebAssembly).

const county7 = "../../testdata/dr1-county-7"

// siteFS publishes county 7 (announce, draw) into a bundle and returns
// the site's files as the page fetches them, with the signer.
func siteFS(t *testing.T) (fstest.MapFS, publish.Signer) {
	t.Helper()
	skey, vkey, err := publish.GenerateKey(rand.Reader, "example.gov.cn/wjw")
	require.NoError(t, err)
	signer, err := publish.NewSigner(skey)
	require.NoError(t, err)
	dir := t.TempDir()
	l, err := publish.CreateDir(filepath.Join(dir, "ledger"), "example.gov.cn/wjw", publish.DirOptions{Signer: signer})
	require.NoError(t, err)
	defer l.Close()
	plan, err := random.LoadPlan(filepath.Join(county7, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(county7, roster.Options{})
	require.NoError(t, err)
	dice := random.DiceSource{Ceremony: random.Ceremony{When: "2026-11-22T09:30:00+08:00", Where: "县卫生健康局"}, Digits: "2023 7331 1281 5921 1123"}
	ann, err := publish.Announce(l, []publish.Signer{signer}, plan, set, []random.SeedPromise{dice.Promise()}, time.Date(2026, 11, 20, 2, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	ev, err := dice.Evidence()
	require.NoError(t, err)
	_, _, err = publish.PublishDraw(context.Background(), l, []publish.Signer{signer}, ann, set, []random.SeedEvidence{ev}, time.Date(2026, 11, 22, 1, 35, 0, 0, time.UTC))
	require.NoError(t, err)
	bundle := filepath.Join(dir, "bundle")
	require.NoError(t, publish.WriteBundle(bundle, l, publish.TablesByRoots(set)))
	m := fstest.MapFS{KeysDir + "/agency.pub": {Data: []byte(vkey + "\n")}}
	require.NoError(t, fs.WalkDir(os.DirFS(bundle), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(filepath.Join(bundle, p))
		m[BundleDir+"/"+p] = &fstest.MapFile{Data: b}
		return err
	}))
	return m, signer
}

func TestCheck(t *testing.T) {
	m, _ := siteFS(t)
	var steps []string
	s, res := Check(m, Options{Progress: func(step string, _, _ int64) { steps = append(steps, step) }})
	require.Equal(t, StatusVerified, res.Status, "%+v", res.Problems)
	require.Equal(t, []string{"ledger", "ledger", "verify", "done"}, steps)
	require.Equal(t, int64(2), res.Documents)
	require.Len(t, res.Announcements, 1)
	require.Equal(t, "drawn", res.Announcements[0].Fate)
	require.Len(t, res.Draws, 1)
	d := res.Draws[0]
	require.True(t, d.Replayed)
	require.Len(t, d.Visits, 23)
	require.NotEmpty(t, d.Visits[0].Name, "names come from the tables verified")
	for _, c := range res.Checks {
		require.True(t, c.OK, c.Code)
	}
	require.Contains(t, res.Report, "verified: OK")

	// Self-checks.
	a := s.SelfCheck(d.Visits[0].ID)
	require.Equal(t, StatusSelected, a.Status, a.Zh)
	require.True(t, a.ProofOK)
	require.NotZero(t, a.ProofLen)
	require.Equal(t, d.Visits[0].TeamSize, a.TeamSize)
	a = s.SelfCheck("91000000000000000X")
	require.Equal(t, StatusFailed, a.Status)
	require.Contains(t, a.Zh, "没有")
	a = s.SelfCheck("")
	require.Equal(t, StatusFailed, a.Status)
	var nsel int
	for _, id := range []string{"371727589015", "9137172702824CJ1C6"} {
		if a := s.SelfCheck(id); a.Status == StatusNotSelected {
			nsel++
			require.NotEmpty(t, a.Zh)
		}
	}
	require.NotZero(t, nsel, "some premises not selected")
}

// TestCheckTampered: each tampering fails, naming the document in words.
func TestCheckTampered(t *testing.T) {
	for _, c := range []struct {
		name, doc, says string
		tamper          func(m fstest.MapFS)
	}{
		{"flipped byte", "000002-draw.note", "签名", func(m fstest.MapFS) {
			b := m["bundle/ledger/000002-draw.note"].Data
			b[len(b)/2] ^= 1
		}},
		{"bad signature", "000002-draw.note", "签名", func(m fstest.MapFS) {
			b := m["bundle/ledger/000002-draw.note"].Data
			i := bytes.LastIndexByte(b[:len(b)-1], '\n') + 20 // inside the last signature's base64
			if b[i] == 'A' {
				b[i] = 'B'
			} else {
				b[i] = 'A'
			}
		}},
		{"changed row", "000001-announcement.note", "roots.premises", func(m fstest.MapFS) {
			for p, f := range m {
				if strings.HasPrefix(p, "bundle/tables/premises-") {
					f.Data = bytes.Replace(f.Data, []byte("华盛盛宾馆"), []byte("华盛宾馆"), 1)
				}
			}
		}},
		{"no key", "keys", "公钥", func(m fstest.MapFS) { delete(m, "keys/agency.pub") }},
		{"no index", "bundle/bundle.json", "公示包", func(m fstest.MapFS) { delete(m, "bundle/bundle.json") }},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, _ := siteFS(t)
			c.tamper(m)
			s, res := Check(m, Options{})
			require.Equal(t, StatusFailed, res.Status)
			require.NotEmpty(t, res.Problems)
			p := res.Problems[0]
			require.Equal(t, c.doc, p.Doc, "%+v", p)
			require.Contains(t, p.Zh, c.says)
			require.NotEmpty(t, p.En)
			bad := false
			for _, x := range res.Checks {
				bad = bad || !x.OK
			}
			require.True(t, bad, "a check is marked failed")
			require.Equal(t, StatusFailed, s.SelfCheck("91371727HD841G735N").Status)
			if c.name == "bad signature" {
				require.Len(t, res.Draws, 1, "a draw that reads but did not verify is shown")
				require.True(t, res.Draws[0].Unverified, "and marked")
				require.False(t, res.Announcements[0].Unverified)
			}
		})
	}
}

// witnessFS publishes county 7 with a withdrawal after its ceremony (a
// re-roll) and a second announcement that is drawn, each publication
// cosigned by a witness at its time; it returns the site's files (with
// the witness key when withKey), the ledger folder and the witness's
// signer key.
func witnessFS(t *testing.T, withKey bool) (fstest.MapFS, *publish.DirLedger, string) {
	t.Helper()
	skey, vkey, err := publish.GenerateKey(rand.Reader, "example.gov.cn/wjw")
	require.NoError(t, err)
	signer, err := publish.NewSigner(skey)
	require.NoError(t, err)
	agency, err := publish.NewVerifier(vkey)
	require.NoError(t, err)
	wkey, wpub, err := publish.GenerateWitnessKey(rand.Reader, "witness.example.org/w1")
	require.NoError(t, err)
	dir := t.TempDir()
	l, err := publish.CreateDir(filepath.Join(dir, "ledger"), "example.gov.cn/wjw", publish.DirOptions{Signer: signer})
	require.NoError(t, err)
	t.Cleanup(func() { l.Close() })
	var clock time.Time
	c, err := publish.NewCosigner(wkey, func() time.Time { return clock })
	require.NoError(t, err)
	w, err := publish.NewWitness(c, filepath.Join(dir, "w1"))
	require.NoError(t, err)
	cosign := func(at time.Time) {
		clock = at
		msg, err := w.CosignLedger(l, agency)
		require.NoError(t, err)
		_, err = l.AddCosigned(msg)
		require.NoError(t, err)
	}
	plan, err := random.LoadPlan(filepath.Join(county7, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(county7, roster.Options{})
	require.NoError(t, err)
	utc := func(d, h, m int) time.Time { return time.Date(2026, 11, d, h, m, 0, 0, time.UTC) }
	signers := []publish.Signer{signer}
	dice1 := random.DiceSource{Ceremony: random.Ceremony{When: "2026-11-22T09:30:00+08:00", Where: "县卫生健康局"}}
	_, err = publish.Announce(l, signers, plan, set, []random.SeedPromise{dice1.Promise()}, utc(20, 2, 0))
	require.NoError(t, err)
	cosign(utc(20, 2, 5))
	_, err = publish.Withdraw(l, signers, publish.Digest{}, "骰子损坏", utc(22, 1, 40))
	require.NoError(t, err)
	dice2 := random.DiceSource{Ceremony: random.Ceremony{When: "2026-11-22T10:30:00+08:00", Where: "县卫生健康局"}, Digits: "2023 7331 1281 5921 1123"}
	ann, err := publish.Announce(l, signers, plan, set, []random.SeedPromise{dice2.Promise()}, utc(22, 1, 45))
	require.NoError(t, err)
	cosign(utc(22, 1, 50))
	ev, err := dice2.Evidence()
	require.NoError(t, err)
	_, _, err = publish.PublishDraw(context.Background(), l, signers, ann, set, []random.SeedEvidence{ev}, utc(22, 2, 35))
	require.NoError(t, err)
	cosign(utc(22, 2, 40))
	return bundleFS(t, l, set, vkey, wpub, withKey), l, wkey
}

// bundleFS writes the bundle of l and returns the site's files.
func bundleFS(t *testing.T, l *publish.DirLedger, set *roster.Set, vkey, wpub string, withKey bool) fstest.MapFS {
	bundle := filepath.Join(t.TempDir(), "bundle")
	require.NoError(t, publish.WriteBundle(bundle, l, publish.TablesByRoots(set)))
	m := fstest.MapFS{KeysDir + "/agency.pub": {Data: []byte(vkey + "\n")}}
	if withKey {
		m[WitnessesDir+"/w1.pub"] = &fstest.MapFile{Data: []byte(wpub + "\n")}
	}
	require.NoError(t, fs.WalkDir(os.DirFS(bundle), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(filepath.Join(bundle, p))
		m[BundleDir+"/"+p] = &fstest.MapFile{Data: b}
		return err
	}))
	return m
}

// TestCheckFatesAndTiming: the page shows the withdrawal (a re-roll)
// and the draw from publish's report; with the witness key every
// announcement is proven announced before its seed event, without it the
// page says what rests on the agency's word; a draw that a witness saw
// before its own date fails as future-dated.
func TestCheckFatesAndTiming(t *testing.T) {
	m, l, wkey := witnessFS(t, true)
	_, res := Check(m, Options{Now: time.Date(2026, 11, 23, 2, 0, 0, 0, time.UTC)})
	require.Equal(t, StatusVerified, res.Status, "%+v", res.Problems)
	require.Len(t, res.Announcements, 2)
	a := res.Announcements[0]
	require.Equal(t, "withdrawn", a.Fate)
	require.True(t, a.ReRoll)
	require.Equal(t, "000002-withdrawal.note", a.By)
	require.Equal(t, "骰子损坏", a.Reason)
	require.Contains(t, a.FateZh, "已撤回")
	require.Contains(t, a.FateZh, "重抽（re-roll）")
	require.Contains(t, a.FateEn, "re-roll")
	require.Equal(t, "drawn", res.Announcements[1].Fate)
	require.False(t, res.Announcements[1].ReRoll)
	require.Equal(t, "000004-draw.note", res.Announcements[1].Draw)
	for _, a := range res.Announcements {
		require.Equal(t, TimingProven, a.Timing, a.File)
		require.Contains(t, a.TimingZh, "已证明")
	}
	require.True(t, res.Timing.Witnessed)
	require.Equal(t, 3, res.Timing.Matching)
	require.Len(t, res.Witnesses, 1)
	for _, c := range res.Checks {
		require.True(t, c.OK && !c.Skipped, c.Code)
	}
	require.Contains(t, res.Timing.Report, "PROVEN")

	// Without the witness key: verified, and the times are the agency's word.
	m2 := fstest.MapFS{}
	for k, v := range m {
		if !strings.HasPrefix(k, WitnessesDir+"/") {
			m2[k] = v
		}
	}
	_, res = Check(m2, Options{})
	require.Equal(t, StatusVerified, res.Status)
	require.False(t, res.Timing.Witnessed)
	require.NotEmpty(t, res.Timing.AgencyWord)
	require.Contains(t, res.Timing.AgencyWord[0].Zh, "份文件上标注的时间")
	require.Equal(t, TimingAgencyWord, res.Announcements[1].Timing)
	skipped := false
	for _, c := range res.Checks {
		skipped = skipped || c.Code == "timing" && c.Skipped && c.OK
	}
	require.True(t, skipped, "the timing check says it rests on the agency's word")

	// The same witness, from a lost state, cosigns the ledger holding the
	// draw at 10:00, before the draw's own date (10:35): future-dated.
	c, err := publish.NewCosigner(wkey, func() time.Time { return time.Date(2026, 11, 22, 2, 0, 0, 0, time.UTC) })
	require.NoError(t, err)
	w, err := publish.NewWitness(c, t.TempDir())
	require.NoError(t, err)
	cp, err := l.Checkpoint()
	require.NoError(t, err)
	agency, err := publish.NewVerifier(strings.TrimSpace(string(m[KeysDir+"/agency.pub"].Data)))
	require.NoError(t, err)
	msg, err := w.Cosign(agency, cp, nil)
	require.NoError(t, err)
	_, err = l.AddCosigned(msg)
	require.NoError(t, err)
	set, err := roster.LoadDir(county7, roster.Options{})
	require.NoError(t, err)
	m3 := bundleFS(t, l, set, strings.TrimSpace(string(m[KeysDir+"/agency.pub"].Data)), strings.TrimSpace(string(m[WitnessesDir+"/w1.pub"].Data)), true)
	_, res = Check(m3, Options{})
	require.Equal(t, StatusFailed, res.Status)
	require.Len(t, res.Timing.FutureDated, 1)
	fd := res.Timing.FutureDated[0]
	require.Equal(t, "000004-draw.note", fd.File)
	require.Contains(t, fd.Zh, "FUTURE-DATED")
	require.Contains(t, fd.En, "FUTURE-DATED 000004-draw.note")
	require.Equal(t, "000004-draw.note", res.Problems[0].Doc)
	require.Contains(t, res.Problems[0].Zh, "日期造假")
	for _, c := range res.Checks {
		require.Equal(t, c.Code != "timing", c.OK, c.Code)
	}
}

// TestCheckV2: a bundle of a v2 draw (testdata/v2/dr2-county-c) verifies
// in the page's code; the draw shows its tasks (pool, quota, shortfall,
// groups and thresholds) and visits with their marks; a visited premises
// self-checks per task with its proof against the announced root; and
// nothing the page shows holds a private value.
func TestCheckV2(t *testing.T) {
	const countyC = "../../testdata/v2/dr2-county-c"
	skey, vkey, err := publish.GenerateKey(rand.Reader, "example.gov.cn/wjw")
	require.NoError(t, err)
	signer, err := publish.NewSigner(skey)
	require.NoError(t, err)
	l, err := publish.CreateDir(filepath.Join(t.TempDir(), "ledger"), "example.gov.cn/wjw", publish.DirOptions{Signer: signer})
	require.NoError(t, err)
	defer l.Close()
	plan, err := random.LoadPlanV2(filepath.Join(countyC, "plan.json"))
	require.NoError(t, err)
	set, err := roster.LoadDir(countyC, roster.Options{Protocol: roster.ProtocolV2, Commitment: roster.Commitment{Key: bytes.Repeat([]byte{7}, 32)}})
	require.NoError(t, err)
	dice := random.DiceSource{Ceremony: random.Ceremony{When: "2026-03-03T09:30:00+08:00", Where: "会议室"}}
	ann, err := publish.AnnounceV2(l, []publish.Signer{signer}, plan, set, []random.SeedPromise{dice.Promise()}, time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	dice.Digits = "20237331128159211123"
	ev, err := dice.Evidence()
	require.NoError(t, err)
	_, _, err = publish.PublishDrawV2(context.Background(), l, []publish.Signer{signer}, ann, set, []random.SeedEvidence{ev}, time.Date(2026, 3, 3, 1, 35, 0, 0, time.UTC))
	require.NoError(t, err)
	m := bundleFS(t, l, set, vkey, "", false)

	s, res := Check(m, Options{})
	require.Equal(t, StatusVerified, res.Status, "%+v", res.Problems)
	require.Len(t, res.Draws, 1)
	d := res.Draws[0]
	require.Equal(t, random.ProtocolV2, d.Protocol)
	require.True(t, d.Replayed)
	require.Len(t, d.Tasks, len(plan.Tasks))
	require.NotEmpty(t, d.Tasks[0].Groups)
	require.NotEmpty(t, d.Visits)
	require.NotEmpty(t, d.Visits[0].Tasks, "visits list their tasks with marks")
	require.NotEmpty(t, d.Visits[0].Name)
	require.Contains(t, res.Announcements[0].Rules[0].Value, "doublerandom/v2")

	a := s.SelfCheck(d.Visits[0].ID)
	require.Equal(t, StatusSelected, a.Status, "%s\n%s", a.Zh, a.En)
	require.True(t, a.ProofOK, "the row in published form against the announced root")
	require.NotEmpty(t, a.Tasks)
	require.Contains(t, a.Zh, "事项")
	var not *SelfCheckAnswer
	for _, p := range set.Premises.Rows() {
		if x := s.SelfCheck(p.ID); x.Status == StatusNotSelected && len(x.Tasks) > 0 && x.Tasks[0].Threshold != "" {
			not = x
			break
		}
	}
	require.NotNil(t, not, "a premises rightly not selected, with a threshold")
	require.Contains(t, not.Tasks[0].Zh, "大于")

	// No private value in what the page shows, nor in the files it fetches.
	js, err := json.Marshal(res)
	require.NoError(t, err)
	var files strings.Builder
	for _, f := range m {
		files.Write(f.Data)
	}
	for _, k := range roster.Kinds {
		for _, r := range set.Table(k).Rows() {
			for _, name := range plan.Private[k] {
				if v := r.Get(name); len(v) >= 4 {
					require.NotContains(t, string(js), v)
					require.NotContains(t, files.String(), v)
				}
			}
		}
	}
}
