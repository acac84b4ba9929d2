//go:build windows

package publish

import (
	"os"

	"golang.org/x/sys/windows"
)

// allBytes is the length of the range locked: the whole file, as the Go
// toolchain's own file lock does (cmd/go/internal/lockedfile).
const allBytes = ^uint32(0)

// lockFile takes a lock on f, shared or exclusive, waiting for it
// (LockFileEx without LOCKFILE_FAIL_IMMEDIATELY). Like flock, the lock
// belongs to the handle: a second handle on the same file, in this
// process or another, waits for it; within a process DirLedger also
// holds a mutex.
func lockFile(f *os.File, exclusive bool) error {
	var flags uint32
	if exclusive {
		flags = windows.LOCKFILE_EXCLUSIVE_LOCK
	}
	return windows.LockFileEx(windows.Handle(f.Fd()), flags, 0, allBytes, allBytes, new(windows.Overlapped))
}

// unlockFile releases the lock taken by lockFile.
func unlockFile(f *os.File) error {
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, allBytes, allBytes, new(windows.Overlapped))
}

// syncDir does nothing on Windows: a folder cannot be flushed through a
// file handle there, and NTFS journals its entries (new names, renames)
// itself.
func syncDir(dir string) error { return nil }
