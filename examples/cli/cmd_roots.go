package main

import (
	"encoding/json"
	"flag"
	"io"

	"github.com/doublerandom/doublerandom/roster"
)

func init() {
	register(command{
		name:    "roots",
		summary: "print the roots of a folder's tables (protocol §1)",
		run:     runRoots,
	})
}

// runRoots prints {"premises": HEX, "inspectors": HEX, "conflicts": HEX,
// "history": HEX}, indented with one space like the test vectors.
func runRoots(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	dir := fs.String("dir", "", "folder with premises, inspectors and optionally conflicts and history (.csv or .jsonl)")
	encoding := fs.String("encoding", "auto", "encoding of the CSV files: auto, utf-8 or gbk")
	strict := fs.Bool("strict", false, "treat a bad unified social credit code as an error, not a warning")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("--dir is required")
	}
	enc, err := roster.ParseEncoding(*encoding)
	if err != nil {
		return usagef("%v", err)
	}
	set, err := roster.LoadDir(*dir, roster.Options{Encoding: enc, Strict: *strict})
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(set.Roots(), "", " ")
	if err != nil {
		return err
	}
	_, err = stdout.Write(append(b, '\n'))
	return err
}
