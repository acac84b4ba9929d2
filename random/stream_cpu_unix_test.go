//go:build unix

package random

import (
	"syscall"
	"time"
)

// cpuTime returns the user and system CPU time the process has used,
// so that the large tests can report the work a draw did apart from
// the wall time, which other processes on the machine stretch.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
