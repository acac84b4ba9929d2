package main

import (
	"crypto/rand"
	"flag"
	"fmt"
	"io"

	"github.com/doublerandom/doublerandom/publish"
)

// runKeygen writes PREFIX.key (mode 0600) and PREFIX.pub, never
// overwriting either, and prints the verifier key.
func runKeygen(fs *flag.FlagSet, args []string, stdout io.Writer) error {
	name := fs.String("name", "", "key name, e.g. the agency's domain or name (no spaces, no '+')")
	out := fs.String("out", "", "prefix of the key files to write")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" || *out == "" {
		return usagef("--name and --out are required")
	}
	skey, vkey, err := publish.GenerateKey(rand.Reader, *name)
	if err != nil {
		return fmt.Errorf("--name %q: %w", *name, err)
	}
	if err := publish.WriteKeyFiles(*out, skey, vkey); err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "wrote %s.key (keep it secret) and %s.pub\n%s\n", *out, *out, vkey)
	return err
}
