package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/doublerandom/doublerandom/publish"
)

// maxSealedFile bounds the sealed draw file unseal reads (a document is
// at most 64 MiB).
const maxSealedFile = 64 << 20

// runUnseal releases a sealed draw (draw --sealed FILE): it appends the
// draw kept in FILE, byte for byte, as the draw document of its
// announcement. The ledger refuses any draw but the one its seal
// committed to.
func runUnseal(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	var wf writerFlags
	wf.define(fs, "ledger folder", "time of the release")
	file := fs.String("file", "", "the sealed draw written by draw --sealed")
	if err := parse(fs, args); err != nil {
		return err
	}
	if wf.ledger == "" || wf.key == "" || *file == "" {
		return usagef("--ledger, --key and --file are required")
	}
	b, err := readBounded(*file, maxSealedFile)
	if err != nil {
		return fmt.Errorf("--file %s: %w", *file, err)
	}
	if _, err := publish.ParseSealedDraw(b); err != nil {
		return fmt.Errorf("--file %s: %w", *file, err)
	}
	l, signers, when, _, err := wf.openRecord()
	if err != nil {
		return err
	}
	defer l.Close()
	d, err := publish.Unseal(l, signers, b, when)
	if err != nil {
		return fmt.Errorf("--file %s: %w", *file, err)
	}
	published(stdout, l, "released", d)
	rec, err := publish.ReadRecord(l)
	if err != nil {
		return err
	}
	if e, ok := rec.Lookup(d); ok && e.Unseals != nil {
		fmt.Fprintf(stdout, "the draw sealed by %s on %s is public now, unchanged (%d selected)\n",
			e.Unseals.File, publish.FormatTime(e.Unseals.Seal.Published.Time), len(e.Draw.View.Selected))
	}
	return nil
}

// readBounded reads a file of at most limit bytes.
func readBounded(name string, limit int64) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return b, nil
}

// checkSealedFile refuses a --sealed file that exists, or that lies in
// the ledger folder (which is published, and which refuses unknown
// files).
func checkSealedFile(name, ledger string) error {
	if _, err := os.Lstat(name); err == nil {
		return fmt.Errorf("--sealed %s: the file exists; refusing to overwrite it (each sealed draw gets a new file)", name)
	}
	abs, err1 := filepath.Abs(name)
	led, err2 := filepath.Abs(ledger)
	if err := errors.Join(err1, err2); err != nil {
		return fmt.Errorf("--sealed %s: %w", name, err)
	}
	if rel, err := filepath.Rel(led, abs); err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return fmt.Errorf("--sealed %s: the file is inside the ledger folder %s, which is published; keep the sealed draw elsewhere", name, ledger)
	}
	return nil
}

// writePrivate writes b to the new file name, readable by its owner
// only (mode 0600), and syncs it and its folder: a seal is appended only
// after its draw is safely kept.
func writePrivate(flagName, name string, b []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("%s %s: %w", flagName, name, err)
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("%s %s: %w", flagName, name, err)
	}
	if d, err := os.Open(filepath.Dir(name)); err == nil {
		d.Sync()
		d.Close()
	}
	return nil
}
