package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/stretchr/testify/require"
)

// witnessEnv is an agency with a ledger and two independent witnesses,
// each with its own key and state folder.
type witnessEnv struct {
	tmp, dir, ledger string
	agency           string // key prefix
	w, state         [2]string
}

const ceremonyFlag = "2026-11-22T09:30:00+08:00, 县卫生健康局三楼会议室"

func newWitnessEnv(t *testing.T) *witnessEnv {
	tmp := t.TempDir()
	e := &witnessEnv{tmp: tmp, dir: vectorDir("dr1-county-7"), ledger: filepath.Join(tmp, "ledger"), agency: filepath.Join(tmp, "agency")}
	mustCLI(t, "keygen", "--name", "example.gov.cn/wjw", "--out", e.agency)
	for i, name := range []string{"witness.example.org/w1", "witness.example.net/w2"} {
		e.w[i] = filepath.Join(tmp, "w"+string(rune('1'+i)))
		e.state[i] = filepath.Join(tmp, "state"+string(rune('1'+i)))
		out := mustCLI(t, "witness", "keygen", "--name", name, "--out", e.w[i])
		require.Contains(t, out, "wrote "+e.w[i]+".key (keep it secret)")
		require.Contains(t, out, name+"+")
	}
	return e
}

func (e *witnessEnv) announce(t *testing.T, ledger, at string) {
	mustCLI(t, "announce", "--accept-problems", "--dir", e.dir, "--ledger", ledger, "--key", e.agency+".key", "--dice-ceremony", ceremonyFlag, "--at", at)
}

func (e *witnessEnv) draw(t *testing.T, ledger, digits, at string) {
	mustCLI(t, "draw", "--dir", e.dir, "--ledger", ledger, "--key", e.agency+".key", "--seed-dice", digits, "--at", at)
}

// cosign runs witness i on ledger at its time at.
func (e *witnessEnv) cosign(t *testing.T, i int, ledger, at string) (int, string, string) {
	return cli(t, "witness", "cosign", "--key", e.w[i]+".key", "--ledger", ledger, "--state", e.state[i], "--log-pub", e.agency+".pub", "--at", at)
}

func (e *witnessEnv) verify(t *testing.T, ledger string, extra ...string) (int, string, string) {
	args := append([]string{"verify", "--ledger", ledger, "--dir", e.dir, "--pub", e.agency + ".pub", "--at", "2026-11-23T10:00:00+08:00"}, extra...)
	return cli(t, args...)
}

func cosignedFiles(t *testing.T, ledger string) []string {
	m, err := filepath.Glob(filepath.Join(ledger, "cosigned", "*.checkpoint"))
	require.NoError(t, err)
	return m
}

