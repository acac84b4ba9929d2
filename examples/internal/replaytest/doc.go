// Package replaytest holds the tests that keep the README true: the
// Python replay (scripts/replay.py) against the test vectors, the Go
// example against Example_readme, and the README's shell blocks marked
// "<!-- run -->" against the command-line tool. It has no code of its
// own.
package replaytest
