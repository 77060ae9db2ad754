package cmd

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// lossBalanceSpec is a study trained with one adaptive method
// (loss.balance: uncertainty, no sweep.balance) on the edges builtin with
// an auxiliary term of fixed weight.
const lossBalanceSpec = `name: lb-uncertainty
seed: 1
repeats: 2
dataset:
  builtin: edges
  params: {samples: 200, labeled: 0.35, length: 16, segments: 3, min_width: 3, max_width: 4, drift: 3, noise: 0.3}
  split: {test: 0.5}
model: {kind: mlp, hidden: [16], activation: relu}
train: {optimizer: adam, learning_rate: 0.003, epochs: 5, batch_size: 32}
loss:
  task: cross_entropy
  balance: uncertainty
  terms:
    - {kind: aux, layer: -1, loss: bce, weight: 1}
report:
  select_on: validation
`

// TestLossBalance_SweepRendersAndRunAgrees: a study with an adaptive
// loss.balance trains and renders its report (runs.csv names the method
// and leaves the balanced term's λ empty; summary.csv has the one point,
// its λ empty); `lossexp run` of a repeat, planned by the sweep's own
// planner, gives that repeat's runs.csv metrics bit for bit.
func TestLossBalance_SweepRendersAndRunAgrees(t *testing.T) {
	dir := t.TempDir()
	spec := filepath.Join(dir, "spec.yaml")
	if err := os.WriteFile(spec, []byte(lossBalanceSpec), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o")
	if code, _, stderr := run(t, "sweep", spec, "--out", out, "-q"); code != 0 {
		t.Fatalf("sweep: exit %d\n%s", code, stderr)
	}
	rows, col := readTable(t, filepath.Join(out, "runs.csv"))
	if len(rows) != 3 || rows[0][col["status"]+1] != "method" {
		t.Fatalf("runs.csv: %d rows, header %v: want 2 runs and method after status", len(rows), rows[0])
	}
	for _, r := range rows[1:] {
		if r[col["method"]] != "uncertainty" || r[col["lambda.aux"]] != "" {
			t.Errorf("runs.csv row %v: want method uncertainty and an empty λ", r[:col["lambda.aux"]+1])
		}
	}
	sum := strings.Split(readOut(t, out, "summary.csv"), "\n")
	if !strings.HasPrefix(sum[1], ",2,0,0,") || sum[2] != "" {
		t.Errorf("summary.csv: want one point with an empty λ and n = 2:\n%s", strings.Join(sum, "\n"))
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err != nil {
		t.Errorf("no report: %v", err)
	}

	code, stdout, stderr := run(t, "run", spec, "--repeat", "1", "--json")
	if code != 0 {
		t.Fatalf("run: exit %d\n%s", code, stderr)
	}
	var doc struct {
		Status  string              `json:"status"`
		Metrics map[string]*float64 `json:"metrics"`
	}
	if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
		t.Fatal(err)
	}
	row := rows[2]
	if row[col["repeat"]] != "1" || doc.Status != row[col["status"]] {
		t.Fatalf("runs.csv row %v, run status %s", row[:4], doc.Status)
	}
	compared := 0
	for name, v := range doc.Metrics {
		c, ok := col[name]
		if !ok {
			t.Errorf("run reports %s, runs.csv has no such column", name)
			continue
		}
		if v == nil {
			if row[c] != "" {
				t.Errorf("%s: run has no value, runs.csv %s", name, row[c])
			}
			continue
		}
		want, err := strconv.ParseFloat(row[c], 64)
		// Bit-identity is the point: the run is the sweep's run.
		if err != nil || *v != want {
			t.Errorf("%s: run %v, runs.csv %s", name, *v, row[c])
		}
		compared++
	}
	if compared < 10 {
		t.Errorf("only %d metrics compared", compared)
	}
}
