package site

import (
	"os"
	"runtime"
	"testing"
	"time"
)

func TestTimingProbe(t *testing.T) {
	dir := os.Getenv("SITE_DIR")
	if dir == "" {
		t.Skip()
	}
	for range 4 {
		start := time.Now()
		_, res := Check(os.DirFS(dir), Options{})
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		t.Logf("%s in %v, heap %d MB, sys %d MB, gcs %d", res.Status, time.Since(start), ms.HeapAlloc>>20, ms.Sys>>20, ms.NumGC)
	}
}