func TestWitnessCLI(t *testing.T) {
	e := newWitnessEnv(t)
	e.announce(t, e.ledger, "2026-11-20T10:00:00+08:00")
	code, out, errs := e.cosign(t, 0, e.ledger, "2026-11-20T10:05:00+08:00")
	require.Equal(t, 0, code, out+errs)
	require.Regexp(t, `^cosigned checkpoint 1 of example.gov.cn/wjw at 2026-11-20T02:05:00Z: cosigned/000001-[0-9a-f]{16}\.checkpoint\n$`, out)
	// Again at the same size: the earliest cosignature is kept.
	code, out, _ = e.cosign(t, 0, e.ledger, "2026-11-20T11:00:00+08:00")
	require.Equal(t, 0, code)
	require.Contains(t, out, "already cosigned: checkpoint 1 of example.gov.cn/wjw at 2026-11-20T02:05:00Z")
	require.Len(t, cosignedFiles(t, e.ledger), 1)

	e.draw(t, e.ledger, digitsCounty7, "2026-11-22T09:35:00+08:00")
	code, out, errs = e.cosign(t, 0, e.ledger, "2026-11-22T09:40:00+08:00")
	require.Equal(t, 0, code, out+errs)
	code, out, errs = e.cosign(t, 1, e.ledger, "2026-11-22T09:41:00+08:00")
	require.Equal(t, 0, code, out+errs)
	require.Len(t, cosignedFiles(t, e.ledger), 3)

	code, out, errs = e.verify(t, e.ledger, "--witness", e.w[0]+".pub", "--witness", e.w[1]+".pub")
	require.Equal(t, 0, code, out+errs)
	require.Contains(t, out, "timing: witnesses witness.example.org/w1+")
	require.Contains(t, out, "(quorum 1), 3 cosigned checkpoints, 3 matching the ledger\n")
	require.Contains(t, out, "000001-announcement.note announced before its seed event: PROVEN, witnessed by 2026-11-20T02:05:00Z; dice ceremony at 2026-11-22T01:30:00Z\n")
	require.Contains(t, out, "verified: OK")
	// With a quorum of two, the second witness saw the announcement only
	// after the ceremony: not proven, exit 1.
	code, out, _ = e.verify(t, e.ledger, "--witness", e.w[0]+".pub", "--witness", e.w[1]+".pub", "--quorum", "2")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "NOT PROVEN, witnessed by 2026-11-22T01:41:00Z")

	// Without witnesses: which checks rest on the operator's word.
	code, out, _ = e.verify(t, e.ledger)
	require.Equal(t, 0, code, out)
	require.Contains(t, out, "timing: no witnesses given; these rest on the operator's word alone:\n"+
		"  - the time of each of the 2 documents\n"+
		"  - 3 cosigned checkpoints kept, but no witness key given to check their times\n"+
		"  - 000001-announcement.note announced before its seed event (dice ceremony at 2026-11-22T01:30:00Z)\n")

	// Bad input: exit 2 with what is wrong.
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"witness"}, "needs a sub-command: witness cosign, witness keygen"},
		{[]string{"witness", "sign"}, "needs a sub-command: witness cosign, witness keygen"},
		{[]string{"witness", "cosign", "--key", e.w[0] + ".key", "--ledger", e.ledger, "--state", e.state[0]}, "--log-pub"},
		{[]string{"witness", "cosign", "--key", e.agency + ".key", "--ledger", e.ledger, "--state", e.state[0], "--log-pub", e.agency + ".pub"}, "type 0x01"},
		{[]string{"witness", "cosign", "--key", e.w[0] + ".key", "--ledger", e.ledger, "--state", e.state[0], "--log-pub", e.w[1] + ".pub"}, "w2.pub"},
		{[]string{"witness", "cosign", "--key", e.w[0] + ".key", "--ledger", e.ledger, "--state", e.state[0], "--log-pub", e.agency + ".pub", "--at", "yesterday"}, "--at"},
		{[]string{"witness", "keygen", "--name", "a b", "--out", filepath.Join(e.tmp, "x")}, "--name"},
		{[]string{"witness", "keygen", "--name", "w", "--out", e.w[0]}, "w1.key"},
		{[]string{"verify", "--ledger", e.ledger, "--pub", e.agency + ".pub", "--witness", e.agency + ".pub"}, "type 0x01"},
		{[]string{"verify", "--ledger", e.ledger, "--pub", e.agency + ".pub", "--witness", e.w[0] + ".pub", "--quorum", "2"}, "--quorum 2"},
	} {
		code, _, errs := cli(t, c.args...)
		require.Equal(t, 2, code, "%v: %s", c.args, errs)
		require.Contains(t, errs, c.want, "%v", c.args)
	}
}

const digitsCounty7 = "2023 7331 1281 5921 1123"

// A draw published before the ceremony, dated after it: the witness
// refuses to cosign; a witness that only checks consistency cosigns, and
// verify refuses the draw.
func TestWitnessCLIDrawBeforeCeremony(t *testing.T) {
	e := newWitnessEnv(t)
	e.announce(t, e.ledger, "2026-11-20T10:00:00+08:00")
	code, out, errs := e.cosign(t, 0, e.ledger, "2026-11-20T10:05:00+08:00")
	require.Equal(t, 0, code, out+errs)
	e.draw(t, e.ledger, digitsCounty7, "2026-11-22T09:35:00+08:00")
	code, out, errs = e.cosign(t, 0, e.ledger, "2026-11-21T12:00:00+08:00")
	require.Equal(t, 1, code, out+errs)
	require.Contains(t, out, "REFUSED: 000002-draw.note is dated 2026-11-22T01:35:00Z, after the witness's clock 2026-11-21T04:00:00Z\n")
	require.Contains(t, errs, "published before its time")
	require.Len(t, cosignedFiles(t, e.ledger), 1)

	// A plain C2SP witness (consistency only) with key w2.
	skey, err := os.ReadFile(e.w[1] + ".key")
	require.NoError(t, err)
	c, err := publish.NewCosigner(strings.TrimSpace(string(skey)), func() time.Time {
		return time.Date(2026, 11, 21, 4, 0, 0, 0, time.UTC)
	})
	require.NoError(t, err)
	w, err := publish.NewWitness(c, e.state[1])
	require.NoError(t, err)
	agency, err := publish.LoadVerifier(e.agency + ".pub")
	require.NoError(t, err)
	l, err := publish.OpenDir(e.ledger, publish.DirOptions{})
	require.NoError(t, err)
	cp, err := l.Checkpoint()
	require.NoError(t, err)
	msg, err := w.Cosign(agency, cp, nil)
	require.NoError(t, err)
	_, err = l.AddCosigned(msg)
	require.NoError(t, err)
	require.NoError(t, l.Close())

	code, out, _ = e.verify(t, e.ledger, "--witness", e.w[1]+".pub")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "FUTURE-DATED 000002-draw.note: dated 2026-11-22T01:35:00Z, but witnessed by 2026-11-21T04:00:00Z\n")
	// The announcement was seen first on the 21st, before the ceremony:
	// proven.
	require.Contains(t, out, "announced before its seed event: PROVEN, witnessed by 2026-11-21T04:00:00Z")
}

