package study

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/lossexp/lossexp/internal/atomicfile"
)

// TestSweep_OutputsOneFolderSync: after training, a sweep's tables, its
// report and its manifest are each synced and renamed into the results
// folder, which is then synced once (atomicfile.DeferDirSync), not once
// per file: two syncs in all, the spec.yaml written when the sweep
// starts and that one. Every file is in place when Sweep returns.
func TestSweep_OutputsOneFolderSync(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	var mu sync.Mutex
	renamed, synced := 0, 0
	restore := atomicfile.SetHook(func(s, p string) error {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case s == "rename" && filepath.Dir(p) == out:
			renamed++
		case s == "syncdir" && p == out:
			synced++
		}
		return nil
	})
	oc := sweepText(t, tinySpec, out, 2)
	restore()
	if renamed < 10 {
		t.Fatalf("%d files renamed into the results folder, want the tables, figures, report.html and manifest", renamed)
	}
	if synced != 2 {
		t.Errorf("results folder synced %d times for %d files, want 2 (spec.yaml at the start, the rest at the end)", synced, renamed)
	}
	for _, f := range oc.Manifest.Files {
		if !filepath.IsAbs(f) {
			f = filepath.Join(out, f)
		}
		if _, err := os.Stat(f); err != nil {
			t.Errorf("a file the manifest lists: %v", err)
		}
	}
}
