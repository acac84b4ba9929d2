package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/stretchr/testify/require"
)

// Sealed until inspected, through the command line: draw --sealed
// publishes the seal and keeps the draw in a private file; unseal
// publishes it; verify shows the seal, the release and that nothing
// changed in between.

func (tl *trustLedger) sealedDraw(ledger, digits, file string) (int, string, string) {
	return cli(tl.t, "draw", "--dir", tl.dir, "--ledger", ledger, "--key", tl.agency+".key", "--seed-dice", digits,
		"--at", "2026-11-22T09:35:00+08:00", "--sealed", file)
}

func TestCLISealHonest(t *testing.T) {
	tl := newTrustLedger(t)
	code, _, errs := tl.announce(tl.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	file := filepath.Join(tl.tmp, "sealed.json")
	code, out, errs := tl.sealedDraw(tl.path, trustDigits, file)
	require.Equal(t, 0, code, errs)
	require.Regexp(t, `(?m)^sealed 000002-seal.note [0-9a-f]{64}$`, out)
	require.Contains(t, out, "cli unseal --ledger "+tl.path)
	fi, err := os.Stat(file)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), fi.Mode().Perm())

	// Nothing in the ledger folder names a selected premises.
	kept, err := publish.ParseSealedDraw(mustRead(t, file))
	require.NoError(t, err)
	require.NotEmpty(t, kept.View.Selected)
	for name, content := range tl.snapshot() {
		if name == "000001-announcement.note" {
			continue // its pre-flight problems name candidates, before any draw
		}
		for _, s := range kept.View.Selected {
			require.NotContains(t, content, s.ID, name)
		}
	}
	require.NotContains(t, out, kept.View.Selected[0].ID, "the summary keeps the selection sealed too")

	code, out, errs = tl.verify()
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, ": SEALED by 000002-seal.note on 2026-11-22T09:35:00+08:00 (drawn at 2026-11-22T09:35:00+08:00), not released yet")
	require.Contains(t, out, "sealed draw 000002-seal.note (announcement 000001-announcement.note, plan test-7): drawn at 2026-11-22T01:35:00Z, sealed on 2026-11-22T01:35:00Z; still sealed (results due by 2026-12-18)")

	// No other draw for the announcement; not again sealed either.
	code, _, errs = cli(t, "draw", "--dir", tl.dir, "--ledger", tl.path, "--key", tl.agency+".key", "--seed-dice", trustDigits, "--at", "2026-11-22T09:40:00+08:00")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "no open announcement: the draw of the last one is sealed by 000002-seal.note; publish it with unseal")
	code, _, errs = tl.sealedDraw(tl.path, trustDigits, filepath.Join(tl.tmp, "again.json"))
	require.Equal(t, 2, code)
	require.Contains(t, errs, "no open announcement")
	_, err = os.Stat(filepath.Join(tl.tmp, "again.json"))
	require.ErrorIs(t, err, os.ErrNotExist)

	out = mustCLI(t, "unseal", "--ledger", tl.path, "--key", tl.agency+".key", "--file", file, "--at", "2026-12-01T09:00:00+08:00")
	require.Regexp(t, `(?m)^released 000003-draw.note [0-9a-f]{64}$`, out)
	require.Contains(t, out, "the draw sealed by 000002-seal.note on 2026-11-22T09:35:00+08:00 is public now, unchanged (23 selected)")
	code, _, errs = cli(t, "unseal", "--ledger", tl.path, "--key", tl.agency+".key", "--file", file, "--at", "2026-12-01T09:05:00+08:00")
	require.Equal(t, 2, code)
	require.Contains(t, errs, "drawn already")

	code, out, errs = tl.verify()
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "verified: OK")
	require.Contains(t, out, "replayed: identical")
	require.Contains(t, out, "sealed by 000002-seal.note, released on 2026-12-01T01:00:00Z")
	require.Contains(t, out, "released by 000003-draw.note on 2026-12-01T01:00:00Z, unchanged")

	// The same view as the same draw published unsealed.
	plain := newTrustLedger(t)
	code, _, errs = plain.announce(plain.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	mustCLI(t, "draw", "--dir", plain.dir, "--ledger", plain.path, "--key", plain.agency+".key", "--seed-dice", trustDigits, "--at", "2026-11-22T09:35:00+08:00")
	require.Equal(t, drawView(t, plain.path), drawView(t, tl.path))
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return b
}

