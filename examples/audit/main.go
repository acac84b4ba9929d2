// Command audit shows what an auditor sees: a ledger checked from its
// files alone, and three tampered copies that fail, so that the reader
// knows what a failure looks like:
//
//	go run ./examples/audit
//
// It first publishes a draw of the embedded sample county into a ledger
// folder, as the quickstart does (fresh key, dice ceremony, draw). Then,
// with nothing but files — the ledger folder, the tables and the agency's
// verifier key — it verifies:
//
//  1. the ledger as published: every signature, the chain, the
//     checkpoint, the table roots, and a replay of the draw. OK.
//  2. a copy in which someone without the key changed one team member in
//     the draw document. The ledger folder refuses to open (the document
//     no longer has the digest the ledger recorded), and reading the
//     documents one by one shows the broken signature.
//  3. a copy in which the agency itself, holding the key, signed a draw
//     record with a team the draw does not give. The signatures are
//     fine; the replay is not, and the report shows the difference.
//  4. the honest ledger against a premises table with one row changed
//     after the announcement: the table's root disagrees with the one
//     announced.
//
// Each check is the same call an auditor's program makes
// ([publish.Verify]), and the output names the CLI command that does the
// same. The program exits 0 when the honest ledger verified and each
// tampered copy failed.
//
// Flags:
//
//	-dir DIR  where to write the files (default: a new temporary folder, kept)
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/doublerandom/doublerandom/examples/internal/samplecounty"
	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const keyName = "wjw.chengxi.example"

func main() { os.Exit(run(os.Stdout, os.Args[1:])) }

// run is the program: it writes its account to w and returns the exit
// status (0 the honest ledger verified and every tampered copy failed,
// 1 otherwise, 2 bad usage or an error on the way).
func run(w io.Writer, args []string) int {
	fs := flag.NewFlagSet("audit", flag.ContinueOnError)
	fs.SetOutput(w)
	dir := fs.String("dir", "", "folder for the files (default: a new temporary folder)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(w, "audit: unexpected argument %q\n", fs.Arg(0))
		return 2
	}
	ok, err := audit(w, *dir)
	if err != nil {
		fmt.Fprintf(w, "audit: %v\n", err)
		return 2
	}
	if !ok {
		return 1
	}
	return 0
}

// outcome is what one check found.
type outcome struct {
	opened bool // the ledger folder opened
	report *publish.Report
}

func (o outcome) ok() bool { return o.opened && o.report != nil && o.report.OK() }

func audit(w io.Writer, dir string) (bool, error) {
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "doublerandom-audit-"); err != nil {
			return false, err
		}
	}
	p := paths{dir}
	sel, err := publishDraw(p)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(w, "doublerandom audit: a ledger checked from its files alone, then three tampered copies\n")
	fmt.Fprintf(w, "files in D=%s\n", dir)

	fmt.Fprintf(w, "\n1. The ledger as published.\n")
	honest, err := check(w, p.ledger(), p.county(), p.pub())
	if err != nil {
		return false, err
	}

	// 2. An outsider edits the draw document.
	in, err := outsider(p, sel)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(w, "\n2. Someone without the key changed a team in the draw document:\n   premises %s: inspector %s replaced by %s.\n", sel.ID, sel.Team[1], in)
	file, err := check(w, p.tampered("file"), p.county(), p.pub())
	if err != nil {
		return false, err
	}
	fmt.Fprintf(w, "   Read as plain files, document by document:\n")
	rep, err := verifyFiles(p.tampered("file"), p.county(), p.pub())
	if err != nil {
		return false, err
	}
	printReport(w, rep)
	file.report = rep

	// 3. The agency signs a record that is not the draw.
	if err := insider(p, sel, in); err != nil {
		return false, err
	}
	fmt.Fprintf(w, "\n3. The agency, holding the key, signed a draw record with that changed team.\n")
	signed, err := check(w, p.tampered("signed"), p.county(), p.pub())
	if err != nil {
		return false, err
	}

	// 4. The tables change after the announcement.
	before, after, err := changeRow(p, sel.ID)
	if err != nil {
		return false, err
	}
	fmt.Fprintf(w, "\n4. The premises table given to the auditor differs from the one announced:\n   premises %s has risk %s, not %s.\n", sel.ID, after, before)
	table, err := check(w, p.ledger(), p.changedCounty(), p.pub())
	if err != nil {
		return false, err
	}

	caught := !file.ok() && !signed.ok() && !table.ok()
	fmt.Fprintf(w, "\nsummary: the honest ledger verified: %t; the three tampered copies were caught: %t\n", honest.ok(), caught)
	return honest.ok() && caught, nil
}

