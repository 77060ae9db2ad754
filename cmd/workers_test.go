package cmd

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// unequalSpec has 40 runs of very unequal cost: the most expensive axis
// value (40 epochs) comes first in index order, so with
// several workers the cheap runs behind it finish long before it does.
// Tables written in completion order, or results stored by worker, show
// as different bytes.
const unequalSpec = `name: unequal
seed: 11
repeats: 4
dataset:
  builtin: moons
  params: {samples: 60, noise: 0.3}
model: {kind: mlp, hidden: [8], activation: tanh}
train: {optimizer: adam, learning_rate: 0.05, epochs: 5, batch_size: 8}
loss:
  terms:
    - kind: l2
      weight: [0, 0.001, 0.01, 0.1, 1]
sweep:
  axes:
    train.epochs: [40, 1]
report:
  metrics: [test.accuracy, weight_l2]
`

// TestSweep_WorkerInvarianceUnequalCost sweeps 40 runs of unequal cost on
// 1, 3 and 8 workers: every table is the same bytes.
func TestSweep_WorkerInvarianceUnequalCost(t *testing.T) {
	spec := writeSpec(t, unequalSpec)
	dir := t.TempDir()
	workers := []string{"1", "3", "8"}
	for _, w := range workers {
		code, _, stderr := run(t, "sweep", spec, "--workers", w, "--out", filepath.Join(dir, w), "-q")
		if code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, code, stderr)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "1", "runs.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if rows := strings.Count(string(b), "\n") - 1; rows != 40 {
		t.Fatalf("runs.csv has %d rows, want 40", rows)
	}
	for _, f := range []string{"runs.csv", "summary.csv", "curves.csv", "balance.csv", "paired.csv"} {
		want, err := os.ReadFile(filepath.Join(dir, "1", f))
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range workers[1:] {
			got, err := os.ReadFile(filepath.Join(dir, w, f))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(want, got) {
				t.Errorf("%s differs between 1 and %s workers", f, w)
			}
		}
	}
}