// drawView returns the view of the (only) live draw of a ledger, as JSON.
func drawView(t *testing.T, ledger string) string {
	t.Helper()
	l, err := publish.OpenDir(ledger, publish.DirOptions{})
	require.NoError(t, err)
	defer l.Close()
	r, err := publish.ReadRecord(l)
	require.NoError(t, err)
	ds := r.LiveDraws()
	require.Len(t, ds, 1)
	b, err := ds[0].Draw.View.Encode()
	require.NoError(t, err)
	return string(b)
}

// The dishonest operator with the real key and the tool: it seals, then
// tries to release another draw — one made on a copy of the ledger with
// other dice digits, or the sealed file with a team edited. unseal
// refuses, and the ledger is unchanged.
func TestCLISealDishonestOperator(t *testing.T) {
	tl := newTrustLedger(t)
	code, _, errs := tl.announce(tl.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	shadow := filepath.Join(tl.tmp, "shadow")
	copyDir(t, tl.path, shadow)
	file := filepath.Join(tl.tmp, "sealed.json")
	code, _, errs = tl.sealedDraw(tl.path, trustDigits, file)
	require.Equal(t, 0, code, errs)

	// Another seed, sealed on a copy of the ledger: the same announcement.
	other := filepath.Join(tl.tmp, "other.json")
	code, _, errs = tl.sealedDraw(shadow, "9999 1111 2222 3333 4444", other)
	require.Equal(t, 0, code, errs)
	// The sealed file with one inspector swapped.
	kept, err := publish.ParseSealedDraw(mustRead(t, file))
	require.NoError(t, err)
	var team []string
	for _, s := range kept.View.Selected {
		if len(s.Team) > 0 {
			team = s.Team
			break
		}
	}
	require.NotEmpty(t, team)
	edited := filepath.Join(tl.tmp, "edited.json")
	require.NoError(t, os.WriteFile(edited, []byte(strings.Replace(string(mustRead(t, file)), `"`+team[0]+`"`, `"WJ3717270099"`, 1)), 0o600))

	before := tl.snapshot()
	for _, f := range []string{other, edited} {
		code, _, errs := cli(t, "unseal", "--ledger", tl.path, "--key", tl.agency+".key", "--file", f, "--at", "2026-12-01T09:00:00+08:00")
		require.Equal(t, 2, code, f)
		require.Contains(t, errs, "the draw released is not the one sealed", f)
		require.Contains(t, errs, "000002-seal.note committed to a draw body", f)
	}
	require.Equal(t, before, tl.snapshot(), "nothing was written")

	// The file kept inside the ledger folder, an existing file, --view: refused.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--sealed", filepath.Join(tl.path, "sealed.json")}, "inside the ledger folder"},
		{[]string{"--sealed", file}, "the file exists"},
		{[]string{"--sealed", filepath.Join(tl.tmp, "x.json"), "--view", filepath.Join(tl.tmp, "v.json")}, "--view cannot be used with --sealed"},
	} {
		args := append([]string{"draw", "--dir", tl.dir, "--ledger", tl.path, "--key", tl.agency + ".key", "--seed-dice", trustDigits, "--at", "2026-11-22T09:35:00+08:00"}, c.args...)
		code, _, errs := cli(t, args...)
		require.Equal(t, 2, code, c.want)
		require.Contains(t, errs, c.want)
	}

	// A file that is not a sealed draw.
	require.NoError(t, os.WriteFile(filepath.Join(tl.tmp, "bad.json"), []byte("{}\r\n"), 0o600))
	code, _, errs = cli(t, "unseal", "--ledger", tl.path, "--key", tl.agency+".key", "--file", filepath.Join(tl.tmp, "bad.json"))
	require.Equal(t, 2, code)
	require.Contains(t, errs, "--file "+filepath.Join(tl.tmp, "bad.json"))

	// The honest release still works.
	mustCLI(t, "unseal", "--ledger", tl.path, "--key", tl.agency+".key", "--file", file, "--at", "2026-12-01T09:00:00+08:00")
	code, out, errs := tl.verify()
	require.Equal(t, 0, code, errs+out)
}

