package main

import (
	"encoding/json"
	"flag"
	"io"
)

// runRoots prints {"premises": HEX, "inspectors": HEX, "conflicts": HEX,
// "history": HEX}, indented with one space like the test vectors.
func runRoots(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	dir := fs.String("dir", "", "folder with premises, inspectors and optionally conflicts and history (.csv or .jsonl)")
	var tf tableFlags
	tf.define(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dir == "" {
		return usagef("--dir is required")
	}
	set, err := loadSet(*dir, tf)
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
