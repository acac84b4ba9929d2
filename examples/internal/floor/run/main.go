// Command run runs the floor program (package floor) on a county folder,
// for .ci/bench to time it and measure its memory in a process of its
// own, beside "cli draw" on the same folder:
//
//	go run ./examples/internal/floor/run -dir DIR -seed-hex HEX > selections.txt
//
// It writes the selections (id, mark, priority, team) to stdout.
package main

import (
	"bufio"
	"encoding/hex"
	"flag"
	"fmt"
	"os"

	"github.com/doublerandom/doublerandom/examples/internal/floor"
)

func main() {
	dir := flag.String("dir", "", "county folder (plan.json and the four CSV files)")
	seedHex := flag.String("seed-hex", "", "the seed, in hex")
	flag.Parse()
	seed, err := hex.DecodeString(*seedHex)
	if err != nil || *dir == "" || len(seed) == 0 {
		fmt.Fprintln(os.Stderr, "usage: run -dir DIR -seed-hex HEX")
		os.Exit(2)
	}
	w := bufio.NewWriterSize(os.Stdout, 1<<16)
	if _, err := floor.Draw(*dir, seed, w); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
	if err := w.Flush(); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}
