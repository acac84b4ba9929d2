package site

import (
	"os"
	"testing"
	"time"
)

func TestTimingProbe(t *testing.T) {
	dir := os.Getenv("SITE_DIR")
	if dir == "" {
		t.Skip()
	}
	for range 3 {
		start := time.Now()
		last := start
		_, res := Check(os.DirFS(dir), Options{Progress: func(step string, d, n int64) {
			t.Logf("%s at %v (+%v)", step, time.Since(start), time.Since(last))
			last = time.Now()
		}})
		t.Logf("%s in %v", res.Status, time.Since(start))
	}
}
