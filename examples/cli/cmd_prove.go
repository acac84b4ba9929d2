package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/doublerandom/doublerandom/random"
	"github.com/doublerandom/doublerandom/roster"
)

// runProve writes the row of one premises as one JSON object (a JSON
// Lines row: "id" and every attribute as strings) and its RFC 6962
// inclusion proof in the premises table, {"index", "size", "path"}. The
// agency gives both to the business, which runs selfcheck with them.
func runProve(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	dir := fs.String("dir", "", "folder with the tables announced")
	id := fs.String("id", "", "the premises id")
	rowFile := fs.String("row", "", "file to write the row to (must not exist)")
	proofFile := fs.String("proof", "", "file to write the proof to (must not exist)")
	var vf v2Flags
	vf.define(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" || *id == "" || *rowFile == "" || *proofFile == "" {
		return usagef("--dir, --id, --row and --proof are required")
	}
	if proto, err := folderProtocol(*dir); err != nil {
		return err
	} else if proto == random.ProtocolV2 {
		return proveV2(*dir, vf, *id, *rowFile, *proofFile, stderrFor(fs), stdout) // publish_v2.go
	} else if vf.used() {
		return usagef("--blinding-key and --published apply to v2 plans")
	}
	set, err := roster.LoadDir(*dir, roster.Options{})
	if err != nil {
		return err
	}
	row, ok := set.Premises.Lookup(*id)
	if !ok {
		return fmt.Errorf("--id %q: no such premises in %s", *id, *dir)
	}
	proof, err := set.Premises.Prove(*id)
	if err != nil {
		return err
	}
	if err := writeRowAndProof(row, roster.Options{}, proof, *rowFile, *proofFile); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s and %s (premises root %s)\n", *rowFile, *proofFile, set.Premises.Root())
	return nil
}

// writeRowAndProof writes the premises row (a one-row table in JSON
// Lines, read with opt) to the new file rowFile and its inclusion proof
// (indented JSON) to the new file proofFile: prove of both protocols.
func writeRowAndProof(row roster.Row, opt roster.Options, proof any, rowFile, proofFile string) error {
	one, err := roster.NewTable(roster.KindPremises, []roster.Row{row}, opt)
	if err != nil {
		return err
	}
	var rb bytes.Buffer
	if err := roster.WriteJSONL(&rb, one); err != nil {
		return err
	}
	pb, err := json.MarshalIndent(proof, "", " ")
	if err != nil {
		return err
	}
	if err := createNew("--row", rowFile, rb.Bytes()); err != nil {
		return err
	}
	if err := createNew("--proof", proofFile, append(pb, '\n')); err != nil {
		return err
	}
	return nil
}
