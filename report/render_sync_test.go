package report_test

import (
	"path/filepath"
	"sync"
	"testing"

	"github.com/lossexp/lossexp/internal/atomicfile"
)

// TestRender_OneFolderSync: a report syncs its folder once, after its
// files (tables, figures drawn on two goroutines, report.html) are each
// synced and renamed into place, instead of once per file: each sync is
// a journal commit, about 5–10 ms on the VMs of issue 28.
func TestRender_OneFolderSync(t *testing.T) {
	var mu sync.Mutex
	steps := map[[2]string]int{}
	restore := atomicfile.SetHook(func(s, p string) error {
		mu.Lock()
		defer mu.Unlock()
		if s == "rename" {
			p = filepath.Dir(p)
		}
		steps[[2]string{s, p}]++
		return nil
	})
	dir := renderGolden(t, "quickstart", 2)
	restore()
	if n := steps[[2]string{"rename", dir}]; n < 10 {
		t.Fatalf("%d files renamed into %s, want the tables, the figures and report.html", n, dir)
	}
	if n := steps[[2]string{"syncdir", dir}]; n != 1 {
		t.Errorf("%s synced %d times, want once", dir, n)
	}
}
