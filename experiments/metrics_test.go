package experiments

import (
	"context"
	"math"
	"slices"
	"testing"
)

// TestTrainCommand_EpochsRunByName: a trainer spec whose report.metrics
// lists epochs_run has that column before the terms' gradient columns;
// the run's epoch count lands in epochs_run, and the last column
// (grad.ratio.l2) keeps what the fake trainer reported, as in the same
// run without report.metrics.
func TestTrainCommand_EpochsRunByName(t *testing.T) {
	s := trainerSpec(t, "ok", "report:\n  metrics: [test.accuracy, epochs_run]\n")
	names := MetricNames(s, nil)
	res, err := trainFake(t, WithLogRoot(context.Background(), t.TempDir()), s, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	er, last := slices.Index(names, "epochs_run"), len(names)-1
	if er < 0 || er == last {
		t.Fatalf("columns %v: want epochs_run before the last", names)
	}
	plain := trainerSpec(t, "ok", "")
	ref, err := trainFake(t, WithLogRoot(context.Background(), t.TempDir()), plain, 0.5, 1)
	if err != nil {
		t.Fatal(err)
	}
	pn := MetricNames(plain, nil)
	want := map[string]float64{"epochs_run": ref.Metrics[slices.Index(pn, "epochs_run")], names[last]: ref.Metrics[slices.Index(pn, names[last])]}
	for n, w := range want {
		if got := res.Metrics[slices.Index(names, n)]; got != w || math.IsNaN(w) { // bit identity: the same reported value
			t.Errorf("%s = %v, want %v (columns %v = %v)", n, got, w, names, res.Metrics)
		}
	}
}
