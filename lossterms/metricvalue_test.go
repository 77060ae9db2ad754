package lossterms

import (
	"math"
	"testing"
)

// TestMetricTable_EveryRowComputesItsValue: a metric is named and
// computed by one row; a row without its Value would leave its column
// empty in every run.
func TestMetricTable_EveryRowComputesItsValue(t *testing.T) {
	for _, m := range MetricTable() {
		if m.Value == nil {
			t.Errorf("metric %s (term %q) has no Value", m.Pattern, m.Term)
		}
	}
}

// TestMetricValues_ByRow fills the columns of a binary classification
// with two groups from a hand-made run and checks each value against the
// function its row names: a value lands in its own column, never by
// position or by a name spelled twice.
func TestMetricValues_ByRow(t *testing.T) {
	c := &MetricContext{Task: "classification", Binary: true, Groups: []string{"a", "b c"},
		Kinds: []string{"l2"}, Terms: []string{"l2"}, Splits: []string{"train", "test"}}
	out := []float64{1, -1, 2, -3, 0.5, 1}
	y := []float64{1, 0, 0, 0, 1, 1}
	group := []int{0, 0, 1, 1, 0, 1}
	view := func(split string, n int) *SplitView {
		return &SplitView{Split: split, Task: "classification", N: n, K: 1, Out: out[:n], Y: y[:n], Group: group[:n]}
	}
	w := []float64{0, 0.5, -2}
	e := &MetricEval{
		Splits: map[string]*SplitView{"train": view("train", 6), "test": view("test", 4)},
		Test:   true, Groups: 2, Weights: w, Epochs: 7,
		Loss: func(out, y []float64, n, k int) float64 { return float64(n) },
		Grad: map[string]GradStats{"l2": {Steps: 4, Negative: 1, CosSum: 2, RatioSum: 6}},
	}
	names, cols := MetricColumns(c), ExpandMetrics(c)
	got := make([]float64, len(names))
	for i := range got {
		got[i] = math.NaN()
	}
	MetricValues(cols, e, got)
	col := map[string]float64{}
	for i, n := range names {
		col[n] = got[i]
	}
	acc := make([]float64, 2)
	GroupAccuracy(acc, out[:4], y[:4], group[:4], 4, 1)
	want := map[string]float64{
		"train.accuracy":     Accuracy(out, y, 6, 1),
		"test.accuracy":      Accuracy(out[:4], y[:4], 4, 1),
		"train.loss":         6,
		"test.loss":          4,
		"test.dp_diff":       DPDiff(out[:4], group[:4], 4, 2),
		"test.eo_diff":       EODiff(out[:4], y[:4], group[:4], 4, 2),
		"test.accuracy_diff": Spread(acc),
		"test.accuracy.a":    acc[0],
		"test.accuracy.b_c":  acc[1],
		"gap.accuracy":       Accuracy(out, y, 6, 1) - Accuracy(out[:4], y[:4], 4, 1),
		"grad.cos.l2":        0.5,
		"grad.conflict.l2":   0.25,
		"grad.ratio.l2":      1.5,
		"weight_l2":          WeightL2(w),
		"epochs_run":         7,
	}
	for n, v := range want {
		if x, ok := col[n]; !ok || x != v { // exact: the same function on the same inputs
			t.Errorf("%s = %v (column present %v), want %v", n, x, ok, v)
		}
	}
	for i, n := range names {
		if math.IsNaN(got[i]) {
			t.Errorf("%s left empty", n)
		}
	}

	// A diverged run reports epochs_run only.
	for i := range got {
		got[i] = math.NaN()
	}
	MetricValues(cols, &MetricEval{Epochs: 3, Diverged: true}, got)
	for i, n := range names {
		if n == EpochsRun {
			if got[i] != 3 {
				t.Errorf("diverged: %s = %v, want 3", n, got[i])
			}
		} else if !math.IsNaN(got[i]) {
			t.Errorf("diverged: %s = %v, want empty", n, got[i])
		}
	}
}