// An announcement backdated so that a beacon round of July 2024 looks
// like the future, witnessed in November 2026: caught.
func TestWitnessCLIBackdatedBeacon(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "random", "testdata", "drand-quicknet.json"))
	require.NoError(t, err)
	var file struct {
		Rounds []struct {
			Beacon json.RawMessage `json:"beacon"`
		} `json:"rounds"`
	}
	require.NoError(t, json.Unmarshal(b, &file))
	var beacon json.RawMessage
	for _, r := range file.Rounds {
		if strings.Contains(string(r.Beacon), `"round": 9367912`) || strings.Contains(string(r.Beacon), `"round":9367912`) {
			beacon = r.Beacon
		}
	}
	require.NotNil(t, beacon, "round 9367912 in the quicknet vectors")
	beaconFile := filepath.Join(t.TempDir(), "round.json")
	require.NoError(t, os.WriteFile(beaconFile, beacon, 0o644))

	e := newWitnessEnv(t)
	out := mustCLI(t, "announce", "--accept-problems", "--dir", e.dir, "--ledger", e.ledger, "--key", e.agency+".key", "--beacon", "9367912", "--at", "2024-07-13T20:00:00Z")
	require.Contains(t, out, "beacon round 9367912 is due at 2024-07-13T21:45:00Z")
	// The operator's own "witness", named like the real one, cosigns
	// with a time before the round.
	fake := filepath.Join(e.tmp, "fake")
	mustCLI(t, "witness", "keygen", "--name", "witness.example.org/w1", "--out", fake)
	mustCLI(t, "witness", "cosign", "--key", fake+".key", "--ledger", e.ledger, "--state", filepath.Join(e.tmp, "fake-state"),
		"--log-pub", e.agency+".pub", "--at", "2024-07-13T20:30:00Z")
	code, out, errs := e.cosign(t, 0, e.ledger, "2026-11-20T10:00:00+08:00")
	require.Equal(t, 0, code, out+errs)
	mustCLI(t, "draw", "--dir", e.dir, "--ledger", e.ledger, "--key", e.agency+".key", "--beacon-json", beaconFile, "--at", "2026-11-20T10:01:00+08:00")
	code, out, errs = e.cosign(t, 0, e.ledger, "2026-11-20T10:02:00+08:00")
	require.Equal(t, 0, code, out+errs)

	code, out, _ = e.verify(t, e.ledger)
	require.Equal(t, 0, code, "without witnesses the operator's word stands:\n"+out)
	require.Contains(t, out, "000001-announcement.note announced before its seed event (beacon round 9367912 at 2024-07-13T21:45:00Z)")
	code, out, errs = e.verify(t, e.ledger, "--witness", e.w[0]+".pub")
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "000001-announcement.note announced before its seed event: NOT PROVEN, witnessed by 2026-11-20T02:00:00Z; beacon round 9367912 at 2024-07-13T21:45:00Z\n")
	require.Contains(t, out+errs, "not proven to exist before its seed event")
	require.Contains(t, out, "warning: cosigned checkpoints: 1 signatures by witness.example.org/w1+")
	require.Contains(t, out, "which is neither the agency's key nor a witness given: not counted")
	// Only the fake witness's key makes it "proven": readers must get
	// witness keys out of band.
	code, out, _ = e.verify(t, e.ledger, "--witness", fake+".pub")
	require.Equal(t, 0, code, out)
}

