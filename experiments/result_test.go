package experiments

import (
	"math"
	"testing"
)

// TestNewResult: the result a run starts from carries the run's identity
// (fold included), a copy of its λ and a NaN ("no value") per metric,
// for the built-in trainer and a training command alike.
func TestNewResult(t *testing.T) {
	run := &Run{Index: 7, Point: 3, Repeat: 1, Fold: 2, Lambdas: []float64{0.1, 0}}
	res := newResult(run, 3)
	if res.Index != 7 || res.RunID != "p003-r01" || res.Point != 3 || res.Repeat != 1 || res.Fold != 2 || res.Status != StatusOK {
		t.Errorf("identity: %+v", res)
	}
	run.Lambdas[0] = 5
	if len(res.Lambdas) != 2 || res.Lambdas[0] != 0.1 || res.Lambdas[1] != 0 {
		t.Errorf("lambdas %v, want a copy of [0.1 0]", res.Lambdas)
	}
	if len(res.Metrics) != 3 {
		t.Fatalf("%d metrics, want 3", len(res.Metrics))
	}
	for i, v := range res.Metrics {
		if !math.IsNaN(v) {
			t.Errorf("metric %d = %v, want NaN", i, v)
		}
	}
}
