//go:build unix

package main

import (
	"syscall"
	"time"
)

// cpuTime is the user and system time of this process so far, for the
// benchmarks' CPU figures beside the wall times.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