// The ledger rolled back to an older copy: the witness refuses, verify
// reports it with the cosigned checkpoint.
func TestWitnessCLIRollback(t *testing.T) {
	e := newWitnessEnv(t)
	e.announce(t, e.ledger, "2026-11-20T10:00:00+08:00")
	backup := filepath.Join(e.tmp, "backup")
	copyDir(t, e.ledger, backup)
	e.draw(t, e.ledger, digitsCounty7, "2026-11-22T09:35:00+08:00")
	code, out, errs := e.cosign(t, 0, e.ledger, "2026-11-22T09:40:00+08:00")
	require.Equal(t, 0, code, out+errs)
	kept := cosignedFiles(t, e.ledger)
	require.Len(t, kept, 1)
	saved := filepath.Join(e.tmp, "cosigned-2.checkpoint")
	b, err := os.ReadFile(kept[0])
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(saved, b, 0o644))

	// Roll back: the ledger is the one-document copy again.
	require.NoError(t, os.RemoveAll(e.ledger))
	copyDir(t, backup, e.ledger)
	code, out, errs = e.cosign(t, 0, e.ledger, "2026-11-22T10:00:00+08:00")
	require.Equal(t, 1, code, out+errs)
	require.Contains(t, out, "REFUSED: rollback: the ledger's checkpoint has 1 documents, the witness cosigned 2 before:\nexample.gov.cn/wjw\n2\n")
	code, out, _ = e.verify(t, e.ledger, "--witness", e.w[0]+".pub", "--cosigned", saved)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "ROLLBACK: the ledger has 1 documents, but a checkpoint of 2 was signed and cosigned:\n    example.gov.cn/wjw\n    2\n")
	// Even without the witness's key: the agency signed a larger ledger.
	code, out, _ = e.verify(t, e.ledger, "--cosigned", saved)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "ROLLBACK")
}

// Two branches of one ledger, each shown to another witness: the first
// witness refuses the second branch with a proof; verify prints the fork
// as a proof with both signed notes.
func TestWitnessCLIFork(t *testing.T) {
	e := newWitnessEnv(t)
	e.announce(t, e.ledger, "2026-11-20T10:00:00+08:00")
	code, out, errs := e.cosign(t, 0, e.ledger, "2026-11-20T10:05:00+08:00")
	require.Equal(t, 0, code, out+errs)
	other := filepath.Join(e.tmp, "other")
	require.NoError(t, os.MkdirAll(other, 0o755))
	for _, f := range []string{"000001-announcement.note", "checkpoint", "hashes", "lock"} {
		b, err := os.ReadFile(filepath.Join(e.ledger, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(other, f), b, 0o644))
	}
	e.draw(t, e.ledger, digitsCounty7, "2026-11-22T09:35:00+08:00")
	e.draw(t, other, "1111 2222 3333 4444 5555", "2026-11-22T09:35:00+08:00")
	code, out, errs = e.cosign(t, 0, e.ledger, "2026-11-22T09:40:00+08:00")
	require.Equal(t, 0, code, out+errs)
	code, out, errs = e.cosign(t, 0, other, "2026-11-22T09:41:00+08:00")
	require.Equal(t, 1, code, out+errs)
	require.Contains(t, out, "REFUSED: fork proof: two checkpoints of ledger example.gov.cn/wjw signed by its key")
	require.Contains(t, out, "checkpoint A:\n  example.gov.cn/wjw\n  2\n")
	require.Contains(t, out, "checkpoint B:\n  example.gov.cn/wjw\n  2\n")
	code, out, errs = e.cosign(t, 1, other, "2026-11-22T09:42:00+08:00")
	require.Equal(t, 0, code, out+errs)

	var first string
	for _, f := range cosignedFiles(t, e.ledger) {
		if strings.Contains(f, "000002-") {
			first = f
		}
	}
	require.NotEmpty(t, first)
	code, out, _ = e.verify(t, other, "--witness", e.w[0]+".pub", "--witness", e.w[1]+".pub", "--cosigned", first)
	require.Equal(t, 1, code, out)
	require.Contains(t, out, "FORK: fork proof: two checkpoints of ledger example.gov.cn/wjw signed by its key")
	fa, err := os.ReadFile(first)
	require.NoError(t, err)
	fb, err := os.ReadFile(cosignedFiles(t, other)[0])
	require.NoError(t, err)
	// Both signed notes in full: the agency's two signatures on two
	// roots of size 2, each with a witness's cosignature.
	require.Contains(t, out, "    checkpoint A:\n      "+strings.ReplaceAll(strings.TrimSuffix(string(fb), "\n"), "\n", "\n      ")+"\n")
	require.Contains(t, out, "    checkpoint B:\n      "+strings.ReplaceAll(strings.TrimSuffix(string(fa), "\n"), "\n", "\n      ")+"\n")
	require.Contains(t, out, "— witness.example.net/w2 ")
	require.Contains(t, out, "— witness.example.org/w1 ")
}
