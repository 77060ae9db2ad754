package study

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestHalving_WorkersSameBytes: a halving sweep (rungs 3, 9, 27, each
// continuing the one before) writes the same tables with 1 and with 3
// workers: the runs a rung keeps, their continued training and every
// table are a function of the spec alone, never of which worker finished
// first (the project's rule: results bit-identical whatever the worker
// count).
func TestHalving_WorkersSameBytes(t *testing.T) {
	dir := t.TempDir()
	one, three := filepath.Join(dir, "one"), filepath.Join(dir, "three")
	sweepText(t, halvingSpec, one, 1)
	sweepText(t, halvingSpec, three, 3)
	for _, f := range []string{"runs.csv", "summary.csv", "curves.csv", "balance.csv"} {
		a, err := os.ReadFile(filepath.Join(one, f))
		if err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(three, f))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between 1 and 3 workers", f)
		}
	}
}
