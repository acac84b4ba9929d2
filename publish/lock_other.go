//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly || windows)

package publish

import "os"

// This build is for the platforms without a file lock the package knows
// how to use (flock on Linux and the BSDs, LockFileEx on Windows): js and
// wasip1 (a browser or a WebAssembly runtime verifies, it never appends),
// plan9, and the Unix systems that have only fcntl locks (aix, solaris,
// illumos), which belong to a process rather than to an open file and
// would let two DirLedgers of one process append at once.

// lockFile takes no lock on this platform: reading works without one,
// appending is refused.
func lockFile(f *os.File, exclusive bool) error {
	if exclusive {
		return errNoLock
	}
	return nil
}

func unlockFile(f *os.File) error { return nil }

// syncDir is a no-op where directories cannot be opened for syncing.
func syncDir(dir string) error { return nil }
