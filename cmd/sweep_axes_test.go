package cmd

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

const axesSweepSpec = `name: axes
seed: 2
repeats: 2
dataset:
  builtin: moons
  params: {samples: 80, noise: 0.3}
model: {kind: mlp, hidden: [8], activation: tanh}
train: {optimizer: adam, learning_rate: 0.02, epochs: 4, batch_size: 16}
loss:
  terms:
    - kind: l2
      weight: [0.01, 0.1]
      scale: initial_loss
sweep:
  axes:
    dataset.params.samples: [60, 120]
`

// TestSweep_AxesColumnsAndResume: a sweep with an axis and a scaled term
// writes the axis and lambda_eff columns where documented, the same bytes
// on 1 and 3 workers and after a resume from a partial store.
func TestSweep_AxesColumnsAndResume(t *testing.T) {
	spec := writeSpec(t, axesSweepSpec)
	dir := t.TempDir()
	for _, w := range []string{"1", "3"} {
		if code, _, stderr := run(t, "sweep", spec, "--workers", w, "--out", filepath.Join(dir, w), "-q"); code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, code, stderr)
		}
	}
	read := func(d, f string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, d, f))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, f := range []string{"runs.csv", "summary.csv", "curves.csv", "balance.csv", "paired.csv"} {
		if !bytes.Equal(read("1", f), read("3", f)) {
			t.Errorf("%s differs between 1 and 3 workers", f)
		}
	}
	recs, err := csv.NewReader(bytes.NewReader(read("1", "runs.csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if h := recs[0][:8]; !slices.Equal(h, []string{"run_id", "repeat", "seed", "status", "lambda.l2", "axis.dataset.params.samples", "lambda_eff.l2", "train.accuracy"}) {
		t.Errorf("runs.csv header starts %v", h)
	}
	// 2 samples × 3 λ × 2 repeats, axis-major.
	if len(recs) != 13 || recs[1][5] != "60" || recs[7][5] != "120" || recs[1][4] != "0" || recs[1][6] != "0" {
		t.Errorf("rows: %v … %v", recs[1][:7], recs[len(recs)-1][:7])
	}
	sum := strings.SplitN(string(read("1", "summary.csv")), "\n", 2)[0]
	if !strings.HasPrefix(sum, "lambda.l2,axis.dataset.params.samples,n,diverged,failed,lambda_eff.l2.mean,") {
		t.Errorf("summary.csv header %s", sum)
	}
	bal := string(read("1", "balance.csv"))
	if !strings.Contains(bal, "l2,samples=60,lambda_best,") || !strings.Contains(bal, "l2,samples=120,lambda_best,") {
		t.Errorf("balance.csv has no row per axis value:\n%s", bal)
	}

	// Resume: drop half the stored runs and sweep again.
	seg, hdr, lines := segmentLines(t, filepath.Join(dir, "1"))
	writeSegment(t, seg, hdr, lines[len(lines)/2:])
	if code, _, stderr := run(t, "sweep", spec, "--workers", "2", "--out", filepath.Join(dir, "1"), "-q"); code != 0 {
		t.Fatalf("resume: exit %d: %s", code, stderr)
	}
	for _, f := range []string{"runs.csv", "summary.csv", "curves.csv"} {
		if !bytes.Equal(read("1", f), read("3", f)) {
			t.Errorf("%s differs after a resume", f)
		}
	}
}

// TestSweep_Refine: sweep.refine adds λ values in rounds, trains each run
// once, and writes the same bytes on 1 and 3 workers and when run again.
func TestSweep_Refine(t *testing.T) {
	spec := writeSpec(t, `name: refine
seed: 2
repeats: 3
dataset:
  builtin: moons
  params: {samples: 80, noise: 0.3}
model: {kind: mlp, hidden: [8], activation: tanh}
train: {optimizer: adam, learning_rate: 0.05, epochs: 6, batch_size: 16}
loss:
  terms:
    - kind: l2
      weight: {logspace: {from: 1e-3, to: 10, num: 5}}
sweep:
  refine: {rounds: 2, points: 2}
`)
	dir := t.TempDir()
	for _, w := range []string{"1", "3"} {
		if code, _, stderr := run(t, "sweep", spec, "--workers", w, "--out", filepath.Join(dir, w), "-q"); code != 0 {
			t.Fatalf("workers %s: exit %d: %s", w, code, stderr)
		}
	}
	read := func(d, f string) []byte {
		b, err := os.ReadFile(filepath.Join(dir, d, f))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, f := range []string{"runs.csv", "summary.csv", "balance.csv"} {
		if !bytes.Equal(read("1", f), read("3", f)) {
			t.Errorf("%s differs between 1 and 3 workers", f)
		}
	}
	// 6 coarse points (λ = 0 and 5) + 2 rounds × 2 = 10 points × 3 repeats.
	recs, err := csv.NewReader(bytes.NewReader(read("1", "runs.csv"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs)-1 != 30 {
		t.Errorf("%d runs, want 30", len(recs)-1)
	}
	var m struct {
		Trained int `json:"runs_trained"`
		Reused  int `json:"runs_reused"`
		Runs    int `json:"runs"`
	}
	if err := json.Unmarshal(read("1", "manifest.json"), &m); err != nil {
		t.Fatal(err)
	}
	if m.Trained != 30 || m.Reused != 0 || m.Runs != 30 {
		t.Errorf("manifest: trained %d reused %d runs %d; want 30, 0, 30", m.Trained, m.Reused, m.Runs)
	}
	before := read("1", "runs.csv")
	if code, _, stderr := run(t, "sweep", spec, "--out", filepath.Join(dir, "1"), "-q"); code != 0 {
		t.Fatalf("again: exit %d: %s", code, stderr)
	}
	if err := json.Unmarshal(read("1", "manifest.json"), &m); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, read("1", "runs.csv")) || m.Trained != 0 {
		t.Errorf("second sweep trained %d runs or changed runs.csv", m.Trained)
	}
}
