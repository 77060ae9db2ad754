package lossterms

import (
	"math"
	"testing"
)

// metricColumnsOf fills the columns of c from e and returns them by name.
func metricColumnsOf(c *MetricContext, e *MetricEval) map[string]float64 {
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
	return col
}

// checkColumns compares columns with values worked out by hand (within
// 1e-15: each is one or two rounded operations on small numbers).
func checkColumns(t *testing.T, col, want map[string]float64) {
	t.Helper()
	for n, v := range want {
		if x, ok := col[n]; !ok || math.Abs(x-v) > 1e-15 {
			t.Errorf("%s = %v (column present %v), want %v", n, x, ok, v)
		}
	}
	for n, x := range col {
		if _, ok := want[n]; !ok && !math.IsNaN(x) {
			t.Errorf("column %s = %v is not checked here", n, x)
		}
	}
}

// TestMetricValues_RegressionByHand: the columns of a regression run,
// each against its value worked out by hand (not by the functions the
// rows call). Train: y = 1 2 3 4, out = 1 2 4 3: mse 2/4 = 0.5, ȳ 2.5,
// SS_tot 5, SS_res 2, r2 0.6. Test: y = 0 2, out = 2 2: mse 4/2 = 2, ȳ 1,
// SS_tot 2, SS_res 4, r2 −1. gap.mse is test − train = 1.5 (an
// overfitting gap is positive). Weights (0, 0.5, −2): Σ|w| 2.5, Σw² 4.25,
// one of three exactly 0, and one below 1e-3·2 (near_zero 1/3). The
// gradient telemetry of l1: 4 steps, cosines summing to −1, 3 negative,
// ratios summing to 2: −0.25, 0.75, 0.5.
func TestMetricValues_RegressionByHand(t *testing.T) {
	c := &MetricContext{Task: "regression", Kinds: []string{"l1"}, Terms: []string{"l1"}, Splits: []string{"train", "test"}}
	view := func(split string, out, y []float64) *SplitView {
		return &SplitView{Split: split, Task: "regression", N: len(y), K: 1, Out: out, Y: y}
	}
	e := &MetricEval{
		Splits: map[string]*SplitView{"train": view("train", []float64{1, 2, 4, 3}, []float64{1, 2, 3, 4}),
			"test": view("test", []float64{2, 2}, []float64{0, 2})},
		Test: true, Weights: []float64{0, 0.5, -2}, Epochs: 5,
		Loss: func(out, y []float64, n, k int) float64 { return 10 * float64(n) },
		Grad: map[string]GradStats{"l1": {Steps: 4, Negative: 3, CosSum: -1, RatioSum: 2}},
	}
	checkColumns(t, metricColumnsOf(c, e), map[string]float64{
		"train.loss": 40, "test.loss": 20,
		"train.mse": 0.5, "test.mse": 2, "train.r2": 0.6, "test.r2": -1, "gap.mse": 1.5,
		"grad.cos.l1": -0.25, "grad.conflict.l1": 0.75, "grad.ratio.l1": 0.5,
		"weight_l1": 2.5, "weight_l2": 4.25, "sparsity": 1.0 / 3, "near_zero": 1.0 / 3, "epochs_run": 5,
	})
}

// TestMetricValues_SegmentationByHand: the columns of a segmentation run
// (one mask of 6 positions a row, foreground where the logit is > 0).
// Train: truth 1 1 0 0 0 0, logits 1 −1 2 −2 −1 3 → predicted 1 0 1 0 0 1:
// right at positions 0, 3, 4 (accuracy 3/6); foreground ∩ = {0}, ∪ =
// {0, 1, 2, 5} (iou 1/4); true boundary between 1 and 2 (j = 1),
// predicted ones at j = 0, 1, 2, 4: three within 1 position of j = 1
// (precision 3/4), the true one found (recall 1): F1 = 2·0.75/1.75 = 6/7.
// Test: an empty truth and an empty prediction: accuracy, iou and
// boundary F1 all 1. gap.accuracy = 0.5 − 1 = −0.5.
func TestMetricValues_SegmentationByHand(t *testing.T) {
	c := &MetricContext{Task: "segmentation", Splits: []string{"train", "test"}}
	view := func(split string, out, y []float64) *SplitView {
		return &SplitView{Split: split, Task: "segmentation", N: 1, K: 6, Out: out, Y: y}
	}
	e := &MetricEval{
		Splits: map[string]*SplitView{"train": view("train", []float64{1, -1, 2, -2, -1, 3}, []float64{1, 1, 0, 0, 0, 0}),
			"test": view("test", []float64{-1, -1, -1, -1, -1, -1}, []float64{0, 0, 0, 0, 0, 0})},
		Test: true, Weights: []float64{1, 1}, Epochs: 2,
		Loss: func(out, y []float64, n, k int) float64 { return float64(k) },
	}
	checkColumns(t, metricColumnsOf(c, e), map[string]float64{
		"train.loss": 6, "test.loss": 6,
		"train.accuracy": 0.5, "train.iou": 0.25, "train.boundary_f1": 6.0 / 7,
		"test.accuracy": 1, "test.iou": 1, "test.boundary_f1": 1, "gap.accuracy": -0.5,
		"weight_l1": 2, "weight_l2": 2, "sparsity": 0, "near_zero": 0, "epochs_run": 2,
	})
}

// TestMetricValues_SequenceByHand: the columns of a 3-class sequence
// run. Train: frames of sequences 0 0 0 1 1, logits (2 0 0), (0 3 1),
// (0 1 3), (5 0 0), (5 1 1) → predicted 0 1 2 0 0, truth 0 0 2 2 2.
// Frame pairs within a sequence: (0,1), (1,2), (3,4) (not (2,3): a new
// sequence). Predictions change at 2 of 3 (flicker 2/3), the truth at 1
// (flicker_excess 2/3 − 1/3 = 1/3); right at frames 0 and 2 (accuracy
// 2/5). Test: two frames of one sequence, both predicted 0, truth 0 1:
// flicker 0, excess −1, accuracy 1/2; gap.accuracy 0.4 − 0.5 = −0.1.
func TestMetricValues_SequenceByHand(t *testing.T) {
	c := &MetricContext{Task: "classification", Seq: true, Splits: []string{"train", "test"}}
	e := &MetricEval{
		Splits: map[string]*SplitView{
			"train": {Split: "train", Task: "classification", N: 5, K: 3, Seq: []int{0, 0, 0, 1, 1},
				Out: []float64{2, 0, 0, 0, 3, 1, 0, 1, 3, 5, 0, 0, 5, 1, 1}, Y: []float64{0, 0, 2, 2, 2}},
			"test": {Split: "test", Task: "classification", N: 2, K: 3, Seq: []int{0, 0},
				Out: []float64{1, 0, 0, 1, 0, 0}, Y: []float64{0, 1}},
		},
		Test: true, Weights: []float64{0.5}, Epochs: 1,
		Loss: func(out, y []float64, n, k int) float64 { return 1 },
	}
	checkColumns(t, metricColumnsOf(c, e), map[string]float64{
		"train.loss": 1, "test.loss": 1,
		"train.accuracy": 0.4, "train.flicker": 2.0 / 3, "train.flicker_excess": 1.0 / 3,
		"test.accuracy": 0.5, "test.flicker": 0, "test.flicker_excess": -1, "gap.accuracy": -0.1,
		"weight_l1": 0.5, "weight_l2": 0.25, "sparsity": 0, "near_zero": 0, "epochs_run": 1,
	})
}