// paths names the files of the demo.
type paths struct{ dir string }

func (p paths) county() string        { return filepath.Join(p.dir, "county") }
func (p paths) changedCounty() string { return filepath.Join(p.dir, "county-changed") }
func (p paths) ledger() string        { return filepath.Join(p.dir, "ledger") }
func (p paths) key() string           { return filepath.Join(p.dir, "agency.key") }
func (p paths) pub() string           { return filepath.Join(p.dir, "agency.pub") }
func (p paths) tampered(how string) string {
	return filepath.Join(p.dir, "ledger-tampered-"+how)
}

// publishDraw publishes the announcement and draw of the sample county,
// and returns the first selected premises that has a team.
func publishDraw(p paths) (random.ViewSelection, error) {
	var none random.ViewSelection
	if err := samplecounty.WriteDir(p.county()); err != nil {
		return none, err
	}
	set, err := roster.LoadDir(p.county(), roster.Options{})
	if err != nil {
		return none, err
	}
	plan, err := random.LoadPlan(filepath.Join(p.county(), samplecounty.PlanFile))
	if err != nil {
		return none, err
	}
	sk, vk, err := publish.GenerateKey(rand.Reader, keyName)
	if err != nil {
		return none, err
	}
	if err := publish.WriteKeyFiles(strings.TrimSuffix(p.key(), ".key"), sk, vk); err != nil {
		return none, err
	}
	signer, err := publish.NewSigner(sk)
	if err != nil {
		return none, err
	}
	v, err := publish.NewVerifier(vk)
	if err != nil {
		return none, err
	}
	l, err := publish.CreateDir(p.ledger(), keyName, publish.DirOptions{Signer: signer, Verifiers: []note.Verifier{v}, Validate: publish.ValidateRecord})
	if err != nil {
		return none, err
	}
	defer l.Close()
	signers := []publish.Signer{signer}
	dice := random.DiceSource{Ceremony: random.Ceremony{When: "2026-11-22T09:30:00+08:00", Where: "澄溪县卫生健康局三楼会议室"}}
	ann, err := publish.Announce(l, signers, plan, set, []random.SeedPromise{dice.Promise()}, time.Date(2026, 11, 20, 10, 0, 0, 0, publish.Zone))
	if err != nil {
		return none, err
	}
	dice.Digits = "1415 9265 3589 7932 3846"
	ev, err := dice.Evidence()
	if err != nil {
		return none, err
	}
	res, _, err := publish.PublishDraw(context.Background(), l, signers, ann, set, []random.SeedEvidence{ev}, time.Date(2026, 11, 22, 9, 35, 0, 0, publish.Zone))
	if err != nil {
		return none, err
	}
	for _, s := range res.View().Selected {
		if len(s.Team) >= 2 {
			return s, nil
		}
	}
	return none, errors.New("no selected premises has a team of two")
}