// A seal never released: after the results deadline counted from the
// seal, verify warns.
func TestCLISealNeverReleased(t *testing.T) {
	tl := newTrustLedger(t)
	code, _, errs := tl.announce(tl.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	code, _, errs = tl.sealedDraw(tl.path, trustDigits, filepath.Join(tl.tmp, "sealed.json"))
	require.Equal(t, 0, code, errs)
	code, out, errs := cli(t, "verify", "--ledger", tl.path, "--dir", tl.dir, "--pub", tl.agency+".pub", "--at", "2026-12-21T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	require.Contains(t, out, "warning: 000002-seal.note: the draw of 000001-announcement.note sealed on 2026-11-22 is still sealed after the results deadline (2026-12-18)")
	require.Contains(t, out, "STILL SEALED, OVERDUE")
}

// With witnesses: the seal's cosigned time shows when the draw's content
// was fixed.
func TestCLISealWitnessed(t *testing.T) {
	e := newWitnessEnv(t)
	e.announce(t, e.ledger, "2026-11-20T10:00:00+08:00")
	code, _, errs := e.cosign(t, 0, e.ledger, "2026-11-20T10:05:00+08:00")
	require.Equal(t, 0, code, errs)
	file := filepath.Join(e.tmp, "sealed.json")
	mustCLI(t, "draw", "--dir", e.dir, "--ledger", e.ledger, "--key", e.agency+".key", "--seed-dice", trustDigits, "--at", "2026-11-22T09:35:00+08:00", "--sealed", file)
	// A witness whose clock is before the seal refuses it.
	code, _, errs = e.cosign(t, 0, e.ledger, "2026-11-22T09:00:00+08:00")
	require.NotEqual(t, 0, code)
	require.Contains(t, errs, "000002-seal.note")
	code, _, errs = e.cosign(t, 0, e.ledger, "2026-11-22T09:38:00+08:00")
	require.Equal(t, 0, code, errs)
	mustCLI(t, "unseal", "--ledger", e.ledger, "--key", e.agency+".key", "--file", file, "--at", "2026-11-23T09:00:00+08:00")
	code, _, errs = e.cosign(t, 0, e.ledger, "2026-11-23T09:01:00+08:00")
	require.Equal(t, 0, code, errs)
	code, out, errs := e.verify(t, e.ledger, "--witness", e.w[0]+".pub")
	require.Equal(t, 0, code, errs+out)
	require.Contains(t, out, "content fixed by 2026-11-22T01:38:00Z (witnessed); released by 000003-draw.note on 2026-11-23T01:00:00Z, unchanged")
	require.Contains(t, out, "000002-seal.note sealed a draw made at 2026-11-22T01:35:00Z: its content was fixed by 2026-11-22T01:38:00Z (witnessed)")
}

// A third party without the key cannot seal, nor release.
func TestCLISealThirdParty(t *testing.T) {
	tl := newTrustLedger(t)
	code, _, errs := tl.announce(tl.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	mallory := filepath.Join(tl.tmp, "mallory")
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", mallory)
	before := tl.snapshot()
	code, _, errs = cli(t, "draw", "--dir", tl.dir, "--ledger", tl.path, "--key", mallory+".key", "--seed-dice", trustDigits,
		"--at", "2026-11-22T09:35:00+08:00", "--sealed", filepath.Join(tl.tmp, "m.json"))
	require.Equal(t, 2, code)
	require.NotEmpty(t, errs)
	require.Equal(t, before, tl.snapshot())
	_, err := os.Stat(filepath.Join(tl.tmp, "m.json"))
	require.ErrorIs(t, err, os.ErrNotExist, "nothing kept when nothing is sealed")
}

// The public bundle of a sealed ledger withholds the announcement's
// tables; verify --bundle says so and passes; after the release the
// bundle replays the draw.
func TestCLISealBundle(t *testing.T) {
	tl := newTrustLedger(t)
	code, _, errs := tl.announce(tl.dir, trustCeremony, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, errs)
	file := filepath.Join(tl.tmp, "sealed.json")
	code, _, errs = tl.sealedDraw(tl.path, trustDigits, file)
	require.Equal(t, 0, code, errs)
	b1 := filepath.Join(tl.tmp, "bundle1")
	out := mustCLI(t, "bundle", "--ledger", tl.path, "--dir", tl.dir, "--out", b1)
	require.Contains(t, out, "000001-announcement.note: tables withheld while its draw is sealed (000002-seal.note)")
	code, out, errs = cli(t, "verify", "--bundle", b1, "--pub", tl.agency+".pub", "--at", "2026-11-25T10:00:00+08:00")
	require.Equal(t, 0, code, errs+out)
	require.Contains(t, out, "withheld while its draw is sealed by 000002-seal.note")

	mustCLI(t, "unseal", "--ledger", tl.path, "--key", tl.agency+".key", "--file", file, "--at", "2026-12-01T09:00:00+08:00")
	b2 := filepath.Join(tl.tmp, "bundle2")
	out = mustCLI(t, "bundle", "--ledger", tl.path, "--dir", tl.dir, "--out", b2)
	require.Contains(t, out, "000001-announcement.note: tables of ")
	code, out, errs = cli(t, "verify", "--bundle", b2, "--pub", tl.agency+".pub", "--at", "2026-12-02T10:00:00+08:00")
	require.Equal(t, 0, code, errs+out)
	require.Contains(t, out, "replayed: identical")
}
