// Package samplecounty is a fictional county for examples, tests and
// benchmarks: 澄溪县 (division code 371727, 18 townships 371727001..018)
// with about 3,000 premises under health supervision, 40 inspectors of the
// county bureau and the township stations, declared conflicts of interest
// (回避), two years of inspection history and a plan for the fourth quarter
// of 2026 dated 2026-11-22.
//
// The files under data/ are generated, never edited by hand:
//
//	go generate ./examples/internal/samplecounty
//
// runs the gen command, which calls [Generate] with [DefaultConfig]. A test
// checks that the embedded files equal a fresh Generate byte for byte.
// Generate is deterministic (a fixed PCG seed, no clock, no map order), so
// benchmarks can also build larger counties in memory:
//
//	f, err := samplecounty.Generate(samplecounty.Config{Premises: 100_000})
//	set, err := f.Load()
//
// The county is not a test vector of the protocol: it follows the shape of
// testdata/dr1-county-7 but its draws are not pinned by an independent
// implementation.
package samplecounty

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/doublerandom/doublerandom/roster"
)

//go:generate go run ./gen -out data

//go:embed data
var data embed.FS

// File names of a county folder, as the CLI and [roster.LoadDir] expect.
const (
	PlanFile       = "plan.json"
	PremisesFile   = "premises.csv"
	InspectorsFile = "inspectors.csv"
	ConflictsFile  = "conflicts.csv"
	HistoryFile    = "history.csv"
)

// Files are the five files of a county, in memory.
type Files struct {
	Plan       []byte // plan.json: the plan of protocol §2
	Premises   []byte // premises.csv
	Inspectors []byte // inspectors.csv
	Conflicts  []byte // conflicts.csv
	History    []byte // history.csv
}

// File is one named file of a county.
type File struct {
	Name string
	Data []byte
}

// List returns the files with their names, plan first, then the tables in
// the order of [roster.Kinds].
func (f *Files) List() []File {
	return []File{
		{PlanFile, f.Plan},
		{PremisesFile, f.Premises},
		{InspectorsFile, f.Inspectors},
		{ConflictsFile, f.Conflicts},
		{HistoryFile, f.History},
	}
}

// Load reads the four tables with [roster.ReadCSV] (File names such as
// "premises.csv") and checks their references with [roster.NewSet].
func (f *Files) Load() (*roster.Set, error) {
	var t [4]*roster.Table
	for i, file := range f.List()[1:] {
		var err error
		t[i], err = roster.ReadCSV(bytes.NewReader(file.Data), roster.Kinds[i], roster.Options{File: file.Name})
		if err != nil {
			return nil, err
		}
	}
	return roster.NewSet(t[0], t[1], t[2], t[3])
}

// WriteDir writes the five files into dir, creating it if needed.
// Existing files of the same names are replaced.
func (f *Files) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, file := range f.List() {
		if err := os.WriteFile(filepath.Join(dir, file.Name), file.Data, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// FS returns the embedded county as a file system holding the five files
// at its root.
func FS() fs.FS {
	sub, err := fs.Sub(data, "data")
	if err != nil {
		panic(err) // "data" is a valid path
	}
	return sub
}

// Embedded returns the embedded county's files. The slices are fresh
// copies.
func Embedded() *Files {
	read := func(name string) []byte {
		b, err := fs.ReadFile(FS(), name)
		if err != nil {
			panic(fmt.Sprintf("samplecounty: embedded %s: %v", name, err)) // built in
		}
		return b
	}
	return &Files{
		Plan:       read(PlanFile),
		Premises:   read(PremisesFile),
		Inspectors: read(InspectorsFile),
		Conflicts:  read(ConflictsFile),
		History:    read(HistoryFile),
	}
}

// Plan returns the bytes of the embedded plan.json, exactly as published.
func Plan() []byte { return Embedded().Plan }

// Load reads the embedded tables (see [Files.Load]).
func Load() (*roster.Set, error) { return Embedded().Load() }

// WriteDir writes the embedded county into dir (see [Files.WriteDir]), for
// the CLI examples: go run ./examples/cli draw --dir DIR ….
func WriteDir(dir string) error { return Embedded().WriteDir(dir) }