// check verifies a ledger folder against a tables folder with a verifier
// key file, as `go run ./examples/cli verify` does, and prints the report.
func check(w io.Writer, ledgerDir, countyDir, pubFile string) (outcome, error) {
	fmt.Fprintf(w, "   $ go run ./examples/cli verify --ledger %s --dir %s --pub %s\n", rel(ledgerDir), rel(countyDir), rel(pubFile))
	v, err := publish.LoadVerifier(pubFile)
	if err != nil {
		return outcome{}, err
	}
	set, err := roster.LoadDir(countyDir, roster.Options{})
	if err != nil {
		return outcome{}, err
	}
	l, err := publish.OpenDir(ledgerDir, publish.DirOptions{Verifiers: []note.Verifier{v}})
	if err != nil {
		if errors.Is(err, publish.ErrCorrupt) {
			fmt.Fprintf(w, "   REFUSED: %v\n", err)
			return outcome{}, nil
		}
		return outcome{}, err
	}
	defer l.Close()
	rep, err := publish.Verify(l, set, []note.Verifier{v}, publish.Options{})
	if err != nil {
		return outcome{}, err
	}
	printReport(w, rep)
	return outcome{opened: true, report: rep}, nil
}

// verifyFiles verifies the documents of a ledger folder read as plain
// files, without the folder's own integrity checks, so that each damaged
// document shows in the report.
func verifyFiles(ledgerDir, countyDir, pubFile string) (*publish.Report, error) {
	v, err := publish.LoadVerifier(pubFile)
	if err != nil {
		return nil, err
	}
	set, err := roster.LoadDir(countyDir, roster.Options{})
	if err != nil {
		return nil, err
	}
	l, err := readFiles(ledgerDir)
	if err != nil {
		return nil, err
	}
	return publish.Verify(l, set, []note.Verifier{v}, publish.Options{})
}

// printReport prints a report indented. Lines of lists and diffs are cut
// at 160 characters: right after a draw, the list of premises without
// results is every one of them.
func printReport(w io.Writer, rep *publish.Report) {
	for _, line := range strings.Split(strings.TrimRight(rep.String(), "\n"), "\n") {
		if r := []rune(line); len(r) > 160 && strings.HasPrefix(line, "  ") {
			line = string(r[:160]) + "…"
		}
		fmt.Fprintf(w, "   | %s\n", line)
	}
}

// outsider copies the ledger and replaces, in the draw document's bytes,
// the second team member of sel by another inspector. It returns the
// inspector put in.
func outsider(p paths, sel random.ViewSelection) (string, error) {
	set, err := roster.LoadDir(p.county(), roster.Options{})
	if err != nil {
		return "", err
	}
	in := ""
	for _, r := range set.Inspectors.All() {
		if !slices.Contains(sel.Team, r.ID) {
			in = r.ID
			break
		}
	}
	dst := p.tampered("file")
	if err := copyDir(p.ledger(), dst); err != nil {
		return "", err
	}
	name := filepath.Join(dst, publish.DocFileName(2, publish.KindDraw))
	b, err := os.ReadFile(name)
	if err != nil {
		return "", err
	}
	b, err = replaceTeamMember(b, sel, in)
	if err != nil {
		return "", err
	}
	return in, os.WriteFile(name, b, 0o644)
}

// insider builds a ledger of the same name holding the honest
// announcement and a draw record whose team of sel has in instead of its
// second member, signed with the agency's key.
func insider(p paths, sel random.ViewSelection, in string) error {
	signer, err := publish.LoadSigner(p.key())
	if err != nil {
		return err
	}
	var docs [2][]byte
	for i, kind := range []publish.Kind{publish.KindAnnouncement, publish.KindDraw} {
		if docs[i], err = os.ReadFile(filepath.Join(p.ledger(), publish.DocFileName(int64(i+1), kind))); err != nil {
			return err
		}
	}
	d, err := publish.ParseSigned(docs[1])
	if err != nil {
		return err
	}
	if d.Body, err = replaceTeamMember(d.Body, sel, in); err != nil {
		return err
	}
	if docs[1], err = publish.SignDocument(d, signer); err != nil {
		return err
	}
	l, err := publish.CreateDir(p.tampered("signed"), keyName, publish.DirOptions{Signer: signer})
	if err != nil {
		return err
	}
	defer l.Close()
	for _, doc := range docs {
		if _, err := l.Append(doc); err != nil {
			return err
		}
	}
	return nil
}

