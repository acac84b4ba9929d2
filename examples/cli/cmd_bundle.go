package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/doublerandom/doublerandom/publish"
	"github.com/doublerandom/doublerandom/roster"
	"golang.org/x/mod/sumdb/note"
)

// runBundle writes the public bundle of a ledger (protocol v2 §9). Each
// announcement gets the tables of the --dir folder whose roots are the
// ones it announced (a ledger of several quarters names a folder per
// quarter); --tables ANNOUNCEMENT=DIR names the folder of one
// announcement explicitly.
func runBundle(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	ledger := fs.String("ledger", "", "ledger folder")
	var dirs, explicit listFlag
	fs.Var(&dirs, "dir", "a folder with tables some announcement announced (repeatable); each announcement gets the folder whose roots it announced")
	fs.Var(&explicit, "tables", "ANNOUNCEMENT=DIR: the tables of one announcement, named by its seq, its file name or a prefix of its digest (at least 8 hex digits) (repeatable)")
	out := fs.String("out", "", "the bundle folder to write; it must not exist or be empty")
	var tf tableFlags
	tf.define(fs)
	var vf v2Flags
	vf.define(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *ledger == "" || *out == "" || len(dirs)+len(explicit) == 0 {
		return usagef("--ledger, --out and at least one --dir or --tables are required")
	}
	if err := checkEmptyFolder("--out", *out); err != nil {
		return err
	}
	src, err := loadTableSource(dirs, explicit, tf, vf, stderrFor(fs))
	if err != nil {
		return err
	}
	l, err := openReader(*ledger)
	if err != nil {
		return err
	}
	defer l.Close()
	if err := publish.WriteBundle(*out, l, src.source); err != nil {
		return err
	}
	b, err := publish.OpenBundle(os.DirFS(*out))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "bundle %s: ledger %s, %d files, %d announcements\n", *out, b.Index.Ledger, len(b.Index.Files), len(b.Index.Announcements))
	for _, a := range b.Index.Announcements {
		if a.Sealed != "" {
			fmt.Fprintf(stdout, "  %s: tables withheld while its draw is sealed (%s)\n", strings.TrimPrefix(a.File, "ledger/"), strings.TrimPrefix(a.Sealed, "ledger/"))
			continue
		}
		fmt.Fprintf(stdout, "  %s: tables of %s\n", strings.TrimPrefix(a.File, "ledger/"), src.used[a.Digest])
	}
	return nil
}

// checkEmptyFolder refuses a path that exists and is not an empty folder.
func checkEmptyFolder(flagName, dir string) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return nil // created by the writer; other errors surface there
	}
	if !fi.IsDir() {
		return fmt.Errorf("%s %s: exists and is not a folder; refusing to overwrite it", flagName, dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) > 0 {
		return fmt.Errorf("%s %s: the folder is not empty; refusing to overwrite it", flagName, dir)
	}
	return nil
}

// tableSource gives announcements the table folders of the command line.
type tableSource struct {
	sets     []*roster.Set
	names    []string
	explicit []explicitTables
	used     map[publish.Digest]string // announcement → folder given
}

type explicitTables struct {
	ref string // as given
	dir string
	set *roster.Set
}

// loadTableSource reads the folders of --dir and --tables.
func loadTableSource(dirs, explicit []string, tf tableFlags, vf v2Flags, warn io.Writer) (*tableSource, error) {
	s := &tableSource{used: map[publish.Digest]string{}}
	load := func(dir string) (*roster.Set, error) {
		tb, err := loadTables(dir, tf, vf, "", false, warn) // v1 or v2: publish_v2.go
		if err != nil {
			return nil, err
		}
		return tb.set, nil
	}
	for _, d := range dirs {
		set, err := load(d)
		if err != nil {
			return nil, err
		}
		s.sets = append(s.sets, set)
		s.names = append(s.names, d)
	}
	for _, e := range explicit {
		ref, dir, ok := strings.Cut(e, "=")
		if !ok || ref == "" || dir == "" {
			return nil, usagef("--tables %q: want ANNOUNCEMENT=DIR", e)
		}
		set, err := load(dir)
		if err != nil {
			return nil, err
		}
		s.explicit = append(s.explicit, explicitTables{ref: ref, dir: dir, set: set})
	}
	return s, nil
}

// names reports whether ref (a seq, a file name or a digest prefix of at
// least 8 hex digits) names the announcement.
func refersTo(ref string, ann *publish.RecordDoc) bool {
	if n, err := strconv.ParseInt(ref, 10, 64); err == nil && len(ref) < 8 {
		return n == ann.Seq
	}
	if ref == ann.File {
		return true
	}
	return len(ref) >= 8 && strings.HasPrefix(ann.Digest.String(), strings.ToLower(ref))
}

// source is the publish.TableSource: an explicit folder first, else the
// folder whose roots the announcement announced (with one folder, that
// folder, so that a wrong one is reported table by table).
func (s *tableSource) source(ann *publish.RecordDoc) (*roster.Set, error) {
	for _, e := range s.explicit {
		if refersTo(e.ref, ann) {
			s.used[ann.Digest] = e.dir
			return e.set, nil
		}
	}
	set, err := publish.TablesByRoots(s.sets...)(ann)
	if set != nil {
		for i, x := range s.sets {
			if x == set {
				s.used[ann.Digest] = s.names[i]
			}
		}
	}
	return set, err
}

// verifyBundle is verify --bundle: the bundle alone, no ledger or tables.
func verifyBundle(dir string, verifiers []note.Verifier, opt publish.Options) (*publish.Report, error) {
	b, err := publish.OpenBundle(os.DirFS(dir))
	if err != nil {
		return nil, err
	}
	return publish.VerifyBundle(b, verifiers, opt)
}

// rootsHint explains a roots mismatch when the ledger was verified with
// fewer table folders than it has rosters.
func rootsHint(rep *publish.Report, dirs int) string {
	for _, p := range rep.Problems {
		var mm *publish.MismatchError
		if errors.As(p.Err, &mm) && strings.HasPrefix(mm.Field, "roots.") && dirs > 0 {
			return "hint: a ledger whose announcements use different tables needs one --dir per set of tables, or verify --bundle\n"
		}
	}
	return ""
}
