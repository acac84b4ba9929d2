//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package publish

import (
	"os"
	"syscall"
)

// lockFile takes an advisory lock on f, shared or exclusive, waiting for
// it. The lock is between processes (flock); within a process DirLedger
// also holds a mutex.
func lockFile(f *os.File, exclusive bool) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	for {
		err := syscall.Flock(int(f.Fd()), how)
		if err != syscall.EINTR {
			return err
		}
	}
}

// unlockFile releases the lock taken by lockFile.
func unlockFile(f *os.File) error {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
}

// syncDir flushes a directory's entries (new names, renames) to disk.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}
