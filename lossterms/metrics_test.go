package lossterms

import (
	"math"
	"testing"
)

func TestAccuracy(t *testing.T) {
	cases := []struct {
		name string
		out  []float64
		y    []float64
		n, k int
		want float64
	}{
		// logit > 0 ⇒ class 1; a logit of exactly 0 is class 0.
		{"binary", []float64{2, -1, 0, 0.1}, []float64{1, 0, 1, 0}, 4, 1, 0.5},
		{"binary all right", []float64{-3, 3}, []float64{0, 1}, 2, 1, 1},
		// rows: argmax 1, 0, tie(0,2)→0, 2.
		{"softmax", []float64{0, 5, 1, 9, 2, 3, 4, 1, 4, 0, 0, 7}, []float64{1, 0, 2, 2}, 4, 3, 0.75},
		{"tie lowest", []float64{1, 1}, []float64{0}, 1, 2, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := Accuracy(c.out, c.y, c.n, c.k); got != c.want { // exact: ratio of small integers
				t.Errorf("Accuracy = %v, want %v", got, c.want)
			}
		})
	}
	if !math.IsNaN(Accuracy(nil, nil, 0, 1)) {
		t.Error("Accuracy of no rows is not NaN")
	}
}

func TestRegressionMetrics(t *testing.T) {
	// y = 1 2 3 4 (ȳ = 2.5, SS_tot = 5), out = 1 2 4 3: SS_res = 2.
	y := []float64{1, 2, 3, 4}
	out := []float64{1, 2, 4, 3}
	if got := MSEMetric(out, y, 4); !near(got, 0.5, 1e-15) {
		t.Errorf("MSE = %v, want 0.5", got)
	}
	if got := R2(out, y, 4); !near(got, 1-2.0/5, 1e-15) {
		t.Errorf("R2 = %v, want 0.6", got)
	}
	if got := R2(y, y, 4); !near(got, 1, 1e-15) {
		t.Errorf("R2 perfect = %v", got)
	}
	mean := []float64{2.5, 2.5, 2.5, 2.5}
	if got := R2(mean, y, 4); !near(got, 0, 1e-15) {
		t.Errorf("R2 of the mean = %v, want 0", got)
	}
	c := []float64{3, 3}
	if got := R2(c, c, 2); got != 1 {
		t.Errorf("R2 constant exact = %v, want 1", got)
	}
	if got := R2([]float64{3, 4}, c, 2); got != 0 {
		t.Errorf("R2 constant inexact = %v, want 0", got)
	}
	if !math.IsNaN(R2(nil, nil, 0)) || !math.IsNaN(MSEMetric(nil, nil, 0)) {
		t.Error("metrics of no rows are not NaN")
	}
}

func TestWeightMetrics(t *testing.T) {
	w := []float64{0, 2, -1e-4, 0, -4, 0.01, 3e-3, 0}
	if got := WeightL1(w); !near(got, 6.0131, 1e-15) {
		t.Errorf("WeightL1 = %v", got)
	}
	if got := WeightL2(w); !near(got, 4+1e-8+16+1e-4+9e-6, 1e-15) {
		t.Errorf("WeightL2 = %v", got)
	}
	if got := Sparsity(w); got != 3.0/8 { // exact: ratio of small integers
		t.Errorf("Sparsity = %v, want 3/8", got)
	}
	// max|w| = 4, threshold 4e-3: the three zeros, -1e-4 and 3e-3.
	if got := NearZero(w); got != 5.0/8 { // exact: ratio of small integers
		t.Errorf("NearZero = %v, want 5/8", got)
	}
	if got := NearZero([]float64{0, 0}); got != 1 {
		t.Errorf("NearZero(all zero) = %v, want 1", got)
	}
	if !math.IsNaN(Sparsity(nil)) || !math.IsNaN(NearZero(nil)) {
		t.Error("fractions of no weights are not NaN")
	}
	if a := testing.AllocsPerRun(20, func() {
		_ = WeightL1(w) + WeightL2(w) + Sparsity(w) + NearZero(w) + Accuracy(w, w, 8, 1) + R2(w, w, 8)
	}); a != 0 {
		t.Errorf("metrics: %v allocs per run", a)
	}
}
