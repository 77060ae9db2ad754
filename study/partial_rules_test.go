package study

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lossexp/lossexp/experiments"
)

const partialCSVSpec = `name: pcsv
seed: 1
repeats: 2
dataset: {csv: data.csv, target: y, task: regression}
model: {kind: linear}
train: {optimizer: sgd, epochs: 2, batch_size: 0}
loss:
  terms:
    - {kind: l2, weight: [0, 0.1]}
`

// TestPartialRules_PlansAsTheSweep: a partial report plans the study from
// the spec file the sweep's live state names (its data.csv beside it, not
// in the results folder), reports k of n runs into DIR/partial and
// nothing else in DIR; a folder whose store holds no run is refused
// naming "0 of 6 runs" (tinySpec: λ = 0 added to its 2 λ, 2 repeats).
func TestPartialRules_PlansAsTheSweep(t *testing.T) {
	root := t.TempDir()
	var csv strings.Builder
	csv.WriteString("a,b,y\n")
	rng := rand.New(rand.NewPCG(1, 2))
	for range 40 {
		a, b := rng.Float64(), rng.Float64()
		fmt.Fprintf(&csv, "%.4f,%.4f,%.4f\n", a, b, 2*a-b+0.1*rng.Float64())
	}
	writeFile(t, filepath.Join(root, "spec", "data.csv"), csv.String())
	specPath := filepath.Join(root, "spec", "s.yaml")
	writeFile(t, specPath, partialCSVSpec)
	st, err := Plan(t.Context(), []byte(partialCSVSpec), specPath, experiments.Folders{}, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(root, "res")
	if _, err := Sweep(t.Context(), st, SweepOptions{Out: out, Workers: 1}); err != nil {
		t.Fatal(err)
	}
	// The sweep killed: its state names the spec file it read.
	putLiveState(t, out, livePrefix+"5-k", liveState{PID: 5, Updated: time.Now().Add(time.Hour), Runs: 4,
		Done: map[string]int{"ok": 4}, SpecPath: specPath}, true, false)
	before := snapshot(t, out, PartialDir)
	pr, err := PartialReport(t.Context(), out, "", ReportOptions{Workers: 1})
	if err != nil {
		t.Fatalf("partial report: %v", err)
	}
	if pr.K != 4 || pr.N != 4 || pr.Out != filepath.Join(out, PartialDir) || len(pr.Files) == 0 {
		t.Errorf("partial %+v; want 4 of 4 runs in %s", pr, filepath.Join(out, PartialDir))
	}
	if _, err := os.Stat(filepath.Join(out, PartialDir, "runs.csv")); err != nil {
		t.Errorf("no runs.csv in the partial report: %v", err)
	}
	after := snapshot(t, out, PartialDir)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("the partial report changed %s", k)
		}
	}

	empty := filepath.Join(root, "empty")
	writeFile(t, filepath.Join(empty, SpecFile), tinySpec)
	if err := os.MkdirAll(filepath.Join(empty, "runs"), 0o755); err != nil {
		t.Fatal(err)
	}
	if _, err := PartialReport(t.Context(), empty, filepath.Join(root, "p2"), ReportOptions{Workers: 1}); err == nil || !IsInput(err) || !strings.Contains(err.Error(), "(0 of 6 runs)") {
		t.Errorf("nothing stored: %v, want an input error naming 0 of 6 runs (λ = 0 added to the 2 λ, 2 repeats)", err)
	}
}
