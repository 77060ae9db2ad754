package study

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/lossexp/lossexp/experiments"
)

const tinySpec = `name: tiny
seed: 1
repeats: 2
dataset: {builtin: moons, params: {samples: 60}}
model: {kind: linear}
train: {optimizer: sgd, epochs: 3, batch_size: 0}
loss:
  terms:
    - {kind: l2, weight: [0.01, 0.1]}
`

// TestSweep_InterruptDuringReport: Ctrl-C after the last run, while the
// report is drawn, still leaves the tables and an honest manifest, and
// the sweep returns the context's error (exit 130), not a failure.
func TestSweep_InterruptDuringReport(t *testing.T) {
	dir := t.TempDir()
	st, err := Plan(t.Context(), []byte(tinySpec), filepath.Join(dir, "s.yaml"), experiments.Folders{}, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := filepath.Join(dir, "o")
	oc, err := Sweep(ctx, st, SweepOptions{
		Out: out, Workers: 1,
		Start: func(*Pass) (func(int, int, *experiments.Result), func()) {
			return nil, cancel // the pass ends, then Ctrl-C arrives
		},
	})
	if !errors.Is(err, context.Canceled) || oc == nil || !oc.Interrupted {
		t.Fatalf("err = %v, outcome %+v; want an interruption", err, oc)
	}
	if _, err := os.Stat(filepath.Join(out, "runs.csv")); err != nil {
		t.Errorf("runs.csv: %v", err)
	}
	m, err := ReadManifest(out)
	if err != nil || m.Finished != 6 {
		t.Fatalf("manifest %+v, %v", m, err)
	}
	if _, err := os.Stat(filepath.Join(out, "report.html")); err == nil {
		t.Errorf("report.html written after the interruption")
	}
}

// TestSweep_TrainSeconds: the manifest's train_seconds is the training
// alone, inside the whole time, and zero when every run was reused;
// report_seconds, the stage after it, is inside the rest.
func TestSweep_TrainSeconds(t *testing.T) {
	dir := t.TempDir()
	st, err := Plan(t.Context(), []byte(tinySpec), filepath.Join(dir, "s.yaml"), experiments.Folders{}, DefaultLimits())
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "o")
	for i, want := range []int{6, 0} {
		oc, err := Sweep(context.Background(), st, SweepOptions{Out: out, Workers: 2})
		if err != nil {
			t.Fatal(err)
		}
		m := oc.Manifest
		if m.Trained != want {
			t.Fatalf("sweep %d trained %d runs, want %d", i, m.Trained, want)
		}
		if ok := (want > 0 && m.TrainSeconds > 0 && m.TrainSeconds < m.Seconds) || (want == 0 && m.TrainSeconds == 0); !ok {
			t.Errorf("sweep %d (%d trained): train_seconds %v of seconds %v", i, want, m.TrainSeconds, m.Seconds)
		}
		// report_seconds: the tables, figures and report.html, after
		// training, inside the whole time (both sweeps write them).
		if m.ReportSeconds <= 0 || m.TrainSeconds+m.ReportSeconds > m.Seconds {
			t.Errorf("sweep %d: report_seconds %v, train_seconds %v, seconds %v", i, m.ReportSeconds, m.TrainSeconds, m.Seconds)
		}
	}
}
