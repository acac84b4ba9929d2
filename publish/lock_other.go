//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package publish

import (
	"errors"
	"os"
)

// errNoLock reports that this platform has no inter-process file lock
// that the package knows how to use.
var errNoLock = errors.New("publish: appending to a ledger needs flock, which this platform lacks")

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