// replaceTeamMember replaces the second team member of sel in a draw
// document's text by in.
func replaceTeamMember(b []byte, sel random.ViewSelection, in string) ([]byte, error) {
	at := bytes.Index(b, []byte(`"id": "`+sel.ID+`"`))
	if at < 0 {
		return nil, fmt.Errorf("premises %s not found in the draw document", sel.ID)
	}
	old := []byte(`"` + sel.Team[1] + `"`)
	i := bytes.Index(b[at:], old)
	if i < 0 {
		return nil, fmt.Errorf("inspector %s not found after premises %s", sel.Team[1], sel.ID)
	}
	i += at
	return slices.Concat(b[:i], []byte(`"`+in+`"`), b[i+len(old):]), nil
}

// changeRow copies the county and changes the risk class of one
// premises. It returns the risk before and after.
func changeRow(p paths, id string) (before, after string, err error) {
	if err := copyDir(p.county(), p.changedCounty()); err != nil {
		return "", "", err
	}
	set, err := roster.LoadDir(p.county(), roster.Options{})
	if err != nil {
		return "", "", err
	}
	rows := set.Premises.Rows()
	i := set.Premises.Index(id)
	before = rows[i].Get(roster.AttrRisk)
	after = "D"
	if before == "D" {
		after = "C"
	}
	rows[i] = rows[i].With(roster.AttrRisk, after)
	t, err := roster.NewTable(roster.KindPremises, rows, roster.Options{})
	if err != nil {
		return "", "", err
	}
	var buf bytes.Buffer
	if err := roster.WriteCSV(&buf, t); err != nil {
		return "", "", err
	}
	return before, after, os.WriteFile(filepath.Join(p.changedCounty(), samplecounty.PremisesFile), buf.Bytes(), 0o644)
}

// copyDir copies the regular files of src into a new folder dst, leaving
// out a ledger's lock file.
func copyDir(src, dst string) error {
	if err := os.MkdirAll(dst, 0o755); err != nil {
		return err
	}
	entries, err := os.ReadDir(src)
	if err != nil {
		return err
	}
	for _, e := range entries {
		if !e.Type().IsRegular() || e.Name() == "lock" {
			continue
		}
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// rel writes a path of the demo's folder as $D/NAME, for commands to
// copy after D=FOLDER.
func rel(path string) string { return "$D/" + filepath.Base(path) }

// fileLedger is a read-only [publish.Ledger] over the document files of
// a ledger folder (NNNNNN-kind.note) and its checkpoint, with no checks
// of its own: what an auditor who downloaded the files holds.
type fileLedger struct {
	name       string
	docs       [][]byte
	checkpoint []byte
}

func readFiles(dir string) (*fileLedger, error) {
	cp, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		return nil, err
	}
	name, _, _ := strings.Cut(string(cp), "\n")
	l := &fileLedger{name: name, checkpoint: cp}
	for seq := int64(1); ; seq++ {
		matches, err := filepath.Glob(filepath.Join(dir, fmt.Sprintf("%06d-*.note", seq)))
		if err != nil {
			return nil, err
		}
		if len(matches) == 0 {
			return l, nil
		}
		b, err := os.ReadFile(matches[0])
		if err != nil {
			return nil, err
		}
		l.docs = append(l.docs, b)
	}
}

func (l *fileLedger) Name() string        { return l.name }
func (l *fileLedger) Len() (int64, error) { return int64(len(l.docs)), nil }
func (l *fileLedger) Read(seq int64) ([]byte, error) {
	if seq < 1 || seq > int64(len(l.docs)) {
		return nil, fs.ErrNotExist
	}
	return l.docs[seq-1], nil
}
func (l *fileLedger) Append([]byte) (int64, error) { return 0, errors.New("read-only") }
func (l *fileLedger) Checkpoint() ([]byte, error)  { return l.checkpoint, nil }
func (l *fileLedger) ConsistencyProof(int64, int64) (tlog.TreeProof, error) {
	return nil, errors.New("read-only copy: no consistency proofs")
}
